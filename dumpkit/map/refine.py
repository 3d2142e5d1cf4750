"""Generic steps after the platform mappings, the same for every platform.

They make the mapped rows loadable into Mystore: guest orders get a customer,
products without a category go to a hidden "Ukategorisert", slugs are unique
per language, and the fields Mystore would otherwise fill with defaults
("N/A", "Sweden") are filled knowingly and logged.

A big shop has hundreds of thousands of rows, so every step is set-based (SQL
over whole tables, issues inserted straight from SQL) or one linear pass.
Columns computed from a join are written by rewriting the table
(CREATE OR REPLACE ... SELECT t.* REPLACE ...): DuckDB's UPDATE ... FROM a
join took minutes on tables of that size. The exception, drop_unknown_items,
joins on the rowid with a small aggregate and writes only the rows that change.
"""
from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from typing import Callable, Hashable, Iterable

import duckdb
import pyarrow as pa

from .. import natsort
from ..issues import IssueLog
from ..sqlnames import has_table, ident, qualified

UNCATEGORIZED = "dumpkit:uncategorized"
GUEST_PREFIX = "dumpkit:guest:"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Python's str.strip() in SQL: spaces, tabs, line ends
_WS = "' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13)"

# What the steps here read of other records than the one they change (to number slugs, to
# find a guest's first order, to merge customers sharing an e-mail, to count): a demo maps
# these columns for the whole shop (demo.py), so its records come out as in the full run.
CROSS_RECORD_COLUMNS = {
    "products": ["slug", "name", "category_source_ids", "tax_class_source_id"],
    # a file's name is unique across the shop's images (image_file_names); image mappings read the variants
    "product_variants": ["product_source_id"],
    "product_images": ["product_source_id", "source_url", "filename"],
    "customers": ["is_guest", "email", "created_at"],
    "orders": ["customer_source_id", "customer_address_email", "billing_address_email", "customer_address_name",
               "customer_address_company", "customer_address_address", "customer_address_city",
               "customer_address_zipcode", "customer_address_region", "customer_address_state",
               "customer_address_country", "customer_address_phone", "created_at"],
}



def _rewrite(con, entity: str, replace: str, joins: str = "") -> None:
    """pkg.<entity> again with `replace` ('expression AS column, ...' over `t` and what `joins`
    brings; each joined side has at most one row per row of t)."""
    con.execute(f'CREATE OR REPLACE TABLE pkg."{entity}" AS SELECT t.* REPLACE ({replace}) FROM pkg."{entity}" t {joins}')


def guest_id_sql(email: str) -> str:
    """SQL: a guest customer's id from an e-mail, 16 hex digits of the sha256 of it trimmed and lower-cased."""
    return f"'{GUEST_PREFIX}' || left(sha256(lower(trim({email}, {_WS}))), 16)"


