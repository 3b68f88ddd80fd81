//! Feeds: RSS, Atom and JSON Feed for the site, sections, tags and authors.

use super::*;

pub(crate) async fn newsroom_with_articles(app: &TestApp) {
    let kharkiv = app.store.ensure_tag("Kharkiv").await.unwrap();
    let mut a = app.article("Air defence holds over Kharkiv");
    a.tag_ids = vec![kharkiv.id];
    a.body_markdown =
        "Paragraph with <b>bold</b> & \"quotes\" <script>alert(1)</script>.\n\n> A quote.".into();
    a.published_at = Some(days_ago(3));
    app.publish(a).await;
    let mut b = app.article("Theatre season opens");
    b.section_id = app.culture;
    b.author_ids = vec![app.staff];
    b.published_at = Some(days_ago(1));
    app.publish(b).await;
}

#[tokio::test]
async fn every_feed_parses_in_every_format() {
    let app = TestApp::init().await;
    newsroom_with_articles(&app).await;
    for (folder, expected) in [
        (
            "/feeds",
            vec!["Theatre season opens", "Air defence holds over Kharkiv"],
        ),
        (
            "/feeds/sections/war",
            vec!["Air defence holds over Kharkiv"],
        ),
        ("/feeds/sections/culture", vec!["Theatre season opens"]),
        (
            "/feeds/tags/kharkiv",
            vec!["Air defence holds over Kharkiv"],
        ),
        (
            "/feeds/authors/olena-marchenko",
            vec!["Air defence holds over Kharkiv"],
        ),
        ("/feeds/authors/staff", vec!["Theatre season opens"]),
    ] {
        for (file, content_type) in [
            ("rss.xml", "application/rss+xml"),
            ("atom.xml", "application/atom+xml"),
            ("feed.json", "application/feed+json"),
        ] {
            let path = format!("{folder}/{file}");
            let response = app.get(&path).await;
            assert_eq!(response.status, StatusCode::OK, "{path}");
            assert!(
                response.header("content-type").starts_with(content_type),
                "{path}"
            );
            let feed = feed_rs::parser::parse(response.body.as_bytes())
                .unwrap_or_else(|e| panic!("{path} does not parse: {e}"));
            let titles: Vec<String> = feed
                .entries
                .iter()
                .map(|e| e.title.as_ref().unwrap().content.clone())
                .collect();
            assert_eq!(titles, expected, "{path}");
            let entry = &feed.entries[0];
            assert!(
                entry.links[0].href.starts_with(&format!("{BASE_URL}/")),
                "{path}: absolute links"
            );
            assert!(entry.published.is_some(), "{path}: publication date");
            assert!(!entry.authors.is_empty(), "{path}: bylines");
        }
    }
    app.finish().await;
}

#[tokio::test]
async fn feeds_carry_the_whole_article_escaped_or_only_the_summary() {
    let app = TestApp::init().await;
    newsroom_with_articles(&app).await;
    let rss = app.get("/feeds/sections/war/rss.xml").await;
    let feed = feed_rs::parser::parse(rss.body.as_bytes()).unwrap();
    let body = feed.entries[0]
        .content
        .as_ref()
        .and_then(|c| c.body.clone())
        .unwrap();
    assert!(body.contains("<blockquote>"), "{body}");
    assert!(body.contains("<b>bold</b> &amp;"), "{body}");
    assert!(
        !body.contains("<script"),
        "feeds carry the sanitised body: {body}"
    );
    assert_eq!(
        feed.entries[0].summary.as_ref().unwrap().content,
        "What happened: Air defence holds over Kharkiv."
    );
    let categories: Vec<&str> = feed.entries[0]
        .categories
        .iter()
        .map(|c| c.term.as_str())
        .collect();
    assert_eq!(categories, ["War", "Kharkiv"]);

    let summary_only = TestApp::init().await;
    let state = summary_only
        .state
        .clone()
        .with_feed_options(gazette_web::feeds::FeedOptions {
            content: gazette_web::feeds::FeedContent::Summary,
            ..Default::default()
        });
    newsroom_with_articles(&summary_only).await;
    let router = gazette_web::router(state);
    let response = tower::ServiceExt::oneshot(
        router,
        Request::get("/feeds/feed.json")
            .body(Body::empty())
            .unwrap(),
    )
    .await
    .unwrap();
    let bytes = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes();
    let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(json["version"], "https://jsonfeed.org/version/1.1");
    assert!(json["items"][0].get("content_html").is_none());
    assert_eq!(
        json["items"][0]["content_text"],
        "What happened: Theatre season opens."
    );
    summary_only.finish().await;
    app.finish().await;
}

