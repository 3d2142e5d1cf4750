-- entity: manufacturers
-- reads: eav_attribute, eav_attribute_option, eav_attribute_option_value
-- Magento has no manufacturer table: a manufacturer is an option of the product attribute `manufacturer` (a
-- dropdown); products point at it by option id. The name is the option's admin label (store 0, what the shop
-- owner typed), one name in every language as Mystore keeps it; the slug is made from it.
SELECT
    sid(o.option_id) AS source_id,
    coalesce(blank_null(v.value), 'Produsent ' || o.option_id) AS name,
    map_from_entries([{'key': 'no', 'value': slugify(coalesce(blank_null(v.value), 'produsent-' || o.option_id))}]) AS slug,
    NULL::MAP(VARCHAR, VARCHAR) AS url,
    CAST(o.sort_order AS INTEGER) AS sort,
    CASE WHEN blank_null(v.value) IS NULL THEN 'name@EMPTY_NAME: the option has no admin label; named after its id' END AS _warn
FROM src.eav_attribute_option o
JOIN shop.attributes a ON a.attribute_id = o.attribute_id AND a.entity = 'catalog_product' AND a.attribute_code = 'manufacturer'
LEFT JOIN src.eav_attribute_option_value v ON v.option_id = o.option_id AND v.store_id = 0
