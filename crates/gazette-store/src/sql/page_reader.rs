//! Reading an article page from SQLite in one step on the calling thread.
//!
//! sqlx runs every SQLite connection on a thread of its own and passes each query to it, and each
//! result back, through channels. An article page needs six small queries, so on a busy site most
//! of an uncached render went to waking threads and switching between them rather than to SQLite
//! (see bench/RESULTS.md). The reader here keeps its own read-only connections (rusqlite, on the
//! same bundled SQLite library) and runs the page's queries directly, inside one read transaction
//! so the page sees one consistent state of the database.
//!
//! The store runs it on a blocking thread (`spawn_blocking`): the queries are usually indexed
//! lookups answered in tens of microseconds, but SQLite can wait (a lock held during WAL recovery,
//! a slow disk), and a wait on an async worker stalls every request that worker serves, cached
//! pages included.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use gazette_core::newsroom::{Correction, CorrectionKind};
use gazette_core::{
    Article, ArticleSummary, Author, AuthorRef, Language, Section, SectionRef, Slug, Tag,
};
use rusqlite::{Connection, OpenFlags, OptionalExtension, Row, RowIndex, params};

use crate::{ArticleLookup, ArticlePage, Media, MediaVariant, StoreError, StoreResult};

// The statements an article page needs, kept here with the column positions the reader uses
// (looking each column up by name cost more than the query itself; a test below checks the
// positions against the lists). The sqlx path runs the same texts, reading the columns by name,
// so the fast path reads exactly what the ordinary one does.

pub(crate) const SUMMARY_COLUMNS: &str = "a.id, a.slug, a.headline, a.standfirst, a.published_at, \
     a.updated_at, a.view_total, s.slug AS section_slug, s.name AS section_name, a.language";

pub(crate) const ARTICLE_COLUMNS: &str = "a.id, a.language, a.slug, a.headline, a.standfirst, \
     b.body_markdown, b.body_html, a.status, a.published_at, a.updated_at, a.created_at, \
     a.view_total, a.seo_title, a.seo_description, \
     s.id AS section_id, s.slug AS section_slug, s.name AS section_name, \
     s.description AS section_description, s.position AS section_position, a.translation_of";

/// Where an article's full row comes from; `a`, `s` and `b` as [`ARTICLE_COLUMNS`] names them.
pub(crate) const ARTICLE_FROM: &str = "FROM articles a JOIN sections s ON s.id = a.section_id \
     JOIN article_bodies b ON b.article_id = a.id";

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

/// The media columns every media query reads, from `media m`.
pub(crate) const MEDIA_COLUMNS: &str = "m.id, m.hash, m.original_name, m.mime, m.width, m.height, \
     m.alt, m.caption, m.credit, m.created_at, m.created_by";

/// An article's featured image, by the article's id.
static FEATURED_MEDIA: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {MEDIA_COLUMNS} FROM articles a JOIN media m ON m.id = a.featured_media_id WHERE a.id = $1"
    )
});

/// One image's stored files, narrowest first, WebP first at each width.
const MEDIA_VARIANTS: &str = "SELECT media_id, width, height, format, key, bytes FROM media_variants \
     WHERE media_id = $1 ORDER BY width, CASE format WHEN 'webp' THEN 0 ELSE 1 END";

/// The items of `(position, item)` pairs, by position.
pub(crate) fn in_position_order<T>(mut items: Vec<(i32, T)>) -> Vec<T> {
    items.sort_by_key(|(position, _)| *position);
    items.into_iter().map(|(_, item)| item).collect()
}

static ARTICLE_BY_SLUG: LazyLock<String> =
    LazyLock::new(|| format!("SELECT {ARTICLE_COLUMNS} {ARTICLE_FROM} WHERE a.slug = $1"));

/// The newest published articles of a section but one (`$1` now, `$2` the section, `$3` the
/// article to leave out, `$4` how many), a row per byline (`SUMMARY_COLUMNS`, then the author's
/// slug and name): one statement for the whole block.
static SECTION_LATEST: LazyLock<String> = LazyLock::new(|| {
    format!(
        "WITH latest AS (SELECT {SUMMARY_COLUMNS} FROM articles a JOIN sections s ON s.id = a.section_id \
         WHERE a.status = 'published' AND a.published_at <= $1 AND a.section_id = $2 AND a.id <> $3 \
         AND a.language = (SELECT o.language FROM articles o WHERE o.id = $3) \
         ORDER BY a.published_at DESC, a.id DESC LIMIT $4) \
         SELECT latest.*, au.slug, au.name FROM latest \
         LEFT JOIN article_authors aa ON aa.article_id = latest.id \
         LEFT JOIN authors au ON au.id = aa.author_id \
         ORDER BY latest.published_at DESC, latest.id DESC, aa.position"
    )
});

