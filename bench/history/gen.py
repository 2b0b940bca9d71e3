#!/usr/bin/env python3
"""Generates two disruption percentile files (current and new) of N rows
each, in the shape of openshift/origin's query_results.json, for
bench/history/run.sh.  The new file changes some rows: 5% grow beyond
any leeway, 5% shrink, 1% are new keys (added) and 1% of the current keys
are gone (missing).  Seeded, so every run compares the same data."""
import argparse
import json
import random

PLATFORMS = ["aws", "gcp", "azure", "metal", "vsphere", "ovirt", "ibmcloud"]
ARCHES = ["amd64", "arm64", "ppc64le", "s390x"]
NETWORKS = ["ovn", "sdn"]
TOPOLOGIES = ["ha", "single", "compact"]
RELEASES = ["4.15", "4.16"]


def secs(v):
    return "%.1f" % v if v == int(v) else ("%.3f" % v).rstrip("0")


def row(i, rng):
    rel = RELEASES[i % 2]
    frm = "" if i % 3 else ("4.14" if rel == "4.15" else "4.15")
    p50 = round(rng.uniform(0, 2), 3)
    p75 = round(p50 + rng.uniform(0, 2), 3)
    p95 = round(p75 + rng.uniform(0, 5), 3)
    p99 = round(p95 + rng.uniform(0, 20), 3)
    return {
        "BackendName": "backend-%d-new-connections" % (i // 400),
        "Release": rel,
        "FromRelease": frm,
        "Platform": PLATFORMS[i % 7],
        "Architecture": ARCHES[(i // 7) % 4],
        "Network": NETWORKS[(i // 28) % 2],
        "Topology": TOPOLOGIES[(i // 56) % 3],
        "MasterNodesUpdated": None if not frm else "Y",
        "JobRuns": rng.randint(20, 900),
        "P95": secs(p95), "P99": secs(p99), "P75": secs(p75), "P50": secs(p50),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100000)
    ap.add_argument("current")
    ap.add_argument("new")
    args = ap.parse_args()
    rng = random.Random(5)
    # Rows i and i + 168 * k differ in the backend (i // 400) or variant.
    cur = [row(i, rng) for i in range(args.rows)]
    new = []
    for i, r in enumerate(cur):
        if i % 100 == 7:
            continue  # missing
        n = dict(r)
        n["JobRuns"] = r["JobRuns"] + rng.randint(0, 30)
        if i % 20 == 3:
            n["P95"] = secs(float(r["P95"]) * 1.6 + 1)
            n["P99"] = secs(float(r["P99"]) * 1.8 + 1)
        elif i % 20 == 4:
            n["P99"] = secs(float(r["P99"]) * 0.5)
        new.append(n)
    for i in range(args.rows // 100):
        n = row(i, rng)
        n["BackendName"] = "added-%d-new-connections" % i
        new.append(n)
    for path, rows in ((args.current, cur), (args.new, new)):
        with open(path, "w") as f:
            json.dump(rows, f, indent=2)


if __name__ == "__main__":
    main()
