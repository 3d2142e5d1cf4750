"""Which source language is Mystore's `no`, and the Norwegian text a record lacks.

Norwegian text (no, nb, nn, nb-NO, nb_NO, ...) is always `no`, Mystore's code; every other
language keeps its ISO 639-1 code (`en-gb` -> `en`). When the shop has no Norwegian language
at all, its main language stands in for it and becomes `no`. Mappings key their texts with the
SQL macro lang_key() (common.sql), which reads the choice made here (variable no_language).

After the mappings, `fill_norwegian` gives every record its `no` text: a record without
Norwegian text gets the main language's (else any language's), with one issue row per record
and field; the summary shows them as one line per cause (issues.group_issues).
"""
from __future__ import annotations

import duckdb
import pyarrow as pa

from ..issues import IssueLog
from ..sqlnames import tables_in
from ..package.schema import LOC, MAIN_LANGUAGE

# ISO 639-1 and 639-2 codes of Norwegian, in the order one is chosen when a shop has several
NORWEGIAN = ("nb", "no", "nob", "nor", "nn", "nno")
# a name for a record without text in any language, per entity (Mystore shows it to shoppers)
PLACEHOLDER = {"products": "Produkt", "categories": "Kategori", "product_options": "Valg",
               "product_option_values": "Verdi"}
LANGUAGE_NAMES = {"en": "English", "de": "German", "sv": "Swedish", "da": "Danish", "fr": "French", "es": "Spanish",
                  "it": "Italian", "nl": "Dutch", "fi": "Finnish", "pl": "Polish", "nn": "Nynorsk", "nb": "Bokmål"}


def iso(code: str | None) -> str:
    return (code or "").strip().replace("_", "-").split("-")[0].lower()


def choose_norwegian(main: str | None, languages: list[str] | None) -> str | None:
    """The source language code that becomes `no`: the main language when it is Norwegian, else
    a Norwegian translation (nb before no before nn, in the platform's order), else the main
    language (the shop has no Norwegian)."""
    if main and iso(main) in NORWEGIAN:
        return main
    candidates = [c for c in languages or [] if iso(c) in NORWEGIAN]
    candidates.sort(key=lambda c: NORWEGIAN.index(iso(c)))
    return candidates[0] if candidates else main


def choose(con: duckdb.DuckDBPyConnection) -> None:
    """Set the variable no_language from the platform's main_language and languages parameters."""
    main, languages = con.execute("SELECT getvariable('main_language'), getvariable('languages')").fetchall()[0]
    if isinstance(languages, str):
        languages = [languages]
    con.execute("SET VARIABLE no_language = ?", [choose_norwegian(main, list(languages or []) or [main])])


def language_keys(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """{source language code: package key} for the manifest (which language became `no`)."""
    rows = con.execute("""SELECT code, lang_key(code) FROM (SELECT DISTINCT unnest(coalesce(getvariable('languages'),
        [getvariable('main_language')])) AS code) WHERE code IS NOT NULL ORDER BY lang_key(code) <> 'no', code""").fetchall()
    return {str(c): k for c, k in rows}


def _filled(text: str) -> str:
    """SQL: `nullif(trim(text), '') IS NOT NULL` (DuckDB's trim strips the Unicode space
    separators, Zs), NULL for NULL, without copying the text: ten times faster over descriptions."""
    return f"regexp_matches({text}, '[^\\p{{Zs}}]')"


def _localised(con, entity: str) -> list[str]:
    from ..package.schema import ENTITIES

    columns = {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'pkg' AND table_name = ?", [entity]).fetchall()}
    return [f.name for f in ENTITIES[entity] if f.type == LOC and f.name in columns]


def fill_norwegian(con: duckdb.DuckDBPyConnection, log: IssueLog) -> None:
    """Every localised text of products, categories, options, option values and manufacturers
    gets a `no` entry: the main language's text (else the first language's) where Norwegian is
    missing; a record with no name at all is named '<Produkt|Kategori|...> <id>'."""
    tables = tables_in(con)
    main_key = con.execute("SELECT lang_key(getvariable('main_language'))").fetchall()[0][0] or MAIN_LANGUAGE
    for entity in ("categories", "manufacturers", "product_options", "product_option_values", "products"):
        if entity not in tables:
            continue
        for f in _localised(con, entity):
            named = f == "name" and entity in PLACEHOLDER  # a record without any name gets one
            # where the text comes from: the main language, else the first language that has one (a
            # text in no language at all changes nothing, but a name)
            missing = con.execute(f"""SELECT * FROM (
                SELECT source_id, CASE WHEN {_filled('t[?]')} THEN ?
                    ELSE list_filter(list_sort(map_keys(t)), lambda k: {_filled('t[k]')})[1] END AS lang
                FROM (SELECT source_id, coalesce("{f}", MAP {{}}) AS t FROM pkg."{entity}")
                WHERE {_filled(f"t['{MAIN_LANGUAGE}']")} IS NOT TRUE)
                WHERE lang IS NOT NULL OR {'true' if named else 'false'} ORDER BY source_id""", [main_key, main_key]).fetchall()
            if not missing:
                continue
            for sid, lang in missing:
                if lang is None:
                    if named:
                        log.add("map", entity, sid, "warning", "EMPTY_NAME", f,
                                f"no name in any language; named '{PLACEHOLDER[entity]} <id>'")
                elif f != "slug":  # the slug follows the name
                    log.add("map", entity, sid, "warning", "LANGUAGE_FALLBACK", f,
                            f"no Norwegian {f.replace('_', ' ')}: the {LANGUAGE_NAMES.get(lang, lang)} ({lang}) text is "
                            f"copied to '{MAIN_LANGUAGE}'")
            con.register("_fallback", pa.table({"sid": [m[0] for m in missing], "lang": [m[1] for m in missing]}))
            placeholder = f"'{PLACEHOLDER[entity]} ' || x.sid" if named else "NULL"
            con.execute(f"""UPDATE pkg."{entity}" SET "{f}" = map_concat(coalesce("{f}", MAP {{}}),
                    MAP {{'{MAIN_LANGUAGE}': coalesce("{f}"[x.lang], {placeholder})}})
                FROM _fallback x WHERE "{entity}".source_id = x.sid AND (x.lang IS NOT NULL OR {placeholder} IS NOT NULL)""")
            con.unregister("_fallback")
