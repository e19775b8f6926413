#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# stage.sh DIR PART...: make DIR a VAS_VM_EXTRA folder for the default
# (x86_64) guest: the static mutation supervisor and fuzzer, the
# catalogue and scripts, and a "run" script doing PART... (mutations,
# fuzz, kill; see guest.sh). Then:
#   VAS_VM_EXTRA=DIR ./run_tests.sh --vm [GROUP...]
# leaves extra-*.log next to the guest's results.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dir=$1
shift
rm -rf "$dir"
mkdir -p "$dir"
make -s -C "$here" OUT="$dir" STATIC=1 > "$dir.build.log" 2>&1 || {
	cat "$dir.build.log" >&2
	exit 2
}
rm -f "$dir.build.log"
cp "$here/catalogue" "$here/run.sh" "$here/guest.sh" "$here/kill.sh" "$dir/"
printf '#!/bin/sh\nexec sh /vas/extra/guest.sh "$1" %s\n' "$*" > "$dir/run"
