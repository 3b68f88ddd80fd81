//! Gutenberg's block markup: `<!-- wp:name {"attrs"} -->…<!-- /wp:name -->` and self-closing
//! `<!-- wp:name /-->`, read into a tree and converted block by block.
//!
//! The delimiters are HTML comments, so the HTML parser would skip them; reading them here is what
//! lets a block be named in a warning, an embed take its address from its attributes, and dynamic
//! blocks (rendered by PHP, with nothing in the export) be reported.

use serde_json::Value;

use super::classic;
use super::context::Context;
use super::html::Whitespace;

/// Blocks whose saved HTML says everything: converted through the HTML walker as they are.
const HTML_BLOCKS: &[&str] = &[
    "paragraph",
    "heading",
    "list",
    "list-item",
    "quote",
    "pullquote",
    "image",
    "gallery",
    "table",
    "separator",
    "preformatted",
    "code",
    "verse",
    "html",
    "button",
    "details",
];

/// Blocks that only arrange other blocks: their children are converted in turn.
const CONTAINER_BLOCKS: &[&str] = &["columns", "column", "group", "row", "stack", "buttons"];

/// Blocks dropped without a word: spacing and page-break markers hold no content.
const SILENT_BLOCKS: &[&str] = &["spacer", "more", "nextpage"];

/// A piece of block markup.
#[derive(Debug)]
pub(super) enum Piece<'s> {
    /// Markup outside any block (classic content between blocks, or wrappers inside one).
    Html(&'s str),
    Block(Block<'s>),
}

#[derive(Debug)]
pub(super) struct Block<'s> {
    /// With its namespace: `core/paragraph`, `core-embed/youtube`, `jetpack/map`.
    pub name: String,
    pub attributes: Value,
    pub children: Vec<Piece<'s>>,
    /// The source between the opening and the closing delimiter, inner blocks included.
    pub inner: &'s str,
}

/// Whether the content holds any block delimiter (WordPress then skips auto-paragraphs).
pub(super) fn has_blocks(source: &str) -> bool {
    source.contains("<!-- wp:")
}

/// Reads block markup into a tree. Never fails: an unmatched closer is ignored, a block left open
/// ends where the content does.
pub(super) fn parse(source: &str) -> Vec<Piece<'_>> {
    struct Open<'s> {
        name: String,
        attributes: Value,
        children: Vec<Piece<'s>>,
        inner_start: usize,
    }
    let mut root: Vec<Piece<'_>> = Vec::new();
    let mut stack: Vec<Open<'_>> = Vec::new();
    let mut position = 0;
    let mut html_start = 0;
    fn push<'s>(root: &mut Vec<Piece<'s>>, stack: &mut [Open<'s>], piece: Piece<'s>) {
        match stack.last_mut() {
            Some(open) => open.children.push(piece),
            None => root.push(piece),
        }
    }
    while let Some(offset) = source[position..].find("<!--") {
        let comment_start = position + offset;
        let Some(end_offset) = source[comment_start + 4..].find("-->") else {
            break;
        };
        let comment_end = comment_start + 4 + end_offset + 3;
        let body = source[comment_start + 4..comment_end - 3].trim();
        position = comment_end;
        let delimiter = if let Some(rest) = body.strip_prefix("/wp:") {
            Delimiter::Close(block_name(rest).0)
        } else if let Some(rest) = body.strip_prefix("wp:") {
            let (name, rest) = block_name(rest);
            let rest = rest.trim();
            let (json, self_closing) = match rest.strip_suffix('/') {
                Some(json) => (json.trim(), true),
                None => (rest, false),
            };
            let attributes = serde_json::from_str(json).unwrap_or(Value::Null);
            Delimiter::Open(name, attributes, self_closing)
        } else {
            continue;
        };
        if html_start < comment_start {
            push(
                &mut root,
                &mut stack,
                Piece::Html(&source[html_start..comment_start]),
            );
        }
        html_start = comment_end;
        match delimiter {
            Delimiter::Open(name, attributes, true) => {
                let block = Block {
                    name,
                    attributes,
                    children: Vec::new(),
                    inner: "",
                };
                push(&mut root, &mut stack, Piece::Block(block));
            }
            Delimiter::Open(name, attributes, false) => stack.push(Open {
                name,
                attributes,
                children: Vec::new(),
                inner_start: comment_end,
            }),
            Delimiter::Close(name) => {
                let Some(depth) = stack.iter().rposition(|open| open.name == name) else {
                    continue;
                };
                // Blocks opened inside this one and never closed end with it.
                while stack.len() > depth {
                    let Some(open) = stack.pop() else { break };
                    let block = Block {
                        name: open.name,
                        attributes: open.attributes,
                        children: open.children,
                        inner: &source[open.inner_start.min(comment_start)..comment_start],
                    };
                    push(&mut root, &mut stack, Piece::Block(block));
                }
            }
        }
    }
    if html_start < source.len() {
        push(&mut root, &mut stack, Piece::Html(&source[html_start..]));
    }
    while let Some(open) = stack.pop() {
        let block = Block {
            name: open.name,
            attributes: open.attributes,
            children: open.children,
            inner: &source[open.inner_start.min(source.len())..],
        };
        push(&mut root, &mut stack, Piece::Block(block));
    }
    root
}

enum Delimiter {
    Open(String, Value, bool),
    Close(String),
}

