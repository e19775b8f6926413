#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Flake runs: the whole suite N times back to back, here or (--vm) in N
# boots of the default QEMU guest, and every test whose verdict changed
# between runs, with the runs that gave each verdict.
#
#   flake.sh [--vm] [-n N] [--results DIR] [GROUP...]
#
# Prints "flake: N runs, T tests, K changed verdicts" and exits 1 when a
# verdict changed, 0 otherwise, 2 when a run could not be made.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
n=10 vm='' results=${TMPDIR:-/tmp}/vas-flake groups=''
while [ $# -gt 0 ]; do
	case $1 in
	--vm) vm=--vm ;;
	-n) n=$2; shift ;;
	--results) results=$2; shift ;;
	-*) echo "flake.sh: unknown option '$1'" >&2; exit 2 ;;
	*) groups="$groups $1" ;;
	esac
	shift
done
mkdir -p "$results/runs" || exit 2
: > "$results/verdicts"
i=0
while [ "$i" -lt "$n" ]; do
	i=$((i + 1))
	# shellcheck disable=SC2086
	"$here/run_tests.sh" $vm --results "$results/runs" $groups > "$results/run-$i.log" 2>&1
	rc=$?
	[ "$rc" -le 1 ] || { echo "flake: run $i could not be made (exit $rc): $results/run-$i.log" >&2; exit 2; }
	run=$(readlink -f "$results/runs/latest")
	[ -z "$vm" ] || run=$run/x86_64
	# "run test status" per test; a skip keeps its reason.
	python3 - "$i" "$run/results.json" >> "$results/verdicts" <<'PY' || exit 2
import json, sys
for t in json.load(open(sys.argv[2]))["tests"]:
    st = t["status"] + (":" + t["reason"] if t["status"] == "skip" else "")
    print(sys.argv[1], t["name"], st.replace(" ", "_"))
PY
	echo "flake: run $i/$n: $(tail -n 1 "$results/run-$i.log")"
done
awk -v n="$n" '
	{ seen[$2 SUBSEP $3]++; if (!(($2, $3) in first)) first[$2, $3] = $1; tests[$2] = 1
	  runs[$2 SUBSEP $3] = runs[$2 SUBSEP $3] " " $1 }
	END {
		nt = 0; changed = 0
		for (t in tests) nt++
		for (k in seen) { split(k, p, SUBSEP); kinds[p[1]]++ }
		for (t in kinds) if (kinds[t] > 1) {
			changed++
			printf "flake: %s changed:", t
			for (k in seen) { split(k, p, SUBSEP); if (p[1] == t) {
				r = runs[k]; if (length(r) > 60) r = substr(r, 1, 60) " ..."
				printf " %s in %d run(s) (%s);", p[2], seen[k], r } }
			printf "\n" }
		printf "flake: %d runs, %d tests, %d changed verdicts\n", n, nt, changed
		exit changed ? 1 : 0 }' "$results/verdicts"
