//! Counting reads. The article page sends a beacon (`POST /views/{id}`, or `GET /views/{id}.gif`
//! from a `<noscript>` image); the node counts it in memory and a background task flushes the
//! increments into the daily buckets in batches, and once more at shutdown.
//!
//! A reader is counted once per article per day: the node remembers a hash of (daily salt,
//! article, address, user agent). The salt is random, lives only in memory and changes every day,
//! so the hashes cannot be reversed or joined across days, and no address is ever stored. Known
//! bots, previews and prefetches are not counted.

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::Duration;

use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use gazette_store::{Store, StoreResult, ViewIncrement};
use sha2::{Digest, Sha256};

use crate::AppState;

/// The beacon script, the same on every page so that the Content-Security-Policy can allow it by
/// hash; the article id comes from the tag's `data-article` attribute.
pub const BEACON_SCRIPT: &str = "(function(s){var u=\"/views/\"+s.dataset.article;if(navigator.sendBeacon){navigator.sendBeacon(u)}else{fetch(u,{method:\"POST\",keepalive:true})}})(document.currentScript)";

/// How often counted views are written to the database.
pub const FLUSH_INTERVAL: Duration = Duration::from_secs(5);

/// Fragments of user agents that are not readers.
const BOT_MARKERS: [&str; 24] = [
    "bot",
    "crawl",
    "spider",
    "slurp",
    "archiver",
    "facebookexternalhit",
    "embedly",
    "preview",
    "headless",
    "lighthouse",
    "pagespeed",
    "curl",
    "wget",
    "python",
    "go-http-client",
    "java/",
    "libwww",
    "httpclient",
    "okhttp",
    "axios",
    "node-fetch",
    "monitor",
    "uptime",
    "scrapy",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    Yes,
    AlreadyToday,
    NotAReader,
}

struct Visitors {
    day: i64,
    salt: [u8; 32],
    seen: HashSet<u64>,
}

pub struct ViewCounter {
    visitors: Mutex<Visitors>,
    pending: Mutex<HashMap<(i64, i64), i64>>,
    /// Honour `X-Forwarded-For` (only behind a trusted proxy or load balancer).
    trust_forwarded_for: bool,
}

fn fresh_salt() -> [u8; 32] {
    let mut salt = [0u8; 32];
    if getrandom::fill(&mut salt).is_err() {
        // No OS randomness: fall back to the clock, still never stored anywhere.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos();
        salt = Sha256::digest(nanos.to_le_bytes()).into();
    }
    salt
}

pub fn is_bot(user_agent: &str) -> bool {
    let ua = user_agent.to_ascii_lowercase();
    ua.trim().is_empty() || BOT_MARKERS.iter().any(|m| ua.contains(m))
}

fn is_prefetch(headers: &HeaderMap) -> bool {
    ["sec-purpose", "purpose", "x-purpose", "x-moz"]
        .iter()
        .any(|name| {
            headers
                .get(*name)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| {
                    let v = v.to_ascii_lowercase();
                    v.contains("prefetch") || v.contains("preview") || v.contains("prerender")
                })
        })
}

impl ViewCounter {
    pub fn new(trust_forwarded_for: bool) -> Self {
        Self {
            visitors: Mutex::new(Visitors {
                day: i64::MIN,
                salt: fresh_salt(),
                seen: HashSet::new(),
            }),
            pending: Mutex::new(HashMap::new()),
            trust_forwarded_for,
        }
    }

    fn client_address(&self, headers: &HeaderMap, peer: Option<IpAddr>) -> Option<IpAddr> {
        if self.trust_forwarded_for
            && let Some(forwarded) = headers.get("x-forwarded-for").and_then(|v| v.to_str().ok())
            && let Some(first) = forwarded
                .split(',')
                .next()
                .and_then(|a| a.trim().parse().ok())
        {
            return Some(first);
        }
        peer
    }

