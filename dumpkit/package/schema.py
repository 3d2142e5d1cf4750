"""The load package contract, defined once.

A load package is a directory with one Parquet file per target entity
(`<entity>.parquet`, always present, possibly with zero rows), a `manifest.json`
and an `issues.jsonl`. This module is the single definition of the Parquet
schemas; docs/load-package.md shows the same field tables (rendered by
`describe_markdown`, a test keeps them in step).

Public API:
    SCHEMA_VERSION              "major.minor" of this contract
    ENTITIES                    entity name -> pa.Schema, in load (dependency) order
    REFERENCES                  (entity, column) -> referenced entity
    POLYMORPHIC_REFERENCES      (entity, column) -> (discriminator column, allowed entities)
    KEY_ENTITIES                the six entities accounted for in the reconciliation
    MAIN_LANGUAGE, VAT_RATES, ORDER_TOTAL_CLASSES, REDIRECT_ENTITIES
    MANIFEST_FIELDS, ISSUE_FIELDS, ISSUE_LEVELS, ISSUE_PHASES
    validate(entity, table)     -> list of human-readable problems (empty = valid)
    conform(entity, table)      -> table cast/reordered to the exact schema, or ValueError
    file_name(entity), required_fields(entity), describe_markdown(entity)

Type conventions: ids are strings; money is decimal128(18, 4), net of VAT, in
NOK (manifest `currency.amounts` says otherwise only for a package written with
--keep-currency or a demo without a rate; the `*_gross` audit fields stay in the
source's currency); VAT rates are decimal128(5, 2) percent; localised text is
map<string, string> from language code to text with the main language under
"no"; timestamps are timestamp[us, tz=UTC] (instants; the loader renders them
in Europe/Oslo); integers are int32.

Field metadata (bytes keys/values, kept in the Parquet file):
    required    "true" or "false" (required fields are also non-nullable)
    description what the field means
    mystore     the Mystore API v2 attribute or relationship it feeds ("-" = not loaded)
    confidence  high / medium / low: how sure the reference research is of that API field
    enum        allowed values, comma separated (checked by validate)
"""
from __future__ import annotations

from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc

# 1.1 adds only optional fields (orders.internal_note; manifest `currency`; issues `table`,
# `technical`): a 1.0 reader ignores them, and conform() gives a 1.0 package the new columns as nulls
# 1.2 adds `change` and `changed_fields` to every entity (set in a delta package, null in a full one)
SCHEMA_VERSION = "1.2"

MAIN_LANGUAGE = "no"
VAT_RATES = ("25", "15", "12", "11.11", "0")
ORDER_TOTAL_CLASSES = ("subtotal", "shipping", "fee", "discount", "tax", "total")
REDIRECT_ENTITIES = ("products", "categories", "manufacturers")

ID = pa.string()
TEXT = pa.string()
LOC = pa.map_(pa.string(), pa.string())
IDS = pa.list_(pa.string())
MONEY = pa.decimal128(18, 4)
RATE = pa.decimal128(5, 2)
FX_RATE = pa.decimal128(14, 6)
WEIGHT = pa.decimal128(18, 4)
INT = pa.int32()
BOOL = pa.bool_()
TS = pa.timestamp("us", tz="UTC")
DATE = pa.date32()

NOT_LOADED = "-"


def _f(name: str, type_: pa.DataType, description: str, *, required: bool = False,
       mystore: str = NOT_LOADED, confidence: str = "", enum: tuple[str, ...] = ()) -> pa.Field:
    metadata = {
        "required": "true" if required else "false",
        "description": description,
        "mystore": mystore,
        "confidence": confidence,
    }
    if enum:
        metadata["enum"] = ",".join(enum)
    return pa.field(name, type_, nullable=not required, metadata=metadata)


def _source_id(description: str) -> pa.Field:
    return _f("source_id", ID, description, required=True,
              mystore="- (loader id map key)")


def _stamps(resource: str, confidence: str, *names: str) -> list[pa.Field]:
    meaning = {
        "created_at": "When the record was created in the source.",
        "updated_at": "When the record was last changed in the source.",
    }
    return [_f(n, TS, meaning[n], mystore=f"{resource}.{n}", confidence=confidence)
            for n in (names or ("created_at", "updated_at"))]


def _schema(entity: str, fields: list[pa.Field]) -> pa.Schema:
    return pa.schema(fields, metadata={
        "dumpkit.entity": entity,
        "dumpkit.schema_version": SCHEMA_VERSION,
    })


_ADDRESS_MEANING = {
    "name": "First name.",
    "lastname": "Last name.",
    "company": "Company name.",
    "company_co": "c/o line.",
    "company_number": "Norwegian org.nr: 9 digits, spaces, 'NO' and 'MVA' stripped.",
    "address": "Street address; source lines 1 and 2 joined with ', '.",
    "zipcode": "Postcode as text; 4 digits for Norway, leading zero kept.",
    "city": "City.",
    "region": "Region or county.",
    "state": "State or province.",
    "country": "ISO 3166-1 alpha-2 code, upper case (Mystore's own format is unknown; the "
               "loader converts).",
    "phone": "Phone; E.164 (+47 and 8 digits) for Norwegian numbers, else as in the source.",
    "email": "E-mail address, trimmed and lower-cased.",
}
_CUSTOMER_ADDRESS = ("name", "lastname", "company", "company_co", "company_number", "address",
                     "zipcode", "city", "region", "state", "country")


