"""Names that are legal on the server and hostile to a reader: quotes of every kind, `;` at a
line end, `--`, `/*`, `*/`, `/*!`, `#`, backslashes and newlines, in table and column names.
The real MariaDB creates them, the real `mariadb-dump` writes them, and the real `mariadb`
client restores the dump (with TRUNCATE and DROP TABLE statements added to it) into a fresh
database: dumpkit must stage exactly the tables and rows that database holds. Two names
that differ only in case are two tables there, and two staged tables here (the second as
`<name>~2`, reported; see read/staged_names.py)."""
from __future__ import annotations

import itertools

import duckdb
import pymysql
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from dumpkit.read.inspect import inspect_dump
from dumpkit.stage import stage_dump

pytestmark = pytest.mark.slow

PIECES = ["a", "A", "b", "B", "'", '"', "`", "``", ";", ";\n", "--", "-- ", "/*", "*/", "/*!", "/*!40000 ", "#", "\\",
          "\n", " ", ",", ".", "(", ")", "é", "\r\n", "\t", "$", "x;\n-- y", "VALUES (1);\n"]
names = st.lists(st.sampled_from(PIECES), min_size=1, max_size=6).map("".join)
LAYOUTS = [[], ["--skip-extended-insert"], ["--complete-insert"], ["--compact"], ["--skip-add-drop-table", "--skip-comments"]]
_db = itertools.count()


