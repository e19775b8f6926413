#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The project's own tests (make check): the helper library's parsers and
# probes, the results writers, the runner's contract, the build against
# both harnesses, the in-tree kselftest run, and a run of the suite here
# as root and as an unprivileged user. Ends with "check: N passed, ...".
#
# Environment: BUILD (the built suite, default build/native), MAKE.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
bin=${BUILD:-$top/build/native}
make=${MAKE:-make}
work=$top/build/check
passed=0 failed=0 skipped=0

rm -rf "$work"
mkdir -p "$work"
log=$work/log

pass() { passed=$((passed + 1)); echo "ok - $1"; }
skip() { skipped=$((skipped + 1)); echo "skip - $1 # $2"; }
fail() {
	failed=$((failed + 1))
	echo "not ok - $1"
	[ -s "$log" ] && sed 's/^/#   /' "$log" | tail -n 40
}

# check NAME CMD...: one check, passing when CMD exits 0.
check() {
	name=$1
	shift
	if "$@" > "$log" 2>&1; then pass "$name"; else fail "$name"; fi
}

# expect_exit NAME CODE PATTERN CMD...: exit status and a message.
expect_exit() {
	name=$1 want=$2 pattern=$3
	shift 3
	"$@" > "$log" 2>&1
	rc=$?
	if [ "$rc" = "$want" ] && grep -q -- "$pattern" "$log"; then
		pass "$name"
	else
		echo "exit $rc (want $want), output must match '$pattern'" >> "$log"
		fail "$name"
	fi
}

# ---- unit tests of the helper library (each harness test counts) ----
unit=$work/lib_test
vas=$top/tools/testing/selftests/vas
# The library: every vas_*.c but the vas_env program.
lib_srcs=$(cd "$vas" && for f in vas_*.c; do [ "$f" = vas_env.c ] || echo "$f"; done)
# shellcheck disable=SC2086
if (cd "$vas" && cc -Wall -Wextra -Wno-unused-parameter -Werror -O2 -g -D_GNU_SOURCE= \
	-I"$top/tools/testing/selftests" -I"$vas" -I"$top/kmod" -o "$unit" \
	"$top/tests/unit/lib_test.c" $lib_srcs) > "$log" 2>&1; then
	"$unit" > "$work/unit.tap" 2>&1
	while IFS= read -r line; do
		case $line in
		"ok "*"# SKIP"*) skip "lib.${line#ok * }" "skipped" ;;
		"ok "*) pass "lib.${line#ok [0-9]* global.}" ;;
		"not ok "*)
			grep -v '^ok\|^#  RUN\|^#  *OK' "$work/unit.tap" > "$log"
			fail "lib.${line#not ok [0-9]* global.}" ;;
		esac
	done < "$work/unit.tap"
	grep -q '^# Totals\|^# PASSED\|^# FAILED' "$work/unit.tap" ||
		{ cp "$work/unit.tap" "$log"; fail "lib.unit_tests_completed"; }
else
	fail "lib.unit_tests_build"
fi

# ---- results writers ----
check "results.ktap_to_json_junit_summary" python3 "$top/tests/check_results.py"

# ---- runner contract ----
groups_msg="valid groups: split"
for sh in sh busybox; do
	if [ "$sh" = busybox ]; then
		command -v busybox > /dev/null || { skip "runner.busybox" "busybox missing"; continue; }
		runsh="busybox sh"
	else
		runsh="sh"
	fi
	# shellcheck disable=SC2086
	expect_exit "runner.$sh.unknown_group_exits_2" 2 "$groups_msg" $runsh "$top/run_tests.sh" bogus
	# shellcheck disable=SC2086
	expect_exit "runner.$sh.unknown_option_exits_2" 2 "valid options" $runsh "$top/run_tests.sh" --bogus
	# shellcheck disable=SC2086
	expect_exit "runner.$sh.bad_samples_exits_2" 2 "positive number" $runsh "$top/run_tests.sh" --samples 0
	# shellcheck disable=SC2086
	expect_exit "runner.$sh.help_exits_0" 0 "usage:" $runsh "$top/run_tests.sh" --help
	# shellcheck disable=SC2086
	expect_exit "runner.$sh.unwritable_results_exits_2" 2 "cannot write" \
		env VAS_BIN="$bin" $runsh "$top/run_tests.sh" --results /proc/vas-results split
	# shellcheck disable=SC2086
	expect_exit "runner.$sh.unbuilt_exits_2" 2 "make build" \
		env VAS_BIN="$work/nothing" $runsh "$top/run_tests.sh" split
