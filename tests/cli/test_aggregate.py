"""testpump aggregate, end to end, black-box.

Generates JUnit XML for a 200-run history of one job (plus runs the
history must leave out: five beyond the last 200, five older than the
21-day window) and for ten runs of one payload with known pass patterns,
ingests them all with 'testpump ingest junit', aggregates, and checks
every verdict against an oracle computed here from the original's
published required-passes table (tests/fixtures/aggregator), the pity
factor and the rules' order.  Then the reports (the XML parses and its
counts match, the HTML puts failures first and escapes CI text), the
rows in the store, exit codes 0, 2 and 1, --runs, --dry-run, and the
disruption checks over 'testpump ingest disruptions' data.
"""
import concurrent.futures
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

TP = os.environ["TESTPUMP"]
FIXTURES = os.environ["FIXTURES"]
NOW = "2024-05-22T00:00:00Z"
NOW_S = 1716336000  # NOW in seconds since the epoch
JOB = "periodic-ci-e2e-aws"
PAYLOAD = "4.16.0-0.nightly-2024-05-21-000000"
SUITE = "openshift-tests"
TABLE = json.load(open(os.path.join(FIXTURES, "aggregator",
                                    "required-passes-table.json")))["table"]

passed = 0
failed = []


def check(ok, what, detail=""):
    global passed
    if ok:
        passed += 1
    else:
        failed.append(f"{what}{': ' if detail else ''}{detail}")


def iso(seconds):
    import time
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


# The store: a SQLite file in the test's directory, or the PostgreSQL
# database tests/cli/test_pg.sh names (a fresh schema of its own).
DB = os.environ.get("TESTPUMP_TEST_DB", "sqlite:t.db")


class Store:
    """Reads the store behind DB: sqlite3, or psql for PostgreSQL."""

    def __init__(self, tmp):
        self.pg = not DB.startswith("sqlite:")
        if not self.pg:
            self.db = sqlite3.connect(os.path.join(tmp, DB[len("sqlite:"):]))

    def execute(self, sql):
        if not self.pg:
            return self.db.execute(sql)
        out = subprocess.run(["psql", "-XAtq", "-F", "\t", "-v",
                              "ON_ERROR_STOP=1", DB, "-c", sql],
                             capture_output=True, text=True, check=True)
        rows = [tuple(int(f) if f.lstrip("-").isdigit() else f
                      for f in line.split("\t"))
                for line in out.stdout.splitlines()]
        return Rows(rows)


class Rows(list):
    def fetchall(self):
        return list(self)

    def fetchone(self):
        return self[0] if self else None


def run(args, cwd, db=None, check_rc=None):
    db = db or DB
    env = dict(os.environ, TESTPUMP_NOW=NOW)
    for k in ("TESTPUMP_DB", "TESTPUMP_CONFIG"):
        env.pop(k, None)
    r = subprocess.run([TP, "--db", db] + args, cwd=cwd, env=env,
                       capture_output=True, text=True, timeout=120)
    if check_rc is not None and r.returncode != check_rc:
        sys.exit(f"{args[:3]} exited {r.returncode}: {r.stderr[:500]}")
    return r


# Each test's outcome per run: 'p' pass, 'f' fail, 'k' flaky (fails,
# then passes in the same run), 's' skip, None absent.
def history_outcome(test, i):
    """Run i of the history: 0 newest; 200..204 beyond the last 200."""
    if test == "stable":
        return "f" if i >= 200 else "p"
    if test == "lowhist":  # 50 passes + 50 flakes of 200: 50% working
        return "pkff"[i % 4]
    if test == "skipcount":  # skips are not results: 100%
        return "ps"[i % 2]
    if test == "always_pass_test":
        return "f"
    if test in ("nohist", "notrun", "mostly_skipped"):
        return None
    return "p"


