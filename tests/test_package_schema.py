"""The load package contract (dumpkit/package/schema.py) and its documentation."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dumpkit.package import schema as S

DOC = Path(__file__).resolve().parents[1] / "docs" / "load-package.md"

LOAD_ORDER = [
    "tax_classes", "manufacturers", "categories", "product_options", "product_option_values",
    "products", "product_variants", "product_images", "product_specials", "customers",
    "orders", "order_lines", "order_totals", "order_status_history", "redirects",
]


def _value(field: pa.Field, i: int):
    t = field.type
    enum = (field.metadata or {}).get(b"enum")
    if enum:
        first = enum.decode().split(",")[0]
        if pa.types.is_decimal(t):
            return Decimal(first)
        if pa.types.is_integer(t):
            return int(first)
        return first
    if t == S.LOC:
        return [("no", f"{field.name} {i}"), ("en", f"{field.name} {i} en")]
    if pa.types.is_list(t):
        return [f"ref-{i}"]
    if pa.types.is_string(t):
        return f"{field.name}-{i}"
    if pa.types.is_decimal(t):
        return Decimal("12.3456") if t.scale >= 4 else Decimal("25")
    if pa.types.is_integer(t):
        return i + 1
    if pa.types.is_boolean(t):
        return False
    if pa.types.is_timestamp(t):
        return dt.datetime(2024, 5, 17, 12, 0, i % 60, tzinfo=dt.timezone.utc)
    if pa.types.is_date(t):
        return dt.date(1980, 1, 2)
    raise AssertionError(f"no sample value for {field}")


def valid_table(entity: str, rows: int = 3) -> pa.Table:
    schema = S.ENTITIES[entity]
    return pa.table({f.name: pa.array([_value(f, i) for i in range(rows)], f.type)
                     for f in schema}, schema=schema)


def replace(table: pa.Table, name: str, values, type_=None) -> pa.Table:
    i = table.schema.get_field_index(name)
    field = table.schema.field(i)
    array = pa.array(values, type_ or field.type)
    return table.set_column(i, pa.field(name, array.type), array)


# ---------------------------------------------------------------- the contract itself

def test_version_and_load_order():
    assert S.SCHEMA_VERSION == "1.2"
    assert list(S.ENTITIES) == LOAD_ORDER
    assert all(isinstance(s, pa.Schema) for s in S.ENTITIES.values())


def test_every_row_has_a_required_string_source_id_first():
    for entity, schema in S.ENTITIES.items():
        f = schema.field("source_id")
        assert schema.names[0] == "source_id", entity
        assert f.type == pa.string() and not f.nullable, entity


def test_field_metadata_marks_required_fields():
    for entity, schema in S.ENTITIES.items():
        assert schema.metadata[b"dumpkit.entity"] == entity.encode()
        assert schema.metadata[b"dumpkit.schema_version"] == S.SCHEMA_VERSION.encode()
        for f in schema:
            md = f.metadata
            assert md[b"required"] == (b"false" if f.nullable else b"true"), (entity, f.name)
            assert md[b"description"], (entity, f.name)
            assert md[b"mystore"], (entity, f.name)
            assert md[b"confidence"] in (b"", b"high", b"medium", b"low"), (entity, f.name)
        assert S.required_fields(entity) == [f.name for f in schema if not f.nullable]


def test_money_and_localised_types():
    products = S.ENTITIES["products"]
    assert products.field("price").type == pa.decimal128(18, 4)
    assert products.field("name").type == pa.map_(pa.string(), pa.string())
    assert products.field("category_source_ids").type == pa.list_(pa.string())
    customers = S.ENTITIES["customers"]
    for prefix in ("address", "billing_address"):
        assert f"{prefix}_zipcode" in customers.names
        assert customers.field(f"{prefix}_zipcode").type == pa.string()
    assert customers.field("extra_addresses").type == pa.string()
    assert not customers.field("is_guest").nullable
    assert not S.ENTITIES["orders"].field("customer_source_id").nullable
    assert S.ENTITIES["order_lines"].field("product_source_id").nullable
    assert S.ENTITIES["order_lines"].field("variant_source_id").nullable


def test_every_reference_target_exists_and_column_is_an_id():
    for (entity, column), target in S.REFERENCES.items():
        assert entity in S.ENTITIES and target in S.ENTITIES, (entity, column, target)
        t = S.ENTITIES[entity].field(column).type
        assert t in (pa.string(), pa.list_(pa.string())), (entity, column)
    for (entity, column), (discriminator, targets) in S.POLYMORPHIC_REFERENCES.items():
        assert column in S.ENTITIES[entity].names
        assert discriminator in S.ENTITIES[entity].names
        assert all(t in S.ENTITIES for t in targets)


def test_every_id_column_is_declared_as_a_reference():
    for entity, schema in S.ENTITIES.items():
        for f in schema:
            if f.name.endswith(("_source_id", "_source_ids")):
                assert ((entity, f.name) in S.REFERENCES
                        or (entity, f.name) in S.POLYMORPHIC_REFERENCES), (entity, f.name)


def test_entities_are_in_dependency_order():
    order = list(S.ENTITIES)
    for (entity, column), target in S.REFERENCES.items():
        assert order.index(target) <= order.index(entity), (entity, column, target)
    for (entity, column), (_, targets) in S.POLYMORPHIC_REFERENCES.items():
        for target in targets:
            assert order.index(target) <= order.index(entity), (entity, column, target)


def test_key_entities():
    assert set(S.KEY_ENTITIES) == {
        "products", "categories", "manufacturers", "customers", "orders", "tax_classes"}
    assert all(e in S.ENTITIES for e in S.KEY_ENTITIES)


# ---------------------------------------------------------------- validate()

@pytest.mark.parametrize("entity", LOAD_ORDER)
def test_valid_table_passes(entity):
    assert S.validate(entity, valid_table(entity)) == []
    assert S.validate(entity, S.ENTITIES[entity].empty_table()) == []


def test_unknown_entity_is_an_error():
    with pytest.raises(ValueError, match="unknown entity"):
        S.validate("reviews", pa.table({"source_id": ["1"]}))


def test_missing_required_column_is_reported():
    table = valid_table("products").drop_columns(["tax_class_source_id"])
    problems = S.validate("products", table)
    assert any("missing required column 'tax_class_source_id'" in p for p in problems)


def test_missing_optional_column_is_reported_once():
    table = valid_table("products").drop_columns(["ean", "cost"])
    problems = S.validate("products", table)
    assert len(problems) == 1 and "'ean', 'cost'" in problems[0]


def test_unexpected_column_is_reported():
    table = valid_table("manufacturers").append_column("colour", pa.array(["x"] * 3))
    assert any("unexpected column 'colour'" in p for p in S.validate("manufacturers", table))


def test_null_in_required_field_is_reported_with_source_id():
    table = replace(valid_table("orders"), "customer_source_id", ["c1", None, "c3"])
    problems = S.validate("orders", table)
    assert len(problems) == 1
    assert "orders.customer_source_id" in problems[0] and "null" in problems[0]
    assert "'source_id-1'" in problems[0]


def test_blank_required_text_and_missing_main_language_are_reported():
    table = replace(valid_table("customers"), "lastname", ["Hansen", "  ", "Berg"])
    assert any("customers.lastname: required but blank" in p
               for p in S.validate("customers", table))
    table = replace(valid_table("products"), "name",
                    [[("no", "Sykkel")], [("en", "Bike")], [("no", "")]])
    problems = S.validate("products", table)
    assert any("products.name" in p and "'no'" in p and "2 row(s)" in p for p in problems)


def test_empty_required_list_is_reported():
    table = replace(valid_table("products"), "category_source_ids", [["c1"], [], ["c2"]])
    assert any("category_source_ids: required but empty" in p
               for p in S.validate("products", table))


def test_duplicate_source_id_is_reported():
    table = replace(valid_table("categories"), "source_id", ["7", "8", "7"])
    problems = S.validate("categories", table)
    assert problems == ["categories.source_id: 1 duplicate value(s): '7' x2"]


@pytest.mark.parametrize("repeated", [(0, 1), (8_191, 8_192), (3, 20_000)])
def test_the_writer_refuses_a_repeated_source_id_wherever_it_is(tmp_path, repeated):
    """Within a row group, across two, or far apart in the table: the rows reach the file sorted
    by source id, so the writer finds it next to itself."""
    import duckdb

    from dumpkit.package.write import PackageInvalid, write_entity

    rows = 20_001
    ids = [str(i) for i in range(rows)]
    ids[repeated[1]] = ids[repeated[0]]
    con = duckdb.connect()
    con.execute("CREATE SCHEMA pkg")
    con.register("t", replace(valid_table("categories", rows), "source_id", ids))
    con.execute("CREATE TABLE pkg.categories AS FROM t")
    with pytest.raises(PackageInvalid, match=rf"categories\.source_id: (1 )?duplicate value\(s\): '{repeated[0]}' x2$"):
        write_entity(con, "categories", tmp_path / "categories.parquet")
    con.execute("DELETE FROM pkg.categories WHERE source_id = ?", [str(repeated[0])])
    assert write_entity(con, "categories", tmp_path / "categories.parquet") == rows - 2
    assert pq.read_table(tmp_path / "categories.parquet").num_rows == rows - 2


def test_wrong_type_is_reported():
    table = replace(valid_table("products"), "price", ["12.50", "3", "4"], pa.string())
    assert any(p.startswith("products.price: type string") for p in S.validate("products", table))
    table = replace(valid_table("products"), "price", [12.5, 3.0, 4.0], pa.float64())
    assert any("floating point" in p for p in S.validate("products", table))
    table = replace(valid_table("products"), "status", [True, False, True], pa.bool_())
    assert any(p.startswith("products.status: type bool") for p in S.validate("products", table))


def test_lossy_cast_is_reported():
    table = replace(valid_table("products"), "price",
                    [Decimal("1.23456"), Decimal("1"), Decimal("2")], pa.decimal128(38, 10))
    assert any("cannot cast" in p and "products.price" in p
               for p in S.validate("products", table))
    table = replace(valid_table("products"), "sort", [2**40, 1, 2], pa.int64())
    assert any("products.sort: cannot cast" in p for p in S.validate("products", table))


def test_naive_timestamps_are_rejected():
    table = replace(valid_table("orders"), "created_at",
                    [dt.datetime(2024, 1, 1)] * 3, pa.timestamp("us"))
    assert any("time zone" in p for p in S.validate("orders", table))


def test_castable_types_are_accepted():
    table = replace(valid_table("products"), "sort", [1, 2, 3], pa.int64())
    table = replace(table, "price", [1, 2, 3], pa.int64())
    table = replace(table, "sku", ["a", "b", None], pa.large_string())
    assert S.validate("products", table) == []


def test_disallowed_value_is_reported():
    table = replace(valid_table("tax_classes"), "tax_rate",
                    [Decimal("25"), Decimal("24"), Decimal("11.11")])
    problems = S.validate("tax_classes", table)
    assert len(problems) == 1 and "24.00 not allowed" in problems[0]
    table = replace(valid_table("order_totals"), "class", ["subtotal", "ot_total", "tax"])
    assert any("ot_total not allowed" in p for p in S.validate("order_totals", table))


# ---------------------------------------------------------------- conform()

def test_conform_reorders_casts_and_fills_optional_columns():
    good = valid_table("product_variants")
    loose = pa.table({
        "disabled": good["disabled"],
        "price_difference": pa.array([-10, 0, 5], pa.int64()),
        "quantity": pa.array([1, None, 3], pa.int64()),
        "option_value_source_ids": pa.array([["v1"], ["v2"], ["v1", "v3"]],
                                            pa.list_(pa.large_string())),
        "product_source_id": pa.array(["p1", "p1", "p2"]).dictionary_encode(),
        "source_id": pa.array(["a", "b", "c"], pa.large_string()),
        "cost": pa.array([Decimal("1.5"), None, Decimal("2.25")], pa.decimal128(10, 2)),
    })
    out = S.conform("product_variants", loose)
    assert out.schema.equals(S.ENTITIES["product_variants"], check_metadata=True)
    assert out["price_difference"].to_pylist() == [Decimal("-10"), Decimal("0"), Decimal("5")]
    assert out["cost"].to_pylist()[2] == Decimal("2.2500")
    assert out["product_source_id"].to_pylist() == ["p1", "p1", "p2"]
    assert out["sku"].null_count == 3
    assert S.validate("product_variants", out) == []


def test_conform_converts_time_zones_exactly():
    table = valid_table("orders")
    oslo = pa.array([dt.datetime(2024, 7, 1, 12, 0)] * 3, pa.timestamp("ns", tz="Europe/Oslo"))
    table = table.set_column(table.schema.get_field_index("created_at"), "created_at", oslo)
    out = S.conform("orders", table)
    assert out.schema.field("created_at").type == pa.timestamp("us", tz="UTC")
    assert out["created_at"][0].as_py() == oslo[0].as_py()


def test_conform_round_trips_through_parquet(tmp_path):
    for entity in LOAD_ORDER:
        path = tmp_path / S.file_name(entity)
        pq.write_table(S.conform(entity, valid_table(entity)), path)
        back = pq.read_table(path)
        expected = S.ENTITIES[entity]
        assert back.schema.metadata == expected.metadata, entity
        for got, want in zip(back.schema, expected, strict=True):
            # Parquet renames a map's entries field after the column; the type is equal
            assert (got.name, got.type, got.nullable, got.metadata) == (
                want.name, want.type, want.nullable, want.metadata), (entity, got.name)
        assert S.validate(entity, back) == []
        assert S.conform(entity, back).schema.equals(expected, check_metadata=True)


@pytest.mark.parametrize("change, message", [
    (lambda t: t.drop_columns(["name"]), "missing required column 'name'"),
    (lambda t: t.append_column("extra", pa.array([1, 2, 3])), "unexpected column(s) 'extra'"),
    (lambda t: replace(t, "price", [Decimal("1.00001")] * 3, pa.decimal128(20, 5)),
     "price: cannot cast"),
    (lambda t: replace(t, "price", ["1"] * 3, pa.string()), "price: type string"),
    (lambda t: replace(t, "tax_class_source_id", ["t", None, "t"]),
     "tax_class_source_id: required but 1 null"),
])
def test_conform_raises_clear_errors(change, message):
    with pytest.raises(ValueError) as info:
        S.conform("products", change(valid_table("products")))
    assert message in str(info.value)
    assert "products schema 1.2" in str(info.value)


# ---------------------------------------------------------------- the document

def test_doc_shows_the_field_tables_of_this_schema():
    text = DOC.read_text(encoding="utf-8")
    for entity in LOAD_ORDER:
        assert S.describe_markdown(entity) in text, (
            f"docs/load-package.md is out of date for {entity}: paste "
            f"describe_markdown({entity!r})")


def test_doc_lists_manifest_and_issue_fields():
    text = DOC.read_text(encoding="utf-8")
    for name in [*S.MANIFEST_FIELDS, *S.ISSUE_FIELDS, *S.ISSUE_LEVELS, *S.ISSUE_PHASES]:
        assert f"`{name}`" in text, name
    assert f"`{S.SCHEMA_VERSION}`" in text
