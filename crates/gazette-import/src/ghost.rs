//! Ghost 5/6 JSON exports (Settings → Advanced → Import/Export → Export content).
//!
//! The export is one JSON document, `{"db": [{"meta": {"version": …}, "data": {"posts": […],
//! "tags": […], "users": […], "posts_tags": […], "posts_authors": […], "posts_meta": […],
//! "settings": […], …}}]}`: tables as Ghost's database holds them, joined here. Exports are small
//! enough to read whole; the document is walked as loose JSON so that a field of an unexpected
//! type (a number where text was expected, a null list) is read as missing rather than failing
//! the whole import.
//!
//! As with WordPress, a post whose status is not imported (an email-only newsletter, an unknown
//! status) is kept in [`GhostExport::items`] with [`SourceStatus::Skipped`], so its key and
//! address stay known; [`GhostExport::skipped`] lists what is not an item at all (other types).

#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};
use std::io::Read;

use chrono::{DateTime, NaiveDateTime, Utc};
use percent_encoding::percent_decode_str;
use serde_json::Value;

use crate::source::{
    ItemKind, SourceAuthor, SourceContent, SourceImage, SourceItem, SourceStatus, SourceTerm,
};

/// The Ghost versions whose exports this reader knows (by major version).
const SUPPORTED_MAJOR_VERSIONS: std::ops::RangeInclusive<u64> = 5..=6;

/// Ghost's stand-in for the site's own address in URLs it stores.
const GHOST_URL: &str = "__GHOST_URL__";

/// Everything read from a Ghost export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GhostExport {
    /// The Ghost version that wrote the export (`db[0].meta.version`).
    pub version: String,
    /// The site's address, when the export's settings hold it (Ghost keeps it in its
    /// configuration file instead, so usually not).
    pub site_url: Option<String>,
    /// Staff users, in the export's order.
    pub authors: Vec<SourceAuthor>,
    /// Public tags; internal tags (`#name`) are Ghost's own bookkeeping and not imported.
    pub terms: Vec<SourceTerm>,
    /// Posts and pages, in the export's order.
    pub items: Vec<SourceItem>,
    /// Images the posts name (feature images), each once.
    pub images: Vec<SourceImage>,
    /// Posts that are not imported at all: (title, reason).
    pub skipped: Vec<(String, String)>,
    /// Items imported with something missing: (title, what).
    pub warnings: Vec<(String, String)>,
}

/// Why a Ghost export could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GhostError {
    #[error("the file could not be read: {0}")]
    Io(#[from] std::io::Error),
    #[error("this is not JSON (line {line}, column {column}): {message}")]
    NotJson {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("this JSON is not a Ghost export: {0}")]
    NotGhost(String),
    #[error("the export does not say which Ghost version wrote it (no db[0].meta.version)")]
    NoVersion,
    #[error("exports from Ghost {0} are not supported: this reader knows those of Ghost 5 and 6")]
    UnsupportedVersion(String),
}

/// Reads a Ghost 5/6 JSON export (see the module's documentation).
pub fn read_ghost_export(reader: impl Read) -> Result<GhostExport, GhostError> {
    let document: Value = serde_json::from_reader(reader).map_err(|error| {
        if error.is_io() {
            GhostError::Io(std::io::Error::from(error))
        } else {
            GhostError::NotJson {
                line: error.line(),
                column: error.column(),
                message: error.to_string(),
            }
        }
    })?;
    // Ghost 1.x–6.x wrap the export in `db: [...]`; a bare `{meta, data}` is accepted too.
    let database = match document.get("db") {
        Some(Value::Array(databases)) => databases.first().unwrap_or(&Value::Null),
        _ => &document,
    };
    let data = database.get("data").unwrap_or(&Value::Null);
    let Some(posts) = data.get("posts").and_then(Value::as_array) else {
        return Err(GhostError::NotGhost(
            "there is no db[0].data.posts".to_owned(),
        ));
    };
    let version = database
        .get("meta")
        .and_then(|meta| text(meta, "version"))
        .ok_or(GhostError::NoVersion)?
        .to_owned();
    let major = version
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|major| major.parse::<u64>().ok());
    if !major.is_some_and(|major| SUPPORTED_MAJOR_VERSIONS.contains(&major)) {
        return Err(GhostError::UnsupportedVersion(version));
    }

    let site_url = site_url(table(data, "settings"));
    let tags = Tags::new(table(data, "tags"));
    let joins = Joins::new(data);
    let mut export = GhostExport {
        version,
        site_url,
        authors: table(data, "users").iter().filter_map(author).collect(),
        terms: tags.public_terms(),
        items: Vec::new(),
        images: Vec::new(),
        skipped: Vec::new(),
        warnings: Vec::new(),
    };
    let mut image_keys = HashSet::new();
    for post in posts {
        read_post(post, &tags, &joins, &mut export, &mut image_keys);
    }
    Ok(export)
}