def _customer_address(prefix: str, required: tuple[str, ...], note: str) -> list[pa.Field]:
    out = []
    for suffix in _CUSTOMER_ADDRESS:
        meaning = _ADDRESS_MEANING[suffix]
        if suffix == "country" and required:
            meaning += " Never empty: the shop's country when the source has none."
        out.append(_f(f"{prefix}_{suffix}", TEXT, f"{note} {meaning}", required=suffix in required,
                      mystore=f"customers.{prefix}_{suffix}",
                      confidence="low" if suffix == "country" else "high"))
    return out


def _order_address(prefix: str, suffixes: tuple[str, ...], required: tuple[str, ...],
                   note: str) -> list[pa.Field]:
    out = []
    for suffix in suffixes:
        meaning = "Full name (one field)." if suffix == "name" else _ADDRESS_MEANING[suffix]
        if suffix in required:
            meaning += (" Never empty: Mystore would fill "
                        + ("'Sweden'." if suffix == "country" else "'N/A'."))
        out.append(_f(f"{prefix}_{suffix}", TEXT, f"{note} {meaning}", required=suffix in required,
                      mystore=f"orders.{prefix}_{suffix}",
                      confidence="low" if suffix == "country" else "medium"))
    return out


_STATUS_01 = ("0", "1")

