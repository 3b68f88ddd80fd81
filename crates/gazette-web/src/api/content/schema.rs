//! What the Content API answers, as JSON and as schemas in the OpenAPI document. Addresses are
//! absolute (the site's `base_url`), times RFC 3339 in UTC.

use chrono::{DateTime, Utc};
use gazette_core::{Article, ArticleSummary, Author, AuthorRef, Section, SectionRef, Tag};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::error::ErrorBody;
use crate::presenters::{author_url, section_url, tag_url};

/// The site's address, to make every link absolute.
#[derive(Debug, Clone)]
pub struct Site {
    pub base_url: String,
    /// Every edition's links: an article's address is in its language's edition.
    pub every: std::sync::Arc<crate::links::AllLinks>,
}

impl Site {
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// An article's absolute address, in its own language's edition.
    pub fn article(
        &self,
        language: gazette_core::Language,
        section: &gazette_core::Slug,
        slug: &gazette_core::Slug,
    ) -> String {
        self.absolute(
            &self
                .every
                .article_url(language, section.as_str(), slug.as_str()),
        )
    }
}

/// A section as articles name it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SectionLink {
    pub slug: String,
    pub name: String,
    /// The section's page on the site.
    pub url: String,
}

/// A byline as articles name it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuthorLink {
    pub slug: String,
    pub name: String,
    /// The author's page on the site.
    pub url: String,
}

/// A tag as articles name it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TagLink {
    pub slug: String,
    pub name: String,
    /// The tag's page on the site.
    pub url: String,
}

impl SectionLink {
    pub fn of_ref(s: &SectionRef, site: &Site) -> Self {
        Self {
            slug: s.slug.to_string(),
            name: s.name.clone(),
            url: site.absolute(&section_url(&s.slug)),
        }
    }
    pub fn of(s: &Section, site: &Site) -> Self {
        Self {
            slug: s.slug.to_string(),
            name: s.name.clone(),
            url: site.absolute(&section_url(&s.slug)),
        }
    }
}

impl AuthorLink {
    pub fn of_ref(a: &AuthorRef, site: &Site) -> Self {
        Self {
            slug: a.slug.to_string(),
            name: a.name.clone(),
            url: site.absolute(&author_url(&a.slug)),
        }
    }
    pub fn of(a: &Author, site: &Site) -> Self {
        Self {
            slug: a.slug.to_string(),
            name: a.name.clone(),
            url: site.absolute(&author_url(&a.slug)),
        }
    }
}

impl TagLink {
    pub fn of(t: &Tag, site: &Site) -> Self {
        Self {
            slug: t.slug.to_string(),
            name: t.name.clone(),
            url: site.absolute(&tag_url(&t.slug)),
        }
    }
}

/// An article in a list. With `fields=`, only the fields asked for (and `id`) are present.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ArticleItem {
    pub id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    /// The article's canonical address on the site.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headline: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub standfirst: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<SectionLink>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authors: Option<Vec<AuthorLink>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published_at: Option<DateTime<Utc>>,
    /// When the article was last changed after publication, if it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<DateTime<Utc>>,
}

/// The fields `fields=` may name, in the order items carry them.
pub const ITEM_FIELDS: [&str; 9] = [
    "id",
    "slug",
    "url",
    "headline",
    "standfirst",
    "section",
    "authors",
    "published_at",
    "updated_at",
];

impl ArticleItem {
    /// The item with the fields `wanted` names (every field when `None`).
    pub fn new(a: &ArticleSummary, site: &Site, wanted: Option<&[&str]>) -> Self {
        let want = |field: &str| wanted.is_none_or(|w| w.contains(&field));
        Self {
            id: a.id,
            slug: want("slug").then(|| a.slug.to_string()),
            url: want("url").then(|| site.article(a.language, &a.section.slug, &a.slug)),
            headline: want("headline").then(|| a.headline.clone()),
            standfirst: want("standfirst").then(|| a.standfirst.clone()),
            section: want("section").then(|| SectionLink::of_ref(&a.section, site)),
            authors: want("authors").then(|| {
                a.authors
                    .iter()
                    .map(|au| AuthorLink::of_ref(au, site))
                    .collect()
            }),
            published_at: a.published_at.filter(|_| want("published_at")),
            updated_at: a.updated_at.filter(|_| want("updated_at")),
        }
    }
}

