//! Editions as readers meet them: the Ukrainian edition under `/uk` with its own front page,
//! sections, feeds and sitemaps; translations linked with `hreflang` both ways and an `x-default`;
//! the switcher offering only translations that exist; every link staying in its edition.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::{BASE_URL, TestApp, days_ago, slug};
use gazette_core::{Article, Language};
use gazette_store::Actor;

fn editor() -> Actor {
    Actor {
        user_id: None,
        name: "Test editor".into(),
        address: "127.0.0.1".into(),
    }
}

/// An English story and its Ukrainian translation, both published; the War section is "Війна"
/// (`viina`) in Ukrainian.
async fn story_in_two_languages(app: &TestApp) -> (Article, Article) {
    let english = app.publish_headline("Air defence holds over Kharkiv").await;
    let mut new = app.article("ППО втримала небо над Харковом");
    new.language = Language::UK;
    new.slug = Some(slug("ppo-vtrymala-nebo-nad-kharkovom"));
    new.published_at = Some(days_ago(1) + chrono::Duration::hours(1));
    let ukrainian = app.publish(new).await;
    app.store
        .link_translation(ukrainian.id, english.id, &editor(), common::now())
        .await
        .unwrap();
    app.store
        .set_section_name(
            app.war,
            Language::UK,
            "Війна",
            &slug("viina"),
            "З фронту.",
            &editor(),
        )
        .await
        .unwrap();
    app.settle().await;
    (english, ukrainian)
}

/// An English story with a Ukrainian translation still in draft; the draft.
async fn draft_translation(app: &TestApp) -> Article {
    let english = app.publish_headline("Grain corridor reopens").await;
    let mut new = app.article("Зерновий коридор знову працює");
    new.language = Language::UK;
    new.status = gazette_core::ArticleStatus::Draft;
    new.published_at = None;
    let draft = app.publish(new).await;
    app.store
        .link_translation(draft.id, english.id, &editor(), common::now())
        .await
        .unwrap();
    app.settle().await;
    draft
}

