#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run the mutation catalogue: the tests each mutation names, run once as
# they are (the baseline) and once under vas-mutate; a mutation is caught
# when every test it names is ok in the baseline and not ok under the
# mutation. POSIX sh (busybox runs it in the QEMU guest).
#
#   mutate/run.sh [--bin DIR] [--tool PATH] [--catalogue FILE]
#                 [--where host|guest|all] [--out FILE] [ID...]
#
# Prints one line per mutation and "mutations: CAUGHT/TOTAL caught";
# --out FILE gets "ID caught|survived|n/a" lines. Exit 0 when every
# mutation run was caught, 1 when one survived or could not be judged,
# 2 for a usage or setup error. Needs root (seccomp, ptrace, mounts).
set -u

here=$(cd "$(dirname "$0")" && pwd)
bin=${VAS_BIN:-$here/../build/native}
tool=${VAS_MUTATE:-}
catalogue=$here/catalogue
where=host
out=
ids=

usage() {
	echo "usage: $0 [--bin DIR] [--tool PATH] [--catalogue FILE] [--where host|guest|all] [--out FILE] [ID...]" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--bin) [ $# -ge 2 ] || usage; bin=$2; shift ;;
	--tool) [ $# -ge 2 ] || usage; tool=$2; shift ;;
	--catalogue) [ $# -ge 2 ] || usage; catalogue=$2; shift ;;
	--where) [ $# -ge 2 ] || usage; where=$2; shift ;;
	--out) [ $# -ge 2 ] || usage; out=$2; shift ;;
	-h|--help) usage ;;
	-*) echo "mutate: unknown option '$1'" >&2; usage ;;
	*) ids="$ids $1" ;;
	esac
	shift
done
case $where in
host|guest|all) ;;
*) echo "mutate: --where takes host, guest or all, not '$where'" >&2; exit 2 ;;
esac
[ -n "$tool" ] || tool=$bin/vas-mutate
[ -x "$tool" ] || { echo "mutate: $tool is not built: run 'make -C mutate' (or give --tool)" >&2; exit 2; }
[ -r "$catalogue" ] || { echo "mutate: cannot read $catalogue" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "mutate: needs root (seccomp filters, ptrace, mount namespaces)" >&2; exit 2; }
bin=$(cd "$bin" && pwd) || exit 2
catalogue=$(cd "$(dirname "$catalogue")" && pwd)/${catalogue##*/}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vas-mutate.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM HUP
per_run=${VAS_MUTATE_TIMEOUT:-300}

# Catalogue fields of one mutation: "group|where|expect|why".
entry() {
	awk -v id="$1" '
		/^\[/ { cur = substr($0, 2, length($0) - 2); next }
		cur != id || /^#/ || !NF { next }
		{ key = $1; sub(/^[^ \t]+[ \t]+/, "") }
		key == "expect" { expect = expect (expect == "" ? "" : " ") $0 }
		key == "group" { group = $0 }
		key == "where" { where = $0 }
		key == "why" { why = $0 }
		END { printf "%s|%s|%s|%s\n", group, where, expect, why }' "$catalogue"
}

all_ids() {
	sed -n 's/^\[\(.*\)\]$/\1/p' "$catalogue"
}

# verdicts GROUP KTAP: "id pass|fail|skip" per test of the program's output.
verdicts() {
	awk -v g="$1" '
		/^#  RUN / { name = $3; next }
		/^ok / || /^not ok / {
			if (name == "") next
			st = /^not ok/ ? "fail" : (/# SKIP/ ? "skip" : "pass")
			sub(/^global\./, "", name)
			print g "." name, st
			name = "" }' "$2"
}

# run GROUP OUT [vas-mutate args...]: the program's KTAP into OUT, only
# the tests named in $only (harness -r filters).
run() {
	g=$1 o=$2
	shift 2
	# shellcheck disable=SC2086 # one word per filter argument
	(cd "$bin" && exec timeout -s KILL "$per_run" "$@" "./$g" $only) > "$o" 2>&1
}

# shellcheck source=../runner/ids.sh
. "$here/../runner/ids.sh"

# The tests without the mutation, run the same way.
baseline() {
	b=$tmp/base.$2
	run "$1" "$b.ktap"
	verdicts "$1" "$b.ktap" > "$b"
	echo "$b"
}

[ -n "$ids" ] || ids=$(all_ids)
total=0 caught=0
for id in $ids; do
	e=$(entry "$id")
	group=${e%%|*} rest=${e#*|}
	w=${rest%%|*} rest=${rest#*|}
	expect=${rest%%|*} why=${rest#*|}
	if [ -z "$group" ] || [ -z "$expect" ]; then
		echo "mutate: no mutation '$id' (or it lacks group/expect) in $catalogue" >&2
		exit 2
	fi
	[ "$where" = all ] || [ "$w" = "$where" ] || continue
	[ -x "$bin/$group" ] || { echo "mutate: $bin/$group is not built" >&2; exit 2; }
	total=$((total + 1))
	# Only the named tests run: a mutation is judged on them, and a whole
	# group twice per mutation is too slow for a TCG guest.
	# shellcheck disable=SC2086
	only=$(harness_filters "$group" $expect)
	base=$(baseline "$group" "$id")
	m=$tmp/mut.$id
	run "$group" "$m.ktap" "$tool" -c "$catalogue" -m "$id" --
	rc=$?
	verdicts "$group" "$m.ktap" > "$m"
	status=caught detail=
	for t in $expect; do
		b=$(awk -v t="$t" '$1 == t { print $2 }' "$base")
		v=$(awk -v t="$t" '$1 == t { print $2 }' "$m")
		if [ "$b" != pass ]; then
			status=n/a detail="$detail $t is ${b:-missing} without the mutation;"
		elif [ "$v" != fail ]; then
			[ "$status" = caught ] && status=survived
			detail="$detail $t stayed ${v:-missing};"
		fi
	done
	# Every other test that turned, for the record.
	also=$(awk 'NR == FNR { b[$1] = $2; next }
		b[$1] == "pass" && $2 == "fail" { printf " %s", $1 }' "$base" "$m")
	if [ "$status" = caught ]; then
		caught=$((caught + 1))
		echo "caught   $id ($group): $why"
	else
		echo "$status $id ($group): $why:$detail (exit $rc)"
		[ "$status" = survived ] && grep -E '^(not )?ok |Expected' "$m.ktap" | sed 's/^/    /' | head -n 20
	fi
	echo "    turned not ok:${also:- nothing}"
	[ -z "$out" ] || echo "$id $status" >> "$out"
done
echo "mutations: $caught/$total caught"
[ "$caught" = "$total" ]