/// A page of articles, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticlesPage {
    pub items: Vec<ArticleItem>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// One size and format of an image.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImageVariant {
    pub url: String,
    pub width: u32,
    pub height: u32,
    /// `webp`, `jpeg` or `png`.
    pub format: String,
    pub bytes: u64,
}

/// An article's featured image, in every size kept.
#[derive(Debug, Serialize, ToSchema)]
pub struct Image {
    /// The largest JPEG or PNG (else WebP): the one to use when only one is wanted.
    pub url: String,
    pub alt: String,
    pub caption: String,
    pub credit: String,
    pub width: u32,
    pub height: u32,
    /// Narrowest first, WebP before the fallback format at each width.
    pub variants: Vec<ImageVariant>,
}

impl Image {
    pub fn new(media: &gazette_store::Media, site: &Site) -> Option<Self> {
        let url = site.absolute(&media.body_address()?);
        Some(Self {
            url,
            alt: media.alt.clone(),
            caption: media.caption.clone(),
            credit: media.credit.clone(),
            width: media.width,
            height: media.height,
            variants: media
                .variants
                .iter()
                .map(|v| ImageVariant {
                    url: site.absolute(&format!("/media/{}", v.key)),
                    width: v.width,
                    height: v.height,
                    format: v.format.clone(),
                    bytes: v.bytes,
                })
                .collect(),
        })
    }
}

/// A correction or an update note the newsroom appended.
#[derive(Debug, Serialize, ToSchema)]
pub struct CorrectionNote {
    /// `correction` or `update`.
    pub kind: String,
    pub text: String,
    pub created_at: DateTime<Utc>,
}

/// A published live-blog entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct LiveEntryView {
    pub id: i64,
    /// The entry's own address on the site.
    pub url: String,
    pub headline: Option<String>,
    pub body_html: String,
    pub body_markdown: String,
    pub authors: Vec<AuthorLink>,
    pub key_event: bool,
    pub pinned: bool,
    pub posted_at: Option<DateTime<Utc>>,
    pub edited_at: Option<DateTime<Utc>>,
}

/// A live blog's coverage and its newest published entries.
#[derive(Debug, Serialize, ToSchema)]
pub struct LiveCoverage {
    /// `live` or `ended`.
    pub coverage: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    /// Published entries in all.
    pub entries_total: u64,
    /// Newest first, at most [`super::articles::LIVE_ENTRIES`].
    pub entries: Vec<LiveEntryView>,
    /// The blog's page on the site, where the older entries are, when there are more than these.
    pub more_url: Option<String>,
}

/// One article, whole.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleDetail {
    pub id: i64,
    pub slug: String,
    /// The article's canonical address on the site.
    pub url: String,
    /// `en` or `uk`.
    pub language: String,
    pub headline: String,
    pub standfirst: String,
    pub section: SectionLink,
    pub authors: Vec<AuthorLink>,
    pub tags: Vec<TagLink>,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    /// The body as the site shows it (links to images are relative to the site).
    pub body_html: String,
    /// The body as written (Markdown).
    pub body_markdown: String,
    pub featured_image: Option<Image>,
    /// Oldest first.
    pub corrections: Vec<CorrectionNote>,
    /// For live blogs only.
    pub live: Option<LiveCoverage>,
}

