//! Imports: the bookkeeping that makes a re-run update instead of duplicate, batches of articles
//! written in one transaction, and the old site's addresses.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use gazette_core::{NewArticle, Slug};

use super::articles::{apply_update, insert_article, validated};
use super::db::{Tx, query};
use super::journal::write_revision;
use super::{SqlStore, clean_text, placeholders_from, stored_slug};
use crate::{
    Actor, ImportKind, ImportOutcome, ImportRecord, ImportStore, ImportedArticle, ImportedPerson,
    OldAddress, StoreError, StoreResult,
};

async fn remember_in(
    tx: &mut Tx,
    source: &str,
    kind: ImportKind,
    key: &str,
    record: &ImportRecord,
) -> StoreResult<()> {
    query(
        "INSERT INTO import_records (source, kind, source_key, target_id, fingerprint) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (source, kind, source_key) \
         DO UPDATE SET target_id = excluded.target_id, fingerprint = excluded.fingerprint",
    )
    .bind(source)
    .bind(kind.as_str())
    .bind(key)
    .bind(record.target_id)
    .bind(&record.fingerprint)
    .execute(tx)
    .await?;
    Ok(())
}

/// The record of `key`, if an earlier import wrote it and what it became still exists.
async fn record_in(
    tx: &mut Tx,
    source: &str,
    kind: ImportKind,
    key: &str,
) -> StoreResult<Option<ImportRecord>> {
    Ok(query(
        "SELECT target_id, fingerprint FROM import_records \
         WHERE source = $1 AND kind = $2 AND source_key = $3",
    )
    .bind(source)
    .bind(kind.as_str())
    .bind(key)
    .fetch_optional::<(i64, String)>(tx)
    .await?
    .map(|(target_id, fingerprint)| ImportRecord {
        target_id,
        fingerprint,
    }))
}

async fn article_exists(tx: &mut Tx, id: i64) -> StoreResult<bool> {
    Ok(query("SELECT id FROM articles WHERE id = $1")
        .bind(id)
        .fetch_optional::<(i64,)>(tx)
        .await?
        .is_some())
}

/// Status and publication time as the source has them now: an import replays the source, while
/// a newsroom save never moves an article through the workflow by itself.
async fn set_status_and_time(tx: &mut Tx, id: i64, article: &NewArticle) -> StoreResult<()> {
    query("UPDATE articles SET status = $1, published_at = $2 WHERE id = $3")
        .bind(article.status.as_str())
        .bind(article.published_at.map(|t| t.timestamp()))
        .bind(id)
        .execute(tx)
        .await?;
    Ok(())
}

async fn set_featured(tx: &mut Tx, id: i64, media_id: Option<i64>) -> StoreResult<()> {
    query("UPDATE articles SET featured_media_id = $1 WHERE id = $2")
        .bind(media_id)
        .bind(id)
        .execute(tx)
        .await
        .map_err(|e| super::reference_error(e, "image"))?;
    Ok(())
}

async fn add_article_addresses(tx: &mut Tx, id: i64, addresses: &[String]) -> StoreResult<()> {
    for path in addresses {
        // The first import to claim an address keeps it: two source items with one address
        // cannot both be right, and the earlier one is what readers found there.
        query(
            "INSERT INTO old_addresses (path, article_id, target) VALUES ($1, $2, NULL) \
             ON CONFLICT (path) DO NOTHING",
        )
        .bind(crate::normalise_old_address(path))
        .bind(id)
        .execute(tx)
        .await?;
    }
    Ok(())
}

