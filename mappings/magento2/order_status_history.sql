-- entity: order_status_history
-- reads: sales_order_status_history, sales_order_status, sales_order
-- Every history row of the shop's orders (status changes and comments), in time order; the status is mapped
-- like the order's ([value_maps.order_status] by code; a row without a status has the order's), source_status
-- is its label. customer_notified: the customer got the e-mail (is_customer_notified = 1; Magento writes 2 or
-- NULL for "no notification applies"). A comment the customer saw (notified or shown on the storefront) is the
-- row's comment; the others are the shop's private notes (orders.internal_note). The customer's own checkout
-- comment (sales_order.customer_note) is the comment of the order's first row, before any other.
-- An order without history gets one row, its current status at its date, '<order id>/1'.
WITH shop_orders AS (
    SELECT o.entity_id, o.status, o.state, o.created_at, blank_null(o.customer_note) AS customer_note
    FROM src.sales_order o WHERE o.store_id IN (SELECT store_id FROM shop.stores)
),
hist AS (
    SELECT sid(h.entity_id) AS source_id, h.parent_id AS order_id, coalesce(blank_null(h.status), o.status, o.state) AS status,
           h.created_at, h.entity_id AS seq, h.is_customer_notified = 1 AS notified,
           CASE WHEN h.is_customer_notified = 1 OR h.is_visible_on_front = 1 THEN blank_null(h.comment) END AS comment
    FROM src.sales_order_status_history h JOIN shop_orders o ON o.entity_id = h.parent_id
    UNION ALL
    SELECT sid(o.entity_id) || '/1', o.entity_id, coalesce(blank_null(o.status), o.state), o.created_at, 0, false, NULL
    FROM shop_orders o
    WHERE NOT EXISTS (SELECT 1 FROM src.sales_order_status_history h WHERE h.parent_id = o.entity_id)
),
ordered AS (
    SELECT hist.*, row_number() OVER (PARTITION BY order_id ORDER BY created_at, seq) AS n FROM hist
)
SELECT
    h.source_id,
    sid(h.order_id) AS order_source_id,
    map_value('order_status', h.status) AS order_status,
    h.status AS _raw_order_status,
    coalesce(blank_null(st.label), h.status) AS source_status,
    timezone('UTC', h.created_at) AS created_at,
    coalesce(h.notified, false) AS customer_notified,
    nullif(concat_ws(chr(10) || chr(10), CASE WHEN h.n = 1 THEN o.customer_note END, h.comment), '') AS comments
FROM ordered h
JOIN shop_orders o ON o.entity_id = h.order_id
LEFT JOIN src.sales_order_status st ON st.status = h.status
