"""EVERY ASSUMPTION ABOUT MYSTORE'S REST API v2, IN ONE PLACE.

Nothing here has been checked against a live Mystore shop. Each fact carries the
confidence the research gives it (shared/reference/mystore-target.md, Part 1 and the
addendum of 2026-12-07): high = several sources or verified on a live store, medium = one
credible source, low = a guess (mostly from Mystore's osCommerce heritage).

The loader (dumpkit/load), `dumpkit verify`, `dumpkit mystore-check` and the simulator
(dumpkit/mystore/simulator.py) all read this module and nothing else about the API, so a
correction after `dumpkit mystore-check` against a real shop is a change to this file only:
a resource path, an attribute or relationship name, a value format, the batch payload, the
image upload, the rate limit.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Callable
from zoneinfo import ZoneInfo

# ---------------------------------------------------------------- transport

DEFAULT_API_URL = "https://api.mystore.no"           # high (garnly, MsConnection, PowerOffice sync)
SHOP_PATH = "shops/{shop}/"                          # high: https://api.mystore.no/shops/<shop>/<resource>
MEDIA_TYPE = "application/vnd.api+json"              # high (JSON:API)
PLAIN_JSON = "application/json"                      # medium: batch, image upload, settings
USER_AGENT = "dumpkit-loader (+https://www.mystore.no migration)"  # low: send one anyway
RATE_LIMIT_PER_MINUTE = 120                          # medium-high: per token, 429 above it
RATE_WINDOW_SECONDS = 60                             # medium-low: a one-minute window
RETRY_AFTER_DEFAULT = 5.0                            # medium: garnly waits 5 s after a 429 without Retry-After
PAGE_SIZE = 100                                      # high: 50 and 100 work on live shops; the maximum is unknown
RATE_HEADERS = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "retry-after")  # unknown: none seen
SHOP_TIMEZONE = ZoneInfo("Europe/Oslo")              # medium: MsConnection sends local 'YYYY-MM-DD HH:MM:SS'
MAIN_LANGUAGE = "no"                                 # high: Mystore's code, not 'nb'


def shop_base_url(api_url: str, shop: str) -> str:
    """https://api.mystore.no/shops/<shop>/ for the shop's internal name."""
    return api_url.rstrip("/") + "/" + SHOP_PATH.format(shop=shop)


def page_params(number: int, size: int = PAGE_SIZE) -> dict[str, str]:
    return {"page[number]": str(number), "page[size]": str(size)}       # high


def filter_params(key: dict[str, str]) -> dict[str, str]:
    """filter[<attr>][path]=<attr>&filter[<attr>][value]=<v> (medium-high, the delta-sync form);
    filtering on a relationship id the same way is a guess (low)."""
    params = {}
    for name, value in key.items():
        params[f"filter[{name}][path]"] = name
        params[f"filter[{name}][value]"] = value
    return params


def fields_param(type_: str, names) -> dict[str, str]:
    """Sparse fieldset: fields[products]=sku,name (high; an unknown name is a 400)."""
    return {f"fields[{type_}]": ",".join(names)}


def error_details(body: Any) -> list[str]:
    """JSON:API errors[] with title, status, detail (medium)."""
    if isinstance(body, dict) and isinstance(body.get("errors"), list):
        out = []
        for e in body["errors"]:
            if isinstance(e, dict):
                out.append(str(e.get("detail") or e.get("title") or e))
        return out
    return []


# ---------------------------------------------------------------- value formats

def fmt_text(v):
    return None if v is None else str(v)


def fmt_loc(v):
    """Localised text: {"no": ..., "en": ...} (high). Parquet hands maps over as pairs."""
    if v is None:
        return None
    items = v.items() if isinstance(v, dict) else v
    out = {k: t for k, t in items if t is not None}
    return out or None


def fmt_decimal(v):
    """Money and rates as decimal strings, exact (low: the API's number format is unknown;
    currency_value reads back as the string '1.000000')."""
    return None if v is None else format(Decimal(v), "f")


