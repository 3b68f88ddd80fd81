//! How the site is organised: settings, sections, authors, tags, static pages and the search
//! synonym list.

use chrono::{DateTime, Utc};
use gazette_core::{Author, Section, Slug, StaticPage, Tag};

use super::db::{Tx, query};
use super::journal::audit_write;
use super::rows::{AuthorRow, SectionRow, SynonymRow, TagCountRow, TagRow};
use super::{SqlStore, clean_text, conflict_if_taken, convert, count};
use crate::{NewAuditEntry, Written};
use crate::{
    NewAuthor, NewSection, StoreError, StoreResult, SynonymGroup, TaxonomyStore,
    clean_synonym_terms,
};

const SECTION_COLUMNS: &str = "id, slug, name, description, position";

/// A section as given, checked: a name, and an address the site does not use itself.
fn checked_section(section: &NewSection) -> StoreResult<String> {
    let name = clean_text(&section.name);
    if name.is_empty() {
        return Err(StoreError::Invalid("a section needs a name".into()));
    }
    section
        .slug
        .check_section_slug()
        .map_err(|e| StoreError::Invalid(e.to_string()))?;
    Ok(name)
}

/// The tag with this name, created if it does not exist yet, inside `tx`; and whether it was
/// created. The caller logs a creation in the change log.
pub(super) async fn ensure_tag_in(tx: &mut Tx, name: &str) -> StoreResult<(Tag, bool)> {
    let name = clean_text(name);
    let slug =
        Slug::from_title(&name).map_err(|e| StoreError::Invalid(format!("tag {name:?}: {e}")))?;
    // Most tags typed in a form exist already: one lookup answers for them.
    let select = "SELECT id, slug, name FROM tags WHERE slug = $1";
    if let Some(row) = query(select)
        .bind(slug.as_str())
        .fetch_optional::<TagRow>(tx)
        .await?
    {
        return Ok((Tag::try_from(row)?, false));
    }
    let inserted: Option<TagRow> = query(
        "INSERT INTO tags (slug, name) VALUES ($1, $2) ON CONFLICT (slug) DO NOTHING \
         RETURNING id, slug, name",
    )
    .bind(slug.as_str())
    .bind(&name)
    .fetch_optional(tx)
    .await?;
    if let Some(row) = inserted {
        return Ok((Tag::try_from(row)?, true));
    }
    // Another writer (another node, on PostgreSQL) created it meanwhile.
    let row: TagRow = query(select).bind(slug.as_str()).fetch_one(tx).await?;
    Ok((Tag::try_from(row)?, false))
}

