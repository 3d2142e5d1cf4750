-- entity: orders
-- reads: sales_order, sales_order_address (shop.addresses), sales_order_payment, sales_order_status,
--        sales_order_status_history, sales_shipment, sales_shipment_track, customer_entity
-- Every order of the shop's store views. A guest checkout (customer_is_guest, no customer_id) and an order
-- whose customer account is gone have no customer here: refine makes a guest customer from the order's
-- e-mail (or attaches it to the registered customer with that e-mail).
-- The billing address is the customer address and the billing address; the shipping address the delivery
-- address (a virtual order has none). Status: [value_maps.order_status] by the status code; source_status is
-- the status's label. Money is only the currency here (amounts: order_totals.sql): Magento keeps every amount
-- twice, in the order's currency and in the shop's base currency (base_*); the package takes the base amounts,
-- so currency_value is the order's base_to_order_rate (1 when the customer paid in the base currency). A shop
-- whose base currency is not NOK is converted after the mappings (map/currency.py).
-- Magento stores its times in UTC. finished_at: when the order became complete (its history, else its last
-- shipment). Comments the customer never saw (not notified, not visible on the storefront) are the shop's
-- private notes: internal_note.
WITH addr AS (
    SELECT * FROM shop.addresses WHERE kind = 'order'
    QUALIFY row_number() OVER (PARTITION BY owner, address_type ORDER BY id DESC) = 1
),
payments AS (
    SELECT parent_id, method,
           coalesce(blank_null(TRY_CAST(additional_information AS JSON)->>'method_title'), method) AS title,
           row_number() OVER (PARTITION BY parent_id ORDER BY entity_id) AS n
    FROM src.sales_order_payment
),
tracking AS (
    SELECT order_id, blank_null(track_number) AS track_number,
           row_number() OVER (PARTITION BY order_id ORDER BY created_at DESC, entity_id DESC) AS n
    FROM src.sales_shipment_track WHERE blank_null(track_number) IS NOT NULL
),
completed AS (
    SELECT o.entity_id,
           coalesce(min(h.created_at) FILTER (WHERE h.status = 'complete'),
                    CASE WHEN o.state = 'complete' THEN (SELECT max(s.created_at) FROM src.sales_shipment s WHERE s.order_id = o.entity_id) END)
             AS finished_at
    FROM src.sales_order o LEFT JOIN src.sales_order_status_history h ON h.parent_id = o.entity_id
    GROUP BY o.entity_id, o.state
),
private_notes AS (
    SELECT parent_id, string_agg(comment, chr(10) || chr(10) ORDER BY created_at, entity_id) AS notes
    FROM src.sales_order_status_history
    WHERE blank_null(comment) IS NOT NULL AND coalesce(is_customer_notified, 0) <> 1 AND coalesce(is_visible_on_front, 0) = 0
    GROUP BY parent_id
)
SELECT
    sid(o.entity_id) AS source_id,
    coalesce(blank_null(o.increment_id), sid(o.entity_id)) AS reference,
    CASE WHEN c.entity_id IS NOT NULL THEN sid(o.customer_id) END AS customer_source_id,
    map_value('order_status', o.status) AS order_status,
    coalesce(blank_null(o.status), o.state) AS _raw_order_status,
    coalesce(blank_null(st.label), o.status, o.state) AS source_status,
    coalesce(nullif(concat_ws(' ', inv.name, inv.lastname), ''),
             nullif(concat_ws(' ', blank_null(o.customer_firstname), blank_null(o.customer_lastname)), '')) AS customer_address_name,
    inv.company AS customer_address_company,
    inv.address AS customer_address_address,
    NULL::VARCHAR AS customer_address_region,
    inv.city AS customer_address_city,
    inv.zipcode AS customer_address_zipcode,
    inv.region AS customer_address_state,
    inv.country AS customer_address_country,
    inv.phone AS customer_address_phone,
    lower(trim(coalesce(blank_null(o.customer_email), inv.email))) AS customer_address_email,
    nullif(concat_ws(' ', del.name, del.lastname), '') AS shipping_address_name,
    del.company AS shipping_address_company,
    del.address AS shipping_address_address,
    NULL::VARCHAR AS shipping_address_region,
    del.city AS shipping_address_city,
    del.zipcode AS shipping_address_zipcode,
    del.region AS shipping_address_state,
    del.country AS shipping_address_country,
    nullif(concat_ws(' ', inv.name, inv.lastname), '') AS billing_address_name,
    inv.company AS billing_address_company,
    inv.address AS billing_address_address,
    NULL::VARCHAR AS billing_address_region,
    inv.city AS billing_address_city,
    inv.zipcode AS billing_address_zipcode,
    inv.region AS billing_address_state,
    inv.country AS billing_address_country,
    CASE WHEN inv.email IS DISTINCT FROM lower(trim(o.customer_email)) THEN inv.email END AS billing_address_email,
    inv.company_number AS company_number,
    p.title AS payment_method,
    p.method AS payment_module,
    blank_null(o.shipping_description) AS shipping_method,
    t.track_number AS tracking_number,
    upper(coalesce(blank_null(o.order_currency_code), blank_null(o.base_currency_code), getvariable('shop_currency'))) AS currency,
    CAST(CASE WHEN o.base_to_order_rate > 0 THEN o.base_to_order_rate ELSE 1 END AS DECIMAL(14,6)) AS currency_value,
    timezone('UTC', o.created_at) AS created_at,
    timezone('UTC', o.updated_at) AS updated_at,
    timezone('UTC', f.finished_at) AS finished_at,
    pn.notes AS internal_note,
    CASE WHEN o.store_id NOT IN (SELECT store_id FROM shop.stores) THEN 'OTHER_SHOP: order of another website''s store view' END AS _skip,
    CASE WHEN pn.notes IS NOT NULL
         THEN 'internal_note@ORDER_NOTE_NOT_LOADED: the shop''s private comments on the order are kept in internal_note; Mystore has no order field known to hold them, so they are not loaded' END AS _note,
    nullif(concat_ws('|',
        CASE WHEN o.customer_id IS NOT NULL AND c.entity_id IS NULL
             THEN 'customer_source_id@CUSTOMER_MISSING: the order''s customer account is not in the dump; kept as a guest order' END,
        CASE WHEN o.customer_id IS NULL AND coalesce(o.customer_is_guest, 0) = 0
             THEN 'customer_source_id@CUSTOMER_DELETED: the order''s customer account was deleted in Magento; kept as a guest order' END,
        CASE WHEN upper(coalesce(o.base_currency_code, getvariable('shop_currency'))) <> getvariable('shop_currency')
             THEN 'currency@BASE_CURRENCY_CHANGED: the order''s amounts are in ' || upper(o.base_currency_code)
                  || ', the shop''s base currency when it was placed, not today''s; taken as they are' END
    ), '') AS _warn
FROM src.sales_order o
LEFT JOIN src.customer_entity c ON c.entity_id = o.customer_id
LEFT JOIN addr inv ON inv.owner = o.entity_id AND inv.address_type = 'billing'
LEFT JOIN addr del ON del.owner = o.entity_id AND del.address_type = 'shipping'
LEFT JOIN payments p ON p.parent_id = o.entity_id AND p.n = 1
LEFT JOIN tracking t ON t.order_id = o.entity_id AND t.n = 1
LEFT JOIN src.sales_order_status st ON st.status = o.status
LEFT JOIN completed f ON f.entity_id = o.entity_id
LEFT JOIN private_notes pn ON pn.parent_id = o.entity_id
