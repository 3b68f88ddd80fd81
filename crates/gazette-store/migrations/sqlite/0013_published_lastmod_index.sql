-- The sitemap index counts published articles oldest first in files of 50,000 and gives each file
-- its newest update time. With (status, published_at) alone that read every article's row for
-- its updated_at: 1,000,000 articles meant reading the whole articles table, minutes on a
-- cold cache on the project's machine (bench/IMPORT.md). With the id and updated_at in the index
-- it reads the index alone, and each sitemap file finds its first article in it too. It replaces
-- articles_status_published, its prefix, so writes keep the same number of indexes.
CREATE INDEX articles_published_lastmod ON articles (status, published_at, id, updated_at);
DROP INDEX articles_status_published;
