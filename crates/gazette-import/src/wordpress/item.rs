//! One `<item>`: read whole (it is the unit memory is bounded by), then turned into a post, a
//! page, an attachment or a skipped record.

use std::collections::HashMap;
use std::io::BufRead;

use chrono::{DateTime, NaiveDateTime, Utc};
use quick_xml::events::Event;

use super::terms::{decode_slug, sanitize_title};
use super::xml::{Open, XmlStream, field};
use super::{WxrError, WxrRecord};
use crate::source::{ItemKind, SourceContent, SourceImage, SourceItem, SourceStatus};

/// An item's fields as the file has them, before any interpretation.
#[derive(Debug, Default)]
pub(super) struct RawItem {
    title: String,
    link: String,
    guid: String,
    creator: String,
    content: String,
    excerpt: String,
    post_id: String,
    post_date: String,
    post_date_gmt: String,
    post_modified: String,
    post_modified_gmt: String,
    post_name: String,
    status: String,
    post_type: String,
    password: String,
    is_sticky: String,
    attachment_url: String,
    post_parent: String,
    /// `<category domain=… nicename=…>Name</category>`: (domain, slug, name).
    terms: Vec<(String, String, String)>,
    /// Only the keys this reader uses: plugins can leave hundreds of others per item.
    meta: HashMap<&'static str, String>,
}

const KEPT_META: [&str; 6] = [
    "_thumbnail_id",
    "_wp_attached_file",
    "_wp_attachment_image_alt",
    "_yoast_wpseo_primary_category",
    "_yoast_wpseo_title",
    "_yoast_wpseo_metadesc",
];

/// Reads the `<item>` just opened, up to its end. Comments are passed over unread.
pub(super) fn read_item<R: BufRead>(
    xml: &mut XmlStream<R>,
    open: &Open,
) -> Result<RawItem, WxrError> {
    let mut raw = RawItem::default();
    loop {
        let (name, domain, nicename) = match xml.next_event(Some(open))? {
            Event::Start(start) => {
                let attribute = |key: &str| {
                    start
                        .try_get_attribute(key)
                        .ok()
                        .flatten()
                        .map(|value| match value.unescape_value() {
                            Ok(text) => text.into_owned(),
                            Err(_) => String::from_utf8_lossy(&value.value).into_owned(),
                        })
                        .unwrap_or_default()
                };
                let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
                let (domain, nicename) = if name == "category" {
                    (attribute("domain"), attribute("nicename"))
                } else {
                    (String::new(), String::new())
                };
                (name, domain, nicename)
            }
            Event::End(_) => return Ok(raw),
            Event::Eof => return Err(open.truncated()),
            _ => continue,
        };
        match name.as_str() {
            "wp:comment" => xml.skip(open)?,
            "wp:postmeta" => {
                let fields = xml.read_fields(open)?;
                let key = field(&fields, "wp:meta_key");
                if let Some(kept) = KEPT_META.iter().find(|kept| **kept == key) {
                    raw.meta
                        .insert(*kept, field(&fields, "wp:meta_value").to_owned());
                }
            }
            "category" => {
                let text = xml.read_text(open)?;
                raw.terms.push((domain, nicename, text));
            }
            _ => {
                let text = xml.read_text(open)?;
                if let Some(slot) = raw.slot(&name) {
                    *slot = text;
                }
            }
        }
    }
}

impl RawItem {
    fn slot(&mut self, name: &str) -> Option<&mut String> {
        Some(match name {
            "title" => &mut self.title,
            "link" => &mut self.link,
            "guid" => &mut self.guid,
            "dc:creator" => &mut self.creator,
            "content:encoded" => &mut self.content,
            "excerpt:encoded" => &mut self.excerpt,
            "wp:post_id" => &mut self.post_id,
            "wp:post_date" => &mut self.post_date,
            "wp:post_date_gmt" => &mut self.post_date_gmt,
            "wp:post_modified" => &mut self.post_modified,
            "wp:post_modified_gmt" => &mut self.post_modified_gmt,
            "wp:post_name" => &mut self.post_name,
            "wp:status" => &mut self.status,
            "wp:post_type" => &mut self.post_type,
            "wp:post_password" => &mut self.password,
            "wp:is_sticky" => &mut self.is_sticky,
            "wp:attachment_url" => &mut self.attachment_url,
            "wp:post_parent" => &mut self.post_parent,
            _ => return None,
        })
    }

