-- entity: order_status_history
-- reads: order_history, order_state, order_state_lang, orders, message, customer_thread, customer_message
-- Every order_history row of the shop's orders, in time order; the status is mapped like the
-- order's (English name -> [value_maps.order_status]), source_status is the name in the main
-- language. customer_notified: the state sends the customer an e-mail (order_state.send_email).
-- An order without history gets one row, its current state at its date, '<id_order>/1'.
-- The order's messages the customer saw or wrote are the comment of its first row, oldest first:
-- the checkout message (`message`, copied by PrestaShop into a customer thread as well: once) and
-- the order's customer thread (customer_message) that is not private. Private notes of the shop
-- are orders.internal_note (orders.sql).
WITH state_names AS (
    SELECT s.id_order_state, s.send_email,
           max(sl.name) FILTER (WHERE sl.id_lang = getvariable('main_language_id')) AS main_name,
           max(sl.name) FILTER (WHERE sl.id_lang = getvariable('status_language_id')) AS key_name
    FROM src.order_state s LEFT JOIN src.order_state_lang sl USING (id_order_state)
    GROUP BY s.id_order_state, s.send_email
),
shop_orders AS (
    SELECT id_order, current_state, date_add FROM src.orders WHERE id_shop = getvariable('shop_id')
),
hist AS (
    SELECT sid(h.id_order_history) AS source_id, h.id_order, h.id_order_state, h.date_add, h.id_order_history AS seq
    FROM src.order_history h JOIN shop_orders o USING (id_order)
    UNION ALL
    SELECT sid(o.id_order) || '/1', o.id_order, o.current_state, o.date_add, 0
    FROM shop_orders o
    WHERE o.current_state > 0 AND NOT EXISTS (SELECT 1 FROM src.order_history h WHERE h.id_order = o.id_order)
),
ordered AS (
    SELECT hist.*, row_number() OVER (PARTITION BY id_order ORDER BY date_add, seq) AS n FROM hist
),
messages AS (
    SELECT id_order, blank_null(message) AS message, date_add, id_message AS seq FROM src.message
    WHERE id_order > 0 AND (coalesce(private, 0) = 0 OR coalesce(id_employee, 0) = 0)
    UNION ALL
    SELECT t.id_order, blank_null(m.message), m.date_add, 1000000000 + m.id_customer_message
    FROM src.customer_message m JOIN src.customer_thread t ON t.id_customer_thread = m.id_customer_thread
    WHERE t.id_order > 0 AND coalesce(m.private, 0) = 0
),
comments AS (  -- each text once (the thread repeats the checkout message), oldest first
    SELECT id_order, string_agg(message, chr(10) || chr(10) ORDER BY first_at, seq) AS message
    FROM (SELECT id_order, message, min(date_add) AS first_at, min(seq) AS seq FROM messages
          WHERE message IS NOT NULL GROUP BY id_order, message)
    GROUP BY id_order
)
SELECT
    h.source_id,
    sid(h.id_order) AS order_source_id,
    map_value('order_status', coalesce(sn.key_name, sn.main_name)) AS order_status,
    coalesce(sn.key_name, sn.main_name, sid(h.id_order_state)) AS _raw_order_status,
    coalesce(sn.main_name, sn.key_name, sid(h.id_order_state)) AS source_status,
    utc(h.date_add) AS created_at,
    coalesce(sn.send_email = 1, false) AS customer_notified,
    CASE WHEN h.n = 1 THEN c.message END AS comments
FROM ordered h
LEFT JOIN state_names sn ON sn.id_order_state = h.id_order_state
LEFT JOIN comments c ON c.id_order = h.id_order
