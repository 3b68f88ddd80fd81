//! Static pages per edition language: the newsroom's writes (each with its revision, audit entry
//! and change-log row in one transaction) and what readers see.

use chrono::{DateTime, Utc};
use gazette_core::{Language, Slug, StaticPage, markdown};

use super::db::{Tx, query};
use super::journal::audit_write;
use super::{SqlStore, clean_text, conflict_if_taken, stored_slug, time};
use crate::pages::{
    FooterMove, MAX_PAGE_BODY_BYTES, MAX_PAGE_TITLE_CHARS, ManagedPage, PAGE_ENTITY, PageInput,
    PageRevision, PageStatus, PageStore, PageTranslation,
};
use crate::{NewAuditEntry, StoreError, StoreResult, Written};

const COLUMNS: &str = "id, language, slug, title, body_markdown, body_html, status, \
     footer_position, translation_of, created_at, modified_at";
/// Footer order: pages in the footer by place, then the others by title.
const FOOTER_ORDER: &str =
    "CASE WHEN footer_position IS NULL THEN 1 ELSE 0 END, footer_position, title, id";

#[derive(sqlx::FromRow)]
struct PageRow {
    id: i64,
    language: String,
    slug: String,
    title: String,
    body_markdown: String,
    body_html: String,
    status: String,
    footer_position: Option<i64>,
    translation_of: Option<i64>,
    created_at: i64,
    modified_at: i64,
}

fn stored_language(code: &str) -> StoreResult<Language> {
    Language::parse(code).map_err(|e| StoreError::Invalid(format!("stored language: {e}")))
}

fn stored_status(raw: &str) -> StoreResult<PageStatus> {
    PageStatus::parse(raw).ok_or_else(|| StoreError::Invalid(format!("page status {raw:?}")))
}