fn read_post(
    post: &Value,
    tags: &Tags,
    joins: &Joins,
    export: &mut GhostExport,
    image_keys: &mut HashSet<String>,
) {
    let title = text(post, "title").unwrap_or_default().trim().to_owned();
    let Some(id) = text(post, "id").filter(|id| !id.is_empty()) else {
        export
            .skipped
            .push((title, "a post without an id in the export".to_owned()));
        return;
    };
    let kind = match text(post, "type").unwrap_or("post") {
        "post" => ItemKind::Post,
        "page" => ItemKind::Page,
        other => {
            let reason = format!("type \u{201c}{other}\u{201d} is not imported");
            export.skipped.push((title, reason));
            return;
        }
    };
    let status = match text(post, "status").unwrap_or_default() {
        "published" => SourceStatus::Published,
        "draft" => SourceStatus::Draft,
        "scheduled" => SourceStatus::Scheduled,
        "sent" => SourceStatus::Skipped(
            "an email newsletter that was never published on the site".to_owned(),
        ),
        "" => SourceStatus::Skipped("no status in the export".to_owned()),
        other => SourceStatus::Skipped(format!("status \u{201c}{other}\u{201d} is not imported")),
    };
    // Gazette has no members or paywall: a post Ghost showed only to members or paying
    // subscribers stays a draft rather than becoming free to everyone, and the report says so.
    let visibility = text(post, "visibility").unwrap_or("public");
    let status = if status == SourceStatus::Published && visibility != "public" {
        export.warnings.push((
            title.clone(),
            format!(
                "Ghost showed it to {} only; imported as a draft (Gazette has no paywall)",
                match visibility {
                    "members" => "members",
                    "paid" => "paying members",
                    "tiers" => "some membership tiers",
                    _ => "some readers",
                }
            ),
        ));
        SourceStatus::Draft
    } else {
        status
    };
    let html = text(post, "html").unwrap_or_default().to_owned();
    let has_editor_document = ["lexical", "mobiledoc"]
        .iter()
        .any(|field| text(post, field).is_some_and(|document| !document.is_empty()));
    if html.is_empty() && has_editor_document {
        // Ghost renders `html` whenever a post is saved; a post without it was written by an
        // editor whose document format this reader does not render. It is imported with an
        // empty body and named in the warnings, rather than dropped.
        export.warnings.push((
            title.clone(),
            "no rendered HTML in the export (only the editor's document): imported with an empty body"
                .to_owned(),
        ));
    }
    let meta = joins.meta.get(id).copied().unwrap_or(&Value::Null);
    let meta_text = |field: &str| {
        text(meta, field)
            .or_else(|| text(post, field))
            .map(str::trim)
            .filter(|value| !value.is_empty())
            .map(str::to_owned)
    };
    let featured_image = text(post, "feature_image")
        .map(str::trim)
        .filter(|url| !url.is_empty())
        .map(str::to_owned);
    if let Some(url) = &featured_image
        && image_keys.insert(url.clone())
    {
        export.images.push(SourceImage {
            key: url.clone(),
            url: url.clone(),
            relative_path: content_image_path(url, export.site_url.as_deref()),
            alt: meta_text("feature_image_alt").unwrap_or_default(),
            caption: meta_text("feature_image_caption").unwrap_or_default(),
            title: String::new(),
            parent_id: None,
        });
    }
    let (categories, item_tags) = tags.of_post(joins.tags.get(id).map(Vec::as_slice));
    let slug = text(post, "slug").unwrap_or_default().trim().to_owned();
    let link = (!slug.is_empty()).then(|| {
        let site = export.site_url.as_deref().unwrap_or_default();
        format!("{}/{slug}/", site.trim_end_matches('/'))
    });
    export.items.push(SourceItem {
        key: id.to_owned(),
        numeric_id: None,
        kind,
        title,
        slug,
        status,
        published_at: post.get("published_at").and_then(ghost_date),
        modified_at: post.get("updated_at").and_then(ghost_date),
        excerpt: text(post, "custom_excerpt")
            .unwrap_or_default()
            .trim()
            .to_owned(),
        content: SourceContent::Html(html),
        author_keys: joins.authors.get(id).cloned().unwrap_or_default(),
        categories,
        tags: item_tags,
        featured_image,
        featured: flag(post, "featured"),
        link,
        seo_title: meta_text("meta_title"),
        seo_description: meta_text("meta_description"),
    });
}

