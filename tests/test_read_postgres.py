"""The PostgreSQL plain-format reader: real pg_dump output (a PostgreSQL 13.8 dump
of a Spree shop, and PostgreSQL 15 dumps of awkward values in every pg_dump data
format, checked against what the server held), statement splitting, problems,
and property tests that write values the way pg_dump does and read them back."""
from __future__ import annotations

import collections
import gzip
import io
import json
import shutil
import time
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dumpkit.read import postgres as P
from dumpkit.read.events import DumpInfo, Problem, RowBatch, Skipped, TableDef
from dumpkit.read.postgres import decode_bytea, read_postgres, unescape_copy_text
from dumpkit.read.source import DumpPart, sniff

ROOT = Path(__file__).resolve().parent.parent
SPREE = ROOT / "fixtures" / "spree-storedog.sql"
AWK = ROOT / "tests" / "data" / "pg15_awkward"


# ---------------------------------------------------------------------------
# helpers


def events_of(data: bytes | str, stream=None) -> list:
    if isinstance(data, str):
        data = data.encode()
    return list(read_postgres(stream or io.BytesIO(data), DumpInfo("postgres")))


class Result:
    def __init__(self, events: list):
        self.events = events
        self.tables: dict[str, TableDef] = {}
        self.rows: dict[str, list[dict]] = collections.defaultdict(list)
        self.batches: dict[str, list[RowBatch]] = collections.defaultdict(list)
        self.problems: list[Problem] = []
        self.skipped: collections.Counter = collections.Counter()
        for ev in events:
            if isinstance(ev, TableDef):
                self.tables[ev.table] = ev
            elif isinstance(ev, RowBatch):
                self.batches[ev.table].append(ev)
                td = self.tables.get(ev.table)
                names = ev.columns or ([c.name for c in td.columns][: ev.data.num_columns] if td else ev.data.column_names)
                assert len(names) == ev.data.num_columns
                cols = [c.to_pylist() for c in ev.data.columns]
                for i in range(ev.data.num_rows):
                    self.rows[ev.table].append({n: cols[j][i] for j, n in enumerate(names)})
            elif isinstance(ev, Problem):
                self.problems.append(ev)
            else:
                assert isinstance(ev, Skipped)
                self.skipped[ev.kind] += 1

    def values(self, table: str, column: str) -> list:
        return [r[column] for r in self.rows[table]]


def read(data: bytes | str) -> Result:
    return Result(events_of(data))


def read_file(path: Path) -> Result:
    with open(path, "rb") as f:
        return Result(list(read_postgres(f, sniff(path.read_bytes()[:262144]))))


def _key(row: dict) -> list:
    return sorted((k, repr(v)) for k, v in row.items())


def assert_matches_expected(res: Result) -> None:
    expected = json.loads((AWK / "expected.json").read_text())
    assert [p for p in res.problems if p.kind != "inherited_table"] == []  # (a note, checked below)
    assert set(res.rows) <= set(expected)
    for table, exp in expected.items():
        gen = set(exp["generated"])
        want = [{k: bytes.fromhex(v["hex"]) if isinstance(v, dict) else v for k, v in r.items()} for r in exp["rows"]]
        got = [{k: v for k, v in r.items() if k not in gen} for r in res.rows.get(table, [])]
        assert sorted(map(_key, got)) == sorted(map(_key, want)), table


# ---------------------------------------------------------------------------
# real dumps


def test_spree_storedog_real_dump():
    res = read_file(SPREE)
    assert res.problems == []
    counts = {t: len(r) for t, r in res.rows.items()}
    assert counts["spree_products"] == 130
    assert counts["spree_orders"] == 820
    assert counts["spree_line_items"] == 879
    assert counts["spree_addresses"] == 3018
    assert counts["spree_variants"] == 246
    assert len(res.tables) == 99
    # the non-pg_dump prologue, the DATABASE/\connect pair and the $$ function are skipped, not lost
    for kind in ("role", "grant", "schema", "extension", "function", "database", "connect", "set",
                 "set_config", "sequence", "sequence_value", "index", "constraint", "owner", "default"):
        assert res.skipped[kind] > 0, kind
    assert res.skipped["sequence_value"] == 96
    products = res.tables["spree_products"]
    assert [c.name for c in products.columns][:3] == ["id", "name", "description"]
    orders = {c.name: c for c in res.tables["spree_orders"].columns}
    assert orders["total"].duck_type == "DECIMAL(10,2)"
    assert orders["created_at"].duck_type == "TIMESTAMP"
    first = res.rows["spree_products"][0]
    assert first["id"] == "14" and first["name"] == "3 4 Sleeve T Shirt"
    # every event points at its statement
    raw = SPREE.read_bytes()
    for ev in res.events:
        if isinstance(ev, TableDef):
            assert raw[ev.offset :].startswith(b"CREATE TABLE")
        elif isinstance(ev, RowBatch):
            assert raw[ev.offset :].startswith(b"COPY ")


