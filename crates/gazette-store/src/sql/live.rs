//! Live blogs, their entries and the breaking-news banner (see [`crate::live`]).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use gazette_core::live::{
    Breaking, Coverage, EntryDraft, EntryRevision, EntryStatus, LiveBlog, LiveEntry,
};
use gazette_core::markdown;

use super::db::{AsConn, Tx, query};
use super::journal::audit_write;
use super::rows::AuthorRow;
use super::{SqlStore, opt_time, time};
use crate::live::{BREAKING_ENTITY, EntryMarks, EntryQuery, LIVE_BLOG_ENTITY, LiveStore};
use crate::{NewAuditEntry, StoreError, StoreResult, Written};

/// The settings row that holds the banner (JSON), outside the settings form's keys.
const BREAKING_SETTING: &str = "breaking_news";

const ENTRY_COLUMNS: &str = "id, article_id, status, headline, body_markdown, body_html, pinned, \
     key_event, posted_at, edited_at, created_at, created_by, seq";

#[derive(sqlx::FromRow)]
struct EntryRow {
    id: i64,
    article_id: i64,
    status: String,
    headline: Option<String>,
    body_markdown: String,
    body_html: String,
    pinned: bool,
    key_event: bool,
    posted_at: Option<i64>,
    edited_at: Option<i64>,
    created_at: i64,
    created_by: Option<i64>,
    seq: i64,
}

impl TryFrom<EntryRow> for LiveEntry {
    type Error = StoreError;
    fn try_from(r: EntryRow) -> StoreResult<Self> {
        Ok(Self {
            id: r.id,
            article_id: r.article_id,
            status: EntryStatus::parse(&r.status).ok_or_else(|| {
                StoreError::Invalid(format!("stored entry status {:?}", r.status))
            })?,
            headline: r.headline,
            body_markdown: r.body_markdown,
            body_html: r.body_html,
            authors: Vec::new(),
            pinned: r.pinned,
            key_event: r.key_event,
            posted_at: opt_time(r.posted_at)?,
            edited_at: opt_time(r.edited_at)?,
            created_at: time(r.created_at)?,
            created_by: r.created_by,
            seq: r.seq,
        })
    }
}

#[derive(sqlx::FromRow)]
struct EntryAuthorRow {
    entry_id: i64,
    #[sqlx(flatten)]
    author: AuthorRow,
}

/// The banner as the settings row keeps it.
#[derive(serde::Serialize, serde::Deserialize)]
struct StoredBreaking {
    text: String,
    url: Option<String>,
    expires_at: Option<i64>,
    set_at: i64,
}

/// Reads entries (`sql` selects [`ENTRY_COLUMNS`] from `live_entries`) with their bylines.
async fn load_entries(
    c: &mut impl AsConn,
    sql: &str,
    args: Vec<super::db::Value>,
) -> StoreResult<Vec<LiveEntry>> {
    let rows: Vec<EntryRow> = query(sql).bind_all(args).fetch_all(c).await?;
    let mut entries = rows
        .into_iter()
        .map(LiveEntry::try_from)
        .collect::<StoreResult<Vec<_>>>()?;
    if entries.is_empty() {
        return Ok(entries);
    }
    let list = (1..=entries.len())
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT ea.entry_id, au.id, au.slug, au.name, au.bio, au.is_house FROM live_entry_authors ea \
         JOIN authors au ON au.id = ea.author_id WHERE ea.entry_id IN ({list}) \
         ORDER BY ea.entry_id, ea.position"
    );
    let authors: Vec<EntryAuthorRow> = query(&sql)
        .bind_all(entries.iter().map(|e| e.id.into()))
        .fetch_all(c)
        .await?;
    let position: HashMap<i64, usize> =
        entries.iter().enumerate().map(|(i, e)| (e.id, i)).collect();
    for row in authors {
        if let Some(&i) = position.get(&row.entry_id) {
            entries[i].authors.push(row.author.try_into()?);
        }
    }
    Ok(entries)
}

async fn entry_in(c: &mut impl AsConn, entry_id: i64) -> StoreResult<Option<LiveEntry>> {
    let sql = format!("SELECT {ENTRY_COLUMNS} FROM live_entries WHERE id = $1");
    Ok(load_entries(c, &sql, vec![entry_id.into()])
        .await?
        .into_iter()
        .next())
}

