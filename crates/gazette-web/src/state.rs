//! What every handler can reach: the store, the theme, the configuration and the clock.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use gazette_store::Store;

use crate::Theme;
use crate::cache::{CacheConfig, PageCache};
use crate::changes::ChangeFeed;
use crate::newsroom::passwords::PasswordChecks;
use crate::outage::DatabaseOutage;
use crate::top::TopArticles;
use crate::view::ChromeCache;
use crate::views::ViewCounter;

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
    /// The page cache's size, freshness and HTTP caching headers.
    pub cache: CacheConfig,
    /// Take the reader's address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
    /// Where security problems are reported (`/.well-known/security.txt`): a `mailto:` or https
    /// address. Without one, `mailto:security@` the site's host.
    pub security_contact: Option<String>,
    /// Password checks (Argon2) run at once; each keeps a core busy.
    pub password_checks_at_once: usize,
    /// How long a request waits for a password check to start before it is asked to try again.
    pub password_check_wait: std::time::Duration,
}

impl Default for SiteConfig {
    fn default() -> Self {
        Self {
            base_url: "http://127.0.0.1:8080".into(),
            per_page: 12,
            top_window_days: 7,
            cache: CacheConfig::default(),
            trust_forwarded_for: false,
            security_contact: None,
            password_checks_at_once: PasswordChecks::default_at_once(),
            password_check_wait: std::time::Duration::from_secs(2),
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
    /// Rendered public pages.
    pub pages: Arc<PageCache>,
    /// Whether the database is known to be down, so requests that need it answer at once.
    pub outage: Arc<DatabaseOutage>,
    /// The site's name, menu and footer, reloaded when the change log moves.
    pub chrome: Arc<ChromeCache>,
    pub views: Arc<ViewCounter>,
    pub top: Arc<TopArticles>,
    /// The full-text index, when this node keeps one (`gazette serve` does).
    pub search: Option<Arc<gazette_search::SearchIndex>>,
    /// What feeds carry.
    pub feeds: crate::feeds::FeedOptions,
    /// Uploaded images and their files; `None` when this node has no media storage configured.
    pub media: Option<gazette_media::MediaLibrary>,
    /// Where the newsroom checks and hashes passwords.
    pub passwords: Arc<PasswordChecks>,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, theme: Arc<Theme>, config: SiteConfig) -> Self {
        let pages = Arc::new(PageCache::new(config.cache.clone()));
        let views = Arc::new(ViewCounter::new(config.trust_forwarded_for));
        let passwords = Arc::new(PasswordChecks::new(
            config.password_checks_at_once,
            config.password_check_wait,
        ));
        Self {
            store,
            theme,
            config: Arc::new(config),
            clock: system_clock(),
            changes: ChangeFeed::new(0),
            pages,
            outage: Arc::default(),
            chrome: Arc::new(ChromeCache::default()),
            views,
            top: Arc::new(TopArticles::default()),
            search: None,
            feeds: crate::feeds::FeedOptions::default(),
            media: None,
            passwords,
        }
    }

    pub fn with_media(mut self, media: gazette_media::MediaLibrary) -> Self {
        self.media = Some(media);
        self
    }

    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Answers `/search` from this index (followed from the change log by the background tasks).
    pub fn with_search(mut self, index: Arc<gazette_search::SearchIndex>) -> Self {
        self.search = Some(index);
        self
    }

    pub fn with_feed_options(mut self, feeds: crate::feeds::FeedOptions) -> Self {
        self.feeds = feeds;
        self
    }

    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }
}
