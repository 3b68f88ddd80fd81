//! How readers and machines find the news: site search, feeds, sitemaps, robots.txt and the
//! metadata in every page.

#![allow(clippy::unwrap_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{BASE_URL, TestApp, days_ago, now};
use gazette_core::{ArticleStatus, Language};

/// Every value of `<tag>` in an XML document, failing the test if the document is not
/// well-formed XML.
fn xml_values(body: &str, tag: &str) -> Vec<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(body);
    reader.config_mut().check_end_names = true;
    let mut values = Vec::new();
    let mut current: Option<String> = None;
    let mut depth = 0usize;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                depth += 1;
                current = (e.name().as_ref() == tag.as_bytes()).then(String::new);
            }
            Ok(Event::End(_)) => {
                depth = depth.checked_sub(1).expect("balanced tags");
                values.extend(current.take());
            }
            Ok(Event::Text(t)) => {
                if let Some(text) = current.as_mut() {
                    text.push_str(&t.decode().expect("UTF-8"));
                }
            }
            Ok(Event::GeneralRef(r)) => {
                let name = r.decode().expect("UTF-8");
                let resolved = quick_xml::escape::resolve_predefined_entity(&name)
                    .unwrap_or_else(|| panic!("unknown entity &{name};"));
                if let Some(text) = current.as_mut() {
                    text.push_str(resolved);
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("not well-formed XML: {e}\n{body}"),
        }
    }
    assert_eq!(depth, 0, "every element is closed");
    values
}

fn json_ld(page: &common::TestResponse) -> Vec<serde_json::Value> {
    page.texts("script[type='application/ld+json']")
        .iter()
        .map(|s| serde_json::from_str(s).expect("valid JSON-LD"))
        .collect()
}

// ------------------------------------------------------------------------------------ search

#[tokio::test]
async fn search_highlights_the_words_found_and_keeps_the_query_in_the_form() {
    let app = TestApp::init().await;
    let mut a = app.article("Grain corridor reopens");
    a.body_markdown = "Ships left Odesa at dawn carrying grain for Egypt and Kenya.".into();
    app.publish(a).await;
    app.publish_headline("Metro reopens in Kharkiv").await;

    let page = app.get("/search?q=odesa+grain").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.texts(".search-result h2"), ["Grain corridor reopens"]);
    assert_eq!(page.texts(".search-result h2 mark"), ["Grain"]);
    let snippet = page.text(".search-result__snippet");
    assert!(snippet.contains("Ships left Odesa"), "{snippet}");
    assert_eq!(
        page.texts(".search-result__snippet mark"),
        ["Odesa", "grain"]
    );
    assert_eq!(page.text(".result-count"), "1 result for “odesa grain”");
    assert_eq!(page.attrs("input[name=q]", "value"), ["odesa grain"]);
    assert_eq!(page.attrs("meta[name=robots]", "content"), ["noindex"]);
    app.finish().await;
}

#[tokio::test]
async fn search_finds_ukrainian_words_with_either_apostrophe_and_names_in_any_spelling() {
    let app = TestApp::init().await;
    let mut uk = app.article("П’ять шкіл відновили навчання");
    uk.language = Language::Uk;
    uk.body_markdown = "У Києві після ремонту.".into();
    app.publish(uk).await;
    app.publish_headline("Kyiv metro runs all night").await;

    let page = app.get("/search?q=%D0%BF%27%D1%8F%D1%82%D1%8C").await; // п'ять
    assert_eq!(
        page.texts(".search-result h2"),
        ["П’ять шкіл відновили навчання"]
    );
    let page = app.get("/search?q=Kiev").await;
    assert_eq!(
        page.texts(".search-result h2"),
        ["Kyiv metro runs all night"]
    );
    // The language filter leaves out what is not in that language: the same word finds the
    // English article without it and nothing in Ukrainian ("у Києві" is inflected, and the
    // Ukrainian analysis does not fold it to "київ"), while a Ukrainian word is found there.
    let page = app.get("/search?q=kyiv&lang=uk").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.texts(".search-result h2"), Vec::<String>::new());
    let page = app.get("/search?q=%D1%88%D0%BA%D1%96%D0%BB&lang=uk").await; // шкіл
    assert_eq!(
        page.texts(".search-result h2"),
        ["П’ять шкіл відновили навчання"]
    );
    let page = app.get("/search?q=%D1%88%D0%BA%D1%96%D0%BB&lang=en").await;
    assert_eq!(page.texts(".search-result h2"), Vec::<String>::new());
    app.finish().await;
}

