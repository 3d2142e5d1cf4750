-- entity: tax_classes
-- reads: tax_rules_group, tax_rule, tax, product_shop
-- A PrestaShop tax rules group is a tax class; its rate is the rule for the shop's default
-- country (the country-wide rule before state rules, live taxes before deleted ones), else the
-- group's first rule. Deleted groups are left out.
-- Mystore only knows the Norwegian rates (25, 15, 12, 11.11, 0): any other positive rate (a
-- shop set up for another country) becomes the standard 25 % with a warning; the class keeps
-- the source name, so the owner sees what it was.
-- PrestaShop's "No tax" (id_tax_rules_group 0, no row) becomes the class '0' at 0 % when a
-- product of the shop uses it.
WITH rates AS (
    SELECT r.id_tax_rules_group, t.rate,
           row_number() OVER (PARTITION BY r.id_tax_rules_group
                              ORDER BY (r.id_country = getvariable('default_country_id')) DESC,
                                       (r.id_state = 0) DESC, (t.deleted = 0) DESC, r.id_tax_rule) AS pick
    FROM src.tax_rule r JOIN src.tax t ON t.id_tax = r.id_tax
),
classes AS (
    SELECT
        sid(g.id_tax_rules_group) AS source_id,
        g.name AS title,
        g.name AS description,
        CAST(r.rate AS DECIMAL(9,3)) AS rate,
        utc(g.date_add) AS created_at,
        utc(g.date_upd) AS updated_at,
        CASE WHEN g.deleted = 1 THEN 'DELETED_IN_SOURCE: tax rules group is deleted in PrestaShop' END AS _skip
    FROM src.tax_rules_group g
    LEFT JOIN rates r ON r.id_tax_rules_group = g.id_tax_rules_group AND r.pick = 1
    UNION ALL
    SELECT '0', 'MVA 0%', 'Ingen MVA (PrestaShop: No tax)', 0, NULL, NULL, NULL
    WHERE EXISTS (SELECT 1 FROM src.product_shop WHERE id_tax_rules_group = 0 AND id_shop = getvariable('shop_id'))
      AND NOT EXISTS (SELECT 1 FROM src.tax_rules_group WHERE id_tax_rules_group = 0)
)
SELECT
    source_id,
    coalesce(blank_null(title), 'MVA ' || source_id) AS title,
    coalesce(blank_null(description), blank_null(title), 'MVA ' || source_id) AS description,
    CAST(CASE WHEN rate IS NULL OR rate = 0 THEN 0
              WHEN rate IN (25, 15, 12, 11.11) THEN rate
              ELSE 25 END AS DECIMAL(5,2)) AS tax_rate,
    created_at,
    updated_at,
    _skip,
    CASE WHEN rate IS NULL THEN 'tax_rate@NO_TAX_RATE: group has no tax rule; rate 0 %'
         WHEN rate <> 0 AND rate NOT IN (25, 15, 12, 11.11)
         THEN 'tax_rate@VAT_RATE_NOT_NORWEGIAN: source rate ' || rtrim(rtrim(CAST(rate AS VARCHAR), '0'), '.')
              || ' % is not a Norwegian VAT rate; set to the standard rate 25 %' END AS _warn
FROM classes
