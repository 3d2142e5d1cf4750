"""Generic steps after the platform mappings, the same for every platform.

They make the mapped rows loadable into Mystore: guest orders get a customer,
products without a category go to a hidden "Ukategorisert", slugs are unique
per language, and the fields Mystore would otherwise fill with defaults
("N/A", "Sweden") are filled knowingly and logged.
"""
from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import replace
from decimal import Decimal

import duckdb
import pyarrow as pa

from ..issues import IssueLog
from ..sqlnames import ident
from .functions import slugify

UNCATEGORIZED = "dumpkit:uncategorized"
GUEST_PREFIX = "dumpkit:guest:"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _exists(con, entity: str) -> bool:
    return bool(con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'pkg' AND table_name = ?", [entity]
    ).fetchall()[0][0])


def _rows(con, sql: str, params=None) -> list[dict]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def guest_id(email: str | None, order_id: str) -> str:
    if email:
        return GUEST_PREFIX + hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]
    return GUEST_PREFIX + "order:" + order_id


def add_guest_customers(con: duckdb.DuckDBPyConnection, log: IssueLog) -> None:
    """Orders without a customer get one per e-mail (Mystore skips orders without a customer).
    A guest whose e-mail belongs to a registered customer is that customer."""
    if not (_exists(con, "orders") and _exists(con, "customers")):
        return
    registered = {r["email"]: r["source_id"] for r in _rows(
        con, "SELECT lower(trim(email)) AS email, min(source_id) AS source_id FROM pkg.customers "
             "WHERE email IS NOT NULL AND NOT is_guest GROUP BY 1")}
    orders = _rows(con, """SELECT source_id, lower(trim(coalesce(customer_address_email, billing_address_email))) AS email,
        customer_address_name, customer_address_company, customer_address_address, customer_address_city,
        customer_address_zipcode, customer_address_region, customer_address_state, customer_address_country,
        customer_address_phone, created_at
        FROM pkg.orders WHERE customer_source_id IS NULL ORDER BY created_at, source_id""")
    if not orders:
        return
    assign, guests = {}, {}
    for o in orders:
        email = o["email"] or None
        if email and email in registered:
            assign[o["source_id"]] = registered[email]
            log.add("map", "orders", o["source_id"], "info", "GUEST_ORDER_OF_CUSTOMER", "customer_source_id",
                    f"guest order placed with the e-mail of registered customer {registered[email]}; attached to it")
            continue
        gid = guest_id(email, o["source_id"])
        assign[o["source_id"]] = gid
        if gid not in guests:
            first, _, last = (o["customer_address_name"] or "").strip().partition(" ")
            guests[gid] = {
                # a customer needs an e-mail: an order without one gets an undeliverable placeholder (RFC 6761 .invalid)
                "source_id": gid, "is_guest": True, "email": email or f"guest-order-{o['source_id']}@example.invalid",
                "name": first, "lastname": last,
                "phone": o["customer_address_phone"], "newsletter": False,
                "address_name": first, "address_lastname": last, "address_company": o["customer_address_company"],
                "address_address": o["customer_address_address"], "address_zipcode": o["customer_address_zipcode"],
                "address_city": o["customer_address_city"], "address_region": o["customer_address_region"],
                "address_state": o["customer_address_state"], "address_country": o["customer_address_country"],
                "created_at": o["created_at"],
            }
            log.add("map", "customers", gid, "info", "GUEST_CUSTOMER", None,
                    f"guest customer made from order {o['source_id']}" + ("" if email else
                    f" (no e-mail on the order: placeholder guest-order-{o['source_id']}@example.invalid)"))
    cols = [r[0] for r in con.execute("DESCRIBE pkg.customers").fetchall()]
    types = {r[0]: r[1] for r in con.execute("DESCRIBE pkg.customers").fetchall()}
    if guests:
        table = pa.table({c: [g.get(c) for g in guests.values()] for c in cols if any(c in g for g in guests.values())})
        con.register("_guests", table)
        sel = ", ".join(f"CAST({'_guests.' + ident(c) if c in table.column_names else 'NULL'} AS {types[c]}) AS {ident(c)}"
                        for c in cols)
        con.execute(f"INSERT INTO pkg.customers SELECT {sel} FROM _guests")
        con.unregister("_guests")
    con.register("_assign", pa.table({"order_id": list(assign), "customer_id": list(assign.values())}))
    con.execute("UPDATE pkg.orders SET customer_source_id = a.customer_id FROM _assign a WHERE orders.source_id = a.order_id")
    con.unregister("_assign")


