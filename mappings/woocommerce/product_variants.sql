-- entity: product_variants
-- reads: posts (product_variation), postmeta; pkg.products, pkg.tax_classes, pkg.product_option_values
-- A variation is a post of type 'product_variation' under its product (post_parent). Its combination is
-- its attribute_* postmeta: attribute_pa_<name> = term slug (global attribute), attribute_<key> = the
-- value text (custom attribute); an empty value means "any value" and names no option value.
-- price_difference = the variation's net regular price - the product's net price (the lowest variation
-- price, see products.sql), both at the product's tax class: Mystore prices a variant by surcharge.
-- A private variation is not for sale (disabled); trashed ones and those of left-out products are left out.
WITH v AS (
    SELECT * FROM src.posts WHERE post_type = 'product_variation'
),
meta AS (
    SELECT m.post_id,
        max(m.meta_value) FILTER (WHERE m.meta_key = '_sku') AS sku,
        max(m.meta_value) FILTER (WHERE m.meta_key = '_global_unique_id') AS gtin,
        max(m.meta_value) FILTER (WHERE m.meta_key = '_regular_price') AS regular_price,
        max(m.meta_value) FILTER (WHERE m.meta_key = '_price') AS active_price,
        max(m.meta_value) FILTER (WHERE m.meta_key = '_sale_price') AS sale_price,
        max(m.meta_value) FILTER (WHERE m.meta_key = '_tax_class') AS tax_class,
        max(m.meta_value) FILTER (WHERE m.meta_key = '_manage_stock') AS manage_stock,
        max(m.meta_value) FILTER (WHERE m.meta_key = '_stock') AS stock
    FROM src.postmeta m WHERE m.post_id IN (SELECT ID FROM v)
    GROUP BY m.post_id
),
combo AS (
    SELECT m.post_id,
        list(CASE WHEN m.meta_key LIKE 'attribute\_pa\_%' ESCAPE '\' THEN substr(m.meta_key, 11) || ':' || m.meta_value
                  ELSE 'custom:' || substr(m.meta_key, 11) || ':' || coalesce(slugify(trim(m.meta_value)), lower(trim(m.meta_value))) END
             ORDER BY m.meta_key) FILTER (WHERE blank_null(m.meta_value) IS NOT NULL) AS value_ids,
        count(*) FILTER (WHERE blank_null(m.meta_value) IS NULL) AS any_values
    FROM src.postmeta m
    WHERE m.post_id IN (SELECT ID FROM v) AND m.meta_key LIKE 'attribute\_%' ESCAPE '\'
    GROUP BY m.post_id
),
rows AS (
    SELECT v.*, m.*, coalesce(c.value_ids, []) AS value_ids, coalesce(c.any_values, 0) AS any_values,
           pp.source_id AS product_source_id, pp.price AS product_price, tc.tax_rate, pp.tax_class_source_id AS product_class,
           coalesce(TRY_CAST(blank_null(m.regular_price) AS DECIMAL(18,6)), TRY_CAST(blank_null(m.active_price) AS DECIMAL(18,6))) AS source_price
    FROM v
    LEFT JOIN meta m ON m.post_id = v.ID
    LEFT JOIN combo c ON c.post_id = v.ID
    LEFT JOIN pkg.products pp ON pp.source_id = sid(v.post_parent)
    LEFT JOIN pkg.tax_classes tc ON tc.source_id = pp.tax_class_source_id
)
SELECT
    sid(r.ID) AS source_id,
    sid(r.post_parent) AS product_source_id,
    r.value_ids AS option_value_source_ids,
    blank_null(r.sku) AS sku,
    CASE WHEN regexp_matches(trim(r.gtin), '^(\d{8}|\d{12,14})$') AND NOT regexp_matches(trim(r.gtin), '^0+$') THEN trim(r.gtin) END AS ean,
    CASE WHEN r.manage_stock = 'yes' THEN CAST(floor(coalesce(TRY_CAST(r.stock AS DECIMAL(18,4)), 0)) AS INTEGER) END AS quantity,
    coalesce(net_price(r.source_price, r.tax_rate, getvariable('prices_include_tax')) - r.product_price, 0) AS price_difference,
    CASE WHEN getvariable('prices_include_tax') THEN money(r.source_price) END AS price_gross,
    r.post_status <> 'publish' AS disabled,
    CASE WHEN r.post_status = 'trash' THEN 'DELETED_IN_SOURCE: variation is in the WordPress trash'
         WHEN r.product_source_id IS NULL THEN 'PRODUCT_LEFT_OUT: its product ' || r.post_parent || ' is not in the package'
         WHEN len(r.value_ids) = 0 THEN 'NO_OPTION_VALUES: variation applies to "any" value of every attribute; Mystore needs a combination'
         WHEN row_number() OVER (PARTITION BY r.post_parent, list_sort(r.value_ids) ORDER BY r.post_status <> 'publish', r.menu_order, r.ID) > 1
              THEN 'DUPLICATE_COMBINATION: another variation of the product has the same option values' END AS _skip,
    nullif(concat_ws('|',
        CASE WHEN r.any_values > 0 AND len(r.value_ids) > 0 THEN 'option_value_source_ids@ANY_VALUE: variation accepts any value of '
             || r.any_values || ' attribute(s); only the fixed values are carried' END,
        CASE WHEN r.source_price IS NULL THEN 'price_difference@NO_PRICE: variation has no price; sold at the product price' END,
        CASE WHEN blank_null(r.sale_price) IS NOT NULL THEN 'price_gross@VARIANT_SALE_PRICE: variation sale price ' || r.sale_price
             || ' is not carried (Mystore specials are per product)' END,
        CASE WHEN coalesce(blank_null(r.tax_class), 'parent') NOT IN ('parent', r.product_class)
              AND NOT (r.tax_class = '' AND r.product_class = 'standard')
             THEN 'price_difference@VARIANT_TAX_CLASS: variation has tax class ''' || r.tax_class || ''', Mystore uses the product''s class ' || r.product_class END
    ), '') AS _warn
FROM rows r
