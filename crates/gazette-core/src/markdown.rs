//! Article bodies: CommonMark with tables, footnotes, pull quotes and figures, rendered to HTML
//! that is safe to print on the public site whoever wrote it.
//!
//! Conventions on top of CommonMark:
//! - a block quote whose first line is `[!pull]` is a pull quote (`<blockquote class="pullquote">`);
//! - an image alone in its paragraph is a figure, its title (`![alt](src "caption")`) the caption;
//! - headings are moved one level down, because the article's headline is the page's only `<h1>`;
//! - a paragraph that is only the address of a YouTube video or of a post on X, Telegram or
//!   Facebook (`<https://youtu.be/…>` or the bare address) is an embed (see [`crate::embed`]):
//!   YouTube's privacy-enhanced player in an `<iframe>`, a link card for the others, whose embeds
//!   need third-party scripts the site's Content-Security-Policy does not allow.

use std::collections::HashSet;
use std::sync::LazyLock;

use crate::embed::{self, Embed};
use crate::text::escape_html;
use pulldown_cmark::{
    CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd, TextMergeStream,
};

const PULL_QUOTE_MARKER: &str = "[!pull]";
/// Prefix for footnote ids, so that an author's footnote label can never collide with an id the
/// page itself uses (`main`, `search`…).
const FOOTNOTE_ID_PREFIX: &str = "fn-";

/// Renders Markdown to sanitised HTML.
pub fn render(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION;
    let events: Vec<Event<'_>> = TextMergeStream::new(Parser::new_ext(markdown, options)).collect();
    let mut embeds = Embeds::default();
    let events = rewrite(events, &mut embeds);
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    let clean = SANITIZER.clean(&html).to_string();
    embeds.fill_in(clean)
}

/// Embeds found while rewriting. Their HTML is written by [`embed_html`] from a strictly checked
/// address, and is put in after sanitising: the sanitiser allows no `<iframe>` at all, so an
/// author's raw HTML can never frame anything (it could only strip an iframe's bad `src`, leaving
/// the frame). Each embed stands in the HTML being sanitised as a paragraph holding a token with a
/// per-render random part, which an author cannot write in advance.
#[derive(Default)]
struct Embeds {
    nonce: Option<u64>,
    html: Vec<String>,
}

impl Embeds {
    fn placeholder(&mut self, embed_html: String) -> String {
        let nonce = *self.nonce.get_or_insert_with(|| {
            use std::hash::{BuildHasher, RandomState};
            // Keys seeded from the OS per thread: unpredictable, without another dependency.
            RandomState::new().hash_one(self.html.len())
        });
        let token = format!("<p>gazette-embed-{nonce:016x}-{}</p>", self.html.len());
        self.html.push(embed_html);
        token
    }

    fn fill_in(self, mut clean: String) -> String {
        let Some(nonce) = self.nonce else {
            return clean;
        };
        for (index, embed_html) in self.html.into_iter().enumerate() {
            let token = format!("<p>gazette-embed-{nonce:016x}-{index}</p>");
            clean = clean.replacen(&token, embed_html.trim_end(), 1);
        }
        clean
    }
}

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .add_tag_attributes("div", &["id"])
        .add_tag_attributes("img", &["loading"])
        .add_allowed_classes("blockquote", &["pullquote"])
        .add_allowed_classes("div", &["footnote-definition"])
        .add_allowed_classes("sup", &["footnote-reference", "footnote-definition-label"])
        .attribute_filter(|_element, attribute, value| {
            if attribute == "id" && !value.starts_with(FOOTNOTE_ID_PREFIX) {
                None
            } else {
                Some(value.into())
            }
        });
    builder
});

