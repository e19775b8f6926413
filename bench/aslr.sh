#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Benchmark: wall time of the whole aslr group at --samples 64, 256
# (the budget: under 5 s on the development host) and 1024, to show that
# the time scales with the sample count. POSIX sh (busybox ash too).
#
# usage: bench/aslr.sh [SAMPLES...]    (default: 64 256 1024)
# Takes the programs from VAS_BIN (default build/native), like run_tests.sh.
set -u

here=$(cd "$(dirname "$0")/.." && pwd)
bin=${VAS_BIN:-$here/build/native}
[ -x "$bin/aslr" ] && [ -x "$bin/aslr_probe" ] || {
	echo "bench/aslr.sh: no aslr and aslr_probe in $bin (make build, or set VAS_BIN)" >&2
	exit 2
}
[ $# -gt 0 ] || set -- 64 256 1024

# shellcheck source=bench/clock.sh
. "$here/bench/clock.sh"

printf '%-8s %10s %8s %6s %6s %6s\n' samples seconds "ms/exec" pass fail skip
for n in "$@"; do
	out=$(mktemp)
	t0=$(($(now_ns) / 1000000))
	(cd "$bin" && VAS_SAMPLES=$n ./aslr) >"$out" 2>&1
	t1=$(($(now_ns) / 1000000))
	ms=$((t1 - t0))
	# Modes whose samples were taken: each execs the probe n times.
	modes=$(grep -c '^ok [0-9]* sampled\.[a-z_0-9]*\.at_random_bytes_differ' "$out")
	execs=$((modes * n))
	pass=$(grep -c '^ok [0-9]* sampled\.' "$out")
	fail=$(grep -c '^not ok' "$out")
	skip=$(grep -c '^ok [0-9]* # SKIP' "$out")
	if [ "$execs" -gt 0 ]; then
		per=$(awk "BEGIN { printf \"%.3f\", $ms / $execs }")
	else
		per=-
	fi
	printf '%-8s %10s %8s %6s %6s %6s\n' "$n" \
		"$(awk "BEGIN { printf \"%.2f\", $ms / 1000 }")" "$per" \
		"$pass" "$fail" "$skip"
	rm -f "$out"
done