def add_guest_customers(con: duckdb.DuckDBPyConnection, log: IssueLog) -> None:
    """Orders without a customer get one per e-mail (Mystore skips orders without a customer).
    A guest whose e-mail belongs to a registered customer is that customer; a guest customer is
    made from its first order (by time, then id)."""
    if not (has_table(con, "orders") and has_table(con, "customers")):
        return
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _guest_orders AS
        WITH registered AS (
            SELECT lower(trim(email)) AS email, min(source_id) AS customer_id FROM pkg.customers
            WHERE email IS NOT NULL AND NOT is_guest GROUP BY 1
        ),
        orders AS (
            SELECT source_id, nullif(lower(trim(coalesce(customer_address_email, billing_address_email))), '') AS email,
                   trim(coalesce(customer_address_name, ''), {_WS}) AS full_name,
                   customer_address_company, customer_address_address, customer_address_city, customer_address_zipcode,
                   customer_address_region, customer_address_state, customer_address_country, customer_address_phone,
                   created_at
            FROM pkg.orders WHERE customer_source_id IS NULL
        )
        SELECT o.*, r.customer_id AS registered,
               coalesce(r.customer_id, CASE WHEN o.email IS NOT NULL THEN {guest_id_sql('o.email')}
                                            ELSE '{GUEST_PREFIX}order:' || o.source_id END) AS customer_id
        FROM orders o LEFT JOIN registered r ON r.email = o.email""")
    if con.execute("SELECT count(*) FROM _guest_orders").fetchall()[0][0]:
        log.add_query(con, """SELECT 'map', 'orders', source_id, 'info', 'GUEST_ORDER_OF_CUSTOMER', 'customer_source_id',
            'guest order placed with the e-mail of registered customer ' || registered || '; attached to it'
            FROM _guest_orders WHERE registered IS NOT NULL""")
        # the name as 'first rest'; a customer needs an e-mail: an order without one gets an
        # undeliverable placeholder (RFC 6761 .invalid)
        con.execute("""CREATE OR REPLACE TEMP TABLE _guests AS
            SELECT customer_id AS source_id, true AS is_guest,
                   coalesce(email, 'guest-order-' || source_id || '@example.invalid') AS email,
                   split_part(full_name, ' ', 1) AS name,
                   CASE WHEN strpos(full_name, ' ') > 0 THEN substr(full_name, strpos(full_name, ' ') + 1) ELSE '' END AS lastname,
                   customer_address_phone AS phone, false AS newsletter,
                   split_part(full_name, ' ', 1) AS address_name,
                   CASE WHEN strpos(full_name, ' ') > 0 THEN substr(full_name, strpos(full_name, ' ') + 1) ELSE '' END
                       AS address_lastname,
                   customer_address_company AS address_company, customer_address_address AS address_address,
                   customer_address_zipcode AS address_zipcode, customer_address_city AS address_city,
                   customer_address_region AS address_region, customer_address_state AS address_state,
                   customer_address_country AS address_country, created_at,
                   source_id AS first_order, email IS NULL AS placeholder
            FROM _guest_orders WHERE registered IS NULL
            QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY created_at NULLS LAST, source_id) = 1""")
        log.add_query(con, """SELECT 'map', 'customers', source_id, 'info', 'GUEST_CUSTOMER', NULL,
            'guest customer made from order ' || first_order || CASE WHEN placeholder THEN
                ' (no e-mail on the order: placeholder guest-order-' || first_order || '@example.invalid)' ELSE '' END
            FROM _guests""")
        con.execute("INSERT INTO pkg.customers BY NAME SELECT * EXCLUDE (first_order, placeholder) FROM _guests")
        _rewrite(con, "orders", "coalesce(g.customer_id, t.customer_source_id) AS customer_source_id",
                 "LEFT JOIN _guest_orders g ON g.source_id = t.source_id")
        con.execute("DROP TABLE _guests")
    con.execute("DROP TABLE _guest_orders")


def add_uncategorized(con: duckdb.DuckDBPyConnection, log: IssueLog) -> None:
    """Every product needs a category: those without one go to a hidden 'Ukategorisert'."""
    if not has_table(con, "products"):
        return
    # the lists lose what is not a category of the package, each loss reported (check_references
    # would find none left to report); no list becomes an empty one
    has_categories = has_table(con, "categories")
    if has_categories:
        drop_unknown_references(con, log, "products", "category_source_ids", "categories")
    else:  # categories are not migrated (--only): the lists point at nothing by the user's choice
        con.execute("UPDATE pkg.products SET category_source_ids = []::VARCHAR[] WHERE len(category_source_ids) > 0")
    con.execute("UPDATE pkg.products SET category_source_ids = []::VARCHAR[] WHERE category_source_ids IS NULL")
    lonely = log.add_query(con, """SELECT 'check', 'products', source_id, 'warning', 'NO_CATEGORY', 'category_source_ids',
        'product has no category in the package; put in the hidden category ''Ukategorisert'''
        FROM pkg.products WHERE len(category_source_ids) = 0""")
    if not lonely:
        return
    con.execute(f"UPDATE pkg.products SET category_source_ids = ['{UNCATEGORIZED}'] WHERE len(category_source_ids) = 0")
    if has_categories:
        con.execute(f"""INSERT INTO pkg.categories BY NAME SELECT '{UNCATEGORIZED}' AS source_id,
            MAP {{'no': 'Ukategorisert'}} AS name, MAP {{'no': 'ukategorisert'}} AS slug, 0 AS status""")
    log.add("check", "categories", UNCATEGORIZED, "info", "HIDDEN_CATEGORY_ADDED", None,
            f"hidden category 'Ukategorisert' added for {lonely} products without a category")


def drop_unknown_references(con: duckdb.DuckDBPyConnection, log: IssueLog, entity: str, column: str,
                            target: str) -> None:
    """A list reference (product categories, variant option values): an item not in pkg.<target> is
    reported (REFERENCE_MISSING, once per row with its ids in list order) and removed; a NULL item
    (it points at nothing) is removed."""
    list_items(con, entity, column, target)
    log.add_query(con, """SELECT 'check', ?, any_value(source_id), 'warning', 'REFERENCE_MISSING', ?,
        ? || ' points at ' || ? || ' ' || string_agg(CAST(x AS VARCHAR), ', ' ORDER BY k) || ' not in the package; reference removed'
        FROM _items WHERE x IS NOT NULL AND NOT known GROUP BY rid""", [entity, column, column, target])
    drop_unknown_items(con, entity, column)


def list_items(con: duckdb.DuckDBPyConnection, entity: str, column: str, target: str) -> None:
    """TEMP TABLE _items: every item of the lists in pkg.<entity>.<column> (ids of <target>), with
    its row (rid, the rowid), its place in the list (k) and whether <target> has it (known; a NULL
    item is not). Looked up with a join: list_contains over every known id, per item, grew as
    products times categories (0.44 s for 100,000 products among 4,000 categories)."""
    child, parent, col = qualified("pkg", entity), qualified("pkg", target), ident(column)
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _items AS
        SELECT i.rid, i.source_id, i.x, i.k, p.source_id IS NOT NULL AS known
        FROM (SELECT rowid AS rid, source_id, unnest({col}) AS x, generate_subscripts({col}, 1) AS k FROM {child}) AS i
        LEFT JOIN (SELECT DISTINCT source_id FROM {parent} WHERE source_id IS NOT NULL) AS p ON p.source_id = i.x""")


