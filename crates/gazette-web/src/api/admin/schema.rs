//! What the Admin API reads and writes. Requests refuse unknown fields, so a misspelt field is an
//! error rather than silently ignored; times are RFC 3339 (`2026-12-02T08:00:00Z`).

use chrono::{DateTime, Utc};
use gazette_core::Article;
use gazette_core::live::LiveEntry;
use gazette_core::newsroom::{Correction, User};
use gazette_store::{ApiToken, ArticleWorkflow, Media, NewsroomArticle};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::error::ApiError;

// ---------------------------------------------------------------- the caller

#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub person: PersonOut,
    pub token: TokenOut,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PersonOut {
    pub id: i64,
    pub name: String,
    pub email: String,
    /// `contributor`, `author`, `editor` or `admin`: what the person may do, whatever the
    /// token's scopes say.
    pub role: String,
    /// The byline the person writes under, if any.
    pub author_id: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenOut {
    pub id: i64,
    pub name: String,
    /// Among `read_drafts`, `write_drafts`, `publish`, `media`, `live`, `admin`.
    pub scopes: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

impl Me {
    pub fn new(user: &User, token: &ApiToken) -> Self {
        Self {
            person: PersonOut {
                id: user.id,
                name: user.name.clone(),
                email: user.email.as_str().to_owned(),
                role: user.role.as_str().to_owned(),
                author_id: user.author_id,
            },
            token: TokenOut {
                id: token.id,
                name: token.name.clone(),
                scopes: token.scopes.iter().map(|s| s.as_str().to_owned()).collect(),
                created_at: token.created_at,
                expires_at: token.expires_at,
            },
        }
    }
}

// ---------------------------------------------------------------- articles

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// `draft`, `in_review`, `scheduled`, `published` or `unpublished`.
    pub status: Option<String>,
    /// A section's id.
    pub section_id: Option<String>,
    /// Words in the headline.
    pub q: Option<String>,
    /// Page number, from 1.
    pub page: Option<String>,
    /// Articles per page, 1 to 100 (default 20).
    pub per_page: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleList {
    pub articles: Vec<ArticleListItem>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleListItem {
    pub id: i64,
    pub headline: String,
    pub status: String,
    /// The section's address.
    pub section: String,
    pub language: String,
    pub modified_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
}

impl From<&NewsroomArticle> for ArticleListItem {
    fn from(a: &NewsroomArticle) -> Self {
        Self {
            id: a.summary.id,
            headline: a.summary.headline.clone(),
            status: a.status.as_str().to_owned(),
            section: a.summary.section.slug.to_string(),
            language: a.language.code().to_owned(),
            modified_at: a.modified_at,
            published_at: a.summary.published_at,
        }
    }
}

/// An article as the newsroom holds it, in any status.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleOut {
    pub id: i64,
    /// `draft`, `in_review`, `scheduled`, `published` or `unpublished`.
    pub status: String,
    /// The latest revision: send it back as `base_revision` when updating.
    pub revision: Option<i64>,
    pub headline: String,
    pub standfirst: String,
    pub body_markdown: String,
    pub body_html: String,
    pub section_id: i64,
    pub slug: String,
    pub language: String,
    pub tags: Vec<String>,
    pub author_ids: Vec<i64>,
    pub seo_title: Option<String>,
    pub seo_description: Option<String>,
    pub created_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub embargo_until: Option<DateTime<Utc>>,
    pub takedown_at: Option<DateTime<Utc>>,
}

impl ArticleOut {
    pub fn new(a: &Article, workflow: &ArticleWorkflow) -> Self {
        Self {
            id: a.id,
            status: a.status.as_str().to_owned(),
            revision: workflow.latest_revision,
            headline: a.headline.clone(),
            standfirst: a.standfirst.clone(),
            body_markdown: a.body_markdown.clone(),
            body_html: a.body_html.clone(),
            section_id: a.section.id,
            slug: a.slug.to_string(),
            language: a.language.code().to_owned(),
            tags: a.tags.iter().map(|t| t.name.clone()).collect(),
            author_ids: a.authors.iter().map(|p| p.id).collect(),
            seo_title: a.seo_title.clone(),
            seo_description: a.seo_description.clone(),
            created_at: a.created_at,
            published_at: a.published_at,
            updated_at: a.updated_at,
            embargo_until: workflow.embargo_until,
            takedown_at: workflow.takedown_at,
        }
    }
}

/// A new draft. Bylines default to the person's own.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewArticleRequest {
    pub headline: String,
    pub section_id: i64,
    #[serde(default)]
    pub standfirst: String,
    #[serde(default)]
    pub body_markdown: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub author_ids: Vec<i64>,
    #[serde(default)]
    pub seo_title: String,
    #[serde(default)]
    pub seo_description: String,
    /// The address; made from the headline when empty.
    #[serde(default)]
    pub slug: String,
    /// `en` or `uk` (default `en`).
    #[serde(default)]
    pub language: Option<String>,
}

/// Changes to an article: fields left out keep their value. `base_revision` is the revision the
/// change was based on (`revision` of the article as read); if someone saved since, the update
/// is refused with `409` and the current revision.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateArticleRequest {
    pub base_revision: i64,
    pub headline: Option<String>,
    pub section_id: Option<i64>,
    pub standfirst: Option<String>,
    pub body_markdown: Option<String>,
    pub tags: Option<Vec<String>>,
    pub author_ids: Option<Vec<i64>>,
    pub seo_title: Option<String>,
    pub seo_description: Option<String>,
    pub slug: Option<String>,
    pub language: Option<String>,
}

