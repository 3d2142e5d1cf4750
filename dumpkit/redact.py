"""Personal data stays in the staging file: an issue shows the shape of a dump's values, not their content.

A staging issue carries an example of where something broke: a statement snippet, a
value that did not convert, a COPY row with a field too many. In a shop those are
customers' e-mails, names, addresses and password hashes, and the example travels to
stdout, `dumpkit.issues`, `issues.jsonl` and `report.html`. Every letter and digit inside
a string literal becomes `*`, one for one: the snippet keeps its length, its quotes,
escapes and punctuation, so an engineer still sees where it broke and finds the
statement at its byte offset in the dump:

    INSERT INTO `ps_customer` VALUES (3,'Kari','kari@x.no','$2y$10$abc') garbage
    INSERT INTO `ps_customer` VALUES (3,'****','****@*.**','$*$**$***') garbage

Names, keywords and numbers outside literals stay (a table name is not personal data;
an id helps find the row). Values that are data through and through (a COPY row, a
value that failed its cast, a fragment cut from the middle of a statement) are masked
whole with `mask_value`.

A snippet is masked as if backslashes escaped and as if they did not (MySQL's
NO_BACKSLASH_ESCAPES, PostgreSQL's standard strings): a character is shown only where
both readings put it outside a literal, so no sql_mode or server setting can make a
value show. Comments are masked too: a quote inside one must not open a literal.
"""
from __future__ import annotations

import re

_WORD = re.compile(r"[^\W_]")  # letters and digits, in any script


def mask_value(text: str) -> str:
    """Every letter and digit as `*`: '+47 912 34 567' -> '+** *** ** ***'."""
    return _WORD.sub("*", text)


def mask_fields(line: str, sep: str = "\t", null: str = "\\N") -> str:
    """A COPY data row with each field masked, its NULLs (\\N) kept."""
    return sep.join(f if f == null else mask_value(f) for f in line.split(sep))


def mask_literals(sql: str, dialect: str = "mysql") -> str:
    """SQL text that starts at a statement's start, with the content of its string literals
    (and comments) masked. `dialect` "mysql": '...' and "..." are strings, `...` names;
    "postgres": '...' and $tag$...$tag$ are strings, "..." names. Python reprs of strings
    and bytes (in error messages) read as "mysql"."""
    spans = sorted(_hidden(sql, dialect, backslash=True) + _hidden(sql, dialect, backslash=False))
    out, pos = [], 0
    for i, j in spans:  # overlapping spans of the two readings: mask their union
        i = max(i, pos)
        if j > i:
            out += [sql[pos:i], mask_value(sql[i:j])]
            pos = j
    out.append(sql[pos:])
    return "".join(out)


def mask_window(sql: str, start: int, end: int, dialect: str = "mysql") -> str:
    """`sql[start:end]` masked as part of the statement `sql` (a fragment alone does not say
    whether it begins inside a literal)."""
    return mask_literals(sql[:end], dialect)[start:]


# where something can start that is not plain SQL: a quote, a comment, a dollar quote
_START = {"mysql": re.compile(r"['\"`#]|--|/\*"), "postgres": re.compile(r"['\"$]|--|/\*")}
_DOLLAR = re.compile(r"\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$")


def _hidden(sql: str, dialect: str, backslash: bool) -> list[tuple[int, int]]:
    """(start, end) of the string literals' contents and of the comments, with or without
    backslash escapes."""
    hidden: list[tuple[int, int]] = []
    strings = "'\"" if dialect == "mysql" else "'"
    n = len(sql)
    m = _START[dialect].search(sql)
    while m:
        i, token = m.start(), m.group()
        if token in ("--", "#"):
            j = sql.find("\n", i)
            j = n if j < 0 else j
            hidden.append((i, j))
        elif token == "/*":
            if sql.startswith(("/*!", "/*M!"), i):  # MySQL runs what a version comment holds
                j = i + 2
            else:
                j = sql.find("*/", i + 2)
                j = n if j < 0 else j + 2
                hidden.append((i, j))
        elif token == "$":
            d = _DOLLAR.match(sql, i)
            if d is None or (i and sql[i - 1].isalnum()):  # a name may hold a $
                j = i + 1
            else:
                j = sql.find(d.group(), d.end())
                j = n if j < 0 else j
                hidden.append((d.end(), j))
                j += len(d.group())
        else:  # a quote: a string literal, or a quoted name
            j = _closing(sql, i + 1, token, backslash and token in strings)
            if token in strings:
                hidden.append((i + 1, j))
            j += 1
        m = _START[dialect].search(sql, j)
    return hidden


def _closing(sql: str, j: int, quote: str, backslash: bool) -> int:
    """Where the literal or name opened before `j` ends (len(sql) when it does not)."""
    n = len(sql)
    while j < n:
        k = sql.find(quote, j)
        k = n if k < 0 else k
        b = sql.find("\\", j, k) if backslash else -1
        if b >= 0:
            j = b + 2
        elif k + 1 < n and sql[k + 1] == quote:  # '' inside '...'
            j = k + 2
        else:
            return k
    return n
