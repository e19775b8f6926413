# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh disable=SC2154
# (run_dir, groups, samples, results, awkdir... come from run_tests.sh)
#
# run_tests.sh --vm: boot Debian kernels in QEMU with a busybox initramfs
# holding the suite (static), the helper module built against the same
# kernel's headers and the kernel's config, and collect the results the
# guest prints on its console. Sourced by run_tests.sh; POSIX sh.
#
# A config is a file vm/<name>.conf of VM_* assignments (see vm/README.md).

vm_cache=${VAS_CACHE:-$here/.cache}
# Where guest builds go; separate ones let several runs go at once.
vm_build=${VAS_VM_BUILD:-$here/build}
vm_timeout=${VAS_VM_TIMEOUT:-900}
vm_pid=
tail_pid=
stream=1
# Guests booted at once (each gets -smp 2 of its config): two on a
# machine of 2 CPUs or more, VAS_VM_JOBS to change.
vm_jobs=${VAS_VM_JOBS:-$( [ "$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)" -ge 2 ] && echo 2 || echo 1)}
# Preparing (fetching kernels, building) goes one config at a time:
# configs share the kernels, the suite's build and the module's.
vm_lock=$vm_build/.vm-prepare.lock

vm_configs() {
	for c in "$here"/vm/*.conf; do
		c=${c##*/}
		echo "${c%.conf}"
	done
}

# The configs asked for: "default", "all", or a comma-separated list.
vm_select() {
	case $1 in
	default) echo x86_64 ;;
	all) vm_configs ;;
	*)
		for c in $(echo "$1" | tr , ' '); do
			[ -f "$here/vm/$c.conf" ] ||
				usage_error "unknown VM config '$c' (configs: $(vm_configs | tr '\n' ' ')all)"
			echo "$c"
		done ;;
	esac
}

vm_log() {
	echo "# vm: $*"
}

# Static busybox of the config's Debian architecture.
vm_busybox() {
	bb=$vm_cache/busybox-$VM_DEB_ARCH/bin/busybox
	if [ ! -x "$bb" ]; then
		tmp=$vm_cache/.tmp-busybox-$VM_DEB_ARCH
		rm -rf "$tmp"
		mkdir -p "$tmp"
		. "$here/scripts/apt-fetch.sh"
		apt_fetch "$tmp" "busybox-static:$VM_DEB_ARCH" ||
			setup_error "could not download busybox-static:$VM_DEB_ARCH"
		dpkg-deb -x "$tmp"/busybox-static_*.deb "$tmp/root" ||
			setup_error "could not unpack busybox-static:$VM_DEB_ARCH"
		mkdir -p "${bb%/busybox}"
		mv "$tmp/root/bin/busybox" "$bb"
		rm -rf "$tmp"
	fi
	echo "$bb"
}

# A dynamic program (the ASLR probe) brings its loader and libraries,
# taken from the compiler's own sysroot for the guest's architecture.
vm_copy_libs() {
	for f in "$1"/vas/bin/*; do
		interp=$(readelf -l "$f" 2> /dev/null |
			sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
		[ -n "$interp" ] || continue
		for lib in "$interp" $(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
			name=${lib##*/}
			src=$("${VM_CROSS_COMPILE}gcc" -print-file-name="$name")
			[ -f "$src" ] || setup_error "$cfg: no $name for ${f##*/} in the ${VM_CROSS_COMPILE:-native} toolchain"
			mkdir -p "$1${interp%/*}" "$1/lib"
			cp -L "$src" "$1/lib/$name"
			[ "$lib" = "$interp" ] && cp -L "$src" "$1$interp"
		done
	done
}

