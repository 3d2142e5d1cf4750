-- entity: order_status_history
-- reads: order_history, order_status, order
-- OpenCart's order_history as it is, status names through [value_maps.order_status] like the
-- orders. The checkout comment (order.comment) goes on the order's first history row when that
-- row has no comment of its own; an order without history gets one row '<order_id>/1' with its
-- current status at its order date.
WITH status_names AS (
    SELECT order_status_id, name FROM (
        SELECT order_status_id, blank_null(html_decode(name)) AS name,
               row_number() OVER (PARTITION BY order_status_id ORDER BY (language_id = getvariable('main_language_id')) DESC, language_id) AS rn
        FROM src.order_status) WHERE rn = 1
),
o AS (
    SELECT * FROM (SELECT NULL::VARCHAR AS comment WHERE false) UNION ALL BY NAME SELECT * FROM src."order"
),
orders AS (SELECT * FROM o WHERE coalesce(order_status_id, 0) <> 0),
h AS (
    SELECT h.order_history_id, h.order_id, h.order_status_id, h.notify, h.comment, h.date_added,
           row_number() OVER (PARTITION BY h.order_id ORDER BY h.date_added, h.order_history_id) AS n
    FROM src.order_history h WHERE h.order_id IN (SELECT order_id FROM orders)
),
rows AS (
    SELECT sid(h.order_history_id) AS source_id, h.order_id, h.order_status_id, coalesce(CAST(h.notify AS INTEGER), 0) = 1 AS notified,
           CASE WHEN h.n = 1 THEN coalesce(blank_null(html_decode(h.comment)), blank_null(html_decode(o.comment)))
                ELSE blank_null(html_decode(h.comment)) END AS comments,
           h.date_added
    FROM h JOIN orders o ON o.order_id = h.order_id
    UNION ALL
    SELECT sid(o.order_id) || '/1', o.order_id, o.order_status_id, false, blank_null(html_decode(o.comment)), o.date_added
    FROM orders o WHERE o.order_id NOT IN (SELECT order_id FROM h)
)
SELECT
    r.source_id,
    sid(r.order_id) AS order_source_id,
    map_value('order_status', s.name) AS order_status,
    coalesce(s.name, 'order_status_id ' || r.order_status_id) AS _raw_order_status,
    coalesce(s.name, 'order_status_id ' || r.order_status_id) AS source_status,
    utc(r.date_added) AS created_at,
    r.notified AS customer_notified,
    r.comments
FROM rows r
LEFT JOIN status_names s ON s.order_status_id = r.order_status_id
