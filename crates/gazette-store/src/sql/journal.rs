//! What was done and by whom: the audit log, revisions of articles and corrections.

use chrono::{DateTime, Utc};
use gazette_core::newsroom::{AuditEntry, Correction, CorrectionKind, Revision};
use gazette_core::{Article, NewArticle, Slug};

use super::db::{AsConn, Tx, query};
use super::filters::Conditions;
use super::page_reader::ARTICLE_CORRECTIONS;
use super::rows::{AuditRow, CorrectionRow, RevisionRow, join_ids};
use super::whole_article::load_article;
use super::{SqlStore, clean_text, convert, count, empty_to_none};
use crate::{
    Actor, AuditFilter, JournalStore, NewAuditEntry, Page, PageRequest, StoreError, StoreResult,
    Written,
};

const REVISION_COLUMNS: &str = "article_id, created_at, user_id, user_name, note, language, \
     slug, headline, standfirst, body_markdown, section_id, tag_ids, author_ids, seo_title, seo_description";

/// Records the article as it now is as a new revision; returns the revision's id and the article
/// it recorded (as the write leaves it, so the write need not read it again).
pub(super) async fn write_revision(
    tx: &mut Tx,
    id: i64,
    actor: &Actor,
    note: &str,
    now: DateTime<Utc>,
) -> StoreResult<(i64, Article)> {
    let a = load_article(tx, id).await?.ok_or(StoreError::NotFound)?;
    let snapshot = Snapshot {
        language: a.language.code(),
        slug: a.slug.as_str(),
        headline: &a.headline,
        standfirst: &a.standfirst,
        body_markdown: &a.body_markdown,
        section_id: a.section.id,
        tag_ids: join_ids(a.tags.iter().map(|t| t.id)),
        author_ids: join_ids(a.authors.iter().map(|au| au.id)),
        seo_title: a.seo_title.clone(),
        seo_description: a.seo_description.clone(),
    };
    let revision = insert_revision(tx, id, actor, note, now, snapshot).await?;
    Ok((revision, a))
}

