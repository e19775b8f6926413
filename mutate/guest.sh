#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs in a QEMU guest after the suite (run_tests.sh --vm with
# VAS_VM_EXTRA, see stage.sh): guest.sh OUTDIR WHAT...
#   mutations  the catalogue's guest mutations -> OUTDIR/mutations.log
#   fuzz       vas-fuzz against the module, 200 load/unload cycles with
#              the slab usage before and after, the kernel log checked
#              -> OUTDIR/fuzz.log
#   kill       SIGKILL trials of the runner and of groups that load the
#              module -> OUTDIR/kill.log
# POSIX sh for busybox.
set -u
d=$(cd "$(dirname "$0")" && pwd)
out=$1
shift
bin=${VAS_BIN:-/vas/bin}
ko=$bin/vas_probe.ko

# Kernel log lines that mean trouble.
bad_log='Oops|WARNING:|BUG:|general protection|Call Trace|soft lockup|hard LOCKUP|rcu.*stall|hung_task|blocked for more than'

slab_kb() {
	awk '$1 == "Slab:" || $1 == "SUnreclaim:" { printf "%s ", $2 }' /proc/meminfo
}

settle() {
	sync
	echo 3 > /proc/sys/vm/drop_caches 2> /dev/null
	sleep 1
}

fuzz() {
	log=$out/fuzz.log
	: > "$log"
	n0=$(dmesg | wc -l)
	if ! insmod "$ko"; then
		echo "fuzz: cannot load $ko" >> "$log"
		return 1
	fi
	"$d/vas-fuzz" -n "${VAS_FUZZ_REQUESTS:-100000}" -t 4 >> "$log" 2>&1
	frc=$?
	rmmod vas_probe || echo "fuzz: rmmod failed" >> "$log"
	# Load/unload cycles: a few requests each, slab usage flat.
	settle
	# shellcheck disable=SC2046
	set -- $(slab_kb)
	slab0=$1 sunr0=$2
	i=0 cycles=${VAS_FUZZ_CYCLES:-200} crc=0
	while [ "$i" -lt "$cycles" ]; do
		insmod "$ko" || { crc=1; break; }
		"$d/vas-fuzz" -n 64 -t 2 > /dev/null 2>&1
		rmmod vas_probe || { crc=1; break; }
		i=$((i + 1))
	done
	settle
	# shellcheck disable=SC2046
	set -- $(slab_kb)
	slab1=$1 sunr1=$2
	echo "cycles: $i load/unload cycles (rc $crc)" >> "$log"
	echo "slab: Slab $slab0 -> $slab1 kB, SUnreclaim $sunr0 -> $sunr1 kB" >> "$log"
	# Flat: growth under 256 kB over all cycles (about 1 kB a cycle, far
	# below one leaked object per request of the cycles).
	grow=$((sunr1 - sunr0))
	if [ "$grow" -gt 256 ]; then
		echo "slab: GREW by $grow kB" >> "$log"
		crc=1
	else
		echo "slab: flat (SUnreclaim changed by $grow kB)" >> "$log"
	fi
	dmesg | tail -n +"$((n0 + 1))" | grep -E "$bad_log" > "$out/fuzz-bad.log"
	if [ -s "$out/fuzz-bad.log" ]; then
		echo "dmesg: $(wc -l < "$out/fuzz-bad.log") bad lines (fuzz-bad.log)" >> "$log"
		crc=1
	else
		echo "dmesg: clean of Oops, WARNING, BUG, lockups, stalls" >> "$log"
	fi
	rm -f "$out/fuzz-bad.log"
	[ "$frc" = 0 ] && [ "$crc" = 0 ]
	rc=$?
	echo "fuzz: $([ "$rc" = 0 ] && echo ok || echo FAILED)" >> "$log"
	return "$rc"
}

mutations() {
	sh "$d/run.sh" --bin "$bin" --tool "$d/vas-mutate" --catalogue "$d/catalogue" \
		--where guest --out "$out/mutations" > "$out/mutations.log" 2>&1
}

kill_trials() {
	sh "$d/kill.sh" --bin "$bin" --runner /vas/run_tests.sh --trials "${VAS_KILL_TRIALS:-6}" \
		kernel_layout paging mlock > "$out/kill.log" 2>&1
}

rc=0
for what in "$@"; do
	case $what in
	mutations) mutations || rc=1 ;;
	fuzz) fuzz || rc=1 ;;
	kill) kill_trials || rc=1 ;;
	*) echo "guest.sh: unknown part '$what'" >&2; rc=2 ;;
	esac
done
exit "$rc"