done
expect_exit "runner.unknown_vm_config_exits_2" 2 "configs: .*x86_64" "$top/run_tests.sh" --vm=bogus
expect_exit "runner.list_with_vm_exits_2" 2 "do not go together" "$top/run_tests.sh" --vm --list

list_ok() {
	VAS_BIN="$bin" "$top/run_tests.sh" --list > "$work/list" || return 1
	[ -s "$work/list" ] || return 1
	# Every line is a group.test id of a known group.
	groups=$("$top/run_tests.sh" --help | sed -n 's/^groups: //p' | tr ' ' '|')
	! grep -v -E "^($groups)\.[a-z0-9_.]+\$" "$work/list"
}
check "runner.list_prints_group_test_ids" list_ok

# --test: only the named tests run (the 6.12 harness's -r), in their group.
only_ok() {
	VAS_BIN="$bin" "$top/run_tests.sh" --results "$work/results-only" \
		--test split.user_top_matches_task_size_rule -t nullpage.null_function_pointer_call_raises_segv_maperr \
		> "$work/only.log" || return 1
	cat "$work/only.log"
	[ "$(grep -c '^# ok \|^# not ok ' "$work/only.log")" = 2 ] &&
		grep -q '^ok 1 selftests: vas: split$' "$work/only.log" &&
		grep -q '^ok 2 selftests: vas: nullpage' "$work/only.log"
}
check "runner.test_option_runs_only_the_named_tests" only_ok
expect_exit "runner.test_option_rejects_an_unknown_group" 2 "not a test id" \
	"$top/run_tests.sh" --test bogus.thing
expect_exit "runner.test_option_rejects_an_unknown_test" 2 "no test 'split.bogus' in group split" \
	env VAS_BIN="$bin" "$top/run_tests.sh" --test split.bogus

