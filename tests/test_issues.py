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


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_issue = st.builds(
    Issue,
    phase=st.sampled_from(["stage", "map", "check"]),
    entity=st.sampled_from([None, "products", "orders"]),
    source_id=st.sampled_from([None, "", "1", "2", "3", "10", "a7", "x"]) | st.text("0123456789ab", max_size=3),
    level=st.sampled_from(["error", "warning", "info"]),
    code=st.sampled_from(["A_CODE", "B_CODE"]),
    field=st.sampled_from([None, "price"]),
    message=st.sampled_from(["one cause", "another", "a third", "a fourth", "a fifth"]),
    table=st.sampled_from([None, "", "ps_product", "ps_orders"]),
    technical=st.booleans(),
)


def reference_lines(items: list[Issue], limit: int, max_variants: int) -> list[tuple]:
    """The grouping rule in plain Python, one issue at a time (the spec IssueLog.groups() computes
    in DuckDB): (level, code, entity, technical, template, count, examples, more, variants, first)."""
    template = {id(i): "" if i.phase == "stage" else i.message for i in items}
    templates: dict[tuple, list[str]] = {}
    for i in items:
        known = templates.setdefault((i.level, i.code, i.entity, i.technical), [])
        if template[id(i)] not in known:
            known.append(template[id(i)])
    lines: dict[tuple, dict] = {}
    for i in items:
        code = (i.level, i.code, i.entity, i.technical)
        merged = len(templates[code]) > max_variants
        key = (*code, templates[code][0] if merged else template[id(i)])
        line = lines.setdefault(key, {"count": 0, "examples": [], "more": 0, "first": i,
                                      "variants": len(templates[code]) if merged else 1})
        line["count"] += 1
        example = i.source_id or i.table
        if example and example not in line["examples"]:
            if len(line["examples"]) < limit:
                line["examples"].append(example)
        if example and example not in line["examples"]:
            line["more"] += 1
    order = {"error": 0, "warning": 1, "info": 2}
    return sorted([(*k, v["count"], v["examples"], v["more"], v["variants"], v["first"]) for k, v in lines.items()],
                  key=lambda r: (order[r[0]], -r[5], r[1], r[2] or ""))


@settings(max_examples=100, deadline=None)
@given(st.lists(_issue, max_size=60), st.integers(1, 4), st.integers(1, 3))
def test_groups_counted_by_duckdb_follow_the_rule_issue_by_issue(issues, limit, max_variants):
    """IssueLog.groups() (SQL, for a big shop's hundreds of thousands of issues) gives the lines the
    rule gives issue by issue, in file order: counts, examples, `more`, the first issue, merged
    variants and the order."""
    log = IssueLog()
    log.extend(issues)
    got = [(g.level, g.code, g.entity, g.technical, g.template, g.count, g.examples, g.more, g.variants, g.first)
           for g in log.groups(limit, max_variants)]
    assert got == reference_lines(log.items, limit, max_variants)
