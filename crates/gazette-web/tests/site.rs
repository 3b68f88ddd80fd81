//! The public site as a reader meets it: every page, every part of the article page, redirects,
//! errors and the headers that protect readers.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::{BASE_URL, TestApp, days_ago, now, slug};
use gazette_core::ArticleStatus;

#[tokio::test]
async fn the_article_page_shows_every_part_in_reading_order() {
    let app = TestApp::init().await;
    let kharkiv = app.store.ensure_tag("Kharkiv").await.unwrap();
    let mut new = app.article("Air defence holds over Kharkiv");
    new.tag_ids = vec![kharkiv.id];
    new.author_ids = vec![app.olena, app.staff];
    new.published_at =
        Some(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2025, 3, 29, 9, 30, 0).unwrap());
    let article = app.publish(new).await;
    app.read(&article, 194).await;
    let long = app
        .publish_headline("The Ministry of Defence has signed a contract for a service centre that repairs drones near the front")
        .await;
    app.read(&long, 500).await;

    let page = app.get("/war/air-defence-holds-over-kharkiv").await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;

    // Masthead: name, tagline and the section menu, with this article's section marked current.
    assert!(page.text("header").contains("The Test Dispatch"));
    assert!(
        page.text("header")
            .contains("About past, present and future")
    );
    assert_eq!(page.texts("nav[aria-label=Sections] a"), ["War", "Culture"]);
    assert_eq!(
        page.attrs("nav[aria-label=Sections] a[aria-current=page]", "href"),
        ["/war"]
    );

    // Breadcrumb: Home › Section › Headline.
    assert_eq!(
        page.texts("nav[aria-label=Breadcrumb] li"),
        ["Home", "War", "Air defence holds over Kharkiv"]
    );

    // Section label, headline, date line with a machine-readable time, views, standfirst.
    assert_eq!(page.text("article .label"), "War");
    assert_eq!(page.texts("h1"), ["Air defence holds over Kharkiv"]);
    assert_eq!(page.text("article time"), "29 Mar, 2025");
    assert_eq!(
        page.attrs("article time", "datetime")[0],
        "2025-03-29T09:30:00Z"
    );
    assert!(
        page.text(".views").contains("194"),
        "{}",
        page.text(".views")
    );
    assert_eq!(
        page.text(".standfirst"),
        "What happened: Air defence holds over Kharkiv."
    );

    // Body: paragraphs, a quote and a pull quote.
    assert_eq!(page.count(".article__body blockquote"), 2);
    assert_eq!(
        page.text(".article__body blockquote.pullquote"),
        "The line held."
    );

    // Share bar: plain links to six services, no scripts.
    assert_eq!(page.text(".share h2"), "Share this article");
    let share = page.attrs(".share a", "href");
    for prefix in [
        "https://www.facebook.com/",
        "https://x.com/",
        "https://t.me/",
        "https://wa.me/",
        "https://www.linkedin.com/",
        "mailto:",
    ] {
        assert!(
            share.iter().any(|h| h.starts_with(prefix)),
            "no {prefix} link in {share:?}"
        );
    }
    assert!(share.iter().all(|h| !h.starts_with("https://")
        || h.contains("news.test%2Fwar%2Fair-defence-holds-over-kharkiv")));
    assert!(
        page.attrs("script[src]", "src")
            .iter()
            .all(|src| src.starts_with("/assets/")),
        "no third-party scripts"
    );

    // Author boxes, with links to the authors' pages.
    assert_eq!(
        page.texts(".author-box__name"),
        ["Olena Marchenko", "Dispatch Staff"]
    );
    assert!(
        page.attrs(".author-box a.more", "href")
            .contains(&"/authors/olena-marchenko".to_owned())
    );
    assert!(page.text(".author-box").contains("Reports from Kharkiv."));

    // Top articles: most read first, long headlines shortened on a word with "...".
    let top = page.texts("aside li");
    assert!(
        top[0].contains("The Ministry of Defence has signed a contract for a ..."),
        "{top:?}"
    );
    assert!(top[1].contains("Air defence holds over Kharkiv"), "{top:?}");
    // Numbered by the list itself (an `ol`), each under its section's label.
    assert_eq!(page.count("aside ol.ranked > li"), 2, "{top:?}");
    assert_eq!(page.texts("aside li .label"), ["War", "War"]);

    // Related: more from the section, not this article.
    let related = page.texts(".related h3");
    assert!(
        related
            .iter()
            .any(|h| h.starts_with("The Ministry of Defence")),
        "{related:?}"
    );
    assert!(
        !related
            .iter()
            .any(|h| h == "Air defence holds over Kharkiv")
    );

    // The parts come in the order of the reference page.
    let order = [
        "aria-label=\"Breadcrumb\"",
        "class=\"label\"",
        "<h1",
        "<time",
        "class=\"views\"",
        "class=\"standfirst\"",
        "pullquote",
        "Share this article",
        "author-box",
        "Top articles",
        "related",
    ];
    let positions: Vec<usize> = order
        .iter()
        .map(|m| body.find(m).unwrap_or_else(|| panic!("{m} missing")))
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "parts out of order: {positions:?}"
    );
    app.finish().await;
}

