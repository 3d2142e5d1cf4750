"""Nothing disappears silently: every statement of every MySQL fixture is staged,
deliberately skipped or reported.

The statements are counted here independently of the reader, by a small
splitter that follows the mysql client's rules (strings with backslash
escapes, `--`, `#` and `/* */` comments, `/*! */` kept, DELIMITER), and the
rows of each INSERT by counting its top-level tuples. The reader must then
account for exactly that many statements (a TableDef, a Skipped or a Problem
each) and yield exactly that many rows.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from dumpkit.read import inspect_parts, read_events
from dumpkit.read.events import Problem, RowBatch, Skipped, TableDef
from dumpkit.read.source import sniff

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
MYSQL_FIXTURES = sorted(p for p in FIXTURES.rglob("*.sql") if sniff(p.read_bytes()[:65536]).dialect == "mysql")

_DASH_LINE = re.compile(rb"^-{3,}[ \t]*\r?$", re.M)  # OpenCart's separators; its installer drops them
_TOKEN = re.compile(
    rb"""'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*"|`(?:[^`]|``)*`"""
    rb"""|--(?:[ \t\r][^\n]*)?(?=\n|$)|\#[^\n]*|/\*(?!!|M!).*?\*/|/\*M?!.*?\*/""",
    re.S,
)
_DELIMITER = re.compile(rb"[ \t]*DELIMITER[ \t]+(\S+)[^\n]*\n?", re.I)
_PLAIN: dict = {}
_CLIENT_COMMAND = re.compile(rb"[ \t]*/\*M?!\d*\s*\\[^\n]*\*/[ \t]*\r?\n?")


def split_statements(data: bytes) -> list[bytes]:
    """The statements of a MySQL script, as the mysql client would send them."""
    data = _DASH_LINE.sub(b"", data)
    out: list[bytes] = []
    delimiter = b";"
    start = pos = 0
    at_start = True  # nothing but comments and spaces since the last statement
    n = len(data)
    while pos < n:
        if at_start and data[pos - 1:pos] in (b"", b"\n"):
            # client commands, only where a statement may start
            m = _DELIMITER.match(data, pos) or _CLIENT_COMMAND.match(data, pos)
            if m:
                if m.re is _DELIMITER:
                    delimiter = m.group(1)
                out.append(m.group(0).strip())
                pos = start = m.end()
                continue
        if data.startswith(delimiter, pos):
            if not at_start:
                out.append(data[start:pos].strip())
            pos = start = pos + len(delimiter)
            at_start = True
            continue
        plain = _PLAIN.get(delimiter) or _PLAIN.setdefault(
            delimiter, re.compile(rb"[^'\"`#/\-\n" + re.escape(delimiter[:1]) + rb"]+"))
        m = _TOKEN.match(data, pos) or plain.match(data, pos)
        if m:
            tok = m.group(0)
            if at_start and tok.strip() and not _only_comments(tok):
                at_start = False
            pos = m.end()
            continue
        if data[pos] in b"'\"`":  # a string that never closes: the rest is one statement
            at_start, pos = False, n
            break
        at_start = at_start and data[pos] in b" \t\r\n"
        pos += 1
    if not at_start:
        out.append(data[start:].strip())
    return out


def _only_comments(text: bytes) -> bool:
    rest = re.sub(rb"--(?:[ \t\r][^\n]*)?(?=\n|$)|\#[^\n]*|/\*(?!!|M!).*?\*/", b"", text, flags=re.S)
    return not rest.strip()


_INSERT = re.compile(rb"(?:(?:--[^\n]*|\#[^\n]*)?\s)*(?:INSERT|REPLACE)\b[^(]*?(?:\([^)]*\))?\s*\bVALUES?\b", re.I | re.S)
_VALUE_TOKEN = re.compile(rb"""'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*"|[()]|ON\s+DUPLICATE\b""", re.S | re.I)


def count_tuples(statement: bytes) -> int:
    """Rows of an INSERT: its parenthesised groups at the top level of VALUES."""
    m = _INSERT.match(statement)
    depth = rows = 0
    for tok in _VALUE_TOKEN.finditer(statement, m.end()):
        t = tok.group(0)
        if t == b"(":
            depth += 1
            rows += depth == 1
        elif t == b")":
            depth -= 1
        elif t[:1] not in (b"'", b'"') and depth == 0:
            break  # ON DUPLICATE KEY UPDATE col = VALUES(col)
    return rows


def account(paths: list[Path]) -> dict:
    """What the reader makes of the input: statement-level events and rows."""
    parts, info = inspect_parts(paths)
    counts = {"tabledef": 0, "skipped": 0, "problems": [], "rows": 0, "notes": []}
    for ev in read_events(parts, info):
        if isinstance(ev, TableDef):
            counts["tabledef"] += 1
        elif isinstance(ev, Skipped):
            counts["skipped"] += 1
        elif isinstance(ev, RowBatch):
            counts["rows"] += ev.data.num_rows
        elif isinstance(ev, Problem):
            # per-value notes name a column; statement problems do not
            counts["notes" if ev.column else "problems"].append(ev)
    return counts


