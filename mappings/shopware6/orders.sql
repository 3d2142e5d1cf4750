-- entity: orders
-- reads: order, order_customer, order_address, order_delivery, order_transaction, state_machine_state,
--        state_machine_state_translation, state_machine_history, shipping_method_translation, payment_method,
--        payment_method_translation, currency, country, country_state, country_state_translation, customer
-- Every order of the live version (an order being edited in the administration has a copy under
-- another version id until it is saved: left out, with a note). The customer is the order's
-- customer (order_customer.customer_id; a guest checkout has a customer row with guest = 1); when
-- that customer is gone the order keeps its e-mail and refine makes a guest customer of it.
-- Addresses: the billing address (order.billing_address_id) is the customer and billing address,
-- the first delivery's address the shipping address. Status: Shopware keeps three states (order,
-- payment, delivery); the Mystore status is keyed by the order state's technical name, or the
-- delivery's when it says more (shipped, returned) while the order is not cancelled, see
-- [value_maps.order_status]; source_status names all three in the system language. The payment
-- method is the latest transaction's, the shipping method and tracking codes the first delivery's.
-- Money is in order_totals; the amounts of an order in another currency are the shop's
-- currency's there, and currency_value is the order's currency_factor (units of its currency for
-- one of the shop's; map/currency.py turns it into the rate from NOK).
WITH live AS (
    SELECT * FROM src."order" WHERE version_id = getvariable('live_version')
),
addr AS (
    SELECT a.id, a.order_id,
           nullif(concat_ws(' ', blank_null(a.first_name), blank_null(a.last_name)), '') AS name,
           blank_null(a.company) AS company,
           nullif(concat_ws(', ', blank_null(a.street), blank_null(a.additional_address_line1), blank_null(a.additional_address_line2)), '') AS address,
           blank_null(a.zipcode) AS raw_zipcode,
           blank_null(a.city) AS city,
           coalesce(blank_null(st.name), blank_null(s.short_code)) AS state,
           upper(blank_null(co.iso)) AS country,
           blank_null(a.phone_number) AS raw_phone,
           blank_null(a.vat_id) AS vat_id
    FROM src.order_address a
    LEFT JOIN src.country co ON co.id = a.country_id
    LEFT JOIN src.country_state s ON s.id = a.country_state_id
    LEFT JOIN src.country_state_translation st ON st.country_state_id = a.country_state_id AND st.language_id = getvariable('system_language')
    WHERE a.version_id = getvariable('live_version')
),
addr2 AS (
    SELECT *,
           CASE WHEN country = 'NO' AND regexp_matches(regexp_replace(raw_zipcode, '\s', '', 'g'), '^[0-9]{3,4}$')
                THEN lpad(regexp_replace(raw_zipcode, '\s', '', 'g'), 4, '0') ELSE raw_zipcode END AS zipcode,
           CASE WHEN country = 'NO' AND regexp_matches(regexp_replace(raw_phone, '[\s\-.()/]', '', 'g'), '^(\+47|0047)?[0-9]{8}$')
                THEN '+47' || right(regexp_replace(raw_phone, '[\s\-.()/]', '', 'g'), 8)
                ELSE raw_phone END AS phone
    FROM addr
),
states AS (
    SELECT s.id, s.technical_name, coalesce(blank_null(t.name), s.technical_name) AS name
    FROM src.state_machine_state s
    LEFT JOIN src.state_machine_state_translation t ON t.state_machine_state_id = s.id AND t.language_id = getvariable('system_language')
),
deliveries AS (
    SELECT d.order_id, d.state_id, d.shipping_order_address_id, d.shipping_method_id,
           nullif(array_to_string(from_json(coalesce(d.tracking_codes, '[]'), '["VARCHAR"]'), ', '), '') AS tracking,
           row_number() OVER (PARTITION BY d.order_id ORDER BY d.created_at, d.id) AS n
    FROM src.order_delivery d
    WHERE d.version_id = getvariable('live_version')
),
transactions AS (
    SELECT t.order_id, t.state_id, t.payment_method_id,
           row_number() OVER (PARTITION BY t.order_id ORDER BY t.created_at DESC, t.id DESC) AS n
    FROM src.order_transaction t
    WHERE t.version_id = getvariable('live_version')
),
history AS (  -- when each order, and its delivery, reached a state (6.4/6.5: entity_id JSON; 6.6: referenced_id)
    SELECT h.entity_name, s.technical_name AS state, h.created_at,
           coalesce(nullif(h.referenced_id, unhex('00')), unhex(json_extract_string(h.entity_id, '$.id'))) AS entity_id
    FROM src.state_machine_history h JOIN src.state_machine_state s ON s.id = h.to_state_id
    WHERE coalesce(nullif(h.referenced_version_id, unhex('00')), unhex(json_extract_string(h.entity_id, '$.version_id'))) = getvariable('live_version')
),
finished AS (  -- completed, else shipped
    SELECT o.id, coalesce(min(h.created_at) FILTER (WHERE h.entity_name = 'order' AND h.state = 'completed'),
                          min(h.created_at) FILTER (WHERE h.entity_name = 'order_delivery' AND h.state = 'shipped')) AS at
    FROM live o
    JOIN history h ON (h.entity_name = 'order' AND h.entity_id = o.id)
                   OR (h.entity_name = 'order_delivery' AND h.entity_id IN (SELECT d.id FROM src.order_delivery d WHERE d.order_id = o.id))
    GROUP BY o.id
),
drafts AS (
    SELECT DISTINCT id FROM src."order" WHERE version_id <> getvariable('live_version')
),
x AS (
    SELECT o.*, os.technical_name AS order_state, os.name AS order_state_name,
           ds.technical_name AS delivery_state, ds.name AS delivery_state_name, ps.name AS payment_state_name,
           CASE WHEN os.technical_name = 'cancelled' THEN 'cancelled'
                WHEN ds.technical_name IN ('returned', 'returned_partially') THEN ds.technical_name
                WHEN os.technical_name = 'completed' THEN 'completed'
                WHEN ds.technical_name IN ('shipped', 'shipped_partially') THEN ds.technical_name
                ELSE os.technical_name END AS status_key,
           oc.customer_id, oc.email, oc.first_name, oc.last_name, oc.company AS customer_company, oc.vat_ids,
           d.shipping_order_address_id, d.shipping_method_id, d.tracking, t.payment_method_id,
           c.id IS NOT NULL AS customer_exists
    FROM live o
    LEFT JOIN states os ON os.id = o.state_id
    LEFT JOIN deliveries d ON d.order_id = o.id AND d.n = 1
    LEFT JOIN states ds ON ds.id = d.state_id
    LEFT JOIN transactions t ON t.order_id = o.id AND t.n = 1
    LEFT JOIN states ps ON ps.id = t.state_id
    LEFT JOIN src.order_customer oc ON oc.order_id = o.id AND oc.order_version_id = o.version_id
    LEFT JOIN src.customer c ON c.id = oc.customer_id
)
SELECT
    lower(hex(x.id)) AS source_id,
    coalesce(blank_null(x.order_number), lower(hex(x.id))) AS reference,
    CASE WHEN x.customer_exists THEN lower(hex(x.customer_id)) END AS customer_source_id,
    map_value('order_status', x.status_key) AS order_status,
    x.status_key AS _raw_order_status,
    coalesce(x.order_state_name, 'unknown') || ' (payment: ' || coalesce(x.payment_state_name, '-') || ', delivery: '
        || coalesce(x.delivery_state_name, '-') || ')' AS source_status,
    coalesce(inv.name, nullif(concat_ws(' ', blank_null(x.first_name), blank_null(x.last_name)), '')) AS customer_address_name,
    coalesce(inv.company, blank_null(x.customer_company)) AS customer_address_company,
    inv.address AS customer_address_address,
    NULL::VARCHAR AS customer_address_region,
    inv.city AS customer_address_city,
    inv.zipcode AS customer_address_zipcode,
    inv.state AS customer_address_state,
    inv.country AS customer_address_country,
    inv.phone AS customer_address_phone,
    lower(trim(x.email)) AS customer_address_email,
    del.name AS shipping_address_name,
    del.company AS shipping_address_company,
    del.address AS shipping_address_address,
    NULL::VARCHAR AS shipping_address_region,
    del.city AS shipping_address_city,
    del.zipcode AS shipping_address_zipcode,
    del.state AS shipping_address_state,
    del.country AS shipping_address_country,
    inv.name AS billing_address_name,
    inv.company AS billing_address_company,
    inv.address AS billing_address_address,
    NULL::VARCHAR AS billing_address_region,
    inv.city AS billing_address_city,
    inv.zipcode AS billing_address_zipcode,
    inv.state AS billing_address_state,
    inv.country AS billing_address_country,
    NULL::VARCHAR AS billing_address_email,  -- Shopware has one e-mail per order
    -- a Norwegian org.nr only (9 digits once 'NO', 'MVA', spaces and dots are gone)
    CASE WHEN regexp_matches(regexp_replace(upper(coalesce(blank_null(json_extract_string(x.vat_ids, '$[0]')), inv.vat_id, '')), '^NO|MVA$|[\s.]', '', 'g'), '^[0-9]{9}$')
         THEN regexp_replace(upper(coalesce(blank_null(json_extract_string(x.vat_ids, '$[0]')), inv.vat_id)), '^NO|MVA$|[\s.]', '', 'g') END AS company_number,
    (SELECT coalesce(blank_null(pt.name), blank_null(pt2.name)) FROM src.payment_method pm
       LEFT JOIN src.payment_method_translation pt ON pt.payment_method_id = pm.id AND pt.language_id = x.language_id
       LEFT JOIN src.payment_method_translation pt2 ON pt2.payment_method_id = pm.id AND pt2.language_id = getvariable('system_language')
      WHERE pm.id = x.payment_method_id) AS payment_method,
    (SELECT coalesce(blank_null(pm.technical_name), blank_null(pm.handler_identifier)) FROM src.payment_method pm
      WHERE pm.id = x.payment_method_id) AS payment_module,
    (SELECT coalesce(max(blank_null(st.name)) FILTER (WHERE st.language_id = x.language_id),
                     max(blank_null(st.name)) FILTER (WHERE st.language_id = getvariable('system_language')))
       FROM src.shipping_method_translation st WHERE st.shipping_method_id = x.shipping_method_id) AS shipping_method,
    x.tracking AS tracking_number,
    coalesce(upper(blank_null(cu.iso_code)), getvariable('shop_currency')) AS currency,
    CAST(CASE WHEN x.currency_id = getvariable('system_currency') OR x.currency_factor IS NULL OR x.currency_factor <= 0
              THEN 1 ELSE CAST(CAST(x.currency_factor AS VARCHAR) AS DECIMAL(20,10)) END AS DECIMAL(14,6)) AS currency_value,
    timezone('UTC', CAST(x.order_date_time AS TIMESTAMP)) AS created_at,
    timezone('UTC', CAST(x.updated_at AS TIMESTAMP)) AS updated_at,
    timezone('UTC', CAST(f.at AS TIMESTAMP)) AS finished_at,
    NULL::VARCHAR AS internal_note,  -- Shopware core has no private order note
    CASE WHEN x.id IN (SELECT id FROM drafts)
         THEN 'ORDER_DRAFT_VERSION: the order has an unsaved edit in the administration (a draft version); the live order is migrated' END AS _note,
    nullif(concat_ws('|',
        CASE WHEN x.customer_id IS NOT NULL AND NOT x.customer_exists
             THEN 'customer_source_id@CUSTOMER_MISSING: customer ' || lower(hex(x.customer_id)) || ' is not in the dump; kept as a guest order' END,
        CASE WHEN cu.id IS NULL THEN 'currency@CURRENCY_MISSING: the order''s currency is not in the dump; the shop''s currency assumed' END
    ), '') AS _warn
FROM x
LEFT JOIN addr2 inv ON inv.id = x.billing_address_id
LEFT JOIN addr2 del ON del.id = x.shipping_order_address_id
LEFT JOIN src.currency cu ON cu.id = x.currency_id
LEFT JOIN finished f ON f.id = x.id
