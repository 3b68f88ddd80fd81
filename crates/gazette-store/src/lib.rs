//! Gazette's storage: one contract, [`Store`] — the sum of a few role traits (articles, reads,
//! people, sign-in, media, taxonomy, the change log, the journal; see [`prelude`]) — and one
//! implementation of it, [`SqlStore`], on SQLite (the default: a single file in the data folder,
//! nothing to install) or PostgreSQL (for several nodes). Both databases run the same SQL text
//! (one module per role under `sql/`), so they cannot drift apart; what differs between them lives
//! in `sql/db.rs`. The migrations differ only in column types and are embedded in the binary and
//! run when a store is opened.
//!
//! The database is the only source of truth. Every write commits its content, its audit entry,
//! the tags it creates and its row in the change log (`changes`) in one transaction, and returns
//! that row's sequence number ([`Written`]); the change log is how caches and search indexes on
//! every node learn what to refresh.

pub mod api_keys;
pub mod api_tokens;
mod archive;
mod cluster;
mod discovery;
mod imports;
pub mod live;
mod media;
mod newsroom;
pub mod outbox;
pub mod pages;
mod roles;
mod sql;
pub mod telegram;
#[cfg(feature = "testing")]
pub mod testing;
mod translations;

/// The role traits, for callers that use their methods on an `Arc<dyn Store>`.
pub mod prelude {
    pub use crate::api_keys::ContentApiKeyStore;
    pub use crate::api_tokens::ApiTokenStore;
    pub use crate::live::LiveStore;
    pub use crate::outbox::OutboxStore;
    pub use crate::pages::PageStore;
    pub use crate::roles::{
        ArchiveStore, ArticleStore, ChangeStore, ImportStore, JournalStore, MediaStore,
        PeopleStore, ReadStore, SignInStore, Store, TaxonomyStore,
    };
    pub use crate::telegram::TelegramStore;
    pub use crate::translations::TranslationStore;
}

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use gazette_core::newsroom::Correction;
use gazette_core::{Article, ArticleSummary, Slug};

pub use api_tokens::{ApiScope, ApiToken, ApiTokenStore, NewApiToken};
pub use archive::{
    ARCHIVE_BATCH_ROWS, ARCHIVE_TABLES, ARCHIVE_VERSION, ArchiveColumn, ArchiveRow, ArchiveTable,
    Cell, Check, ColumnKind, ExportSink, RestoreSource, RestoreSummary, blank, upgrade_row,
};
pub use cluster::{CHANGES_CHANNEL, ChangeListener, ChangeSignal, Lease};
pub use discovery::{
    MAX_SYNONYM_CHARS, MAX_SYNONYM_TERMS, PublishedLink, SitemapChunk, SynonymGroup,
    clean_synonym_terms,
};
pub use imports::{
    ImportKind, ImportOutcome, ImportRecord, ImportedArticle, ImportedPerson, OldAddress,
    normalise_old_address,
};
pub use live::LiveStore;
pub use media::{Media, MediaText, MediaVariant, NewMedia};
pub use newsroom::{
    Actor, ArticleSave, ArticleWorkflow, AuditFilter, DueWork, ListedCorrection, LoginCounter,
    NewAuditEntry, NewSession, NewUser, NewsroomArticle, NewsroomFilter, NewsroomSort, OtherEditor,
    SavedArticle, StatusChange, UserChange,
};
pub use newsroom::{LoginChallenge, NewLoginChallenge, TwoFactorState};
pub use pages::PageStore;
pub use roles::{
    ArchiveStore, ArticleStore, ChangeStore, ImportStore, JournalStore, MediaStore, PeopleStore,
    ReadStore, SignInStore, Store, TaxonomyStore,
};
pub use sql::SqlStore;
pub use telegram::TelegramStore;
pub use translations::TranslationStore;

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Invalid(String),
    #[error("{0} already exists")]
    Conflict(String),
    /// Someone else changed the thing first; the caller's change was not applied.
    #[error("{0}")]
    Stale(String),
    /// The database could not be reached or refused the work: readers get cached pages or a 503.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// From the SQLite page reader, which reads without sqlx.
    #[error("database error: {0}")]
    Embedded(#[from] rusqlite::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    /// True when the database refused text it cannot hold (PostgreSQL and a NUL byte, SQLSTATE
    /// 22021; or an encoding it cannot translate, 22P05): the request's fault, not the server's.
    /// The web layer strips control characters at the edge; this keeps anything that slips past
    /// a clear 400 rather than a 500.
    pub fn is_unstorable_text(&self) -> bool {
        match self {
            Self::Database(sqlx::Error::Database(e)) => {
                matches!(e.code().as_deref(), Some("22021" | "22P05"))
            }
            _ => false,
        }
    }

    /// True when the failure is the database being unreachable rather than the request being bad.
    pub fn is_unavailable(&self) -> bool {
        match self {
            Self::Unavailable(_) => true,
            Self::Database(e) => matches!(
                e,
                sqlx::Error::Io(_)
                    | sqlx::Error::PoolTimedOut
                    | sqlx::Error::PoolClosed
                    | sqlx::Error::Tls(_)
            ),
            Self::Embedded(rusqlite::Error::SqliteFailure(e, _)) => matches!(
                e.code,
                rusqlite::ErrorCode::CannotOpen
                    | rusqlite::ErrorCode::SystemIoFailure
                    | rusqlite::ErrorCode::DatabaseBusy
                    | rusqlite::ErrorCode::DatabaseLocked
                    | rusqlite::ErrorCode::NotADatabase
            ),
            _ => false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone)]
pub struct NewSection {
    pub slug: Slug,
    pub name: String,
    pub description: String,
    pub position: i32,
}

#[derive(Debug, Clone)]
pub struct NewAuthor {
    pub slug: Slug,
    pub name: String,
    pub bio: String,
    pub is_house: bool,
}

/// Which published articles a list shows. Empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct ArticleFilter {
    pub section_id: Option<i64>,
    pub tag_id: Option<i64>,
    pub author_id: Option<i64>,
    pub language: Option<gazette_core::Language>,
    /// Leave this article out (the one being read, when listing related articles).
    pub exclude_id: Option<i64>,
    /// Words that must each appear in the headline, standfirst or body.
    pub text: Option<String>,
    /// Published at or after this time (inclusive).
    pub published_from: Option<DateTime<Utc>>,
    /// Published at or before this time (inclusive; times are whole seconds).
    pub published_to: Option<DateTime<Utc>>,
    /// Only articles an editor pinned to the home page.
    pub pinned: bool,
}