ENTITIES: dict[str, pa.Schema] = {
    "tax_classes": _schema("tax_classes", [
        _source_id("Source tax class or tax rule group id."),
        _f("title", TEXT, "Display title, e.g. 'MVA 25%'.", required=True,
           mystore="tax-classes.title", confidence="medium"),
        _f("description", TEXT, "Description; the title again when the source has none.",
           required=True, mystore="tax-classes.description", confidence="medium"),
        _f("tax_rate", RATE, "VAT percent, a rate valid in Norway.",
           required=True, mystore="tax-classes.tax_rate", confidence="medium", enum=VAT_RATES),
        *_stamps("tax-classes", "medium"),
    ]),
    "manufacturers": _schema("manufacturers", [
        _source_id("Source manufacturer or brand id."),
        _f("name", TEXT, "Brand name; plain text, not localised.", required=True,
           mystore="manufacturers.name", confidence="high"),
        _f("slug", LOC, "URL slug per language ([a-z0-9-]), unique among manufacturers.",
           required=True, mystore="manufacturers.slug", confidence="high"),
        _f("description", LOC, "Description, HTML.", mystore="manufacturers.description",
           confidence="high"),
        _f("url", LOC, "The manufacturer's own website (not a slug).",
           mystore="manufacturers.url", confidence="high"),
        _f("meta_title", LOC, "SEO title.", mystore="manufacturers.meta_title", confidence="high"),
        _f("meta_description", LOC, "SEO description.", mystore="manufacturers.meta_description",
           confidence="high"),
        _f("image_source_url", TEXT,
           "Logo to fetch: absolute URL, or path relative to the source shop root. "
           "The loader uploads it and sets the file name.",
           mystore="manufacturers.image (after upload)", confidence="low"),
        _f("sort", INT, "Sort order.", mystore="manufacturers.sort", confidence="high"),
        *_stamps("manufacturers", "high"),
    ]),
    "categories": _schema("categories", [
        _source_id("Source category id; the synthetic `dumpkit:uncategorized` holds products "
                   "that have no category."),
        _f("parent_source_id", ID, "Parent category; null for a top-level category.",
           mystore="categories rel parent", confidence="high"),
        _f("name", LOC, "Category name.", required=True, mystore="categories.name",
           confidence="high"),
        _f("slug", LOC, "URL slug per language ([a-z0-9-]), unique among categories.",
           required=True, mystore="categories.slug", confidence="high"),
        _f("description", LOC, "Description, HTML.", mystore="categories.description",
           confidence="high"),
        _f("meta_title", LOC, "SEO title.", mystore="categories.meta_title", confidence="high"),
        _f("meta_description", LOC, "SEO description.", mystore="categories.meta_description",
           confidence="high"),
        _f("image_source_url", TEXT,
           "Image to fetch: absolute URL, or path relative to the source shop root.",
           mystore="categories.image (after upload)", confidence="low"),
        _f("status", INT, "1 = active, 0 = inactive.", required=True,
           mystore="categories.status", confidence="medium", enum=_STATUS_01),
        _f("sort", INT, "Sort order among siblings.", mystore="categories.sort",
           confidence="high"),
        *_stamps("categories", "high"),
    ]),
    "product_options": _schema("product_options", [
        _source_id("Source option group id (attribute, option or variant dimension)."),
        _f("name", LOC, "Option name, e.g. {'no': 'Farge'}.", required=True,
           mystore="product-options.name", confidence="medium"),
        _f("track_stock", BOOL, "True when stock is kept per variant of this option.",
           required=True, mystore="product-options.track_stock (0/1)", confidence="medium"),
        _f("sort", INT, "Sort order.", mystore="product-options.sort", confidence="medium"),
    ]),
    "product_option_values": _schema("product_option_values", [
        _source_id("Source option value id."),
        _f("option_source_id", ID, "The option this value belongs to.", required=True,
           mystore="product-option-values rel product-options", confidence="high"),
        _f("name", LOC, "Value name, e.g. {'no': 'Rød'}.", required=True,
           mystore="product-option-values.name", confidence="high"),
        _f("sort", INT, "Sort order within the option.", mystore="product-option-values.sort",
           confidence="medium"),
    ]),
    "products": _schema("products", [
        _source_id("Source product id (the parent for products with variants)."),
        _f("sku", TEXT, "Article number (Artikkelnummer); unique when present.",
           mystore="products.sku", confidence="high"),
        _f("ean", TEXT, "GTIN-8/12/13/14, digits only.", mystore="products.ean",
           confidence="high"),
        _f("manufacturer_sku", TEXT, "The manufacturer's article number.",
           mystore="products.manufacturer_sku", confidence="high"),
        _f("name", LOC, "Product name.", required=True, mystore="products.name",
           confidence="high"),
        _f("slug", LOC, "URL slug per language ([a-z0-9-]), unique among all products "
           "(no category path); duplicates get -1, -2.", required=True,
           mystore="products.slug", confidence="high"),
        _f("description", LOC, "Description, HTML: the long description, with a short description "
           "(PrestaShop description_short, WooCommerce excerpt) that says something more as its first "
           "paragraph; Mystore has no short-description field.", mystore="products.description",
           confidence="high"),
        _f("meta_title", LOC, "SEO title.", mystore="products.meta_title", confidence="high"),
        _f("meta_description", LOC, "SEO description.", mystore="products.meta_description",
           confidence="high"),
        _f("meta_keywords", LOC, "SEO keywords.", mystore="products.meta_keywords",
           confidence="high"),
        _f("price", MONEY, "Price net of VAT, NOK.", required=True, mystore="products.price",
           confidence="medium"),
        _f("price_gross", MONEY, "Audit: the source price incl. VAT, in the source's currency.",
           mystore=NOT_LOADED),
        _f("cost", MONEY, "Purchase price (innpris), net, NOK; null when the source has none "
           "(a wholesale price of 0 is 'not set').", mystore="products.cost", confidence="high"),
        _f("tax_class_source_id", ID, "The product's tax class.", required=True,
           mystore="products rel tax-class", confidence="high"),
        _f("manufacturer_source_id", ID, "The product's manufacturer.",
           mystore="products rel manufacturer", confidence="high"),
        _f("category_source_ids", IDS, "At least one category; `dumpkit:uncategorized` "
           "when the source has none.", required=True, mystore="products rel categories",
           confidence="high"),
        _f("quantity", INT, "Stock; null when the source does not track stock. Ignored by "
           "Mystore when the product has variants.", mystore="products.quantity",
           confidence="high"),
        _f("status", INT, "1 = active, 0 = inactive (also a product hidden in the source shop, or "
           "sold elsewhere: an external/affiliate product).", required=True, mystore="products.status",
           confidence="high", enum=_STATUS_01),
        _f("weight", WEIGHT, "Weight in grams; null when the source has none (0 is 'not set').",
           mystore="products.weight", confidence="low"),
        _f("location", TEXT, "Stock location (lagerplassering).", mystore="products.location",
           confidence="high"),
        _f("date_available", TS, "Date the product becomes available.",
           mystore="products.date_available", confidence="low"),
        _f("sort", INT, "Sort order.", mystore="products.sort", confidence="high"),
        *_stamps("products", "high"),
    ]),
    "product_variants": _schema("product_variants", [
        _source_id("Source variant or combination id."),
        _f("product_source_id", ID, "The parent product.", required=True,
           mystore="product-variants rel product", confidence="high"),
        _f("option_value_source_ids", IDS, "The combination: one option value per option, "
           "unique within the product.", required=True,
           mystore="product-variants rel product-attributes (one per product and value)",
           confidence="medium"),
        _f("sku", TEXT, "Variant article number.", mystore="product-variants.sku",
           confidence="high"),
        _f("ean", TEXT, "GTIN-8/12/13/14, digits only.", mystore="product-variants.ean",
           confidence="high"),
        _f("quantity", INT, "Stock; null when the source does not track stock.",
           mystore="product-variants.quantity", confidence="high"),
        _f("cost", MONEY, "Purchase price, net, NOK.", mystore="product-variants.cost",
           confidence="high"),
        _f("price_difference", MONEY, "Variant net price minus the product's net price "
           "(signed, 0 when equal).", required=True,
           mystore="product-attributes.option_values_price and _prefix", confidence="low"),
        _f("price_gross", MONEY, "Audit: the source's own variant price incl. VAT, in the source's "
           "currency.", mystore=NOT_LOADED),
        _f("disabled", BOOL, "True when the variant is not for sale.", required=True,
           mystore="product-variants.disabled", confidence="high"),
    ]),
    "product_images": _schema("product_images", [
        _source_id("Source image id, or `<product_source_id>/<n>` when the source has none."),
        _f("product_source_id", ID, "The product.", required=True,
           mystore="products.image ... image8", confidence="high"),
        _f("variant_source_id", ID, "Set when the image belongs to one variant.",
           mystore="product-attributes.image", confidence="medium"),
        _f("position", INT, "1-based order within the product (or variant); 1 = main image. "
           "Positions above 8 are not loaded.", required=True,
           mystore="slot: 1 = image, 2..8 = image2..image8", confidence="high"),
        _f("source_url", TEXT, "File to fetch: absolute URL, or path relative to the source "
           "shop root.", required=True, mystore=NOT_LOADED),
        _f("filename", TEXT, "Suggested target file name, [A-Za-z0-9._-]: one per source file "
           "(rows of the same source_url, a product image repeated as a variant image, share it; "
           "two files never do).", mystore="value of products.image* (upload path unknown)",
           confidence="low"),
    ]),
    "product_specials": _schema("product_specials", [
        _source_id("Source special price id."),
        _f("product_source_id", ID, "The product.", required=True,
           mystore="product-specials rel product", confidence="medium"),
        _f("specials_price", MONEY, "Sale price net of VAT, NOK.", required=True,
           mystore="product-specials.specials_price", confidence="low"),
        _f("price_gross", MONEY, "Audit: the source sale price incl. VAT, in the source's currency.",
           mystore=NOT_LOADED),
        _f("status", INT, "1 = active, 0 = inactive.", required=True,
           mystore="product-specials.status", confidence="medium", enum=_STATUS_01),
        _f("starts_at", TS, "Start of the offer (Mystore has no start field).",
           mystore=NOT_LOADED),
        _f("expires_at", TS, "End of the offer; null = no end.",
           mystore="product-specials.expires_at", confidence="medium"),
        *_stamps("product-specials", "medium", "created_at"),
    ]),
    "customers": _schema("customers", [
        _source_id("Source customer id; synthetic guests: `dumpkit:guest:` + first 16 hex "
                   "digits of sha256(lower-cased e-mail)."),
        _f("is_guest", BOOL, "True for a guest: synthetic from guest orders, or a source "
           "guest account.", required=True, mystore=NOT_LOADED),
        _f("email", TEXT, _ADDRESS_MEANING["email"], required=True, mystore="customers.email",
           confidence="high"),
        _f("name", TEXT, "First name.", required=True, mystore="customers.name",
           confidence="high"),
        _f("lastname", TEXT, "Last name.", required=True, mystore="customers.lastname",
           confidence="high"),
        _f("gender", TEXT, "'m' or 'f'; null when unknown.", mystore="customers.gender",
           confidence="low"),
        _f("dob", DATE, "Date of birth.", mystore="customers.dob", confidence="high"),
        _f("phone", TEXT, _ADDRESS_MEANING["phone"], mystore="customers.phone",
           confidence="high"),
        _f("newsletter", BOOL, "Subscribed to the newsletter.", required=True,
           mystore="customers.newsletter (0/1)", confidence="high"),
        _f("billing_email", TEXT, "Invoice e-mail when different from email.",
           mystore="customers.billing_email", confidence="high"),
        *_customer_address("address", ("country",), "Main address."),
        *_customer_address("billing_address", (), "Billing address (all null = same as main)."),
        _f("extra_addresses", TEXT, "JSON array of further address-book entries "
           "(objects with source_id and the address suffixes as keys). Not loaded.",
           mystore=NOT_LOADED),
        _f("last_login", TS, "Last login in the source.", mystore="customers.last_login",
           confidence="high"),
        *_stamps("customers", "high"),
    ]),
    "orders": _schema("orders", [
        _source_id("Source order id."),
        _f("reference", TEXT, "The order number the customer saw in the source.",
           required=True, mystore="orders.reference", confidence="low"),
        _f("customer_source_id", ID, "The customer (a synthetic guest customer for guest "
           "orders).", required=True, mystore="orders rel customer", confidence="medium"),
        _f("order_status", TEXT, "Mystore status name after the status mapping, e.g. "
           "'Sendt'.", required=True, mystore="orders rel order_status (by name)",
           confidence="medium"),
        _f("source_status", TEXT, "Audit: the status code in the source.", mystore=NOT_LOADED),
        *_order_address("customer_address", ("name", "company", "address", "region", "city",
                                             "zipcode", "state", "country", "phone", "email"),
                        ("name", "country"), "Customer."),
        *_order_address("shipping_address", ("name", "company", "address", "region", "city",
                                             "zipcode", "state", "country"), (), "Delivery."),
        *_order_address("billing_address", ("name", "company", "address", "region", "city",
                                            "zipcode", "state", "country", "email"), (),
                        "Billing."),
        _f("company_number", TEXT, _ADDRESS_MEANING["company_number"],
           mystore="orders.company_number", confidence="medium"),
        _f("payment_method", TEXT, "Payment method name as shown, verbatim.",
           mystore="orders.payment_method", confidence="medium"),
        _f("payment_module", TEXT, "Payment module code in the source, verbatim.",
           mystore="orders.payment_module", confidence="medium"),
        _f("shipping_method", TEXT, "Shipping method name as shown, verbatim.",
           mystore="orders.shipping_method", confidence="medium"),
        _f("tracking_number", TEXT, "Shipment tracking number.",
           mystore="orders.tracking_number", confidence="medium"),
        _f("currency", TEXT, "ISO 4217 code the order was placed in (money columns are NOK "
           "regardless).", required=True, mystore="orders.currency", confidence="medium"),
        _f("currency_value", FX_RATE, "Rate from NOK to currency: units of the order's currency "
           "for 1 NOK (0.085470 for EUR at 11.70 NOK per EUR); 1 for NOK.", required=True,
           mystore="orders.currency_value", confidence="medium"),
        _f("created_at", TS, "When the order was placed.", required=True,
           mystore="orders.created_at", confidence="medium"),
        *_stamps("orders", "medium", "updated_at"),
        _f("finished_at", TS, "When the order was completed.", mystore="orders.finished_at",
           confidence="medium"),
        _f("internal_note", TEXT, "The shop's private note on the order, never shown to the customer "
           "(PrestaShop's order note and private messages). Not loaded: no Mystore order attribute is "
           "known to hold it. The customer's own comment is the first order_status_history row.",
           mystore=NOT_LOADED),
    ]),
    "order_lines": _schema("order_lines", [
        _source_id("Source order line id."),
        _f("order_source_id", ID, "The order.", required=True,
           mystore="order-products rel order (name unknown)", confidence="low"),
        _f("product_source_id", ID, "The product; null when it no longer exists.",
           mystore="order-products rel product (name unknown)", confidence="low"),
        _f("variant_source_id", ID, "The variant; null when none or gone.",
           mystore="order-products rel product-variant (name unknown)", confidence="low"),
        _f("name", TEXT, "Product name at order time, as on the order.", required=True,
           mystore="order-products (osCommerce products_name)", confidence="low"),
        _f("sku", TEXT, "Article number at order time.",
           mystore="order-products (osCommerce products_model)", confidence="low"),
        _f("options", LOC, "Chosen options as option name to value name (not localised).",
           mystore="order-product-attributes", confidence="low"),
        _f("quantity", INT, "Quantity ordered.", required=True,
           mystore="order-products (osCommerce products_quantity)", confidence="low"),
        _f("unit_price", MONEY, "Net unit price charged: line_total / quantity.",
           required=True, mystore="order-products (osCommerce final_price)", confidence="low"),
        _f("tax_rate", RATE, "VAT percent charged, as in the source (historical rates kept).",
           required=True, mystore="order-products (osCommerce products_tax)", confidence="low"),
        _f("line_total", MONEY, "Net line total after line discounts (authoritative).",
           required=True, mystore="- (checks)"),
        _f("line_total_gross", MONEY, "Audit: the source line total incl. VAT, in the source's "
           "currency.", mystore=NOT_LOADED),
    ]),
    "order_totals": _schema("order_totals", [
        _source_id("Source total row id, or `<order_source_id>/<class>/<n>`."),
        _f("order_source_id", ID, "The order.", required=True,
           mystore="order-totals rel order (name unknown)", confidence="low"),
        _f("class", TEXT, "Kind of row; loaded as `ot_<class>`.", required=True,
           mystore="order-totals (osCommerce class)", confidence="low",
           enum=ORDER_TOTAL_CLASSES),
        _f("title", TEXT, "Label as shown on the order, e.g. 'Frakt', 'MVA 25%'.",
           required=True, mystore="order-totals (osCommerce title)", confidence="low"),
        _f("value", MONEY, "NOK, signed. subtotal, shipping, fee, discount: net (discount "
           "negative); tax: the VAT amount; total: the gross amount.", required=True,
           mystore="order-totals (osCommerce value)", confidence="low"),
        _f("tax_rate", RATE, "VAT percent: set on tax rows (one row per rate) and on taxed "
           "shipping, fee and discount rows.", mystore=NOT_LOADED),
        _f("sort_order", INT, "Display order.", mystore="order-totals (osCommerce sort_order)",
           confidence="low"),
    ]),
    "order_status_history": _schema("order_status_history", [
        _source_id("Source history row id, or `<order_source_id>/<n>`."),
        _f("order_source_id", ID, "The order.", required=True,
           mystore="order-status-history rel order (name unknown)", confidence="low"),
        _f("order_status", TEXT, "Mystore status name after the status mapping.",
           required=True, mystore="order-status-history (status)", confidence="low"),
        _f("source_status", TEXT, "Audit: the status code in the source.", mystore=NOT_LOADED),
        _f("created_at", TS, "When the status was set.", required=True,
           mystore="order-status-history.created_at", confidence="low"),
        _f("customer_notified", BOOL, "The customer was notified at the time.", required=True,
           mystore="order-status-history (customer_notified)", confidence="low"),
        _f("comments", TEXT, "Comment; the order's checkout comment is the first row.",
           mystore="order-status-history (comments)", confidence="low"),
    ]),
    "redirects": _schema("redirects", [
        _source_id("Equal to redirect_from, so a path claimed twice is a duplicate."),
        _f("redirect_from", TEXT, "Old path: leading '/', no scheme or host; query kept "
           "when it identifies the page.", required=True, mystore="redirects.redirect_from",
           confidence="medium"),
        _f("redirect_to", TEXT, "New path: `/products/<slug>`, `/categories/<slug>` or "
           "`/manufacturers/<slug>`.", required=True, mystore="redirects.redirect_to",
           confidence="medium"),
        _f("code", INT, "HTTP status, always 301.", required=True, mystore="redirects.code",
           confidence="medium", enum=("301",)),
        _f("language", TEXT, "Language of the target slug.", required=True,
           mystore="redirects.language", confidence="medium"),
        _f("entity", TEXT, "Entity of the target.", required=True, mystore=NOT_LOADED,
           enum=REDIRECT_ENTITIES),
        _f("entity_source_id", ID, "source_id of the target in that entity.", required=True,
           mystore=NOT_LOADED),
    ]),
}

