#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The libraries the tests link besides libc (liburing, libnuma), for a
# cross build: Debian's packages of the target architecture, downloaded and
# unpacked into the cache (nothing is installed). The cross compiler
# brings libc; this folder brings the rest, static and shared (Debian's
# development links are relative: they work where they are unpacked).
#
# usage: sysroot.sh --cross CROSS_COMPILE --cache DIR [--cflags|--ldflags]
# prints the compiler flags (-isystem ...) or the linker flags (-L...);
# with neither, the folder.
set -eu
. "$(dirname "$0")/apt-fetch.sh"

die() {
	echo "sysroot: $*" >&2
	exit 2
}

cross='' cache='' what=dir
while [ $# -gt 0 ]; do
	case $1 in
	--cross) cross=${2:-}; shift 2 ;;
	--cache) cache=${2:-}; shift 2 ;;
	--cflags) what=cflags; shift ;;
	--ldflags) what=ldflags; shift ;;
	*) die "unknown argument '$1'" ;;
	esac
done
[ -n "$cross" ] && [ -n "$cache" ] || die "usage: sysroot.sh --cross CROSS_COMPILE --cache DIR"
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

# The compiler's target triplet names the Debian architecture and the
# multiarch folder of its libraries (i686 code lives in i386-linux-gnu).
triplet=$("${cross}gcc" -dumpmachine 2>/dev/null) ||
	die "no compiler ${cross}gcc: run 'make deps'"
case $triplet in
aarch64-*linux-gnu) arch=arm64 multiarch=aarch64-linux-gnu ;;
arm-*linux-gnueabihf) arch=armhf multiarch=arm-linux-gnueabihf ;;
arm-*linux-gnueabi) arch=armel multiarch=arm-linux-gnueabi ;;
i?86-*linux-gnu) arch=i386 multiarch=i386-linux-gnu ;;
x86_64-*linux-gnu) arch=amd64 multiarch=x86_64-linux-gnu ;;
*) die "no Debian architecture known for $triplet" ;;
esac

root=$cache/sysroot-$arch
if [ ! -f "$root/.complete" ]; then
	pkgs="liburing-dev:$arch liburing2:$arch libnuma-dev:$arch libnuma1:$arch"
	tmp=$cache/.tmp-sysroot-$arch
	rm -rf "$tmp"
	mkdir -p "$tmp/root"
	echo "sysroot: fetching $pkgs" >&2
	# shellcheck disable=SC2086
	apt_fetch "$tmp" $pkgs ||
		die "could not download $pkgs (is the architecture enabled? dpkg --add-architecture $arch; apt-get update)"
	for deb in "$tmp"/*.deb; do
		dpkg-deb -x "$deb" "$tmp/root" || die "could not unpack $deb"
	done
	rm -f "$tmp"/*.deb "$tmp/apt.log"
	rm -rf "$root"
	mv "$tmp/root" "$root"
	rm -rf "$tmp"
	touch "$root/.complete"
fi
case $what in
dir) echo "$root" ;;
cflags) echo "-isystem $root/usr/include" ;;
ldflags) echo "-L$root/usr/lib/$multiarch" ;;
esac
