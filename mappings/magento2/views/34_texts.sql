-- The texts of products and categories in each language of the shop: the language's store view's own text,
-- else the admin text (store 0), as that store view shows it. kind: 'product' or 'category'.
WITH per_lang AS (
    SELECT v.kind, v.entity_id, s.lang, v.code, arg_max(v.value, v.store_id) AS value
    FROM shop.eav_values v JOIN shop.stores s ON s.reads_texts AND v.store_id IN (0, s.store_id)
    WHERE v.code IN ('name', 'url_key', 'url_path', 'description', 'short_description', 'meta_title', 'meta_description',
                     'meta_keyword', 'image')
    GROUP BY ALL
)
SELECT kind, entity_id, lang,
       max(value) FILTER (WHERE code = 'name') AS name,
       max(value) FILTER (WHERE code = 'url_key') AS url_key,
       max(value) FILTER (WHERE code = 'url_path') AS url_path,
       max(value) FILTER (WHERE code = 'description') AS description,
       max(value) FILTER (WHERE code = 'short_description') AS short_description,
       max(value) FILTER (WHERE code = 'meta_title') AS meta_title,
       max(value) FILTER (WHERE code = 'meta_description') AS meta_description,
       max(value) FILTER (WHERE code = 'meta_keyword') AS meta_keyword,
       max(value) FILTER (WHERE code = 'image') AS image
FROM per_lang
GROUP BY kind, entity_id, lang
