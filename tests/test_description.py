"""The one description rule (description_html, strip_tags in dumpkit/map/common.sql) against the
rule written in Python, which dumpkit ran per row before the rule moved into DuckDB: the same
text for any long and short description, whitespace and tags included."""
from __future__ import annotations

import re

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from dumpkit.map.functions import _BLOCK
from dumpkit.map.runner import define_common


def strip_tags(text: str | None) -> str | None:
    return None if text is None else re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip()


def description_html(long: str | None, short: str | None) -> str | None:
    """The rule as it was written in Python (dumpkit 0.1, functions.py)."""
    long = long.replace("\r\n", "\n") if long and long.strip() else None
    short = short.replace("\r\n", "\n").strip() if short and short.strip() else None
    if short is None or long is None:
        return long or short
    if (strip_tags(short) or "") in (strip_tags(long) or ""):
        return long
    return (short if _BLOCK.match(short) else f"<p>{short}</p>") + "\n" + long


CON = duckdb.connect()
define_common(CON)


def sql(long, short):
    return CON.execute("SELECT description_html(?, ?), strip_tags(?)", [long, short, long]).fetchall()[0]


def test_the_short_text_becomes_the_first_paragraph_unless_the_long_one_says_it():
    assert sql("<p>Warm wool.</p>", "Handmade") == ("<p>Handmade</p>\n<p>Warm wool.</p>", "Warm wool.")
    assert sql("<p>Handmade in\u00a0Norway,  warm</p>", "Handmade in Norway") == \
        ("<p>Handmade in\u00a0Norway,  warm</p>", "Handmade in Norway, warm")
    assert sql("<div>Long</div>\r\nmore", " <UL><li>a</li></UL>\r\n ")[0] == "<UL><li>a</li></UL>\n<div>Long</div>\nmore"
    assert sql(None, " \u2003 ") == (None, None)
    assert sql(" \n", "<b>x</b>") == ("<b>x</b>", "")


# pieces a description is made of: tags (block ones too, with odd spacing and case), words, every
# kind of whitespace Python knows (NBSP, em space, line separators, \x1c-\x1f, \x85), CRLF
_PIECES = st.sampled_from([
    "<p>", "</p>", "<P >", "< div>", "<ul>", "<li>", "<h2 class='x'>", "<hr/>", "<pre>", "<page>", "<pé>", "<p1>", "<b>",
    "<", ">", "a", "Ull", "æøå", "ſection", "42", "_", " ", "  ", "\t", "\n", "\r\n", "\r", "\x0b", "\x0c", "\x1c", "\x1f",
    "\x85", "\xa0", "\u2003", "\u2028", "\u3000", "\u200b", "é", "-",
])
_TEXT = st.one_of(st.none(), st.lists(_PIECES, max_size=12).map("".join), st.text(max_size=20))


@settings(max_examples=400, deadline=None)
@given(_TEXT, _TEXT)
def test_the_sql_rule_is_the_python_rule(long, short):
    assert sql(long, short) == (description_html(long, short), strip_tags(long))