def drop_unknown_items(con: duckdb.DuckDBPyConnection, entity: str, column: str) -> None:
    """The lists of pkg.<entity>.<column> without the items _items (list_items) does not know, in
    their order. An UPDATE joined on the rowid, not a table rewrite: only the rows that lose an item
    are written (all 100,000 of a test's products in 0.5 s with their issues). Drops _items."""
    child, col = qualified("pkg", entity), ident(column)
    try:
        if not con.execute("SELECT EXISTS (SELECT 1 FROM _items WHERE NOT known)").fetchall()[0][0]:
            return  # (an UPDATE changing no row still reads every one)
        # the list's type is the package table's own (information_schema), not the dump's
        list_type = con.execute("SELECT data_type FROM information_schema.columns WHERE table_schema = 'pkg' "
                                "AND table_name = ? AND column_name = ?", [entity, column]).fetchall()[0][0]
        con.execute(f"""UPDATE {child} SET {col} = coalesce(k.kept, CAST([] AS {list_type})) FROM (
            SELECT rid, list(x ORDER BY k) FILTER (WHERE known) AS kept FROM _items
            GROUP BY rid HAVING bool_or(NOT known)) AS k WHERE {child}.rowid = k.rid""")
    finally:
        con.execute("DROP TABLE IF EXISTS _items")


DEFAULT_TAX_CLASS = "dumpkit:vat25"


