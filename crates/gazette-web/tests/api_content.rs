//! The Content API as a consumer sees it: every endpoint and filter, cursor pages, chosen fields,
//! validators and caching (a publish, an edit or a takedown changes what the API answers), CORS,
//! consumers' keys, clear JSON errors for bad input, and only what the public site shows.

#![allow(clippy::unwrap_used)]

mod common;
#[path = "api_content/fast_path.rs"]
mod fast_path;
#[path = "api_content/keys.rs"]
mod keys;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{TestApp, TestResponse, days_ago, now};
use gazette_core::newsroom::CorrectionKind;
use gazette_core::{ArticleStatus, Language};
use gazette_store::Actor;
use gazette_store::Backend;
use serde_json::Value;

on_sqlite_and_postgres!(
    the_article_list_shows_published_articles_newest_first_and_nothing_else,
    cursor_pages_walk_the_whole_list_without_repeats_or_gaps,
    publishing_editing_and_taking_down_change_what_the_api_answers,
);

pub(crate) fn json(response: &TestResponse) -> Value {
    serde_json::from_str(&response.body)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", response.body))
}

/// The ids of a list's items, in order.
pub(crate) fn ids(response: &TestResponse) -> Vec<i64> {
    json(response)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_i64().unwrap())
        .collect()
}

/// Asserts the API's error shape and status, and returns the message.
pub(crate) fn error(response: &TestResponse, status: StatusCode) -> String {
    assert_eq!(response.status, status, "{}", response.body);
    assert!(
        response
            .header("content-type")
            .starts_with("application/json"),
        "{}",
        response.header("content-type")
    );
    let body = json(response);
    assert_eq!(body["error"]["status"], status.as_u16(), "{body}");
    assert!(body["error"]["code"].is_string(), "{body}");
    body["error"]["message"].as_str().unwrap().to_owned()
}

