//! The scheduler: publishes scheduled articles when their time comes and takes articles down at
//! their takedown time, without anyone present. One node at a time runs it: the holder of the
//! `scheduler` lease (see [`crate::leases`]); if it dies, another node takes over within
//! [`crate::leases::LEASE_TTL`] and a second. The store also moves each article exactly once however
//! many nodes run this at the same moment (see `Store::run_due_work`), so a lease that changes
//! hands mid-pass cannot publish twice.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::AppState;

/// The lease's name in the database.
pub const LEASE: &str = "scheduler";

/// How often due work is looked for: the most an article is late.
pub const TICK: Duration = Duration::from_secs(1);

/// One pass: does whatever is due at the state's "now". Tests call this with a moved clock.
pub async fn run_once(state: &AppState) -> gazette_store::StoreResult<gazette_store::DueWork> {
    let done = state.store.run_due_work(state.now()).await?;
    if let Some(seq) = done.seq {
        tracing::info!(published = ?done.published, taken_down = ?done.taken_down, "scheduled work done");
        super::changed_at(state, seq);
    }
    Ok(done)
}

/// Set at shutdown: the scheduler takes no more passes or leases.
static STOPPING: AtomicBool = AtomicBool::new(false);

/// Stops this node's scheduler and gives its lease up, so another node takes the job over at its
/// next tick rather than when the lease runs out. Called at shutdown.
pub async fn stop(state: &AppState) {
    STOPPING.store(true, Ordering::Relaxed);
    if let Err(e) = state
        .store
        .release_lease(LEASE, crate::leases::node_id())
        .await
    {
        tracing::warn!(error = %e, "cannot give the scheduler lease up; it will expire");
    }
}

/// Runs until the process ends; a database outage is retried quietly.
pub async fn run(state: AppState) {
    let mut interval = tokio::time::interval(TICK);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut failing = false;
    let mut lease = crate::leases::LeaseKeeper::new(LEASE);
    loop {
        interval.tick().await;
        if STOPPING.load(Ordering::Relaxed) {
            return;
        }
        let pass = match lease.hold(state.store.as_ref()).await {
            Ok(true) => run_once(&state).await.map(|_| ()),
            Ok(false) => Ok(()),
            Err(e) => Err(e),
        };
        match pass {
            Ok(_) if failing => {
                tracing::info!("scheduler: database reachable again");
                failing = false;
            }
            Ok(_) => {}
            Err(e) if !failing => {
                tracing::warn!(error = %e, "scheduler: cannot run due work; will retry");
                failing = true;
            }
            Err(_) => {}
        }
    }
}