def add_default_tax_class(con: duckdb.DuckDBPyConnection, log: IssueLog) -> None:
    """Every product needs a tax class: one without (or with one not in the package) gets the
    shop's 25 % class, or a new 'MVA 25%' class when the shop has none."""
    if not has_table(con, "products"):
        return
    has_classes = has_table(con, "tax_classes")
    known = "SELECT source_id FROM pkg.tax_classes" if has_classes else "SELECT NULL::VARCHAR WHERE false"
    lonely = f"tax_class_source_id IS NULL OR tax_class_source_id NOT IN ({known})"
    if not con.execute(f"SELECT count(*) FROM pkg.products WHERE {lonely}").fetchall()[0][0]:
        return
    standard = con.execute("SELECT min(source_id) FROM pkg.tax_classes WHERE tax_rate = 25").fetchall()[0][0] if has_classes else None
    target = standard or DEFAULT_TAX_CLASS
    # the real cause, in words that are the same for every product it affects (one line per cause)
    left_out = sorted(log.source_ids("tax_classes"))
    n = log.add_query(con, f"""SELECT 'check', 'products', source_id, 'warning', 'TAX_CLASS_MISSING', 'tax_class_source_id',
        CASE WHEN tax_class_source_id IS NULL THEN 'product has no tax class in the source'
             WHEN list_contains(?::VARCHAR[], tax_class_source_id) THEN 'tax class ' || tax_class_source_id || ' was left out (see its issue)'
             ELSE 'tax class ' || tax_class_source_id || ' is not in the dump' END
        || '; the product gets MVA 25 % (class ' || ? || ')' FROM pkg.products WHERE {lonely}""", [left_out, target])
    con.execute(f"UPDATE pkg.products SET tax_class_source_id = ? WHERE {lonely}", [target])
    if standard is None and has_classes:
        con.execute(f"""INSERT INTO pkg.tax_classes BY NAME SELECT '{DEFAULT_TAX_CLASS}' AS source_id,
            'MVA 25%' AS title, 'Standard sats (lagt til av dumpkit)' AS description, 25 AS tax_rate""")
        log.add("check", "tax_classes", DEFAULT_TAX_CLASS, "info", "TAX_CLASS_ADDED", None,
                f"tax class 'MVA 25%' added for {n} products without a tax class")


_SLUG = "'[a-z0-9]+(-[a-z0-9]+)*'"  # what slugify() leaves as it is


def _base_sql(value: str) -> str:
    """slugify(value) in SQL: the Python function only for what is not a slug already."""
    return f"CASE WHEN regexp_full_match({value}, {_SLUG}) THEN {value} ELSE slugify({value}) END"


# what a tax class's rate warning says when no product uses the class (then it is only info)
_RATE_CODES = ("VAT_RATE_NOT_NORWEGIAN", "TAX_RATE_CONVERTED", "NO_TAX_RATE", "FIXED_TAX_DROPPED", "VAT_RATE_UNUSUAL")
_PERCENT = re.compile(r"(\d+(?:[.,]\d+)?)\s*%")


def review_tax_classes(con: duckdb.DuckDBPyConnection, log: IssueLog) -> None:
    """A class no product uses changes no price: its rate warnings become info. A title that
    names a percent other than the class's rate ('US-AL Rate (4%)' on a 25 % class) becomes
    'MVA 25%'; the source title goes to the description."""
    if not has_table(con, "tax_classes"):
        return
    used = {r[0] for r in con.execute("SELECT DISTINCT tax_class_source_id FROM pkg.products").fetchall()} if has_table(con, "products") else set()
    log.rewrite(lambda i: replace(i, level="info", message="no product uses this class, so no price depends on it; " + {
                    "NO_TAX_RATE": "it has no rate for the shop's country (0 %)",
                    "FIXED_TAX_DROPPED": "its fixed-amount tax is not carried over"}.get(
                    i.code, "its source rate is not a Norwegian VAT rate and was changed (see the class description)"))
                if i.level == "warning" and i.code in _RATE_CODES and i.source_id not in used else i, entity="tax_classes")
    renamed = []
    for sid, title, description, rate in con.execute(
            "SELECT source_id, title, description, tax_rate FROM pkg.tax_classes ORDER BY source_id").fetchall():
        shown = {Decimal(m.replace(",", ".")) for m in _PERCENT.findall(title or "")}
        if shown and rate not in shown:
            text = f"{rate.normalize():f}"
            note = f"{title}: the source rate {', '.join(f'{s.normalize():f}' for s in sorted(shown))} % is not Norwegian"
            renamed.append((sid, f"MVA {text}%", note if description in (None, "", title) else f"{note}; {description}"))
    if renamed:
        con.register("_titles", pa.table({"sid": [r[0] for r in renamed], "title": [r[1] for r in renamed],
                                          "description": [r[2] for r in renamed]}))
        con.execute("UPDATE pkg.tax_classes SET title = t.title, description = t.description FROM _titles t "
                    "WHERE tax_classes.source_id = t.sid")
        con.unregister("_titles")