def expected(data: bytes) -> tuple[int, int, int]:
    """(non-INSERT statements, INSERT statements, rows) counted independently."""
    stmts = split_statements(data)
    inserts = [s for s in stmts if _INSERT.match(s) and not re.match(rb"\s*(?:INSERT|REPLACE)\b[^(]*\bSELECT\b", s, re.I)]
    return len(stmts) - len(inserts), len(inserts), sum(count_tuples(s) for s in inserts)


@pytest.mark.parametrize("path", MYSQL_FIXTURES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_every_statement_is_staged_skipped_or_reported(path: Path):
    others, inserts, rows = expected(path.read_bytes())
    got = account([path])
    assert not [p for p in got["problems"] if p.fatal], got["problems"]
    unparsable = [p for p in got["problems"] if p.kind == "unparsable_statement"]
    assert not unparsable, unparsable
    # each non-INSERT statement is exactly one TableDef, Skipped or Problem (a ddl_fallback is a note on
    # the TableDef it comes with: PrestaShop 9's template has one for each of its 229 tables)
    notes = [p for p in got["problems"] if p.kind == "ddl_fallback"]
    assert got["tabledef"] + got["skipped"] + len(got["problems"]) - len(notes) == others
    assert inserts == 0 or got["rows"] == rows


def test_splitter_itself():
    """The test's own splitter on the cases it must get right."""
    sql = (b"-- c\nSET a=1;\nINSERT INTO t VALUES (1,'a;b\\';'),(2,\"x;\");# c;\n"
           b"/* c; */ /*!40101 SET x=1 */;\nDELIMITER ;;\nCREATE TRIGGER t BEGIN SET a=1; END;;\nDELIMITER ;\n"
           b"INSERT INTO t VALUES (3,'(,)'); INSERT INTO t VALUES (4,now());\n-----\n")
    stmts = [re.sub(rb"^(?:--[^\n]*\n|\#[^\n]*\n|/\*(?!!).*?\*/|\s)+", b"", s, flags=re.S) for s in split_statements(sql)]
    assert [s.split()[0] for s in stmts] == [b"SET", b"INSERT", b"/*!40101", b"DELIMITER", b"CREATE", b"DELIMITER",
                                            b"INSERT", b"INSERT"]
    assert expected(sql) == (5, 3, 4)


def test_accounting_of_a_dump_with_every_statement_kind(tmp_path):
    """Routines, views, triggers, LOCK, USE and bad statements: all accounted for."""
    sql = (
        b"/*M!999999\\- enable the sandbox mode */ \n-- MariaDB dump 10.19  Distrib 10.11.6-MariaDB\n"
        b"/*!40101 SET NAMES utf8mb4 */;\nCREATE DATABASE /*!32312 IF NOT EXISTS*/ `shop`;\nUSE `shop`;\n"
        b"DROP TABLE IF EXISTS `t`;\nCREATE TABLE `t` (`id` int NOT NULL, `s` text, PRIMARY KEY (`id`));\n"
        b"LOCK TABLES `t` WRITE;\n/*!40000 ALTER TABLE `t` DISABLE KEYS */;\n"
        b"INSERT INTO `t` VALUES (1,'a'),(2,'b;c');\nINSERT INTO `t` VALUES\n(3,'x'),\n(4,'y');\n"
        b"/*!40000 ALTER TABLE `t` ENABLE KEYS */;\nUNLOCK TABLES;\n"
        b"DELIMITER ;;\n/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER trg BEFORE INSERT ON t "
        b"FOR EACH ROW SET NEW.s = concat(NEW.s, ';') */;;\nDELIMITER ;\n"
        b"DELIMITER ;;\nCREATE DEFINER=`root`@`localhost` PROCEDURE `p`(IN x int)\nBEGIN\n  SELECT x;\nEND ;;\nDELIMITER ;\n"
        b"/*!50001 CREATE ALGORITHM=UNDEFINED */\n/*!50013 DEFINER=`root`@`localhost` SQL SECURITY DEFINER */\n"
        b"/*!50001 VIEW `v` AS select `t`.`id` AS `id` from `t` */;\n"
        b"UPDATE t SET s = 'z' WHERE id = 1;\nFROBNICATE THE DATABASE;\n"
        b"-- Dump completed on 2024-01-01 00:00:00\n"
    )
    path = tmp_path / "kinds.sql"
    path.write_bytes(sql)
    others, inserts, rows = expected(sql)
    got = account([path])
    assert got["tabledef"] + got["skipped"] + len(got["problems"]) == others
    assert got["rows"] == rows == 4
    assert sorted(p.kind for p in got["problems"]) == ["unparsable_statement", "unsupported_statement"]