# Build what the guest runs: the suite (static), the module, the initramfs.
vm_prepare() {
	cfg=$1
	vm_log "$cfg: fetching the kernel ($VM_KERNEL)"
	meta=$(sh "$here/scripts/kernel.sh" --meta "$VM_KERNEL" --arch "$VM_DEB_ARCH" \
		--cache "$vm_cache") ||
		setup_error "$cfg: could not get the kernel $VM_KERNEL"
	eval "$meta"
	suite=$vm_build/vm-$VM_BUILD_ARCH
	vm_log "$cfg: building the suite for $VM_BUILD_ARCH (static)"
	make -s -C "$here" build ARCH="$VM_BUILD_ARCH" CROSS_COMPILE="$VM_CROSS_COMPILE" \
		BUILD="$suite" USERLDFLAGS=-static VAS_GROUPS="$groups" \
		> "$run_dir/$cfg/build.log" 2>&1 ||
		setup_error "$cfg: building the suite failed: see $run_dir/$cfg/build.log"
	kmod=$vm_build/kmod/$KREL
	vm_log "$cfg: building vas_probe.ko against $KREL"
	make -s -C "$here/kmod" KDIR="$KDIR" OUT="$kmod" ARCH="$VM_KMOD_ARCH" \
		CROSS_COMPILE="$VM_CROSS_COMPILE" >> "$run_dir/$cfg/build.log" 2>&1 ||
		setup_error "$cfg: building the module failed: see $run_dir/$cfg/build.log"

	bb=$(vm_busybox)
	root=$vm_build/vm-initramfs/$cfg
	rm -rf "$root"
	mkdir -p "$root/bin" "$root/sbin" "$root/etc" "$root/proc" "$root/sys" \
		"$root/dev" "$root/tmp" "$root/boot" "$root/vas/bin" "$root/vas/runner"
	cp "$bb" "$root/bin/busybox"
	for a in $("$bb" --list 2>/dev/null || busybox --list); do
		[ "$a" = busybox ] || ln -s busybox "$root/bin/$a"
	done
	cp "$here/vm/guest-init" "$root/init"
	chmod 755 "$root/init"
	printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$root/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
	cp "$here/run_tests.sh" "$root/vas/"
	cp "$here/runner/results.awk" "$here/runner/session.sh" "$here/runner/ids.sh" \
		"$root/vas/runner/"
	for g in $groups vas_env; do
		[ -x "$suite/$g" ] || setup_error "$cfg: $suite/$g was not built"
	done
	# Every program built, helpers (probes) included; without their
	# debug information, which the kernel would only unpack (a smaller
	# initramfs boots faster under TCG).
	for f in "$suite"/*; do
		[ -f "$f" ] && [ -x "$f" ] || continue
		"${VM_CROSS_COMPILE}strip" --strip-debug -o "$root/vas/bin/${f##*/}" "$f" ||
			setup_error "$cfg: could not copy $f"
	done
	vm_copy_libs "$root"
	cp "$here/tools/testing/selftests/vas/settings" "$root/vas/bin/"
	"${VM_CROSS_COMPILE}strip" --strip-debug -o "$root/vas/bin/vas_probe.ko" \
		"$kmod/vas_probe.ko" || setup_error "$cfg: could not copy vas_probe.ko"
	# VAS_VM_EXTRA: a folder whose "run" script the guest runs after
	# the suite (make check's mutations, the module fuzzer).
	# VAS_VM_EXTRA_CONFIGS: the configs it is for (default x86_64).
	case " ${VAS_VM_EXTRA_CONFIGS:-x86_64} " in
	*" $cfg "*) ;;
	*) VAS_VM_EXTRA= ;;
	esac
	if [ -n "${VAS_VM_EXTRA:-}" ]; then
		cp -R "$VAS_VM_EXTRA" "$root/vas/extra" ||
			setup_error "$cfg: cannot copy VAS_VM_EXTRA=$VAS_VM_EXTRA"
	fi
	# The tests read the kernel's config where Debian keeps it.
	cp "$KCONFIG" "$root/boot/config-$KREL"
	initrd=$vm_build/vm-initramfs/$cfg.cpio.gz
	vm_pack "$root" "$initrd" '^$'
	# The second, KASLR boot runs one kaslr test: its initramfs holds
	# only what that needs.
	initrd_kaslr=$vm_build/vm-initramfs/$cfg-kaslr.cpio.gz
	vm_pack "$root" "$initrd_kaslr" '^\./(lib[^/]*|vas/extra)/|^\./vas/bin/[^/]*$' \
		./vas/bin/kaslr ./vas/bin/vas_env ./vas/bin/settings ./vas/bin/vas_probe.ko
}

