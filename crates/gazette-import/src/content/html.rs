//! The HTML walker: a parsed fragment (html5ever, through scraper) to Markdown blocks.
//!
//! Block elements become blocks; runs of inline nodes between them become paragraphs. Text is
//! escaped as it is written, so only the markup the walker itself writes is Markdown.
//! Figures, embeds and Ghost's cards are in [`super::figures`]; lists, tables and code in
//! [`super::structures`].

use ego_tree::NodeRef;
use scraper::{ElementRef, Html, Node};

use super::context::Context;
use super::markdown_writer::{
    LINE_BREAK, PARAGRAPH_BREAK, code_span, collapse_whitespace, escape_line_start, escape_text,
    is_autolinkable, link_destination, safe_href, unescape,
};

/// Where an image's caption comes from.
pub(super) enum Caption {
    None,
    Text(String),
    /// The imported attachment's own caption (WordPress shows it in `[gallery]`s).
    Imported,
}

/// Nesting deeper than this is flattened to text: real articles never come close, and a hostile
/// body must not exhaust the stack.
const MAX_DEPTH: usize = 48;

/// Elements that start a block of their own (everything else is inline).
const BLOCK_ELEMENTS: &[&str] = &[
    "address",
    "article",
    "aside",
    "audio",
    "blockquote",
    "body",
    "canvas",
    "caption",
    "center",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "embed",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hgroup",
    "hr",
    "html",
    "iframe",
    "li",
    "main",
    "meta",
    "nav",
    "noscript",
    "object",
    "ol",
    "p",
    "pre",
    "script",
    "section",
    "style",
    "summary",
    "svg",
    "table",
    "tbody",
    "td",
    "template",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "ul",
    "video",
];

/// Elements whose content is never article text.
const IGNORED_ELEMENTS: &[&str] = &[
    "button", "head", "input", "link", "meta", "noscript", "script", "select", "style", "svg",
    "template", "textarea", "title",
];

/// How whitespace in text is read.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Whitespace {
    /// As browsers do: every run is one space.
    Collapse,
    /// WordPress's auto-paragraphs (`wpautop`): a blank line ends a paragraph, a single newline is
    /// a line break. Also used for verse.
    AutoParagraphs,
}

/// Converts an HTML fragment to Markdown blocks.
pub(super) fn convert_fragment(
    html: &str,
    whitespace: Whitespace,
    ctx: &mut Context<'_>,
) -> Vec<String> {
    let document = Html::parse_fragment(html);
    let mut converter = Converter::new(ctx, whitespace);
    converter.blocks_of_children(document.root_element())
}

pub(super) struct Converter<'c, 'a> {
    pub(super) ctx: &'c mut Context<'a>,
    pub(super) whitespace: Whitespace,
    depth: usize,
    /// Inside a table cell, `|` in code spans must be escaped too.
    pub(super) in_table_cell: bool,
    /// Inside a WordPress pull quote's `<figure>`: its `<blockquote>` is the pull quote.
    pub(super) in_pull_quote: bool,
    /// Emphasis markers open around the text being written, so nested `<b><b>` is written once.
    open_markers: Vec<&'static str>,
}

impl<'c, 'a> Converter<'c, 'a> {
    pub(super) fn new(ctx: &'c mut Context<'a>, whitespace: Whitespace) -> Self {
        Self {
            ctx,
            whitespace,
            depth: 0,
            in_table_cell: false,
            in_pull_quote: false,
            open_markers: Vec::new(),
        }
    }

    /// The blocks of an element's children: block children in turn, inline runs as paragraphs.
    pub(super) fn blocks_of_children(&mut self, parent: ElementRef<'_>) -> Vec<String> {
        let mut blocks = Vec::new();
        let mut run: Vec<NodeRef<'_, Node>> = Vec::new();
        for child in parent.children() {
            match child.value() {
                Node::Text(_) => run.push(child),
                Node::Element(_) => {
                    let Some(element) = ElementRef::wrap(child) else {
                        continue;
                    };
                    if self.is_block(element) {
                        self.flush_run(&mut run, &mut blocks);
                        blocks.extend(self.block(element));
                    } else {
                        run.push(child);
                    }
                }
                _ => {}
            }
        }
        self.flush_run(&mut run, &mut blocks);
        blocks
    }

