//! The work a Gazette node does besides answering requests. [`Jobs::start`] starts all of it once
//! (`gazette serve` calls it); [`Jobs::stop`] finishes it at shutdown.
//!
//! - [`change_feed`] follows the database's change log and wakes everything below when it moves;
//! - [`page_invalidation`] works out which rendered pages a change made stale and tells the page
//!   cache (which lives in `gazette-web`, behind the [`InvalidatePages`] trait);
//! - [`live_push`] sends live-blog entries and the breaking-news banner to open pages;
//! - [`search_follower`] keeps the full-text index in step with the log;
//! - [`top_articles`] recomputes the most read articles; [`read_counter`] counts reads in memory
//!   and writes them in batches;
//! - [`scheduler`] publishes and takes down articles on time, on one node at a time thanks to
//!   [`leases`];
//! - [`outage`] is what the node knows about its database being down, and the probe that ends it.
//!
//! Each job gets only what it uses (the store, the clock, a subscription to the change feed, the
//! thing it keeps up to date), never the web layer's state.

pub mod change_feed;
pub mod leases;
pub mod live_push;
pub mod outage;
pub mod outbox;
pub mod page_invalidation;
pub mod read_counter;
pub mod scheduler;
pub mod search_follower;
pub mod top_articles;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use gazette_search::SearchIndex;
use gazette_store::Store;

pub use change_feed::{ChangeFeed, Cursor};
pub use live_push::{Frame, LiveFormat, LivePush, Subscription};
pub use outage::DatabaseOutage;
pub use page_invalidation::{InvalidatePages, PageInvalidation, Stale};
pub use read_counter::{Counted, ReadCounter};
pub use scheduler::Scheduler;
pub use top_articles::{TopArticlesJob, TopArticlesSink};

/// Where "now" comes from. Tests set it to a fixed time so that what is published, embargoed or
/// "in the last 7 days" does not depend on when they run.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

pub fn system_clock() -> Clock {
    Arc::new(Utc::now)
}

/// Days since the Unix epoch: the unit of the read-count buckets.
pub fn day_number(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(86_400)
}

/// Every job of this node and what each works on. Build it from the pieces the web handlers share
/// (the change feed, the outage, the read counter, the page cache, the top-articles list), then
/// [`Jobs::start`] it once. Jobs left out (no page cache, no search index) simply do not run.
#[derive(Clone)]
pub struct Jobs {
    store: Arc<dyn Store>,
    clock: Clock,
    changes: ChangeFeed,
    outage: Arc<DatabaseOutage>,
    /// Publishing and taking down on time.
    pub scheduler: Scheduler,
    reads: Option<Arc<ReadCounter>>,
    pages: Option<Arc<PageInvalidation>>,
    top: Option<TopArticlesJob>,
    search: Option<Arc<SearchIndex>>,
    live: Option<Arc<LivePush>>,
    /// Events for webhooks and the other channels (see [`outbox`]).
    outbox: Option<outbox::OutboxJob>,
}

impl Jobs {
    /// The change follower and the scheduler, which every node runs.
    pub fn new(
        store: Arc<dyn Store>,
        clock: Clock,
        changes: ChangeFeed,
        outage: Arc<DatabaseOutage>,
    ) -> Self {
        Self {
            scheduler: Scheduler::new(store.clone(), clock.clone(), changes.clone()),
            store,
            clock,
            changes,
            outage,
            reads: None,
            pages: None,
            top: None,
            search: None,
            live: None,
            outbox: None,
        }
    }

    /// Writes what `reads` counts to the database every few seconds, and at [`Jobs::stop`].
    pub fn with_read_counter(mut self, reads: Arc<ReadCounter>) -> Self {
        self.reads = Some(reads);
        self
    }

    /// Purges the pages each change makes stale.
    pub fn with_page_cache(mut self, pages: Arc<dyn InvalidatePages>) -> Self {
        self.pages = Some(Arc::new(PageInvalidation::new(pages)));
        self
    }

