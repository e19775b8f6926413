#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2154 # vm_cache, vm_build: set by runner/vm.sh
#
# bench/vm.sh: what the suite costs in each QEMU config, and here.
#
#   bench/vm.sh [--jobs N] [CFG,...|all]      (default: all)
#
# For each config: the boot+suite time of a --vm run (one guest at a
# time by default, so that the guests do not share the CPUs), then the
# same kernel and initramfs booted with no group to run (boot-only
# time); the ratio boot+suite / boot-only is the suite's cost in boots.
# Then the host suite's wall time (from $VAS_BIN, default build/native).
# Guests use the build folder $VAS_VM_BUILD as run_tests.sh does; the
# results go to a temporary folder (VAS_BENCH_RESULTS to keep them).
# Timings are one run's, not assertions. POSIX sh.
set -u

here=$(cd "$(dirname "$0")/.." && pwd)
jobs=1 cfgs=all
while [ $# -gt 0 ]; do
	case $1 in
	--jobs) jobs=${2:-}; shift 2 ;;
	-h|--help) sed -n '5,17s/^# \{0,1\}//p' "$0"; exit 0 ;;
	-*) echo "bench/vm.sh: unknown option '$1'" >&2; exit 2 ;;
	*) cfgs=$1; shift ;;
	esac
done
case $jobs in ''|*[!0-9]*|0) echo "bench/vm.sh: --jobs takes a number" >&2; exit 2 ;; esac

out=${VAS_BENCH_RESULTS:-$(mktemp -d)}
mkdir -p "$out"
# shellcheck source=bench/clock.sh
. "$here/bench/clock.sh"

secs() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'
}

# 1. boot+suite, from the runner's own account of each config.
echo "bench: ./run_tests.sh --vm=$cfgs (VAS_VM_JOBS=$jobs), results in $out/vm" >&2
t0=$(now_ns)
VAS_VM_JOBS=$jobs "$here/run_tests.sh" --vm="$cfgs" --results "$out/vm" > "$out/vm.log" 2>&1
rc=$?
t1=$(now_ns)
[ "$rc" -le 1 ] || { tail -n 5 "$out/vm.log" >&2; echo "bench: the --vm run failed (exit $rc)" >&2; exit 2; }
vm_wall=$(secs "$t0" "$t1")

# 2. boot-only: each config's kernel and initramfs, no group to run.
# The runner's guest driver does the booting.
# shellcheck disable=SC2034 # read by runner/vm.sh
run_dir=$out/boot
mkdir -p "$run_dir"
# shellcheck source=runner/vm.sh
. "$here/runner/vm.sh"
# shellcheck disable=SC2034 # read by vm_boot
stream=0
setup_error() { echo "bench: $*" >&2; exit 2; }
usage_error() { setup_error "$@"; }
uptime_cs() { awk '{ printf "%d\n", $1 * 100 }' /proc/uptime; }

printf '%-20s %9s %12s %9s %7s\n' config boot_s boot+suite_s suite_s ratio
for c in $(vm_select "$cfgs"); do
	both=$(sed -n "s/^# vm: $c: boot and suite took \\([0-9.]*\\) s\$/\\1/p" "$out/vm.log")
	(
		# shellcheck disable=SC1090
		. "$here/vm/$c.conf"
		eval "$(sh "$here/scripts/kernel.sh" --meta "$VM_KERNEL" --arch "$VM_DEB_ARCH" \
			--cache "$vm_cache")" || exit 2
		# shellcheck disable=SC2034 # read by vm_boot
		initrd=$vm_build/vm-initramfs/$c.cpio.gz
		[ -f "$initrd" ] || exit 2
		accel=$(vm_accel 2> /dev/null)
		b0=$(now_ns)
		vm_boot "$run_dir/$c.log" 300 "$accel" "vas.groups=none" || exit 3
		b1=$(now_ns)
		grep -q '^vas-guest: done' "$run_dir/$c.log" || exit 3
		boot=$(secs "$b0" "$b1")
		awk -v c="$c" -v b="$boot" -v t="${both:-}" 'BEGIN {
			if (t == "") { printf "%-20s %9.1f %12s %9s %7s\n", c, b, "-", "-", "-"; exit }
			printf "%-20s %9.1f %12.1f %9.1f %6.1fx\n", c, b, t, t - b, t / b }'
	) || printf '%-20s %9s\n' "$c" "failed"
done
echo "--vm=$cfgs wall time: $vm_wall s (VAS_VM_JOBS=$jobs, builds and second kaslr boots included)"

# 3. the host suite.
bin=${VAS_BIN:-$here/build/native}
if [ -x "$bin/split" ]; then
	h0=$(now_ns)
	VAS_BIN=$bin "$here/run_tests.sh" --results "$out/host" > "$out/host.log" 2>&1
	h1=$(now_ns)
	echo "host suite wall time: $(secs "$h0" "$h1") s ($(tail -n 1 "$out/host.log"))"
else
	echo "host suite: $bin/split not built (make build)"
fi
[ -n "${VAS_BENCH_RESULTS:-}" ] || rm -rf "$out"
