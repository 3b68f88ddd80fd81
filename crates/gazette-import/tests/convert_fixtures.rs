//! Converts every post of the real exports in `../shared/fixtures` (a WordPress theme-test export,
//! a WordPress 6.1 export and a Ghost 6 export). Ignored, with the reason, where the folder is
//! absent. The contents are pulled out crudely (string search for WXR's CDATA, serde_json for
//! Ghost): the readers themselves are tested elsewhere.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use gazette_core::markdown::render;
use gazette_import::content::{ImportedImage, image_sources, to_markdown};
use gazette_import::source::SourceContent;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures")
}

/// (title, content:encoded) of every item with content.
fn wordpress_items(file: &str) -> Vec<(String, String)> {
    let xml = std::fs::read_to_string(fixtures().join("wordpress").join(file)).expect("fixture");
    xml.split("<item>")
        .skip(1)
        .filter_map(|item| {
            let title = between(item, "<title>", "</title>")?;
            let title = title
                .strip_prefix("<![CDATA[")
                .and_then(|t| t.strip_suffix("]]>"))
                .unwrap_or(title);
            let content = between(item, "<content:encoded><![CDATA[", "]]></content:encoded>")?;
            Some((title.to_owned(), content.replace("]]]]><![CDATA[>", "]]>")))
        })
        .filter(|(_, content)| !content.trim().is_empty())
        .collect()
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    let to = text[from..].find(end)? + from;
    Some(&text[from..to])
}

/// Every image the content names, as if imported.
fn imported(content: &SourceContent) -> HashMap<String, ImportedImage> {
    image_sources(content)
        .into_iter()
        .enumerate()
        .map(|(index, url)| {
            let image = ImportedImage {
                src: format!("/media/{index}.jpeg"),
                alt: "An image".to_owned(),
                caption: String::new(),
            };
            (url, image)
        })
        .collect()
}

fn outside_code(markdown: &str) -> String {
    let mut in_code = false;
    let mut kept = String::new();
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        } else if !in_code {
            kept.push_str(line);
            kept.push('\n');
        }
    }
    kept
}

struct Counts {
    headings: usize,
    list_items: usize,
    quotes: usize,
    figures: usize,
}

/// Converts, checks what must hold for every post, and counts what the reader will see.
fn convert_and_count(content: SourceContent) -> (String, Counts) {
    let converted = to_markdown(&content, &imported(&content));
    // Outside code blocks: a post about blocks may show their markup as code.
    assert!(
        !outside_code(&converted.markdown).contains("<!-- wp:"),
        "{}",
        converted.markdown
    );
    let html = render(&converted.markdown);
    assert!(!html.contains("<script"), "{html}");
    let counts = Counts {
        headings: (2..=6)
            .map(|n| html.matches(&format!("<h{n}>")).count())
            .sum(),
        list_items: html.matches("<li>").count(),
        quotes: html.matches("<blockquote").count(),
        figures: html.matches("<figure").count(),
    };
    (converted.markdown, counts)
}

#[test]
#[cfg_attr(not(gazette_fixtures), ignore = "../shared/fixtures is absent")]
fn every_wordpress_post_converts() {
    let mut converted = 0;
    for file in [
        "themeunittestdata.wordpress.xml",
        "wordpress-6.1-export-50.xml",
    ] {
        for (_, content) in wordpress_items(file) {
            convert_and_count(SourceContent::WordPress(content));
            converted += 1;
        }
    }
    assert!(converted > 100, "only {converted} items with content");
}

#[test]
#[cfg_attr(not(gazette_fixtures), ignore = "../shared/fixtures is absent")]
fn wordpress_posts_keep_their_structure() {
    let items = wordpress_items("themeunittestdata.wordpress.xml");
    let find = |title: &str| {
        items
            .iter()
            .find(|(t, _)| t == title)
            .map(|(_, content)| SourceContent::WordPress(content.clone()))
            .unwrap_or_else(|| panic!("no post {title}"))
    };
    let (markdown, counts) = convert_and_count(find("WP 6.1 Text category blocks"));
    assert_eq!(counts.headings, 6, "{markdown}");
    assert_eq!(counts.list_items, 6, "{markdown}");
    assert_eq!(counts.quotes, 2, "{markdown}");
    let (markdown, counts) = convert_and_count(find("Keyboard navigation"));
    assert_eq!(counts.headings, 2, "{markdown}");
    assert_eq!(counts.list_items, 12, "{markdown}");
    let (markdown, counts) = convert_and_count(find("WP 6.1 Media category blocks"));
    assert!(counts.figures >= 10, "{markdown}");
}

#[test]
#[cfg_attr(not(gazette_fixtures), ignore = "../shared/fixtures is absent")]
fn every_ghost_post_converts() {
    let json = std::fs::read_to_string(fixtures().join("ghost/ghost-6.65-export-50.json"))
        .expect("fixture");
    let export: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let data = export
        .pointer("/db/0/data")
        .or_else(|| export.get("data"))
        .expect("data");
    let posts = data["posts"].as_array().expect("posts");
    let mut totals = Counts {
        headings: 0,
        list_items: 0,
        quotes: 0,
        figures: 0,
    };
    let mut paragraphs = 0;
    for post in posts {
        let html = post["html"].as_str().unwrap_or("");
        let (markdown, counts) = convert_and_count(SourceContent::Html(html.to_owned()));
        paragraphs += render(&markdown).matches("<p>").count();
        totals.headings += counts.headings;
        totals.list_items += counts.list_items;
    }
    assert_eq!(posts.len(), 50);
    assert_eq!(totals.headings, 4);
    assert!(paragraphs >= 300, "{paragraphs}");
}
