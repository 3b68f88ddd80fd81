//! Keeping rendered pages in step with the change log. The page cache lives in `gazette-web`;
//! this job only works out *what* a stretch of the log made stale (an article, the lists it
//! belongs in, or the whole site) and tells the cache through [`InvalidatePages`], which maps
//! that onto its own keys and purges them.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use gazette_core::ArticleStatus;
use gazette_store::{Change, Store, StoreResult};
use tokio::sync::{Mutex, watch};

use crate::change_feed::Cursor;

/// Wait before retrying after the database failed.
const RETRY_AFTER: Duration = Duration::from_secs(1);

/// What a stretch of the change log made stale: pages that show any of these must be rendered
/// again. Pages that showed an article carry its own key, so an article listed here covers them.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Stale {
    /// Every page: something every page shows changed (the menu, the site's name, a section).
    pub everything: bool,
    /// The front page, where a newly published article appears.
    pub home: bool,
    pub articles: BTreeSet<i64>,
    pub sections: BTreeSet<i64>,
    pub tags: BTreeSet<i64>,
    pub authors: BTreeSet<i64>,
    /// The breaking-news banner, which every page shows, changed. Pages are not purged for it:
    /// each is re-rendered the next time a reader asks, who meanwhile gets the copy at hand.
    pub banner: bool,
}

impl Stale {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// The page cache as this job sees it.
pub trait InvalidatePages: Send + Sync {
    fn invalidate(&self, stale: &Stale);
}

/// The job's state: the cache to tell and the log position it has applied (one sync at a time).
pub struct PageInvalidation {
    pages: Arc<dyn InvalidatePages>,
    cursor: Mutex<Option<Cursor>>,
}

impl PageInvalidation {
    pub fn new(pages: Arc<dyn InvalidatePages>) -> Self {
        Self {
            pages,
            cursor: Mutex::new(None),
        }
    }

    /// Applies every change-log entry the cache has not seen yet. The first call starts at the
    /// newest entry: a cache that was just created holds nothing older. Called by the job when
    /// the log moves, and by tests to settle deterministically.
    pub async fn sync(&self, store: &dyn Store) -> StoreResult<()> {
        let mut cursor = self.cursor.lock().await;
        let cursor = match cursor.as_mut() {
            Some(cursor) => cursor,
            None => cursor.insert(Cursor::at(store.latest_change_seq().await?)),
        };
        loop {
            let batch = cursor.next_batch(store).await?;
            if batch.is_empty() {
                return Ok(());
            }
            let stale = stale_after(store, &batch).await?;
            if !stale.is_empty() {
                tracing::debug!(?stale, "purging pages");
                self.pages.invalidate(&stale);
            }
        }
    }

    /// The job: follows the change log until the process ends.
    pub async fn run(self: Arc<Self>, store: Arc<dyn Store>, mut wake: watch::Receiver<i64>) {
        loop {
            if let Err(e) = self.sync(store.as_ref()).await {
                tracing::warn!(error = %e, "page cache cannot read the change log; retrying");
                tokio::time::sleep(RETRY_AFTER).await;
                continue;
            }
            if wake.changed().await.is_err() {
                return;
            }
        }
    }
}

/// What `batch` made stale.
async fn stale_after(store: &dyn Store, batch: &[Change]) -> StoreResult<Stale> {
    let mut stale = Stale::default();
    for change in batch {
        match (change.entity.as_str(), change.entity_id) {
            ("article", Some(id)) => {
                stale.articles.insert(id);
                // Lists a published article belongs in now, which may not show it yet. (Pages
                // that showed it before carry its own key.)
                if let Some(article) = store
                    .article(id)
                    .await?
                    .filter(|a| a.status == ArticleStatus::Published)
                {
                    stale.home = true;
                    stale.sections.insert(article.section.id);
                    stale.tags.extend(article.tags.iter().map(|t| t.id));
                    stale.authors.extend(article.authors.iter().map(|a| a.id));
                }
            }
            // A live blog's entries show on its own pages only (which carry its key); the push
            // stream tells open pages.
            (gazette_store::live::LIVE_BLOG_ENTITY, Some(id)) => {
                stale.articles.insert(id);
            }
            (gazette_store::live::BREAKING_ENTITY, _) => stale.banner = true,
            // A new tag or byline shows on no page until an article uses it (which is an article
            // change); search synonyms show on no cached page.
            ("tag" | "author", _) if change.action == "created" => {}
            ("synonyms", _) => {}
            _ => stale.everything = true,
        }
    }
    Ok(stale)
}