def bq(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def staged_names(order: list[str]) -> dict[str, str]:
    """Source name -> staged name: in dump order, a name that differs from an earlier one only
    in case gets `~2`, `~3`, ... (the rule of read/staged_names.py, restated)."""
    out, taken = {}, set()
    for n in order:
        staged, k = n, 1
        while staged.lower() in taken:
            k += 1
            staged = f"{n}~{k}"
        out[n] = staged
        taken.add(staged.lower())
    return out


def server_tables(cur, db: str) -> dict[str, list[tuple]]:
    cur.execute(f"SHOW TABLES FROM {bq(db)}")
    out = {}
    for (t,) in cur.fetchall():
        cur.execute(f"SELECT * FROM {bq(db)}.{bq(t)} ORDER BY 1")
        out[t] = sorted(tuple(r) for r in cur.fetchall())
    return out


def staged_tables(path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()]
        return {n: sorted(con.execute(f'SELECT * FROM main."{n.replace(chr(34), chr(34) * 2)}"').fetchall()) for n in names}
    finally:
        con.close()


def _make_and_restore(mariadb, cur, tmp, tables, layout, truncate, drop, qualify):
    """The tables made in MariaDB, dumped by mariadb-dump, the TRUNCATE and DROP TABLE statements
    added, restored by the mariadb client: (what the restored database holds by staged name,
    source name -> staged name, the dump)."""
    n = next(_db)
    source, restored = f"names{n}", f"restored{n}"
    cur.execute(f"CREATE DATABASE {bq(source)} CHARACTER SET utf8mb4")
    made = []
    for table, column, values in tables:
        try:
            cur.execute(f"CREATE TABLE {bq(source)}.{bq(table)} (`id` int PRIMARY KEY, {bq(column)} varchar(200))")
        except pymysql.err.MySQLError:
            continue  # not a legal name (ends in a space, `id` twice), or the same name again
        made.append(table)
        for i, v in enumerate(values):
            cur.execute(f"INSERT INTO {bq(source)}.{bq(table)} VALUES (%s, %s)", (i, v))
    assume(made)
    dump = mariadb.dump(source, tmp / "dump.sql", *layout)
    # statements a restore runs on what it made: by the restored database's name or none
    q = (lambda t: f"{bq(restored)}.{bq(t)}") if qualify else bq
    extra = [f"TRUNCATE TABLE {q(made[k % len(made)])};\n" for k in truncate]
    if drop:
        gone = dict.fromkeys(made[k % len(made)] for k in drop)
        extra.append(f"DROP TABLE IF EXISTS {', '.join(q(t) for t in gone)}, `never`;\n")
    text = dump.read_bytes()
    cut = text.rfind(b"-- Dump completed")
    at = cut if cut >= 0 else len(text)
    dump.write_bytes(text[:at] + "".join(extra).encode() + text[at:])

    restore = mariadb.restore(dump, restored, charset="utf8mb4")
    assert restore.ok, restore.errors
    cur.execute(f"SHOW TABLES FROM {bq(source)}")
    rename = staged_names([t for (t,) in cur.fetchall()])  # mariadb-dump writes tables in this order
    want = {rename[t]: rows for t, rows in server_tables(cur, restored).items()}
    cur.execute(f"DROP DATABASE {bq(source)}")
    cur.execute(f"DROP DATABASE {bq(restored)}")
    return want, rename, dump


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(tables=st.lists(st.tuples(names, names, st.lists(names, max_size=3)), min_size=1, max_size=4),
       layout=st.sampled_from(LAYOUTS), truncate=st.lists(st.integers(0, 3), max_size=2),
       drop=st.lists(st.integers(0, 3), max_size=3), qualify=st.booleans())
@example(tables=[("Foo", "c", ["x"]), ("foo", "c", ["y"]), ("a;\nb", "c;\n-- d", ["v;\n"]), ("x*/", "/*!40000 c", ["'"])],
         layout=[], truncate=[2], drop=[3, 0], qualify=True)
@example(tables=[("t'\n;", "`", ["a"]), ('dq"x', "-- ", []), ("a, b", "#", ["b"])],
         layout=["--compact"], truncate=[2], drop=[1, 0], qualify=False)
def test_hostile_names_stage_as_mariadb_holds_them(mariadb, tmp_path_factory, tables, layout, truncate, drop, qualify):
    tmp = tmp_path_factory.mktemp("names")
    conn = mariadb.connect()
    try:
        want, rename, dump = _make_and_restore(mariadb, conn.cursor(), tmp, tables, layout, truncate, drop, qualify)
    finally:
        conn.close()

    result = stage_dump(dump, tmp / "s.duckdb", workers=1)
    assert staged_tables(tmp / "s.duckdb") == want
    assert not result.partial
    renamed = sorted(i.table for i in result.issues if i.kind == "table_renamed")
    assert renamed == sorted(s for t, s in rename.items() if s != t)
    assert {i.kind for i in result.issues} <= {"table_renamed", "rows_removed"}, result.issues
    # inspect names the same tables, with the rows the dump's INSERTs hold
    seen = {t.table for t in inspect_dump([dump]).tables}
    assert seen >= set(want)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(tables=st.lists(st.tuples(names, names, st.lists(names, max_size=3)), min_size=1, max_size=4))
@example(tables=[("Foo", "c", ["x"]), ("foo", "C", ["y"]), ("a;\nb", "c;\n-- d", ["v;\n"]), ("x*/", '"', ["'\\."])])
def test_hostile_names_stage_as_postgresql_holds_them(postgres, tmp_path_factory, tables):
    """The same through pg_dump (its COPY blocks and quoted names), without DROP or TRUNCATE."""
    tmp = tmp_path_factory.mktemp("pgnames")
    database = f"pgnames{next(_db)}"
    postgres.create_database(database)
    made = []
    with postgres.connect(database) as conn:
        for table, column, values in tables:
            t, c = ('"' + x.replace('"', '""') + '"' for x in (table, column))
            if table in made or column == "id" or len(table.encode()) > 63 or len(column.encode()) > 63:
                continue
            conn.execute(f"CREATE TABLE {t} (id int PRIMARY KEY, {c} text)")
            made.append(table)
            for i, v in enumerate(values):
                conn.execute(f"INSERT INTO {t} VALUES (%s, %s)", (i, v))
        assume(made)
        want_rows = {}
        for table in made:
            t = '"' + table.replace('"', '""') + '"'
            want_rows[table] = sorted(tuple(r) for r in conn.execute(f"SELECT * FROM {t}").fetchall())
    dump = postgres.dump(database, tmp / "dump.sql")
    rename = staged_names(sorted(made, key=lambda n: n.encode()))  # pg_dump writes tables in name order (C)
    result = stage_dump(dump, tmp / "s.duckdb", workers=1)
    assert staged_tables(tmp / "s.duckdb") == {rename[t]: rows for t, rows in want_rows.items()}
    assert not result.partial
    assert sorted(i.table for i in result.issues if i.kind == "table_renamed") == sorted(
        s for t, s in rename.items() if s != t)