# 1.2: the rows of a delta package (`dumpkit delta`, dumpkit/delta/) say what happened to the
# record since the base package; a full package leaves both null. Documented once in
# docs/load-package.md ("Delta packages"), not in every entity's table.
CHANGES = ("new", "changed", "deleted")
CHANGE_FIELDS = (
    _f("change", TEXT, "Delta packages: new, changed or deleted since the base package; null in a full package.",
       enum=CHANGES),
    _f("changed_fields", IDS, "Delta packages, change 'changed': the fields whose value differs from the "
       "base package's (dumpkit/delta/rules.py decides what counts)."),
)
ENTITIES = {entity: _schema(entity, [*schema, *CHANGE_FIELDS]) for entity, schema in ENTITIES.items()}
CHANGE_NAMES = tuple(f.name for f in CHANGE_FIELDS)

REFERENCES: dict[tuple[str, str], str] = {
    ("categories", "parent_source_id"): "categories",
    ("product_option_values", "option_source_id"): "product_options",
    ("products", "tax_class_source_id"): "tax_classes",
    ("products", "manufacturer_source_id"): "manufacturers",
    ("products", "category_source_ids"): "categories",
    ("product_variants", "product_source_id"): "products",
    ("product_variants", "option_value_source_ids"): "product_option_values",
    ("product_images", "product_source_id"): "products",
    ("product_images", "variant_source_id"): "product_variants",
    ("product_specials", "product_source_id"): "products",
    ("orders", "customer_source_id"): "customers",
    ("order_lines", "order_source_id"): "orders",
    ("order_lines", "product_source_id"): "products",
    ("order_lines", "variant_source_id"): "product_variants",
    ("order_totals", "order_source_id"): "orders",
    ("order_status_history", "order_source_id"): "orders",
}