#[tokio::test]
async fn feeds_and_sitemaps_answer_304_when_the_reader_already_has_them() {
    let app = TestApp::init().await;
    newsroom_with_articles(&app).await;
    for path in [
        "/feeds/rss.xml",
        "/feeds/atom.xml",
        "/feeds/feed.json",
        "/sitemap.xml",
        "/sitemaps/articles/1.xml",
        "/sitemaps/news.xml",
    ] {
        let first = app.get(path).await;
        let etag = first.header("etag").to_owned();
        let modified = first.header("last-modified").to_owned();
        assert!(etag.starts_with('"'), "{path}: {etag}");
        assert_eq!(
            modified, "Sun, 30 Mar 2025 12:00:00 GMT",
            "{path}: newest update"
        );
        let again = app
            .request(
                Request::get(path)
                    .header("if-none-match", &etag)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{path}");
        assert!(again.body.is_empty());
        let since = app
            .request(
                Request::get(path)
                    .header("if-modified-since", &modified)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(since.status, StatusCode::NOT_MODIFIED, "{path}");
        let stale = app
            .request(
                Request::get(path)
                    .header("if-none-match", "\"something-else\"")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(stale.status, StatusCode::OK, "{path}");
    }
    // A new article changes the feed: the old ETag no longer matches.
    let before = app.get("/feeds/rss.xml").await.header("etag").to_owned();
    app.publish_headline("Fresh news").await;
    let after = app
        .request(
            Request::get("/feeds/rss.xml")
                .header("if-none-match", &before)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(after.status, StatusCode::OK);
    app.finish().await;
}

#[tokio::test]
async fn unknown_feeds_are_not_found() {
    let app = TestApp::init().await;
    for path in [
        "/feeds/rss.html",
        "/feeds/sections/nope/rss.xml",
        "/feeds/planets/mars/rss.xml",
        "/feeds/tags/nope/atom.xml",
        "/sitemaps/articles/0.xml",
        "/sitemaps/articles/abc",
        "/sitemaps/articles/99.xml",
    ] {
        assert_eq!(app.get(path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    app.finish().await;
}

#[tokio::test]
async fn pages_announce_their_feeds_in_the_head() {
    let app = TestApp::init().await;
    newsroom_with_articles(&app).await;
    let home = app.get("/").await;
    assert_eq!(
        home.attrs("link[rel=alternate][type]", "href"),
        ["/feeds/rss.xml", "/feeds/atom.xml", "/feeds/feed.json"]
    );
    assert_eq!(
        home.attrs("link[rel=alternate][type]", "type"),
        [
            "application/rss+xml",
            "application/atom+xml",
            "application/feed+json"
        ]
    );
    let section = app.get("/war").await;
    assert!(
        section
            .attrs("link[rel=alternate][type]", "href")
            .contains(&"/feeds/sections/war/atom.xml".to_owned())
    );
    let tag = app.get("/tags/kharkiv").await;
    assert!(
        tag.attrs("link[rel=alternate][type]", "href")
            .contains(&"/feeds/tags/kharkiv/rss.xml".to_owned())
    );
    let author = app.get("/authors/staff").await;
    assert!(
        author
            .attrs("link[rel=alternate][type]", "href")
            .contains(&"/feeds/authors/staff/feed.json".to_owned())
    );
    let article = app.get("/war/air-defence-holds-over-kharkiv").await;
    assert!(
        article
            .attrs("link[rel=alternate][type]", "href")
            .contains(&"/feeds/sections/war/rss.xml".to_owned())
    );
    app.finish().await;
}
