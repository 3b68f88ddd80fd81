//! Imports: the bookkeeping that makes a re-run update instead of duplicate, batches of articles
//! written in one transaction, and the old site's addresses.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use gazette_core::{NewArticle, Slug};

use super::articles::{apply_update, insert_article, validated};
use super::db::{AsConn, Tx, query};
use super::journal::{write_first_revisions, write_revision};
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

/// What earlier imports from `source` made of these keys, in bounded lists (SQLite allows a
/// limited number of parameters per statement).
async fn records_in(
    c: &mut impl AsConn,
    source: &str,
    kind: ImportKind,
    keys: &[String],
) -> StoreResult<HashMap<String, ImportRecord>> {
    let mut found = HashMap::new();
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
            .fetch_all(c)
            .await?;
        for (key, target_id, fingerprint) in rows {
            let record = ImportRecord {
                target_id,
                fingerprint,
            };
            found.insert(key, record);
        }
    }
    Ok(found)
}

async fn article_exists(tx: &mut Tx, id: i64) -> StoreResult<bool> {
    Ok(query("SELECT id FROM articles WHERE id = $1")
        .bind(id)
        .fetch_optional::<(i64,)>(tx)
        .await?
        .is_some())
}

/// Status, publication time, featured image and pin as the source has them now: an import
/// replays the source, while a newsroom save never moves an article through the workflow by
/// itself. A pinned (sticky, featured) post counts as pinned when it was published.
async fn set_source_state(
    tx: &mut Tx,
    id: i64,
    item: &ImportedArticle,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let published_at = item.article.published_at.map(|t| t.timestamp());
    query(
        "UPDATE articles SET status = $1, published_at = $2, featured_media_id = $3, \
         pinned_at = $4 WHERE id = $5",
    )
    .bind(item.article.status.as_str())
    .bind(published_at)
    .bind(item.featured_media_id)
    .bind(item.pinned.then(|| published_at.unwrap_or(now.timestamp())))
    .bind(id)
    .execute(tx)
    .await
    .map_err(|e| super::reference_error(e, "image"))?;
    Ok(())
}

/// What a batch writes after its articles, a statement each for the whole batch: first
/// revisions, old addresses, import records and change-log entries.
#[derive(Default)]
struct BatchTail<'b> {
    first_revisions: Vec<(i64, &'b NewArticle, Slug)>,
    addresses: Vec<(String, i64)>,
    records: Vec<(&'b str, ImportRecord)>,
    changes: Vec<(i64, &'static str)>,
}

impl BatchTail<'_> {
    async fn write(
        self,
        tx: &mut Tx,
        source: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        write_first_revisions(tx, &self.first_revisions, actor, "imported", now).await?;
        let mut addresses = self.addresses;
        addresses.sort();
        addresses.dedup_by(|a, b| a.0 == b.0);
        for chunk in addresses.chunks(1000) {
            let rows = (0..chunk.len())
                .map(|i| format!("(${}, ${}, NULL)", 2 * i + 1, 2 * i + 2))
                .collect::<Vec<_>>()
                .join(", ");
            // The first import to claim an address keeps it: two source items with one address
            // cannot both be right, and the earlier one is what readers found there.
            let sql = format!(
                "INSERT INTO old_addresses (path, article_id, target) VALUES {rows} \
                 ON CONFLICT (path) DO NOTHING"
            );
            query(&sql)
                .bind_all(
                    chunk
                        .iter()
                        .flat_map(|(path, id)| [path.as_str().into(), (*id).into()]),
                )
                .execute(tx)
                .await?;
        }
        for chunk in self.records.chunks(1000) {
            let rows = (0..chunk.len())
                .map(|i| format!("($1, $2, ${}, ${}, ${})", 3 * i + 3, 3 * i + 4, 3 * i + 5))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "INSERT INTO import_records (source, kind, source_key, target_id, fingerprint) \
                 VALUES {rows} ON CONFLICT (source, kind, source_key) \
                 DO UPDATE SET target_id = excluded.target_id, fingerprint = excluded.fingerprint"
            );
            let values = chunk.iter().flat_map(|(key, record)| {
                [
                    (*key).into(),
                    record.target_id.into(),
                    record.fingerprint.as_str().into(),
                ]
            });
            query(&sql)
                .bind(source)
                .bind(ImportKind::Article.as_str())
                .bind_all(values)
                .execute(tx)
                .await?;
        }
        tx.record_changes("article", &self.changes, now).await
    }
}

async fn write_one<'b>(
    tx: &mut Tx,
    item: &'b ImportedArticle,
    earlier: Option<&ImportRecord>,
    body_html: &str,
    actor: &Actor,
    now: DateTime<Utc>,
    tail: &mut BatchTail<'b>,
) -> StoreResult<ImportOutcome> {
    let existing = match earlier {
        Some(record) if article_exists(tx, record.target_id).await? => Some(record),
        // Deleted here since: imported again as new.
        _ => None,
    };
    let outcome = match existing {
        Some(record) if record.fingerprint == item.fingerprint => {
            return Ok(ImportOutcome::Unchanged(record.target_id));
        }
        Some(record) => {
            let id = record.target_id;
            apply_update(tx, id, &item.article, body_html, now).await?;
            set_source_state(tx, id, item, now).await?;
            write_revision(tx, id, actor, "imported again", now).await?;
            tail.changes.push((id, "updated"));
            ImportOutcome::Updated(id)
        }
        None => {
            // Status, time and slug are written by the insert itself.
            let (id, slug) = insert_article(tx, &item.article, body_html, now).await?;
            if item.featured_media_id.is_some() || item.pinned {
                set_source_state(tx, id, item, now).await?;
            }
            tail.first_revisions.push((id, &item.article, slug));
            tail.changes.push((id, "created"));
            ImportOutcome::Created(id)
        }
    };
    let id = outcome.article_id();
    tail.addresses.extend(
        item.old_addresses
            .iter()
            .map(|a| (crate::normalise_old_address(a), id)),
    );
    let record = ImportRecord {
        target_id: id,
        fingerprint: item.fingerprint.clone(),
    };
    tail.records.push((&item.key, record));
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
        records_in(&mut self.db.conn().await?, source, kind, keys).await
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
        let keys: Vec<String> = batch.iter().map(|item| item.key.clone()).collect();
        let mut earlier = records_in(&mut tx, source, ImportKind::Article, &keys).await?;
        let mut outcomes = Vec::with_capacity(batch.len());
        let mut tail = BatchTail::default();
        for (item, body_html) in batch.iter().zip(&rendered) {
            let outcome = write_one(
                &mut tx,
                item,
                earlier.get(&item.key),
                body_html,
                actor,
                now,
                &mut tail,
            )
            .await?;
            // A key given twice in one batch updates what its first write made.
            let record = ImportRecord {
                target_id: outcome.article_id(),
                fingerprint: item.fingerprint.clone(),
            };
            earlier.insert(item.key.clone(), record);
            outcomes.push(outcome);
        }
        tail.write(&mut tx, source, actor, now).await?;
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

    async fn refresh_import_statistics(&self) -> StoreResult<()> {
        self.db
            .analyze(&[
                "import_records",
                "articles",
                "article_bodies",
                "article_slug_history",
                "old_addresses",
                "revisions",
            ])
            .await
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
            // Only to a published article: a draft's address is not given away (it answers 404).
            "SELECT s.slug, a.slug, o.target FROM old_addresses o \
             LEFT JOIN articles a ON a.id = o.article_id AND a.status = 'published' \
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
