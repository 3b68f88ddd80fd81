//! One error type, one status per kind of error, wherever it happens: a conflict or a stale save
//! is 409 on the site and in the newsroom alike, people get a page that looks like the place they
//! are in, and scripts and API callers get `{"error": …}`.

#![allow(clippy::unwrap_used)]

mod common;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::middleware;
use axum::routing::get;
use common::newsroom::{pairs, redirected_id, with};
use common::{TestApp, TestResponse};
use gazette_core::newsroom::Role;
use gazette_store::StoreError;
use gazette_web::error::AppError;
use gazette_web::error_pages::render_errors;
use http_body_util::BodyExt;
use tower::ServiceExt;

/// A router whose handlers fail the way the store fails, on a site path and a newsroom path,
/// behind the same error renderer as the real one.
fn failing(app: &TestApp) -> Router {
    let stale = || async {
        Err::<(), AppError>(StoreError::Stale("anna saved this article first".into()).into())
    };
    let conflict = || async { Err::<(), AppError>(StoreError::Conflict("the slug".into()).into()) };
    Router::new()
        .route("/stale", get(stale))
        .route("/conflict", get(conflict))
        .route("/newsroom/stale", get(stale))
        .route("/newsroom/conflict", get(conflict))
        .layer(middleware::from_fn_with_state(
            app.state.clone(),
            render_errors,
        ))
        .with_state(app.state.clone())
}

async fn send(router: Router, path: &str, accept: Option<&str>) -> TestResponse {
    let mut request = Request::get(path);
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    let response = router
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    TestResponse {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

const BROWSER: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

#[tokio::test]
async fn a_conflict_or_a_stale_save_is_409_on_the_site_and_in_the_newsroom() {
    let app = TestApp::init().await;
    for path in ["/stale", "/conflict"] {
        let site = send(failing(&app), path, Some(BROWSER)).await;
        assert_eq!(site.status, StatusCode::CONFLICT, "{path}");
        assert!(
            site.header("content-type").starts_with("text/html"),
            "{path}"
        );
        // The theme's page, with the site's name in it.
        assert!(
            site.body.contains("Changed by someone else"),
            "{}",
            site.body
        );
        assert!(
            site.html().root_element().html().contains("stylesheet"),
            "the themed page"
        );

        let newsroom = send(failing(&app), &format!("/newsroom{path}"), Some(BROWSER)).await;
        assert_eq!(newsroom.status, StatusCode::CONFLICT, "/newsroom{path}");
        assert_eq!(newsroom.header("cache-control"), "no-store, private");
        assert!(
            newsroom.body.contains("Back to the newsroom")
                && newsroom.body.contains("/newsroom/assets/"),
            "the newsroom's page: {}",
            newsroom.body
        );
    }
    let stale = send(failing(&app), "/newsroom/stale", None).await;
    assert!(
        stale
            .text(".error-message")
            .contains("Anna saved this article first")
    );
    let conflict = send(failing(&app), "/conflict", None).await;
    assert!(conflict.body.contains("The slug already exists."));
    app.finish().await;
}

#[tokio::test]
async fn callers_that_ask_for_json_get_json_errors_with_the_same_status() {
    let app = TestApp::init().await;
    for path in ["/stale", "/newsroom/conflict"] {
        let answer = send(failing(&app), path, Some("application/json")).await;
        assert_eq!(answer.status, StatusCode::CONFLICT, "{path}");
        assert!(
            answer
                .header("content-type")
                .starts_with("application/json")
        );
        let json: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
        assert!(json["error"].as_str().unwrap().len() > 10, "{json}");
    }

    let missing = app
        .request(
            Request::get("/no/such/page/here")
                .header("accept", "application/json")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let json: serde_json::Value = serde_json::from_str(&missing.body).unwrap();
    assert!(
        json["error"]
            .as_str()
            .unwrap()
            .contains("could not find that page")
    );
    // A person asking for the same address gets the theme's page.
    let page = app.get("/no/such/page/here").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.text("h1").contains("Page not found"));

    // An address that names JSON answers in JSON without being asked.
    let feed = app.get("/feeds/nonsense.json").await;
    assert_eq!(feed.status, StatusCode::NOT_FOUND);
    assert!(serde_json::from_str::<serde_json::Value>(&feed.body).unwrap()["error"].is_string());

    // A script that is not signed in is told so, not redirected to a page it cannot show.
    let signed_out = app
        .request(
            Request::get("/newsroom/media")
                .header("accept", "application/json")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(signed_out.status, StatusCode::UNAUTHORIZED);
    let json: serde_json::Value = serde_json::from_str(&signed_out.body).unwrap();
    assert!(json["error"].as_str().unwrap().contains("Sign in again"));
    assert_eq!(
        app.get("/newsroom/media").await.status,
        StatusCode::SEE_OTHER
    );
    app.finish().await;
}

#[tokio::test]
async fn a_stale_autosave_is_a_409_in_json_and_a_stale_save_a_409_page() {
    let app = TestApp::init().await;
    let anna = app.signed_in("anna@news.test", Role::Editor).await;
    let bohdan = app.signed_in("bohdan@news.test", Role::Editor).await;
    let war = app.war.to_string();
    let olena = app.olena.to_string();
    let created = app
        .post_as(
            &anna,
            "/newsroom/articles",
            &[
                ("headline", "Shared draft"),
                ("body", "First."),
                ("section", war.as_str()),
                ("author", olena.as_str()),
                ("language", "en"),
            ],
        )
        .await;
    let id = redirected_id(&created);
    let anna_form = app.editor_form(&anna, id).await;
    let bohdan_form = app.editor_form(&bohdan, id).await;
    let saved = app
        .post_as(
            &anna,
            &format!("/newsroom/articles/{id}"),
            &pairs(&with(anna_form, "body", "Anna's.")),
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);

    // The editor's script: no `Accept`, but the endpoint speaks JSON.
    let autosave = app
        .post_as(
            &bohdan,
            &format!("/newsroom/articles/{id}/autosave"),
            &pairs(&with(bohdan_form.clone(), "body", "Bohdan's.")),
        )
        .await;
    assert_eq!(autosave.status, StatusCode::CONFLICT, "{}", autosave.body);
    let json: serde_json::Value = serde_json::from_str(&autosave.body).unwrap();
    assert!(
        json["error"]
            .as_str()
            .unwrap()
            .contains("anna saved this article"),
        "{json}"
    );

    let save = app
        .post_as(
            &bohdan,
            &format!("/newsroom/articles/{id}"),
            &pairs(&with(bohdan_form, "body", "Bohdan's.")),
        )
        .await;
    assert_eq!(save.status, StatusCode::CONFLICT);
    assert!(save.header("content-type").starts_with("text/html"));
    assert_eq!(
        app.store.article(id).await.unwrap().unwrap().body_markdown,
        "Anna's."
    );
    app.finish().await;
}
