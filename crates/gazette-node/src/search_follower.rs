//! Keeping this node's search index in step with the change log.
//!
//! One task per node: on start it rebuilds the index if it is new or outdated, then reads every
//! change-log entry after the position the index last committed, and waits for the change feed
//! to move. A publish, an update or an unpublish made on any node is searchable (or gone) within
//! one poll of the log.

use std::sync::Arc;
use std::time::Duration;

use gazette_search::{SearchIndex, SearchResult};
use gazette_store::Store;
use tokio::sync::watch;

use crate::change_feed::Cursor;

/// Wait before retrying after the database or the index failed.
const RETRY_AFTER: Duration = Duration::from_secs(2);

/// Applies every change-log entry the index has not seen yet. Returns how many articles were
/// re-read. Safe to call from several tasks: updates are applied one catch-up at a time.
pub async fn catch_up(store: &dyn Store, index: &Arc<SearchIndex>) -> SearchResult<usize> {
    let _updates = index.lock_updates().await;
    let mut cursor = Cursor::at(index.seq());
    let mut applied = 0;
    loop {
        let batch = cursor.next_batch(store).await?;
        if batch.is_empty() {
            return Ok(applied);
        }
        applied += index.apply_changes(store, &batch).await?;
    }
}

/// Rebuilds the index if it needs it. Searches fall back to the database meanwhile.
pub async fn rebuild_if_needed(store: &dyn Store, index: &Arc<SearchIndex>) -> SearchResult<()> {
    if !index.needs_rebuild() {
        index.load_synonyms(store).await?;
        return Ok(());
    }
    let started = std::time::Instant::now();
    tracing::info!(dir = %index.dir().display(), "building the search index");
    let count = index.rebuild(store, |_, _| {}).await?;
    tracing::info!(
        articles = count,
        seconds = started.elapsed().as_secs_f32(),
        "search index built"
    );
    Ok(())
}

/// The job: runs until the process ends, surviving database outages. `wake` is a subscription
/// to the node's change feed.
pub async fn follow_changes(
    store: Arc<dyn Store>,
    index: Arc<SearchIndex>,
    mut wake: watch::Receiver<i64>,
) {
    while let Err(e) = rebuild_if_needed(store.as_ref(), &index).await {
        tracing::warn!(error = %e, "cannot build the search index yet; will retry");
        tokio::time::sleep(RETRY_AFTER).await;
    }
    let mut failing = false;
    loop {
        match catch_up(store.as_ref(), &index).await {
            Ok(_) if failing => {
                tracing::info!("search index following the change log again");
                failing = false;
            }
            Ok(_) => {}
            Err(e) => {
                if !failing {
                    tracing::warn!(error = %e, "cannot update the search index; will retry");
                }
                failing = true;
                tokio::time::sleep(RETRY_AFTER).await;
                continue;
            }
        }
        if wake.changed().await.is_err() {
            return;
        }
    }
}
