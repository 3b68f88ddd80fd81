//! Property tests against whole classes of bug in the code that takes text from authors: rendering
//! Markdown to the HTML printed on the public site, and making URL slugs from headlines.
//!
//! Each property runs proptest's default of 256 cases so the suite stays quick; proptest reads
//! `PROPTEST_CASES` for a longer hunt (`PROPTEST_CASES=100000 cargo test -p gazette-core --test
//! properties prop_`), so no test sets its own count.

#![allow(clippy::unwrap_used)]

use gazette_core::markdown::render;
use gazette_core::slug::{MAX_SLUG_LEN, Slug, SlugError};
use proptest::prelude::*;
use scraper::Html;

/// Pieces of known attacks on HTML sanitisers and of Markdown syntax that changes how the rest is
/// read (quotes, code, footnotes, figures), so that random joins of them reach the interesting
/// corners far more often than random characters would.
const HOSTILE: &[&str] = &[
    "<script>alert(1)</script>",
    "<script",
    "</script>",
    "<SCRIPT SRC=//x.test/a.js>",
    "<scr<script>ipt>",
    "javascript:alert(1)",
    "JaVaScRiPt:",
    "java\tscript:",
    "java&#x09;script:",
    "&#106;avascript:",
    "&#x6A;avascript&colon;",
    "vbscript:",
    "data:text/html,<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "[x]( javascript:alert(1) \"t\")",
    "<javascript:alert(1)>",
    "![i](javascript:alert(1))",
    "![i](x\" onerror=\"alert(1) \"cap\")",
    "[r]: javascript:alert(1)\n",
    "[r]",
    "<a href=\"javascript:alert(1)\">",
    "<a href='&#0;javascript:alert(1)'>",
    "<img src=x onerror=alert(1)>",
    "<img/src=x/onerror=alert(1)>",
    " onerror=",
    " onload=",
    " ONMOUSEOVER=",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<iframe src=",
    "<object data=",
    "<form action=javascript:alert(1)><button>",
    "<base href=",
    "<style>",
    "<template>",
    "<textarea>",
    "<title>",
    "<xmp>",
    "<plaintext>",
    "<div id=main class=masthead>",
    "<div",
    "<a",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<",
    ">",
    "\"",
    "'",
    "`",
    "```\n",
    "&lt;",
    "&amp;",
    "&#0;",
    "&#x202E;",
    "\u{202E}",
    "\u{2066}",
    "\u{0}",
    "\u{1b}",
    "\n",
    "\n\n",
    "> ",
    "> [!pull]\n",
    "![alt](/media/a.jpg \"caption\")",
    "[^1]",
    "[^1]: ",
    "# ",
    "| a | b |\n|---|---|\n",
    "*",
    "_",
    "~~",
];

fn hostile_markdown() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => proptest::sample::select(HOSTILE).prop_map(str::to_owned),
        1 => "[a-z =]{0,6}",
        1 => any::<String>(),
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
}

/// Attributes that a browser follows as an address.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "cite",
    "action",
    "formaction",
    "poster",
    "background",
    "xlink:href",
    "data",
];