    /// Counts one read of `article_id`, unless this reader was already counted today.
    pub fn record(
        &self,
        article_id: i64,
        headers: &HeaderMap,
        peer: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> Counted {
        let user_agent = headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if is_bot(user_agent) || is_prefetch(headers) {
            return Counted::NotAReader;
        }
        let address = self
            .client_address(headers, peer)
            .map(|a| a.to_string())
            .unwrap_or_default();
        let day = now.timestamp().div_euclid(86_400);
        {
            let Ok(mut visitors) = self.visitors.lock() else {
                return Counted::NotAReader;
            };
            if visitors.day != day {
                visitors.day = day;
                visitors.salt = fresh_salt();
                visitors.seen.clear();
            }
            let mut hasher = Sha256::new();
            hasher.update(visitors.salt);
            hasher.update(article_id.to_le_bytes());
            hasher.update(address.as_bytes());
            hasher.update([0]);
            hasher.update(user_agent.as_bytes());
            let digest = hasher.finalize();
            let mut first8 = [0u8; 8];
            first8.copy_from_slice(&digest[..8]);
            if !visitors.seen.insert(u64::from_le_bytes(first8)) {
                return Counted::AlreadyToday;
            }
        }
        if let Ok(mut pending) = self.pending.lock() {
            *pending.entry((article_id, day)).or_insert(0) += 1;
        }
        Counted::Yes
    }

    /// Writes the counted views to the database. On failure they are kept for the next try.
    pub async fn flush(&self, store: &dyn Store) -> StoreResult<usize> {
        let batch: Vec<ViewIncrement> = match self.pending.lock() {
            Ok(mut pending) => pending
                .drain()
                .map(|((article_id, day), views)| ViewIncrement {
                    article_id,
                    day,
                    views,
                })
                .collect(),
            Err(_) => return Ok(0),
        };
        if batch.is_empty() {
            return Ok(0);
        }
        if let Err(e) = store.add_views(&batch).await {
            if let Ok(mut pending) = self.pending.lock() {
                for inc in &batch {
                    *pending.entry((inc.article_id, inc.day)).or_insert(0) += inc.views;
                }
            }
            return Err(e);
        }
        Ok(batch.iter().map(|i| i.views as usize).sum())
    }

    /// Views counted and not yet written.
    pub fn pending(&self) -> i64 {
        self.pending.lock().map(|p| p.values().sum()).unwrap_or(0)
    }
}

/// Flushes every [`FLUSH_INTERVAL`] until the process ends.
pub async fn flush_periodically(state: AppState) {
    let mut interval = tokio::time::interval(FLUSH_INTERVAL);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        if let Err(e) = state.views.flush(state.store.as_ref()).await {
            tracing::warn!(error = %e, pending = state.views.pending(), "cannot write view counts; will retry");
        }
    }
}

/// The address of the connection's other end, when the server was started with connection info
/// (tests drive the router without one).
pub struct Peer(Option<IpAddr>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| addr.ip()),
        ))
    }
}

/// `POST /views/{id}`: the beacon.
pub async fn beacon(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Peer(peer): Peer,
    headers: HeaderMap,
) -> Response {
    let Ok(article_id) = id.parse::<i64>() else {
        return (StatusCode::BAD_REQUEST, "not an article id").into_response();
    };
    state.views.record(article_id, &headers, peer, state.now());
    no_store(StatusCode::NO_CONTENT.into_response())
}

/// The smallest transparent GIF, for the `<noscript>` fallback.
const PIXEL: &[u8] = &[
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
];

/// `GET /views/{id}.gif`: the beacon for readers without JavaScript.
pub async fn pixel(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Peer(peer): Peer,
    headers: HeaderMap,
) -> Response {
    let Some(article_id) = file
        .strip_suffix(".gif")
        .and_then(|id| id.parse::<i64>().ok())
    else {
        return (StatusCode::NOT_FOUND, "no such counter").into_response();
    };
    state.views.record(article_id, &headers, peer, state.now());
    let mut response = PIXEL.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("image/gif"));
    no_store(response)
}

fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bots_and_empty_agents_are_not_readers() {
        assert!(is_bot(
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
        ));
        assert!(is_bot("curl/8.5.0"));
        assert!(is_bot(""));
        assert!(!is_bot(
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1"
        ));
    }
}
