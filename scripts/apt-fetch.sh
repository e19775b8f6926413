# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Sourced by the scripts that take Debian packages apart into the cache.

# apt_fetch DIR PKG...: download the packages' .debs into DIR (nothing is
# installed). A fresh machine has no package lists yet: as root, update
# them and try again (an update that fails for one index, say a mirror in
# sync, still refreshes the others). On failure DIR keeps no .deb, and
# the message names what failed and the fix.
apt_fetch() {
	_dir=$(cd "$1" && pwd) || return 1
	shift
	(cd "$_dir" && apt-get download "$@" > /dev/null 2> "$_dir/apt.log") && return 0
	if [ "$(id -u)" = 0 ]; then
		apt-get update -q > /dev/null 2>&1
		(cd "$_dir" && apt-get download "$@" > /dev/null 2> "$_dir/apt.log") && return 0
	fi
	rm -f "$_dir"/*.deb
	tail -n 1 "$_dir/apt.log" >&2
	echo "apt could not download $*: is Debian's archive reachable? As root run 'apt-get update', then try again" >&2
	return 1
}
