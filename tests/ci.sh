# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh disable=SC2154
# (top, work, bin, make, log and check/pass/fail/skip come from tests/run.sh)
#
# vas in kernel CI, sourced by tests/run.sh after the suite and the guest
# ran: the KTAP through the kernel's own parser, KCIDB against its schema,
# fixed skip reasons, the kselftest install and gen_tar trees run by
# run_kselftest.sh (native and arm64, the module included), the config
# fragment merged into Debian's config by merge_config.sh, the LAVA test
# definition and jobs through LAVA's dispatcher, and the quality gates
# (checkpatch, sparse, shellcheck).

ci_py=$top/tests/ci_check.py
vas_src=$top/tools/testing/selftests/vas
# The runs of this check that left results: here as root and as nobody,
# and the default guest.
ci_runs=
for r in "$work/results-root/latest" "$work/results-nobody/latest" "$work/results-vm/latest/x86_64"; do
	[ -f "$r/results.json" ] && ci_runs="$ci_runs $r"
done

# The 6.12 tree (harness, kunit_parser.py, checkpatch) and the 6.1 tree
# (Debian's 6.1 config is merged with 6.1's Kconfig).
tree612=$(sh "$top/scripts/harness.sh" --debian 6.12 --cache "$top/.cache" --link "$work/links") || tree612=
tree61=$(sh "$top/scripts/harness.sh" --debian 6.1 --cache "$top/.cache" --link "$work/links") || tree61=
# Debian's 6.1 amd64 kernel of the default guest (headers, config).
ci_kernel() {
	sh "$top/scripts/kernel.sh" --meta "$1" --cache "$top/.cache" ${2:+--arch "$2"}
}
amd64_env=$(ci_kernel linux-image-amd64) || amd64_env=
krel() { echo "$1" | sed -n 's/^KREL=//p'; }
kdir() { echo "$1" | sed -n 's/^KDIR=//p'; }
kconfig() { echo "$1" | sed -n 's/^KCONFIG=//p'; }

# ---- KTAP: the kernel's parser, named result lines, fixed skip reasons ----
if [ -n "$ci_runs" ] && [ -n "$tree612" ]; then
	# shellcheck disable=SC2086 # one word per folder
	check "ci.ktap_kunit_parser_counts_equal_results_json" \
		python3 "$ci_py" ktap "$tree612/tools/testing/kunit" $ci_runs
	cat "$log"
	# shellcheck disable=SC2086
	check "ci.skip_reasons_are_fixed_strings" python3 "$ci_py" skips "$vas_src" $ci_runs
	tail -n 1 "$log"
else
	skip "ci.ktap_kunit_parser_counts_equal_results_json" "no run or no 6.12 tree"
	skip "ci.skip_reasons_are_fixed_strings" "no run"
fi

# ---- KCIDB ----
if [ -n "$ci_runs" ]; then
	# shellcheck disable=SC2086
	check "ci.kcidb_valid_and_equal_to_results_json" python3 "$ci_py" kcidb $ci_runs
	cat "$log"
	check "ci.kcidb_validator_rejects_broken_documents" python3 "$ci_py" kcidb-rejects
	tail -n 1 "$log"
else
	skip "ci.kcidb_valid_and_equal_to_results_json" "no run"
fi
# The converter gives the same document with every awk a board may have.
kcidb_awks_agree() {
	data=$top/tests/data/ktap-6.12.log
	printf 'kernel\t6.1.0-test\narch\tx86_64\nconfig\thost\nrun_id\t20250102-030405-42\n' > "$work/kcidb.env"
	: > "$work/kcidb.timing"
	first=
	for awk in mawk "busybox awk" gawk original-awk; do
		command -v "${awk%% *}" > /dev/null || continue
		# shellcheck disable=SC2086 # "busybox awk" is two words
		$awk -v fmt=kcidb -v timing="$work/kcidb.timing" -v envfile="$work/kcidb.env" \
			-f "$top/runner/results.awk" -f "$top/runner/kcidb.awk" "$data" \
			> "$work/kcidb.$(echo "$awk" | tr ' ' _).json" || return 1
		python3 -c 'import json, sys; json.load(open(sys.argv[1]))' \
			"$work/kcidb.$(echo "$awk" | tr ' ' _).json" || return 1
		if [ -z "$first" ]; then
			first=$work/kcidb.$(echo "$awk" | tr ' ' _).json
		else
			cmp "$first" "$work/kcidb.$(echo "$awk" | tr ' ' _).json" || return 1
		fi
		echo "$awk: same document"
	done
}
check "ci.kcidb_same_with_mawk_and_busybox_awk" kcidb_awks_agree

