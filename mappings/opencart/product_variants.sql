-- entity: product_variants
-- reads: product_option_value, product_option, option, product
-- OpenCart (1.5-4) keeps stock and a +/- surcharge per option value of a product, not per
-- combination of values. So each value of a select/radio/image option is one variant holding that
-- one value: quantity is the value's stock when OpenCart subtracts stock for it (subtract = 1;
-- otherwise OpenCart never checks it and the stock is unknown), price_difference the signed
-- surcharge (net, like every OpenCart price). OpenCart has no per-value SKU or EAN.
-- OpenCart 4 variants are product rows with master_id and a JSON `variant` {product_option_id:
-- product_option_value_id}: each is a variant of its master (source_id 'product:<id>') with its
-- own SKU, EAN and stock, and the price difference to the master. The master's per-value rows for
-- the values its variant products stand for are then left out (the variant products replace them).
WITH p AS (
    SELECT * FROM (SELECT NULL::BIGINT AS master_id, NULL::VARCHAR AS variant, NULL::VARCHAR AS sku,
                          NULL::VARCHAR AS ean WHERE false)
    UNION ALL BY NAME SELECT * FROM src.product
),
variant_products AS (
    SELECT * FROM p WHERE coalesce(master_id, 0) > 0 AND master_id IN (SELECT product_id FROM src.product)
),
values_ AS (
    SELECT v.product_option_value_id, v.product_id, v.option_value_id, CAST(v.quantity AS INTEGER) AS quantity,
           CAST(v.subtract AS INTEGER) AS subtract, v.price, trim(coalesce(v.price_prefix, '+')) AS prefix,
           row_number() OVER (PARTITION BY v.product_id, v.option_value_id ORDER BY v.product_option_value_id) AS dup
    FROM src.product_option_value v
    JOIN src.product_option po ON po.product_option_id = v.product_option_id
    JOIN src.option o ON o.option_id = po.option_id
    WHERE lower(o.type) IN ('select', 'radio', 'image')
      AND v.product_id IN (SELECT product_id FROM src.product)
      AND v.product_id NOT IN (SELECT product_id FROM variant_products)
),
oc4_choice AS (
    -- one row per chosen value of an OpenCart 4 variant product
    SELECT vp.product_id, k AS product_option_id, json_extract_string(vp.variant, '$."' || k || '"') AS chosen
    FROM variant_products vp, unnest(json_keys(vp.variant)) AS t(k)
    WHERE json_valid(vp.variant) AND left(trim(vp.variant), 1) = '{'
),
oc4_values AS (
    SELECT c.product_id, list(DISTINCT sid(pov.option_value_id) ORDER BY sid(pov.option_value_id)) AS ids
    FROM oc4_choice c
    JOIN src.product_option_value pov ON sid(pov.product_option_value_id) = c.chosen
    JOIN src.product_option po ON po.product_option_id = pov.product_option_id
    JOIN src.option o ON o.option_id = po.option_id AND lower(o.type) IN ('select', 'radio', 'image')
    GROUP BY c.product_id
),
covered AS (
    -- option values a master's OpenCart 4 variant products stand for: those variants replace the per-value rows
    SELECT DISTINCT vp.master_id AS product_id, unnest(ov.ids) AS option_value_id
    FROM variant_products vp JOIN oc4_values ov ON ov.product_id = vp.product_id
)
SELECT
    sid(product_option_value_id) AS source_id,
    sid(product_id) AS product_source_id,
    [sid(option_value_id)] AS option_value_source_ids,
    CAST(NULL AS VARCHAR) AS sku,
    CAST(NULL AS VARCHAR) AS ean,
    CASE WHEN subtract = 1 THEN quantity END AS quantity,
    CAST(NULL AS DECIMAL(18,4)) AS cost,
    CASE WHEN prefix = '-' THEN -money(price) ELSE money(price) END AS price_difference,
    CAST(NULL AS DECIMAL(18,4)) AS price_gross,
    false AS disabled,
    CASE WHEN dup > 1 THEN 'DUPLICATE_VARIANT: option value ' || option_value_id || ' appears twice on product ' || product_id
         WHEN (product_id, sid(option_value_id)) IN (SELECT (product_id, option_value_id) FROM covered)
         THEN 'REPLACED_BY_VARIANT_PRODUCT: option value ' || option_value_id || ' of product ' || product_id
              || ' is sold through an OpenCart 4 variant product, which becomes the variant' END AS _skip,
    CASE WHEN prefix NOT IN ('+', '-') AND coalesce(price, 0) <> 0
         THEN 'price_difference@PRICE_PREFIX_UNKNOWN: price prefix "' || prefix || '" read as +' END AS _warn
FROM values_
UNION ALL
SELECT
    'product:' || vp.product_id,
    sid(vp.master_id),
    coalesce(ov.ids, []),
    coalesce(blank_null(vp.sku), blank_null(vp.model)),
    CASE WHEN regexp_full_match(coalesce(vp.ean, ''), '\d{8}|\d{12,14}') AND NOT regexp_full_match(vp.ean, '0+') THEN vp.ean END,
    CAST(vp.quantity AS INTEGER),
    CAST(NULL AS DECIMAL(18,4)),
    money(vp.price) - money(m.price),
    CAST(NULL AS DECIMAL(18,4)),
    CAST(vp.status AS INTEGER) <> 1,
    CASE WHEN ov.ids IS NULL THEN 'VARIANT_OPTIONS_UNKNOWN: OpenCart 4 variant product ' || vp.product_id
         || ' names no select/radio option value of its master (variant = ' || coalesce(vp.variant, 'NULL') || ')' END,
    NULL
FROM variant_products vp
JOIN src.product m ON m.product_id = vp.master_id
LEFT JOIN oc4_values ov ON ov.product_id = vp.product_id
