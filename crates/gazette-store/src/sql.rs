//! The SQL behind [`Store`], written once and compiled for both SQLite and PostgreSQL.
//!
//! The two databases accept the same text for everything Gazette asks of them: numbered
//! parameters (`$1`), `RETURNING`, `ON CONFLICT … DO UPDATE`, and times kept as Unix seconds. So
//! the implementation below is a macro expanded for each concrete database type rather than a
//! generic over `sqlx::Database` (whose trait bounds would bury the SQL), and the two backends
//! cannot drift apart. Only opening a connection differs.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};
use gazette_core::newsroom::{
    AuditEntry, Correction, CorrectionKind, Email, Revision, Role, Session, User,
};
use gazette_core::{
    Article, ArticleStatus, ArticleSummary, Author, AuthorRef, Language, NewArticle, Section,
    SectionRef, Slug, StaticPage, Tag, markdown,
};
use sqlx::Row;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use tokio::sync::{Mutex, MutexGuard};

use crate::newsroom::{
    Actor, ArticleWorkflow, AuditFilter, DueWork, ListedCorrection, LoginCounter, NewAuditEntry,
    NewSession, NewUser, NewsroomArticle, NewsroomFilter, NewsroomSort, OtherEditor, StatusChange,
    UserChange,
};
use crate::newsroom::{LoginChallenge, NewLoginChallenge, TwoFactorState};
use crate::page_reader::PageReader;
use crate::{
    ArticleFilter, ArticleLookup, Backend, Change, NewAuthor, NewSection, Page, PageRequest, Store,
    StoreError, StoreResult, ViewIncrement,
};
use crate::{ArticlePage, CHANGES_CHANNEL, ChangeListener, Lease};
use crate::{Media, MediaText, MediaVariant, NewMedia};
use crate::{PublishedLink, SitemapChunk, SynonymGroup, clean_synonym_terms};

/// The embedded-database store: one SQLite file in WAL mode.
pub struct SqliteStore {
    pool: SqlitePool,
    /// Article pages, read without sqlx's per-connection threads (see `page_reader.rs`).
    pages: std::sync::Arc<PageReader>,
    /// Page reads under way at once, each on a blocking thread with a connection of its own: a
    /// flood of uncached pages queues here instead of opening hundreds of connections.
    page_reads: tokio::sync::Semaphore,
    /// SQLite has one writer at a time. Queuing writers here, rather than letting them race for the
    /// file lock, avoids `SQLITE_BUSY` failures when a read transaction tries to become a write one.
    write_lock: Mutex<()>,
}

impl SqliteStore {
    pub async fn open(path: &Path, max_connections: u32) -> StoreResult<Self> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| {
                StoreError::Unavailable(format!("cannot create {}: {e}", parent.display()))
            })?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: an acknowledged save survives a power cut, not only a crash.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // 8 MB of page cache per connection (SQLite's default is 2 MB): reads dominate a news
            // site. Memory mapping is left off so resident memory stays what the process uses.
            .pragma("cache_size", "-8192");
        let pool = SqlitePoolOptions::new()
            .max_connections(max_connections.max(1))
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        // Give the query planner fresh statistics (bounded work): without them SQLite may walk
        // the whole date index for a rare tag instead of starting from the tag.
        sqlx::raw_sql("PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002;")
            .execute(&pool)
            .await?;
        Ok(Self {
            pool,
            pages: std::sync::Arc::new(PageReader::new(path)),
            page_reads: tokio::sync::Semaphore::new(
                2 * std::thread::available_parallelism().map_or(2, usize::from),
            ),
            write_lock: Mutex::new(()),
        })
    }

    /// See [`crate::testing::TestDatabase::hold_page_reads`].
    pub(crate) fn hold_page_reads(&self, held: bool) {
        self.pages.hold(held);
    }

    async fn write_guard(&self) -> Option<MutexGuard<'_, ()>> {
        Some(self.write_lock.lock().await)
    }

    /// A write transaction that takes SQLite's write lock at once (`BEGIN IMMEDIATE`). A plain
    /// `BEGIN` starts as a reader and upgrades at its first write; SQLite answers such an upgrade
    /// with an immediate "database is locked", without waiting, while another connection still
    /// holds the lock — as one does for a moment after a refused save, until its queued rollback
    /// runs. Taken up front, the lock is waited for (busy_timeout) instead.
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
        self.pool.begin_with("BEGIN IMMEDIATE").await
    }

    /// Closed is closed for the page reader too: pages then come from the cache or say 503.
    fn close_readers(&self) {
        self.pages.close();
    }

    /// SQLite has one writer at a time: change-log entries commit in sequence order already.
    async fn before_change(_conn: &mut sqlx::SqliteConnection) -> StoreResult<()> {
        Ok(())
    }

    /// One node, which polls its own file: nobody to notify.
    async fn after_change(_conn: &mut sqlx::SqliteConnection, _seq: i64) -> StoreResult<()> {
        Ok(())
    }

    async fn change_listener(&self) -> StoreResult<Option<ChangeListener>> {
        Ok(None)
    }
}

/// The scale-out store: PostgreSQL, shared by every node.
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    pub async fn connect(url: &str, max_connections: u32) -> StoreResult<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(max_connections.max(1))
            .acquire_timeout(Duration::from_secs(5))
            .connect(url)
            .await?;
        // sqlx takes an advisory lock while migrating, so nodes starting together are safe.
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(Self { pool })
    }

    async fn write_guard(&self) -> Option<MutexGuard<'_, ()>> {
        None
    }

    /// Row locks are taken as rows are written; nothing to take up front.
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error> {
        self.pool.begin().await
    }

    /// Every read goes through the pool, closed already.
    fn close_readers(&self) {}

    /// Serialises change-log inserts until the transaction ends, so entries commit in sequence
    /// order. Without it, a transaction holding seq 9 could commit after one holding seq 10; a node
    /// that had read up to 10 would never see 9. Content writes are few, so the wait is short.
    async fn before_change(conn: &mut sqlx::PgConnection) -> StoreResult<()> {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(CHANGE_LOG_LOCK)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    /// Wakes every listening node; PostgreSQL delivers the notification when (and only if) the
    /// transaction commits.
    async fn after_change(conn: &mut sqlx::PgConnection, seq: i64) -> StoreResult<()> {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANGES_CHANNEL)
            .bind(seq.to_string())
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    async fn change_listener(&self) -> StoreResult<Option<ChangeListener>> {
        Ok(Some(ChangeListener::connect(&self.pool).await?))
    }
}

/// The advisory lock key that orders change-log inserts on PostgreSQL ("gazette" in ASCII).
const CHANGE_LOG_LOCK: i64 = 0x0067_617a_6574_7465;

pub(crate) const SUMMARY_COLUMNS: &str = "a.id, a.slug, a.headline, a.standfirst, a.published_at, \
     a.updated_at, a.view_total, s.slug AS section_slug, s.name AS section_name";

pub(crate) const ARTICLE_COLUMNS: &str = "a.id, a.language, a.slug, a.headline, a.standfirst, \
     b.body_markdown, b.body_html, a.status, a.published_at, a.updated_at, a.created_at, \
     a.view_total, a.seo_title, a.seo_description, \
     s.id AS section_id, s.slug AS section_slug, s.name AS section_name, \
     s.description AS section_description, s.position AS section_position";

/// Where an article's full row comes from; `a`, `s` and `b` as [`ARTICLE_COLUMNS`] names them.
pub(crate) const ARTICLE_FROM: &str = "FROM articles a JOIN sections s ON s.id = a.section_id \
     JOIN article_bodies b ON b.article_id = a.id";

// Statements shared with the SQLite page reader (`page_reader.rs`), which runs them through
// rusqlite: one text, so the fast path reads exactly what the sqlx path reads.

/// An article's bylines and tags together: `kind` says which a row is. Unordered: the few rows are
/// put in `position` order by the reader, which costs less than the database's sort.
pub(crate) const ARTICLE_PEOPLE_AND_TAGS: &str = "SELECT 'author' AS kind, au.id, au.slug, au.name, au.bio, au.is_house, aa.position \
     FROM article_authors aa JOIN authors au ON au.id = aa.author_id WHERE aa.article_id = $1 \
     UNION ALL \
     SELECT 'tag' AS kind, t.id, t.slug, t.name, '' AS bio, FALSE AS is_house, at.position \
     FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE at.article_id = $1";

/// Where an article now lives, by one of its old slugs.
pub(crate) const RENAMED_ARTICLE: &str = "SELECT a.slug, s.slug AS section_slug FROM article_slug_history h \
     JOIN articles a ON a.id = h.article_id JOIN sections s ON s.id = a.section_id \
     WHERE h.slug = $1";

pub(crate) const ARTICLE_CORRECTIONS: &str = "SELECT id, article_id, kind, body, created_at FROM corrections \
     WHERE article_id = $1 ORDER BY created_at, id";

/// An article's featured image, by the article's id.
pub(crate) const FEATURED_MEDIA: &str = "SELECT m.id, m.hash, m.original_name, m.mime, m.width, m.height, \
     m.alt, m.caption, m.credit, m.created_at, m.created_by \
     FROM articles a JOIN media m ON m.id = a.featured_media_id WHERE a.id = $1";

/// One image's stored files, narrowest first, WebP first at each width.
pub(crate) const MEDIA_VARIANTS: &str = "SELECT media_id, width, height, format, key, bytes FROM media_variants \
     WHERE media_id = $1 ORDER BY width, CASE format WHEN 'webp' THEN 0 ELSE 1 END";

const USER_COLUMNS: &str = "id, email, name, role, disabled, author_id, created_at, two_factor";

const REVISION_INSERT_COLUMNS: &str = "article_id, created_at, user_id, user_name, note, language, \
     slug, headline, standfirst, body_markdown, section_id, tag_ids, author_ids, seo_title, seo_description";

const SLUG_TAKEN: &str = "SELECT article_id FROM article_slug_history WHERE slug = $1 \
     UNION ALL SELECT id FROM articles WHERE slug = $1";

/// How an article is looked up.
#[derive(Clone, Copy)]
enum ArticleKey<'a> {
    Id(i64),
    Slug(&'a str),
}

/// A value bound to a dynamically built query.
enum Param {
    Int(i64),
    Text(String),
}

/// `WHERE` conditions built from a filter. Each fragment's `?` marks its one parameter; every `?`
/// in a fragment refers to the same value, so a word searched in three columns is bound once.
struct Conditions {
    clauses: Vec<String>,
    params: Vec<Param>,
}

impl Conditions {
    fn new() -> Self {
        Self {
            clauses: Vec::new(),
            params: Vec::new(),
        }
    }

    fn add(&mut self, fragment: &str, param: Param) {
        self.params.push(param);
        let placeholder = format!("${}", self.params.len());
        self.clauses.push(fragment.replace('?', &placeholder));
    }

    fn next_placeholder(&self, offset: usize) -> String {
        format!("${}", self.params.len() + offset)
    }

    fn where_clause(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.clauses.join(" AND "))
        }
    }

    fn published(filter: &ArticleFilter, now: DateTime<Utc>) -> Self {
        let mut c = Self::new();
        c.add(
            "a.status = 'published' AND a.published_at <= ?",
            Param::Int(now.timestamp()),
        );
        if let Some(id) = filter.section_id {
            c.add("a.section_id = ?", Param::Int(id));
        }
        if let Some(id) = filter.tag_id {
            c.add(
                "a.id IN (SELECT article_id FROM article_tags WHERE tag_id = ?)",
                Param::Int(id),
            );
        }
        if let Some(id) = filter.author_id {
            c.add(
                "a.id IN (SELECT article_id FROM article_authors WHERE author_id = ?)",
                Param::Int(id),
            );
        }
        if let Some(language) = filter.language {
            c.add("a.language = ?", Param::Text(language.code().to_owned()));
        }
        if let Some(id) = filter.exclude_id {
            c.add("a.id <> ?", Param::Int(id));
        }
        if let Some(from) = filter.published_from {
            // Stored times are whole seconds: a bound part-way through a second starts at the next.
            let secs = from.timestamp() + i64::from(from.timestamp_subsec_nanos() > 0);
            c.add("a.published_at >= ?", Param::Int(secs));
        }
        if let Some(to) = filter.published_to {
            c.add("a.published_at <= ?", Param::Int(to.timestamp()));
        }
        if let Some(text) = &filter.text {
            for word in text.split_whitespace().take(8) {
                let pattern = format!("%{}%", escape_like(&word.to_lowercase()));
                c.add(
                    "(LOWER(a.headline) LIKE ? ESCAPE '\\' OR LOWER(a.standfirst) LIKE ? ESCAPE '\\' \
                     OR a.id IN (SELECT article_id FROM article_bodies WHERE LOWER(body_markdown) LIKE ? ESCAPE '\\'))",
                    Param::Text(pattern),
                );
            }
        }
        c
    }
}

/// The items of `(position, item)` pairs, by position.
pub(crate) fn in_position_order<T>(mut items: Vec<(i32, T)>) -> Vec<T> {
    items.sort_by_key(|(position, _)| *position);
    items.into_iter().map(|(_, item)| item).collect()
}

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

fn time(secs: i64) -> StoreResult<DateTime<Utc>> {
    DateTime::from_timestamp(secs, 0)
        .ok_or_else(|| StoreError::Invalid(format!("time {secs} out of range")))
}

