-- PrestaShop specific prices of a product as the shop holds them: a fixed price (-1 = the product's
-- price) and/or a reduction (percentage, or an amount with or without VAT), the period, and whom
-- it is for when not everyone
SELECT
    CAST(s.id_product AS VARCHAR) AS product_source_id,
    CAST(s.id_specific_price AS VARCHAR) AS source_id,
    CASE WHEN s.price >= 0 THEN s.price END AS price,
    s.reduction AS reduction,
    s.reduction_type AS reduction_type,
    s.reduction_tax = 1 AS reduction_includes_tax,
    utc(s."from") AS starts_at,
    utc(s."to") AS expires_at,
    s.from_quantity AS from_quantity,
    nullif(concat_ws(', ',
        CASE WHEN s.id_product_attribute > 0 THEN 'variant ' || s.id_product_attribute END,
        CASE WHEN s.id_customer > 0 THEN 'kunde ' || s.id_customer END,
        CASE WHEN s.id_group > 0 THEN 'kundegruppe ' || s.id_group END,
        CASE WHEN s.id_country > 0 THEN 'land ' || coalesce((SELECT iso_code FROM src.country WHERE id_country = s.id_country), CAST(s.id_country AS VARCHAR)) END,
        CASE WHEN s.id_currency > 0 THEN 'valuta ' || coalesce((SELECT iso_code FROM src.currency WHERE id_currency = s.id_currency), CAST(s.id_currency AS VARCHAR)) END,
        CASE WHEN s.id_cart > 0 THEN 'handlekurv ' || s.id_cart END), '') AS only_for,
    getvariable('shop_currency') AS currency
FROM src.specific_price s
