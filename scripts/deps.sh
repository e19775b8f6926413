#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages vas needs that are missing, and say which.
# Idempotent: with everything present it installs nothing.
#
# usage: deps.sh [run|check]   (check adds what the project's own tests use)
set -eu

# gcc/make/libc build the tests (liburing and libnuma for the uring and
# numa groups); xz-utils,
# apt and dpkg unpack the kernel harness; rsync is used by the kselftest
# install rules.
RUN_PKGS="gcc make libc6-dev liburing-dev libnuma-dev xz-utils rsync"
# QEMU boots the guests (TCG or KVM); cpio packs their initramfs; gcc-12
# and libelf build the helper module against Debian's kernel headers.
VM_PKGS="qemu-system-x86 cpio gzip gcc-12 libelf-dev"
# busybox runs the runner as a board would; python3 parses results back;
# the cross compilers prove the arm64, i386 and armhf builds.
CHECK_PKGS="busybox python3 procps gcc-aarch64-linux-gnu gcc-i686-linux-gnu
gcc-arm-linux-gnueabihf"

case ${1:-run} in
run) want=$RUN_PKGS ;;
vm) want="$RUN_PKGS $VM_PKGS" ;;
check) want="$RUN_PKGS $VM_PKGS $CHECK_PKGS" ;;
*) echo "deps: unknown set '$1' (run, vm, check)" >&2; exit 2 ;;
esac

installed() {
	case $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) in
	*" installed") return 0 ;;
	esac
	return 1
}

missing=
for p in $want; do
	# busybox-static serves as busybox too (the two conflict).
	if installed "$p" || { [ "$p" = busybox ] && installed busybox-static; }; then
		continue
	fi
	missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "deps: all present ($(echo $want))"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing Debian packages:$missing" >&2
	echo "deps: as root run: apt-get install -y$missing" >&2
	exit 2
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# A fresh machine has no package lists yet.
if ! apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1; then
	apt-get update -q >/dev/null
	apt-get install -y -q --no-install-recommends $missing >/dev/null
fi
echo "deps: installed$missing"
