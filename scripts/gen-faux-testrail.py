#!/usr/bin/env python3
"""Writes src/sources/faux/testrail/*.json: the faux TestRail upstream.

The responses are shaped like the real samples in tests/fixtures/api/testrail
(TestRail 7.x: paginated envelopes for bulk GETs, bare arrays for
get_case_fields, get_statuses and get_suites) and consistent across
endpoints: the suites of a project hold its cases, the plans hold runs of
the project's suites, every option id a case uses is in get_case_fields.
They cover the built-in projects (fenix 59, focus-android 48,
reference-browser 58, firefox-ios 14, focus-ios 27).

Times are UNIX seconds before 2024-05-01T00:00:00Z (the anchor); the faux
responder moves them forward by whole days so that the anchor is today.

Each file is {"endpoint", "envelope", "by", "data"}: envelope names the
array of a paginated answer (null: the data is answered as it is), by says
which id selects an entry of data ("path": the id after the method,
"suite_id": that query parameter, null: no id).

Run it again after editing it; the output is deterministic.
"""
import json
import os
import random

OUT = os.path.join(os.path.dirname(__file__), "..", "src", "sources", "faux",
                   "testrail")
ANCHOR = 1714521600  # 2024-05-01T00:00:00Z
DAY = 86400
HOST = "https://mozilla.testrail.io"

PROJECTS = [
    (59, "Fenix Browser", ["Full Functional Tests Suite", "Smoke Tests",
                           "Accessibility"]),
    (48, "Focus for Android", ["Focus Android Test Suite", "Smoke Tests"]),
    (58, "Reference Browser", ["Reference Browser Tests"]),
    (14, "Firefox for iOS", ["Full Functional Tests Suite", "Smoke Tests",
                             "L10N"]),
    (27, "Focus for iOS", ["Focus iOS Test Suite", "Smoke Tests"]),
]
ANDROID = [59, 48, 58]
IOS = [14, 27]

STATUS_ITEMS = "1, Untriaged\n2, Suitable\n3, Unsuitable\n4, Completed\n5, Disabled"
IOS_STATUS_ITEMS = STATUS_ITEMS + "\n6, Blocked by XCUITest"
COVERAGE_ITEMS = "1, None\n2, Partial\n3, Full"
SUB_ITEMS = ("0, Functional\n1, Smoke & Sanity\n2, Accessibility\n3, L10N\n"
             "4, Security\n6, FxA\n7, Other")

TITLES = ["Open a new tab", "Close all tabs", "Bookmark a page",
          "Search from the URL bar", "Private browsing session",
          "Clear browsing data", "Sync bookmarks with FxA",
          "Reader view on an article", "Download a file",
          "Change the default search engine", "Share a link",
          "Restore a closed tab", "Add a top site", "Login with saved password",
          "Tracking protection strict mode", "Switch locale to fr",
          "Screen reader announces tab count", "Collections: add a tab",
          "Onboarding first run", "Pull to refresh"]


def write(name, doc):
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")


def field(fid, system, label, type_id, configs, order):
    return {"id": fid, "is_active": True, "type_id": type_id,
            "name": system[len("custom_"):], "system_name": system,
            "label": label, "description": None, "configs": configs,
            "display_order": order, "include_all": True,
            "template_ids": []}


def config(cid, items, default, projects=None):
    return {"context": {"is_global": projects is None,
                        "project_ids": projects},
            "options": {"is_required": False, "default_value": default,
                        "items": items},
            "id": cid}


