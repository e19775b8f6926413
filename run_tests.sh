#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vas runner: runs the vas selftest programs the way kselftest's runner
# does (nested KTAP on stdout), and writes results/<run-id>/ with
# ktap.log, results.json and junit.xml. POSIX sh: busybox ash runs it.
#
# Exit: 0 nothing failed, 1 a test failed, 2 usage or setup error.
set -u

VAS_GROUPS="split kernel_layout canonical nullpage maps aslr kaslr paging mlock
madvise mremap uring numa oom"
VAS_GROUPS=$(echo $VAS_GROUPS)
# Every sysctl a vas test may change: saved at start, restored at exit.
VAS_SYSCTLS="vm.mmap_min_addr vm.legacy_va_layout kernel.randomize_va_space
vm.overcommit_memory vm.overcommit_ratio vm.overcommit_kbytes"

here=$(cd "$(dirname "$0")" && pwd)
bin=${VAS_BIN:-$here/build/native}
awkdir=$here/runner

usage() {
	cat <<EOF
usage: $0 [options] [GROUP...]      (default: every group)
  --list                 print the tests of the groups, one per line
  -t, --test ID          run only this test (an id --list prints; may be
                         given again); other groups named run whole
  --vm[=CFG[,CFG...]]    run in QEMU guests: CFG from vm/*.conf, or 'all';
                         plain --vm runs the default config (x86_64)
  --results DIR          where results go (default: results/)
  --samples N            ASLR samples per mode (default 256; QEMU guests:
                         their config's VM_SAMPLES)
  -h, --help             this text
groups: $VAS_GROUPS
environment: VAS_BIN (built programs, default build/native),
  VAS_TIMEOUT (seconds per program, default from the settings file),
  VAS_LOCK (the lock that keeps two host runs apart, default
  /run/lock/vas.lock), VAS_KTAP_ONLY=1 (write ktap.log only, no
  results.json, junit.xml, kcidb.json, index.html)
exit: 0 nothing failed, 1 a test failed, 2 usage or setup error
EOF
}

usage_error() {
	echo "vas: $*" >&2
	echo "vas: valid options: --list --test ID --vm[=CFG,...] --results DIR --samples N -h --help" >&2
	echo "vas: valid groups: $VAS_GROUPS" >&2
	exit 2
}

setup_error() {
	echo "vas: $*" >&2
	# A run that cannot finish leaves no half-written results folder
	# (one guest's setup error is that config's ERROR: vm_job).
	[ -z "${run_dir:-}" ] || [ -n "${VAS_KEEP_STATE:-}" ] || [ -n "${vm_job:-}" ] ||
		rm -rf "$run_dir"
	exit 2
}

# ---- arguments ----
list=0 vm='' results=$here/results samples=256 groups='' samples_given=0 tests=''
# shellcheck disable=SC2034 # samples_given: read by runner/vm.sh
while [ $# -gt 0 ]; do
	case $1 in
	--list) list=1 ;;
	-t|--test) [ $# -ge 2 ] || usage_error "$1 needs a test id (see --list)"
		tests="$tests $2"; shift ;;
	--test=*) tests="$tests ${1#--test=}" ;;
	--vm) vm=default ;;
	--vm=*) vm=${1#--vm=} ;;
	--results) [ $# -ge 2 ] || usage_error "--results needs a folder"
		results=$2; shift ;;
	--results=*) results=${1#--results=} ;;
	--samples) [ $# -ge 2 ] || usage_error "--samples needs a number"
		samples=$2 samples_given=1; shift ;;
	--samples=*) samples=${1#--samples=} samples_given=1 ;;
	-h|--help) usage; exit 0 ;;
	-*) usage_error "unknown option '$1'" ;;
	*)
		case " $VAS_GROUPS " in
		*" $1 "*) groups="$groups $1" ;;
		*) usage_error "unknown group '$1'" ;;
		esac ;;
	esac
	shift
done
case $samples in
''|*[!0-9]*|0) usage_error "--samples takes a positive number, not '$samples'" ;;
esac
# A test's group runs, with only the tests named.
for t in $tests; do
	g=${t%%.*}
	case " $VAS_GROUPS " in
	*" $g "*) ;;
	*) usage_error "'$t' is not a test id (GROUP.TEST, see --list)" ;;
	esac
	case " $groups " in
	*" $g "*) ;;
	*) groups="$groups $g" ;;
	esac
done
[ -n "$groups" ] || groups=$VAS_GROUPS
for f in results.awk session.sh ids.sh; do
	[ -r "$awkdir/$f" ] || setup_error "$awkdir/$f is missing"
done
. "$awkdir/session.sh"
. "$awkdir/ids.sh"
if [ -n "$vm" ]; then
	[ "$list" = 0 ] || usage_error "--list and --vm do not go together"
	. "$awkdir/vm.sh"
	vm_select "$vm" > /dev/null
fi

[ -n "$vm" ] || for g in $groups; do
	[ -x "$bin/$g" ] ||
		setup_error "$bin/$g is not built: run 'make build' (or set VAS_BIN to the folder of the built programs)"
done

# A test id --test names must be one of its group's (where that group is
# built here): a misspelt one would run nothing and pass.
for t in $tests; do
	g=${t%%.*}
	[ -x "$bin/$g" ] || continue
	"$bin/$g" --list | test_id "$g" | grep -qxF "$t" ||
		usage_error "no test '$t' in group $g (see --list)"
done

if [ "$list" = 1 ]; then
	for g in $groups; do
		"$bin/$g" --list | test_id "$g" || setup_error "$bin/$g --list failed"
	done
	exit 0
fi

# ---- results folder ----
mkdir -p "$results" 2>/dev/null && [ -w "$results" ] ||
	setup_error "cannot write to results folder '$results': pick another with --results DIR"
results=$(cd "$results" && pwd)
run_id=$(date -u +%Y%m%d-%H%M%S)-$$
run_dir=$results/$run_id
state=$run_dir/.state
mkdir -p "$state" || setup_error "cannot create $run_dir"
ktap=$run_dir/ktap.log
timing=$state/timing
if [ -z "$vm" ]; then
	: > "$ktap"
	: > "$timing"
fi

# ---- sysctls: saved now, restored at exit whatever happened ----
sysctl_file() {
	echo "/proc/sys/$(echo "$1" | tr . /)"
}

# Not root, or /proc/sys read-only (a container): the tests that need
# either SKIP and say so; said once here too.
if [ -z "$vm" ] && [ "$list" = 0 ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "vas: not root: tests that need root SKIP (run as root for the whole suite)" >&2
	elif [ -e /proc/sys/vm/mmap_min_addr ] && [ ! -w /proc/sys/vm/mmap_min_addr ]; then
		echo "vas: /proc/sys is read-only here: tests that change sysctls SKIP (run where /proc/sys is writable, e.g. not in a container)" >&2
	fi
fi

# Sysctls and the module are global: two runs here at once would change
# them under each other (and undo each other's restores), so a run waits
# for any other to end. (A --vm run changes nothing here: its tests run
# in the guests.)
if [ -z "$vm" ] && [ "$list" = 0 ] && command -v flock > /dev/null; then
	lock=${VAS_LOCK:-/run/lock/vas.lock}
	[ -d "${lock%/*}" ] || lock=/tmp/vas.lock
	(umask 0; : >> "$lock") 2>/dev/null
	if [ -r "$lock" ]; then
		exec 9< "$lock"
		if ! flock -n 9; then
			echo "vas: another vas run holds $lock: waiting for it to end" >&2
			flock 9
		fi
	fi
fi
[ -n "$vm" ] || for s in $VAS_SYSCTLS; do
	f=$(sysctl_file "$s")
	[ -r "$f" ] && cat "$f" > "$state/saved.$s" 2>/dev/null
done

# The helper module: a test program unloads what it loaded, unless it was
# killed; then the runner does, as it does for sysctls.
kmod_loaded() {
	[ -d /sys/module/vas_probe ]
}
kmod_was_loaded=0
kmod_loaded && kmod_was_loaded=1

unload_kmod() {
	if [ "$kmod_was_loaded" = 0 ] && kmod_loaded; then
		if rmmod vas_probe 2>/dev/null; then
			echo "vas: unloaded vas_probe (a test left it loaded)" >&2
		else
			echo "vas: vas_probe is still loaded: rmmod vas_probe" >&2
		fi
	fi
}

# Memory cgroups a killed test left: its guard records each one as
# cgroup.NAME holding the path; empty the group, then remove it and the
# vas parent when that is empty too.
remove_cgroups() {
	for rec in "$state"/cgroup.*; do
		[ -f "$rec" ] || continue
		cg=$(cat "$rec")
		if [ -d "$cg" ]; then
			for p in $(cat "$cg/cgroup.procs" 2>/dev/null); do
				kill -KILL "$p" 2>/dev/null
			done
			i=0
			while ! rmdir "$cg" 2>/dev/null && [ "$i" -lt 50 ]; do
				sleep 0.1 2>/dev/null || sleep 1
				i=$((i + 1))
			done
			if [ -d "$cg" ]; then
				echo "vas: could not remove the cgroup $cg a test left: rmdir it by hand" >&2
			else
				echo "vas: removed the cgroup $cg a test left" >&2
				rmdir "${cg%/*}" 2>/dev/null
			fi
		fi
		rm -f "$rec"
	done
}

restore_sysctls() {
	for saved in "$state"/saved.* "$state"/sysctl.*; do
		[ -f "$saved" ] || continue
		s=${saved##*/}
		s=${s#*.}
		f=$(sysctl_file "$s")
		want=$(cat "$saved")
		have=$(cat "$f" 2>/dev/null)
		if [ "$want" != "$have" ]; then
			if echo "$want" > "$f" 2>/dev/null; then
				echo "vas: restored $s to '$want' (a test left '$have')" >&2
			else
				echo "vas: could not restore $s to '$want' (now '$have'): restore it by hand" >&2
			fi
		fi
	done
}

