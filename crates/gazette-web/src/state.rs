//! What every handler can reach: the store, the theme, the configuration and the clock, and the
//! pieces it shares with the node's background jobs (the change feed, the page cache, the read
//! counter, the top articles), which [`AppState::jobs`] hands to `gazette_node`.
//!
//! Handlers and middleware that need only one piece take it alone (`State<Arc<PageCache>>` and the
//! others below work wherever `State<AppState>` does: axum's `FromRef`).

use std::sync::Arc;

use axum::extract::FromRef;
use chrono::{DateTime, Utc};
use gazette_node::{ChangeFeed, DatabaseOutage, Jobs, LivePush, ReadCounter};
use gazette_store::Store;

use crate::Theme;
use crate::cache::{CacheConfig, PageCache};
use crate::feeds::options::FeedOptions;
use crate::newsroom::passwords::PasswordChecks;
use crate::presenters::ChromeCache;
use crate::site::top_articles::TopArticles;

pub use gazette_node::{Clock, system_clock};

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
    /// Telegram, WebSub and IndexNow: what the feeds announce and the newsroom shows.
    pub distribution: Distribution,
    /// Webhook endpoints may be on loopback and private addresses (`webhooks.allow_private`: for
    /// tests and local setups; off in production, against SSRF).
    pub webhooks_allow_private: bool,
    /// The editions: the default language at the root, the others under `/{code}`.
    pub editions: gazette_core::Editions,
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
            distribution: Default::default(),
            webhooks_allow_private: false,
            editions: gazette_core::Editions::default(),
        }
    }
}

/// Distribution settings, from configuration. The bot token itself never reaches the web layer:
/// the newsroom only says whether one is set.
#[derive(Debug, Clone, Default)]
pub struct Distribution {
    /// A Telegram bot token is configured, so channels set up in the newsroom are posted to.
    pub telegram_configured: bool,
    /// The WebSub hub the feeds announce (`rel="hub"`) and the outbox pings on publish.
    pub websub_hub: Option<String>,
    /// The IndexNow key, served at `/{key}.txt` (checked when the settings are loaded: 8 to 128
    /// letters, digits or dashes, so it is a safe path segment).
    pub indexnow_key: Option<String>,
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
    /// Reads counted by the beacon, written to the database by the node's read-counter job.
    pub reads: Arc<ReadCounter>,
    /// The most read articles, as the node's top-articles job last computed them.
    pub top: Arc<TopArticles>,
    /// The full-text index, when this node keeps one (`gazette serve` does).
    pub search: Option<Arc<gazette_search::SearchIndex>>,
    /// What feeds carry.
    pub feeds: FeedOptions,
    /// Uploaded images and their files; `None` when this node has no media storage configured.
    pub media: Option<gazette_media::MediaLibrary>,
    /// Where the newsroom checks and hashes passwords.
    pub passwords: Arc<PasswordChecks>,
    /// Live-blog entries and the breaking-news banner, pushed to the streams open on this node.
    pub live: Arc<LivePush>,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, theme: Arc<Theme>, config: SiteConfig) -> Self {
        let pages = Arc::new(PageCache::new(config.cache.clone()));
        let passwords = Arc::new(PasswordChecks::new(
            config.password_checks_at_once,
            config.password_check_wait,
        ));
        let live = Arc::new(LivePush::new(Arc::new(
            crate::site::live::ThemeLiveFormat::new(theme.clone()),
        )));
        Self {
            live,
            store,
            theme,
            config: Arc::new(config),
            clock: system_clock(),
            changes: ChangeFeed::new(0),
            pages,
            outage: Arc::default(),
            chrome: Arc::new(ChromeCache::default()),
            reads: Arc::default(),
            top: Arc::new(TopArticles::default()),
            search: None,
            feeds: FeedOptions::default(),
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

    pub fn with_feed_options(mut self, feeds: FeedOptions) -> Self {
        self.feeds = feeds;
        self
    }

    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    /// The node's background jobs, working on this state's store, clock, change feed, page cache,
    /// read counter, top articles and search index. Build it once per process and
    /// [`Jobs::start`] it: the page-invalidation job keeps its place in the change log.
    pub fn jobs(&self) -> Jobs {
        Jobs::new(
            self.store.clone(),
            self.clock.clone(),
            self.changes.clone(),
            self.outage.clone(),
        )
        .with_read_counter(self.reads.clone())
        .with_page_cache(self.pages.clone())
        .with_top_articles(self.config.top_window_days, self.top.clone())
        .with_search(self.search.clone())
        .with_live_push(self.live.clone())
    }
}

/// What the public site's pages, feeds and error pages reach: everything a page shows (the store,
/// the theme, the chrome, the top list, search, feeds' options, media) and the caches and outage
/// state that decide how it is served. Not password checks or the read counter.
#[derive(Clone)]
pub struct SiteState {
    pub store: Arc<dyn Store>,
    pub theme: Arc<Theme>,
    pub config: Arc<SiteConfig>,
    pub clock: Clock,
    pub changes: ChangeFeed,
    pub pages: Arc<PageCache>,
    pub outage: Arc<DatabaseOutage>,
    pub chrome: Arc<ChromeCache>,
    pub top: Arc<TopArticles>,
    pub search: Option<Arc<gazette_search::SearchIndex>>,
    pub feeds: FeedOptions,
    pub media: Option<gazette_media::MediaLibrary>,
    pub live: Arc<LivePush>,
}

impl SiteState {
    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }
}

