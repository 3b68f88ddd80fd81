//! What every handler can reach: the store, the theme, the configuration and the clock.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use gazette_store::Store;

use crate::Theme;
use crate::changes::ChangeFeed;

/// Where "now" comes from. Tests set it to a fixed time so that what is published, embargoed or
/// "in the last 7 days" does not depend on when they run.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

pub fn system_clock() -> Clock {
    Arc::new(Utc::now)
}

/// Public-site settings that come from configuration rather than the database.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    /// Absolute address of the site as readers reach it, without a trailing slash. Used for
    /// canonical links, share links and structured data, so it must be right behind a proxy.
    pub base_url: String,
    /// Articles per page on section, tag, author and search pages.
    pub per_page: u32,
    /// How many days "Top articles" and "Most read" look back.
    pub top_window_days: i64,
}

impl Default for SiteConfig {
    fn default() -> Self {
        Self {
            base_url: "http://127.0.0.1:8080".into(),
            per_page: 12,
            top_window_days: 7,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub theme: Arc<Theme>,
    pub config: Arc<SiteConfig>,
    pub clock: Clock,
    /// The change log as this node follows it; consumers subscribe to it.
    pub changes: ChangeFeed,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, theme: Arc<Theme>, config: SiteConfig) -> Self {
        Self {
            store,
            theme,
            config: Arc::new(config),
            clock: system_clock(),
            changes: ChangeFeed::new(0),
        }
    }

    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }
}
