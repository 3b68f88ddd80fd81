//! The storage role for Content API keys: optional keys that consumers of the public API (a
//! partner site, an app) send so that their requests are counted and rate limited apart. A key
//! opens nothing the public cannot read; it is kept only as the SHA-256 of its secret, shown once
//! when it is made. Keys are not content: their writes make no change-log entry, only an audit
//! entry (creation and revocation).

use chrono::{DateTime, Utc};

use crate::{NewAuditEntry, StoreResult};

/// Requests per minute a key may make on each node, unless its maker says otherwise.
pub const DEFAULT_KEY_RATE_LIMIT: u32 = 600;
/// The most a key may be allowed per minute.
pub const MAX_KEY_RATE_LIMIT: u32 = 1_000_000;

/// A key to store: the secret's hash, never the secret.
#[derive(Debug, Clone)]
pub struct NewContentApiKey {
    pub name: String,
    /// The secret's first characters (`gzk_Ab12cD`), to tell keys apart in lists.
    pub prefix: String,
    /// SHA-256 of the whole secret, hex.
    pub key_hash: String,
    /// Requests per minute on each node, 1..=[`MAX_KEY_RATE_LIMIT`].
    pub rate_limit: u32,
}

/// A stored key, as the newsroom lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentApiKey {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub rate_limit: u32,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// Requests counted so far (written in batches, so a few seconds behind).
    pub request_count: u64,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl ContentApiKey {
    pub fn is_active(&self) -> bool {
        self.revoked_at.is_none()
    }
}

/// Requests counted in memory for one key, to add to its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyUse {
    pub key_id: i64,
    pub requests: u64,
    pub last_used_at: DateTime<Utc>,
}

#[async_trait::async_trait]
pub trait ContentApiKeyStore: Send + Sync + 'static {
    /// Stores a key, with `audit` in the same transaction. A key needs a name, and a rate limit
    /// in 1..=[`MAX_KEY_RATE_LIMIT`].
    async fn create_content_api_key(
        &self,
        key: NewContentApiKey,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<ContentApiKey>;

    /// Every key, newest first, revoked ones included.
    async fn content_api_keys(&self) -> StoreResult<Vec<ContentApiKey>>;

    /// The key whose secret has this hash, revoked or not (the caller refuses revoked ones).
    async fn content_api_key_by_hash(&self, key_hash: &str) -> StoreResult<Option<ContentApiKey>>;

    /// Revokes a key for good. Returns false (and writes nothing, audit included) when it was
    /// revoked already; `NotFound` when there is no such key.
    async fn revoke_content_api_key(
        &self,
        id: i64,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;

    /// Adds counted requests to their keys, in one transaction. Keys deleted meanwhile are
    /// skipped.
    async fn record_content_api_key_use(&self, uses: &[KeyUse]) -> StoreResult<()>;
}
