-- Static pages (About, Contacts, the corrections policy…) become the newsroom's: one row per page
-- per edition language, with a workflow status, a place in the footer menu and revisions.
--
-- SQLite cannot change a primary key, so the table is made again and the rows copied: every
-- existing page becomes an English, published page, in the footer in the order it had (by slug).
-- translation_of names the original a page translates (a translation never points at another
-- translation, which the store checks); checked at commit, so a restore may write rows in any order.
CREATE TABLE pages_new (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    language        TEXT NOT NULL DEFAULT 'en',
    slug            TEXT NOT NULL,
    title           TEXT NOT NULL,
    body_markdown   TEXT NOT NULL,
    body_html       TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'published'
        CHECK (status IN ('published', 'draft', 'unpublished')),
    footer_position INTEGER,
    translation_of  INTEGER NULL
        REFERENCES pages_new (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
    created_at      BIGINT NOT NULL,
    modified_at     BIGINT NOT NULL,
    UNIQUE (language, slug)
);
INSERT INTO pages_new (language, slug, title, body_markdown, body_html, status, footer_position,
                       created_at, modified_at)
SELECT 'en', slug, title, body_markdown, body_html, 'published',
       ROW_NUMBER() OVER (ORDER BY slug), CAST(strftime('%s', 'now') AS INTEGER),
       CAST(strftime('%s', 'now') AS INTEGER)
FROM pages ORDER BY slug;
DROP TABLE pages;
ALTER TABLE pages_new RENAME TO pages;
CREATE INDEX pages_footer ON pages (language, status, footer_position);
CREATE UNIQUE INDEX pages_translation_language ON pages (translation_of, language)
    WHERE translation_of IS NOT NULL;

-- What a page said after each save, and who saved it: the newsroom restores from these.
CREATE TABLE page_revisions (
    id            INTEGER PRIMARY KEY,
    page_id       INTEGER NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
    title         TEXT NOT NULL,
    body_markdown TEXT NOT NULL,
    saved_at      BIGINT NOT NULL,
    user_id       BIGINT
);
CREATE INDEX page_revisions_page ON page_revisions (page_id, id);
