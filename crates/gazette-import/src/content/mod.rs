//! Content conversion: Gutenberg blocks, classic WordPress content and Ghost's HTML to Gazette's
//! Markdown, listing what could not be carried over.
//!
//! Gazette renders Markdown through a sanitiser that strips most raw HTML, so nothing is passed
//! through as HTML: the markup is parsed (html5ever, through `scraper`) and written out as
//! Markdown, and every piece of text is escaped so that it cannot turn into markup. What has no
//! Markdown form (scripts, forms, dynamic WordPress blocks, unknown shortcodes, images that were
//! not imported) is dropped or reduced to its text, with a warning a person can act on.
//!
//! - [`blocks`]: Gutenberg's block delimiters, read into a tree;
//! - [`classic`]: shortcodes (`[caption]`, `[gallery]`, `[embed]`, others dropped);
//! - [`html`]: the walker from parsed HTML to Markdown blocks (auto-paragraphs included);
//! - [`figures`], [`structures`]: figures, images, embeds, Ghost's cards; lists, tables, code;
//! - [`markdown_writer`]: escaping and the small pieces of Markdown syntax;
//! - [`images`]: the canonical form image addresses are matched by.
//!
//! Embeds are written as the bare address alone in its paragraph (`<https://youtu.be/…>`), which
//! Gazette renders as an embed for the platforms [`gazette_core::embed`] knows.

use std::collections::HashMap;

use crate::source::SourceContent;

mod blocks;
mod classic;
mod context;
mod figures;
mod html;
mod images;
mod markdown_writer;
mod structures;

pub use context::ImportedImage;
pub use images::{canonical_image_url, image_sources, uploads_relative_path};

use context::Context;

/// Content in Gazette's Markdown, and what could not be carried over.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Converted {
    pub markdown: String,
    /// Sentences for the import report ("shortcode [contact-form] was dropped"), each once.
    pub warnings: Vec<String>,
}

/// Raises a post's headings together when the highest of them is below the body's top level (a
/// post that starts at <h3>), so that the page's outline has no gap after its headline; their
/// levels relative to each other are kept. Text that merely starts with `#` was escaped (`\#`),
/// so a block starting with hashes and a space is a heading.
fn raise_headings(blocks: &mut [String]) {
    let level = |block: &str| {
        let hashes = block.bytes().take_while(|b| *b == b'#').count();
        (hashes > 0 && block[hashes..].starts_with(' ')).then_some(hashes)
    };
    let Some(top) = blocks.iter().filter_map(|b| level(b)).min() else {
        return;
    };
    for block in blocks.iter_mut() {
        if level(block).is_some() {
            block.drain(..top - 1);
        }
    }
}

/// The WordPress attachment ids that `[gallery ids="…"]` shortcodes in the content show.
pub fn gallery_attachment_ids(content: &SourceContent) -> Vec<String> {
    match content {
        SourceContent::WordPress(source) => classic::gallery_ids(source),
        SourceContent::Html(_) => Vec::new(),
    }
}

/// Whether the content has a `[gallery]` without ids, which shows the images uploaded to the post.
pub fn shows_attached_images(content: &SourceContent) -> bool {
    match content {
        SourceContent::WordPress(source) => classic::has_gallery_without_ids(source),
        SourceContent::Html(_) => false,
    }
}

/// The text of a piece of HTML (an excerpt, a caption), tags dropped, entities decoded and
/// whitespace collapsed: for the plain-text fields (standfirsts, image captions).
pub fn plain_text(html: &str) -> String {
    let document = scraper::Html::parse_fragment(html);
    let hidden = |node: ego_tree::NodeRef<'_, scraper::Node>| {
        node.ancestors().any(|a| {
            a.value()
                .as_element()
                .is_some_and(|e| matches!(e.name(), "script" | "style" | "template"))
        })
    };
    let text: String = document
        .root_element()
        .descendants()
        .filter(|node| !hidden(*node))
        .filter_map(|node| node.value().as_text().map(|t| t.to_string()))
        .collect();
    // Non-breaking spaces glue words in a layout; a plain-text field wraps on its own.
    let text = text.replace('\u{a0}', " ");
    markdown_writer::collapse_whitespace(&text)
        .trim()
        .to_owned()
}

/// Converts to Markdown. `images` maps canonical image addresses ([`canonical_image_url`]) to
/// what was imported; an image not in the map is dropped with a warning naming its address.
/// WordPress `[gallery ids="…"]` shortcodes need attachment ids: see
/// [`to_markdown_with_attachments`]; here they are dropped with a warning.
pub fn to_markdown(content: &SourceContent, images: &HashMap<String, ImportedImage>) -> Converted {
    to_markdown_with_attachments(content, images, &HashMap::new(), &[])
}

/// [`to_markdown`], with `attachments` mapping WordPress attachment ids (`"123"`) to the
/// canonical address of their file, for `[gallery ids="…"]`, and `attached` the ids of the
/// attachments uploaded to this post, which a `[gallery]` without ids shows.
pub fn to_markdown_with_attachments(
    content: &SourceContent,
    images: &HashMap<String, ImportedImage>,
    attachments: &HashMap<String, String>,
    attached: &[String],
) -> Converted {
    let mut ctx = Context {
        images,
        attachments,
        attached,
        warnings: Vec::new(),
    };
    let blocks = match content {
        SourceContent::WordPress(source) => {
            let source = markdown_writer::strip_markers(&source.replace("\r\n", "\n"));
            if blocks::has_blocks(&source) {
                blocks::convert(&blocks::parse(&source), &mut ctx)
            } else {
                classic::convert(&source, html::Whitespace::AutoParagraphs, &mut ctx)
            }
        }
        SourceContent::Html(source) => {
            let source = markdown_writer::strip_markers(source);
            html::convert_fragment(&source, html::Whitespace::Collapse, &mut ctx)
        }
    };
    let mut blocks = blocks;
    raise_headings(&mut blocks);
    let mut markdown = blocks
        .iter()
        .map(|block| block.trim_end())
        .filter(|block| !block.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    if !markdown.is_empty() {
        markdown.push('\n');
    }
    Converted {
        markdown,
        warnings: ctx.warnings,
    }
}

#[cfg(test)]
mod tests;