PAYLOAD_RUNS = {
    "stable": "pppppppppp",
    "regressed": "ppppffffff",
    "pity": "ppppppppff",
    "flaky_as_pass": "pppppppkkk",
    "lowhist": "pppfffffff",
    "skipcount": "ppppppppff",
    "always_pass_test": "ffffffffff",
    "informing_fail": "ffffffffff",
    "min_attempts": "pppp------",
    "mostly_skipped": "fsssss----",
    "nohist": "pppppppppp",
    "notrun": "ssssssssss",
}
TESTS = sorted(PAYLOAD_RUNS)


def testcases(outcomes):
    out = []
    for name, o in outcomes:
        attr = ' lifecycle="informing"' if name == "informing_fail" else ""
        tc = f'<testcase name="{name}" classname="e2e"{attr} time="0.1"'
        if o == "p":
            out.append(tc + "/>")
        elif o == "f":
            out.append(tc + '><failure message="boom &lt;3">trace</failure>'
                       "</testcase>")
        elif o == "k":
            out.append(tc + '><failure message="flake"/></testcase>')
            out.append(tc + "/>")
        elif o == "s":
            out.append(tc + '><skipped message="not here"/></testcase>')
    return (f'<?xml version="1.0"?>\n<testsuite name="{SUITE}">\n'
            + "\n".join(out) + "\n</testsuite>\n")


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def oracle(test, attempts, passes, failures, skips, pct, always_pass):
    """(verdict, rule, required) as the original decides."""
    if test in always_pass:
        return "passed", "always-pass", None
    if passes == 0 and failures == 0:
        return "passed", "not-run", None
    if passes == 0 and skips > failures:
        return "passed", "probably-skipped", None
    if attempts < 6:
        return "failed", "min-attempts", None
    if passes < 1:
        return "failed", "no-pass", None
    strict = TABLE[attempts][pct]
    required = min(max(0, attempts - 2), strict)
    return ("passed" if passes >= required else "failed",
            "required-passes", required)


def expected_pct(test):
    outs = [history_outcome(test, i) for i in range(200)]
    res = [o for o in outs if o in ("p", "f", "k")]
    if not res:
        return None
    return int(100 * sum(o in "pk" for o in res) / len(res))


def ingest_all(tmp):
    jobs = []
    for i in range(205):
        outcomes = [(t, history_outcome(t, i)) for t in TESTS]
        jobs.append((f"h{i:03d}", outcomes, NOW_S - 3600 * (i + 1),
                     f"4.16.0-0.nightly-hist-{i // 10}"))
    for i in range(5):
        outcomes = [(t, history_outcome(t, 200)) for t in TESTS]
        jobs.append((f"old{i}", outcomes, NOW_S - 86400 * 30 - i, None))
    for i in range(10):
        outcomes = [(t, PAYLOAD_RUNS[t][i]) for t in TESTS]
        jobs.append((f"p{i}", outcomes, NOW_S - 600 + i, PAYLOAD))

    def one(job):
        rid, outcomes, started, payload = job
        path = os.path.join(tmp, f"{rid}.xml")
        write(path, testcases(outcomes))
        args = ["ingest", "junit", path, "--job", JOB, "--run-id", rid,
                "--started-at", iso(started),
                "--url", f"https://ci.example/{JOB}/{rid}?a=1&b=<2>"]
        if payload:
            args += ["--payload", payload]
        run(args, tmp, check_rc=0)

    with concurrent.futures.ThreadPoolExecutor(4) as ex:
        list(ex.map(one, jobs))


