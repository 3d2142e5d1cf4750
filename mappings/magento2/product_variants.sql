-- entity: product_variants
-- reads: catalog_product_super_link, catalog_product_super_attribute, catalog_product_entity + EAV
--        (shop.variants, shop.products, shop.prices), cataloginventory_stock_item / inventory_source_item (shop.stock)
-- A child of a configurable product is a variant of it: its options are its values of the parent's super
-- attributes, its SKU, stock and cost its own. Its price difference is its net price minus the product's
-- (the lowest enabled child's, products.sql), both net of VAT at the parent's tax class when the shop enters
-- prices with VAT. A disabled child, or one outside the shop's website, is a disabled variant.
SELECT
    sid(v.child_id) AS source_id,
    sid(v.parent_id) AS product_source_id,
    v.option_ids AS option_value_source_ids,
    blank_null(c.sku) AS sku,
    CASE WHEN regexp_matches(trim(c.gtin), '^([0-9]{8}|[0-9]{12,14})$') THEN trim(c.gtin) END AS ean,
    CASE WHEN s.managed THEN CAST(floor(coalesce(s.qty, 0)) AS INTEGER) END AS quantity,
    CASE WHEN c.cost > 0 THEN money(c.cost) END AS cost,
    coalesce(net_price(c.price, p.rate, getvariable('prices_include_tax')) - p.net, CAST(0 AS DECIMAL(18,4))) AS price_difference,
    CASE WHEN getvariable('prices_include_tax') THEN money(c.price) ELSE gross(c.price, p.rate) END AS price_gross,
    NOT (c.status = 1 AND c.in_website) AS disabled,
    CASE WHEN v.nth_parent > 1 THEN 'SECOND_PARENT: the child product is already a variant of another configurable product'
         WHEN v.n_values = 0 THEN 'NO_OPTION_VALUES: the child has no value for its parent''s super attributes' END AS _skip,
    nullif(concat_ws('|',
        CASE WHEN v.n_values < v.n_attributes
             THEN 'option_value_source_ids@MISSING_OPTION_VALUE: the child has no value for one of its parent''s super attributes' END,
        CASE WHEN c.price IS NULL THEN 'price_difference@NO_PRICE: the child has no price; the product''s price is used' END,
        CASE WHEN s.managed AND s.reserved > 0
             THEN 'quantity@STOCK_RESERVED: part of the stock is reserved for orders not yet shipped (MSI reservations); the quantity is the stock on hand' END
    ), '') AS _warn
FROM shop.variants v
JOIN shop.products c ON c.entity_id = v.child_id
JOIN shop.prices p ON p.entity_id = v.parent_id
LEFT JOIN shop.stock s ON s.entity_id = v.child_id