# vm_pack ROOT OUT DROP [KEEP...]: ROOT as a gzipped cpio, without the
# paths matching the extended regular expression DROP unless in KEEP.
vm_pack() {
	pr=$1 po=$2 pd=$3
	shift 3
	(cd "$pr" && { find . | grep -Ev "$pd"; for k in "$@"; do echo "$k"; done; } |
		cpio -o -H newc 2>/dev/null | gzip -1) > "$po" ||
		setup_error "$cfg: could not pack the initramfs ${po##*/}"
}

# Boot and wait until the guest says it is done, powers off, or hangs.
# vm_boot CONSOLE TIMEOUT ACCEL EXTRA_APPEND
vm_boot() {
	console=$1 limit=$2 accel=$3 extra=$4
	: > "$console"
	# shellcheck disable=SC2086
	$VM_QEMU $accel $VM_QEMU_ARGS -nodefaults -display none -no-reboot \
		-serial "file:$console" -kernel "$VMLINUZ" -initrd "$initrd" \
		-append "console=$VM_CONSOLE panic=-1 oops=panic quiet loglevel=1 $VM_APPEND $extra" \
		> "$console.qemu" 2>&1 < /dev/null &
	vm_pid=$!
	# Stream the console while the guest runs.
	if [ "$stream" = 1 ]; then
		tail -n +1 -f "$console" &
		tail_pid=$!
	fi
	# Ticks of a fifth of a second (whole seconds where sleep takes
	# no fraction): a guest's end is seen without a second's delay.
	tick=5
	sleep 0.2 2> /dev/null || tick=1
	n=0
	while kill -0 "$vm_pid" 2> /dev/null; do
		grep -q '^vas-guest: done' "$console" 2> /dev/null && break
		if [ "$n" -ge "$((limit * tick))" ]; then
			vm_stop_stream
			kill "$vm_pid" 2> /dev/null
			sleep 1
			kill -9 "$vm_pid" 2> /dev/null
			wait "$vm_pid" 2> /dev/null
			vm_pid=
			return 1
		fi
		vm_tick
		n=$((n + 1))
	done
	# The guest powers off by itself; give it a moment, then make sure.
	i=0
	while kill -0 "$vm_pid" 2> /dev/null && [ "$i" -lt "$((10 * tick))" ]; do
		vm_tick
		i=$((i + 1))
	done
	kill -9 "$vm_pid" 2> /dev/null
	wait "$vm_pid" 2> /dev/null
	vm_pid=
	vm_stop_stream
	[ -s "$console.qemu" ] || rm -f "$console.qemu"
	return 0
}

vm_tick() {
	if [ "$tick" = 5 ]; then sleep 0.2; else sleep 1; fi
}

vm_stop_stream() {
	if [ -n "$tail_pid" ]; then
		sleep 1
		kill "$tail_pid" 2> /dev/null
		wait "$tail_pid" 2> /dev/null
		tail_pid=
	fi
}

# vm_boot_retried CONSOLE TIMEOUT ACCEL APPEND: a guest kernel that dies
# before the suite starts (an early-boot oops under TCG has been seen) is
# booted once more; the first console is kept next to the second.
vm_boot_retried() {
	vm_boot "$@" || return 1
	grep -q '^vas-guest: up' "$1" && return 0
	vm_log "the guest died before the suite started: booting it once more (console kept as ${1##*/}.first)"
	mv "$1" "$1.first"
	vm_boot "$@"
}