# A reference whose target entity is named by another column of the same row.
POLYMORPHIC_REFERENCES: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {
    ("redirects", "entity_source_id"): ("entity", REDIRECT_ENTITIES),
}

KEY_ENTITIES: tuple[str, ...] = (
    "tax_classes", "manufacturers", "categories", "products", "customers", "orders")

MANIFEST_FIELDS: dict[str, str] = {
    "schema_version": "SCHEMA_VERSION the files follow, e.g. '1.0'.",
    "dumpkit_version": "Version of dumpkit that wrote the package.",
    "created_at": "When the package was written, RFC 3339 UTC, e.g. '2026-11-26T10:00:00Z'.",
    "source": "The dump: {file_name, size (bytes), sha256 (hex)}.",
    "platform": "Detected source platform, e.g. 'woocommerce'.",
    "platform_version": "Detected platform version or range, null when unknown.",
    "table_prefix": "Detected table prefix, '' when none.",
    "currency": "What the money is in: {amounts: 'NOK' (or the source currency with "
                "--keep-currency / a demo without a rate), shop_currency, rates: {code: NOK for one "
                "unit, as given}, kept, not_converted: [codes without a rate]}.",
    "options": "Every option that shaped the output (languages: source code -> package key, "
               "source timezone, currency rates, default country, status mapping, demo seed...), "
               "as JSON.",
    "counts": "Rows per entity file, all entities, in load order.",
    "files": "Every file of the package but manifest.json: {name: {size (bytes), sha256 (hex)}}; "
             "readers refuse a package whose files do not match (dumpkit.package.verify.check_package).",
    "base": "Delta packages: the package compared with: {path, manifest_sha256, created_at, source}; the delta "
            "applies onto a shop loaded from exactly that package.",
    "full": "Delta packages: the newer dump's full package in the subfolder `full/`: {path, manifest_sha256}.",
    "delta": "Delta packages: per entity {new, changed, deleted, fields: {field: rows changed}} and the "
             "references of new and changed rows to new ones (`brought_along`).",
}