# ---- kselftest install, gen_tar, run_kselftest.sh ----
# ksft_runs DIR TEST...: run_kselftest.sh in an installed tree runs the
# tests; its KTAP (through a pipe: the kernel's runner writes the result
# line and the program's output through two descriptors) converts to
# results without a failure and with every group it ran.
ksft_runs() {
	dir=$1
	shift
	(cd "$dir" && ./run_kselftest.sh "$@") | cat > "$dir.ktap" || return 1
	awk -v fmt=json -v timing=/dev/null -v envfile=/dev/null -f "$top/runner/results.awk" \
		"$dir.ktap" > "$dir.json" || return 1
	python3 - "$dir.json" "$dir.ktap" "$top/tests/known-findings" <<'EOF'
import fnmatch, json, re, sys
doc = json.load(open(sys.argv[1]))
groups = re.findall(r"^(?:not )?ok \d+ selftests: vas: (\S+)", open(sys.argv[2]).read(), re.M)
known = [l.rstrip("\n").split("\t") for l in open(sys.argv[3]) if l.strip() and not l.startswith("#")]
bad = [t["name"] for t in doc["tests"] if t["status"] not in ("pass", "skip") and not any(
    fnmatch.fnmatch(t["name"], g) and re.search(r, t["reason"] + t.get("log", "")) for g, r, _ in known)]
s = doc["summary"]
print("run_kselftest.sh: %d programs, %d tests: %d passed, %d failed, %d skipped" % (
    len(groups), s["total"], s["passed"], s["failed"], s["skipped"]))
if bad or not groups or not s["total"]:
    print("failed: %s" % bad)
    sys.exit(1)
EOF
}

# ksft_tree_ok DIR KREL MACHINE: the layout run_kselftest.sh expects, every
# program and the module built for MACHINE, the module for kernel KREL.
ksft_tree_ok() {
	dir=$1 rel=$2 machine=$3
	for f in run_kselftest.sh kselftest/runner.sh kselftest-list.txt vas/settings vas/config vas/vas_probe.ko; do
		[ -e "$dir/$f" ] || { echo "$dir lacks $f"; return 1; }
	done
	for g in $("$top/run_tests.sh" --help | sed -n 's/^groups: //p'); do
		grep -qx "vas:$g" "$dir/kselftest-list.txt" || { echo "kselftest-list.txt lacks vas:$g"; return 1; }
		readelf -h "$dir/vas/$g" 2>/dev/null | grep -q "Machine: *$machine" ||
			{ echo "vas/$g is not a $machine program"; return 1; }
	done
	readelf -h "$dir/vas/vas_probe.ko" | grep -q "Machine: *$machine" || { echo "vas_probe.ko is not $machine"; return 1; }
	magic=$(modinfo -F vermagic "$dir/vas/vas_probe.ko" 2>/dev/null ||
		strings "$dir/vas/vas_probe.ko" | sed -n 's/^vermagic=//p')
	case $magic in
	"$rel "*) echo "vas_probe.ko: vermagic $magic" ;;
	*) echo "vas_probe.ko vermagic '$magic', not for $rel"; return 1 ;;
	esac
}

if [ -n "$amd64_env" ]; then
	native=$work/ksft-native
	check "ci.make_install_native" "$make" -C "$top" install INSTALL_PATH="$native" \
		KDIR="$(kdir "$amd64_env")"
	if [ -d "$native/vas" ]; then
		check "ci.kselftest_install_native_layout_with_module" ksft_tree_ok "$native" "$(krel "$amd64_env")" "Advanced Micro Devices X86-64"
		tail -n 1 "$log"
		check "ci.run_kselftest_t_vas_split_nullpage" ksft_runs "$native" -t vas:split -t vas:nullpage
		tail -n 1 "$log"
		check "ci.run_kselftest_c_vas" ksft_runs "$native" -c vas
		tail -n 1 "$log"
	fi
	# The kernel tree's own gen_tar, in the tree make install copied the
	# suite into (make kernel-tree) and built it in.
	gen_tar_ok() {
		tar_dir=$work/ksft-gen-tar
		rm -rf "$tar_dir" "$work/ksft-untar"
		"$make" -C "$tree612/tools/testing/selftests" TARGETS=vas KSFT_INSTALL_PATH="$tar_dir" \
			KDIR="$(kdir "$amd64_env")" gen_tar || return 1
		mkdir -p "$work/ksft-untar"
		tar -xzf "$tar_dir/kselftest-packages/kselftest.tar.gz" -C "$work/ksft-untar" || return 1
		ksft_tree_ok "$work/ksft-untar" "$(krel "$amd64_env")" "Advanced Micro Devices X86-64" || return 1
		ksft_runs "$work/ksft-untar" -t vas:split
	}
	check "ci.gen_tar_tree_runs_vas" gen_tar_ok
	tail -n 1 "$log"