/// The export's tags, by id.
struct Tags<'a> {
    in_order: Vec<&'a Value>,
    by_id: HashMap<&'a str, &'a Value>,
}

impl<'a> Tags<'a> {
    fn new(tags: &'a [Value]) -> Self {
        let in_order: Vec<&Value> = tags
            .iter()
            .filter(|tag| text(tag, "id").is_some())
            .collect();
        let by_id = in_order
            .iter()
            .filter_map(|tag| Some((text(tag, "id")?, *tag)))
            .collect();
        Tags { in_order, by_id }
    }

    fn public_terms(&self) -> Vec<SourceTerm> {
        self.in_order
            .iter()
            .filter(|tag| is_public_tag(tag))
            .filter_map(|tag| {
                Some(SourceTerm {
                    key: text(tag, "id")?.to_owned(),
                    slug: text(tag, "slug").unwrap_or_default().trim().to_owned(),
                    name: text(tag, "name").unwrap_or_default().trim().to_owned(),
                    description: text(tag, "description")
                        .unwrap_or_default()
                        .trim()
                        .to_owned(),
                })
            })
            .collect()
    }

    /// A post's public tags, already in `sort_order`: the first is Ghost's primary tag, which
    /// becomes the category; the others stay tags.
    fn of_post(&self, tag_ids: Option<&[String]>) -> (Vec<String>, Vec<String>) {
        let mut public = tag_ids
            .unwrap_or_default()
            .iter()
            .filter(|id| {
                self.by_id
                    .get(id.as_str())
                    .is_some_and(|tag| is_public_tag(tag))
            })
            .cloned();
        let primary: Vec<String> = public.next().into_iter().collect();
        (primary, public.collect())
    }
}

/// Internal tags (`#podcast`) steer Ghost's themes and are never shown as tags.
fn is_public_tag(tag: &Value) -> bool {
    let internal = text(tag, "visibility") == Some("internal")
        || text(tag, "name").is_some_and(|name| name.starts_with('#'));
    !internal
}

/// The join tables, grouped by post id and put in `sort_order`.
struct Joins<'a> {
    authors: HashMap<&'a str, Vec<String>>,
    tags: HashMap<&'a str, Vec<String>>,
    meta: HashMap<&'a str, &'a Value>,
}

impl<'a> Joins<'a> {
    fn new(data: &'a Value) -> Self {
        Joins {
            authors: grouped(table(data, "posts_authors"), "author_id"),
            tags: grouped(table(data, "posts_tags"), "tag_id"),
            meta: table(data, "posts_meta")
                .iter()
                .filter_map(|row| Some((text(row, "post_id")?, row)))
                .collect(),
        }
    }
}

/// `post_id` → the rows' `field`, ordered by `sort_order` (ties keep the export's order).
fn grouped<'a>(rows: &'a [Value], field: &str) -> HashMap<&'a str, Vec<String>> {
    let mut by_post: HashMap<&str, Vec<(i64, String)>> = HashMap::new();
    for row in rows {
        let (Some(post_id), Some(value)) = (text(row, "post_id"), text(row, field)) else {
            continue;
        };
        let order = row
            .get("sort_order")
            .and_then(Value::as_i64)
            .unwrap_or(i64::MAX);
        by_post
            .entry(post_id)
            .or_default()
            .push((order, value.to_owned()));
    }
    by_post
        .into_iter()
        .map(|(post_id, mut values)| {
            values.sort_by_key(|(order, _)| *order);
            let mut unique: Vec<String> = Vec::with_capacity(values.len());
            for (_, value) in values {
                if !unique.contains(&value) {
                    unique.push(value);
                }
            }
            (post_id, unique)
        })
        .collect()
}

