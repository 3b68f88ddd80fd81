//! Articles and their workflow: creating, importing, saving, moving through the workflow, the
//! scheduler's moves, and reading one article whole.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use gazette_core::{Article, ArticleStatus, NewArticle, Slug, markdown};

use super::db::{AsConn, Tx, query};
use super::journal::{audit_in, audit_write, write_revision};
use super::rows::{EditorRow, NewerRevisionRow, WorkflowRow};
use super::taxonomy::ensure_tag_in;
use super::whole_article::load_article;
use super::{
    SqlStore, clean_text, convert, empty_to_none, opt_time, reference_error, stored_slug, time,
};
use crate::{
    Actor, ArticleStore, ArticleWorkflow, DueWork, NewAuditEntry, OtherEditor, StatusChange,
    StoreError, StoreResult, ViewIncrement,
};
use crate::{ArticleSave, SavedArticle, Written};

const SLUG_TAKEN: &str = "SELECT article_id FROM article_slug_history WHERE slug = $1 \
     UNION ALL SELECT id FROM articles WHERE slug = $1";

/// Which article, if any, holds this slug now or held it before.
async fn slug_owner(c: &mut impl AsConn, slug: &str) -> StoreResult<Option<i64>> {
    Ok(query(SLUG_TAKEN)
        .bind(slug)
        .fetch_optional::<(i64,)>(c)
        .await?
        .map(|(id,)| id))
}

/// A slug for a new article: the one asked for (refused if taken) or one made from the headline
/// (given a number if taken).
async fn free_slug(c: &mut impl AsConn, article: &NewArticle) -> StoreResult<Slug> {
    if let Some(slug) = &article.slug {
        return match slug_owner(c, slug.as_str()).await? {
            None => Ok(slug.clone()),
            Some(_) => Err(StoreError::Conflict(format!(
                "an article with the address {slug}"
            ))),
        };
    }
    let base = Slug::from_title(&article.headline).map_err(|e| {
        StoreError::Invalid(format!("cannot make an address from the headline: {e}"))
    })?;
    let mut candidate = base.clone();
    for n in 2..10_000 {
        if slug_owner(c, candidate.as_str()).await?.is_none() {
            return Ok(candidate);
        }
        candidate = base.with_suffix(n);
    }
    Err(StoreError::Conflict(format!(
        "articles with the address {base}"
    )))
}

/// Removes an article's bylines and tags, before [`insert_bylines_and_tags`] writes new ones.
async fn clear_bylines_and_tags(c: &mut Tx, id: i64) -> StoreResult<()> {
    query("DELETE FROM article_authors WHERE article_id = $1")
        .bind(id)
        .execute(c)
        .await?;
    query("DELETE FROM article_tags WHERE article_id = $1")
        .bind(id)
        .execute(c)
        .await?;
    Ok(())
}

