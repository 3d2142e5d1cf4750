-- entity: order_status_history
-- reads: order, order_delivery, state_machine_history, state_machine_state, state_machine_state_translation, flow, flow_sequence
-- The first row is the order being placed: the state it started in (the first transition's "from",
-- else its state now) at the order date, '<order id>/1', with the customer's checkout comment
-- (order.customer_comment). Then every transition of the order's state (state_machine_history,
-- entity 'order'), and the moments its delivery was shipped or returned (entity 'order_delivery'),
-- in time order, mapped like the order's status (orders.sql). Transitions of a draft version are left
-- out. 6.4 and 6.5 name the record in entity_id (JSON {id, version_id}); 6.6 in referenced_id.
-- customer_notified: an active flow sends a mail when the order (or delivery) enters that state
-- (flow event state_enter.<entity>.state.<state>, checkout.order.placed for the first row), as the
-- default flows of 6.4+ do.
WITH live AS (
    SELECT * FROM src."order" WHERE version_id = getvariable('live_version')
),
states AS (
    SELECT s.id, s.technical_name, coalesce(blank_null(t.name), s.technical_name) AS name
    FROM src.state_machine_state s
    LEFT JOIN src.state_machine_state_translation t ON t.state_machine_state_id = s.id AND t.language_id = getvariable('system_language')
),
mails AS (  -- flow events that send the customer a mail
    SELECT DISTINCT f.event_name FROM src.flow f JOIN src.flow_sequence s ON s.flow_id = f.id
    WHERE coalesce(f.active, 0) = 1 AND s.action_name = 'action.mail.send'
),
transitions AS (
    SELECT h.id, h.entity_name, h.from_state_id, h.to_state_id, h.created_at,
           coalesce(nullif(h.referenced_id, unhex('00')), unhex(json_extract_string(h.entity_id, '$.id'))) AS entity_id,
           coalesce(nullif(h.referenced_version_id, unhex('00')), unhex(json_extract_string(h.entity_id, '$.version_id'))) AS entity_version
    FROM src.state_machine_history h
    WHERE h.entity_name IN ('order', 'order_delivery')
),
events AS (
    SELECT lower(hex(t.id)) AS source_id, o.id AS order_id, t.entity_name, t.from_state_id, t.to_state_id, t.created_at, lower(hex(t.id)) AS seq
    FROM transitions t JOIN live o ON t.entity_name = 'order' AND t.entity_id = o.id
    WHERE t.entity_version = getvariable('live_version')
    UNION ALL
    SELECT lower(hex(t.id)), d.order_id, t.entity_name, t.from_state_id, t.to_state_id, t.created_at, lower(hex(t.id))
    FROM transitions t
    JOIN src.order_delivery d ON t.entity_name = 'order_delivery' AND d.id = t.entity_id AND d.version_id = getvariable('live_version')
    JOIN states s ON s.id = t.to_state_id AND s.technical_name IN ('shipped', 'shipped_partially', 'returned', 'returned_partially')
    WHERE t.entity_version = getvariable('live_version')
),
first_state AS (
    SELECT o.id AS order_id,
           coalesce((SELECT e.from_state_id FROM events e WHERE e.order_id = o.id AND e.entity_name = 'order'
                     ORDER BY e.created_at, e.seq LIMIT 1), o.state_id) AS state_id
    FROM live o
),
rows AS (
    SELECT lower(hex(o.id)) || '/1' AS source_id, o.id AS order_id, 'order' AS entity_name, f.state_id, o.order_date_time AS created_at,
           '' AS seq, blank_null(o.customer_comment) AS comments, 'checkout.order.placed' AS event
    FROM live o JOIN first_state f ON f.order_id = o.id
    UNION ALL
    SELECT e.source_id, e.order_id, e.entity_name, e.to_state_id, e.created_at, e.seq, NULL,
           'state_enter.' || e.entity_name || '.state.' || s.technical_name
    FROM events e JOIN states s ON s.id = e.to_state_id
)
SELECT
    r.source_id,
    lower(hex(r.order_id)) AS order_source_id,
    map_value('order_status', s.technical_name) AS order_status,
    s.technical_name AS _raw_order_status,
    CASE WHEN r.entity_name = 'order_delivery' THEN 'Delivery: ' ELSE '' END || s.name AS source_status,
    timezone('UTC', CAST(r.created_at AS TIMESTAMP)) AS created_at,
    r.event IN (SELECT event_name FROM mails) AS customer_notified,
    r.comments
FROM rows r
LEFT JOIN states s ON s.id = r.state_id
ORDER BY r.order_id, r.created_at, r.seq
