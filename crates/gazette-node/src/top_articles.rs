//! "Top articles" and "Most read": the most read articles over the last days, recomputed in the
//! background (every minute, and when an article changes) so that no page request waits on it.
//! The job hands each new list to a [`TopArticlesSink`]: the web layer keeps it, prepared for its
//! pages.

use std::sync::Arc;
use std::time::Duration;

use gazette_core::ArticleSummary;
use gazette_store::{Store, StoreResult};
use tokio::sync::watch;

use crate::{Clock, day_number};

/// How many articles the home and article pages show.
pub const TOP_COUNT: u32 = 5;
/// How many of the most read are handed over: each edition shows its own language's first
/// [`TOP_COUNT`], so a smaller edition still has its list when a larger one fills the top.
pub const TOP_CANDIDATES: u32 = 200;
pub const REFRESH_INTERVAL: Duration = Duration::from_secs(60);

/// Where each freshly computed list goes.
pub trait TopArticlesSink: Send + Sync {
    /// Replaces the list pages show, most read first.
    fn replace(&self, list: Vec<ArticleSummary>);
}

/// The job's state: where to read, over how many days, and who gets the list.
#[derive(Clone)]
pub struct TopArticlesJob {
    store: Arc<dyn Store>,
    clock: Clock,
    window_days: i64,
    sink: Arc<dyn TopArticlesSink>,
}

impl TopArticlesJob {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Clock,
        window_days: i64,
        sink: Arc<dyn TopArticlesSink>,
    ) -> Self {
        Self {
            store,
            clock,
            window_days,
            sink,
        }
    }

    /// Computes the list now and hands it over. On failure the sink keeps the last list.
    pub async fn refresh(&self) -> StoreResult<()> {
        let now = (self.clock)();
        let since = day_number(now) - self.window_days + 1;
        let list = self.store.most_read(since, TOP_CANDIDATES, now).await?;
        self.sink.replace(list);
        Ok(())
    }

    /// Refreshes every [`REFRESH_INTERVAL`] and whenever the change log moves.
    pub async fn run(self, mut wake: watch::Receiver<i64>) {
        loop {
            if let Err(e) = self.refresh().await {
                tracing::warn!(error = %e, "cannot compute top articles; keeping the last list");
            }
            tokio::select! {
                () = tokio::time::sleep(REFRESH_INTERVAL) => {}
                changed = wake.changed() => if changed.is_err() { return },
            }
        }
    }
}