# KVM only when a short boot proves it works (nested KVM can hang at
# boot); the verdict holds until the host reboots.
vm_accel() {
	boot_id=$(cat /proc/sys/kernel/random/boot_id 2> /dev/null || echo unknown)
	verdict=$vm_cache/kvm.$boot_id.${VM_QEMU##*/}
	# KVM runs guests of the host's own architecture only.
	case ${VM_QEMU##*-}:$(uname -m) in
	x86_64:x86_64|i386:x86_64|i386:i?86|aarch64:aarch64|arm:armv7*|arm:armv8*) ;;
	*) [ -f "$verdict" ] || echo tcg > "$verdict" ;;
	esac
	if [ ! -f "$verdict" ]; then
		echo tcg > "$verdict"
		if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
			was=$stream stream=0
			if vm_boot "$run_dir/kvm-probe.log" 20 "-enable-kvm" "vas.groups=none" &&
			   grep -q '^vas-guest: up' "$run_dir/kvm-probe.log"; then
				echo kvm > "$verdict"
			fi
			stream=$was
		fi
		rm -f "$run_dir/kvm-probe.log" "$run_dir/kvm-probe.log.qemu"
		if [ "$(cat "$verdict")" = kvm ]; then
			echo "# vm: KVM works here for ${VM_QEMU##*/}: using it" >&2
		else
			echo "# vm: KVM unusable here for ${VM_QEMU##*/} (no /dev/kvm, or a test boot hung): using TCG, slower" >&2
		fi
	fi
	[ "$(cat "$verdict")" = kvm ] && echo "-enable-kvm"
}

# The result files the guest printed between markers, minus the CRs.
vm_collect() {
	tr -d '\r' < "$1/console.log" | awk -v dir="$1" '
		/^vas-guest: file [^ ]+ begin$/ { out = dir "/" $3; printf "" > out; next }
		/^vas-guest: file [^ ]+ end$/ { close(out); out = ""; next }
		out != "" { print > out }'
}

# The preparation lock: a folder holding the runner's pid, taken over
# when that runner is gone.
vm_lock_take() {
	mkdir -p "$vm_build"
	while ! mkdir "$vm_lock" 2> /dev/null; do
		owner=$(cat "$vm_lock/pid" 2> /dev/null)
		if [ -n "$owner" ] && ! kill -0 "$owner" 2> /dev/null; then
			rm -rf "$vm_lock"
			continue
		fi
		sleep 1
	done
	echo "$$" > "$vm_lock/pid"
	vm_locked=1
}

vm_lock_drop() {
	[ "${vm_locked:-0}" = 1 ] && rm -rf "$vm_lock"
	vm_locked=0
}

# One config: prepare, boot, collect; exits 0, 2 (setup error) or 3.
vm_run_one() {
	cfg=$1
	mkdir -p "$run_dir/$cfg"
	(
		VM_SAMPLES=
		# shellcheck disable=SC1090
		. "$here/vm/$cfg.conf"
		trap 'vm_lock_drop' EXIT
		vm_lock_take
		vm_prepare "$cfg"
		accel=$(vm_accel)
		vm_lock_drop
		# --samples given wins; else the config's, else the default.
		[ "${samples_given:-0}" = 1 ] || samples=${VM_SAMPLES:-$samples}
		# Tests that know an emulator's deviations read this.
		extra="vas.config=$cfg vas.samples=$samples"
		[ -n "$accel" ] || extra="$extra vas.emulated=1"
		vm_log "$cfg: booting $KREL ($VM_DESC)"
		start=$(uptime_cs)
		ggroups=$(echo $groups | tr ' ' ,)
		gtests=$(echo $tests | tr ' ' ,)
		if ! vm_boot_retried "$run_dir/$cfg/console.log" "$vm_timeout" "$accel" \
			"$extra vas.groups=$ggroups${gtests:+ vas.tests=$gtests}"; then
			vm_log "$cfg: ERROR: the guest did not finish within $vm_timeout s (console: $run_dir/$cfg/console.log)"
			exit 3
		fi
		vm_collect "$run_dir/$cfg"
		took=$(($(uptime_cs) - start))
		vm_log "$cfg: boot and suite took $((took / 100)).$((took % 100 / 10)) s"
		if [ ! -s "$run_dir/$cfg/ktap.log" ]; then
			vm_log "$cfg: ERROR: the guest printed no results (console: $run_dir/$cfg/console.log)"
			exit 3
		fi
		vm_wants_second_boot && vm_second_boot "$cfg" "$accel" "$extra"
		vm_convert "$run_dir/$cfg"
	)
}

