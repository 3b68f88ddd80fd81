-- The scheduler asks every second for published articles whose takedown time has come. Only a
-- handful ever have one; without this index that question read every published article (about
-- 100 ms and a tenth of a core, all the time, with 100,000 articles, holding the write lock).
CREATE INDEX articles_takedown ON articles (takedown_at) WHERE takedown_at IS NOT NULL;
