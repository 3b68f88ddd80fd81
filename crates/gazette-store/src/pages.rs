//! The storage role for static pages (About, Contacts, the corrections policy, advertising,
//! donations): the newsroom writes them per edition language, with revisions, a workflow status
//! and a place in the footer menu; readers see an edition's published pages.
//!
//! Every write commits the page, its audit entry and its change-log row (entity `page`, the
//! page's id) in one transaction, so every node's caches drop the page and the footer at once.
//! The importers and the demo keep using [`crate::TaxonomyStore::put_page`], which writes an
//! English, published page placed at the end of the footer.

use chrono::{DateTime, Utc};
use gazette_core::{Language, Slug};

use crate::{NewAuditEntry, StoreResult, Written};

/// The change-log entity of a page.
pub const PAGE_ENTITY: &str = "page";
/// Longest title accepted.
pub const MAX_PAGE_TITLE_CHARS: usize = 200;
/// Longest body accepted, in bytes of Markdown.
pub const MAX_PAGE_BODY_BYTES: usize = 512 * 1024;

/// Where a page is: readers see only published ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PageStatus {
    Published,
    Draft,
    Unpublished,
}

impl PageStatus {
    pub const ALL: [PageStatus; 3] = [Self::Published, Self::Draft, Self::Unpublished];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Published => "published",
            Self::Draft => "draft",
            Self::Unpublished => "unpublished",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw.trim())
    }
}

/// A page as the newsroom manages it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedPage {
    pub id: i64,
    pub language: Language,
    pub slug: Slug,
    pub title: String,
    pub body_markdown: String,
    /// Rendered from the Markdown and sanitised by the store on every write.
    pub body_html: String,
    pub status: PageStatus,
    /// Its place in its edition's footer menu, smallest first; `None`: not in the footer.
    pub footer_position: Option<i64>,
    /// The original this page translates; `None` for an original.
    pub translation_of: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub modified_at: DateTime<Utc>,
}

impl ManagedPage {
    /// The original of this page's group of translations (itself for an original).
    pub fn original_id(&self) -> i64 {
        self.translation_of.unwrap_or(self.id)
    }
}

/// What a page said after one save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRevision {
    pub id: i64,
    pub page_id: i64,
    pub title: String,
    pub body_markdown: String,
    pub saved_at: DateTime<Utc>,
    /// Who saved it; `None` for an import or a person since removed.
    pub user_id: Option<i64>,
}

/// One page of a group of translations, for language links (`hreflang`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PageTranslation {
    pub id: i64,
    pub language: Language,
    pub slug: Slug,
    pub title: String,
    pub status: PageStatus,
}

/// What a newsroom form gives for a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageInput {
    pub slug: Slug,
    pub title: String,
    pub body_markdown: String,
}

/// A move in the footer menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FooterMove {
    /// One place earlier.
    Up,
    /// One place later.
    Down,
    /// Into the footer, last.
    In,
    /// Out of the footer.
    Out,
}

impl FooterMove {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim() {
            "up" => Some(Self::Up),
            "down" => Some(Self::Down),
            "in" => Some(Self::In),
            "out" => Some(Self::Out),
            _ => None,
        }
    }
}

/// Static pages, per edition language. Writes take the audit entry to commit with them; its
/// actor is the revision's author.
#[async_trait::async_trait]
pub trait PageStore: Send + Sync + 'static {
    /// Every page of every language, for the newsroom: by language, then footer order (pages
    /// outside the footer last, by title).
    async fn pages(&self) -> StoreResult<Vec<ManagedPage>>;

    async fn page_by_id(&self, id: i64) -> StoreResult<Option<ManagedPage>>;

    /// The published page with this slug in this language: what readers may see.
    async fn page(&self, language: Language, slug: &str) -> StoreResult<Option<ManagedPage>>;

    /// A language's published pages, in footer order (pages outside the footer last, by title):
    /// the footer menu and the sitemap.
    async fn published_pages(&self, language: Language) -> StoreResult<Vec<ManagedPage>>;

    /// The pages of `page_id`'s group of translations, itself included, by language: empty for
    /// an unknown page.
    async fn page_translations(&self, page_id: i64) -> StoreResult<Vec<PageTranslation>>;

    /// A page's revisions, newest first.
    async fn page_revisions(&self, page_id: i64) -> StoreResult<Vec<PageRevision>>;

    /// A new page in `language`, last in its footer, with its first revision. `Conflict` when
    /// the slug is taken in that language.
    async fn create_page(
        &self,
        language: Language,
        input: PageInput,
        status: PageStatus,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<Written<ManagedPage>>;

    /// Saves a page's title, slug and body as a new revision.
    async fn update_page(
        &self,
        id: i64,
        input: PageInput,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<Written<ManagedPage>>;

    /// Puts back the title and body of one of the page's revisions, saved as a new revision.
    /// `NotFound` when the revision is not this page's.
    async fn restore_page_revision(
        &self,
        id: i64,
        revision_id: i64,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<Written<ManagedPage>>;

    async fn set_page_status(
        &self,
        id: i64,
        status: PageStatus,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<Written<ManagedPage>>;

    /// Moves a page in its language's footer menu (the first cannot go up, nor the last down).
    async fn move_page(
        &self,
        id: i64,
        to: FooterMove,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<Written<ManagedPage>>;

    /// A draft copy of the page in `language`, linked to the page's original, last in that
    /// language's footer. `Invalid` for the original's own language; `Conflict` when the group
    /// has a page in that language already or the slug is taken there.
    async fn translate_page(
        &self,
        id: i64,
        language: Language,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<Written<ManagedPage>>;
}