ISSUE_FIELDS: dict[str, str] = {
    "phase": "Where it was found: one of ISSUE_PHASES.",
    "entity": "Package entity name, or null for dump-level problems.",
    "source_id": "source_id of the row concerned, or null.",
    "level": "One of ISSUE_LEVELS.",
    "code": "Stable UPPER_SNAKE code, e.g. EMPTY_REQUIRED_FIELD.",
    "field": "Package field concerned, or null.",
    "message": "One human-readable sentence, the same for every record of one cause (the record "
               "is in source_id).",
    "table": "Source table of a dump-level (stage) issue, or null.",
    "technical": "True for a staging note on a table no mapping reads: it changes nothing in the "
                 "package; reports list these apart.",
}
ISSUE_LEVELS = ("error", "warning", "info")
ISSUE_PHASES = ("read", "stage", "map", "check", "package", "delta")


# ---------------------------------------------------------------- helpers

def _entity_schema(entity: str) -> pa.Schema:
    try:
        return ENTITIES[entity]
    except KeyError:
        raise ValueError(f"unknown entity {entity!r}; known: {', '.join(ENTITIES)}") from None


def file_name(entity: str) -> str:
    """The entity's file name inside a load package."""
    _entity_schema(entity)
    return f"{entity}.parquet"


def required_fields(entity: str) -> list[str]:
    """Names of the entity's required (non-nullable) fields, in schema order."""
    return [f.name for f in _entity_schema(entity) if not f.nullable]


def _meta(field: pa.Field, key: str) -> str:
    return (field.metadata or {}).get(key.encode(), b"").decode()


def _type_label(t: pa.DataType) -> str:
    if t == LOC:
        return "map<string,string>"
    if pa.types.is_list(t):
        return f"list<{_type_label(t.value_type)}>"
    if pa.types.is_decimal(t):
        return f"decimal({t.precision},{t.scale})"
    if pa.types.is_timestamp(t):
        return f"timestamp[{t.unit}, {t.tz}]" if t.tz else f"timestamp[{t.unit}]"
    if t == BOOL:
        return "bool"
    if t == DATE:
        return "date"
    return str(t)


