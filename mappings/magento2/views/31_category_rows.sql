-- One row per category (the live version in Commerce, as shop.product_rows); `link` is what its EAV values
-- point at. `in_shop`: under the root category of the shop's store group; `is_root`: the root catalog
-- (level 0) or a store's root category (level 1), structure rather than a category.
SELECT entity_id, coalesce(row_id, entity_id) AS link, parent_id, path, position, level, created_at, updated_at,
       level <= 1 AS is_root,
       list_contains(string_split(path, '/'), CAST(getvariable('root_category_id') AS VARCHAR)) AS in_shop
FROM src.catalog_category_entity
WHERE row_id IS NULL OR (coalesce(created_in, 1) <= getvariable('staging_now')
                         AND coalesce(updated_in, 2147483647) > getvariable('staging_now'))