/// Splits a delimiter's body into the block's full name (`core/` added when no namespace is
/// given) and what follows it.
fn block_name(text: &str) -> (String, &str) {
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_')))
        .unwrap_or(text.len());
    let name = &text[..end];
    let name = if name.contains('/') {
        name.to_owned()
    } else {
        format!("core/{name}")
    };
    (name, &text[end..])
}

/// Converts pieces of block content.
pub(super) fn convert(pieces: &[Piece<'_>], ctx: &mut Context<'_>) -> Vec<String> {
    let mut blocks = Vec::new();
    for piece in pieces {
        match piece {
            // Between blocks WordPress applies no auto-paragraphs, but still runs shortcodes.
            Piece::Html(html) if !html.trim().is_empty() => {
                blocks.extend(classic::convert(html, Whitespace::Collapse, ctx));
            }
            Piece::Html(_) => {}
            Piece::Block(block) => blocks.extend(convert_block(block, ctx)),
        }
    }
    blocks
}

fn convert_block(block: &Block<'_>, ctx: &mut Context<'_>) -> Vec<String> {
    let short_name = block.name.strip_prefix("core/").unwrap_or(&block.name);
    if short_name == "embed" || block.name.starts_with("core-embed/") {
        return convert_embed(block, ctx);
    }
    if SILENT_BLOCKS.contains(&short_name) {
        return Vec::new();
    }
    if HTML_BLOCKS.contains(&short_name) && block.name.starts_with("core/") {
        warn_about_inner_blocks(&block.children, &block.name, ctx);
        return classic::convert(block.inner, Whitespace::Collapse, ctx);
    }
    if CONTAINER_BLOCKS.contains(&short_name) && block.name.starts_with("core/") {
        return convert(&block.children, ctx);
    }
    match block.name.as_str() {
        // The classic editor's block, and a block of shortcodes: WordPress auto-paragraphs both.
        "core/freeform" | "core/shortcode" => {
            return classic::convert(block.inner, Whitespace::AutoParagraphs, ctx);
        }
        "core/footnotes" => {
            ctx.warn(
                "footnotes (block core/footnotes) were not carried over: WordPress keeps \
                 their text outside the post's content",
            );
            return Vec::new();
        }
        _ => {}
    }
    let blocks = convert(&block.children, ctx);
    if blocks.is_empty() {
        ctx.warn(format!("block {} was not carried over", block.name));
    } else {
        ctx.warn(format!(
            "block {} was carried over as plain text and images; its layout was lost",
            block.name
        ));
    }
    blocks
}

/// An embed block: the address from its attributes (what WordPress itself embeds), else from its
/// markup; its caption under it.
fn convert_embed(block: &Block<'_>, ctx: &mut Context<'_>) -> Vec<String> {
    let address = block
        .attributes
        .get("url")
        .and_then(Value::as_str)
        .map(str::to_owned);
    match address {
        Some(address) => {
            let mut blocks = classic::embed_paragraph(&address, ctx);
            blocks.extend(classic::captions_of(block.inner));
            blocks
        }
        None => classic::convert(block.inner, Whitespace::Collapse, ctx),
    }
}

/// Warns about blocks nested in a block converted as HTML that the walker will not read as
/// their own kind (a cover inside a quote).
fn warn_about_inner_blocks(children: &[Piece<'_>], parent: &str, ctx: &mut Context<'_>) {
    for child in children {
        let Piece::Block(block) = child else { continue };
        let short_name = block.name.strip_prefix("core/").unwrap_or(&block.name);
        let understood = block.name.starts_with("core/")
            && (HTML_BLOCKS.contains(&short_name)
                || SILENT_BLOCKS.contains(&short_name)
                || CONTAINER_BLOCKS.contains(&short_name)
                || short_name == "embed");
        if !understood {
            ctx.warn(format!(
                "block {} inside {parent} was carried over as plain text and images",
                block.name
            ));
        }
        warn_about_inner_blocks(&block.children, parent, ctx);
    }
}

#[cfg(test)]
mod tests {
    use super::{Piece, parse};

    fn names(pieces: &[Piece<'_>]) -> Vec<String> {
        pieces
            .iter()
            .filter_map(|piece| match piece {
                Piece::Block(block) => Some(block.name.clone()),
                Piece::Html(_) => None,
            })
            .collect()
    }

    #[test]
    fn blocks_nest_and_carry_attributes() {
        let source = "<!-- wp:columns --><div><!-- wp:column --><p>a</p><!-- /wp:column --></div>\
                      <!-- /wp:columns -->\n<!-- wp:latest-posts {\"postsToShow\":3} /-->";
        let pieces = parse(source);
        assert_eq!(names(&pieces), ["core/columns", "core/latest-posts"]);
        let Piece::Block(columns) = &pieces[0] else {
            panic!("not a block")
        };
        assert_eq!(names(&columns.children), ["core/column"]);
        let Piece::Block(latest) = &pieces[2] else {
            panic!("not a block")
        };
        assert_eq!(latest.attributes["postsToShow"], 3);
    }

    #[test]
    fn unbalanced_delimiters_do_not_lose_text() {
        let pieces = parse("<!-- wp:quote --><blockquote><p>open</p><!-- /wp:group --> <!-- wp:x");
        assert_eq!(names(&pieces), ["core/quote"]);
        let Piece::Block(quote) = &pieces[0] else {
            panic!("not a block")
        };
        assert!(quote.inner.contains("open"));
        assert!(quote.inner.contains("<!-- wp:x"));
    }
}