impl ArticleDetail {
    pub fn new(a: &Article, site: &Site) -> Self {
        Self {
            id: a.id,
            slug: a.slug.to_string(),
            url: site.article(a.language, &a.section.slug, &a.slug),
            language: a.language.code().to_owned(),
            headline: a.headline.clone(),
            standfirst: a.standfirst.clone(),
            section: SectionLink::of(&a.section, site),
            authors: a
                .authors
                .iter()
                .map(|au| AuthorLink::of(au, site))
                .collect(),
            tags: a.tags.iter().map(|t| TagLink::of(t, site)).collect(),
            published_at: a.published_at,
            updated_at: a.updated_at,
            body_html: a.body_html.clone(),
            body_markdown: a.body_markdown.clone(),
            featured_image: None,
            corrections: Vec::new(),
            live: None,
        }
    }
}

/// A section of the site.
#[derive(Debug, Serialize, ToSchema)]
pub struct SectionView {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub url: String,
    /// Its articles in the API.
    pub articles_url: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SectionList {
    /// In the site's menu order.
    pub items: Vec<SectionView>,
}

/// A tag.
#[derive(Debug, Serialize, ToSchema)]
pub struct TagView {
    pub slug: String,
    pub name: String,
    pub url: String,
    pub articles_url: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TagList {
    /// By name.
    pub items: Vec<TagView>,
}

/// A byline: a person, or the newsroom itself (`is_house`).
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorView {
    pub slug: String,
    pub name: String,
    pub bio: String,
    pub is_house: bool,
    pub url: String,
    pub articles_url: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorList {
    pub items: Vec<AuthorView>,
}

/// A static page (About, Contacts) as lists name it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageLink {
    pub slug: String,
    pub title: String,
    pub url: String,
    /// The page's language: the edition it belongs to.
    pub language: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PageList {
    pub items: Vec<PageLink>,
}

/// A static page, whole.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageDetail {
    pub slug: String,
    pub title: String,
    pub url: String,
    pub body_html: String,
    pub body_markdown: String,
}

/// A search result: the article, and where the words were found.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResult {
    pub article: ArticleItem,
    /// The headline with the words found in `<mark>`, everything else escaped.
    pub headline_html: String,
    /// A passage around the words found, marked and escaped the same way.
    pub snippet_html: String,
}

/// A page of search results, best match first.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResults {
    pub items: Vec<SearchResult>,
    /// Matches in all, counted up to the index's limit.
    pub total: u64,
    pub next_cursor: Option<String>,
}

/// What every Content API read may answer besides its own: the client's copy is still current,
/// or the consumer key it sent is refused or out of requests.
#[derive(utoipa::IntoResponses)]
pub enum CommonAnswers {
    /// Not modified: the `ETag` sent in `If-None-Match` is current
    #[response(status = 304)]
    NotModified,
    /// The key is unknown or revoked
    #[response(status = 401)]
    UnknownKey(ErrorBody),
    /// The key's rate is used up (`Retry-After`)
    #[response(status = 429)]
    RateLimited(ErrorBody),
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    /// A client of any read may be answered "not modified", or have its key refused or limited:
    /// the document must say so for each, with the error body, or generated clients and
    /// Schemathesis treat those answers as undocumented.
    #[test]
    fn every_read_documents_the_common_answers() {
        let (_, document) = crate::api::routes();
        let document: Value = serde_json::to_value(&document).unwrap_or_default();
        let paths = document["paths"].as_object().cloned().unwrap_or_default();
        let reads: Vec<_> = paths
            .iter()
            .filter(|(path, _)| path.starts_with("/api/v1/"))
            .collect();
        assert!(reads.len() >= 8, "the Content API's paths: {reads:?}");
        for (path, item) in reads {
            let responses = &item["get"]["responses"];
            assert!(responses["304"].is_object(), "{path} lacks 304");
            for status in ["401", "429"] {
                let schema = &responses[status]["content"]["application/json"]["schema"]["$ref"];
                assert_eq!(
                    schema.as_str(),
                    Some("#/components/schemas/ErrorBody"),
                    "{path} {status}: {}",
                    responses[status]
                );
            }
        }
    }
}