def main():
    rnd = random.Random(20240501)
    os.makedirs(OUT, exist_ok=True)
    write("get_projects", {
        "endpoint": "get_projects", "envelope": "projects", "by": None,
        "data": [{"id": pid, "name": name, "announcement": None,
                  "show_announcement": False, "is_completed": False,
                  "completed_on": None, "suite_mode": 3,
                  "url": f"{HOST}/index.php?/projects/overview/{pid}"}
                 for pid, name, _ in PROJECTS]})
    write("get_case_fields", {
        "endpoint": "get_case_fields", "envelope": None, "by": None,
        "data": [
            field(1, "custom_preconds", "Preconditions", 3,
                  [config("4be1344d55d11", None, "")], 1),
            field(22, "custom_automation_status", "Automation Status", 6,
                  [config("a1c0de0000001", STATUS_ITEMS, "1", ANDROID),
                   config("a1c0de0000002", IOS_STATUS_ITEMS, "1", IOS)], 2),
            field(23, "custom_automation_coverage", "Automation Coverage",
                  6, [config("a1c0de0000003", COVERAGE_ITEMS, "1")], 3),
            field(31, "custom_sub_test_suites", "Sub Test Suite(s)", 12,
                  [config("a1c0de0000004", SUB_ITEMS, "7")], 4),
        ]})
    write("get_statuses", {
        "endpoint": "get_statuses", "envelope": None, "by": None,
        "data": [
            {"id": i, "name": n, "label": l, "color_bright": cb,
             "color_medium": cm, "color_dark": cd, "is_system": i <= 5,
             "is_untested": i == 3, "is_final": i in (1, 5, 6)}
            for i, n, l, cb, cm, cd in [
                (1, "passed", "Passed", 12709313, 9820525, 6667107),
                (2, "blocked", "Blocked", 14250867, 10526880, 0),
                (3, "untested", "Untested", 15790320, 11579568, 11579568),
                (4, "retest", "Retest", 16631751, 14250867, 13684944),
                (5, "failed", "Failed", 16631751, 15829135, 14250867),
                (6, "custom_status1", "Failed (known)", 16748574,
                 15829135, 12709313)]]})
    suites, cases, runs, plans, plan, milestones, results = \
        {}, {}, {}, {}, {}, {}, {}
    case_id, run_id, result_id = 10001, 4001, 900001
    for pid, pname, snames in PROJECTS:
        ios = pid in IOS
        suites[str(pid)] = []
        for k, sname in enumerate(snames, 1):
            sid = pid * 100 + k
            suites[str(pid)].append({
                "id": sid, "name": sname,
                "description": f"{sname} of {pname}", "project_id": pid,
                "is_master": k == 1, "is_baseline": False,
                "is_completed": False, "completed_on": None,
                "url": f"{HOST}/index.php?/suites/view/{sid}"})
            lst = []
            for i in range(rnd.randint(5, 9)):
                created = ANCHOR - rnd.randint(30, 900) * DAY
                subs = rnd.choice([[0], [0], [1], [0, 1], [2], [3], [6],
                                   [4], []])
                c = {"id": case_id, "title": rnd.choice(TITLES),
                     "section_id": sid * 10 + i % 3, "template_id": 1,
                     "type_id": rnd.choice([6, 7, 9]),
                     "priority_id": rnd.choice([2, 3, 4]),
                     "milestone_id": None, "refs": None,
                     "created_by": rnd.choice([12, 31, 44]),
                     "created_on": created, "updated_by": 12,
                     "updated_on": created + rnd.randint(1, 20) * DAY,
                     "estimate": None, "estimate_forecast": None,
                     "suite_id": sid, "display_order": i + 1,
                     "is_deleted": 0,
                     "custom_automation_status":
                         rnd.choice([1, 2, 2, 3, 4, 4, 4, 5] +
                                    ([6] if ios else [])),
                     "custom_automation_coverage": rnd.choice([1, 2, 3, 3]),
                     "custom_preconds": None,
                     "labels": []}
                if subs:
                    c["custom_sub_test_suites"] = subs
                lst.append(c)
                case_id += 1
            cases[str(sid)] = lst
        milestones[str(pid)] = [
            {"id": pid * 10 + m, "name": f"v{124 + m}", "description": None,
             "start_on": None, "started_on": ANCHOR - (40 - 20 * m) * DAY,
             "is_started": True, "due_on": ANCHOR + (10 + 20 * m) * DAY,
             "is_completed": False, "completed_on": None,
             "project_id": pid, "parent_id": None, "refs": None,
             "url": f"{HOST}/index.php?/milestones/view/{pid * 10 + m}",
             "milestones": []} for m in (1, 2)]

        def run(name, sid, ago, plan_id=None, entry=None):
            nonlocal run_id, result_id
            counts = [rnd.randint(0, 60), rnd.randint(0, 3),
                      rnd.randint(0, 20), rnd.randint(0, 4),
                      rnd.randint(0, 8)]
            done = ago > 2 * DAY
            r = {"id": run_id, "suite_id": sid, "name": name,
                 "description": None, "milestone_id": pid * 10 + 1,
                 "assignedto_id": None, "include_all": True,
                 "is_completed": done,
                 "completed_on": ANCHOR - ago + 6 * 3600 if done else None,
                 "config": None, "config_ids": [],
                 "passed_count": counts[0], "blocked_count": counts[1],
                 "untested_count": counts[2], "retest_count": counts[3],
                 "failed_count": counts[4],
                 **{f"custom_status{n}_count": 0 for n in range(1, 8)},
                 "project_id": pid, "plan_id": plan_id,
                 "created_on": ANCHOR - ago, "updated_on": ANCHOR - ago + 3600,
                 "refs": None, "created_by": 12,
                 "url": f"{HOST}/index.php?/runs/view/{run_id}"}
            if entry:
                r["entry_id"] = entry
                r["entry_index"] = 1
            # One result per tested test, matching the run's counts (an
            # untested test has none); drawn without rnd, so the other
            # files stay as they were.
            statuses = ([1] * counts[0] + [2] * counts[1] +
                        [4] * counts[3] + [5] * counts[4])
            statuses = statuses[::2] + statuses[1::2]
            elapsed = ["1m 30s", "45s", "2m", "12s", "3m 5s", None]
            results[str(run_id)] = [
                {"id": result_id + j, "test_id": run_id * 100 + j,
                 "status_id": st, "created_on": ANCHOR - ago + 60 * (j + 1),
                 "created_by": 12, "assignedto_id": None,
                 "comment": "Fails on Android 13" if st == 5 else None,
                 "version": "124.0", "elapsed": elapsed[j % 6],
                 "defects": "BUG-%d" % (run_id * 10 + j) if st == 5
                 else None,
                 "custom_step_results": [], "attachment_ids": []}
                for j, st in enumerate(statuses)]
            result_id += len(statuses)
            run_id += 1
            return r

        first = pid * 100 + 1
        runs[str(pid)] = [
            run(f"{pname} nightly smoke", first + (len(snames) > 1), ago)
            for ago in (DAY + 3600, 4 * DAY, 12 * DAY, 45 * DAY)]
        plan_id = pid * 1000 + 1
        entry = f"e{pid:02d}0000-0000-4000-8000-000000000001"
        plan_runs = [run(f"{pname} release {cfg}", first, 2 * DAY, plan_id,
                         entry) for cfg in ("Android 14", "Android 13")]
        counts = {k: sum(r[k] for r in plan_runs) for k in
                  ("passed_count", "blocked_count", "untested_count",
                   "retest_count", "failed_count")}
        summary = {"id": plan_id, "name": f"{pname} v125 release testing",
                   "description": None, "milestone_id": pid * 10 + 2,
                   "assignedto_id": None, "is_completed": False,
                   "completed_on": None, **counts,
                   **{f"custom_status{n}_count": 0 for n in range(1, 8)},
                   "project_id": pid, "created_on": ANCHOR - 2 * DAY,
                   "created_by": 12,
                   "url": f"{HOST}/index.php?/plans/view/{plan_id}"}
        plans[str(pid)] = [summary]
        plan[str(plan_id)] = dict(summary, entries=[{
            "id": entry, "suite_id": first, "name": "Release configs",
            "refs": None, "description": None, "include_all": True,
            "runs": plan_runs}])
    write("get_suites", {"endpoint": "get_suites", "envelope": None,
                         "by": "path", "data": suites})
    write("get_cases", {"endpoint": "get_cases", "envelope": "cases",
                        "by": "suite_id", "data": cases})
    write("get_runs", {"endpoint": "get_runs", "envelope": "runs",
                       "by": "path", "data": runs})
    write("get_plans", {"endpoint": "get_plans", "envelope": "plans",
                        "by": "path", "data": plans})
    write("get_plan", {"endpoint": "get_plan", "envelope": None,
                       "by": "path", "data": plan})
    write("get_milestones", {"endpoint": "get_milestones",
                             "envelope": "milestones", "by": "path",
                             "data": milestones})
    write("get_results_for_run", {"endpoint": "get_results_for_run",
                                  "envelope": "results", "by": "path",
                                  "data": results})


main()
