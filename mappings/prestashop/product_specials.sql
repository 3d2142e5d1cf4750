-- entity: product_specials
-- reads: specific_price, product_shop, tax_rule, tax
-- A specific price is a Mystore special when it is for everyone buying one piece of the whole
-- product: no combination, customer, group, country, cart or foreign currency, from quantity 1,
-- this shop or all shops. The others are left out with their reason.
-- The special price is NET: the base is the specific price's own price, or the product's price
-- when that is -1; a 'percentage' reduction takes its share off; an 'amount' reduction is taken
-- off as is when reduction_tax = 0 (net amount) and net of the product's VAT rate (the shop's
-- default country) when reduction_tax = 1 (PrestaShop's default: a gross amount).
-- status is 1: whether an offer has ended is the loader's question (expires_at), not the dump's.
WITH rates AS (
    SELECT r.id_tax_rules_group, t.rate,
           row_number() OVER (PARTITION BY r.id_tax_rules_group
                              ORDER BY (r.id_country = getvariable('default_country_id')) DESC,
                                       (r.id_state = 0) DESC, (t.deleted = 0) DESC, r.id_tax_rule) AS pick
    FROM src.tax_rule r JOIN src.tax t ON t.id_tax = r.id_tax
),
sp AS (
    SELECT s.*,
           ps.id_product IS NOT NULL AS in_shop,
           ps.price AS product_price,
           CAST(CASE WHEN s.price < 0 THEN ps.price ELSE s.price END AS DECIMAL(38,10)) AS base,
           CAST(coalesce(r.rate, 0) AS DECIMAL(38,10)) AS rate,
           r.rate IS NULL AS rate_unknown
    FROM src.specific_price s
    LEFT JOIN src.product_shop ps ON ps.id_product = s.id_product AND ps.id_shop = getvariable('shop_id')
    LEFT JOIN rates r ON r.id_tax_rules_group = ps.id_tax_rules_group AND r.pick = 1
),
priced AS (
    SELECT *,
           money(CASE WHEN reduction_type = 'percentage' THEN base * (1 - CAST(reduction AS DECIMAL(38,10)))
                      WHEN reduction_tax = 1 THEN base - net(reduction, rate)
                      ELSE base - CAST(reduction AS DECIMAL(38,10)) END) AS net_price
    FROM sp
)
SELECT
    sid(id_specific_price) AS source_id,
    sid(id_product) AS product_source_id,
    net_price AS specials_price,
    CASE WHEN NOT rate_unknown THEN gross(net_price, rate) END AS price_gross,
    1 AS status,
    utc("from") AS starts_at,
    utc("to") AS expires_at,
    NULL::TIMESTAMPTZ AS created_at,
    CASE WHEN NOT in_shop THEN 'OTHER_SHOP: product is not in the migrated shop'
         WHEN id_shop NOT IN (0, getvariable('shop_id')) THEN 'OTHER_SHOP: specific price of another shop'
         WHEN id_product_attribute <> 0 THEN 'COMBINATION_SPECIAL: specific price of one combination; Mystore specials are per product'
         WHEN from_quantity > 1 THEN 'QUANTITY_DISCOUNT: specific price from ' || from_quantity || ' pieces (quantity discount); Mystore specials have no quantity'
         WHEN id_customer <> 0 THEN 'CUSTOMER_SPECIAL: specific price for one customer'
         WHEN id_group <> 0 THEN 'GROUP_SPECIAL: specific price for one customer group'
         WHEN id_country <> 0 THEN 'COUNTRY_SPECIAL: specific price for one country'
         WHEN id_cart <> 0 THEN 'CART_SPECIAL: specific price made for one cart'
         WHEN id_currency NOT IN (0, getvariable('default_currency_id')) THEN 'CURRENCY_SPECIAL: specific price in another currency'
         WHEN reduction_type NOT IN ('percentage', 'amount') THEN 'UNKNOWN_REDUCTION: reduction type ' || coalesce(reduction_type, 'NULL')
         WHEN net_price <= 0 THEN 'SPECIAL_NOT_POSITIVE: the special price would be ' || net_price
         WHEN net_price >= money(product_price) THEN 'NO_REDUCTION: the specific price is not below the product price' END AS _skip,
    CASE WHEN reduction_type = 'amount' AND reduction_tax = 1 AND rate_unknown AND reduction <> 0
         THEN 'specials_price@NO_TAX_RATE: gross reduction taken as net; the product''s tax rate is unknown' END AS _warn
FROM priced
