#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The CI-facing outputs of a run, checked (tests/ci.sh calls this):

  kcidb RUN...            kcidb.json against the KCIDB I/O schema and
                          against results.json
  kcidb-rejects           the validator in use rejects broken documents
  ktap KUNIT_DIR RUN...   the kernel's KTAP parser (kunit_parser.py) reads
                          every group's KTAP with the counts of results.json;
                          every result line is named; no "not ok ... # SKIP"
  skips SRC_DIR RUN...    each skip reason is a fixed string of the sources
  testdef YAML            a Lava-Test Test Definition 1.0, Linaro style
  lava-calls CALLS RUN    lava-test-case got one call per test, as results.json
  lava-local OUT RUN      a local LAVA job's test cases against the KTAP its
                          guest printed (converted to RUN/results.json)

RUN is a results folder (ktap.log, results.json, kcidb.json). The KCIDB
schema is $KCIDB_SCHEMA, else the newest schemas/kcidb*.schema.json in a
folder next to the repository; without one, kcidb checks the structure
the schema requires (and says so).
"""
import glob
import io
import json
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULT = re.compile(r"^(ok|not ok) ([0-9]+)(.*)$")


def load(run, name):
    with open(os.path.join(run, name)) as f:
        return json.load(f)


def schema_path():
    env = os.environ.get("KCIDB_SCHEMA")
    if env:
        return env
    found = sorted(glob.glob(os.path.join(TOP, "..", "*", "schemas", "kcidb*.schema.json")))
    return os.path.abspath(found[-1]) if found else None


# ---- KCIDB ----
STATUSES = {"FAIL", "ERROR", "MISS", "PASS", "DONE", "SKIP"}
ID = re.compile(r"^[a-z0-9_]+:[^\0]*$")
ORIGIN = re.compile(r"^[a-z0-9_]+$")
PATH = re.compile(r"^([a-zA-Z0-9_-]+(\.[a-zA-Z0-9_-]+)*)?$")


def structural_errors(doc):
    """What the v5 schema requires of the objects kcidb.awk writes."""
    errs = []
    ver = doc.get("version", {})
    if ver.get("major") != 5 or not isinstance(ver.get("minor", 0), int):
        errs.append("version must be 5.x")
    allowed = {"version", "checkouts", "builds", "tests", "issues", "incidents"}
    errs += ["unknown top-level key %s" % k for k in doc if k not in allowed]
    for kind, need in (("checkouts", ("id", "origin")),
                       ("builds", ("id", "origin", "checkout_id")),
                       ("tests", ("id", "origin", "build_id"))):
        for obj in doc.get(kind, []):
            for k in need:
                if k not in obj:
                    errs.append("%s lacks %s" % (kind, k))
            for k in ("id", "checkout_id", "build_id"):
                if k in obj and not ID.match(obj[k]):
                    errs.append("%s %s %r is not origin:id" % (kind, k, obj[k]))
            if "origin" in obj and not ORIGIN.match(obj["origin"]):
                errs.append("%s origin %r" % (kind, obj["origin"]))
            if kind == "tests":
                if obj.get("status") not in STATUSES:
                    errs.append("test status %r" % obj.get("status"))
                if not PATH.match(obj.get("path", "")):
                    errs.append("test path %r" % obj.get("path"))
                if not isinstance(obj.get("duration", 0), (int, float)):
                    errs.append("test duration %r" % obj.get("duration"))
                env = obj.get("environment", {})
                if set(env) - {"comment", "misc", "compatible"}:
                    errs.append("environment keys %s" % sorted(env))
    return errs


def validator():
    """A function giving the schema errors of a document, and its name."""
    path = schema_path()
    if not path or not os.path.exists(path):
        return structural_errors, "a structural check (no KCIDB schema file found)"
    import jsonschema
    with open(path) as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    v = cls(schema, format_checker=jsonschema.FormatChecker())
    return (lambda doc: ["%s: %s" % ("/".join(map(str, e.path)), e.message)
                         for e in v.iter_errors(doc)]), "schema " + os.path.basename(path)


def cmd_kcidb(runs):
    check, how = validator()
    bad = 0
    status_of = {"pass": "PASS", "fail": "FAIL", "skip": "SKIP", "error": "ERROR", "timeout": "ERROR"}
    for run in runs:
        doc, res = load(run, "kcidb.json"), load(run, "results.json")
        errs = check(doc)[:10]
        tests = {t["path"]: t for t in doc.get("tests", [])}
        if len(tests) != len(doc.get("tests", [])):
            errs.append("duplicate test paths")
        if len({t["id"] for t in doc["tests"]}) != len(doc["tests"]):
            errs.append("duplicate test ids")
        builds = {b["id"] for b in doc.get("builds", [])}
        if any(t["build_id"] not in builds for t in doc["tests"]):
            errs.append("a test refers to a build the document lacks")
        for t in res["tests"]:
            k = tests.get("kselftest.vas." + t["name"])
            if k is None:
                errs.append("no KCIDB test for %s" % t["name"])
            elif k["status"] != status_of[t["status"]]:
                errs.append("%s: %s, results.json says %s" % (t["name"], k["status"], t["status"]))
        groups = {t["group"] for t in res["tests"]}
        for g in groups:
            if "kselftest.vas." + g not in tests:
                errs.append("no KCIDB node for group %s" % g)
        top = tests.get("kselftest.vas", {}).get("misc", {})
        want = res["summary"]
        if (top.get("tests"), top.get("skipped")) != (want["total"], want["skipped"]) or \
                top.get("passed") != want["passed"] or \
                top.get("failed", 0) + top.get("errors", 0) != want["failed"]:
            errs.append("suite counts %s, results.json %s" % (top, want))
        env = tests.get("kselftest.vas", {}).get("environment", {}).get("misc", {})
        for key in ("config", "arch", "kernel"):
            if env.get(key) != res["environment"].get(key):
                errs.append("environment %s %r, results.json %r" % (key, env.get(key), res["environment"].get(key)))
        entropy = [d for t in doc["tests"] for d in t.get("misc", {}).get("data", [])]
        if len(entropy) != len(res.get("data", [])):
            errs.append("%d data records in misc, results.json has %d" % (len(entropy), len(res.get("data", []))))
        print("%s: %d KCIDB tests, %s: %s" % (run, len(doc["tests"]), how, "ok" if not errs else "BAD"))
        for e in errs:
            print("  " + e)
        bad += bool(errs)
    return 1 if bad else 0


def cmd_kcidb_rejects():
    check, how = validator()
    good = {"version": {"major": 5, "minor": 3},
            "tests": [{"id": "vas:r:t", "build_id": "vas:r", "origin": "vas",
                       "path": "kselftest.vas.g.t", "status": "PASS", "duration": 1.0}]}
    broken = [("status BOGUS", {"status": "BOGUS"}), ("path with a space", {"path": "kselftest.vas.g t"}),
              ("id without origin", {"id": "no-colon"}), ("origin upper case", {"origin": "VAS"})]
    errs = []
    if check(good):
        errs.append("a valid document was rejected: %s" % check(good))
    for what, change in broken:
        doc = json.loads(json.dumps(good))
        doc["tests"][0].update(change)
        if not check(doc):
            errs.append("accepted: " + what)
    print("%s: rejects %d of %d broken documents" % (how, len(broken) - len(errs), len(broken)))
    for e in errs:
        print("  " + e)
    return 1 if errs else 0


# ---- KTAP ----
def group_blocks(ktap):
    """[(group, inner lines without the "# " prefix)], in order; a group
    may come in several blocks (a --vm run's second kaslr boot)."""
    blocks, cur, lines = [], None, []
    for line in open(ktap, errors="replace").read().splitlines():
        m = re.match(r"^# selftests: vas: (\S+)$", line)
        if m:
            cur, lines = m.group(1), []
            continue
        if cur and re.match(r"^(not )?ok [0-9]+ selftests: vas: ", line):
            blocks.append((cur, lines))
            cur = None
            continue
        if cur:
            lines.append(line[2:] if line.startswith("# ") else line.lstrip("#"))
    return blocks


def result_line_errors(line):
    m = RESULT.match(line)
    if not m:
        return []
    rest = m.group(3)
    name = rest.split("#", 1)[0].strip()
    errs = []
    if not name:
        errs.append("no name before '#': %r" % line)
    if line.startswith("not ok") and re.search(r"#\s*SKIP", rest):
        errs.append("'not ok ... # SKIP': %r" % line)
    return errs


def cmd_ktap(kunit_dir, runs):
    sys.path.insert(0, kunit_dir)
    import kunit_parser
    from kunit_parser import TestStatus
    # Its report goes to the printer it was given at import: keep it quiet.
    kunit_parser.stdout._output = io.StringIO()
    bad = 0
    for run in runs:
        res = load(run, "results.json")
        errs = []
        top = open(os.path.join(run, "ktap.log"), errors="replace").read().splitlines()
        for line in top:
            errs += result_line_errors(line)
        whole = kunit_parser.parse_run_tests(top)
        blocks = group_blocks(os.path.join(run, "ktap.log"))
        if len(whole.subtests) != len(blocks) or whole.counts.errors:
            errs.append("top level: %d programs parsed, %d in the log, %d parse errors" %
                        (len(whole.subtests), len(blocks), whole.counts.errors))
        got = {}
        for g, lines in blocks:
            for line in lines:
                errs += result_line_errors(line)
            t = kunit_parser.parse_run_tests(lines)
            if t.status == TestStatus.FAILURE_TO_PARSE_TESTS or t.counts.errors:
                errs.append("%s: the parser failed (%s)" % (g, t.counts))
            c = got.setdefault(g, [0, 0, 0, 0])
            for i, v in enumerate((t.counts.passed, t.counts.failed, t.counts.skipped, t.counts.crashed)):
                c[i] += v
        for g, c in got.items():
            want = [r for r in res["tests"] if r["group"] == g and r["name"] != g + ".program"]
            n = {s: sum(r["status"] == s for r in want) for s in ("pass", "fail", "skip", "error", "timeout")}
            exp = [n["pass"], n["fail"], n["skip"], n["error"] + n["timeout"]]
            if c != exp:
                errs.append("%s: kunit_parser pass/fail/skip/crash %s, results.json %s" % (g, c, exp))
        total = sum(1 for r in res["tests"] if not r["name"].endswith(".program"))
        print("%s: %d programs, %d tests through kunit_parser: %s" % (run, len(blocks), total, "ok" if not errs else "BAD"))
        for e in errs[:20]:
            print("  " + e)
        bad += bool(errs)
    return 1 if bad else 0


# ---- skip reasons ----
def cmd_skips(src, runs):
    text = ""
    for f in glob.glob(os.path.join(src, "*.[ch]")) + glob.glob(os.path.join(TOP, "kmod", "*.h")):
        text += open(f, errors="replace").read()
    literals = set(re.findall(r'"((?:[^"\\\n]|\\.)*)"', text))
    errs = []
    # Static: SKIP() takes a literal without conversions, a macro, or "%s"
    # of a reason variable; so do the ksft skip calls.
    for f in sorted(glob.glob(os.path.join(src, "*.c"))):
        for n, line in enumerate(open(f, errors="replace"), 1):
            for m in re.finditer(r'\b(SKIP\s*\([^,]*,|ksft_test_result_skip\s*\(|ksft_exit_skip\s*\()\s*("(?:[^"\\]|\\.)*")?', line):
                fmt = m.group(2)
                if fmt and "%" in fmt and fmt.strip('"') not in ("%s", "%s\\n"):
                    errs.append("%s:%d: a skip reason with a conversion: %s" % (os.path.basename(f), n, line.strip()))
    seen = {}
    for run in runs:
        for t in load(run, "results.json")["tests"]:
            if t["status"] == "skip":
                seen.setdefault(t["reason"], t["name"])
    for reason, name in sorted(seen.items()):
        if reason not in literals:
            errs.append("%s: skip reason %r is not a fixed string of the sources" % (name, reason))
    print("%d distinct skip reasons in %d runs, each a literal of the sources: %s" %
          (len(seen), len(runs), "ok" if not errs else "BAD"))
    for e in errs:
        print("  " + e)
    return 1 if errs else 0


# ---- LAVA ----
def cmd_testdef(path):
    import yaml
    doc = yaml.safe_load(open(path))
    errs = []
    meta = doc.get("metadata", {})
    if meta.get("format") != "Lava-Test Test Definition 1.0":
        errs.append("metadata.format %r" % meta.get("format"))
    for k in ("name", "description", "maintainer", "os", "scope", "devices"):
        if not meta.get(k):
            errs.append("metadata lacks " + k)
    steps = doc.get("run", {}).get("steps")
    if not isinstance(steps, list) or not steps or not all(isinstance(s, str) for s in steps):
        errs.append("run.steps must be a list of commands")
    params = doc.get("params", {})
    used = set(re.findall(r"\$\{(\w+)\}", " ".join(steps or [])))
    if used - set(params):
        errs.append("steps use undefined params %s" % sorted(used - set(params)))
    if set(params) - used:
        errs.append("params not used by the steps: %s" % sorted(set(params) - used))
    for s in steps or []:
        script = s.split()[0]
        if script.startswith("./") and not os.access(os.path.join(TOP, script), os.X_OK):
            errs.append("step runs %s, which is not an executable of the repository" % script)
    print("%s: %s" % (path, "ok" if not errs else "BAD"))
    for e in errs:
        print("  " + e)
    return 1 if errs else 0


def cmd_lava_calls(calls, run):
    res = load(run, "results.json")
    want = {}
    for t in res["tests"]:
        want["vas." + t["name"]] = t["status"] if t["status"] in ("pass", "skip") else "fail"
    got, errs = {}, []
    for line in open(calls):
        w = line.split()
        if len(w) != 3 or w[1] != "--result":
            errs.append("malformed call: lava-test-case %s" % line.strip())
            continue
        if w[0] in got:
            errs.append("reported twice: " + w[0])
        got[w[0]] = w[2]
    if got != want:
        errs.append("calls differ from results.json: missing %s, extra %s, other result %s" % (
            sorted(set(want) - set(got))[:5], sorted(set(got) - set(want))[:5],
            sorted(k for k in got if k in want and got[k] != want[k])[:5]))
    print("%d lava-test-case calls for %d results: %s" % (len(got), len(want), "ok" if not errs else "BAD"))
    for e in errs:
        print("  " + e)
    return 1 if errs else 0


def cmd_lava_local(out, run):
    res = load(run, "results.json")
    cases = [l.split() for l in open(os.path.join(out, "results.txt")) if l.strip()]
    errs = []
    # The monitor reports each test that did not SKIP, under the harness's
    # name (fixture.variant.test or global.test).
    want = sorted((t["name"].split(".", 1)[1], t["status"]) for t in res["tests"] if t["status"] != "skip")
    want = [(n if "." in n else "global." + n, "pass" if s == "pass" else "fail") for n, s in want]
    got = sorted((c[0], c[1]) for c in cases)
    if sorted(want) != got:
        errs.append("LAVA has %d cases, the guest's KTAP %d: missing %s, extra %s" % (
            len(got), len(want), sorted(set(want) - set(got))[:5], sorted(set(got) - set(want))[:5]))
    if any(r != "pass" for _, r in got):
        errs.append("failed cases: %s" % [c for c in got if c[1] != "pass"])
    layout = [t for t in res["tests"] if t["group"] == "kernel_layout"]
    if layout and not any(t["status"] == "pass" for t in layout):
        errs.append("kernel_layout did not pass: the module did not load")
    print("LAVA job: %d test cases = the guest's %d passed/failed tests (%d skipped): %s" % (
        len(got), len(want), sum(t["status"] == "skip" for t in res["tests"]), "ok" if not errs else "BAD"))
    for e in errs:
        print("  " + e)
    return 1 if errs else 0


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    cmd, args = argv[1], argv[2:]
    if cmd == "kcidb":
        return cmd_kcidb(args)
    if cmd == "kcidb-rejects":
        return cmd_kcidb_rejects()
    if cmd == "ktap":
        return cmd_ktap(args[0], args[1:])
    if cmd == "skips":
        return cmd_skips(args[0], args[1:])
    if cmd == "testdef":
        return cmd_testdef(args[0])
    if cmd == "lava-calls":
        return cmd_lava_calls(args[0], args[1])
    if cmd == "lava-local":
        return cmd_lava_local(args[0], args[1])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
