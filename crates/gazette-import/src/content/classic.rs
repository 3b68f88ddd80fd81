//! WordPress's classic content: shortcodes, rewritten to HTML the walker understands before it
//! parses the markup (auto-paragraphs are read by the walker itself, see
//! [`Whitespace::AutoParagraphs`]).
//!
//! Shortcodes are `[name attr="value"]`, `[name]content[/name]`. Brackets are common in prose
//! (`[sic]`, `[1]`), and WordPress only expands the shortcodes a site registered, which an export
//! does not list. So a bracketed word is taken for a shortcode only when WordPress core defines
//! it, when it has attributes (`=`), a closing tag, or a name no prose has (with `-` or `_`).

use scraper::Html;

use super::context::Context;
use super::html::{Converter, Whitespace, convert_fragment};

/// Shortcodes WordPress itself defines.
const CORE_SHORTCODES: &[&str] = &[
    "audio",
    "caption",
    "embed",
    "gallery",
    "playlist",
    "video",
    "wp_caption",
];

/// Shortcodes nested deeper than this are left as text: nobody nests shortcodes this far.
const MAX_SHORTCODE_DEPTH: usize = 8;

/// Converts WordPress markup (classic or a block's inner HTML) to Markdown blocks.
pub(super) fn convert(source: &str, whitespace: Whitespace, ctx: &mut Context<'_>) -> Vec<String> {
    let html = expand_shortcodes(source, ctx, 0);
    convert_fragment(&html, whitespace, ctx)
}

/// An embed's address as its own paragraph (see [`Converter::embed_paragraph`]).
pub(super) fn embed_paragraph(address: &str, ctx: &mut Context<'_>) -> Vec<String> {
    Converter::new(ctx, Whitespace::Collapse).embed_paragraph(&[address.to_owned()])
}

/// The captions (`<figcaption>`) in a piece of markup, as plain paragraphs.
pub(super) fn captions_of(source: &str) -> Vec<String> {
    let document = Html::parse_fragment(source);
    document
        .root_element()
        .descendent_elements()
        .filter(|element| element.value().name() == "figcaption")
        .flat_map(|caption| {
            let text: String = caption.text().collect();
            super::figures::plain_paragraph(
                super::markdown_writer::collapse_whitespace(&text).trim(),
            )
        })
        .collect()
}

/// The attachment ids the `[gallery ids="…"]` shortcodes in `source` show, in order, so that
/// the importer can bring those images in before the content is converted.
pub(super) fn gallery_ids(source: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut rest = source;
    while let Some(open) = rest.find('[') {
        let candidate = &rest[open..];
        if let Some(shortcode) = parse_shortcode(candidate)
            && shortcode.name == "gallery"
            && let Some(list) = attribute(shortcode.attributes, "ids")
                .or_else(|| attribute(shortcode.attributes, "include"))
        {
            ids.extend(
                list.split(',')
                    .map(str::trim)
                    .filter(|id| !id.is_empty())
                    .map(str::to_owned),
            );
        }
        // One bracket on, so shortcodes inside others are found too.
        rest = &candidate[1..];
    }
    ids
}

/// Whether `source` has a `[gallery]` naming no images, which shows those uploaded to the post.
pub(super) fn has_gallery_without_ids(source: &str) -> bool {
    let mut rest = source;
    while let Some(open) = rest.find('[') {
        let candidate = &rest[open..];
        if let Some(shortcode) = parse_shortcode(candidate)
            && shortcode.name == "gallery"
            && attribute(shortcode.attributes, "ids").is_none()
            && attribute(shortcode.attributes, "include").is_none()
        {
            return true;
        }
        rest = &candidate[1..];
    }
    false
}

/// A shortcode found in the text.
struct Shortcode<'s> {
    name: &'s str,
    attributes: &'s str,
    /// The enclosed content, for `[name]…[/name]`.
    content: Option<&'s str>,
    /// Byte length of the whole shortcode, closing tag included.
    length: usize,
}

