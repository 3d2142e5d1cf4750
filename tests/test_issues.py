"""One line per cause (issues.group_issues), one row per record in issues.jsonl."""
from __future__ import annotations

import json

from dumpkit.issues import Issue, IssueLog, group_issues


def test_records_of_one_cause_are_one_line_with_count_and_examples():
    log = IssueLog()
    for sid in ("1", "10", "11", "12", "13", "14", "2"):
        log.add("check", "products", sid, "warning", "TAX_CLASS_MISSING", "tax_class_source_id",
                "tax class 1 is not in the dump; the product gets MVA 25 % (class dumpkit:vat25)")
    log.add("check", "products", "3", "warning", "TAX_CLASS_MISSING", "tax_class_source_id",
            "tax class 7 is not in the dump; the product gets MVA 25 % (class dumpkit:vat25)")
    log.add("map", "categories", "4", "info", "ROOT_CATEGORY", None, "root")
    [missing_1, missing_7, root] = group_issues(log.items)
    # examples in the file's order: source ids in natural order
    assert (missing_1.count, missing_1.examples, missing_1.more) == (7, ["1", "2", "10", "11", "12"], 2)
    assert missing_1.line() == ("warning TAX_CLASS_MISSING products x7: tax class 1 is not in the dump; the product gets "
                                "MVA 25 % (class dumpkit:vat25) (e.g. 1, 2, 10, 11, 12, ...)")
    assert (missing_7.count, missing_7.line()) == (1, "warning TAX_CLASS_MISSING products: tax class 7 is not in the dump; "
                                                      "the product gets MVA 25 % (class dumpkit:vat25)")
    assert root.level == "info"


def test_a_detail_per_record_is_still_one_line():
    items = [Issue("map", "products", str(n), "warning", "DUPLICATE_SKU", "sku", f"reference X{n} is also product {n + 100}'s")
             for n in range(6)]
    [line] = group_issues(items)
    assert (line.count, line.variants) == (6, 6)
    assert line.text == "reference X0 is also product 100's (and 5 more like it)"


def test_staging_notes_group_by_kind_and_technical_ones_apart():
    items = [Issue("stage", None, None, "info", "ZERO_DATE", None, f"{t}.date_add: '0000-00-00' staged as NULL", table=t,
                   technical=t != "ps_orders") for t in ("ps_orders", "ps_configuration", "ps_employee")]
    shop, technical = sorted(group_issues(items), key=lambda g: g.technical)
    assert (shop.count, shop.examples, shop.technical) == (1, ["ps_orders"], False)
    assert (technical.count, technical.examples, technical.technical) == (2, ["ps_configuration", "ps_employee"], True)


def test_issues_file_keeps_a_row_per_record_and_reads_old_files(tmp_path):
    log = IssueLog()
    log.add("map", "orders", "5", "warning", "FOREIGN_CURRENCY", "currency_value", "placed in USD")
    log.add("stage", None, None, "info", "ZERO_DATE", None, "x", table="ps_employee")
    log.mark_technical(lambda i: i.table == "ps_employee")
    log.write(tmp_path / "issues.jsonl")
    rows = [json.loads(line) for line in (tmp_path / "issues.jsonl").read_text().splitlines()]
    # in file order: the staging phase before the mapping
    assert [(r["source_id"], r["table"], r["technical"]) for r in rows] == [(None, "ps_employee", True), ("5", None, False)]
    # a file written before table and technical existed
    (tmp_path / "old.jsonl").write_text(json.dumps({"phase": "map", "entity": None, "source_id": None, "level": "info",
                                                    "code": "X", "field": None, "message": "m"}) + "\n")
    assert IssueLog.read(tmp_path / "old.jsonl").items[0].technical is False
