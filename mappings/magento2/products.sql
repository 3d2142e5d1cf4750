-- entity: products
-- reads: catalog_product_entity + EAV (shop.products, shop.texts, shop.prices), catalog_product_super_link,
--        catalog_product_super_attribute (shop.variants), catalog_category_product, catalog_category_entity,
--        catalog_product_website, cataloginventory_stock_item / inventory_source_item (shop.stock),
--        tax_calculation* (shop.tax_rates), catalog_product_option
-- Simple, virtual and downloadable products are products; a configurable product is one product whose
-- variants are its simple children (product_variants.sql). A child that is not visible individually is only
-- that variant; a child the shop also sells on its own page stays a product as well. Bundle and grouped
-- products are left out with their reason (their parts are products of their own).
-- Prices (shop.prices): the price attribute as the default store view sees it; a configurable product's is the
-- lowest price of its enabled children (each variant gets the difference). Net as the shop enters it, or net of
-- VAT at the rate of the product's tax class for the shop's country when it enters prices with VAT
-- (tax/calculation/price_includes_tax); price_gross is the price with VAT as the shop showed it (audit).
-- status: enabled and visible somewhere; "not visible individually" outside a configurable is inactive.
-- Stock: shop.stock (MSI source items, else cataloginventory); none for a configurable (its variants have it).
WITH variant_of AS (
    SELECT child_id, min(parent_id) AS parent_id FROM shop.variants GROUP BY child_id
),
texts AS (
    SELECT entity_id,
           map_from_entries(list({'key': lang, 'value': name} ORDER BY lang) FILTER (WHERE name IS NOT NULL)) AS name,
           map_from_entries(list({'key': lang, 'value': url_key} ORDER BY lang) FILTER (WHERE url_key IS NOT NULL)) AS slug,
           -- Mystore has one description: Magento's description, the short description as its first paragraph
           map_from_entries(list({'key': lang, 'value': description_html(description, short_description)} ORDER BY lang)
                            FILTER (WHERE description_html(description, short_description) IS NOT NULL)) AS description,
           map_from_entries(list({'key': lang, 'value': meta_title} ORDER BY lang) FILTER (WHERE meta_title IS NOT NULL)) AS meta_title,
           map_from_entries(list({'key': lang, 'value': meta_description} ORDER BY lang) FILTER (WHERE meta_description IS NOT NULL)) AS meta_description,
           map_from_entries(list({'key': lang, 'value': meta_keyword} ORDER BY lang) FILTER (WHERE meta_keyword IS NOT NULL)) AS meta_keywords
    FROM shop.texts WHERE kind = 'product' GROUP BY entity_id
),
cats AS (  -- the shop's categories, deepest first (the root catalog and the store's root are no categories)
    SELECT cp.product_id, list(sid(cp.category_id) ORDER BY c.level DESC, cp.position, cp.category_id) AS ids
    FROM src.catalog_category_product cp JOIN shop.category_rows c ON c.entity_id = cp.category_id
    WHERE NOT c.is_root AND c.in_shop
    GROUP BY cp.product_id
),
custom_options AS (
    SELECT DISTINCT r.entity_id FROM src.catalog_product_option o JOIN shop.product_rows r ON r.link = o.product_id
),
priced AS (
    SELECT p.*, vo.parent_id AS variant_of, pr.enabled_children, pr.price AS base_price, pr.net, pr.gross,
           CASE WHEN regexp_matches(trim(p.gtin), '^([0-9]{8}|[0-9]{12,14})$') THEN trim(p.gtin) END AS ean
    FROM shop.products p
    JOIN shop.prices pr ON pr.entity_id = p.entity_id
    LEFT JOIN variant_of vo ON vo.child_id = p.entity_id
)
SELECT
    sid(p.entity_id) AS source_id,
    blank_null(p.sku) AS sku,
    p.ean,
    blank_null(p.mpn) AS manufacturer_sku,
    t.name,  -- without Norwegian text the main language's is copied to 'no' after the mappings (map/languages.py)
    t.slug,
    t.description, t.meta_title, t.meta_description, t.meta_keywords,
    coalesce(p.net, CAST(0 AS DECIMAL(18,4))) AS price,
    p.gross AS price_gross,
    CASE WHEN p.cost > 0 THEN money(p.cost) END AS cost,
    sid(coalesce(p.tax_class_id, 0)) AS tax_class_source_id,
    sid(p.manufacturer) AS manufacturer_source_id,
    c.ids AS category_source_ids,
    CASE WHEN p.type_id <> 'configurable' AND s.managed THEN CAST(floor(s.qty) AS INTEGER) END AS quantity,
    CASE WHEN p.status = 1 AND coalesce(p.visibility, 4) <> 1 THEN 1 ELSE 0 END AS status,
    CASE WHEN p.weight > 0 THEN money(CAST(p.weight AS DECIMAL(38,10)) * getvariable('weight_grams')) END AS weight,
    timezone('UTC', p.created_at) AS created_at,
    timezone('UTC', p.updated_at) AS updated_at,
    CASE WHEN p.type_id = 'bundle'
         THEN 'BUNDLE_PRODUCT: bundle product (a set of options filled with other products, priced from them): Mystore has no bundles; left out, its parts are products of their own'
         WHEN p.type_id = 'grouped'
         THEN 'GROUPED_PRODUCT: grouped product (a list of other products, not buyable itself); left out, its products are products of their own'
         WHEN p.type_id NOT IN ('simple', 'virtual', 'downloadable', 'configurable')
         THEN 'UNSUPPORTED_PRODUCT_TYPE: product type ' || p.type_id || ' has no counterpart in Mystore; left out'
         WHEN NOT p.in_website THEN 'OTHER_SHOP: product is not in the migrated website (catalog_product_website)'
         WHEN p.variant_of IS NOT NULL AND coalesce(p.visibility, 1) = 1
         THEN 'CONFIGURABLE_CHILD: a simple product sold only as a variant of a configurable product (not visible individually); it is that product''s variant' END AS _skip,
    CASE WHEN p.status = 1 AND p.visibility = 1
         THEN 'status@PRODUCT_HIDDEN: not visible individually in Magento (neither in the catalogue nor in search); inactive in Mystore' END AS _note,
    nullif(concat_ws('|',
        CASE WHEN p.base_price IS NULL THEN 'price@NO_PRICE: the product has no price in Magento; price 0' END,
        CASE WHEN blank_null(p.gtin) IS NOT NULL AND p.ean IS NULL
             THEN 'ean@INVALID_EAN: the GTIN attribute is not 8, 12, 13 or 14 digits; left empty' END,
        CASE WHEN p.type_id = 'configurable' AND coalesce(p.enabled_children, 0) = 0
             THEN 'product_variants@NO_VARIANTS: configurable product without an enabled child in the shop; its own price is used' END,
        CASE WHEN p.type_id = 'virtual' THEN 'VIRTUAL_PRODUCT: virtual product (nothing to ship): Mystore has no such flag; loaded as a plain product' END,
        CASE WHEN p.type_id = 'downloadable' THEN 'DOWNLOADABLE_PRODUCT: downloadable product; its download links and files are not migrated' END,
        CASE WHEN co.entity_id IS NOT NULL THEN 'CUSTOMIZATION_DROPPED: custom options (fields and choices the customer fills in) are not migrated' END,
        CASE WHEN p.type_id <> 'configurable' AND s.managed AND s.reserved > 0
             THEN 'quantity@STOCK_RESERVED: part of the stock is reserved for orders not yet shipped (MSI reservations); the quantity is the stock on hand' END
    ), '') AS _warn
FROM priced p
LEFT JOIN texts t ON t.entity_id = p.entity_id
LEFT JOIN cats c ON c.product_id = p.entity_id
LEFT JOIN shop.stock s ON s.entity_id = p.entity_id
LEFT JOIN custom_options co ON co.entity_id = p.entity_id
