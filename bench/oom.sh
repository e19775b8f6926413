#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# bench/oom.sh: the oom group's wall time against its budget: under 10 s
# on a host, under 30 s in a TCG guest.
#
#   bench/oom.sh [RUNS]               run the oom program here RUNS times
#                                     (default 3) and time each run
#   bench/oom.sh --guest RESULTS      read the times of a finished --vm run:
#                                     RESULTS is its --results folder (or
#                                     one run or config folder in it); the
#                                     oom testsuite time of each config's
#                                     junit.xml, the whole group in the guest
#
# A guest run first: ./run_tests.sh --vm --results /tmp/r oom, then
# bench/oom.sh --guest /tmp/r. On the host the program comes from $VAS_BIN
# (default build/native), like run_tests.sh; run it as root, or the
# cgroup tests SKIP and the time says little. POSIX sh; needs date (or
# /proc/uptime) and awk. Prints the times; exits 2 on a usage error.
set -u

HOST_BUDGET=10
GUEST_BUDGET=30

here=$(cd "$(dirname "$0")/.." && pwd)

usage() {
	sed -n '4,19s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

verdict() {
	awk -v t="$1" -v b="$2" 'BEGIN { print (t < b) ? "within" : "OVER" }'
}

# The oom testsuite time of one junit.xml, empty when absent.
suite_time() {
	awk '/<testsuite / && /name="oom"/ {
		if (match($0, /time="[0-9.]+"/)) {
			print substr($0, RSTART + 6, RLENGTH - 7)
			exit
		}
	}' "$1"
}

guest() {
	dir=$1
	[ -d "$dir" ] || { echo "bench/oom.sh: no folder $dir" >&2; exit 2; }
	[ -e "$dir/latest" ] && dir=$dir/latest
	found=0
	echo "oom bench: guest results in $dir (budget ${GUEST_BUDGET} s)"
	printf '%-24s %10s %s\n' config seconds budget
	for j in "$dir"/junit.xml "$dir"/*/junit.xml; do
		[ -f "$j" ] || continue
		t=$(suite_time "$j")
		[ -n "$t" ] || continue
		cfg=$(basename "$(dirname "$j")")
		printf '%-24s %10s %s\n' "$cfg" "$t" "$(verdict "$t" $GUEST_BUDGET)"
		found=1
	done
	if [ $found = 0 ]; then
		echo "bench/oom.sh: no oom testsuite in $dir/*/junit.xml" >&2
		exit 2
	fi
}

# shellcheck source=bench/clock.sh
. "$here/bench/clock.sh"

host() {
	runs=$1
	bin=${VAS_BIN:-$here/build/native}
	prog=$bin/oom
	if [ ! -x "$prog" ]; then
		echo "bench/oom.sh: no $prog (make build, or set VAS_BIN)" >&2
		exit 2
	fi
	tmp=${TMPDIR:-/tmp}/vas-bench-oom.$$
	trap 'rm -f "$tmp"' EXIT INT TERM
	echo "oom bench: $prog, uid $(id -u) (budget ${HOST_BUDGET} s)"
	printf '%4s %10s %8s %s\n' run seconds budget tests
	i=1
	while [ "$i" -le "$runs" ]; do
		t0=$(now_ns)
		"$prog" > "$tmp" 2>&1
		rc=$?
		t1=$(now_ns)
		tests=$(awk '/^# Totals:/ { sub(/^# Totals: /, ""); print }' "$tmp")
		s=$(awk -v d=$((t1 - t0)) 'BEGIN { printf "%.3f", d / 1e9 }')
		[ $rc = 0 ] || tests="rc=$rc $tests"
		printf '%4d %10s %8s %s\n' "$i" "$s" \
			"$(verdict "$s" $HOST_BUDGET)" "$tests"
		i=$((i + 1))
	done
}

case ${1:-} in
-h | --help) usage ;;
--guest) [ $# = 2 ] || usage; guest "$2" ;;
'') host 3 ;;
*[!0-9]* | 0) usage ;;
*) [ $# = 1 ] || usage; host "$1" ;;
esac
