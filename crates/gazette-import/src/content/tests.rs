//! Conversion tests, on small hand-written snippets. Where the point is what a reader sees, the
//! Markdown is rendered with Gazette's own renderer and the HTML checked.

use std::collections::HashMap;

use gazette_core::markdown::render;
use proptest::prelude::*;

use super::{
    Converted, ImportedImage, gallery_attachment_ids, plain_text, to_markdown,
    to_markdown_with_attachments,
};
use crate::source::SourceContent;

fn images() -> HashMap<String, ImportedImage> {
    let mut images = HashMap::new();
    images.insert(
        "wp-content/uploads/2024/03/kyiv.jpg".to_owned(),
        ImportedImage {
            src: "/media/kyiv.jpeg".to_owned(),
            alt: "Kyiv at dusk".to_owned(),
            caption: "The capital".to_owned(),
        },
    );
    images.insert(
        "wp-content/uploads/2024/03/port.jpg".to_owned(),
        ImportedImage {
            src: "/media/port.jpeg".to_owned(),
            alt: "The port".to_owned(),
            caption: "Odesa's port".to_owned(),
        },
    );
    images.insert(
        "content/images/2024/05/square.png".to_owned(),
        ImportedImage {
            src: "/media/square.png".to_owned(),
            alt: String::new(),
            caption: String::new(),
        },
    );
    images
}

fn wordpress(source: &str) -> Converted {
    to_markdown(&SourceContent::WordPress(source.to_owned()), &images())
}

fn ghost(source: &str) -> Converted {
    to_markdown(&SourceContent::Html(source.to_owned()), &images())
}

fn has_warning(converted: &Converted, needle: &str) -> bool {
    converted.warnings.iter().any(|w| w.contains(needle))
}

// Gutenberg blocks.

#[test]
fn paragraphs_and_headings_with_inline_markup() {
    let converted = wordpress(
        "<!-- wp:heading {\"level\":3} -->\n<h3 class=\"wp-block-heading\">Front line</h3>\n<!-- /wp:heading -->\n\n\
         <!-- wp:paragraph -->\n<p>Shelling <strong>resumed</strong> at <em>dawn</em>, \
         <a href=\"https://news.test/a\">officials</a> said; <del>no</del> <code>x</code>.</p>\n<!-- /wp:paragraph -->",
    );
    assert_eq!(
        converted.markdown,
        "# Front line\n\nShelling **resumed** at *dawn*, [officials](<https://news.test/a>) \
         said; ~~no~~ `x`.\n"
    );
    assert!(converted.warnings.is_empty(), "{:?}", converted.warnings);
}

#[test]
fn nested_lists_keep_their_levels() {
    let converted = wordpress(
        "<!-- wp:list {\"ordered\":true} --><ol><!-- wp:list-item --><li>One<!-- wp:list -->\
         <ul><!-- wp:list-item --><li>Inner <b>a</b></li><!-- /wp:list-item -->\
         <!-- wp:list-item --><li>Inner b</li><!-- /wp:list-item --></ul><!-- /wp:list --></li>\
         <!-- /wp:list-item --><!-- wp:list-item --><li>Two</li><!-- /wp:list-item --></ol><!-- /wp:list -->",
    );
    assert_eq!(
        converted.markdown,
        "1. One\n   - Inner **a**\n   - Inner b\n2. Two\n"
    );
    let html = render(&converted.markdown);
    assert_eq!(html.matches("<ol>").count(), 1, "{html}");
    assert_eq!(html.matches("<ul>").count(), 1, "{html}");
}

#[test]
fn quotes_and_pull_quotes() {
    let converted = wordpress(
        "<!-- wp:quote --><blockquote class=\"wp-block-quote\"><!-- wp:paragraph --><p>Hold the line.</p>\
         <!-- /wp:paragraph --><cite>A commander</cite></blockquote><!-- /wp:quote -->\
         <!-- wp:pullquote --><figure class=\"wp-block-pullquote\"><blockquote><p>Speed is everything.</p>\
         <cite>Minister</cite></blockquote></figure><!-- /wp:pullquote -->",
    );
    assert_eq!(
        converted.markdown,
        "> Hold the line.\n>\n> *A commander*\n\n> [!pull]\n> Speed is everything.\n>\n> *Minister*\n"
    );
    let html = render(&converted.markdown);
    assert_eq!(
        html.matches("<blockquote class=\"pullquote\">").count(),
        1,
        "{html}"
    );
}

