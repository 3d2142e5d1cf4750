-- OpenCart order fields as the shop holds them
SELECT
    CAST(o.order_id AS VARCHAR) AS source_id,
    CAST(o.order_id AS VARCHAR) AS reference,
    CAST(nullif(o.customer_id, 0) AS VARCHAR) AS customer_source_id,
    (SELECT s.name FROM src.order_status s WHERE s.order_status_id = o.order_status_id
      ORDER BY (s.language_id = getvariable('main_language_id')) DESC LIMIT 1) AS order_status,
    concat_ws(' ', o.firstname, o.lastname) AS customer_address_name,
    o.email AS customer_address_email,
    o.payment_country AS customer_address_country,
    o.payment_method AS payment_method,
    o.shipping_method AS shipping_method,
    o.currency_code AS currency,
    o.currency_value AS currency_value,
    o.total AS total,
    o.date_added AS created_at
FROM src."order" o
