"""Secrets never leak: every command, known secrets in the environment.

Reads the command table from `testpump --format json help` and runs every
command in every call type (mock-success, mock-failure, mock-invalid,
validate-only, and execute with values that pass the option specs) with -v,
plus a real pump (--faux in-process, and over HTTP against `faux serve`
with the secret credentials sent), an ingest, an aggregate with its report
files, a history comparison with its output file, and PostgreSQL
connections that fail with a password in the URL and in PGPASSWORD.  Each
secret value must be absent from stdout, stderr, the database file and
every file the commands wrote (the working directory is scanned).  The
server token is named by the config file (token_env) and set too.
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import faultlib  # noqa: E402

TP = os.environ["TESTPUMP"]
FIXTURES = os.environ["FIXTURES"]
RUN1 = os.path.join(FIXTURES, "ingest", "run1")
checks = faultlib.Checks()

SECRETS = {
    "TESTRAIL_PASSWORD": "trPW-5ecret-0a1b2c",
    "BUGZILLA_API_KEY": "bzKEY-5ecret-3d4e5f",
    "GITHUB_TOKEN": "ghp_5ecret6a7b8c9d0e",
    "TASKCLUSTER_ACCESS_TOKEN": "tcTOKEN-5ecret-1f2a",
    "BITRISE_TOKEN": "brTOKEN-5ecret-3b4c",
    "PGPASSWORD": "pgPW-5ecret-5d6e",
    "TESTPUMP_TOKEN": "tpTOKEN-5ecret-7f8a",
}
URL_PASSWORD = "urlPW-5ecret-9b0c"
ALL = list(SECRETS.values()) + [URL_PASSWORD]


def base_env(tmp):
    env = dict(os.environ)
    for k in ("TESTPUMP_DB", "TESTPUMP_CONFIG"):
        env.pop(k, None)
    env.update(SECRETS)
    env["TESTRAIL_USERNAME"] = "qa-bot@example.com"
    env["TASKCLUSTER_CLIENT_ID"] = "client/x"
    env["TESTPUMP_NOW"] = "2024-05-01T10:00:00Z"
    env["TESTPUMP_CONFIG"] = os.path.join(tmp, "tp.conf")
    return env


def leaks(text):
    return [s for s in ALL if s in text]


def run(args, tmp, env=None, what=None):
    e = base_env(tmp)
    e.update(env or {})
    r = subprocess.run([TP, "-v", "--no-progress"] + args, cwd=tmp, env=e,
                       capture_output=True, text=True, timeout=120)
    what = what or " ".join(args[:4])
    found = leaks(r.stdout) + leaks(r.stderr)
    checks.check(not found, f"{what}: no secret in stdout or stderr",
                 f"{found}: {r.stderr[-300:]}")
    return r


def scan_files(tmp, what):
    """Every file under tmp (databases, WAL, reports) holds no secret."""
    n = 0
    for root, _, files in os.walk(tmp):
        for name in files:
            path = os.path.join(root, name)
            with open(path, "rb") as f:
                data = f.read()
            n += 1
            found = [s for s in ALL if s.encode() in data]
            checks.check(not found, f"{what}: no secret in "
                         f"{os.path.relpath(path, tmp)}", found)
    return n


def example(opt, tmp):
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


def valid_args(cmd, tmp):
    args, positional = [], []
    needed = {o["key"] for o in cmd["options"] if o["required"]}
    for c in cmd["constraints"]:
        if c["kind"] == "at-least-one-of":
            needed.add(c["options"][0])
    for o in cmd["options"]:
        if o["key"] not in needed:
            continue
        v = example(o, tmp)
        if o["positional"]:
            positional.append(v)
        elif v is None:
            args.append(o["name"])
        else:
            args += [o["name"], v]
    return cmd["name"].split() + args + positional


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def every_command(tmp, db):
    r = subprocess.run([TP, "--format", "json", "help"], capture_output=True,
                       text=True, env=base_env(tmp), cwd=tmp)
    table = json.loads(r.stdout)["commands"]
    runs = 0
    for cmd in table:
        if cmd["name"] in ("serve", "faux serve"):
            # Servers run until stopped: their calls are below, with a
            # bounded lifetime.
            modes = ["--mock-success", "--mock-failure", "--validate-only"]
        else:
            modes = ["--mock-success", "--mock-failure", "--mock-invalid",
                     "--validate-only", None]
        for mode in modes:
            args = ["--db", db] + ([mode] if mode else [])
            args += valid_args(cmd, tmp)
            run(args, tmp, what=f"{cmd['name']} {mode or 'execute'}")
            runs += 1
    return len(table), runs


def main():
    tmp = tempfile.mkdtemp(prefix="tp-secrets-")
    with open(os.path.join(tmp, "tp.conf"), "w") as f:
        f.write("[server]\ntoken_env = TESTPUMP_TOKEN\n")
    db = "sqlite:" + os.path.join(tmp, "tp.db")
    r = run(["--db", db, "db", "init"], tmp)
    checks.check(r.returncode == 0, "db init", r.stderr)
    run(["--db", db, "ingest", "junit", RUN1, "--job", "unit", "--run-id",
         "1", "--payload", "p1", "--url", "https://ci.example/1"], tmp)
    for i in range(2, 8):
        run(["--db", db, "ingest", "junit", RUN1, "--job", "unit",
             "--run-id", str(i), "--payload", "p1"], tmp)
    os.mkdir(os.path.join(tmp, "agg"))
    r = run(["--db", db, "aggregate", "--job", "unit", "--payload", "p1",
             "--working-dir", os.path.join(tmp, "agg")], tmp)
    checks.check(r.returncode in (0, 2), "aggregate ran", r.stderr)
    r = run(["--db", db, "--faux", "pump", "--project", "ALL",
             "--report-type", "ALL"], tmp)
    checks.check(r.returncode == 0, "--faux pump", r.stderr)
    r = run(["--db", db, "--dry-run", "--faux", "pump", "--project", "fenix",
             "--report-type", "ALL"], tmp)
    hist = os.path.join(FIXTURES, "history")
    run(["history", "--data-type", "disruptions", "--current",
         os.path.join(hist, "disruptions_current.json"), "--leeway", "10",
         "--output-file", os.path.join(tmp, "history.json")], tmp)

    # The real HTTP path: the credentials go over the wire to faux serve.
    port = free_port()
    server = subprocess.Popen([TP, "faux", "serve", "--listen",
                               f"127.0.0.1:{port}"], env=base_env(tmp),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        host = {"TESTRAIL_HOST": f"http://127.0.0.1:{port}"}
        r = run(["--db", db, "pump", "--project", "ALL", "--report-type",
                 "ALL", "--source", "testrail"], tmp, host, "pump over HTTP")
        checks.check(r.returncode == 0, "pump over HTTP", r.stderr)
        # Every source over HTTP, each with its secret (Basic auth, API
        # key header, bearer tokens): exit 0, or 3 when a source's faux
        # routes are not all there yet; what matters here is no leak.
        base = f"http://127.0.0.1:{port}"
        every = {"TESTRAIL_HOST": base, "BUGZILLA_HOST": base,
                 "GITHUB_API_URL": base, "TASKCLUSTER_ROOT_URL": base,
                 "BITRISE_API_URL": base, "BITRISE_APP_SLUG": "app"}
        r = run(["--db", db, "pump", "--project", "ALL", "--report-type",
                 "ALL"], tmp, every, "pump of every source over HTTP")
        checks.check(r.returncode in (0, 3), "pump of every source over "
                     "HTTP ends 0 or 3", r.stderr[-600:])
        # A host that answers with errors: the error path must not echo
        # the credentials either.
        r = run(["--db", db, "pump", "--project", "fenix", "--report-type",
                 "ALL", "--source", "testrail"], tmp, {"TESTRAIL_HOST":
                               f"http://qa-bot:{URL_PASSWORD}@127.0.0.1:1"},
                "pump to a refused host with a password in its URL")
        checks.check(r.returncode == 3, "the refused pump exits 3", r.stderr)
    finally:
        server.terminate()
        out, err = server.communicate(timeout=30)
        found = leaks(out) + leaks(err)
        checks.check(not found, "faux serve: no secret in its output", found)

    # PostgreSQL connections that fail, a password in the URL and in
    # PGPASSWORD (no server on port 1; a wrong database on the test one).
    port = free_port()
    for url in (f"postgresql://tp:{URL_PASSWORD}@127.0.0.1:{port}/x",
                f"host=127.0.0.1 port={port} user=tp password={URL_PASSWORD}"
                " dbname=x"):
        for args in (["db", "status"], ["ingest", "junit", RUN1, "--job",
                                       "unit", "--run-id", "9"],
                     ["--faux", "pump", "--project", "fenix",
                      "--report-type", "ALL"]):
            r = run(["--db", url] + args, tmp, what=f"pg {args[0]} refused")
            checks.check(r.returncode == 1, f"pg {args[0]} refused: exit 1",
                         r.stderr)
    pg = os.environ.get("TESTPUMP_TEST_PG")
    if pg:
        r = run(["--db", pg.replace("dbname=", "dbname=no_such_db_") +
                 f" password={URL_PASSWORD}", "db", "status"], tmp,
                what="pg: a database that does not exist")
        checks.check(r.returncode == 1, "pg: no such database: exit 1",
                     r.stderr)

    ncmd, nruns = every_command(tmp, db)
    nfiles = scan_files(tmp, "files")
    print(f"{ncmd} commands, {nruns} runs of the table, {nfiles} files "
          "scanned")
    subprocess.run(["rm", "-rf", tmp])
    sys.exit(checks.finish())


if __name__ == "__main__":
    main()
