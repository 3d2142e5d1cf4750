"""Python helpers registered as DuckDB functions, so mappings stay plain SQL.

Only what SQL cannot do well lives here: PHP serialize() values, slugs.
"""
from __future__ import annotations

import html
import json
import re
import unicodedata
from functools import lru_cache

import duckdb
import pyarrow as pa
from duckdb.sqltypes import VARCHAR

from ..sqlnames import ident, literal


class PHPValueError(ValueError):
    pass


def php_unserialize(data: str | bytes):
    """Decode PHP serialize() output. Lengths count UTF-8 bytes; when a length is
    wrong (text re-encoded after serializing) the string is read up to its closing
    `";` instead, so damaged values still decode."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    value, pos = _php_value(data, 0)
    return value


def _php_value(b: bytes, i: int):
    t = b[i:i + 1]
    if t == b"N":
        return None, i + 2
    if t in (b"i", b"d", b"b"):
        end = b.index(b";", i)
        raw = b[i + 2:end].decode()
        if t == b"i":
            return int(raw), end + 1
        if t == b"b":
            return raw == "1", end + 1
        return float(raw), end + 1
    if t == b"s":
        colon = b.index(b":", i + 2)
        n = int(b[i + 2:colon])
        start = colon + 2  # skip :"
        if b[start + n:start + n + 2] == b'";':
            return b[start:start + n].decode("utf-8", "replace"), start + n + 2
        end = b.find(b'";', start)  # broken length: trust the delimiter
        if end < 0:
            raise PHPValueError(f"unterminated string at byte {i}")
        return b[start:end].decode("utf-8", "replace"), end + 2
    if t == b"a":
        colon = b.index(b":", i + 2)
        n = int(b[i + 2:colon])
        j = colon + 2  # skip :{
        items = []
        for _ in range(n):
            k, j = _php_value(b, j)
            v, j = _php_value(b, j)
            items.append((k, v))
        if b[j:j + 1] != b"}":
            raise PHPValueError(f"array not closed at byte {j}")
        if all(isinstance(k, int) for k, _ in items) and [k for k, _ in items] == list(range(len(items))):
            return [v for _, v in items], j + 1
        return {str(k): v for k, v in items}, j + 1
    if t == b"O":
        colon = b.index(b":", i + 2)
        n = int(b[i + 2:colon])
        return _php_object(b, colon + 2 + n + 1)  # past the quoted class name
    raise PHPValueError(f"unknown PHP type {t!r} at byte {i}")


def _php_object(b: bytes, j: int):
    # O:8:"stdClass":2:{...}: after the class name comes :<count>:{ ... } like an array
    colon = b.index(b":", j + 1)
    n = int(b[j + 1:colon])
    k = colon + 2
    out = {}
    for _ in range(n):
        key, k = _php_value(b, k)
        v, k = _php_value(b, k)
        out[str(key)] = v
    return out, k + 1


def php_to_json(data: str | None) -> str | None:
    """SQL: php_json(text) -> JSON text, NULL when the value is not PHP-serialized."""
    if data is None or not data[:2] in ("a:", "s:", "i:", "d:", "b:", "O:", "N;"):
        return None
    try:
        return json.dumps(php_unserialize(data), ensure_ascii=False)
    except (PHPValueError, ValueError, IndexError):
        return None


_TRANSLIT = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "ae", "Ø": "o", "Å": "a", "ß": "ss", "ü": "u", "ö": "o", "ä": "a"})


_NOT_SLUG = re.compile(r"[^a-zA-Z0-9]+")


@lru_cache(maxsize=1 << 16)  # a big shop repeats its names and slugs
def slugify(text: str | None) -> str | None:
    """Mystore-style slug: lowercase, æ->ae, ø->o, å->a, other accents dropped, words joined by '-'."""
    if text is None:
        return None
    if not text.isascii():  # ASCII text is as it is after these steps
        text = text.translate(_TRANSLIT)
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = _NOT_SLUG.sub("-", text).strip("-").lower()
    return text or None


def _slugify_arrow(values: pa.Array) -> pa.Array:
    """slugify() for DuckDB, a vector at a time."""
    return pa.array([slugify(v) for v in values.to_pylist()], pa.string())


_BLOCK = re.compile(r"<\s*(p|div|ul|ol|li|h[1-6]|table|blockquote|pre|section|figure|hr|form|dl|address)\b", re.I)


def autop(text: str | None) -> str | None:
    """SQL: autop(text) -> HTML paragraphs of text written for WordPress, the way WordPress shows it
    (wpautop, simplified): a blank line starts a paragraph, a line break is <br>, a chunk that is
    already a block (<p>, <ul>, <h2>...) stays as it is."""
    if text is None or not text.strip():
        return None
    chunks = [c.strip() for c in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")) if c.strip()]
    return "\n".join(c if _BLOCK.match(c) else "<p>" + re.sub(r"\s*\n\s*", "<br>\n", c) + "</p>" for c in chunks)


_ROUTE_KEYWORD = re.compile(r"\{(?:([^{}:]*):)?([a-z0-9_]+)(?::([^{}]*))?\}")


MAX_ROUTE_RULE = 2048  # characters of a route rule compiled (PrestaShop's own are under 100)


def route_macro(name: str, rule: str | None, keywords: list[str]) -> str:
    """The statement that makes the SQL macro `name(<keywords>)`: the path the route `rule` gives
    for those keyword values, in PrestaShop's syntax: '{category:/}{id}{-:id_product_attribute}-
    {rewrite}.html', where {prefix:keyword:suffix} is written only when the keyword has a value
    (empty, NULL and '0' have none, as PrestaShop's Dispatcher::createUrl leaves them out), and
    a keyword not among `keywords` has none.
    The rule is one per shop, so it is compiled once into plain SQL (a Python function filling it
    row by row was half of the redirects mapping). It comes from the dump: its text goes in only
    through literal(), a keyword only picks one of the macro's own parameters (`keywords`, from
    platform.toml), and a rule longer than MAX_ROUTE_RULE gives NULL (no path)."""
    params = ", ".join(ident(k) for k in keywords)
    if rule is None or len(rule) > MAX_ROUTE_RULE:
        return f"CREATE OR REPLACE MACRO {ident(name)}({params}) AS CAST(NULL AS VARCHAR)"
    pieces, pos = [], 0
    for m in _ROUTE_KEYWORD.finditer(rule):
        pieces.append(literal(rule[pos:m.start()]))
        if m.group(2) in keywords:
            value = ident(m.group(2))
            pieces.append(f"CASE WHEN coalesce({value}, '') NOT IN ('', '0') "
                          f"THEN {literal(m.group(1) or '')} || {value} || {literal(m.group(3) or '')} ELSE '' END")
        pos = m.end()
    pieces.append(literal(rule[pos:]))
    return f"CREATE OR REPLACE MACRO {ident(name)}({params}) AS concat({', '.join(pieces)})"


def html_decode(text: str | None) -> str | None:
    """SQL: html_decode(text) -> text with HTML entities decoded (&lt;p&gt; -> <p>, &amp; -> &).
    OpenCart stores every admin-entered text through htmlspecialchars()."""
    return None if text is None else html.unescape(text)


def register(con: duckdb.DuckDBPyConnection) -> None:
    con.create_function("php_json", php_to_json, [VARCHAR], VARCHAR, null_handling="special", side_effects=False)
    con.create_function("slugify", _slugify_arrow, [VARCHAR], VARCHAR, type="arrow", null_handling="special",
                        side_effects=False)
    con.create_function("html_decode", html_decode, [VARCHAR], VARCHAR, null_handling="special", side_effects=False)
    con.create_function("autop", autop, [VARCHAR], VARCHAR, null_handling="special", side_effects=False)
