"""What counts as a change between two packages of one shop: declared here, per entity and
field, and nowhere else.

Every field of a record counts - a new price, stock level, name, address, status, category
or image is a change - except the companions declared below: values the source rewrites on
every save or visit, and audit figures that follow a loaded field. A companion that moved
along with a real change is listed in `changed_fields` (it is part of the record's new
state); a companion that moved alone is no change, and the record stays out of the delta.

Lists of ids compare as sets (their order means nothing), maps by their entries (their key
order means nothing).
"""
from __future__ import annotations

import pyarrow as pa

from ..package.schema import CHANGE_NAMES, ENTITIES

# entity -> field -> why it never makes a change alone; "*" is every entity that has the field
COMPANIONS: dict[str, dict[str, str]] = {
    "*": {"updated_at": "the source rewrites it on every save, whatever changed"},
    "customers": {
        "last_login": "moves on every visit to the old shop",
        "extra_addresses": "not loaded (address book entries Mystore has no place for)",
        "is_guest": "not loaded; the address, name and orders that came with a registration count",
    },
    "products": {"price_gross": "audit figure: follows price and the tax class's rate"},
    "product_variants": {"price_gross": "audit figure: follows price_difference"},
    "product_specials": {
        "price_gross": "audit figure: follows specials_price",
        "starts_at": "not loaded (Mystore has no start date)",
    },
    "orders": {
        "source_status": "audit: a new source status that maps to the same Mystore status changes nothing",
        "internal_note": "not loaded (the shop's private note)",
    },
    "order_lines": {"line_total_gross": "audit figure: follows line_total"},
    "order_status_history": {"source_status": "audit: order_status is what Mystore gets"},
}


def compared_fields(entity: str) -> list[pa.Field]:
    """The fields whose values are compared: all but the key and the delta's own."""
    return [f for f in ENTITIES[entity] if f.name != "source_id" and f.name not in CHANGE_NAMES]


def is_companion(entity: str, field: str) -> bool:
    return field in COMPANIONS.get(entity, {}) or (field in COMPANIONS["*"] and field in ENTITIES[entity].names)


def counting_fields(entity: str) -> list[str]:
    """The fields a change of which makes the record 'changed'."""
    return [f.name for f in compared_fields(entity) if not is_companion(entity, f.name)]


def rules_markdown() -> str:
    """The companions as a Markdown table (docs/load-package.md shows it; a test keeps them equal)."""
    rows = ["| entity | field | never a change alone, because |", "|---|---|---|"]
    for entity, fields in COMPANIONS.items():
        for field, why in fields.items():
            rows.append(f"| {'every entity' if entity == '*' else entity} | `{field}` | {why} |")
    return "\n".join(rows)