#[tokio::test]
async fn the_article_page_describes_itself_to_machines() {
    let app = TestApp::init().await;
    app.publish_headline("Grain corridor reopens").await;
    let page = app.get("/war/grain-corridor-reopens").await;
    assert_eq!(
        page.attrs("link[rel=canonical]", "href"),
        [format!("{BASE_URL}/war/grain-corridor-reopens")]
    );
    assert_eq!(
        page.attrs("meta[property='og:type']", "content"),
        ["article"]
    );
    let blocks: Vec<serde_json::Value> = page
        .texts("script[type='application/ld+json']")
        .iter()
        .map(|s| serde_json::from_str(s).expect("valid JSON-LD"))
        .collect();
    let news = blocks
        .iter()
        .find(|b| b["@type"] == "NewsArticle")
        .expect("NewsArticle");
    assert_eq!(news["headline"], "Grain corridor reopens");
    assert_eq!(news["author"][0]["name"], "Olena Marchenko");
    let crumbs = blocks
        .iter()
        .find(|b| b["@type"] == "BreadcrumbList")
        .expect("BreadcrumbList");
    assert_eq!(crumbs["itemListElement"][1]["name"], "War");
    assert_eq!(
        crumbs["itemListElement"][2]["item"],
        format!("{BASE_URL}/war/grain-corridor-reopens")
    );
    app.finish().await;
}

#[tokio::test]
async fn an_edit_after_publication_shows_updated_in_the_date_line() {
    let app = TestApp::init().await;
    let article = app.publish_headline("Bridge reopens in Kyv").await;
    let mut fixed = app.article("Bridge reopens in Kyiv");
    fixed.slug = None;
    app.store
        .update_article(article.id, fixed, now())
        .await
        .unwrap();
    let page = app.get("/war/bridge-reopens-in-kyv").await;
    assert_eq!(
        page.status,
        StatusCode::OK,
        "the address survives a corrected headline"
    );
    assert_eq!(page.texts("h1"), ["Bridge reopens in Kyiv"]);
    assert!(
        page.text(".dateline").contains("Updated 31 Mar, 2025"),
        "{}",
        page.text(".dateline")
    );
    app.finish().await;
}

