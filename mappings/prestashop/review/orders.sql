-- PrestaShop order fields as the shop holds them
SELECT
    CAST(o.id_order AS VARCHAR) AS source_id,
    o.reference AS reference,
    CAST(o.id_customer AS VARCHAR) AS customer_source_id,
    (SELECT sl.name FROM src.order_state_lang sl WHERE sl.id_order_state = o.current_state
       AND sl.id_lang = getvariable('main_language_id')) AS order_status,
    concat_ws(' ', a.firstname, a.lastname) AS customer_address_name,
    c.email AS customer_address_email,
    co.iso_code AS customer_address_country,
    o.payment AS payment_method,
    o.module AS payment_module,
    ca.name AS shipping_method,
    cu.iso_code AS currency,
    o.conversion_rate AS currency_value,
    o.date_add AS created_at
FROM src.orders o
LEFT JOIN src.customer c ON c.id_customer = o.id_customer
LEFT JOIN src.address a ON a.id_address = o.id_address_invoice
LEFT JOIN src.country co ON co.id_country = a.id_country
LEFT JOIN src.carrier ca ON ca.id_carrier = o.id_carrier
LEFT JOIN src.currency cu ON cu.id_currency = o.id_currency