fn rewrite<'a>(events: Vec<Event<'a>>, embeds: &mut Embeds) -> Vec<Event<'a>> {
    let mut out = Vec::with_capacity(events.len());
    let mut i = 0;
    // Block quotes whose closing tag must be written by hand because their opening tag was.
    let mut custom_quotes: HashSet<usize> = HashSet::new();
    let mut quote_depth = 0usize;
    while i < events.len() {
        match &events[i] {
            Event::Start(Tag::BlockQuote(_)) => {
                quote_depth += 1;
                if let Some(consumed) = pull_quote_start(&events[i..]) {
                    custom_quotes.insert(quote_depth);
                    out.push(Event::Html(CowStr::Borrowed(
                        "<blockquote class=\"pullquote\">\n",
                    )));
                    out.push(Event::Start(Tag::Paragraph));
                    out.extend(consumed.1);
                    i += consumed.0;
                    continue;
                }
                out.push(events[i].clone());
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                if custom_quotes.remove(&quote_depth) {
                    out.push(Event::Html(CowStr::Borrowed("</blockquote>\n")));
                } else {
                    out.push(events[i].clone());
                }
                quote_depth = quote_depth.saturating_sub(1);
            }
            Event::Start(Tag::Paragraph) => {
                if let Some((consumed, figure)) = embed_figure(&events[i..]) {
                    out.push(Event::Html(CowStr::from(embeds.placeholder(figure))));
                    i += consumed;
                    continue;
                }
                if let Some((consumed, figure)) = lone_image_figure(&events[i..]) {
                    out.push(Event::Html(CowStr::from(figure)));
                    i += consumed;
                    continue;
                }
                out.push(events[i].clone());
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => out.push(Event::Start(Tag::Heading {
                level: demote(*level),
                id: id.clone(),
                classes: classes.clone(),
                attrs: attrs.clone(),
            })),
            Event::End(TagEnd::Heading(level)) => {
                out.push(Event::End(TagEnd::Heading(demote(*level))));
            }
            Event::FootnoteReference(label) => out.push(Event::FootnoteReference(
                format!("{FOOTNOTE_ID_PREFIX}{label}").into(),
            )),
            Event::Start(Tag::FootnoteDefinition(label)) => out.push(Event::Start(
                Tag::FootnoteDefinition(format!("{FOOTNOTE_ID_PREFIX}{label}").into()),
            )),
            other => out.push(other.clone()),
        }
        i += 1;
    }
    out
}

/// At a block quote's start: if its first paragraph opens with the pull-quote marker, returns how
/// many events were consumed (quote start, paragraph start, marker text and the line break after
/// it) and the text that remains after the marker.
fn pull_quote_start<'a>(events: &[Event<'a>]) -> Option<(usize, Vec<Event<'a>>)> {
    let [
        _,
        Event::Start(Tag::Paragraph),
        Event::Text(text),
        rest @ ..,
    ] = events
    else {
        return None;
    };
    let remainder = text.strip_prefix(PULL_QUOTE_MARKER)?.trim_start();
    let mut consumed = 3;
    let mut kept = Vec::new();
    if remainder.is_empty() {
        if matches!(rest.first(), Some(Event::SoftBreak | Event::HardBreak)) {
            consumed += 1;
        }
    } else {
        kept.push(Event::Text(remainder.to_owned().into()));
    }
    Some((consumed, kept))
}