/// The first revisions of articles just inserted (id, what was given, the slug it got), in one
/// statement, recorded from what was written rather than read back: imports write thousands, and
/// reading each back would double their cost. Each holds what the insert stored (trimmed text,
/// each id once).
pub(super) async fn write_first_revisions(
    tx: &mut Tx,
    inserted: &[(i64, &NewArticle, Slug)],
    actor: &Actor,
    note: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let once = |ids: &[i64]| {
        let mut seen = std::collections::HashSet::new();
        join_ids(ids.iter().copied().filter(|id| seen.insert(*id)))
    };
    // Bounded statements; SQLite allows a limited number of parameters in one.
    for chunk in inserted.chunks(500) {
        // $1..$4 are the same for every row; then 11 values per article.
        let rows = (0..chunk.len())
            .map(|i| {
                let n = 4 + 11 * i;
                let own: Vec<String> = (2..=11).map(|k| format!("${}", n + k)).collect();
                format!("(${}, $1, $2, $3, $4, {})", n + 1, own.join(", "))
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("INSERT INTO revisions ({REVISION_COLUMNS}) VALUES {rows}");
        let mut q = query(&sql)
            .bind(now.timestamp())
            .bind(actor.user_id)
            .bind(actor.name.as_str())
            .bind(note);
        for (id, article, slug) in chunk {
            q = q
                .bind(*id)
                .bind(article.language.code())
                .bind(slug.as_str())
                .bind(clean_text(&article.headline))
                .bind(clean_text(&article.standfirst))
                .bind(article.body_markdown.as_str())
                .bind(article.section_id)
                .bind(once(&article.tag_ids))
                .bind(once(&article.author_ids))
                .bind(empty_to_none(article.seo_title.clone()))
                .bind(empty_to_none(article.seo_description.clone()));
        }
        q.execute(tx).await?;
    }
    Ok(())
}

/// What a revision records of an article.
struct Snapshot<'a> {
    language: &'a str,
    slug: &'a str,
    headline: &'a str,
    standfirst: &'a str,
    body_markdown: &'a str,
    section_id: i64,
    tag_ids: String,
    author_ids: String,
    seo_title: Option<String>,
    seo_description: Option<String>,
}

async fn insert_revision(
    tx: &mut Tx,
    id: i64,
    actor: &Actor,
    note: &str,
    now: DateTime<Utc>,
    a: Snapshot<'_>,
) -> StoreResult<i64> {
    let sql = format!(
        "INSERT INTO revisions ({REVISION_COLUMNS}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id"
    );
    Ok(query(&sql)
        .bind(id)
        .bind(now.timestamp())
        .bind(actor.user_id)
        .bind(&actor.name)
        .bind(note)
        .bind(a.language)
        .bind(a.slug)
        .bind(a.headline)
        .bind(a.standfirst)
        .bind(a.body_markdown)
        .bind(a.section_id)
        .bind(a.tag_ids)
        .bind(a.author_ids)
        .bind(a.seo_title)
        .bind(a.seo_description)
        .scalar(tx)
        .await?)
}

/// Writes an audit entry on `c` (inside the write it records, when there is one).
pub(super) async fn audit_in(
    c: &mut impl AsConn,
    entry: &NewAuditEntry,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    query(
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
    .execute(c)
    .await?;
    Ok(())
}

/// Writes the audit entry a write was given, if any, in the write's transaction. `created` is the
/// id of the row the write created: an entry that names no entity id is about that row.
pub(super) async fn audit_write(
    tx: &mut Tx,
    audit: Option<&NewAuditEntry>,
    created: Option<i64>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let Some(entry) = audit else {
        return Ok(());
    };
    if entry.entity_id.is_none() && created.is_some() {
        let entry = NewAuditEntry {
            entity_id: created,
            ..entry.clone()
        };
        return audit_in(tx, &entry, now).await;
    }
    audit_in(tx, entry, now).await
}

/// The entry with `note` added to its detail: a fact only the write itself learns (how many
/// sessions it ended, say), joined to a detail the caller gave by `joiner`.
pub(super) fn with_note(entry: &NewAuditEntry, joiner: (&str, &str), note: &str) -> NewAuditEntry {
    let detail = if entry.detail.is_empty() {
        note.to_owned()
    } else {
        format!("{}{}{note}{}", entry.detail, joiner.0, joiner.1)
    };
    NewAuditEntry {
        detail,
        ..entry.clone()
    }
}

#[async_trait::async_trait]
impl JournalStore for SqlStore {
    async fn audit(&self, entry: NewAuditEntry, now: DateTime<Utc>) -> StoreResult<()> {
        let _guard = self.db.lock_writes().await;
        audit_in(&mut self.db.conn().await?, &entry, now).await
    }

    async fn audit_log(
        &self,
        filter: &AuditFilter,
        page: PageRequest,
    ) -> StoreResult<Page<AuditEntry>> {
        let mut c = Conditions::new();
        if let Some(id) = filter.user_id {
            c.add("user_id = ?", id);
        }
        if let Some(action) = filter.action.as_deref().filter(|a| !a.is_empty()) {
            c.add("action = ?", action);
        }
        if let Some(entity) = filter.entity.as_deref().filter(|e| !e.is_empty()) {
            c.add("entity = ?", entity);
        }
        let where_clause = c.where_clause();
        let mut conn = self.db.conn().await?;
        let total: i64 = query(&format!("SELECT COUNT(*) FROM audit_log {where_clause}"))
            .bind_all(c.params.clone())
            .scalar(&mut conn)
            .await?;
        let sql = format!(
            "SELECT id, at, user_id, actor, action, entity, entity_id, detail, address FROM audit_log \
             {where_clause} ORDER BY id DESC LIMIT {} OFFSET {}",
            c.next_placeholder(1),
            c.next_placeholder(2)
        );
        let rows: Vec<AuditRow> = query(&sql)
            .bind_all(c.params)
            .bind(i64::from(page.per_page))
            .bind(page.offset())
            .fetch_all(&mut conn)
            .await?;
        Ok(Page {
            items: convert(rows)?,
            total: count(total),
            request: page,
        })
    }

    async fn revisions(&self, article_id: i64) -> StoreResult<Vec<Revision>> {
        let sql = format!(
            "SELECT id, {REVISION_COLUMNS} FROM revisions WHERE article_id = $1 ORDER BY id DESC"
        );
        let rows: Vec<RevisionRow> = query(&sql)
            .bind(article_id)
            .fetch_all(&mut self.db.conn().await?)
            .await?;
        convert(rows)
    }

    async fn revision(&self, id: i64) -> StoreResult<Option<Revision>> {
        let sql = format!("SELECT id, {REVISION_COLUMNS} FROM revisions WHERE id = $1");
        let row: Option<RevisionRow> = query(&sql)
            .bind(id)
            .fetch_optional(&mut self.db.conn().await?)
            .await?;
        row.map(Revision::try_from).transpose()
    }

    async fn add_correction(
        &self,
        article_id: i64,
        kind: CorrectionKind,
        text: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> StoreResult<Written<Correction>> {
        let text = clean_text(text);
        if text.is_empty() {
            return Err(StoreError::Invalid("a note needs some text".into()));
        }
        let mut tx = self.db.write().await?;
        let touched = query("UPDATE articles SET updated_at = $1, modified_at = $1 WHERE id = $2")
            .bind(now.timestamp())
            .bind(article_id)
            .execute(&mut tx)
            .await?;
        if touched == 0 {
            return Err(StoreError::NotFound);
        }
        let row: CorrectionRow = query(
            "INSERT INTO corrections (article_id, kind, body, created_at, user_id) VALUES ($1, $2, $3, $4, $5) \
             RETURNING id, article_id, kind, body, created_at",
        )
        .bind(article_id)
        .bind(kind.as_str())
        .bind(&text)
        .bind(now.timestamp())
        .bind(actor.user_id)
        .fetch_one(&mut tx)
        .await?;
        let correction = Correction::try_from(row)?;
        let entry = NewAuditEntry {
            actor: actor.clone(),
            action: kind.as_str().into(),
            entity: "article".into(),
            entity_id: Some(article_id),
            detail: format!("note {}", correction.id),
        };
        audit_in(&mut tx, &entry, now).await?;
        let seq = tx
            .record_change("article", Some(article_id), "corrected", now)
            .await?;
        tx.commit().await?;
        Ok(Written {
            value: correction,
            seq,
        })
    }

    async fn corrections(&self, article_id: i64) -> StoreResult<Vec<Correction>> {
        corrections_on(&mut self.db.conn().await?, article_id).await
    }
}

/// An article's corrections and updates, oldest first.
pub(super) async fn corrections_on(
    c: &mut impl AsConn,
    article_id: i64,
) -> StoreResult<Vec<Correction>> {
    let rows: Vec<CorrectionRow> = query(ARTICLE_CORRECTIONS)
        .bind(article_id)
        .fetch_all(c)
        .await?;
    convert(rows)
}
