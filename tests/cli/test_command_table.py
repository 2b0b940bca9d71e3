"""The whole command table, every call type, black-box.

Reads the table from `testpump --format json help` and, for every command
it lists, checks the contract of DESIGN.md "The command table and call
types".  A command added later is covered without a line of new code here.
"""
import hashlib
import json
import os
import subprocess
import sys
import tempfile

TP = os.environ["TESTPUMP"]
passed = 0
failed = []


def run(args, cwd):
    env = dict(os.environ)
    for k in ("TESTPUMP_DB", "TESTPUMP_CONFIG"):
        env.pop(k, None)
    return subprocess.run([TP] + args, cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60)


def check(ok, what, r=None):
    global passed
    if ok:
        passed += 1
        return
    detail = ""
    if r is not None:
        detail = f"\n  exit {r.returncode}\n  stdout: {r.stdout[:400]!r}\n  stderr: {r.stderr[:400]!r}"
    failed.append(what + detail)


def example(opt, tmp):
    """A value that passes the option's spec."""
    t = opt["type"]
    if t == "flag":
        return None
    if opt.get("choices"):
        return opt["choices"][0]
    if t == "integer":
        return str(int(opt.get("min", 1)))
    if t == "number":
        return str(opt.get("min", 1))
    if t == "path":
        path = os.path.join(tmp, "example-input")
        with open(path, "w") as f:
            f.write("x\n")
        return path
    if t == "key=value":
        return "key=value"
    if t == "time":
        return "2024-05-01T12:00:00Z"
    return "example"


def valid_args(cmd, tmp, skip=None):
    """Words for the command with every required option, minus `skip`."""
    args, positional = [], []
    needed = {o["key"] for o in cmd["options"] if o["required"]}
    for c in cmd["constraints"]:
        if c["kind"] == "at-least-one-of":
            needed.add(c["options"][0])
    for o in cmd["options"]:
        if o["key"] not in needed or o["key"] == skip:
            continue
        v = example(o, tmp)
        if o["positional"]:
            positional.append(v)
        elif v is None:
            args.append(o["name"])
        else:
            args += [o["name"], v]
    return cmd["name"].split() + args + positional


def digest(path):
    if not os.path.exists(path):
        return None
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def check_command(cmd, tmp):
    name = cmd["name"]
    words = name.split()
    db = os.path.join(tmp, "table.db")

    # 1. mock-invalid: exit 1 at once, nothing printed; both spellings.
    for flag in (["--mock-invalid"], ["--call-type", "mock-invalid"]):
        r = run(flag + words, tmp)
        check(r.returncode == 1 and r.stdout == "",
              f"{name}: {flag[0]} exits 1 with empty stdout", r)

    # 2. mock-success: exit 0, JSON with exactly the declared keys.
    r = run(["--format", "json", "--mock-success"] + words, tmp)
    declared = {f["key"] for f in cmd["response"]} | {"api_version"}
    try:
        keys = set(json.loads(r.stdout).keys())
    except ValueError:
        keys = None
    check(r.returncode == 0 and keys == declared,
          f"{name}: mock-success keys {sorted(keys or [])} == declared "
          f"{sorted(declared)}", r)

    # 3. mock-failure: the declared exit; a response unless exit 1.
    want = cmd["mock_failure_exit"]
    r = run(["--format", "json", "--mock-failure"] + words, tmp)
    if want == 1:
        check(r.returncode == 1 and r.stdout == "",
              f"{name}: mock-failure exits 1 with empty stdout", r)
    else:
        try:
            body = json.loads(r.stdout)
        except ValueError:
            body = {}
        check(r.returncode == want and set(body.keys()) == declared,
              f"{name}: mock-failure exits {want} with the declared shape",
              r)

    # 4. validate-only without each required option: exit 1, naming it.
    for o in cmd["options"]:
        if not o["required"]:
            continue
        r = run(["--db", f"sqlite:{db}", "--validate-only"] +
                valid_args(cmd, tmp, skip=o["key"]), tmp)
        check(r.returncode == 1 and o["name"] in r.stderr and
              r.stdout == "",
              f"{name}: validate-only without {o['name']} exits 1 naming "
              "it", r)

    # 5. validate-only with valid options: exit 0, database untouched,
    #    whether it does not exist yet or already holds data.
    if os.path.exists(db):
        os.remove(db)
    r = run(["--db", f"sqlite:{db}", "--validate-only"] +
            valid_args(cmd, tmp), tmp)
    check(r.returncode == 0 and r.stdout == "" and not os.path.exists(db),
          f"{name}: validate-only exits 0 and creates no database", r)
    r0 = run(["--db", f"sqlite:{db}", "db", "init"], tmp)
    before = digest(db)
    r = run(["--db", f"sqlite:{db}", "--validate-only"] +
            valid_args(cmd, tmp), tmp)
    check(r0.returncode == 0 and before is not None and
          r.returncode == 0 and digest(db) == before and
          not os.path.exists(db + "-wal"),
          f"{name}: validate-only leaves an existing database as it was", r)
    os.remove(db)

    # 6. every command documents itself.
    r = run(["help"] + words, tmp)
    check(r.returncode == 0 and f"usage: testpump {name}" in r.stdout,
          f"{name}: help documents it", r)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        r = run(["--format", "json", "help"], tmp)
        table = json.loads(r.stdout)["commands"]
        check(len(table) >= 6, "the table lists the commands", r)
        names = [c["name"] for c in table]
        check(len(names) == len(set(names)), "command names are unique")
        for cmd in table:
            check_command(cmd, tmp)
    for f in failed:
        print("FAIL:", f)
    print(f"{passed} passed, {len(failed)} failed")
    return 1 if failed else 0


sys.exit(main())
