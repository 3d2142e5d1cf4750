"""Norwegian text for every record (map/languages.py): which texts count as missing."""
from __future__ import annotations

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from dumpkit.issues import IssueLog
from dumpkit.map.languages import _filled, fill_norwegian
from dumpkit.map.runner import define_common

CON = duckdb.connect()
# every kind of whitespace, Unicode's space separators (Zs) and the others, around a little text
SPACES = " \t\n\r\x0b\x0c\x1c\x85\xa0\u1680\u2000\u2005\u200a\u200b\u2028\u202f\u205f\u3000\ufeff"
TEXTS = st.one_of(st.none(), st.text(alphabet=st.sampled_from(SPACES + "ab<>"), max_size=12), st.text(max_size=8))


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_filled_says_what_trim_says(text):
    """_filled() reads a text without copying it; it must answer as `nullif(trim(x), '') IS NOT NULL`,
    the rule it replaced, for any text (NULL too)."""
    got, want = CON.execute(f"SELECT {_filled('$1::VARCHAR')}, nullif(trim($1::VARCHAR), '') IS NOT NULL",
                            [text]).fetchall()[0]
    assert bool(got) is want


def test_a_name_of_spaces_is_missing_and_gets_the_main_language_text():
    con = duckdb.connect()
    define_common(con)
    con.execute("SET VARIABLE main_language = 'en'; SET VARIABLE no_language = 'nb'; CREATE SCHEMA pkg")
    con.execute("""CREATE TABLE pkg.products AS SELECT * FROM (VALUES
        ('1', MAP {'no': '\u00a0 \u3000', 'en': 'Wool sock'}),
        ('2', MAP {'no': 'Ullsokk', 'en': 'Wool sock'}),
        ('3', MAP {'no': '\t'}),
        ('4', MAP {'en': '  ', 'de': 'Socke'})) AS t(source_id, name)""")
    log = IssueLog()
    fill_norwegian(con, log)
    names = dict(con.execute("SELECT source_id, name['no'] FROM pkg.products").fetchall())
    # a tab is not a space to DuckDB's trim: product 3 keeps its name, as before
    assert names == {"1": "Wool sock", "2": "Ullsokk", "3": "\t", "4": "Socke"}
    assert sorted((i.source_id, i.code) for i in log.items) == [("1", "LANGUAGE_FALLBACK"), ("4", "LANGUAGE_FALLBACK")]
