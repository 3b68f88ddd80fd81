//! "Top articles" and "Most read": the most read articles over the last days, recomputed in the
//! background (every minute, and when an article changes) so that no page request waits on it.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use gazette_core::{ArticleSummary, Language};
use gazette_store::StoreResult;

use crate::AppState;
use crate::view::Card;

/// How many articles the home and article pages show.
pub const TOP_COUNT: u32 = 5;
pub const REFRESH_INTERVAL: Duration = Duration::from_secs(60);

#[derive(Default)]
pub struct TopArticles {
    current: RwLock<Arc<Current>>,
}

/// The list, and the same list as the cards pages print in each language: prepared once per
/// refresh rather than on every page that shows them.
#[derive(Default)]
struct Current {
    list: Arc<Vec<ArticleSummary>>,
    cards: Vec<(Language, minijinja::Value)>,
}

impl Current {
    fn new(list: Vec<ArticleSummary>) -> Self {
        let cards = Language::ALL
            .iter()
            .map(|&language| {
                let cards = Card::list(&list, language);
                (language, minijinja::Value::from_serialize(&cards))
            })
            .collect();
        Self {
            list: Arc::new(list),
            cards,
        }
    }
}

impl TopArticles {
    /// The current list, most read first.
    pub fn list(&self) -> Arc<Vec<ArticleSummary>> {
        self.current().list.clone()
    }

    /// The list as cards for a page in `language`, ready for a template. Every language is
    /// prepared; before the first refresh the list is empty (undefined, which templates skip).
    pub fn cards(&self, language: Language) -> minijinja::Value {
        self.current()
            .cards
            .iter()
            .find(|(l, _)| *l == language)
            .map_or_else(minijinja::Value::default, |(_, cards)| cards.clone())
    }

    fn current(&self) -> Arc<Current> {
        self.current.read().map(|c| c.clone()).unwrap_or_default()
    }

    pub async fn refresh(&self, state: &AppState) -> StoreResult<()> {
        let now = state.now();
        let since = crate::site::day_number(now) - state.config.top_window_days + 1;
        let list = state.store.most_read(since, TOP_COUNT, now).await?;
        let prepared = Arc::new(Current::new(list));
        if let Ok(mut current) = self.current.write() {
            *current = prepared;
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