def check_verdicts(resp, always_pass, what):
    tests = {t["name"]: t for t in resp["tests"] if t["suite"] == SUITE}
    check(set(tests) == set(TESTS), f"{what}: every test judged",
          sorted(tests))
    for name in TESTS:
        t = tests.get(name)
        if not t:
            continue
        runs = PAYLOAD_RUNS[name]
        passes = sum(o in "pk" for o in runs)
        failures = runs.count("f")
        skips = runs.count("s")
        attempts = passes + failures
        pct = expected_pct(name)
        want = oracle(name, attempts, passes, failures, skips,
                      70 if pct is None else pct, always_pass)
        got = (t["verdict"], t["rule"],
               t["required_passes"] if want[2] is not None else None)
        check(got == want, f"{what}: verdict of {name}", f"{got} != {want}")
        check((t["attempts"], t["passes"], t["failures"], t["skips"]) ==
              (attempts, passes, failures, skips),
              f"{what}: counts of {name}",
              f"{(t['attempts'], t['passes'], t['failures'], t['skips'])}")
        if want[1] == "required-passes":
            check(t["history_pct"] == (70 if pct is None else pct),
                  f"{what}: history of {name}", f"{t['history_pct']}")
        check(t["blocking"] == (t["verdict"] == "failed"
                                and name != "informing_fail"),
              f"{what}: blocking of {name}")
    return tests