@pytest.mark.parametrize("name", ["copy.sql", "inserts.sql", "column-inserts.sql", "rows-per-insert.sql"])
def test_pg15_awkward_values_match_server(name):
    res = read_file(AWK / name)
    assert_matches_expected(res)
    things = {c.name: c for c in res.tables["things"].columns}
    assert things["by"].binary and things["by"].duck_type == "BLOB"
    assert things["p"].duck_type == "INTEGER"  # domain over integer
    assert things["tstz"].duck_type == "TIMESTAMPTZ"
    assert things["ivd"].duck_type == "INTERVAL"  # interval day to second(3)
    assert things["bv"].duck_type == "VARCHAR"  # bit varying(8)
    assert things["mo"].duck_type == "VARCHAR"  # money prints as '$1,234.56'
    assert things["MixedCase"].duck_type == "VARCHAR" and 'sel"ect' in things
    assert [c.name for c in res.tables["child"].columns] == ["id", "name", "extra"]  # INHERITS
    inherited = [p for p in res.problems if p.kind == "inherited_table"]
    assert [p.table for p in inherited] == ["child"] and "parent" in inherited[0].example
    assert "shop_orders" in res.tables and "Weird Name" in res.tables
    assert res.skipped["restrict"] == 2 and res.skipped["partition"] == 1


def test_pg15_awkward_insert_modes():
    res = read_file(AWK / "rows-per-insert.sql")
    assert {b.mode for bs in res.batches.values() for b in bs} == {"ignore"}  # --on-conflict-do-nothing
    # rows of one table are batched across statements
    assert len(res.batches["shop_orders"]) == 1 and len(res.rows["shop_orders"]) == 300
    res = read_file(AWK / "inserts.sql")
    assert len(res.batches["shop_orders"]) == 1
    # the generated column's DEFAULT is left out of the column list
    (things,) = res.batches["things"]
    assert things.columns is not None and "gen" not in things.columns and len(things.columns) == 40


def test_pg15_custom_format_via_pg_restore():
    if not shutil.which("pg_restore"):
        pytest.skip("pg_restore not installed")
    part = DumpPart(AWK / "custom.dump", "pg_custom", (AWK / "custom.dump").stat().st_size)
    with part.open() as stream:
        res = Result(list(read_postgres(stream, DumpInfo("postgres"))))
    assert_matches_expected(res)


def test_tiny_read_chunks_and_windows_give_the_same_result(monkeypatch):
    monkeypatch.setattr(P, "READ_CHUNK", 7)
    monkeypatch.setattr(P, "COPY_WINDOW", 30)
    monkeypatch.setattr(P, "MIN_WINDOW", 30)
    for name in ("copy.sql", "inserts.sql"):
        assert_matches_expected(read_file(AWK / name))


def test_batches_are_bounded(monkeypatch):
    monkeypatch.setattr(P, "MAX_ROWS", 40)
    for name in ("copy.sql", "inserts.sql", "rows-per-insert.sql"):
        res = read_file(AWK / name)
        sizes = [b.data.num_rows for b in res.batches["shop_orders"]]
        assert sum(sizes) == 300 and max(sizes) <= 40 and len(sizes) >= 8, (name, sizes)
        assert_matches_expected(res)


def test_default_batch_size_on_a_big_copy_block():
    n = 120_000
    body = "".join(f"{i}\tname {i}\n" for i in range(n))
    res = read(f"CREATE TABLE public.t (id integer, v text);\nCOPY public.t (id, v) FROM stdin;\n{body}\\.\n")
    sizes = [b.data.num_rows for b in res.batches["t"]]
    assert sum(sizes) == n and max(sizes) <= P.MAX_ROWS and len(sizes) >= 3
    assert res.rows["t"][-1] == {"id": str(n - 1), "v": f"name {n - 1}"}


# ---------------------------------------------------------------------------
# statements


