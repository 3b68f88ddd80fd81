//! Gazette's storage: one contract, [`Store`], and two implementations of it — SQLite (the
//! default: a single file in the data folder, nothing to install) and PostgreSQL (for several
//! nodes). Both run the same SQL text (see [`sql`]), so they cannot drift apart; the migrations
//! differ only in column types and are embedded in the binary and run when a store is opened.
//!
//! The database is the only source of truth. Every content change also writes a row to the
//! change log (`changes`) in the same transaction, which is how caches and search indexes on every
//! node learn what to refresh.

mod discovery;
mod sql;
pub mod testing;

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use gazette_core::{
    Article, ArticleStatus, ArticleSummary, Author, NewArticle, Section, Slug, StaticPage, Tag,
};

pub use discovery::{
    MAX_SYNONYM_CHARS, MAX_SYNONYM_TERMS, PublishedLink, SitemapChunk, SynonymGroup,
    clean_synonym_terms,
};
pub use sql::{PostgresStore, SqliteStore};

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Invalid(String),
    #[error("{0} already exists")]
    Conflict(String),
    /// The database could not be reached or refused the work: readers get cached pages or a 503.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
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

/// Everything Gazette keeps. Implementations must write every content change and its change-log
/// row in one transaction.
#[async_trait::async_trait]
pub trait Store: Send + Sync + 'static {
    fn backend(&self) -> Backend;

    /// Answers when the database is reachable.
    async fn ping(&self) -> StoreResult<()>;

    async fn setting(&self, key: &str) -> StoreResult<Option<String>>;
    async fn set_setting(&self, key: &str, value: &str) -> StoreResult<()>;

    async fn create_section(&self, section: NewSection) -> StoreResult<Section>;
    /// All sections in menu order.
    async fn sections(&self) -> StoreResult<Vec<Section>>;
    async fn section_by_slug(&self, slug: &str) -> StoreResult<Option<Section>>;

    async fn create_author(&self, author: NewAuthor) -> StoreResult<Author>;
    async fn authors(&self) -> StoreResult<Vec<Author>>;
    async fn author_by_slug(&self, slug: &str) -> StoreResult<Option<Author>>;

    /// The tag with this name, created if it does not exist yet.
    async fn ensure_tag(&self, name: &str) -> StoreResult<Tag>;
    async fn tag_by_slug(&self, slug: &str) -> StoreResult<Option<Tag>>;

    /// Stores a new article. The slug is taken from the article or made from its headline; a
    /// slug already used (now or in the past) by another article gets a numeric suffix.
    async fn create_article(&self, article: NewArticle, now: DateTime<Utc>)
    -> StoreResult<Article>;
    /// Replaces an article's content. A changed slug keeps the old one resolving; the slug is never
    /// changed implicitly by a new headline.
    async fn update_article(
        &self,
        id: i64,
        article: NewArticle,
        now: DateTime<Utc>,
    ) -> StoreResult<Article>;
    async fn set_article_status(
        &self,
        id: i64,
        status: ArticleStatus,
        published_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> StoreResult<Article>;
    async fn article(&self, id: i64) -> StoreResult<Option<Article>>;
    async fn find_article(&self, slug: &str) -> StoreResult<ArticleLookup>;

    /// Published articles (published at or before `now`), newest first.
    async fn published(
        &self,
        filter: &ArticleFilter,
        page: PageRequest,
        now: DateTime<Utc>,
    ) -> StoreResult<Page<ArticleSummary>>;
    /// The most read published articles over the days `since_day..` (days since the epoch).
    async fn most_read(
        &self,
        since_day: i64,
        limit: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<ArticleSummary>>;
    async fn add_views(&self, increments: &[ViewIncrement]) -> StoreResult<()>;
    async fn article_count(&self) -> StoreResult<u64>;

    async fn put_page(&self, page: &StaticPage) -> StoreResult<()>;
    async fn page(&self, slug: &str) -> StoreResult<Option<StaticPage>>;
    async fn pages(&self) -> StoreResult<Vec<StaticPage>>;

    /// Published articles with ids after `after_id`, in id order, complete with bylines and tags,
    /// embargoed ones included (their publication time says when readers may see them): what a
    /// search index is rebuilt from, one batch at a time.
    async fn published_articles_after(&self, after_id: i64, limit: u32)
    -> StoreResult<Vec<Article>>;
    /// The articles among `ids` that readers can see at `now`, as cards, in the order of `ids`.
    async fn published_summaries_by_ids(
        &self,
        ids: &[i64],
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<ArticleSummary>>;
    /// The newest published articles matching `filter` (its `text` is ignored), complete with
    /// bodies, bylines and tags: what a feed carries.
    async fn published_articles(
        &self,
        filter: &ArticleFilter,
        limit: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Article>>;
    /// The article sitemap cut into files of `chunk` addresses, oldest articles first: each file's
    /// size and newest `lastmod`.
    async fn sitemap_chunks(&self, chunk: u32, now: DateTime<Utc>)
    -> StoreResult<Vec<SitemapChunk>>;
    /// Published articles oldest first, from `offset`: one sitemap file.
    async fn sitemap_links(
        &self,
        offset: u64,
        limit: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<PublishedLink>>;
    /// Articles published between `since` and `now`, newest first: the news sitemap.
    async fn recent_links(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<PublishedLink>>;
    /// The search synonym list, oldest group first.
    async fn synonym_groups(&self) -> StoreResult<Vec<SynonymGroup>>;
    /// Adds a group of spellings search treats as one word (cleaned by [`clean_synonym_terms`]).
    async fn add_synonym_group(
        &self,
        terms: &[String],
        now: DateTime<Utc>,
    ) -> StoreResult<SynonymGroup>;
    async fn delete_synonym_group(&self, id: i64, now: DateTime<Utc>) -> StoreResult<()>;

    /// Change-log entries after `seq`, oldest first.
    async fn changes_since(&self, seq: i64, limit: u32) -> StoreResult<Vec<Change>>;
    /// The newest change-log sequence number (0 when the log is empty).
    async fn latest_change_seq(&self) -> StoreResult<i64>;

    /// Waits for in-flight work and closes the connections.
    async fn close(&self);
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
            Arc::new(PostgresStore::connect(url, max_connections).await?)
        }
        DatabaseLocation::Sqlite(path) => Arc::new(SqliteStore::open(path, max_connections).await?),
    })
}
