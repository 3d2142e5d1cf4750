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


_DOLLAR = re.compile(r"\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$")


def _hidden(sql: str, dialect: str, backslash: bool) -> list[tuple[int, int]]:
    """(start, end) of the string literals' contents and of the comments, with or without
    backslash escapes."""
    hidden: list[tuple[int, int]] = []
    strings = "'\"" if dialect == "mysql" else "'"
    names = "`" if dialect == "mysql" else '"'
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch in strings or ch in names:
            j = i + 1
            while j < n:
                if sql[j] == "\\" and backslash and ch in strings:
                    j += 2
                    continue
                if sql[j] == ch:
                    if j + 1 < n and sql[j + 1] == ch:  # '' inside '...'
                        j += 2
                        continue
                    break
                j += 1
            if ch in strings:
                hidden.append((i + 1, min(j, n)))
            i = j + 1
        elif sql.startswith(("--", "#"), i) if dialect == "mysql" else sql.startswith("--", i):
            j = sql.find("\n", i)
            j = n if j < 0 else j
            hidden.append((i, j))
            i = j
        elif sql.startswith("/*", i) and not sql.startswith(("/*!", "/*M!"), i):
            j = sql.find("*/", i + 2)
            j = n if j < 0 else j + 2
            hidden.append((i, j))
            i = j
        elif ch == "$" and dialect == "postgres" and (m := _DOLLAR.match(sql, i)) and (i == 0 or not sql[i - 1].isalnum()):
            tag = m.group()
            j = sql.find(tag, m.end())
            j = n if j < 0 else j
            hidden.append((m.end(), j))
            i = j + len(tag)
        else:
            i += 1
    return hidden