pub(crate) async fn get_with(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> TestResponse {
    let mut request = Request::get(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    app.request(request.body(Body::empty()).unwrap()).await
}

fn editor() -> Actor {
    Actor {
        user_id: None,
        name: "Desk".into(),
        address: String::new(),
    }
}

async fn the_article_list_shows_published_articles_newest_first_and_nothing_else(backend: Backend) {
    let app = TestApp::on(backend, TestApp::config()).await;
    let older = app.publish_headline("Older news").await;
    let mut newer = app.article("Newer news");
    newer.published_at = Some(days_ago(0) - chrono::Duration::hours(1));
    let newer = app.publish(newer).await;
    let mut draft = app.article("A draft");
    draft.status = ArticleStatus::Draft;
    draft.published_at = None;
    let draft = app.publish(draft).await;
    // Embargoed: published, but its time has not come.
    let mut embargoed = app.article("Under embargo");
    embargoed.published_at = Some(now() + chrono::Duration::hours(3));
    let embargoed = app.publish(embargoed).await;
    let taken_down = app.publish_headline("Taken down").await;
    app.store
        .set_article_status(
            taken_down.id,
            ArticleStatus::Unpublished,
            taken_down.published_at,
            now(),
        )
        .await
        .unwrap();

    let list = app.get("/api/v1/articles").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert!(list.header("content-type").starts_with("application/json"));
    assert_eq!(ids(&list), vec![newer.id, older.id]);
    let first = &json(&list)["items"][0];
    assert_eq!(first["headline"], "Newer news");
    assert_eq!(
        first["url"],
        format!("https://news.test/war/{}", newer.slug)
    );
    assert_eq!(first["section"]["slug"], "war");
    assert_eq!(first["authors"][0]["name"], "Olena Marchenko");
    assert!(json(&list)["next_cursor"].is_null());

    for hidden in [draft.id, embargoed.id] {
        let one = app.get(&format!("/api/v1/articles/{hidden}")).await;
        error(&one, StatusCode::NOT_FOUND);
    }
    let gone = app
        .get(&format!("/api/v1/articles/{}", taken_down.id))
        .await;
    error(&gone, StatusCode::GONE);
    let by_address = app
        .get(&format!("/api/v1/sections/war/articles/{}", draft.slug))
        .await;
    error(&by_address, StatusCode::NOT_FOUND);
    let search = app.get("/api/v1/search?q=embargo").await;
    assert_eq!(search.status, StatusCode::OK, "{}", search.body);
    assert!(ids_of_search(&search).is_empty(), "{}", search.body);
    app.finish().await;
}

fn ids_of_search(response: &TestResponse) -> Vec<i64> {
    json(response)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["article"]["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn each_filter_narrows_the_list() {
    let app = TestApp::init().await;
    let drones = app.store.ensure_tag("Drones").await.unwrap();
    let mut tagged = app.article("Drones over Kharkiv");
    tagged.tag_ids = vec![drones.id];
    tagged.published_at = Some(days_ago(3));
    let tagged = app.publish(tagged).await;
    let mut culture = app.article("A new opera");
    culture.section_id = app.culture;
    culture.author_ids = vec![app.staff];
    culture.language = Language::UK;
    culture.published_at = Some(days_ago(2));
    let culture = app.publish(culture).await;
    let plain = app.publish_headline("Plain news").await;

    let cases = [
        ("section=culture", vec![culture.id]),
        ("section=war", vec![plain.id, tagged.id]),
        ("tag=drones", vec![tagged.id]),
        ("author=staff", vec![culture.id]),
        ("author=olena-marchenko", vec![plain.id, tagged.id]),
        ("language=uk", vec![culture.id]),
        ("language=en", vec![plain.id, tagged.id]),
        (
            "published_since=2025-03-29T00:00:00Z",
            vec![plain.id, culture.id],
        ),
        ("published_until=2025-03-28T12:00:00Z", vec![tagged.id]),
        (
            "published_since=2025-03-29T00:00:00%2B02:00&published_until=2025-03-29T23:59:59Z",
            vec![culture.id],
        ),
        ("q=opera", vec![culture.id]),
        ("q=kharkiv&section=war", vec![tagged.id]),
    ];
    for (query, expected) in cases {
        let response = app.get(&format!("/api/v1/articles?{query}")).await;
        assert_eq!(
            response.status,
            StatusCode::OK,
            "{query}: {}",
            response.body
        );
        assert_eq!(ids(&response), expected, "{query}");
    }
    app.finish().await;
}

async fn cursor_pages_walk_the_whole_list_without_repeats_or_gaps(backend: Backend) {
    let app = TestApp::on(backend, TestApp::config()).await;
    let mut published = Vec::new();
    for i in 0..11 {
        let mut article = app.article(&format!("Story {i}"));
        // Several in the same second, to walk over ties.
        article.published_at = Some(days_ago(1) + chrono::Duration::seconds(i64::from(i / 3)));
        published.push(app.publish(article).await.id);
    }
    let mut seen = Vec::new();
    let mut path = "/api/v1/articles?limit=2".to_owned();
    let mut pages = 0;
    loop {
        let page = app.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let page_ids = ids(&page);
        assert!(page_ids.len() <= 2);
        seen.extend(page_ids);
        pages += 1;
        match json(&page)["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/articles?limit=2&cursor={cursor}"),
            None => break,
        }
        assert!(pages < 20, "the cursor never ends");
    }
    assert_eq!(pages, 6);
    let mut expected = published.clone();
    // Newest first: later seconds first, and within a second the highest id.
    expected.sort_by_key(|id| {
        let i = published.iter().position(|p| p == id).unwrap();
        (std::cmp::Reverse(i / 3), std::cmp::Reverse(*id))
    });
    assert_eq!(seen, expected);
    app.finish().await;
}

#[tokio::test]
async fn an_article_published_while_a_client_pages_shifts_nothing() {
    let app = TestApp::init().await;
    for i in 0..4 {
        let mut article = app.article(&format!("Story {i}"));
        article.published_at = Some(days_ago(4 - i));
        app.publish(article).await;
    }
    let first = app.get("/api/v1/articles?limit=2").await;
    let cursor = json(&first)["next_cursor"].as_str().unwrap().to_owned();
    app.publish_headline("Breaking in the middle").await;
    let second = app
        .get(&format!("/api/v1/articles?limit=2&cursor={cursor}"))
        .await;
    let mut all = ids(&first);
    all.extend(ids(&second));
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len(), 4, "{} then {}", first.body, second.body);
    app.finish().await;
}

#[tokio::test]
async fn fields_choose_what_each_item_carries() {
    let app = TestApp::init().await;
    app.publish_headline("Short answers").await;
    let response = app.get("/api/v1/articles?fields=headline,url").await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let item = json(&response)["items"][0].clone();
    let mut keys: Vec<&str> = item
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, ["headline", "id", "url"]);

    let bad = app.get("/api/v1/articles?fields=headline,body").await;
    let message = error(&bad, StatusCode::BAD_REQUEST);
    assert!(message.contains("body"), "{message}");
    app.finish().await;
}

