//! Deriving events from the change log. Each change says what moved (`article` 12 `published`,
//! `live_blog` 12 `entry`, `breaking` `set`, …); this reads what it moved to and makes the events
//! receivers are told about, with the words as they are now.
//!
//! - `article` `published` (the newsroom or the scheduler) → `article.published`;
//!   `unpublished` → `article.unpublished`; `updated` while published → `article.updated`
//!   (drafts and reviews are nobody's business outside);
//! - `article` `corrected` → `correction.added`, once per correction;
//! - `live_blog` `entry` → `live_entry.posted` for each entry published for the first time (an
//!   edit or a re-publication is not a new post), once per entry;
//! - `breaking` `set` / `cleared` → `breaking.set` / `breaking.cleared` with the banner (the one
//!   cleared: the last one announced).

use std::collections::{HashMap, HashSet};

use gazette_core::events::{
    EventArticle, EventBanner, EventCorrection, EventData, EventEntry, EventKind, EventSection,
    NewEvent,
};
use gazette_core::live::EntryStatus;
use gazette_core::{Article, ArticleStatus};
use gazette_store::live::{BREAKING_ENTITY, LIVE_BLOG_ENTITY};
use gazette_store::{Change, Store, StoreResult};

/// How many entries of one blog are looked at per batch (a blog gets a few a minute).
const ENTRIES_PER_BATCH: u32 = 500;

/// Reads what the changes moved and makes their events, in change order. `base_url` (no trailing
/// slash, may be empty) makes the addresses absolute.
pub struct Deriver<'a> {
    store: &'a dyn Store,
    base_url: &'a str,
    editions: &'a gazette_core::Editions,
    /// Each other edition's section addresses by section id, read once a batch.
    section_slugs: HashMap<gazette_core::Language, HashMap<i64, String>>,
    /// Articles read in this batch (one article often has several changes in a row).
    articles: HashMap<i64, Option<(EventArticle, ArticleStatus)>>,
    /// Corrections and entries announced in this batch, not stored yet.
    announced: HashSet<(EventKind, i64)>,
}

impl<'a> Deriver<'a> {
    pub fn new(
        store: &'a dyn Store,
        base_url: &'a str,
        editions: &'a gazette_core::Editions,
    ) -> Self {
        Self {
            store,
            base_url: base_url.trim_end_matches('/'),
            editions,
            section_slugs: HashMap::new(),
            articles: HashMap::new(),
            announced: HashSet::new(),
        }
    }

    /// The events of `changes`, which follow the change-log position `from`.
    pub async fn derive(&mut self, from: i64, changes: &[Change]) -> StoreResult<Vec<NewEvent>> {
        let mut events = Vec::new();
        for change in changes {
            self.derive_one(from, change, &mut events).await?;
        }
        Ok(events)
    }

    async fn derive_one(
        &mut self,
        from: i64,
        change: &Change,
        out: &mut Vec<NewEvent>,
    ) -> StoreResult<()> {
        let event = |kind, article_id, data| NewEvent {
            kind,
            article_id,
            occurred_at: change.at,
            seq: change.seq,
            data,
        };
        match (change.entity.as_str(), change.entity_id) {
            ("article", Some(id)) => {
                let kind = match change.action.as_str() {
                    "published" => EventKind::ArticlePublished,
                    "unpublished" => EventKind::ArticleUnpublished,
                    "updated" => EventKind::ArticleUpdated,
                    "corrected" => return self.corrections(id, change, out).await,
                    _ => return Ok(()),
                };
                let Some((article, status)) = self.article(id).await? else {
                    return Ok(());
                };
                if kind == EventKind::ArticleUpdated && status != ArticleStatus::Published {
                    return Ok(());
                }
                out.push(event(kind, Some(id), article_data(article)));
            }
            (LIVE_BLOG_ENTITY, Some(id)) if change.action == "entry" => {
                let entries = self
                    .store
                    .entries_changed_since(id, from, ENTRIES_PER_BATCH)
                    .await?;
                for entry in entries {
                    let first_time = entry.status == EntryStatus::Published
                        && entry.seq <= change.seq
                        && !self.seen(EventKind::LiveEntryPosted, entry.id).await?;
                    let (Some(posted_at), true) = (entry.posted_at, first_time) else {
                        continue;
                    };
                    let Some((article, _)) = self.article(id).await? else {
                        continue;
                    };
                    let data = EventData {
                        entry: Some(EventEntry {
                            id: entry.id,
                            headline: entry.headline.clone(),
                            text: entry.body_markdown.clone(),
                            url: format!("{}#entry-{}", article.url, entry.id),
                            posted_at,
                        }),
                        ..article_data(article)
                    };
                    out.push(event(EventKind::LiveEntryPosted, Some(id), data));
                }
            }
            (BREAKING_ENTITY, _) => {
                let (kind, banner) = match change.action.as_str() {
                    "set" => {
                        let Some(banner) = self.store.breaking().await? else {
                            // Cleared again before this ran: the cleared event follows, and a
                            // banner nobody can see any more is not news.
                            return Ok(());
                        };
                        let banner = EventBanner {
                            text: banner.text,
                            url: banner.url.map(|u| self.absolute(&u)),
                        };
                        (EventKind::BreakingSet, banner)
                    }
                    "cleared" => {
                        let in_batch = out
                            .iter()
                            .rev()
                            .find(|e| e.kind == EventKind::BreakingSet)
                            .and_then(|e| e.data.banner.clone());
                        let announced = match in_batch {
                            Some(banner) => Some(banner),
                            None => self
                                .store
                                .latest_event(EventKind::BreakingSet)
                                .await?
                                .and_then(|e| e.data.banner),
                        };
                        let banner = announced.unwrap_or(EventBanner {
                            text: String::new(),
                            url: None,
                        });
                        (EventKind::BreakingCleared, banner)
                    }
                    _ => return Ok(()),
                };
                let data = EventData {
                    banner: Some(banner),
                    ..EventData::default()
                };
                out.push(event(kind, None, data));
            }
            _ => {}
        }
        Ok(())
    }

