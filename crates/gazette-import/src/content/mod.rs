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
mod figures;
mod html;
mod images;
mod markdown_writer;
mod structures;

pub use images::{canonical_image_url, image_sources, uploads_relative_path};

/// An image the import stored, found by the canonical address of the old file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedImage {
    /// Its new address, e.g. `/media/abc.jpeg`.
    pub src: String,
    /// Used when the content's `<img>` has no alt text of its own.
    pub alt: String,
    /// Used where WordPress showed the attachment's caption itself (`[gallery]`); the content's
    /// own captions win everywhere else.
    pub caption: String,
}

/// Content in Gazette's Markdown, and what could not be carried over.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Converted {
    pub markdown: String,
    /// Sentences for the import report ("shortcode [contact-form] was dropped"), each once.
    pub warnings: Vec<String>,
}

/// Converts to Markdown. `images` maps canonical image addresses ([`canonical_image_url`]) to
/// what was imported; an image not in the map is dropped with a warning naming its address.
/// WordPress `[gallery ids="…"]` shortcodes need attachment ids: see
/// [`to_markdown_with_attachments`]; here they are dropped with a warning.
pub fn to_markdown(content: &SourceContent, images: &HashMap<String, ImportedImage>) -> Converted {
    to_markdown_with_attachments(content, images, &HashMap::new())
}

/// [`to_markdown`], with `attachments` mapping WordPress attachment ids (`"123"`) to the
/// canonical address of their file, for `[gallery ids="…"]`.
pub fn to_markdown_with_attachments(
    content: &SourceContent,
    images: &HashMap<String, ImportedImage>,
    attachments: &HashMap<String, String>,
) -> Converted {
    let mut ctx = Context {
        images,
        attachments,
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

/// What a conversion reads from and reports to.
struct Context<'a> {
    images: &'a HashMap<String, ImportedImage>,
    attachments: &'a HashMap<String, String>,
    warnings: Vec<String>,
}

impl Context<'_> {
    /// Records a warning once, however often the same thing happened.
    fn warn(&mut self, warning: impl Into<String>) {
        let warning = warning.into();
        if !self.warnings.contains(&warning) {
            self.warnings.push(warning);
        }
    }
}

#[cfg(test)]
mod tests;
