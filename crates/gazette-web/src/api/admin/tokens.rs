//! Making Admin API tokens: the newsroom's token page and `gazette token create` both come here.
//!
//! A secret is `gzt_` and 43 characters of URL-safe base64 (32 bytes from the operating system):
//! the prefix lets secret scanners and people recognise it. It is shown once; the store keeps its
//! SHA-256 and its first characters, to tell tokens apart in lists.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use gazette_core::newsroom::User;
use gazette_store::{Actor, ApiScope, ApiToken, NewApiToken, NewAuditEntry, Store, StoreError};
use sha2::{Digest, Sha256};

/// What every secret starts with.
pub const SECRET_PREFIX: &str = "gzt_";
/// Characters after the prefix: 32 bytes in unpadded base64.
const SECRET_BODY_LEN: usize = 43;
/// How many characters of a secret lists show.
const SHOWN_PREFIX_LEN: usize = 10;
/// A token's life unless its maker says otherwise.
pub const DEFAULT_DAYS: i64 = 90;
/// The longest life a token may have: a forgotten token stops working within a year.
pub const MAX_DAYS: i64 = 366;
/// Longest token name.
pub const MAX_NAME_CHARS: usize = 100;

/// A new secret and what is stored of it: `(secret, shown prefix, SHA-256)`.
pub fn new_secret() -> Result<(String, String, String), String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| format!("no randomness from the system: {e}"))?;
    let secret = format!(
        "{SECRET_PREFIX}{}",
        data_encoding::BASE64URL_NOPAD.encode(&bytes)
    );
    let prefix = secret.chars().take(SHOWN_PREFIX_LEN).collect();
    let hash = secret_hash(&secret);
    Ok((secret, prefix, hash))
}

/// SHA-256 of a secret, hex: what the store looks tokens up by.
pub fn secret_hash(secret: &str) -> String {
    data_encoding::HEXLOWER.encode(&Sha256::digest(secret.as_bytes()))
}

/// Whether `secret` has the shape of one of ours (so a stray password or a Content API key is
/// told apart from an unknown token).
pub fn looks_like_secret(secret: &str) -> bool {
    secret.strip_prefix(SECRET_PREFIX).is_some_and(|body| {
        body.len() == SECRET_BODY_LEN
            && body
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

/// What someone asks for when they make a token.
#[derive(Debug, Clone)]
pub struct TokenRequest {
    pub name: String,
    pub scopes: Vec<ApiScope>,
    /// Days until it expires: 1 to [`MAX_DAYS`].
    pub days: i64,
}

impl TokenRequest {
    /// Checks the request; the message says what to fix.
    pub fn check(&self) -> Result<(), String> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err("Give the token a name, so you know later what uses it.".into());
        }
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(format!(
                "A token's name can be at most {MAX_NAME_CHARS} characters."
            ));
        }
        if name.chars().any(char::is_control) {
            return Err("A token's name cannot contain control characters.".into());
        }
        if self.scopes.is_empty() {
            return Err("Choose at least one scope.".into());
        }
        if !(1..=MAX_DAYS).contains(&self.days) {
            return Err(format!(
                "A token lasts from 1 to {MAX_DAYS} days, not {}.",
                self.days
            ));
        }
        Ok(())
    }
}

/// Why a token was not made.
#[derive(Debug, thiserror::Error)]
pub enum MintError {
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// Makes a token for `owner`, recorded in the audit log as done by `actor`. Returns the stored
/// token and its secret, which nobody can see again.
pub async fn mint(
    store: &Arc<dyn Store>,
    owner: &User,
    request: &TokenRequest,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(ApiToken, String), MintError> {
    request.check().map_err(MintError::Invalid)?;
    if owner.disabled {
        return Err(MintError::Invalid(format!(
            "{} is disabled: a disabled person's tokens do not work.",
            owner.name
        )));
    }
    let (secret, prefix, hash) = new_secret().map_err(StoreError::Unavailable)?;
    let audit = NewAuditEntry {
        actor: actor.clone(),
        action: "create".into(),
        entity: "api_token".into(),
        entity_id: None,
        detail: format!(
            "“{}” for {} ({}), expires {}",
            request.name.trim(),
            owner.name,
            ApiScope::join(&request.scopes),
            (now + Duration::days(request.days)).format("%Y-%m-%d")
        ),
    };
    let token = store
        .create_api_token(
            NewApiToken {
                user_id: owner.id,
                name: request.name.trim().to_owned(),
                prefix,
                secret_hash: hash,
                scopes: request.scopes.clone(),
                expires_at: now + Duration::days(request.days),
            },
            Some(&audit),
            now,
        )
        .await?;
    Ok((token, secret))
}

/// Revokes a token, recorded in the audit log as done by `actor`. False when it was revoked
/// already.
pub async fn revoke(
    store: &Arc<dyn Store>,
    token: &ApiToken,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let audit = NewAuditEntry {
        actor: actor.clone(),
        action: "revoke".into(),
        entity: "api_token".into(),
        entity_id: Some(token.id),
        detail: format!("“{}” of {}", token.name, token.user_name),
    };
    store.revoke_api_token(token.id, Some(&audit), now).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_recognisable_random_and_stored_only_as_a_hash() {
        let (secret, prefix, hash) = new_secret().unwrap_or_default();
        let (other, _, _) = new_secret().unwrap_or_default();
        assert!(looks_like_secret(&secret), "{secret}");
        assert_ne!(secret, other);
        assert!(secret.starts_with(&prefix) && prefix.starts_with(SECRET_PREFIX));
        assert_eq!(hash, secret_hash(&secret));
        assert!(!hash.contains(&secret[4..]));
        assert!(!looks_like_secret("gzt_short"));
        assert!(!looks_like_secret(&secret.replace("gzt_", "gzx_")));
    }

    #[test]
    fn a_token_needs_a_name_a_scope_and_a_life_of_at_most_a_year() {
        let good = TokenRequest {
            name: "CMS sync".into(),
            scopes: vec![ApiScope::ReadDrafts],
            days: DEFAULT_DAYS,
        };
        assert_eq!(good.check(), Ok(()));
        for bad in [
            TokenRequest {
                name: "  ".into(),
                ..good.clone()
            },
            TokenRequest {
                scopes: Vec::new(),
                ..good.clone()
            },
            TokenRequest {
                days: 0,
                ..good.clone()
            },
            TokenRequest {
                days: MAX_DAYS + 1,
                ..good.clone()
            },
        ] {
            assert!(bad.check().is_err(), "{bad:?}");
        }
    }
}
