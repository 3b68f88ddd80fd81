//! How the outbox works: timings and which channels beside webhooks get deliveries. Read by the
//! job, the planner and the delivery loop alike.

use std::time::Duration;

/// How the outbox delivers; the defaults are what production wants.
#[derive(Debug, Clone)]
pub struct OutboxSettings {
    /// The site's public address (`https://news.example.com`), which makes links in payloads
    /// absolute; empty leaves them as paths.
    pub base_url: String,
    /// The site's editions: an article's address in payloads is in its language's edition
    /// (`/uk/viina/…` for a Ukrainian one).
    pub editions: gazette_core::Editions,
    /// How long one delivery attempt may take before it counts as failed.
    pub attempt_timeout: Duration,
    /// The wait after the first failure; it doubles after each further one…
    pub first_retry: Duration,
    /// …up to this.
    pub max_retry: Duration,
    /// A delivery not made within this long after it was queued is given up.
    pub give_up_after: Duration,
    /// How often the job looks for new changes and due deliveries.
    pub tick: Duration,
    /// Whether Telegram channels get deliveries (a bot token is configured and its courier
    /// registered); off by default.
    pub telegram: bool,
    /// WebSub and IndexNow pings on publish; off by default.
    pub pings: super::pings::Pings,
}

impl Default for OutboxSettings {
    fn default() -> Self {
        Self {
            base_url: String::new(),
            editions: gazette_core::Editions::default(),
            attempt_timeout: Duration::from_secs(10),
            first_retry: Duration::from_secs(30),
            max_retry: Duration::from_secs(3600),
            give_up_after: Duration::from_secs(24 * 3600),
            tick: Duration::from_secs(1),
            telegram: false,
            pings: super::pings::Pings::default(),
        }
    }
}