def fmt_int(v):
    return None if v is None else int(v)


def fmt_flag(v):
    """Flags as 0/1 (medium: osCommerce tinyints; product status 0 = inactive is verified)."""
    return None if v is None else int(bool(v))


def fmt_time(v):
    """Instants as 'YYYY-MM-DD HH:MM:SS' in Europe/Oslo (low-medium, MsConnection's format)."""
    if v is None:
        return None
    if isinstance(v, datetime):
        return v.astimezone(SHOP_TIMEZONE).strftime("%Y-%m-%d %H:%M:%S")
    return str(v)


def fmt_date(v):
    return None if v is None else (v.isoformat() if isinstance(v, date) else str(v))


def fmt_country(v):
    """ISO 3166-1 alpha-2 as it is (unknown: Mystore may want names; change it here)."""
    return None if v is None else str(v).upper()


FORMATS: dict[str, Callable[[Any], Any]] = {
    "text": fmt_text, "loc": fmt_loc, "decimal": fmt_decimal, "int": fmt_int, "flag": fmt_flag,
    "time": fmt_time, "date": fmt_date, "country": fmt_country, "raw": lambda v: v,
}


# ---------------------------------------------------------------- resources

@dataclass(frozen=True)
class Attr:
    api: str            # attribute name in Mystore
    column: str | None  # package column it comes from (None: filled by the builder)
    kind: str = "text"  # key of FORMATS
    conf: str = "high"


@dataclass(frozen=True)
class Rel:
    api: str            # relationship name in Mystore
    column: str         # package column (or derived row key) holding the source id(s)
    target: str         # ledger entity the id map resolves it in
    type: str           # JSON:API type of the related resource
    many: bool = False
    conf: str = "high"


@dataclass(frozen=True)
class Resource:
    entity: str         # ledger entity: a package entity, or one the loader derives
    path: str           # collection path under the shop
    type: str           # JSON:API type
    attrs: tuple[Attr, ...]
    rels: tuple[Rel, ...] = ()
    required: tuple[str, ...] = ()     # attribute/relationship names the API insists on
    unique: tuple[str, ...] = ()       # attributes the shop keeps unique (loc: per language)
    natural_key: tuple[str, ...] = ()  # how an unconfirmed create is found again
    conf: str = "high"                 # that the resource exists and is writable like this
    meta: dict = field(default_factory=dict)  # top-level request meta on create
    read_only: bool = False

    def attr_names(self) -> list[str]:
        return [a.api for a in self.attrs]

    def rel_names(self) -> list[str]:
        return [r.api for r in self.rels]


_TS = (Attr("created_at", "created_at", "time", "medium"), Attr("updated_at", "updated_at", "time", "medium"))
IMAGE_SLOTS = ("image", "image2", "image3", "image4", "image5", "image6", "image7", "image8")  # high

