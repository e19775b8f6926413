# SPDX-License-Identifier: GPL-2.0
#
# vas: the Linux virtual address space, proven on the running kernel.
#
#   make run     set up what is missing, build, run the suite here
#   make check   set up what is missing, run the project's own tests
#
# Variables: KSRC=<kernel tree> (harness from there instead of Debian's
# linux-source-$(HARNESS)), HARNESS=6.1|6.12, ARCH=/CROSS_COMPILE= for
# cross builds, BUILD=<output folder>, INSTALL_PATH=<dir> for install,
# RUN_ARGS="..." passed to run_tests.sh.

HARNESS ?= 6.1
KSRC ?=
CACHE ?= $(CURDIR)/.cache
BUILD ?= $(CURDIR)/build/$(if $(ARCH),$(ARCH),native)
RUN_ARGS ?=

SELFTESTS := $(CURDIR)/tools/testing/selftests
VAS_SRC := $(SELFTESTS)/vas
HARNESS_ARGS := $(if $(KSRC),--ksrc "$(KSRC)",--debian $(HARNESS))
HARNESS_TAG := $(if $(KSRC),$(abspath $(KSRC)),linux-source-$(HARNESS))
# The kernel tree the harness came from (a cache extract or KSRC).
HARNESS_TREE = $(shell sh scripts/harness.sh $(HARNESS_ARGS) \
		 --cache "$(CACHE)" --link "$(SELFTESTS)")

.PHONY: all build run vm check install deps vm-deps check-deps harness kernel-tree clean

all: build

deps:
	@sh scripts/deps.sh run

vm-deps:
	@sh scripts/deps.sh vm

check-deps:
	@sh scripts/deps.sh check

harness:
	@sh scripts/harness.sh $(HARNESS_ARGS) --cache "$(CACHE)" \
		--link "$(SELFTESTS)" >/dev/null

# A build made with another harness is thrown away, not mixed.
build: harness
	@mkdir -p "$(BUILD)"
	@if [ "$$(cat "$(BUILD)/.harness" 2>/dev/null)" != "$(HARNESS_TAG)" ]; then \
		rm -rf "$(BUILD)"; mkdir -p "$(BUILD)"; \
		echo "$(HARNESS_TAG)" > "$(BUILD)/.harness"; \
	fi
	$(MAKE) -C "$(VAS_SRC)" OUTPUT="$(BUILD)"

run: deps build
	VAS_BIN="$(BUILD)" ./run_tests.sh $(RUN_ARGS)

vm: vm-deps
	./run_tests.sh --vm $(RUN_ARGS)

check: check-deps build
	sh tests/run.sh

# Copy the suite, with the module source in vas/kmod, into a kernel tree,
# where make -C tools/testing/selftests TARGETS=vas run_tests builds and
# runs it.
kernel-tree:
	@[ -n "$(KSRC)" ] || { echo "make kernel-tree needs KSRC=<kernel tree>" >&2; exit 2; }
	@[ -f "$(KSRC)/tools/testing/selftests/lib.mk" ] || \
		{ echo "KSRC=$(KSRC) has no tools/testing/selftests/lib.mk" >&2; exit 2; }
	rm -rf "$(KSRC)/tools/testing/selftests/vas"
	cp -R "$(VAS_SRC)" "$(KSRC)/tools/testing/selftests/vas"
	cp -R "$(CURDIR)/kmod" "$(KSRC)/tools/testing/selftests/vas/kmod"
	@echo "vas copied: make -C $(KSRC)/tools/testing/selftests TARGETS=vas run_tests"

# The kselftest layout (run_kselftest.sh -c vas), made by the kernel's own
# selftests Makefile in the harness tree.
install: harness
	@[ -n "$(INSTALL_PATH)" ] || { echo "make install needs INSTALL_PATH=<dir>" >&2; exit 2; }
	$(MAKE) kernel-tree KSRC="$(HARNESS_TREE)"
	$(MAKE) -C "$(HARNESS_TREE)/tools/testing/selftests" TARGETS=vas \
		INSTALL_PATH="$(abspath $(INSTALL_PATH))" install

clean:
	rm -rf "$(CURDIR)/build"
