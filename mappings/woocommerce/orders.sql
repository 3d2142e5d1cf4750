-- entity: orders
-- reads: posts + postmeta (legacy order storage), wc_orders, wc_order_addresses, wc_order_operational_data,
--        wc_orders_meta (HPOS), woocommerce_order_items (shipping names), options; pkg.customers
-- WooCommerce keeps orders in one of two stores: the legacy posts table (post_type 'shop_order', data
-- in postmeta: _billing_*, _shipping_*, _customer_user, ...) or, since 8.2 by default, the HPOS tables
-- (wc_orders + wc_order_addresses + wc_order_operational_data). HPOS is authoritative when the option
-- woocommerce_custom_orders_table_enabled is 'yes' and wc_orders holds orders (param hpos). With sync on,
-- the other store holds copies with the same ids: only the authoritative copy is read, so no order is
-- migrated twice; an order only in the other store is stale (WooCommerce does not show it) and left out.
-- Left out as well: auto-drafts, block-checkout drafts, trashed orders and the posts placeholders
-- (shop_order_placehold) HPOS writes when sync is off.
-- Guests (_customer_user / customer_id 0) keep customer_source_id NULL; dumpkit makes guest customers
-- from the customer_address_* fields. The customer block is the billing address (the shipping address when
-- no billing address was taken, e.g. orders created in the admin).
-- Timestamps: the GMT columns (post_date_gmt, date_created_gmt); _date_completed is a unix timestamp.
WITH legacy_meta AS (
    SELECT pm.post_id,
        max(pm.meta_value) FILTER (WHERE pm.meta_key = '_customer_user') AS customer_user,
        max(pm.meta_value) FILTER (WHERE pm.meta_key = '_order_currency') AS currency,
        max(pm.meta_value) FILTER (WHERE pm.meta_key = '_payment_method') AS payment_method,
        max(pm.meta_value) FILTER (WHERE pm.meta_key = '_payment_method_title') AS payment_title,
        max(pm.meta_value) FILTER (WHERE pm.meta_key = '_order_number') AS order_number,
        max(pm.meta_value) FILTER (WHERE pm.meta_key = '_tracking_number') AS tracking_number,
        max(pm.meta_value) FILTER (WHERE pm.meta_key = '_wc_shipment_tracking_items') AS tracking_items,
        max(pm.meta_value) FILTER (WHERE pm.meta_key = '_date_completed') AS date_completed,
        max(pm.meta_value) FILTER (WHERE pm.meta_key = '_completed_date') AS completed_date,
        max(pm.meta_value) FILTER (WHERE pm.meta_key = '_billing_first_name') AS b_first,
        max(pm.meta_value) FILTER (WHERE pm.meta_key = '_billing_last_name') AS b_last,
        max(pm.meta_value) FILTER (WHERE pm.meta_key = '_billing_company') AS b_company,
        max(pm.meta_value) FILTER (WHERE pm.meta_key = '_billing_address_1') AS b_addr1,
        max(pm.meta_value) FILTER (WHERE pm.meta_key = '_billing_address_2') AS b_addr2,
        max(pm.meta_value) FILTER (WHERE pm.meta_key = '_billing_postcode') AS b_postcode,
        max(pm.meta_value) FILTER (WHERE pm.meta_key = '_billing_city') AS b_city,
        max(pm.meta_value) FILTER (WHERE pm.meta_key = '_billing_state') AS b_state,
        max(pm.meta_value) FILTER (WHERE pm.meta_key = '_billing_country') AS b_country,
        max(pm.meta_value) FILTER (WHERE pm.meta_key = '_billing_email') AS b_email,
        max(pm.meta_value) FILTER (WHERE pm.meta_key = '_billing_phone') AS b_phone,
        max(pm.meta_value) FILTER (WHERE pm.meta_key = '_shipping_first_name') AS s_first,
        max(pm.meta_value) FILTER (WHERE pm.meta_key = '_shipping_last_name') AS s_last,
        max(pm.meta_value) FILTER (WHERE pm.meta_key = '_shipping_company') AS s_company,
        max(pm.meta_value) FILTER (WHERE pm.meta_key = '_shipping_address_1') AS s_addr1,
        max(pm.meta_value) FILTER (WHERE pm.meta_key = '_shipping_address_2') AS s_addr2,
        max(pm.meta_value) FILTER (WHERE pm.meta_key = '_shipping_postcode') AS s_postcode,
        max(pm.meta_value) FILTER (WHERE pm.meta_key = '_shipping_city') AS s_city,
        max(pm.meta_value) FILTER (WHERE pm.meta_key = '_shipping_state') AS s_state,
        max(pm.meta_value) FILTER (WHERE pm.meta_key = '_shipping_country') AS s_country,
        max(pm.meta_value) FILTER (WHERE pm.meta_key = '_shipping_phone') AS s_phone
    FROM src.postmeta pm
    WHERE pm.post_id IN (SELECT ID FROM src.posts WHERE post_type IN ('shop_order', 'shop_order_placehold'))
    GROUP BY pm.post_id
),
legacy AS (
    SELECT p.ID AS id, 'posts' AS store, p.post_type AS kind, p.post_status AS status,
        TRY_CAST(m.customer_user AS BIGINT) AS customer_user, m.currency, m.payment_method, m.payment_title,
        m.order_number, m.tracking_number, m.tracking_items,
        m.b_first, m.b_last, m.b_company, m.b_addr1, m.b_addr2, m.b_postcode, m.b_city, m.b_state, m.b_country, m.b_email, m.b_phone,
        m.s_first, m.s_last, m.s_company, m.s_addr1, m.s_addr2, m.s_postcode, m.s_city, m.s_state, m.s_country, m.s_phone,
        blank_null(p.post_excerpt) AS customer_note,
        coalesce(timezone('UTC', p.post_date_gmt), utc(p.post_date)) AS created_at,
        coalesce(timezone('UTC', p.post_modified_gmt), utc(p.post_modified)) AS updated_at,
        coalesce(to_timestamp(TRY_CAST(m.date_completed AS BIGINT)), utc(TRY_CAST(blank_null(m.completed_date) AS TIMESTAMP))) AS finished_at
    FROM src.posts p LEFT JOIN legacy_meta m ON m.post_id = p.ID
    WHERE p.post_type IN ('shop_order', 'shop_order_placehold')
),
hpos_meta AS (
    SELECT order_id,
        max(meta_value) FILTER (WHERE meta_key = '_order_number') AS order_number,
        max(meta_value) FILTER (WHERE meta_key = '_tracking_number') AS tracking_number,
        max(meta_value) FILTER (WHERE meta_key = '_wc_shipment_tracking_items') AS tracking_items
    FROM src.wc_orders_meta GROUP BY order_id
),
hpos AS (
    SELECT o.id, 'hpos' AS store, coalesce(o.type, 'shop_order') AS kind, o.status,
        o.customer_id AS customer_user, o.currency, o.payment_method, o.payment_method_title AS payment_title,
        hm.order_number, hm.tracking_number, hm.tracking_items,
        b.first_name AS b_first, b.last_name AS b_last, b.company AS b_company, b.address_1 AS b_addr1, b.address_2 AS b_addr2,
        b.postcode AS b_postcode, b.city AS b_city, b.state AS b_state, b.country AS b_country,
        coalesce(blank_null(b.email), o.billing_email) AS b_email, b.phone AS b_phone,
        s.first_name AS s_first, s.last_name AS s_last, s.company AS s_company, s.address_1 AS s_addr1, s.address_2 AS s_addr2,
        s.postcode AS s_postcode, s.city AS s_city, s.state AS s_state, s.country AS s_country, s.phone AS s_phone,
        blank_null(o.customer_note) AS customer_note,
        timezone('UTC', o.date_created_gmt) AS created_at,
        timezone('UTC', o.date_updated_gmt) AS updated_at,
        timezone('UTC', od.date_completed_gmt) AS finished_at
    FROM src.wc_orders o
    LEFT JOIN src.wc_order_addresses b ON b.order_id = o.id AND b.address_type = 'billing'
    LEFT JOIN src.wc_order_addresses s ON s.order_id = o.id AND s.address_type = 'shipping'
    LEFT JOIN src.wc_order_operational_data od ON od.order_id = o.id
    LEFT JOIN hpos_meta hm ON hm.order_id = o.id
    WHERE coalesce(o.type, 'shop_order') = 'shop_order'
),
both_stores AS (
    SELECT *, (store = 'hpos') = getvariable('hpos') AS authoritative
    FROM (SELECT * FROM legacy UNION ALL BY NAME SELECT * FROM hpos)
),
o AS (
    SELECT * FROM both_stores
    WHERE authoritative OR id NOT IN (SELECT id FROM both_stores WHERE authoritative)
),
shipping AS (
    SELECT order_id, string_agg(html_decode(order_item_name), ', ' ORDER BY order_item_id) AS names
    FROM src.woocommerce_order_items WHERE order_item_type = 'shipping' GROUP BY order_id
),
refunds AS (
    SELECT parent_order_id AS order_id, count(*) AS n, sum(abs(total_amount)) AS amount
    FROM src.wc_orders WHERE type = 'shop_order_refund' AND getvariable('hpos') GROUP BY 1
    UNION ALL
    SELECT r.post_parent, count(*), sum(abs(TRY_CAST(t.meta_value AS DECIMAL(18,4))))
    FROM src.posts r LEFT JOIN src.postmeta t ON t.post_id = r.ID AND t.meta_key = '_order_total'
    WHERE r.post_type = 'shop_order_refund' AND NOT getvariable('hpos') GROUP BY 1
),
x AS (
    SELECT o.*,
        coalesce(blank_null(o.b_first), blank_null(o.b_last), blank_null(o.b_company), blank_null(o.b_addr1), blank_null(o.b_city)) IS NOT NULL AS has_billing,
        coalesce(blank_null(o.s_first), blank_null(o.s_last), blank_null(o.s_company), blank_null(o.s_addr1), blank_null(o.s_city)) IS NOT NULL AS has_shipping,
        coalesce(map_value('country', upper(trim(o.b_country))), blank_null(upper(o.b_country))) AS b_cc,
        coalesce(map_value('country', upper(trim(o.s_country))), blank_null(upper(o.s_country))) AS s_cc
    FROM o
),
y AS (
    SELECT x.*,
        CASE WHEN has_billing OR NOT has_shipping THEN b_first ELSE s_first END AS c_first,
        CASE WHEN has_billing OR NOT has_shipping THEN b_last ELSE s_last END AS c_last,
        CASE WHEN has_billing OR NOT has_shipping THEN b_company ELSE s_company END AS c_company,
        CASE WHEN has_billing OR NOT has_shipping THEN b_addr1 ELSE s_addr1 END AS c_addr1,
        CASE WHEN has_billing OR NOT has_shipping THEN b_addr2 ELSE s_addr2 END AS c_addr2,
        CASE WHEN has_billing OR NOT has_shipping THEN b_postcode ELSE s_postcode END AS c_postcode,
        CASE WHEN has_billing OR NOT has_shipping THEN b_city ELSE s_city END AS c_city,
        CASE WHEN has_billing OR NOT has_shipping THEN b_state ELSE s_state END AS c_state,
        CASE WHEN has_billing OR NOT has_shipping THEN b_cc ELSE s_cc END AS c_cc,
        regexp_replace(coalesce(blank_null(b_phone), s_phone, ''), '[\s().-]', '', 'g') AS phone_digits
    FROM x
)
SELECT
    sid(y.id) AS source_id,
    coalesce(blank_null(y.order_number), sid(y.id)) AS reference,
    CASE WHEN y.customer_user > 0 AND sid(y.customer_user) IN (SELECT source_id FROM pkg.customers) THEN sid(y.customer_user) END AS customer_source_id,
    map_value('order_status', y.status) AS order_status,
    y.status AS _raw_order_status,
    y.status AS source_status,
    coalesce(nullif(trim(concat_ws(' ', blank_null(y.c_first), blank_null(y.c_last))), ''), blank_null(y.c_company)) AS customer_address_name,
    blank_null(y.c_company) AS customer_address_company,
    nullif(concat_ws(', ', blank_null(y.c_addr1), blank_null(y.c_addr2)), '') AS customer_address_address,
    NULL::VARCHAR AS customer_address_region,
    blank_null(y.c_city) AS customer_address_city,
    CASE WHEN y.c_cc = 'NO' AND regexp_matches(trim(y.c_postcode), '^\d{3,4}$') THEN lpad(trim(y.c_postcode), 4, '0')
         ELSE blank_null(y.c_postcode) END AS customer_address_zipcode,
    blank_null(y.c_state) AS customer_address_state,
    y.c_cc AS customer_address_country,
    CASE WHEN coalesce(y.c_cc, getvariable('shop_country')) = 'NO' AND regexp_matches(y.phone_digits, '^(\+47|0047)?\d{8}$')
         THEN '+47' || right(y.phone_digits, 8) ELSE blank_null(coalesce(blank_null(y.b_phone), y.s_phone)) END AS customer_address_phone,
    lower(trim(blank_null(y.b_email))) AS customer_address_email,
    CASE WHEN y.has_shipping THEN nullif(trim(concat_ws(' ', blank_null(y.s_first), blank_null(y.s_last))), '') END AS shipping_address_name,
    CASE WHEN y.has_shipping THEN blank_null(y.s_company) END AS shipping_address_company,
    CASE WHEN y.has_shipping THEN nullif(concat_ws(', ', blank_null(y.s_addr1), blank_null(y.s_addr2)), '') END AS shipping_address_address,
    NULL::VARCHAR AS shipping_address_region,
    CASE WHEN y.has_shipping THEN blank_null(y.s_city) END AS shipping_address_city,
    CASE WHEN y.has_shipping THEN CASE WHEN y.s_cc = 'NO' AND regexp_matches(trim(y.s_postcode), '^\d{3,4}$') THEN lpad(trim(y.s_postcode), 4, '0')
                                       ELSE blank_null(y.s_postcode) END END AS shipping_address_zipcode,
    CASE WHEN y.has_shipping THEN blank_null(y.s_state) END AS shipping_address_state,
    CASE WHEN y.has_shipping THEN y.s_cc END AS shipping_address_country,
    CASE WHEN y.has_billing THEN nullif(trim(concat_ws(' ', blank_null(y.b_first), blank_null(y.b_last))), '') END AS billing_address_name,
    CASE WHEN y.has_billing THEN blank_null(y.b_company) END AS billing_address_company,
    CASE WHEN y.has_billing THEN nullif(concat_ws(', ', blank_null(y.b_addr1), blank_null(y.b_addr2)), '') END AS billing_address_address,
    NULL::VARCHAR AS billing_address_region,
    CASE WHEN y.has_billing THEN blank_null(y.b_city) END AS billing_address_city,
    CASE WHEN y.has_billing THEN CASE WHEN y.b_cc = 'NO' AND regexp_matches(trim(y.b_postcode), '^\d{3,4}$') THEN lpad(trim(y.b_postcode), 4, '0')
                                      ELSE blank_null(y.b_postcode) END END AS billing_address_zipcode,
    CASE WHEN y.has_billing THEN blank_null(y.b_state) END AS billing_address_state,
    CASE WHEN y.has_billing THEN y.b_cc END AS billing_address_country,
    lower(trim(blank_null(y.b_email))) AS billing_address_email,
    NULL::VARCHAR AS company_number,
    blank_null(y.payment_title) AS payment_method,
    blank_null(y.payment_method) AS payment_module,
    sh.names AS shipping_method,
    coalesce(blank_null(y.tracking_number), json_extract_string(php_json(y.tracking_items), '$[0].tracking_number')) AS tracking_number,
    coalesce(blank_null(upper(y.currency)), getvariable('shop_currency')) AS currency,
    CAST(1 AS DECIMAL(14,6)) AS currency_value,
    coalesce(y.created_at, y.updated_at) AS created_at,
    y.updated_at,
    y.finished_at,
    CASE WHEN NOT y.authoritative THEN 'NOT_IN_ORDER_STORE: order exists only in the '
              || CASE WHEN y.store = 'hpos' THEN 'HPOS tables while the posts table is' ELSE 'posts table while the HPOS tables are' END
              || ' WooCommerce''s order store; WooCommerce does not show it'
         WHEN y.kind = 'shop_order_placehold' THEN 'PLACEHOLDER: posts placeholder of an HPOS order that is not in the HPOS tables'
         WHEN y.status = 'auto-draft' THEN 'AUTO_DRAFT: an unsaved order WordPress created when "Add order" was opened'
         WHEN y.status IN ('wc-checkout-draft', 'checkout-draft', 'draft') THEN 'CHECKOUT_DRAFT: cart of an unfinished block checkout, not an order'
         WHEN y.status = 'trash' THEN 'DELETED_IN_SOURCE: order is in the trash'
         WHEN coalesce(y.created_at, y.updated_at) IS NULL THEN 'NO_DATE: order has no creation date'
    END AS _skip,
    nullif(concat_ws('|',
        CASE WHEN y.customer_user > 0 AND sid(y.customer_user) NOT IN (SELECT source_id FROM pkg.customers)
             THEN 'customer_source_id@CUSTOMER_MISSING: WordPress user ' || y.customer_user || ' is not in the package; treated as a guest order' END,
        CASE WHEN r.n > 0 THEN 'order_totals@REFUND_NOT_CARRIED: WooCommerce recorded ' || r.n || ' refund(s) of '
             || coalesce(CAST(r.amount AS VARCHAR), '?') || ' for this order; Mystore gets the order as placed' END
    ), '') AS _warn
FROM y
LEFT JOIN shipping sh ON sh.order_id = y.id
LEFT JOIN (SELECT order_id, sum(n) AS n, sum(amount) AS amount FROM refunds GROUP BY 1) r ON r.order_id = y.id