impl TryFrom<PageRow> for ManagedPage {
    type Error = StoreError;
    fn try_from(r: PageRow) -> StoreResult<Self> {
        Ok(Self {
            id: r.id,
            language: stored_language(&r.language)?,
            slug: stored_slug(r.slug)?,
            title: r.title,
            body_markdown: r.body_markdown,
            body_html: r.body_html,
            status: stored_status(&r.status)?,
            footer_position: r.footer_position,
            translation_of: r.translation_of,
            created_at: time(r.created_at)?,
            modified_at: time(r.modified_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct RevisionRow {
    id: i64,
    page_id: i64,
    title: String,
    body_markdown: String,
    saved_at: i64,
    user_id: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct TranslationRow {
    id: i64,
    language: String,
    slug: String,
    title: String,
    status: String,
}

fn pages_from(rows: Vec<PageRow>) -> StoreResult<Vec<ManagedPage>> {
    rows.into_iter().map(ManagedPage::try_from).collect()
}

/// The title and body as given, checked.
fn checked(input: &PageInput) -> StoreResult<(String, &str)> {
    let title = clean_text(&input.title);
    if title.is_empty() {
        return Err(StoreError::Invalid("a page needs a title".into()));
    }
    if title.chars().count() > MAX_PAGE_TITLE_CHARS {
        return Err(StoreError::Invalid(format!(
            "a page's title can be at most {MAX_PAGE_TITLE_CHARS} characters"
        )));
    }
    if input.body_markdown.len() > MAX_PAGE_BODY_BYTES {
        return Err(StoreError::Invalid("the page's text is too long".into()));
    }
    Ok((title, input.body_markdown.as_str()))
}

fn slug_taken(language: Language, slug: &Slug) -> impl FnOnce() -> String {
    let (language, slug) = (language.code().to_owned(), slug.to_string());
    move || format!("a {language} page with the address {slug}")
}

async fn load(tx: &mut Tx, id: i64) -> StoreResult<ManagedPage> {
    let row: PageRow = query(&format!("SELECT {COLUMNS} FROM pages WHERE id = $1"))
        .bind(id)
        .fetch_optional(tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    ManagedPage::try_from(row)
}

/// The place after the last of `language`'s footer.
async fn next_footer_position(tx: &mut Tx, language: Language) -> StoreResult<i64> {
    Ok(query(
        "SELECT COALESCE(MAX(footer_position), 0) + 1 FROM pages WHERE language = $1 \
         AND footer_position IS NOT NULL",
    )
    .bind(language.code())
    .scalar::<i64>(tx)
    .await?)
}

async fn add_revision(
    tx: &mut Tx,
    page: &ManagedPage,
    audit: Option<&NewAuditEntry>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    query(
        "INSERT INTO page_revisions (page_id, title, body_markdown, saved_at, user_id) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(page.id)
    .bind(page.title.as_str())
    .bind(page.body_markdown.as_str())
    .bind(now.timestamp())
    .bind(audit.and_then(|a| a.actor.user_id))
    .execute(tx)
    .await?;
    Ok(())
}

/// Inserts a page, with its first revision; the caller logs the change.
async fn insert(
    tx: &mut Tx,
    language: Language,
    input: &PageInput,
    status: PageStatus,
    translation_of: Option<i64>,
    audit: Option<&NewAuditEntry>,
    now: DateTime<Utc>,
) -> StoreResult<ManagedPage> {
    let (title, body) = checked(input)?;
    let position = next_footer_position(tx, language).await?;
    let row: PageRow = query(&format!(
        "INSERT INTO pages (language, slug, title, body_markdown, body_html, status, \
         footer_position, translation_of, created_at, modified_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING {COLUMNS}"
    ))
    .bind(language.code())
    .bind(input.slug.as_str())
    .bind(title)
    .bind(body)
    .bind(markdown::render(body))
    .bind(status.as_str())
    .bind(position)
    .bind(translation_of)
    .bind(now.timestamp())
    .fetch_one(tx)
    .await
    .map_err(|e| conflict_if_taken(e, slug_taken(language, &input.slug)))?;
    let page = ManagedPage::try_from(row)?;
    add_revision(tx, &page, audit, now).await?;
    Ok(page)
}

/// Writes the page's new title, slug and body and a revision of them; the caller logs the change.
async fn rewrite(
    tx: &mut Tx,
    current: &ManagedPage,
    input: &PageInput,
    audit: Option<&NewAuditEntry>,
    now: DateTime<Utc>,
) -> StoreResult<ManagedPage> {
    let (title, body) = checked(input)?;
    let row: PageRow = query(&format!(
        "UPDATE pages SET slug = $1, title = $2, body_markdown = $3, body_html = $4, \
         modified_at = $5 WHERE id = $6 RETURNING {COLUMNS}"
    ))
    .bind(input.slug.as_str())
    .bind(title)
    .bind(body)
    .bind(markdown::render(body))
    .bind(now.timestamp())
    .bind(current.id)
    .fetch_one(tx)
    .await
    .map_err(|e| conflict_if_taken(e, slug_taken(current.language, &input.slug)))?;
    let page = ManagedPage::try_from(row)?;
    add_revision(tx, &page, audit, now).await?;
    Ok(page)
}

/// Commits `page` with its audit entry and change-log row.
async fn finish(
    mut tx: Tx,
    page: ManagedPage,
    action: &str,
    audit: Option<&NewAuditEntry>,
    now: DateTime<Utc>,
) -> StoreResult<Written<ManagedPage>> {
    audit_write(&mut tx, audit, Some(page.id), now).await?;
    let seq = tx
        .record_change(PAGE_ENTITY, Some(page.id), action, now)
        .await?;
    tx.commit().await?;
    Ok(Written { value: page, seq })
}

/// `TaxonomyStore::put_page`: the importers' and the demo's page, in English. A page already at
/// that address gets the new title and text (and a revision); a new one is published, last in
/// the footer.
pub(super) async fn put_page(store: &SqlStore, page: &StaticPage) -> StoreResult<()> {
    let now = Utc::now();
    let input = PageInput {
        slug: page.slug.clone(),
        title: page.title.clone(),
        body_markdown: page.body_markdown.clone(),
    };
    let mut tx = store.db.write().await?;
    let existing: Option<(i64,)> = query("SELECT id FROM pages WHERE language = $1 AND slug = $2")
        .bind(Language::EN.code())
        .bind(page.slug.as_str())
        .fetch_optional(&mut tx)
        .await?;
    let written = match existing {
        Some((id,)) => {
            let current = load(&mut tx, id).await?;
            rewrite(&mut tx, &current, &input, None, now).await?
        }
        None => {
            let status = PageStatus::Published;
            insert(&mut tx, Language::EN, &input, status, None, None, now).await?
        }
    };
    tx.record_change(PAGE_ENTITY, Some(written.id), "updated", now)
        .await?;
    tx.commit().await
}

#[async_trait::async_trait]
impl PageStore for SqlStore {
    async fn pages(&self) -> StoreResult<Vec<ManagedPage>> {
        let rows: Vec<PageRow> = query(&format!(
            "SELECT {COLUMNS} FROM pages ORDER BY language, {FOOTER_ORDER}"
        ))
        .fetch_all(&mut self.db.conn().await?)
        .await?;
        pages_from(rows)
    }

    async fn page_by_id(&self, id: i64) -> StoreResult<Option<ManagedPage>> {
        let row: Option<PageRow> = query(&format!("SELECT {COLUMNS} FROM pages WHERE id = $1"))
            .bind(id)
            .fetch_optional(&mut self.db.conn().await?)
            .await?;
        row.map(ManagedPage::try_from).transpose()
    }

    async fn page(&self, language: Language, slug: &str) -> StoreResult<Option<ManagedPage>> {
        let row: Option<PageRow> = query(&format!(
            "SELECT {COLUMNS} FROM pages WHERE language = $1 AND slug = $2 AND status = $3"
        ))
        .bind(language.code())
        .bind(slug)
        .bind(PageStatus::Published.as_str())
        .fetch_optional(&mut self.db.conn().await?)
        .await?;
        row.map(ManagedPage::try_from).transpose()
    }

    async fn published_pages(&self, language: Language) -> StoreResult<Vec<ManagedPage>> {
        let rows: Vec<PageRow> = query(&format!(
            "SELECT {COLUMNS} FROM pages WHERE language = $1 AND status = $2 ORDER BY {FOOTER_ORDER}"
        ))
        .bind(language.code())
        .bind(PageStatus::Published.as_str())
        .fetch_all(&mut self.db.conn().await?)
        .await?;
        pages_from(rows)
    }

    async fn page_translations(&self, page_id: i64) -> StoreResult<Vec<PageTranslation>> {
        let rows: Vec<TranslationRow> = query(
            "SELECT p.id, p.language, p.slug, p.title, p.status FROM pages p \
             JOIN pages me ON me.id = $1 \
             WHERE p.id = COALESCE(me.translation_of, me.id) \
                OR p.translation_of = COALESCE(me.translation_of, me.id) \
             ORDER BY p.language, p.id",
        )
        .bind(page_id)
        .fetch_all(&mut self.db.conn().await?)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(PageTranslation {
                    id: r.id,
                    language: stored_language(&r.language)?,
                    slug: stored_slug(r.slug)?,
                    title: r.title,
                    status: stored_status(&r.status)?,
                })
            })
            .collect()
    }

    async fn page_revisions(&self, page_id: i64) -> StoreResult<Vec<PageRevision>> {
        let rows: Vec<RevisionRow> = query(
            "SELECT id, page_id, title, body_markdown, saved_at, user_id FROM page_revisions \
             WHERE page_id = $1 ORDER BY id DESC",
        )
        .bind(page_id)
        .fetch_all(&mut self.db.conn().await?)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(PageRevision {
                    id: r.id,
                    page_id: r.page_id,
                    title: r.title,
                    body_markdown: r.body_markdown,
                    saved_at: time(r.saved_at)?,
                    user_id: r.user_id,
                })
            })
            .collect()
    }

    async fn create_page(
        &self,
        language: Language,
        input: PageInput,
        status: PageStatus,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<Written<ManagedPage>> {
        checked(&input)?;
        let mut tx = self.db.write().await?;
        let page = insert(&mut tx, language, &input, status, None, audit, now).await?;
        finish(tx, page, "created", audit, now).await
    }

    async fn update_page(
        &self,
        id: i64,
        input: PageInput,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<Written<ManagedPage>> {
        checked(&input)?;
        let mut tx = self.db.write().await?;
        let current = load(&mut tx, id).await?;
        let page = rewrite(&mut tx, &current, &input, audit, now).await?;
        finish(tx, page, "updated", audit, now).await
    }

    async fn restore_page_revision(
        &self,
        id: i64,
        revision_id: i64,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<Written<ManagedPage>> {
        let mut tx = self.db.write().await?;
        let current = load(&mut tx, id).await?;
        let (title, body_markdown): (String, String) =
            query("SELECT title, body_markdown FROM page_revisions WHERE id = $1 AND page_id = $2")
                .bind(revision_id)
                .bind(id)
                .fetch_optional(&mut tx)
                .await?
                .ok_or(StoreError::NotFound)?;
        let input = PageInput {
            slug: current.slug.clone(),
            title,
            body_markdown,
        };
        let page = rewrite(&mut tx, &current, &input, audit, now).await?;
        finish(tx, page, "updated", audit, now).await
    }

    async fn set_page_status(
        &self,
        id: i64,
        status: PageStatus,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<Written<ManagedPage>> {
        let mut tx = self.db.write().await?;
        let row: PageRow = query(&format!(
            "UPDATE pages SET status = $1, modified_at = $2 WHERE id = $3 RETURNING {COLUMNS}"
        ))
        .bind(status.as_str())
        .bind(now.timestamp())
        .bind(id)
        .fetch_optional(&mut tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let page = ManagedPage::try_from(row)?;
        finish(tx, page, status.as_str(), audit, now).await
    }

    async fn move_page(
        &self,
        id: i64,
        to: FooterMove,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<Written<ManagedPage>> {
        let mut tx = self.db.write().await?;
        let page = load(&mut tx, id).await?;
        let set = |position: Option<i64>, page_id: i64| {
            query("UPDATE pages SET footer_position = $1 WHERE id = $2")
                .bind(position)
                .bind(page_id)
        };
        match (to, page.footer_position) {
            (FooterMove::Out, _) => {
                set(None, id).execute(&mut tx).await?;
            }
            (FooterMove::In, Some(_)) => {}
            (FooterMove::In, None) => {
                let last = next_footer_position(&mut tx, page.language).await?;
                set(Some(last), id).execute(&mut tx).await?;
            }
            (FooterMove::Up | FooterMove::Down, None) => {
                return Err(StoreError::Invalid(
                    "the page is not in the footer; add it first".into(),
                ));
            }
            (FooterMove::Up | FooterMove::Down, Some(mine)) => {
                let (compare, order) = if to == FooterMove::Up {
                    ("<", "DESC")
                } else {
                    (">", "ASC")
                };
                let neighbour: Option<(i64, i64)> = query(&format!(
                    "SELECT id, footer_position FROM pages WHERE language = $1 \
                     AND footer_position IS NOT NULL AND footer_position {compare} $2 \
                     ORDER BY footer_position {order}, id LIMIT 1"
                ))
                .bind(page.language.code())
                .bind(mine)
                .fetch_optional(&mut tx)
                .await?;
                let Some((other, theirs)) = neighbour else {
                    return Err(StoreError::Invalid(if to == FooterMove::Up {
                        "the page is first in the footer already".into()
                    } else {
                        "the page is last in the footer already".into()
                    }));
                };
                set(Some(theirs), id).execute(&mut tx).await?;
                set(Some(mine), other).execute(&mut tx).await?;
            }
        }
        query("UPDATE pages SET modified_at = $1 WHERE id = $2")
            .bind(now.timestamp())
            .bind(id)
            .execute(&mut tx)
            .await?;
        let page = load(&mut tx, id).await?;
        finish(tx, page, "moved", audit, now).await
    }

    async fn translate_page(
        &self,
        id: i64,
        language: Language,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<Written<ManagedPage>> {
        let mut tx = self.db.write().await?;
        let source = load(&mut tx, id).await?;
        let original = load(&mut tx, source.original_id()).await?;
        if original.language == language {
            return Err(StoreError::Invalid(format!(
                "the original of this page is in {language} already"
            )));
        }
        let existing: Option<(i64,)> =
            query("SELECT id FROM pages WHERE translation_of = $1 AND language = $2")
                .bind(original.id)
                .bind(language.code())
                .fetch_optional(&mut tx)
                .await?;
        if existing.is_some() {
            return Err(StoreError::Conflict(format!(
                "a {language} translation of this page"
            )));
        }
        let input = PageInput {
            slug: source.slug.clone(),
            title: source.title.clone(),
            body_markdown: source.body_markdown.clone(),
        };
        let draft = PageStatus::Draft;
        let page = insert(
            &mut tx,
            language,
            &input,
            draft,
            Some(original.id),
            audit,
            now,
        )
        .await?;
        finish(tx, page, "created", audit, now).await
    }
}
