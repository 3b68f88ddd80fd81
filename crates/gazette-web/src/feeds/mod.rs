//! What machines read: RSS 2.0, Atom and JSON Feed 1.1 for the site and for each section, tag
//! and author; the sitemap index, its article files and the Google News sitemap; `robots.txt`.
//!
//! Every answer carries an `ETag` (a hash of the bytes) and a `Last-Modified` (the newest real
//! update among what it lists), and a reader or crawler that already has the same answer gets
//! `304 Not Modified` with no body.
//!
//! Addresses:
//!
//! | address | what |
//! |---|---|
//! | `/feeds/rss.xml`, `/feeds/atom.xml`, `/feeds/feed.json` | the whole site |
//! | `/feeds/{sections,tags,authors}/{slug}/{rss.xml,atom.xml,feed.json}` | one section, tag or author |
//! | `/sitemap.xml` | sitemap index |
//! | `/sitemaps/pages.xml`, `/sitemaps/articles/{n}.xml`, `/sitemaps/news.xml` | its files |
//! | `/robots.txt` | points crawlers at the sitemaps |

mod formats;
pub mod options;
#[cfg(test)]
mod properties;
mod sitemaps;
pub mod xml;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::time::{Duration, UNIX_EPOCH};

use chrono::{DateTime, Utc};
use gazette_store::ArticleFilter;
use sha2::{Digest, Sha256};

pub use options::{FeedContent, FeedFormat, FeedLink, FeedOptions, feed_links};
pub use sitemaps::{news_sitemap, robots, sitemap_articles, sitemap_index, sitemap_pages};

use crate::AppState;
use crate::error::{AppError, AppResult};
use crate::presenters::{SiteContext, author_url, section_url, tag_url};

/// Feeds and sitemaps may be cached a little longer than pages: readers poll them.
const CACHE_CONTROL: &str = "public, max-age=300, stale-while-revalidate=600, stale-if-error=86400";

/// One feed, before it is written in a format.
pub(crate) struct Feed {
    pub title: String,
    pub description: String,
    /// Absolute address of the page the feed follows.
    pub home_url: String,
    /// Absolute address of the feed itself.
    pub self_url: String,
    pub language: &'static str,
    pub updated: DateTime<Utc>,
    pub items: Vec<FeedItem>,
    pub site_name: String,
    pub logo_url: String,
}

pub(crate) struct FeedItem {
    pub url: String,
    pub title: String,
    pub summary: String,
    /// Sanitised body HTML, when feeds carry full content.
    pub content_html: Option<String>,
    pub published: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    pub authors: Vec<(String, String)>,
    pub categories: Vec<String>,
    pub language: &'static str,
}

/// `/feeds/{file}`: the whole site.
pub async fn site_feed(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let format = FeedFormat::from_file(&file).ok_or(AppError::NotFound)?;
    let site = SiteContext::load(&state, None).await?;
    let description = if site.description.is_empty() {
        site.tagline.clone()
    } else {
        site.description.clone()
    };
    let feed = build_feed(
        &state,
        &site,
        site.name.clone(),
        description,
        "/",
        "/feeds",
        format,
        &ArticleFilter::default(),
    )
    .await?;
    Ok(respond_feed(&feed, format, &headers))
}