RESOURCES: dict[str, Resource] = {r.entity: r for r in [
    Resource("tax_classes", "tax-classes", "tax-classes", (
        Attr("title", "title", conf="medium"), Attr("description", "description", conf="medium"),
        Attr("tax_rate", "tax_rate", "decimal", "medium"), *_TS),
        required=("title", "description", "tax_rate"), natural_key=("title",), conf="medium"),
    Resource("manufacturers", "manufacturers", "manufacturers", (
        Attr("name", "name"), Attr("slug", "slug", "loc"), Attr("description", "description", "loc"),
        Attr("url", "url", "loc"), Attr("meta_title", "meta_title", "loc"),
        Attr("meta_description", "meta_description", "loc"), Attr("image", None, conf="low"),
        Attr("sort", "sort", "int"), *_TS),
        required=("name", "slug"), unique=("slug",), natural_key=("name",)),
    Resource("categories", "categories", "categories", (
        Attr("name", "name", "loc"), Attr("slug", "slug", "loc"), Attr("description", "description", "loc"),
        Attr("meta_title", "meta_title", "loc"), Attr("meta_description", "meta_description", "loc"),
        Attr("image", None, conf="low"), Attr("status", "status", "int", "medium"), Attr("sort", "sort", "int"), *_TS),
        rels=(Rel("parent", "parent_source_id", "categories", "categories"),),
        required=("name", "slug"), unique=("slug",), natural_key=("slug",)),
    Resource("product_options", "product-options", "product-options", (
        Attr("name", "name", "loc", "medium"), Attr("track_stock", "track_stock", "flag", "medium"),
        Attr("sort", "sort", "int", "medium")),
        required=("name",), natural_key=("name",), conf="medium"),
    Resource("product_option_values", "product-option-values", "product-option-values", (
        Attr("name", "name", "loc"), Attr("sort", "sort", "int", "medium")),
        rels=(Rel("product-options", "option_source_id", "product_options", "product-options", many=True),),
        required=("name", "product-options"), natural_key=("name", "product-options")),
    Resource("products", "products", "products", (
        Attr("sku", "sku"), Attr("ean", "ean"), Attr("manufacturer_sku", "manufacturer_sku"),
        Attr("name", "name", "loc"), Attr("slug", "slug", "loc"), Attr("description", "description", "loc"),
        Attr("meta_title", "meta_title", "loc"), Attr("meta_description", "meta_description", "loc"),
        Attr("meta_keywords", "meta_keywords", "loc"), Attr("price", "price", "decimal", "medium"),
        Attr("cost", "cost", "decimal"), Attr("quantity", "quantity", "int"), Attr("status", "status", "int"),
        Attr("weight", "weight", "decimal", "low"), Attr("location", "location"),
        Attr("date_available", "date_available", "time", "low"), Attr("sort", "sort", "int"),
        *(Attr(slot, None, conf="high") for slot in IMAGE_SLOTS), *_TS),
        rels=(Rel("categories", "category_source_ids", "categories", "categories", many=True),
              Rel("tax-class", "tax_class_source_id", "tax_classes", "tax-classes"),
              Rel("manufacturer", "manufacturer_source_id", "manufacturers", "manufacturers")),
        required=("name", "slug", "categories"), unique=("slug",), natural_key=("slug",)),
    # derived by the loader from product_variants: one per product and option value
    Resource("product_attributes", "product-attributes", "product-attributes", (
        Attr("option_values_price", "option_values_price", "decimal", "medium"),
        Attr("option_values_price_prefix", "option_values_price_prefix", conf="medium"),
        Attr("image", None, conf="medium")),
        rels=(Rel("product", "product_source_id", "products", "products", conf="medium"),
              Rel("product-option", "option_source_id", "product_options", "product-options", conf="medium"),
              Rel("product-option-value", "option_value_source_id", "product_option_values",
                  "product-option-values", conf="medium")),
        required=("product", "product-option", "product-option-value"),
        natural_key=("product", "product-option-value"), conf="medium"),
    Resource("product_variants", "product-variants", "product-variants", (
        Attr("sku", "sku"), Attr("ean", "ean"), Attr("quantity", "quantity", "int"), Attr("cost", "cost", "decimal"),
        Attr("disabled", "disabled", "flag")),
        rels=(Rel("product", "product_source_id", "products", "products"),
              Rel("product-attributes", "attribute_source_ids", "product_attributes", "product-attributes",
                  many=True, conf="medium")),
        required=("product", "product-attributes"), natural_key=("product", "product-attributes")),
    Resource("product_specials", "product-specials", "product-specials", (
        Attr("specials_price", "specials_price", "decimal", "low"), Attr("status", "status", "int", "medium"),
        Attr("expires_at", "expires_at", "time", "medium"), Attr("created_at", "created_at", "time", "medium")),
        rels=(Rel("product", "product_source_id", "products", "products", conf="medium"),),
        required=("specials_price", "product"), natural_key=("product", "specials_price"), conf="medium"),
    Resource("customers", "customers", "customers", (
        Attr("email", "email"), Attr("name", "name"), Attr("lastname", "lastname"), Attr("gender", "gender", conf="low"),
        Attr("dob", "dob", "date"), Attr("phone", "phone"), Attr("newsletter", "newsletter", "flag"),
        Attr("billing_email", "billing_email"),
        *(Attr(f"{block}_{suffix}", f"{block}_{suffix}", "country" if suffix == "country" else "text",
               "low" if suffix == "country" else "high")
          for block in ("address", "billing_address")
          for suffix in ("name", "lastname", "company", "company_co", "company_number", "address", "zipcode",
                         "city", "region", "state", "country")),
        Attr("last_login", "last_login", "time"), *_TS),
        # medium: MsConnection's builder insists on the main address; the loader fills placeholders
        required=("name", "lastname", "email", "address_address", "address_zipcode", "address_city",
                  "address_country"), natural_key=("email",)),
    Resource("orders", "orders", "orders", (
        Attr("reference", "reference", conf="low"),
        *(Attr(f"{block}_{suffix}", f"{block}_{suffix}", "country" if suffix == "country" else "text",
               "low" if suffix == "country" else "medium")
          for block, suffixes in (
              ("customer_address", ("name", "company", "address", "region", "city", "zipcode", "state", "country",
                                    "phone", "email")),
              ("shipping_address", ("name", "company", "address", "region", "city", "zipcode", "state", "country")),
              ("billing_address", ("name", "company", "address", "region", "city", "zipcode", "state", "country",
                                   "email")))
          for suffix in suffixes),
        Attr("company_number", "company_number", conf="medium"), Attr("payment_method", "payment_method", conf="medium"),
        Attr("payment_module", "payment_module", conf="medium"), Attr("shipping_method", "shipping_method", conf="medium"),
        Attr("tracking_number", "tracking_number", conf="medium"), Attr("currency", "currency", conf="medium"),
        Attr("currency_value", "currency_value", "decimal", "medium"), *_TS,
        Attr("finished_at", "finished_at", "time", "medium")),
        # medium: MsConnection sends 'order_status' with an underscore; its type is a guess (low)
        rels=(Rel("customer", "customer_source_id", "customers", "customers", conf="medium"),
              Rel("order_status", "order_status", "order_status", "order-status", conf="low")),
        required=("customer", "order_status", "customer_address_name", "customer_address_country", "currency"),
        natural_key=("reference",), conf="medium"),
    # order-products: every attribute name below is a guess from osCommerce's orders_products
    # with the products_ prefix dropped, as Mystore did for products (products_model -> sku)
    Resource("order_lines", "order-products", "order-products", (
        Attr("name", "name", conf="low"), Attr("sku", "sku", conf="low"), Attr("quantity", "quantity", "int", "low"),
        Attr("price", "unit_price", "decimal", "low"), Attr("tax", "tax_rate", "decimal", "low")),
        rels=(Rel("order", "order_source_id", "orders", "orders", conf="low"),
              Rel("product", "product_source_id", "products", "products", conf="low"),
              Rel("product-variant", "variant_source_id", "product_variants", "product-variants", conf="low")),
        required=("order", "name", "quantity"), natural_key=("order", "name", "quantity"), conf="medium",
        # medium (feature, apiary appendix 6) / unknown (key): never move stock for history
        meta={"adjust_inventory": False}),
    # derived by the loader from order_lines.options: one per option name
    Resource("order_line_attributes", "order-product-attributes", "order-product-attributes", (
        Attr("option", "option", conf="low"), Attr("value", "value", conf="low")),
        rels=(Rel("order-product", "order_line_source_id", "order_lines", "order-products", conf="low"),),
        required=("order-product", "option"), natural_key=("order-product", "option"), conf="medium"),
    Resource("order_totals", "order-totals", "order-totals", (
        Attr("class", None, conf="low"), Attr("title", "title", conf="low"), Attr("value", "value", "decimal", "low"),
        Attr("sort_order", "sort_order", "int", "low")),
        rels=(Rel("order", "order_source_id", "orders", "orders", conf="low"),),
        required=("order", "class", "value"), natural_key=("order", "class", "title"), conf="medium"),
    Resource("order_status_history", "order-status-history", "order-status-history", (
        Attr("customer_notified", "customer_notified", "flag", "low"), Attr("comments", "comments", conf="low"),
        Attr("created_at", "created_at", "time", "low")),
        rels=(Rel("order", "order_source_id", "orders", "orders", conf="low"),
              Rel("order_status", "order_status", "order_status", "order-status", conf="low")),
        required=("order", "order_status"), natural_key=("order", "created_at"), conf="medium"),
    Resource("redirects", "redirects", "redirects", (
        Attr("redirect_from", "redirect_from", conf="medium"), Attr("redirect_to", "redirect_to", conf="medium"),
        Attr("code", "code", "int", "medium"), Attr("scope", None, conf="medium"),
        Attr("language", "language", conf="medium")),
        required=("redirect_from", "redirect_to"), unique=("redirect_from",), natural_key=("redirect_from",),
        conf="medium"),
]}