    async fn corrections(
        &mut self,
        article_id: i64,
        change: &Change,
        out: &mut Vec<NewEvent>,
    ) -> StoreResult<()> {
        let corrections = self.store.corrections(article_id).await?;
        for correction in corrections {
            if correction.created_at > change.at
                || self.seen(EventKind::CorrectionAdded, correction.id).await?
            {
                continue;
            }
            let Some((article, _)) = self.article(article_id).await? else {
                return Ok(());
            };
            let data = EventData {
                correction: Some(EventCorrection {
                    id: correction.id,
                    kind: correction.kind.as_str().to_owned(),
                    text: correction.text,
                    at: correction.created_at,
                }),
                ..article_data(article)
            };
            out.push(NewEvent {
                kind: EventKind::CorrectionAdded,
                article_id: Some(article_id),
                occurred_at: change.at,
                seq: change.seq,
                data,
            });
        }
        Ok(())
    }

    /// Whether the correction or entry was announced before (stored, or earlier in this batch);
    /// marks it announced.
    async fn seen(&mut self, kind: EventKind, subject_id: i64) -> StoreResult<bool> {
        if !self.announced.insert((kind, subject_id)) {
            return Ok(true);
        }
        self.store.has_event(kind, subject_id).await
    }

    /// The article as receivers are shown it, and its status now; `None` if it is gone.
    async fn article(&mut self, id: i64) -> StoreResult<Option<(EventArticle, ArticleStatus)>> {
        if let Some(known) = self.articles.get(&id) {
            return Ok(known.clone());
        }
        let shown = match self.store.article(id).await? {
            Some(article) => Some((self.describe(&article).await?, article.status)),
            None => None,
        };
        self.articles.insert(id, shown.clone());
        Ok(shown)
    }

    async fn describe(&mut self, article: &Article) -> StoreResult<EventArticle> {
        let featured = self.store.featured_media(&[article.id]).await?;
        let image = featured.get(&article.id);
        Ok(EventArticle {
            id: article.id,
            url: {
                let path = self.article_path(article).await?;
                self.absolute(&path)
            },
            headline: article.headline.clone(),
            standfirst: article.standfirst.clone(),
            section: EventSection {
                slug: article.section.slug.to_string(),
                name: article.section.name.clone(),
            },
            language: article.language.code().to_owned(),
            authors: article.authors.iter().map(|a| a.name.clone()).collect(),
            tags: article.tags.iter().map(|t| t.name.clone()).collect(),
            published_at: article.published_at,
            updated_at: article
                .updated_at
                .or(article.published_at)
                .unwrap_or(article.created_at),
            image_url: image
                .and_then(|m| m.body_address())
                .map(|path| self.absolute(&path)),
            image_alt: image.map(|m| m.alt.clone()).filter(|alt| !alt.is_empty()),
        })
    }

    /// The article's address in its language's edition: `/war/slug`, or `/uk/viina/slug` with
    /// the section's Ukrainian address.
    async fn article_path(&mut self, article: &Article) -> StoreResult<String> {
        let edition = self.editions.edition_of(article.language);
        if edition == self.editions.default_language() {
            return Ok(format!("/{}/{}", article.section.slug, article.slug));
        }
        if !self.section_slugs.contains_key(&edition) {
            let names = self
                .store
                .section_names(edition)
                .await?
                .into_iter()
                .map(|n| (n.section_id, n.slug.to_string()))
                .collect();
            self.section_slugs.insert(edition, names);
        }
        let section = self
            .section_slugs
            .get(&edition)
            .and_then(|names| names.get(&article.section.id))
            .map_or(article.section.slug.as_str(), String::as_str);
        Ok(format!("/{edition}/{section}/{}", article.slug))
    }

    /// A site path made absolute with the base URL; full addresses are kept as they are.
    fn absolute(&self, path: &str) -> String {
        if path.starts_with('/') && !path.starts_with("//") {
            format!("{}{path}", self.base_url)
        } else {
            path.to_owned()
        }
    }
}

fn article_data(article: EventArticle) -> EventData {
    EventData {
        article: Some(article),
        ..EventData::default()
    }
}
