-- Imports from other systems (WordPress, Ghost). Each thing an import wrote is remembered by the
-- source's own key, so that a re-run updates it instead of writing it twice, and leaves it alone
-- when nothing changed (same fingerprint).
CREATE TABLE import_records (
    -- The system and site it came from: 'wordpress:https://old.example', 'ghost:…'.
    source      TEXT NOT NULL,
    -- 'article', 'page', 'section', 'tag', 'author', 'media'.
    kind        TEXT NOT NULL,
    -- The source's identifier: a GUID, a post id, a slug, a file path.
    source_key  TEXT NOT NULL,
    target_id   BIGINT NOT NULL,
    -- A digest of what was written, to tell a changed source item from an unchanged one.
    fingerprint TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (source, kind, source_key)
);

-- The old site's addresses that the generic rules (/YYYY/MM/DD/slug/, /category/x/…) cannot
-- work out: '/?p=123', '/?page_id=7', a custom permalink. Normalised: no trailing slash.
CREATE TABLE old_addresses (
    path       TEXT PRIMARY KEY,
    -- An imported article (its current address is looked up, so a later slug change still
    -- lands), or a fixed path on this site.
    article_id INTEGER REFERENCES articles (id) ON DELETE CASCADE,
    target     TEXT
);
CREATE INDEX old_addresses_article ON old_addresses (article_id);