# ---- running one program ----

uptime_cs() {
	read -r up _ < /proc/uptime
	echo "${up%.*}${up#*.}"
}

# The same into now_cs, without a fork: the runner must not fork while a
# test holds the commit limit (vm.overcommit_memory=2 at its edge: paging),
# or the shell dies with "can't fork".
uptime_now() {
	read -r up _ < /proc/uptime
	now_cs=${up%.*}${up#*.}
}

prog_timeout() {
	t=${VAS_TIMEOUT:-}
	if [ -z "$t" ]; then
		for s in "$bin/settings" "$here/tools/testing/selftests/vas/settings"; do
			[ -r "$s" ] && t=$(sed -n 's/^timeout=//p' "$s") && break
		done
	fi
	echo "${t:-45}"
}

cur_pid=
watchdog=
cleanup() {
	[ -n "$cur_pid" ] && kill_session "$cur_pid" KILL
	[ -n "$watchdog" ] && kill "$watchdog" 2>/dev/null
	restore_sysctls
	remove_cgroups
	unload_kmod
	rm -f "$state/fifo"
	# A guest hands its timing and environment to the host runner.
	[ -n "${VAS_KEEP_STATE:-}" ] || rm -rf "$state"
}
trap 'cleanup' EXIT
trap 'echo "vas: interrupted" >&2; exit 130' INT TERM HUP

emit() {
	echo "$1"
	echo "$1" >> "$ktap"
}

# run_prog GROUP NUM: nested KTAP of the program, then its own result line.
run_prog() {
	g=$1 num=$2 t=$(prog_timeout)
	fifo=$state/fifo
	rm -f "$fifo" "$state/timedout"
	mkfifo "$fifo" || setup_error "cannot create a fifo in $state"
	emit "# selftests: vas: $g"
	uptime_now
	start=$now_cs
	# Own session: a timeout kills the program and every test child,
	# which the harness puts in process groups of their own.
	# shellcheck disable=SC2046,SC2086 # one word per filter argument
	(cd "$bin" && VAS_STATE_DIR=$state VAS_SAMPLES=$samples \
		exec setsid "./$g" $(harness_filters "$g" $tests) > "$fifo" 2>&1) &
	cur_pid=$!
	(
		n=0
		while kill -0 "$cur_pid" 2>/dev/null; do
			sleep 1
			n=$((n + 1))
			if [ "$n" -ge "$t" ]; then
				: > "$state/timedout"
				kill_session "$cur_pid" TERM
				sleep 2
				kill_session "$cur_pid" KILL
				break
			fi
		done
	) &
	watchdog=$!
	test_start=$start
	while IFS= read -r line; do
		case $line in
		"#  RUN "*) uptime_now; test_start=$now_cs ;;
		"ok "*|"not ok "*)
			n=${line#ok }
			n=${n#not ok }
			n=${n%% *}
			uptime_now
			echo "$g $n $((now_cs - test_start))" >> "$timing" ;;
		esac
		emit "# $line"
	done < "$fifo"
	wait "$cur_pid"
	rc=$?
	kill "$watchdog" 2>/dev/null
	wait "$watchdog" 2>/dev/null
	# Children left behind by a test (not the sysctl restorers, which
	# live in their own sessions) go with the program.
	kill_session "$cur_pid" KILL
	cur_pid='' watchdog=''
	uptime_now
	echo "$g prog $((now_cs - start))" >> "$timing"
	if [ -e "$state/timedout" ]; then
		emit "not ok $num selftests: vas: $g # TIMEOUT $t seconds"
	elif [ "$rc" = 0 ]; then
		emit "ok $num selftests: vas: $g"
	elif [ "$rc" = 4 ]; then
		emit "ok $num selftests: vas: $g # SKIP"
	else
		emit "not ok $num selftests: vas: $g # exit=$rc"
	fi
}

# ---- environment facts for results.json ----
write_env() {
	kv() { printf '%s\t%s\n' "$1" "$2"; }
	kv kernel "$(uname -r)"
	kv arch "$(uname -m)"
	kv config "${VAS_CONFIG:-host}"
	kv cmdline "$(cat /proc/cmdline 2>/dev/null)"
	kv run_id "$run_id"
	kv samples "$samples"
	if [ -x "$bin/vas_env" ]; then
		"$bin/vas_env"
	fi
}

# kcidb.json (KCIDB I/O schema v5) from a ktap.log: write_kcidb KTAP
# TIMING ENVFILE OUT. VAS_KCIDB_ORIGIN, VAS_KCIDB_BUILD_ID and
# VAS_KCIDB_LOG_URL carry the lab's names (see runner/kcidb.awk).
write_kcidb() {
	[ -r "$awkdir/kcidb.awk" ] || return 0
	awk -v fmt=kcidb -v timing="$2" -v envfile="$3" \
		-v origin="${VAS_KCIDB_ORIGIN:-vas}" -v build_id="${VAS_KCIDB_BUILD_ID:-}" \
		-v log_url="${VAS_KCIDB_LOG_URL:-}" \
		-f "$awkdir/results.awk" -f "$awkdir/kcidb.awk" "$1" > "$4.tmp" &&
		mv "$4.tmp" "$4" || setup_error "could not convert $1 (kcidb)"
}

# index.html: the matrix and each config's address space, for configs
# (folders under DIR, "." for a host run) that have results.json.
# write_report DIR CFG...
write_report() {
	out=$1
	shift
	[ -r "$awkdir/report.awk" ] || return 0
	if awk -v dir="$out" -v run_id="$run_id" -v host="$(uname -n)" \
		-f "$awkdir/report.awk" "$@" > "$out/index.html.tmp"; then
		mv "$out/index.html.tmp" "$out/index.html"
	else
		rm -f "$out/index.html.tmp"
		echo "vas: could not write $out/index.html" >&2
	fi
}

# ---- the run ----
[ -z "$vm" ] || vm_main
set -- $groups
emit "TAP version 13"
emit "1..$#"
num=0
for g in $groups; do
	num=$((num + 1))
	run_prog "$g" "$num"
done
restore_sysctls
write_env > "$state/env"

# VAS_KTAP_ONLY=1 (a QEMU guest, whose host converts what it prints):
# ktap.log and the summary, no other format.
formats="json junit summary"
[ "${VAS_KTAP_ONLY:-0}" = 1 ] && formats=summary
for fmt in $formats; do
	out=$state/out.$fmt
	awk -v fmt="$fmt" -v timing="$timing" -v envfile="$state/env" \
		-f "$awkdir/results.awk" "$ktap" > "$out" ||
		setup_error "could not convert $ktap ($fmt)"
done
if [ "${VAS_KTAP_ONLY:-0}" != 1 ]; then
	mv "$state/out.json" "$run_dir/results.json"
	mv "$state/out.junit" "$run_dir/junit.xml"
	write_report "$run_dir" .
	write_kcidb "$ktap" "$timing" "$state/env" "$run_dir/kcidb.json"
fi
ln -sfn "$run_id" "$results/latest"
summary=$(cat "$state/out.summary")
rm -f "$state/out.summary"
echo "# results: $run_dir"
echo "$summary"
case $summary in
*" 0 failed,"*) exit 0 ;;
*) exit 1 ;;
esac