// Columns are read by position: looking each up by name cost more than the query itself. The
// positions follow the column lists above; a test below checks them.

/// Positions in `ARTICLE_COLUMNS`.
mod article_column {
    pub const ID: usize = 0;
    pub const LANGUAGE: usize = 1;
    pub const SLUG: usize = 2;
    pub const HEADLINE: usize = 3;
    pub const STANDFIRST: usize = 4;
    pub const BODY_MARKDOWN: usize = 5;
    pub const BODY_HTML: usize = 6;
    pub const STATUS: usize = 7;
    pub const PUBLISHED_AT: usize = 8;
    pub const UPDATED_AT: usize = 9;
    pub const CREATED_AT: usize = 10;
    pub const VIEW_TOTAL: usize = 11;
    pub const SEO_TITLE: usize = 12;
    pub const SEO_DESCRIPTION: usize = 13;
    pub const SECTION_ID: usize = 14;
    pub const SECTION_SLUG: usize = 15;
    pub const SECTION_NAME: usize = 16;
    pub const SECTION_DESCRIPTION: usize = 17;
    pub const SECTION_POSITION: usize = 18;
    pub const TRANSLATION_OF: usize = 19;
}

/// Positions in `SUMMARY_COLUMNS`.
mod summary_column {
    pub const ID: usize = 0;
    pub const SLUG: usize = 1;
    pub const HEADLINE: usize = 2;
    pub const STANDFIRST: usize = 3;
    pub const PUBLISHED_AT: usize = 4;
    pub const UPDATED_AT: usize = 5;
    pub const VIEW_TOTAL: usize = 6;
    pub const SECTION_SLUG: usize = 7;
    pub const SECTION_NAME: usize = 8;
    pub const LANGUAGE: usize = 9;
    /// Only in `SECTION_LATEST`, after the summary.
    pub const AUTHOR_SLUG: usize = 10;
    pub const AUTHOR_NAME: usize = 11;
}

/// Positions in `ARTICLE_PEOPLE_AND_TAGS`.
mod people_column {
    pub const KIND: usize = 0;
    pub const ID: usize = 1;
    pub const SLUG: usize = 2;
    pub const NAME: usize = 3;
    pub const BIO: usize = 4;
    pub const IS_HOUSE: usize = 5;
    pub const POSITION: usize = 6;
}

/// How long a read waits when SQLite is briefly locked (recovering its WAL after a crash): short,
/// so that a reader gets the 503 page soon rather than a spinner.
const BUSY_WAIT: Duration = Duration::from_millis(250);

/// Read-only connections to one SQLite file, opened as needed and reused. As many exist as
/// threads have read at the same moment: at most the store's bound on concurrent page reads.
pub(crate) struct PageReader {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    closed: AtomicBool,
    /// Fault injection for tests (`TestDatabase::hold_page_reads`): while set, reads wait up to two
    /// seconds, blocking their thread as SQLite does on a file another process holds locked.
    held: AtomicBool,
}

impl PageReader {
    pub(crate) fn new(path: &Path) -> Self {
        Self {
            path: path.to_owned(),
            idle: Mutex::new(Vec::new()),
            closed: AtomicBool::new(false),
            held: AtomicBool::new(false),
        }
    }

    #[cfg(feature = "testing")]
    pub(crate) fn hold(&self, held: bool) {
        self.held.store(held, Ordering::SeqCst);
    }

