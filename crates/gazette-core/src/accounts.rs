//! People in the newsroom: accounts, roles and what each role may manage, sign-in addresses,
//! passwords' rules and hashing, sessions and the tokens that carry them. Pure rules and types;
//! the store keeps them and the web layer asks them.

use std::fmt;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Utc};

/// What a person may do in the newsroom; each role can do everything the one before it can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Writes drafts and submits them for review; edits only their own unpublished drafts.
    Contributor,
    /// Also publishes and updates their own articles.
    Author,
    /// Edits, publishes and unpublishes anything; manages sections and tags.
    Editor,
    /// Also manages people and site settings, and reads the audit log.
    Admin,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?}: expected contributor, author, editor or admin")]
pub struct UnknownRole(pub String);

impl Role {
    pub const ALL: [Role; 4] = [Role::Contributor, Role::Author, Role::Editor, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Contributor => "contributor",
            Self::Author => "author",
            Self::Editor => "editor",
            Self::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Result<Self, UnknownRole> {
        match s.trim().to_ascii_lowercase().as_str() {
            "contributor" => Ok(Self::Contributor),
            "author" => Ok(Self::Author),
            "editor" => Ok(Self::Editor),
            "admin" => Ok(Self::Admin),
            _ => Err(UnknownRole(s.to_owned())),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Contributor => "Contributor",
            Self::Author => "Author",
            Self::Editor => "Editor",
            Self::Admin => "Admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A sign-in address, trimmed and lowercased so that one person has one account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Email(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an e-mail address like name@example.com")]
pub struct InvalidEmail(pub String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, InvalidEmail> {
        let email = input.trim().to_lowercase();
        let invalid = || InvalidEmail(input.chars().take(80).collect());
        if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid());
        }
        let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
        if local.is_empty()
            || domain.contains('@')
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
            || domain.contains("..")
        {
            return Err(invalid());
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Longest display name accepted for a person.
pub const MAX_NAME_LEN: usize = 100;
/// Shortest password accepted. Length is what makes a password hard to guess.
pub const MIN_PASSWORD_LEN: usize = 10;
/// Longest password accepted, so hashing cannot be made arbitrarily slow.
pub const MAX_PASSWORD_LEN: usize = 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    #[error("a name cannot be empty")]
    EmptyName,
    #[error("a name can be at most {MAX_NAME_LEN} characters")]
    NameTooLong,
    #[error("a password needs at least {MIN_PASSWORD_LEN} characters")]
    PasswordTooShort,
    #[error("a password can be at most {MAX_PASSWORD_LEN} characters")]
    PasswordTooLong,
    #[error("the password could not be hashed: {0}")]
    Hashing(String),
}

/// A person's display name, trimmed and checked.
pub fn parse_name(input: &str) -> Result<String, AccountError> {
    let name = input.trim();
    if name.is_empty() {
        return Err(AccountError::EmptyName);
    }
    if name.chars().count() > MAX_NAME_LEN {
        return Err(AccountError::NameTooLong);
    }
    Ok(name.to_owned())
}

/// An argon2id hash in PHC string form (`$argon2id$v=19$…`), with its own random salt.
pub fn hash_password(password: &str) -> Result<String, AccountError> {
    let length = password.chars().count();
    if length < MIN_PASSWORD_LEN {
        return Err(AccountError::PasswordTooShort);
    }
    if password.len() > MAX_PASSWORD_LEN {
        return Err(AccountError::PasswordTooLong);
    }
    let salt = SaltString::generate(&mut OsRng);
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| AccountError::Hashing(e.to_string()))
}

/// True when `password` matches the stored hash. A malformed hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    if password.len() > MAX_PASSWORD_LEN {
        return false;
    }
    PasswordHash::new(hash).is_ok_and(|parsed| {
        argon2::Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A hash that no password matches, verified against when an address is unknown so that a failed
/// sign-in takes as long whether or not the account exists.
pub fn decoy_hash() -> &'static str {
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2aDFpuGi7EJ+7Rm0gDYA1DNLmEb14CnZm5cRCg2k6DE"
}

/// 32 random bytes from the operating system, as 64 hex digits: session and CSRF tokens.
pub fn random_token() -> String {
    use argon2::password_hash::rand_core::RngCore;
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    data_encoding::HEXLOWER.encode(&bytes)
}

/// A person who can sign in to the newsroom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub email: Email,
    pub name: String,
    pub role: Role,
    pub disabled: bool,
    /// The byline printed on this person's articles, if they write.
    pub author_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    /// Signs in with a code from an authenticator app after the password.
    pub two_factor: bool,
    /// The language this person reads the newsroom in (English until they choose).
    pub ui_language: crate::Language,
}

/// A signed-in browser. The cookie carries a secret token; only its hash is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub user_id: i64,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// Site-wide management, outside any one article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    ManageSections,
    ManageTags,
    ManageUsers,
    ManageSettings,
    ReadAuditLog,
}

pub fn has_permission(role: Role, permission: Permission) -> bool {
    match permission {
        Permission::ManageSections | Permission::ManageTags => role >= Role::Editor,
        Permission::ManageUsers | Permission::ManageSettings | Permission::ReadAuditLog => {
            role == Role::Admin
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn tokens_are_64_lower_case_hex_digits_and_differ() {
        let token = random_token();
        assert_eq!(token.len(), 64);
        assert!(token.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')));
        assert_ne!(token, random_token());
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse("  Olena@Example.COM ").unwrap().as_str(),
            "olena@example.com"
        );
        for bad in [
            "",
            "olena",
            "@example.com",
            "a@b",
            "a@@b.com",
            "a b@c.com",
            "a@.com",
            "a@b..com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn roles_parse_and_rank() {
        assert_eq!(Role::parse("Admin").unwrap(), Role::Admin);
        assert!(Role::parse("boss").is_err());
        assert!(Role::Contributor < Role::Author && Role::Editor < Role::Admin);
    }

    #[test]
    fn passwords_are_hashed_with_argon2id_and_verified() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("wrong horse battery", &hash));
        assert!(!verify_password("anything", "not a hash"));
        assert!(!verify_password("anything at all", decoy_hash()));
        assert_eq!(hash_password("short"), Err(AccountError::PasswordTooShort));
    }

    #[test]
    fn only_admins_manage_people_and_settings() {
        assert!(has_permission(Role::Editor, Permission::ManageSections));
        assert!(!has_permission(Role::Author, Permission::ManageTags));
        assert!(!has_permission(Role::Editor, Permission::ManageUsers));
        assert!(has_permission(Role::Admin, Permission::ReadAuditLog));
    }
}
