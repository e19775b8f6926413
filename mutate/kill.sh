#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Kill trials: run the runner on a group and SIGKILL, at a random moment
# of its run, either the group program (with its test children, as a
# crash or an outside kill would) or the runner itself with everything
# in its session (as a CI job's timeout does), or let the runner's own
# timeout hit. Then, within a grace period, everything the suite changed
# must be as it was: every sysctl of run_tests.sh's list at its value,
# no memory cgroup, mount or process of the suite left, and the helper
# module unloaded unless it was loaded before.
#
#   kill.sh [--bin DIR] [--runner PATH] [--trials N] GROUP...
#
# Trials cycle through the groups and the three ways. Prints one line per
# trial and "kill: N/M trials left the machine as it was". Exit 0 when
# all did, 1 otherwise, 2 for a usage error. Needs root. POSIX sh.
set -u

here=$(cd "$(dirname "$0")" && pwd)
bin=${VAS_BIN:-$here/../build/native}
runner=$here/../run_tests.sh
trials=20
groups=

while [ $# -gt 0 ]; do
	case $1 in
	--bin) bin=$2; shift ;;
	--runner) runner=$2; shift ;;
	--trials) trials=$2; shift ;;
	-*) echo "kill.sh: unknown option '$1'" >&2; exit 2 ;;
	*) groups="$groups $1" ;;
	esac
	shift
done
[ -n "$groups" ] || { echo "usage: kill.sh [--bin DIR] [--runner PATH] [--trials N] GROUP..." >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "kill.sh: needs root" >&2; exit 2; }
bin=$(cd "$bin" && pwd) || exit 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vas-kill.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM HUP

sysctls=$(awk '/^VAS_SYSCTLS="/ { f = 1 } f { print } f && /"$/ { exit }' "$runner" |
	sed 's/VAS_SYSCTLS=//' | tr -d '"')

# What the machine looks like: sysctls, vas cgroups, mounts, module.
snapshot() {
	for s in $sysctls; do
		f=/proc/sys/$(echo "$s" | tr . /)
		[ -r "$f" ] && echo "sysctl $s=$(cat "$f")"
	done
	for root in /sys/fs/cgroup /sys/fs/cgroup/memory; do
		[ -d "$root" ] && find "$root" -maxdepth 3 -type d -name 'vas*' 2> /dev/null |
			sed 's/^/cgroup /'
	done
	awk '{ print "mount " $5 }' /proc/self/mountinfo
	[ -d /sys/module/vas_probe ] && echo "module vas_probe loaded"
	:
}

# Processes running a program of the suite (its folder or the runner).
suite_procs() {
	for p in /proc/[0-9]*; do
		pid=${p#/proc/}
		[ "$pid" = "$$" ] && continue
		exe=$(readlink "$p/exe" 2> /dev/null) || continue
		case $exe in
		"$bin"/*) echo "$pid ${exe##*/}" ;;
		esac
		cmd=$(tr '\0' ' ' < "$p/cmdline" 2> /dev/null)
		case $cmd in
		*"$runner"*"$tmp"*) echo "$pid runner" ;;
		esac
	done
}

# shellcheck source=../runner/session.sh
. "$here/../runner/session.sh"

# SIGKILL session SID until nothing of it is left to kill.
kill_session_all() {
	for i in 1 2 3; do
		kill_session "$1" KILL
	done
}

