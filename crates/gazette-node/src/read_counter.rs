//! Counting reads. The article page's beacon (handled in `gazette-web`) asks this counter to count
//! one read; the counter keeps the increments in memory and a background job writes them into the
//! daily buckets in batches, and once more at shutdown.
//!
//! A reader is counted once per article per day: the node remembers a hash of (daily salt,
//! article, address, user agent). The salt is random, lives only in memory and changes every day,
//! so the hashes cannot be reversed or joined across days, and no address is ever stored. Known
//! bots are not counted (previews and prefetches are told apart by the beacon, from their headers).

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use gazette_store::{Store, StoreResult, ViewIncrement};
use sha2::{Digest, Sha256};

use crate::day_number;

/// How often counted reads are written to the database.
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

pub struct ReadCounter {
    visitors: Mutex<Visitors>,
    pending: Mutex<HashMap<(i64, i64), i64>>,
}

impl Default for ReadCounter {
    fn default() -> Self {
        Self {
            visitors: Mutex::new(Visitors {
                day: i64::MIN,
                salt: fresh_salt(),
                seen: HashSet::new(),
            }),
            pending: Mutex::new(HashMap::new()),
        }
    }
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

impl ReadCounter {
    /// Counts one read of `article_id` by the reader at `address` with `user_agent`, unless this
    /// reader was already counted today or is a bot.
    pub fn record(
        &self,
        article_id: i64,
        address: Option<IpAddr>,
        user_agent: &str,
        now: DateTime<Utc>,
    ) -> Counted {
        if is_bot(user_agent) {
            return Counted::NotAReader;
        }
        let address = address.map(|a| a.to_string()).unwrap_or_default();
        let day = day_number(now);
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

    /// Writes the counted reads to the database. On failure they are kept for the next try.
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

    /// Reads counted and not yet written.
    pub fn pending(&self) -> i64 {
        self.pending.lock().map(|p| p.values().sum()).unwrap_or(0)
    }
}

/// The job: flushes every [`FLUSH_INTERVAL`] until the process ends.
pub async fn flush_periodically(counter: Arc<ReadCounter>, store: Arc<dyn Store>) {
    let mut interval = tokio::time::interval(FLUSH_INTERVAL);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        if let Err(e) = counter.flush(store.as_ref()).await {
            tracing::warn!(error = %e, pending = counter.pending(), "cannot write view counts; will retry");
        }
    }
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

    #[test]
    fn a_reader_is_counted_once_a_day_and_a_bot_never() {
        let counter = ReadCounter::default();
        let at = DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default();
        let address = Some(IpAddr::from([192, 0, 2, 7]));
        let browser = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0";
        assert_eq!(counter.record(1, address, browser, at), Counted::Yes);
        assert_eq!(
            counter.record(1, address, browser, at),
            Counted::AlreadyToday
        );
        assert_eq!(counter.record(2, address, browser, at), Counted::Yes);
        let next_day = at + chrono::Duration::days(1);
        assert_eq!(counter.record(1, address, browser, next_day), Counted::Yes);
        assert_eq!(
            counter.record(1, address, "curl/8.5.0", at),
            Counted::NotAReader
        );
        assert_eq!(counter.pending(), 3);
    }
}
