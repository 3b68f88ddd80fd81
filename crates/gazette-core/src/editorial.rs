//! The newsroom's editorial records: revisions (every save), corrections and updates appended to
//! published articles, and the audit trail of who did what. The workflow's rules are in
//! [`crate::workflow`].

use chrono::{DateTime, Utc};

use crate::Language;

/// One line of the audit log: who did what to which thing, when and from where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub user_id: Option<i64>,
    /// The person's name (or e-mail) when they acted, kept even if the account changes later.
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub detail: String,
    pub address: String,
}

/// One saved state of an article. Every save makes one, so nothing written is ever lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub id: i64,
    pub article_id: i64,
    pub created_at: DateTime<Utc>,
    pub user_id: Option<i64>,
    pub user_name: String,
    /// Why it was made: "saved", "autosaved", "restored from revision 3".
    pub note: String,
    pub language: Language,
    pub slug: String,
    pub headline: String,
    pub standfirst: String,
    pub body_markdown: String,
    pub section_id: i64,
    pub tag_ids: Vec<i64>,
    pub author_ids: Vec<i64>,
    pub seo_title: Option<String>,
    pub seo_description: Option<String>,
}

/// A note appended to a published article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CorrectionKind {
    /// Something published was wrong; listed on the public corrections page.
    Correction,
    /// New information was added.
    Update,
}

impl CorrectionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Correction => "correction",
            Self::Update => "update",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "correction" => Some(Self::Correction),
            "update" => Some(Self::Update),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Correction => "Correction",
            Self::Update => "Update",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    pub id: i64,
    pub article_id: i64,
    pub kind: CorrectionKind,
    pub text: String,
    pub created_at: DateTime<Utc>,
}

/// Longest correction or update note accepted.
pub const MAX_NOTE_LEN: usize = 5000;

/// A note's text, trimmed and checked.
pub fn parse_note(input: &str) -> Result<String, String> {
    let text = input.trim();
    if text.is_empty() {
        return Err("write what was corrected or updated".into());
    }
    if text.chars().count() > MAX_NOTE_LEN {
        return Err(format!("a note can be at most {MAX_NOTE_LEN} characters"));
    }
    Ok(text.to_owned())
}