# The pid of the running group program (a session leader named GROUP).
group_pid() {
	short=$(echo "$g" | cut -c1-15)
	for st in /proc/[0-9]*/stat; do
		{ read -r line < "$st"; } 2> /dev/null || continue
		p=${st#/proc/}
		p=${p%/stat}
		comm=${line#*(}
		comm=${comm%%)*}
		rest=${line##*) }
		# shellcheck disable=SC2086
		set -- $rest
		[ "$comm" = "$short" ] || continue
		[ "${4:-}" = "$p" ] || continue
		# Not one of its own children in a session of their own (a
		# sysctl restorer, a cgroup guard): the parent is no group.
		{ read -r pline < "/proc/$2/stat"; } 2> /dev/null || continue
		pcomm=${pline#*(}
		[ "${pcomm%%)*}" = "$short" ] && continue
		echo "$p"
		return 0
	done 2> /dev/null
	return 1
}

rand() {
	od -An -N4 -tu4 /dev/urandom | tr -d ' '
}

ms_sleep() {
	sleep "$(($1 / 1000)).$(printf '%03d' $(($1 % 1000)))" 2> /dev/null || sleep 1
}

now_ms() {
	read -r up _ < /proc/uptime
	cs=$(echo "$up" | tr -d . | sed 's/^0*//')
	echo $(( ${cs:-0} * 10 ))
}

# How long a group program runs, for the kill moments.
duration_ms() {
	t0=$(now_ms)
	(cd "$bin" && "./$1" > /dev/null 2>&1)
	echo $(($(now_ms) - t0))
}

# Wait (up to 20 s) for the group program to start; its pid.
wait_group() {
	i=0
	while [ "$i" -lt 2000 ]; do
		group_pid && return 0
		kill -0 "$rpid" 2> /dev/null || return 1
		i=$((i + 1))
	done
	return 1
}

set -- $groups
ngroups=$#
passed=0 n=0
for g in $groups; do
	eval "dur_$g=$(duration_ms "$g")"
done
before=$tmp/before
snapshot > "$before"
while [ "$n" -lt "$trials" ]; do
	n=$((n + 1))
	idx=$(( (n - 1) % ngroups + 1 ))
	eval "g=\${$idx}"
	dur=0
	eval "dur=\$dur_$g"
	way=$(( (n - 1) / ngroups % 3 ))
	res=$tmp/res-$n
	mkdir -p "$res"
	case $way in
	0) how=group ;;
	1) how=runner ;;
	*) how=timeout ;;
	esac
	at=$(( $(rand) % (dur > 50 ? dur : 50) ))
	if [ "$how" = timeout ]; then
		# The runner's own timeout, 1 s, on the group.
		VAS_BIN=$bin VAS_TIMEOUT=1 setsid sh "$runner" --samples 4096 --results "$res" "$g" > "$res/out" 2>&1 &
		rpid=$!
		wait "$rpid"
		what="the runner's 1 s timeout"
		grep -q 'TIMEOUT' "$res/out" || what="$what (the group ended first)"
	else
		VAS_BIN=$bin setsid sh "$runner" --results "$res" "$g" > "$res/out" 2>&1 &
		rpid=$!
		# The moment counts from the group program's start.
		gp=$(wait_group) || gp=
		ms_sleep "$at"
		if [ "$how" = runner ]; then
			kill_session_all "$rpid"
			what="runner session SIGKILLed at ${at} ms"
		else
			if [ -n "$gp" ] && kill -0 "$gp" 2> /dev/null; then
				kill_session_all "$gp"
				what="$g SIGKILLed at ${at} ms"
			else
				what="$g not running at ${at} ms (finished)"
			fi
		fi
		wait "$rpid" 2> /dev/null
	fi
	# Restorers, guards and the runner's cleanup get a grace period.
	left=
	i=0
	while [ "$i" -lt 100 ]; do
		snapshot > "$tmp/after"
		procs=$(suite_procs)
		if cmp -s "$before" "$tmp/after" && [ -z "$procs" ]; then
			left=
			break
		fi
		left="$(awk 'NR == FNR { a[$0] = 1; next } { b[$0] = 1 }
			!($0 in a) { printf "new: %s; ", $0 }
			END { for (k in a) if (!(k in b)) printf "gone: %s; ", k }' \
			"$before" "$tmp/after")${procs:+processes: $(echo $procs)}"
		sleep 0.1 2> /dev/null || sleep 1
		i=$((i + 1))
	done
	if [ -z "$left" ]; then
		passed=$((passed + 1))
		echo "ok   $n $how $g: $what: nothing left, sysctls as they were"
	else
		echo "FAIL $n $how $g: $what: left: $left"
		for p in $procs; do
			case $p in *[!0-9]*) ;; *) kill -KILL "$p" 2> /dev/null ;; esac
		done
	fi
	rm -rf "$res"
done
echo "kill: $passed/$trials trials left the machine as it was"
[ "$passed" = "$trials" ]
