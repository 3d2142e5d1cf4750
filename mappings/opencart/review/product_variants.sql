-- OpenCart option values of a product as the shop holds them (OpenCart keeps stock and a +/- surcharge
-- per value, not per combination): option and value names, stock when subtracted, the signed surcharge
-- (net, in the shop's currency)
SELECT
    CAST(v.product_id AS VARCHAR) AS product_source_id,
    CAST(v.product_option_value_id AS VARCHAR) AS source_id,
    (SELECT html_decode(od.name) FROM src.option_description od WHERE od.option_id = v.option_id
      ORDER BY (od.language_id = getvariable('main_language_id')) DESC LIMIT 1) || ': '
      || (SELECT html_decode(vd.name) FROM src.option_value_description vd WHERE vd.option_value_id = v.option_value_id
           ORDER BY (vd.language_id = getvariable('main_language_id')) DESC LIMIT 1) AS options,
    CASE WHEN v.subtract = 1 THEN v.quantity END AS quantity,
    CASE WHEN trim(v.price_prefix) = '-' THEN -v.price ELSE v.price END AS price_difference,
    getvariable('shop_currency') AS currency
FROM src.product_option_value v