def unique_slugs(con: duckdb.DuckDBPyConnection, log: IssueLog) -> None:
    """Slugs are unique per language within products, categories and manufacturers (Mystore URLs
    carry no category path): missing ones come from the name, clashes get -1, -2.

    Records take their turn in the natural order of their ids: a record keeps its base slug when
    it is free, else gets the first free `<base>-<n>`. Numbered in DuckDB: the k-th record of a
    (language, base) gets `<base>-<k-1>`, which is that rule's result unless such a number is
    itself some record's base (a product slugged 'shirt-2' next to three 'shirt's); then
    _number_in_turn() follows the rule record by record, in one linear pass. Retrying from 1 for
    every duplicate was quadratic: 144 s for a shop of 114,000 products."""
    natsort.define(con)
    for entity in ("categories", "manufacturers", "products"):
        if not has_table(con, entity):
            continue
        names = "name" if entity != "manufacturers" else "MAP {'no': name}"
        order = natsort.order_by_in(con, f'pkg."{entity}"', "source_id")
        # one row per record and language (of its slugs or its names)
        con.execute(f"""CREATE OR REPLACE TEMP TABLE _slugs AS
            WITH records AS (
                SELECT source_id, slug, {names} AS names,
                       list_sort(list_distinct(map_keys(coalesce(slug, MAP {{}})) || map_keys(coalesce({names}, MAP {{}}))))
                           AS langs
                FROM pkg."{entity}"
            ),
            rows AS (
                SELECT source_id, len(langs) AS languages, unnest(langs) AS lang, slug, names FROM records
            ),
            based AS (
                SELECT source_id, languages, lang, slug[lang] AS old,
                       coalesce({_base_sql('slug[lang]')}, {_base_sql('names[lang]')}, {_base_sql('source_id')}, 'x') AS base
                FROM rows
            )
            SELECT *, row_number() OVER (PARTITION BY lang, base ORDER BY {order}) - 1 AS n,
                   base || CASE WHEN n > 0 THEN '-' || n ELSE '' END AS slug
            FROM based""")
        clash = con.execute("""SELECT count(*) FROM _slugs a JOIN _slugs b ON b.lang = a.lang AND b.base = a.slug
            WHERE a.n > 0""").fetchall()[0][0]
        if clash:
            _number_in_turn(con, order)
        changed = con.sql("SELECT source_id, lang, old, slug FROM _slugs WHERE old <> '' AND slug <> old").to_arrow_table()
        ids, langs, olds, slugs = (c.to_pylist() for c in changed.columns)
        log.add_many("check", entity, "info", "SLUG_CHANGED", "slug", ids,
                     [f"slug [{lang}] {old!r} became {slug!r} (unique, Mystore URL rules)"
                      for lang, old, slug in zip(langs, olds, slugs)])
        if not con.execute("SELECT count(*) FROM _slugs WHERE slug IS DISTINCT FROM old").fetchall()[0][0]:
            con.execute("DROP TABLE _slugs")  # every slug stays: no rewrite of the records (their texts too)
            continue
        # a record whose slugs change gets them all anew, languages sorted (one language: no aggregate needed)
        _rewrite(con, entity, "coalesce(s.slug, t.slug) AS slug", """LEFT JOIN (
            SELECT source_id, MAP {lang: slug} AS slug FROM _slugs WHERE languages = 1 AND slug IS DISTINCT FROM old
            UNION ALL
            SELECT source_id, map_from_entries(list({'key': lang, 'value': slug} ORDER BY lang)) FROM _slugs
            WHERE languages > 1 GROUP BY source_id HAVING bool_or(slug IS DISTINCT FROM old)) s ON s.source_id = t.source_id""")
        con.execute("DROP TABLE _slugs")