else
	skip "ci.kselftest_install_native_layout_with_module" "no Debian amd64 kernel headers"
fi

# arm64: cross-built programs and module (Debian's arm64 headers); the
# tree is checked, not run (no arm64 machine here: the arm64 guest runs
# the suite through run_tests.sh --vm=arm64).
arm64_env=$(ci_kernel linux-image-arm64 arm64 2> /dev/null) || arm64_env=
if [ -n "$arm64_env" ] && command -v aarch64-linux-gnu-gcc > /dev/null; then
	arm64=$work/ksft-arm64
	arm64_ok() {
		"$make" -C "$top" install ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
			INSTALL_PATH="$arm64" KDIR="$(kdir "$arm64_env")" || return 1
		ksft_tree_ok "$arm64" "$(krel "$arm64_env")" AArch64 || return 1
		(cd "$arm64" && ./run_kselftest.sh -l) | grep -q '^vas:kernel_layout$'
	}
	check "ci.kselftest_install_arm64_layout_with_module" arm64_ok
	tail -n 1 "$log"
else
	skip "ci.kselftest_install_arm64_layout_with_module" "no arm64 headers or cross compiler"
fi
# Leave the default harness linked for the developer's next build.
"$make" -C "$top" harness > /dev/null 2>&1

# ---- the config fragment merges into Debian's 6.1 amd64 config ----
# merge_config.sh runs alldefconfig in the 6.1 tree (its Kconfig files)
# and names every requested value that did not make it; the compiler and
# pahole must be the ones Debian's config was made with (gcc-12, 1.24),
# or the base config's own compiler-dependent options are reported.
merge_ok() {
	frag=$1 want=$2
	kc=$top/build/kconfig-6.1
	mkdir -p "$kc"
	(cd "$tree61" && MAKEFLAGS="CC=gcc-12" sh scripts/kconfig/merge_config.sh \
		-O "$kc" "$(kconfig "$amd64_env")" "$frag") > "$work/merge.log" 2>&1 || {
		cat "$work/merge.log"; return 1; }
	n=$(grep -c 'not in final .config' "$work/merge.log")
	grep -A2 'not in final .config' "$work/merge.log"
	echo "merge_config.sh: $n value(s) not in the final .config (want $want)"
	[ "$n" = "$want" ] || return 1
	[ "$want" != 0 ] && return 0
	# Every line of the fragment is in the result.
	while IFS= read -r line; do
		grep -qx -- "$line" "$kc/.config" || { echo "final .config lacks '$line'"; return 1; }
	done < "$frag"
}
if [ -n "$tree61" ] && [ -n "$amd64_env" ] && [ -f "$tree61/scripts/kconfig/merge_config.sh" ] &&
	command -v gcc-12 > /dev/null && command -v flex > /dev/null && command -v bison > /dev/null; then
	check "ci.config_fragment_merges_into_debian_6.1_amd64" merge_ok "$vas_src/config" 0
	tail -n 1 "$log"
	# The check can fail: an option whose dependencies amd64 lacks.
	{ cat "$vas_src/config"; echo "CONFIG_HIGHMEM64G=y"; } > "$work/config.bad"
	check "ci.config_merge_reports_an_unmet_option" merge_ok "$work/config.bad" 1
	tail -n 1 "$log"
else
	skip "ci.config_fragment_merges_into_debian_6.1_amd64" "needs the 6.1 tree, Debian's config, gcc-12, flex, bison"
fi

