//! Pings on publish, both off by default: the outbox's `websub` and `indexnow` channels.
//!
//! - **WebSub**: the site's feeds and the article's section feeds are announced to the configured
//!   hub (`hub.mode=publish&hub.url=<feed>`, one delivery per feed), which fetches them and pushes
//!   the news to its subscribers. The feeds name the hub (`rel="hub"`) so subscribers find it.
//! - **IndexNow**: the article's address is sent to the configured endpoint (Bing, Yandex, …) as
//!   `{host, key, keyLocation, urlList}`; the endpoint checks the key against `/{key}.txt`, which
//!   the site serves while a key is configured.
//!
//! A hub or endpoint that is down or says "later" (429, 5xx) is retried with the outbox's
//! backoff; one that refuses the request (another 4xx) is marked failed, with its answer.

use std::time::{Duration, Instant};

use chrono::Utc;
use gazette_core::events::{Event, EventKind, NewEvent};
use gazette_core::text::url_encode;
use gazette_store::outbox::PlannedDelivery;
use serde_json::json;

use super::courier::{Attempt, Courier, Delivery, channels};

/// The feed files a hub is told about, in each place feeds are published.
const FEED_FILES: [&str; 3] = ["rss.xml", "atom.xml", "feed.json"];

/// How long a hub or endpoint may take to answer.
const TIMEOUT: Duration = Duration::from_secs(10);

/// The WebSub hub to ping.
#[derive(Debug, Clone)]
pub struct WebSubConfig {
    pub hub_url: String,
    /// The site's address, without a trailing slash: the feeds' addresses start with it.
    pub base_url: String,
}

/// The IndexNow endpoint and this site's key.
#[derive(Debug, Clone)]
pub struct IndexNowConfig {
    /// For example `https://api.indexnow.org/indexnow`.
    pub endpoint: String,
    /// 8 to 128 letters, digits or dashes; served at `{base_url}/{key}.txt`.
    pub key: String,
    pub base_url: String,
}

impl IndexNowConfig {
    pub fn key_location(&self) -> String {
        format!("{}/{}.txt", self.base_url, self.key)
    }

    /// The host the URLs belong to, as IndexNow wants it (`news.example.com`).
    pub fn host(&self) -> String {
        let rest = self
            .base_url
            .split_once("://")
            .map_or(self.base_url.as_str(), |(_, rest)| rest);
        let authority = rest.split('/').next().unwrap_or(rest);
        let authority = authority
            .rsplit_once('@')
            .map_or(authority, |(_, host)| host);
        authority.to_owned()
    }
}