#[tokio::test]
async fn one_article_carries_its_body_image_tags_corrections_and_live_entries() {
    let app = TestApp::init().await;
    let drones = app.store.ensure_tag("Drones").await.unwrap();
    let mut new = app.article("Live: the night over Kyiv");
    new.tag_ids = vec![drones.id];
    let article = app.publish(new).await;
    app.store
        .add_correction(
            article.id,
            CorrectionKind::Correction,
            "An earlier version misnamed the district.",
            &editor(),
            now(),
        )
        .await
        .unwrap();
    let media = app
        .store
        .insert_media(
            gazette_store::NewMedia {
                hash: "ab".repeat(32),
                original_name: "kyiv.jpg".into(),
                mime: "image/jpeg".into(),
                width: 1600,
                height: 900,
                alt: "Searchlights over the river".into(),
                caption: "Kyiv at night.".into(),
                credit: "Dispatch".into(),
                created_by: None,
                variants: vec![gazette_store::MediaVariant {
                    width: 1600,
                    height: 900,
                    format: "jpeg".into(),
                    key: format!("{}-1600.jpg", "ab".repeat(32)),
                    bytes: 120_000,
                }],
            },
            None,
            now(),
        )
        .await
        .unwrap()
        .value;
    app.store
        .set_featured_media(article.id, Some(media.id), None, now())
        .await
        .unwrap();
    app.store
        .set_coverage(
            article.id,
            Some(gazette_core::live::Coverage::Live),
            None,
            days_ago(1),
        )
        .await
        .unwrap();
    for text in ["Sirens.", "All clear."] {
        app.store
            .post_entry(
                article.id,
                gazette_core::live::EntryDraft {
                    headline: None,
                    body_markdown: text.into(),
                    author_ids: vec![app.olena],
                    key_event: false,
                },
                gazette_core::live::EntryStatus::Published,
                None,
                None,
                now() - chrono::Duration::minutes(if text == "Sirens." { 10 } else { 1 }),
            )
            .await
            .unwrap();
    }

    let by_id = app.get(&format!("/api/v1/articles/{}", article.id)).await;
    assert_eq!(by_id.status, StatusCode::OK, "{}", by_id.body);
    let a = json(&by_id);
    assert_eq!(a["headline"], "Live: the night over Kyiv");
    assert!(
        a["body_markdown"]
            .as_str()
            .unwrap()
            .contains("We held the line")
    );
    assert!(
        a["body_html"]
            .as_str()
            .unwrap()
            .contains("<p>First paragraph.</p>")
    );
    assert_eq!(a["language"], "en");
    assert_eq!(a["tags"][0]["slug"], "drones");
    assert_eq!(a["section"]["name"], "War");
    assert_eq!(
        a["corrections"][0]["text"],
        "An earlier version misnamed the district."
    );
    assert_eq!(a["corrections"][0]["kind"], "correction");
    let image = &a["featured_image"];
    assert_eq!(image["alt"], "Searchlights over the river");
    assert!(
        image["url"]
            .as_str()
            .unwrap()
            .starts_with("https://news.test/media/")
    );
    assert_eq!(image["variants"][0]["width"], 1600);
    assert_eq!(a["live"]["coverage"], "live");
    assert_eq!(a["live"]["entries_total"], 2);
    assert_eq!(a["live"]["entries"][0]["body_markdown"], "All clear.");
    assert!(a["live"]["more_url"].is_null());

    let by_address = app
        .get(&format!("/api/v1/sections/war/articles/{}", article.slug))
        .await;
    assert_eq!(by_address.status, StatusCode::OK, "{}", by_address.body);
    assert_eq!(json(&by_address)["id"], article.id);
    let wrong_section = app
        .get(&format!(
            "/api/v1/sections/nowhere/articles/{}",
            article.slug
        ))
        .await;
    error(&wrong_section, StatusCode::NOT_FOUND);
    app.finish().await;
}

