-- Content API keys: optional, one per consumer (a partner site, an app), so that its requests can
-- be counted and rate limited apart from anonymous ones. The key is shown once when it is made;
-- only its SHA-256 is kept. rate_limit is requests per minute on each node. request_count and
-- last_used_at are written in batches from memory, so they lag a few seconds behind. Times are
-- Unix seconds; revoked_at is set once and never cleared.
CREATE TABLE content_api_keys (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          TEXT NOT NULL,
    prefix        TEXT NOT NULL,
    key_hash      TEXT NOT NULL UNIQUE,
    rate_limit    BIGINT NOT NULL,
    created_at    BIGINT NOT NULL,
    revoked_at    BIGINT,
    request_count BIGINT NOT NULL DEFAULT 0,
    last_used_at  BIGINT
);