/// `/feeds/{kind}/{slug}/{file}`: one section, tag or author.
pub async fn list_feed(
    State(state): State<AppState>,
    Path((kind, slug, file)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let format = FeedFormat::from_file(&file).ok_or(AppError::NotFound)?;
    let store = &state.store;
    let (title, description, page, filter) = match kind.as_str() {
        "sections" => {
            let s = store
                .section_by_slug(&slug)
                .await?
                .ok_or(AppError::NotFound)?;
            let filter = ArticleFilter {
                section_id: Some(s.id),
                ..Default::default()
            };
            (s.name, s.description, section_url(&s.slug), filter)
        }
        "tags" => {
            let t = store.tag_by_slug(&slug).await?.ok_or(AppError::NotFound)?;
            let filter = ArticleFilter {
                tag_id: Some(t.id),
                ..Default::default()
            };
            let description = format!("News and analysis tagged {}.", t.name);
            (t.name, description, tag_url(&t.slug), filter)
        }
        "authors" => {
            let a = store
                .author_by_slug(&slug)
                .await?
                .ok_or(AppError::NotFound)?;
            let filter = ArticleFilter {
                author_id: Some(a.id),
                ..Default::default()
            };
            let description = format!("Articles by {}.", a.name);
            (a.name, description, author_url(&a.slug), filter)
        }
        _ => return Err(AppError::NotFound),
    };
    let site = SiteContext::load(&state, None).await?;
    let feed = build_feed(
        &state,
        &site,
        format!("{title} | {}", site.name),
        description,
        &page,
        &format!("/feeds/{kind}/{slug}"),
        format,
        &filter,
    )
    .await?;
    Ok(respond_feed(&feed, format, &headers))
}

#[allow(clippy::too_many_arguments)]
async fn build_feed(
    state: &AppState,
    site: &SiteContext,
    title: String,
    description: String,
    page_path: &str,
    feed_path: &str,
    format: FeedFormat,
    filter: &ArticleFilter,
) -> AppResult<Feed> {
    let now = state.now();
    let articles = state
        .store
        .published_articles(filter, state.feeds.items, now)
        .await?;
    let full = state.feeds.content == FeedContent::Full;
    let items: Vec<FeedItem> = articles
        .iter()
        .map(|a| {
            let published = a.published_at.unwrap_or(a.created_at);
            let mut categories = vec![a.section.name.clone()];
            categories.extend(a.tags.iter().map(|t| t.name.clone()));
            FeedItem {
                url: site.absolute(&crate::presenters::article_url(&a.section.slug, &a.slug)),
                title: a.headline.clone(),
                summary: a.standfirst.clone(),
                content_html: full.then(|| a.body_html.clone()),
                published,
                updated: a.updated_at.map_or(published, |u| u.max(published)),
                authors: a
                    .authors
                    .iter()
                    .map(|au| (au.name.clone(), site.absolute(&author_url(&au.slug))))
                    .collect(),
                categories,
                language: a.language.code(),
            }
        })
        .collect();
    // An empty feed has not changed since the epoch as far as anyone can tell.
    let updated = items
        .iter()
        .map(|i| i.updated)
        .max()
        .unwrap_or(DateTime::UNIX_EPOCH);
    Ok(Feed {
        title,
        description,
        home_url: site.absolute(page_path),
        self_url: site.absolute(&format!("{feed_path}/{}", format.file())),
        language: site.language,
        updated,
        items,
        site_name: site.name.clone(),
        logo_url: site.absolute(&site.favicon_url),
    })
}

fn respond_feed(feed: &Feed, format: FeedFormat, headers: &HeaderMap) -> Response {
    let body = match format {
        FeedFormat::Rss => formats::rss(feed),
        FeedFormat::Atom => formats::atom(feed),
        FeedFormat::Json => formats::json(feed),
    };
    let content_type = match format {
        FeedFormat::Rss => "application/rss+xml; charset=utf-8",
        FeedFormat::Atom => "application/atom+xml; charset=utf-8",
        FeedFormat::Json => "application/feed+json; charset=utf-8",
    };
    conditional(headers, content_type, body, Some(feed.updated))
}

/// Answers with `body`, or `304 Not Modified` when the client already holds it: its
/// `If-None-Match` names this ETag, or (without one) its `If-Modified-Since` is not older than
/// `last_modified`.
pub(crate) fn conditional(
    request: &HeaderMap,
    content_type: &'static str,
    body: String,
    last_modified: Option<DateTime<Utc>>,
) -> Response {
    let digest = Sha256::digest(body.as_bytes());
    let etag = format!(
        "\"{}\"",
        digest[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    let last_modified = last_modified.filter(|t| t.timestamp() > 0);
    let not_modified = match request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    {
        Some(tags) => tags
            .split(',')
            .map(str::trim)
            .any(|t| t == "*" || t == etag || t.strip_prefix("W/") == Some(etag.as_str())),
        None => match (
            request
                .get(header::IF_MODIFIED_SINCE)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| httpdate::parse_http_date(v).ok())
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .and_then(|d| i64::try_from(d.as_secs()).ok()),
            last_modified,
        ) {
            (Some(since), Some(modified)) => modified.timestamp() <= since,
            _ => false,
        },
    };
    let mut response = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut r = Body::from(body).into_response();
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        r
    };
    let h = response.headers_mut();
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_CONTROL),
    );
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    if let Some(v) = last_modified
        .and_then(http_date)
        .and_then(|d| HeaderValue::from_str(&d).ok())
    {
        h.insert(header::LAST_MODIFIED, v);
    }
    response
}