def _first_free(turns: Iterable[tuple[Hashable, Hashable]], candidate: Callable[[Hashable, int], str]) -> list[str]:
    """For each (namespace, base) in turn, the first of candidate(base, 0), candidate(base, 1)...
    not yet taken in its namespace. The number to try first is remembered per (namespace, base):
    what was taken stays taken, so the numbers below it need no second look (one pass, however
    many share a base)."""
    taken: dict[Hashable, set[str]] = {}
    first_free: dict[tuple[Hashable, Hashable], int] = {}
    out = []
    for space, base in turns:
        used = taken.setdefault(space, set())
        n = first_free.get((space, base), 0)
        name = candidate(base, n)
        while name in used:
            n += 1
            name = candidate(base, n)
        first_free[(space, base)] = n + 1
        used.add(name)
        out.append(name)
    return out


def _number_in_turn(con: duckdb.DuckDBPyConnection, order: str) -> None:
    """The slugs of _slugs record by record in natural order: the first free of base, base-1,
    base-2... within the language (_first_free)."""
    rows = con.sql(f"SELECT source_id, lang, base FROM _slugs ORDER BY {order}, lang").to_arrow_table()
    slugs = _first_free(zip(rows.column("lang").to_pylist(), rows.column("base").to_pylist()),
                        lambda base, n: base if n == 0 else f"{base}-{n}")
    con.register("_turns", pa.table({"source_id": rows.column("source_id"), "lang": rows.column("lang"),
                                     "slug": pa.array(slugs, pa.string())}))
    con.execute("""CREATE OR REPLACE TEMP TABLE _slugs AS SELECT s.* REPLACE (u.slug AS slug) FROM _slugs s
        JOIN _turns u ON u.source_id = s.source_id AND u.lang = s.lang""")
    con.unregister("_turns")


def image_file_names(con: duckdb.DuckDBPyConnection) -> None:
    """One file, one name: every row of a source file (a product image repeated as a variant
    image) carries the name its first row has, and two files never share one (-1, -2 before the
    extension). Files take their turn in the natural order of their first image's id and get the
    first free of name, name-1, name-2... Numbered in DuckDB as unique_slugs does: the k-th file
    of a name gets `<stem>-<k-1>.<ext>`, the rule's result unless such a name is itself some
    file's name; then _names_in_turn() follows the rule file by file, in one linear pass."""
    if not has_table(con, "product_images"):
        return
    natsort.define(con)
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _files AS
        WITH files AS (
            SELECT source_url, arg_min(filename, source_id) FILTER (WHERE filename IS NOT NULL) AS name,
                   min(source_id) AS first FROM pkg.product_images GROUP BY source_url
        ), split AS (  -- the stem and '.ext' (from the last dot; none without one)
            SELECT *, CASE WHEN contains(name, '.') THEN regexp_extract(name, '(?s)^(.*)\\.[^.]*$', 1) ELSE name END AS stem,
                   regexp_extract(name, '(?s)\\.[^.]*$') AS ext
            FROM files WHERE name IS NOT NULL
        )
        SELECT *, row_number() OVER (PARTITION BY name ORDER BY {natsort.order_by('first')}) - 1 AS k,
               CASE WHEN k = 0 THEN name ELSE stem || '-' || k || ext END AS file_name
        FROM split""")
    clash = con.execute("SELECT count(*) FROM _files a JOIN _files b ON b.name = a.file_name WHERE a.k > 0").fetchall()[0][0]
    if clash:
        _names_in_turn(con)
    # every row of the file gets it, not only a renamed one
    con.execute("""UPDATE pkg.product_images SET filename = f.file_name FROM _files f
        WHERE product_images.source_url = f.source_url AND product_images.filename IS DISTINCT FROM f.file_name""")
    con.execute("DROP TABLE _files")


def _names_in_turn(con: duckdb.DuckDBPyConnection) -> None:
    """_files' names file by file in natural order of their first image: the first free of name,
    stem-1.ext, stem-2.ext... (_first_free)."""
    files = con.sql(f"SELECT source_url, name, stem, ext FROM _files ORDER BY {natsort.order_by('first')}").to_arrow_table()
    names = _first_free(((None, split) for split in zip(*(files.column(c).to_pylist() for c in ("name", "stem", "ext")))),
                        lambda split, n: split[0] if n == 0 else f"{split[1]}-{n}{split[2]}")
    con.register("_turns", pa.table({"source_url": files.column("source_url"), "file_name": pa.array(names, pa.string())}))
    con.execute("""CREATE OR REPLACE TEMP TABLE _files AS SELECT f.* REPLACE (t.file_name AS file_name) FROM _files f
        JOIN _turns t ON t.source_url = f.source_url""")
    con.unregister("_turns")


def repoint_redirects(con: duckdb.DuckDBPyConnection) -> None:
    """Redirects lead to the final Mystore URL: /products/<slug>, /categories/<slug>,
    /manufacturers/<slug>, with the redirect's own language's slug after unique_slugs
    (the main language's when that language has none)."""
    if not has_table(con, "redirects"):
        return
    entities = [e for e in ("products", "categories", "manufacturers") if has_table(con, e)]
    if not entities:
        return
    # one pass over the redirects (a big shop has half a million), a join per entity
    paths = " ".join(f"WHEN '{e}' THEN '/{e}/' || coalesce(j{i}.slug[t.language], j{i}.slug['no'])"
                     for i, e in enumerate(entities))
    joins = " ".join(f"LEFT JOIN pkg.{e} j{i} ON t.entity = '{e}' AND t.entity_source_id = j{i}.source_id"
                     for i, e in enumerate(entities))
    _rewrite(con, "redirects", f"coalesce(CASE t.entity {paths} END, t.redirect_to) AS redirect_to", joins)


def org_number_valid(value: str) -> bool:
    """Norwegian organisation number: 9 digits, mod-11 check digit with weights 3,2,7,6,5,4,3,2."""
    digits = re.sub(r"\D", "", value or "")
    if len(digits) != 9:
        return False
    s = sum(int(d) * w for d, w in zip(digits[:8], (3, 2, 7, 6, 5, 4, 3, 2)))
    check = 11 - s % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[8])


