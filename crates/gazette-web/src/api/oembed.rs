//! oEmbed (<https://oembed.com>) for article addresses: a partner site or a chat app that is given
//! one of our article URLs asks `/api/oembed?url=…` and gets a card to show: the headline linked
//! to the article, the standfirst, the byline and the featured image as a thumbnail. Article pages
//! announce the endpoint in their head (`<link rel="alternate" type="application/json+oembed">`).
//!
//! The embed is plain HTML (a blockquote with a link), with no script or frame: whoever embeds it
//! runs nothing of ours, and it reads as a quotation with its source if their page drops styles.
//! Only published articles of this site have an answer; anything else is a 404, as the
//! specification asks. JSON only: `format=xml` is 501 (also as it asks).

use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use gazette_core::ReaderView;
use gazette_store::ArticleLookup;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::error::{ApiError, ApiResult, ErrorBody};
use crate::presenters::SiteContext;
use crate::site::media::ImageView;
use crate::state::SiteState;

/// The widest card we suggest when the consumer sets no `maxwidth`.
const DEFAULT_WIDTH: u32 = 600;
/// A card narrower than this is unreadable; a smaller `maxwidth` is answered with 404.
const MIN_WIDTH: u32 = 200;
/// How long a consumer may keep the answer (`cache_age`), in seconds.
const CACHE_AGE_SECS: u64 = 3600;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OEmbedQuery {
    /// The article's address on this site.
    url: Option<String>,
    /// The widest the consumer can show, in pixels.
    maxwidth: Option<String>,
    /// The tallest the consumer can show, in pixels.
    maxheight: Option<String>,
    /// `json` (the default); `xml` is not offered.
    format: Option<String>,
}

/// An oEmbed 1.0 `rich` response.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OEmbed {
    /// Always `1.0`.
    pub version: String,
    /// Always `rich`: an HTML card.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub author_name: Option<String>,
    pub author_url: Option<String>,
    pub provider_name: String,
    pub provider_url: String,
    pub cache_age: u64,
    /// The card: a blockquote with the headline linked to the article, the standfirst and the
    /// source. No script, no frame.
    pub html: String,
    pub width: u32,
    pub height: u32,
    pub thumbnail_url: Option<String>,
    pub thumbnail_width: Option<u32>,
    pub thumbnail_height: Option<u32>,
}

/// An embeddable card for an article address.
#[utoipa::path(
    get,
    path = "/api/oembed",
    tag = "oEmbed",
    params(OEmbedQuery),
    responses(
        (status = 200, description = "The card", body = OEmbed),
        (status = 400, description = "No `url`, or a size that is not a number", body = ErrorBody),
        (status = 404, description = "Not a published article of this site, or `maxwidth` too small for a card", body = ErrorBody),
        (status = 501, description = "A format other than JSON was asked for", body = ErrorBody),
    )
)]
pub async fn oembed(
    State(state): State<SiteState>,
    Query(query): Query<OEmbedQuery>,
) -> ApiResult<Response> {
    match query.format.as_deref() {
        None | Some("json") => {}
        Some(_) => {
            return Err(ApiError::new(
                axum::http::StatusCode::NOT_IMPLEMENTED,
                "format_not_offered",
                "Only format=json is offered.",
            ));
        }
    }
    let url = query
        .url
        .as_deref()
        .filter(|u| !u.trim().is_empty())
        .ok_or_else(|| ApiError::bad_request("Say which article: ?url=<its address>."))?;
    let max_width = size(query.maxwidth.as_deref(), "maxwidth")?;
    let max_height = size(query.maxheight.as_deref(), "maxheight")?;
    let width = max_width.map_or(DEFAULT_WIDTH, |w| w.min(DEFAULT_WIDTH));
    if width < MIN_WIDTH {
        return Err(ApiError::not_found());
    }
    // The section is not checked against the article's: an address from before the article
    // moved section still names it (the site redirects it), so it still embeds.
    let (_section, slug) =
        article_path(&state.config.base_url, url).ok_or_else(ApiError::not_found)?;

    let page = state.store.article_page(&slug, 0, state.now()).await?;
    let article = match page.lookup {
        ArticleLookup::Current(article) => article,
        ArticleLookup::Renamed { .. } | ArticleLookup::NotFound => {
            return Err(ApiError::not_found());
        }
    };
    if article.reader_view(state.now()) != ReaderView::Visible {
        return Err(ApiError::not_found());
    }
    let site = SiteContext::load(&state, state.config.editions.default_language(), None).await?;
    let link = site.absolute(&site.every.article_url(
        article.language,
        article.section.slug.as_str(),
        article.slug.as_str(),
    ));
    let byline = article
        .authors
        .iter()
        .map(|a| a.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let html = card_html(&link, &article.headline, &article.standfirst, &site.name);
    let height = max_height.map_or(card_height(width), |h| h.min(card_height(width)));
    let thumbnail = page
        .featured
        .as_ref()
        .and_then(|media| thumbnail(media, max_width, max_height));
    let answer = OEmbed {
        version: "1.0".into(),
        kind: "rich".into(),
        title: article.headline.clone(),
        author_name: (!byline.is_empty()).then_some(byline),
        author_url: article
            .authors
            .first()
            .map(|a| site.absolute(&crate::presenters::author_url(&a.slug))),
        provider_name: site.name.clone(),
        provider_url: site.absolute("/"),
        cache_age: CACHE_AGE_SECS,
        html,
        width,
        height,
        thumbnail_url: thumbnail.as_ref().map(|t| site.absolute(&t.0)),
        thumbnail_width: thumbnail.as_ref().map(|t| t.1),
        thumbnail_height: thumbnail.as_ref().map(|t| t.2),
    };
    let mut response = axum::Json(answer).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    Ok(response)
}

/// A pixel size from the query: a positive whole number.
fn size(value: Option<&str>, name: &str) -> ApiResult<Option<u32>> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse::<u32>()
            .ok()
            .filter(|n| *n > 0)
            .map(Some)
            .ok_or_else(|| {
                ApiError::bad_request(format!("{name} must be a positive whole number."))
            }),
    }
}

