-- Leases on jobs that must run on one node at a time (scheduled publishing and takedowns). A node
-- holds a lease until expires_at (Unix seconds, UTC) and renews it well before; when it dies, the
-- lease expires and another node takes it.
CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