# order statuses are configured in the control panel; the API only lists them (high)
ORDER_STATUS = Resource("order_status", "order-status", "order-status", (Attr("name", None, conf="low"),),
                        read_only=True, conf="high")
# the default statuses of a new shop (high, support.mystore.no "Behandle ordrer")
DEFAULT_ORDER_STATUSES = ("Ikke behandlet", "Under behandling", "Sendt", "Kansellert", "Returnert")


def status_name(attributes: dict) -> str | None:
    """An order status's name: plain or localised (low)."""
    name = attributes.get("name")
    if isinstance(name, dict):
        return name.get(MAIN_LANGUAGE) or next(iter(name.values()), None)
    return name


# ---------------------------------------------------------------- payload builders

def _attrs(resource: Resource, row: dict) -> dict:
    out = {}
    for a in resource.attrs:
        if a.column is None:
            continue
        value = FORMATS[a.kind](row.get(a.column))
        if value is not None:
            out[a.api] = value
    return out


# address fields a customer must have (see Resource customers.required), and what the loader
# sends when the package has none: the shop owner sees each one in the issues (medium)
CUSTOMER_ADDRESS_PLACEHOLDER = "-"


def attributes(entity: str, row: dict, uploads: dict[str, str] | None = None) -> tuple[dict, list[str]]:
    """The attributes of one record as Mystore gets them, and the fields that were filled with a
    placeholder. `uploads` maps an image slot to the file name Mystore gave the uploaded file."""
    resource = RESOURCES[entity]
    out = _attrs(resource, row)
    filled = []
    for slot, name in (uploads or {}).items():
        out[slot] = name
    if entity == "customers":
        for name in resource.required:
            if name.startswith("address_") and out.get(name) in (None, ""):
                out[name] = CUSTOMER_ADDRESS_PLACEHOLDER
                filled.append(name)
    elif entity == "order_totals":
        out["class"] = "ot_" + row["class"]                      # low: osCommerce class names
    elif entity == "redirects":
        out["scope"] = "global"                                   # medium (MsConnection)
    return out, filled


