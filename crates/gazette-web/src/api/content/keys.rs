//! Consumers' keys. A key opens nothing the public cannot read: it lets the newsroom see who
//! uses the API and how much, and hold one consumer to a rate (its own, set when the key is
//! made). Anonymous requests need none.
//!
//! A keyed request (`?key=` or `X-Gazette-Key`) is checked against the store every time — a
//! revoked key is refused at once — and never answered from the page cache, so that it is
//! counted. Counts are kept in memory and written to the key's row in batches, a second after
//! the first request of a batch; the per-minute window is this node's own.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use chrono::{DateTime, Utc};
use gazette_store::Store;
use gazette_store::api_keys::KeyUse;
use sha2::{Digest, Sha256};

use crate::api::error::ApiError;
use crate::state::SiteState;

/// The header a consumer may send its key in (instead of `?key=`).
pub const KEY_HEADER: &str = "x-gazette-key";
/// How long counted requests wait in memory before they are written.
const FLUSH_AFTER: Duration = Duration::from_secs(1);

/// Keys' request windows and counts not yet written, for one node.
#[derive(Default)]
pub struct KeyGate {
    /// Per key: the minute (since the epoch) and the requests accepted in it.
    windows: std::sync::Mutex<HashMap<i64, (i64, u32)>>,
    /// Per key: requests counted and not yet written, and the last one's time.
    pending: std::sync::Mutex<HashMap<i64, (u64, DateTime<Utc>)>>,
    flush_scheduled: AtomicBool,
}

/// SHA-256 of a key's secret, hex: what the store keeps and looks keys up by.
pub fn key_hash(secret: &str) -> String {
    data_encoding::HEXLOWER.encode(&Sha256::digest(secret.as_bytes()))
}

impl KeyGate {
    /// Counts a request in the key's minute, or says how many seconds until it may try again.
    fn admit(&self, key_id: i64, limit: u32, now: DateTime<Utc>) -> Result<(), u64> {
        let minute = now.timestamp().div_euclid(60);
        let Ok(mut windows) = self.windows.lock() else {
            return Ok(());
        };
        let window = windows.entry(key_id).or_insert((minute, 0));
        if window.0 != minute {
            *window = (minute, 0);
        }
        if window.1 >= limit {
            let next_minute = (minute + 1) * 60;
            return Err(u64::try_from(next_minute - now.timestamp())
                .unwrap_or(60)
                .max(1));
        }
        window.1 += 1;
        Ok(())
    }

    /// Adds a request to the key's count, and schedules a write if none is waiting.
    fn count(self: &Arc<Self>, key_id: i64, now: DateTime<Utc>, store: Arc<dyn Store>) {
        if let Ok(mut pending) = self.pending.lock() {
            let entry = pending.entry(key_id).or_insert((0, now));
            entry.0 += 1;
            entry.1 = entry.1.max(now);
        }
        if self.flush_scheduled.swap(true, Ordering::AcqRel) {
            return;
        }
        let gate = self.clone();
        tokio::spawn(async move {
            tokio::time::sleep(FLUSH_AFTER).await;
            gate.flush_scheduled.store(false, Ordering::Release);
            let uses: Vec<KeyUse> = match gate.pending.lock() {
                Ok(mut pending) => pending
                    .drain()
                    .map(|(key_id, (requests, last_used_at))| KeyUse {
                        key_id,
                        requests,
                        last_used_at,
                    })
                    .collect(),
                Err(_) => return,
            };
            if let Err(e) = store.record_content_api_key_use(&uses).await {
                // Counts are a courtesy, not a ledger: logged and dropped rather than held while
                // the database is away.
                tracing::warn!(error = %e, "cannot write Content API key counts");
            }
        });
    }
}

/// Who is asking: anonymous, or a consumer whose key was accepted (and counted). Every Content
/// API handler takes one, so that a bad key is refused before anything else is read.
pub struct Consumer {
    pub key_id: Option<i64>,
}

impl<S> FromRequestParts<S> for Consumer
where
    S: Send + Sync,
    SiteState: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Some(secret) = presented_key(parts) else {
            return Ok(Self { key_id: None });
        };
        let Some(gate) = parts.extensions.get::<Arc<KeyGate>>().cloned() else {
            return Ok(Self { key_id: None });
        };
        let site = SiteState::from_ref(state);
        let now = site.now();
        let key = site
            .store
            .content_api_key_by_hash(&key_hash(&secret))
            .await?
            .ok_or_else(|| {
                ApiError::unauthorized(
                    "This API key is not known here. Check it, or leave it out: the Content API \
                     also answers without one.",
                )
            })?;
        if !key.is_active() {
            return Err(ApiError::unauthorized(
                "This API key was revoked. Ask the newsroom for a new one, or leave it out.",
            ));
        }
        gate.admit(key.id, key.rate_limit, now)
            .map_err(ApiError::rate_limited)?;
        gate.count(key.id, now, site.store.clone());
        Ok(Self {
            key_id: Some(key.id),
        })
    }
}

/// The key the request carries, from its header or its query string (the header wins).
fn presented_key(parts: &Parts) -> Option<String> {
    if let Some(value) = parts.headers.get(KEY_HEADER) {
        return Some(value.to_str().unwrap_or("").trim().to_owned());
    }
    form_urlencoded::parse(parts.uri.query()?.as_bytes())
        .find(|(name, _)| name == "key")
        .map(|(_, value)| value.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_key_gets_its_rate_per_minute_and_the_next_minute_starts_afresh() {
        let gate = KeyGate::default();
        let at = |secs: i64| Utc.timestamp_opt(1_743_422_400 + secs, 0).unwrap();
        assert_eq!(gate.admit(1, 2, at(0)), Ok(()));
        assert_eq!(gate.admit(1, 2, at(10)), Ok(()));
        assert_eq!(gate.admit(1, 2, at(15)), Err(45));
        // Another key has its own window.
        assert_eq!(gate.admit(2, 2, at(15)), Ok(()));
        assert_eq!(gate.admit(1, 2, at(60)), Ok(()));
    }
}