#[tokio::test]
async fn search_filters_by_section_author_language_and_dates_and_sorts_by_date() {
    let app = TestApp::init().await;
    let mut old = app.article("Drone attack on Kharkiv");
    old.published_at = Some(days_ago(30));
    app.publish(old).await;
    let mut culture = app.article("Kharkiv drone exhibition");
    culture.section_id = app.culture;
    culture.author_ids = vec![app.staff];
    culture.published_at = Some(days_ago(2));
    app.publish(culture).await;

    let headlines = |page: &common::TestResponse| page.texts(".search-result h2");
    let by_section = app.get("/search?q=drone&section=culture").await;
    assert_eq!(headlines(&by_section), ["Kharkiv drone exhibition"]);
    assert_eq!(
        by_section.attrs("select[name=section] option[selected]", "value"),
        ["culture"]
    );
    let by_author = app.get("/search?q=drone&author=staff").await;
    assert_eq!(headlines(&by_author), ["Kharkiv drone exhibition"]);
    let recent = app.get("/search?q=drone&from=2025-03-20").await;
    assert_eq!(headlines(&recent), ["Kharkiv drone exhibition"]);
    let older = app.get("/search?q=drone&to=2025-03-20").await;
    assert_eq!(headlines(&older), ["Drone attack on Kharkiv"]);
    let newest = app.get("/search?q=drone&sort=newest").await;
    assert_eq!(
        headlines(&newest),
        ["Kharkiv drone exhibition", "Drone attack on Kharkiv"]
    );
    let nothing = app.get("/search?q=drone&lang=uk").await;
    assert_eq!(nothing.status, StatusCode::OK);
    assert!(nothing.text("main").contains("with these filters"));
    assert_eq!(
        nothing.attrs(".empty a", "href"),
        ["/search?q=drone"],
        "one click removes the filters"
    );
    app.finish().await;
}

