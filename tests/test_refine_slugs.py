"""unique_slugs numbers duplicate slugs as trying base, base-1, base-2... record by record would,
in linear time (set-based, or one pass when a number is itself a slug)."""
from __future__ import annotations

import re

import duckdb
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from dumpkit.issues import IssueLog
from dumpkit.map import functions
from dumpkit.map.refine import unique_slugs


def natural(s: str):
    return [(0, int(t), "") if t.isdigit() else (1, 0, t) for t in re.split(r"([0-9]+)", s) if t]


def by_trying_each(records: list[tuple[str, dict, dict]]) -> dict[str, dict]:
    """The rule as written, quadratic: record by record in natural order, the first free of base, base-1, ..."""
    used: dict[str, set] = {}
    out = {}
    for sid, slugs, names in sorted(records, key=lambda r: (natural(r[0]), r[0])):
        new = {}
        for lang in sorted(set(slugs) | set(names)):
            base = functions.slugify(slugs.get(lang)) or functions.slugify(names.get(lang)) or functions.slugify(sid) or "x"
            slug, n = base, 0
            while slug in used.setdefault(lang, set()):
                n += 1
                slug = f"{base}-{n}"
            used[lang].add(slug)
            new[lang] = slug
        out[sid] = new
    return out


def migrated(records) -> dict[str, dict]:
    con = duckdb.connect()
    functions.register(con)
    con.execute("CREATE SCHEMA pkg")
    table = pa.table({
        "source_id": [r[0] for r in records],
        "slug": pa.array([list(r[1].items()) or None for r in records], pa.map_(pa.string(), pa.string())),
        "name": pa.array([list(r[2].items()) or None for r in records], pa.map_(pa.string(), pa.string())),
    })
    con.register("_t", table)
    con.execute("CREATE TABLE pkg.products AS SELECT * FROM _t")
    unique_slugs(con, IssueLog())
    return {sid: dict(slug or {}) for sid, slug in con.execute("SELECT source_id, slug FROM pkg.products").fetchall()}


slug_text = st.sampled_from(["shirt", "shirt-1", "shirt-2", "shirt-1-1", "Shirt", "mug", "mug-10", "Blå mugg", "", "--"])
langs = st.sampled_from(["no", "sv"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 60), st.dictionaries(langs, slug_text, max_size=2),
                          st.dictionaries(langs, slug_text, max_size=2)), min_size=1, max_size=25,
                unique_by=lambda r: r[0]))
def test_same_slugs_as_trying_each_number(rows):
    records = [(str(sid), slugs, names) for sid, slugs, names in rows]
    assert migrated(records) == by_trying_each(records)


def test_many_records_sharing_a_slug_and_a_numbered_one():
    records = [(str(i), {"no": "shirt"}, {}) for i in range(1, 2001)] + [("1500", {"no": "shirt-3"}, {})]
    records = [r for r in records if not (r[0] == "1500" and r[1]["no"] == "shirt")]
    got = migrated(records)
    assert got == by_trying_each(records)
    assert got["1"] == {"no": "shirt"} and got["5"] == {"no": "shirt-4"} and got["1500"] == {"no": "shirt-3-1"}