    fn meta(&self, key: &str) -> Option<&str> {
        self.meta
            .get(key)
            .map(|value| value.trim())
            .filter(|value| !value.is_empty())
    }
}

/// What an item becomes; `category_slugs_by_id` resolves Yoast's primary category.
pub(super) fn into_record(
    raw: RawItem,
    category_slugs_by_id: &HashMap<String, String>,
) -> WxrRecord {
    let kind = match raw.post_type.trim() {
        "post" => ItemKind::Post,
        "page" => ItemKind::Page,
        "attachment" => return attachment(raw),
        other => {
            return WxrRecord::Skipped {
                reason: skipped_type_reason(other),
                kind: other.to_owned(),
                title: raw.title.trim().to_owned(),
            };
        }
    };
    let status = status(&raw);
    let numeric_id = raw.post_id.trim().parse::<u64>().ok();
    let key = match raw.guid.trim() {
        "" => format!("wp-post-{}", raw.post_id.trim()),
        guid => guid.to_owned(),
    };
    let dated = matches!(status, SourceStatus::Published | SourceStatus::Scheduled);
    // A published post always has a date; when its GMT copy is missing or zero (old exports,
    // some migrations), the local date is the best there is: read as UTC.
    let published_at = wordpress_date(&raw.post_date_gmt)
        .or_else(|| dated.then(|| wordpress_date(&raw.post_date)).flatten());
    let modified_at =
        wordpress_date(&raw.post_modified_gmt).or_else(|| wordpress_date(&raw.post_modified));
    let (categories, tags) = item_terms(&raw, category_slugs_by_id);
    let seo_title = raw.meta("_yoast_wpseo_title").and_then(literal_seo_text);
    let seo_description = raw.meta("_yoast_wpseo_metadesc").and_then(literal_seo_text);
    let featured_image = raw.meta("_thumbnail_id").map(str::to_owned);
    let author = raw.creator.trim();
    WxrRecord::Item(SourceItem {
        key,
        numeric_id,
        kind,
        title: raw.title.trim().to_owned(),
        slug: decode_slug(raw.post_name.trim()),
        status,
        published_at,
        modified_at,
        excerpt: raw.excerpt.trim().to_owned(),
        author_keys: if author.is_empty() {
            Vec::new()
        } else {
            vec![author.to_owned()]
        },
        categories,
        tags,
        featured_image,
        featured: raw.is_sticky.trim() == "1",
        link: Some(raw.link.trim().to_owned()).filter(|link| !link.is_empty()),
        seo_title,
        seo_description,
        content: SourceContent::WordPress(raw.content),
    })
}

fn attachment(raw: RawItem) -> WxrRecord {
    let url = match raw.attachment_url.trim() {
        "" => raw.guid.trim(),
        url => url,
    };
    if url.is_empty() {
        return WxrRecord::Skipped {
            kind: "attachment".to_owned(),
            title: raw.title.trim().to_owned(),
            reason: "an attachment without a file address".to_owned(),
        };
    }
    let relative_path = raw
        .meta("_wp_attached_file")
        .map(str::to_owned)
        .or_else(|| uploads_path(url));
    WxrRecord::Attachment(SourceImage {
        key: raw.post_id.trim().to_owned(),
        url: url.to_owned(),
        relative_path,
        alt: raw
            .meta("_wp_attachment_image_alt")
            .unwrap_or_default()
            .to_owned(),
        caption: raw.excerpt.trim().to_owned(),
        title: raw.title.trim().to_owned(),
        parent_id: raw.post_parent.trim().parse().ok().filter(|id| *id != 0),
    })
}

