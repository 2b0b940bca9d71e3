#!/usr/bin/env python3
"""An independent count of JUnit files, to check the golden files by hand.

Usage: tests/ingest/junit_count.py FILE...       print each file's counts
       tests/ingest/junit_count.py --check       compare with the goldens

Written from the rules in src/ingest/junit.h with xml.etree, sharing no
code with the C parser: root testsuites, testsuite or testcase; a testcase
is one attempt, plus one per Surefire flaky*/rerun* child; its outcome is
the highest of error > failure > skipped children and its status/result
attributes; Flank flaky="true" and retry children are flaky; the suite path
joins the names of the named enclosing testsuites with "/".  --check reads
every tests/ingest/golden/**.txt, counts its fixture under
tests/fixtures/junit, and reports any difference in the summary lines.
Files that xml.etree cannot parse, or that are not JUnit, are listed so
they can be checked by eye.
"""
import os
import re
import sys
import xml.etree.ElementTree as ET

SKIP = {"notrun", "disabled", "skipped", "skip", "ignored", "suppressed"}
FAIL = {"fail", "failed", "failure"}
ERROR = {"error", "errored"}
NAMES = ["pass", "skip", "fail", "error"]
CHILD = {"skipped": 1, "failure": 2, "error": 3}


def word(w):
    w = (w or "").lower()
    return 3 if w in ERROR else 2 if w in FAIL else 1 if w in SKIP else 0


def count(path):
    """Summary string, or None (with a reason) when it is not JUnit."""
    root = ET.parse(path).getroot()
    if root.tag not in ("testsuites", "testsuite", "testcase"):
        return None, "root " + root.tag
    attempts, suites = [], [0]

    def case(tc, spath):
        rank = max(word(tc.get("status")), word(tc.get("result")))
        before, after = [], []
        for ch in tc:
            rank = max(rank, CHILD.get(ch.tag, 0))
            if ch.tag in ("flakyFailure", "flakyError"):
                before.append(3 if ch.tag.endswith("Error") else 2)
            elif ch.tag in ("rerunFailure", "rerunError"):
                after.append(3 if ch.tag.endswith("Error") else 2)
        key = (spath, tc.get("classname", tc.get("class", "")),
               tc.get("name", ""))
        own_flaky = tc.get("flaky", "").lower() in ("true", "1")
        attempts.extend((key, r, True) for r in before)
        attempts.append((key, rank, own_flaky))
        attempts.extend((key, r, True) for r in after)

    def suite(el, spath):
        suites[0] += 1
        name = el.get("name", "")
        walk(el, (spath + "/" + name if spath else name) if name else spath)

    def walk(el, spath):
        for ch in el:
            if ch.tag == "testcase":
                case(ch, spath)
            elif ch.tag == "testsuite":
                suite(ch, spath)
            elif ch.tag == "testsuites":
                walk(ch, spath)

    if root.tag == "testcase":
        case(root, "")
    elif root.tag == "testsuite":
        suite(root, "")
    else:
        walk(root, "")
    by = [sum(1 for a in attempts if a[1] == r) for r in range(4)]
    lines = ["attempts: %d (pass %d, fail %d, error %d, skip %d)"
             % (len(attempts), by[0], by[2], by[3], by[1]),
             "tests: %d" % len({a[0] for a in attempts}),
             "flaky attempts: %d" % sum(1 for a in attempts if a[2]),
             "suites: %d" % suites[0]]
    return "\n".join(lines), None


def check(srcdir):
    golden = os.path.join(srcdir, "tests/ingest/golden")
    fixtures = os.path.join(srcdir, "tests/fixtures/junit")
    ok = bad = other = 0
    for dirpath, _, files in sorted(os.walk(golden)):
        for f in sorted(files):
            g = os.path.join(dirpath, f)
            rel = os.path.relpath(g, golden)[:-len(".txt")]
            with open(g, encoding="utf-8", errors="replace") as fp:
                have = fp.read().split("\n")
            try:
                want, why = count(os.path.join(fixtures, rel))
            except ET.ParseError as e:
                want, why = None, "xml.etree: %s" % e
            if want is None:
                other += 1
                print("by eye: %s (%s) golden says %s" % (rel, why, have[0]))
            elif have[0] == "result: ok" and "\n".join(have[1:5]) == want:
                ok += 1
            else:
                bad += 1
                print("DIFFERS: %s\n  count:  %s\n  golden: %s"
                      % (rel, want.replace("\n", "; "),
                         "; ".join(have[0:5])))
    print("%d agree, %d differ, %d to check by eye" % (ok, bad, other))
    return 1 if bad else 0


def main():
    if sys.argv[1:] == ["--check"]:
        here = os.path.dirname(os.path.abspath(__file__))
        sys.exit(check(os.path.dirname(os.path.dirname(here))))
    for path in sys.argv[1:]:
        try:
            summary, why = count(path)
            print("%s\n%s" % (path, summary or "not JUnit: " + why))
        except ET.ParseError as e:
            print("%s\nxml.etree: %s" % (path, e))


if __name__ == "__main__":
    main()