    /// Closes the idle connections and refuses reads from now on, as a closed pool does.
    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        if let Ok(mut idle) = self.idle.lock() {
            idle.clear();
        }
    }

    fn open(&self) -> rusqlite::Result<Connection> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(BUSY_WAIT)?;
        // Read-write to share the WAL index with the writer, but refusing any write: this
        // connection is for pages only. 8 MB of page cache, as the store's own connections.
        conn.execute_batch("PRAGMA query_only = ON; PRAGMA cache_size = -8192;")?;
        // Enough for the page's statements, each prepared once per connection.
        conn.set_prepared_statement_cache_capacity(32);
        Ok(conn)
    }

    /// Runs `read` in one read transaction on an idle connection (or a new one).
    fn read<T>(&self, read: impl FnOnce(&Connection) -> StoreResult<T>) -> StoreResult<T> {
        if self.closed.load(Ordering::SeqCst) {
            return Err(StoreError::Unavailable("the database is closed".into()));
        }
        for _ in 0..200 {
            if !self.held.load(Ordering::SeqCst) {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let idle = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        let conn = match idle {
            Some(conn) => conn,
            None => self.open()?,
        };
        // One read transaction, so the page sees one state of the database. BEGIN and COMMIT go
        // through the statement cache too: parsing them anew each time cost as much as a query.
        let result = (|| {
            conn.prepare_cached("BEGIN")?.execute([])?;
            let value = read(&conn);
            conn.prepare_cached("COMMIT")?.execute([])?;
            value
        })();
        // A connection that failed may be broken (the file went away): open a fresh one next time.
        if result.is_ok()
            && !self.closed.load(Ordering::SeqCst)
            && let Ok(mut idle) = self.idle.lock()
        {
            idle.push(conn);
        }
        result
    }

    pub(crate) fn article_page(
        &self,
        slug: &str,
        related: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<ArticlePage> {
        self.read(|conn| {
            let Some(article) = article_by_slug(conn, slug)? else {
                return Ok(ArticlePage::lookup_only(renamed(conn, slug)?));
            };
            let related = section_latest(conn, &article, related, now)?;
            let corrections = corrections(conn, article.id)?;
            let featured = featured_media(conn, article.id)?;
            Ok(ArticlePage {
                lookup: ArticleLookup::Current(Box::new(article)),
                related,
                corrections,
                featured,
            })
        })
    }
}

fn article_by_slug(conn: &Connection, slug: &str) -> StoreResult<Option<Article>> {
    let mut statement = conn.prepare_cached(&ARTICLE_BY_SLUG)?;
    let Some(mut article) = statement.query_row(params![slug], article).optional()? else {
        return Ok(None);
    };
    let mut statement = conn.prepare_cached(ARTICLE_PEOPLE_AND_TAGS)?;
    let mut rows = statement.query(params![article.id])?;
    let (mut authors, mut tags) = (Vec::new(), Vec::new());
    while let Some(row) = rows.next()? {
        use people_column as c;
        let kind = row
            .get_ref(c::KIND)?
            .as_str()
            .map_err(rusqlite::Error::from)?;
        let position: i32 = row.get(c::POSITION)?;
        if kind == "author" {
            authors.push((
                position,
                Author {
                    id: row.get(c::ID)?,
                    slug: slug_at(row, c::SLUG)?,
                    name: row.get(c::NAME)?,
                    bio: row.get(c::BIO)?,
                    is_house: row.get(c::IS_HOUSE)?,
                },
            ));
        } else {
            tags.push((
                position,
                Tag {
                    id: row.get(c::ID)?,
                    slug: slug_at(row, c::SLUG)?,
                    name: row.get(c::NAME)?,
                },
            ));
        }
    }
    article.authors = in_position_order(authors);
    article.tags = in_position_order(tags);
    Ok(Some(article))
}

fn article(row: &Row<'_>) -> rusqlite::Result<Article> {
    use article_column as c;
    Ok(Article {
        id: row.get(c::ID)?,
        language: Language::parse(row.get_ref(c::LANGUAGE)?.as_str()?)
            .map_err(|e| conversion(&e))?,
        slug: slug_at(row, c::SLUG)?,
        headline: row.get(c::HEADLINE)?,
        standfirst: row.get(c::STANDFIRST)?,
        body_markdown: row.get(c::BODY_MARKDOWN)?,
        body_html: row.get(c::BODY_HTML)?,
        section: Section {
            id: row.get(c::SECTION_ID)?,
            slug: slug_at(row, c::SECTION_SLUG)?,
            name: row.get(c::SECTION_NAME)?,
            description: row.get(c::SECTION_DESCRIPTION)?,
            position: row.get(c::SECTION_POSITION)?,
        },
        tags: Vec::new(),
        authors: Vec::new(),
        status: gazette_core::ArticleStatus::parse(row.get_ref(c::STATUS)?.as_str()?)
            .map_err(|e| conversion(&e))?,
        published_at: time_at(row, c::PUBLISHED_AT)?,
        updated_at: time_at(row, c::UPDATED_AT)?,
        created_at: required_time_at(row, c::CREATED_AT)?,
        view_total: row.get(c::VIEW_TOTAL)?,
        seo_title: row.get(c::SEO_TITLE)?,
        seo_description: row.get(c::SEO_DESCRIPTION)?,
        translation_of: row.get(c::TRANSLATION_OF)?,
    })
}

fn renamed(conn: &Connection, slug: &str) -> StoreResult<ArticleLookup> {
    let mut statement = conn.prepare_cached(RENAMED_ARTICLE)?;
    let found = statement
        .query_row(params![slug], |row| {
            Ok(ArticleLookup::Renamed {
                section: slug_at(row, "section_slug")?,
                slug: slug_at(row, "slug")?,
            })
        })
        .optional()?;
    Ok(found.unwrap_or(ArticleLookup::NotFound))
}

fn section_latest(
    conn: &Connection,
    article: &Article,
    limit: u32,
    now: DateTime<Utc>,
) -> StoreResult<Vec<ArticleSummary>> {
    use summary_column as c;
    let mut statement = conn.prepare_cached(&SECTION_LATEST)?;
    let mut rows = statement.query(params![
        now.timestamp(),
        article.section.id,
        article.id,
        limit
    ])?;
    let mut items: Vec<ArticleSummary> = Vec::new();
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(c::ID)?;
        if items.last().is_none_or(|last| last.id != id) {
            items.push(ArticleSummary {
                id,
                slug: slug_at(row, c::SLUG)?,
                headline: row.get(c::HEADLINE)?,
                standfirst: row.get(c::STANDFIRST)?,
                section: SectionRef {
                    slug: slug_at(row, c::SECTION_SLUG)?,
                    name: row.get(c::SECTION_NAME)?,
                },
                authors: Vec::new(),
                published_at: time_at(row, c::PUBLISHED_AT)?,
                updated_at: time_at(row, c::UPDATED_AT)?,
                view_total: row.get(c::VIEW_TOTAL)?,
                language: Language::parse(
                    row.get_ref(c::LANGUAGE)?
                        .as_str()
                        .map_err(rusqlite::Error::from)?,
                )
                .map_err(|e| conversion(&e))?,
            });
        }
        // An article without bylines comes as one row with no author.
        if let (Some(item), Some(slug)) = (
            items.last_mut(),
            row.get_ref(c::AUTHOR_SLUG)?
                .as_str_or_null()
                .map_err(rusqlite::Error::from)?,
        ) {
            item.authors.push(AuthorRef {
                slug: Slug::parse(slug)
                    .map_err(|e| conversion(&format!("stored slug {slug:?}: {e}")))?,
                name: row.get(c::AUTHOR_NAME)?,
            });
        }
    }
    Ok(items)
}

fn corrections(conn: &Connection, article_id: i64) -> StoreResult<Vec<Correction>> {
    let mut statement = conn.prepare_cached(ARTICLE_CORRECTIONS)?;
    let rows = statement.query_map(params![article_id], |row| {
        let kind: String = row.get("kind")?;
        Ok(Correction {
            id: row.get("id")?,
            article_id: row.get("article_id")?,
            kind: CorrectionKind::parse(&kind)
                .ok_or_else(|| conversion(&format!("stored note kind {kind:?}")))?,
            text: row.get("body")?,
            created_at: required_time_at(row, "created_at")?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

fn featured_media(conn: &Connection, article_id: i64) -> StoreResult<Option<Media>> {
    let mut statement = conn.prepare_cached(&FEATURED_MEDIA)?;
    let media = statement
        .query_row(params![article_id], |row| {
            Ok(Media {
                id: row.get("id")?,
                hash: row.get("hash")?,
                original_name: row.get("original_name")?,
                mime: row.get("mime")?,
                width: row.get("width")?,
                height: row.get("height")?,
                alt: row.get("alt")?,
                caption: row.get("caption")?,
                credit: row.get("credit")?,
                created_at: required_time_at(row, "created_at")?,
                created_by: row.get("created_by")?,
                variants: Vec::new(),
            })
        })
        .optional()?;
    let Some(mut media) = media else {
        return Ok(None);
    };
    let mut statement = conn.prepare_cached(MEDIA_VARIANTS)?;
    media.variants = statement
        .query_map(params![media.id], |row| {
            Ok(MediaVariant {
                width: row.get("width")?,
                height: row.get("height")?,
                format: row.get("format")?,
                key: row.get("key")?,
                bytes: row.get("bytes")?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Some(media))
}

fn slug_at(row: &Row<'_>, column: impl RowIndex) -> rusqlite::Result<Slug> {
    let text = row.get_ref(column)?.as_str()?;
    Slug::parse(text).map_err(|e| conversion(&format!("stored slug {text:?}: {e}")))
}

/// Times are kept as Unix seconds.
fn time_at(row: &Row<'_>, column: impl RowIndex) -> rusqlite::Result<Option<DateTime<Utc>>> {
    let secs: Option<i64> = row.get(column)?;
    secs.map(|s| {
        DateTime::from_timestamp(s, 0).ok_or_else(|| conversion(&format!("time {s} out of range")))
    })
    .transpose()
}

fn required_time_at(row: &Row<'_>, column: impl RowIndex) -> rusqlite::Result<DateTime<Utc>> {
    time_at(row, column)?.ok_or_else(|| conversion(&"a required time is empty"))
}

fn conversion(e: &dyn std::fmt::Display) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.to_string().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The name each column of a `SELECT` list comes out under: its alias, or its own name.
    fn names(columns: &str) -> Vec<String> {
        columns
            .split(',')
            .map(|c| {
                let c = c.trim();
                let name = c.rsplit(" AS ").next().unwrap_or(c);
                name.rsplit('.').next().unwrap_or(name).trim().to_owned()
            })
            .collect()
    }

    #[test]
    fn column_positions_match_the_shared_column_lists() {
        let article = names(ARTICLE_COLUMNS);
        for (position, name) in [
            (article_column::ID, "id"),
            (article_column::LANGUAGE, "language"),
            (article_column::SLUG, "slug"),
            (article_column::HEADLINE, "headline"),
            (article_column::STANDFIRST, "standfirst"),
            (article_column::BODY_MARKDOWN, "body_markdown"),
            (article_column::BODY_HTML, "body_html"),
            (article_column::STATUS, "status"),
            (article_column::PUBLISHED_AT, "published_at"),
            (article_column::UPDATED_AT, "updated_at"),
            (article_column::CREATED_AT, "created_at"),
            (article_column::VIEW_TOTAL, "view_total"),
            (article_column::SEO_TITLE, "seo_title"),
            (article_column::SEO_DESCRIPTION, "seo_description"),
            (article_column::SECTION_ID, "section_id"),
            (article_column::SECTION_SLUG, "section_slug"),
            (article_column::SECTION_NAME, "section_name"),
            (article_column::SECTION_DESCRIPTION, "section_description"),
            (article_column::SECTION_POSITION, "section_position"),
            (article_column::TRANSLATION_OF, "translation_of"),
        ] {
            assert_eq!(article[position], name);
        }
        assert_eq!(article.len(), 20);

        let summary = names(SUMMARY_COLUMNS);
        for (position, name) in [
            (summary_column::ID, "id"),
            (summary_column::SLUG, "slug"),
            (summary_column::HEADLINE, "headline"),
            (summary_column::STANDFIRST, "standfirst"),
            (summary_column::PUBLISHED_AT, "published_at"),
            (summary_column::UPDATED_AT, "updated_at"),
            (summary_column::VIEW_TOTAL, "view_total"),
            (summary_column::SECTION_SLUG, "section_slug"),
            (summary_column::SECTION_NAME, "section_name"),
        ] {
            assert_eq!(summary[position], name);
        }

        let people_list = ARTICLE_PEOPLE_AND_TAGS
            .trim_start_matches("SELECT ")
            .split(" FROM ")
            .next()
            .unwrap_or_default();
        let people = names(people_list);
        for (position, name) in [
            (people_column::KIND, "kind"),
            (people_column::ID, "id"),
            (people_column::SLUG, "slug"),
            (people_column::NAME, "name"),
            (people_column::BIO, "bio"),
            (people_column::IS_HOUSE, "is_house"),
            (people_column::POSITION, "position"),
        ] {
            assert_eq!(people[position], name);
        }
    }
}