/// The same site answered as while its search index is first being built: the router on an
/// index that still needs its rebuild, so `/search` falls back to the database.
async fn get_before_the_index_is_built(app: &TestApp, path: &str) -> common::TestResponse {
    use tower::ServiceExt;
    let dir = tempfile::tempdir().unwrap();
    let index = gazette_search::SearchIndex::open(dir.path()).unwrap();
    assert!(index.needs_rebuild());
    let mut state = app.state.clone();
    state.search = Some(std::sync::Arc::new(index));
    let response = gazette_web::router(state)
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes();
    common::TestResponse {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

#[tokio::test]
async fn before_the_index_is_built_search_keeps_the_date_filters_and_says_the_order_is_by_date() {
    let app = TestApp::init().await;
    for (headline, published) in [
        ("Drone attack on Kharkiv", days_ago(30)),     // 1 March
        ("Drone factory opens in Lviv", days_ago(10)), // 21 March, noon
        ("Drone strike on Sumy", days_ago(2)),         // 29 March
    ] {
        let mut a = app.article(headline);
        a.published_at = Some(published);
        app.publish(a).await;
    }
    app.publish_headline("Metro reopens").await;

    let headlines = |page: &common::TestResponse| page.texts(".search-result h2");
    let from = get_before_the_index_is_built(&app, "/search?q=drone&from=2025-03-21").await;
    assert_eq!(from.status, StatusCode::OK);
    assert_eq!(
        headlines(&from),
        ["Drone strike on Sumy", "Drone factory opens in Lviv"]
    );
    assert_eq!(from.text(".result-count"), "2 results for “drone”");
    assert_eq!(
        from.text(".search-note"),
        "Results are in date order, newest first, while the search index is being built."
    );
    let to = get_before_the_index_is_built(&app, "/search?q=drone&to=2025-03-21").await;
    assert_eq!(
        headlines(&to),
        ["Drone factory opens in Lviv", "Drone attack on Kharkiv"],
        "the end date counts the whole day"
    );
    let one_day = get_before_the_index_is_built(
        &app,
        "/search?q=drone&from=2025-03-21&to=2025-03-21&sort=newest",
    )
    .await;
    assert_eq!(headlines(&one_day), ["Drone factory opens in Lviv"]);
    assert_eq!(
        one_day.count(".search-note"),
        0,
        "newest first was asked for, so there is nothing to explain"
    );
    let none = get_before_the_index_is_built(&app, "/search?q=drone&from=2025-03-30").await;
    assert!(none.text("main").contains("with these filters"));

    // The index, once built, agrees on what the dates let through and says nothing about order.
    let indexed = app.get("/search?q=drone&from=2025-03-21&sort=newest").await;
    assert_eq!(headlines(&indexed), headlines(&from));
    assert_eq!(indexed.count(".search-note"), 0);
    app.finish().await;
}

#[tokio::test]
async fn search_results_are_paginated_and_keep_their_filters() {
    let app = TestApp::init().await;
    for i in 1..=5 {
        let mut a = app.article(&format!("Energy report {i}"));
        a.published_at = Some(days_ago(i));
        app.publish(a).await;
    }
    let first = app.get("/search?q=energy&sort=newest").await;
    assert_eq!(first.count(".search-result"), 3);
    assert_eq!(first.text(".result-count"), "5 results for “energy”");
    assert_eq!(
        first.attrs("a[rel=next]", "href"),
        ["/search?q=energy&sort=newest&page=2"]
    );
    let second = app.get("/search?q=energy&sort=newest&page=2").await;
    assert_eq!(
        second.texts(".search-result h2"),
        ["Energy report 4", "Energy report 5"]
    );
    assert_eq!(
        app.get("/search?q=energy&page=3").await.status,
        StatusCode::NOT_FOUND
    );
    app.finish().await;
}

#[tokio::test]
async fn a_search_matching_more_than_a_thousand_articles_says_so_and_still_pages_on() {
    let app = TestApp::init().await;
    let articles: Vec<_> = (0..1_005)
        .map(|n| {
            let mut a = app.article(&format!("Flood warning {n}"));
            a.slug = Some(common::slug(&format!("flood-{n}")));
            a
        })
        .collect();
    app.store.import_articles(&articles, now()).await.unwrap();
    let index = app.state.search.clone().unwrap();
    index.rebuild(app.store.as_ref(), |_, _| {}).await.unwrap();

    let page = app.get("/search?q=flood").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.text(".result-count"),
        "More than 1,000 results for “flood”"
    );
    assert_eq!(
        page.attrs("a[rel=next]", "href"),
        ["/search?q=flood&page=2"]
    );
    // Past the thousand counted (3 a page here), pages lead on while there are more.
    let deep = app.get("/search?q=flood&page=334").await;
    assert_eq!(deep.count(".search-result"), 3);
    assert_eq!(
        deep.attrs("a[rel=next]", "href"),
        ["/search?q=flood&page=335"]
    );
    let last = app.get("/search?q=flood&page=335").await;
    assert_eq!(last.count(".search-result"), 3);
    assert!(
        last.attrs("a[rel=next]", "href").is_empty(),
        "no page after the last"
    );
    assert_eq!(
        app.get("/search?q=flood&page=336").await.status,
        StatusCode::NOT_FOUND
    );

    let exact = app.get("/search?q=flood+warning+1004").await;
    assert_eq!(
        exact.text(".result-count"),
        "1 result for “flood warning 1004”"
    );
    app.finish().await;
}

#[tokio::test]
async fn bad_search_input_gets_a_clear_400_page() {
    let app = TestApp::init().await;
    app.publish_headline("Anything").await;
    for (path, says) in [
        ("/search?q=x&lang=fr", "not a language"),
        ("/search?q=x&from=2025-13-01", "not a start date"),
        ("/search?q=x&to=yesterday", "not a end date"),
        (
            "/search?q=x&from=2025-03-10&to=2025-03-01",
            "after the end date",
        ),
        ("/search?q=x&section=nope", "no section"),
        ("/search?q=x&author=nobody", "no author"),
        ("/search?q=x&sort=random", "not a way to sort"),
        ("/search?q=x&page=99999", "narrow the search"),
        ("/search?q=x&page=-1", "not a page number"),
        ("/search?q=%00%01", "control character"),
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{path}");
        assert!(
            page.text("main").contains(says),
            "{path}: {}",
            page.text("main")
        );
    }
    for path in [
        "/search?q=%22",
        "/search?q=***",
        "/search?q=title%3A%22x",
        "/search?q=(((",
    ] {
        assert_eq!(app.get(path).await.status, StatusCode::OK, "{path}");
    }
    app.finish().await;
}

#[tokio::test]
async fn unpublished_text_is_never_shown_in_search() {
    let app = TestApp::init().await;
    let article = app.publish_headline("Leaked memo on ammunition").await;
    assert_eq!(app.get("/search?q=memo").await.count(".search-result"), 1);
    app.store
        .set_article_status(article.id, ArticleStatus::Unpublished, None, now())
        .await
        .unwrap();
    let page = app.get("/search?q=memo").await;
    assert_eq!(page.count(".search-result"), 0);
    assert!(!page.body.contains("ammunition"));
    app.finish().await;
}

#[tokio::test]
// It takes well under a second on a quiet machine (the time is printed); the bound is loose so a
// loaded CI machine does not fail a test of *who* indexes: the background task, unasked.
async fn a_publish_reaches_the_index_through_the_background_task() {
    let app = TestApp::init().await;
    app.jobs.start().await;
    let index = app.state.search.clone().unwrap();
    let article = app.publish_headline("Breaking: dam repaired").await;
    app.state.changes.poke(app.store.as_ref()).await.unwrap();
    let started = std::time::Instant::now();
    let query = gazette_search::SearchQuery {
        text: "dam".into(),
        limit: 5,
        ..Default::default()
    };
    loop {
        let found = index.search(&query, now()).unwrap();
        if found.hits.iter().any(|h| h.id == article.id) {
            println!("searchable after {:?}", started.elapsed());
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "not searchable after five seconds"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    app.finish().await;
}

// ---------------------------------------------------------------------------- search synonyms

#[tokio::test]
async fn an_editor_adds_synonyms_and_search_finds_articles_by_the_new_spelling_at_once() {
    let app = TestApp::init().await;
    app.publish_headline("Kryvyi Rih steelworks restart").await;
    let editor = app
        .signed_in("ed@news.test", gazette_core::newsroom::Role::Editor)
        .await;
    assert_eq!(app.get("/search?q=krivoy").await.count(".search-result"), 0);

    let newsroom = app.get_as(&editor, "/newsroom").await;
    assert!(
        newsroom
            .attrs("nav a", "href")
            .contains(&"/newsroom/synonyms".to_owned())
    );
    let added = app
        .post_as(
            &editor,
            "/newsroom/synonyms",
            &[("terms", "Kryvyi, Krivoy, Кривий")],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let list = app.get_as(&editor, added.header("location")).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.text(".notice").contains("Synonyms added"));
    assert!(
        list.texts("table.list td")
            .contains(&"kryvyi, krivoy, кривий".to_owned())
    );

    let found = app.get("/search?q=Krivoy").await;
    assert_eq!(
        found.texts(".search-result h2"),
        ["Kryvyi Rih steelworks restart"]
    );
    let audit = app.store.synonym_groups().await.unwrap();
    let group = audit.iter().find(|g| g.terms[0] == "kryvyi").unwrap();

    // Deleting the group: the spelling no longer leads to the article.
    let deleted = app
        .post_as(
            &editor,
            &format!("/newsroom/synonyms/{}/delete", group.id),
            &[],
        )
        .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get("/search?q=Krivoy").await.count(".search-result"), 0);
    app.finish().await;
}

#[tokio::test]
async fn synonyms_are_refused_to_contributors_without_a_csrf_token_and_when_malformed() {
    let app = TestApp::init().await;
    let before = app.store.synonym_groups().await.unwrap().len();
    let contributor = app
        .signed_in(
            "writer@news.test",
            gazette_core::newsroom::Role::Contributor,
        )
        .await;
    let page = app.get_as(&contributor, "/newsroom/synonyms").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(
        page.text("main").contains("Only editors and admins"),
        "{}",
        page.body
    );
    let post = app
        .post_as(&contributor, "/newsroom/synonyms", &[("terms", "a1, b1")])
        .await;
    assert_eq!(post.status, StatusCode::FORBIDDEN);
    let contributor_nav = app.get_as(&contributor, "/newsroom").await;
    assert!(
        !contributor_nav
            .attrs("nav a", "href")
            .contains(&"/newsroom/synonyms".to_owned())
    );

    let editor = app
        .signed_in("ed@news.test", gazette_core::newsroom::Role::Editor)
        .await;
    for token in ["", "forged"] {
        let forged = app
            .post_raw(
                Some(&editor.cookie),
                &editor.address,
                "/newsroom/synonyms",
                &[("csrf", token), ("terms", "a1, b1")],
            )
            .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN, "token {token:?}");
    }
    let group = app.store.synonym_groups().await.unwrap()[0].id;
    let forged = app
        .post_raw(
            Some(&editor.cookie),
            &editor.address,
            &format!("/newsroom/synonyms/{group}/delete"),
            &[("csrf", "forged")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    for (terms, says) in [
        ("", "two or more spellings"),
        ("kyiv", "at least two different terms"),
        ("Kyiv, kyiv", "at least two different terms"),
    ] {
        let bad = app
            .post_as(&editor, "/newsroom/synonyms", &[("terms", terms)])
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{terms:?}");
        assert!(
            bad.text("main").contains(says),
            "{terms:?}: {}",
            bad.text("main")
        );
    }
    let again = app
        .post_as(&editor, "/newsroom/synonyms", &[("terms", "alpha1, beta1")])
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    let duplicate = app
        .post_as(&editor, "/newsroom/synonyms", &[("terms", "alpha1, beta1")])
        .await;
    assert_eq!(duplicate.status, StatusCode::CONFLICT);
    assert!(duplicate.text("main").contains("already exists"));
    for path in [
        "/newsroom/synonyms/999999/delete",
        "/newsroom/synonyms/nope/delete",
    ] {
        assert_eq!(
            app.post_as(&editor, path, &[]).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    assert_eq!(app.store.synonym_groups().await.unwrap().len(), before + 1);
    app.finish().await;
}

#[tokio::test]
async fn a_section_cannot_take_an_address_the_site_uses_itself() {
    let app = TestApp::init().await;
    let editor = app
        .signed_in("ed@news.test", gazette_core::newsroom::Role::Editor)
        .await;
    for (name, slug) in [
        ("Search", ""),
        ("Feeds", "feeds"),
        ("Tags", "tags"),
        ("X", "newsroom"),
    ] {
        let response = app
            .post_as(
                &editor,
                "/newsroom/sections",
                &[("name", name), ("slug", slug)],
            )
            .await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST, "{name} {slug}");
        assert!(
            response.text("main").contains("used by the site itself"),
            "{}",
            response.text("main")
        );
    }
    let war = app.war.to_string();
    let rename = app
        .post_as(
            &editor,
            &format!("/newsroom/sections/{war}"),
            &[("name", "War"), ("slug", "authors")],
        )
        .await;
    assert_eq!(rename.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.get("/search").await.status, StatusCode::OK);
    assert_eq!(app.store.sections().await.unwrap().len(), 2);
    app.finish().await;
}

// ------------------------------------------------------------------------------------- feeds

async fn newsroom_with_articles(app: &TestApp) {
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
        home.attrs("link[rel=alternate]", "href"),
        ["/feeds/rss.xml", "/feeds/atom.xml", "/feeds/feed.json"]
    );
    assert_eq!(
        home.attrs("link[rel=alternate]", "type"),
        [
            "application/rss+xml",
            "application/atom+xml",
            "application/feed+json"
        ]
    );
    let section = app.get("/war").await;
    assert!(
        section
            .attrs("link[rel=alternate]", "href")
            .contains(&"/feeds/sections/war/atom.xml".to_owned())
    );
    let tag = app.get("/tags/kharkiv").await;
    assert!(
        tag.attrs("link[rel=alternate]", "href")
            .contains(&"/feeds/tags/kharkiv/rss.xml".to_owned())
    );
    let author = app.get("/authors/staff").await;
    assert!(
        author
            .attrs("link[rel=alternate]", "href")
            .contains(&"/feeds/authors/staff/feed.json".to_owned())
    );
    let article = app.get("/war/air-defence-holds-over-kharkiv").await;
    assert!(
        article
            .attrs("link[rel=alternate]", "href")
            .contains(&"/feeds/sections/war/rss.xml".to_owned())
    );
    app.finish().await;
}

// ---------------------------------------------------------------------------------- sitemaps

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

// ---------------------------------------------------------------------------------- metadata

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
