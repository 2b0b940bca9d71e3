"""Shared by the tests/fault/ scripts: counted checks, and the two engines
seen from outside testpump (make a database, copy it, drop it, and dump
every row of every table in a canonical, sorted form)."""
import os
import re
import shutil
import sqlite3
import subprocess


class Checks:
    """Counts passes and failures; finish() prints the closing line."""

    def __init__(self):
        self.npass = 0
        self.nfail = 0

    def check(self, cond, what, detail=""):
        if cond:
            self.npass += 1
        else:
            self.nfail += 1
            print(f"FAIL: {what}")
            if detail:
                print(f"  {str(detail)[:600]}")
        return bool(cond)

    def fail(self, what, r):
        self.check(False, what, f"exit {r.returncode}; stderr: "
                   f"{r.stderr[-400:]}")

    def finish(self):
        print(f"{self.npass} passed, {self.nfail} failed")
        return 0 if self.nfail == 0 else 1


def same(got, want, what, checks):
    """Compares two dumps; on a difference names the first table."""
    if got == want:
        return checks.check(True, what)
    for table in sorted(set(got) | set(want)):
        a = got.get(table, ((), []))
        b = want.get(table, ((), []))
        if a == b:
            continue
        extra = [r for r in a[1] if r not in b[1]][:2]
        missing = [r for r in b[1] if r not in a[1]][:2]
        return checks.check(False, what, f"table {table}: {len(a[1])} rows, "
                            f"wanted {len(b[1])}; extra {extra}; "
                            f"missing {missing}")
    return checks.check(False, what)


def normalize(dump, drop_cols):
    """The dump a rerun is compared by: without pump_run (an audit log: a
    killed pump leaves its rows, and the rerun's rows count only what
    was not stored yet), and without the columns drop_cols(table, cols)
    names (surrogate ids a killed run consumed)."""
    out = {}
    for table, (cols, rows) in dump.items():
        if table == "pump_run":
            continue
        drop = drop_cols(table, cols)
        keep = [i for i, c in enumerate(cols) if c not in drop]
        out[table] = (tuple(cols[i] for i in keep),
                      sorted(tuple(r[i] for i in keep) for r in rows))
    return out


class Sqlite:
    """SQLite databases: files in tmp; a copy is a file copy."""

    name = "sqlite"

    def __init__(self, tmp):
        self.tmp = tmp

    def path(self, url):
        return url[len("sqlite:"):]

    def new_db(self, name):
        return "sqlite:" + os.path.join(self.tmp, name + ".db")

    def seal(self, url):
        pass

    def clone(self, url, name):
        new = self.new_db(name)
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(self.path(url) + suffix):
                shutil.copyfile(self.path(url) + suffix,
                                self.path(new) + suffix)
        return new

    def drop(self, url):
        for suffix in ("", "-wal", "-shm", "-journal"):
            if os.path.exists(self.path(url) + suffix):
                os.remove(self.path(url) + suffix)

    def cleanup(self):
        pass

    @staticmethod
    def drop_cols(table, cols):
        return {"pump_run_id"} | ({"id"} if table == "pump_run" else set())

    def dump(self, url, rerun=False):
        con = sqlite3.connect(self.path(url))
        out = {}
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        for t in tables:
            cur = con.execute(f'SELECT * FROM "{t}"')
            cols = tuple(d[0] for d in cur.description)
            rows = sorted(tuple("\\N" if v is None else str(v) for v in r)
                          for r in cur)
            out[t] = (cols, rows)
        con.close()
        return normalize(out, self.drop_cols) if rerun else out

    def normal_rerun(self, dump):
        return normalize(dump, self.drop_cols)


class Postgres:
    """PostgreSQL databases on the test server; a copy is CREATE DATABASE
    ... TEMPLATE, so each trial starts from the same bytes."""

    name = "postgresql"

    def __init__(self, conninfo):
        self.base = conninfo
        bindir = os.environ.get("TESTPUMP_TEST_PG_BIN", "")
        self.psql_bin = os.path.join(bindir, "psql") if bindir else "psql"
        self.prefix = f"tp_fault_{os.getpid()}_"
        self.made = []
        self.fk = None

    def url(self, db):
        return re.sub(r"dbname=\S+", f"dbname={db}", self.base)

    def db_of(self, url):
        return re.search(r"dbname=(\S+)", url).group(1)

    def psql(self, url, sql=None, stdin=None):
        args = [self.psql_bin, "-XAtq", "-v", "ON_ERROR_STOP=1", url]
        if sql:
            args += ["-c", sql]
        r = subprocess.run(args, input=stdin, capture_output=True, text=True,
                           timeout=120)
        if r.returncode:
            raise RuntimeError(f"psql: {r.stderr}")
        return r.stdout

    def new_db(self, name):
        db = self.prefix + name
        self.psql(self.base, f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
        self.psql(self.base, f"CREATE DATABASE {db}")
        self.made.append(db)
        return self.url(db)

    def seal(self, url):
        pass

    def clone(self, url, name):
        db = self.prefix + name
        self.psql(self.base, f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
        self.psql(self.base,
                  f"CREATE DATABASE {db} TEMPLATE {self.db_of(url)}")
        self.made.append(db)
        return self.url(db)

    def drop(self, url):
        db = self.db_of(url)
        self.psql(self.base, f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
        if db in self.made:
            self.made.remove(db)

    def cleanup(self):
        for db in list(self.made):
            self.drop(self.url(db))

    def drop_cols(self, table, cols):
        # Sequences are not transactional: a killed run uses up ids, so a
        # rerun's surrogate ids and the references to them differ.
        return {"id", "pump_run_id"} | self.fk.get(table, set())

    def dump(self, url, rerun=False):
        tables = self.psql(url, "SELECT c.relname FROM pg_class c JOIN "
                           "pg_namespace n ON n.oid = c.relnamespace WHERE "
                           "n.nspname = 'public' AND c.relkind IN ('r', 'p')"
                           " AND NOT c.relispartition ORDER BY 1").split()
        cols = {}
        for line in self.psql(url, "SELECT table_name, column_name FROM "
                              "information_schema.columns WHERE table_schema"
                              " = 'public' ORDER BY table_name, "
                              "ordinal_position").splitlines():
            t, c = line.split("|")
            cols.setdefault(t, []).append(c)
        if self.fk is None:
            self.fk = {}
            for line in self.psql(url, "SELECT k.table_name, k.column_name "
                                  "FROM information_schema.key_column_usage"
                                  " k JOIN information_schema."
                                  "table_constraints c USING "
                                  "(constraint_schema, constraint_name) "
                                  "WHERE c.constraint_type = 'FOREIGN KEY'"
                                  " AND k.table_schema = 'public'"
                                  ).splitlines():
                t, c = line.split("|")
                self.fk.setdefault(t, set()).add(c)
        script = "".join(f"\\echo @@{t}\nCOPY (SELECT * FROM \"{t}\") TO "
                         f"STDOUT;\n" for t in tables)
        out, cur = {}, None
        for line in self.psql(url, stdin=script).split("\n"):
            if line.startswith("@@"):
                cur = line[2:]
                out[cur] = (tuple(cols[cur]), [])
            elif cur and line:
                out[cur][1].append(tuple(line.split("\t")))
        for t in out:
            out[t][1].sort()
        return normalize(out, self.drop_cols) if rerun else out

    def normal_rerun(self, dump):
        return normalize(dump, self.drop_cols)
