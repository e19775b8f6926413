# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Sourced by the scripts that take Debian packages apart into the cache.

# apt_fetch DIR PKG...: download the packages' .debs into DIR (nothing is
# installed). A fresh machine has no package lists yet: as root, update
# them once and try again. Fails with the last line apt printed.
apt_fetch() {
	_dir=$(cd "$1" && pwd) || return 1
	shift
	(cd "$_dir" && apt-get download "$@" > /dev/null 2> "$_dir/apt.log") && return 0
	if [ "$(id -u)" = 0 ] && apt-get update -q > /dev/null 2>&1; then
		(cd "$_dir" && apt-get download "$@" > /dev/null 2> "$_dir/apt.log") && return 0
	fi
	tail -n 1 "$_dir/apt.log" >&2
	return 1
}
