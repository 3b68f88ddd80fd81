//! What the newsroom stores and asks for besides the articles themselves: people, sessions,
//! sign-in attempts, the audit log, the newsroom's article list, workflow times, revisions and
//! corrections. The domain types live in [`gazette_core::newsroom`]; these are the shapes of the
//! questions and answers.

use chrono::{DateTime, Utc};
use gazette_core::newsroom::{Correction, Email, Role};
use gazette_core::{Article, ArticleStatus, ArticleSummary, Language, NewArticle};

/// A person to add. The password arrives already hashed: the store never sees it.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: Email,
    pub name: String,
    pub role: Role,
    pub password_hash: String,
    pub author_id: Option<i64>,
}

/// What an admin may change about a person.
#[derive(Debug, Clone)]
pub struct UserChange {
    pub name: String,
    pub role: Role,
    pub disabled: bool,
    pub author_id: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct NewSession {
    /// SHA-256 of the cookie's token, hex.
    pub token_hash: String,
    pub user_id: i64,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
    pub address: String,
    pub user_agent: String,
}

/// Who did something, as the audit log and revisions record it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub name: String,
    pub address: String,
}

impl Actor {
    /// The background job that publishes and takes down on schedule.
    pub fn scheduler() -> Self {
        Self {
            user_id: None,
            name: "Scheduler".into(),
            address: String::new(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewAuditEntry {
    pub actor: Actor,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub detail: String,
}

/// A newsroom save of an existing article.
#[derive(Debug, Clone)]
pub struct ArticleSave {
    pub article: NewArticle,
    /// Tags by name, after `article.tag_ids`. Ones that do not exist yet are created in the save's
    /// transaction, so a refused save leaves none behind.
    pub tag_names: Vec<String>,
    /// The revision the editor started from: a newer one saved by someone else refuses the save.
    pub base_revision: Option<i64>,
    /// The new revision's note ("saved", "autosaved").
    pub note: String,
    /// The audit entry's action ("edit", "autosave", "restore").
    pub audit_action: String,
    /// The audit entry's detail, which the new revision's id follows ("revision ").
    pub audit_detail: String,
}

/// A committed newsroom save.
#[derive(Debug, Clone)]
pub struct SavedArticle {
    pub article: Article,
    /// The revision the save recorded.
    pub revision: i64,
    /// The save's change-log sequence number.
    pub seq: i64,
}

/// Which audit entries to list. Empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub user_id: Option<i64>,
    pub action: Option<String>,
    pub entity: Option<String>,
}

/// One count of failed sign-ins that an attempt is charged to (an account from one address, say),
/// and how many failures it allows within the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginCounter {
    pub key: String,
    pub limit: u32,
}

/// How the newsroom's article list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NewsroomSort {
    /// Most recently saved first.
    #[default]
    Modified,
    /// Newest publication time first (unpublished work last).
    Published,
    Headline,
}

/// Which articles the newsroom lists: every status. Empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct NewsroomFilter {
    /// Only articles this user may read who does not read everything (see
    /// `gazette_core::workflow::may_read`): published ones, and those they started or carry their
    /// byline.
    pub readable_by: Option<i64>,
    pub status: Option<ArticleStatus>,
    pub section_id: Option<i64>,
    pub author_id: Option<i64>,
    pub language: Option<Language>,
    pub text: Option<String>,
    pub sort: NewsroomSort,
}

/// One line of the newsroom's article list.
#[derive(Debug, Clone)]
pub struct NewsroomArticle {
    pub summary: ArticleSummary,
    pub status: ArticleStatus,
    pub language: Language,
    pub modified_at: DateTime<Utc>,
}

/// The workflow facts about an article that readers never see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleWorkflow {
    pub owner_user_id: Option<i64>,
    pub embargo_until: Option<DateTime<Utc>>,
    pub takedown_at: Option<DateTime<Utc>>,
    /// The newest revision; a save based on an older one by someone else is refused.
    pub latest_revision: Option<i64>,
    /// When an editor pinned it to the home page, if it is pinned.
    pub pinned_at: Option<DateTime<Utc>>,
}

/// A move through the workflow, checked by the caller against the rules and applied only if the
/// article is still in `expected`.
#[derive(Debug, Clone)]
pub struct StatusChange {
    pub expected: ArticleStatus,
    pub status: ArticleStatus,
    pub published_at: Option<DateTime<Utc>>,
    pub embargo_until: Option<DateTime<Utc>>,
    pub takedown_at: Option<DateTime<Utc>>,
}

/// What the scheduler did in one run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DueWork {
    pub published: Vec<i64>,
    pub taken_down: Vec<i64>,
    /// The run's last change-log entry, when it moved anything.
    pub seq: Option<i64>,
}

/// A correction as listed on the public corrections page.
#[derive(Debug, Clone)]
pub struct ListedCorrection {
    pub correction: Correction,
    pub article: ArticleSummary,
}

/// Someone else with the article open in the editor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherEditor {
    pub user_id: i64,
    pub name: String,
    pub seen_at: DateTime<Utc>,
}

/// A person's two-factor sign-in as stored.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TwoFactorState {
    /// True once an authenticator app was confirmed with a code.
    pub enabled: bool,
    /// The confirmed secret, base32.
    pub secret: Option<String>,
    /// A secret being set up, not yet confirmed.
    pub pending: Option<String>,
    /// The step of the last code accepted; only later ones are accepted.
    pub last_step: Option<i64>,
    pub since: Option<DateTime<Utc>>,
    /// Recovery codes not used yet.
    pub recovery_codes_left: u32,
}

/// A sign-in whose password was right, waiting for its second step.
#[derive(Debug, Clone)]
pub struct NewLoginChallenge {
    /// SHA-256 of the cookie's token, hex.
    pub token_hash: String,
    pub user_id: i64,
    pub csrf_token: String,
    /// Where to go once signed in.
    pub next: String,
    pub address: String,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginChallenge {
    pub user_id: i64,
    pub csrf_token: String,
    pub next: String,
    pub address: String,
    pub expires_at: DateTime<Utc>,
}