def test_statement_splitting_respects_quotes_comments_and_dollar_quotes():
    sql = r"""
-- a comment; with a semicolon
/* block ; /* nested ; */ still comment ; */
CREATE FUNCTION public.f() RETURNS text LANGUAGE plpgsql AS $$
BEGIN RETURN 'a;b'; END;
$$;
CREATE FUNCTION public.g() RETURNS text LANGUAGE plpgsql AS $body$
BEGIN RETURN $$ ; $$ || ';'; END; -- ;
$body$;
COMMENT ON TABLE public.t IS 'it''s; here';
COMMENT ON COLUMN public.t.c IS E'quote \' ; backslash \\';
COMMENT ON COLUMN public.t."we;ird" IS 'x';
SET a = 1; SET b = 2;
CREATE FUNCTION public.h() RETURNS int LANGUAGE sql AS 'select 1; -- not a comment ''x''';
SELECT 1 /* ; */ -- ;
;
"""
    res = read(sql)
    assert res.problems == []
    kinds = [ev.kind for ev in res.events]
    assert kinds == ["function", "function", "comment", "comment", "comment", "set", "set", "function", "select"]
    raw = sql.encode()
    starts = [raw[ev.offset : ev.offset + 12] for ev in res.events]
    assert starts[0] == b"CREATE FUNCT" and starts[5] == b"SET a = 1; S" and starts[6] == b"SET b = 2;\nC"
    assert starts[-1] == b"SELECT 1 /* "


def test_skipped_kinds():
    sql = """CREATE user datadog WITH password 'datadog';
CREATE ROLE r;
CREATE SCHEMA shop;
GRANT USAGE ON SCHEMA shop TO r;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;
CREATE DATABASE shopdb WITH TEMPLATE = template0 ENCODING = 'UTF8';
ALTER DATABASE shopdb OWNER TO postgres;
\\connect shopdb
\\restrict abc
SET statement_timeout = 0;
SELECT pg_catalog.set_config('search_path', '', false);
CREATE SEQUENCE public.s START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;
ALTER SEQUENCE public.s OWNED BY public.t.id;
SELECT pg_catalog.setval('public.s', 42, true);
CREATE TABLE public.t (id integer NOT NULL);
ALTER TABLE public.t OWNER TO postgres;
ALTER TABLE ONLY public.t ALTER COLUMN id SET DEFAULT nextval('public.s'::regclass);
ALTER TABLE ONLY public.t ADD CONSTRAINT t_pkey PRIMARY KEY (id);
CREATE UNIQUE INDEX t_idx ON public.t USING btree (id);
CREATE TRIGGER trg BEFORE INSERT ON public.t FOR EACH ROW EXECUTE FUNCTION public.f();
CREATE VIEW public.v AS SELECT id FROM public.t;
COMMENT ON TABLE public.t IS 'x';
CREATE TYPE public.mood AS ENUM ('a', 'b');
\\unrestrict abc
"""
    res = read(sql)
    assert res.problems == []
    kinds = [ev.kind for ev in res.events if isinstance(ev, Skipped)]
    assert kinds == [
        "role", "role", "schema", "grant", "grant", "extension", "database", "owner", "connect", "restrict",
        "set", "set_config", "sequence", "sequence", "sequence_value", "owner", "default", "constraint",
        "index", "trigger", "view", "comment", "type", "restrict",
    ]
    assert list(res.tables) == ["t"]


def test_offsets_are_statement_starts():
    sql = (
        "SET x = 1;\n\n  CREATE TABLE public.t (id integer, v text);\n"
        "INSERT INTO public.t VALUES (1, 'a');\nINSERT INTO public.t VALUES (2, 'b');\n"
        "-- c\nCOPY public.t (id, v) FROM stdin;\n3\tc\n\\.\nSELECT pg_catalog.setval('s', 1);\n"
    )
    raw = sql.encode()
    evs = events_of(raw)
    assert [type(e).__name__ for e in evs] == ["Skipped", "TableDef", "RowBatch", "RowBatch", "Skipped"]
    assert raw[evs[1].offset :].startswith(b"CREATE TABLE")
    assert raw[evs[2].offset :].startswith(b"INSERT INTO public.t VALUES (1")  # first statement of the batch
    assert evs[2].data.num_rows == 2
    assert raw[evs[3].offset :].startswith(b"COPY")
    assert raw[evs[4].offset :].startswith(b"SELECT pg_catalog.setval")


def test_search_path_of_old_dumps_names_unqualified_tables():
    sql = """SET search_path = shop, pg_catalog;
CREATE TABLE orders (id integer, "Note" text);
COPY orders (id, "Note") FROM stdin;
1\tx
\\.
SET search_path = public, pg_catalog;
CREATE TABLE Products (ID integer);
INSERT INTO products VALUES (5);
"""
    res = read(sql)
    assert list(res.tables) == ["shop_orders", "products"]
    assert res.rows["shop_orders"] == [{"id": "1", "Note": "x"}]
    assert [c.name for c in res.tables["products"].columns] == ["id"]  # unquoted names fold to lower case
    assert res.rows["products"] == [{"id": "5"}]


