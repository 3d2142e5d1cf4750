-- Every media file: its path from the shop root and a file name for Mystore. 6.5+ keeps the path in media.path;
-- 6.4 builds it with its default "id" strategy (Content/Media/Pathname/UrlGenerator + IdPathnameStrategy):
-- media/<md5 of the id: 3 folders of 2 characters, 'ad' written 'g0'>/<upload time, unix>/<file name>.<extension>
SELECT m.id,
    coalesce(blank_null(m.path), 'media/' || replace(substr(m.h, 1, 2), 'ad', 'g0') || '/' || replace(substr(m.h, 3, 2), 'ad', 'g0')
        || '/' || replace(substr(m.h, 5, 2), 'ad', 'g0') || coalesce('/' || CAST(CAST(epoch(CAST(m.uploaded_at AS TIMESTAMP)) AS BIGINT) AS VARCHAR), '')
        || '/' || m.file_name || coalesce('.' || blank_null(m.file_extension), '')) AS path,
    coalesce(slugify(m.file_name), lower(hex(m.id))) || coalesce('.' || lower(blank_null(m.file_extension)), '') AS filename
    FROM (SELECT *, md5(lower(hex(id))) AS h FROM src.media) m
    WHERE blank_null(m.file_name) IS NOT NULL
