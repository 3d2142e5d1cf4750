-- entity: orders
-- reads: orders, customer, address, country, state, order_state_lang, currency, carrier, order_carrier, order_history, order_state,
--        message, customer_thread, customer_message
-- Every order of the shop. The customer is the order's customer unless that customer is
-- deleted or missing: then customer_source_id stays empty and refine makes a guest customer
-- from the order's e-mail (or attaches it to a registered customer with that e-mail). Guest
-- checkouts already have a customer row (is_guest = 1) and point at it.
-- The invoice address is the customer address and the billing address; the delivery address
-- the shipping address. Status: the current state's name in the main language is kept as
-- source_status; the Mystore status comes from [value_maps.order_status] keyed by the state's
-- English name (see platform.toml). Money here is only the currency: amounts are in
-- order_totals. `currency_value` is the order's conversion_rate (1 for the shop's currency); a shop
-- not in NOK is converted after the mappings, currency_value with it (map/currency.py).
WITH addr AS (
    SELECT a.id_address,
           nullif(concat_ws(' ', blank_null(a.firstname), blank_null(a.lastname)), '') AS name,
           blank_null(a.company) AS company,
           nullif(concat_ws(', ', blank_null(a.address1), blank_null(a.address2)), '') AS address,
           blank_null(a.postcode) AS raw_zipcode,
           blank_null(a.city) AS city,
           blank_null(st.name) AS state,
           upper(blank_null(co.iso_code)) AS country,
           coalesce(blank_null(a.phone), blank_null(a.phone_mobile)) AS raw_phone,
           coalesce(blank_null(a.vat_number), blank_null(a.dni)) AS vat_number
    FROM src.address a
    LEFT JOIN src.country co ON co.id_country = a.id_country
    LEFT JOIN src.state st ON st.id_state = a.id_state AND a.id_state > 0
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
state_names AS (
    SELECT s.id_order_state,
           max(sl.name) FILTER (WHERE sl.id_lang = getvariable('main_language_id')) AS main_name,
           max(sl.name) FILTER (WHERE sl.id_lang = getvariable('status_language_id')) AS key_name
    FROM src.order_state s LEFT JOIN src.order_state_lang sl USING (id_order_state)
    GROUP BY s.id_order_state
),
tracking AS (
    SELECT id_order, blank_null(tracking_number) AS tracking_number,
           row_number() OVER (PARTITION BY id_order ORDER BY date_add DESC, id_order_carrier DESC) AS n
    FROM src.order_carrier WHERE blank_null(tracking_number) IS NOT NULL
),
finished AS (
    SELECT oh.id_order, min(oh.date_add) AS shipped_at
    FROM src.order_history oh JOIN src.order_state s ON s.id_order_state = oh.id_order_state
    WHERE s.shipped = 1
    GROUP BY oh.id_order
),
extra AS (  -- orders.shipping_number exists up to 1.7 only, orders.note (the shop's private note) from 1.7.7 ([optional_columns])
    SELECT o.id_order, blank_null(o.shipping_number) AS shipping_number, blank_null(o.note) AS note
    FROM src.orders o
),
private_notes AS (  -- the shop's private messages on the order: the customer never saw them
    SELECT id_order, string_agg(message, chr(10) || chr(10) ORDER BY date_add, seq) AS notes FROM (
        SELECT id_order, blank_null(message) AS message, date_add, id_message AS seq FROM src.message
        WHERE id_order > 0 AND coalesce(private, 0) = 1 AND coalesce(id_employee, 0) > 0
        UNION ALL
        SELECT t.id_order, blank_null(m.message), m.date_add, 1000000000 + m.id_customer_message
        FROM src.customer_message m JOIN src.customer_thread t ON t.id_customer_thread = m.id_customer_thread
        WHERE t.id_order > 0 AND coalesce(m.private, 0) = 1)
    WHERE message IS NOT NULL GROUP BY id_order
)
SELECT
    sid(o.id_order) AS source_id,
    coalesce(blank_null(o.reference), sid(o.id_order)) AS reference,
    CASE WHEN c.id_customer IS NOT NULL AND c.deleted = 0 AND NOT placeholder_account(c.email) THEN sid(o.id_customer) END AS customer_source_id,
    map_value('order_status', coalesce(sn.key_name, sn.main_name)) AS order_status,
    coalesce(sn.key_name, sn.main_name, sid(o.current_state)) AS _raw_order_status,
    coalesce(sn.main_name, sn.key_name, sid(o.current_state)) AS source_status,
    coalesce(inv.name, nullif(concat_ws(' ', blank_null(c.firstname), blank_null(c.lastname)), '')) AS customer_address_name,
    inv.company AS customer_address_company,
    inv.address AS customer_address_address,
    NULL::VARCHAR AS customer_address_region,
    inv.city AS customer_address_city,
    inv.zipcode AS customer_address_zipcode,
    inv.state AS customer_address_state,
    inv.country AS customer_address_country,
    inv.phone AS customer_address_phone,
    lower(trim(c.email)) AS customer_address_email,
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
    NULL::VARCHAR AS billing_address_email,  -- PrestaShop has one e-mail per customer
    -- a Norwegian org.nr only (9 digits once 'NO', 'MVA', spaces and dots are gone)
    CASE WHEN regexp_matches(regexp_replace(upper(coalesce(blank_null(c.siret), inv.vat_number, '')), '^NO|MVA$|[\s.]', '', 'g'), '^[0-9]{9}$')
         THEN regexp_replace(upper(coalesce(blank_null(c.siret), inv.vat_number)), '^NO|MVA$|[\s.]', '', 'g') END AS company_number,
    blank_null(o.payment) AS payment_method,
    blank_null(o.module) AS payment_module,
    CASE WHEN ca.name = '0' THEN getvariable('shop_name') ELSE blank_null(ca.name) END AS shipping_method,
    coalesce(tr.tracking_number, x.shipping_number) AS tracking_number,
    coalesce(upper(blank_null(cu.iso_code)), getvariable('default_currency_iso'), 'NOK') AS currency,
    CAST(CASE WHEN o.id_currency = getvariable('default_currency_id') OR o.conversion_rate IS NULL OR o.conversion_rate <= 0
              THEN 1 ELSE o.conversion_rate END AS DECIMAL(14,6)) AS currency_value,
    utc(o.date_add) AS created_at,
    utc(o.date_upd) AS updated_at,
    utc(f.shipped_at) AS finished_at,
    nullif(concat_ws(chr(10) || chr(10), x.note, pn.notes), '') AS internal_note,
    CASE WHEN o.id_shop <> getvariable('shop_id') THEN 'OTHER_SHOP: order of another shop' END AS _skip,
    CASE WHEN coalesce(x.note, pn.notes) IS NOT NULL
         THEN 'internal_note@ORDER_NOTE_NOT_LOADED: the shop''s private note on the order is kept in internal_note; Mystore has no order field known to hold it, so it is not loaded' END AS _note,
    nullif(concat_ws('|',
        CASE WHEN c.id_customer IS NULL THEN 'customer_source_id@CUSTOMER_MISSING: customer ' || o.id_customer || ' is not in the dump; kept as a guest order' END,
        CASE WHEN c.deleted = 1 THEN 'customer_source_id@CUSTOMER_DELETED: customer ' || o.id_customer || ' is deleted in PrestaShop; kept as a guest order' END,
        CASE WHEN c.deleted = 0 AND placeholder_account(c.email)
             THEN 'customer_source_id@ANONYMISED_CUSTOMER: the customer was erased (GDPR) and the order moved to the placeholder account; kept as a guest order' END,
        CASE WHEN cu.id_currency IS NULL THEN 'currency@CURRENCY_MISSING: currency ' || o.id_currency || ' is not in the dump; the shop''s currency assumed' END
    ), '') AS _warn
FROM src.orders o
LEFT JOIN src.customer c ON c.id_customer = o.id_customer
LEFT JOIN addr2 inv ON inv.id_address = o.id_address_invoice
LEFT JOIN addr2 del ON del.id_address = o.id_address_delivery
LEFT JOIN state_names sn ON sn.id_order_state = o.current_state
LEFT JOIN src.currency cu ON cu.id_currency = o.id_currency
LEFT JOIN src.carrier ca ON ca.id_carrier = o.id_carrier
LEFT JOIN tracking tr ON tr.id_order = o.id_order AND tr.n = 1
LEFT JOIN finished f ON f.id_order = o.id_order
LEFT JOIN extra x ON x.id_order = o.id_order
LEFT JOIN private_notes pn ON pn.id_order = o.id_order