def test_create_table_sqlglot_cannot_parse_falls_back():
    res = read("CREATE TABLE public.t (\n    a numeric(5,-2),\n    b bytea,\n    c character varying(3)[]\n);\n")
    cols = res.tables["t"].columns
    assert [(c.name, c.binary) for c in cols] == [("a", False), ("b", True), ("c", False)]
    assert res.problems == []


def test_partition_of_takes_the_parent_columns():
    res = read("CREATE TABLE public.m (a integer, b date) PARTITION BY RANGE (b);\n"
               "CREATE TABLE public.m1 PARTITION OF public.m FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');\n")
    assert [c.name for c in res.tables["m1"].columns] == ["a", "b"]


# ---------------------------------------------------------------------------
# COPY text format


def test_copy_escapes():
    sql = (
        "CREATE TABLE public.t (v text);\nCOPY public.t (v) FROM stdin;\n"
        "a\\tb\\nc\\rd\\\\e\\bf\\fg\\vh\n"
        "\\101\\x42\\303\\251 oct\n"  # octal/hex escapes are bytes: \303\251 is é
        "\\N\n"
        "\\\\N\n"
        "x\\N\n"  # \N inside a value is just N
        "\n"
        "\\q\n"
        "\\.\n"
    )
    res = read(sql)
    assert res.values("t", "v") == ["a\tb\nc\rd\\e\bf\fg\vh", "ABé oct", None, "\\N", "xN", "", "q"]
    assert res.problems == []


def test_copy_without_column_list_uses_table_columns_and_bytea():
    sql = (
        "CREATE TABLE public.t (id integer, data bytea, old bytea);\nCOPY public.t FROM stdin;\n"
        "1\t\\\\x00ff41\t\\\\000ab\\\\\\\\c\\\\377\n"
        "2\t\\N\t\\\\x\n"
        "\\.\n"
    )
    (batch,) = [e for e in events_of(sql) if isinstance(e, RowBatch)]
    assert batch.columns is None
    assert batch.data.schema.types == [pa.string(), pa.binary(), pa.binary()]
    assert batch.data.to_pylist() == [
        {"id": "1", "data": b"\x00\xffA", "old": b"\x00ab\\c\xff"},
        {"id": "2", "data": None, "old": b""},
    ]


def test_copy_csv_format():
    sql = (
        "CREATE TABLE public.t (a integer, b text);\n"
        "COPY public.t (a, b) FROM stdin WITH (FORMAT csv, HEADER true);\n"
        'a,b\n1,"x,y"\n2,\n3,""\n4,"multi\nline ""q"""\n\\.\n'
    )
    res = read(sql)
    assert res.rows["t"] == [
        {"a": "1", "b": "x,y"}, {"a": "2", "b": None}, {"a": "3", "b": ""}, {"a": "4", "b": 'multi\nline "q"'},
    ]


def test_crlf_dump():
    sql = ("CREATE TABLE public.t (a integer, b text);\r\nCOPY public.t (a, b) FROM stdin;\r\n"
           "1\tx\r\n2\t\\N\r\n\\.\r\nINSERT INTO public.t VALUES (3, 'y');\r\n")
    res = read(sql)
    assert res.rows["t"] == [{"a": "1", "b": "x"}, {"a": "2", "b": None}, {"a": "3", "b": "y"}]
    assert res.problems == []


def test_latin1_client_encoding():
    sql = ("SET client_encoding = 'LATIN1';\nCREATE TABLE public.t (a text);\nCOPY public.t (a) FROM stdin;\n"
           "caf\xe9\n\\.\nINSERT INTO public.t VALUES ('na\xefve');\n").encode("latin-1")
    res = read(sql)
    assert res.values("t", "a") == ["café", "naïve"]
    assert res.problems == []


# ---------------------------------------------------------------------------
# problems


def test_bad_rows_are_reported_and_the_others_staged():
    sql = (
        "CREATE TABLE public.t (a integer, b text);\nCOPY public.t (a, b) FROM stdin;\n"
        "1\tx\n2\n3\ty\textra\n\n4\tz\n\\.\n"
    )
    raw = sql.encode()
    res = read(raw)
    assert res.values("t", "a") == ["1", "4"]
    (p,) = res.problems
    assert p.kind == "bad_row" and p.count == 3 and p.table == "t" and not p.fatal
    assert raw[p.offset :].startswith(b"2\n3\t")  # the first bad row
    assert "1 fields for 2 columns" in p.example