def add_uncategorized(con: duckdb.DuckDBPyConnection, log: IssueLog) -> None:
    """Every product needs a category: those without one go to a hidden 'Ukategorisert'."""
    if not _exists(con, "products"):
        return
    has_categories = _exists(con, "categories")
    known = "SELECT source_id FROM pkg.categories" if has_categories else "SELECT NULL::VARCHAR WHERE false"
    # DuckDB 2 allows no subquery inside a lambda: the known ids come in as one list
    con.execute(f"""UPDATE pkg.products SET category_source_ids =
        list_filter(coalesce(category_source_ids, []::VARCHAR[]), lambda c: list_contains(_k.known, c))
        FROM (SELECT coalesce(list(x), []::VARCHAR[]) AS known FROM ({known}) AS _q(x)) AS _k""")
    lonely = [r[0] for r in con.execute(
        "SELECT source_id FROM pkg.products WHERE len(category_source_ids) = 0 ORDER BY source_id").fetchall()]
    if not lonely:
        return
    for sid in lonely:
        log.add("check", "products", sid, "warning", "NO_CATEGORY", "category_source_ids",
                "product has no category in the package; put in the hidden category 'Ukategorisert'")
    con.execute(f"UPDATE pkg.products SET category_source_ids = ['{UNCATEGORIZED}'] WHERE len(category_source_ids) = 0")
    if has_categories:
        con.execute(f"""INSERT INTO pkg.categories BY NAME SELECT '{UNCATEGORIZED}' AS source_id,
            MAP {{'no': 'Ukategorisert'}} AS name, MAP {{'no': 'ukategorisert'}} AS slug, 0 AS status""")
    log.add("check", "categories", UNCATEGORIZED, "info", "HIDDEN_CATEGORY_ADDED", None,
            f"hidden category 'Ukategorisert' added for {len(lonely)} products without a category")


DEFAULT_TAX_CLASS = "dumpkit:vat25"


def add_default_tax_class(con: duckdb.DuckDBPyConnection, log: IssueLog) -> None:
    """Every product needs a tax class: one without (or with one not in the package) gets the
    shop's 25 % class, or a new 'MVA 25%' class when the shop has none."""
    if not _exists(con, "products"):
        return
    has_classes = _exists(con, "tax_classes")
    known = "SELECT source_id FROM pkg.tax_classes" if has_classes else "SELECT NULL::VARCHAR WHERE false"
    lonely = [r[0] for r in con.execute(f"""SELECT source_id FROM pkg.products
        WHERE tax_class_source_id IS NULL OR tax_class_source_id NOT IN ({known}) ORDER BY source_id""").fetchall()]
    if not lonely:
        return
    standard = con.execute("SELECT min(source_id) FROM pkg.tax_classes WHERE tax_rate = 25").fetchall()[0][0] if has_classes else None
    target = standard or DEFAULT_TAX_CLASS
    left_out = log.source_ids("tax_classes")
    for sid, cid in _tax_class_refs(con, lonely):
        # the real cause, in words that are the same for every product it affects (one line per cause)
        why = ("product has no tax class in the source" if cid is None else
               f"tax class {cid} was left out (see its issue)" if cid in left_out else
               f"tax class {cid} is not in the dump")
        log.add("check", "products", sid, "warning", "TAX_CLASS_MISSING", "tax_class_source_id",
                f"{why}; the product gets MVA 25 % (class {target})")
    con.execute(f"""UPDATE pkg.products SET tax_class_source_id = ?
        WHERE tax_class_source_id IS NULL OR tax_class_source_id NOT IN ({known})""", [target])
    if standard is None and has_classes:
        con.execute(f"""INSERT INTO pkg.tax_classes BY NAME SELECT '{DEFAULT_TAX_CLASS}' AS source_id,
            'MVA 25%' AS title, 'Standard sats (lagt til av dumpkit)' AS description, 25 AS tax_rate""")
        log.add("check", "tax_classes", DEFAULT_TAX_CLASS, "info", "TAX_CLASS_ADDED", None,
                f"tax class 'MVA 25%' added for {len(lonely)} products without a tax class")


def _tax_class_refs(con, products: list[str]) -> list[tuple[str, str | None]]:
    con.register("_lonely", pa.table({"sid": products}))
    refs = con.execute("SELECT p.source_id, p.tax_class_source_id FROM pkg.products p JOIN _lonely l ON l.sid = p.source_id "
                       "ORDER BY p.source_id").fetchall()
    con.unregister("_lonely")
    return refs


# what a tax class's rate warning says when no product uses the class (then it is only info)
_RATE_CODES = ("VAT_RATE_NOT_NORWEGIAN", "TAX_RATE_CONVERTED", "NO_TAX_RATE", "FIXED_TAX_DROPPED", "VAT_RATE_UNUSUAL")
_PERCENT = re.compile(r"(\d+(?:[.,]\d+)?)\s*%")


