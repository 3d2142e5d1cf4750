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

IDS = st.sampled_from(["1", "2", "3", "10", "x"])
LISTS = st.one_of(st.none(), st.lists(st.one_of(st.none(), IDS), max_size=4))


def shop(categories: list[str | None], products: list[list[str | None] | None]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE SCHEMA pkg")
    con.execute("CREATE TABLE pkg.categories (source_id VARCHAR, parent_source_id VARCHAR)")
    for c in categories:
        con.execute("INSERT INTO pkg.categories VALUES (?, NULL)", [c])
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