/// An address as a browser reads it: leading spaces and control characters dropped, tabs and
/// line breaks removed anywhere, scheme case ignored.
fn browser_url(value: &str) -> String {
    value
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Fails the case if the HTML could run script: parsed as a browser would, no `<script>` (or
/// other active) element, no event handler attribute and no script address in any link.
fn assert_inert(markdown: &str, html: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        !html.to_ascii_lowercase().contains("<script"),
        "a <script tag in the output of {markdown:?}:\n{html}"
    );
    let fragment = Html::parse_fragment(html);
    for node in fragment.tree.nodes() {
        let Some(element) = node.value().as_element() else {
            continue;
        };
        let name = element.name();
        prop_assert!(
            !matches!(
                name,
                "script" | "iframe" | "object" | "embed" | "style" | "base" | "form" | "meta"
            ),
            "a <{name}> element from {markdown:?}:\n{html}"
        );
        for (attribute, value) in element.attrs() {
            let attribute = attribute.to_ascii_lowercase();
            prop_assert!(
                !attribute.starts_with("on"),
                "an event handler {attribute}= from {markdown:?}:\n{html}"
            );
            prop_assert!(
                attribute != "style" && attribute != "srcdoc",
                "a {attribute}= attribute from {markdown:?}:\n{html}"
            );
            if URL_ATTRIBUTES.contains(&attribute.as_str()) {
                let url = browser_url(value);
                for scheme in ["javascript:", "vbscript:", "data:"] {
                    prop_assert!(
                        !url.starts_with(scheme),
                        "a {scheme} address in {attribute}= from {markdown:?}:\n{html}"
                    );
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn prop_markdown_from_any_text_renders_inert_html(markdown in any::<String>()) {
        let html = render(&markdown);
        assert_inert(&markdown, &html)?;
    }

    #[test]
    fn prop_markdown_built_from_attack_fragments_renders_inert_html(
        markdown in hostile_markdown()
    ) {
        let html = render(&markdown);
        assert_inert(&markdown, &html)?;
    }

    #[test]
    fn prop_a_slug_made_from_any_title_is_one_that_parse_accepts(title in any::<String>()) {
        if let Ok(slug) = Slug::from_title(&title) {
            prop_assert!(slug.as_str().len() <= MAX_SLUG_LEN);
            prop_assert_eq!(Slug::parse(slug.as_str()), Ok(slug.clone()));
        }
    }

    #[test]
    fn prop_parse_accepts_only_the_documented_alphabet(
        input in prop_oneof![
            "[a-z0-9-]{0,110}",
            "[a-z0-9-]{0,20}.[a-z0-9-]{0,20}",
            any::<String>(),
        ]
    ) {
        if let Ok(slug) = Slug::parse(&input) {
            let s = slug.as_str();
            prop_assert_eq!(s, input.as_str());
            prop_assert!(!s.is_empty() && s.len() <= MAX_SLUG_LEN);
            prop_assert!(
                s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{s:?} has a character outside a-z, 0-9 and -"
            );
            prop_assert!(!s.starts_with('-') && !s.ends_with('-') && !s.contains("--"), "{s:?}");
        }
    }

    #[test]
    fn prop_cyrillic_titles_transliterate_to_a_z_digits_and_hyphens(
        title in "[\u{0400}-\u{04FF}’' 0-9]{0,80}"
    ) {
        match Slug::from_title(&title) {
            Ok(slug) => prop_assert!(
                slug.as_str().bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{title:?} became {slug}"
            ),
            Err(error) => {
                prop_assert_eq!(error, SlugError::Empty);
                // Only a title without a letter of the Ukrainian or Russian alphabets (the signs
                // ь and ъ are silent) or a digit may have no slug.
                let has_sound = title.to_lowercase().chars().any(|c| {
                    c.is_ascii_digit() || (('а'..='я').contains(&c) && !matches!(c, 'ь' | 'ъ'))
                        || matches!(c, 'і' | 'ї' | 'є' | 'ґ' | 'ё')
                });
                prop_assert!(!has_sound, "{title:?} has letters but no slug");
            }
        }
    }

    #[test]
    fn prop_a_suffixed_slug_is_still_a_valid_slug(
        base in "[a-z0-9]{1,40}(-[a-z0-9]{1,40}){0,4}",
        n in any::<u32>()
    ) {
        let base = &base[..base.len().min(MAX_SLUG_LEN)];
        let base = base.trim_end_matches('-');
        let slug = Slug::parse(base).unwrap();
        let suffixed = slug.with_suffix(n);
        prop_assert_eq!(Slug::parse(suffixed.as_str()), Ok(suffixed.clone()));
        let suffix = format!("-{n}");
        prop_assert!(suffixed.as_str().ends_with(&suffix));
    }
}

/// The checker itself: HTML that would run script must fail it, or the properties above prove
/// nothing.
#[test]
fn the_inertness_check_catches_scripts_handlers_and_script_addresses() {
    for bad in [
        "<script>alert(1)</script>",
        "<img src=x oNeRrOr=alert(1)>",
        "<a href=\" &#x0A;JAVA&#9;script:alert(1)\">x</a>",
        "<svg><a xlink:href=\"javascript:alert(1)\">x</a></svg>",
    ] {
        assert!(assert_inert("", bad).is_err(), "{bad} passed the check");
    }
    assert!(assert_inert("", "<p><a href=\"https://example.org/\">ok</a></p>").is_ok());
}