# results.json and junit.xml from what the guest printed, as on a host.
vm_convert() {
	for fmt in json junit; do
		out=$1/results.json
		[ "$fmt" = junit ] && out=$1/junit.xml
		awk -v fmt="$fmt" -v timing="$1/timing" -v envfile="$1/env" \
			-f "$awkdir/results.awk" "$1/ktap.log" > "$out.tmp" &&
			mv "$out.tmp" "$out" || setup_error "could not convert $1/ktap.log"
	done
	write_kcidb "$1/ktap.log" "$1/timing" "$1/env" "$1/kcidb.json"
	rm -f "$1/timing" "$1/env"
}

# The second boot compares the bases kaslr.module_view_matches_state
# reports: when the kaslr group runs, and --test did not leave that out.
vm_wants_second_boot() {
	case " $groups " in
	*" kaslr "*) ;;
	*) return 1 ;;
	esac
	case " $tests " in
	*" kaslr.module_view_matches_state "*) return 0 ;;
	*" kaslr."*) return 1 ;;
	esac
	return 0
}

# The kernel's randomized bases (the kaslr group's "vas-data: kaslr" line).
vm_kaslr_bases() {
	sed -n 's/^# # vas-data: kaslr //p' "$1" | head -n 1
}

# How many boots in all it takes before a working KASLR leaves the bases
# where they were in every one of them with a probability below 2^-20,
# when every boot picks one of at least S places independently: the
# smallest K with S^(K-1) >= 2^20.
#
# S for x86_32: the image goes to one of the CONFIG_PHYSICAL_ALIGN steps
# of [CONFIG_PHYSICAL_START, KERNEL_IMAGE_SIZE = 512 MiB) it fits in,
# less the places taken by the area it was decompressed in and by the
# initramfs (arch/x86/boot/compressed/kaslr.c, page_32_types.h): with a
# 16 MiB alignment that is about 30, and two boots agree one time in 30.
# The image's size is the bzImage header's init_size (offset 0x260,
# Documentation/arch/x86/boot.rst), an upper bound.
# Elsewhere one boot suffices: x86_64 moves the text by 2 MiB steps over
# 1 GiB and the direct map, vmalloc and vmemmap bases by 1 GiB steps over
# terabytes (arch/x86/mm/kaslr.c); arm64 moves the image by 2 MiB steps
# over half the vmalloc area (2^24 places and more with 48-bit VAs).
vm_kaslr_boots() {
	if ! grep -q '^CONFIG_X86_32=y' "$KCONFIG"; then
		echo 2
		return
	fi
	start=$(sed -n 's/^CONFIG_PHYSICAL_START=//p' "$KCONFIG")
	align=$(sed -n 's/^CONFIG_PHYSICAL_ALIGN=//p' "$KCONFIG")
	init=$(od -An -tu4 -j 608 -N 4 "$VMLINUZ" | tr -d ' ')
	rd=$(wc -c < "$initrd_kaslr")
	awk -v start="$((start))" -v align="$((align))" -v init="${init:-0}" -v rd="$rd" 'BEGIN {
		s = int((512 * 1048576 - start - 2 * init - rd) / align)
		if (init == 0 || s < 2) { print 0; exit }
		k = 1
		for (p = 1; p < 1048576; p *= s)
			k++
		print k
	}'
}

