-- entity: tax_classes
-- reads: tax_rules_group, tax_rule, tax
-- A PrestaShop tax rules group is a tax class; its rate is the rule for the shop's default
-- country (else the most common rate in the group). Deleted groups are left out.
WITH rates AS (
    SELECT r.id_tax_rules_group, t.rate,
           row_number() OVER (PARTITION BY r.id_tax_rules_group
                              ORDER BY (r.id_country = getvariable('default_country_id')) DESC, r.id_tax_rule) AS pick
    FROM src.tax_rule r JOIN src.tax t ON t.id_tax = r.id_tax
)
SELECT
    sid(g.id_tax_rules_group) AS source_id,
    g.name AS title,
    g.name AS description,
    CAST(coalesce(r.rate, 0) AS DECIMAL(5,2)) AS tax_rate,
    utc(g.date_add) AS created_at,
    utc(g.date_upd) AS updated_at,
    CASE WHEN g.deleted = 1 THEN 'DELETED_IN_SOURCE: tax rules group is deleted in PrestaShop' END AS _skip,
    CASE WHEN r.rate IS NULL THEN 'tax_rate@NO_TAX_RATE: group has no tax rule; rate 0 %' END AS _warn
FROM src.tax_rules_group g
LEFT JOIN rates r ON r.id_tax_rules_group = g.id_tax_rules_group AND r.pick = 1