# KASLR across --vm boots, with the boots and the bases stubbed: boots go
# on while the bases stay; a kernel whose bases never move fails after as
# many boots as its KASLR's places need for a 2^-20 false alarm (x86_32:
# about 30 places, so 6 boots in all); x86_64 needs one more boot.
kaslr_boots() {
	# shellcheck disable=SC2016 # expanded by the inner shell
	SEQ=$1 CFG=$2 sh -c '
		here=$0 run_dir=$1
		. "$here/runner/vm.sh"
		KCONFIG=$run_dir/config VMLINUZ=$run_dir/vmlinuz initrd_kaslr=$run_dir/initrd VM_APPEND=
		vm_log() { :; }
		vm_boot_retried() { echo "vas-guest: up" > "$1"; }
		vm_collect() {
			v=${SEQ%% *} SEQ=${SEQ#* }
			echo "# # vas-data: kaslr text=$v" > "$1/ktap.log"
		}
		rm -rf "$run_dir/c"
		mkdir -p "$run_dir/c"
		printf "%s\n" "$CFG" > "$KCONFIG"
		printf "1..1\n# # vas-data: kaslr text=A\nok 1 selftests: vas: kaslr\n" > "$run_dir/c/ktap.log"
		vm_second_boot c "" ""
		cat "$run_dir/c/ktap.log"' "$top" "$work/kaslr"
}
kaslr_rule_ok() {
	mkdir -p "$work/kaslr"
	# A bzImage header whose init_size (offset 0x260) is 32 MiB.
	dd if=/dev/zero of="$work/kaslr/vmlinuz" bs=1024 count=1 2> /dev/null
	printf '\000\000\000\002' | dd of="$work/kaslr/vmlinuz" bs=1 seek=608 conv=notrunc 2> /dev/null
	head -c 2097152 /dev/zero > "$work/kaslr/initrd"
	x86_32="CONFIG_X86_32=y CONFIG_RANDOMIZE_BASE=y CONFIG_PHYSICAL_START=0x1000000 CONFIG_PHYSICAL_ALIGN=0x1000000"
	x86_32=$(echo "$x86_32" | tr ' ' '\n')
	kaslr_boots "A A B" "$x86_32" > "$work/kaslr/1" &&
		grep -q '^ok 2 ' "$work/kaslr/1" && grep -q '^# # boot 4: text=B' "$work/kaslr/1" ||
		{ echo "x86_32, bases moving at boot 4:"; cat "$work/kaslr/1"; return 1; }
	kaslr_boots "A A A A A A A A" "$x86_32" > "$work/kaslr/2" &&
		grep -q '^not ok 2 ' "$work/kaslr/2" && grep -q '^# # boot 6: ' "$work/kaslr/2" &&
		! grep -q '^# # boot 7: ' "$work/kaslr/2" ||
		{ echo "x86_32, bases never moving:"; cat "$work/kaslr/2"; return 1; }
	kaslr_boots "A A" "CONFIG_RANDOMIZE_BASE=y" > "$work/kaslr/3" &&
		grep -q '^not ok 2 ' "$work/kaslr/3" && ! grep -q '^# # boot 3: ' "$work/kaslr/3" ||
		{ echo "x86_64, bases not moving:"; cat "$work/kaslr/3"; return 1; }
	kaslr_boots "A" "CONFIG_X86_32=y" > "$work/kaslr/4" &&
		grep -q '^ok 2 ' "$work/kaslr/4" && grep -q 'bases_same_between_boots' "$work/kaslr/4" ||
		{ echo "no KASLR built in:"; cat "$work/kaslr/4"; return 1; }
}
check "runner.kaslr_boots_until_bases_move_within_2e-20" kaslr_rule_ok

# ---- the suite on this machine ----
# suite_ok RESULTS LISTING CMD...: the run ends with no failure, and its
# results agree with the stream and with the --list ids in LISTING.
suite_ok() {
	res=$1 listing=$2
	shift 2
	"$@"
	[ $? -le 1 ] || return 1
	python3 - "$res/latest" "$listing" "$top/tests/known-findings" <<'EOF'
import fnmatch, json, re, sys, xml.etree.ElementTree as ET
run, listing, findings = sys.argv[1], sys.argv[2], sys.argv[3]
doc = json.load(open(run + "/results.json"))
names = [t["name"] for t in doc["tests"]]
want = [l.strip() for l in open(listing) if l.strip()]
known = [l.rstrip("\n").split("\t") for l in open(findings) if l.strip() and not l.startswith("#")]
def is_known(t):
    text = t["reason"] + "\n" + t.get("log", "")
    for glob, regex, why in known:
        if t["status"] == "fail" and fnmatch.fnmatch(t["name"], glob) and re.search(regex, text):
            print("known kernel finding: %s: %s" % (t["name"], t["reason"]))
            return True
    return False
bad = [t for t in doc["tests"] if t["status"] not in ("pass", "skip") and not is_known(t)]
skips = [t for t in doc["tests"] if t["status"] == "skip" and not t["reason"]]
missing = sorted(set(want) - set(names))
root = ET.parse(run + "/junit.xml").getroot()
errors = []
if bad: errors.append("failed: %s" % bad)
if skips: errors.append("skips without reason: %s" % skips)
if missing: errors.append("listed but not run: %s" % missing)
if int(root.get("tests")) != len(names): errors.append("junit count")
for key in ("kernel", "arch", "page_size", "user_va_bits", "cmdline"):
    if key not in doc["environment"]: errors.append("environment lacks " + key)
print("%d tests: %d pass, %d skip" % (len(names), sum(t["status"] == "pass" for t in doc["tests"]),
      sum(t["status"] == "skip" for t in doc["tests"])))
for e in errors: print(e)
sys.exit(1 if errors else 0)
EOF
}

res=$work/results-root
check "suite.runs_clean_here" suite_ok "$res" "$work/list" env VAS_BIN="$bin" "$top/run_tests.sh" --results "$res"
cat "$log" | tail -n 1

if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null; then
	res=$work/results-nobody
	mkdir -p "$res"
	chmod 777 "$res"
	check "suite.runs_clean_unprivileged" suite_ok "$res" "$work/list" \
		setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		env VAS_BIN="$bin" "$top/run_tests.sh" --results "$res"
else
	skip "suite.runs_clean_unprivileged" "needs root and setpriv"
fi

if command -v busybox > /dev/null; then
	res=$work/results-busybox
	grep '^split\.' "$work/list" > "$work/list.split"
	check "suite.busybox_sh_runs_split" suite_ok "$res" "$work/list.split" \
		env VAS_BIN="$bin" busybox sh "$top/run_tests.sh" --results "$res" split
else
	skip "suite.busybox_sh_runs_split" "busybox missing"
fi

# ---- a group killed while it holds a sysctl changed restores it ----
# killed_group_restores PROG SYSCTL [VALUE]: run PROG, SIGKILL its whole
# session (the harness's test children included) the moment SYSCTL reads
# VALUE (or anything but its value now), then the sysctl must be back
# within 2 s. Some tests hold a value for milliseconds: the watcher polls
# without forking.
killed_group_restores() {
	python3 - "$bin" "$@" <<'EOF'
import os, signal, subprocess, sys, time
bindir, prog, name = sys.argv[1:4]
want = sys.argv[4] if len(sys.argv) > 4 else None
path = "/proc/sys/" + name.replace(".", "/")
read = lambda: open(path).read().strip()
before = read()
if want == before:
    want = None
child = subprocess.Popen(["./" + prog], cwd=bindir, start_new_session=True,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
def kill_session(sid):
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = open("/proc/%s/stat" % pid).read()
            if int(stat.rsplit(")", 1)[1].split()[3]) == sid:
                os.kill(int(pid), signal.SIGKILL)
        except (OSError, ValueError, IndexError):
            pass
deadline = time.time() + 60
while True:
    now = read()
    if (want is None and now != before) or (want is not None and now == want):
        break
    if child.poll() is not None or time.time() > deadline:
        kill_session(child.pid)
        print("%s ended without setting %s" % (prog, name))
        sys.exit(1)
kill_session(child.pid)
child.wait()
deadline = time.time() + 2
while read() != before:
    if time.time() > deadline:
        print("%s stayed %s after SIGKILL, was %s" % (name, read(), before))
        sys.exit(1)
    time.sleep(0.01)
print("%s: %s -> %s while %s ran; back to %s after SIGKILL" % (name, before, now, prog, before))
EOF
}

# killed_group_leaves_nothing PROG: SIGKILL PROG's session as soon as it
# has created a memory cgroup (its guard records each in VAS_STATE_DIR);
# within 5 s the cgroup must be gone, no process of the session left, and
# no sysctl the suite may touch changed.
killed_group_leaves_nothing() {
	state=$work/kill-state-$1
	rm -rf "$state"
	mkdir -p "$state"
	python3 - "$bin" "$1" "$state" "$(awk '/^VAS_SYSCTLS="/ { f = 1 } f { print } f && /"$/ { exit }' \
		"$top/run_tests.sh" | sed 's/VAS_SYSCTLS=//' | tr -d '"')" <<'EOF'
import glob, os, signal, subprocess, sys, time
bindir, prog, state, sysctls = sys.argv[1:5]
names = sysctls.split()
snap = lambda: {n: open("/proc/sys/" + n.replace(".", "/")).read() for n in names
                if os.path.exists("/proc/sys/" + n.replace(".", "/"))}
before = snap()
env = dict(os.environ, VAS_STATE_DIR=state)
child = subprocess.Popen(["./" + prog], cwd=bindir, start_new_session=True, env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
def session(sid):
    pids = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if int(open("/proc/%s/stat" % pid).read().rsplit(")", 1)[1].split()[3]) == sid:
                pids.append(int(pid))
        except (OSError, ValueError, IndexError):
            pass
    return pids
deadline = time.time() + 60
while not glob.glob(state + "/cgroup.*"):
    if child.poll() is not None or time.time() > deadline:
        for p in session(child.pid): os.kill(p, signal.SIGKILL)
        print("%s made no cgroup before it ended" % prog)
        sys.exit(1)
    time.sleep(0.001)
time.sleep(0.05)
groups = [open(f).read().strip() for f in glob.glob(state + "/cgroup.*")]
for p in session(child.pid): os.kill(p, signal.SIGKILL)
child.wait()
deadline = time.time() + 5
while True:
    left = [g for g in groups if os.path.isdir(g)]
    procs = session(child.pid)
    if not left and not procs:
        break
    if time.time() > deadline:
        print("left behind: cgroups %s, processes %s" % (left, procs))
        sys.exit(1)
    time.sleep(0.05)
changed = {n: (before[n], v) for n, v in snap().items() if before.get(n) != v}
if changed:
    print("sysctls changed: %s" % changed)
    sys.exit(1)
print("%s killed holding %s: cgroup removed, no process left, sysctls unchanged" % (prog, groups))
EOF
}

if [ "$(id -u)" = 0 ] && [ -w /proc/sys/kernel/randomize_va_space ]; then
	check "kill.aslr_restores_randomize_va_space" \
		killed_group_restores aslr kernel.randomize_va_space 0
	tail -n 1 "$log"
	check "kill.paging_restores_overcommit_memory" \
		killed_group_restores paging vm.overcommit_memory
	tail -n 1 "$log"
	if [ -x "$bin/oom" ]; then
		check "kill.oom_leaves_no_cgroup_process_or_sysctl" \
			killed_group_leaves_nothing oom
		tail -n 1 "$log"
	else
		skip "kill.oom_leaves_no_cgroup_process_or_sysctl" "oom group not built"
	fi
else
	skip "kill.aslr_restores_randomize_va_space" "needs root"
	skip "kill.paging_restores_overcommit_memory" "needs root"
	skip "kill.oom_leaves_no_cgroup_process_or_sysctl" "needs root"
fi

# ---- mutations (host part) and kill trials ----
# Every mutation of mutate/catalogue must turn a test from ok to not ok;
# the guest's part runs in the x86_64 guest boot below, the score after.
if [ "$(id -u)" = 0 ]; then
	check "mutate.tools_build" "$make" -s -C "$top/mutate" OUT="$work/mutate"
	rm -f "$work/mutations"
	check "mutate.host_catalogue_caught" sh "$top/mutate/run.sh" --bin "$bin" \
		--tool "$work/mutate/vas-mutate" --where host --out "$work/mutations"
	grep '^mutations:\|^survived\|^n/a' "$log"
	# SIGKILL of groups and of the runner at random moments, and the
	# runner's timeout: sysctls, cgroups, mounts, processes as before.
	check "kill.trials_groups_runner_timeout" sh "$top/mutate/kill.sh" --bin "$bin" \
		--trials 21 aslr paging mlock madvise nullpage mremap oom
	tail -n 1 "$log"
else
	skip "mutate.host_catalogue_caught" "needs root"
	skip "kill.trials_groups_runner_timeout" "needs root"
fi

# ---- build against both harnesses, warnings are errors ----
for h in 6.1 6.12; do
	check "build.harness_$h.no_warnings" "$make" -C "$top" build HARNESS="$h" \
		BUILD="$work/build-$h" USERCFLAGS=-Werror
done
# Every group, uring and numa included: the build takes the target's
# liburing and libnuma from Debian's packages (scripts/sysroot.sh).
for cross in arm64:aarch64-linux-gnu- i386:i686-linux-gnu- arm:arm-linux-gnueabihf-; do
	check "build.cross_${cross%%:*}.no_warnings" "$make" -C "$top" build \
		ARCH="${cross%%:*}" CROSS_COMPILE="${cross#*:}" \
		BUILD="$work/build-${cross%%:*}" USERCFLAGS=-Werror
done
# Leave the default harness linked for the developer's next build.
"$make" -C "$top" harness > /dev/null 2>&1

# ---- in-tree: the kernel's selftests Makefile builds and runs vas ----
intree_ok() {
	tree=$(sh "$top/scripts/harness.sh" --debian 6.1 --cache "$top/.cache" \
		--link "$top/tools/testing/selftests") || return 1
	"$make" -C "$top" kernel-tree KSRC="$tree" || return 1
	"$make" -C "$tree/tools/testing/selftests" TARGETS=vas run_tests > "$work/intree.log" 2>&1
	cat "$work/intree.log"
	grep -q '^ok [0-9]* selftests: vas: split' "$work/intree.log" || return 1
	# Same test names as the runner's: every listed test ran.
	for id in $(cut -d. -f2- "$work/list"); do
		grep -q -E "^# #  RUN +(global\.)?$id \.\.\." "$work/intree.log" ||
			{ echo "in-tree run lacks $id"; return 1; }
	done
}
check "intree.kselftest_run_tests_prints_ktap" intree_ok

# ---- guests: the default config and arm64 (cross-built from Debian's
# packages), both at once, the module loaded, kernel_layout passing ----
vm_ok() {
	python3 - "$res/latest/$1" "$1" <<'EOF'
import json, sys
run, cfg = sys.argv[1], sys.argv[2]
doc = json.load(open(run + "/results.json"))
tests = doc["tests"]
layout = [t for t in tests if t["group"] == "kernel_layout"]
errors = []
if doc["environment"].get("config") != cfg: errors.append("config %r" % doc["environment"].get("config"))
if any(t["status"] not in ("pass", "skip") for t in tests): errors.append("failures")
if not layout: errors.append("no kernel_layout tests ran")
passed = [t for t in layout if t["status"] == "pass"]
if len(passed) < len(layout) - 2:
    errors.append("kernel_layout mostly skipped: %s" % sorted({t["reason"] for t in layout if t["status"] == "skip"}))
if any("module" in t["reason"] for t in layout): errors.append("module unavailable in the guest")
print("guest %s: kernel_layout %d/%d passed" % (doc["environment"].get("kernel"), len(passed), len(layout)))
for e in errors: print(e)
sys.exit(1 if errors else 0)
EOF
}
res=$work/results-vm
vm_log=$work/vm.log
# The x86_64 guest also runs the catalogue's guest mutations.
sh "$top/mutate/stage.sh" "$work/vm-extra" mutations > /dev/null 2>&1 || rm -rf "$work/vm-extra"
VAS_VM_EXTRA=$work/vm-extra VAS_VM_EXTRA_CONFIGS=x86_64 \
	"$top/run_tests.sh" --vm=x86_64,arm64 --results "$res" > "$vm_log" 2>&1
grep '^# vm: .*took\|^vas:' "$vm_log"
for cfg in x86_64 arm64; do
	check "vm.${cfg}_guest_loads_module_and_passes_kernel_layout" vm_ok "$cfg"
	tail -n 1 "$log"
done
# The mutation score over the whole catalogue: host and guest parts.
mutation_score() {
	glog=$work/results-vm/latest/x86_64/extra-mutations.log
	[ -f "$glog" ] && grep -v '^caught\|^    ' "$glog"
	total=$(grep -c '^\[' "$top/mutate/catalogue")
	caught=$(cat "$work/mutations" "${glog%.log}" 2> /dev/null | grep -c ' caught$')
	echo "mutations: $caught/$total caught"
	[ "$caught" = "$total" ]
}
check "mutate.score_is_100_percent" mutation_score
tail -n 1 "$log"
check "report.index_html_in_headless_chromium" sh "$top/tests/report.sh" "$work/results-root/latest" "$work/results-vm/latest"

# ---- kernel CI: KTAP, KCIDB, kselftest install, config, LAVA, gates ----
. "$top/tests/ci.sh"

echo "check: $passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
