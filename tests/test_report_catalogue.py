"""The report's issue catalogue has the owner's words for every code dumpkit can emit.

The codes are collected from where they are made: the `_skip` / `_warn` / `_note` texts of every
mapping ('CODE: ...', 'field@CODE: ...'), the code literals of the Python steps that log issues
(map/, check/, demo.py) and the staging kinds (read/, stage/; logged upper-cased). A new code
without an entry in dumpkit/report/catalogue.py fails here.
"""
from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from dumpkit.report.catalogue import FALLBACK, GROUPS, ISSUES, entry
from dumpkit.stage.writer import _MERGED

ROOT = Path(__file__).resolve().parents[1]
CODE = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
SQL_CODE = re.compile(r"'(?:[a-z_]+@)?([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+):")


def mapping_codes() -> set[str]:
    return {c for p in (ROOT / "mappings").rglob("*.sql") for c in SQL_CODE.findall(p.read_text(encoding="utf-8"))}


SQL_LITERAL_CODE = re.compile(r"'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)'")


def python_codes() -> set[str]:
    """Code literals of the modules that log issues (a file that calls log.add, add_many or
    add_query), including the codes inside the SQL an add_query runs ('CODE' literals)."""
    codes = set()
    for p in [*(ROOT / "dumpkit" / "map").glob("*.py"), *(ROOT / "dumpkit" / "check").glob("*.py"), ROOT / "dumpkit" / "demo.py"]:
        text = p.read_text(encoding="utf-8")
        if "log.add" not in text:
            continue
        for node in ast.walk(ast.parse(text)):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
                continue
            found = [node.value] if CODE.match(node.value) else SQL_LITERAL_CODE.findall(node.value)
            codes |= {c for c in found if not c.startswith("DUMPKIT_")}
    return codes


def staging_codes() -> set[str]:
    """Kinds of staging problems (Problem("kind", ...), writer.issue("kind", ...), kind="...")."""
    kinds = set(_MERGED)
    for p in [*(ROOT / "dumpkit" / "read").glob("*.py"), *(ROOT / "dumpkit" / "stage").glob("*.py")]:
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in ("Problem", "issue") and node.args and isinstance(node.args[0], ast.Constant):
                kinds.add(node.args[0].value)
            kinds |= {kw.value.value for kw in node.keywords
                      if kw.arg == "ignored_kind" and isinstance(kw.value, ast.Constant)}
    return {k.upper() for k in kinds if isinstance(k, str)}


def test_the_collectors_find_the_codes_they_should():
    """A collector that finds nothing would let every code through."""
    assert {"DUPLICATE_SKU", "TAX_RATE_CONVERTED", "OTHER_SHOP", "LINE_TOTAL_INCONSISTENT"} <= mapping_codes()
    assert {"TAX_CLASS_MISSING", "NOT_ACCOUNTED_FOR", "CURRENCY_NOT_CONVERTED", "DEMO_TAKES_ALL", "UNMAPPED_VALUE",
            "ORDER_WITHOUT_CUSTOMER"} <= python_codes()
    assert {"ZERO_DATE", "TRUNCATED", "VALUE_COMPUTED", "STATEMENT_TOO_LARGE"} <= staging_codes()


@pytest.mark.parametrize("source", ["mappings", "pipeline", "staging"])
def test_every_code_has_the_owners_words(source):
    codes = {"mappings": mapping_codes, "pipeline": python_codes, "staging": staging_codes}[source]()
    missing = sorted(codes - ISSUES.keys())
    assert not missing, f"add these codes to dumpkit/report/catalogue.py: {missing}"


def test_entries_are_whole():
    placeholders = {"valuta", "valutanavn"}
    for code, e in [*ISSUES.items(), *FALLBACK.items()]:
        assert e.group in GROUPS, code
        for text in (e.title, e.consequence, e.action):
            assert text.strip() and text == text.strip(), code
            names = {f[1] for f in string.Formatter().parse(text) if f[1]}
            assert names <= placeholders, (code, names)
            assert not re.search(r"[A-Za-z]_[A-Za-z]|\b[A-Z]{2,}_", text), (code, text)  # no code or column name


def test_an_error_is_always_a_must_and_an_unknown_code_falls_back():
    assert entry("SLUG_CHANGED", "error").group == "must"
    assert entry("SLUG_CHANGED", "info").group == "info"
    assert entry("NO_SUCH_CODE_EVER", "warning") == FALLBACK["warning"]
