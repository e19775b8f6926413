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
# RUN_ARGS="..." passed to run_tests.sh, BENCH_ARGS="..." to bench/vm.sh.

# 6.12's harness names every result line, skips included ("ok N name #
# SKIP reason"), as CI parsers want; 6.1's ("ok N # SKIP reason") is the
# one a kernel developer gets in a 6.1 tree, and builds as well.
HARNESS ?= 6.12
KSRC ?=
CACHE ?= $(CURDIR)/.cache
BUILD ?= $(CURDIR)/build/$(if $(ARCH),$(ARCH),native)
RUN_ARGS ?=

SELFTESTS := $(CURDIR)/tools/testing/selftests
VAS_SRC := $(SELFTESTS)/vas
HARNESS_ARGS := $(if $(KSRC),--ksrc "$(KSRC)",--debian $(HARNESS))
HARNESS_TAG := $(if $(KSRC),$(abspath $(KSRC)),linux-source-$(HARNESS))
# Cross builds link the target's liburing and libnuma, unpacked from
# Debian's packages of that architecture into the cache.
CROSS_FLAGS = $(if $(CROSS_COMPILE),\
	USERCFLAGS="$(USERCFLAGS) $$(sh scripts/sysroot.sh --cross $(CROSS_COMPILE) --cache "$(CACHE)" --cflags)" \
	USERLDFLAGS="$(USERLDFLAGS) $$(sh scripts/sysroot.sh --cross $(CROSS_COMPILE) --cache "$(CACHE)" --ldflags)")
# The kernel tree the harness came from (a cache extract or KSRC).
HARNESS_TREE = $(shell sh scripts/harness.sh $(HARNESS_ARGS) \
		 --cache "$(CACHE)" --link "$(SELFTESTS)")

.PHONY: all build run vm check bench install deps vm-deps check-deps harness kernel-tree clean

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
	@$(if $(CROSS_COMPILE),sh scripts/sysroot.sh --cross $(CROSS_COMPILE) --cache "$(CACHE)" > /dev/null)
	$(MAKE) -C "$(VAS_SRC)" OUTPUT="$(BUILD)" $(CROSS_FLAGS)

run: deps build
	VAS_BIN="$(BUILD)" ./run_tests.sh $(RUN_ARGS)

vm: vm-deps
	./run_tests.sh --vm $(RUN_ARGS)

check: check-deps build
	sh tests/run.sh

# Per QEMU config, boot-only against boot+suite time, and the host
# suite's wall time. BENCH_ARGS="--jobs 2 x86_64,arm64" to narrow it.
BENCH_ARGS ?=
bench: vm-deps build
	VAS_BIN="$(BUILD)" sh bench/vm.sh $(BENCH_ARGS)

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
		INSTALL_PATH="$(abspath $(INSTALL_PATH))" $(CROSS_FLAGS) install

clean:
	rm -rf "$(CURDIR)/build"
