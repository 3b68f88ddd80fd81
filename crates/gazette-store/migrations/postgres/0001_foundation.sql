-- The newspaper's content model. Times are Unix seconds (UTC) so that the same queries run
-- unchanged on SQLite and PostgreSQL.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE sections (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    position    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE authors (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug     TEXT NOT NULL UNIQUE,
    name     TEXT NOT NULL,
    bio      TEXT NOT NULL DEFAULT '',
    is_house BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE tags (
    id   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE articles (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    language        TEXT NOT NULL DEFAULT 'en',
    slug            TEXT NOT NULL UNIQUE,
    headline        TEXT NOT NULL,
    standfirst      TEXT NOT NULL DEFAULT '',
    body_markdown   TEXT NOT NULL DEFAULT '',
    body_html       TEXT NOT NULL DEFAULT '',
    section_id BIGINT NOT NULL REFERENCES sections (id),
    status          TEXT NOT NULL DEFAULT 'draft',
    published_at    BIGINT,
    updated_at      BIGINT,
    created_at      BIGINT NOT NULL,
    modified_at     BIGINT NOT NULL,
    view_total      BIGINT NOT NULL DEFAULT 0,
    seo_title       TEXT,
    seo_description TEXT
);
CREATE INDEX articles_published ON articles (status, published_at DESC);
CREATE INDEX articles_section_published ON articles (section_id, status, published_at DESC);

CREATE TABLE article_authors (
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL REFERENCES authors (id),
    position   INTEGER NOT NULL,
    PRIMARY KEY (article_id, author_id)
);
CREATE INDEX article_authors_author ON article_authors (author_id);

CREATE TABLE article_tags (
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    tag_id BIGINT NOT NULL REFERENCES tags (id),
    position   INTEGER NOT NULL,
    PRIMARY KEY (article_id, tag_id)
);
CREATE INDEX article_tags_tag ON article_tags (tag_id);

-- Every slug an article has had besides its current one: old links answer 301 to the new URL.
CREATE TABLE article_slug_history (
    slug       TEXT PRIMARY KEY,
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE
);

-- Reads per article per day (days since the Unix epoch, UTC). "Top articles" sums a window of
-- these; the total lives on the article for display.
CREATE TABLE view_buckets (
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    day        BIGINT NOT NULL,
    views      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (article_id, day)
);
CREATE INDEX view_buckets_day ON view_buckets (day);

CREATE TABLE pages (
    slug          TEXT PRIMARY KEY,
    title         TEXT NOT NULL,
    body_markdown TEXT NOT NULL,
    body_html     TEXT NOT NULL
);

-- The change log: one row per change to content, written in the same transaction as the change.
-- Every node follows it to invalidate caches and update its search index.
CREATE TABLE changes (
    seq       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity    TEXT NOT NULL,
    entity_id BIGINT,
    action    TEXT NOT NULL,
    at        BIGINT NOT NULL
);