/// The path under `wp-content/uploads/` when the file's address shows it, for attachments
/// exported without their `_wp_attached_file` (WordPress.com exports).
fn uploads_path(url: &str) -> Option<String> {
    let (_, path) = url.split_once("/wp-content/uploads/")?;
    let path = path.split(['?', '#']).next().unwrap_or_default();
    (!path.is_empty()).then(|| decode_slug(path))
}

fn status(raw: &RawItem) -> SourceStatus {
    let status = match raw.status.trim() {
        "publish" => SourceStatus::Published,
        "draft" | "pending" => SourceStatus::Draft,
        // Private posts were readable by editors only: a draft keeps them out of public view.
        "private" => SourceStatus::Draft,
        "future" => SourceStatus::Scheduled,
        "trash" => SourceStatus::Skipped("in the trash".to_owned()),
        "auto-draft" => {
            SourceStatus::Skipped("an auto-draft WordPress saved on its own".to_owned())
        }
        "inherit" => SourceStatus::Skipped("a revision (status inherit)".to_owned()),
        "" => SourceStatus::Skipped("no status in the export".to_owned()),
        other => SourceStatus::Skipped(format!("status \u{201c}{other}\u{201d} is not imported")),
    };
    // Gazette has no passwords on articles: a protected post stays a draft rather than
    // becoming public.
    if status == SourceStatus::Published && !raw.password.trim().is_empty() {
        return SourceStatus::Draft;
    }
    status
}

fn skipped_type_reason(post_type: &str) -> String {
    match post_type {
        "nav_menu_item" => "a menu entry; menus are not imported".to_owned(),
        "revision" => "a revision of another item".to_owned(),
        "wp_block" => "a reusable block, not an article".to_owned(),
        "wp_template" | "wp_template_part" => "a block theme template".to_owned(),
        "wp_global_styles" | "wp_navigation" | "custom_css" | "customize_changeset" => {
            "theme settings, not an article".to_owned()
        }
        "" => "no post type in the export".to_owned(),
        other => format!("post type \u{201c}{other}\u{201d} is not imported"),
    }
}

/// "YYYY-MM-DD HH:MM:SS" as UTC; None for WordPress's zero date and anything unreadable.
pub(super) fn wordpress_date(text: &str) -> Option<DateTime<Utc>> {
    NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%d %H:%M:%S")
        .ok()
        .map(|naive| naive.and_utc())
}

/// The item's categories (primary first, then in document order) and tags, by slug, each once.
fn item_terms(
    raw: &RawItem,
    category_slugs_by_id: &HashMap<String, String>,
) -> (Vec<String>, Vec<String>) {
    let mut categories: Vec<String> = Vec::new();
    let mut tags: Vec<String> = Vec::new();
    for (domain, nicename, name) in &raw.terms {
        let list = match domain.trim() {
            "category" => &mut categories,
            "post_tag" => &mut tags,
            _ => continue,
        };
        // WXR 1.0 wrote no nicename: WordPress then made the slug from the name.
        let slug = match nicename.trim() {
            "" => sanitize_title(name),
            nicename => decode_slug(nicename),
        };
        if !slug.is_empty() && !list.contains(&slug) {
            list.push(slug);
        }
    }
    let primary = raw
        .meta("_yoast_wpseo_primary_category")
        .and_then(|id| category_slugs_by_id.get(id));
    if let Some(position) = primary.and_then(|slug| categories.iter().position(|c| c == slug)) {
        let primary = categories.remove(position);
        categories.insert(0, primary);
    }
    (categories, tags)
}

/// Yoast's fields may be templates (`%%title%% %%sep%% %%sitename%%`) that only Yoast can
/// fill in: those are dropped, so that Gazette's own defaults apply.
fn literal_seo_text(text: &str) -> Option<String> {
    (!text.contains("%%")).then(|| text.to_owned())
}
