//! Content API keys (see [`crate::api_keys`]).

use chrono::{DateTime, Utc};

use super::db::{AsConn, query};
use super::journal::audit_write;
use super::{SqlStore, clean_text, opt_time, time};
use crate::api_keys::{
    ContentApiKey, ContentApiKeyStore, KeyUse, MAX_KEY_RATE_LIMIT, NewContentApiKey,
};
use crate::{NewAuditEntry, StoreError, StoreResult};

/// Longest key name kept.
const MAX_NAME_CHARS: usize = 100;

const KEY_COLUMNS: &str =
    "id, name, prefix, rate_limit, created_at, revoked_at, request_count, last_used_at";

#[derive(sqlx::FromRow)]
struct KeyRow {
    id: i64,
    name: String,
    prefix: String,
    rate_limit: i64,
    created_at: i64,
    revoked_at: Option<i64>,
    request_count: i64,
    last_used_at: Option<i64>,
}

impl TryFrom<KeyRow> for ContentApiKey {
    type Error = StoreError;
    fn try_from(r: KeyRow) -> StoreResult<Self> {
        Ok(Self {
            id: r.id,
            name: r.name,
            prefix: r.prefix,
            rate_limit: u32::try_from(r.rate_limit).unwrap_or(MAX_KEY_RATE_LIMIT),
            created_at: time(r.created_at)?,
            revoked_at: opt_time(r.revoked_at)?,
            request_count: u64::try_from(r.request_count).unwrap_or(0),
            last_used_at: opt_time(r.last_used_at)?,
        })
    }
}

async fn key_on(c: &mut impl AsConn, id: i64) -> StoreResult<Option<ContentApiKey>> {
    let row: Option<KeyRow> = query(&format!(
        "SELECT {KEY_COLUMNS} FROM content_api_keys WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(c)
    .await?;
    row.map(ContentApiKey::try_from).transpose()
}

#[async_trait::async_trait]
impl ContentApiKeyStore for SqlStore {
    async fn create_content_api_key(
        &self,
        key: NewContentApiKey,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<ContentApiKey> {
        let name: String = clean_text(&key.name).chars().take(MAX_NAME_CHARS).collect();
        if name.is_empty() {
            return Err(StoreError::Invalid("a key needs a name".into()));
        }
        if !(1..=MAX_KEY_RATE_LIMIT).contains(&key.rate_limit) {
            return Err(StoreError::Invalid(format!(
                "a key's rate limit is between 1 and {MAX_KEY_RATE_LIMIT} requests a minute"
            )));
        }
        let mut tx = self.db.write().await?;
        let id: i64 = query(
            "INSERT INTO content_api_keys (name, prefix, key_hash, rate_limit, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(name)
        .bind(&key.prefix)
        .bind(&key.key_hash)
        .bind(i64::from(key.rate_limit))
        .bind(now.timestamp())
        .scalar(&mut tx)
        .await?;
        audit_write(&mut tx, audit, Some(id), now).await?;
        let created = key_on(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok(created)
    }

    async fn content_api_keys(&self) -> StoreResult<Vec<ContentApiKey>> {
        let rows: Vec<KeyRow> = query(&format!(
            "SELECT {KEY_COLUMNS} FROM content_api_keys ORDER BY created_at DESC, id DESC"
        ))
        .fetch_all(&mut self.db.conn().await?)
        .await?;
        super::convert(rows)
    }

    async fn content_api_key_by_hash(&self, key_hash: &str) -> StoreResult<Option<ContentApiKey>> {
        let row: Option<KeyRow> = query(&format!(
            "SELECT {KEY_COLUMNS} FROM content_api_keys WHERE key_hash = $1"
        ))
        .bind(key_hash)
        .fetch_optional(&mut self.db.conn().await?)
        .await?;
        row.map(ContentApiKey::try_from).transpose()
    }

    async fn revoke_content_api_key(
        &self,
        id: i64,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let mut tx = self.db.write().await?;
        if key_on(&mut tx, id).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        let revoked = query(
            "UPDATE content_api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
        )
        .bind(now.timestamp())
        .bind(id)
        .execute(&mut tx)
        .await?;
        if revoked == 0 {
            return Ok(false);
        }
        audit_write(&mut tx, audit, Some(id), now).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn record_content_api_key_use(&self, uses: &[KeyUse]) -> StoreResult<()> {
        if uses.is_empty() {
            return Ok(());
        }
        let mut tx = self.db.write().await?;
        for used in uses {
            // The later of the two times: batches from several nodes may arrive out of order.
            query(
                "UPDATE content_api_keys SET request_count = request_count + $1, \
                 last_used_at = CASE WHEN last_used_at IS NULL OR last_used_at < $2 \
                 THEN $2 ELSE last_used_at END WHERE id = $3",
            )
            .bind(i64::try_from(used.requests).unwrap_or(i64::MAX))
            .bind(used.last_used_at.timestamp())
            .bind(used.key_id)
            .execute(&mut tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