# ---- LAVA ----
check "ci.lava_testdef_is_linaro_style" python3 "$ci_py" testdef "$top/lava/vas.yaml"
# The definition's step on this machine, under busybox sh, lava-test-case
# a stub that records its calls: one per test, as results.json says.
lava_step_ok() {
	dir=$1 out=$2
	shift 2
	mkdir -p "$work/lava-bin"
	printf '#!/bin/sh\necho "$@" >> "$LAVA_CALLS"\n' > "$work/lava-bin/lava-test-case"
	chmod +x "$work/lava-bin/lava-test-case"
	rm -rf "$out"
	: > "$out.calls"
	LAVA_CALLS=$out.calls PATH=$work/lava-bin:$PATH VAS_BIN=$bin \
		busybox sh "$top/lava/vas.sh" -d "$dir" -g "split nullpage" -s 16 -o "$out" || return 1
	awk -v fmt=json -v timing=/dev/null -v envfile=/dev/null -f "$top/runner/results.awk" \
		"$out/ktap.log" > "$out/results.json" || return 1
	python3 "$ci_py" lava-calls "$out.calls" "$out"
}
if command -v busybox > /dev/null; then
	check "ci.lava_testdef_step_reports_each_test_from_a_checkout" lava_step_ok "$top" "$work/lava-checkout"
	tail -n 1 "$log"
	if [ -d "$work/ksft-native/vas" ]; then
		check "ci.lava_testdef_step_reports_each_test_from_kselftest" lava_step_ok "$work/ksft-native" "$work/lava-ksft"
		tail -n 1 "$log"
	fi
fi

# The jobs, through LAVA's dispatcher: the lab template validated (its test
# shell needs a worker's guestfs), the monitor job run on the default
# guest's kernel and initramfs.
if [ "$(id -u)" = 0 ] && [ -f "${VAS_VM_BUILD:-$top/build}/vm-initramfs/x86_64.cpio.gz" ]; then
	lava_ok() {
		out=$work/lava
		sh "$top/lava/run-local.sh" -c x86_64 -g split,kernel_layout -o "$out" || return 1
		# The guest's own KTAP, from the console LAVA recorded.
		mkdir -p "$out/guest"
		sed -n '/^TAP version 13/,/^vas: [0-9]* passed/p' "$out/console.log" |
			sed '$d' | tr -d '\r' > "$out/guest/ktap.log"
		awk -v fmt=json -v timing=/dev/null -v envfile=/dev/null -f "$top/runner/results.awk" \
			"$out/guest/ktap.log" > "$out/guest/results.json" || return 1
		python3 "$ci_py" lava-local "$out" "$out/guest"
	}
	check "ci.lava_run_monitor_job_on_the_default_guest" lava_ok
	tail -n 1 "$log"
	lava_validate_ok() {
		out=$work/lava
		sed -e "s|@ARCH@|x86_64|g; s|@CONSOLE@|ttyS0|g" \
			-e "s|@KERNEL_URL@|file://$(echo "$amd64_env" | sed -n 's/^VMLINUZ=//p')|" \
			-e "s|@ROOTFS_URL@|file://${VAS_VM_BUILD:-$top/build}/vm-initramfs/x86_64.cpio.gz|" \
			-e "s|@KSELFTEST_URL@|https://example.org/kselftest.tar.gz|" \
			-e "s|@VAS_GIT_URL@|$top|" "$top/lava/qemu-job.yaml" > "$out/lab-job.yaml"
		mkdir -p "$out/validate"
		PYTHONPATH=$top/.cache/lava/usr/lib/python3/dist-packages:$top/.cache/lava/stub \
			python3 "$top/.cache/lava/usr/bin/lava-run" --validate --job-id "vas-validate-$$" \
			--output-dir "$out/validate" --device "$out/device.yaml" "$out/lab-job.yaml" \
			> "$out/validate.log" 2>&1 || { tail -n 5 "$out/validate.log"; return 1; }
		grep -q '"case": "validate".*"result": "pass"' "$out/validate.log" || return 1
		for a in git-repo-action inline-repo-action lava-test-shell apply-overlay-guest; do
			grep -q "name: $a" "$out/validate/description.yaml" || { echo "no $a in the pipeline"; return 1; }
		done
		echo "lava-run --validate: the lab job's pipeline has the vas definition and its test shell"
	}
	check "ci.lava_lab_job_validates" lava_validate_ok
	tail -n 1 "$log"
else
	skip "ci.lava_run_monitor_job_on_the_default_guest" "needs root and the default guest's initramfs"
fi