/// The section and slug of an article address on this site (`https://site/{section}/{slug}`),
/// whatever its scheme, query or fragment. `None` for another host or any other kind of page.
pub fn article_path(base_url: &str, address: &str) -> Option<(String, String)> {
    let base = url::Url::parse(base_url).ok()?;
    let given = url::Url::parse(address.trim()).ok()?;
    let same_host = given.host_str()?.eq_ignore_ascii_case(base.host_str()?);
    // The other scheme of the same host is the same site (an http link to an https site); on the
    // same scheme, another port is another server.
    let same_port = given.scheme() != base.scheme()
        || given.port_or_known_default() == base.port_or_known_default();
    if !matches!(given.scheme(), "http" | "https") || !same_host || !same_port {
        return None;
    }
    let parts: Vec<&str> = given.path_segments()?.filter(|p| !p.is_empty()).collect();
    // `/section/slug` in the default edition, `/uk/section/slug` in another.
    let (section, slug) = match parts.as_slice() {
        [section, slug] => (*section, *slug),
        [edition, section, slug] if gazette_core::Language::parse(edition).is_ok() => {
            (*section, *slug)
        }
        _ => return None,
    };
    if gazette_core::RESERVED_SECTION_SLUGS.contains(&section) {
        return None;
    }
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8()
            .ok()
            .map(|s| s.into_owned())
    };
    Some((decode(section)?, decode(slug)?))
}

/// The card's markup; every piece of text escaped.
fn card_html(link: &str, headline: &str, standfirst: &str, site_name: &str) -> String {
    let e = gazette_core::text::escape_html;
    let mut html = format!(
        "<blockquote class=\"gazette-embed\" cite=\"{link}\"><p><a href=\"{link}\"><strong>{headline}</strong></a></p>",
        link = e(link),
        headline = e(headline),
    );
    if !standfirst.trim().is_empty() {
        html.push_str(&format!("<p>{}</p>", e(standfirst)));
    }
    html.push_str(&format!("<footer>— {}</footer></blockquote>", e(site_name)));
    html
}

/// Roughly how tall the card is at `width`: headline, standfirst and source on a few lines.
fn card_height(width: u32) -> u32 {
    if width >= 400 { 180 } else { 260 }
}

/// The largest image variant that fits the consumer's limits: its path, width and height.
fn thumbnail(
    media: &gazette_store::Media,
    max_width: Option<u32>,
    max_height: Option<u32>,
) -> Option<(String, u32, u32)> {
    let view = ImageView::new(media)?;
    let format = view.mime.trim_start_matches("image/").to_owned();
    media
        .variants
        .iter()
        .filter(|v| v.format == format)
        .filter(|v| max_width.is_none_or(|w| v.width <= w))
        .filter(|v| max_height.is_none_or(|h| v.height <= h))
        .max_by_key(|v| v.width)
        .map(|v| (format!("/media/{}", v.key), v.width, v.height))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://gazette.example";

    #[test]
    fn article_addresses_of_this_site_are_recognised() {
        let found = |u: &str| article_path(BASE, u);
        let expected = Some(("war".to_owned(), "front-line-report".to_owned()));
        assert_eq!(
            found("https://gazette.example/war/front-line-report"),
            expected
        );
        assert_eq!(
            found("https://GAZETTE.example/war/front-line-report/"),
            expected
        );
        assert_eq!(
            found("https://gazette.example/war/front-line-report?utm_source=x#top"),
            expected
        );
        assert_eq!(
            found("http://gazette.example/war/front-line-report"),
            expected
        );
    }

    #[test]
    fn other_sites_and_other_pages_are_not_articles() {
        let found = |u: &str| article_path(BASE, u);
        assert_eq!(found("https://evil.example/war/front-line-report"), None);
        assert_eq!(found("https://gazette.example.evil.example/war/x"), None);
        assert_eq!(found("https://gazette.example/war"), None);
        assert_eq!(found("https://gazette.example/tags/kyiv"), None);
        assert_eq!(found("https://gazette.example/war/x/entries/4"), None);
        assert_eq!(found("javascript:alert(1)"), None);
        assert_eq!(found("/war/front-line-report"), None);
        assert_eq!(found(""), None);
    }

    #[test]
    fn the_card_escapes_what_it_quotes() {
        let html = card_html(
            "https://gazette.example/war/a?b=1&c=2",
            "Drones <script>alert(1)</script> over \"Kyiv\"",
            "",
            "Gazette & Co",
        );
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(html.contains("b=1&amp;c=2"), "{html}");
        assert!(html.contains("Gazette &amp; Co"), "{html}");
        assert!(
            !html.contains("<p></p>"),
            "an empty standfirst is left out: {html}"
        );
    }

    #[test]
    fn sizes_are_positive_whole_numbers() {
        assert_eq!(size(None, "maxwidth"), Ok(None));
        assert_eq!(size(Some(" 320 "), "maxwidth"), Ok(Some(320)));
        for bad in ["0", "-5", "wide", "1.5"] {
            let error = size(Some(bad), "maxwidth").err();
            assert_eq!(error.map(|e| e.status), Some(400), "{bad}");
        }
    }
}
