-- Two-factor sign-in: authenticator (TOTP) secrets, one-time recovery codes, and sign-ins waiting
-- for their second step. Times are Unix seconds (UTC).

-- True once a person has confirmed an authenticator app with a code.
ALTER TABLE users ADD COLUMN two_factor BOOLEAN NOT NULL DEFAULT FALSE;
-- The confirmed secret (base32). Codes are computed from it, so it cannot be hashed.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
-- A secret shown at enrolment and not yet confirmed with a code.
ALTER TABLE users ADD COLUMN totp_pending TEXT;
-- The 30-second step of the last code accepted: no code is accepted twice.
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;
ALTER TABLE users ADD COLUMN two_factor_since BIGINT;

-- Only the SHA-256 of each code is kept; a used code keeps its row with the time of use.
CREATE TABLE recovery_codes (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash  TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id, code_hash);

-- A password accepted, the code not yet. The browser's cookie holds a random token; only its
-- SHA-256 is kept here.
CREATE TABLE login_challenges (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    next       TEXT NOT NULL,
    address    TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX login_challenges_user ON login_challenges (user_id);