def resource_object(resource: Resource, attrs: dict, rels: dict[str, Any], ms_id: str | None = None) -> dict:
    """A JSON:API resource object. `rels` maps a relationship name to an id, a list of ids, or
    None (a cleared to-one link), or to {"lid": ...} for an operation earlier in a batch."""
    obj: dict[str, Any] = {"type": resource.type}
    if ms_id is not None:
        obj["id"] = str(ms_id)
    obj["attributes"] = attrs
    if rels:
        by_name = {r.api: r for r in resource.rels}
        out = {}
        for name, value in rels.items():
            rel = by_name[name]
            if rel.many:
                out[name] = {"data": [_linkage(rel.type, v) for v in value]}
            else:
                out[name] = {"data": None if value is None else _linkage(rel.type, value)}
        obj["relationships"] = out
    return obj


def _linkage(type_: str, value) -> dict:
    if isinstance(value, dict):  # a batch-local reference
        return {"type": type_, **value}
    return {"type": type_, "id": str(value)}


def document(resource: Resource, attrs: dict, rels: dict[str, Any], ms_id: str | None = None) -> dict:
    body = {"data": resource_object(resource, attrs, rels, ms_id)}
    if resource.meta and ms_id is None:
        body["meta"] = dict(resource.meta)
    return body


