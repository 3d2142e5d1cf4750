-- One source language per package key (lang_key: Norwegian is 'no'): de-DE before its child de-CH. A language
-- without a row or field of its own shows its parent language's (Shopware's language inheritance, one level).
SELECT id, parent_id, key FROM (
    SELECT la.id, la.parent_id, lang_key(coalesce(tc.code, lo.code)) AS key,
           row_number() OVER (PARTITION BY lang_key(coalesce(tc.code, lo.code)) ORDER BY la.parent_id IS NOT NULL, la.created_at, la.id) AS n
    FROM src.language la LEFT JOIN src.locale tc ON tc.id = la.translation_code_id LEFT JOIN src.locale lo ON lo.id = la.locale_id)
    WHERE n = 1 AND key IS NOT NULL
