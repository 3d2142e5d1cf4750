"""unique_slugs numbers duplicate slugs (and image_file_names file names) as trying base, base-1,
base-2... record by record would,
in linear time (set-based, or one pass when a number is itself a slug)."""
from __future__ import annotations

import re

import duckdb
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from dumpkit.issues import IssueLog
from dumpkit.map import functions
from dumpkit.map.refine import image_file_names, unique_slugs


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


# ------------------------------------------------------------ image file names, the same rule

def names_by_trying_each(images: list[tuple[str, str, str | None]]) -> dict[str, str | None]:
    """image_file_names' rule as written: each file (source_url) is named by its first image with a
    name (lowest id), files take their turn in natural order of their lowest id, and a file gets
    the first free of name, stem-1.ext, stem-2.ext..."""
    files: dict[str, list] = {}
    for sid, url, name in images:
        files.setdefault(url, []).append((sid, name))
    turns = []
    for url, rows in files.items():
        named = sorted((sid, name) for sid, name in rows if name is not None)
        if named:
            turns.append((min(sid for sid, _ in rows), url, named[0][1]))
    used: set[str] = set()
    given = {}
    for _, url, name in sorted(turns, key=lambda t: (natural(t[0]), t[0])):
        stem, dot, ext = name.rpartition(".") if "." in name else (name, "", "")
        candidate, n = name, 0
        while candidate in used:
            n += 1
            candidate = f"{stem}-{n}{dot}{ext}"
        used.add(candidate)
        given[url] = candidate
    return {sid: given.get(url, name) for sid, url, name in images}


def named(images) -> dict[str, str | None]:
    con = duckdb.connect()
    functions.register(con)
    con.execute("CREATE SCHEMA pkg")
    con.register("_t", pa.table({"source_id": [i[0] for i in images], "source_url": [i[1] for i in images],
                                 "filename": pa.array([i[2] for i in images], pa.string())}))
    con.execute("CREATE TABLE pkg.product_images AS SELECT * FROM _t")
    image_file_names(con)
    return dict(con.execute("SELECT source_id, filename FROM pkg.product_images").fetchall())


file_name = st.sampled_from(["a.jpg", "a-1.jpg", "a-2.jpg", "a-1-1.jpg", "a", "a-1", "a.", ".png", "x.tar.gz",
                             "x.tar-1.gz", "b\n.jpg", "b\n-1.jpg", None])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 40), st.integers(1, 12), file_name), min_size=1, max_size=30,
                unique_by=lambda r: r[0]))
def test_same_file_names_as_trying_each_number(rows):
    images = [(str(sid), f"https://shop/img/{url}.jpg", name) for sid, url, name in rows]
    assert named(images) == names_by_trying_each(images)


def test_many_files_sharing_a_name_and_a_numbered_one():
    images = [(str(i), f"u{i}", "p.jpg") for i in range(1, 2001)] + [("2001", "u2001", "p-3.jpg")]
    got = named(images)
    assert got == names_by_trying_each(images)
    assert got["1"] == "p.jpg" and got["4"] == "p-3.jpg" and got["2001"] == "p-3-1.jpg"
