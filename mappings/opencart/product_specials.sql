-- entity: product_specials
-- reads: product_special, customer_group, customer_group_description, product
-- Mystore specials have no customer group: only the default customer group's specials
-- (config_customer_group_id) are carried over, the others are left out with a reason.
-- OpenCart applies, among the specials running on a day, the one with the lowest priority number
-- (then the lowest price). A special that another one beats over its whole date range never
-- applies: it goes over inactive (status 0) with a warning. date_end is exclusive in OpenCart
-- (the special runs while date_end > now), so it is the instant the offer expires.
WITH groups AS (
    SELECT g.customer_group_id,
           coalesce((SELECT blank_null(d.name) FROM src.customer_group_description d
                     WHERE d.customer_group_id = g.customer_group_id
                     ORDER BY (d.language_id = getvariable('main_language_id')) DESC, d.language_id LIMIT 1),
                    'customer group ' || g.customer_group_id) AS name
    FROM src.customer_group g
),
s AS (
    SELECT sp.product_special_id AS id, sp.product_id, sp.customer_group_id, coalesce(CAST(sp.priority AS BIGINT), 0) AS priority,
           sp.price, CAST(sp.date_start AS TIMESTAMP) AS date_start, CAST(sp.date_end AS TIMESTAMP) AS date_end
    FROM src.product_special sp
),
mine AS (SELECT * FROM s WHERE customer_group_id = getvariable('default_customer_group_id')),
beaten AS (
    -- specials of the same product that a better one covers from start to end
    SELECT r.id, first(b.id ORDER BY b.priority, b.price, b.id) AS by_id
    FROM mine r JOIN mine b ON b.product_id = r.product_id AND b.id <> r.id
     AND (b.priority, b.price, b.id) < (r.priority, r.price, r.id)
     AND (b.date_start IS NULL OR (r.date_start IS NOT NULL AND b.date_start <= r.date_start))
     AND (b.date_end IS NULL OR (r.date_end IS NOT NULL AND b.date_end >= r.date_end))
    GROUP BY r.id
)
SELECT
    sid(s.id) AS source_id,
    sid(s.product_id) AS product_source_id,
    money(s.price) AS specials_price,
    CAST(NULL AS DECIMAL(18,4)) AS price_gross,
    CASE WHEN b.id IS NULL THEN 1 ELSE 0 END AS status,
    utc(s.date_start) AS starts_at,
    utc(s.date_end) AS expires_at,
    CAST(NULL AS TIMESTAMPTZ) AS created_at,
    CASE WHEN s.customer_group_id <> getvariable('default_customer_group_id')
         THEN 'CUSTOMER_GROUP_SPECIAL: special price for customer group "' || coalesce(g.name, 'customer group ' || s.customer_group_id)
              || '" (not the default group); Mystore specials apply to every customer'
         WHEN s.product_id NOT IN (SELECT product_id FROM src.product)
         THEN 'PRODUCT_MISSING: product ' || s.product_id || ' does not exist' END AS _skip,
    CASE WHEN b.id IS NOT NULL
         THEN 'status@SPECIAL_SUPERSEDED: special ' || b.by_id || ' (lower priority number or price) covers the whole period; loaded inactive' END AS _warn
FROM s
LEFT JOIN beaten b ON b.id = s.id
LEFT JOIN groups g ON g.customer_group_id = s.customer_group_id
