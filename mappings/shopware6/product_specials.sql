-- entity: product_specials
-- reads: product
-- Shopware has no sale price with a period: what it has is the list price (a "before" price shown
-- crossed out next to the price) and advanced prices (per rule and quantity). Neither is a Mystore
-- special; products.sql and product_variants.sql report both on the product. So no rows.
SELECT
    lower(hex(p.id)) AS source_id,
    lower(hex(p.id)) AS product_source_id,
    CAST(NULL AS DECIMAL(18,4)) AS specials_price,
    CAST(NULL AS DECIMAL(18,4)) AS price_gross,
    1 AS status,
    NULL::TIMESTAMPTZ AS starts_at,
    NULL::TIMESTAMPTZ AS expires_at,
    NULL::TIMESTAMPTZ AS created_at
FROM src.product p
WHERE false