#[tokio::test]
async fn an_old_slug_redirects_permanently_to_the_new_address() {
    let app = TestApp::init().await;
    let article = app.publish_headline("Old words").await;
    let mut renamed = app.article("Old words");
    renamed.slug = Some(slug("new-words"));
    renamed.section_id = app.culture;
    app.store
        .update_article(article.id, renamed, now())
        .await
        .unwrap();

    let old = app.get("/war/old-words").await;
    assert_eq!(old.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(old.header("location"), "/culture/new-words");
    let wrong_section = app.get("/war/new-words").await;
    assert_eq!(wrong_section.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(wrong_section.header("location"), "/culture/new-words");
    assert_eq!(app.get("/culture/new-words").await.status, StatusCode::OK);
    app.finish().await;
}

#[tokio::test]
async fn a_removed_article_answers_410_with_an_explanation() {
    let app = TestApp::init().await;
    let article = app.publish_headline("Withdrawn report").await;
    app.store
        .set_article_status(article.id, ArticleStatus::Unpublished, None, now())
        .await
        .unwrap();
    let page = app.get("/war/withdrawn-report").await;
    assert_eq!(page.status, StatusCode::GONE);
    assert_eq!(page.header("content-type"), "text/html; charset=utf-8");
    assert!(page.text("h1").contains("removed"), "{}", page.text("h1"));
    assert!(
        !page.body.contains("Withdrawn report"),
        "the removed text is not shown"
    );
    app.finish().await;
}

#[tokio::test]
async fn drafts_and_embargoed_articles_are_not_found() {
    let app = TestApp::init().await;
    let mut draft = app.article("Secret draft");
    draft.status = ArticleStatus::Draft;
    app.publish(draft).await;
    let mut embargoed = app.article("Embargoed story");
    embargoed.published_at = Some(now() + chrono::Duration::hours(1));
    app.publish(embargoed).await;
    assert_eq!(
        app.get("/war/secret-draft").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/war/embargoed-story").await.status,
        StatusCode::NOT_FOUND
    );
    let home = app.get("/").await;
    assert!(!home.body.contains("Secret draft") && !home.body.contains("Embargoed story"));
    app.finish().await;
}

#[tokio::test]
async fn unknown_addresses_get_a_themed_404_page() {
    let app = TestApp::init().await;
    for path in [
        "/no-such-section",
        "/war/no-such-article",
        "/tags/nothing",
        "/authors/nobody",
        "/pages/nothing",
        "/a/b/c",
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.text("h1").contains("not found"), "{path}");
        assert_eq!(
            page.texts("nav[aria-label=Sections] a"),
            ["War", "Culture"],
            "{path}: site menu on error pages"
        );
        assert_eq!(page.attrs("meta[name=robots]", "content"), ["noindex"]);
    }
    app.finish().await;
}

#[tokio::test]
async fn the_home_page_has_lead_top_stories_sections_latest_and_most_read() {
    let app = TestApp::init().await;
    let mut ids = Vec::new();
    for i in 1..=8 {
        let mut a = app.article(&format!("War story {i}"));
        a.published_at = Some(days_ago(20 - i));
        ids.push(app.publish(a).await);
    }
    let mut culture = app.article("Theatre season opens");
    culture.section_id = app.culture;
    culture.published_at = Some(days_ago(30));
    app.publish(culture).await;
    app.read(&ids[2], 900).await;

    let home = app.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert_eq!(
        home.text(".lead h2"),
        "War story 8",
        "the newest story leads"
    );
    assert_eq!(home.count(".top-stories article"), 4);
    let blocks = home.texts(".section-block h2");
    assert_eq!(blocks, ["War", "Culture"]);
    assert!(home.text("#latest-title").contains("Latest"));
    assert!(home.text("#most-read-title").contains("Most read"));
    let most_read = home.html();
    let most_read_block =
        scraper::Selector::parse("section[aria-labelledby=most-read-title] li").unwrap();
    let first = most_read
        .select(&most_read_block)
        .next()
        .expect("a most read entry");
    assert!(first.text().collect::<String>().contains("War story 3"));
    assert_eq!(home.texts("h1").len(), 1, "one h1 on the front page");
    app.finish().await;
}

#[tokio::test]
async fn an_empty_site_has_a_front_page_that_says_so() {
    let app = TestApp::init().await;
    let home = app.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(
        home.text("main").to_lowercase().contains("no"),
        "{}",
        home.text("main")
    );
    app.finish().await;
}

#[tokio::test]
async fn section_pages_are_paginated_with_prev_and_next_links() {
    let app = TestApp::init().await; // 3 per page
    for i in 1..=7 {
        let mut a = app.article(&format!("Report number {i}"));
        a.published_at = Some(days_ago(10 - i));
        app.publish(a).await;
    }
    let first = app.get("/war").await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.texts("h1"), ["War"]);
    assert_eq!(first.count("main article"), 3);
    assert_eq!(
        first.attrs("link[rel=next]", "href"),
        [format!("{BASE_URL}/war?page=2")]
    );
    assert!(first.attrs("link[rel=prev]", "href").is_empty());

    let second = app.get("/war?page=2").await;
    assert_eq!(
        second.attrs("link[rel=prev]", "href"),
        [format!("{BASE_URL}/war")]
    );
    assert_eq!(
        second.attrs("link[rel=canonical]", "href"),
        [format!("{BASE_URL}/war?page=2")]
    );
    assert_eq!(
        second
            .attrs("nav[aria-label=Pagination] [aria-current=page]", "href")
            .len(),
        1
    );

    let last = app.get("/war?page=3").await;
    assert_eq!(last.count("main article"), 1);
    assert!(last.attrs("link[rel=next]", "href").is_empty());
    assert_eq!(app.get("/war?page=4").await.status, StatusCode::NOT_FOUND);
    app.finish().await;
}