/// At a paragraph's start: if the paragraph is a single image, returns the events consumed and
/// the `<figure>` that replaces them.
fn lone_image_figure(events: &[Event<'_>]) -> Option<(usize, String)> {
    let Some(Event::Start(Tag::Image {
        dest_url, title, ..
    })) = events.get(1)
    else {
        return None;
    };
    let mut alt = String::new();
    let mut j = 2;
    loop {
        match events.get(j)? {
            Event::End(TagEnd::Image) => break,
            Event::Text(t) | Event::Code(t) => alt.push_str(t),
            _ => {}
        }
        j += 1;
    }
    if !matches!(events.get(j + 1), Some(Event::End(TagEnd::Paragraph))) {
        return None;
    }
    let caption = if title.is_empty() {
        String::new()
    } else {
        format!("<figcaption>{}</figcaption>", escape_html(title))
    };
    let figure = format!(
        "<figure><img src=\"{}\" alt=\"{}\" loading=\"lazy\">{caption}</figure>\n",
        escape_html(dest_url),
        escape_html(&alt)
    );
    Some((j + 2, figure))
}

/// At a paragraph's start: if the paragraph is only an embeddable address (an autolink or plain
/// text), returns the events consumed and the `<figure>` that replaces them.
fn embed_figure(events: &[Event<'_>]) -> Option<(usize, String)> {
    let (url, consumed) = match events {
        [
            _,
            Event::Start(Tag::Link {
                link_type: LinkType::Autolink,
                dest_url,
                ..
            }),
            Event::Text(_),
            Event::End(TagEnd::Link),
            Event::End(TagEnd::Paragraph),
            ..,
        ] => (dest_url.as_ref(), 5),
        [_, Event::Text(text), Event::End(TagEnd::Paragraph), ..] => (text.as_ref(), 3),
        _ => return None,
    };
    let embed = embed::recognise(url)?;
    Some((consumed, embed_html(&embed)))
}

fn embed_html(embed: &Embed) -> String {
    let class = embed.provider.class_suffix();
    let inner = match embed.player_url() {
        Some(player) => format!(
            "<iframe src=\"{}\" title=\"YouTube video\" loading=\"lazy\" allowfullscreen></iframe>",
            escape_html(&player)
        ),
        None => format!(
            "<a href=\"{}\">View the post on {}</a>",
            escape_html(&embed.url),
            embed.provider.name()
        ),
    };
    format!("<figure class=\"embed embed-{class}\">{inner}</figure>\n")
}

fn demote(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        HeadingLevel::H5 | HeadingLevel::H6 => HeadingLevel::H6,
    }
}

/// The address of the first `![](src)` in a Markdown body whose alt text is empty: readers who
/// cannot see an image get its alt text, so the newsroom refuses to publish without it.
pub fn image_without_alt(markdown: &str) -> Option<String> {
    let mut open: Option<(String, String)> = None;
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::Image { dest_url, .. }) => {
                open = Some((dest_url.to_string(), String::new()));
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, alt)) = open.as_mut() {
                    alt.push_str(&t);
                }
            }
            Event::End(TagEnd::Image) => {
                if let Some((src, alt)) = open.take()
                    && alt.trim().is_empty()
                {
                    return Some(src);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{image_without_alt, render};

    #[test]
    fn paragraphs_quotes_and_tables_render() {
        let html = render("Lede.\n\n> Quoted.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n");
        assert!(html.contains("<p>Lede.</p>"));
        assert!(html.contains("<blockquote>"));
        assert!(html.contains("<table>"));
        assert!(html.contains("<td>2</td>"));
    }

    #[test]
    fn a_marked_block_quote_becomes_a_pull_quote() {
        let html = render("> [!pull]\n> Speed in supply is everything.\n\nAfter.");
        assert!(html.contains("<blockquote class=\"pullquote\">"), "{html}");
        assert!(
            html.contains("<p>Speed in supply is everything.</p>"),
            "{html}"
        );
        assert!(!html.contains("[!pull]"));
        assert_eq!(html.matches("</blockquote>").count(), 1);
    }

    #[test]
    fn scripts_and_event_handlers_are_removed() {
        let html = render(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn authors_cannot_set_arbitrary_ids_or_classes() {
        let html = render("<div id=\"main\" class=\"masthead\">x</div>");
        assert!(!html.contains("id=\"main\""), "{html}");
        assert!(!html.contains("masthead"), "{html}");
    }

    #[test]
    fn footnotes_link_to_prefixed_ids() {
        let html = render("Claim.[^1]\n\n[^1]: Source.");
        assert!(html.contains("href=\"#fn-1\""), "{html}");
        assert!(html.contains("id=\"fn-1\""), "{html}");
    }

    #[test]
    fn a_lone_image_becomes_a_figure_with_caption() {
        let html = render("![Ruined bridge](/media/bridge.jpg \"The bridge at Irpin\")");
        assert!(html.contains("<figure>"), "{html}");
        assert!(html.contains("alt=\"Ruined bridge\""), "{html}");
        assert!(
            html.contains("<figcaption>The bridge at Irpin</figcaption>"),
            "{html}"
        );
    }

    #[test]
    fn headings_start_below_the_headline() {
        let html = render("# Background\n\n## Detail");
        assert!(html.contains("<h2>Background</h2>"), "{html}");
        assert!(html.contains("<h3>Detail</h3>"), "{html}");
    }

    #[test]
    fn body_images_need_alt_text() {
        assert_eq!(image_without_alt("Text ![A harbour](/media/a.jpeg)"), None);
        assert_eq!(
            image_without_alt("![ ](/media/b.jpeg \"Caption\")").as_deref(),
            Some("/media/b.jpeg")
        );
    }

    #[test]
    fn a_youtube_address_alone_becomes_the_privacy_enhanced_player() {
        for markdown in [
            "Before.\n\n<https://www.youtube.com/watch?v=dQw4w9WgXcQ>\n\nAfter.",
            "https://youtu.be/dQw4w9WgXcQ",
            "<https://www.youtube.com/shorts/dQw4w9WgXcQ>",
        ] {
            let html = render(markdown);
            assert!(
                html.contains(
                    "<figure class=\"embed embed-youtube\"><iframe \
                     src=\"https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ\" \
                     title=\"YouTube video\" loading=\"lazy\" allowfullscreen></iframe></figure>"
                ),
                "{html}"
            );
        }
    }

    #[test]
    fn posts_on_x_telegram_and_facebook_become_link_cards() {
        let cases = [
            ("<https://x.com/someone/status/123>", "x", "X"),
            ("<https://twitter.com/someone/status/123>", "x", "X"),
            ("<https://t.me/newsroom/42>", "telegram", "Telegram"),
            (
                "<https://www.facebook.com/page/posts/987>",
                "facebook",
                "Facebook",
            ),
        ];
        for (markdown, class, name) in cases {
            let html = render(markdown);
            let url = markdown.trim_matches(['<', '>']);
            assert!(
                html.contains(&format!(
                    "<figure class=\"embed embed-{class}\"><a href=\"{url}\""
                )),
                "{html}"
            );
            assert!(
                html.contains(&format!(">View the post on {name}</a></figure>")),
                "{html}"
            );
            assert!(!html.contains("<iframe"), "{html}");
        }
    }

    #[test]
    fn an_address_in_running_text_or_from_another_host_stays_a_link() {
        let html = render("<https://example.com/watch?v=dQw4w9WgXcQ>");
        assert!(
            html.contains("<p><a href=\"https://example.com/watch?v=dQw4w9WgXcQ\""),
            "{html}"
        );
        assert!(!html.contains("<figure"), "{html}");
        let html = render("Watch <https://youtu.be/dQw4w9WgXcQ> now.");
        assert!(!html.contains("<iframe"), "{html}");
    }

    #[test]
    fn hostile_addresses_are_not_embedded() {
        for markdown in [
            "<https://youtube.com.evil.test/watch?v=dQw4w9WgXcQ>",
            "<javascript:alert(1)//youtube.com/watch?v=dQw4w9WgXcQ>",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ\"onload=\"alert(1)",
            "<https://youtu.be/dQw4w9WgXcQ'onload='alert(1)>",
        ] {
            let html = render(markdown);
            assert!(!html.contains("<iframe"), "{markdown}: {html}");
            assert!(!html.contains("<figure"), "{markdown}: {html}");
            assert!(!html.contains("href=\"javascript:"), "{markdown}: {html}");
        }
    }

    #[test]
    fn authors_cannot_write_frames_themselves() {
        let html = render(
            "<iframe src=\"https://evil.test/\"></iframe>\n\n\
             <iframe src=\"https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1&x=\"></iframe>",
        );
        assert!(!html.contains("<iframe"), "{html}");
        let html =
            render("<p>gazette-embed-0000000000000000-0</p>\n\nhttps://youtu.be/dQw4w9WgXcQ");
        assert_eq!(html.matches("<iframe").count(), 1, "{html}");
        assert!(html.contains("gazette-embed-0000000000000000-0"), "{html}");
    }
}
