//! The node's background work, started once by `gazette serve`: following the change log, and
//! the consumers that keep derived data (caches, indexes) in step with it.

use crate::AppState;

/// Starts every background task. Each runs until the process ends; each survives a database
/// outage by retrying.
pub async fn spawn_all(state: &AppState) {
    if let Err(e) = state.changes.poke(state.store.as_ref()).await {
        tracing::warn!(error = %e, "cannot read the change log at start; the poller will retry");
    }
    tokio::spawn(
        state
            .changes
            .clone()
            .run_poller(state.store.clone(), state.outage.clone()),
    );
    tokio::spawn(
        state
            .changes
            .clone()
            .run_listener(state.store.clone(), state.outage.clone()),
    );
    tokio::spawn(crate::cache::follow_changes(state.clone()));
    tokio::spawn(crate::top::refresh_periodically(state.clone()));
    tokio::spawn(crate::views::flush_periodically(state.clone()));
    if let Some(index) = state.search.clone() {
        tokio::spawn(crate::search::follow_changes(state.clone(), index));
    }
    tokio::spawn(crate::newsroom::scheduler::run(state.clone()));
}