    fn is_block(&self, element: ElementRef<'_>) -> bool {
        let name = element.value().name();
        BLOCK_ELEMENTS.contains(&name)
            || (!IGNORED_ELEMENTS.contains(&name)
                && element
                    .descendent_elements()
                    .skip(1)
                    .any(|inner| BLOCK_ELEMENTS.contains(&inner.value().name())))
    }

    fn flush_run(&mut self, run: &mut Vec<NodeRef<'_, Node>>, blocks: &mut Vec<String>) {
        if run.is_empty() {
            return;
        }
        let mut text = String::new();
        for node in run.drain(..) {
            self.inline(node, &mut text, 0);
        }
        blocks.extend(paragraphs(&text));
    }

    fn block(&mut self, element: ElementRef<'_>) -> Vec<String> {
        if self.depth >= MAX_DEPTH {
            let mut text = String::new();
            escape_text(&collapse_whitespace(&text_of(element)), &mut text);
            return paragraphs(&text);
        }
        self.depth += 1;
        let blocks = self.block_element(element);
        self.depth -= 1;
        blocks
    }

    fn block_element(&mut self, element: ElementRef<'_>) -> Vec<String> {
        if let Some(blocks) = self.ghost_card(element) {
            return blocks;
        }
        let name = element.value().name();
        match name {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => self.heading(element, name),
            "ul" => self.list(element, false),
            "ol" => self.list(element, true),
            "blockquote" => self.blockquote(element),
            "pre" if has_class(element, "wp-block-verse") => self.verse(element),
            "pre" => self.code_block(element),
            "table" => self.table(element),
            "hr" => vec!["---".to_owned()],
            "figure" => self.figure(element),
            "iframe" => self.iframe(element),
            "video" | "audio" | "object" | "embed" | "canvas" => {
                let what = match name {
                    "video" => "a video",
                    "audio" => "an audio clip",
                    _ => "embedded media",
                };
                let address = element
                    .attr("src")
                    .or_else(|| element.attr("data"))
                    .unwrap_or("");
                self.ctx
                    .warn(format!("{what} {address} was not carried over").replace("  ", " "));
                Vec::new()
            }
            "form" | "fieldset" => {
                self.ctx.warn("a form was not carried over");
                Vec::new()
            }
            "dt" | "summary" => self.bold_paragraph(element),
            _ if IGNORED_ELEMENTS.contains(&name) => Vec::new(),
            _ => self.blocks_of_children(element),
        }
    }

    fn heading(&mut self, element: ElementRef<'_>, name: &str) -> Vec<String> {
        // The page's only <h1> is the headline, and a body's `#` is rendered as <h2> (see
        // gazette_core::markdown). The old site's posts started their headings at <h2> for the
        // same reason: so <h2> is `#`, <h3> `##`…, and an <h1> inside a body counts as an <h2>.
        // Kept as they were, every heading would render a level lower and skip one.
        let level: usize = name[1..]
            .parse::<usize>()
            .unwrap_or(2)
            .saturating_sub(1)
            .max(1);
        let text = self.single_line(element);
        if text.is_empty() {
            return Vec::new();
        }
        // A closing run of `#` would be read as the heading's optional closing sequence.
        let text = match text.strip_suffix('#') {
            Some(rest) if !rest.ends_with('\\') => format!("{rest}\\#"),
            _ => text,
        };
        vec![format!("{} {text}", "#".repeat(level))]
    }

    pub(super) fn bold_paragraph(&mut self, element: ElementRef<'_>) -> Vec<String> {
        let text = self.single_line(element);
        if text.is_empty() {
            return Vec::new();
        }
        vec![format!("**{text}**")]
    }

    pub(super) fn blockquote(&mut self, element: ElementRef<'_>) -> Vec<String> {
        const EMBEDDED_POSTS: &[&str] = &[
            "twitter-tweet",
            "instagram-media",
            "telegram-post",
            "tiktok-embed",
            "wp-embedded-content",
        ];
        if EMBEDDED_POSTS.iter().any(|class| has_class(element, class)) {
            return self.embed(element);
        }
        let pull = self.in_pull_quote
            || has_class(element, "kg-blockquote-alt")
            || has_class(element, "wp-block-pullquote");
        let was_pull = std::mem::replace(&mut self.in_pull_quote, false);
        let blocks = self.blocks_of_children(element);
        self.in_pull_quote = was_pull;
        quote(&blocks, pull)
    }