# KASLR across boots: boot the config again for the kaslr test that
# reports the bases (from a small initramfs) and compare them. With
# nokaslr, or without KASLR built in (32-bit ARM has none), one more boot
# must report the same bases. With KASLR, boots go on until the bases
# move, and fail when they stayed put over vm_kaslr_boots boots.
vm_second_boot() {
	cfg=$1 dir=$run_dir/$1
	case " $VM_APPEND " in
	*" nokaslr "*) want=same ;;
	*) want=differ ;;
	esac
	grep -q '^CONFIG_RANDOMIZE_BASE=y' "$KCONFIG" || want=same
	max=2
	[ "$want" = same ] || max=$(vm_kaslr_boots)
	one=$(vm_kaslr_bases "$dir/ktap.log")
	k=1 verdict='' why='' seen=''
	[ "$max" -ge 2 ] || verdict="not ok" why="# cannot tell how many places KASLR has here ($VMLINUZ)"
	while [ -z "$verdict" ]; do
		k=$((k + 1))
		b=$dir/boot$k
		mkdir -p "$b"
		vm_log "$cfg: boot $k (of $max at most), to compare the kernel's randomized bases"
		initrd=$initrd_kaslr
		vm_boot_retried "$b/console.log" "$vm_timeout" "$2" \
			"$3 vas.groups=kaslr vas.tests=kaslr.module_view_matches_state vas.noextra=1" ||
			vm_log "$cfg: ERROR: boot $k did not finish"
		vm_collect "$b"
		two=$(vm_kaslr_bases "$b/ktap.log" 2> /dev/null)
		seen="$seen$k: $two;"
		if [ -z "$two" ] && ! grep -q '^vas-guest: up' "$b/console.log"; then
			# No boot to compare: an error of the run, not a verdict.
			verdict=error why="# boot $k died before the suite started"
		elif [ -z "$one" ] || [ -z "$two" ]; then
			verdict="not ok" why="# no kaslr bases reported by boot $([ -z "$one" ] && echo 1 || echo "$k")"
		elif [ "$want" = same ]; then
			verdict=ok
			[ "$one" = "$two" ] || verdict="not ok" why="# expected the bases to stay the same between boots"
		elif [ "$one" != "$two" ]; then
			verdict=ok
		elif [ "$k" -ge "$max" ]; then
			verdict="not ok" why="# the bases stayed the same over $k boots (a working KASLR: probability below 2^-20)"
		fi
	done
	name=bases_${want}_between_boots
	# A second kaslr block: the runner's own test, in the kaslr group.
	{
		echo "# selftests: vas: kaslr"
		echo "# TAP version 13"
		echo "# 1..1"
		echo "# #  RUN           global.$name ..."
		echo "# # boot 1: $one"
		echo "$seen" | tr ';' '\n' | sed -n 's/^\([0-9]*\): /# # boot \1: /p'
		[ -n "$why" ] && echo "# $why"
		n=$(($(grep -c '^\(not \)\?ok [0-9]* selftests: vas: ' "$dir/ktap.log") + 1))
		if [ "$verdict" = error ]; then
			# No result line: the converter records the test as an error.
			echo "not ok $n selftests: vas: kaslr # ERROR boot $k failed"
		else
			echo "# $verdict 1 global.$name"
			echo "$verdict $n selftests: vas: kaslr"
		fi
	} >> "$dir/ktap.log"
	n=$(grep -c '^\(not \)\?ok [0-9]* selftests: vas: ' "$dir/ktap.log")
	sed -i "0,/^1\.\.[0-9]*\$/s//1..$n/" "$dir/ktap.log"
}

# Per group "pass fail skip" of a config, from its KTAP.
vm_counts() {
	awk -v fmt=counts -v timing=/dev/null -v envfile=/dev/null \
		-f "$awkdir/results.awk" "$run_dir/$1/ktap.log"
}

