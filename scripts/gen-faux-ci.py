#!/usr/bin/env python3
"""Writes the faux Taskcluster and Bitrise upstreams (src/sources/faux/
taskcluster/*.json, bitrise/*.json) and the artifact storage both redirect
to (storage/blobs.json).

Taskcluster (peers.md 5.4): the built-in Android projects have an index
namespace (fenix, focus-android, reference-browser; config_default.c); each
holds indexed decision tasks, one per push, whose task id is the task
group's id.  A group holds a decision task, builds, lint and test tasks;
test tasks publish JUnit artifacts (plain XML, .xml.gz, or a zip of several
XML files).  Some runs are retried automatically (reasonCreated "retry"),
some cancelled, one superseded.  There are more index entries, group tasks
and artifacts than one faux page holds, so paging is exercised.

Bitrise (peers.md 5.5): the built-in iOS projects have an app (firefox-ios,
focus-ios); each has more builds than one faux page, newest first, with
statuses 0-4; some builds deployed JUnit artifacts (a zip, a plain XML).

The JUnit bodies are real files from tests/fixtures/junit.  Times are
RFC 3339 text before 2024-05-01T00:00:00Z (the anchor); the faux responders
move them forward by whole days so that the anchor is today.

Run it again after editing it; the output is deterministic.
"""
import base64
import gzip
import hashlib
import io
import json
import os
import zipfile

ROOT = os.path.join(os.path.dirname(__file__), "..")
FAUX = os.path.join(ROOT, "src", "sources", "faux")
JUNIT = os.path.join(ROOT, "tests", "fixtures", "junit", "junit")
TC_ROOT = "https://firefox-ci-tc.services.mozilla.com"


def fixture(rel):
    with open(os.path.join(JUNIT, rel), "rb") as f:
        return f.read()


def slugid(seed):
    d = hashlib.sha256(seed.encode()).digest()[:16]
    return base64.urlsafe_b64encode(d).decode().rstrip("=")


def t(day, hour, minute=0, second=0):
    return "2024-04-%02dT%02d:%02d:%02d.%03dZ" % (day, hour, minute, second,
                                               (day * 37 + minute) % 1000)


