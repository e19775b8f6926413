# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Sourced by run_tests.sh and mutate/kill.sh: the processes of a session,
# found in /proc (a board may have no pkill).

# session_pids SID: the pid of each process in session SID (the session
# leader's pid).
session_pids() {
	for st in /proc/[0-9]*/stat; do
		{ read -r line < "$st"; } 2>/dev/null || continue
		rest=${line##*) }
		# shellcheck disable=SC2086
		set -- $rest
		if [ "${4:-}" = "$1" ]; then
			p=${st#/proc/}
			echo "${p%/stat}"
		fi
	done
}

# kill_session SID SIGNAL: send SIGNAL to every process of session SID.
kill_session() {
	for p in $(session_pids "$1"); do
		kill "-$2" "$p" 2>/dev/null
	done
}