def rel_ids(obj: dict) -> dict[str, Any]:
    """relationships of a returned resource object as {name: id | [ids] | None}."""
    out = {}
    for name, rel in (obj.get("relationships") or {}).items():
        data = rel.get("data") if isinstance(rel, dict) else None
        if isinstance(data, list):
            out[name] = [str(d.get("id")) for d in data]
        elif isinstance(data, dict):
            out[name] = str(data.get("id"))
        else:
            out[name] = None
    return out


# ---------------------------------------------------------------- batch (shape: low)
# POST atomic-batch / non-atomic-batch under the shop root, plain JSON (medium-high). The body
# is a top-level JSON array of operations (low: MsConnection's BatchBuilder serialises a list);
# the operation keys, the batch-local 'lid' references and the response shape are guesses, as
# is that one batch counts as one request against the rate limit.

ATOMIC_BATCH_PATH = "atomic-batch"
NON_ATOMIC_BATCH_PATH = "non-atomic-batch"
BATCH_MAX_OPERATIONS = 50  # unknown limit: a cautious guess


def batch_operation(resource: Resource, body: dict, lid: str, ms_id: str | None = None) -> dict:
    if ms_id is None:
        return {"method": "POST", "path": resource.path, "lid": lid, "body": body}
    return {"method": "PATCH", "path": f"{resource.path}/{ms_id}", "lid": lid, "body": body}


def batch_local(lid: str) -> dict:
    """A relationship to a record created by an earlier operation of the same batch."""
    return {"lid": lid}


def batch_results(body: Any) -> list[dict]:
    """[{status, body}] per operation, in order (low)."""
    if isinstance(body, list):
        return body
    if isinstance(body, dict) and isinstance(body.get("results"), list):
        return body["results"]
    return []


# ---------------------------------------------------------------- images (path: low)
# POST images under the shop root, multipart/form-data with one file part named 'image'
# (medium), Accept application/json; jpg, jpeg, gif, png, webp. The response is unknown: the
# file name is looked for in data.attributes (low). Products, categories and manufacturers
# then carry that file name in image..image8 / image (high: the file-name model).

IMAGE_UPLOAD_PATH = "images"
IMAGE_FIELD = "image"
IMAGE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".png": "image/png",
               ".webp": "image/webp"}


def uploaded_file_name(body: Any) -> str | None:
    if isinstance(body, dict):
        data = body.get("data") if isinstance(body.get("data"), dict) else body
        attrs = data.get("attributes", data) if isinstance(data, dict) else {}
        for key in ("filename", "file_name", "name", "path"):
            if isinstance(attrs.get(key), str):
                return attrs[key]
    return None


# ---------------------------------------------------------------- mystore-check
# What `dumpkit mystore-check` reads (GET only): one record of each resource the loader
# writes, and the sub-resources through which an order's and a product's children are read
# (high: the paths exist per MsConnection and the apiary route list).
CHECK_SUBRESOURCES: dict[str, tuple[tuple[str, str], ...]] = {
    "products": (("product-variants", "product_variants"), ("product-attributes", "product_attributes")),
    "orders": (("order-products", "order_lines"), ("order-totals", "order_totals"),
               ("order-status-history", "order_status_history")),
    "order_lines": (("order-product-attributes", "order_line_attributes"),),
}