/// An HTTP date, `Mon, 31 Mar 2025 12:00:00 GMT`; `None` before 1970 or after 9999, which the
/// format cannot carry.
fn http_date(at: DateTime<Utc>) -> Option<String> {
    let secs = u64::try_from(at.timestamp())
        .ok()
        .filter(|&s| s < LAST_HTTP_DATE)?;
    Some(httpdate::fmt_http_date(
        UNIX_EPOCH + Duration::from_secs(secs),
    ))
}

/// 10000-01-01T00:00:00Z: the first second an HTTP date cannot write.
const LAST_HTTP_DATE: u64 = 253_402_300_800;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_read_back_as_the_same_second() {
        let at = DateTime::from_timestamp(1_743_422_400, 0).unwrap_or_default();
        let written = http_date(at).unwrap_or_default();
        assert_eq!(written, "Mon, 31 Mar 2025 12:00:00 GMT");
        assert_eq!(
            DateTime::parse_from_rfc2822(&written).map(|d| d.timestamp()),
            Ok(at.timestamp())
        );
        let far = DateTime::from_timestamp(LAST_HTTP_DATE as i64, 0).unwrap_or_default();
        assert_eq!(http_date(far), None);
        assert_eq!(
            http_date(far - chrono::Duration::seconds(1)).as_deref(),
            Some("Fri, 31 Dec 9999 23:59:59 GMT")
        );
        let before = DateTime::from_timestamp(-1, 0).unwrap_or_default();
        assert_eq!(http_date(before), None);
    }

    #[test]
    fn if_modified_since_is_read_in_each_format_http_allows() {
        let modified = DateTime::from_timestamp(1_743_422_400, 0).unwrap_or_default();
        for (since, status) in [
            ("Mon, 31 Mar 2025 12:00:00 GMT", StatusCode::NOT_MODIFIED),
            ("Monday, 31-Mar-25 12:00:00 GMT", StatusCode::NOT_MODIFIED),
            ("Mon Mar 31 12:00:00 2025", StatusCode::NOT_MODIFIED),
            ("Mon, 31 Mar 2025 11:59:59 GMT", StatusCode::OK),
            ("yesterday", StatusCode::OK),
        ] {
            let mut request = HeaderMap::new();
            request.insert(header::IF_MODIFIED_SINCE, HeaderValue::from_static(since));
            let response = conditional(&request, "text/plain", "news".into(), Some(modified));
            assert_eq!(response.status(), status, "If-Modified-Since: {since}");
            assert_eq!(
                response.headers().get(header::LAST_MODIFIED),
                Some(&HeaderValue::from_static("Mon, 31 Mar 2025 12:00:00 GMT"))
            );
        }
    }

    #[test]
    fn feed_links_name_every_format() {
        let links = feed_links("/feeds/sections/war", "War");
        assert_eq!(links.len(), 3);
        assert_eq!(links[0].url, "/feeds/sections/war/rss.xml");
        assert_eq!(links[2].mime, "application/feed+json");
    }
}