    fn verse(&mut self, element: ElementRef<'_>) -> Vec<String> {
        let previous = std::mem::replace(&mut self.whitespace, Whitespace::AutoParagraphs);
        let blocks = self.blocks_of_children(element);
        self.whitespace = previous;
        blocks
    }

    /// An element's inline content on one line: headings, table cells, captions.
    pub(super) fn single_line(&mut self, element: ElementRef<'_>) -> String {
        let mut text = String::new();
        for child in element.children() {
            self.inline(child, &mut text, 1);
        }
        let text = text.replace([LINE_BREAK, PARAGRAPH_BREAK], " ");
        collapse_whitespace(&text).trim().to_owned()
    }

    /// Writes an inline node. `depth` > 0 inside inline elements, where a blank line can only be
    /// a line break (a paragraph cannot end inside `<strong>`).
    pub(super) fn inline(&mut self, node: NodeRef<'_, Node>, out: &mut String, depth: usize) {
        match node.value() {
            Node::Text(text) => self.text(text, out, depth),
            Node::Element(_) => {
                if let Some(element) = ElementRef::wrap(node) {
                    if depth >= MAX_DEPTH {
                        escape_text(&collapse_whitespace(&text_of(element)), out);
                    } else {
                        self.inline_element(element, out, depth);
                    }
                }
            }
            _ => {}
        }
    }

    fn text(&self, text: &str, out: &mut String, depth: usize) {
        let normalised = match self.whitespace {
            Whitespace::Collapse => collapse_whitespace(text),
            Whitespace::AutoParagraphs => auto_paragraph_breaks(text, depth == 0),
        };
        escape_text(&normalised, out);
    }

    fn inline_children(&mut self, element: ElementRef<'_>, out: &mut String, depth: usize) {
        for child in element.children() {
            self.inline(child, out, depth + 1);
        }
    }

    fn inline_element(&mut self, element: ElementRef<'_>, out: &mut String, depth: usize) {
        let name = element.value().name();
        match name {
            "br" => out.push(LINE_BREAK),
            "strong" | "b" => self.emphasis(element, "**", out, depth),
            "em" | "i" | "cite" | "dfn" | "var" => self.emphasis(element, "*", out, depth),
            "del" | "s" | "strike" => self.emphasis(element, "~~", out, depth),
            "code" | "kbd" | "samp" | "tt" => {
                let mut code = code_span(&text_of(element));
                if self.in_table_cell {
                    code = code.replace('|', "\\|");
                }
                out.push_str(&code);
            }
            "a" => self.link(element, out, depth),
            "img" => {
                if let Some(image) = self.image(element, Caption::None) {
                    out.push_str(&image);
                }
            }
            _ if IGNORED_ELEMENTS.contains(&name) => {}
            // Block content met inline (a list in a table cell): kept apart by spaces.
            _ if BLOCK_ELEMENTS.contains(&name) => {
                out.push(' ');
                self.inline_children(element, out, depth);
                out.push(' ');
            }
            _ => self.inline_children(element, out, depth),
        }
    }

    fn emphasis(
        &mut self,
        element: ElementRef<'_>,
        marker: &'static str,
        out: &mut String,
        depth: usize,
    ) {
        if self.open_markers.contains(&marker) {
            self.inline_children(element, out, depth);
            return;
        }
        self.open_markers.push(marker);
        let mut inner = String::new();
        self.inline_children(element, &mut inner, depth);
        self.open_markers.pop();
        wrap_trimmed(&inner, marker, marker, out);
    }

    fn link(&mut self, element: ElementRef<'_>, out: &mut String, depth: usize) {
        // Fragment links pointed at ids the sanitiser removes (old footnote markers): text only.
        let href = element
            .attr("href")
            .and_then(safe_href)
            .filter(|href| !href.starts_with('#'));
        let only_images = element
            .descendent_elements()
            .any(|inner| inner.value().name() == "img")
            && element.text().all(|text| text.trim().is_empty());
        let mut inner = String::new();
        self.inline_children(element, &mut inner, depth);
        match href {
            // A linked image (usually to its full-size copy) is the image, so it can be a figure.
            Some(href) if !only_images => {
                let closing = format!("]({})", link_destination(&href));
                wrap_trimmed(&inner, "[", &closing, out);
            }
            _ => out.push_str(&inner),
        }
    }
}