#[tokio::test]
async fn a_page_number_that_is_not_a_number_is_a_clear_400() {
    let app = TestApp::init().await;
    for query in ["?page=abc", "?page=0", "?page=-1", "?page=99999999999"] {
        let page = app.get(&format!("/war{query}")).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(page.text("main").contains("page number"), "{query}");
    }
    // Refused at the edge, before the page number is read.
    let nul = app.get("/war?page=%00").await;
    assert_eq!(nul.status, StatusCode::BAD_REQUEST);
    assert!(nul.text("main").contains("control character"));
    app.finish().await;
}

#[tokio::test]
async fn tag_and_author_pages_list_their_articles() {
    let app = TestApp::init().await;
    let drones = app.store.ensure_tag("Drones").await.unwrap();
    let mut tagged = app.article("Drone makers expand");
    tagged.tag_ids = vec![drones.id];
    tagged.author_ids = vec![app.staff];
    app.publish(tagged).await;
    app.publish_headline("Untagged story").await;

    let tag = app.get("/tags/drones").await;
    assert_eq!(tag.status, StatusCode::OK);
    assert_eq!(tag.texts("h1"), ["Drones"]);
    assert_eq!(
        tag.texts("main article h2, main article h3"),
        ["Drone makers expand"]
    );

    let author = app.get("/authors/olena-marchenko").await;
    assert_eq!(author.texts("h1"), ["Olena Marchenko"]);
    assert!(author.text("main").contains("Reports from Kharkiv."));
    assert_eq!(
        author.texts("main article h2, main article h3"),
        ["Untagged story"]
    );
    app.finish().await;
}

#[tokio::test]
async fn search_finds_articles_and_says_when_nothing_matched() {
    let app = TestApp::init().await;
    app.publish_headline("Odesa port ships record grain").await;
    app.publish_headline("Kharkiv metro reopens").await;
    let found = app.get("/search?q=grain+odesa").await;
    assert_eq!(found.status, StatusCode::OK);
    assert_eq!(
        found.texts("main article h2, main article h3"),
        ["Odesa port ships record grain"]
    );
    assert_eq!(found.attrs("input[name=q]", "value"), ["grain odesa"]);
    assert_eq!(found.attrs("meta[name=robots]", "content"), ["noindex"]);

    let nothing = app.get("/search?q=zzzz").await;
    assert_eq!(nothing.status, StatusCode::OK);
    assert_eq!(nothing.count("main article"), 0);
    assert!(
        nothing.text("main").contains("Nothing matched"),
        "{}",
        nothing.text("main")
    );

    let empty = app.get("/search").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert_eq!(
        empty.count("main article"),
        0,
        "no query, no list of everything"
    );
    app.finish().await;
}

