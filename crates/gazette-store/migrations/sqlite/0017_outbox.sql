-- The event outbox and webhooks: events derived from the change log (article published, updated,
-- …), one delivery per event and target (a webhook endpoint, a Telegram channel, a ping), and the
-- endpoints admins register. Times are Unix seconds, UTC.

-- An endpoint events are POSTed to. events: the kinds it is sent, comma-separated
-- ('article.published,correction.added'). secret: the HMAC key deliveries are signed with.
-- disabled_reason: set when Gazette switched it off by itself (the receiver answered 410 Gone).
CREATE TABLE webhook_endpoints (
    id              INTEGER PRIMARY KEY,
    url             TEXT NOT NULL,
    description     TEXT NOT NULL,
    events          TEXT NOT NULL,
    secret          TEXT NOT NULL,
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    disabled_reason TEXT,
    created_by      BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);

-- One event, stored once with the payload every delivery of it sends. article_id has no foreign
-- key: the event is a record of what was said, kept when the article goes. subject_id: the
-- correction or live entry it announces, so each is announced once. seq: the change-log entry it
-- was derived from.
CREATE TABLE outbox_events (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    article_id  BIGINT,
    subject_id  BIGINT,
    payload     TEXT NOT NULL,
    occurred_at BIGINT NOT NULL,
    seq         BIGINT NOT NULL
);
CREATE INDEX outbox_events_seq ON outbox_events (seq);
CREATE INDEX outbox_events_subject ON outbox_events (kind, subject_id);

-- One event's delivery to one target of one channel ('webhook', 'telegram', 'websub',
-- 'indexnow'); target is the channel's name for it (a webhook endpoint's id, a chat). status:
-- 'pending' (tried again at next_attempt_at), 'delivered', 'failed' (given up on).
CREATE TABLE deliveries (
    id               INTEGER PRIMARY KEY,
    event_id         INTEGER NOT NULL REFERENCES outbox_events (id) ON DELETE CASCADE,
    channel          TEXT NOT NULL,
    target           TEXT NOT NULL,
    status           TEXT NOT NULL,
    attempts         BIGINT NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT NOT NULL,
    last_attempt_at  BIGINT,
    last_status_code BIGINT,
    last_error       TEXT,
    last_duration_ms BIGINT,
    delivered_at     BIGINT,
    created_at       BIGINT NOT NULL
);
-- The delivery loop: pending deliveries by when they are due.
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
-- An endpoint's delivery log, newest first.
CREATE INDEX deliveries_target ON deliveries (channel, target, id);
CREATE INDEX deliveries_event ON deliveries (event_id);

-- How far into the change log events were derived (one row, name 'events'). Moved in the same
-- transaction as the events it covers, so an event is made once however the lease moves.
CREATE TABLE outbox_cursor (
    name TEXT PRIMARY KEY,
    seq  BIGINT NOT NULL
);