#[test]
fn image_blocks_become_figures_with_captions() {
    let converted = wordpress(
        "<!-- wp:image {\"id\":7,\"sizeSlug\":\"large\"} --><figure class=\"wp-block-image size-large\">\
         <a href=\"https://old.test/wp-content/uploads/2024/03/kyiv.jpg\"><img src=\"https://old.test/wp-content/uploads/2024/03/kyiv-1024x683.jpg\" \
         alt=\"\" class=\"wp-image-7\"/></a><figcaption class=\"wp-element-caption\">Kyiv, \"March\" 2024</figcaption></figure><!-- /wp:image -->",
    );
    assert_eq!(
        converted.markdown,
        "![Kyiv at dusk](</media/kyiv.jpeg> \"Kyiv, \\\"March\\\" 2024\")\n"
    );
    let html = render(&converted.markdown);
    assert!(
        html.contains("<figcaption>Kyiv, “March” 2024</figcaption>")
            || html.contains("<figcaption>Kyiv, \"March\" 2024</figcaption>"),
        "{html}"
    );
}

#[test]
fn galleries_give_one_figure_per_image() {
    let converted = wordpress(
        "<!-- wp:gallery {\"linkTo\":\"none\"} --><figure class=\"wp-block-gallery has-nested-images\">\
         <!-- wp:image {\"id\":7} --><figure class=\"wp-block-image\"><img src=\"/wp-content/uploads/2024/03/kyiv.jpg\" alt=\"Dusk\"/>\
         <figcaption>First</figcaption></figure><!-- /wp:image --><!-- wp:image {\"id\":8} --><figure class=\"wp-block-image\">\
         <img src=\"/wp-content/uploads/2024/03/port-300x200.jpg\" alt=\"Port\"/></figure><!-- /wp:image -->\
         <figcaption class=\"blocks-gallery-caption\">Two cities</figcaption></figure><!-- /wp:gallery -->",
    );
    assert_eq!(
        converted.markdown,
        "![Dusk](</media/kyiv.jpeg> \"First\")\n\n![Port](</media/port.jpeg>)\n\nTwo cities\n"
    );
    assert_eq!(render(&converted.markdown).matches("<figure>").count(), 2);
}

