-- The newsroom: people, their sign-in sessions, the audit trail, article revisions, who is
-- editing what, corrections, and the workflow times on articles. Times are Unix seconds (UTC).

CREATE TABLE users (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    author_id     BIGINT REFERENCES authors (id),
    created_at    BIGINT NOT NULL
);

-- A signed-in browser. The cookie holds a random token; only its SHA-256 is kept here, so a copy
-- of the database does not let anyone sign in.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    address      TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Sign-in attempts, for rate limiting per account and per address.
CREATE TABLE login_attempts (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email   TEXT NOT NULL,
    address TEXT NOT NULL,
    success BOOLEAN NOT NULL,
    at      BIGINT NOT NULL
);
CREATE INDEX login_attempts_email ON login_attempts (email, at);
CREATE INDEX login_attempts_address ON login_attempts (address, at);

CREATE TABLE audit_log (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        BIGINT NOT NULL,
    user_id   BIGINT,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id BIGINT,
    detail    TEXT NOT NULL DEFAULT '',
    address   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);

-- Every save of an article, complete, so that any two can be compared and any one restored.
CREATE TABLE revisions (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    article_id      BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    created_at      BIGINT NOT NULL,
    user_id         BIGINT,
    user_name       TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT '',
    language        TEXT NOT NULL,
    slug            TEXT NOT NULL,
    headline        TEXT NOT NULL,
    standfirst      TEXT NOT NULL,
    body_markdown   TEXT NOT NULL,
    section_id      BIGINT NOT NULL,
    tag_ids         TEXT NOT NULL DEFAULT '',
    author_ids      TEXT NOT NULL DEFAULT '',
    seo_title       TEXT,
    seo_description TEXT
);
CREATE INDEX revisions_article ON revisions (article_id, id);

-- Who has an article open in the editor, refreshed while they keep it open.
CREATE TABLE article_editors (
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    seen_at    BIGINT NOT NULL,
    PRIMARY KEY (article_id, user_id)
);

CREATE TABLE corrections (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    user_id    BIGINT
);
CREATE INDEX corrections_article ON corrections (article_id, created_at);
CREATE INDEX corrections_created ON corrections (created_at);

-- Who started the article (for "own" work), the embargo (not before), and a scheduled takedown.
ALTER TABLE articles ADD COLUMN owner_user_id BIGINT;
ALTER TABLE articles ADD COLUMN embargo_until BIGINT;
ALTER TABLE articles ADD COLUMN takedown_at BIGINT;
CREATE INDEX articles_status_published ON articles (status, published_at);