impl FromRef<AppState> for SiteState {
    fn from_ref(state: &AppState) -> Self {
        Self {
            store: state.store.clone(),
            theme: state.theme.clone(),
            config: state.config.clone(),
            clock: state.clock.clone(),
            changes: state.changes.clone(),
            pages: state.pages.clone(),
            outage: state.outage.clone(),
            chrome: state.chrome.clone(),
            top: state.top.clone(),
            search: state.search.clone(),
            feeds: state.feeds,
            media: state.media.clone(),
            live: state.live.clone(),
        }
    }
}

/// What the read beacon reaches: the read counter, the clock and the configuration (whether to
/// trust `X-Forwarded-For`).
#[derive(Clone)]
pub struct ReadsState {
    pub reads: Arc<ReadCounter>,
    pub config: Arc<SiteConfig>,
    pub clock: Clock,
}

impl ReadsState {
    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }
}

impl FromRef<AppState> for ReadsState {
    fn from_ref(state: &AppState) -> Self {
        Self {
            reads: state.reads.clone(),
            config: state.config.clone(),
            clock: state.clock.clone(),
        }
    }
}

/// What the newsroom's handlers reach: the store, the clock, the site's configuration, password
/// checks, the media library and the change feed to tell after a write. Not the public site's
/// chrome, caches, search index, top list or read counter.
#[derive(Clone)]
pub struct NewsroomState {
    pub store: Arc<dyn Store>,
    pub config: Arc<SiteConfig>,
    pub clock: Clock,
    pub changes: ChangeFeed,
    pub media: Option<gazette_media::MediaLibrary>,
    pub passwords: Arc<PasswordChecks>,
}

impl NewsroomState {
    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }
}

impl FromRef<AppState> for NewsroomState {
    fn from_ref(state: &AppState) -> Self {
        Self {
            store: state.store.clone(),
            config: state.config.clone(),
            clock: state.clock.clone(),
            changes: state.changes.clone(),
            media: state.media.clone(),
            passwords: state.passwords.clone(),
        }
    }
}

impl FromRef<AppState> for Arc<PageCache> {
    fn from_ref(state: &AppState) -> Self {
        state.pages.clone()
    }
}

impl FromRef<AppState> for Arc<DatabaseOutage> {
    fn from_ref(state: &AppState) -> Self {
        state.outage.clone()
    }
}

impl FromRef<AppState> for Arc<dyn Store> {
    fn from_ref(state: &AppState) -> Self {
        state.store.clone()
    }
}

impl FromRef<AppState> for Arc<SiteConfig> {
    fn from_ref(state: &AppState) -> Self {
        state.config.clone()
    }
}

impl FromRef<AppState> for Arc<Theme> {
    fn from_ref(state: &AppState) -> Self {
        state.theme.clone()
    }
}