async fn write_one(
    tx: &mut Tx,
    source: &str,
    item: &ImportedArticle,
    body_html: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> StoreResult<ImportOutcome> {
    let earlier = record_in(tx, source, ImportKind::Article, &item.key).await?;
    let existing = match earlier {
        Some(record) if article_exists(tx, record.target_id).await? => Some(record),
        // Deleted here since: imported again as new.
        _ => None,
    };
    let (id, outcome, note) = match existing {
        Some(record) if record.fingerprint == item.fingerprint => {
            return Ok(ImportOutcome::Unchanged(record.target_id));
        }
        Some(record) => {
            let id = record.target_id;
            apply_update(tx, id, &item.article, body_html, now).await?;
            (id, ImportOutcome::Updated(id), "imported again")
        }
        None => {
            let id = insert_article(tx, &item.article, body_html, now).await?;
            (id, ImportOutcome::Created(id), "imported")
        }
    };
    set_status_and_time(tx, id, &item.article).await?;
    set_featured(tx, id, item.featured_media_id).await?;
    add_article_addresses(tx, id, &item.old_addresses).await?;
    write_revision(tx, id, actor, note, now).await?;
    let record = ImportRecord {
        target_id: id,
        fingerprint: item.fingerprint.clone(),
    };
    remember_in(tx, source, ImportKind::Article, &item.key, &record).await?;
    let action = match outcome {
        ImportOutcome::Created(_) => "created",
        _ => "updated",
    };
    tx.record_change("article", Some(id), action, now).await?;
    Ok(outcome)
}

#[async_trait::async_trait]
impl ImportStore for SqlStore {
    async fn imported(
        &self,
        source: &str,
        kind: ImportKind,
        keys: &[String],
    ) -> StoreResult<HashMap<String, ImportRecord>> {
        let mut found = HashMap::new();
        let mut conn = self.db.conn().await?;
        // Bounded lists: SQLite allows a limited number of parameters per statement.
        for chunk in keys.chunks(500) {
            let sql = format!(
                "SELECT source_key, target_id, fingerprint FROM import_records \
                 WHERE source = $1 AND kind = $2 AND source_key IN ({})",
                placeholders_from(3, chunk.len())
            );
            let rows: Vec<(String, i64, String)> = query(&sql)
                .bind(source)
                .bind(kind.as_str())
                .bind_all(chunk.iter().map(|k| k.as_str().into()))
                .fetch_all(&mut conn)
                .await?;
            for (key, target_id, fingerprint) in rows {
                found.insert(
                    key,
                    ImportRecord {
                        target_id,
                        fingerprint,
                    },
                );
            }
        }
        Ok(found)
    }

    async fn remember_import(
        &self,
        source: &str,
        kind: ImportKind,
        key: &str,
        record: &ImportRecord,
    ) -> StoreResult<()> {
        let mut tx = self.db.write().await?;
        remember_in(&mut tx, source, kind, key, record).await?;
        tx.commit().await
    }

    async fn write_imported_articles(
        &self,
        source: &str,
        batch: &[ImportedArticle],
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<ImportOutcome>> {
        // Rendered before the transaction opens, so the database is held only for the writes.
        let rendered = batch
            .iter()
            .map(|item| {
                validated(&item.article)
                    .map_err(|e| StoreError::Invalid(format!("{:?}: {e}", item.article.headline)))
            })
            .collect::<StoreResult<Vec<String>>>()?;
        let mut tx = self.db.write().await?;
        let mut outcomes = Vec::with_capacity(batch.len());
        for (item, body_html) in batch.iter().zip(&rendered) {
            outcomes.push(write_one(&mut tx, source, item, body_html, actor, now).await?);
        }
        tx.commit().await?;
        Ok(outcomes)
    }

    async fn import_section(
        &self,
        slug: &Slug,
        name: &str,
        description: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<(i64, bool)> {
        slug.check_section_slug()
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let mut tx = self.db.write().await?;
        let select = "SELECT id FROM sections WHERE slug = $1";
        if let Some((id,)) = query(select)
            .bind(slug.as_str())
            .fetch_optional::<(i64,)>(&mut tx)
            .await?
        {
            return Ok((id, false));
        }
        let name = clean_text(name);
        let name = if name.is_empty() {
            slug.to_string()
        } else {
            name
        };
        // After the sections the site has, in the order the import brings them.
        let id: i64 = query(
            "INSERT INTO sections (slug, name, description, position) \
             VALUES ($1, $2, $3, (SELECT COALESCE(MAX(position), 0) + 1 FROM sections)) RETURNING id",
        )
        .bind(slug.as_str())
        .bind(name)
        .bind(clean_text(description))
        .scalar(&mut tx)
        .await?;
        tx.record_change("section", Some(id), "created", now)
            .await?;
        tx.commit().await?;
        Ok((id, true))
    }

    async fn import_tag(
        &self,
        slug: &Slug,
        name: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<(i64, bool)> {
        let mut tx = self.db.write().await?;
        let select = "SELECT id FROM tags WHERE slug = $1";
        if let Some((id,)) = query(select)
            .bind(slug.as_str())
            .fetch_optional::<(i64,)>(&mut tx)
            .await?
        {
            return Ok((id, false));
        }
        let name = clean_text(name);
        let name = if name.is_empty() {
            slug.to_string()
        } else {
            name
        };
        let id: i64 = query("INSERT INTO tags (slug, name) VALUES ($1, $2) RETURNING id")
            .bind(slug.as_str())
            .bind(name)
            .scalar(&mut tx)
            .await?;
        tx.record_change("tag", Some(id), "created", now).await?;
        tx.commit().await?;
        Ok((id, true))
    }

    async fn import_person(
        &self,
        person: &ImportedPerson,
        now: DateTime<Utc>,
    ) -> StoreResult<(i64, bool)> {
        let name = clean_text(&person.name);
        let name = if name.is_empty() {
            person.slug.to_string()
        } else {
            name
        };
        let mut tx = self.db.write().await?;
        let existing = query("SELECT id FROM authors WHERE slug = $1")
            .bind(person.slug.as_str())
            .fetch_optional::<(i64,)>(&mut tx)
            .await?;
        let (author_id, created) = match existing {
            Some((id,)) => (id, false),
            None => {
                let id: i64 = query(
                    "INSERT INTO authors (slug, name, bio, is_house) VALUES ($1, $2, $3, FALSE) \
                     RETURNING id",
                )
                .bind(person.slug.as_str())
                .bind(name.as_str())
                .bind(clean_text(&person.bio))
                .scalar(&mut tx)
                .await?;
                tx.record_change("author", Some(id), "created", now).await?;
                (id, true)
            }
        };
        if let Some(email) = &person.email {
            // Disabled and without a password (no hash verifies against an empty one): an admin
            // enables the account and the person sets a password before anyone can sign in.
            query(
                "INSERT INTO users (email, name, role, password_hash, disabled, author_id, created_at) \
                 VALUES ($1, $2, 'author', '', TRUE, $3, $4) ON CONFLICT (email) DO NOTHING",
            )
            .bind(email.as_str())
            .bind(name.as_str())
            .bind(author_id)
            .bind(now.timestamp())
            .execute(&mut tx)
            .await?;
        }
        tx.commit().await?;
        Ok((author_id, created))
    }

    async fn add_old_addresses(&self, addresses: &[(String, String)]) -> StoreResult<()> {
        let mut tx = self.db.write().await?;
        for (path, target) in addresses {
            query(
                "INSERT INTO old_addresses (path, article_id, target) VALUES ($1, NULL, $2) \
                 ON CONFLICT (path) DO NOTHING",
            )
            .bind(crate::normalise_old_address(path))
            .bind(target.as_str())
            .execute(&mut tx)
            .await?;
        }
        tx.commit().await
    }

    async fn old_address(&self, path: &str) -> StoreResult<Option<OldAddress>> {
        let row: Option<(Option<String>, Option<String>, Option<String>)> = query(
            "SELECT s.slug, a.slug, o.target FROM old_addresses o \
             LEFT JOIN articles a ON a.id = o.article_id \
             LEFT JOIN sections s ON s.id = a.section_id WHERE o.path = $1",
        )
        .bind(path)
        .fetch_optional(&mut self.db.conn().await?)
        .await?;
        Ok(match row {
            Some((Some(section), Some(slug), _)) => Some(OldAddress::Article {
                section: stored_slug(section)?,
                slug: stored_slug(slug)?,
            }),
            Some((_, _, Some(target))) => Some(OldAddress::Path(target)),
            _ => None,
        })
    }

    async fn published_article_address(&self, slug: &str) -> StoreResult<Option<OldAddress>> {
        let row: Option<(String, String)> = query(
            "SELECT s.slug, a.slug FROM articles a JOIN sections s ON s.id = a.section_id \
             WHERE a.status = 'published' AND (a.slug = $1 OR a.id IN \
             (SELECT article_id FROM article_slug_history WHERE slug = $1))",
        )
        .bind(slug)
        .fetch_optional(&mut self.db.conn().await?)
        .await?;
        row.map(|(section, slug)| {
            Ok(OldAddress::Article {
                section: stored_slug(section)?,
                slug: stored_slug(slug)?,
            })
        })
        .transpose()
    }
}