def main():
    tmp = tempfile.mkdtemp()
    run(["db", "init"], tmp, check_rc=0)
    ingest_all(tmp)
    write(os.path.join(tmp, "agg.conf"),
          "[aggregation]\nalways_pass = openshift-tests:always_pass_test\n")
    write(os.path.join(tmp, "lenient.conf"),
          "[aggregation]\nalways_pass = openshift-tests:always_pass_test\n"
          "always_pass = regressed, min_attempts\n")

    # A failing payload: exit 2, every verdict as the oracle says.
    r = run(["--config", "agg.conf", "--format", "json", "aggregate",
             "--job", JOB, "--payload", PAYLOAD, "--working-dir", "out"],
            tmp)
    check(r.returncode == 2, "blocking failure exits 2",
          f"{r.returncode} {r.stderr[:300]}")
    resp = json.loads(r.stdout)
    check(resp["verdict"] == "failed", "payload verdict failed")
    check([x["run_id"] for x in resp["runs"]] == [f"p{i}" for i in range(10)],
          "the payload's ten runs, in run id order")
    check(resp["history"]["runs_used"] == 200, "history of the last 200 runs",
          str(resp["history"]))
    tests = check_verdicts(resp, {"always_pass_test"}, "failing payload")
    check(tests["regressed"]["explanation"] ==
          "Failed: Passed 4 times, failed 6 times.  The historical pass rate"
          " is 100%.  The required number of passes is 8.",
          "the original's failure sentence", tests["regressed"]["explanation"])
    check(tests["pity"]["explanation"] ==
          "Passed: Passed 8 times, failed 2 times.  The historical pass rate"
          " is 100%.  The required number of passes is 8 (strict required "
          "number of passes is 9 but 2 failures are allowed as pity factor).",
          "the pity factor sentence", tests["pity"]["explanation"])
    check(tests["min_attempts"]["explanation"] ==
          "Passed 4 times, failed 0 times, skipped 0 times: we require at "
          "least 6 attempts to have a chance at success",
          "the minimum attempts sentence")
    check(tests["informing_fail"]["explanation"].startswith(
        "*** NON-BLOCKING FAILURE: This test failure is not considered "
        "terminal because its lifecycle is 'informing'"),
        "informing failures carry the original's prefix")
    check(tests["always_pass_test"]["explanation"].startswith(
        'always passing "always_pass_test": '), "always-pass sentence")
    check("no history" in tests["nohist"]["explanation"] and
          "70% is assumed" in tests["nohist"]["explanation"] and
          tests["nohist"]["history_source"] == "none",
          "a test without history says 70% was assumed",
          tests["nohist"]["explanation"])
    check(tests["flaky_as_pass"]["results"] == "pppppppkkk" and
          tests["min_attempts"]["results"] == "pppp------" and
          tests["flaky_as_pass"]["failures"] == 0,
          "flakes within a run count as passes")
    check(tests["notrun"]["explanation"] == "did not run" and
          tests["mostly_skipped"]["explanation"] ==
          "probably intended to skip", "did-not-run and skip sentences")
    check(resp["summary"]["blocking_failures"] == 2 and
          resp["summary"]["informing_failures"] == 1,
          "summary counts", str(resp["summary"]))

    # The reports.
    out = os.path.join(tmp, "out")
    root = ET.parse(os.path.join(out, "junit-aggregated.xml")).getroot()
    cases = root.findall("./testsuite/testcase")
    check(len(cases) == len(TESTS), "one testcase per test in the XML")
    suite = root.find("testsuite")
    check(suite.get("tests") == str(len(TESTS)) and
          suite.get("failures") == "3" and
          len(root.findall("./testsuite/testcase/failure")) == 3,
          "XML failure counts match", str(suite.attrib))
    reg = [c for c in cases if c.get("name") == "regressed"][0]
    check(reg.find("failure").get("message") ==
          tests["regressed"]["explanation"] and
          'jobrunid: "p9"' in reg.find("system-out").text and
          "https://ci.example/" in reg.find("system-out").text,
          "failures carry the summary and per-run details")
    inf = [c for c in cases if c.get("name") == "informing_fail"][0]
    check(inf.get("lifecycle") == "informing", "XML keeps the lifecycle")
    html = open(os.path.join(out, "aggregation-summary.html")).read()
    check(html.index("regressed") < html.index("informing_fail")
          < html.index(">stable<"), "HTML lists blocking failures first")
    check("?a=1&amp;b=&lt;2&gt;" in html and "<2>" not in html,
          "HTML escapes CI text")
    check("src=" not in html and "<link" not in html and "<script" not in html,
          "HTML has no external assets")
    saved = json.load(open(os.path.join(out, "aggregation.json")))
    check(saved["verdict"] == "failed" and saved["tests"] == resp["tests"],
          "the JSON response is written too")
    db = Store(tmp)
    row = db.execute("SELECT verdict, runs, tests, failed, blocking_failures,"
                     " history_runs_used FROM aggregation").fetchall()
    check(row == [("failed", 10, len(TESTS), 3, 2, 200)],
          "aggregation row", str(row))
    n = db.execute("SELECT count(*), sum(blocking) FROM aggregation_test"
                   ).fetchone()
    check(n == (len(TESTS), 2), "aggregation_test rows", str(n))

    # A passing payload: exit 0, the earlier aggregation replaced.
    r = run(["--config", "lenient.conf", "--format", "json", "aggregate",
             "--job", JOB, "--payload", PAYLOAD, "--working-dir", "out"], tmp)
    check(r.returncode == 0, "a passing payload exits 0",
          f"{r.returncode} {r.stderr[:300]}")
    resp = json.loads(r.stdout)
    check(resp["verdict"] == "passed", "payload verdict passed")
    check_verdicts(resp, {"always_pass_test", "regressed", "min_attempts"},
                   "passing payload")
    row = db.execute("SELECT verdict FROM aggregation").fetchall()
    check(row == [("passed",)], "re-aggregating replaces the row", str(row))

    # Without the config, the always-failing test blocks.
    r = run(["--format", "json", "aggregate", "--job", JOB, "--payload",
             PAYLOAD, "--working-dir", "out2"], tmp)
    t = {x["name"]: x for x in json.loads(r.stdout)["tests"]}
    check(r.returncode == 2 and t["always_pass_test"]["rule"] == "no-pass",
          "without always_pass the test fails")

    # --runs limits the runs; bad input exits 1.
    write(os.path.join(tmp, "runs.json"), json.dumps(
        [{"job": JOB, "run_id": f"p{i}"} for i in range(5)]))
    r = run(["--config", "lenient.conf", "--format", "json", "aggregate",
             "--job", JOB, "--payload", PAYLOAD, "--runs", "runs.json",
             "--working-dir", "out3"], tmp)
    t = {x["name"]: x for x in json.loads(r.stdout)["tests"]}
    check(r.returncode == 2 and len(json.loads(r.stdout)["runs"]) == 5 and
          t["stable"]["attempts"] == 5 and
          t["stable"]["rule"] == "min-attempts",
          "--runs limits the runs judged")
    write(os.path.join(tmp, "bad.json"), json.dumps([{"job": JOB,
                                                      "run_id": "h001"}]))
    for args, text in (
            (["--payload", "no-such-payload"], "no runs found"),
            (["--payload", PAYLOAD, "--runs", "bad.json"],
             "run 'h001' of job"),
            (["--payload", PAYLOAD, "--runs", "agg.conf"], "runs file"),
            (["--payload", PAYLOAD, "--min-attempts", "0"], "--min-attempts")):
        r = run(["aggregate", "--job", JOB] + args, tmp)
        check(r.returncode == 1 and text in r.stderr,
              f"exit 1 and a clear message for {args[-1]}",
              f"{r.returncode} {r.stderr[:300]}")
    r = run(["aggregate", "--job", "no-such-job", "--payload", PAYLOAD], tmp)
    check(r.returncode == 1 and "job 'no-such-job'" in r.stderr,
          "an unknown job exits 1")

    # --dry-run writes nothing.
    r = run(["--dry-run", "--format", "json", "aggregate", "--job", JOB,
             "--payload", PAYLOAD, "--working-dir", "dry"], tmp)
    check(r.returncode == 2 and not os.path.exists(os.path.join(tmp, "dry"))
          and json.loads(r.stdout)["aggregation_id"] is None,
          "--dry-run writes no file and no row")

    # Disruption: a quiet backend passes, a disrupted one fails.
    def disruptions(rid, backends):
        path = os.path.join(tmp, f"d-{rid}.json")
        write(path, json.dumps({
            "Release": "4.16", "FromRelease": "", "Platform": "aws",
            "Architecture": "amd64", "Network": "ovn", "Topology": "ha",
            "BackendDisruptions": [{"BackendName": b, "DisruptionSeconds": s}
                                   for b, s in backends.items()]}))
        run(["ingest", "disruptions", path, "--job", JOB, "--run-id", rid],
            tmp, check_rc=0)
    jobs = [(f"h{i:03d}", {"kube-api-new-connections": i % 3,
                           "ingress-reused-connections": 1,
                           "cache-kube-api-localhost-new": 1})
            for i in range(30)]
    jobs += [(f"p{i}", {"kube-api-new-connections": 1,
                        "ingress-reused-connections": 10,
                        "cache-kube-api-localhost-new": 50})
             for i in range(10)]
    with concurrent.futures.ThreadPoolExecutor(4) as ex:
        list(ex.map(lambda j: disruptions(*j), jobs))
    r = run(["--config", "lenient.conf", "--format", "json", "aggregate",
             "--job", JOB, "--payload", PAYLOAD, "--working-dir", "out4"],
            tmp)
    d = {x["name"]: x for x in json.loads(r.stdout)["tests"]
         if x["suite"] == "BackendDisruption"}
    check(r.returncode == 2, "a disrupted backend fails the payload",
          r.stderr[:300])
    check(d.get("should collect disruption data", {}).get("verdict") ==
          "passed", "disruption data collected")
    for check_name in ("disruption P70 should not be worse",
                       "disruption P85 should not be worse",
                       "mean disruption should be less than historical "
                       "plus five standard deviations"):
        q = d.get(f"kube-api-new-connections {check_name}", {})
        b = d.get(f"ingress-reused-connections {check_name}", {})
        check(q.get("verdict") == "passed", f"quiet backend: {check_name}",
              str(q.get("explanation")))
        check(b.get("verdict") == "failed" and b.get("blocking"),
              f"disrupted backend: {check_name}", str(b.get("explanation")))
    check(not [n for n in d if "localhost" in n],
          "localhost backends are left out")

    print(f"{passed} passed, {len(failed)} failed")
    for f in failed:
        print("FAIL:", f)
    sys.exit(1 if failed else 0)


main()