# ---- quality gates ----
# checkpatch --strict: no ERROR, no WARNING. Two warnings are wrong for
# kselftest sources and are ignored:
#   ENOSYS                  the tests compare errno with ENOSYS exactly
#                           when a syscall number is missing, the one use
#                           checkpatch itself says is right;
#   MACRO_WITH_FLOW_CONTROL the harness's ASSERT_*/SKIP are flow-control
#                           macros by design; a test macro wrapping them
#                           must return as they do.
# CHECKs are counted, not gated.
checkpatch_ok() {
	n_files=0
	for f in "$top"/kmod/*.c "$top"/kmod/*.h "$vas_src"/*.c "$vas_src"/*.h "$top"/tests/unit/*.c; do
		n_files=$((n_files + 1))
	done
	(cd "$work" && perl "$tree612/scripts/checkpatch.pl" --strict --no-tree --terse \
		--show-types --ignore ENOSYS,MACRO_WITH_FLOW_CONTROL -f \
		"$top"/kmod/*.c "$top"/kmod/*.h "$vas_src"/*.c "$vas_src"/*.h "$top"/tests/unit/*.c) \
		> "$work/checkpatch.log" 2>&1
	rm -f "$work"/.checkpatch-camelcase.*
	bad=$(grep -cE ': (ERROR|WARNING):' "$work/checkpatch.log")
	grep -E ': (ERROR|WARNING):' "$work/checkpatch.log"
	echo "checkpatch --strict: $n_files files, $bad errors or warnings, $(grep -c ': CHECK:' "$work/checkpatch.log") CHECKs"
	[ "$bad" = 0 ] && [ "$n_files" -gt 0 ]
}
if [ -n "$tree612" ] && [ -f "$tree612/scripts/checkpatch.pl" ]; then
	check "gate.checkpatch_strict_no_errors_or_warnings" checkpatch_ok
	tail -n 1 "$log"
else
	skip "gate.checkpatch_strict_no_errors_or_warnings" "no checkpatch.pl"
fi

# sparse (C=2: every source) on the module against both Debian kernels;
# any warning of sparse or of the compiler fails.
sparse_ok() {
	rc=0
	for meta in linux-image-amd64 'linux-image-6.12.*+deb12-amd64'; do
		env_=$(ci_kernel "$meta") || return 1
		out=$work/sparse-$(krel "$env_")
		make -C "$top/kmod" KDIR="$(kdir "$env_")" OUT="$out" C=2 > "$out.log" 2>&1 || { cat "$out.log"; return 1; }
		grep -q 'CHECK .*vas_probe.c' "$out.log" || { echo "sparse did not run"; return 1; }
		if grep -E 'warning:|error:' "$out.log"; then
			rc=1
		fi
		echo "sparse on vas_probe.c against $(krel "$env_"): $(grep -cE 'warning:|error:' "$out.log") warnings"
	done
	return $rc
}
if command -v sparse > /dev/null; then
	check "gate.sparse_module_clean" sparse_ok
	tail -n 2 "$log"
else
	skip "gate.sparse_module_clean" "sparse missing"
fi

# The shellcheck gate (warnings and errors) on every shell script, sh and bash:
# files with a shell shebang or a .sh name; sourced ones without a
# shebang are POSIX sh.
shellcheck_ok() {
	files=$(cd "$top" && { git ls-files; git ls-files -o --exclude-standard; } 2>/dev/null | sort -u |
		while read -r f; do
			[ -f "$f" ] || continue
			case $f in
			results/*|build/*) continue ;;
			*.sh) echo "$f" ;;
			*) head -n 1 "$f" 2>/dev/null | grep -q '^#!.*\b\(ba\)\{0,1\}sh\b' && echo "$f" ;;
			esac
		done)
	[ -n "$files" ] || return 1
	rc=0
	for f in $files; do
		if head -n 1 "$top/$f" | grep -q '^#!' || grep -q '^# shellcheck shell=' "$top/$f"; then
			(cd "$top" && shellcheck -S warning "$f") || rc=1
		else
			(cd "$top" && shellcheck -S warning -s sh "$f") || rc=1
		fi
	done
	echo "shellcheck -S warning: $(echo "$files" | wc -l) scripts"
	return $rc
}
if command -v shellcheck > /dev/null; then
	check "gate.shellcheck_all_scripts" shellcheck_ok
	tail -n 1 "$log"
else
	skip "gate.shellcheck_all_scripts" "shellcheck missing"
fi
