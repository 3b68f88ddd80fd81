//! Following the change log. One background task per node watches the `changes` table and
//! publishes the newest sequence number on a [`tokio::sync::watch`] channel; every consumer (the
//! page cache, the search index, live updates) keeps its own cursor and, when woken, reads the
//! entries after it with [`gazette_store::Store::changes_since`]. Nothing is missed: a consumer
//! that was busy simply reads a longer stretch of the log next time, and a node that was down
//! starts from where the log is.
//!
//! Changes made by this node wake the consumers at once through [`ChangeFeed::poke`]. On
//! PostgreSQL every change-log insert also notifies `gazette_changes`, and
//! [`ChangeFeed::run_listener`] pokes the feed as soon as another node (or a command) commits one;
//! on SQLite, and while the listening connection is down, changes made elsewhere are seen within
//! one poll interval. Consumers read from their own cursor, so a lost notification delays a change
//! by at most one poll and never loses it.

use std::sync::Arc;
use std::time::Duration;

use gazette_store::{Change, ChangeSignal, Store, StoreResult};
use tokio::sync::watch;

use crate::outage::DatabaseOutage;

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

    /// Checks the log now, instead of at the next poll.
    pub async fn poke(&self, store: &dyn Store) -> StoreResult<()> {
        let seq = store.latest_change_seq().await?;
        self.advance(seq);
        Ok(())
    }

    /// Polls the log until the process ends. A database that is down is retried quietly; the
    /// feed resumes where it was when the database returns.
    /// A failure to reach the database starts `outage`, so readers stop waiting for it at once.
    pub async fn run_poller(self, store: Arc<dyn Store>, outage: Arc<DatabaseOutage>) {
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
                Err(e) => {
                    if e.is_unavailable() {
                        outage.begin(store.clone());
                    }
                    if !failing {
                        tracing::warn!(error = %e, "cannot read the change log; will retry");
                        failing = true;
                    }
                }
            }
        }
    }
}

impl ChangeFeed {
    /// Moves the feed to `seq` if that is newer than what it has.
    pub fn advance(&self, seq: i64) {
        self.latest.send_if_modified(|current| {
            if seq > *current {
                *current = seq;
                true
            } else {
                false
            }
        });
    }

    /// Listens for the database's change notifications until the process ends (PostgreSQL);
    /// returns at once when the database sends none (SQLite). After a lost connection the log is
    /// read again, in case notifications were missed; the poller covers the time in between.
    ///
    /// The listening connection is the first to notice PostgreSQL going away: losing it starts
    /// `outage`. (Should the network alone have dropped it, the probe ends that within a second.)
    pub async fn run_listener(self, store: Arc<dyn Store>, outage: Arc<DatabaseOutage>) {
        let mut failing = false;
        loop {
            let mut listener = match store.listen_for_changes().await {
                Ok(None) => return,
                Ok(Some(listener)) => listener,
                Err(e) => {
                    if !failing {
                        tracing::warn!(error = %e, "cannot listen for changes; polling meanwhile");
                        failing = true;
                    }
                    tokio::time::sleep(RELISTEN_AFTER).await;
                    continue;
                }
            };
            if failing {
                tracing::info!("listening for changes again");
                failing = false;
            }
            // Anything committed before LISTEN took effect was not announced.
            let _ = self.poke(store.as_ref()).await;
            loop {
                match listener.next().await {
                    Ok(ChangeSignal::Changed(seq)) => self.advance(seq),
                    Ok(ChangeSignal::Reconnected) => {
                        let _ = self.poke(store.as_ref()).await;
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "lost the change notifications; polling meanwhile");
                        outage.begin(store.clone());
                        tokio::time::sleep(RELISTEN_AFTER).await;
                        break;
                    }
                }
            }
        }
    }
}

/// How long to wait before listening again after the connection failed.
const RELISTEN_AFTER: Duration = Duration::from_secs(1);

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
