-- Admin API tokens: each belongs to one person and can never do more than that person's role
-- allows. The secret is shown once when the token is made; only its SHA-256 is kept, so a copy of
-- the database does not let anyone call the API. scopes is a comma-separated list (read_drafts,
-- write_drafts, publish, media, live, admin). Times are Unix seconds; revoked_at is set once and
-- never cleared. last_used_* say when and from where the token was last used.
CREATE TABLE api_tokens (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id           BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name              TEXT NOT NULL,
    prefix            TEXT NOT NULL,
    secret_hash       TEXT NOT NULL UNIQUE,
    scopes            TEXT NOT NULL,
    created_at        BIGINT NOT NULL,
    expires_at        BIGINT NOT NULL,
    revoked_at        BIGINT,
    last_used_at      BIGINT,
    last_used_address TEXT NOT NULL DEFAULT ''
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
