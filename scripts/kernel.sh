#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Unpack a Debian kernel and its headers into the cache, never installing
# anything: the image (vmlinuz, config) to boot in QEMU, the headers to
# build the helper module against. META is the metapackage that names the
# current kernel of a flavour (linux-image-amd64, linux-image-686-pae...),
# or, for kernels Debian ships without one (6.12 on bookworm), a pattern
# of image packages whose newest version is taken
# (linux-image-6.12.*+deb12-amd64). ARCH is the kernel's Debian
# architecture (default: the host's); the headers of a foreign one come
# with the host's own kbuild tools of the same version, since fixdep and
# modpost run on the host while the module is cross-compiled.
#
# usage: kernel.sh --meta META --cache DIR [--arch ARCH]
# prints shell assignments: KREL= VMLINUZ= KCONFIG= KDIR=
set -eu
. "$(dirname "$0")/apt-fetch.sh"

die() {
	echo "kernel: $*" >&2
	exit 2
}

meta='' cache='' arch=''
while [ $# -gt 0 ]; do
	case $1 in
	--meta) meta=${2:-}; shift 2 ;;
	--cache) cache=${2:-}; shift 2 ;;
	--arch) arch=${2:-}; shift 2 ;;
	*) die "unknown argument '$1'" ;;
	esac
done
[ -n "$meta" ] && [ -n "$cache" ] || die "usage: kernel.sh --meta META --cache DIR [--arch ARCH]"
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
host=$(dpkg --print-architecture)
[ -n "$arch" ] || arch=$host

# The metapackage depends on exactly one versioned image package (named
# with its architecture when that is not the host's).
depends_on() {
	apt-cache depends "$1:$arch" 2>/dev/null |
		sed -n "s/^ *Depends: \($2[^ :]*\).*/\1/p"
}
# A field of a package of the kernel's architecture (its newest version).
field() {
	apt-cache show "$1:$arch" 2>/dev/null | sed -n "s/^$2: //p" | head -n 1
}
resolve() {
	case $meta in
	*\**)
		prefix=${meta%%\**}
		apt-cache pkgnames "$prefix" 2>/dev/null |
			while read -r p; do
				# shellcheck disable=SC2254 # the pattern is the point
				case $p in $meta) echo "$p" ;; esac
			done | sort -V | tail -n 1 ;;
	*) depends_on "$meta" linux-image- ;;
	esac
}
# apt-cache takes seconds where its binary cache is off (Debian's
# container images): the answer is kept until apt's package lists change
# (an update rewrites them, which makes one of them newer than the memo).
lists=/var/lib/apt/lists
memo=$cache/kernels/.resolved-$(echo "$meta:$arch" | tr -c 'A-Za-z0-9.+:\n-' _)
image=
if [ -s "$memo" ] && [ -d "$lists" ] && [ -z "$(find "$lists" -newer "$memo" 2>/dev/null | head -n 1)" ]; then
	image=$(cat "$memo")
fi
if [ -z "$image" ]; then
	image=$(resolve)
	if [ -z "$image" ] && [ "$(id -u)" = 0 ]; then
		apt-get update -q > /dev/null 2>&1 || true
		image=$(resolve)
	fi
	if [ -n "$image" ]; then
		{ mkdir -p "$cache/kernels" && echo "$image" > "$memo.tmp.$$" &&
			mv "$memo.tmp.$$" "$memo"; } 2> /dev/null || rm -f "$memo.tmp.$$"
	fi
fi
[ -n "$image" ] || die "no kernel image behind $meta: run 'apt-get update' (is the architecture enabled with dpkg --add-architecture?)"
image=$(echo "$image" | head -n 1)
krel=${image#linux-image-}
root=$cache/kernels/$krel
kdir=$root/usr/src/linux-headers-$krel

if [ ! -f "$root/.complete" ]; then
	headers=linux-headers-$krel
	# The headers need their common part (architecture all) and the
	# kbuild tools, taken for the host at the headers' version when
	# the archive still has it.
	version=$(field "$headers" Version)
	deps=$(field "$headers" Depends | tr ',' '\n')
	common=$(echo "$deps" | sed -n 's/^ *\(linux-headers-[^ ]*-common[^ ]*\).*/\1/p' | head -n 1)
	kbuild=$(echo "$deps" | sed -n 's/^ *\(linux-kbuild-[^ :]*\).*/\1/p' | head -n 1)
	[ -n "$version" ] && [ -n "$common" ] && [ -n "$kbuild" ] ||
		die "cannot tell what $headers:$arch depends on"
	if apt-cache madison "$kbuild:$host" 2>/dev/null | grep -q "| *$version *|"; then
		kbuild="$kbuild:$host=$version"
	else
		kbuild="$kbuild:$host"
	fi
	pkgs="$image:$arch $headers:$arch $common $kbuild"
	tmp=$cache/kernels/.tmp-$krel
	rm -rf "$tmp"
	mkdir -p "$tmp/root"
	echo "kernel: fetching $krel ($pkgs)" >&2
	# shellcheck disable=SC2086
	apt_fetch "$tmp" $pkgs || { rm -rf "$tmp"; die "could not download $pkgs"; }
	for deb in "$tmp"/*.deb; do
		dpkg-deb -x "$deb" "$tmp/root" || die "could not unpack $deb"
	done
	# Guests boot without modules: only the kernel's own build info stays.
	rm -rf "$tmp/root/lib/modules/$krel/kernel"
	# The headers include their common part by absolute path.
	sed -i "s|^include /usr/src/|include $root/usr/src/|" \
		"$tmp/root/usr/src/linux-headers-$krel/Makefile"
	rm -f "$tmp"/*.deb
	rm -rf "$root"
	mkdir -p "$cache/kernels"
	mv "$tmp/root" "$root"
	rm -rf "$tmp"
	touch "$root/.complete"
fi
[ -f "$root/boot/vmlinuz-$krel" ] || die "$image has no /boot/vmlinuz-$krel"
echo "KREL=$krel"
echo "VMLINUZ=$root/boot/vmlinuz-$krel"
echo "KCONFIG=$root/boot/config-$krel"
echo "KDIR=$kdir"
