//! Sitemaps, robots.txt and the metadata pages carry for search engines and social sites.

use super::*;
use crate::feeds::newsroom_with_articles;

#[tokio::test]
async fn the_sitemap_index_lists_files_of_at_most_the_configured_size() {
    let app = TestApp::init().await;
    for day in 1..=7 {
        let mut a = app.article(&format!("Report number {day}"));
        a.published_at = Some(days_ago(20 - day));
        app.publish(a).await;
    }
    let mut draft = app.article("Unpublished draft");
    draft.status = ArticleStatus::Draft;
    app.publish(draft).await;

    let index = app.get("/sitemap.xml").await;
    assert_eq!(index.status, StatusCode::OK);
    assert!(index.header("content-type").starts_with("application/xml"));
    assert!(
        index
            .body
            .contains("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">")
    );
    let files = xml_values(&index.body, "loc");
    assert_eq!(
        files,
        [
            format!("{BASE_URL}/sitemaps/pages.xml"),
            format!("{BASE_URL}/sitemaps/articles/1.xml"),
            format!("{BASE_URL}/sitemaps/articles/2.xml"),
            format!("{BASE_URL}/sitemaps/articles/3.xml"),
            format!("{BASE_URL}/sitemaps/news.xml"),
        ]
    );
    let mut all = Vec::new();
    for n in 1..=3 {
        let file = app.get(&format!("/sitemaps/articles/{n}.xml")).await;
        let locs = xml_values(&file.body, "loc");
        assert!(locs.len() <= 3, "at most 3 per file in tests");
        let lastmods = xml_values(&file.body, "lastmod");
        assert_eq!(lastmods.len(), locs.len());
        all.extend(locs);
    }
    assert_eq!(all.len(), 7, "every published article once, no draft");
    assert_eq!(all[0], format!("{BASE_URL}/war/report-number-1"));
    let first = app.get("/sitemaps/articles/1.xml").await;
    assert_eq!(
        xml_values(&first.body, "lastmod")[0],
        "2025-03-12T12:00:00Z",
        "lastmod is the publication time when never updated"
    );
    let pages = app.get("/sitemaps/pages.xml").await;
    let locs = xml_values(&pages.body, "loc");
    assert!(locs.contains(&format!("{BASE_URL}/")));
    assert!(locs.contains(&format!("{BASE_URL}/culture")));
    assert!(locs.contains(&format!("{BASE_URL}/authors/olena-marchenko")));
    app.finish().await;
}

#[tokio::test]
async fn an_update_moves_the_lastmod_of_the_article_and_its_sitemap_file() {
    let app = TestApp::init().await;
    let article = app.publish_headline("Casualty figures").await;
    let mut fixed = app.article("Casualty figures");
    fixed.updated_at = Some(now() - chrono::Duration::hours(1));
    app.store
        .update_article(article.id, fixed, now())
        .await
        .unwrap();
    let file = app.get("/sitemaps/articles/1.xml").await;
    assert_eq!(xml_values(&file.body, "lastmod"), ["2025-03-31T11:00:00Z"]);
    let index = app.get("/sitemap.xml").await;
    assert!(xml_values(&index.body, "lastmod").contains(&"2025-03-31T11:00:00Z".to_owned()));
    app.finish().await;
}

#[tokio::test]
async fn the_news_sitemap_lists_the_last_48_hours_for_google_news() {
    let app = TestApp::init().await;
    let mut old = app.article("Last week's story");
    old.published_at = Some(days_ago(7));
    app.publish(old).await;
    let mut fresh = app.article("Today's story & more");
    fresh.published_at = Some(now() - chrono::Duration::hours(3));
    app.publish(fresh).await;

    let news = app.get("/sitemaps/news.xml").await;
    assert!(
        news.body
            .contains("xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\"")
    );
    assert_eq!(
        xml_values(&news.body, "news:title"),
        ["Today's story & more"]
    );
    assert_eq!(xml_values(&news.body, "news:name"), ["The Test Dispatch"]);
    assert_eq!(xml_values(&news.body, "news:language"), ["en"]);
    assert_eq!(
        xml_values(&news.body, "news:publication_date"),
        ["2025-03-31T09:00:00Z"]
    );
    app.finish().await;
}

#[tokio::test]
async fn robots_txt_points_crawlers_at_the_sitemaps() {
    let app = TestApp::init().await;
    let robots = app.get("/robots.txt").await;
    assert_eq!(robots.status, StatusCode::OK);
    assert!(robots.header("content-type").starts_with("text/plain"));
    let lines: Vec<&str> = robots.body.lines().collect();
    assert!(lines.contains(&"User-agent: *"));
    assert!(lines.contains(&"Disallow: /newsroom/"));
    assert!(lines.contains(&"Disallow: /search"));
    assert!(lines.contains(&format!("Sitemap: {BASE_URL}/sitemap.xml").as_str()));
    assert!(lines.contains(&format!("Sitemap: {BASE_URL}/sitemaps/news.xml").as_str()));
    app.finish().await;
}

#[tokio::test]
async fn the_article_page_carries_opengraph_twitter_and_news_article_metadata() {
    let app = TestApp::init().await;
    newsroom_with_articles(&app).await;
    let page = app.get("/war/air-defence-holds-over-kharkiv").await;
    let meta = |property: &str| page.attrs(&format!("meta[property='{property}']"), "content");
    let named = |name: &str| page.attrs(&format!("meta[name='{name}']"), "content");

    assert_eq!(
        page.text("title"),
        "Air defence holds over Kharkiv | The Test Dispatch"
    );
    assert_eq!(
        named("description"),
        ["What happened: Air defence holds over Kharkiv."]
    );
    assert_eq!(
        page.attrs("link[rel=canonical]", "href"),
        [format!("{BASE_URL}/war/air-defence-holds-over-kharkiv")]
    );
    assert_eq!(meta("og:type"), ["article"]);
    assert_eq!(
        meta("og:url"),
        [format!("{BASE_URL}/war/air-defence-holds-over-kharkiv")]
    );
    assert_eq!(meta("article:published_time"), ["2025-03-28T12:00:00Z"]);
    assert_eq!(meta("article:modified_time"), ["2025-03-28T12:00:00Z"]);
    assert_eq!(meta("article:section"), ["War"]);
    assert_eq!(meta("article:tag"), ["Kharkiv"]);
    assert_eq!(
        meta("article:author"),
        [format!("{BASE_URL}/authors/olena-marchenko")]
    );
    assert_eq!(named("twitter:card"), ["summary"]);
    assert_eq!(
        named("twitter:title"),
        ["Air defence holds over Kharkiv | The Test Dispatch"]
    );

    let blocks = json_ld(&page);
    let news = blocks.iter().find(|b| b["@type"] == "NewsArticle").unwrap();
    assert_eq!(news["headline"], "Air defence holds over Kharkiv");
    assert_eq!(news["datePublished"], "2025-03-28T12:00:00Z");
    assert_eq!(news["dateModified"], "2025-03-28T12:00:00Z");
    assert_eq!(news["author"][0]["@type"], "Person");
    assert_eq!(news["author"][0]["name"], "Olena Marchenko");
    assert_eq!(
        news["author"][0]["url"],
        format!("{BASE_URL}/authors/olena-marchenko")
    );
    assert_eq!(news["publisher"]["name"], "The Test Dispatch");
    assert!(
        news["publisher"]["@type"]
            .as_str()
            .unwrap()
            .ends_with("Organization")
    );
    assert!(
        news["publisher"]["logo"]["url"]
            .as_str()
            .unwrap()
            .starts_with(BASE_URL)
    );
    assert_eq!(news["articleSection"], "War");
    assert_eq!(news["keywords"], serde_json::json!(["Kharkiv"]));
    assert_eq!(news["isAccessibleForFree"], true);
    assert_eq!(news["inLanguage"], "en");
    assert!(blocks.iter().any(|b| b["@type"] == "BreadcrumbList"));
    app.finish().await;
}

#[tokio::test]
async fn list_pages_have_a_breadcrumb_and_the_home_page_a_site_search_action() {
    let app = TestApp::init().await;
    newsroom_with_articles(&app).await;
    let section = app.get("/war").await;
    let crumbs = json_ld(&section)
        .into_iter()
        .find(|b| b["@type"] == "BreadcrumbList")
        .unwrap();
    assert_eq!(crumbs["itemListElement"][0]["item"], format!("{BASE_URL}/"));
    assert_eq!(crumbs["itemListElement"][1]["name"], "War");
    assert_eq!(
        crumbs["itemListElement"][1]["item"],
        format!("{BASE_URL}/war")
    );

    let home = app.get("/").await;
    let site = json_ld(&home)
        .into_iter()
        .find(|b| b["@type"] == "WebSite")
        .unwrap();
    assert_eq!(site["url"], format!("{BASE_URL}/"));
    assert_eq!(site["potentialAction"]["@type"], "SearchAction");
    assert_eq!(
        site["potentialAction"]["target"],
        format!("{BASE_URL}/search?q={{search_term_string}}")
    );
    app.finish().await;
}