fn author(user: &Value) -> Option<SourceAuthor> {
    let key = text(user, "id")?.to_owned();
    let slug = text(user, "slug").unwrap_or_default().trim().to_owned();
    let name = match text(user, "name").map(str::trim) {
        Some(name) if !name.is_empty() => name.to_owned(),
        _ => slug.clone(),
    };
    Some(SourceAuthor {
        key,
        slug,
        name,
        email: text(user, "email")
            .map(str::trim)
            .filter(|email| !email.is_empty())
            .map(str::to_owned),
        bio: text(user, "bio").unwrap_or_default().trim().to_owned(),
    })
}

/// The site's address from the settings table, where some exports (and some hosts) keep it.
fn site_url(settings: &[Value]) -> Option<String> {
    settings
        .iter()
        .filter(|setting| matches!(text(setting, "key"), Some("url" | "site_url")))
        .find_map(|setting| text(setting, "value"))
        .map(|url| url.trim().trim_end_matches('/').to_owned())
        .filter(|url| !url.is_empty())
}

/// The file's path under Ghost's `content/images/` for an image Ghost stored itself
/// (`__GHOST_URL__/content/images/…`, or the same under the site's address), without the
/// resizing segments (`size/w600/`, `format/webp/`) so that the original is named.
/// None for images hosted elsewhere (Unsplash).
pub fn content_image_path(url: &str, site_url: Option<&str>) -> Option<String> {
    let after_site = if let Some(rest) = url.strip_prefix(GHOST_URL) {
        rest
    } else if let Some(rest) =
        site_url.and_then(|site| url.strip_prefix(site.trim_end_matches('/')))
    {
        rest
    } else if url.starts_with('/') {
        url
    } else if site_url.is_none() {
        // Without the site's address, an absolute Ghost-style address is taken as the site's.
        let (_, after_scheme) = url.split_once("://")?;
        &after_scheme[after_scheme.find('/')?..]
    } else {
        return None;
    };
    let mut path = after_site
        .strip_prefix("/content/images/")?
        .split(['?', '#'])
        .next()
        .unwrap_or_default();
    loop {
        let resized = ["size/", "format/"]
            .iter()
            .find_map(|segment| path.strip_prefix(segment))
            .and_then(|rest| rest.split_once('/'))
            .map(|(_, rest)| rest);
        match resized {
            Some(rest) => path = rest,
            None => break,
        }
    }
    let decoded = percent_decode_str(path).decode_utf8_lossy().into_owned();
    (!decoded.is_empty()).then_some(decoded)
}

/// Ghost writes "2024-05-03 09:15:00" (UTC) in exports; ISO 8601 and epoch milliseconds
/// (older versions) are read too.
fn ghost_date(value: &Value) -> Option<DateTime<Utc>> {
    match value {
        Value::String(date) => {
            let date = date.trim();
            DateTime::parse_from_rfc3339(date)
                .map(|date| date.with_timezone(&Utc))
                .ok()
                .or_else(|| {
                    NaiveDateTime::parse_from_str(date, "%Y-%m-%d %H:%M:%S%.f")
                        .ok()
                        .map(|naive| naive.and_utc())
                })
        }
        Value::Number(millis) => millis.as_i64().and_then(DateTime::from_timestamp_millis),
        _ => None,
    }
}

/// A table of the export (`posts_tags`…); empty when absent or not a list.
fn table<'a>(data: &'a Value, name: &str) -> &'a [Value] {
    data.get(name)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// A field as text; None when it is absent, null or not a string.
fn text<'a>(row: &'a Value, field: &str) -> Option<&'a str> {
    row.get(field).and_then(Value::as_str)
}

/// Ghost's booleans: `true` or `1` depending on the database the export came from.
fn flag(row: &Value, field: &str) -> bool {
    match row.get(field) {
        Some(Value::Bool(value)) => *value,
        Some(Value::Number(number)) => number.as_i64().is_some_and(|number| number != 0),
        _ => false,
    }
}
