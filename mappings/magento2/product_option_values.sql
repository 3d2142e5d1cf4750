-- entity: product_option_values
-- reads: eav_attribute_option, eav_attribute_option_value (shop.labels), catalog_product_super_attribute
-- Every option of an attribute configurable products vary by (Red, XS) is an option value, named in each
-- language by its store view label, else its admin label. Swatch colours and images are not carried.
WITH used AS (
    SELECT DISTINCT sa.attribute_id
    FROM src.catalog_product_super_attribute sa JOIN shop.product_rows p ON p.link = sa.product_id
),
texts AS (
    SELECT id AS option_id, map_from_entries(list({'key': lang, 'value': label} ORDER BY lang)) AS name
    FROM shop.labels WHERE kind = 'option' GROUP BY id
)
SELECT
    sid(o.option_id) AS source_id,
    sid(o.attribute_id) AS option_source_id,
    t.name,  -- 'no' filled after the mappings when missing (map/languages.py)
    CAST(o.sort_order AS INTEGER) AS sort
FROM src.eav_attribute_option o
JOIN used u ON u.attribute_id = o.attribute_id
LEFT JOIN texts t ON t.option_id = o.option_id
