-- One row per product: `link` is what its EAV values, super links and gallery rows point at (entity_id in
-- Open Source; in Commerce the row_id of the version live when the dump was taken: created_in <= now <
-- updated_in, see staging_now in platform.toml).
SELECT entity_id, coalesce(row_id, entity_id) AS link, type_id, sku, attribute_set_id, created_at, updated_at
FROM src.catalog_product_entity
WHERE row_id IS NULL OR (coalesce(created_in, 1) <= getvariable('staging_now')
                         AND coalesce(updated_in, 2147483647) > getvariable('staging_now'))