/// Writes an article's bylines and tags in order, each once: one statement for each list.
async fn insert_bylines_and_tags(c: &mut Tx, id: i64, article: &NewArticle) -> StoreResult<()> {
    for (table, column, ids, what) in [
        (
            "article_authors",
            "author_id",
            &article.author_ids,
            "author",
        ),
        ("article_tags", "tag_id", &article.tag_ids, "tag"),
    ] {
        let mut seen = HashSet::new();
        let ids: Vec<i64> = ids.iter().copied().filter(|i| seen.insert(*i)).collect();
        if ids.is_empty() {
            continue;
        }
        let rows = (0..ids.len())
            .map(|i| format!("(${}, ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("INSERT INTO {table} (article_id, {column}, position) VALUES {rows}");
        let values = ids.iter().enumerate().flat_map(|(position, other)| {
            [
                id.into(),
                (*other).into(),
                i32::try_from(position).unwrap_or(i32::MAX).into(),
            ]
        });
        query(&sql)
            .bind_all(values)
            .execute(c)
            .await
            .map_err(|e| reference_error(e, what))?;
    }
    Ok(())
}

/// Inserts an article row with its body, bylines and tags; returns its id and the slug it got.
pub(super) async fn insert_article(
    c: &mut Tx,
    article: &NewArticle,
    body_html: &str,
    now: DateTime<Utc>,
) -> StoreResult<(i64, Slug)> {
    let slug = free_slug(c, article).await?;
    let id: i64 = query(
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
    .scalar(c)
    .await
    .map_err(|e| reference_error(e, "section"))?;
    query("INSERT INTO article_bodies (article_id, body_markdown, body_html) VALUES ($1, $2, $3)")
        .bind(id)
        .bind(&article.body_markdown)
        .bind(body_html)
        .execute(c)
        .await?;
    insert_bylines_and_tags(c, id, article).await?;
    Ok((id, slug))
}

/// Replaces an article's content, keeping every slug it had resolving.
pub(super) async fn apply_update(
    c: &mut Tx,
    id: i64,
    article: &NewArticle,
    body_html: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    // Only the slug and status matter here; the whole article is read after the update.
    let (current_slug, current_status): (String, String) =
        query("SELECT slug, status FROM articles WHERE id = $1")
            .bind(id)
            .fetch_optional(c)
            .await?
            .ok_or(StoreError::NotFound)?;
    let current_slug = stored_slug(current_slug)?;
    let slug = match &article.slug {
        Some(new_slug) if *new_slug != current_slug => {
            match slug_owner(c, new_slug.as_str()).await? {
                Some(owner) if owner != id => {
                    return Err(StoreError::Conflict(format!(
                        "an article with the address {new_slug}"
                    )));
                }
                // Moving back to one of its own old slugs: it is current again.
                _ => {
                    query("DELETE FROM article_slug_history WHERE slug = $1")
                        .bind(new_slug.as_str())
                        .execute(c)
                        .await?;
                }
            }
            query("INSERT INTO article_slug_history (slug, article_id) VALUES ($1, $2)")
                .bind(current_slug.as_str())
                .bind(id)
                .execute(c)
                .await?;
            new_slug.clone()
        }
        _ => current_slug,
    };
    check_group_language(c, id, article.language).await?;
    // A published article shows readers when it was last changed.
    let updated_at = if current_status == ArticleStatus::Published.as_str() {
        Some(article.updated_at.unwrap_or(now))
    } else {
        article.updated_at
    };
    query(
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
    .execute(c)
    .await
    .map_err(|e| reference_error(e, "section"))?;
    query("UPDATE article_bodies SET body_markdown = $1, body_html = $2 WHERE article_id = $3")
        .bind(&article.body_markdown)
        .bind(body_html)
        .bind(id)
        .execute(c)
        .await?;
    clear_bylines_and_tags(c, id).await?;
    insert_bylines_and_tags(c, id, article).await
}

/// Adds the tags named in a newsroom form after `article.tag_ids`, creating the new ones inside the
/// write's transaction (so a refused write leaves no tag behind) and logging each creation.
async fn add_named_tags(
    tx: &mut Tx,
    article: &mut NewArticle,
    names: &[String],
    now: DateTime<Utc>,
) -> StoreResult<()> {
    for name in names {
        let (tag, created) = ensure_tag_in(tx, name).await?;
        if created {
            tx.record_change("tag", Some(tag.id), "created", now)
                .await?;
        }
        article.tag_ids.push(tag.id);
    }
    Ok(())
}

pub(super) fn validated(article: &NewArticle) -> StoreResult<String> {
    article
        .validate()
        .map_err(|e| StoreError::Invalid(e.to_string()))?;
    Ok(markdown::render(&article.body_markdown))
}

#[async_trait::async_trait]
impl ArticleStore for SqlStore {
    async fn article(&self, id: i64) -> StoreResult<Option<Article>> {
        load_article(&mut self.db.conn().await?, id).await
    }

    async fn article_workflow(&self, id: i64) -> StoreResult<Option<ArticleWorkflow>> {
        let row: Option<WorkflowRow> = query(
            "SELECT owner_user_id, embargo_until, takedown_at, pinned_at, \
             (SELECT MAX(r.id) FROM revisions r WHERE r.article_id = $1) AS latest_revision \
             FROM articles WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&mut self.db.conn().await?)
        .await?;
        row.map(|row| {
            Ok(ArticleWorkflow {
                owner_user_id: row.owner_user_id,
                embargo_until: opt_time(row.embargo_until)?,
                takedown_at: opt_time(row.takedown_at)?,
                latest_revision: row.latest_revision,
                pinned_at: opt_time(row.pinned_at)?,
            })
        })
        .transpose()
    }

    async fn pin_to_home(
        &self,
        id: i64,
        pinned: bool,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let mut tx = self.db.write().await?;
        let updated = query("UPDATE articles SET pinned_at = $1 WHERE id = $2")
            .bind(pinned.then(|| now.timestamp()))
            .bind(id)
            .execute(&mut tx)
            .await?;
        if updated == 0 {
            return Err(StoreError::NotFound);
        }
        audit_write(&mut tx, audit, Some(id), now).await?;
        let seq = tx
            .record_change("article", Some(id), "updated", now)
            .await?;
        tx.commit().await?;
        Ok(seq)
    }

    async fn create_article(
        &self,
        article: NewArticle,
        now: DateTime<Utc>,
    ) -> StoreResult<Article> {
        let body_html = validated(&article)?;
        let mut tx = self.db.write().await?;
        let (id, _) = insert_article(&mut tx, &article, &body_html, now).await?;
        tx.record_change("article", Some(id), "created", now)
            .await?;
        let created = load_article(&mut tx, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok(created)
    }

    async fn import_articles(
        &self,
        articles: &[NewArticle],
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<i64>> {
        for article in articles {
            article
                .validate()
                .map_err(|e| StoreError::Invalid(format!("{:?}: {e}", article.headline)))?;
        }
        let rendered: Vec<String> = articles
            .iter()
            .map(|a| markdown::render(&a.body_markdown))
            .collect();
        let mut tx = self.db.write().await?;
        let mut ids = Vec::with_capacity(articles.len());
        for (article, body_html) in articles.iter().zip(&rendered) {
            let (id, _) = insert_article(&mut tx, article, body_html, now).await?;
            tx.record_change("article", Some(id), "created", now)
                .await?;
            ids.push(id);
        }
        tx.commit().await?;
        Ok(ids)
    }

    async fn newsroom_create_article(
        &self,
        mut article: NewArticle,
        tag_names: &[String],
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> StoreResult<Written<Article>> {
        let body_html = validated(&article)?;
        let mut tx = self.db.write().await?;
        add_named_tags(&mut tx, &mut article, tag_names, now).await?;
        let (id, _) = insert_article(&mut tx, &article, &body_html, now).await?;
        query("UPDATE articles SET owner_user_id = $1 WHERE id = $2")
            .bind(actor.user_id)
            .bind(id)
            .execute(&mut tx)
            .await?;
        let (_, created) = write_revision(&mut tx, id, actor, "created", now).await?;
        let entry = NewAuditEntry {
            actor: actor.clone(),
            action: "create".into(),
            entity: "article".into(),
            entity_id: Some(id),
            detail: created.headline.clone(),
        };
        audit_in(&mut tx, &entry, now).await?;
        let seq = tx
            .record_change("article", Some(id), "created", now)
            .await?;
        tx.commit().await?;
        Ok(Written {
            value: created,
            seq,
        })
    }

    async fn newsroom_save_article(
        &self,
        id: i64,
        save: ArticleSave,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> StoreResult<SavedArticle> {
        let ArticleSave {
            mut article,
            tag_names,
            base_revision,
            note,
            audit_action,
            audit_detail,
        } = save;
        let body_html = validated(&article)?;
        let mut tx = self.db.write().await?;
        // Checked inside the write transaction, so two saves cannot both pass it.
        let newer: Option<NewerRevisionRow> = query(
            "SELECT user_name, created_at FROM revisions WHERE article_id = $1 AND id > $2 \
             AND (user_id IS NULL OR user_id <> $3) ORDER BY id DESC LIMIT 1",
        )
        .bind(id)
        .bind(base_revision.unwrap_or(0))
        .bind(actor.user_id.unwrap_or(0))
        .fetch_optional(&mut tx)
        .await?;
        if let Some(newer) = newer {
            let at = time(newer.created_at)?;
            return Err(StoreError::Stale(format!(
                "{} saved this article at {} UTC, after you opened it",
                newer.user_name,
                at.format("%H:%M:%S on %-d %b %Y")
            )));
        }
        add_named_tags(&mut tx, &mut article, &tag_names, now).await?;
        apply_update(&mut tx, id, &article, &body_html, now).await?;
        let (revision, saved) = write_revision(&mut tx, id, actor, &note, now).await?;
        let entry = NewAuditEntry {
            actor: actor.clone(),
            action: audit_action,
            entity: "article".into(),
            entity_id: Some(id),
            detail: format!("{audit_detail}{revision}"),
        };
        audit_in(&mut tx, &entry, now).await?;
        let seq = tx
            .record_change("article", Some(id), "updated", now)
            .await?;
        tx.commit().await?;
        Ok(SavedArticle {
            article: saved,
            revision,
            seq,
        })
    }

    async fn change_article_status(
        &self,
        id: i64,
        change: StatusChange,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<Written<Article>> {
        let mut tx = self.db.write().await?;
        let changed = query(
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
        .execute(&mut tx)
        .await?;
        if changed == 0 {
            return match load_article(&mut tx, id).await? {
                None => Err(StoreError::NotFound),
                Some(a) => Err(StoreError::Stale(format!(
                    "the article is now {} (someone changed it meanwhile)",
                    a.status.as_str().replace('_', " ")
                ))),
            };
        }
        audit_write(&mut tx, audit, None, now).await?;
        let seq = tx
            .record_change("article", Some(id), change.status.as_str(), now)
            .await?;
        let article = load_article(&mut tx, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok(Written {
            value: article,
            seq,
        })
    }

    async fn run_due_work(&self, now: DateTime<Utc>) -> StoreResult<DueWork> {
        let mut tx = self.db.write().await?;
        // The status in the WHERE clause is the lease: on PostgreSQL a second node's UPDATE waits
        // for the first to commit and then finds the row no longer scheduled; SQLite has one
        // writer. So every article moves exactly once.
        let published: Vec<i64> = query(
            "UPDATE articles SET status = 'published', modified_at = $1 WHERE status = 'scheduled' \
             AND published_at <= $1 AND (embargo_until IS NULL OR embargo_until <= $1) RETURNING id",
        )
        .bind(now.timestamp())
        .column(&mut tx)
        .await?;
        // Candidates come from the takedown index (migration 0009); asked as one WHERE clause,
        // SQLite's planner prefers the status index and reads every published article.
        let taken_down: Vec<i64> = query(
            "UPDATE articles SET status = 'unpublished', takedown_at = NULL, modified_at = $1 \
             WHERE id IN (SELECT id FROM articles WHERE takedown_at IS NOT NULL AND takedown_at <= $1) \
             AND status = 'published' RETURNING id",
        )
        .bind(now.timestamp())
        .column(&mut tx)
        .await?;
        let mut seq = None;
        for (ids, action, status) in [
            (&published, "publish", "published"),
            (&taken_down, "unpublish", "unpublished"),
        ] {
            for id in ids {
                seq = Some(tx.record_change("article", Some(*id), status, now).await?);
                let entry = NewAuditEntry {
                    actor: Actor::scheduler(),
                    action: action.into(),
                    entity: "article".into(),
                    entity_id: Some(*id),
                    detail: "on schedule".into(),
                };
                audit_in(&mut tx, &entry, now).await?;
            }
        }
        tx.commit().await?;
        Ok(DueWork {
            published,
            taken_down,
            seq,
        })
    }

    async fn mark_editing(
        &self,
        article_id: i64,
        user_id: i64,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<OtherEditor>> {
        {
            let _guard = self.db.lock_writes().await;
            query(
                "INSERT INTO article_editors (article_id, user_id, seen_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (article_id, user_id) DO UPDATE SET seen_at = excluded.seen_at",
            )
            .bind(article_id)
            .bind(user_id)
            .bind(now.timestamp())
            .execute(&mut self.db.conn().await?)
            .await
            .map_err(|e| reference_error(e, "article"))?;
        }
        let rows: Vec<EditorRow> = query(
            "SELECT e.user_id, u.name, e.seen_at FROM article_editors e JOIN users u ON u.id = e.user_id \
             WHERE e.article_id = $1 AND e.user_id <> $2 AND e.seen_at >= $3 ORDER BY e.seen_at DESC",
        )
        .bind(article_id)
        .bind(user_id)
        .bind(since.timestamp())
        .fetch_all(&mut self.db.conn().await?)
        .await?;
        convert(rows)
    }

    async fn add_views(&self, increments: &[ViewIncrement]) -> StoreResult<()> {
        if increments.is_empty() {
            return Ok(());
        }
        let mut tx = self.db.write().await?;
        for inc in increments.iter().filter(|inc| inc.views > 0) {
            let touched = query("UPDATE articles SET view_total = view_total + $1 WHERE id = $2")
                .bind(inc.views)
                .bind(inc.article_id)
                .execute(&mut tx)
                .await?;
            // An article deleted since it was read: nothing to count.
            if touched == 0 {
                continue;
            }
            query(
                "INSERT INTO view_buckets (article_id, day, views) VALUES ($1, $2, $3) \
                 ON CONFLICT (article_id, day) DO UPDATE SET views = view_buckets.views + excluded.views",
            )
            .bind(inc.article_id)
            .bind(inc.day)
            .bind(inc.views)
            .execute(&mut tx)
            .await?;
        }
        tx.commit().await
    }

    #[cfg(feature = "testing")]
    async fn update_article(
        &self,
        id: i64,
        article: NewArticle,
        now: DateTime<Utc>,
    ) -> StoreResult<Article> {
        let body_html = validated(&article)?;
        let mut tx = self.db.write().await?;
        apply_update(&mut tx, id, &article, &body_html, now).await?;
        tx.record_change("article", Some(id), "updated", now)
            .await?;
        let updated = load_article(&mut tx, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok(updated)
    }

    #[cfg(feature = "testing")]
    async fn set_article_status(
        &self,
        id: i64,
        status: ArticleStatus,
        published_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> StoreResult<Article> {
        let mut tx = self.db.write().await?;
        let current = load_article(&mut tx, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let published_at = match status {
            ArticleStatus::Published => Some(published_at.or(current.published_at).unwrap_or(now)),
            _ => published_at.or(current.published_at),
        };
        query("UPDATE articles SET status = $1, published_at = $2, modified_at = $3 WHERE id = $4")
            .bind(status.as_str())
            .bind(published_at.map(|t| t.timestamp()))
            .bind(now.timestamp())
            .bind(id)
            .execute(&mut tx)
            .await?;
        tx.record_change("article", Some(id), status.as_str(), now)
            .await?;
        let changed = load_article(&mut tx, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok(changed)
    }
}

/// Refuses `language` for article `id` when another article of its translation group has it:
/// a save that changes an article's language keeps one article per language in its story.
pub(super) async fn check_group_language(
    c: &mut impl AsConn,
    id: i64,
    language: gazette_core::Language,
) -> StoreResult<()> {
    let clash: Option<(i64,)> = query(
        "SELECT o.id FROM articles a JOIN articles o \
         ON (o.id = COALESCE(a.translation_of, a.id) OR o.translation_of = COALESCE(a.translation_of, a.id)) \
         WHERE a.id = $1 AND o.id <> a.id AND o.language = $2",
    )
    .bind(id)
    .bind(language.code())
    .fetch_optional(c)
    .await?;
    match clash {
        Some(_) => Err(language_taken(language)),
        None => Ok(()),
    }
}

pub(super) fn language_taken(language: gazette_core::Language) -> StoreError {
    StoreError::Conflict(format!("this story's {} version", language.code()))
}
