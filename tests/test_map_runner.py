"""run_platform_mappings: a run's mappings two at a time, with the result of one after the other.

A mapping that reads another's package table starts after it; each mapping sees the run's
variables; the issues come in the mappings' order; a failing mapping ends the run with the one
line of the first failure in that order. The platforms' own mappings are checked against the
sequential run by the byte-identical packages of tests/test_reproducible.py and test_demo.py."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from dumpkit.errors import DumpkitError
from dumpkit.issues import IssueLog
from dumpkit.map.platforms import Mapping, Platform
from dumpkit.map.runner import MappingJob, run_platform_mapping, run_platform_mappings

# a tax class that takes a while (the aggregate over ten million numbers): a mapping started beside it
# that reads pkg.tax_classes would find no such table
SLOW_TAX_CLASS = """SELECT '25' AS source_id, getvariable('title') AS title, 'standard' AS description,
    CAST(25 AS DECIMAL(5,2)) AS tax_rate, 'title@SLOW: counted ' || (SELECT count(*) FROM range(10000000) WHERE range % 7 = 3) AS _warn"""
PRODUCTS = """SELECT 'p' || range AS source_id, MAP {'no': 'Product ' || range} AS name,
    (SELECT min(source_id) FROM pkg.tax_classes) AS tax_class_source_id,
    CASE WHEN range = 1 THEN 'name@ONE: the first' END AS _warn FROM range(3)"""
CUSTOMERS = """SELECT 'c1' AS source_id, getvariable('email') AS email, 'email@MINE: a warning' AS _warn"""


def platform(**sql: str) -> Platform:
    p = Platform("test", "Test", "", Path("."), [], [], {}, {}, {})
    p.mappings = {entity: Mapping(entity, Path(f"{entity}.sql"), text, {}) for entity, text in sql.items()}
    return p


def database() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE SCHEMA pkg")
    con.execute("SET VARIABLE title = 'MVA 25%'")
    con.execute("SET VARIABLE email = 'kari@example.no'")
    con.execute("SET VARIABLE table_prefix = ''")
    return con


def test_a_mapping_reading_another_waits_for_it_and_the_issues_keep_the_order():
    p = platform(tax_classes=SLOW_TAX_CLASS, customers=CUSTOMERS, products=PRODUCTS)
    con, log = database(), IssueLog()
    started, done = [], []
    jobs = [MappingJob("tax_classes"), MappingJob("customers"), MappingJob("products")]
    results = run_platform_mappings(con, p, jobs, log, started.append, lambda e, r: done.append(e))
    assert p.package_tables_read("products") == {"tax_classes"}
    assert {e: r.rows for e, r in results.items()} == {"tax_classes": 1, "customers": 1, "products": 3}
    assert started[:2] == ["tax_classes", "customers"] and done.index("tax_classes") < started.index("products")
    assert con.execute("SELECT source_id, tax_class_source_id FROM pkg.products ORDER BY 1").fetchall() == [
        ("p0", "25"), ("p1", "25"), ("p2", "25")]
    assert con.execute("SELECT title FROM pkg.tax_classes").fetchall() == [("MVA 25%",)]  # the run's variables
    assert con.execute("SELECT email FROM pkg.customers").fetchall() == [("kari@example.no",)]

    one_by_one, con2 = IssueLog(), database()
    for job in jobs:
        run_platform_mapping(con2, p, job.entity, one_by_one)
    assert log.table().to_pylist() == one_by_one.table().to_pylist()
    assert [i["code"] for i in log.table().to_pylist()] == ["SLOW", "MINE", "ONE"]


def test_the_first_failure_in_the_mappings_order_is_the_one_line():
    p = platform(tax_classes=SLOW_TAX_CLASS + " FROM no_such_table", customers="SELECT nothing_here AS source_id",
                 products=PRODUCTS)
    con = database()
    with pytest.raises(DumpkitError, match=r"^mapping tax_classes\.sql of test failed: .*no_such_table"):
        run_platform_mappings(con, p, [MappingJob(e) for e in ("tax_classes", "customers", "products")], IssueLog())
    # nothing was started after the failure: products (it waits for tax_classes) was never made
    assert not con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'products'").fetchall()[0][0]


def test_a_mapping_out_of_memory_beside_another_runs_again_alone(monkeypatch):
    """Two mappings share the DuckDB's memory limit: the one that ran out (a ResourceError, as
    machine_error makes of DuckDB's "Out of Memory Error") runs again with none beside it, and its
    first try leaves no issue behind. (DuckDB's own out-of-memory is not reproducible on demand:
    the failure is injected, the mappings are real.)"""
    import time

    from dumpkit.errors import ResourceError
    from dumpkit.map import runner

    calls: list[tuple[str, float, float]] = []
    real = runner.run_platform_mapping

    def flaky(con, platform, entity, log, *args):
        start = time.perf_counter()
        if entity == "customers" and not any(e == "customers" for e, _, _ in calls):
            log.add("map", "customers", "c1", "warning", "FIRST_TRY", None, "left behind?")
            time.sleep(0.05)
            calls.append((entity, start, time.perf_counter()))
            raise ResourceError("DuckDB ran out of the memory it is given")
        result = real(con, platform, entity, log, *args)
        calls.append((entity, start, time.perf_counter()))
        return result

    monkeypatch.setattr(runner, "run_platform_mapping", flaky)
    p = platform(tax_classes=SLOW_TAX_CLASS, customers=CUSTOMERS, products=PRODUCTS)
    con, log = database(), IssueLog()
    results = run_platform_mappings(con, p, [MappingJob(e) for e in ("tax_classes", "customers", "products")], log)
    assert {e: r.rows for e, r in results.items()} == {"tax_classes": 1, "customers": 1, "products": 3}
    assert [i["code"] for i in log.table().to_pylist()] == ["SLOW", "MINE", "ONE"]
    retry = [(s, e) for entity, s, e in calls if entity == "customers"][1]
    assert all(e <= retry[0] or s >= retry[1] for entity, s, e in calls if entity != "customers")

    # out of memory alone too: that is the run's one line
    calls.clear()
    monkeypatch.setattr(runner, "run_platform_mapping", lambda con, platform, entity, log, *args: (_ for _ in ()).throw(
        ResourceError(f"{entity}: DuckDB ran out of the memory it is given")))
    with pytest.raises(ResourceError, match="^tax_classes: DuckDB ran out"):
        run_platform_mappings(database(), p, [MappingJob(e) for e in ("tax_classes", "customers")], IssueLog())