def test_truncated_inside_copy_keeps_complete_rows():
    head = "CREATE TABLE public.t (a integer, b text);\nCOPY public.t (a, b) FROM stdin;\n"
    rows = "".join(f"{i}\tvalue {i}\n" for i in range(1000))
    raw = (head + rows + "1000\tval").encode()
    res = read(raw)
    assert len(res.rows["t"]) == 1000
    (p,) = res.problems
    assert p.kind == "truncated" and p.fatal and p.table == "t"
    assert p.offset == len(raw) - len("1000\tval")
    # cut exactly after a row: all rows kept, still truncated (no \. line)
    res = read((head + rows).encode())
    assert len(res.rows["t"]) == 1000 and [p.kind for p in res.problems] == ["truncated"]
    assert res.problems[0].offset == len((head + rows).encode())


def test_truncated_inside_a_statement():
    sql = "CREATE TABLE public.t (a integer);\nINSERT INTO public.t VALUES (1);\nINSERT INTO public.t VALUES (2, 'abc"
    raw = sql.encode()
    res = read(raw)
    assert res.values("t", "a") == ["1"]
    (p,) = res.problems
    assert p.kind == "truncated" and p.fatal and raw[p.offset :].startswith(b"INSERT INTO public.t VALUES (2")
    assert p.table == "t"


