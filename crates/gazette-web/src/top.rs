//! "Top articles" and "Most read": the most read articles over the last days, recomputed in the
//! background (every minute, and when an article changes) so that no page request waits on it.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use gazette_core::ArticleSummary;
use gazette_store::StoreResult;

use crate::AppState;

/// How many articles are kept; pages show up to this many.
pub const TOP_COUNT: u32 = 10;
pub const REFRESH_INTERVAL: Duration = Duration::from_secs(60);

#[derive(Default)]
pub struct TopArticles {
    list: RwLock<Arc<Vec<ArticleSummary>>>,
}

impl TopArticles {
    /// The current list, most read first.
    pub fn get(&self) -> Arc<Vec<ArticleSummary>> {
        self.list.read().map(|l| l.clone()).unwrap_or_default()
    }

    pub async fn refresh(&self, state: &AppState) -> StoreResult<()> {
        let now = state.now();
        let since = crate::site::day_number(now) - state.config.top_window_days + 1;
        let list = state.store.most_read(since, TOP_COUNT, now).await?;
        if let Ok(mut current) = self.list.write() {
            *current = Arc::new(list);
        }
        Ok(())
    }
}

/// Refreshes the list every [`REFRESH_INTERVAL`] and whenever the change log moves.
pub async fn refresh_periodically(state: AppState) {
    let mut wake = state.changes.subscribe();
    loop {
        if let Err(e) = state.top.refresh(&state).await {
            tracing::warn!(error = %e, "cannot compute top articles; keeping the last list");
        }
        tokio::select! {
            () = tokio::time::sleep(REFRESH_INTERVAL) => {}
            changed = wake.changed() => if changed.is_err() { return },
        }
    }
}
