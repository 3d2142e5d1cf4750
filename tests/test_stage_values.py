"""Values that are not plain literals, staged end to end (issue 11): hostile expressions never
reach staging and the rest of the dump stages."""
from __future__ import annotations

import os
from pathlib import Path

import duckdb

from dumpkit.stage import stage_dump
from tests.test_stage_mysql import query as staged_rows

DDL = "CREATE TABLE `t` (`id` int NOT NULL, `v` varchar(255), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n"


def every_text(db: Path) -> str:
    """Everything the staging file holds as text: rows, issues, metadata."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = []
        for schema, table in con.execute("SELECT schema_name, table_name FROM duckdb_tables()").fetchall():
            out += [repr(r) for r in con.execute(f'SELECT * FROM "{schema}"."{table}"').fetchall()]
        return "\n".join(out)
    finally:
        con.close()


def test_hostile_values_never_reach_staging(tmp_path):
    """A value that is a query, a table function, a setting, a statement: reported where it
    starts, its statement left out, every other statement staged - and nothing it asks for
    happens (no file read or written, no extension, no attached database)."""
    secret = tmp_path / "secret.txt"
    secret.write_text("top-secret-line\n")
    out = tmp_path / "written"
    hostile = [
        f"(SELECT COLUMNS('content') FROM read_text('{secret}'))",
        f"read_text('{secret}')",
        f"(SELECT * FROM read_csv('{secret}'))",
        f"(SELECT column0 FROM read_csv_auto('{secret}', header = false))",
        f"(SELECT * FROM query('COPY (SELECT 42) TO ''{out}-query.csv'''))",
        "getenv('HOME')",
        f"(COPY (SELECT 'x') TO '{out}-copy.csv')",
        f"(ATTACH '{out}-attached.duckdb')",
        "(INSTALL httpfs)",
        "(LOAD httpfs)",
        "(SELECT 1)",
        "(SELECT name FROM duckdb_settings() LIMIT 1)",
        "current_setting('threads')",
        f"(SELECT * FROM glob('{tmp_path}/*'))",
        f"LOAD_FILE('{secret}')",
    ]
    lines = [DDL, "INSERT INTO `t` VALUES (1,'before');\n"]
    offsets = []
    for i, value in enumerate(hostile):
        stmt = f"INSERT INTO `t` VALUES ({100 + i},'row'),({200 + i},{value}),({300 + i},'not staged');\n"
        offsets.append(len("".join(lines).encode()) + stmt.index(value))
        lines.append(stmt)
    lines.append("INSERT INTO `t` VALUES (2,'after');\n")
    dump = tmp_path / "hostile.sql"
    dump.write_text("".join(lines))

    result = stage_dump(dump, tmp_path / "s.duckdb", workers=1)

    ids = [r[0] for r in staged_rows(result.db_path, "SELECT id FROM t ORDER BY id")]
    assert ids == [1, 2] + [100 + i for i in range(len(hostile))]  # the rows before each hostile value stay
    unparsable = sorted(i.offset for i in result.issues if i.kind == "unparsable_statement")
    assert unparsable == offsets
    assert "top-secret-line" not in every_text(result.db_path)
    assert os.environ.get("HOME", "/root") not in [r[0] for r in staged_rows(result.db_path, "SELECT v FROM t")]
    assert not list(tmp_path.glob("written*"))


def test_deeply_nested_values_are_reported_and_the_rest_stages(tmp_path):
    dump = tmp_path / "deep.sql"
    deep = ["concat(" * 1500 + "'a'" + ")" * 1500, "- " * 3000 + "1", "(" * 3000 + "1" + ")" * 3000]
    text = DDL + "".join(f"INSERT INTO `t` VALUES ({i + 1}, {v});\n" for i, v in enumerate(deep))
    dump.write_text(text + "INSERT INTO `t` VALUES (9, 'after');\n")
    result = stage_dump(dump, tmp_path / "s.duckdb", workers=1)
    assert staged_rows(result.db_path, "SELECT id, v FROM t") == [(9, "after")]
    issues = sorted((i.offset, i.example) for i in result.issues if i.kind == "unparsable_statement")
    assert [o for o, _ in issues] == [text.index(v) for v in deep]
    assert all("nested more than 64 deep" in e for _, e in issues)