#[test]
fn embed_blocks_become_bare_addresses() {
    let converted = wordpress(
        "<!-- wp:embed {\"url\":\"https://www.youtube.com/watch?v=dQw4w9WgXcQ\",\"type\":\"video\",\"providerNameSlug\":\"youtube\"} -->\
         <figure class=\"wp-block-embed is-provider-youtube\"><div class=\"wp-block-embed__wrapper\">\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ\n</div>\
         <figcaption>The briefing</figcaption></figure><!-- /wp:embed -->\
         <!-- wp:core-embed/twitter {\"url\":\"https://twitter.com/desk/status/123\"} --><figure><div>https://twitter.com/desk/status/123</div></figure><!-- /wp:core-embed/twitter -->\
         <!-- wp:embed {\"providerNameSlug\":\"telegram\"} --><figure class=\"wp-block-embed\"><div class=\"wp-block-embed__wrapper\">https://t.me/desk/42</div></figure><!-- /wp:embed -->\
         <!-- wp:embed {\"url\":\"https://vimeo.com/1234\"} --><figure class=\"wp-block-embed\"></figure><!-- /wp:embed -->",
    );
    assert_eq!(
        converted.markdown,
        "<https://www.youtube.com/watch?v=dQw4w9WgXcQ>\n\nThe briefing\n\n\
         <https://twitter.com/desk/status/123>\n\n<https://t.me/desk/42>\n\n<https://vimeo.com/1234>\n"
    );
    assert!(
        has_warning(&converted, "https://vimeo.com/1234"),
        "{:?}",
        converted.warnings
    );
    let html = render(&converted.markdown);
    assert!(
        html.contains("youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        "{html}"
    );
    assert!(html.contains("embed-x"), "{html}");
    assert!(html.contains("embed-telegram"), "{html}");
}

#[test]
fn tables_get_a_header_row() {
    let converted = wordpress(
        "<!-- wp:table --><figure class=\"wp-block-table\"><table><thead><tr><th>City</th><th>Share | %</th></tr></thead>\
         <tbody><tr><td>Lviv</td><td><code>a|b</code></td></tr><tr><td>Odesa</td></tr></tbody></table>\
         <figcaption>Turnout</figcaption></figure><!-- /wp:table -->\
         <!-- wp:table --><figure class=\"wp-block-table\"><table><tbody><tr><td>A</td><td>B</td></tr><tr><td>1</td><td>2</td></tr></tbody></table></figure><!-- /wp:table -->",
    );
    assert_eq!(
        converted.markdown,
        "| City | Share \\| % |\n| --- | --- |\n| Lviv | `a\\|b` |\n| Odesa |  |\n\nTurnout\n\n\
         | A | B |\n| --- | --- |\n| 1 | 2 |\n"
    );
    let html = render(&converted.markdown);
    assert_eq!(html.matches("<table>").count(), 2, "{html}");
    assert!(html.contains("<code>a|b</code>"), "{html}");
}

#[test]
fn separators_code_preformatted_and_verse() {
    let converted = wordpress(
        "<!-- wp:separator --><hr class=\"wp-block-separator\"/><!-- /wp:separator -->\
         <!-- wp:code --><pre class=\"wp-block-code\"><code class=\"language-rust\">fn main() {\n    let a = &quot;```&quot;;\n}</code></pre><!-- /wp:code -->\
         <!-- wp:preformatted --><pre class=\"wp-block-preformatted\">Line one<br>  Line two</pre><!-- /wp:preformatted -->\
         <!-- wp:verse --><pre class=\"wp-block-verse\">Roses are red\nViolets are blue\n\nSecond stanza</pre><!-- /wp:verse -->",
    );
    assert_eq!(
        converted.markdown,
        "---\n\n````rust\nfn main() {\n    let a = \"```\";\n}\n````\n\n```\nLine one\n  Line two\n```\n\n\
         Roses are red\\\nViolets are blue\n\nSecond stanza\n"
    );
    let html = render(&converted.markdown);
    assert!(html.contains("Roses are red<br"), "{html}");
}

#[test]
fn custom_html_is_converted_not_passed_through() {
    let converted = wordpress(
        "<!-- wp:html --><div class=\"box\"><h2>Box</h2><p onclick=\"x()\">Safe <span style=\"color:red\">text</span></p>\
         <script>alert(1)</script><a href=\"javascript:alert(1)\">click</a></div><!-- /wp:html -->",
    );
    assert_eq!(converted.markdown, "# Box\n\nSafe text\n\nclick\n");
}

#[test]
fn columns_and_groups_are_flattened_and_spacers_dropped() {
    let converted = wordpress(
        "<!-- wp:columns --><div class=\"wp-block-columns\"><!-- wp:column --><div class=\"wp-block-column\">\
         <!-- wp:paragraph --><p>Left</p><!-- /wp:paragraph --></div><!-- /wp:column --><!-- wp:column -->\
         <div class=\"wp-block-column\"><!-- wp:group --><div class=\"wp-block-group\"><!-- wp:paragraph --><p>Right</p>\
         <!-- /wp:paragraph --></div><!-- /wp:group --></div><!-- /wp:column --></div><!-- /wp:columns -->\
         <!-- wp:spacer {\"height\":\"40px\"} --><div style=\"height:40px\" aria-hidden=\"true\" class=\"wp-block-spacer\"></div><!-- /wp:spacer -->",
    );
    assert_eq!(converted.markdown, "Left\n\nRight\n");
    assert!(converted.warnings.is_empty(), "{:?}", converted.warnings);
}

#[test]
fn unknown_blocks_keep_their_text_with_a_warning_or_are_reported_lost() {
    let converted = wordpress(
        "<!-- wp:latest-posts {\"postsToShow\":3} /-->\
         <!-- wp:cover {\"url\":\"x\"} --><div class=\"wp-block-cover\"><div class=\"wp-block-cover__inner-container\">\
         <!-- wp:paragraph --><p>Cover text</p><!-- /wp:paragraph --></div></div><!-- /wp:cover -->\
         <!-- wp:buttons --><div class=\"wp-block-buttons\"><!-- wp:button --><div class=\"wp-block-button\">\
         <a class=\"wp-block-button__link\" href=\"/donate\">Donate</a></div><!-- /wp:button --></div><!-- /wp:buttons -->",
    );
    assert_eq!(converted.markdown, "Cover text\n\n[Donate](</donate>)\n");
    assert!(has_warning(
        &converted,
        "block core/latest-posts was not carried over"
    ));
    assert!(has_warning(
        &converted,
        "block core/cover was carried over as plain text"
    ));
    assert_eq!(converted.warnings.len(), 2, "{:?}", converted.warnings);
}

#[test]
fn shortcodes_inside_blocks_are_handled() {
    let converted = wordpress(
        "<!-- wp:shortcode -->\n[contact-form-7 id=\"12\" title=\"Tips\"]\n<!-- /wp:shortcode -->\n\
         <!-- wp:paragraph --><p>Before [sic] after</p><!-- /wp:paragraph -->",
    );
    assert_eq!(converted.markdown, "Before \\[sic\\] after\n");
    assert_eq!(
        converted.warnings,
        ["shortcode [contact-form-7] was dropped"]
    );
}

#[test]
fn unclosed_and_malformed_block_markup_is_read_best_effort() {
    for source in [
        "<!-- wp:paragraph --><p>Never closed",
        "<!-- wp:list --><ul><li>a<li>b</ul><!-- /wp:quote --><!-- /wp:list -->",
        "<!-- wp:image {\"id\": --><figure><img src=\"/none.jpg\"",
        "<!-- wp:paragraph <p>x</p>",
        "<!-- /wp:paragraph --><p>Orphan closer</p>",
        "<table><tr><td>a<td><table><tr><th>b</table></table><ul><li><ol><li>x</ul>",
    ] {
        let converted = wordpress(source);
        assert!(
            !converted.markdown.contains("<!--"),
            "{source}: {}",
            converted.markdown
        );
    }
    assert_eq!(
        wordpress("<!-- wp:paragraph --><p>Never closed").markdown,
        "Never closed\n"
    );
    assert_eq!(
        wordpress("<!-- wp:list --><ul><li>a<li>b</ul><!-- /wp:quote --><!-- /wp:list -->")
            .markdown,
        "- a\n- b\n"
    );
}

// Classic content.

#[test]
fn classic_content_gets_wordpress_auto_paragraphs() {
    let converted = wordpress(
        "First paragraph\nwith a line break.\n\nSecond <em>paragraph</em>.\n\n\n<h2>Heading</h2>\nAfter heading.\n\n<ul>\n<li>One</li>\n<li>Two</li>\n</ul>",
    );
    assert_eq!(
        converted.markdown,
        "First paragraph\\\nwith a line break.\n\nSecond *paragraph*.\n\n# Heading\n\nAfter heading.\n\n- One\n- Two\n"
    );
    let html = render(&converted.markdown);
    assert!(html.contains("<p>First paragraph<br"), "{html}");
}

#[test]
fn caption_shortcodes_become_figures() {
    let converted = wordpress(
        "Intro.\n\n[caption id=\"attachment_7\" align=\"aligncenter\" width=\"300\"]<a href=\"/x\"><img class=\"size-medium\" \
         src=\"http://old.test/wp-content/uploads/2024/03/kyiv-300x200.jpg\" alt=\"Night\" width=\"300\" height=\"200\" /></a> \
         The city at night[/caption]\n\n[caption id=\"a\" caption=\"Old style\"]<img src=\"/wp-content/uploads/2024/03/port.jpg\" />[/caption]",
    );
    assert_eq!(
        converted.markdown,
        "Intro.\n\n![Night](</media/kyiv.jpeg> \"The city at night\")\n\n![The port](</media/port.jpeg> \"Old style\")\n"
    );
}

#[test]
fn gallery_shortcodes_use_attachment_ids() {
    let mut attachments = HashMap::new();
    attachments.insert(
        "7".to_owned(),
        "wp-content/uploads/2024/03/kyiv.jpg".to_owned(),
    );
    attachments.insert(
        "8".to_owned(),
        "wp-content/uploads/2024/03/port.jpg".to_owned(),
    );
    let converted = to_markdown_with_attachments(
        &SourceContent::WordPress("[gallery columns=\"2\" ids=\"7, 8,9\"]".to_owned()),
        &images(),
        &attachments,
        &[],
    );
    assert_eq!(
        converted.markdown,
        "![Kyiv at dusk](</media/kyiv.jpeg> \"The capital\")\n\n![The port](</media/port.jpeg> \"Odesa's port\")\n"
    );
    assert_eq!(
        converted.warnings,
        ["gallery image (attachment 9) is not in the export and was dropped"]
    );
    let without = wordpress("[gallery ids=\"7\"]");
    assert!(without.markdown.is_empty());
    assert!(has_warning(&without, "attachment 7"));
}

#[test]
fn embeds_in_classic_content() {
    let converted = wordpress(
        "Watch this:\n\nhttps://youtu.be/dQw4w9WgXcQ\n\n[embed]https://x.com/desk/status/99[/embed]\n\nhttps://example.com/a_b&c=1",
    );
    assert_eq!(
        converted.markdown,
        "Watch this:\n\n<https://youtu.be/dQw4w9WgXcQ>\n\n<https://x.com/desk/status/99>\n\n<https://example.com/a_b&c=1>\n"
    );
    let html = render(&converted.markdown);
    assert!(html.contains("<iframe"), "{html}");
    assert!(html.contains("embed-x"), "{html}");
    assert!(
        html.contains("<p><a href=\"https://example.com/a_b&amp;c=1\""),
        "{html}"
    );
}

#[test]
fn unknown_shortcodes_are_dropped_with_a_warning() {
    let converted = wordpress(
        "Tips: [contact-form]\n\n[note type=\"info\"]Keep <b>this</b>[/note]\n\n[[gallery]] is how you write it.",
    );
    assert_eq!(
        converted.markdown,
        "Tips:\n\nKeep **this**\n\n\\[gallery\\] is how you write it.\n"
    );
    assert!(has_warning(
        &converted,
        "shortcode [contact-form] was dropped"
    ));
    assert!(has_warning(
        &converted,
        "shortcode [note] was dropped; the text it enclosed was kept"
    ));
}

#[test]
fn images_not_imported_are_dropped_with_a_warning() {
    let converted = wordpress(
        "<p>Text <img src=\"https://elsewhere.test/a.png\"> more</p>\n\n<img src=\"data:image/png;base64,AA\">",
    );
    assert_eq!(converted.markdown, "Text more\n");
    assert!(has_warning(
        &converted,
        "image https://elsewhere.test/a.png was not imported"
    ));
    assert!(has_warning(&converted, "without a file address"));
}

// Escaping: text that looks like Markdown stays text once rendered.

#[test]
fn text_that_looks_like_markdown_stays_text() {
    let converted = wordpress(
        "<p>1. Not a list</p><p># Not a heading</p><p>- not an item\n+ nor this</p><p>*stars* and _underscores_ and [brackets](x) and `ticks` ~~strike~~</p>\
         <p>&lt;script&gt;alert(1)&lt;/script&gt; &amp;amp; | pipe</p><p>&gt; not a quote</p><p>---</p><p>C#</p><p>    indented</p>",
    );
    let html = render(&converted.markdown);
    for absent in [
        "<ol", "<ul", "<h", "<em", "<strong", "<a ", "<code", "<del", "<script", "<hr", "<pre",
    ] {
        assert!(
            !html.contains(absent),
            "{absent} in {html}\nfrom {}",
            converted.markdown
        );
    }
    for present in [
        "1. Not a list",
        "# Not a heading",
        "*stars* and _underscores_ and [brackets](x) and `ticks` ~~strike~~",
        "&lt;script&gt;alert(1)&lt;/script&gt; &amp;amp; | pipe",
        "&gt; not a quote",
        "<p>C#</p>",
        "<p>indented</p>",
    ] {
        assert!(
            html.contains(present),
            "{present} not in {html}\nfrom {}",
            converted.markdown
        );
    }
}

#[test]
fn headings_ending_in_hashes_keep_them() {
    let converted = ghost("<h2>Learning C#</h2>");
    assert_eq!(converted.markdown, "# Learning C\\#\n");
    assert!(render(&converted.markdown).contains("<h2>Learning C#</h2>"));
}

#[test]
fn links_with_hostile_or_odd_addresses() {
    let converted = ghost(
        "<p><a href=\"java\tscript:alert(1)\">one</a> <a href=\"/a (b)\">two</a> <a href=\"#fn1\">3</a> \
         <a href=\"mailto:desk@news.test\">mail</a> <a href=\"https://x.test\"> spaced </a></p>",
    );
    assert_eq!(
        converted.markdown,
        "one [two](</a%20(b)>) 3 [mail](<mailto:desk@news.test>) [spaced](<https://x.test>)\n"
    );
    let html = render(&converted.markdown);
    assert!(!html.contains("javascript"), "{html}");
    assert!(html.contains("href=\"/a%20(b)\""), "{html}");
}

#[test]
fn entities_are_decoded() {
    let converted = ghost("<p>Caf&eacute; &#8220;quoted&#8221; &nbsp;A&amp;B</p>");
    assert_eq!(converted.markdown, "Café “quoted” \u{a0}A&B\n");
}

// Ghost.

#[test]
fn ghost_image_and_gallery_cards() {
    let converted = ghost(
        "<figure class=\"kg-card kg-image-card kg-card-hascaption\"><img src=\"__GHOST_URL__/content/images/size/w600/2024/05/square.png\" \
         class=\"kg-image\" alt=\"A square\" loading=\"lazy\"><figcaption><span>The <b>square</b></span></figcaption></figure>\
         <figure class=\"kg-card kg-gallery-card kg-width-wide\"><div class=\"kg-gallery-container\"><div class=\"kg-gallery-row\">\
         <div class=\"kg-gallery-image\"><img src=\"/content/images/2024/05/square.png\" alt=\"One\"></div>\
         <div class=\"kg-gallery-image\"><img src=\"https://old.test/wp-content/uploads/2024/03/port.jpg\" alt=\"Two\"></div></div></div>\
         <figcaption>Both</figcaption></figure>",
    );
    assert_eq!(
        converted.markdown,
        "![A square](</media/square.png> \"The square\")\n\n![One](</media/square.png>)\n\n![Two](</media/port.jpeg>)\n\nBoth\n"
    );
}

#[test]
fn ghost_embed_cards() {
    let converted = ghost(
        "<figure class=\"kg-card kg-embed-card\"><iframe width=\"200\" height=\"113\" src=\"https://www.youtube.com/embed/dQw4w9WgXcQ?feature=oembed\" \
         frameborder=\"0\" allowfullscreen></iframe></figure>\
         <figure class=\"kg-card kg-embed-card\"><blockquote class=\"twitter-tweet\"><p>Breaking</p>&mdash; Desk \
         <a href=\"https://twitter.com/desk/status/555?ref_src=twsrc\">May 1</a></blockquote>\
         <script async src=\"https://platform.twitter.com/widgets.js\"></script></figure>\
         <figure class=\"kg-card kg-embed-card\"><iframe src=\"https://open.spotify.com/embed/track/1\"></iframe></figure>",
    );
    assert_eq!(
        converted.markdown,
        "<https://www.youtube.com/watch?v=dQw4w9WgXcQ>\n\n<https://twitter.com/desk/status/555?ref_src=twsrc>\n\n\
         <https://open.spotify.com/embed/track/1>\n"
    );
    assert!(
        has_warning(&converted, "spotify"),
        "{:?}",
        converted.warnings
    );
}

#[test]
fn ghost_bookmark_callout_toggle_and_button_cards() {
    let converted = ghost(
        "<figure class=\"kg-card kg-bookmark-card\"><a class=\"kg-bookmark-container\" href=\"https://other.test/story\">\
         <div class=\"kg-bookmark-content\"><div class=\"kg-bookmark-title\">The [other] story</div>\
         <div class=\"kg-bookmark-description\">Desc</div></div><div class=\"kg-bookmark-thumbnail\"><img src=\"https://other.test/t.jpg\"></div></a></figure>\
         <div class=\"kg-card kg-callout-card kg-callout-card-grey\"><div class=\"kg-callout-emoji\">💡</div><div class=\"kg-callout-text\">Remember <i>this</i></div></div>\
         <div class=\"kg-card kg-toggle-card\" data-kg-toggle-state=\"close\"><div class=\"kg-toggle-heading\"><h4 class=\"kg-toggle-heading-text\">Why?</h4>\
         <button class=\"kg-toggle-card-icon\"><svg><path d=\"M1\"/></svg></button></div><div class=\"kg-toggle-content\"><p>Because.</p></div></div>\
         <div class=\"kg-card kg-button-card kg-align-center\"><a href=\"https://news.test/subscribe\" class=\"kg-btn kg-btn-accent\">Subscribe</a></div>",
    );
    assert_eq!(
        converted.markdown,
        "[The \\[other\\] story](<https://other.test/story>)\n\n> 💡 Remember *this*\n\n**Why?**\n\nBecause.\n\n\
         [Subscribe](<https://news.test/subscribe>)\n"
    );
    assert!(converted.warnings.is_empty(), "{:?}", converted.warnings);
}

#[test]
fn ghost_code_html_cards_quotes_and_rules() {
    let converted = ghost(
        "<pre><code class=\"language-js\">let a = 1 &lt; 2;</code></pre>\
         <figure class=\"kg-card kg-code-card\"><pre><code>x</code></pre><figcaption>Example</figcaption></figure><hr>\
         <!--kg-card-begin: html--><div><p>From an <u>HTML</u> card</p><style>p{}</style></div><!--kg-card-end: html-->\
         <blockquote>Plain quote</blockquote><blockquote class=\"kg-blockquote-alt\">Big quote</blockquote>",
    );
    assert_eq!(
        converted.markdown,
        "```js\nlet a = 1 < 2;\n```\n\n```\nx\n```\n\nExample\n\n---\n\nFrom an HTML card\n\n> Plain quote\n\n> [!pull]\n> Big quote\n"
    );
}

#[test]
fn other_ghost_cards_keep_their_text_with_a_warning() {
    let converted = ghost(
        "<div class=\"kg-card kg-product-card\"><div class=\"kg-product-card-container\"><h4>Mug</h4><p>Nice mug</p></div></div>\
         <div class=\"kg-card kg-audio-card\"><audio src=\"/a.mp3\"></audio></div>",
    );
    assert_eq!(converted.markdown, "# Mug\n\nNice mug\n");
    assert!(has_warning(
        &converted,
        "Ghost card kg-product-card was carried over"
    ));
    assert!(has_warning(
        &converted,
        "Ghost card kg-audio-card was not carried over"
    ));
    assert!(has_warning(&converted, "an audio clip /a.mp3"));
}

#[test]
fn deeply_nested_markup_does_not_exhaust_the_stack() {
    let deep = format!(
        "{}text{}",
        "<div><b>".repeat(5000),
        "</b></div>".repeat(5000)
    );
    let converted = ghost(&deep);
    assert!(converted.markdown.contains("text"));
    let deep_pre = format!(
        "<pre>{}code{}</pre>",
        "<span>".repeat(5000),
        "</span>".repeat(5000)
    );
    assert!(ghost(&deep_pre).markdown.contains("code"));
}

proptest! {
    #[test]
    fn prop_conversion_never_panics_and_never_yields_scripts(source in any::<String>()) {
        for content in [SourceContent::WordPress(source.clone()), SourceContent::Html(source.clone())] {
            let converted = to_markdown(&content, &images());
            let html = render(&converted.markdown);
            prop_assert!(!html.contains("<script"), "{}", html);
        }
    }

    #[test]
    fn prop_markup_like_input_never_yields_scripts(
        pieces in proptest::collection::vec(
            prop_oneof![
                Just("<!-- wp:paragraph -->".to_owned()),
                Just("<!-- /wp:paragraph -->".to_owned()),
                Just("<!-- wp:embed {\"url\":\"".to_owned()),
                Just("<script>".to_owned()),
                Just("&lt;script&gt;".to_owned()),
                Just("[caption]".to_owned()),
                Just("<p>".to_owned()),
                Just("<a href=\"".to_owned()),
                Just("javascript:".to_owned()),
                Just("\n\n".to_owned()),
                Just("`".to_owned()),
                Just("<".to_owned()),
                Just("\"".to_owned()),
                "[a-z <>/\\[\\]*_#=-]{0,12}",
            ],
            0..24,
        )
    ) {
        let source = pieces.concat();
        for content in [SourceContent::WordPress(source.clone()), SourceContent::Html(source.clone())] {
            let converted = to_markdown(&content, &images());
            let html = render(&converted.markdown);
            prop_assert!(!html.contains("<script"), "{} -> {}", source, html);
        }
    }
}

#[test]
fn gallery_ids_are_listed_for_the_importer_in_order() {
    let content = SourceContent::WordPress(
        "Before [gallery ids=\"12, 7\"] between [gallery include=\"3\" columns=\"2\"] [sic]".into(),
    );
    assert_eq!(gallery_attachment_ids(&content), ["12", "7", "3"]);
    assert!(gallery_attachment_ids(&SourceContent::Html("[gallery ids=\"1\"]".into())).is_empty());
}

#[test]
fn plain_text_keeps_the_words_of_an_excerpt_only() {
    assert_eq!(
        plain_text("<p>Kyiv&nbsp;&amp; <strong>Lviv</strong>\n  <script>x</script></p>"),
        "Kyiv & Lviv"
    );
    assert_eq!(plain_text("Plain words"), "Plain words");
}

#[test]
fn uploads_served_from_a_media_host_root_are_found_by_their_year_and_month() {
    use super::uploads_relative_path;
    assert_eq!(
        uploads_relative_path("https://example.files.wordpress.com/2013/03/kyiv-300x200.jpg?w=604")
            .as_deref(),
        Some("2013/03/kyiv.jpg")
    );
    assert_eq!(
        uploads_relative_path("https://cdn.example/images/kyiv.jpg"),
        None
    );
    assert_eq!(
        uploads_relative_path("https://cdn.example/2013/kyiv.jpg"),
        None
    );
    assert_eq!(
        uploads_relative_path("https://cdn.example/2013/03/../../x.jpg"),
        None
    );
}

#[test]
fn a_post_that_starts_at_a_low_heading_is_raised_without_losing_its_outline() {
    let converted =
        ghost("<h3>Overview</h3><p>Text # not a heading.</p><h4>Detail</h4><h3>Next</h3>");
    assert_eq!(
        converted.markdown,
        "# Overview\n\nText # not a heading.\n\n## Detail\n\n# Next\n"
    );
    let html = render(&converted.markdown);
    assert!(
        html.contains("<h2>Overview</h2>") && html.contains("<h3>Detail</h3>"),
        "{html}"
    );
}

#[test]
fn a_gallery_without_ids_shows_the_images_uploaded_to_the_post() {
    let mut attachments = HashMap::new();
    attachments.insert(
        "7".to_owned(),
        "wp-content/uploads/2024/03/kyiv.jpg".to_owned(),
    );
    let content = SourceContent::WordPress("Before.\n\n[gallery columns=\"3\"]".to_owned());
    assert!(super::shows_attached_images(&content));
    let converted =
        to_markdown_with_attachments(&content, &images(), &attachments, &["7".to_owned()]);
    assert_eq!(
        converted.markdown,
        "Before.\n\n![Kyiv at dusk](</media/kyiv.jpeg> \"The capital\")\n"
    );
    assert!(converted.warnings.is_empty(), "{:?}", converted.warnings);
    assert!(!super::shows_attached_images(&SourceContent::WordPress(
        "[gallery ids=\"7\"]".into()
    )));
}