def zip_of(files):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=(2024, 4, 20, 12, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return out.getvalue()


NORMAL = fixture("weiwei-junitparser/tests__data__normal.xml")
FLAKY = fixture("mikepenz-action-junit-report/test_results__python__report_flaky.xml")
SUREFIRE_FLAKY = fixture(
    "mikepenz-action-junit-report/test_results__maven_surefire_flaky__surefire-report.xml")
ALLOK = fixture(
    "mikepenz-action-junit-report/test_results__tests__utils__target__surefire-reports__TEST-action.surefire.report.calc.AllOkTest.xml")
JUNIT4 = fixture("dorny-test-reporter/__tests____fixtures__external__java__junit4-basic.xml")
PYTEST = fixture("dorny-test-reporter/__tests____fixtures__python-xunit-pytest.xml")

BLOBS = {
    "tc-junit.xml": ("application/xml", NORMAL),
    "tc-junit-flaky.xml.gz": ("application/gzip",
                              gzip.compress(FLAKY, mtime=0)),
    "tc-junit-reports.zip": ("application/zip",
                             zip_of([("reports/TEST-flaky.xml",
                                      SUREFIRE_FLAKY),
                                     ("reports/TEST-AllOk.xml", ALLOK),
                                     ("reports/summary.txt",
                                      b"2 suites\n")])),
    "tc-live_backing.log": ("text/plain", b"[taskcluster] task finished\n"),
    "br-test-results.zip": ("application/zip",
                            zip_of([("xcresult/junit4-basic.xml", JUNIT4),
                                    ("xcresult/pytest.xml", PYTEST)])),
    "br-junit.xml": ("application/xml", ALLOK),
    "br-app.ipa": ("application/octet-stream", b"not really an app\n"),
}

# Taskcluster ------------------------------------------------------------

TC_PROJECTS = [
    # (project, namespace, repository env prefix, pushes)
    ("fenix", "mobile.v3.firefox-android.fenix.pushes", "MOBILE", 3),
    ("focus-android", "mobile.v3.firefox-android.focus.pushes", "MOBILE", 2),
    ("reference-browser", "mobile.v2.reference-browser.pushes", "MOBILE", 2),
]

# (name suffix, kind, runs, artifact) per task of a group.  runs: list of
# (state, reasonCreated, reasonResolved).
TC_TASKS = [
    ("build-apk-debug", [("completed", "scheduled", "completed")], None),
    ("lint", [("failed", "scheduled", "failed")], None),
    ("test-unit", [("completed", "scheduled", "completed")], "tc-junit.xml"),
    ("ui-test-arm", [("exception", "scheduled", "worker-shutdown"),
                     ("completed", "retry", "completed")],
     "tc-junit-flaky.xml.gz"),
    ("ui-test-x86", [("failed", "scheduled", "failed")],
     "tc-junit-reports.zip"),
    ("signing-apk", [("exception", "scheduled", "canceled")], None),
    ("beetmover-apk", [("exception", "scheduled", "superseded")], None),
]


def tc_data():
    index, groups, artifacts = {}, {}, {}
    for p, (project, ns, prefix, pushes) in enumerate(TC_PROJECTS):
        entries = []
        for push in range(pushes):
            day = 22 + push * 3 + p
            rev = hashlib.sha1(("%s-%d" % (project, push)).encode()).hexdigest()
            gid = slugid("%s-decision-%d" % (project, push))
            entries.append({
                "namespace": "%s.%s" % (ns, rev[:12]),
                "taskId": gid,
                "rank": 1713600000 + push,
                "data": {},
                "expires": "2025-04-%02dT00:00:00.000Z" % day,
            })
            env = {prefix + "_HEAD_REV": rev,
                   prefix + "_HEAD_REF": "main" if push else "releases_v126",
                   prefix + "_HEAD_REPOSITORY":
                       "https://github.com/mozilla-mobile/" + project}
            tasks = [task_entry(gid, gid, "Decision Task", day, 0, env,
                                [("completed", "scheduled", "completed")])]
            artifacts["%s/0" % gid] = [
                {"storageType": "s3", "name": "public/task-graph.json",
                 "expires": "2025-04-01T00:00:00.000Z",
                 "contentType": "application/json"},
                {"storageType": "s3", "name": "public/logs/live_backing.log",
                 "expires": "2025-04-01T00:00:00.000Z",
                 "contentType": "text/plain"}]
            for i, (name, runs, art) in enumerate(TC_TASKS):
                tid = slugid("%s-%d-%s" % (project, push, name))
                label = "%s-%s" % (name, project)
                tasks.append(task_entry(tid, gid, label, day, i + 1, env,
                                        runs))
                for r in range(len(runs)):
                    arts = [{"storageType": "s3",
                             "name": "public/logs/live_backing.log",
                             "expires": "2025-04-01T00:00:00.000Z",
                             "contentType": "text/plain"},
                            {"storageType": "reference",
                             "name": "public/logs/live.log",
                             "expires": "2025-04-01T00:00:00.000Z",
                             "contentType": "text/plain"}]
                    if art and runs[r][0] != "exception":
                        ext = art[art.index("junit") + 5:] if "junit" in art else ".xml"
                        arts.append({"storageType": "s3",
                                     "name": "public/results/junit" + ext,
                                     "expires": "2025-04-01T00:00:00.000Z",
                                     "contentType": BLOBS[art][0],
                                     "blob": art})
                    artifacts["%s/%d" % (tid, r)] = arts
            groups[gid] = tasks
        index[ns] = entries
    return index, groups, artifacts


def task_entry(tid, gid, name, day, i, env, runs):
    out = []
    hour = 8 + i
    for r, (state, created, resolved) in enumerate(runs):
        run = {"runId": r, "state": state, "reasonCreated": created,
               "reasonResolved": resolved, "workerGroup": "us-central1",
               "workerId": "worker-%d" % (i * 10 + r),
               "scheduled": t(day, hour, r * 20),
               "started": t(day, hour, r * 20 + 1),
               "resolved": t(day, hour, r * 20 + 15)}
        if resolved == "canceled":
            del run["started"]
        out.append(run)
    return {
        "task": {"taskGroupId": gid, "schedulerId": "mobile-level-3",
                 "created": t(day, hour), "deadline": t(day, 23),
                 "metadata": {"name": name, "owner": "ci@mozilla.com",
                              "source": "https://github.com/mozilla-mobile",
                              "description": ""},
                 "tags": {"kind": name.split("-")[0]},
                 "extra": {"tasks_for": "github-push"},
                 "payload": {"env": env}},
        "status": {"taskId": tid, "taskGroupId": gid,
                   "state": out[-1]["state"], "retriesLeft": 4,
                   "runs": out},
    }


# Bitrise ----------------------------------------------------------------

BR_APPS = [("firefox-ios", "6c06d3a40422d10f", 8),
           ("focus-ios", "a2e9b1c7d3f4e605", 7)]
# status, status_text
BR_STATUS = [(1, "success"), (2, "error"), (1, "success"), (3, "aborted"),
             (1, "success"), (2, "error"), (4, "aborted"), (1, "success")]
BR_WORKFLOWS = ["firefox_ios_unit_tests", "firefox_ios_ui_tests",
                "release_build"]


def br_data():
    builds, artifacts = {}, {}
    for a, (project, app, n) in enumerate(BR_APPS):
        lst = []
        for i in range(n):
            day = 22 + i
            status, text = BR_STATUS[i % len(BR_STATUS)]
            slug = hashlib.sha1(("%s-%d" % (app, i)).encode()).hexdigest()[:16]
            wf = BR_WORKFLOWS[i % len(BR_WORKFLOWS)].replace(
                "firefox_ios", project.replace("-", "_"))
            b = {"slug": slug, "build_number": 1000 + i + a * 500,
                 "status": status, "status_text": text,
                 "branch": "main" if i % 4 else "release/v126",
                 "commit_hash": hashlib.sha1(slug.encode()).hexdigest(),
                 "commit_message": "Bug %d - change %d" % (1890000 + i, i),
                 "tag": None,
                 "pull_request_id": 0 if i % 3 else 20000 + i,
                 "triggered_at": t(day, 9 + a, i),
                 "started_on_worker_at": t(day, 9 + a, i + 1),
                 "finished_at": t(day, 9 + a, i + 30),
                 "triggered_workflow": wf,
                 "triggered_by": "webhook" if i % 3 else "pull_request",
                 "abort_reason": "aborted by user" if status >= 3 else None,
                 "is_on_hold": False,
                 "stack_identifier": "osx-xcode-15.3.x",
                 "machine_type_id": "g2-m1.8core"}
            if i == n - 1:
                # The newest build is still running.
                b.update(status=0, status_text="in-progress",
                         finished_at=None)
            lst.append(b)
            arts = [{"slug": slug + "-ipa", "title": "Client.ipa",
                     "artifact_type": "ios-ipa", "file_size_bytes": 18,
                     "is_public_page_enabled": False, "blob": "br-app.ipa"}]
            if wf.endswith("unit_tests") and status in (1, 2):
                arts.append({"slug": slug + "-tests",
                             "title": "test-results.zip",
                             "artifact_type": "file",
                             "file_size_bytes": len(BLOBS["br-test-results.zip"][1]),
                             "is_public_page_enabled": False,
                             "blob": "br-test-results.zip"})
            if wf.endswith("ui_tests") and status in (1, 2):
                arts.append({"slug": slug + "-junit",
                             "title": "UITests-junit.xml",
                             "artifact_type": "file",
                             "file_size_bytes": len(BLOBS["br-junit.xml"][1]),
                             "is_public_page_enabled": False,
                             "blob": "br-junit.xml"})
            artifacts[app + "/" + slug] = arts
        lst.reverse()  # newest first, as Bitrise lists them
        builds[app] = lst
    return builds, artifacts


def write(rel, data):
    path = os.path.join(FAUX, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump({"data": data}, f, indent=1, sort_keys=True)
        f.write("\n")


def main():
    index, groups, artifacts = tc_data()
    write("taskcluster/index.json", index)
    write("taskcluster/groups.json", groups)
    write("taskcluster/artifacts.json", artifacts)
    builds, barts = br_data()
    write("bitrise/builds.json", builds)
    write("bitrise/artifacts.json", barts)
    write("storage/blobs.json", {
        k: {"content_type": v[0], "base64": base64.b64encode(v[1]).decode()}
        for k, v in BLOBS.items()})


main()