/// Whether `key` is an IndexNow key: 8 to 128 of `a-z`, `A-Z`, `0-9` and `-`.
pub fn valid_indexnow_key(key: &str) -> bool {
    (8..=128).contains(&key.len()) && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// The feeds a published article appears in: the site's and its section's.
pub fn feeds_of(base_url: &str, section_slug: &str) -> Vec<String> {
    let site = FEED_FILES
        .iter()
        .map(|file| format!("{base_url}/feeds/{file}"));
    let section = FEED_FILES
        .iter()
        .map(|file| format!("{base_url}/feeds/sections/{section_slug}/{file}"));
    site.chain(section).collect()
}

/// Which pings are on (both off by default), for the outbox's planner.
#[derive(Debug, Clone, Default)]
pub struct Pings {
    pub websub: Option<WebSubConfig>,
    pub indexnow: bool,
}

/// The ping deliveries an event gets.
pub fn plan(event: &NewEvent, pings: &Pings) -> Vec<PlannedDelivery> {
    let mut planned = Vec::new();
    if let Some(websub) = &pings.websub {
        planned.extend(plan_websub(websub, event));
    }
    if pings.indexnow {
        planned.extend(plan_indexnow(event));
    }
    planned
}

/// WebSub deliveries for an event: one per feed the published article is in.
pub fn plan_websub(config: &WebSubConfig, event: &NewEvent) -> Vec<PlannedDelivery> {
    match (&event.kind, &event.data.article) {
        (EventKind::ArticlePublished, Some(article)) => {
            feeds_of(&config.base_url, &article.section.slug)
                .into_iter()
                .map(|target| PlannedDelivery {
                    channel: channels::WEBSUB,
                    target,
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

/// The IndexNow delivery for an event: the published article's address.
pub fn plan_indexnow(event: &NewEvent) -> Vec<PlannedDelivery> {
    match (&event.kind, &event.data.article) {
        (EventKind::ArticlePublished, Some(article)) => vec![PlannedDelivery {
            channel: channels::INDEXNOW,
            target: article.url.clone(),
        }],
        _ => Vec::new(),
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(TIMEOUT)
        .user_agent(concat!("Gazette/", env!("CARGO_PKG_VERSION")))
        .build()
        .unwrap_or_default()
}

/// Pings the WebSub hub about one feed (the delivery's target).
pub struct WebSubCourier {
    config: WebSubConfig,
    http: reqwest::Client,
}

impl WebSubCourier {
    pub fn new(config: WebSubConfig) -> Self {
        Self {
            config,
            http: client(),
        }
    }
}

#[async_trait::async_trait]
impl Courier for WebSubCourier {
    fn channel(&self) -> &'static str {
        channels::WEBSUB
    }

    async fn deliver(&self, _event: &Event, delivery: &Delivery) -> Attempt {
        let body = format!("hub.mode=publish&hub.url={}", url_encode(&delivery.target));
        let request = self
            .http
            .post(&self.config.hub_url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        send(request, "the hub").await
    }
}

/// Submits one article address (the delivery's target) to IndexNow.
pub struct IndexNowCourier {
    config: IndexNowConfig,
    http: reqwest::Client,
}

impl IndexNowCourier {
    pub fn new(config: IndexNowConfig) -> Self {
        Self {
            config,
            http: client(),
        }
    }
}

#[async_trait::async_trait]
impl Courier for IndexNowCourier {
    fn channel(&self) -> &'static str {
        channels::INDEXNOW
    }

    async fn deliver(&self, _event: &Event, delivery: &Delivery) -> Attempt {
        let body = json!({
            "host": self.config.host(),
            "key": self.config.key,
            "keyLocation": self.config.key_location(),
            "urlList": [delivery.target],
        });
        let request = self
            .http
            .post(&self.config.endpoint)
            .header("content-type", "application/json; charset=utf-8")
            .body(body.to_string());
        send(request, "IndexNow").await
    }
}

/// Sends a ping and reads the answer as the outbox needs it.
async fn send(request: reqwest::RequestBuilder, who: &str) -> Attempt {
    let started = Instant::now();
    let response = match request.send().await {
        Ok(response) => response,
        Err(e) => {
            let why = if e.is_timeout() {
                format!("{who} did not answer in time")
            } else {
                format!("cannot reach {who}: {}", e.without_url())
            };
            return Attempt::retry(None, why, started.elapsed());
        }
    };
    let status = response.status();
    let code = Some(status.as_u16());
    if status.is_success() {
        return Attempt::delivered(code, started.elapsed());
    }
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .map(|seconds| Utc::now() + chrono::Duration::seconds(seconds.clamp(0, 86_400)));
    let answer = response.text().await.unwrap_or_default();
    let answer: String = answer.trim().chars().take(300).collect();
    let why = if answer.is_empty() {
        format!("{who} answered {status}")
    } else {
        format!("{who} answered {status}: {answer}")
    };
    let took = started.elapsed();
    if status.as_u16() == 429 || status.is_server_error() {
        let attempt = Attempt::retry(code, why, took);
        match retry_after {
            Some(at) => attempt.not_before(at),
            None => attempt,
        }
    } else {
        Attempt::give_up(code, why, took)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_checked_as_indexnow_defines_them() {
        assert!(valid_indexnow_key("0f4a9c2e-77aa-4bb1"));
        assert!(!valid_indexnow_key("short"));
        assert!(!valid_indexnow_key("has space in it"));
        assert!(!valid_indexnow_key(&"a".repeat(129)));
        assert!(!valid_indexnow_key("../../etc/passwd"));
    }

    #[test]
    fn the_host_is_the_base_urls_authority() {
        let config = IndexNowConfig {
            endpoint: "https://api.indexnow.org/indexnow".into(),
            key: "0f4a9c2e77aa4bb1".into(),
            base_url: "https://news.example.com".into(),
        };
        assert_eq!(config.host(), "news.example.com");
        assert_eq!(
            config.key_location(),
            "https://news.example.com/0f4a9c2e77aa4bb1.txt"
        );
    }

    #[test]
    fn a_published_article_is_in_the_site_feeds_and_its_sections() {
        assert_eq!(
            feeds_of("https://n.example", "war"),
            [
                "https://n.example/feeds/rss.xml",
                "https://n.example/feeds/atom.xml",
                "https://n.example/feeds/feed.json",
                "https://n.example/feeds/sections/war/rss.xml",
                "https://n.example/feeds/sections/war/atom.xml",
                "https://n.example/feeds/sections/war/feed.json",
            ]
        );
    }
}
