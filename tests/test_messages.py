"""Files that are not a whole shop dump end in one line an engineer can act on (or are read):
PrestaShop 9's schema-only installer template, OpenCart 4.1's installer data file, an XML file.
The WooCommerce data-only dump, made by the real mariadb-dump, is in test_fidelity_woocommerce.py."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from dumpkit.errors import DumpkitError, NotADumpError
from dumpkit.migrate import migrate
from dumpkit.stage import stage_dump
from tests.helpers import codes, error_lines, rows

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def one_line_error(*args: str) -> tuple[int, str]:
    proc = subprocess.run([sys.executable, "-m", "dumpkit.cli", "migrate", *args], capture_output=True, text=True)
    lines = error_lines(proc.stderr)
    assert len(lines) == 1 and "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr
    return proc.returncode, lines[0]


def test_xml_is_not_a_dump(tmp_path):
    code, line = one_line_error(str(FIXTURES / "prestashop/ps-9.0.0-order_state.xml"), "-o", str(tmp_path / "out"))
    assert code == NotADumpError.exit_code and "XML is not a dump" in line and "mariadb-dump" in line


def test_prestashop_9_schema_only_template(tmp_path):
    # the CREATE TABLE with a /* */ comment between two columns is read, not reported unparsable
    result = stage_dump(FIXTURES / "prestashop/ps-9.0.0-db_structure.sql", tmp_path / "stage.duckdb")
    assert not [i for i in result.issues if i.kind == "unparsable_statement"]
    con = duckdb.connect(str(tmp_path / "stage.duckdb"))
    assert [r[0] for r in con.execute("SELECT column_name FROM dumpkit.columns WHERE table_name = 'PREFIX_currency' "
                                      "ORDER BY position").fetchall()][:3] == ["id_currency", "name", "iso_code"]
    con.close()
    # no rows: one line that says so and what to give instead (it was "internal error: RuntimeError ... currency")
    code, line = one_line_error(str(FIXTURES / "prestashop/ps-9.0.0-db_structure.sql"), "-o", str(tmp_path / "out"))
    assert code == DumpkitError.exit_code and "229 tables but holds no rows" in line and "schema-only" in line


def test_opencart_41_installer_data_is_read(tmp_path):
    # it ended in a raw DuckDB "Binder Error: Values list "c" does not have a column named "date_added"": the
    # data-only file's INSERTs name their columns and leave date_added out
    r = migrate(FIXTURES / "opencart/oc-4.1.0.5-data.sql", tmp_path / "out", keep_currency=True)
    assert r.counts["products"] == 19 and r.counts["categories"] == 38 and r.counts["tax_classes"] == 2
    assert all(rec.ok for rec in r.reconciliation)
    assert rows(r, "tax_classes")["9"]["created_at"] is None       # the column the file leaves out
    assert dict(rows(r, "products")["40"]["name"]) == {"no": "iPhone"}
    assert "NOT_ACCOUNTED_FOR" not in codes(r)


def test_a_missing_table_is_named(tmp_path):
    """A parameter's or mapping's DuckDB error becomes the dump's cause: the table it lacks."""
    text = (FIXTURES / "prestashop/ps-8.1.7.sql").read_text(encoding="utf-8")
    # the dump without ps_currency (a partial dump of some tables)
    start, insert = text.index("CREATE TABLE `ps_currency` ("), text.index("INSERT INTO `ps_currency` VALUES")
    dump = tmp_path / "ps.sql"
    dump.write_text(text[:start] + text[text.index(";", start) + 1:insert] + text[text.index(";\n", insert) + 2:],
                    encoding="utf-8")
    with pytest.raises(DumpkitError) as e:
        migrate(dump, tmp_path / "out", keep_currency=True)
    assert str(e.value) == "the prestashop setting 'shop_currency' cannot be read from this dump: the dump has no table ps_currency"