vm_main() {
	configs=$(vm_select "$vm")
	command -v cpio > /dev/null || setup_error "--vm needs cpio: run 'make vm-deps'"
	for c in $configs; do
		q=$(sed -n 's/^VM_QEMU=//p' "$here/vm/$c.conf")
		command -v "$q" > /dev/null || setup_error "--vm=$c needs $q: run 'make vm-deps'"
	done
	# Every kernel first: a download that fails is a setup error of the
	# run (exit 2, no results folder), not an ERROR of one config among
	# others. An interrupted download left only a .tmp-* folder, which
	# the next fetch starts by removing.
	for c in $configs; do
		# shellcheck disable=SC1090
		(. "$here/vm/$c.conf" && sh "$here/scripts/kernel.sh" --meta "$VM_KERNEL" \
			--arch "$VM_DEB_ARCH" --cache "$vm_cache" > /dev/null) ||
			setup_error "--vm=$c: could not get its kernel (see above)"
	done
	trap 'echo "vas: interrupted" >&2; vm_kill_jobs; [ -n "$vm_pid" ] && kill -9 "$vm_pid" 2>/dev/null; vm_stop_stream; exit 130' INT TERM HUP
	# Several guests at once: each config runs as a job of its own,
	# its console is not streamed (console.log has it) and its lines
	# start with its name.
	n=0
	for c in $configs; do n=$((n + 1)); done
	[ "$n" -gt 1 ] && [ "$vm_jobs" -gt 1 ] && stream=0
	vm_job_pids=''
	running=''
	for c in $configs; do
		while [ "$(echo "$running" | wc -w)" -ge "$vm_jobs" ]; do
			sleep 1
			still=''
			for r in $running; do
				[ -f "$run_dir/$r/.rc" ] || still="$still $r"
			done
			running=$still
		done
		(
			# A setup error here ends this config (ERROR), not the run.
			# shellcheck disable=SC2034 # vm_job: read by setup_error
			(vm_job=1; vm_run_one "$c")
			echo $? > "$run_dir/$c/.rc"
		) &
		vm_job_pids="$vm_job_pids $!"
		running="$running $c"
	done
	wait
	tp=0 tf=0 ts=0 setup=0
	matrix=$run_dir/matrix.md
	{
		printf '| config |'
		for g in $groups; do printf ' %s |' "$g"; done
		printf '\n|---|'
		for g in $groups; do printf -- '---|'; done
		printf '\n'
	} > "$matrix"
	for c in $configs; do
		rc=$(cat "$run_dir/$c/.rc" 2> /dev/null || echo 3)
		rm -f "$run_dir/$c/.rc"
		if [ "$rc" = 0 ]; then
			line=$(awk -v fmt=summary -v timing=/dev/null -v envfile=/dev/null \
				-f "$awkdir/results.awk" "$run_dir/$c/ktap.log")
			echo "# $c: $line"
			set -- $line
			tp=$((tp + $2)) tf=$((tf + $4)) ts=$((ts + $6))
			{
				printf '| %s |' "$c"
				for g in $groups; do
					vm_counts "$c" | awk -v g="$g" '$1 == g { printf " %d pass, %d fail, %d skip |", $2, $3, $4; found = 1 }
						END { if (!found) printf " not run |" }'
				done
				printf '\n'
			} >> "$matrix"
		else
			[ "$rc" = 2 ] && setup=1
			tf=$((tf + 1))
			echo "| $c | ERROR: no results |" >> "$matrix"
		fi
	done
	# shellcheck disable=SC2086
	write_report "$run_dir" $configs
	ln -sfn "$run_id" "$results/latest"
	echo "# results: $run_dir"
	echo "vas: $tp passed, $tf failed, $ts skipped"
	[ "$setup" = 0 ] || exit 2
	[ "$tf" = 0 ]
	exit $?
}

# Interrupted: the jobs go, with everything they started (their QEMUs).
vm_kill_tree() {
	for c in $(cat /proc/[0-9]*/stat 2> /dev/null | awk -v p="$1" '{
		pid = $1; s = $0; sub(/.*\) /, "", s); split(s, f, " ")
		if (f[2] == p) print pid }'); do
		vm_kill_tree "$c"
	done
	kill -9 "$1" 2> /dev/null
}

vm_kill_jobs() {
	for p in $vm_job_pids; do
		vm_kill_tree "$p"
	done
}
