#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check runner/results.awk: recorded KTAP streams (tests/data/*.log) must
give the records in the matching .expect file, as well-formed JSON and
JUnit that parse back with the same counts, with every awk at hand
(Debian's mawk, gawk, busybox awk: boards run the latter)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
AWK_SCRIPT = os.path.join(HERE, "..", "runner", "results.awk")


def awks():
    found = []
    for name in ("mawk", "gawk", "original-awk"):
        if shutil.which(name):
            found.append([name])
    if shutil.which("busybox"):
        found.append(["busybox", "awk"])
    return found


def convert(awk, fmt, log, envfile, timing):
    out = subprocess.run(awk + ["-v", "fmt=" + fmt, "-v", "timing=" + timing,
                                "-v", "envfile=" + envfile, "-f", AWK_SCRIPT, log],
                         capture_output=True, text=True, check=True)
    return out.stdout


def expected(path):
    rows = []
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split(" ", 2)
            rows.append((parts[0], parts[1], parts[2] if len(parts) > 2 else ""))
    return rows


def check_one(awk, log, problems, envfile, timing):
    name = "%s %s" % (" ".join(awk), os.path.basename(log))
    want = expected(log[:-4] + ".expect")
    doc = json.loads(convert(awk, "json", log, envfile, timing))
    got = [(t["name"], t["status"], t["reason"]) for t in doc["tests"]]
    if got != want:
        problems.append("%s: json records differ\n  want %s\n  got  %s" % (name, want, got))
    if doc["environment"].get("kernel") != "6.0-test" or doc["environment"].get("note") != 'a "quoted" \\ value':
        problems.append("%s: environment not carried: %s" % (name, doc["environment"]))
    data = doc.get("data")
    want_data = [{"group": "canonical", "test": "canonical.hole_start_faults", "kind": "entropy",
                  "mode": 2, "region": "mmap", "observed_bits": 27.5, "expected_bits": 27,
                  "source": "vm.mmap_rnd_bits"}] if "6.12" in log else []
    if data != want_data:
        problems.append("%s: data %s, want %s" % (name, data, want_data))
    for t in doc["tests"]:
        if t["name"] == "split.top_matches_rule" and t["duration"] != 1.25:
            problems.append("%s: duration %s, want 1.25" % (name, t["duration"]))
    npass = sum(1 for r in want if r[1] == "pass")
    nskip = sum(1 for r in want if r[1] == "skip")
    nfail = len(want) - npass - nskip
    s = doc["summary"]
    if (s["passed"], s["failed"], s["skipped"]) != (npass, nfail, nskip):
        problems.append("%s: json summary %s" % (name, s))

    root = ET.fromstring(convert(awk, "junit", log, envfile, timing))
    cases = root.findall("./testsuite/testcase")
    if [c.get("name") for c in cases] != [r[0] for r in want]:
        problems.append("%s: junit testcases differ" % name)
    if int(root.get("tests")) != len(want) or int(root.get("skipped")) != nskip or \
            int(root.get("failures")) + int(root.get("errors")) != nfail:
        problems.append("%s: junit totals %s" % (name, root.attrib))
    for case, (_, status, reason) in zip(cases, want):
        child = {"skip": "skipped", "fail": "failure", "timeout": "error",
                 "error": "error"}.get(status)
        el = case.find(child) if child else None
        if child and (el is None or el.get("message") != reason):
            problems.append("%s: junit %s lacks <%s message=%r>" % (name, case.get("name"), child, reason))
        if not child and len(case):
            problems.append("%s: junit %s passed but has children" % (name, case.get("name")))
    for suite in root.findall("testsuite"):
        if int(suite.get("tests")) != len(suite.findall("testcase")):
            problems.append("%s: junit suite %s count" % (name, suite.get("name")))

    line = convert(awk, "summary", log, envfile, timing).strip()
    if line != "vas: %d passed, %d failed, %d skipped" % (npass, nfail, nskip):
        problems.append("%s: summary line %r" % (name, line))


def main():
    logs = sorted(os.path.join(HERE, "data", f) for f in os.listdir(os.path.join(HERE, "data"))
                  if f.endswith(".log"))
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        envfile = os.path.join(tmp, "env")
        timing = os.path.join(tmp, "timing")
        with open(envfile, "w") as f:
            f.write('kernel\t6.0-test\nnote\ta "quoted" \\ value\n')
        with open(timing, "w") as f:
            f.write("split 1 125\nsplit prog 300\n")
        used = awks()
        if not used:
            print("check_results: no awk found")
            return 1
        for awk in used:
            for log in logs:
                check_one(awk, log, problems, envfile, timing)
    for p in problems:
        print("check_results: " + p)
    print("check_results: %d streams x %d awks (%s), %d problems" %
          (len(logs), len(used), ", ".join(" ".join(a) for a in used), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
