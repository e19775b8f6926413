#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# bench/paging.sh: time the paging group at 1K, 16K and 256K pages
# (VAS_PAGING_PAGES) and print the time per page. Demand paging costs
# the same per page whatever N is, so the marginal cost between two sizes
# (extra time / extra pages) should stay about constant: total time grows
# linearly, and the per-page figure falls towards that marginal cost as
# the fixed part (process starts, fsync, THP, sysctls) is spread thinner.
#
#   bench/paging.sh [PAGES...]          (default: 1024 16384 262144)
#
# Takes the program from $VAS_BIN (default build/native), like
# run_tests.sh. POSIX sh; needs only date (or /proc/uptime) and awk.
set -u

here=$(cd "$(dirname "$0")/.." && pwd)
bin=${VAS_BIN:-$here/build/native}
prog=$bin/paging

if [ ! -x "$prog" ]; then
	echo "bench/paging.sh: no $prog (make build, or set VAS_BIN)" >&2
	exit 2
fi
[ $# -gt 0 ] || set -- 1024 16384 262144

# shellcheck source=bench/clock.sh
. "$here/bench/clock.sh"

tmp=${TMPDIR:-/tmp}/vas-bench-paging.$$
trap 'rm -f "$tmp"' EXIT INT TERM

ps=$(getconf PAGESIZE 2>/dev/null || echo 0)
echo "paging bench: $prog, page size $ps"
printf '%10s %10s %10s %12s %14s %s\n' pages seconds status ns/page \
	marginal-ns/pg tests
prev_n=
prev_t=
for n in "$@"; do
	t0=$(now_ns)
	VAS_PAGING_PAGES=$n "$prog" > "$tmp" 2>&1
	rc=$?
	t1=$(now_ns)
	tests=$(awk '/^# Totals:/ { sub(/^# Totals: /, ""); print }' "$tmp")
	awk -v n="$n" -v t0="$t0" -v t1="$t1" -v rc="$rc" -v pn="$prev_n" \
	    -v pt="$prev_t" -v tests="$tests" 'BEGIN {
		d = t1 - t0
		m = (pn != "" && n != pn) ? sprintf("%.1f", (d - pt) / (n - pn)) : "-"
		printf "%10d %10.3f %10s %12.1f %14s %s\n", n, d / 1e9,
		       rc ? "rc=" rc : "ok", d / n, m, tests
	}'
	prev_n=$n
	prev_t=$((t1 - t0))
done
