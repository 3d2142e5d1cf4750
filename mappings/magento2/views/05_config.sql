-- core_config_data as the shop's default store view sees it: the store view's value, else its website's,
-- else the default scope's (Magento's config fallback). A setting never saved has Magento's default from its
-- config.xml, which the parameters in platform.toml write next to the path.
SELECT path, arg_min(value, CASE scope WHEN 'stores' THEN 0 WHEN 'websites' THEN 1 ELSE 2 END) AS value
FROM src.core_config_data
WHERE (scope = 'default' AND scope_id = 0) OR (scope = 'websites' AND scope_id = getvariable('website_id'))
   OR (scope = 'stores' AND scope_id = getvariable('store_id'))
GROUP BY path