#[tokio::test]
async fn sections_tags_authors_and_pages_are_listed() {
    let app = TestApp::init().await;
    app.store.ensure_tag("Energy").await.unwrap();
    app.store
        .put_page(&gazette_core::StaticPage {
            slug: common::slug("about"),
            title: "About us".into(),
            body_markdown: "We report.".into(),
            body_html: "<p>We report.</p>".into(),
        })
        .await
        .unwrap();

    let sections = json(&app.get("/api/v1/sections").await);
    let names: Vec<&str> = sections["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["War", "Culture"]);
    assert_eq!(
        sections["items"][0]["articles_url"],
        "https://news.test/api/v1/articles?section=war"
    );
    let tags = json(&app.get("/api/v1/tags").await);
    assert_eq!(tags["items"][0]["slug"], "energy");
    let authors = json(&app.get("/api/v1/authors").await);
    assert_eq!(authors["items"].as_array().unwrap().len(), 2);
    let pages = json(&app.get("/api/v1/pages").await);
    assert_eq!(pages["items"][0]["title"], "About us");
    let about = json(&app.get("/api/v1/pages/about").await);
    assert_eq!(about["body_markdown"], "We report.");
    error(
        &app.get("/api/v1/pages/nothing").await,
        StatusCode::NOT_FOUND,
    );
    app.finish().await;
}

#[tokio::test]
async fn search_finds_words_with_snippets_and_needs_words() {
    let app = TestApp::init().await;
    let found = app.publish_headline("Power restored in Odesa").await;
    app.publish_headline("Elsewhere").await;
    let response = app.get("/api/v1/search?q=odesa").await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(ids_of_search(&response), vec![found.id]);
    let result = &json(&response)["items"][0];
    assert!(
        result["headline_html"].as_str().unwrap().contains("<mark>"),
        "{result}"
    );
    assert_eq!(json(&response)["total"], 1);
    error(
        &app.get("/api/v1/search?q=%20").await,
        StatusCode::BAD_REQUEST,
    );
    app.finish().await;
}

#[tokio::test]
async fn a_matching_etag_gets_304_and_answers_are_cached_with_surrogate_keys() {
    let app = TestApp::init().await;
    let article = app.publish_headline("Cached news").await;
    let path = format!("/api/v1/articles/{}", article.id);
    let first = app.get(&path).await;
    assert_eq!(first.status, StatusCode::OK);
    let etag = first.header("etag").to_owned();
    assert!(etag.starts_with('"'), "{etag}");
    assert!(
        first
            .header("surrogate-key")
            .split(' ')
            .any(|k| k == format!("article-{}", article.id)),
        "{}",
        first.header("surrogate-key")
    );
    assert!(first.header("cache-control").contains("max-age"));
    let renders = app.state.pages.renders();
    let again = get_with(&app, &path, &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    assert_eq!(again.header("etag"), etag);
    // Served from the cache: nothing rendered again.
    assert_eq!(app.state.pages.renders(), renders);
    let other = get_with(&app, &path, &[("if-none-match", "\"elsewhere\"")]).await;
    assert_eq!(other.status, StatusCode::OK);
    app.finish().await;
}

async fn publishing_editing_and_taking_down_change_what_the_api_answers(backend: Backend) {
    let app = TestApp::on(backend, TestApp::config()).await;
    let article = app.publish_headline("First version").await;
    let one = format!("/api/v1/articles/{}", article.id);
    assert_eq!(ids(&app.get("/api/v1/articles").await), vec![article.id]);
    assert_eq!(json(&app.get(&one).await)["headline"], "First version");
    assert_eq!(
        ids(&app.get("/api/v1/articles?section=war").await),
        vec![article.id]
    );

    let newer = app.publish_headline("Second story").await;
    assert_eq!(
        ids(&app.get("/api/v1/articles").await),
        vec![newer.id, article.id]
    );
    assert_eq!(
        ids(&app.get("/api/v1/articles?section=war").await),
        vec![newer.id, article.id]
    );

    let mut edited = app.article("Corrected headline");
    edited.slug = Some(article.slug.clone());
    app.store
        .update_article(article.id, edited, now())
        .await
        .unwrap();
    assert_eq!(json(&app.get(&one).await)["headline"], "Corrected headline");
    let list = json(&app.get("/api/v1/articles").await);
    assert_eq!(list["items"][1]["headline"], "Corrected headline");

    app.store
        .set_article_status(
            article.id,
            ArticleStatus::Unpublished,
            article.published_at,
            now(),
        )
        .await
        .unwrap();
    error(&app.get(&one).await, StatusCode::GONE);
    assert_eq!(ids(&app.get("/api/v1/articles").await), vec![newer.id]);
    assert_eq!(
        ids(&app.get("/api/v1/articles?section=war").await),
        vec![newer.id]
    );
    app.finish().await;
}

#[tokio::test]
async fn any_origin_may_read_and_preflight_is_answered() {
    let app = TestApp::init().await;
    app.publish_headline("Shared").await;
    let response = app.get("/api/v1/articles").await;
    assert_eq!(response.header("access-control-allow-origin"), "*");
    assert!(
        response
            .header("access-control-expose-headers")
            .contains("ETag")
    );
    // A cached copy keeps them.
    let cached = app.get("/api/v1/articles").await;
    assert_eq!(cached.header("access-control-allow-origin"), "*");
    let error_response = app.get("/api/v1/articles?limit=0").await;
    assert_eq!(error_response.header("access-control-allow-origin"), "*");

    let preflight = app
        .request(
            Request::builder()
                .method("OPTIONS")
                .uri("/api/v1/articles")
                .header("origin", "https://partner.example")
                .header("access-control-request-method", "GET")
                .header("access-control-request-headers", "x-gazette-key")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(preflight.status, StatusCode::NO_CONTENT);
    assert_eq!(preflight.header("access-control-allow-origin"), "*");
    assert!(
        preflight
            .header("access-control-allow-methods")
            .contains("GET")
    );
    assert!(
        preflight
            .header("access-control-allow-headers")
            .to_ascii_lowercase()
            .contains("x-gazette-key")
    );
    let post = app
        .request(
            Request::post("/api/v1/articles")
                .body(Body::from("{}"))
                .unwrap(),
        )
        .await;
    error(&post, StatusCode::METHOD_NOT_ALLOWED);
    app.finish().await;
}

#[tokio::test]
async fn bad_input_gets_a_clear_json_error_and_never_a_500() {
    let app = TestApp::init().await;
    app.publish_headline("Anything").await;
    let cases = [
        ("/api/v1/articles?limit=0", StatusCode::BAD_REQUEST, "limit"),
        (
            "/api/v1/articles?limit=101",
            StatusCode::BAD_REQUEST,
            "limit",
        ),
        (
            "/api/v1/articles?limit=many",
            StatusCode::BAD_REQUEST,
            "limit",
        ),
        (
            "/api/v1/articles?cursor=bogus",
            StatusCode::BAD_REQUEST,
            "cursor",
        ),
        (
            "/api/v1/articles?published_since=yesterday",
            StatusCode::BAD_REQUEST,
            "RFC 3339",
        ),
        (
            "/api/v1/articles?published_since=2025-03-30T00:00:00Z&published_until=2025-03-01T00:00:00Z",
            StatusCode::BAD_REQUEST,
            "after",
        ),
        (
            "/api/v1/articles?language=fr",
            StatusCode::BAD_REQUEST,
            "one of en, uk",
        ),
        (
            "/api/v1/articles?section=sport",
            StatusCode::BAD_REQUEST,
            "section",
        ),
        (
            "/api/v1/articles?tag=nothing",
            StatusCode::BAD_REQUEST,
            "tag",
        ),
        (
            "/api/v1/articles?author=nobody",
            StatusCode::BAD_REQUEST,
            "author",
        ),
        ("/api/v1/articles?q=x&tag=x", StatusCode::BAD_REQUEST, "tag"),
        (
            "/api/v1/articles/abc",
            StatusCode::BAD_REQUEST,
            "whole number",
        ),
        ("/api/v1/articles/999999", StatusCode::NOT_FOUND, "Nothing"),
        ("/api/v1/nothing-here", StatusCode::NOT_FOUND, "Nothing"),
        ("/api/v1/search", StatusCode::BAD_REQUEST, "q="),
    ];
    for (path, status, words) in cases {
        let response = app.get(path).await;
        let message = error(&response, status);
        assert!(message.contains(words), "{path}: {message}");
        assert_eq!(response.header("cache-control"), "no-store", "{path}");
    }
    // A cursor from a search is no good for a plain list, and the other way round.
    let list_cursor = {
        app.publish_headline("Another").await;
        json(&app.get("/api/v1/articles?limit=1").await)["next_cursor"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let mixed = app
        .get(&format!("/api/v1/search?q=anything&cursor={list_cursor}"))
        .await;
    error(&mixed, StatusCode::BAD_REQUEST);
    app.finish().await;
}

#[tokio::test]
async fn the_document_describes_every_content_endpoint_and_the_reference_page_shows_them() {
    let app = TestApp::init().await;
    let document = json(&app.get("/api/openapi.json").await);
    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/api/v1/articles",
        "/api/v1/articles/{id}",
        "/api/v1/sections/{section}/articles/{slug}",
        "/api/v1/sections",
        "/api/v1/tags",
        "/api/v1/authors",
        "/api/v1/pages",
        "/api/v1/pages/{slug}",
        "/api/v1/search",
    ] {
        let get = &document["paths"][path]["get"];
        assert!(get.is_object(), "{path} is not in the document");
        for status in ["200", "304"] {
            assert!(get["responses"][status].is_object(), "{path} {status}");
        }
    }
    let reference = app.get("/api/docs").await;
    assert_eq!(reference.status, StatusCode::OK);
    assert!(reference.header("content-type").starts_with("text/html"));
    assert!(reference.body.contains("/api/v1/articles/{id}"));
    assert!(reference.body.contains("id=\"schema-ArticleDetail\""));
    assert!(!reference.body.contains("<script"));
    app.finish().await;
}
