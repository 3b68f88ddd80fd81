-- Sign-in limits as counters that an attempt is charged to before its password or code is
-- checked, in one statement per counter, so that parallel guesses cannot all read "under the
-- limit" before any of them is written (login_attempts was read first and written after the
-- check). A counter is named by what it limits: an account from one address, an address, an
-- account from every new browser, a browser that signed in before. Times are Unix seconds.
CREATE TABLE login_limits (
    key          TEXT PRIMARY KEY,
    failures     BIGINT NOT NULL,
    window_start BIGINT NOT NULL
);
CREATE INDEX login_limits_window ON login_limits (window_start);

-- Browsers that signed in to an account: their cookie holds a random token; only its SHA-256 is
-- kept. Such a browser is not held back by failures others caused (see the web crate's limits).
CREATE TABLE known_devices (
    token_hash TEXT PRIMARY KEY,
    email      TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX known_devices_expiry ON known_devices (expires_at);

-- login_attempts is no longer written or read. It stays until a later release, so that nodes
-- still running the previous version during a rolling upgrade keep working.
