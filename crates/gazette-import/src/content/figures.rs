//! Figures, images, embeds and Ghost's cards.

use scraper::{ElementRef, Node};

use super::html::{Caption, Converter, find_class, has_class, paragraphs, quote, text_of};
use super::images::{canonical_image_url, image_address};
use super::markdown_writer::{
    collapse_whitespace, escape_text, is_autolinkable, link_destination, link_title, safe_href,
};

/// What a figure holds, in order.
enum FigurePart<'e> {
    Image(ElementRef<'e>),
    Nested(Vec<String>),
}

/// Ghost cards whose markup the generic walk already reads well.
const PLAIN_GHOST_CARDS: &[&str] = &[
    "kg-image-card",
    "kg-gallery-card",
    "kg-button-card",
    "kg-code-card",
    "kg-embed-card",
];

impl Converter<'_, '_> {
    /// Ghost's cards that need their own reading; None for other elements.
    pub(super) fn ghost_card(&mut self, element: ElementRef<'_>) -> Option<Vec<String>> {
        let card = element
            .value()
            .classes()
            .find(|class| {
                class.starts_with("kg-") && class.ends_with("-card") && *class != "kg-card"
            })?
            .to_owned();
        let blocks = match card.as_str() {
            _ if PLAIN_GHOST_CARDS.contains(&card.as_str()) => return None,
            "kg-bookmark-card" => self.bookmark(element),
            "kg-callout-card" => self.callout(element),
            "kg-toggle-card" => self.toggle(element),
            _ => {
                let blocks = self.blocks_of_children(element);
                if blocks.is_empty() {
                    self.ctx
                        .warn(format!("Ghost card {card} was not carried over"));
                } else {
                    self.ctx.warn(format!(
                        "Ghost card {card} was carried over as plain text and images"
                    ));
                }
                blocks
            }
        };
        Some(blocks)
    }

    pub(super) fn figure(&mut self, element: ElementRef<'_>) -> Vec<String> {
        let is_embed = element
            .value()
            .classes()
            .any(|class| class.starts_with("wp-block-embed") || class == "kg-embed-card");
        if is_embed {
            let mut blocks = self.embed(element);
            blocks.extend(self.figcaption_paragraph(element));
            return blocks;
        }
        if has_class(element, "wp-block-pullquote") {
            let previous = std::mem::replace(&mut self.in_pull_quote, true);
            let quote_element = element
                .descendent_elements()
                .find(|inner| inner.value().name() == "blockquote");
            let blocks = match quote_element {
                Some(blockquote) => self.blockquote(blockquote),
                None => {
                    let inner = self.blocks_of_children(element);
                    quote(&inner, true)
                }
            };
            self.in_pull_quote = previous;
            return blocks;
        }
        let mut parts = Vec::new();
        let mut caption: Option<String> = None;
        let mut loose_text = String::new();
        let has_other_content =
            self.collect_figure(element, &mut parts, &mut caption, &mut loose_text);
        if has_other_content || parts.is_empty() {
            return self.blocks_of_children(element);
        }
        // `[caption]` shortcodes put their caption after the image, as bare text.
        if caption.is_none() && has_class(element, "gazette-caption") {
            caption = Some(collapse_whitespace(&loose_text).trim().to_owned());
        }
        let caption = caption.filter(|text| !text.is_empty());
        if let [FigurePart::Image(image)] = parts.as_slice() {
            let source = match caption {
                Some(text) => Caption::Text(text),
                None if has_class(element, "gazette-attachment") => Caption::Imported,
                None => Caption::None,
            };
            return self.image(*image, source).into_iter().collect();
        }
        let mut blocks = Vec::new();
        for part in parts {
            match part {
                FigurePart::Image(image) => blocks.extend(self.image(image, Caption::None)),
                FigurePart::Nested(nested) => blocks.extend(nested),
            }
        }
        // A gallery's own caption, under its images.
        if let Some(text) = caption
            && !blocks.is_empty()
        {
            blocks.extend(plain_paragraph(&text));
        }
        blocks
    }