def describe_markdown(entity: str) -> str:
    """The entity's field table as Markdown (the tables in docs/load-package.md)."""
    rows = ["| field | type | req | meaning | Mystore API field | conf. |",
            "|---|---|---|---|---|---|"]
    for field in _entity_schema(entity):
        if field.name in CHANGE_NAMES:  # one section for every entity's
            continue
        meaning = _meta(field, "description")
        if _meta(field, "enum"):
            meaning += f" Allowed: {_meta(field, 'enum').replace(',', ', ')}."
        rows.append("| {} | {} | {} | {} | {} | {} |".format(
            f"`{field.name}`", _type_label(field.type), "yes" if not field.nullable else "",
            meaning, _meta(field, "mystore"), _meta(field, "confidence")))
    return "\n".join(rows)


def _base(t: pa.DataType) -> pa.DataType:
    return t.value_type if pa.types.is_dictionary(t) else t


def _is_string(t: pa.DataType) -> bool:
    t = _base(t)
    return (pa.types.is_string(t) or pa.types.is_large_string(t)
            or pa.types.is_string_view(t))


def _compatible(src: pa.DataType, dst: pa.DataType) -> bool:
    """Whether values of type src may stand for dst at all (before checking the data)."""
    src = _base(src)
    if pa.types.is_null(src) or src == dst:
        return True
    if _is_string(dst):
        return _is_string(src)
    if pa.types.is_integer(dst):
        return pa.types.is_integer(src)
    if pa.types.is_decimal(dst):
        return pa.types.is_decimal(src) or pa.types.is_integer(src)
    if pa.types.is_timestamp(dst):
        return pa.types.is_timestamp(src) and src.tz is not None
    if pa.types.is_date(dst):
        return pa.types.is_date(src)
    if pa.types.is_map(dst):
        return (pa.types.is_map(src) and _compatible(src.key_type, dst.key_type)
                and _compatible(src.item_type, dst.item_type))
    if pa.types.is_list(dst):
        return ((pa.types.is_list(src) or pa.types.is_large_list(src)
                 or pa.types.is_list_view(src) or pa.types.is_large_list_view(src))
                and _compatible(src.value_type, dst.value_type))
    return False


def _why_incompatible(src: pa.DataType, dst: pa.DataType) -> str:
    src = _base(src)
    if pa.types.is_timestamp(dst) and pa.types.is_timestamp(src):
        return "timestamps must carry a time zone (naive source times are ambiguous)"
    if pa.types.is_decimal(dst) and pa.types.is_floating(src):
        return "floating point is inexact for money: use a decimal"
    return "incompatible types"


def _cast(col: pa.ChunkedArray, dst: pa.DataType) -> pa.ChunkedArray:
    """Safe (exact) cast; raises pa.ArrowInvalid and friends when values would change."""
    if col.type == dst:
        return col
    if pa.types.is_decimal(dst) and pa.types.is_integer(_base(col.type)):
        col = col.cast(pa.decimal128(38, dst.scale), safe=True)
    return col.cast(dst, safe=True)


def _cast_problem(col: pa.ChunkedArray, dst: pa.DataType) -> tuple[pa.ChunkedArray | None, str]:
    if not _compatible(col.type, dst):
        return None, (f"type {col.type} cannot hold {_type_label(dst)} "
                      f"({_why_incompatible(col.type, dst)})")
    try:
        return _cast(col, dst), ""
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError) as exc:
        return None, f"cannot cast {col.type} to {_type_label(dst)} exactly: {exc}"


# Arrow scalars made once: turning a Python value into one tries to import dateutil each time,
# a search of the import path per call that cost more than the checks on a big shop
_FALSE, _EMPTY, _MAIN, _ONE = pa.scalar(False), pa.scalar(""), pa.scalar(MAIN_LANGUAGE), pa.scalar(1, pa.int64())


def _as_mask(arr) -> pa.ChunkedArray:
    return pc.fill_null(arr, _FALSE)


def _where(mask: pa.ChunkedArray, source_ids: pa.ChunkedArray | None, limit: int = 5) -> str:
    """'N row(s), e.g. source_id 'a', 'b'' (or row numbers when ids are unusable)."""
    mask = _as_mask(mask)
    n = pc.sum(mask).as_py() or 0
    if source_ids is not None:
        sample = [repr(v) for v in pc.filter(source_ids, mask).slice(0, limit).to_pylist()]
        what = "source_id " + ", ".join(sample)
    else:
        idx = pc.indices_nonzero(mask.combine_chunks() if isinstance(mask, pa.ChunkedArray)
                                 else mask)
        what = "row " + ", ".join(str(i) for i in idx.slice(0, limit).to_pylist())
    more = ", ..." if n > limit else ""
    return f"{n} row(s), e.g. {what}{more}"


def _blank(strings) -> pa.ChunkedArray:
    return pc.equal(pc.utf8_trim_whitespace(strings), _EMPTY)