fn opt_time(secs: Option<i64>) -> StoreResult<Option<DateTime<Utc>>> {
    secs.map(time).transpose()
}

fn stored_slug(s: String) -> StoreResult<Slug> {
    Slug::parse(&s).map_err(|e| StoreError::Invalid(format!("stored slug {s:?}: {e}")))
}

fn clean_text(s: &str) -> String {
    s.trim().to_owned()
}

fn empty_to_none(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

fn status_of(s: &str) -> StoreResult<ArticleStatus> {
    ArticleStatus::parse(s).map_err(|e| StoreError::Invalid(e.to_string()))
}

fn join_ids(ids: impl Iterator<Item = i64>) -> String {
    ids.map(|id| id.to_string()).collect::<Vec<_>>().join(",")
}

fn split_ids(s: &str) -> Vec<i64> {
    s.split(',')
        .filter_map(|id| id.trim().parse().ok())
        .collect()
}

/// A unique-key violation as a conflict the user can act on ("… already exists").
fn conflict_if_taken(e: sqlx::Error, what: impl FnOnce() -> String) -> StoreError {
    if is_unique_violation(&e) {
        StoreError::Conflict(what())
    } else {
        e.into()
    }
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}

/// The media columns every media query reads, from `media m`.
const MEDIA_COLUMNS: &str = "m.id, m.hash, m.original_name, m.mime, m.width, m.height, m.alt, m.caption, m.credit, m.created_at, m.created_by";

macro_rules! sql_store {
    // `$own` are the Store methods one backend answers its own way; the rest come from the trait
    // or from the shared text below.
    ($store:ty, $db:ty, $conn:ty, $row:ty, $backend:expr, { $($own:item)* }) => {
        impl $store {
            fn summary_from_row(row: &$row) -> StoreResult<ArticleSummary> {
                Ok(ArticleSummary {
                    id: row.try_get("id")?,
                    slug: stored_slug(row.try_get("slug")?)?,
                    headline: row.try_get("headline")?,
                    standfirst: row.try_get("standfirst")?,
                    section: SectionRef {
                        slug: stored_slug(row.try_get("section_slug")?)?,
                        name: row.try_get("section_name")?,
                    },
                    authors: Vec::new(),
                    published_at: opt_time(row.try_get("published_at")?)?,
                    updated_at: opt_time(row.try_get("updated_at")?)?,
                    view_total: row.try_get("view_total")?,
                })
            }

            fn section_from_row(row: &$row, prefix: &str) -> StoreResult<Section> {
                let col = |name: &str| format!("{prefix}{name}");
                Ok(Section {
                    id: row.try_get(col("id").as_str())?,
                    slug: stored_slug(row.try_get(col("slug").as_str())?)?,
                    name: row.try_get(col("name").as_str())?,
                    description: row.try_get(col("description").as_str())?,
                    position: row.try_get(col("position").as_str())?,
                })
            }

            fn author_from_row(row: &$row) -> StoreResult<Author> {
                Ok(Author {
                    id: row.try_get("id")?,
                    slug: stored_slug(row.try_get("slug")?)?,
                    name: row.try_get("name")?,
                    bio: row.try_get("bio")?,
                    is_house: row.try_get("is_house")?,
                })
            }

            fn tag_from_row(row: &$row) -> StoreResult<Tag> {
                Ok(Tag {
                    id: row.try_get("id")?,
                    slug: stored_slug(row.try_get("slug")?)?,
                    name: row.try_get("name")?,
                })
            }

            fn page_from_row(row: &$row) -> StoreResult<StaticPage> {
                Ok(StaticPage {
                    slug: stored_slug(row.try_get("slug")?)?,
                    title: row.try_get("title")?,
                    body_markdown: row.try_get("body_markdown")?,
                    body_html: row.try_get("body_html")?,
                })
            }

            fn media_from_row(row: &$row) -> StoreResult<Media> {
                let dim = |name: &str| -> StoreResult<u32> {
                    Ok(u32::try_from(row.try_get::<i64, _>(name)?).unwrap_or(0))
                };
                Ok(Media {
                    id: row.try_get("id")?,
                    hash: row.try_get("hash")?,
                    original_name: row.try_get("original_name")?,
                    mime: row.try_get("mime")?,
                    width: dim("width")?,
                    height: dim("height")?,
                    alt: row.try_get("alt")?,
                    caption: row.try_get("caption")?,
                    credit: row.try_get("credit")?,
                    created_at: time(row.try_get("created_at")?)?,
                    created_by: row.try_get("created_by")?,
                    variants: Vec::new(),
                })
            }

            /// Fills in the stored files of each image, narrowest first, WebP first at each width.
            async fn attach_variants(conn: &mut $conn, media: &mut [Media]) -> StoreResult<()> {
                if media.is_empty() {
                    return Ok(());
                }
                let placeholders = (1..=media.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
                let sql = format!(
                    "SELECT media_id, width, height, format, key, bytes FROM media_variants WHERE media_id IN ({placeholders}) \
                     ORDER BY width, CASE format WHEN 'webp' THEN 0 ELSE 1 END"
                );
                let mut query = sqlx::query(&sql);
                for m in media.iter() {
                    query = query.bind(m.id);
                }
                for row in query.fetch_all(&mut *conn).await? {
                    let media_id: i64 = row.try_get("media_id")?;
                    let variant = MediaVariant {
                        width: u32::try_from(row.try_get::<i64, _>("width")?).unwrap_or(0),
                        height: u32::try_from(row.try_get::<i64, _>("height")?).unwrap_or(0),
                        format: row.try_get("format")?,
                        key: row.try_get("key")?,
                        bytes: u64::try_from(row.try_get::<i64, _>("bytes")?).unwrap_or(0),
                    };
                    if let Some(m) = media.iter_mut().find(|m| m.id == media_id) {
                        m.variants.push(variant);
                    }
                }
                Ok(())
            }

            async fn record_change(
                conn: &mut $conn,
                entity: &str,
                entity_id: Option<i64>,
                action: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<()> {
                Self::before_change(conn).await?;
                let seq: i64 = sqlx::query(
                    "INSERT INTO changes (entity, entity_id, action, at) VALUES ($1, $2, $3, $4) RETURNING seq",
                )
                .bind(entity)
                .bind(entity_id)
                .bind(action)
                .bind(now.timestamp())
                .fetch_one(&mut *conn)
                .await?
                .try_get(0)?;
                Self::after_change(conn, seq).await
            }

            /// Which article, if any, holds this slug now or held it before.
            async fn slug_owner(conn: &mut $conn, slug: &str) -> StoreResult<Option<i64>> {
                Ok(sqlx::query(SLUG_TAKEN)
                    .bind(slug)
                    .fetch_optional(&mut *conn)
                    .await?
                    .map(|row| row.try_get::<i64, _>(0))
                    .transpose()?)
            }

            /// A slug for a new article: the one asked for (refused if taken) or one made from the
            /// headline (given a number if taken).
            async fn free_slug(conn: &mut $conn, article: &NewArticle) -> StoreResult<Slug> {
                if let Some(slug) = &article.slug {
                    return match Self::slug_owner(conn, slug.as_str()).await? {
                        None => Ok(slug.clone()),
                        Some(_) => Err(StoreError::Conflict(format!("an article with the address {slug}"))),
                    };
                }
                let base = Slug::from_title(&article.headline)
                    .map_err(|e| StoreError::Invalid(format!("cannot make an address from the headline: {e}")))?;
                let mut candidate = base.clone();
                for n in 2..10_000 {
                    if Self::slug_owner(conn, candidate.as_str()).await?.is_none() {
                        return Ok(candidate);
                    }
                    candidate = base.with_suffix(n);
                }
                Err(StoreError::Conflict(format!("articles with the address {base}")))
            }

            async fn write_bylines_and_tags(conn: &mut $conn, id: i64, article: &NewArticle) -> StoreResult<()> {
                sqlx::query("DELETE FROM article_authors WHERE article_id = $1").bind(id).execute(&mut *conn).await?;
                sqlx::query("DELETE FROM article_tags WHERE article_id = $1").bind(id).execute(&mut *conn).await?;
                let mut seen = std::collections::HashSet::new();
                for (position, author_id) in article.author_ids.iter().filter(|a| seen.insert(**a)).enumerate() {
                    sqlx::query("INSERT INTO article_authors (article_id, author_id, position) VALUES ($1, $2, $3)")
                        .bind(id)
                        .bind(*author_id)
                        .bind(position as i32)
                        .execute(&mut *conn)
                        .await
                        .map_err(|e| Self::reference_error(e, "author"))?;
                }
                let mut seen = std::collections::HashSet::new();
                for (position, tag_id) in article.tag_ids.iter().filter(|t| seen.insert(**t)).enumerate() {
                    sqlx::query("INSERT INTO article_tags (article_id, tag_id, position) VALUES ($1, $2, $3)")
                        .bind(id)
                        .bind(*tag_id)
                        .bind(position as i32)
                        .execute(&mut *conn)
                        .await
                        .map_err(|e| Self::reference_error(e, "tag"))?;
                }
                Ok(())
            }

            fn reference_error(e: sqlx::Error, what: &str) -> StoreError {
                match &e {
                    sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                        StoreError::Invalid(format!("no such {what}"))
                    }
                    _ => e.into(),
                }
            }

            async fn load_article(conn: &mut $conn, id: i64) -> StoreResult<Option<Article>> {
                Self::load_article_by(conn, ArticleKey::Id(id)).await
            }

            /// One article with its bylines and tags: two queries (the article, then bylines and
            /// tags together), since an article page is rendered often.
            async fn load_article_by(conn: &mut $conn, key: ArticleKey<'_>) -> StoreResult<Option<Article>> {
                let condition = match key {
                    ArticleKey::Id(_) => "a.id = $1",
                    ArticleKey::Slug(_) => "a.slug = $1",
                };
                let sql = format!("SELECT {ARTICLE_COLUMNS} {ARTICLE_FROM} WHERE {condition}");
                let query = sqlx::query(&sql);
                let query = match key {
                    ArticleKey::Id(id) => query.bind(id),
                    ArticleKey::Slug(slug) => query.bind(slug),
                };
                let row = query.fetch_optional(&mut *conn).await?;
                let Some(row) = row else {
                    return Ok(None);
                };
                let id: i64 = row.try_get("id")?;
                let people_and_tags = sqlx::query(ARTICLE_PEOPLE_AND_TAGS)
                .bind(id)
                .fetch_all(&mut *conn)
                .await?;
                let mut authors = Vec::new();
                let mut tags = Vec::new();
                for r in &people_and_tags {
                    let kind: String = r.try_get("kind")?;
                    let position: i32 = r.try_get("position")?;
                    if kind == "author" {
                        authors.push((position, Self::author_from_row(r)?));
                    } else {
                        tags.push((position, Self::tag_from_row(r)?));
                    }
                }
                let (authors, tags) = (in_position_order(authors), in_position_order(tags));
                let language: String = row.try_get("language")?;
                let status: String = row.try_get("status")?;
                Ok(Some(Article {
                    id: row.try_get("id")?,
                    language: Language::parse(&language).map_err(|e| StoreError::Invalid(e.to_string()))?,
                    slug: stored_slug(row.try_get("slug")?)?,
                    headline: row.try_get("headline")?,
                    standfirst: row.try_get("standfirst")?,
                    body_markdown: row.try_get("body_markdown")?,
                    body_html: row.try_get("body_html")?,
                    section: Self::section_from_row(&row, "section_")?,
                    tags,
                    authors,
                    status: status_of(&status)?,
                    published_at: opt_time(row.try_get("published_at")?)?,
                    updated_at: opt_time(row.try_get("updated_at")?)?,
                    created_at: time(row.try_get("created_at")?)?,
                    view_total: row.try_get("view_total")?,
                    seo_title: row.try_get("seo_title")?,
                    seo_description: row.try_get("seo_description")?,
                }))
            }

            /// Fills in the bylines of a list of summaries with one query.
            async fn with_bylines(conn: &mut $conn, mut items: Vec<ArticleSummary>) -> StoreResult<Vec<ArticleSummary>> {
                if items.is_empty() {
                    return Ok(items);
                }
                let placeholders: Vec<String> = (1..=items.len()).map(|i| format!("${i}")).collect();
                let sql = format!(
                    "SELECT aa.article_id, au.slug, au.name FROM article_authors aa \
                     JOIN authors au ON au.id = aa.author_id WHERE aa.article_id IN ({}) \
                     ORDER BY aa.article_id, aa.position",
                    placeholders.join(", ")
                );
                let mut query = sqlx::query(&sql);
                for item in &items {
                    query = query.bind(item.id);
                }
                let rows = query.fetch_all(&mut *conn).await?;
                let mut bylines: std::collections::HashMap<i64, Vec<AuthorRef>> = std::collections::HashMap::new();
                for row in &rows {
                    bylines.entry(row.try_get("article_id")?).or_default().push(AuthorRef {
                        slug: stored_slug(row.try_get("slug")?)?,
                        name: row.try_get("name")?,
                    });
                }
                for item in &mut items {
                    item.authors = bylines.remove(&item.id).unwrap_or_default();
                }
                Ok(items)
            }

            /// Inserts an article row with its bylines and tags; returns its id.
            async fn insert_article(conn: &mut $conn, article: &NewArticle, body_html: &str, now: DateTime<Utc>) -> StoreResult<i64> {
                let slug = Self::free_slug(&mut *conn, article).await?;
                let id: i64 = sqlx::query(
                    "INSERT INTO articles (language, slug, headline, standfirst, \
                     section_id, status, published_at, updated_at, created_at, modified_at, seo_title, seo_description) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11) RETURNING id",
                )
                .bind(article.language.code())
                .bind(slug.as_str())
                .bind(clean_text(&article.headline))
                .bind(clean_text(&article.standfirst))
                .bind(article.section_id)
                .bind(article.status.as_str())
                .bind(article.published_at.map(|t| t.timestamp()))
                .bind(article.updated_at.map(|t| t.timestamp()))
                .bind(now.timestamp())
                .bind(empty_to_none(article.seo_title.clone()))
                .bind(empty_to_none(article.seo_description.clone()))
                .fetch_one(&mut *conn)
                .await
                .map_err(|e| Self::reference_error(e, "section"))?
                .try_get(0)?;
                sqlx::query("INSERT INTO article_bodies (article_id, body_markdown, body_html) VALUES ($1, $2, $3)")
                    .bind(id)
                    .bind(&article.body_markdown)
                    .bind(body_html)
                    .execute(&mut *conn)
                    .await?;
                Self::write_bylines_and_tags(&mut *conn, id, article).await?;
                Ok(id)
            }

            /// Replaces an article's content, keeping every slug it had resolving.
            async fn apply_update(conn: &mut $conn, id: i64, article: &NewArticle, body_html: &str, now: DateTime<Utc>) -> StoreResult<()> {
                let current = Self::load_article(&mut *conn, id).await?.ok_or(StoreError::NotFound)?;
                let slug = match &article.slug {
                    Some(new_slug) if *new_slug != current.slug => {
                        match Self::slug_owner(&mut *conn, new_slug.as_str()).await? {
                            Some(owner) if owner != id => {
                                return Err(StoreError::Conflict(format!("an article with the address {new_slug}")));
                            }
                            // Moving back to one of its own old slugs: it is current again.
                            _ => {
                                sqlx::query("DELETE FROM article_slug_history WHERE slug = $1")
                                    .bind(new_slug.as_str())
                                    .execute(&mut *conn)
                                    .await?;
                            }
                        }
                        sqlx::query("INSERT INTO article_slug_history (slug, article_id) VALUES ($1, $2)")
                            .bind(current.slug.as_str())
                            .bind(id)
                            .execute(&mut *conn)
                            .await?;
                        new_slug.clone()
                    }
                    _ => current.slug.clone(),
                };
                let updated_at = match current.status {
                    ArticleStatus::Published => Some(article.updated_at.unwrap_or(now)),
                    _ => article.updated_at,
                };
                sqlx::query(
                    "UPDATE articles SET language = $1, slug = $2, headline = $3, standfirst = $4, \
                     section_id = $5, updated_at = $6, modified_at = $7, \
                     seo_title = $8, seo_description = $9 WHERE id = $10",
                )
                .bind(article.language.code())
                .bind(slug.as_str())
                .bind(clean_text(&article.headline))
                .bind(clean_text(&article.standfirst))
                .bind(article.section_id)
                .bind(updated_at.map(|t| t.timestamp()))
                .bind(now.timestamp())
                .bind(empty_to_none(article.seo_title.clone()))
                .bind(empty_to_none(article.seo_description.clone()))
                .bind(id)
                .execute(&mut *conn)
                .await
                .map_err(|e| Self::reference_error(e, "section"))?;
                sqlx::query("UPDATE article_bodies SET body_markdown = $1, body_html = $2 WHERE article_id = $3")
                    .bind(&article.body_markdown)
                    .bind(body_html)
                    .bind(id)
                    .execute(&mut *conn)
                    .await?;
                Self::write_bylines_and_tags(&mut *conn, id, article).await?;
                Ok(())
            }

            fn user_from_row(row: &$row) -> StoreResult<User> {
                let email: String = row.try_get("email")?;
                let role: String = row.try_get("role")?;
                Ok(User {
                    id: row.try_get("id")?,
                    email: Email::parse(&email).map_err(|e| StoreError::Invalid(format!("stored e-mail: {e}")))?,
                    name: row.try_get("name")?,
                    role: Role::parse(&role).map_err(|e| StoreError::Invalid(e.to_string()))?,
                    disabled: row.try_get("disabled")?,
                    author_id: row.try_get("author_id")?,
                    created_at: time(row.try_get("created_at")?)?,
                    two_factor: row.try_get("two_factor")?,
                })
            }

            fn revision_from_row(row: &$row) -> StoreResult<Revision> {
                let language: String = row.try_get("language")?;
                Ok(Revision {
                    id: row.try_get("id")?,
                    article_id: row.try_get("article_id")?,
                    created_at: time(row.try_get("created_at")?)?,
                    user_id: row.try_get("user_id")?,
                    user_name: row.try_get("user_name")?,
                    note: row.try_get("note")?,
                    language: Language::parse(&language).map_err(|e| StoreError::Invalid(e.to_string()))?,
                    slug: row.try_get("slug")?,
                    headline: row.try_get("headline")?,
                    standfirst: row.try_get("standfirst")?,
                    body_markdown: row.try_get("body_markdown")?,
                    section_id: row.try_get("section_id")?,
                    tag_ids: split_ids(&row.try_get::<String, _>("tag_ids")?),
                    author_ids: split_ids(&row.try_get::<String, _>("author_ids")?),
                    seo_title: row.try_get("seo_title")?,
                    seo_description: row.try_get("seo_description")?,
                })
            }

            fn correction_from_row(row: &$row) -> StoreResult<Correction> {
                let kind: String = row.try_get("kind")?;
                Ok(Correction {
                    id: row.try_get("id")?,
                    article_id: row.try_get("article_id")?,
                    kind: CorrectionKind::parse(&kind)
                        .ok_or_else(|| StoreError::Invalid(format!("stored note kind {kind:?}")))?,
                    text: row.try_get("body")?,
                    created_at: time(row.try_get("created_at")?)?,
                })
            }

            /// Records the article as it now is as a new revision; returns the revision's id.
            async fn write_revision(conn: &mut $conn, id: i64, actor: &Actor, note: &str, now: DateTime<Utc>) -> StoreResult<i64> {
                let a = Self::load_article(&mut *conn, id).await?.ok_or(StoreError::NotFound)?;
                let tag_ids = join_ids(a.tags.iter().map(|t| t.id));
                let author_ids = join_ids(a.authors.iter().map(|au| au.id));
                Ok(sqlx::query(&format!(
                    "INSERT INTO revisions ({REVISION_INSERT_COLUMNS}) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id"
                ))
                .bind(id)
                .bind(now.timestamp())
                .bind(actor.user_id)
                .bind(&actor.name)
                .bind(note)
                .bind(a.language.code())
                .bind(a.slug.as_str())
                .bind(&a.headline)
                .bind(&a.standfirst)
                .bind(&a.body_markdown)
                .bind(a.section.id)
                .bind(tag_ids)
                .bind(author_ids)
                .bind(&a.seo_title)
                .bind(&a.seo_description)
                .fetch_one(&mut *conn)
                .await?
                .try_get(0)?)
            }

            async fn audit_in(conn: &mut $conn, entry: &NewAuditEntry, now: DateTime<Utc>) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO audit_log (at, user_id, actor, action, entity, entity_id, detail, address) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(now.timestamp())
                .bind(entry.actor.user_id)
                .bind(&entry.actor.name)
                .bind(&entry.action)
                .bind(&entry.entity)
                .bind(entry.entity_id)
                .bind(&entry.detail)
                .bind(&entry.actor.address)
                .execute(&mut *conn)
                .await?;
                Ok(())
            }

            async fn write_recovery_codes(conn: &mut $conn, user_id: i64, hashes: &[String], now: DateTime<Utc>) -> StoreResult<()> {
                sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(user_id).execute(&mut *conn).await?;
                for hash in hashes {
                    sqlx::query("INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES ($1, $2, $3)")
                        .bind(user_id)
                        .bind(hash)
                        .bind(now.timestamp())
                        .execute(&mut *conn)
                        .await
                        .map_err(|e| Self::reference_error(e, "person"))?;
                }
                Ok(())
            }

            /// Enabled admins other than `except`.
            async fn other_admins(conn: &mut $conn, except: i64) -> StoreResult<i64> {
                Ok(sqlx::query("SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = FALSE AND id <> $1")
                    .bind(except)
                    .fetch_one(&mut *conn)
                    .await?
                    .try_get(0)?)
            }

            fn bind_params<'q>(
                mut query: sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments<'q>>,
                params: &'q [Param],
            ) -> sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments<'q>> {
                for param in params {
                    query = match param {
                        Param::Int(i) => query.bind(*i),
                        Param::Text(s) => query.bind(s.as_str()),
                    };
                }
                query
            }
        }

        // Discovery (search index, sitemaps, feeds).
        impl $store {
            /// Loads complete articles with three queries whatever their number, in the order of
            /// `ids`.
            async fn load_articles(conn: &mut $conn, ids: &[i64]) -> StoreResult<Vec<Article>> {
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                let placeholders = (1..=ids.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
                let mut by_id: std::collections::HashMap<i64, Article> = std::collections::HashMap::new();
                let sql = format!("SELECT {ARTICLE_COLUMNS} {ARTICLE_FROM} WHERE a.id IN ({placeholders})");
                let mut query = sqlx::query(&sql);
                for id in ids {
                    query = query.bind(*id);
                }
                for row in query.fetch_all(&mut *conn).await? {
                    let language: String = row.try_get("language")?;
                    let status: String = row.try_get("status")?;
                    let article = Article {
                        id: row.try_get("id")?,
                        language: Language::parse(&language).map_err(|e| StoreError::Invalid(e.to_string()))?,
                        slug: stored_slug(row.try_get("slug")?)?,
                        headline: row.try_get("headline")?,
                        standfirst: row.try_get("standfirst")?,
                        body_markdown: row.try_get("body_markdown")?,
                        body_html: row.try_get("body_html")?,
                        section: Self::section_from_row(&row, "section_")?,
                        tags: Vec::new(),
                        authors: Vec::new(),
                        status: status_of(&status)?,
                        published_at: opt_time(row.try_get("published_at")?)?,
                        updated_at: opt_time(row.try_get("updated_at")?)?,
                        created_at: time(row.try_get("created_at")?)?,
                        view_total: row.try_get("view_total")?,
                        seo_title: row.try_get("seo_title")?,
                        seo_description: row.try_get("seo_description")?,
                    };
                    by_id.insert(article.id, article);
                }
                let sql = format!(
                    "SELECT aa.article_id, au.id, au.slug, au.name, au.bio, au.is_house FROM article_authors aa \
                     JOIN authors au ON au.id = aa.author_id WHERE aa.article_id IN ({placeholders}) \
                     ORDER BY aa.article_id, aa.position"
                );
                let mut query = sqlx::query(&sql);
                for id in ids {
                    query = query.bind(*id);
                }
                for row in query.fetch_all(&mut *conn).await? {
                    let article_id: i64 = row.try_get("article_id")?;
                    if let Some(article) = by_id.get_mut(&article_id) {
                        article.authors.push(Self::author_from_row(&row)?);
                    }
                }
                let sql = format!(
                    "SELECT at.article_id, t.id, t.slug, t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id \
                     WHERE at.article_id IN ({placeholders}) ORDER BY at.article_id, at.position"
                );
                let mut query = sqlx::query(&sql);
                for id in ids {
                    query = query.bind(*id);
                }
                for row in query.fetch_all(&mut *conn).await? {
                    let article_id: i64 = row.try_get("article_id")?;
                    if let Some(article) = by_id.get_mut(&article_id) {
                        article.tags.push(Self::tag_from_row(&row)?);
                    }
                }
                Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
            }

            fn link_from_row(row: &$row) -> StoreResult<PublishedLink> {
                let language: String = row.try_get("language")?;
                let published_at = time(row.try_get("published_at")?)?;
                let updated_at = opt_time(row.try_get("updated_at")?)?;
                Ok(PublishedLink {
                    id: row.try_get("id")?,
                    section: stored_slug(row.try_get("section_slug")?)?,
                    slug: stored_slug(row.try_get("slug")?)?,
                    headline: row.try_get("headline")?,
                    language: Language::parse(&language).map_err(|e| StoreError::Invalid(e.to_string()))?,
                    published_at,
                    lastmod: updated_at.map_or(published_at, |u| u.max(published_at)),
                })
            }

            fn synonym_group_from_row(row: &$row) -> StoreResult<SynonymGroup> {
                let terms: String = row.try_get("terms")?;
                Ok(SynonymGroup {
                    id: row.try_get("id")?,
                    terms: terms.split(',').map(str::to_owned).collect(),
                })
            }
        }

        #[async_trait::async_trait]
        impl Store for $store {
            fn backend(&self) -> Backend {
                $backend
            }

            $($own)*

            async fn ping(&self) -> StoreResult<()> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            async fn setting(&self, key: &str) -> StoreResult<Option<String>> {
                Ok(sqlx::query("SELECT value FROM settings WHERE key = $1")
                    .bind(key)
                    .fetch_optional(&self.pool)
                    .await?
                    .map(|row| row.try_get(0))
                    .transpose()?)
            }

            async fn set_setting(&self, key: &str, value: &str) -> StoreResult<()> {
                let _guard = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO settings (key, value) VALUES ($1, $2) \
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                )
                .bind(key)
                .bind(value)
                .execute(&mut *tx)
                .await?;
                Self::record_change(&mut tx, "settings", None, "updated", Utc::now()).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn create_section(&self, section: NewSection) -> StoreResult<Section> {
                let name = clean_text(&section.name);
                if name.is_empty() {
                    return Err(StoreError::Invalid("a section needs a name".into()));
                }
                section.slug.check_section_slug().map_err(|e| StoreError::Invalid(e.to_string()))?;
                let _guard = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let row = sqlx::query(
                    "INSERT INTO sections (slug, name, description, position) VALUES ($1, $2, $3, $4) \
                     RETURNING id, slug, name, description, position",
                )
                .bind(section.slug.as_str())
                .bind(&name)
                .bind(clean_text(&section.description))
                .bind(section.position)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| conflict_if_taken(e, || format!("a section with the address {}", section.slug)))?;
                let created = Self::section_from_row(&row, "")?;
                Self::record_change(&mut tx, "section", Some(created.id), "created", Utc::now()).await?;
                tx.commit().await?;
                Ok(created)
            }

            async fn sections(&self) -> StoreResult<Vec<Section>> {
                sqlx::query("SELECT id, slug, name, description, position FROM sections ORDER BY position, name")
                    .fetch_all(&self.pool)
                    .await?
                    .iter()
                    .map(|row| Self::section_from_row(row, ""))
                    .collect()
            }

            async fn section_by_slug(&self, slug: &str) -> StoreResult<Option<Section>> {
                sqlx::query("SELECT id, slug, name, description, position FROM sections WHERE slug = $1")
                    .bind(slug)
                    .fetch_optional(&self.pool)
                    .await?
                    .map(|row| Self::section_from_row(&row, ""))
                    .transpose()
            }

            async fn create_author(&self, author: NewAuthor) -> StoreResult<Author> {
                let name = clean_text(&author.name);
                if name.is_empty() {
                    return Err(StoreError::Invalid("an author needs a name".into()));
                }
                let _guard = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let row = sqlx::query(
                    "INSERT INTO authors (slug, name, bio, is_house) VALUES ($1, $2, $3, $4) \
                     RETURNING id, slug, name, bio, is_house",
                )
                .bind(author.slug.as_str())
                .bind(&name)
                .bind(clean_text(&author.bio))
                .bind(author.is_house)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| conflict_if_taken(e, || format!("an author with the address {}", author.slug)))?;
                let created = Self::author_from_row(&row)?;
                Self::record_change(&mut tx, "author", Some(created.id), "created", Utc::now()).await?;
                tx.commit().await?;
                Ok(created)
            }

            async fn authors(&self) -> StoreResult<Vec<Author>> {
                sqlx::query("SELECT id, slug, name, bio, is_house FROM authors ORDER BY name")
                    .fetch_all(&self.pool)
                    .await?
                    .iter()
                    .map(Self::author_from_row)
                    .collect()
            }

            async fn author_by_slug(&self, slug: &str) -> StoreResult<Option<Author>> {
                sqlx::query("SELECT id, slug, name, bio, is_house FROM authors WHERE slug = $1")
                    .bind(slug)
                    .fetch_optional(&self.pool)
                    .await?
                    .map(|row| Self::author_from_row(&row))
                    .transpose()
            }

            async fn ensure_tag(&self, name: &str) -> StoreResult<Tag> {
                let name = clean_text(name);
                let slug = Slug::from_title(&name)
                    .map_err(|e| StoreError::Invalid(format!("tag {name:?}: {e}")))?;
                let _guard = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let inserted = sqlx::query("INSERT INTO tags (slug, name) VALUES ($1, $2) ON CONFLICT (slug) DO NOTHING")
                    .bind(slug.as_str())
                    .bind(&name)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                let row = sqlx::query("SELECT id, slug, name FROM tags WHERE slug = $1")
                    .bind(slug.as_str())
                    .fetch_one(&mut *tx)
                    .await?;
                let tag = Self::tag_from_row(&row)?;
                if inserted > 0 {
                    Self::record_change(&mut tx, "tag", Some(tag.id), "created", Utc::now()).await?;
                }
                tx.commit().await?;
                Ok(tag)
            }

            async fn tag_by_slug(&self, slug: &str) -> StoreResult<Option<Tag>> {
                sqlx::query("SELECT id, slug, name FROM tags WHERE slug = $1")
                    .bind(slug)
                    .fetch_optional(&self.pool)
                    .await?
                    .map(|row| Self::tag_from_row(&row))
                    .transpose()
            }

            async fn create_article(&self, article: NewArticle, now: DateTime<Utc>) -> StoreResult<Article> {
                article.validate().map_err(|e| StoreError::Invalid(e.to_string()))?;
                let body_html = markdown::render(&article.body_markdown);
                let _guard = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let id = Self::insert_article(&mut tx, &article, &body_html, now).await?;
                Self::record_change(&mut tx, "article", Some(id), "created", now).await?;
                let created = Self::load_article(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
                tx.commit().await?;
                Ok(created)
            }

            async fn import_articles(&self, articles: &[NewArticle], now: DateTime<Utc>) -> StoreResult<Vec<i64>> {
                for article in articles {
                    article.validate().map_err(|e| StoreError::Invalid(format!("{:?}: {e}", article.headline)))?;
                }
                let rendered: Vec<String> = articles.iter().map(|a| markdown::render(&a.body_markdown)).collect();
                let _guard = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let mut ids = Vec::with_capacity(articles.len());
                for (article, body_html) in articles.iter().zip(&rendered) {
                    let id = Self::insert_article(&mut tx, article, body_html, now).await?;
                    Self::record_change(&mut tx, "article", Some(id), "created", now).await?;
                    ids.push(id);
                }
                tx.commit().await?;
                Ok(ids)
            }

            async fn update_article(&self, id: i64, article: NewArticle, now: DateTime<Utc>) -> StoreResult<Article> {
                article.validate().map_err(|e| StoreError::Invalid(e.to_string()))?;
                let body_html = markdown::render(&article.body_markdown);
                let _guard = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                Self::apply_update(&mut tx, id, &article, &body_html, now).await?;
                Self::record_change(&mut tx, "article", Some(id), "updated", now).await?;
                let updated = Self::load_article(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
                tx.commit().await?;
                Ok(updated)
            }

            async fn set_article_status(
                &self,
                id: i64,
                status: ArticleStatus,
                published_at: Option<DateTime<Utc>>,
                now: DateTime<Utc>,
            ) -> StoreResult<Article> {
                let _guard = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let current = Self::load_article(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
                let published_at = match status {
                    ArticleStatus::Published => Some(published_at.or(current.published_at).unwrap_or(now)),
                    _ => published_at.or(current.published_at),
                };
                sqlx::query("UPDATE articles SET status = $1, published_at = $2, modified_at = $3 WHERE id = $4")
                    .bind(status.as_str())
                    .bind(published_at.map(|t| t.timestamp()))
                    .bind(now.timestamp())
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                Self::record_change(&mut tx, "article", Some(id), status.as_str(), now).await?;
                let changed = Self::load_article(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
                tx.commit().await?;
                Ok(changed)
            }

            async fn article(&self, id: i64) -> StoreResult<Option<Article>> {
                let mut conn = self.pool.acquire().await?;
                Self::load_article(&mut conn, id).await
            }

            async fn find_article(&self, slug: &str) -> StoreResult<ArticleLookup> {
                let mut conn = self.pool.acquire().await?;
                if let Some(article) = Self::load_article_by(&mut conn, ArticleKey::Slug(slug)).await? {
                    return Ok(ArticleLookup::Current(Box::new(article)));
                }
                let renamed = sqlx::query(RENAMED_ARTICLE)
                .bind(slug)
                .fetch_optional(&mut *conn)
                .await?;
                Ok(match renamed {
                    Some(row) => ArticleLookup::Renamed {
                        section: stored_slug(row.try_get("section_slug")?)?,
                        slug: stored_slug(row.try_get("slug")?)?,
                    },
                    None => ArticleLookup::NotFound,
                })
            }

            async fn published(
                &self,
                filter: &ArticleFilter,
                page: PageRequest,
                now: DateTime<Utc>,
            ) -> StoreResult<Page<ArticleSummary>> {
                let conditions = Conditions::published(filter, now);
                let where_clause = conditions.where_clause();
                let mut conn = self.pool.acquire().await?;
                let count_sql = format!("SELECT COUNT(*) FROM articles a {where_clause}");
                let total: i64 = Self::bind_params(sqlx::query(&count_sql), &conditions.params)
                    .fetch_one(&mut *conn)
                    .await?
                    .try_get(0)?;
                let list_sql = format!(
                    "SELECT {SUMMARY_COLUMNS} FROM articles a JOIN sections s ON s.id = a.section_id \
                     {where_clause} ORDER BY a.published_at DESC, a.id DESC LIMIT {} OFFSET {}",
                    conditions.next_placeholder(1),
                    conditions.next_placeholder(2),
                );
                let rows = Self::bind_params(sqlx::query(&list_sql), &conditions.params)
                    .bind(i64::from(page.per_page))
                    .bind(page.offset())
                    .fetch_all(&mut *conn)
                    .await?;
                let items = rows.iter().map(Self::summary_from_row).collect::<StoreResult<Vec<_>>>()?;
                let items = Self::with_bylines(&mut conn, items).await?;
                Ok(Page { items, total: u64::try_from(total).unwrap_or(0), request: page })
            }

            async fn latest(&self, filter: &ArticleFilter, limit: u32, now: DateTime<Utc>) -> StoreResult<Vec<ArticleSummary>> {
                let conditions = Conditions::published(filter, now);
                let sql = format!(
                    "SELECT {SUMMARY_COLUMNS} FROM articles a JOIN sections s ON s.id = a.section_id \
                     {} ORDER BY a.published_at DESC, a.id DESC LIMIT {}",
                    conditions.where_clause(),
                    conditions.next_placeholder(1),
                );
                let mut conn = self.pool.acquire().await?;
                let rows = Self::bind_params(sqlx::query(&sql), &conditions.params)
                    .bind(i64::from(limit))
                    .fetch_all(&mut *conn)
                    .await?;
                let items = rows.iter().map(Self::summary_from_row).collect::<StoreResult<Vec<_>>>()?;
                Self::with_bylines(&mut conn, items).await
            }

            async fn most_read(&self, since_day: i64, limit: u32, now: DateTime<Utc>) -> StoreResult<Vec<ArticleSummary>> {
                let sql = format!(
                    "SELECT {SUMMARY_COLUMNS}, CAST(SUM(v.views) AS BIGINT) AS recent_views \
                     FROM view_buckets v JOIN articles a ON a.id = v.article_id \
                     JOIN sections s ON s.id = a.section_id \
                     WHERE v.day >= $1 AND a.status = 'published' AND a.published_at <= $2 \
                     GROUP BY a.id, s.id ORDER BY recent_views DESC, a.published_at DESC LIMIT $3"
                );
                let mut conn = self.pool.acquire().await?;
                let rows = sqlx::query(&sql)
                    .bind(since_day)
                    .bind(now.timestamp())
                    .bind(i64::from(limit))
                    .fetch_all(&mut *conn)
                    .await?;
                let items = rows.iter().map(Self::summary_from_row).collect::<StoreResult<Vec<_>>>()?;
                Self::with_bylines(&mut conn, items).await
            }

            async fn add_views(&self, increments: &[ViewIncrement]) -> StoreResult<()> {
                if increments.is_empty() {
                    return Ok(());
                }
                let _guard = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                for inc in increments.iter().filter(|inc| inc.views > 0) {
                    let touched = sqlx::query("UPDATE articles SET view_total = view_total + $1 WHERE id = $2")
                        .bind(inc.views)
                        .bind(inc.article_id)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                    // An article deleted since it was read: nothing to count.
                    if touched == 0 {
                        continue;
                    }
                    sqlx::query(
                        "INSERT INTO view_buckets (article_id, day, views) VALUES ($1, $2, $3) \
                         ON CONFLICT (article_id, day) DO UPDATE SET views = view_buckets.views + excluded.views",
                    )
                    .bind(inc.article_id)
                    .bind(inc.day)
                    .bind(inc.views)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn article_count(&self) -> StoreResult<u64> {
                let n: i64 = sqlx::query("SELECT COUNT(*) FROM articles").fetch_one(&self.pool).await?.try_get(0)?;
                Ok(u64::try_from(n).unwrap_or(0))
            }

            async fn put_page(&self, page: &StaticPage) -> StoreResult<()> {
                let title = clean_text(&page.title);
                if title.is_empty() {
                    return Err(StoreError::Invalid("a page needs a title".into()));
                }
                let body_html = markdown::render(&page.body_markdown);
                let _guard = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO pages (slug, title, body_markdown, body_html) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (slug) DO UPDATE SET title = excluded.title, \
                     body_markdown = excluded.body_markdown, body_html = excluded.body_html",
                )
                .bind(page.slug.as_str())
                .bind(&title)
                .bind(&page.body_markdown)
                .bind(&body_html)
                .execute(&mut *tx)
                .await?;
                Self::record_change(&mut tx, "page", None, "updated", Utc::now()).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn page(&self, slug: &str) -> StoreResult<Option<StaticPage>> {
                sqlx::query("SELECT slug, title, body_markdown, body_html FROM pages WHERE slug = $1")
                    .bind(slug)
                    .fetch_optional(&self.pool)
                    .await?
                    .map(|row| Self::page_from_row(&row))
                    .transpose()
            }

            async fn pages(&self) -> StoreResult<Vec<StaticPage>> {
                sqlx::query("SELECT slug, title, body_markdown, body_html FROM pages ORDER BY slug")
                    .fetch_all(&self.pool)
                    .await?
                    .iter()
                    .map(Self::page_from_row)
                    .collect()
            }

            async fn published_articles_after(&self, after_id: i64, limit: u32) -> StoreResult<Vec<Article>> {
                let mut conn = self.pool.acquire().await?;
                let ids: Vec<i64> = sqlx::query(
                    "SELECT id FROM articles WHERE status = 'published' AND id > $1 ORDER BY id LIMIT $2",
                )
                .bind(after_id)
                .bind(i64::from(limit.clamp(1, 1000)))
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(|row| row.try_get(0))
                .collect::<Result<_, _>>()?;
                Self::load_articles(&mut conn, &ids).await
            }

            async fn published_summaries_by_ids(&self, ids: &[i64], now: DateTime<Utc>) -> StoreResult<Vec<ArticleSummary>> {
                let ids = &ids[..ids.len().min(1000)];
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                let placeholders = (1..=ids.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
                // Looked up by id alone, and checked for visibility here: with the status and date
                // in the WHERE clause SQLite may walk the whole published index instead of fetching
                // a dozen rows by key.
                let sql = format!(
                    "SELECT {SUMMARY_COLUMNS}, a.status FROM articles a JOIN sections s ON s.id = a.section_id \
                     WHERE a.id IN ({placeholders})"
                );
                let mut query = sqlx::query(&sql);
                for id in ids {
                    query = query.bind(*id);
                }
                let mut conn = self.pool.acquire().await?;
                let rows = query.fetch_all(&mut *conn).await?;
                let mut by_id = std::collections::HashMap::new();
                for row in &rows {
                    let status: String = row.try_get("status")?;
                    let summary = Self::summary_from_row(row)?;
                    let visible = status == ArticleStatus::Published.as_str()
                        && summary.published_at.is_some_and(|t| t <= now);
                    if visible {
                        by_id.insert(summary.id, summary);
                    }
                }
                let items: Vec<ArticleSummary> = ids.iter().filter_map(|id| by_id.remove(id)).collect();
                Self::with_bylines(&mut conn, items).await
            }

            async fn published_articles(&self, filter: &ArticleFilter, limit: u32, now: DateTime<Utc>) -> StoreResult<Vec<Article>> {
                let filter = ArticleFilter { text: None, ..filter.clone() };
                let conditions = Conditions::published(&filter, now);
                let sql = format!(
                    "SELECT a.id FROM articles a {} ORDER BY a.published_at DESC, a.id DESC LIMIT {}",
                    conditions.where_clause(),
                    conditions.next_placeholder(1),
                );
                let mut conn = self.pool.acquire().await?;
                let ids: Vec<i64> = Self::bind_params(sqlx::query(&sql), &conditions.params)
                    .bind(i64::from(limit.clamp(1, 1000)))
                    .fetch_all(&mut *conn)
                    .await?
                    .iter()
                    .map(|row| row.try_get(0))
                    .collect::<Result<_, _>>()?;
                Self::load_articles(&mut conn, &ids).await
            }

            async fn sitemap_chunks(&self, chunk: u32, now: DateTime<Utc>) -> StoreResult<Vec<SitemapChunk>> {
                let rows = sqlx::query(
                    "SELECT grp, COUNT(*) AS n, MAX(lastmod) AS lastmod FROM ( \
                       SELECT (ROW_NUMBER() OVER (ORDER BY published_at, id) - 1) / $2 AS grp, \
                              CASE WHEN updated_at > published_at THEN updated_at ELSE published_at END AS lastmod \
                       FROM articles WHERE status = 'published' AND published_at <= $1 \
                     ) numbered GROUP BY grp ORDER BY grp",
                )
                .bind(now.timestamp())
                .bind(i64::from(chunk.max(1)))
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|row| {
                        let n: i64 = row.try_get("n")?;
                        Ok(SitemapChunk {
                            count: u64::try_from(n).unwrap_or(0),
                            lastmod: time(row.try_get("lastmod")?)?,
                        })
                    })
                    .collect()
            }

            async fn sitemap_links(&self, offset: u64, limit: u32, now: DateTime<Utc>) -> StoreResult<Vec<PublishedLink>> {
                sqlx::query(
                    "SELECT a.id, a.slug, a.headline, a.language, a.published_at, a.updated_at, s.slug AS section_slug \
                     FROM articles a JOIN sections s ON s.id = a.section_id \
                     WHERE a.status = 'published' AND a.published_at <= $1 \
                     ORDER BY a.published_at, a.id LIMIT $2 OFFSET $3",
                )
                .bind(now.timestamp())
                .bind(i64::from(limit.max(1)))
                .bind(i64::try_from(offset).unwrap_or(i64::MAX))
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(Self::link_from_row)
                .collect()
            }

            async fn recent_links(&self, since: DateTime<Utc>, now: DateTime<Utc>, limit: u32) -> StoreResult<Vec<PublishedLink>> {
                sqlx::query(
                    "SELECT a.id, a.slug, a.headline, a.language, a.published_at, a.updated_at, s.slug AS section_slug \
                     FROM articles a JOIN sections s ON s.id = a.section_id \
                     WHERE a.status = 'published' AND a.published_at <= $1 AND a.published_at >= $2 \
                     ORDER BY a.published_at DESC, a.id DESC LIMIT $3",
                )
                .bind(now.timestamp())
                .bind(since.timestamp())
                .bind(i64::from(limit.max(1)))
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(Self::link_from_row)
                .collect()
            }

            async fn synonym_groups(&self) -> StoreResult<Vec<SynonymGroup>> {
                sqlx::query("SELECT id, terms FROM search_synonyms ORDER BY id")
                    .fetch_all(&self.pool)
                    .await?
                    .iter()
                    .map(Self::synonym_group_from_row)
                    .collect()
            }

            async fn add_synonym_group(&self, terms: &[String], now: DateTime<Utc>) -> StoreResult<SynonymGroup> {
                let terms = clean_synonym_terms(terms).map_err(StoreError::Invalid)?;
                let _guard = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let row = sqlx::query("INSERT INTO search_synonyms (terms) VALUES ($1) RETURNING id, terms")
                    .bind(terms.join(","))
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| conflict_if_taken(e, || "that synonym group".into()))?;
                let group = Self::synonym_group_from_row(&row)?;
                Self::record_change(&mut tx, "synonyms", Some(group.id), "created", now).await?;
                tx.commit().await?;
                Ok(group)
            }

            async fn delete_synonym_group(&self, id: i64, now: DateTime<Utc>) -> StoreResult<()> {
                let _guard = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let deleted = sqlx::query("DELETE FROM search_synonyms WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if deleted == 0 {
                    return Err(StoreError::NotFound);
                }
                Self::record_change(&mut tx, "synonyms", Some(id), "deleted", now).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn changes_since(&self, seq: i64, limit: u32) -> StoreResult<Vec<Change>> {
                sqlx::query("SELECT seq, entity, entity_id, action, at FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2")
                    .bind(seq)
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await?
                    .iter()
                    .map(|row| {
                        Ok(Change {
                            seq: row.try_get("seq")?,
                            entity: row.try_get("entity")?,
                            entity_id: row.try_get("entity_id")?,
                            action: row.try_get("action")?,
                            at: time(row.try_get("at")?)?,
                        })
                    })
                    .collect()
            }

            async fn latest_change_seq(&self) -> StoreResult<i64> {
                let seq: Option<i64> = sqlx::query("SELECT MAX(seq) FROM changes")
                    .fetch_one(&self.pool)
                    .await?
                    .try_get(0)?;
                Ok(seq.unwrap_or(0))
            }

            async fn listen_for_changes(&self) -> StoreResult<Option<ChangeListener>> {
                self.change_listener().await
            }

            // -------------------------------------------------------- leases

            async fn acquire_lease(
                &self,
                name: &str,
                holder: &str,
                ttl: Duration,
                now: DateTime<Utc>,
            ) -> StoreResult<bool> {
                let _guard = self.write_guard().await;
                // One statement: a concurrent taker on PostgreSQL waits on the row and re-checks
                // the condition against the winner's row, so two nodes never both get `true`.
                let row = sqlx::query(
                    "INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at \
                     WHERE leases.expires_at <= $4 OR leases.holder = excluded.holder \
                     RETURNING holder",
                )
                .bind(name)
                .bind(holder)
                .bind(now.timestamp() + crate::cluster::ttl_seconds(ttl))
                .bind(now.timestamp())
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.is_some())
            }

            async fn release_lease(&self, name: &str, holder: &str) -> StoreResult<()> {
                let _guard = self.write_guard().await;
                sqlx::query("DELETE FROM leases WHERE name = $1 AND holder = $2")
                    .bind(name)
                    .bind(holder)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn lease(&self, name: &str) -> StoreResult<Option<Lease>> {
                sqlx::query("SELECT name, holder, expires_at FROM leases WHERE name = $1")
                    .bind(name)
                    .fetch_optional(&self.pool)
                    .await?
                    .map(|row| {
                        Ok(Lease {
                            name: row.try_get("name")?,
                            holder: row.try_get("holder")?,
                            expires_at: time(row.try_get("expires_at")?)?,
                        })
                    })
                    .transpose()
            }

            // -------------------------------------------------------- newsroom: people

            async fn create_user(&self, user: NewUser, now: DateTime<Utc>) -> StoreResult<User> {
                let name = clean_text(&user.name);
                if name.is_empty() {
                    return Err(StoreError::Invalid("a person needs a name".into()));
                }
                let _guard = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let row = sqlx::query(&format!(
                    "INSERT INTO users (email, name, role, password_hash, disabled, author_id, created_at) \
                     VALUES ($1, $2, $3, $4, FALSE, $5, $6) RETURNING {USER_COLUMNS}"
                ))
                .bind(user.email.as_str())
                .bind(&name)
                .bind(user.role.as_str())
                .bind(&user.password_hash)
                .bind(user.author_id)
                .bind(now.timestamp())
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| {
                    if is_unique_violation(&e) {
                        StoreError::Conflict(format!("a person with the e-mail address {}", user.email))
                    } else {
                        Self::reference_error(e, "author")
                    }
                })?;
                let created = Self::user_from_row(&row)?;
                tx.commit().await?;
                Ok(created)
            }

            async fn users(&self) -> StoreResult<Vec<User>> {
                sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY name, id"))
                    .fetch_all(&self.pool)
                    .await?
                    .iter()
                    .map(Self::user_from_row)
                    .collect()
            }

            async fn user(&self, id: i64) -> StoreResult<Option<User>> {
                sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?
                    .map(|row| Self::user_from_row(&row))
                    .transpose()
            }

            async fn user_credentials(&self, email: &Email) -> StoreResult<Option<(User, String)>> {
                let Some(row) = sqlx::query(&format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE email = $1"))
                    .bind(email.as_str())
                    .fetch_optional(&self.pool)
                    .await?
                else {
                    return Ok(None);
                };
                Ok(Some((Self::user_from_row(&row)?, row.try_get("password_hash")?)))
            }

            async fn update_user(&self, id: i64, change: UserChange) -> StoreResult<User> {
                let name = clean_text(&change.name);
                if name.is_empty() {
                    return Err(StoreError::Invalid("a person needs a name".into()));
                }
                let _guard = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let current = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?
                    .map(|row| Self::user_from_row(&row))
                    .transpose()?
                    .ok_or(StoreError::NotFound)?;
                let stops_being_admin = current.role == Role::Admin
                    && !current.disabled
                    && (change.role != Role::Admin || change.disabled);
                if stops_being_admin && Self::other_admins(&mut tx, id).await? == 0 {
                    return Err(StoreError::Invalid(
                        "this is the only admin: make someone else an admin first".into(),
                    ));
                }
                let row = sqlx::query(&format!(
                    "UPDATE users SET name = $1, role = $2, disabled = $3, author_id = $4 WHERE id = $5 \
                     RETURNING {USER_COLUMNS}"
                ))
                .bind(&name)
                .bind(change.role.as_str())
                .bind(change.disabled)
                .bind(change.author_id)
                .bind(id)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| Self::reference_error(e, "author"))?;
                if change.disabled {
                    sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
                }
                let updated = Self::user_from_row(&row)?;
                tx.commit().await?;
                Ok(updated)
            }

            async fn set_user_password(&self, id: i64, password_hash: &str) -> StoreResult<()> {
                let _guard = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let changed = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                    .bind(password_hash)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if changed == 0 {
                    return Err(StoreError::NotFound);
                }
                sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn create_session(&self, session: NewSession, now: DateTime<Utc>) -> StoreResult<()> {
                let _guard = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                // Expired sessions are swept here rather than by a job: sign-ins are rare enough.
                sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now.timestamp()).execute(&mut *tx).await?;
                sqlx::query(
                    "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, address, user_agent) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(&session.token_hash)
                .bind(session.user_id)
                .bind(&session.csrf_token)
                .bind(now.timestamp())
                .bind(session.expires_at.timestamp())
                .bind(&session.address)
                .bind(session.user_agent.chars().take(300).collect::<String>())
                .execute(&mut *tx)
                .await
                .map_err(|e| Self::reference_error(e, "person"))?;
                tx.commit().await?;
                Ok(())
            }

            async fn session(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<(Session, User)>> {
                let Some(row) = sqlx::query(
                    "SELECT s.csrf_token, s.created_at AS session_created_at, s.expires_at, \
                     u.id, u.email, u.name, u.role, u.disabled, u.author_id, u.created_at, u.two_factor \
                     FROM sessions s JOIN users u ON u.id = s.user_id \
                     WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = FALSE",
                )
                .bind(token_hash)
                .bind(now.timestamp())
                .fetch_optional(&self.pool)
                .await?
                else {
                    return Ok(None);
                };
                let user = Self::user_from_row(&row)?;
                let session = Session {
                    user_id: user.id,
                    csrf_token: row.try_get("csrf_token")?,
                    created_at: time(row.try_get("session_created_at")?)?,
                    expires_at: time(row.try_get("expires_at")?)?,
                };
                Ok(Some((session, user)))
            }

            async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
                let _guard = self.write_guard().await;
                sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&self.pool).await?;
                Ok(())
            }

            async fn delete_user_sessions(&self, user_id: i64) -> StoreResult<u64> {
                let _guard = self.write_guard().await;
                Ok(sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                    .bind(user_id)
                    .execute(&self.pool)
                    .await?
                    .rows_affected())
            }

            async fn charge_login_attempt(&self, counters: &[LoginCounter], window_start: DateTime<Utc>, now: DateTime<Utc>) -> StoreResult<Option<usize>> {
                let _guard = self.write_guard().await;
                // Forget counters whose window is long over, outside the charging transaction. On
                // PostgreSQL rows another sign-in holds are skipped: waiting for them while holding
                // others could deadlock with it.
                let forget = if self.backend() == Backend::Postgres {
                    "DELETE FROM login_limits WHERE key IN \
                     (SELECT key FROM login_limits WHERE window_start < $1 LIMIT 1000 FOR UPDATE SKIP LOCKED)"
                } else {
                    "DELETE FROM login_limits WHERE window_start < $1"
                };
                sqlx::query(forget).bind(window_start.timestamp() - 86_400).execute(&self.pool).await?;
                // Charged in key order, so two sign-ins sharing counters lock them in the same order.
                let mut order: Vec<usize> = (0..counters.len()).collect();
                order.sort_by(|&a, &b| counters[a].key.cmp(&counters[b].key));
                order.dedup_by(|a, b| counters[*a].key == counters[*b].key);
                let mut tx = self.begin_write().await?;
                let mut full: Option<usize> = None;
                for index in order {
                    let counter = &counters[index];
                    // One statement: the row lock it takes makes parallel charges wait for each
                    // other, and each sees the count the one before left. A stale window restarts.
                    let failures: i64 = sqlx::query(
                        "INSERT INTO login_limits (key, failures, window_start) VALUES ($1, 1, $2) \
                         ON CONFLICT (key) DO UPDATE SET \
                         failures = CASE WHEN login_limits.window_start < $3 THEN 1 ELSE login_limits.failures + 1 END, \
                         window_start = CASE WHEN login_limits.window_start < $3 THEN $2 ELSE login_limits.window_start END \
                         RETURNING failures",
                    )
                    .bind(&counter.key)
                    .bind(now.timestamp())
                    .bind(window_start.timestamp())
                    .fetch_one(&mut *tx)
                    .await?
                    .try_get(0)?;
                    if failures > i64::from(counter.limit) {
                        full = Some(full.map_or(index, |f| f.min(index)));
                    }
                }
                // A refused attempt is not charged anywhere: refusals must not fill other counters
                // (an attacker stopped for one address would otherwise fill the account's count).
                if full.is_some() {
                    tx.rollback().await?;
                } else {
                    tx.commit().await?;
                }
                Ok(full)
            }

            async fn forgive_login_failures(&self, forgiven: &str, also: &[String]) -> StoreResult<()> {
                let _guard = self.write_guard().await;
                // Separate statements, not one transaction: each touches one row, so no lock is
                // held while waiting for another (charges lock several, in key order).
                let failures: Option<i64> = sqlx::query("DELETE FROM login_limits WHERE key = $1 RETURNING failures")
                    .bind(forgiven)
                    .fetch_optional(&self.pool)
                    .await?
                    .map(|row| row.try_get(0))
                    .transpose()?;
                let Some(failures) = failures.filter(|f| *f > 0) else {
                    return Ok(());
                };
                for key in also {
                    sqlx::query("UPDATE login_limits SET failures = CASE WHEN failures > $2 THEN failures - $2 ELSE 0 END WHERE key = $1")
                        .bind(key)
                        .bind(failures)
                        .execute(&self.pool)
                        .await?;
                }
                Ok(())
            }

            async fn refund_login_attempt(&self, counters: &[String]) -> StoreResult<()> {
                let _guard = self.write_guard().await;
                for key in counters {
                    sqlx::query("UPDATE login_limits SET failures = failures - 1 WHERE key = $1 AND failures > 0")
                        .bind(key)
                        .execute(&self.pool)
                        .await?;
                }
                Ok(())
            }

            async fn remember_device(&self, token_hash: &str, email: &str, expires_at: DateTime<Utc>, now: DateTime<Utc>) -> StoreResult<()> {
                let _guard = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                sqlx::query("DELETE FROM known_devices WHERE expires_at <= $1").bind(now.timestamp()).execute(&mut *tx).await?;
                sqlx::query(
                    "INSERT INTO known_devices (token_hash, email, created_at, expires_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (token_hash) DO UPDATE SET email = excluded.email, expires_at = excluded.expires_at",
                )
                .bind(token_hash)
                .bind(email.chars().take(254).collect::<String>())
                .bind(now.timestamp())
                .bind(expires_at.timestamp())
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn known_device(&self, token_hash: &str, email: &str, now: DateTime<Utc>) -> StoreResult<bool> {
                let found = sqlx::query("SELECT 1 FROM known_devices WHERE token_hash = $1 AND email = $2 AND expires_at > $3")
                    .bind(token_hash)
                    .bind(email)
                    .bind(now.timestamp())
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(found.is_some())
            }

            async fn audit(&self, entry: NewAuditEntry, now: DateTime<Utc>) -> StoreResult<()> {
                let _guard = self.write_guard().await;
                let mut conn = self.pool.acquire().await?;
                Self::audit_in(&mut conn, &entry, now).await
            }

            async fn audit_log(&self, filter: &AuditFilter, page: PageRequest) -> StoreResult<Page<AuditEntry>> {
                let mut c = Conditions::new();
                if let Some(id) = filter.user_id {
                    c.add("user_id = ?", Param::Int(id));
                }
                if let Some(action) = filter.action.as_deref().filter(|a| !a.is_empty()) {
                    c.add("action = ?", Param::Text(action.to_owned()));
                }
                if let Some(entity) = filter.entity.as_deref().filter(|e| !e.is_empty()) {
                    c.add("entity = ?", Param::Text(entity.to_owned()));
                }
                let where_clause = c.where_clause();
                let mut conn = self.pool.acquire().await?;
                let count_sql = format!("SELECT COUNT(*) FROM audit_log {where_clause}");
                let total: i64 = Self::bind_params(sqlx::query(&count_sql), &c.params)
                    .fetch_one(&mut *conn)
                    .await?
                    .try_get(0)?;
                let sql = format!(
                    "SELECT id, at, user_id, actor, action, entity, entity_id, detail, address FROM audit_log \
                     {where_clause} ORDER BY id DESC LIMIT {} OFFSET {}",
                    c.next_placeholder(1),
                    c.next_placeholder(2)
                );
                let items = Self::bind_params(sqlx::query(&sql), &c.params)
                    .bind(i64::from(page.per_page))
                    .bind(page.offset())
                    .fetch_all(&mut *conn)
                    .await?
                    .iter()
                    .map(|row| {
                        Ok(AuditEntry {
                            id: row.try_get("id")?,
                            at: time(row.try_get("at")?)?,
                            user_id: row.try_get("user_id")?,
                            actor: row.try_get("actor")?,
                            action: row.try_get("action")?,
                            entity: row.try_get("entity")?,
                            entity_id: row.try_get("entity_id")?,
                            detail: row.try_get("detail")?,
                            address: row.try_get("address")?,
                        })
                    })
                    .collect::<StoreResult<Vec<_>>>()?;
                Ok(Page { items, total: u64::try_from(total).unwrap_or(0), request: page })
            }

            // -------------------------------------------------------- newsroom: two-factor

            async fn two_factor(&self, user_id: i64) -> StoreResult<Option<TwoFactorState>> {
                let Some(row) = sqlx::query(
                    "SELECT two_factor, totp_secret, totp_pending, totp_last_step, two_factor_since, \
                     (SELECT COUNT(*) FROM recovery_codes r WHERE r.user_id = users.id AND r.used_at IS NULL) AS codes_left \
                     FROM users WHERE id = $1",
                )
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?
                else {
                    return Ok(None);
                };
                let codes_left: i64 = row.try_get("codes_left")?;
                Ok(Some(TwoFactorState {
                    enabled: row.try_get("two_factor")?,
                    secret: row.try_get("totp_secret")?,
                    pending: row.try_get("totp_pending")?,
                    last_step: row.try_get("totp_last_step")?,
                    since: opt_time(row.try_get("two_factor_since")?)?,
                    recovery_codes_left: u32::try_from(codes_left).unwrap_or(0),
                }))
            }

            async fn begin_two_factor(&self, user_id: i64, secret: &str) -> StoreResult<()> {
                let _guard = self.write_guard().await;
                let changed = sqlx::query("UPDATE users SET totp_pending = $1 WHERE id = $2")
                    .bind(secret)
                    .bind(user_id)
                    .execute(&self.pool)
                    .await?
                    .rows_affected();
                if changed == 0 {
                    return Err(StoreError::NotFound);
                }
                Ok(())
            }

            async fn enable_two_factor(
                &self,
                user_id: i64,
                secret: &str,
                step: i64,
                recovery_code_hashes: &[String],
                now: DateTime<Utc>,
            ) -> StoreResult<()> {
                let _guard = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let changed = sqlx::query(
                    "UPDATE users SET two_factor = TRUE, totp_secret = totp_pending, totp_pending = NULL, \
                     totp_last_step = $1, two_factor_since = $2 WHERE id = $3 AND totp_pending = $4",
                )
                .bind(step)
                .bind(now.timestamp())
                .bind(user_id)
                .bind(secret)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if changed == 0 {
                    return Err(StoreError::Stale(
                        "two-factor set-up was started again (in another tab?); use the newest code shown".into(),
                    ));
                }
                Self::write_recovery_codes(&mut tx, user_id, recovery_code_hashes, now).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn disable_two_factor(&self, user_id: i64) -> StoreResult<bool> {
                let _guard = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let Some(row) = sqlx::query("SELECT two_factor FROM users WHERE id = $1")
                    .bind(user_id)
                    .fetch_optional(&mut *tx)
                    .await?
                else {
                    return Err(StoreError::NotFound);
                };
                let was_on: bool = row.try_get("two_factor")?;
                sqlx::query(
                    "UPDATE users SET two_factor = FALSE, totp_secret = NULL, totp_pending = NULL, \
                     totp_last_step = NULL, two_factor_since = NULL WHERE id = $1",
                )
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
                sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
                sqlx::query("DELETE FROM login_challenges WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(was_on)
            }

            async fn accept_totp_step(&self, user_id: i64, step: i64) -> StoreResult<bool> {
                let _guard = self.write_guard().await;
                Ok(sqlx::query(
                    "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND two_factor = TRUE \
                     AND (totp_last_step IS NULL OR totp_last_step < $1)",
                )
                .bind(step)
                .bind(user_id)
                .execute(&self.pool)
                .await?
                .rows_affected()
                    == 1)
            }

            async fn replace_recovery_codes(&self, user_id: i64, hashes: &[String], now: DateTime<Utc>) -> StoreResult<()> {
                let _guard = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                Self::write_recovery_codes(&mut tx, user_id, hashes, now).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn use_recovery_code(&self, user_id: i64, hash: &str, now: DateTime<Utc>) -> StoreResult<bool> {
                let _guard = self.write_guard().await;
                // One statement: two sign-ins racing with the same code cannot both use it.
                Ok(sqlx::query(
                    "UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
                )
                .bind(now.timestamp())
                .bind(user_id)
                .bind(hash)
                .execute(&self.pool)
                .await?
                .rows_affected()
                    >= 1)
            }

            async fn create_login_challenge(&self, challenge: NewLoginChallenge, now: DateTime<Utc>) -> StoreResult<()> {
                let _guard = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                sqlx::query("DELETE FROM login_challenges WHERE expires_at <= $1").bind(now.timestamp()).execute(&mut *tx).await?;
                sqlx::query(
                    "INSERT INTO login_challenges (token_hash, user_id, csrf_token, next, address, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(&challenge.token_hash)
                .bind(challenge.user_id)
                .bind(&challenge.csrf_token)
                .bind(&challenge.next)
                .bind(&challenge.address)
                .bind(now.timestamp())
                .bind(challenge.expires_at.timestamp())
                .execute(&mut *tx)
                .await
                .map_err(|e| Self::reference_error(e, "person"))?;
                tx.commit().await?;
                Ok(())
            }

            async fn login_challenge(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<LoginChallenge>> {
                sqlx::query(
                    "SELECT c.user_id, c.csrf_token, c.next, c.address, c.expires_at FROM login_challenges c \
                     JOIN users u ON u.id = c.user_id \
                     WHERE c.token_hash = $1 AND c.expires_at > $2 AND u.disabled = FALSE",
                )
                .bind(token_hash)
                .bind(now.timestamp())
                .fetch_optional(&self.pool)
                .await?
                .map(|row| {
                    Ok(LoginChallenge {
                        user_id: row.try_get("user_id")?,
                        csrf_token: row.try_get("csrf_token")?,
                        next: row.try_get("next")?,
                        address: row.try_get("address")?,
                        expires_at: time(row.try_get("expires_at")?)?,
                    })
                })
                .transpose()
            }

            async fn delete_login_challenge(&self, token_hash: &str) -> StoreResult<()> {
                let _guard = self.write_guard().await;
                sqlx::query("DELETE FROM login_challenges WHERE token_hash = $1").bind(token_hash).execute(&self.pool).await?;
                Ok(())
            }

            // -------------------------------------------------------- newsroom: articles

            async fn newsroom_articles(&self, filter: &NewsroomFilter, page: PageRequest) -> StoreResult<Page<NewsroomArticle>> {
                let mut c = Conditions::new();
                if let Some(user_id) = filter.readable_by {
                    c.add(
                        "(a.status = 'published' OR a.owner_user_id = ? OR a.id IN \
                         (SELECT aa.article_id FROM article_authors aa JOIN users u ON u.author_id = aa.author_id WHERE u.id = ?))",
                        Param::Int(user_id),
                    );
                }
                if let Some(status) = filter.status {
                    c.add("a.status = ?", Param::Text(status.as_str().to_owned()));
                }
                if let Some(id) = filter.section_id {
                    c.add("a.section_id = ?", Param::Int(id));
                }
                if let Some(id) = filter.author_id {
                    c.add("a.id IN (SELECT article_id FROM article_authors WHERE author_id = ?)", Param::Int(id));
                }
                if let Some(language) = filter.language {
                    c.add("a.language = ?", Param::Text(language.code().to_owned()));
                }
                if let Some(text) = &filter.text {
                    for word in text.split_whitespace().take(8) {
                        let pattern = format!("%{}%", escape_like(&word.to_lowercase()));
                        c.add(
                            "(LOWER(a.headline) LIKE ? ESCAPE '\\' OR LOWER(a.standfirst) LIKE ? ESCAPE '\\' \
                             OR a.id IN (SELECT article_id FROM article_bodies WHERE LOWER(body_markdown) LIKE ? ESCAPE '\\'))",
                            Param::Text(pattern),
                        );
                    }
                }
                let order = match filter.sort {
                    NewsroomSort::Modified => "a.modified_at DESC, a.id DESC",
                    NewsroomSort::Published => "(a.published_at IS NULL), a.published_at DESC, a.id DESC",
                    NewsroomSort::Headline => "LOWER(a.headline), a.id",
                };
                let where_clause = c.where_clause();
                let mut conn = self.pool.acquire().await?;
                let total: i64 = Self::bind_params(sqlx::query(&format!("SELECT COUNT(*) FROM articles a {where_clause}")), &c.params)
                    .fetch_one(&mut *conn)
                    .await?
                    .try_get(0)?;
                let sql = format!(
                    "SELECT {SUMMARY_COLUMNS}, a.status, a.language, a.modified_at FROM articles a \
                     JOIN sections s ON s.id = a.section_id {where_clause} ORDER BY {order} LIMIT {} OFFSET {}",
                    c.next_placeholder(1),
                    c.next_placeholder(2)
                );
                let rows = Self::bind_params(sqlx::query(&sql), &c.params)
                    .bind(i64::from(page.per_page))
                    .bind(page.offset())
                    .fetch_all(&mut *conn)
                    .await?;
                let summaries = rows.iter().map(Self::summary_from_row).collect::<StoreResult<Vec<_>>>()?;
                let summaries = Self::with_bylines(&mut conn, summaries).await?;
                let items = summaries
                    .into_iter()
                    .zip(rows.iter())
                    .map(|(summary, row)| {
                        let status: String = row.try_get("status")?;
                        let language: String = row.try_get("language")?;
                        Ok(NewsroomArticle {
                            summary,
                            status: status_of(&status)?,
                            language: Language::parse(&language).map_err(|e| StoreError::Invalid(e.to_string()))?,
                            modified_at: time(row.try_get("modified_at")?)?,
                        })
                    })
                    .collect::<StoreResult<Vec<_>>>()?;
                Ok(Page { items, total: u64::try_from(total).unwrap_or(0), request: page })
            }

            async fn article_workflow(&self, id: i64) -> StoreResult<Option<ArticleWorkflow>> {
                let Some(row) = sqlx::query(
                    "SELECT owner_user_id, embargo_until, takedown_at, \
                     (SELECT MAX(r.id) FROM revisions r WHERE r.article_id = $1) AS latest_revision \
                     FROM articles WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(&self.pool)
                .await?
                else {
                    return Ok(None);
                };
                Ok(Some(ArticleWorkflow {
                    owner_user_id: row.try_get("owner_user_id")?,
                    embargo_until: opt_time(row.try_get("embargo_until")?)?,
                    takedown_at: opt_time(row.try_get("takedown_at")?)?,
                    latest_revision: row.try_get("latest_revision")?,
                }))
            }

            async fn newsroom_create_article(&self, article: NewArticle, actor: &Actor, now: DateTime<Utc>) -> StoreResult<Article> {
                article.validate().map_err(|e| StoreError::Invalid(e.to_string()))?;
                let body_html = markdown::render(&article.body_markdown);
                let _guard = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let id = Self::insert_article(&mut tx, &article, &body_html, now).await?;
                sqlx::query("UPDATE articles SET owner_user_id = $1 WHERE id = $2")
                    .bind(actor.user_id)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                Self::write_revision(&mut tx, id, actor, "created", now).await?;
                Self::record_change(&mut tx, "article", Some(id), "created", now).await?;
                let created = Self::load_article(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
                tx.commit().await?;
                Ok(created)
            }

            async fn newsroom_save_article(
                &self,
                id: i64,
                article: NewArticle,
                base_revision: Option<i64>,
                actor: &Actor,
                note: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<(Article, i64)> {
                article.validate().map_err(|e| StoreError::Invalid(e.to_string()))?;
                let body_html = markdown::render(&article.body_markdown);
                let _guard = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                // Checked inside the write transaction, so two saves cannot both pass it.
                let newer = sqlx::query(
                    "SELECT id, user_name, created_at FROM revisions WHERE article_id = $1 AND id > $2 \
                     AND (user_id IS NULL OR user_id <> $3) ORDER BY id DESC LIMIT 1",
                )
                .bind(id)
                .bind(base_revision.unwrap_or(0))
                .bind(actor.user_id.unwrap_or(0))
                .fetch_optional(&mut *tx)
                .await?;
                if let Some(row) = newer {
                    let name: String = row.try_get("user_name")?;
                    let at = time(row.try_get("created_at")?)?;
                    return Err(StoreError::Stale(format!(
                        "{name} saved this article at {} UTC, after you opened it",
                        at.format("%H:%M:%S on %-d %b %Y")
                    )));
                }
                Self::apply_update(&mut tx, id, &article, &body_html, now).await?;
                let revision = Self::write_revision(&mut tx, id, actor, note, now).await?;
                Self::record_change(&mut tx, "article", Some(id), "updated", now).await?;
                let saved = Self::load_article(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
                tx.commit().await?;
                Ok((saved, revision))
            }

            async fn change_article_status(&self, id: i64, change: StatusChange, now: DateTime<Utc>) -> StoreResult<Article> {
                let _guard = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let changed = sqlx::query(
                    "UPDATE articles SET status = $1, published_at = $2, embargo_until = $3, takedown_at = $4, \
                     modified_at = $5 WHERE id = $6 AND status = $7",
                )
                .bind(change.status.as_str())
                .bind(change.published_at.map(|t| t.timestamp()))
                .bind(change.embargo_until.map(|t| t.timestamp()))
                .bind(change.takedown_at.map(|t| t.timestamp()))
                .bind(now.timestamp())
                .bind(id)
                .bind(change.expected.as_str())
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if changed == 0 {
                    return match Self::load_article(&mut tx, id).await? {
                        None => Err(StoreError::NotFound),
                        Some(a) => Err(StoreError::Stale(format!(
                            "the article is now {} (someone changed it meanwhile)",
                            a.status.as_str().replace('_', " ")
                        ))),
                    };
                }
                Self::record_change(&mut tx, "article", Some(id), change.status.as_str(), now).await?;
                let article = Self::load_article(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
                tx.commit().await?;
                Ok(article)
            }

            async fn run_due_work(&self, now: DateTime<Utc>) -> StoreResult<DueWork> {
                let _guard = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                // The status in the WHERE clause is the lease: on PostgreSQL a second node's UPDATE
                // waits for the first to commit and then finds the row no longer scheduled; SQLite has
                // one writer. So every article moves exactly once.
                let published = sqlx::query(
                    "UPDATE articles SET status = 'published', modified_at = $1 WHERE status = 'scheduled' \
                     AND published_at <= $1 AND (embargo_until IS NULL OR embargo_until <= $1) RETURNING id",
                )
                .bind(now.timestamp())
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(|row| row.try_get::<i64, _>(0))
                .collect::<Result<Vec<_>, _>>()?;
                // Candidates come from the takedown index (migration 0009); asked as one WHERE clause,
                // SQLite's planner prefers the status index and reads every published article.
                let taken_down = sqlx::query(
                    "UPDATE articles SET status = 'unpublished', takedown_at = NULL, modified_at = $1 \
                     WHERE id IN (SELECT id FROM articles WHERE takedown_at IS NOT NULL AND takedown_at <= $1) \
                     AND status = 'published' RETURNING id",
                )
                .bind(now.timestamp())
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(|row| row.try_get::<i64, _>(0))
                .collect::<Result<Vec<_>, _>>()?;
                for (ids, action) in [(&published, "publish"), (&taken_down, "unpublish")] {
                    for id in ids {
                        let status = if action == "publish" { "published" } else { "unpublished" };
                        Self::record_change(&mut tx, "article", Some(*id), status, now).await?;
                        let entry = NewAuditEntry {
                            actor: Actor::scheduler(),
                            action: action.into(),
                            entity: "article".into(),
                            entity_id: Some(*id),
                            detail: "on schedule".into(),
                        };
                        Self::audit_in(&mut tx, &entry, now).await?;
                    }
                }
                tx.commit().await?;
                Ok(DueWork { published, taken_down })
            }

            async fn revisions(&self, article_id: i64) -> StoreResult<Vec<Revision>> {
                sqlx::query(&format!("SELECT id, {REVISION_INSERT_COLUMNS} FROM revisions WHERE article_id = $1 ORDER BY id DESC"))
                    .bind(article_id)
                    .fetch_all(&self.pool)
                    .await?
                    .iter()
                    .map(Self::revision_from_row)
                    .collect()
            }

            async fn revision(&self, id: i64) -> StoreResult<Option<Revision>> {
                sqlx::query(&format!("SELECT id, {REVISION_INSERT_COLUMNS} FROM revisions WHERE id = $1"))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?
                    .map(|row| Self::revision_from_row(&row))
                    .transpose()
            }

            async fn mark_editing(&self, article_id: i64, user_id: i64, since: DateTime<Utc>, now: DateTime<Utc>) -> StoreResult<Vec<OtherEditor>> {
                {
                    let _guard = self.write_guard().await;
                    sqlx::query(
                        "INSERT INTO article_editors (article_id, user_id, seen_at) VALUES ($1, $2, $3) \
                         ON CONFLICT (article_id, user_id) DO UPDATE SET seen_at = excluded.seen_at",
                    )
                    .bind(article_id)
                    .bind(user_id)
                    .bind(now.timestamp())
                    .execute(&self.pool)
                    .await
                    .map_err(|e| Self::reference_error(e, "article"))?;
                }
                sqlx::query(
                    "SELECT e.user_id, u.name, e.seen_at FROM article_editors e JOIN users u ON u.id = e.user_id \
                     WHERE e.article_id = $1 AND e.user_id <> $2 AND e.seen_at >= $3 ORDER BY e.seen_at DESC",
                )
                .bind(article_id)
                .bind(user_id)
                .bind(since.timestamp())
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|row| {
                    Ok(OtherEditor {
                        user_id: row.try_get("user_id")?,
                        name: row.try_get("name")?,
                        seen_at: time(row.try_get("seen_at")?)?,
                    })
                })
                .collect()
            }

            async fn add_correction(&self, article_id: i64, kind: CorrectionKind, text: &str, actor: &Actor, now: DateTime<Utc>) -> StoreResult<Correction> {
                let text = clean_text(text);
                if text.is_empty() {
                    return Err(StoreError::Invalid("a note needs some text".into()));
                }
                let _guard = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let touched = sqlx::query("UPDATE articles SET updated_at = $1, modified_at = $1 WHERE id = $2")
                    .bind(now.timestamp())
                    .bind(article_id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if touched == 0 {
                    return Err(StoreError::NotFound);
                }
                let row = sqlx::query(
                    "INSERT INTO corrections (article_id, kind, body, created_at, user_id) VALUES ($1, $2, $3, $4, $5) \
                     RETURNING id, article_id, kind, body, created_at",
                )
                .bind(article_id)
                .bind(kind.as_str())
                .bind(&text)
                .bind(now.timestamp())
                .bind(actor.user_id)
                .fetch_one(&mut *tx)
                .await?;
                let correction = Self::correction_from_row(&row)?;
                Self::record_change(&mut tx, "article", Some(article_id), "corrected", now).await?;
                tx.commit().await?;
                Ok(correction)
            }

            async fn corrections(&self, article_id: i64) -> StoreResult<Vec<Correction>> {
                sqlx::query(ARTICLE_CORRECTIONS)
                .bind(article_id)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(Self::correction_from_row)
                .collect()
            }

            async fn published_corrections(&self, page: PageRequest, now: DateTime<Utc>) -> StoreResult<Page<ListedCorrection>> {
                let visible = "FROM corrections c JOIN articles a ON a.id = c.article_id JOIN sections s ON s.id = a.section_id \
                     WHERE c.kind = 'correction' AND a.status = 'published' AND a.published_at <= $1";
                let mut conn = self.pool.acquire().await?;
                let total: i64 = sqlx::query(&format!("SELECT COUNT(*) {visible}"))
                    .bind(now.timestamp())
                    .fetch_one(&mut *conn)
                    .await?
                    .try_get(0)?;
                let rows = sqlx::query(&format!(
                    "SELECT {SUMMARY_COLUMNS}, c.id AS correction_id, c.kind, c.body, c.created_at AS correction_at \
                     {visible} ORDER BY c.created_at DESC, c.id DESC LIMIT $2 OFFSET $3"
                ))
                .bind(now.timestamp())
                .bind(i64::from(page.per_page))
                .bind(page.offset())
                .fetch_all(&mut *conn)
                .await?;
                let summaries = rows.iter().map(Self::summary_from_row).collect::<StoreResult<Vec<_>>>()?;
                let summaries = Self::with_bylines(&mut conn, summaries).await?;
                let items = summaries
                    .into_iter()
                    .zip(rows.iter())
                    .map(|(article, row)| {
                        Ok(ListedCorrection {
                            correction: Correction {
                                id: row.try_get("correction_id")?,
                                article_id: article.id,
                                kind: CorrectionKind::Correction,
                                text: row.try_get("body")?,
                                created_at: time(row.try_get("correction_at")?)?,
                            },
                            article,
                        })
                    })
                    .collect::<StoreResult<Vec<_>>>()?;
                Ok(Page { items, total: u64::try_from(total).unwrap_or(0), request: page })
            }

            // -------------------------------------------------------- newsroom: sections and tags

            async fn update_section(&self, id: i64, section: NewSection) -> StoreResult<Section> {
                let name = clean_text(&section.name);
                if name.is_empty() {
                    return Err(StoreError::Invalid("a section needs a name".into()));
                }
                section.slug.check_section_slug().map_err(|e| StoreError::Invalid(e.to_string()))?;
                let _guard = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let row = sqlx::query(
                    "UPDATE sections SET slug = $1, name = $2, description = $3, position = $4 WHERE id = $5 \
                     RETURNING id, slug, name, description, position",
                )
                .bind(section.slug.as_str())
                .bind(&name)
                .bind(clean_text(&section.description))
                .bind(section.position)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(|e| conflict_if_taken(e, || format!("a section with the address {}", section.slug)))?
                .ok_or(StoreError::NotFound)?;
                let updated = Self::section_from_row(&row, "")?;
                Self::record_change(&mut tx, "section", Some(id), "updated", Utc::now()).await?;
                tx.commit().await?;
                Ok(updated)
            }

            async fn tags_with_counts(&self) -> StoreResult<Vec<(Tag, u64)>> {
                sqlx::query(
                    "SELECT t.id, t.slug, t.name, COUNT(at.article_id) AS articles FROM tags t \
                     LEFT JOIN article_tags at ON at.tag_id = t.id GROUP BY t.id, t.slug, t.name ORDER BY LOWER(t.name), t.id",
                )
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|row| {
                    let n: i64 = row.try_get("articles")?;
                    Ok((Self::tag_from_row(row)?, u64::try_from(n).unwrap_or(0)))
                })
                .collect()
            }

            async fn rename_tag(&self, id: i64, name: &str) -> StoreResult<Tag> {
                let name = clean_text(name);
                if name.is_empty() {
                    return Err(StoreError::Invalid("a tag needs a name".into()));
                }
                let _guard = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let row = sqlx::query("UPDATE tags SET name = $1 WHERE id = $2 RETURNING id, slug, name")
                    .bind(&name)
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                let tag = Self::tag_from_row(&row)?;
                Self::record_change(&mut tx, "tag", Some(id), "updated", Utc::now()).await?;
                tx.commit().await?;
                Ok(tag)
            }

            async fn delete_tag(&self, id: i64) -> StoreResult<()> {
                let _guard = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                sqlx::query("DELETE FROM article_tags WHERE tag_id = $1").bind(id).execute(&mut *tx).await?;
                let deleted = sqlx::query("DELETE FROM tags WHERE id = $1").bind(id).execute(&mut *tx).await?.rows_affected();
                if deleted == 0 {
                    return Err(StoreError::NotFound);
                }
                Self::record_change(&mut tx, "tag", Some(id), "deleted", Utc::now()).await?;
                tx.commit().await?;
                Ok(())
            }

            // ------------------------------------------------------------ media library

            async fn insert_media(&self, media: NewMedia, now: DateTime<Utc>) -> StoreResult<Media> {
                if media.variants.is_empty() {
                    return Err(StoreError::Invalid("an image needs at least one stored file".into()));
                }
                let _guard = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let id: i64 = sqlx::query(
                    "INSERT INTO media (hash, original_name, mime, width, height, alt, caption, credit, created_at, created_by) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                )
                .bind(&media.hash)
                .bind(clean_text(&media.original_name))
                .bind(&media.mime)
                .bind(i64::from(media.width))
                .bind(i64::from(media.height))
                .bind(clean_text(&media.alt))
                .bind(clean_text(&media.caption))
                .bind(clean_text(&media.credit))
                .bind(now.timestamp())
                .bind(media.created_by)
                .fetch_one(&mut *tx)
                .await?
                .try_get(0)?;
                for v in &media.variants {
                    sqlx::query(
                        "INSERT INTO media_variants (media_id, width, height, format, key, bytes) VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(id)
                    .bind(i64::from(v.width))
                    .bind(i64::from(v.height))
                    .bind(&v.format)
                    .bind(&v.key)
                    .bind(i64::try_from(v.bytes).unwrap_or(i64::MAX))
                    .execute(&mut *tx)
                    .await?;
                }
                Self::record_change(&mut tx, "media", Some(id), "created", now).await?;
                tx.commit().await?;
                self.media(id).await?.ok_or(StoreError::NotFound)
            }

            async fn media(&self, id: i64) -> StoreResult<Option<Media>> {
                let mut conn = self.pool.acquire().await?;
                let Some(row) = sqlx::query(&format!("SELECT {MEDIA_COLUMNS} FROM media m WHERE m.id = $1"))
                    .bind(id)
                    .fetch_optional(&mut *conn)
                    .await?
                else {
                    return Ok(None);
                };
                let mut media = vec![Self::media_from_row(&row)?];
                Self::attach_variants(&mut conn, &mut media).await?;
                Ok(media.pop())
            }

            async fn media_list(&self, page: PageRequest) -> StoreResult<Page<Media>> {
                let mut conn = self.pool.acquire().await?;
                let total: i64 = sqlx::query("SELECT COUNT(*) FROM media").fetch_one(&mut *conn).await?.try_get(0)?;
                let mut items = sqlx::query(&format!(
                    "SELECT {MEDIA_COLUMNS} FROM media m ORDER BY m.created_at DESC, m.id DESC LIMIT $1 OFFSET $2"
                ))
                .bind(i64::from(page.per_page))
                .bind(page.offset())
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(Self::media_from_row)
                .collect::<StoreResult<Vec<_>>>()?;
                Self::attach_variants(&mut conn, &mut items).await?;
                Ok(Page { items, total: u64::try_from(total).unwrap_or(0), request: page })
            }

            async fn update_media(&self, id: i64, text: MediaText, now: DateTime<Utc>) -> StoreResult<Media> {
                {
                    let _guard = self.write_guard().await;
                    let mut tx = self.begin_write().await?;
                    let updated = sqlx::query("UPDATE media SET alt = $1, caption = $2, credit = $3 WHERE id = $4")
                        .bind(clean_text(&text.alt))
                        .bind(clean_text(&text.caption))
                        .bind(clean_text(&text.credit))
                        .bind(id)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                    if updated == 0 {
                        return Err(StoreError::NotFound);
                    }
                    Self::record_change(&mut tx, "media", Some(id), "updated", now).await?;
                    // Pages that show the image as their featured one print its words.
                    let articles: Vec<i64> = sqlx::query("SELECT id FROM articles WHERE featured_media_id = $1")
                        .bind(id)
                        .fetch_all(&mut *tx)
                        .await?
                        .iter()
                        .map(|row| row.try_get(0))
                        .collect::<Result<_, _>>()?;
                    for article in articles {
                        Self::record_change(&mut tx, "article", Some(article), "updated", now).await?;
                    }
                    tx.commit().await?;
                }
                self.media(id).await?.ok_or(StoreError::NotFound)
            }

            async fn media_keys(&self) -> StoreResult<Vec<String>> {
                sqlx::query("SELECT key FROM media_variants ORDER BY key")
                    .fetch_all(&self.pool)
                    .await?
                    .iter()
                    .map(|row| Ok(row.try_get(0)?))
                    .collect()
            }

            async fn set_featured_media(&self, article_id: i64, media_id: Option<i64>, now: DateTime<Utc>) -> StoreResult<()> {
                let _guard = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                if let Some(media_id) = media_id {
                    let exists = sqlx::query("SELECT id FROM media WHERE id = $1").bind(media_id).fetch_optional(&mut *tx).await?;
                    if exists.is_none() {
                        return Err(StoreError::Invalid(format!("there is no image {media_id} in the media library")));
                    }
                }
                let updated = sqlx::query("UPDATE articles SET featured_media_id = $1 WHERE id = $2")
                    .bind(media_id)
                    .bind(article_id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if updated == 0 {
                    return Err(StoreError::NotFound);
                }
                Self::record_change(&mut tx, "article", Some(article_id), "updated", now).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn featured_media(&self, article_ids: &[i64]) -> StoreResult<std::collections::HashMap<i64, Media>> {
                let mut out = std::collections::HashMap::new();
                if article_ids.is_empty() {
                    return Ok(out);
                }
                let placeholders = (1..=article_ids.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
                let sql = format!(
                    "SELECT a.id AS article_id, {MEDIA_COLUMNS} FROM articles a JOIN media m ON m.id = a.featured_media_id \
                     WHERE a.id IN ({placeholders})"
                );
                let mut query = sqlx::query(&sql);
                for id in article_ids {
                    query = query.bind(*id);
                }
                let mut conn = self.pool.acquire().await?;
                let rows = query.fetch_all(&mut *conn).await?;
                let mut owners = Vec::with_capacity(rows.len());
                let mut media = Vec::with_capacity(rows.len());
                for row in &rows {
                    owners.push(row.try_get::<i64, _>("article_id")?);
                    media.push(Self::media_from_row(row)?);
                }
                Self::attach_variants(&mut conn, &mut media).await?;
                out.extend(owners.into_iter().zip(media));
                Ok(out)
            }

            async fn close(&self) {
                self.pool.close().await;
                self.close_readers();
            }
        }
    };
}

sql_store!(
    SqliteStore,
    sqlx::Sqlite,
    sqlx::SqliteConnection,
    sqlx::sqlite::SqliteRow,
    Backend::Sqlite,
    {
        async fn article_page(
            &self,
            slug: &str,
            related: u32,
            now: DateTime<Utc>,
        ) -> StoreResult<ArticlePage> {
            // On a blocking thread: SQLite calls can wait (a lock, a slow disk), and an async
            // worker that waits stalls every request it serves, cached pages included.
            let _reading = self
                .page_reads
                .acquire()
                .await
                .map_err(|_| StoreError::Unavailable("the database is closed".into()))?;
            let (pages, slug) = (self.pages.clone(), slug.to_owned());
            tokio::task::spawn_blocking(move || pages.article_page(&slug, related, now))
                .await
                .map_err(|e| StoreError::Unavailable(format!("page read did not finish: {e}")))?
        }
    }
);
sql_store!(
    PostgresStore,
    sqlx::Postgres,
    sqlx::PgConnection,
    sqlx::postgres::PgRow,
    Backend::Postgres,
    {}
);