    /// Gathers a figure's images, nested figures and caption; true when it also holds content
    /// that is neither (a table, a quote, code), which the generic walk then reads instead.
    fn collect_figure<'e>(
        &mut self,
        element: ElementRef<'e>,
        parts: &mut Vec<FigurePart<'e>>,
        caption: &mut Option<String>,
        loose_text: &mut String,
    ) -> bool {
        let mut other = false;
        for child in element.children() {
            match child.value() {
                Node::Text(text) => loose_text.push_str(text),
                Node::Element(_) => {
                    let Some(inner) = ElementRef::wrap(child) else {
                        continue;
                    };
                    match inner.value().name() {
                        "img" => parts.push(FigurePart::Image(inner)),
                        "figure" => parts.push(FigurePart::Nested(self.figure(inner))),
                        "figcaption" => {
                            *caption = Some(collapse_whitespace(&text_of(inner)).trim().to_owned());
                        }
                        "table" | "blockquote" | "pre" | "iframe" | "video" | "audio" | "p"
                        | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "ul" | "ol" => other = true,
                        "script" | "style" | "noscript" | "source" => {}
                        _ => other |= self.collect_figure(inner, parts, caption, loose_text),
                    }
                }
                _ => {}
            }
        }
        other
    }

    fn figcaption_paragraph(&mut self, element: ElementRef<'_>) -> Vec<String> {
        element
            .descendent_elements()
            .find(|inner| inner.value().name() == "figcaption")
            .map(|caption| plain_paragraph(collapse_whitespace(&text_of(caption)).trim()))
            .unwrap_or_default()
    }

    /// An image as Markdown, or None (with a warning) when it was not imported.
    pub(super) fn image(&mut self, img: ElementRef<'_>, caption: Caption) -> Option<String> {
        let Some(address) = image_address(img) else {
            self.ctx
                .warn("an image without a file address (inline data or none) was dropped");
            return None;
        };
        let Some(imported) = self.ctx.images.get(&canonical_image_url(address)) else {
            self.ctx
                .warn(format!("image {address} was not imported and was dropped"));
            return None;
        };
        let alt = img
            .attr("alt")
            .map(|alt| collapse_whitespace(alt).trim().to_owned())
            .filter(|alt| !alt.is_empty())
            .unwrap_or_else(|| collapse_whitespace(&imported.alt).trim().to_owned());
        let caption = match caption {
            Caption::None => String::new(),
            Caption::Text(text) => text,
            Caption::Imported => imported.caption.clone(),
        };
        let mut markdown = String::from("![");
        escape_text(&alt, &mut markdown);
        markdown.push_str("](");
        markdown.push_str(&link_destination(&imported.src));
        if !caption.trim().is_empty() {
            markdown.push(' ');
            markdown.push_str(&link_title(&caption));
        }
        markdown.push(')');
        Some(markdown)
    }

    pub(super) fn iframe(&mut self, element: ElementRef<'_>) -> Vec<String> {
        let candidates: Vec<String> = element
            .attr("src")
            .map(|src| youtube_watch_address(src).unwrap_or_else(|| src.to_owned()))
            .into_iter()
            .collect();
        self.embed_paragraph(&candidates)
    }

    /// An embed's address from what the element holds: frames, links, or bare addresses.
    pub(super) fn embed(&mut self, element: ElementRef<'_>) -> Vec<String> {
        let mut candidates = Vec::new();
        for inner in element.descendants() {
            match inner.value() {
                Node::Text(text) => {
                    let text = text.trim();
                    if is_autolinkable(text) {
                        candidates.push(text.to_owned());
                    }
                }
                Node::Element(el) => match el.name() {
                    "iframe" => {
                        if let Some(src) = el.attr("src") {
                            candidates
                                .push(youtube_watch_address(src).unwrap_or_else(|| src.to_owned()));
                        }
                    }
                    "a" => candidates.extend(el.attr("href").map(str::to_owned)),
                    _ => {}
                },
                _ => {}
            }
        }
        self.embed_paragraph(&candidates)
    }

    /// `<url>` for the first embeddable address; else a plain link (with a warning); else nothing.
    pub(super) fn embed_paragraph(&mut self, candidates: &[String]) -> Vec<String> {
        let candidates: Vec<&str> = candidates.iter().map(|c| c.trim()).collect();
        if let Some(url) = candidates
            .iter()
            .find(|url| is_autolinkable(url) && gazette_core::embed::recognise(url).is_some())
        {
            return vec![format!("<{url}>")];
        }
        if let Some(url) = candidates.iter().find(|url| is_autolinkable(url)) {
            self.ctx
                .warn(format!("the embed of {url} became a plain link"));
            return vec![format!("<{url}>")];
        }
        self.ctx
            .warn("an embed without a usable address was dropped");
        Vec::new()
    }

    /// Ghost's bookmark card: a link to the page, titled with the page's title.
    fn bookmark(&mut self, element: ElementRef<'_>) -> Vec<String> {
        let href = element
            .descendent_elements()
            .filter(|inner| inner.value().name() == "a")
            .find_map(|link| link.attr("href").and_then(safe_href));
        let title = find_class(element, "kg-bookmark-title")
            .map(|title| collapse_whitespace(&text_of(title)).trim().to_owned())
            .filter(|title| !title.is_empty());
        let mut blocks = Vec::new();
        match (href, title) {
            (Some(href), title) => {
                let mut text = String::from("[");
                escape_text(title.as_deref().unwrap_or(&href), &mut text);
                text.push_str("](");
                text.push_str(&link_destination(&href));
                text.push(')');
                blocks.push(text);
            }
            (None, Some(title)) => blocks.extend(plain_paragraph(&title)),
            (None, None) => {}
        }
        let caption = element
            .child_elements()
            .find(|inner| inner.value().name() == "figcaption");
        if let Some(caption) = caption {
            blocks.extend(plain_paragraph(
                collapse_whitespace(&text_of(caption)).trim(),
            ));
        }
        blocks
    }

    /// Ghost's callout card: a quote, its emoji leading the text.
    fn callout(&mut self, element: ElementRef<'_>) -> Vec<String> {
        let emoji = find_class(element, "kg-callout-emoji")
            .map(|emoji| text_of(emoji).trim().to_owned())
            .unwrap_or_default();
        let mut blocks = match find_class(element, "kg-callout-text") {
            Some(text) => self.blocks_of_children(text),
            None => self.blocks_of_children(element),
        };
        if !emoji.is_empty()
            && let Some(first) = blocks.first_mut()
            && !first.starts_with(&emoji)
        {
            let mut prefix = String::new();
            escape_text(&emoji, &mut prefix);
            *first = format!("{prefix} {first}");
        }
        quote(&blocks, false)
    }

    /// Ghost's toggle card (a question and its hidden answer): the question in bold, then the
    /// answer, always shown.
    fn toggle(&mut self, element: ElementRef<'_>) -> Vec<String> {
        let heading = find_class(element, "kg-toggle-heading-text")
            .or_else(|| find_class(element, "kg-toggle-heading"));
        let content = find_class(element, "kg-toggle-content");
        let (Some(heading), Some(content)) = (heading, content) else {
            return self.blocks_of_children(element);
        };
        let mut blocks = self.bold_paragraph(heading);
        blocks.extend(self.blocks_of_children(content));
        blocks
    }
}

/// Text as one escaped paragraph.
pub(super) fn plain_paragraph(text: &str) -> Vec<String> {
    let mut escaped = String::new();
    escape_text(text, &mut escaped);
    paragraphs(&escaped)
}

/// The watch address of a YouTube player frame (`youtube.com/embed/ID`,
/// `youtube-nocookie.com/embed/ID`), which is what Gazette recognises as a YouTube embed.
pub(super) fn youtube_watch_address(src: &str) -> Option<String> {
    let rest = src
        .strip_prefix("https:")
        .or_else(|| src.strip_prefix("http:"))
        .unwrap_or(src)
        .strip_prefix("//")?;
    let (host, path) = rest.split_once('/')?;
    let host = host.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    if host != "youtube.com" && host != "youtube-nocookie.com" {
        return None;
    }
    let id = path.strip_prefix("embed/")?.split(['?', '#', '/']).next()?;
    gazette_core::embed::is_youtube_video_id(id)
        .then(|| format!("https://www.youtube.com/watch?v={id}"))
}
