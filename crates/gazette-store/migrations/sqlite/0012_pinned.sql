-- An editor pins an article to the top of the home page (what WordPress calls sticky and Ghost
-- featured). NULL: not pinned; otherwise when it was pinned.
ALTER TABLE articles ADD COLUMN pinned_at BIGINT;
-- The home page's pinned list reads this small index alone: with the general date index, a site
-- with nothing pinned would walk every published article to find none.
CREATE INDEX articles_pinned ON articles (status, published_at, id) WHERE pinned_at IS NOT NULL;
