//! Search: results, filters, ranking, languages and bad queries.

use super::*;

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
    uk.language = Language::UK;
    uk.body_markdown = "У Києві після ремонту.".into();
    app.publish(uk).await;
    app.publish_headline("Kyiv metro runs all night").await;

    // Each edition searches its own language: the Ukrainian story in the Ukrainian edition.
    let page = app.get("/uk/search?q=%D0%BF%27%D1%8F%D1%82%D1%8C").await; // п'ять
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
        ("/search?q=x&to=yesterday", "not an end date"),
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
