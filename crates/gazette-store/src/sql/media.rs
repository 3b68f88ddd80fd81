//! The media library: images, their stored files, and articles' featured images.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::db::{AsConn, query};
use super::journal::audit_write;
use super::page_reader::MEDIA_COLUMNS;
use super::rows::{FeaturedRow, MediaRow, VariantRow};
use super::{SqlStore, clean_text, convert, count, placeholders};
use crate::{Media, MediaStore, MediaText, NewMedia, Page, PageRequest, StoreError, StoreResult};
use crate::{NewAuditEntry, Written};

/// Fills in the stored files of each image, narrowest first, WebP first at each width.
async fn attach_variants(c: &mut impl AsConn, media: &mut [Media]) -> StoreResult<()> {
    if media.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "SELECT media_id, width, height, format, key, bytes FROM media_variants WHERE media_id IN ({}) \
         ORDER BY width, CASE format WHEN 'webp' THEN 0 ELSE 1 END",
        placeholders(media.len())
    );
    let rows: Vec<VariantRow> = query(&sql)
        .bind_all(media.iter().map(|m| m.id.into()))
        .fetch_all(c)
        .await?;
    for row in rows {
        if let Some(m) = media.iter_mut().find(|m| m.id == row.media_id) {
            m.variants.push(row.into());
        }
    }
    Ok(())
}

/// The featured image of each of these articles that has one.
pub(super) async fn featured_on(
    c: &mut impl AsConn,
    article_ids: &[i64],
) -> StoreResult<HashMap<i64, Media>> {
    if article_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "SELECT a.id AS article_id, {MEDIA_COLUMNS} FROM articles a JOIN media m ON m.id = a.featured_media_id \
         WHERE a.id IN ({})",
        placeholders(article_ids.len())
    );
    let rows: Vec<FeaturedRow> = query(&sql)
        .bind_all(article_ids.iter().map(|&id| id.into()))
        .fetch_all(c)
        .await?;
    let mut owners = Vec::with_capacity(rows.len());
    let mut media = Vec::with_capacity(rows.len());
    for row in rows {
        owners.push(row.article_id);
        media.push(Media::try_from(row.media)?);
    }
    attach_variants(c, &mut media).await?;
    Ok(owners.into_iter().zip(media).collect())
}

#[async_trait::async_trait]
impl MediaStore for SqlStore {
    async fn insert_media(
        &self,
        media: NewMedia,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<Written<Media>> {
        if media.variants.is_empty() {
            return Err(StoreError::Invalid(
                "an image needs at least one stored file".into(),
            ));
        }
        let mut tx = self.db.write().await?;
        let id: i64 = query(
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
        .scalar(&mut tx)
        .await?;
        for v in &media.variants {
            query(
                "INSERT INTO media_variants (media_id, width, height, format, key, bytes) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(i64::from(v.width))
            .bind(i64::from(v.height))
            .bind(&v.format)
            .bind(&v.key)
            .bind(i64::try_from(v.bytes).unwrap_or(i64::MAX))
            .execute(&mut tx)
            .await?;
        }
        audit_write(&mut tx, audit, Some(id), now).await?;
        let seq = tx.record_change("media", Some(id), "created", now).await?;
        tx.commit().await?;
        let media = self.media(id).await?.ok_or(StoreError::NotFound)?;
        Ok(Written { value: media, seq })
    }

    async fn media(&self, id: i64) -> StoreResult<Option<Media>> {
        let mut conn = self.db.conn().await?;
        let sql = format!("SELECT {MEDIA_COLUMNS} FROM media m WHERE m.id = $1");
        let Some(row) = query(&sql)
            .bind(id)
            .fetch_optional::<MediaRow>(&mut conn)
            .await?
        else {
            return Ok(None);
        };
        let mut media = vec![Media::try_from(row)?];
        attach_variants(&mut conn, &mut media).await?;
        Ok(media.pop())
    }

    async fn media_list(&self, page: PageRequest) -> StoreResult<Page<Media>> {
        let mut conn = self.db.conn().await?;
        let total: i64 = query("SELECT COUNT(*) FROM media")
            .scalar(&mut conn)
            .await?;
        let sql = format!(
            "SELECT {MEDIA_COLUMNS} FROM media m ORDER BY m.created_at DESC, m.id DESC LIMIT $1 OFFSET $2"
        );
        let rows: Vec<MediaRow> = query(&sql)
            .bind(i64::from(page.per_page))
            .bind(page.offset())
            .fetch_all(&mut conn)
            .await?;
        let mut items = convert(rows)?;
        attach_variants(&mut conn, &mut items).await?;
        Ok(Page {
            items,
            total: count(total),
            request: page,
        })
    }

    async fn update_media(
        &self,
        id: i64,
        text: MediaText,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<Written<Media>> {
        let mut tx = self.db.write().await?;
        let updated = query("UPDATE media SET alt = $1, caption = $2, credit = $3 WHERE id = $4")
            .bind(clean_text(&text.alt))
            .bind(clean_text(&text.caption))
            .bind(clean_text(&text.credit))
            .bind(id)
            .execute(&mut tx)
            .await?;
        if updated == 0 {
            return Err(StoreError::NotFound);
        }
        audit_write(&mut tx, audit, None, now).await?;
        let mut seq = tx.record_change("media", Some(id), "updated", now).await?;
        // Pages that show the image as their featured one print its words.
        let articles: Vec<i64> = query("SELECT id FROM articles WHERE featured_media_id = $1")
            .bind(id)
            .column(&mut tx)
            .await?;
        for article in articles {
            seq = tx
                .record_change("article", Some(article), "updated", now)
                .await?;
        }
        tx.commit().await?;
        let media = self.media(id).await?.ok_or(StoreError::NotFound)?;
        Ok(Written { value: media, seq })
    }

    async fn media_keys(&self) -> StoreResult<Vec<String>> {
        Ok(query("SELECT key FROM media_variants ORDER BY key")
            .column(&mut self.db.conn().await?)
            .await?)
    }

    async fn set_featured_media(
        &self,
        article_id: i64,
        media_id: Option<i64>,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let mut tx = self.db.write().await?;
        if let Some(media_id) = media_id {
            let exists = query("SELECT id FROM media WHERE id = $1")
                .bind(media_id)
                .fetch_optional::<(i64,)>(&mut tx)
                .await?;
            if exists.is_none() {
                return Err(StoreError::Invalid(format!(
                    "there is no image {media_id} in the media library"
                )));
            }
        }
        let updated = query("UPDATE articles SET featured_media_id = $1 WHERE id = $2")
            .bind(media_id)
            .bind(article_id)
            .execute(&mut tx)
            .await?;
        if updated == 0 {
            return Err(StoreError::NotFound);
        }
        audit_write(&mut tx, audit, None, now).await?;
        let seq = tx
            .record_change("article", Some(article_id), "updated", now)
            .await?;
        tx.commit().await?;
        Ok(seq)
    }

    async fn featured_media(&self, article_ids: &[i64]) -> StoreResult<HashMap<i64, Media>> {
        featured_on(&mut self.db.conn().await?, article_ids).await
    }
}
