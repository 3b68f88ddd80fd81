-- An editor pins an article to the top of the home page (what WordPress calls sticky and Ghost
-- featured). NULL: not pinned; otherwise when it was pinned.
ALTER TABLE articles ADD COLUMN pinned_at BIGINT;
CREATE INDEX articles_pinned ON articles (pinned_at) WHERE pinned_at IS NOT NULL;
