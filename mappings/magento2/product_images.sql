-- entity: product_images
-- reads: catalog_product_entity_media_gallery, catalog_product_entity_media_gallery_value(_to_entity),
--        catalog_product_entity_varchar (image role: shop.products), catalog_product_super_link (shop.variants);
--        pkg.products, pkg.product_variants (the images of what is in the package)
-- Magento keeps image files under pub/media/catalog/product/ with the gallery value as the rest of the path
-- (/w/s/ws03-red_main_1.jpg). A product's gallery in order: its base image (the `image` role) first, then by
-- position (the default store view's, else the admin's). A configurable product's children have galleries of
-- their own (one colour each): those images are the variant's, source_id '<value_id>/variant/<child id>',
-- positions counted per variant. Images hidden from the product page and videos are left out with a reason.
WITH gallery AS (
    SELECT r.entity_id, g.value_id, g.value, g.media_type,
           coalesce(arg_max(v.disabled, v.store_id) FILTER (WHERE v.store_id IN (0, getvariable('store_id'))), 0) = 1
             OR coalesce(g.disabled, 0) = 1 AS hidden,
           arg_max(v.position, v.store_id) FILTER (WHERE v.store_id IN (0, getvariable('store_id'))) AS position
    FROM src.catalog_product_entity_media_gallery g
    JOIN src.catalog_product_entity_media_gallery_value_to_entity e ON e.value_id = g.value_id
    JOIN shop.product_rows r ON r.link = coalesce(e.row_id, e.entity_id)
    LEFT JOIN src.catalog_product_entity_media_gallery_value v
           ON v.value_id = g.value_id AND coalesce(v.row_id, v.entity_id) = r.link
    GROUP BY r.entity_id, g.value_id, g.value, g.media_type, g.disabled
),
ordered AS (
    SELECT g.*, p.image = g.value AS is_base,
           'pub/media/catalog/product/' || ltrim(g.value, '/') AS source_url,
           regexp_extract(g.value, '([^/]+)$', 1) AS filename
    FROM gallery g JOIN shop.products p ON p.entity_id = g.entity_id
),
product_rows AS (
    SELECT sid(value_id) AS source_id, sid(entity_id) AS product_source_id, NULL::VARCHAR AS variant_source_id,
           CAST(row_number() OVER (PARTITION BY entity_id, hidden OR media_type <> 'image'
                                   ORDER BY is_base DESC, position NULLS LAST, value_id) AS INTEGER) AS position,
           source_url, filename, hidden, media_type
    FROM ordered
    WHERE sid(entity_id) IN (SELECT source_id FROM pkg.products)
),
variant_rows AS (
    SELECT sid(o.value_id) || '/variant/' || v.child_id AS source_id, sid(v.parent_id), sid(v.child_id),
           CAST(row_number() OVER (PARTITION BY v.child_id, o.hidden OR o.media_type <> 'image'
                                   ORDER BY o.is_base DESC, o.position NULLS LAST, o.value_id) AS INTEGER),
           o.source_url, o.filename, o.hidden, o.media_type
    FROM shop.variants v JOIN ordered o ON o.entity_id = v.child_id
    WHERE sid(v.child_id) IN (SELECT source_id FROM pkg.product_variants)
)
SELECT source_id, product_source_id, variant_source_id, position, source_url, filename,
       CASE WHEN media_type <> 'image' THEN 'PRODUCT_VIDEO: a video in the gallery (' || media_type || '); Mystore product images are pictures'
            WHEN hidden THEN 'IMAGE_HIDDEN: hidden from the product page in Magento' END AS _skip,
       CASE WHEN position > 8 AND variant_source_id IS NULL
            THEN 'position@IMAGE_ABOVE_8: Mystore keeps eight images per product; this one is in the package but not loaded' END AS _warn
FROM (SELECT * FROM product_rows UNION ALL SELECT * FROM variant_rows)
