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
# and libelf build the helper module against Debian's kernel headers; the
# cross compilers (with their libc6-*-cross) build the suite and the
# module for the arm64, armhf and i386 guests.
VM_PKGS="qemu-system-x86 qemu-system-arm cpio gzip gcc-12 libelf-dev
gcc-aarch64-linux-gnu gcc-i686-linux-gnu gcc-arm-linux-gnueabihf"
# The guests' kernels, busybox, liburing and libnuma are those
# architectures' Debian packages, downloaded (never installed): apt must
# know the architectures.
VM_ARCHES="arm64 armhf i386"
# busybox runs the runner as a board would; python3 parses results back;
# the cross compilers prove the arm64, i386 and armhf builds; chromium
# renders the report page headless; the CI checks: jsonschema (KCIDB),
# yaml (LAVA), flex, bison and pahole (merge_config.sh's alldefconfig as
# Debian's config was made), sparse and shellcheck (quality gates).
CHECK_PKGS="busybox python3 procps gcc-aarch64-linux-gnu gcc-i686-linux-gnu
gcc-arm-linux-gnueabihf chromium python3-jsonschema python3-yaml flex bison
pahole sparse shellcheck"

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

# dpkg --add-architecture for the guests' packages, then fresh lists. One
# architecture's index may fail to update (a mirror in sync): what the
# guests need is checked when they are prepared, not here.
add_arches() {
	added=
	for a in $VM_ARCHES; do
		dpkg --print-foreign-architectures | grep -qx "$a" && continue
		if [ "$(id -u)" != 0 ]; then
			echo "deps: as root run: dpkg --add-architecture $a && apt-get update" >&2
			exit 2
		fi
		dpkg --add-architecture "$a"
		added="$added $a"
	done
	if [ -n "$added" ]; then
		echo "deps: added the architectures$added"
		apt-get update -q > /dev/null 2>&1 ||
			echo "deps: apt-get update reported errors (an index may be syncing): going on" >&2
	fi
}
case ${1:-run} in
vm|check) add_arches ;;
esac

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
	apt-get update -q >/dev/null || true
	apt-get install -y -q --no-install-recommends $missing >/dev/null
fi
echo "deps: installed$missing"
