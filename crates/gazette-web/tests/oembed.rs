//! oEmbed: a partner site given one of our article addresses gets a card for it, found through
//! the article page's head; nothing else of the site, and nothing unpublished, is embeddable.

#![allow(clippy::unwrap_used)]

mod common;

use common::{BASE_URL, TestApp, days_ago};
use gazette_core::ArticleStatus;

fn oembed_path(url: &str) -> String {
    format!(
        "/api/oembed?url={}",
        percent_encoding::utf8_percent_encode(url, percent_encoding::NON_ALPHANUMERIC)
    )
}

#[tokio::test]
async fn an_article_page_announces_its_card_and_the_card_links_back() {
    let app = TestApp::init().await;
    let article = app
        .publish_headline("Grain corridor <reopens> after talks")
        .await;
    let page = app.get("/war/grain-corridor-reopens-after-talks").await;
    assert_eq!(page.status, 200);
    let announced = page.attrs("link[type='application/json+oembed']", "href");
    assert_eq!(announced.len(), 1, "one oEmbed link in the head");
    let address = announced[0].strip_prefix(BASE_URL).unwrap().to_owned();

    let card = app.get(&address).await;
    assert_eq!(card.status, 200, "{}", card.body);
    assert!(card.header("content-type").starts_with("application/json"));
    assert_eq!(card.header("access-control-allow-origin"), "*");
    let json: serde_json::Value = serde_json::from_str(&card.body).unwrap();
    assert_eq!(json["version"], "1.0");
    assert_eq!(json["type"], "rich");
    assert_eq!(json["title"], article.headline);
    assert_eq!(json["provider_url"], format!("{BASE_URL}/"));
    assert_eq!(json["author_name"], "Olena Marchenko");
    let html = json["html"].as_str().unwrap();
    assert!(
        html.contains(&format!(
            "href=\"{BASE_URL}/war/grain-corridor-reopens-after-talks\""
        )),
        "{html}"
    );
    assert!(html.contains("Grain corridor &lt;reopens&gt;"), "{html}");
    assert!(
        !html.contains("<script") && !html.contains("<iframe"),
        "{html}"
    );
    assert!(json["width"].as_u64().unwrap() <= 600);
    app.finish().await;
}

#[tokio::test]
async fn maxwidth_narrows_the_card_and_a_tiny_one_has_no_card() {
    let app = TestApp::init().await;
    app.publish_headline("Power restored in Kharkiv").await;
    let url = format!("{BASE_URL}/war/power-restored-in-kharkiv");
    let narrow = app
        .get(&format!("{}&maxwidth=320", oembed_path(&url)))
        .await;
    assert_eq!(narrow.status, 200);
    let json: serde_json::Value = serde_json::from_str(&narrow.body).unwrap();
    assert_eq!(json["width"], 320);
    let tiny = app.get(&format!("{}&maxwidth=50", oembed_path(&url))).await;
    assert_eq!(tiny.status, 404);
    let bad = app
        .get(&format!("{}&maxwidth=wide", oembed_path(&url)))
        .await;
    assert_eq!(bad.status, 400);
    let error: serde_json::Value = serde_json::from_str(&bad.body).unwrap();
    assert_eq!(error["error"]["status"], 400);
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("maxwidth")
    );
    app.finish().await;
}

#[tokio::test]
async fn only_published_articles_of_this_site_have_a_card() {
    let app = TestApp::init().await;
    app.publish_headline("Published story").await;
    let mut draft = app.article("Unpublished draft");
    draft.status = ArticleStatus::Draft;
    draft.published_at = None;
    app.publish(draft).await;
    let mut later = app.article("Embargoed until tomorrow");
    later.status = ArticleStatus::Scheduled;
    later.published_at = Some(days_ago(-1));
    app.publish(later).await;

    for url in [
        format!("{BASE_URL}/war/unpublished-draft"),
        format!("{BASE_URL}/war/embargoed-until-tomorrow"),
        format!("{BASE_URL}/war/no-such-story"),
        "https://elsewhere.test/war/published-story".to_owned(),
        format!("{BASE_URL}/tags/published-story"),
        format!("{BASE_URL}/war"),
    ] {
        let answer = app.get(&oembed_path(&url)).await;
        assert_eq!(answer.status, 404, "{url}: {}", answer.body);
        let error: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
        assert_eq!(error["error"]["code"], "not_found", "{url}");
    }
    let published = app
        .get(&oembed_path(&format!("{BASE_URL}/war/published-story")))
        .await;
    assert_eq!(published.status, 200);
    app.finish().await;
}

#[tokio::test]
async fn no_url_is_a_bad_request_and_xml_is_not_offered() {
    let app = TestApp::init().await;
    app.publish_headline("Any story").await;
    assert_eq!(app.get("/api/oembed").await.status, 400);
    assert_eq!(app.get("/api/oembed?url=").await.status, 400);
    let xml = app
        .get(&format!(
            "{}&format=xml",
            oembed_path(&format!("{BASE_URL}/war/any-story"))
        ))
        .await;
    assert_eq!(xml.status, 501);
    app.finish().await;
}