def _content_problems(entity: str, field: pa.Field, col: pa.ChunkedArray,
                      source_ids: pa.ChunkedArray | None) -> list[str]:
    name = f"{entity}.{field.name}"
    problems = []
    required = not field.nullable
    if required and col.null_count:
        problems.append(f"{name}: required but null in {_where(pc.is_null(col), source_ids)}")
    t = field.type
    if required and pa.types.is_string(t):
        blank = _blank(col)
        if pc.any(_as_mask(blank)).as_py():
            problems.append(f"{name}: required but blank in {_where(blank, source_ids)}")
    if pa.types.is_map(t):
        if any(chunk.items.null_count for chunk in col.chunks):
            problems.append(f"{name}: map holds null values (leave the key out instead)")
        if required:
            main = pc.map_lookup(col, _MAIN, "first")
            lacking = pc.and_(pc.is_valid(col), pc.or_(pc.is_null(main), _as_mask(_blank(main))))
            if pc.any(lacking).as_py():
                problems.append(f"{name}: required but has no text for the main language "
                                f"{MAIN_LANGUAGE!r} in {_where(lacking, source_ids)}")
    if pa.types.is_list(t):
        if pc.list_flatten(col).null_count:
            problems.append(f"{name}: list holds null elements")
        if required:
            empty = pc.equal(pc.list_value_length(col), 0)
            if pc.any(_as_mask(empty)).as_py():
                problems.append(f"{name}: required but empty in {_where(empty, source_ids)}")
    allowed = _meta(field, "enum")
    if allowed:
        values = allowed.split(",")
        if pa.types.is_decimal(t):
            value_set = pa.array([Decimal(v) for v in values], t)
        elif pa.types.is_integer(t):
            value_set = pa.array([int(v) for v in values], t)
        else:
            value_set = pa.array(values, t)
        bad = pc.and_(pc.is_valid(col), pc.invert(pc.is_in(col, value_set=value_set)))
        if pc.any(bad).as_py():
            seen = sorted({str(v) for v in pc.filter(col, bad).to_pylist()})[:5]
            problems.append(f"{name}: value(s) {', '.join(seen)} not allowed (allowed: "
                            f"{', '.join(values)}) in {_where(bad, source_ids)}")
    return problems


# ---------------------------------------------------------------- public checks

def validate(entity: str, table: pa.Table) -> list[str]:
    """Check `table` against the entity's schema and return the problems found.

    Checks: column names (missing, unexpected, repeated), types (each column
    castable exactly to its schema type), required fields (no nulls; text not
    blank; localised maps with text under the main language; lists not empty),
    allowed values (enum metadata), no null list elements or map values, and
    unique source_id. An empty list means the table is a valid package file
    once `conform`ed (it needs no cast when written through `conform`).
    """
    schema = _entity_schema(entity)
    problems: list[str] = []
    names = table.column_names
    expected = schema.names
    repeated = sorted({n for n in names if names.count(n) > 1})
    for n in repeated:
        problems.append(f"{entity}: column {n!r} appears {names.count(n)} times")
    for field in schema:
        if field.name not in names and not field.nullable:
            problems.append(f"{entity}: missing required column {field.name!r} "
                            f"({_type_label(field.type)})")
    optional = [f.name for f in schema if f.nullable and f.name not in names]
    if optional:
        problems.append(f"{entity}: missing optional column(s) "
                        f"{', '.join(map(repr, optional))} (conform() adds them as nulls)")
    for n in names:
        if n not in expected:
            problems.append(f"{entity}: unexpected column {n!r} (not in schema "
                            f"{SCHEMA_VERSION})")

    columns: dict[str, pa.ChunkedArray] = {}
    for field in schema:
        if field.name not in names or field.name in repeated:
            continue
        cast, problem = _cast_problem(table.column(field.name), field.type)
        if problem:
            problems.append(f"{entity}.{field.name}: {problem}")
        else:
            columns[field.name] = cast

    source_ids = columns.get("source_id")
    for field in schema:
        if field.name in columns:
            problems.extend(_content_problems(entity, field, columns[field.name], source_ids))

    if source_ids is not None and len(source_ids):
        counts = pc.value_counts(source_ids.drop_null())
        counts = counts.filter(pc.greater(counts.field("counts"), _ONE))
        dupes = [(c["values"], c["counts"]) for c in counts.to_pylist()]
        if dupes:
            sample = ", ".join(f"{v!r} x{n}" for v, n in dupes[:5])
            more = ", ..." if len(dupes) > 5 else ""
            problems.append(f"{entity}.source_id: {len(dupes)} duplicate value(s): "
                            f"{sample}{more}")
    return problems


def conform(entity: str, table: pa.Table) -> pa.Table:
    """Return `table` with exactly the entity's schema: columns in schema order,
    cast exactly (no value may change), missing nullable columns added as nulls,
    schema and field metadata attached.

    Raises ValueError listing every reason when that is not possible: unknown
    entity, unexpected or repeated columns, missing required columns, types that
    cannot be cast exactly, nulls in required fields. Content rules (blank
    names, duplicates, allowed values) are `validate`'s job.
    """
    schema = _entity_schema(entity)
    names = table.column_names
    errors: list[str] = []
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        errors.append(f"repeated column(s): {', '.join(repeated)}")
    unexpected = [n for n in names if n not in schema.names]
    if unexpected:
        errors.append(f"unexpected column(s) {', '.join(map(repr, unexpected))}: "
                      f"not in schema {SCHEMA_VERSION}, drop or rename them")
    arrays: list[pa.ChunkedArray] = []
    for field in schema:
        if field.name not in names:
            if field.nullable:
                arrays.append(pa.chunked_array([pa.nulls(table.num_rows, field.type)],
                                               type=field.type))
            else:
                errors.append(f"missing required column {field.name!r}")
            continue
        if field.name in repeated:
            continue
        cast, problem = _cast_problem(table.column(field.name), field.type)
        if problem:
            errors.append(f"{field.name}: {problem}")
            continue
        if not field.nullable and cast.null_count:
            errors.append(f"{field.name}: required but {cast.null_count} null value(s)")
            continue
        arrays.append(cast)
    if errors:
        raise ValueError(f"cannot conform table to {entity} schema {SCHEMA_VERSION}:\n  - "
                         + "\n  - ".join(errors))
    return pa.Table.from_arrays(arrays, schema=schema)
