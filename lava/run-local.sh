#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run lava/qemu-monitor-job.yaml through LAVA's own dispatcher (lava-run,
# Debian's lava-dispatcher), locally, with no LAVA server: the kernel and
# the vas initramfs of a vm/ config (built by ./run_tests.sh --vm=CFG)
# boot in QEMU under LAVA, which reads the results off the console.
#
# lava-dispatcher and the Python modules it needs are downloaded as
# Debian packages and unpacked into the cache (nothing is installed);
# python3-guestfs, which the dispatcher imports but a job without a test
# shell never uses, is replaced by an empty module. lava-run keeps its
# scratch files in /var/lib/lava/dispatcher/tmp/<job id> (removed after
# the job): run it as root.
#
# usage: run-local.sh [-c CONFIG] [-g GROUP,...] [-s SAMPLES] [-o OUTPUT]
#   CONFIG   a vm/ config (default x86_64)
#   GROUP    the groups the guest runs (default split,kernel_layout)
#   SAMPLES  ASLR samples per mode (default 64)
#   OUTPUT   where the rendered job, device, LAVA's log and results go
#            (default build/lava)
# Writes OUTPUT/job.yaml, device.yaml, lava.log (LAVA's log, one JSON
# object a line), console.log (the guest's console) and results.txt
# ("case result" lines of the vas test); exits 0 when LAVA ran the job to
# its end with a complete result, 1 when it did not, 2 on setup errors.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/apt-fetch.sh
. "$top/scripts/apt-fetch.sh"
cache=${VAS_CACHE:-$top/.cache}
cfg=x86_64 groups=split,kernel_layout samples=64 out=$top/build/lava

die() {
	echo "lava: $*" >&2
	exit 2
}

while getopts c:g:s:o: opt; do
	case $opt in
	c) cfg=$OPTARG ;;
	g) groups=$OPTARG ;;
	s) samples=$OPTARG ;;
	o) out=$OPTARG ;;
	*) die "usage: run-local.sh [-c CONFIG] [-g GROUP,...] [-s SAMPLES] [-o OUTPUT]" ;;
	esac
done
[ -f "$top/vm/$cfg.conf" ] || die "no vm/$cfg.conf"
[ "$(id -u)" = 0 ] || die "lava-run needs root (/var/lib/lava/dispatcher)"

# ---- the dispatcher, unpacked into the cache ----
PKGS="lava-dispatcher lava-dispatcher-host lava-common python3-voluptuous
python3-configobj python3-setproctitle python3-pyudev python3-netifaces
python3-magic python3-tz python3-aiohttp python3-multidict python3-yarl
python3-frozenlist python3-aiosignal python3-async-timeout python3-jinja2
python3-markupsafe python3-requests python3-urllib3 python3-certifi
python3-charset-normalizer python3-idna python3-chardet python3-pexpect
python3-ptyprocess python3-yaml"
lava=$cache/lava
stamp=$(echo "$PKGS" | cksum)
if [ "$(cat "$lava/.complete" 2>/dev/null)" != "$stamp" ]; then
	echo "lava: fetching lava-dispatcher (Debian packages) into the cache" >&2
	tmp=$cache/.tmp-lava
	rm -rf "$tmp"
	mkdir -p "$tmp/root"
	# shellcheck disable=SC2086 # one word per package
	apt_fetch "$tmp" $PKGS || die "could not download lava-dispatcher"
	for deb in "$tmp"/*.deb; do
		dpkg-deb -x "$deb" "$tmp/root" || die "could not unpack $deb"
	done
	mkdir -p "$tmp/root/stub"
	echo "# Unused by jobs without a test shell overlay." > "$tmp/root/stub/guestfs.py"
	rm -f "$tmp"/*.deb
	rm -rf "$lava"
	mv "$tmp/root" "$lava"
	rm -rf "$tmp"
	echo "$stamp" > "$lava/.complete"
fi

# ---- the kernel and the initramfs of the config ----
# shellcheck disable=SC1090 # a vm/ config
. "$top/vm/$cfg.conf"
eval "$(sh "$top/scripts/kernel.sh" --meta "$VM_KERNEL" --cache "$cache")" ||
	die "could not get the kernel $VM_KERNEL"
initrd=${VAS_VM_BUILD:-$top/build}/vm-initramfs/$cfg.cpio.gz
[ -f "$initrd" ] || die "no $initrd: run ./run_tests.sh --vm=$cfg first"

mkdir -p "$out"
out=$(cd "$out" && pwd)
# Timeout (minutes): TCG runs the guest; the default groups take ~1.
timeout=$((20 + samples / 64))
qemu_args=$(echo "$VM_QEMU_ARGS" | tr '\n' ' ' | tr -s ' ')
# sed replacements: | separates, & would mean the match.
esc() {
	printf '%s' "$1" | sed 's/[|&\\]/\\&/g'
}
render() {
	sed -e "s|@ARCH@|$(esc "$VM_BUILD_ARCH")|g" \
		-e "s|@QEMU@|$(esc "$VM_QEMU")|g" \
		-e "s|@QEMU_ARGS@|$(esc "$qemu_args")|g" \
		-e "s|@CONFIG@|$(esc "$cfg")|g" \
		-e "s|@GROUPS@|$(esc "$groups")|g" \
		-e "s|@SAMPLES@|$(esc "$samples")|g" \
		-e "s|@TIMEOUT@|$timeout|g" \
		-e "s|@CONSOLE@|$(esc "$VM_CONSOLE")|g" \
		-e "s|@APPEND@|$(esc "$VM_APPEND")|g" \
		-e "s|@KERNEL_URL@|file://$(esc "$VMLINUZ")|g" \
		-e "s|@RAMDISK_URL@|file://$(esc "$initrd")|g" "$1"
}
render "$top/lava/qemu-device.yaml" > "$out/device.yaml"
render "$top/lava/qemu-monitor-job.yaml" > "$out/job.yaml"

# ---- the job ----
job=vas-$$
rm -rf "$out/lava-run"
mkdir -p "$out/lava-run"
echo "lava: running $out/job.yaml (LAVA job $job, $cfg: $groups)" >&2
rc=0
PYTHONPATH=$lava/usr/lib/python3/dist-packages:$lava/stub \
	python3 "$lava/usr/bin/lava-run" --job-id "$job" --output-dir "$out/lava-run" \
	--device "$out/device.yaml" "$out/job.yaml" > "$out/lava.log" 2>&1 || rc=$?

# The console, and the vas test's results, from LAVA's log.
python3 - "$out" <<'EOF'
import json, sys
out = sys.argv[1]
console, results, job = [], [], None
for line in open(out + "/lava.log", errors="replace"):
    try:
        rec = json.loads(line)
    except ValueError:
        continue
    msg = rec.get("msg")
    if rec.get("lvl") == "target" and isinstance(msg, str):
        console.append(msg)
    elif rec.get("lvl") == "results" and isinstance(msg, dict):
        if msg.get("definition") == "vas":
            case = msg.get("extra", {}).get("test_case_id", msg.get("case"))
            results.append("%s %s" % (case, msg.get("result")))
        elif msg.get("case") == "job":
            job = msg.get("result")
with open(out + "/console.log", "w") as f:
    f.write("\n".join(console) + "\n")
with open(out + "/results.txt", "w") as f:
    f.write("".join(r + "\n" for r in results))
print("lava: job %s, %d vas test cases" % (job, len(results)))
sys.exit(0 if job == "pass" else 1)
EOF
[ "$rc" = 0 ] || { echo "lava: lava-run exited $rc (see $out/lava.log)" >&2; exit 1; }
