-- Labels in each language of the shop: an attribute's (frontend label, eav_attribute_label per store view)
-- and an option's (eav_attribute_option_value, store 0 the admin label), the language's store view's own
-- label before the admin one. kind: 'attribute' or 'option'; id: attribute_id or option_id.
WITH labels AS (
    SELECT 'attribute' AS kind, attribute_id AS id, 0 AS store_id, frontend_label AS label FROM src.eav_attribute
    UNION ALL
    SELECT 'attribute', attribute_id, store_id, value FROM src.eav_attribute_label
    UNION ALL
    SELECT 'option', option_id, store_id, value FROM src.eav_attribute_option_value
)
SELECT l.kind, l.id, s.lang, arg_max(l.label, l.store_id) AS label
FROM labels l JOIN shop.stores s ON s.reads_texts AND l.store_id IN (0, s.store_id)
WHERE blank_null(l.label) IS NOT NULL
GROUP BY ALL