/// `hreflang` → absolute address, as the page's head lists them.
fn alternates(page: &common::TestResponse) -> Vec<(String, String)> {
    let html = page.html();
    let selector = scraper::Selector::parse("link[rel=alternate][hreflang]").unwrap();
    html.select(&selector)
        .map(|l| {
            (
                l.value().attr("hreflang").unwrap().to_owned(),
                l.value().attr("href").unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn translations_name_each_other_with_hreflang_and_an_x_default() {
    let app = TestApp::init().await;
    story_in_two_languages(&app).await;
    let english_url = format!("{BASE_URL}/war/air-defence-holds-over-kharkiv");
    let ukrainian_url = format!("{BASE_URL}/uk/viina/ppo-vtrymala-nebo-nad-kharkovom");
    let expected = vec![
        ("en".to_owned(), english_url.clone()),
        ("uk".to_owned(), ukrainian_url.clone()),
        ("x-default".to_owned(), english_url.clone()),
    ];

    let english = app.get("/war/air-defence-holds-over-kharkiv").await;
    assert_eq!(english.status, StatusCode::OK);
    assert_eq!(alternates(&english), expected);
    let ukrainian = app.get("/uk/viina/ppo-vtrymala-nebo-nad-kharkovom").await;
    assert_eq!(ukrainian.status, StatusCode::OK, "{}", ukrainian.body);
    // Reciprocal: each names the other, and both name the same x-default.
    assert_eq!(alternates(&ukrainian), expected);
    assert_eq!(ukrainian.attrs("html", "lang"), ["uk"]);
    assert_eq!(
        ukrainian.attrs("link[rel=canonical]", "href"),
        std::slice::from_ref(&ukrainian_url)
    );
    // The switcher links to the translation in its language.
    assert_eq!(english.attrs(".editions a", "href"), [ukrainian_url]);
    assert_eq!(ukrainian.attrs(".editions a", "href"), [english_url]);
    assert_eq!(ukrainian.attrs(".editions a", "hreflang"), ["en"]);
}

#[tokio::test]
async fn an_article_without_translation_announces_none_and_is_offered_in_no_other_language() {
    let app = TestApp::init().await;
    story_in_two_languages(&app).await;
    app.publish_headline("Only in English").await;
    app.settle().await;
    let page = app.get("/war/only-in-english").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(alternates(&page).is_empty());
    // The switcher offers the other edition's front page, never a translation that is not there.
    assert_eq!(
        page.attrs(".editions a", "href"),
        [format!("{BASE_URL}/uk")]
    );
}

#[tokio::test]
async fn a_draft_translation_is_not_announced() {
    let app = TestApp::init().await;
    draft_translation(&app).await;
    let page = app.get("/war/grain-corridor-reopens").await;
    assert!(alternates(&page).is_empty(), "{:?}", alternates(&page));
}

#[tokio::test]
async fn each_edition_lists_only_its_own_language() {
    let app = TestApp::init().await;
    story_in_two_languages(&app).await;

    let home = app.get("/").await;
    assert!(home.body.contains("Air defence holds over Kharkiv"));
    assert!(!home.body.contains("ППО втримала небо"));
    let uk_home = app.get("/uk").await;
    assert_eq!(uk_home.status, StatusCode::OK);
    assert!(uk_home.body.contains("ППО втримала небо над Харковом"));
    assert!(!uk_home.body.contains("Air defence holds over Kharkiv"));
    // Links on a Ukrainian page stay in the Ukrainian edition, with the section's own slug there.
    assert!(
        uk_home
            .attrs(".sections a", "href")
            .contains(&"/uk/viina".to_owned()),
        "{:?}",
        uk_home.attrs(".sections a", "href")
    );
    assert!(uk_home.texts(".sections a").contains(&"Війна".to_owned()));
    assert_eq!(app.get("/uk/").await.status, StatusCode::PERMANENT_REDIRECT);

    let section = app.get("/uk/viina").await;
    assert_eq!(section.status, StatusCode::OK);
    assert!(section.body.contains("ППО втримала небо"));
    assert!(!section.body.contains("Air defence holds"));
    // The section's own slug still finds it, in the English edition only.
    assert_eq!(app.get("/war").await.status, StatusCode::OK);
    assert!(app.get("/viina").await.status == StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_article_asked_for_in_the_wrong_edition_is_sent_to_its_own() {
    let app = TestApp::init().await;
    story_in_two_languages(&app).await;
    let wrong = app.get("/war/ppo-vtrymala-nebo-nad-kharkovom").await;
    assert_eq!(wrong.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(
        wrong.header("location"),
        "/uk/viina/ppo-vtrymala-nebo-nad-kharkovom"
    );
    let wrong = app.get("/uk/war/air-defence-holds-over-kharkiv").await;
    assert_eq!(wrong.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(
        wrong.header("location"),
        "/war/air-defence-holds-over-kharkiv"
    );
}

#[tokio::test]
async fn feeds_and_news_sitemaps_are_per_edition() {
    let app = TestApp::init().await;
    story_in_two_languages(&app).await;

    let feed = app.get("/uk/feeds/rss.xml").await;
    assert_eq!(feed.status, StatusCode::OK);
    assert!(
        feed.body.contains("<language>uk</language>"),
        "{}",
        feed.body
    );
    assert!(feed.body.contains("ППО втримала небо"));
    assert!(!feed.body.contains("Air defence holds"));
    let english_feed = app.get("/feeds/rss.xml").await;
    assert!(english_feed.body.contains("Air defence holds"));
    assert!(!english_feed.body.contains("ППО втримала небо"));

    let news = app.get("/uk/sitemaps/news.xml").await;
    assert_eq!(news.status, StatusCode::OK);
    assert!(news.body.contains("<news:language>uk</news:language>"));
    assert!(news.body.contains(&format!(
        "{BASE_URL}/uk/viina/ppo-vtrymala-nebo-nad-kharkovom"
    )));
    assert!(!news.body.contains("air-defence-holds"));
    let english_news = app.get("/sitemaps/news.xml").await;
    assert!(english_news.body.contains("air-defence-holds"));
    assert!(!english_news.body.contains("ppo-vtrymala"));

    let pages = app.get("/sitemaps/pages.xml").await;
    assert!(pages.body.contains(&format!("<loc>{BASE_URL}/uk</loc>")));
    assert!(
        pages
            .body
            .contains(&format!("<loc>{BASE_URL}/uk/viina</loc>"))
    );
}

#[tokio::test]
async fn the_article_sitemap_gives_each_translation_its_address_and_its_alternates() {
    let app = TestApp::init().await;
    story_in_two_languages(&app).await;
    let sitemap = app.get("/sitemaps/articles/1.xml").await;
    assert_eq!(sitemap.status, StatusCode::OK);
    let english = format!("{BASE_URL}/war/air-defence-holds-over-kharkiv");
    let ukrainian = format!("{BASE_URL}/uk/viina/ppo-vtrymala-nebo-nad-kharkovom");
    assert!(sitemap.body.contains(&format!("<loc>{english}</loc>")));
    assert!(sitemap.body.contains(&format!("<loc>{ukrainian}</loc>")));
    // Each <url> of the pair lists both, reciprocally.
    for loc in [&english, &ukrainian] {
        let start = sitemap.body.find(&format!("<loc>{loc}</loc>")).unwrap();
        let entry = &sitemap.body[start..start + sitemap.body[start..].find("</url>").unwrap()];
        assert!(
            entry.contains(&format!(
                r#"<xhtml:link rel="alternate" hreflang="en" href="{english}"/>"#
            )),
            "{entry}"
        );
        assert!(
            entry.contains(&format!(
                r#"<xhtml:link rel="alternate" hreflang="uk" href="{ukrainian}"/>"#
            )),
            "{entry}"
        );
    }
}

#[tokio::test]
async fn a_missing_page_in_the_ukrainian_edition_is_answered_in_ukrainian() {
    let app = TestApp::init().await;
    let page = app.get("/uk/nothing-here/at-all").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(page.attrs("html", "lang"), ["uk"]);
}

#[tokio::test]
async fn publishing_a_translation_refreshes_the_cached_original() {
    let app = TestApp::init().await;
    let draft = draft_translation(&app).await;
    // Cached without alternates while the translation is a draft.
    let before = app.get("/war/grain-corridor-reopens").await;
    assert!(alternates(&before).is_empty());
    assert!(alternates(&app.get("/war/grain-corridor-reopens").await).is_empty());

    app.store
        .set_article_status(
            draft.id,
            gazette_core::ArticleStatus::Published,
            Some(days_ago(1)),
            common::now(),
        )
        .await
        .unwrap();
    app.settle().await;
    let after = app.get("/war/grain-corridor-reopens").await;
    let languages: Vec<String> = alternates(&after).into_iter().map(|(l, _)| l).collect();
    assert_eq!(languages, ["en", "uk", "x-default"]);
}

#[tokio::test]
async fn each_edition_searches_its_own_language() {
    let app = TestApp::init().await;
    story_in_two_languages(&app).await;
    // "Kharkiv" is in both headlines: each edition finds its own article.
    let uk = app
        .get("/uk/search?q=%D0%A5%D0%B0%D1%80%D0%BA%D0%BE%D0%B2%D0%BE%D0%BC")
        .await;
    assert_eq!(uk.status, StatusCode::OK);
    assert!(
        uk.attrs("main a", "href")
            .contains(&"/uk/viina/ppo-vtrymala-nebo-nad-kharkovom".to_owned()),
        "{:?}",
        uk.attrs("main a", "href")
    );
    let en = app.get("/search?q=Kharkiv").await;
    assert!(
        en.attrs("main a", "href")
            .contains(&"/war/air-defence-holds-over-kharkiv".to_owned())
    );
    assert!(!en.body.contains("ppo-vtrymala"));
    // The same words in the Ukrainian edition do not bring up the English story.
    let uk_latin = app.get("/uk/search?q=Kharkiv").await;
    assert!(!uk_latin.body.contains("air-defence-holds"));
}