def test_truncated_gzip_stream():
    body = "CREATE TABLE public.t (a integer);\nCOPY public.t (a) FROM stdin;\n" + "".join(
        f"{i}\n" for i in range(200_000)) + "\\.\n"
    gz = gzip.compress(body.encode())
    stream = gzip.GzipFile(fileobj=io.BytesIO(gz[: len(gz) // 2]))
    res = Result(events_of(b"", stream))
    assert 0 < len(res.rows["t"]) < 200_000
    assert [p.kind for p in res.problems] == ["truncated"] and res.problems[0].fatal
    assert "stream" in res.problems[0].example or "EOF" in res.problems[0].example


def test_unparsable_statement_is_reported_and_reading_continues():
    sql = ("CREATE TABLE public.t (a integer, b text);\n"
           "INSERT INTO public.t VALUES (1, now());\n"
           "FOO BAR;\n"
           "INSERT INTO public.t VALUES (2, 'ok');\n")
    raw = sql.encode()
    res = read(raw)
    assert res.rows["t"] == [{"a": "2", "b": "ok"}]
    p1, p2 = res.problems
    assert p1.kind == p2.kind == "unparsable_statement"
    assert p1.table == "t" and raw[p1.offset :].startswith(b"INSERT INTO public.t VALUES (1")
    assert raw[p2.offset :].startswith(b"FOO BAR") and "FOO BAR" in p2.example


def test_unclosed_quote_stops_at_the_statement_cap():
    """Past the statement limit the statement is reported and read past, keeping nothing;
    a quote that never closes runs to the end of the dump, which is then cut short."""
    raw = ("CREATE TABLE public.t (a text);\nINSERT INTO public.t VALUES ('unclosed);\n"
           + "INSERT INTO public.t VALUES ('x');\n" * 100000).encode()
    res = Result(list(read_postgres(io.BytesIO(raw), DumpInfo("postgres"), max_statement=1 << 20)))
    too_long, cut = res.problems
    assert too_long.kind == "statement_too_large" and not too_long.fatal and too_long.table == "t"
    assert raw[too_long.offset :].startswith(b"INSERT INTO public.t VALUES ('unc") and "1 MB" in too_long.example
    assert cut.kind == "truncated" and cut.fatal and cut.offset == too_long.offset


def test_copy_into_an_unknown_table_counts_fields_from_the_first_row():
    res = read("COPY public.t FROM stdin;\n1\ta\n2\t\\N\n\\.\n")
    (batch,) = res.batches["t"]
    assert batch.columns is None and batch.data.column_names == ["column1", "column2"]
    assert batch.data.to_pylist() == [{"column1": "1", "column2": "a"}, {"column1": "2", "column2": None}]


def test_update_and_delete_are_reported():
    res = read("CREATE TABLE public.t (a integer);\nUPDATE public.t SET a = 1;\nDELETE FROM public.t;\n")
    assert [p.kind for p in res.problems] == ["unsupported_statement", "unsupported_statement"]


def test_bad_encoding_in_copy_and_in_statements():
    raw = (b"CREATE TABLE public.t (a text);\nCOPY public.t (a) FROM stdin;\nok\nbad \xff here\n\\.\n"
           b"INSERT INTO public.t VALUES ('also \xfe bad');\n")
    res = read(raw)
    assert res.values("t", "a") == ["ok", "bad \ufffd here", "also \ufffd bad"]
    p1, p2 = res.problems
    assert p1.kind == p2.kind == "bad_encoding" and p1.table == p2.table == "t"
    assert raw[p1.offset] == 0xFF and raw[p2.offset] == 0xFE


def test_unknown_copy_statement_skips_its_data():
    raw = b"COPY public.t (a FROM stdin;\n1\n2\n\\.\nSELECT 1;\n"
    res = read(raw)
    assert [p.kind for p in res.problems] == ["unparsable_statement"]
    assert res.skipped == {"select": 1}


# ---------------------------------------------------------------------------
# INSERT values


def test_insert_value_forms():
    sql = r"""CREATE TABLE public.t (a text, b text, c text, d bytea);
INSERT INTO public.t VALUES ('it''s', E'tab\there\\ \'q\' \x41\101 \u00e9', NULL, '\x0001');
INSERT INTO public.t VALUES (-5, 1.5e+20, true, NULL), (false, -0, 'NULL', E'\\x41');
INSERT INTO public.t VALUES ('{"a": 1}'::jsonb, ARRAY[1, NULL, -3], ARRAY['a b', 'c"d', '', 'NULL', 'x\y']::text[], 'abc'::bytea);
INSERT INTO public.t VALUES (B'0101', X'1F', CAST('5' AS integer), DEFAULT);
INSERT INTO public.t VALUES ('2020-01-01'::timestamp without time zone, DATE '2020-01-02', ARRAY[ARRAY[1,2],ARRAY[3,4]], NULL);
INSERT INTO public.t VALUES ($$dollar ' " \ ;$$, $q$x$q$, '{}'::character varying(10)[], NULL);
INSERT INTO public.t (b, a) VALUES ('B', 'A') ON CONFLICT DO NOTHING;
INSERT INTO public.t (b, a) VALUES ('B2', 'A2') ON CONFLICT (a) DO UPDATE SET b = EXCLUDED.b;
"""
    res = read(sql)
    assert res.problems == []
    rows = res.rows["t"]
    assert rows[0] == {"a": "it's", "b": "tab\there\\ 'q' AA é", "c": None, "d": b"\x00\x01"}
    assert rows[1] == {"a": "-5", "b": "1.5e+20", "c": "t", "d": None}
    assert rows[2] == {"a": "f", "b": "-0", "c": "NULL", "d": b"A"}
    assert rows[3] == {"a": '{"a": 1}', "b": "{1,NULL,-3}", "c": '{"a b","c\\"d","","NULL","x\\\\y"}', "d": b"abc"}
    assert rows[4] == {"a": "0101", "b": "00011111", "c": "5"}  # DEFAULT: d left out of the column list
    assert rows[5] == {"a": "2020-01-01", "b": "2020-01-02", "c": "{{1,2},{3,4}}", "d": None}
    assert rows[6] == {"a": "dollar ' \" \\ ;", "b": "x", "c": "{}", "d": None}
    modes = [(b.columns, b.mode) for b in res.batches["t"]]
    assert modes[-2:] == [(["b", "a"], "ignore"), (["b", "a"], "replace")]
    assert [b.columns for b in res.batches["t"]] == [None, ["a", "b", "c"], None, ["b", "a"], ["b", "a"]]


def test_standard_conforming_strings_off():
    sql = ("SET standard_conforming_strings = off;\nCREATE TABLE public.t (a text, b bytea);\n"
           "INSERT INTO public.t VALUES ('back\\\\slash \\'q\\' tab\\t', '\\\\x4142');\n")
    res = read(sql)
    assert res.rows["t"] == [{"a": "back\\slash 'q' tab\t", "b": b"AB"}]


def test_insert_with_wrong_value_count():
    res = read("CREATE TABLE public.t (a text, b text);\nINSERT INTO public.t (a, b) VALUES ('x');\n"
               "INSERT INTO public.t (a, b) VALUES ('y', 'z');\n")
    assert res.rows["t"] == [{"a": "y", "b": "z"}]
    assert [(p.kind, p.count) for p in res.problems] == [("bad_row", 1)]


def test_decoders():
    assert decode_bytea("\\x4142") == b"AB"
    assert decode_bytea("a\\\\b\\001") == b"a\\b\x01"
    assert unescape_copy_text("\\303\\251\\x41\\\\") == ("éA\\", False)
    assert unescape_copy_text("\\377") == ("\ufffd", True)


# ---------------------------------------------------------------------------
# property tests: write values the way pg_dump does, read them back


_SPECIAL_TEXT = ["NULL", "\\N", "\\\\N", "", "\\", "\\.", "\t", "\n", "\r\n", "\r", "'", "''", '"', "$$", ";",
                 "-- x", "/* x", "😀", "a\u0085b", "\x7f\x01\x1b", "é\\xff", "\\303", "x" * 70_000]
text_values = st.one_of(
    st.none(),
    st.sampled_from(_SPECIAL_TEXT),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40),
)
bigint_values = st.one_of(st.none(), st.sampled_from([-(2**63), 2**63 - 1, 0]), st.integers(-(2**63), 2**63 - 1)).map(
    lambda v: None if v is None else str(v))
float_values = st.one_of(
    st.none(),
    st.sampled_from(["-0", "0", "NaN", "Infinity", "-Infinity", "1e+20", "-1.5e-07", "1.7976931348623157e+308",
                     "5e-324"]),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
)
numeric_values = st.one_of(
    st.none(),
    st.sampled_from(["NaN", "0.0000", "-0.0001"]),
    st.decimals(min_value=-(10**15), max_value=10**15, places=4, allow_nan=False, allow_infinity=False).map(str),
)
bool_values = st.sampled_from([None, "t", "f"])
bytea_values = st.one_of(st.none(), st.binary(max_size=40), st.sampled_from([b"", b"\\", b"\x00\\x", b"'\t\n"]))

COLUMNS = [("id", "bigint"), ("t", "text"), ("f", "double precision"), ("n", "numeric(20,4)"), ("ok", "boolean"),
           ("b", "bytea"), ("t2", "character varying(255)")]
row_values = st.tuples(bigint_values, text_values, float_values, numeric_values, bool_values, bytea_values, text_values)


def copy_field(v, binary: bool = False) -> str:
    """A value as pg_dump writes it in COPY text format."""
    if v is None:
        return "\\N"
    if binary:
        v = "\\x" + v.hex()
    out = v.replace("\\", "\\\\")
    for ch, esc in (("\b", "\\b"), ("\f", "\\f"), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t"), ("\v", "\\v")):
        out = out.replace(ch, esc)
    return out


def insert_literal(v, kind: str, std_strings: bool = True) -> str:
    """A value as pg_dump --inserts writes it."""
    if v is None:
        return "NULL"
    if kind == "bool":
        return "true" if v == "t" else "false"
    if kind == "num" and v not in ("NaN", "Infinity", "-Infinity"):
        return v
    if kind == "bytea":
        v = "\\x" + v.hex()
    if std_strings:
        return "'" + v.replace("'", "''") + "'"
    return "E'" + v.replace("\\", "\\\\").replace("'", "''") + "'"


KINDS = ["num", "text", "num", "num", "bool", "bytea", "text"]
DDL = "CREATE TABLE public.t (\n" + ",\n".join(f"    {n} {t}" for n, t in COLUMNS) + "\n);\n"


def expected_rows(rows) -> list[dict]:
    return [{n: v for (n, _), v in zip(COLUMNS, r)} for r in rows]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(row_values, max_size=25), st.booleans(), st.sampled_from([None, 1, 3, 64, 1000]))
def test_property_copy_roundtrip(rows, with_columns, chunk):
    """COPY text as pg_dump writes it comes back value for value, also when the
    stream arrives in tiny pieces and the block is cut into tiny slices."""
    cols = " (" + ", ".join(n for n, _ in COLUMNS) + ")" if with_columns else ""
    body = "".join("\t".join(copy_field(v, k == "bytea") for v, k in zip(r, KINDS)) + "\n" for r in rows)
    sql = f"SET client_encoding = 'UTF8';\n{DDL}\nCOPY public.t{cols} FROM stdin;\n{body}\\.\n\n"
    saved = P.READ_CHUNK, P.COPY_WINDOW, P.MIN_WINDOW
    if chunk:
        P.READ_CHUNK = P.COPY_WINDOW = P.MIN_WINDOW = chunk
    try:
        res = read(sql)
    finally:
        P.READ_CHUNK, P.COPY_WINDOW, P.MIN_WINDOW = saved
    assert res.problems == []
    assert res.rows.get("t", []) == expected_rows(rows)


@pytest.mark.parametrize("first_line", range(60, 72))
def test_copy_row_ending_just_past_the_slice_window(first_line):
    """A COPY row whose newline falls just past the slice window (the window is 64 bytes here, 64
    KB to 1 MB in a real run) ends there: it was read on to the next line's end, so the row
    after it, or the block's terminator line, became part of it and the rest of the dump was
    read as COPY data. Found by test_property_copy_roundtrip."""
    long_text = "x" * (first_line - len("1\t") - len("\t\\N" * 5) - 1)
    rows = [("1", long_text, None, None, None, None, None), ("2", "short", None, None, None, None, None)]
    body = "".join("\t".join(copy_field(v, k == "bytea") for v, k in zip(r, KINDS)) + "\n" for r in rows)
    assert len(body.split("\n")[0]) + 1 == first_line
    for copied in (body, body.split("\n")[0] + "\n"):  # the terminator right after the long row, too
        sql = f"{DDL}\nCOPY public.t FROM stdin;\n{copied}\\.\n\nCREATE TABLE public.after (id integer);\n"
        saved = P.READ_CHUNK, P.COPY_WINDOW, P.MIN_WINDOW
        P.READ_CHUNK = P.COPY_WINDOW = P.MIN_WINDOW = 64
        try:
            res = read(sql)
        finally:
            P.READ_CHUNK, P.COPY_WINDOW, P.MIN_WINDOW = saved
        assert res.problems == []
        assert [r["id"] for r in res.rows["t"]] == [r[0] for r in rows[: copied.count("\n")]]
        assert "after" in res.tables


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(row_values, max_size=12), st.sampled_from(["inserts", "column-inserts", "rows-per-insert"]),
       st.booleans())
def test_property_insert_roundtrip(rows, style, std_strings):
    head = f"SET standard_conforming_strings = {'on' if std_strings else 'off'};\n{DDL}"
    cols = " (" + ", ".join(n for n, _ in COLUMNS) + ")" if style == "column-inserts" else ""
    tuples = ["(" + ", ".join(insert_literal(v, k, std_strings) for v, k in zip(r, KINDS)) + ")" for r in rows]
    if style == "rows-per-insert":
        stmts = [f"INSERT INTO public.t{cols} VALUES\n\t" + ",\n\t".join(tuples[i : i + 5]) + ";\n"
                 for i in range(0, len(tuples), 5)]
    else:
        stmts = [f"INSERT INTO public.t{cols} VALUES {t};\n" for t in tuples]
    res = read(head + "".join(stmts))
    assert res.problems == []
    assert res.rows.get("t", []) == expected_rows(rows)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30),
                max_size=20), st.integers(1, 64))
