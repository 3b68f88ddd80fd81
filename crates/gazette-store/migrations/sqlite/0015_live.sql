-- Live coverage: an article can be a live blog, with timestamped entries pushed to open pages.

-- An article that is a live blog: 'live' while entries are pushed to readers, 'ended' after.
CREATE TABLE live_blogs (
    article_id BIGINT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    state      TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    ended_at   BIGINT
);

-- One update of a live blog. status: 'draft' (its writer's alone), 'pending' (a contributor's,
-- waiting for an editor), 'published', 'deleted' (kept, so that open pages and readers resuming a
-- stream learn it went). seq is the change-log position of the entry's latest change: the stream's
-- event id, so a reader who reconnects with Last-Event-ID gets exactly the entries changed since.
CREATE TABLE live_entries (
    id            INTEGER PRIMARY KEY,
    article_id    INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    status        TEXT NOT NULL,
    headline      TEXT,
    body_markdown TEXT NOT NULL,
    body_html     TEXT NOT NULL,
    pinned        BOOLEAN NOT NULL DEFAULT FALSE,
    key_event     BOOLEAN NOT NULL DEFAULT FALSE,
    -- The time shown on the entry: when it was first published (NULL until then).
    posted_at     BIGINT,
    -- Set when a published entry is changed; the page shows it as edited.
    edited_at     BIGINT,
    created_at    BIGINT NOT NULL,
    created_by    BIGINT REFERENCES users (id) ON DELETE SET NULL,
    seq           BIGINT NOT NULL DEFAULT 0
);
-- The page: published entries of a blog, newest first.
CREATE INDEX live_entries_page ON live_entries (article_id, status, posted_at, id);
-- The stream: entries of a blog changed after a reader's last event.
CREATE INDEX live_entries_seq ON live_entries (article_id, seq);

CREATE TABLE live_entry_authors (
    entry_id  BIGINT NOT NULL REFERENCES live_entries (id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL REFERENCES authors (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    PRIMARY KEY (entry_id, author_id)
);

-- What an entry said before each change: an edit keeps the text it replaced.
CREATE TABLE live_entry_revisions (
    id            INTEGER PRIMARY KEY,
    entry_id      INTEGER NOT NULL REFERENCES live_entries (id) ON DELETE CASCADE,
    headline      TEXT,
    body_markdown TEXT NOT NULL,
    saved_at      BIGINT NOT NULL,
    user_id       BIGINT
);
CREATE INDEX live_entry_revisions_entry ON live_entry_revisions (entry_id, id);