fn expand_shortcodes(source: &str, ctx: &mut Context<'_>, depth: usize) -> String {
    let mut out = String::with_capacity(source.len());
    let mut rest = source;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let candidate = &rest[open..];
        // `[[name]]` is WordPress's way to write a shortcode as text.
        if let Some(inner) = candidate.strip_prefix("[[")
            && let Some(end) = inner.find("]]")
            && !inner[..end].contains('[')
        {
            out.push('[');
            out.push_str(&inner[..end]);
            out.push(']');
            rest = &inner[end + 2..];
            continue;
        }
        match (depth < MAX_SHORTCODE_DEPTH)
            .then(|| parse_shortcode(candidate))
            .flatten()
        {
            Some(shortcode) => {
                out.push_str(&render_shortcode(&shortcode, ctx, depth));
                rest = &candidate[shortcode.length..];
            }
            None => {
                out.push('[');
                rest = &candidate[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn parse_shortcode(text: &str) -> Option<Shortcode<'_>> {
    let after_bracket = text.strip_prefix('[')?;
    let name_length = after_bracket
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(after_bracket.len());
    let name = &after_bracket[..name_length];
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let after_name = &after_bracket[name_length..];
    if !after_name.starts_with([']', ' ', '/', '\t', '\n', '\r']) {
        return None;
    }
    let close = closing_bracket(after_name)?;
    let attributes = after_name[..close].trim();
    let self_closing = attributes.ends_with('/');
    let attributes = attributes.trim_end_matches('/').trim();
    let tag_length = 1 + name_length + close + 1;
    let closing_tag = format!("[/{name}]");
    let content = (!self_closing)
        .then(|| text[tag_length..].find(&closing_tag))
        .flatten()
        .map(|end| (&text[tag_length..tag_length + end], end + closing_tag.len()));
    let is_shortcode = CORE_SHORTCODES.contains(&name)
        || attributes.contains('=')
        || content.is_some()
        || name.contains(['-', '_']);
    if !is_shortcode {
        return None;
    }
    Some(Shortcode {
        name,
        attributes,
        content: content.map(|(content, _)| content),
        length: tag_length + content.map_or(0, |(_, length)| length),
    })
}

/// The `]` ending a shortcode's opening tag, skipping those inside quoted attribute values.
fn closing_bracket(text: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (index, c) in text.char_indices() {
        match (quote, c) {
            (Some(open), c) if c == open => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, ']') => return Some(index),
            (None, '[') => return None,
            _ => {}
        }
    }
    None
}

/// A shortcode attribute's value (`name="value"`, `name='value'` or `name=value`).
fn attribute<'s>(attributes: &'s str, wanted: &str) -> Option<&'s str> {
    let mut rest = attributes;
    while !rest.is_empty() {
        rest = rest.trim_start();
        let name_end = rest.find(|c: char| c == '=' || c.is_whitespace())?;
        let name = &rest[..name_end];
        let after_name = rest[name_end..].trim_start();
        let Some(after_equals) = after_name.strip_prefix('=') else {
            rest = after_name;
            continue;
        };
        let after_equals = after_equals.trim_start();
        let (value, remainder) = match after_equals.chars().next() {
            Some(quote @ ('"' | '\'')) => {
                let body = &after_equals[1..];
                let end = body.find(quote).unwrap_or(body.len());
                (&body[..end], body.get(end + 1..).unwrap_or(""))
            }
            _ => {
                let end = after_equals
                    .find(char::is_whitespace)
                    .unwrap_or(after_equals.len());
                (&after_equals[..end], &after_equals[end..])
            }
        };
        if name.eq_ignore_ascii_case(wanted) {
            return Some(value);
        }
        rest = remainder;
    }
    None
}

fn render_shortcode(shortcode: &Shortcode<'_>, ctx: &mut Context<'_>, depth: usize) -> String {
    let content = shortcode.content.unwrap_or("");
    match shortcode.name {
        "caption" | "wp_caption" => {
            // The caption is the text after the image, or (older posts) the `caption` attribute.
            let mut figure = String::from("<figure class=\"gazette-caption\">");
            figure.push_str(&expand_shortcodes(content, ctx, depth + 1));
            if let Some(caption) = attribute(shortcode.attributes, "caption") {
                figure.push_str("<figcaption>");
                figure.push_str(&escape_html(caption));
                figure.push_str("</figcaption>");
            }
            figure.push_str("</figure>");
            figure
        }
        "gallery" => gallery(shortcode.attributes, ctx),
        "embed" => format!("<p>{}</p>", escape_html(content.trim())),
        name => {
            let kept = shortcode
                .content
                .filter(|content| !content.trim().is_empty());
            match kept {
                Some(content) => {
                    ctx.warn(format!(
                        "shortcode [{name}] was dropped; the text it enclosed was kept"
                    ));
                    expand_shortcodes(content, ctx, depth + 1)
                }
                None => {
                    ctx.warn(format!("shortcode [{name}] was dropped"));
                    String::new()
                }
            }
        }
    }
}

/// `[gallery ids="1,2,3"]`: one figure per attachment, each with the attachment's caption.
fn gallery(attributes: &str, ctx: &mut Context<'_>) -> String {
    let attached = ctx.attached.join(",");
    let Some(ids) = attribute(attributes, "ids")
        .or_else(|| attribute(attributes, "include"))
        .or((!attached.is_empty()).then_some(attached.as_str()))
    else {
        ctx.warn(
            "shortcode [gallery] without ids was dropped: it showed the images attached to the \
             post, and the export lists none",
        );
        return String::new();
    };
    let mut figures = String::from("<div class=\"gazette-gallery\">");
    for id in ids.split(',').map(str::trim).filter(|id| !id.is_empty()) {
        match ctx.attachments.get(id) {
            Some(address) => {
                figures.push_str("<figure class=\"gazette-attachment\"><img src=\"");
                figures.push_str(&escape_html(address));
                figures.push_str("\"></figure>");
            }
            None => ctx.warn(format!(
                "gallery image (attachment {id}) is not in the export and was dropped"
            )),
        }
    }
    figures.push_str("</div>");
    figures
}

/// Escapes text for an HTML attribute or element the walker will parse again.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{attribute, parse_shortcode};

    #[test]
    fn prose_in_brackets_is_not_a_shortcode() {
        assert!(parse_shortcode("[sic] more").is_none());
        assert!(parse_shortcode("[1]").is_none());
        assert!(parse_shortcode("[contact-form]").is_some());
        assert!(parse_shortcode("[note id=3]").is_some());
        let enclosing = parse_shortcode("[box]Inside[/box] after").expect("a shortcode");
        assert_eq!(enclosing.content, Some("Inside"));
        assert_eq!(enclosing.length, "[box]Inside[/box]".len());
    }

    #[test]
    fn attributes_are_read_in_every_quoting() {
        let attributes = "id=\"attachment_5\" align='alignnone' width=300 caption=\"A [b] c\"";
        assert_eq!(attribute(attributes, "align"), Some("alignnone"));
        assert_eq!(attribute(attributes, "width"), Some("300"));
        assert_eq!(attribute(attributes, "caption"), Some("A [b] c"));
        assert_eq!(attribute(attributes, "missing"), None);
    }
}