def clean_org_number(value: str | None) -> str | None:
    if value is None:
        return None
    v = re.sub(r"(?i)^NO|MVA$|\s|\.", "", value.strip())
    return v or None


def hygiene(con: duckdb.DuckDBPyConnection, log: IssueLog, shop_country: str = "NO") -> None:
    """Fill what Mystore would fill silently, flag what it would reject."""
    if has_table(con, "customers"):
        _customer_hygiene(con, log, shop_country)
    if has_table(con, "orders"):
        log.add_query(con, """SELECT 'check', 'orders', source_id, 'warning', 'EMPTY_NAME', 'customer_address_name',
            'order has no customer name; set to ''N/A''' FROM pkg.orders WHERE blank_null(customer_address_name) IS NULL""")
        con.execute("UPDATE pkg.orders SET customer_address_name = 'N/A' WHERE blank_null(customer_address_name) IS NULL")
        log.add_query(con, """SELECT 'check', 'orders', source_id, 'warning', 'EMPTY_COUNTRY', 'customer_address_country',
            'order has no country; set to the shop''s country ' || ? || ' (Mystore would put ''Sweden'')'
            FROM pkg.orders WHERE blank_null(customer_address_country) IS NULL""", [shop_country])
        con.execute("UPDATE pkg.orders SET customer_address_country = ? WHERE blank_null(customer_address_country) IS NULL",
                    [shop_country])
    if has_table(con, "tax_classes"):
        for sid, rate in con.execute(
                "SELECT source_id, tax_rate FROM pkg.tax_classes WHERE tax_rate NOT IN (25, 15, 12, 11.11, 0)").fetchall():
            log.add("check", "tax_classes", sid, "warning", "VAT_RATE_UNUSUAL", "tax_rate",
                    f"VAT rate {rate} % is not a Norwegian rate (25, 15, 12, 11.11, 0)")