/// A `409` for a stale update: the error, and the revision to base a new attempt on.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaleBody {
    pub error: ApiError,
    pub current_revision: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleRequest {
    /// When it is published, in the future.
    pub publish_at: DateTime<Utc>,
    /// Readers see it no earlier than this.
    #[serde(default)]
    pub embargo_until: Option<DateTime<Utc>>,
    /// When it is taken down again (editors only).
    #[serde(default)]
    pub takedown_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CorrectionKindIn {
    /// A mistake put right; listed on the site's corrections page.
    Correction,
    /// New information added.
    Update,
}

impl CorrectionKindIn {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Correction => "correction",
            Self::Update => "update",
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectionRequest {
    pub kind: CorrectionKindIn,
    pub text: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CorrectionOut {
    pub id: i64,
    pub article_id: i64,
    pub kind: String,
    pub text: String,
    pub created_at: DateTime<Utc>,
}

impl From<&Correction> for CorrectionOut {
    fn from(c: &Correction) -> Self {
        Self {
            id: c.id,
            article_id: c.article_id,
            kind: c.kind.as_str().to_owned(),
            text: c.text.clone(),
            created_at: c.created_at,
        }
    }
}

// ---------------------------------------------------------------- media

/// The upload form (`multipart/form-data`).
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // Describes the form for the document; the handler reads the parts itself.
pub struct UploadForm {
    /// The image: JPEG, PNG, WebP or GIF.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    /// What the image shows, for readers who cannot see it. Required.
    pub alt: String,
    pub caption: Option<String>,
    pub credit: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MediaOut {
    pub id: i64,
    pub width: u32,
    pub height: u32,
    pub alt: String,
    pub caption: String,
    pub credit: String,
    /// The Markdown that puts the image in an article body.
    pub markdown: String,
    pub variants: Vec<VariantOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VariantOut {
    pub url: String,
    pub width: u32,
    pub height: u32,
    pub format: String,
}

impl From<&Media> for MediaOut {
    fn from(m: &Media) -> Self {
        Self {
            id: m.id,
            width: m.width,
            height: m.height,
            alt: m.alt.clone(),
            caption: m.caption.clone(),
            credit: m.credit.clone(),
            markdown: crate::newsroom::media::markdown(m),
            variants: m
                .variants
                .iter()
                .map(|v| VariantOut {
                    url: format!("/media/{}", v.key),
                    width: v.width,
                    height: v.height,
                    format: v.format.clone(),
                })
                .collect(),
        }
    }
}

// ---------------------------------------------------------------- live entries

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LiveEntryRequest {
    #[serde(default)]
    pub headline: Option<String>,
    pub body_markdown: String,
    #[serde(default)]
    pub key_event: bool,
    /// Keep it as the writer's draft instead of posting it.
    #[serde(default)]
    pub draft: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LiveEntryOut {
    pub id: i64,
    pub article_id: i64,
    /// `draft`, `pending` (waiting for an editor), `published`.
    pub status: String,
    pub headline: Option<String>,
    pub body_html: String,
    pub key_event: bool,
    pub posted_at: Option<DateTime<Utc>>,
}

impl From<&LiveEntry> for LiveEntryOut {
    fn from(e: &LiveEntry) -> Self {
        Self {
            id: e.id,
            article_id: e.article_id,
            status: e.status.as_str().to_owned(),
            headline: e.headline.clone(),
            body_html: e.body_html.clone(),
            key_event: e.key_event,
            posted_at: e.posted_at,
        }
    }
}

/// What every Admin API call may answer besides its own: the token is missing, unknown, revoked
/// or expired, or it made too many requests.
#[derive(utoipa::IntoResponses)]
pub enum TokenAnswers {
    /// No token, or an unknown, revoked or expired one
    #[response(status = 401)]
    NoValidToken(crate::api::error::ErrorBody),
    /// Too many requests (`Retry-After`)
    #[response(status = 429)]
    RateLimited(crate::api::error::ErrorBody),
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    /// Every Admin API operation needs the bearer token and may be refused for it or limited:
    /// the document says so for each, with the error body.
    #[test]
    fn every_operation_documents_its_token_answers() {
        let (_, document) = crate::api::routes();
        let document: Value = serde_json::to_value(&document).unwrap_or_default();
        let paths = document["paths"].as_object().cloned().unwrap_or_default();
        let mut operations = 0;
        for (path, item) in paths.iter().filter(|(p, _)| p.starts_with("/api/admin/")) {
            for (method, operation) in item.as_object().into_iter().flatten() {
                operations += 1;
                for status in ["401", "429"] {
                    let schema = &operation["responses"][status]["content"]["application/json"]["schema"]
                        ["$ref"];
                    assert_eq!(
                        schema.as_str(),
                        Some("#/components/schemas/ErrorBody"),
                        "{method} {path} {status}"
                    );
                }
            }
        }
        assert_eq!(operations, super::super::ROUTES.len());
    }
}
