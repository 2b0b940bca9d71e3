#!/usr/bin/python3
"""The natural Python peer of `testpump ingest junit`: python3-junitparser
(what EnricoMi/publish-unit-test-result-action uses) reading a JUnit file,
and sqlite3 executemany storing one row per testcase into a normalised
pair of tables (test, result), in one transaction.

Usage: bench/junit/peer.py JUNIT.xml DB
Prints "peer: N testcases".
"""
import sqlite3
import sys

from junitparser import JUnitXml

xml = JUnitXml.fromfile(sys.argv[1])
db = sqlite3.connect(sys.argv[2])
db.executescript("""
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE IF NOT EXISTS test (id INTEGER PRIMARY KEY, suite TEXT,
    classname TEXT, name TEXT, UNIQUE (suite, classname, name));
CREATE TABLE IF NOT EXISTS result (test_id INTEGER, status TEXT,
    duration REAL, message TEXT);
""")
tests, results = {}, []
for suite in xml:
    for case in suite:
        key = (suite.name or "", case.classname or "", case.name or "")
        if key not in tests:
            tests[key] = len(tests) + 1
        status = "pass"
        message = None
        for r in case.result:
            status = r._tag
            message = r.message
        results.append((tests[key], status, case.time, message))
with db:
    db.executemany("INSERT INTO test (id, suite, classname, name) "
                   "VALUES (?, ?, ?, ?)",
                   ((i, *k) for k, i in tests.items()))
    db.executemany("INSERT INTO result VALUES (?, ?, ?, ?)", results)
print("peer: %d testcases" % len(results))