#[tokio::test]
async fn hostile_text_is_escaped_wherever_it_appears() {
    let app = TestApp::init().await;
    let mut evil = app.article("<script>alert('x')</script> & <img src=x onerror=alert(1)>");
    evil.standfirst = "\"><svg onload=alert(2)>".into();
    evil.body_markdown =
        "<script>alert(3)</script>\n\n<a href=\"javascript:alert(4)\">click</a>".into();
    let article = app.publish(evil).await;
    let path = format!("/war/{}", article.slug);
    for page in [
        app.get(&path).await,
        app.get("/").await,
        app.get("/war").await,
    ] {
        assert!(!page.body.contains("<script>alert"), "script tag leaked");
        assert!(!page.body.contains("<img src=x"), "img tag leaked");
        assert!(!page.body.contains("<svg onload"), "svg leaked");
        assert!(
            !page.body.contains("javascript:alert"),
            "javascript URL leaked"
        );
    }
    let page = app.get(&path).await;
    assert_eq!(
        page.texts("h1"),
        ["<script>alert('x')</script> & <img src=x onerror=alert(1)>"],
        "shown as text"
    );
    let reflected = app.get("/search?q=%3Cscript%3Ealert(5)%3C/script%3E").await;
    assert!(!reflected.body.contains("<script>alert(5)"));
    assert_eq!(
        reflected.attrs("input[name=q]", "value"),
        ["<script>alert(5)</script>"]
    );
    app.finish().await;
}

#[tokio::test]
async fn static_pages_render_their_markdown() {
    let app = TestApp::init().await;
    app.store
        .put_page(&gazette_core::StaticPage {
            slug: slug("about"),
            title: "About us".into(),
            body_markdown: "We are **independent**.".into(),
            body_html: String::new(),
        })
        .await
        .unwrap();
    let page = app.get("/pages/about").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.texts("h1"), ["About us"]);
    assert_eq!(page.text("main strong"), "independent");
    assert!(
        app.get("/")
            .await
            .attrs("footer a", "href")
            .contains(&"/pages/about".to_owned())
    );
    app.finish().await;
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::init().await;
    app.publish_headline("Headers").await;
    let css = app.get("/").await.attrs("link[rel=stylesheet]", "href")[0].clone();
    for path in ["/", "/war/headers", "/nope", "/healthz", css.as_str()] {
        let page = app.get(path).await;
        let csp = page.header("content-security-policy");
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{path}: {csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
        assert_eq!(page.header("x-content-type-options"), "nosniff", "{path}");
        assert!(!page.header("referrer-policy").is_empty(), "{path}");
        assert!(!page.header("permissions-policy").is_empty(), "{path}");
    }
    app.finish().await;
}

#[tokio::test]
async fn assets_have_hashed_names_and_a_year_of_cache() {
    let app = TestApp::init().await;
    let home = app.get("/").await;
    let css = &home.attrs("link[rel=stylesheet]", "href")[0];
    let response = app.get(css).await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.header("content-type"), "text/css; charset=utf-8");
    assert_eq!(
        response.header("cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(
        app.get("/assets/style.css").await.status,
        StatusCode::NOT_FOUND
    );
    app.finish().await;
}

#[tokio::test]
async fn the_article_page_is_light() {
    let app = TestApp::init().await;
    let mut long = app.article("A long read");
    long.body_markdown = "A paragraph of ordinary length for a news story, about forty words long, which is what most paragraphs in a real report look like when an editor has finished with them and the copy desk has checked every name.\n\n".repeat(25);
    app.publish(long).await;
    let page = app.get("/war/a-long-read").await;
    let css = app
        .get(&page.attrs("link[rel=stylesheet]", "href")[0])
        .await;
    let weight = page.body.len() + css.body.len();
    assert!(weight < 60_000, "article page HTML+CSS is {weight} bytes");
    app.finish().await;
}

#[tokio::test]
async fn health_answers_503_when_the_database_is_gone() {
    let app = TestApp::init().await;
    assert_eq!(app.get("/healthz").await.status, StatusCode::OK);
    app.store.close().await;
    let health = app.get("/healthz").await;
    assert_eq!(health.status, StatusCode::SERVICE_UNAVAILABLE);
    let page = app.get("/war").await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(page.header("retry-after"), "30");
    assert!(
        page.text("h1").contains("unavailable"),
        "{}",
        page.text("h1")
    );
    app.finish().await;
}

#[tokio::test]
async fn pages_are_compressed_for_browsers_that_ask() {
    let app = TestApp::init().await;
    let request = axum::http::Request::get("/")
        .header("accept-encoding", "br, gzip")
        .body(axum::body::Body::empty())
        .unwrap();
    let response = app.request(request).await;
    assert_eq!(response.header("content-encoding"), "br");
    app.finish().await;
}
