-- Translations and names per language (editions).
--
-- An article in another edition's language can be a translation of an original: translation_of
-- names the original of its group (an original has NULL; a translation never points at another
-- translation, which the store checks). One translation per language per story; that the
-- original's own language is refused too is the store's check. The key is checked at commit, so
-- a restore may write a translation before the original it names.
ALTER TABLE articles ADD COLUMN translation_of INTEGER NULL
    REFERENCES articles(id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED;
CREATE INDEX articles_translation_of ON articles (translation_of);
CREATE UNIQUE INDEX articles_translation_language ON articles (translation_of, language)
    WHERE translation_of IS NOT NULL;

-- What a section is called, and where it lives, in an edition other than the default one.
CREATE TABLE section_names (
    section_id  INTEGER NOT NULL REFERENCES sections(id) ON DELETE CASCADE,
    language    TEXT NOT NULL,
    name        TEXT NOT NULL,
    slug        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (section_id, language),
    UNIQUE (language, slug)
);

-- What a tag is called, and where it lives, in an edition other than the default one.
CREATE TABLE tag_names (
    tag_id   INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    language TEXT NOT NULL,
    name     TEXT NOT NULL,
    slug     TEXT NOT NULL,
    PRIMARY KEY (tag_id, language),
    UNIQUE (language, slug)
);
