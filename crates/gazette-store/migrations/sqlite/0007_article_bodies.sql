-- Article bodies in a table of their own. List queries read article rows by the thousand; with the
-- bodies inline, SQLite had to read past them (overflow pages) to reach the status, dates and
-- counts stored after them, which made uncached pages and large tag lists slow.
CREATE TABLE article_bodies (
    article_id    INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    body_markdown TEXT NOT NULL DEFAULT '',
    body_html     TEXT NOT NULL DEFAULT ''
);
INSERT INTO article_bodies (article_id, body_markdown, body_html)
    SELECT id, body_markdown, body_html FROM articles;
ALTER TABLE articles DROP COLUMN body_markdown;
ALTER TABLE articles DROP COLUMN body_html;