    /// Recomputes the most read articles over `window_days` into `sink`.
    pub fn with_top_articles(mut self, window_days: i64, sink: Arc<dyn TopArticlesSink>) -> Self {
        self.top = Some(TopArticlesJob::new(
            self.store.clone(),
            self.clock.clone(),
            window_days,
            sink,
        ));
        self
    }

    /// Keeps `index` in step with the change log (rebuilding it first if it is new or outdated).
    pub fn with_search(mut self, index: Option<Arc<SearchIndex>>) -> Self {
        self.search = index;
        self
    }

    /// Pushes live-blog entries and the banner to the streams open on this node.
    pub fn with_live_push(mut self, live: Arc<LivePush>) -> Self {
        self.live = Some(live);
        self
    }

    /// Derives events from the change log and delivers them (on the node holding its lease).
    pub fn with_outbox(mut self, outbox: outbox::OutboxJob) -> Self {
        self.outbox = Some(outbox);
        self
    }

    /// Starts every job. Each runs until the process ends and survives a database outage by
    /// retrying. Call once per process.
    pub async fn start(&self) {
        if let Err(e) = self.changes.poke(self.store.as_ref()).await {
            tracing::warn!(error = %e, "cannot read the change log at start; the poller will retry");
        }
        let (store, outage) = (self.store.clone(), self.outage.clone());
        tokio::spawn(self.changes.clone().run_poller(store, outage));
        let (store, outage) = (self.store.clone(), self.outage.clone());
        tokio::spawn(self.changes.clone().run_listener(store, outage));
        if let Some(pages) = &self.pages {
            tokio::spawn(
                pages
                    .clone()
                    .run(self.store.clone(), self.changes.subscribe()),
            );
        }
        if let Some(top) = &self.top {
            tokio::spawn(top.clone().run(self.changes.subscribe()));
        }
        if let Some(live) = &self.live {
            tokio::spawn(
                live.clone()
                    .run(self.store.clone(), self.changes.subscribe()),
            );
        }
        if let Some(reads) = &self.reads {
            tokio::spawn(read_counter::flush_periodically(
                reads.clone(),
                self.store.clone(),
            ));
        }
        if let Some(index) = &self.search {
            tokio::spawn(search_follower::follow_changes(
                self.store.clone(),
                index.clone(),
                self.changes.subscribe(),
            ));
        }
        tokio::spawn(self.scheduler.clone().run());
        if let Some(outbox) = &self.outbox {
            tokio::spawn(outbox.clone().run());
        }
    }

    /// Brings what the followers keep up to date now, as the jobs would within a second: the
    /// change feed, the page cache, the top articles, the search index. Errors (a database closed
    /// on purpose in a test) are ignored, as the jobs would retry them.
    pub async fn settle(&self) {
        let _ = self.changes.poke(self.store.as_ref()).await;
        if let Some(pages) = &self.pages {
            let _ = pages.sync(self.store.as_ref()).await;
        }
        if let Some(live) = &self.live {
            let _ = live.sync(self.store.as_ref()).await;
        }
        if let Some(top) = &self.top {
            let _ = top.refresh().await;
        }
        if let Some(index) = &self.search {
            let _ = search_follower::catch_up(self.store.as_ref(), index).await;
        }
    }

    /// At shutdown: writes the reads counted since the last flush (they would be lost with the
    /// process), and gives the scheduler's lease up so another node takes it over at once.
    pub async fn stop(&self) {
        if let Some(live) = &self.live {
            live.close();
        }
        if let Some(reads) = &self.reads {
            match reads.flush(self.store.as_ref()).await {
                Ok(n) if n > 0 => tracing::info!(views = n, "saved view counts"),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "could not save the last view counts"),
            }
        }
        self.scheduler.stop().await;
        if let Some(outbox) = &self.outbox {
            outbox.stop().await;
        }
    }
}