/// Writes `inner` between `open` and `close` with its surrounding whitespace moved outside, where
/// Markdown needs it (`** bold **` would not be bold); nothing but the whitespace if it is empty.
fn wrap_trimmed(inner: &str, open: &str, close: &str, out: &mut String) {
    let is_space = |c: char| c.is_whitespace() || c == LINE_BREAK || c == PARAGRAPH_BREAK;
    let trimmed = inner.trim_matches(is_space);
    if trimmed.is_empty() {
        out.push_str(inner);
        return;
    }
    let leading = &inner[..inner.len() - inner.trim_start_matches(is_space).len()];
    let trailing = &inner[inner.trim_end_matches(is_space).len()..];
    out.push_str(leading);
    out.push_str(open);
    out.push_str(trimmed);
    out.push_str(close);
    out.push_str(trailing);
}

/// WordPress's auto-paragraph reading of whitespace: a blank line is a paragraph break (a line
/// break where a paragraph cannot end), a single newline a line break, other runs one space.
fn auto_paragraph_breaks(text: &str, paragraphs_allowed: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if !c.is_whitespace() || c == '\u{a0}' {
            out.push(c);
            continue;
        }
        let mut newlines = usize::from(c == '\n');
        while let Some(&next) = chars.peek() {
            if !next.is_whitespace() || next == '\u{a0}' {
                break;
            }
            newlines += usize::from(next == '\n');
            chars.next();
        }
        out.push(match newlines {
            0 => ' ',
            1 => LINE_BREAK,
            _ if paragraphs_allowed => PARAGRAPH_BREAK,
            _ => LINE_BREAK,
        });
    }
    out
}

/// Splits rendered inline text into paragraphs: trims each line, drops empty ones, escapes what a
/// line's start would make markup, joins lines with hard breaks. A paragraph that is only an
/// address becomes an autolink, which Gazette shows as an embed for known platforms.
pub(super) fn paragraphs(text: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    for paragraph in text.split(PARAGRAPH_BREAK) {
        let lines: Vec<String> = paragraph
            .split(LINE_BREAK)
            .map(|line| collapse_spaces(line.trim()))
            .filter(|line| !line.is_empty())
            .map(|line| escape_line_start(&line))
            .collect();
        match lines.as_slice() {
            [] => {}
            [line] => blocks.push(bare_address(line).unwrap_or_else(|| line.clone())),
            _ => blocks.push(lines.join("\\\n")),
        }
    }
    blocks
}

/// Spaces left doubled where something between them was dropped (an image not imported).
fn collapse_spaces(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        if c == ' ' && out.ends_with(' ') {
            continue;
        }
        out.push(c);
    }
    out
}

/// `<url>` when an escaped line of text is nothing but an http(s) address.
fn bare_address(line: &str) -> Option<String> {
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '[' | '`' | '*' | '~' | '<' | '!' => return None,
            _ => {}
        }
    }
    let address = unescape(line);
    is_autolinkable(&address).then(|| format!("<{address}>"))
}

/// A block quote (a pull quote when `pull`) of the given blocks.
pub(super) fn quote(blocks: &[String], pull: bool) -> Vec<String> {
    if blocks.is_empty() {
        return Vec::new();
    }
    let mut body = blocks.join("\n\n");
    if pull {
        body = format!("[!pull]\n{body}");
    }
    vec![super::markdown_writer::prefix_lines(&body, "> ")]
}

/// An element's text, as the parser decoded it.
pub(super) fn text_of(element: ElementRef<'_>) -> String {
    element.text().collect()
}

pub(super) fn has_class(element: ElementRef<'_>, wanted: &str) -> bool {
    element.value().classes().any(|class| class == wanted)
}

/// The first element under `element` (itself included) with the class.
pub(super) fn find_class<'e>(element: ElementRef<'e>, wanted: &str) -> Option<ElementRef<'e>> {
    element
        .descendent_elements()
        .find(|inner| has_class(*inner, wanted))
}