def test_property_split_and_chunking(texts, chunk):
    """Statements with awkward quoting, read through tiny chunks, keep every value."""
    lits = ["'" + t.replace("'", "''") + "'" for t in texts]
    sql = "CREATE TABLE public.t (v text);\n" + "".join(
        f"-- comment ; '\n/* ; ' */ INSERT INTO public.t VALUES ({lit});\n" for lit in lits)
    P_chunk = P.READ_CHUNK
    P.READ_CHUNK = chunk
    try:
        res = read(sql)
    finally:
        P.READ_CHUNK = P_chunk
    assert res.problems == []
    assert res.values("t", "v") if texts else True
    assert [r["v"] for r in res.rows.get("t", [])] == texts


# ---------------------------------------------------------------------------
# speed (loose bound: catches a per-character Python loop, not a tuning regression)


def test_copy_speed_smoke():
    line = "12345\tsome name with words\tdescription\\nwith an escape\t123.45\tt\t2024-01-01 12:00:00\n"
    n = 200_000
    sql = ("CREATE TABLE public.t (id bigint, name text, d text, p numeric(10,2), ok boolean, ts timestamp);\n"
           "COPY public.t (id, name, d, p, ok, ts) FROM stdin;\n" + line * n + "\\.\n").encode()
    t = time.perf_counter()
    rows = sum(e.data.num_rows for e in events_of(sql) if isinstance(e, RowBatch))
    mb_s = len(sql) / 1e6 / (time.perf_counter() - t)
    assert rows == n
    assert mb_s > 8, f"{mb_s:.1f} MB/s"


def test_bytes_read_counts_the_whole_stream():
    raw = b"SET a = 1;\nCREATE TABLE public.t (a integer);\nCOPY public.t (a) FROM stdin;\n1\n\\.\n"
    reader = read_postgres(io.BytesIO(raw), DumpInfo("postgres"))
    list(reader)
    assert reader.bytes_read == len(raw)


_ = Decimal  # decimals strategy uses it
