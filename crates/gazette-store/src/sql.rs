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

use crate::{
    ArticleFilter, ArticleLookup, Backend, Change, NewAuthor, NewSection, Page, PageRequest, Store,
    StoreError, StoreResult, ViewIncrement,
};
use crate::{PublishedLink, SitemapChunk, SynonymGroup, clean_synonym_terms};

/// The embedded-database store: one SQLite file in WAL mode.
pub struct SqliteStore {
    pool: SqlitePool,
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
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(max_connections.max(1))
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(Self {
            pool,
            write_lock: Mutex::new(()),
        })
    }

    async fn write_guard(&self) -> Option<MutexGuard<'_, ()>> {
        Some(self.write_lock.lock().await)
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
}

const SUMMARY_COLUMNS: &str = "a.id, a.slug, a.headline, a.standfirst, a.published_at, \
     a.updated_at, a.view_total, s.slug AS section_slug, s.name AS section_name";

const ARTICLE_COLUMNS: &str = "a.id, a.language, a.slug, a.headline, a.standfirst, \
     a.body_markdown, a.body_html, a.status, a.published_at, a.updated_at, a.created_at, \
     a.view_total, a.seo_title, a.seo_description, \
     s.id AS section_id, s.slug AS section_slug, s.name AS section_name, \
     s.description AS section_description, s.position AS section_position";

const SLUG_TAKEN: &str = "SELECT article_id FROM article_slug_history WHERE slug = $1 \
     UNION ALL SELECT id FROM articles WHERE slug = $1";

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
        if let Some(text) = &filter.text {
            for word in text.split_whitespace().take(8) {
                let pattern = format!("%{}%", escape_like(&word.to_lowercase()));
                c.add(
                    "(LOWER(a.headline) LIKE ? ESCAPE '\\' OR LOWER(a.standfirst) LIKE ? ESCAPE '\\' \
                     OR LOWER(a.body_markdown) LIKE ? ESCAPE '\\')",
                    Param::Text(pattern),
                );
            }
        }
        c
    }
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

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}

