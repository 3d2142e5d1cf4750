-- The shop's store views: the default website's active ones (and its default store view in any case), with
-- their locale (General > Locale Options > Locale: the store view's setting, else the website's, else the
-- default scope's, else Magento's en_US). A language's texts are read from one store view: the default store
-- view for its own language, else the first by sort order (reads_texts).
WITH locale AS (
    SELECT scope, scope_id, value FROM src.core_config_data WHERE path = 'general/locale/code'
),
views AS (
    SELECT s.store_id, s.code, s.name, s.sort_order,
           coalesce((SELECT max(value) FROM locale WHERE scope = 'stores' AND scope_id = s.store_id),
                    (SELECT max(value) FROM locale WHERE scope = 'websites' AND scope_id = s.website_id),
                    (SELECT max(value) FROM locale WHERE scope = 'default' AND scope_id = 0), 'en_US') AS locale,
           s.store_id = getvariable('store_id') AS is_default
    FROM src.store s
    WHERE s.store_id <> 0 AND s.website_id = getvariable('website_id')
      AND (s.is_active = 1 OR s.store_id = getvariable('store_id'))
)
SELECT *, lang_key(locale) AS lang,
       row_number() OVER (PARTITION BY lang_key(locale) ORDER BY is_default DESC, sort_order, store_id) = 1 AS reads_texts
FROM views
