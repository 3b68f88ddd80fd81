//! The same [`Feed`] written as RSS 2.0, Atom (RFC 4287) and JSON Feed 1.1.

use chrono::SecondsFormat;

use super::xml::{element, escape};
use super::{Feed, http_date};

fn rfc3339(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// RSS dates are RFC 822 dates.
fn rfc822(at: chrono::DateTime<chrono::Utc>) -> String {
    http_date(at).replace("GMT", "+0000")
}

const GENERATOR: &str = "Gazette";

pub(crate) fn rss(feed: &Feed) -> String {
    let mut out = String::with_capacity(4096 + feed.items.len() * 2048);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(
        "<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" \
         xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<channel>\n",
    );
    element(&mut out, "title", &feed.title);
    element(&mut out, "link", &feed.home_url);
    element(&mut out, "description", &feed.description);
    element(&mut out, "language", feed.language);
    element(&mut out, "generator", GENERATOR);
    element(&mut out, "lastBuildDate", &rfc822(feed.updated));
    out.push_str(&format!(
        "<atom:link href=\"{}\" rel=\"self\" type=\"application/rss+xml\"/>\n",
        escape(&feed.self_url)
    ));
    out.push_str("<image>\n");
    element(&mut out, "url", &feed.logo_url);
    element(&mut out, "title", &feed.title);
    element(&mut out, "link", &feed.home_url);
    out.push_str("</image>\n");
    for item in &feed.items {
        out.push_str("<item>\n");
        element(&mut out, "title", &item.title);
        element(&mut out, "link", &item.url);
        out.push_str(&format!(
            "<guid isPermaLink=\"true\">{}</guid>\n",
            escape(&item.url)
        ));
        element(&mut out, "pubDate", &rfc822(item.published));
        element(&mut out, "description", &item.summary);
        if let Some(html) = &item.content_html {
            element(&mut out, "content:encoded", html);
        }
        for (name, _) in &item.authors {
            element(&mut out, "dc:creator", name);
        }
        for category in &item.categories {
            element(&mut out, "category", category);
        }
        out.push_str("</item>\n");
    }
    out.push_str("</channel>\n</rss>\n");
    out
}

pub(crate) fn atom(feed: &Feed) -> String {
    let mut out = String::with_capacity(4096 + feed.items.len() * 2048);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        escape(feed.language)
    ));
    element(&mut out, "id", &feed.self_url);
    element(&mut out, "title", &feed.title);
    if !feed.description.is_empty() {
        element(&mut out, "subtitle", &feed.description);
    }
    element(&mut out, "updated", &rfc3339(feed.updated));
    out.push_str(&format!(
        "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        escape(&feed.home_url)
    ));
    out.push_str(&format!(
        "<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        escape(&feed.self_url)
    ));
    out.push_str("<author>\n");
    element(&mut out, "name", &feed.site_name);
    out.push_str("</author>\n");
    element(&mut out, "generator", GENERATOR);
    element(&mut out, "icon", &feed.logo_url);
    for item in &feed.items {
        out.push_str("<entry>\n");
        element(&mut out, "id", &item.url);
        element(&mut out, "title", &item.title);
        out.push_str(&format!(
            "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            escape(&item.url)
        ));
        element(&mut out, "published", &rfc3339(item.published));
        element(&mut out, "updated", &rfc3339(item.updated));
        for (name, uri) in &item.authors {
            out.push_str("<author>\n");
            element(&mut out, "name", name);
            element(&mut out, "uri", uri);
            out.push_str("</author>\n");
        }
        for category in &item.categories {
            out.push_str(&format!("<category term=\"{}\"/>\n", escape(category)));
        }
        if !item.summary.is_empty() {
            out.push_str(&format!(
                "<summary type=\"text\">{}</summary>\n",
                escape(&item.summary)
            ));
        }
        if let Some(html) = &item.content_html {
            out.push_str(&format!(
                "<content type=\"html\" xml:lang=\"{}\">{}</content>\n",
                escape(item.language),
                escape(html)
            ));
        }
        out.push_str("</entry>\n");
    }
    out.push_str("</feed>\n");
    out
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
    let mut text = serde_json::to_string_pretty(&feed).unwrap_or_else(|_| "{}".to_owned());
    text.push('\n');
    text
}