macro_rules! sql_store {
    ($store:ty, $db:ty, $conn:ty, $row:ty, $backend:expr) => {
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

            async fn record_change(
                conn: &mut $conn,
                entity: &str,
                entity_id: Option<i64>,
                action: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<()> {
                sqlx::query("INSERT INTO changes (entity, entity_id, action, at) VALUES ($1, $2, $3, $4)")
                    .bind(entity)
                    .bind(entity_id)
                    .bind(action)
                    .bind(now.timestamp())
                    .execute(&mut *conn)
                    .await?;
                Ok(())
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
                let sql = format!(
                    "SELECT {ARTICLE_COLUMNS} FROM articles a JOIN sections s ON s.id = a.section_id WHERE a.id = $1"
                );
                let Some(row) = sqlx::query(&sql).bind(id).fetch_optional(&mut *conn).await? else {
                    return Ok(None);
                };
                let authors = sqlx::query(
                    "SELECT au.id, au.slug, au.name, au.bio, au.is_house FROM article_authors aa \
                     JOIN authors au ON au.id = aa.author_id WHERE aa.article_id = $1 ORDER BY aa.position",
                )
                .bind(id)
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(Self::author_from_row)
                .collect::<StoreResult<Vec<_>>>()?;
                let tags = sqlx::query(
                    "SELECT t.id, t.slug, t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id \
                     WHERE at.article_id = $1 ORDER BY at.position",
                )
                .bind(id)
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(Self::tag_from_row)
                .collect::<StoreResult<Vec<_>>>()?;
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
                let sql = format!(
                    "SELECT {ARTICLE_COLUMNS} FROM articles a JOIN sections s ON s.id = a.section_id \
                     WHERE a.id IN ({placeholders})"
                );
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
                let mut tx = self.pool.begin().await?;
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
                let _guard = self.write_guard().await;
                let mut tx = self.pool.begin().await?;
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
                .map_err(|e| {
                    if is_unique_violation(&e) {
                        StoreError::Conflict(format!("a section with the address {}", section.slug))
                    } else {
                        e.into()
                    }
                })?;
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
                let mut tx = self.pool.begin().await?;
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
                .map_err(|e| {
                    if is_unique_violation(&e) {
                        StoreError::Conflict(format!("an author with the address {}", author.slug))
                    } else {
                        e.into()
                    }
                })?;
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
                let mut tx = self.pool.begin().await?;
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
                let mut tx = self.pool.begin().await?;
                let slug = Self::free_slug(&mut tx, &article).await?;
                let id: i64 = sqlx::query(
                    "INSERT INTO articles (language, slug, headline, standfirst, body_markdown, body_html, \
                     section_id, status, published_at, updated_at, created_at, modified_at, seo_title, seo_description) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12, $13) RETURNING id",
                )
                .bind(article.language.code())
                .bind(slug.as_str())
                .bind(clean_text(&article.headline))
                .bind(clean_text(&article.standfirst))
                .bind(&article.body_markdown)
                .bind(&body_html)
                .bind(article.section_id)
                .bind(article.status.as_str())
                .bind(article.published_at.map(|t| t.timestamp()))
                .bind(article.updated_at.map(|t| t.timestamp()))
                .bind(now.timestamp())
                .bind(empty_to_none(article.seo_title.clone()))
                .bind(empty_to_none(article.seo_description.clone()))
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| Self::reference_error(e, "section"))?
                .try_get(0)?;
                Self::write_bylines_and_tags(&mut tx, id, &article).await?;
                Self::record_change(&mut tx, "article", Some(id), "created", now).await?;
                let created = Self::load_article(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
                tx.commit().await?;
                Ok(created)
            }

            async fn update_article(&self, id: i64, article: NewArticle, now: DateTime<Utc>) -> StoreResult<Article> {
                article.validate().map_err(|e| StoreError::Invalid(e.to_string()))?;
                let body_html = markdown::render(&article.body_markdown);
                let _guard = self.write_guard().await;
                let mut tx = self.pool.begin().await?;
                let current = Self::load_article(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
                let slug = match &article.slug {
                    Some(new_slug) if *new_slug != current.slug => {
                        match Self::slug_owner(&mut tx, new_slug.as_str()).await? {
                            Some(owner) if owner != id => {
                                return Err(StoreError::Conflict(format!("an article with the address {new_slug}")));
                            }
                            // Moving back to one of its own old slugs: it is current again.
                            _ => {
                                sqlx::query("DELETE FROM article_slug_history WHERE slug = $1")
                                    .bind(new_slug.as_str())
                                    .execute(&mut *tx)
                                    .await?;
                            }
                        }
                        sqlx::query("INSERT INTO article_slug_history (slug, article_id) VALUES ($1, $2)")
                            .bind(current.slug.as_str())
                            .bind(id)
                            .execute(&mut *tx)
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
                     body_markdown = $5, body_html = $6, section_id = $7, updated_at = $8, modified_at = $9, \
                     seo_title = $10, seo_description = $11 WHERE id = $12",
                )
                .bind(article.language.code())
                .bind(slug.as_str())
                .bind(clean_text(&article.headline))
                .bind(clean_text(&article.standfirst))
                .bind(&article.body_markdown)
                .bind(&body_html)
                .bind(article.section_id)
                .bind(updated_at.map(|t| t.timestamp()))
                .bind(now.timestamp())
                .bind(empty_to_none(article.seo_title.clone()))
                .bind(empty_to_none(article.seo_description.clone()))
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(|e| Self::reference_error(e, "section"))?;
                Self::write_bylines_and_tags(&mut tx, id, &article).await?;
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
                let mut tx = self.pool.begin().await?;
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
                let current: Option<i64> = sqlx::query("SELECT id FROM articles WHERE slug = $1")
                    .bind(slug)
                    .fetch_optional(&mut *conn)
                    .await?
                    .map(|row| row.try_get(0))
                    .transpose()?;
                if let Some(id) = current {
                    return Ok(match Self::load_article(&mut conn, id).await? {
                        Some(article) => ArticleLookup::Current(Box::new(article)),
                        None => ArticleLookup::NotFound,
                    });
                }
                let renamed = sqlx::query(
                    "SELECT a.slug, s.slug AS section_slug FROM article_slug_history h \
                     JOIN articles a ON a.id = h.article_id JOIN sections s ON s.id = a.section_id \
                     WHERE h.slug = $1",
                )
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
                let mut tx = self.pool.begin().await?;
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
                let mut tx = self.pool.begin().await?;
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
                let placeholders = (2..=ids.len() + 1).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
                let sql = format!(
                    "SELECT {SUMMARY_COLUMNS} FROM articles a JOIN sections s ON s.id = a.section_id \
                     WHERE a.status = 'published' AND a.published_at <= $1 AND a.id IN ({placeholders})"
                );
                let mut query = sqlx::query(&sql).bind(now.timestamp());
                for id in ids {
                    query = query.bind(*id);
                }
                let mut conn = self.pool.acquire().await?;
                let rows = query.fetch_all(&mut *conn).await?;
                let mut by_id = std::collections::HashMap::new();
                for row in &rows {
                    let summary = Self::summary_from_row(row)?;
                    by_id.insert(summary.id, summary);
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
                let mut tx = self.pool.begin().await?;
                let row = sqlx::query("INSERT INTO search_synonyms (terms) VALUES ($1) RETURNING id, terms")
                    .bind(terms.join(","))
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| {
                        if is_unique_violation(&e) {
                            StoreError::Conflict("that synonym group".into())
                        } else {
                            e.into()
                        }
                    })?;
                let group = Self::synonym_group_from_row(&row)?;
                Self::record_change(&mut tx, "synonyms", Some(group.id), "created", now).await?;
                tx.commit().await?;
                Ok(group)
            }

            async fn delete_synonym_group(&self, id: i64, now: DateTime<Utc>) -> StoreResult<()> {
                let _guard = self.write_guard().await;
                let mut tx = self.pool.begin().await?;
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

            async fn close(&self) {
                self.pool.close().await;
            }
        }
    };
}

sql_store!(
    SqliteStore,
    sqlx::Sqlite,
    sqlx::SqliteConnection,
    sqlx::sqlite::SqliteRow,
    Backend::Sqlite
);
sql_store!(
    PostgresStore,
    sqlx::Postgres,
    sqlx::PgConnection,
    sqlx::postgres::PgRow,
    Backend::Postgres
);
