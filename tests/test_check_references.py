"""check_references on list references (a product's categories): the items not in the package are
reported and removed, found with a join (it was list_contains over every known id, per item: products
times categories). The rule, written plainly in Python below: an item whose id is no category's is
reported, once per product with its missing ids in list order, and removed; a NULL item points at
nothing and is removed (a package list holds no NULL); the rest of the list stays in its order."""
from __future__ import annotations

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from dumpkit.check.integrity import check_references
from dumpkit.issues import IssueLog
from dumpkit.map.refine import UNCATEGORIZED, add_uncategorized

IDS = st.sampled_from(["1", "2", "3", "10", "x"])
LISTS = st.one_of(st.none(), st.lists(st.one_of(st.none(), IDS), max_size=4))


def shop(categories: list[str | None], products: list[list[str | None] | None]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE SCHEMA pkg")
    con.execute("CREATE TABLE pkg.categories (source_id VARCHAR, parent_source_id VARCHAR, name MAP(VARCHAR, VARCHAR), slug MAP(VARCHAR, VARCHAR), status INTEGER)")
    for c in categories:
        con.execute("INSERT INTO pkg.categories (source_id) VALUES (?)", [c])
    con.execute("CREATE TABLE pkg.products (source_id VARCHAR, category_source_ids VARCHAR[])")
    for i, ids in enumerate(products):
        con.execute("INSERT INTO pkg.products VALUES (?, ?)", [f"p{i}", ids])
    return con


def reference_rule(categories, products) -> tuple[list[tuple], list[tuple]]:
    """(issues as (source_id, message), lists as (source_id, list)), by the rule in the module's doc."""
    known = {c for c in categories if c is not None}
    issues, lists = [], []
    for i, ids in enumerate(products):
        if ids is not None:
            missing = [x for x in ids if x is not None and x not in known]
            if missing:
                issues.append((f"p{i}", f"category_source_ids points at categories {', '.join(missing)} not in the package; "
                                        "reference removed"))
            ids = [x for x in ids if x in known]
        lists.append((f"p{i}", ids))
    return sorted(issues), sorted(lists)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), IDS), max_size=4), st.lists(LISTS, max_size=6))
def test_list_references_keep_the_rule(categories, products):
    con = shop(categories, products)
    log = IssueLog()
    check_references(con, log)
    got = sorted((i.source_id, i.message) for i in log.items if i.code == "REFERENCE_MISSING")
    issues, lists = reference_rule(categories, products)
    assert got == issues
    assert all(i.entity == "products" and i.field == "category_source_ids" and i.level == "warning"
               for i in log.items if i.code == "REFERENCE_MISSING")
    assert con.execute("SELECT source_id, category_source_ids FROM pkg.products ORDER BY source_id").fetchall() == lists


def test_an_unknown_category_is_reported_once_per_product_and_removed():
    con = shop(["1", "2"], [["1", "9", "2", "8"], ["2"], None])
    log = IssueLog()
    check_references(con, log)
    assert [(i.source_id, i.message) for i in log.items if i.code == "REFERENCE_MISSING"] == [
        ("p0", "category_source_ids points at categories 9, 8 not in the package; reference removed")]
    assert con.execute("SELECT category_source_ids FROM pkg.products ORDER BY source_id").fetchall() == [
        (["1", "2"],), (["2"],), (None,)]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(st.none(), IDS), max_size=4), st.lists(LISTS, max_size=6))
def test_products_keep_their_known_categories_else_go_to_the_hidden_one(categories, products):
    """refine.add_uncategorized: a list keeps the categories of the package, in its order (a NULL
    list or item, an unknown id go, the unknown ids reported as check_references would: it runs
    after, and finds none left); a product left with none is in the hidden category."""
    con = shop(categories, products)
    log = IssueLog()
    add_uncategorized(con, log)
    issues, lists = reference_rule(categories, products)
    assert sorted((i.source_id, i.message) for i in log.items if i.code == "REFERENCE_MISSING") == issues
    want = [(sid, ids or [UNCATEGORIZED]) for sid, ids in lists]
    assert con.execute("SELECT source_id, category_source_ids FROM pkg.products ORDER BY source_id").fetchall() == want
    assert sorted(i.source_id for i in log.items if i.code == "NO_CATEGORY") == sorted(
        sid for sid, ids in lists if not ids)
