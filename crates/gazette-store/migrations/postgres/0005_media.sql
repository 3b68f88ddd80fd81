-- The media library: images uploaded in the newsroom (or brought in by importers), each stored as
-- a set of re-encoded, metadata-free variants under content-hashed names. The files live in the
-- media storage (a folder or an S3 bucket); a row here is written only after all its files are, so
-- every file a row names exists. Times are Unix seconds (UTC).
CREATE TABLE media (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- SHA-256 (hex) of the uploaded bytes, to recognise the same file uploaded again.
    hash          TEXT NOT NULL,
    original_name TEXT NOT NULL DEFAULT '',
    -- The uploaded format: image/jpeg, image/png, image/gif or image/webp.
    mime          TEXT NOT NULL,
    -- After turning upright by the EXIF orientation.
    width         BIGINT NOT NULL,
    height        BIGINT NOT NULL,
    alt           TEXT NOT NULL DEFAULT '',
    caption       TEXT NOT NULL DEFAULT '',
    credit        TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL,
    created_by    BIGINT REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX media_hash ON media (hash);
CREATE INDEX media_created ON media (created_at, id);

-- One file per width and format ('webp', 'jpeg' or 'png'); key is its name in the storage.
CREATE TABLE media_variants (
    media_id BIGINT NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    width    BIGINT NOT NULL,
    height   BIGINT NOT NULL,
    format   TEXT NOT NULL,
    key      TEXT NOT NULL,
    bytes    BIGINT NOT NULL,
    PRIMARY KEY (media_id, format, width)
);
CREATE INDEX media_variants_key ON media_variants (key);

ALTER TABLE articles ADD COLUMN featured_media_id BIGINT REFERENCES media (id) ON DELETE SET NULL;
