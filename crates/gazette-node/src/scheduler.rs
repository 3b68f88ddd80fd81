//! The scheduler: publishes scheduled articles when their time comes and takes articles down at
//! their takedown time, without anyone present. One node at a time runs it: the holder of the
//! `scheduler` lease (see [`crate::leases`]); if it dies, another node takes over within
//! [`crate::leases::LEASE_TTL`] and a second. The store also moves each article exactly once however
//! many nodes run this at the same moment (see `Store::run_due_work`), so a lease that changes
//! hands mid-pass cannot publish twice.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use gazette_store::{DueWork, Store, StoreResult};

use crate::Clock;
use crate::change_feed::ChangeFeed;
use crate::leases::{LeaseKeeper, node_id};

/// The lease's name in the database.
pub const LEASE: &str = "scheduler";

/// How often due work is looked for: the most an article is late.
pub const TICK: Duration = Duration::from_secs(1);

/// What the scheduler needs: the store it moves articles in, the clock that says what is due, and
/// the change feed it pokes so this node's caches see the moves at once.
#[derive(Clone)]
pub struct Scheduler {
    store: Arc<dyn Store>,
    clock: Clock,
    changes: ChangeFeed,
    /// Set at shutdown: the scheduler takes no more passes or leases.
    stopping: Arc<AtomicBool>,
}

impl Scheduler {
    pub fn new(store: Arc<dyn Store>, clock: Clock, changes: ChangeFeed) -> Self {
        Self {
            store,
            clock,
            changes,
            stopping: Arc::default(),
        }
    }

    /// One pass: does whatever is due at the clock's "now". Tests call this with a moved clock.
    pub async fn run_once(&self) -> StoreResult<DueWork> {
        let done = self.store.run_due_work((self.clock)()).await?;
        if let Some(seq) = done.seq {
            tracing::info!(published = ?done.published, taken_down = ?done.taken_down, "scheduled work done");
            self.changes.advance(seq);
        }
        Ok(done)
    }

    /// Stops this node's scheduler and gives its lease up, so another node takes the job over at
    /// its next tick rather than when the lease runs out. Called at shutdown.
    pub async fn stop(&self) {
        self.stopping.store(true, Ordering::Relaxed);
        if let Err(e) = self.store.release_lease(LEASE, node_id()).await {
            tracing::warn!(error = %e, "cannot give the scheduler lease up; it will expire");
        }
    }

    /// Runs until [`Scheduler::stop`] or the process ends; a database outage is retried quietly.
    pub async fn run(self) {
        let mut interval = tokio::time::interval(TICK);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut failing = false;
        let mut lease = LeaseKeeper::new(LEASE);
        loop {
            interval.tick().await;
            if self.stopping.load(Ordering::Relaxed) {
                return;
            }
            let pass = match lease.hold(self.store.as_ref()).await {
                Ok(true) => self.run_once().await.map(|_| ()),
                Ok(false) => Ok(()),
                Err(e) => Err(e),
            };
            match pass {
                Ok(()) if failing => {
                    tracing::info!("scheduler: database reachable again");
                    failing = false;
                }
                Ok(()) => {}
                Err(e) if !failing => {
                    tracing::warn!(error = %e, "scheduler: cannot run due work; will retry");
                    failing = true;
                }
                Err(_) => {}
            }
        }
    }
}
