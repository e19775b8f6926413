#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Give the vas build the kselftest harness of a kernel tree: a tree given
# with --ksrc is used in place; otherwise the files the harness needs are
# extracted from Debian's linux-source-VERSION package into the cache, and
# nothing else of the kernel is kept. The harness files are then linked
# next to the vas folder, where an in-tree build finds them too.
#
# usage: harness.sh (--ksrc DIR | --debian VERSION) --cache DIR --link DIR
# prints the kernel tree it linked to.
set -eu
. "$(dirname "$0")/apt-fetch.sh"

# What the harness, lib.mk, the kselftest install (gen_tar), the style
# checks (checkpatch), the KTAP parser (kunit_parser.py) and a config
# merge (merge_config.sh: scripts, the top and arch Makefiles and every
# Kconfig file) use. Entries may be tar wildcards.
FILES="tools/testing/selftests/lib.mk
tools/testing/selftests/kselftest.h
tools/testing/selftests/kselftest_harness.h
tools/testing/selftests/kselftest_module.h
tools/testing/selftests/kselftest
tools/testing/selftests/Makefile
tools/testing/selftests/run_kselftest.sh
tools/testing/selftests/gen_kselftest_tar.sh
tools/testing/selftests/kselftest_install.sh
tools/testing/kunit/kunit_parser.py
tools/testing/kunit/kunit_printer.py
Makefile
scripts
arch/*/Makefile*
Kconfig
*/Kconfig*"
LINKED="lib.mk kselftest.h kselftest_harness.h kselftest"

die() {
	echo "harness: $*" >&2
	exit 2
}

ksrc='' debian='' cache='' link=''
while [ $# -gt 0 ]; do
	case $1 in
	--ksrc) ksrc=${2:-}; shift 2 ;;
	--debian) debian=${2:-}; shift 2 ;;
	--cache) cache=${2:-}; shift 2 ;;
	--link) link=${2:-}; shift 2 ;;
	*) die "unknown argument '$1'" ;;
	esac
done
[ -n "$link" ] || die "--link DIR is required"

if [ -n "$ksrc" ]; then
	tree=$(cd "$ksrc" 2>/dev/null && pwd) ||
		die "KSRC=$ksrc is not a folder"
	[ -f "$tree/tools/testing/selftests/kselftest_harness.h" ] ||
		die "KSRC=$ksrc has no tools/testing/selftests/kselftest_harness.h: give the top of a kernel source tree"
else
	[ -n "$debian" ] && [ -n "$cache" ] ||
		die "give --ksrc DIR, or --debian VERSION with --cache DIR"
	# The links must hold from anywhere: an absolute cache path.
	mkdir -p "$cache" && cache=$(cd "$cache" && pwd) ||
		die "cannot create the cache folder $cache"
	tree=$cache/linux-source-$debian
	# A cache extracted with another file list is extracted again.
	stamp=$(echo "$FILES" | cksum)
	if [ "$(cat "$tree/.complete" 2>/dev/null)" != "$stamp" ]; then
		pkg=linux-source-$debian
		tmp=$cache/.tmp-$pkg
		rm -rf "$tmp"
		mkdir -p "$tmp"
		echo "harness: fetching $pkg (Debian package) for the kselftest harness" >&2
		apt_fetch "$tmp" "$pkg" ||
			die "apt-get download $pkg failed: run 'apt-get update', or give KSRC=/path/to/kernel"
		deb=$(ls "$tmp"/"$pkg"_*.deb)
		mkdir -p "$tmp/tree"
		# The tarball is xz-compressed as a whole: one pass, only FILES kept.
		# Unexpanded here (tar matches them), one word per member.
		set -f
		# shellcheck disable=SC2046 # one word per member, no spaces in them
		dpkg-deb --fsys-tarfile "$deb" |
			tar -xO "./usr/src/$pkg.tar.xz" | xz -dc |
			tar -x -C "$tmp/tree" --strip-components=1 \
				--wildcards --wildcards-match-slash \
				$(echo "$FILES" | sed "s|^|$pkg/|") ||
			die "could not extract the harness from $deb"
		set +f
		rm -rf "$tree"
		mv "$tmp/tree" "$tree"
		rm -rf "$tmp"
		echo "$stamp" > "$tree/.complete"
	fi
fi

mkdir -p "$link"
for f in $LINKED; do
	ln -sfn "$tree/tools/testing/selftests/$f" "$link/$f"
done
echo "$tree"
