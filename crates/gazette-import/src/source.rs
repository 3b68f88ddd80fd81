//! What an import brings in, in Gazette's terms but still keyed by the source's own identifiers,
//! so that a re-run finds what an earlier run wrote.

use chrono::{DateTime, Utc};

/// A person who wrote for the old site. Becomes a byline and a disabled newsroom account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceAuthor {
    /// The source's identifier: a WordPress login, a Ghost user id.
    pub key: String,
    /// The address part of the author's page on the old site (`/author/{slug}/`).
    pub slug: String,
    pub name: String,
    pub email: Option<String>,
    pub bio: String,
}

/// A category or tag on the old site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceTerm {
    /// The source's identifier (WordPress: the slug ‒ items name their terms by slug; Ghost: id).
    pub key: String,
    pub slug: String,
    pub name: String,
    pub description: String,
}

/// Whether an item is a dated article or a standing page (About, Contacts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    Post,
    Page,
}

/// What an item's status on the old site becomes here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceStatus {
    Published,
    Draft,
    /// Published at `published_at`, which is in the future.
    Scheduled,
    /// Not imported (WordPress trash, auto-drafts, revisions): the reason, for the report.
    Skipped(String),
}

/// An item's body as the source wrote it; [`crate::content`] turns it into Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceContent {
    /// WordPress `content:encoded`: Gutenberg block markup, classic HTML with auto-paragraphs and
    /// shortcodes, or both.
    WordPress(String),
    /// Ghost's rendered `html`.
    Html(String),
}

/// An image the old site stored: a WordPress attachment, or an image a Ghost post names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceImage {
    /// WordPress: the attachment's post id; Ghost: its URL.
    pub key: String,
    /// The address the old site served it at; bodies refer to it (or to resized copies of it).
    pub url: String,
    /// The file's path under the uploads folder (`--media-dir`, `--content-dir`), when known.
    pub relative_path: Option<String>,
    pub alt: String,
    pub caption: String,
    pub title: String,
    /// WordPress: the post the file was uploaded to (`wp:post_parent`), whose `[gallery]`
    /// without ids shows it.
    pub parent_id: Option<u64>,
}

/// A post or page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceItem {
    /// The source's identifier: WordPress's GUID, Ghost's id. What a re-run matches on.
    pub key: String,
    /// WordPress's numeric post id (`/?p=ID` addresses).
    pub numeric_id: Option<u64>,
    pub kind: ItemKind,
    pub title: String,
    /// The old address's last part; empty for WordPress drafts that never had one.
    pub slug: String,
    pub status: SourceStatus,
    /// From the GMT fields; None for drafts that were never dated.
    pub published_at: Option<DateTime<Utc>>,
    pub modified_at: Option<DateTime<Utc>>,
    /// WordPress's excerpt or Ghost's custom excerpt: becomes the standfirst.
    pub excerpt: String,
    pub content: SourceContent,
    /// [`SourceAuthor::key`]s, in byline order.
    pub author_keys: Vec<String>,
    /// [`SourceTerm::key`]s of its categories (WordPress) or tags (Ghost), the primary one first.
    pub categories: Vec<String>,
    /// [`SourceTerm::key`]s of its tags.
    pub tags: Vec<String>,
    /// [`SourceImage::key`] of the featured image.
    pub featured_image: Option<String>,
    /// WordPress's sticky posts and Ghost's featured posts.
    pub featured: bool,
    /// The item's full address on the old site (`<link>`, Ghost's URL), when known.
    pub link: Option<String>,
    pub seo_title: Option<String>,
    pub seo_description: Option<String>,
}
