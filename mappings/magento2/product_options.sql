-- entity: product_options
-- reads: catalog_product_super_attribute, eav_attribute, eav_attribute_label (shop.labels)
-- An attribute a configurable product varies by (a super attribute: color, size) is an option. Its name in
-- each language is the attribute's label for that language's store view, else its admin label (a product's
-- own label for the attribute, catalog_product_super_attribute_label, is not kept: Mystore options are
-- shared). Magento keeps stock per child product, so every option tracks stock.
WITH used AS (
    SELECT sa.attribute_id, min(sa.position) AS position
    FROM src.catalog_product_super_attribute sa JOIN shop.product_rows p ON p.link = sa.product_id
    GROUP BY sa.attribute_id
),
texts AS (
    SELECT id AS attribute_id, map_from_entries(list({'key': lang, 'value': label} ORDER BY lang)) AS name
    FROM shop.labels WHERE kind = 'attribute' GROUP BY id
)
SELECT
    sid(u.attribute_id) AS source_id,
    coalesce(t.name, map_from_entries([{'key': 'no', 'value': a.attribute_code}])) AS name,
    true AS track_stock,
    CAST(u.position AS INTEGER) AS sort
FROM used u
JOIN src.eav_attribute a ON a.attribute_id = u.attribute_id
LEFT JOIN texts t ON t.attribute_id = u.attribute_id
