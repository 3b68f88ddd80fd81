-- Static pages (About, Contacts, the corrections policy…) become the newsroom's: one row per page
-- per edition language, with a workflow status, a place in the footer menu and revisions.
--
-- Made again as on SQLite (which cannot change a primary key), the rows copied: every existing
-- page becomes an English, published page, in the footer in the order it had (by slug).
-- translation_of names the original a page translates (a translation never points at another
-- translation, which the store checks); checked at commit, so a restore may write rows in any order.
CREATE TABLE pages_new (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    language        TEXT NOT NULL DEFAULT 'en',
    slug            TEXT NOT NULL,
    title           TEXT NOT NULL,
    body_markdown   TEXT NOT NULL,
    body_html       TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'published'
        CHECK (status IN ('published', 'draft', 'unpublished')),
    footer_position BIGINT,
    translation_of  BIGINT NULL
        REFERENCES pages_new (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
    created_at      BIGINT NOT NULL,
    modified_at     BIGINT NOT NULL,
    UNIQUE (language, slug)
);
INSERT INTO pages_new (language, slug, title, body_markdown, body_html, status, footer_position,
                       created_at, modified_at)
SELECT 'en', slug, title, body_markdown, body_html, 'published',
       ROW_NUMBER() OVER (ORDER BY slug), EXTRACT(EPOCH FROM NOW())::BIGINT,
       EXTRACT(EPOCH FROM NOW())::BIGINT
FROM pages ORDER BY slug;
DROP TABLE pages;
ALTER TABLE pages_new RENAME TO pages;
ALTER TABLE pages RENAME CONSTRAINT pages_new_pkey TO pages_pkey;
CREATE INDEX pages_footer ON pages (language, status, footer_position);
CREATE UNIQUE INDEX pages_translation_language ON pages (translation_of, language)
    WHERE translation_of IS NOT NULL;

-- What a page said after each save, and who saved it: the newsroom restores from these.
CREATE TABLE page_revisions (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    page_id       BIGINT NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
    title         TEXT NOT NULL,
    body_markdown TEXT NOT NULL,
    saved_at      BIGINT NOT NULL,
    user_id       BIGINT
);
CREATE INDEX page_revisions_page ON page_revisions (page_id, id);
