//! The storage role for Admin API tokens: each belongs to one person, carries scopes and an
//! expiry, and is kept only as the SHA-256 of its secret (the secret is shown once, when it is
//! made, and never stored). Tokens are not content: their writes make no change-log entry, only
//! an audit entry.

use chrono::{DateTime, Utc};
use gazette_core::newsroom::User;

use crate::{NewAuditEntry, StoreResult};

/// What a token may be used for. A token never does more than its person's role allows: the
/// scope opens the door, the role and the workflow still decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ApiScope {
    /// Read articles in every status (drafts included, as far as the person may read them).
    ReadDrafts,
    /// Create, update and submit articles.
    WriteDrafts,
    /// Schedule, publish and unpublish articles, and add corrections.
    Publish,
    /// Upload images.
    Media,
    /// Post live-blog entries.
    Live,
    /// Site-wide management, for the person's admin role.
    Admin,
}

impl ApiScope {
    pub const ALL: [Self; 6] = [
        Self::ReadDrafts,
        Self::WriteDrafts,
        Self::Publish,
        Self::Media,
        Self::Live,
        Self::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ReadDrafts => "read_drafts",
            Self::WriteDrafts => "write_drafts",
            Self::Publish => "publish",
            Self::Media => "media",
            Self::Live => "live",
            Self::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|scope| scope.as_str() == s.trim())
    }

    /// What the newsroom's token form says about it.
    pub fn label(self) -> &'static str {
        match self {
            Self::ReadDrafts => "Read drafts and unpublished articles",
            Self::WriteDrafts => "Create, edit and submit articles",
            Self::Publish => "Schedule, publish, unpublish and correct",
            Self::Media => "Upload images",
            Self::Live => "Post live-blog entries",
            Self::Admin => "Administration",
        }
    }

    /// A comma-separated list (`read_drafts,publish`) as a sorted set without repeats; an
    /// unknown name is refused with that name.
    pub fn parse_list(s: &str) -> Result<Vec<Self>, String> {
        let mut scopes = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            scopes.push(Self::parse(part).ok_or_else(|| part.to_owned())?);
        }
        scopes.sort();
        scopes.dedup();
        Ok(scopes)
    }

    /// The list as stored and shown: `read_drafts,publish`.
    pub fn join(scopes: &[Self]) -> String {
        scopes
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// A token to store. The secret's hash, never the secret.
#[derive(Debug, Clone)]
pub struct NewApiToken {
    pub user_id: i64,
    pub name: String,
    /// The secret's first characters (`gzt_Ab12cD`), to tell tokens apart in lists.
    pub prefix: String,
    /// SHA-256 of the whole secret, hex.
    pub secret_hash: String,
    pub scopes: Vec<ApiScope>,
    pub expires_at: DateTime<Utc>,
}

/// A stored token, as lists show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: i64,
    pub user_id: i64,
    /// Whose token it is, for the admins' list.
    pub user_name: String,
    pub name: String,
    pub prefix: String,
    pub scopes: Vec<ApiScope>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub last_used_address: String,
}

impl ApiToken {
    /// Whether a request may use it now (its person's state is checked apart).
    pub fn is_active(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.expires_at > now
    }

    pub fn has(&self, scope: ApiScope) -> bool {
        self.scopes.contains(&scope)
    }
}

#[async_trait::async_trait]
pub trait ApiTokenStore: Send + Sync + 'static {
    /// Stores a token, with `audit` (naming the new token when it names none) in the same
    /// transaction. A token needs a name and at least one scope; its person must exist.
    async fn create_api_token(
        &self,
        token: NewApiToken,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<ApiToken>;

    /// One person's tokens (`Some(user_id)`) or everyone's (`None`), newest first, revoked and
    /// expired ones included.
    async fn api_tokens(&self, user_id: Option<i64>) -> StoreResult<Vec<ApiToken>>;

    async fn api_token(&self, id: i64) -> StoreResult<Option<ApiToken>>;

    /// The token whose secret has this hash, with its person (disabled or not: the caller says
    /// why a request is refused).
    async fn api_token_by_hash(&self, secret_hash: &str) -> StoreResult<Option<(ApiToken, User)>>;

    /// Revokes a token for good. Returns false (and writes nothing, audit included) when it was
    /// revoked already; `NotFound` when there is no such token.
    async fn revoke_api_token(
        &self,
        id: i64,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;

    /// Notes that the token was just used, from `address`.
    async fn touch_api_token(&self, id: i64, address: &str, now: DateTime<Utc>) -> StoreResult<()>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_lists_are_sorted_sets_and_unknown_names_are_named() {
        assert_eq!(
            ApiScope::parse_list(" publish, read_drafts,publish,,"),
            Ok(vec![ApiScope::ReadDrafts, ApiScope::Publish])
        );
        assert_eq!(
            ApiScope::parse_list("read_drafts,delete_everything"),
            Err("delete_everything".to_owned())
        );
        assert_eq!(
            ApiScope::join(&[ApiScope::ReadDrafts, ApiScope::Live]),
            "read_drafts,live"
        );
        for scope in ApiScope::ALL {
            assert_eq!(ApiScope::parse(scope.as_str()), Some(scope));
        }
    }
}
