//! The newspaper's nouns as the rest of the system sees them.

use chrono::{DateTime, Utc};

use crate::{Language, Slug};

/// Where an article is in the editorial workflow. Only `Published` is visible to readers;
/// `Unpublished` marks an article that readers once saw and that was taken down, which is why its
/// address answers 410 Gone rather than 404.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ArticleStatus {
    Draft,
    InReview,
    Scheduled,
    Published,
    Unpublished,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown article status {0:?}")]
pub struct UnknownStatus(pub String);

impl ArticleStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::InReview => "in_review",
            Self::Scheduled => "scheduled",
            Self::Published => "published",
            Self::Unpublished => "unpublished",
        }
    }

    /// The status as the newsroom labels it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "Draft",
            Self::InReview => "In review",
            Self::Scheduled => "Scheduled",
            Self::Published => "Published",
            Self::Unpublished => "Unpublished",
        }
    }

    pub const ALL: [ArticleStatus; 5] = [
        Self::Draft,
        Self::InReview,
        Self::Scheduled,
        Self::Published,
        Self::Unpublished,
    ];

    pub fn parse(s: &str) -> Result<Self, UnknownStatus> {
        Ok(match s {
            "draft" => Self::Draft,
            "in_review" => Self::InReview,
            "scheduled" => Self::Scheduled,
            "published" => Self::Published,
            "unpublished" => Self::Unpublished,
            other => return Err(UnknownStatus(other.to_owned())),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Section {
    pub id: i64,
    pub slug: Slug,
    pub name: String,
    pub description: String,
    /// Place in the section menu, lowest first.
    pub position: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Author {
    pub id: i64,
    pub slug: Slug,
    pub name: String,
    pub bio: String,
    /// A house byline ("Staff") rather than a person.
    pub is_house: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Tag {
    pub id: i64,
    pub slug: Slug,
    pub name: String,
}

/// A section as named on a card: enough to label and link it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SectionRef {
    pub slug: Slug,
    pub name: String,
}

/// A byline as named on a card.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuthorRef {
    pub slug: Slug,
    pub name: String,
}

/// Everything about one article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    pub id: i64,
    pub language: Language,
    pub slug: Slug,
    pub headline: String,
    pub standfirst: String,
    pub body_markdown: String,
    /// `body_markdown` rendered and sanitised when saved, so readers never wait on Markdown.
    pub body_html: String,
    pub section: Section,
    pub tags: Vec<Tag>,
    /// Bylines in the order they are printed.
    pub authors: Vec<Author>,
    pub status: ArticleStatus,
    pub published_at: Option<DateTime<Utc>>,
    /// Set when the article was edited after it was published; shown as "Updated …".
    pub updated_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub view_total: i64,
    pub seo_title: Option<String>,
    pub seo_description: Option<String>,
    /// The original this article translates (`None`: an original, or not part of a translation
    /// group); see [`crate::translation`].
    pub translation_of: Option<i64>,
}

/// What a reader gets at an article's address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReaderView {
    /// The article.
    Visible,
    /// "Removed": readers saw it once and the newsroom took it down (410 Gone).
    Removed,
    /// Nothing: it has not appeared yet, or never will (404).
    Hidden,
}

/// Whether readers see an article at `now`: published, with its publication time reached. A
/// scheduled article stays hidden until the scheduler publishes it, even past its time.
pub fn reader_view(
    status: ArticleStatus,
    published_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> ReaderView {
    match status {
        ArticleStatus::Published if published_at.is_some_and(|t| t <= now) => ReaderView::Visible,
        ArticleStatus::Unpublished => ReaderView::Removed,
        _ => ReaderView::Hidden,
    }
}

impl Article {
    /// What a reader gets at this article's address at `now`.
    pub fn reader_view(&self, now: DateTime<Utc>) -> ReaderView {
        reader_view(self.status, self.published_at, now)
    }
}

/// The part of an article a list or a card needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleSummary {
    pub id: i64,
    pub slug: Slug,
    pub headline: String,
    pub standfirst: String,
    pub section: SectionRef,
    pub authors: Vec<AuthorRef>,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub view_total: i64,
    /// The edition it belongs to.
    pub language: Language,
}

/// What a writer supplies to create or edit an article. The store renders the body when it saves,
/// so the stored HTML always matches the stored Markdown.
#[derive(Debug, Clone)]
pub struct NewArticle {
    pub language: Language,
    /// None: made from the headline.
    pub slug: Option<Slug>,
    pub headline: String,
    pub standfirst: String,
    pub body_markdown: String,
    pub section_id: i64,
    pub tag_ids: Vec<i64>,
    pub author_ids: Vec<i64>,
    pub status: ArticleStatus,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub seo_title: Option<String>,
    pub seo_description: Option<String>,
}

/// A static page such as About or Contacts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaticPage {
    pub slug: Slug,
    pub title: String,
    pub body_markdown: String,
    pub body_html: String,
}

/// Longest headline accepted. Newsrooms write long headlines; none needs more than this.
pub const MAX_HEADLINE_LEN: usize = 300;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArticleError {
    #[error("the headline cannot be empty")]
    EmptyHeadline,
    #[error("the headline can be at most {MAX_HEADLINE_LEN} characters")]
    HeadlineTooLong,
    #[error("an article needs at least one byline")]
    NoAuthors,
}

/// A headline, trimmed, once it is known to be neither empty nor too long.
pub fn check_headline(headline: &str) -> Result<&str, ArticleError> {
    let headline = headline.trim();
    if headline.is_empty() {
        return Err(ArticleError::EmptyHeadline);
    }
    if headline.chars().count() > MAX_HEADLINE_LEN {
        return Err(ArticleError::HeadlineTooLong);
    }
    Ok(headline)
}

impl NewArticle {
    /// Checks the rules every article must satisfy before it is stored, however it was made (the
    /// editor's form is checked further by `crate::submission`).
    pub fn validate(&self) -> Result<(), ArticleError> {
        check_headline(&self.headline)?;
        if self.author_ids.is_empty() {
            return Err(ArticleError::NoAuthors);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn readers_see_only_published_articles_whose_time_has_come() {
        let now = Utc.with_ymd_and_hms(2025, 3, 31, 12, 0, 0).unwrap();
        let earlier = Some(now - chrono::Duration::minutes(1));
        let later = Some(now + chrono::Duration::minutes(1));
        use ArticleStatus as S;
        assert_eq!(reader_view(S::Published, earlier, now), ReaderView::Visible);
        assert_eq!(
            reader_view(S::Published, Some(now), now),
            ReaderView::Visible
        );
        assert_eq!(reader_view(S::Published, later, now), ReaderView::Hidden);
        assert_eq!(reader_view(S::Published, None, now), ReaderView::Hidden);
        assert_eq!(reader_view(S::Scheduled, earlier, now), ReaderView::Hidden);
        assert_eq!(reader_view(S::Draft, earlier, now), ReaderView::Hidden);
        assert_eq!(
            reader_view(S::Unpublished, earlier, now),
            ReaderView::Removed
        );
    }
}