def _customer_hygiene(con, log: IssueLog, shop_country: str) -> None:
    con.execute("UPDATE pkg.customers SET email = lower(trim(email)) WHERE email IS NOT NULL")
    emails = con.sql("SELECT source_id, email FROM pkg.customers").to_arrow_table()
    for sid, email in zip(*(c.to_pylist() for c in emails.columns)):
        if not _EMAIL.match(email or ""):
            log.add("check", "customers", sid, "warning", "INVALID_EMAIL", "email", f"e-mail {email!r} is not a valid address")
    # one customer per e-mail in Mystore: keep the first registered, point the others' orders at it
    con.execute("""CREATE OR REPLACE TEMP TABLE _dupes AS SELECT source_id AS sid, keep, email FROM (
        SELECT source_id, email, first_value(source_id) OVER (PARTITION BY email
            ORDER BY is_guest, created_at NULLS LAST, source_id) AS keep
        FROM pkg.customers WHERE blank_null(email) IS NOT NULL) WHERE source_id <> keep""")
    if log.add_query(con, """SELECT 'check', 'customers', sid, 'warning', 'DUPLICATE_EMAIL', 'email',
            'e-mail ' || email || ' also belongs to customer ' || keep || '; merged into it (its orders move there)'
            FROM _dupes"""):
        if has_table(con, "orders"):
            _rewrite(con, "orders", "coalesce(d.keep, t.customer_source_id) AS customer_source_id",
                     "LEFT JOIN _dupes d ON d.sid = t.customer_source_id")
        con.execute("CREATE OR REPLACE TABLE pkg.customers AS SELECT * FROM pkg.customers t "
                    "WHERE NOT EXISTS (SELECT 1 FROM _dupes d WHERE d.sid = t.source_id)")
    con.execute("DROP TABLE _dupes")
    for field in ("name", "lastname"):
        log.add_query(con, f"""SELECT 'check', 'customers', source_id, 'warning', 'EMPTY_NAME', '{field}',
            'customer has no {field}; set to ''N/A''' FROM pkg.customers WHERE blank_null({field}) IS NULL""")
        con.execute(f"UPDATE pkg.customers SET {field} = 'N/A' WHERE blank_null({field}) IS NULL")
    log.add_query(con, """SELECT 'check', 'customers', source_id, 'warning', 'EMPTY_COUNTRY', 'address_country',
        'customer has no country; set to the shop''s country ' || ? || ' (Mystore would put ''Sweden'')'
        FROM pkg.customers WHERE blank_null(address_country) IS NULL""", [shop_country])
    con.execute("UPDATE pkg.customers SET address_country = ? WHERE blank_null(address_country) IS NULL", [shop_country])
    for prefix in ("address_", "billing_address_"):
        zc, cc = prefix + "zipcode", prefix + "country"
        # Norwegian postcodes are 4 digits, leading zero kept ("0150 Oslo")
        con.execute(f"""UPDATE pkg.customers SET {zc} = lpad(regexp_replace({zc}, '\\s', '', 'g'), 4, '0')
            WHERE {cc} = 'NO' AND regexp_matches(trim({zc}), '^\\d{{3,4}}$')""")
        for sid, z in con.execute(f"""SELECT source_id, {zc} FROM pkg.customers
                WHERE {cc} = 'NO' AND {zc} IS NOT NULL AND NOT regexp_matches({zc}, '^\\d{{4}}$')""").fetchall():
            log.add("check", "customers", sid, "warning", "INVALID_POSTCODE", zc, f"Norwegian postcode {z!r} is not 4 digits")
        on = prefix + "company_number"
        cleaned_ids, cleaned = [], []
        for sid, v in con.execute(f"SELECT source_id, {on} FROM pkg.customers WHERE blank_null({on}) IS NOT NULL").fetchall():
            number = clean_org_number(v)
            if not org_number_valid(number):
                log.add("check", "customers", sid, "warning", "INVALID_ORG_NUMBER", on,
                        f"organisation number {v!r} fails the mod-11 check")
            elif number != v:
                cleaned_ids.append(sid)
                cleaned.append(number)
        if cleaned_ids:
            con.register("_cleaned", pa.table({"sid": pa.array(cleaned_ids, pa.string()), "number": pa.array(cleaned, pa.string())}))
            _rewrite(con, "customers", f"coalesce(c.number, t.{on}) AS {on}", "LEFT JOIN _cleaned c ON c.sid = t.source_id")
            con.unregister("_cleaned")
