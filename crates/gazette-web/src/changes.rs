//! Following the change log. One background task per node watches the `changes` table and
//! publishes the newest sequence number on a [`tokio::sync::watch`] channel; every consumer (the
//! page cache, the search index, live updates) keeps its own cursor and, when woken, reads the
//! entries after it with [`gazette_store::Store::changes_since`]. Nothing is missed: a consumer
//! that was busy simply reads a longer stretch of the log next time, and a node that was down
//! starts from where the log is.
//!
//! Changes made by this node wake the consumers at once through [`ChangeFeed::poke`]; changes made
//! by other nodes or by commands are seen within one poll interval.

use std::sync::Arc;
use std::time::Duration;

use gazette_store::{Change, Store, StoreResult};
use tokio::sync::watch;

/// How often the log is polled for changes made elsewhere.
pub const POLL_INTERVAL: Duration = Duration::from_millis(250);
/// Largest batch of changes handed to a consumer at once.
pub const BATCH: u32 = 500;

#[derive(Clone)]
pub struct ChangeFeed {
    latest: Arc<watch::Sender<i64>>,
}

impl ChangeFeed {
    /// A feed starting at `seq` (usually the newest sequence number when the node starts).
    pub fn new(seq: i64) -> Self {
        Self {
            latest: Arc::new(watch::Sender::new(seq)),
        }
    }

    /// A receiver that wakes whenever the newest sequence number moves.
    pub fn subscribe(&self) -> watch::Receiver<i64> {
        self.latest.subscribe()
    }

    pub fn latest(&self) -> i64 {
        *self.latest.borrow()
    }

    /// Checks the log now, instead of at the next poll: called after this node writes.
    pub async fn poke(&self, store: &dyn Store) -> StoreResult<()> {
        let seq = store.latest_change_seq().await?;
        self.latest.send_if_modified(|current| {
            if seq > *current {
                *current = seq;
                true
            } else {
                false
            }
        });
        Ok(())
    }

    /// Polls the log until the process ends. A database that is down is retried quietly; the
    /// feed resumes where it was when the database returns.
    pub async fn run_poller(self, store: Arc<dyn Store>) {
        let mut interval = tokio::time::interval(POLL_INTERVAL);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut failing = false;
        loop {
            interval.tick().await;
            match self.poke(store.as_ref()).await {
                Ok(()) if failing => {
                    tracing::info!("change log reachable again");
                    failing = false;
                }
                Ok(()) => {}
                Err(e) if !failing => {
                    tracing::warn!(error = %e, "cannot read the change log; will retry");
                    failing = true;
                }
                Err(_) => {}
            }
        }
    }
}

/// A consumer's position in the log: hands out the entries it has not seen yet.
pub struct Cursor {
    seq: i64,
}

impl Cursor {
    pub fn at(seq: i64) -> Self {
        Self { seq }
    }

    pub fn position(&self) -> i64 {
        self.seq
    }

    /// The next entries after this cursor, advancing it. Empty when up to date.
    pub async fn next_batch(&mut self, store: &dyn Store) -> StoreResult<Vec<Change>> {
        let batch = store.changes_since(self.seq, BATCH).await?;
        if let Some(last) = batch.last() {
            self.seq = last.seq;
        }
        Ok(batch)
    }
}
