-- Every product's price as Mystore gets it: `price` is the price attribute (a configurable product's: the
-- lowest price of its enabled children in the shop, else its own), `net` that price net of VAT when the shop
-- enters prices with VAT (tax/calculation/price_includes_tax) at the rate of the product's tax class for the
-- shop's country (a product without a tax class, "None", pays none), `gross` the price with VAT as the shop showed
-- it (audit). `enabled_children`: how many.
WITH children AS (
    SELECT v.parent_id, min(c.price) FILTER (WHERE c.status = 1 AND c.in_website) AS min_price,
           count(*) FILTER (WHERE c.status = 1 AND c.in_website) AS enabled_children
    FROM shop.variants v JOIN shop.products c ON c.entity_id = v.child_id
    WHERE v.nth_parent = 1
    GROUP BY v.parent_id
),
priced AS (
    SELECT p.entity_id, CASE WHEN coalesce(p.tax_class_id, 0) = 0 THEN 0 ELSE r.rate END AS rate,
           coalesce(p.tax_class_id, 0) = 0 OR r.class_id IS NOT NULL AS rate_known, ch.enabled_children,
           CASE WHEN p.type_id = 'configurable' THEN coalesce(ch.min_price, p.price) ELSE p.price END AS price
    FROM shop.products p
    LEFT JOIN children ch ON ch.parent_id = p.entity_id
    LEFT JOIN shop.tax_rates r ON r.class_id = p.tax_class_id
)
SELECT *,
       net_price(price, rate, getvariable('prices_include_tax')) AS net,
       CASE WHEN getvariable('prices_include_tax') THEN money(price) ELSE gross(price, rate) END AS gross
FROM priced
