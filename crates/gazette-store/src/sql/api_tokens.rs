//! Admin API tokens (see [`crate::api_tokens`]).

use chrono::{DateTime, Utc};
use gazette_core::newsroom::User;

use super::db::{AsConn, query};
use super::journal::audit_write;
use super::rows::UserRow;
use super::{SqlStore, clean_text, opt_time, reference_error, time};
use crate::api_tokens::{ApiScope, ApiToken, ApiTokenStore, NewApiToken};
use crate::{NewAuditEntry, StoreError, StoreResult};

/// Longest token name kept.
const MAX_NAME_CHARS: usize = 100;

const TOKEN_COLUMNS: &str = "t.id, t.user_id, u.name AS user_name, t.name, t.prefix, t.scopes, \
     t.created_at, t.expires_at, t.revoked_at, t.last_used_at, t.last_used_address";

#[derive(sqlx::FromRow)]
struct TokenRow {
    id: i64,
    user_id: i64,
    user_name: String,
    name: String,
    prefix: String,
    scopes: String,
    created_at: i64,
    expires_at: i64,
    revoked_at: Option<i64>,
    last_used_at: Option<i64>,
    last_used_address: String,
}

impl TryFrom<TokenRow> for ApiToken {
    type Error = StoreError;
    fn try_from(r: TokenRow) -> StoreResult<Self> {
        Ok(Self {
            id: r.id,
            user_id: r.user_id,
            user_name: r.user_name,
            name: r.name,
            prefix: r.prefix,
            scopes: ApiScope::parse_list(&r.scopes)
                .map_err(|s| StoreError::Invalid(format!("stored token scope {s:?}")))?,
            created_at: time(r.created_at)?,
            expires_at: time(r.expires_at)?,
            revoked_at: opt_time(r.revoked_at)?,
            last_used_at: opt_time(r.last_used_at)?,
            last_used_address: r.last_used_address,
        })
    }
}

async fn token_on(c: &mut impl AsConn, id: i64) -> StoreResult<Option<ApiToken>> {
    let row: Option<TokenRow> = query(&format!(
        "SELECT {TOKEN_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = $1"
    ))
    .bind(id)
    .fetch_optional(c)
    .await?;
    row.map(ApiToken::try_from).transpose()
}

#[async_trait::async_trait]
impl ApiTokenStore for SqlStore {
    async fn create_api_token(
        &self,
        token: NewApiToken,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<ApiToken> {
        let name: String = clean_text(&token.name)
            .chars()
            .take(MAX_NAME_CHARS)
            .collect();
        if name.is_empty() {
            return Err(StoreError::Invalid("a token needs a name".into()));
        }
        if token.scopes.is_empty() {
            return Err(StoreError::Invalid(
                "a token needs at least one scope".into(),
            ));
        }
        let mut tx = self.db.write().await?;
        let id: i64 = query(
            "INSERT INTO api_tokens (user_id, name, prefix, secret_hash, scopes, created_at, \
             expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(token.user_id)
        .bind(name)
        .bind(&token.prefix)
        .bind(&token.secret_hash)
        .bind(ApiScope::join(&token.scopes))
        .bind(now.timestamp())
        .bind(token.expires_at.timestamp())
        .scalar(&mut tx)
        .await
        .map_err(|e| reference_error(e, "person"))?;
        audit_write(&mut tx, audit, Some(id), now).await?;
        let created = token_on(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok(created)
    }

    async fn api_tokens(&self, user_id: Option<i64>) -> StoreResult<Vec<ApiToken>> {
        let rows: Vec<TokenRow> = query(&format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE ($1 IS NULL OR t.user_id = $1) ORDER BY t.created_at DESC, t.id DESC"
        ))
        .bind(user_id)
        .fetch_all(&mut self.db.conn().await?)
        .await?;
        super::convert(rows)
    }

    async fn api_token(&self, id: i64) -> StoreResult<Option<ApiToken>> {
        token_on(&mut self.db.conn().await?, id).await
    }

    async fn api_token_by_hash(&self, secret_hash: &str) -> StoreResult<Option<(ApiToken, User)>> {
        let mut conn = self.db.conn().await?;
        let id: Option<i64> = query("SELECT id FROM api_tokens WHERE secret_hash = $1")
            .bind(secret_hash)
            .column(&mut conn)
            .await?
            .into_iter()
            .next();
        let Some(token) = (match id {
            Some(id) => token_on(&mut conn, id).await?,
            None => None,
        }) else {
            return Ok(None);
        };
        let user: Option<UserRow> = query(
            "SELECT id, email, name, role, disabled, author_id, created_at, two_factor, \
             ui_language FROM users WHERE id = $1",
        )
        .bind(token.user_id)
        .fetch_optional(&mut conn)
        .await?;
        match user {
            Some(row) => Ok(Some((token, User::try_from(row)?))),
            None => Ok(None),
        }
    }

    async fn revoke_api_token(
        &self,
        id: i64,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let mut tx = self.db.write().await?;
        let exists: i64 = query("SELECT COUNT(*) FROM api_tokens WHERE id = $1")
            .bind(id)
            .scalar(&mut tx)
            .await?;
        if exists == 0 {
            return Err(StoreError::NotFound);
        }
        let revoked =
            query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
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

    async fn touch_api_token(&self, id: i64, address: &str, now: DateTime<Utc>) -> StoreResult<()> {
        let mut tx = self.db.write().await?;
        query("UPDATE api_tokens SET last_used_at = $1, last_used_address = $2 WHERE id = $3")
            .bind(now.timestamp())
            .bind(address.chars().take(100).collect::<String>())
            .bind(id)
            .execute(&mut tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
