#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The LAVA test definition's step (lava/vas.yaml), usable on any board:
# run vas, then report each test as "vas.<group>.<test> pass|fail|skip"
# in OUTPUT/result.txt (Linaro test-definitions' format) and, when
# lava-test-case is there (a LAVA test shell), as one LAVA test case each.
#
# usage: vas.sh [-d DIR] [-g "GROUP..."] [-s SAMPLES] [-o OUTPUT]
#   DIR      a vas checkout with built programs (run_tests.sh; VAS_BIN is
#            honoured), or a kselftest install (run_kselftest.sh, vas/)
#            (default: the checkout this script is in)
#   GROUP    groups to run (default: every group)
#   SAMPLES  ASLR samples per mode (default 256)
#   OUTPUT   where ktap.log and result.txt go (default ./output)
# Exits 0 when the suite ran (its verdicts are in the results), 2 when it
# could not run.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
dir=$top groups='' samples=256 out=./output

usage() {
	sed -n 's/^# \{0,1\}//; 9,18p' "$0" >&2
	exit 2
}

while getopts d:g:s:o:h opt; do
	case $opt in
	d) dir=$OPTARG ;;
	g) groups=$OPTARG ;;
	s) samples=$OPTARG ;;
	o) out=$OPTARG ;;
	*) usage ;;
	esac
done
case $samples in
''|*[!0-9]*|0) echo "vas.sh: -s takes a positive number" >&2; exit 2 ;;
esac
if ! mkdir -p "$out" || ! out=$(cd "$out" && pwd); then
	echo "vas.sh: cannot write $out" >&2
	exit 2
fi
ktap=$out/ktap.log

if [ -x "$dir/run_kselftest.sh" ] && [ -d "$dir/vas" ]; then
	# A kselftest install: its own runner prints the same nested KTAP.
	set --
	for g in $groups; do
		set -- "$@" -t "vas:$g"
	done
	[ $# -gt 0 ] || set -- -c vas
	(cd "$dir" && VAS_SAMPLES=$samples ./run_kselftest.sh "$@") | tee "$ktap"
elif [ -x "$dir/run_tests.sh" ]; then
	# shellcheck disable=SC2086 # the groups are words
	"$dir/run_tests.sh" --results "$out/results" --samples "$samples" $groups
	[ -r "$out/results/latest/ktap.log" ] || { echo "vas.sh: the run wrote no ktap.log" >&2; exit 2; }
	cp "$out/results/latest/ktap.log" "$ktap"
else
	echo "vas.sh: $dir holds neither run_tests.sh nor a kselftest install (run_kselftest.sh, vas/)" >&2
	exit 2
fi

awk -v fmt=lava -v timing=/dev/null -v envfile=/dev/null \
	-f "$top/runner/results.awk" -f "$top/lava/result.awk" "$ktap" > "$out/result.txt" ||
	{ echo "vas.sh: could not read $ktap" >&2; exit 2; }
[ -s "$out/result.txt" ] || { echo "vas.sh: no test results in $ktap" >&2; exit 2; }

if command -v lava-test-case > /dev/null 2>&1; then
	while read -r name result; do
		lava-test-case "$name" --result "$result"
	done < "$out/result.txt"
else
	cat "$out/result.txt"
fi
exit 0
