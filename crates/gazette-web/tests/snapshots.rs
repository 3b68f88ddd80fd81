//! What readers and feed readers receive, kept as reviewed snapshots (`tests/snapshots/*.snap`):
//! the article page's main part, its structured data, and the three feeds. A change to any of
//! them shows up as a diff to accept with `cargo insta review` (or `INSTA_UPDATE=always`), so a
//! template edit that drops a byline or a feed field cannot pass unseen. CI sets `CI=true`, where
//! a missing or changed snapshot fails.

#![allow(clippy::unwrap_used)]

mod common;

use chrono::TimeZone;
use common::{TestApp, days_ago};
use gazette_core::Language;

/// A small paper: two articles in English with bylines and a tag, one in Ukrainian, fixed times.
async fn paper() -> TestApp {
    let app = TestApp::init().await;
    let kharkiv = app.store.ensure_tag("Kharkiv").await.unwrap();
    let mut air = app.article("Air defence holds over Kharkiv");
    air.tag_ids = vec![kharkiv.id];
    air.author_ids = vec![app.olena, app.staff];
    air.published_at = Some(chrono::Utc.with_ymd_and_hms(2025, 3, 29, 9, 30, 0).unwrap());
    app.publish(air).await;
    let mut grain = app.article("Grain corridor reopens");
    grain.body_markdown = "Ships left Odesa at dawn carrying grain for Egypt and Kenya.".into();
    grain.published_at = Some(days_ago(2));
    app.publish(grain).await;
    let mut uk = app.article("П’ять шкіл відновили навчання");
    uk.language = Language::UK;
    uk.body_markdown = "У Києві після ремонту.".into();
    uk.published_at = Some(days_ago(3));
    app.publish(uk).await;
    app
}

/// Asset names carry a hash of the file (`site.1a2b3c4d5e.css`): a CSS edit must not fail a
/// snapshot of the page, so the hash is replaced.
fn without_asset_hashes(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        let hashed = bytes[i] == b'.'
            && i + 12 <= bytes.len()
            && bytes[i + 1..i + 11]
                .iter()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
            && bytes[i + 11] == b'.';
        if hashed {
            out.push_str(".HASH.");
            i += 12;
        } else {
            let c = text[i..].chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

#[tokio::test]
async fn the_article_page_main_part_is_as_reviewed() {
    let app = paper().await;
    let page = app.get("/war/air-defence-holds-over-kharkiv").await;
    assert_eq!(page.status, 200);
    // The page as the template wrote it, from `<main` to `</main>`: its own indentation is
    // readable, and a re-serialised tree would hide whitespace changes readers see.
    let start = page.body.find("<main").expect("a <main> element");
    let end = page.body.find("</main>").expect("a closed <main>") + "</main>".len();
    insta::assert_snapshot!("article_main", without_asset_hashes(&page.body[start..end]));
    app.finish().await;
}

#[tokio::test]
async fn the_article_pages_structured_data_is_as_reviewed() {
    let app = paper().await;
    let page = app.get("/war/air-defence-holds-over-kharkiv").await;
    let blocks: Vec<String> = page
        .html()
        .select(&scraper::Selector::parse(r#"script[type="application/ld+json"]"#).unwrap())
        .map(|script| {
            let text: String = script.text().collect();
            let json: serde_json::Value = serde_json::from_str(&text).expect("valid JSON-LD");
            serde_json::to_string_pretty(&json).unwrap()
        })
        .collect();
    assert!(!blocks.is_empty(), "no JSON-LD on the article page");
    insta::assert_snapshot!(
        "article_json_ld",
        without_asset_hashes(&blocks.join("\n\n"))
    );
    app.finish().await;
}

#[tokio::test]
async fn the_three_feeds_are_as_reviewed() {
    let app = paper().await;
    for (name, path) in [
        ("feed_rss", "/feeds/rss.xml"),
        ("feed_atom", "/feeds/atom.xml"),
    ] {
        let feed = app.get(path).await;
        assert_eq!(feed.status, 200, "{path}");
        insta::assert_snapshot!(name, without_asset_hashes(&feed.body));
    }
    let json = app.get("/feeds/feed.json").await;
    assert_eq!(json.status, 200);
    let parsed: serde_json::Value = serde_json::from_str(&json.body).expect("a JSON Feed");
    insta::assert_snapshot!(
        "feed_json",
        without_asset_hashes(&serde_json::to_string_pretty(&parsed).unwrap())
    );
    app.finish().await;
}