/// Refuses bylines that do not exist, before anything is written.
async fn check_authors(tx: &mut Tx, author_ids: &[i64]) -> StoreResult<()> {
    for &id in author_ids {
        let found: i64 = query("SELECT COUNT(*) FROM authors WHERE id = $1")
            .bind(id)
            .scalar(tx)
            .await?;
        if found == 0 {
            return Err(StoreError::Invalid(format!("byline {id} does not exist")));
        }
    }
    Ok(())
}

async fn write_bylines(tx: &mut Tx, entry_id: i64, author_ids: &[i64]) -> StoreResult<()> {
    query("DELETE FROM live_entry_authors WHERE entry_id = $1")
        .bind(entry_id)
        .execute(tx)
        .await?;
    for (position, &author_id) in author_ids.iter().enumerate() {
        query("INSERT INTO live_entry_authors (entry_id, author_id, position) VALUES ($1, $2, $3)")
            .bind(entry_id)
            .bind(author_id)
            .bind(i32::try_from(position).unwrap_or(i32::MAX))
            .execute(tx)
            .await?;
    }
    Ok(())
}

/// Logs a change to the blog, stamps the entry with it, and reads the entry back.
async fn finish_entry_write(
    mut tx: Tx,
    article_id: i64,
    entry_id: i64,
    audit: Option<&NewAuditEntry>,
    now: DateTime<Utc>,
) -> StoreResult<Written<LiveEntry>> {
    audit_write(&mut tx, audit, Some(entry_id), now).await?;
    let seq = tx
        .record_change(LIVE_BLOG_ENTITY, Some(article_id), "entry", now)
        .await?;
    query("UPDATE live_entries SET seq = $1 WHERE id = $2")
        .bind(seq)
        .bind(entry_id)
        .execute(&mut tx)
        .await?;
    let entry = entry_in(&mut tx, entry_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    tx.commit().await?;
    Ok(Written { value: entry, seq })
}

/// The entry as it is before a change; a deleted one is refused (it stays deleted).
async fn changeable_entry(tx: &mut Tx, entry_id: i64) -> StoreResult<LiveEntry> {
    let entry = entry_in(tx, entry_id).await?.ok_or(StoreError::NotFound)?;
    if entry.status == EntryStatus::Deleted {
        return Err(StoreError::Invalid(
            "the entry was deleted; it cannot be changed".into(),
        ));
    }
    Ok(entry)
}

async fn blog_exists(tx: &mut Tx, article_id: i64) -> StoreResult<()> {
    let found: i64 = query("SELECT COUNT(*) FROM live_blogs WHERE article_id = $1")
        .bind(article_id)
        .scalar(tx)
        .await?;
    if found == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

#[async_trait::async_trait]
impl LiveStore for SqlStore {
    async fn live_blog(&self, article_id: i64) -> StoreResult<Option<LiveBlog>> {
        let row: Option<(String, i64, Option<i64>)> =
            query("SELECT state, started_at, ended_at FROM live_blogs WHERE article_id = $1")
                .bind(article_id)
                .fetch_optional(&mut self.db.conn().await?)
                .await?;
        row.map(|(state, started_at, ended_at)| {
            Ok(LiveBlog {
                article_id,
                coverage: Coverage::parse(&state)
                    .ok_or_else(|| StoreError::Invalid(format!("stored coverage {state:?}")))?,
                started_at: time(started_at)?,
                ended_at: opt_time(ended_at)?,
            })
        })
        .transpose()
    }

    async fn set_coverage(
        &self,
        article_id: i64,
        coverage: Option<Coverage>,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let mut tx = self.db.write().await?;
        let exists: i64 = query("SELECT COUNT(*) FROM articles WHERE id = $1")
            .bind(article_id)
            .scalar(&mut tx)
            .await?;
        if exists == 0 {
            return Err(StoreError::NotFound);
        }
        match coverage {
            None => {
                query("DELETE FROM live_blogs WHERE article_id = $1")
                    .bind(article_id)
                    .execute(&mut tx)
                    .await?;
            }
            Some(coverage) => {
                let ended_at = (coverage == Coverage::Ended).then(|| now.timestamp());
                // Starting again keeps the original start; ending keeps the first end.
                query(
                    "INSERT INTO live_blogs (article_id, state, started_at, ended_at) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (article_id) DO UPDATE SET \
                     state = excluded.state, \
                     ended_at = CASE WHEN excluded.state = 'ended' \
                        THEN COALESCE(live_blogs.ended_at, excluded.ended_at) ELSE NULL END",
                )
                .bind(article_id)
                .bind(coverage.as_str())
                .bind(now.timestamp())
                .bind(ended_at)
                .execute(&mut tx)
                .await?;
            }
        }
        audit_write(&mut tx, audit, Some(article_id), now).await?;
        let seq = tx
            .record_change(LIVE_BLOG_ENTITY, Some(article_id), "coverage", now)
            .await?;
        tx.commit().await?;
        Ok(seq)
    }

    async fn post_entry(
        &self,
        article_id: i64,
        draft: EntryDraft,
        status: EntryStatus,
        user_id: Option<i64>,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<Written<LiveEntry>> {
        let draft = draft
            .validated()
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        if status == EntryStatus::Deleted {
            return Err(StoreError::Invalid("a new entry cannot be deleted".into()));
        }
        let body_html = markdown::render(&draft.body_markdown);
        let mut tx = self.db.write().await?;
        blog_exists(&mut tx, article_id).await?;
        check_authors(&mut tx, &draft.author_ids).await?;
        let posted_at = (status == EntryStatus::Published).then(|| now.timestamp());
        let entry_id: i64 = query(
            "INSERT INTO live_entries (article_id, status, headline, body_markdown, body_html, \
             key_event, posted_at, created_at, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(article_id)
        .bind(status.as_str())
        .bind(draft.headline.clone())
        .bind(&draft.body_markdown)
        .bind(&body_html)
        .bind(draft.key_event)
        .bind(posted_at)
        .bind(now.timestamp())
        .bind(user_id)
        .scalar(&mut tx)
        .await?;
        write_bylines(&mut tx, entry_id, &draft.author_ids).await?;
        finish_entry_write(tx, article_id, entry_id, audit, now).await
    }

    async fn edit_entry(
        &self,
        entry_id: i64,
        draft: EntryDraft,
        user_id: Option<i64>,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<Written<LiveEntry>> {
        let draft = draft
            .validated()
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let body_html = markdown::render(&draft.body_markdown);
        let mut tx = self.db.write().await?;
        let before = changeable_entry(&mut tx, entry_id).await?;
        check_authors(&mut tx, &draft.author_ids).await?;
        query(
            "INSERT INTO live_entry_revisions (entry_id, headline, body_markdown, saved_at, user_id) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(entry_id)
        .bind(before.headline.clone())
        .bind(&before.body_markdown)
        .bind(now.timestamp())
        .bind(user_id)
        .execute(&mut tx)
        .await?;
        let edited_at = if before.status == EntryStatus::Published {
            Some(now.timestamp())
        } else {
            before.edited_at.map(|t| t.timestamp())
        };
        query(
            "UPDATE live_entries SET headline = $1, body_markdown = $2, body_html = $3, \
             key_event = $4, edited_at = $5 WHERE id = $6",
        )
        .bind(draft.headline.clone())
        .bind(&draft.body_markdown)
        .bind(&body_html)
        .bind(draft.key_event)
        .bind(edited_at)
        .bind(entry_id)
        .execute(&mut tx)
        .await?;
        write_bylines(&mut tx, entry_id, &draft.author_ids).await?;
        finish_entry_write(tx, before.article_id, entry_id, audit, now).await
    }

    async fn set_entry_status(
        &self,
        entry_id: i64,
        status: EntryStatus,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<Written<LiveEntry>> {
        let mut tx = self.db.write().await?;
        let before = changeable_entry(&mut tx, entry_id).await?;
        // The time shown is when readers first saw it.
        let posted_at = match (status, before.posted_at) {
            (EntryStatus::Published, None) => Some(now.timestamp()),
            (_, at) => at.map(|t| t.timestamp()),
        };
        query("UPDATE live_entries SET status = $1, posted_at = $2, pinned = $3 WHERE id = $4")
            .bind(status.as_str())
            .bind(posted_at)
            .bind(before.pinned && status != EntryStatus::Deleted)
            .bind(entry_id)
            .execute(&mut tx)
            .await?;
        finish_entry_write(tx, before.article_id, entry_id, audit, now).await
    }

    async fn mark_entry(
        &self,
        entry_id: i64,
        marks: EntryMarks,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<Written<LiveEntry>> {
        let mut tx = self.db.write().await?;
        let before = changeable_entry(&mut tx, entry_id).await?;
        if marks.pinned == Some(true) {
            // The entry that was pinned loses its pin: its readers must hear of that too.
            let unpinned: Vec<i64> =
                query("SELECT id FROM live_entries WHERE article_id = $1 AND pinned AND id <> $2")
                    .bind(before.article_id)
                    .bind(entry_id)
                    .column(&mut tx)
                    .await?;
            for other in unpinned {
                query("UPDATE live_entries SET pinned = $1 WHERE id = $2")
                    .bind(false)
                    .bind(other)
                    .execute(&mut tx)
                    .await?;
                let seq = tx
                    .record_change(LIVE_BLOG_ENTITY, Some(before.article_id), "entry", now)
                    .await?;
                query("UPDATE live_entries SET seq = $1 WHERE id = $2")
                    .bind(seq)
                    .bind(other)
                    .execute(&mut tx)
                    .await?;
            }
        }
        query("UPDATE live_entries SET pinned = $1, key_event = $2 WHERE id = $3")
            .bind(marks.pinned.unwrap_or(before.pinned))
            .bind(marks.key_event.unwrap_or(before.key_event))
            .bind(entry_id)
            .execute(&mut tx)
            .await?;
        finish_entry_write(tx, before.article_id, entry_id, audit, now).await
    }

    async fn live_entry(&self, entry_id: i64) -> StoreResult<Option<LiveEntry>> {
        entry_in(&mut self.db.conn().await?, entry_id).await
    }

    async fn live_entries(
        &self,
        article_id: i64,
        filter: EntryQuery,
    ) -> StoreResult<Vec<LiveEntry>> {
        if filter.statuses.is_empty() {
            return Ok(Vec::new());
        }
        let statuses = (0..filter.statuses.len())
            .map(|i| format!("${}", i + 2))
            .collect::<Vec<_>>()
            .join(", ");
        let key_events = if filter.key_events_only {
            " AND key_event"
        } else {
            ""
        };
        let pinned = if filter.pinned_only {
            " AND pinned"
        } else {
            ""
        };
        let n = filter.statuses.len();
        let sql = format!(
            "SELECT {ENTRY_COLUMNS} FROM live_entries WHERE article_id = $1 \
             AND status IN ({statuses}){key_events}{pinned} \
             ORDER BY COALESCE(posted_at, created_at) DESC, id DESC LIMIT ${} OFFSET ${}",
            n + 2,
            n + 3
        );
        let mut args = vec![article_id.into()];
        args.extend(filter.statuses.iter().map(|s| s.as_str().into()));
        args.push(i64::from(filter.limit).into());
        args.push(i64::try_from(filter.offset).unwrap_or(i64::MAX).into());
        load_entries(&mut self.db.conn().await?, &sql, args).await
    }

    async fn latest_entry_seq(&self, article_id: i64) -> StoreResult<i64> {
        Ok(
            query("SELECT COALESCE(MAX(seq), 0) FROM live_entries WHERE article_id = $1")
                .bind(article_id)
                .scalar(&mut self.db.conn().await?)
                .await?,
        )
    }

    async fn published_entry_count(&self, article_id: i64) -> StoreResult<u64> {
        let n: i64 = query(
            "SELECT COUNT(*) FROM live_entries WHERE article_id = $1 AND status = 'published'",
        )
        .bind(article_id)
        .scalar(&mut self.db.conn().await?)
        .await?;
        Ok(super::count(n))
    }

    async fn newer_entry_count(&self, entry: &LiveEntry) -> StoreResult<u64> {
        let at = entry.posted_at.unwrap_or(entry.created_at).timestamp();
        let n: i64 = query(
            "SELECT COUNT(*) FROM live_entries WHERE article_id = $1 AND status = 'published' \
             AND (posted_at > $2 OR (posted_at = $2 AND id > $3))",
        )
        .bind(entry.article_id)
        .bind(at)
        .bind(entry.id)
        .scalar(&mut self.db.conn().await?)
        .await?;
        Ok(super::count(n))
    }

    async fn entries_changed_since(
        &self,
        article_id: i64,
        seq: i64,
        limit: u32,
    ) -> StoreResult<Vec<LiveEntry>> {
        let sql = format!(
            "SELECT {ENTRY_COLUMNS} FROM live_entries WHERE article_id = $1 AND seq > $2 \
             AND status IN ('published', 'deleted') ORDER BY seq LIMIT $3"
        );
        load_entries(
            &mut self.db.conn().await?,
            &sql,
            vec![article_id.into(), seq.into(), i64::from(limit).into()],
        )
        .await
    }

    async fn entry_revisions(&self, entry_id: i64) -> StoreResult<Vec<EntryRevision>> {
        let rows: Vec<(i64, Option<String>, String, i64, Option<i64>)> = query(
            "SELECT id, headline, body_markdown, saved_at, user_id FROM live_entry_revisions \
             WHERE entry_id = $1 ORDER BY id",
        )
        .bind(entry_id)
        .fetch_all(&mut self.db.conn().await?)
        .await?;
        rows.into_iter()
            .map(|(id, headline, body_markdown, saved_at, user_id)| {
                Ok(EntryRevision {
                    id,
                    entry_id,
                    headline,
                    body_markdown,
                    saved_at: time(saved_at)?,
                    user_id,
                })
            })
            .collect()
    }

    async fn recent_live_blogs(&self, since: DateTime<Utc>) -> StoreResult<Vec<i64>> {
        Ok(query(
            "SELECT b.article_id FROM live_blogs b WHERE b.state = 'live' OR EXISTS \
             (SELECT 1 FROM live_entries e WHERE e.article_id = b.article_id \
              AND e.status = 'published' AND e.posted_at >= $1) \
             ORDER BY b.started_at DESC, b.article_id DESC",
        )
        .bind(since.timestamp())
        .column(&mut self.db.conn().await?)
        .await?)
    }

    async fn breaking(&self) -> StoreResult<Option<Breaking>> {
        let value: Option<(String,)> = query("SELECT value FROM settings WHERE key = $1")
            .bind(BREAKING_SETTING)
            .fetch_optional(&mut self.db.conn().await?)
            .await?;
        let Some((value,)) = value else {
            return Ok(None);
        };
        let stored: StoredBreaking = serde_json::from_str(&value)
            .map_err(|e| StoreError::Invalid(format!("stored banner: {e}")))?;
        Ok(Some(Breaking {
            text: stored.text,
            url: stored.url,
            expires_at: opt_time(stored.expires_at)?,
            set_at: time(stored.set_at)?,
        }))
    }

    async fn set_breaking(
        &self,
        banner: Option<&Breaking>,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let mut tx = self.db.write().await?;
        match banner {
            Some(b) => {
                let stored = serde_json::to_string(&StoredBreaking {
                    text: b.text.clone(),
                    url: b.url.clone(),
                    expires_at: b.expires_at.map(|t| t.timestamp()),
                    set_at: b.set_at.timestamp(),
                })
                .map_err(|e| StoreError::Invalid(e.to_string()))?;
                query(
                    "INSERT INTO settings (key, value) VALUES ($1, $2) \
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                )
                .bind(BREAKING_SETTING)
                .bind(&stored)
                .execute(&mut tx)
                .await?;
            }
            None => {
                query("DELETE FROM settings WHERE key = $1")
                    .bind(BREAKING_SETTING)
                    .execute(&mut tx)
                    .await?;
            }
        }
        audit_write(&mut tx, audit, None, now).await?;
        let seq = tx
            .record_change(
                BREAKING_ENTITY,
                None,
                if banner.is_some() { "set" } else { "cleared" },
                now,
            )
            .await?;
        tx.commit().await?;
        Ok(seq)
    }
}
