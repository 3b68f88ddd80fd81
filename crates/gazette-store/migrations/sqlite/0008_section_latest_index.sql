-- A section's newest articles are listed newest first with the id breaking ties (section pages,
-- "More from" under every article). With the id in the index, the database reads exactly the
-- rows it returns, walking the index backwards, instead of sorting each group of equal times.
CREATE INDEX articles_section_latest ON articles (section_id, status, published_at, id);
DROP INDEX articles_section_published;
