"""The one marked module (dumpkit/mystore/api.py) agrees with the package contract: every package
column whose documented Mystore field is a plain `resource.attribute` feeds exactly that
attribute of that resource, and every attribute the loader sends comes from a real column."""
from __future__ import annotations

import re

from dumpkit.mystore import api
from dumpkit.package.schema import ENTITIES

PLAIN = re.compile(r"^([a-z-]+)\.([a-z_0-9]+)$")


def _mystore(field) -> str:
    return (field.metadata or {}).get(b"mystore", b"").decode()


def test_documented_api_fields_are_the_ones_the_loader_sends():
    checked = 0
    for entity, schema in ENTITIES.items():
        resource = api.RESOURCES.get(entity)
        for field in schema:
            m = PLAIN.match(_mystore(field))
            if not m:
                continue
            if resource is None:  # product_images: uploaded, their file names in products.image..image8
                assert entity == "product_images" and m.group(1) in ("products", "product-attributes")
                continue
            assert m.group(1) == resource.path, (entity, field.name)
            sent = {a.api for a in resource.attrs if a.column == field.name}
            assert m.group(2) in sent, (entity, field.name, _mystore(field))
            checked += 1
    assert checked > 100


def test_every_attribute_comes_from_a_package_column_or_the_builder():
    derived = {"product_attributes", "order_line_attributes"}
    for entity, resource in api.RESOURCES.items():
        for a in resource.attrs:
            if a.column is not None and entity not in derived:
                assert a.column in ENTITIES[entity].names, (entity, a.api, a.column)
        for r in resource.rels:
            if entity not in derived and r.column != "attribute_source_ids":
                assert r.column in ENTITIES[entity].names, (entity, r.api)
        assert set(resource.required) <= set(resource.attr_names()) | set(resource.rel_names()), entity
        assert set(resource.natural_key) <= set(resource.attr_names()) | set(resource.rel_names()), entity
        assert {a.conf for a in resource.attrs} | {r.conf for r in resource.rels} <= {"high", "medium", "low"}, entity


def test_a_document_is_json_api():
    doc = api.document(api.RESOURCES["products"], {"name": {"no": "Lue"}}, {"categories": ["4", "5"], "tax-class": "1"})
    assert doc == {"data": {"type": "products", "attributes": {"name": {"no": "Lue"}}, "relationships": {
        "categories": {"data": [{"type": "categories", "id": "4"}, {"type": "categories", "id": "5"}]},
        "tax-class": {"data": {"type": "tax-classes", "id": "1"}}}}}
    lines = api.document(api.RESOURCES["order_lines"], {"name": "x"}, {})
    assert lines["meta"] == {"adjust_inventory": False}  # history never moves stock
