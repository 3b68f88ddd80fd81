//! The same [`Feed`] written as RSS 2.0, Atom (RFC 4287) and JSON Feed 1.1.

use chrono::SecondsFormat;

use axum::http::HeaderMap;
use axum::response::Response;

use super::conditional::conditional;
use super::model::Feed;
use super::options::FeedFormat;
use super::xml::XmlWriter;

fn rfc3339(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// RSS dates are RFC 822 dates (with four-digit years, as RFC 1123 updated it), in UTC.
fn rfc822(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%a, %d %b %Y %H:%M:%S +0000").to_string()
}

const GENERATOR: &str = "Gazette";

pub(crate) fn rss(feed: &Feed) -> String {
    let mut xml = XmlWriter::new(4096 + feed.items.len() * 2048);
    xml.start(
        "rss",
        &[
            ("version", "2.0"),
            ("xmlns:atom", "http://www.w3.org/2005/Atom"),
            ("xmlns:content", "http://purl.org/rss/1.0/modules/content/"),
            ("xmlns:dc", "http://purl.org/dc/elements/1.1/"),
        ],
    );
    xml.start("channel", &[]);
    xml.element("title", &feed.title);
    xml.element("link", &feed.home_url);
    xml.element("description", &feed.description);
    xml.element("language", feed.language.code());
    xml.element("generator", GENERATOR);
    xml.element("lastBuildDate", &rfc822(feed.updated));
    xml.empty(
        "atom:link",
        &[
            ("href", &feed.self_url),
            ("rel", "self"),
            ("type", "application/rss+xml"),
        ],
    );
    if let Some(hub) = &feed.hub_url {
        xml.empty("atom:link", &[("href", hub), ("rel", "hub")]);
    }
    xml.start("image", &[]);
    xml.element("url", &feed.logo_url);
    xml.element("title", &feed.title);
    xml.element("link", &feed.home_url);
    xml.end("image");
    for item in &feed.items {
        xml.start("item", &[]);
        xml.element("title", &item.title);
        xml.element("link", &item.url);
        xml.element_with("guid", &[("isPermaLink", "true")], &item.url);
        xml.element("pubDate", &rfc822(item.published));
        xml.element("description", &item.summary);
        if let Some(html) = &item.content_html {
            xml.element("content:encoded", html);
        }
        for (name, _) in &item.authors {
            xml.element("dc:creator", name);
        }
        for category in &item.categories {
            xml.element("category", category);
        }
        xml.end("item");
    }
    xml.end("channel");
    xml.end("rss");
    xml.finish()
}

pub(crate) fn atom(feed: &Feed) -> String {
    let mut xml = XmlWriter::new(4096 + feed.items.len() * 2048);
    xml.start(
        "feed",
        &[
            ("xmlns", "http://www.w3.org/2005/Atom"),
            ("xml:lang", feed.language.code()),
        ],
    );
    xml.element("id", &feed.self_url);
    xml.element("title", &feed.title);
    if !feed.description.is_empty() {
        xml.element("subtitle", &feed.description);
    }
    xml.element("updated", &rfc3339(feed.updated));
    xml.empty(
        "link",
        &[
            ("rel", "alternate"),
            ("type", "text/html"),
            ("href", &feed.home_url),
        ],
    );
    xml.empty(
        "link",
        &[
            ("rel", "self"),
            ("type", "application/atom+xml"),
            ("href", &feed.self_url),
        ],
    );
    if let Some(hub) = &feed.hub_url {
        xml.empty("link", &[("rel", "hub"), ("href", hub)]);
    }
    xml.start("author", &[]);
    xml.element("name", &feed.site_name);
    xml.end("author");
    xml.element("generator", GENERATOR);
    xml.element("icon", &feed.logo_url);
    for item in &feed.items {
        xml.start("entry", &[]);
        xml.element("id", &item.url);
        xml.element("title", &item.title);
        xml.empty(
            "link",
            &[
                ("rel", "alternate"),
                ("type", "text/html"),
                ("href", &item.url),
            ],
        );
        xml.element("published", &rfc3339(item.published));
        xml.element("updated", &rfc3339(item.updated));
        for (name, uri) in &item.authors {
            xml.start("author", &[]);
            xml.element("name", name);
            xml.element("uri", uri);
            xml.end("author");
        }
        for category in &item.categories {
            xml.empty("category", &[("term", category)]);
        }
        if !item.summary.is_empty() {
            xml.element_with("summary", &[("type", "text")], &item.summary);
        }
        if let Some(html) = &item.content_html {
            xml.element_with(
                "content",
                &[("type", "html"), ("xml:lang", item.language.code())],
                html,
            );
        }
        xml.end("entry");
    }
    xml.end("feed");
    xml.finish()
}

pub(crate) fn json(feed: &Feed) -> String {
    let items: Vec<serde_json::Value> = feed
        .items
        .iter()
        .map(|item| {
            let mut value = serde_json::json!({
                "id": item.url,
                "url": item.url,
                "title": item.title,
                "summary": item.summary,
                "date_published": rfc3339(item.published),
                "date_modified": rfc3339(item.updated),
                "authors": item.authors.iter().map(|(name, url)| serde_json::json!({
                    "name": name,
                    "url": url,
                })).collect::<Vec<_>>(),
                "tags": item.categories,
                "language": item.language,
            });
            // Every item needs content: the body, or the standfirst when feeds carry summaries.
            match &item.content_html {
                Some(html) => value["content_html"] = serde_json::Value::from(html.as_str()),
                None => value["content_text"] = serde_json::Value::from(item.summary.as_str()),
            }
            value
        })
        .collect();
    let hub_url = feed.hub_url.clone();
    let feed = serde_json::json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "home_page_url": feed.home_url,
        "feed_url": feed.self_url,
        "description": feed.description,
        "icon": feed.logo_url,
        "language": feed.language,
        "authors": [{ "name": feed.site_name }],
        "items": items,
    });
    let mut feed = feed;
    if let Some(hub) = hub_url {
        feed["hubs"] = serde_json::json!([{ "type": "WebSub", "url": hub }]);
    }
    let mut text = serde_json::to_string_pretty(&feed).unwrap_or_else(|_| "{}".to_owned());
    text.push('\n');
    text
}

/// The feed written in `format`, answered conditionally (`ETag`, `Last-Modified`, 304).
pub(super) fn respond(feed: &Feed, format: FeedFormat, headers: &HeaderMap) -> Response {
    let body = match format {
        FeedFormat::Rss => rss(feed),
        FeedFormat::Atom => atom(feed),
        FeedFormat::Json => json(feed),
    };
    let content_type = match format {
        FeedFormat::Rss => "application/rss+xml; charset=utf-8",
        FeedFormat::Atom => "application/atom+xml; charset=utf-8",
        FeedFormat::Json => "application/feed+json; charset=utf-8",
    };
    conditional(headers, content_type, body, Some(feed.updated))
}