def review_tax_classes(con: duckdb.DuckDBPyConnection, log: IssueLog) -> None:
    """A class no product uses changes no price: its rate warnings become info. A title that
    names a percent other than the class's rate ('US-AL Rate (4%)' on a 25 % class) becomes
    'MVA 25%'; the source title goes to the description."""
    if not _exists(con, "tax_classes"):
        return
    used = {r[0] for r in con.execute("SELECT DISTINCT tax_class_source_id FROM pkg.products").fetchall()} if _exists(con, "products") else set()
    log.items = [replace(i, level="info", message="no product uses this class, so no price depends on it; " + {
                     "NO_TAX_RATE": "it has no rate for the shop's country (0 %)",
                     "FIXED_TAX_DROPPED": "its fixed-amount tax is not carried over"}.get(
                     i.code, "its source rate is not a Norwegian VAT rate and was changed (see the class description)"))
                 if i.entity == "tax_classes" and i.level == "warning" and i.code in _RATE_CODES and i.source_id not in used
                 else i for i in log.items]
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
    carry no category path): missing ones come from the name, clashes get -1, -2."""
    for entity in ("categories", "manufacturers", "products"):
        if not _exists(con, entity):
            continue
        name_is_map = entity != "manufacturers"
        rows = _rows(con, f"SELECT source_id, slug, name FROM pkg.{entity} ORDER BY source_id")
        rows.sort(key=lambda r: _natural(r["source_id"]))
        used: dict[str, set] = defaultdict(set)
        changed = []
        for r in rows:
            names = dict(r["name"] or {}) if name_is_map else {"no": r["name"]}
            slugs = dict(r["slug"] or {})
            new = {}
            for lang in sorted(set(slugs) | set(names)):
                base = slugify(slugs.get(lang)) or slugify(names.get(lang)) or slugify(r["source_id"]) or "x"
                slug, n = base, 0
                while slug in used[lang]:
                    n += 1
                    slug = f"{base}-{n}"
                used[lang].add(slug)
                new[lang] = slug
                if slugs.get(lang) and slug != slugs[lang]:
                    log.add("check", entity, r["source_id"], "info", "SLUG_CHANGED", "slug",
                            f"slug [{lang}] {slugs[lang]!r} became {slug!r} (unique, Mystore URL rules)")
            if new != slugs:
                changed.append((r["source_id"], new))
        if changed:
            table = pa.table({"sid": [c[0] for c in changed],
                              "slug": pa.array([list(c[1].items()) for c in changed], pa.map_(pa.string(), pa.string()))})
            con.register("_slugs", table)
            con.execute(f"UPDATE pkg.{entity} SET slug = s.slug FROM _slugs s WHERE {entity}.source_id = s.sid")
            con.unregister("_slugs")


def image_file_names(con: duckdb.DuckDBPyConnection) -> None:
    """One file, one name: every row of a source file (a product image repeated as a variant
    image) carries the name its first row has, and two files never share one (-1, -2 before the
    extension)."""
    if not _exists(con, "product_images"):
        return
    files = con.execute("""SELECT source_url, arg_min(filename, source_id) FILTER (WHERE filename IS NOT NULL) AS name,
        min(source_id) AS first FROM pkg.product_images GROUP BY source_url""").fetchall()
    used, names = set(), {}
    for url, name, _ in sorted(files, key=lambda f: _natural(f[2])):
        if name is None:
            continue
        stem, dot, ext = name.rpartition(".") if "." in name else (name, "", "")
        candidate, n = name, 0
        while candidate in used:
            n += 1
            candidate = f"{stem}-{n}{dot}{ext}"
        used.add(candidate)
        names[url] = candidate
    if names:
        con.register("_names", pa.table({"url": list(names), "name": list(names.values())}))
        con.execute("UPDATE pkg.product_images SET filename = n.name FROM _names n WHERE product_images.source_url = n.url")
        con.unregister("_names")


def repoint_redirects(con: duckdb.DuckDBPyConnection) -> None:
    """Redirects lead to the final Mystore URL: /products/<slug>, /categories/<slug>,
    /manufacturers/<slug>, with the redirect's own language's slug after unique_slugs
    (the main language's when that language has none)."""
    if not _exists(con, "redirects"):
        return
    for entity in ("products", "categories", "manufacturers"):
        if _exists(con, entity):
            con.execute(f"""UPDATE pkg.redirects SET redirect_to = '/{entity}/' || coalesce(e.slug[redirects.language], e.slug['no'])
                FROM pkg.{entity} e WHERE redirects.entity = '{entity}' AND redirects.entity_source_id = e.source_id
                AND coalesce(e.slug[redirects.language], e.slug['no']) IS NOT NULL""")


def _natural(s: str):
    return [(0, int(t), "") if t.isdigit() else (1, 0, t) for t in re.split(r"(\d+)", s or "") if t]


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
    if _exists(con, "customers"):
        _customer_hygiene(con, log, shop_country)
    if _exists(con, "orders"):
        for sid, field in [(r[0], f) for f in ("customer_address_name",) for r in con.execute(
                f"SELECT source_id FROM pkg.orders WHERE blank_null({f}) IS NULL").fetchall()]:
            log.add("check", "orders", sid, "warning", "EMPTY_NAME", field, "order has no customer name; set to 'N/A'")
        con.execute("UPDATE pkg.orders SET customer_address_name = 'N/A' WHERE blank_null(customer_address_name) IS NULL")
        for (sid,) in con.execute("SELECT source_id FROM pkg.orders WHERE blank_null(customer_address_country) IS NULL").fetchall():
            log.add("check", "orders", sid, "warning", "EMPTY_COUNTRY", "customer_address_country",
                    f"order has no country; set to the shop's country {shop_country} (Mystore would put 'Sweden')")
        con.execute("UPDATE pkg.orders SET customer_address_country = ? WHERE blank_null(customer_address_country) IS NULL",
                    [shop_country])
    if _exists(con, "tax_classes"):
        for sid, rate in con.execute(
                "SELECT source_id, tax_rate FROM pkg.tax_classes WHERE tax_rate NOT IN (25, 15, 12, 11.11, 0)").fetchall():
            log.add("check", "tax_classes", sid, "warning", "VAT_RATE_UNUSUAL", "tax_rate",
                    f"VAT rate {rate} % is not a Norwegian rate (25, 15, 12, 11.11, 0)")


def _customer_hygiene(con, log: IssueLog, shop_country: str) -> None:
    con.execute("UPDATE pkg.customers SET email = lower(trim(email)) WHERE email IS NOT NULL")
    for r in _rows(con, "SELECT source_id, email FROM pkg.customers ORDER BY source_id"):
        if not _EMAIL.match(r["email"] or ""):
            log.add("check", "customers", r["source_id"], "warning", "INVALID_EMAIL", "email",
                    f"e-mail {r['email']!r} is not a valid address")
    # one customer per e-mail in Mystore: keep the first registered, point the others' orders at it
    dupes = _rows(con, """SELECT source_id, email, first_value(source_id) OVER (PARTITION BY email
        ORDER BY is_guest, created_at NULLS LAST, source_id) AS keep FROM pkg.customers WHERE blank_null(email) IS NOT NULL""")
    drop = [(d["source_id"], d["keep"], d["email"]) for d in dupes if d["source_id"] != d["keep"]]
    for sid, keep, email in drop:
        log.add("check", "customers", sid, "warning", "DUPLICATE_EMAIL", "email",
                f"e-mail {email} also belongs to customer {keep}; merged into it (its orders move there)")
    if drop:
        con.register("_dupes", pa.table({"sid": [d[0] for d in drop], "keep": [d[1] for d in drop]}))
        if _exists(con, "orders"):
            con.execute("UPDATE pkg.orders SET customer_source_id = d.keep FROM _dupes d WHERE orders.customer_source_id = d.sid")
        con.execute("DELETE FROM pkg.customers WHERE source_id IN (SELECT sid FROM _dupes)")
        con.unregister("_dupes")
    for field in ("name", "lastname"):
        for (sid,) in con.execute(f"SELECT source_id FROM pkg.customers WHERE blank_null({field}) IS NULL").fetchall():
            log.add("check", "customers", sid, "warning", "EMPTY_NAME", field, f"customer has no {field}; set to 'N/A'")
        con.execute(f"UPDATE pkg.customers SET {field} = 'N/A' WHERE blank_null({field}) IS NULL")
    for (sid,) in con.execute("SELECT source_id FROM pkg.customers WHERE blank_null(address_country) IS NULL").fetchall():
        log.add("check", "customers", sid, "warning", "EMPTY_COUNTRY", "address_country",
                f"customer has no country; set to the shop's country {shop_country} (Mystore would put 'Sweden')")
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
        for sid, v in con.execute(f"SELECT source_id, {on} FROM pkg.customers WHERE blank_null({on}) IS NOT NULL").fetchall():
            cleaned = clean_org_number(v)
            if not org_number_valid(cleaned):
                log.add("check", "customers", sid, "warning", "INVALID_ORG_NUMBER", on,
                        f"organisation number {v!r} fails the mod-11 check")
            elif cleaned != v:
                con.execute(f"UPDATE pkg.customers SET {on} = ? WHERE source_id = ?", [cleaned, sid])