/// One page of a list: page numbers start at 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: u32,
    pub per_page: u32,
}

impl PageRequest {
    pub fn new(page: u32, per_page: u32) -> Self {
        Self {
            page: page.max(1),
            per_page: per_page.clamp(1, 100),
        }
    }

    fn offset(self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.per_page)
    }
}

#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub request: PageRequest,
}

impl<T> Page<T> {
    pub fn total_pages(&self) -> u32 {
        let per = u64::from(self.request.per_page);
        u32::try_from(self.total.div_ceil(per))
            .unwrap_or(u32::MAX)
            .max(1)
    }
}

/// What an article address resolves to.
#[derive(Debug, Clone)]
pub enum ArticleLookup {
    /// The slug is the article's current one.
    Current(Box<Article>),
    /// The slug is an old one: readers are sent to the article's current address.
    Renamed {
        section: Slug,
        slug: Slug,
    },
    NotFound,
}

/// Everything the database holds for one article page, read together: the page is rendered from
/// this alone (with what is kept in memory: the menu and "Top articles").
#[derive(Debug, Clone)]
pub struct ArticlePage {
    pub lookup: ArticleLookup,
    /// The newest other published articles in the article's section; empty unless `lookup` is
    /// [`ArticleLookup::Current`].
    pub related: Vec<ArticleSummary>,
    /// Corrections and updates, oldest first.
    pub corrections: Vec<Correction>,
    pub featured: Option<Media>,
}

impl ArticlePage {
    /// A page with nothing but the lookup: a redirect, or nothing found.
    pub fn lookup_only(lookup: ArticleLookup) -> Self {
        Self {
            lookup,
            related: Vec::new(),
            corrections: Vec::new(),
            featured: None,
        }
    }
}

/// Reads to add to one article's count for one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ViewIncrement {
    pub article_id: i64,
    /// Days since the Unix epoch (UTC).
    pub day: i64,
    pub views: i64,
}

/// One entry of the change log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub seq: i64,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub action: String,
    pub at: DateTime<Utc>,
}

/// What a write committed: its result, and the change-log sequence number of the write's last
/// entry, so the writer's node can move its caches there without asking the log again. Reads
/// through to the result (`written.id`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written<T> {
    pub value: T,
    pub seq: i64,
}

impl<T> Written<T> {
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T> std::ops::Deref for Written<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// Where the database is: a `postgres://` URL, or a SQLite file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseLocation {
    Postgres(String),
    Sqlite(std::path::PathBuf),
}

impl DatabaseLocation {
    /// A `postgres://` or `postgresql://` URL means PostgreSQL, a `sqlite:` URL or anything else
    /// a SQLite file path; without a URL, `gazette.db` in the data folder.
    pub fn from_config(database_url: Option<&str>, data_dir: &Path) -> Self {
        match database_url {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Self::Postgres(url.to_owned())
            }
            Some(url) => Self::Sqlite(
                url.trim_start_matches("sqlite://")
                    .trim_start_matches("sqlite:")
                    .into(),
            ),
            None => Self::Sqlite(data_dir.join("gazette.db")),
        }
    }
}

/// Opens the database, creating it and running migrations as needed.
pub async fn open(
    location: &DatabaseLocation,
    max_connections: u32,
) -> StoreResult<Arc<dyn Store>> {
    Ok(match location {
        DatabaseLocation::Postgres(url) => {
            Arc::new(SqlStore::connect_postgres(url, max_connections).await?)
        }
        DatabaseLocation::Sqlite(path) => {
            Arc::new(SqlStore::open_sqlite(path, max_connections).await?)
        }
    })
}
