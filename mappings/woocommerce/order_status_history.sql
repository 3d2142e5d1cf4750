-- entity: order_status_history
-- reads: comments (comment_type 'order_note'), commentmeta (is_customer_note), posts / wc_orders (checkout comment); pkg.orders
-- WooCommerce has no status history table: it writes order notes (comments of type 'order_note' on the
-- order id, in both order stores), among them "Order status changed from <label> to <label>." in the
-- site language. Those labels are turned back into status slugs with the value map order_status_label.
-- Rows: '<order>/0' at the order's creation with the status it started in (the first change note's
-- "from", else its current status) and the customer's checkout comment; then one row per note, source id
-- the comment id, with the status it set or, for other notes, the status in force at the time.
-- customer_notified = a note to the customer (commentmeta is_customer_note = 1).
WITH notes AS (
    SELECT c.comment_ID, c.comment_post_ID AS order_id, c.comment_content,
           coalesce(timezone('UTC', c.comment_date_gmt), utc(c.comment_date)) AS created_at,
           coalesce((SELECT max(cm.meta_value) FROM src.commentmeta cm
                      WHERE cm.comment_id = c.comment_ID AND cm.meta_key = 'is_customer_note'), '0') = '1' AS to_customer,
           regexp_extract(c.comment_content,
               '(?:Order status changed from|Ordrestatus endret fra) (.+?) (?:to|til) (.+?)\.(?:\s|$)',
               ['from_label', 'to_label']) AS change
    FROM src.comments c
    WHERE c.comment_type = 'order_note' AND sid(c.comment_post_ID) IN (SELECT source_id FROM pkg.orders)
),
parsed AS (
    SELECT n.*,
           map_value('order_status_label', lower(trim(nullif(n.change.from_label, '')))) AS from_status,
           map_value('order_status_label', lower(trim(nullif(n.change.to_label, '')))) AS to_status
    FROM notes n
),
in_force AS (
    SELECT p.*,
           last_value(p.to_status IGNORE NULLS) OVER (PARTITION BY p.order_id ORDER BY p.created_at, p.comment_ID
                                                      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS status_then,
           first_value(p.from_status IGNORE NULLS) OVER (PARTITION BY p.order_id ORDER BY p.created_at, p.comment_ID
                                                         ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS first_from
    FROM parsed p
),
start AS (
    SELECT o.source_id, o.created_at, o.source_status,
           coalesce((SELECT max(first_from) FROM in_force f WHERE sid(f.order_id) = o.source_id), o.source_status) AS status,
           CASE WHEN getvariable('hpos') THEN (SELECT blank_null(w.customer_note) FROM src.wc_orders w WHERE sid(w.id) = o.source_id)
                ELSE (SELECT blank_null(p.post_excerpt) FROM src.posts p WHERE sid(p.ID) = o.source_id) END AS checkout_comment
    FROM pkg.orders o
)
SELECT s.source_id || '/0' AS source_id, s.source_id AS order_source_id,
       map_value('order_status', s.status) AS order_status, s.status AS _raw_order_status, s.status AS source_status,
       s.created_at, false AS customer_notified, s.checkout_comment AS comments
FROM start s
UNION ALL
SELECT sid(f.comment_ID), sid(f.order_id),
       map_value('order_status', coalesce(f.status_then, st.status)), coalesce(f.status_then, st.status), coalesce(f.status_then, st.status),
       f.created_at, f.to_customer, f.comment_content
FROM in_force f JOIN start st ON st.source_id = sid(f.order_id)