#[async_trait::async_trait]
impl TaxonomyStore for SqlStore {
    async fn setting(&self, key: &str) -> StoreResult<Option<String>> {
        Ok(query("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional::<(String,)>(&mut self.db.conn().await?)
            .await?
            .map(|(value,)| value))
    }

    async fn set_setting(&self, key: &str, value: &str) -> StoreResult<()> {
        self.set_settings(&[(key.to_owned(), value.to_owned())], None)
            .await?;
        Ok(())
    }

    async fn set_settings(
        &self,
        values: &[(String, String)],
        audit: Option<&NewAuditEntry>,
    ) -> StoreResult<i64> {
        let mut tx = self.db.write().await?;
        for (key, value) in values {
            query(
                "INSERT INTO settings (key, value) VALUES ($1, $2) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )
            .bind(key)
            .bind(value)
            .execute(&mut tx)
            .await?;
        }
        let now = Utc::now();
        audit_write(&mut tx, audit, None, now).await?;
        let seq = tx.record_change("settings", None, "updated", now).await?;
        tx.commit().await?;
        Ok(seq)
    }

    async fn create_section(
        &self,
        section: NewSection,
        audit: Option<&NewAuditEntry>,
    ) -> StoreResult<Written<Section>> {
        let name = checked_section(&section)?;
        let mut tx = self.db.write().await?;
        let row: SectionRow = query(&format!(
            "INSERT INTO sections (slug, name, description, position) VALUES ($1, $2, $3, $4) \
             RETURNING {SECTION_COLUMNS}"
        ))
        .bind(section.slug.as_str())
        .bind(name)
        .bind(clean_text(&section.description))
        .bind(section.position)
        .fetch_one(&mut tx)
        .await
        .map_err(|e| {
            conflict_if_taken(e, || format!("a section with the address {}", section.slug))
        })?;
        let created = Section::try_from(row)?;
        let now = Utc::now();
        audit_write(&mut tx, audit, Some(created.id), now).await?;
        let seq = tx
            .record_change("section", Some(created.id), "created", now)
            .await?;
        tx.commit().await?;
        Ok(Written {
            value: created,
            seq,
        })
    }

    async fn sections(&self) -> StoreResult<Vec<Section>> {
        let rows: Vec<SectionRow> = query(&format!(
            "SELECT {SECTION_COLUMNS} FROM sections ORDER BY position, name"
        ))
        .fetch_all(&mut self.db.conn().await?)
        .await?;
        convert(rows)
    }

    async fn section_by_slug(&self, slug: &str) -> StoreResult<Option<Section>> {
        let row: Option<SectionRow> = query(&format!(
            "SELECT {SECTION_COLUMNS} FROM sections WHERE slug = $1"
        ))
        .bind(slug)
        .fetch_optional(&mut self.db.conn().await?)
        .await?;
        row.map(Section::try_from).transpose()
    }

    async fn update_section(
        &self,
        id: i64,
        section: NewSection,
        audit: Option<&NewAuditEntry>,
    ) -> StoreResult<Written<Section>> {
        let name = checked_section(&section)?;
        let mut tx = self.db.write().await?;
        let row: SectionRow = query(&format!(
            "UPDATE sections SET slug = $1, name = $2, description = $3, position = $4 WHERE id = $5 \
             RETURNING {SECTION_COLUMNS}"
        ))
        .bind(section.slug.as_str())
        .bind(name)
        .bind(clean_text(&section.description))
        .bind(section.position)
        .bind(id)
        .fetch_optional(&mut tx)
        .await
        .map_err(|e| {
            conflict_if_taken(e, || {
                format!("a section with the address {}", section.slug)
            })
        })?
        .ok_or(StoreError::NotFound)?;
        let updated = Section::try_from(row)?;
        let now = Utc::now();
        audit_write(&mut tx, audit, None, now).await?;
        let seq = tx
            .record_change("section", Some(id), "updated", now)
            .await?;
        tx.commit().await?;
        Ok(Written {
            value: updated,
            seq,
        })
    }

    async fn create_author(&self, author: NewAuthor) -> StoreResult<Author> {
        let name = clean_text(&author.name);
        if name.is_empty() {
            return Err(StoreError::Invalid("an author needs a name".into()));
        }
        let mut tx = self.db.write().await?;
        let row: AuthorRow = query(
            "INSERT INTO authors (slug, name, bio, is_house) VALUES ($1, $2, $3, $4) \
             RETURNING id, slug, name, bio, is_house",
        )
        .bind(author.slug.as_str())
        .bind(name)
        .bind(clean_text(&author.bio))
        .bind(author.is_house)
        .fetch_one(&mut tx)
        .await
        .map_err(|e| {
            conflict_if_taken(e, || format!("an author with the address {}", author.slug))
        })?;
        let created = Author::try_from(row)?;
        tx.record_change("author", Some(created.id), "created", Utc::now())
            .await?;
        tx.commit().await?;
        Ok(created)
    }

    async fn authors(&self) -> StoreResult<Vec<Author>> {
        let rows: Vec<AuthorRow> =
            query("SELECT id, slug, name, bio, is_house FROM authors ORDER BY name")
                .fetch_all(&mut self.db.conn().await?)
                .await?;
        convert(rows)
    }

    async fn author_by_slug(&self, slug: &str) -> StoreResult<Option<Author>> {
        let row: Option<AuthorRow> =
            query("SELECT id, slug, name, bio, is_house FROM authors WHERE slug = $1")
                .bind(slug)
                .fetch_optional(&mut self.db.conn().await?)
                .await?;
        row.map(Author::try_from).transpose()
    }

    async fn ensure_tag(&self, name: &str) -> StoreResult<Tag> {
        let mut tx = self.db.write().await?;
        let (tag, created) = ensure_tag_in(&mut tx, name).await?;
        if created {
            tx.record_change("tag", Some(tag.id), "created", Utc::now())
                .await?;
        }
        tx.commit().await?;
        Ok(tag)
    }

    async fn tag_by_slug(&self, slug: &str) -> StoreResult<Option<Tag>> {
        let row: Option<TagRow> = query("SELECT id, slug, name FROM tags WHERE slug = $1")
            .bind(slug)
            .fetch_optional(&mut self.db.conn().await?)
            .await?;
        row.map(Tag::try_from).transpose()
    }

    async fn tags_with_counts(&self) -> StoreResult<Vec<(Tag, u64)>> {
        let rows: Vec<TagCountRow> = query(
            "SELECT t.id, t.slug, t.name, COUNT(at.article_id) AS articles FROM tags t \
             LEFT JOIN article_tags at ON at.tag_id = t.id GROUP BY t.id, t.slug, t.name ORDER BY LOWER(t.name), t.id",
        )
        .fetch_all(&mut self.db.conn().await?)
        .await?;
        rows.into_iter()
            .map(|row| Ok((Tag::try_from(row.tag)?, count(row.articles))))
            .collect()
    }

    async fn rename_tag(
        &self,
        id: i64,
        name: &str,
        audit: Option<&NewAuditEntry>,
    ) -> StoreResult<Written<Tag>> {
        let name = clean_text(name);
        if name.is_empty() {
            return Err(StoreError::Invalid("a tag needs a name".into()));
        }
        let mut tx = self.db.write().await?;
        let row: TagRow = query("UPDATE tags SET name = $1 WHERE id = $2 RETURNING id, slug, name")
            .bind(name)
            .bind(id)
            .fetch_optional(&mut tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let tag = Tag::try_from(row)?;
        let now = Utc::now();
        audit_write(&mut tx, audit, None, now).await?;
        let seq = tx.record_change("tag", Some(id), "updated", now).await?;
        tx.commit().await?;
        Ok(Written { value: tag, seq })
    }

    async fn delete_tag(&self, id: i64, audit: Option<&NewAuditEntry>) -> StoreResult<i64> {
        let mut tx = self.db.write().await?;
        query("DELETE FROM article_tags WHERE tag_id = $1")
            .bind(id)
            .execute(&mut tx)
            .await?;
        let deleted = query("DELETE FROM tags WHERE id = $1")
            .bind(id)
            .execute(&mut tx)
            .await?;
        if deleted == 0 {
            return Err(StoreError::NotFound);
        }
        let now = Utc::now();
        audit_write(&mut tx, audit, None, now).await?;
        let seq = tx.record_change("tag", Some(id), "deleted", now).await?;
        tx.commit().await?;
        Ok(seq)
    }

    async fn put_page(&self, page: &StaticPage) -> StoreResult<()> {
        super::pages::put_page(self, page).await
    }

    async fn synonym_groups(&self) -> StoreResult<Vec<SynonymGroup>> {
        let rows: Vec<SynonymRow> = query("SELECT id, terms FROM search_synonyms ORDER BY id")
            .fetch_all(&mut self.db.conn().await?)
            .await?;
        Ok(rows.into_iter().map(SynonymGroup::from).collect())
    }

    async fn add_synonym_group(
        &self,
        terms: &[String],
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<Written<SynonymGroup>> {
        let terms = clean_synonym_terms(terms).map_err(StoreError::Invalid)?;
        let mut tx = self.db.write().await?;
        let row: SynonymRow =
            query("INSERT INTO search_synonyms (terms) VALUES ($1) RETURNING id, terms")
                .bind(terms.join(","))
                .fetch_one(&mut tx)
                .await
                .map_err(|e| conflict_if_taken(e, || "that synonym group".into()))?;
        let group = SynonymGroup::from(row);
        audit_write(&mut tx, audit, Some(group.id), now).await?;
        let seq = tx
            .record_change("synonyms", Some(group.id), "created", now)
            .await?;
        tx.commit().await?;
        Ok(Written { value: group, seq })
    }

    async fn delete_synonym_group(
        &self,
        id: i64,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let mut tx = self.db.write().await?;
        let deleted = query("DELETE FROM search_synonyms WHERE id = $1")
            .bind(id)
            .execute(&mut tx)
            .await?;
        if deleted == 0 {
            return Err(StoreError::NotFound);
        }
        audit_write(&mut tx, audit, None, now).await?;
        let seq = tx
            .record_change("synonyms", Some(id), "deleted", now)
            .await?;
        tx.commit().await?;
        Ok(seq)
    }
}
