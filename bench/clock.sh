# SPDX-License-Identifier: GPL-2.0
# Sourced by the benchmarks: now_ns prints nanoseconds from a monotonic
# enough clock. GNU date has %N; busybox date may not, and then
# /proc/uptime (centiseconds) serves.
now_ns() {
	t=$(date +%s%N 2>/dev/null)
	case $t in
	*N* | '') awk '{ printf "%.0f\n", $1 * 1e9 }' /proc/uptime ;;
	*) echo "$t" ;;
	esac
}
