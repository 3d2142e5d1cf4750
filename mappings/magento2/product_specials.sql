-- entity: product_specials
-- reads: catalog_product_entity_decimal/_datetime (special_price, special_from_date, special_to_date: shop.products),
--        catalog_product_entity_tier_price, catalogrule, catalogrule_website; pkg.products
-- A product's special price (the special_price attribute, default store view) is a Mystore special, net like
-- the product's price (shop.prices), from special_from_date to special_to_date. Magento's dates are days in the
-- shop's time zone and the end day is the offer's last day: it expires at the start of the next day.
-- source_id '<product id>/special'.
-- Tier prices (catalog_product_entity_tier_price, source_id 'tier/<value_id>'): one for every customer group
-- from one piece is a special too (a lower price for everyone, without dates); for a quantity, for one customer
-- group or one website they are left out with their reason, as are active catalog price rules
-- ('catalogrule/<rule_id>': discounts computed from conditions, not prices).
-- A special of a product that is not in the package (a child sold only as a variant, a bundle) is left out with
-- its reason; Magento ignores the special price of a configurable product (its children's prices count).
-- status is 1: whether an offer has ended is the loader's question (expires_at), not the dump's.
WITH specials AS (
    SELECT sid(p.entity_id) || '/special' AS source_id, p.entity_id, p.type_id, p.special_price AS special,
           utc(p.special_from_date) AS starts_at, utc(p.special_to_date + INTERVAL 1 DAY) AS expires_at,
           1 AS qty, true AS for_everyone, NULL::VARCHAR AS tier_reason
    FROM shop.products p WHERE p.special_price IS NOT NULL
    UNION ALL
    SELECT 'tier/' || t.value_id, r.entity_id, p.type_id,
           CASE WHEN t.percentage_value IS NOT NULL THEN p.price * (100 - t.percentage_value) * CAST(0.01 AS DECIMAL(3,2))
                ELSE t.value END,
           NULL, NULL, t.qty, t.all_groups = 1 AND t.website_id = 0 AND t.qty <= 1,
           CASE WHEN t.qty > 1 THEN 'TIER_PRICE: price from ' || CAST(CAST(t.qty AS DECIMAL(12,0)) AS VARCHAR)
                                    || ' pieces (tier price); Mystore specials have no quantity'
                WHEN t.all_groups = 0 THEN 'GROUP_PRICE: price for one customer group; customer groups are created by hand in Mystore'
                WHEN t.website_id <> 0 THEN 'WEBSITE_PRICE: tier price of one website' END
    FROM src.catalog_product_entity_tier_price t
    JOIN shop.product_rows r ON r.link = coalesce(t.row_id, t.entity_id)
    JOIN shop.products p ON p.entity_id = r.entity_id
),
priced AS (
    SELECT s.*, pr.net AS product_net, pr.rate, pr.rate_known,
           net_price(s.special, pr.rate, getvariable('prices_include_tax')) AS net,
           CASE WHEN getvariable('prices_include_tax') THEN money(s.special) ELSE gross(s.special, pr.rate) END AS gross,
           sid(s.entity_id) IN (SELECT source_id FROM pkg.products) AS in_package
    FROM specials s JOIN shop.prices pr ON pr.entity_id = s.entity_id
)
SELECT
    source_id,
    sid(entity_id) AS product_source_id,
    net AS specials_price,
    gross AS price_gross,
    1 AS status,
    starts_at,
    expires_at,
    NULL::TIMESTAMPTZ AS created_at,
    CASE WHEN tier_reason IS NOT NULL THEN tier_reason
         WHEN type_id = 'configurable' THEN 'CONFIGURABLE_SPECIAL: Magento ignores a configurable product''s special price (its children''s prices count)'
         WHEN NOT in_package THEN 'PRODUCT_NOT_MIGRATED: special price of a product that is not in the package (a child sold only as a variant, a bundle or grouped product)'
         WHEN net IS NULL OR net <= 0 THEN 'SPECIAL_NOT_POSITIVE: the special price is not above 0'
         WHEN net >= product_net THEN 'NO_REDUCTION: the special price is not below the product price' END AS _skip,
    CASE WHEN getvariable('prices_include_tax') AND NOT rate_known
         THEN 'specials_price@NO_TAX_RATE: price with VAT taken as net; the product''s tax rate is unknown' END AS _warn
FROM priced
UNION ALL
SELECT 'catalogrule/' || r.rule_id, NULL, NULL, NULL, 1, NULL, NULL, NULL,
       'CATALOG_PRICE_RULE: a catalog price rule (a discount on the products its conditions match) is not migrated', NULL
FROM src.catalogrule r
WHERE r.is_active = 1 AND r.rule_id IN (SELECT rule_id FROM src.catalogrule_website WHERE website_id = getvariable('website_id'))
