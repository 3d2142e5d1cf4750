-- entity: orders
-- reads: order, order_status, order_history, order_product, order_total, country, pkg.customers
-- order_status_id 0 marks a "missing order": a checkout that was never confirmed (OpenCart's own
-- order list hides them); they are left out. customer_id 0 is a guest checkout: the order keeps
-- its address snapshot and refine makes the guest customer. An order whose customer is no longer
-- in the package is treated like a guest order.
-- The customer block is the customer's name, e-mail and phone with the payment (billing) address;
-- billing_* is the payment address, shipping_* the shipping address (empty when nothing was
-- shipped). OpenCart 4 stores payment_method/shipping_method as JSON {name, code}.
-- Amounts are in the shop's default currency (config_currency); currency/currency_value are what
-- the customer saw (currency_value: shop currency -> order currency). A shop whose default currency is
-- not NOK is converted after the mappings (map/currency.py, --currency-rate), currency_value with it.
WITH o AS (
    SELECT * FROM (SELECT NULL::VARCHAR AS payment_code, NULL::VARCHAR AS shipping_code, NULL::VARCHAR AS payment_company_id,
                          NULL::VARCHAR AS payment_company, NULL::VARCHAR AS shipping_company, NULL::VARCHAR AS comment,
                          NULL::TIMESTAMP AS date_modified WHERE false)
    UNION ALL BY NAME SELECT * FROM src."order"
),
status_names AS (
    SELECT order_status_id, name FROM (
        SELECT order_status_id, blank_null(html_decode(name)) AS name,
               row_number() OVER (PARTITION BY order_status_id ORDER BY (language_id = getvariable('main_language_id')) DESC, language_id) AS rn
        FROM src.order_status) WHERE rn = 1
),
line_vat AS (
    -- VAT the lines carry, to see whether the order's totals account for it
    SELECT order_id, sum(tax * quantity) AS vat FROM src.order_product GROUP BY order_id
),
tax_rows AS (SELECT DISTINCT order_id FROM src.order_total WHERE lower(trim(code)) = 'tax'),
finished AS (
    SELECT order_id, min(date_added) AS at FROM src.order_history
    WHERE list_contains(getvariable('complete_status_ids'), CAST(order_status_id AS BIGINT)) GROUP BY order_id
),
rows AS (
    SELECT o.*,
           s.name AS status_name,
           nullif(concat_ws(' ', blank_null(html_decode(o.firstname)), blank_null(html_decode(o.lastname))), '') AS customer_name,
           nullif(concat_ws(' ', blank_null(html_decode(o.payment_firstname)), blank_null(html_decode(o.payment_lastname))), '') AS pay_name,
           nullif(concat_ws(', ', blank_null(html_decode(o.payment_address_1)), blank_null(html_decode(o.payment_address_2))), '') AS pay_street,
           coalesce(pc.iso_code_2, (SELECT max(iso_code_2) FROM src.country x WHERE lower(x.name) = lower(trim(o.payment_country)))) AS pay_country,
           nullif(concat_ws(' ', blank_null(html_decode(o.shipping_firstname)), blank_null(html_decode(o.shipping_lastname))), '') AS ship_name,
           nullif(concat_ws(', ', blank_null(html_decode(o.shipping_address_1)), blank_null(html_decode(o.shipping_address_2))), '') AS ship_street,
           coalesce(sc.iso_code_2, (SELECT max(iso_code_2) FROM src.country x WHERE lower(x.name) = lower(trim(o.shipping_country)))) AS ship_country,
           CASE WHEN json_valid(o.payment_method) AND left(trim(o.payment_method), 1) = '{'
                THEN json_extract_string(o.payment_method, '$.name') ELSE o.payment_method END AS pay_method,
           CASE WHEN json_valid(o.payment_method) AND left(trim(o.payment_method), 1) = '{'
                THEN json_extract_string(o.payment_method, '$.code') ELSE o.payment_code END AS pay_code,
           CASE WHEN json_valid(o.shipping_method) AND left(trim(o.shipping_method), 1) = '{'
                THEN json_extract_string(o.shipping_method, '$.name') ELSE o.shipping_method END AS ship_method,
           sid(o.customer_id) IN (SELECT source_id FROM pkg.customers) AS known_customer,
           f.at AS finished,
           coalesce(lv.vat, 0) AS line_vat, o.order_id IN (SELECT order_id FROM tax_rows) AS has_tax_rows
    FROM o
    LEFT JOIN status_names s ON s.order_status_id = o.order_status_id
    LEFT JOIN src.country pc ON pc.country_id = o.payment_country_id
    LEFT JOIN src.country sc ON sc.country_id = o.shipping_country_id
    LEFT JOIN finished f ON f.order_id = o.order_id
    LEFT JOIN line_vat lv ON lv.order_id = o.order_id
)
SELECT
    sid(order_id) AS source_id,
    sid(order_id) AS reference,
    CASE WHEN coalesce(customer_id, 0) <> 0 AND known_customer THEN sid(customer_id) END AS customer_source_id,
    map_value('order_status', status_name) AS order_status,
    coalesce(status_name, 'order_status_id ' || order_status_id) AS _raw_order_status,
    coalesce(status_name, 'order_status_id ' || order_status_id) AS source_status,
    coalesce(customer_name, pay_name, ship_name) AS customer_address_name,
    blank_null(html_decode(payment_company)) AS customer_address_company,
    pay_street AS customer_address_address,
    blank_null(html_decode(payment_zone)) AS customer_address_region,
    blank_null(html_decode(payment_city)) AS customer_address_city,
    blank_null(trim(payment_postcode)) AS customer_address_zipcode,
    CAST(NULL AS VARCHAR) AS customer_address_state,
    pay_country AS customer_address_country,
    blank_null(telephone) AS customer_address_phone,
    lower(blank_null(email)) AS customer_address_email,
    ship_name AS shipping_address_name,
    blank_null(html_decode(shipping_company)) AS shipping_address_company,
    ship_street AS shipping_address_address,
    blank_null(html_decode(shipping_zone)) AS shipping_address_region,
    blank_null(html_decode(shipping_city)) AS shipping_address_city,
    blank_null(trim(shipping_postcode)) AS shipping_address_zipcode,
    CAST(NULL AS VARCHAR) AS shipping_address_state,
    CASE WHEN ship_name IS NOT NULL OR ship_street IS NOT NULL THEN ship_country END AS shipping_address_country,
    pay_name AS billing_address_name,
    blank_null(html_decode(payment_company)) AS billing_address_company,
    pay_street AS billing_address_address,
    blank_null(html_decode(payment_zone)) AS billing_address_region,
    blank_null(html_decode(payment_city)) AS billing_address_city,
    blank_null(trim(payment_postcode)) AS billing_address_zipcode,
    CAST(NULL AS VARCHAR) AS billing_address_state,
    pay_country AS billing_address_country,
    lower(blank_null(email)) AS billing_address_email,
    blank_null(payment_company_id) AS company_number,
    blank_null(html_decode(pay_method)) AS payment_method,
    blank_null(pay_code) AS payment_module,
    blank_null(html_decode(ship_method)) AS shipping_method,
    -- order.tracking is the affiliate tracking code, not a shipment number
    CAST(NULL AS VARCHAR) AS tracking_number,
    coalesce(blank_null(currency_code), getvariable('shop_currency'), 'NOK') AS currency,
    CAST(coalesce(nullif(currency_value, 0), 1) AS DECIMAL(14,6)) AS currency_value,
    utc(date_added) AS created_at,
    utc(date_modified) AS updated_at,
    -- completed: the first history entry with a complete status, or the last change when a complete order has no history
    utc(coalesce(finished, CASE WHEN list_contains(getvariable('complete_status_ids'), CAST(order_status_id AS BIGINT))
                                THEN coalesce(date_modified, date_added) END)) AS finished_at,
    CASE WHEN coalesce(order_status_id, 0) = 0
         THEN 'MISSING_ORDER: order_status_id 0, a checkout that was never confirmed (OpenCart lists it under "Missing Orders")' END AS _skip,
    nullif(concat_ws('|',
        CASE WHEN coalesce(customer_id, 0) <> 0 AND NOT known_customer
             THEN 'customer_source_id@CUSTOMER_GONE: customer ' || customer_id || ' is not in the package; the order is treated as a guest order' END,
        CASE WHEN line_vat > 0 AND NOT has_tax_rows
             THEN 'order_totals@TAX_ROWS_MISSING: the lines carry VAT ' || CAST(money(line_vat) AS VARCHAR)
                  || ' but the order totals have no tax row (the total leaves it out)' END,
        CASE WHEN status_name IS NULL AND coalesce(order_status_id, 0) <> 0
             THEN 'order_status@UNKNOWN_STATUS: order_status_id ' || order_status_id || ' has no name' END
    ), '') AS _warn
FROM rows
