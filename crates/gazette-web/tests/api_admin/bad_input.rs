//! The bad-input list: each gets its status and a JSON error, and nothing is stored.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use gazette_core::newsroom::Role;
use gazette_store::ApiScope;
use serde_json::json;

use super::common::TestApp;
use super::{article_count, call, person_with_token, send, token};

const ARTICLES: &str = "/api/admin/v1/articles";

fn raw(secret: &str, content_type: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post(ARTICLES)
        .header("authorization", format!("Bearer {secret}"))
        .header("content-type", content_type)
        .body(body.into())
        .unwrap()
}

#[tokio::test]
async fn bad_bodies_get_their_status_and_a_json_error_and_store_nothing() {
    let app = TestApp::init().await;
    let (user, secret) = person_with_token(&app, "olena@news.test", Role::Editor).await;
    let war = app.war;
    let cases: Vec<(&str, Request<Body>, StatusCode)> = vec![
        ("malformed JSON", raw(&secret, "application/json", "{\"headline\": "), StatusCode::BAD_REQUEST),
        ("not JSON at all", raw(&secret, "text/plain", "headline=x"), StatusCode::BAD_REQUEST),
        (
            "a wrong type",
            raw(&secret, "application/json", json!({"headline": "x", "section_id": "war"}).to_string()),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "an unknown field",
            raw(&secret, "application/json", json!({"headline": "x", "section_id": war, "headlin": "y"}).to_string()),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "a missing field",
            raw(&secret, "application/json", json!({"section_id": war}).to_string()),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "a rule broken",
            raw(&secret, "application/json", json!({"headline": "  ", "section_id": war}).to_string()),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "a section that does not exist",
            raw(&secret, "application/json", json!({"headline": "x", "section_id": 999_999}).to_string()),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "an oversized body",
            raw(
                &secret,
                "application/json",
                json!({"headline": "x", "section_id": war, "body_markdown": "a".repeat(3 * 1024 * 1024)}).to_string(),
            ),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
    ];
    for (what, request, status) in cases {
        let answer = send(&app, request).await;
        assert_eq!(answer.status, status, "{what}: {}", answer.response.body);
        assert_eq!(answer.json["error"]["status"], status.as_u16(), "{what}");
        assert!(!answer.message().is_empty(), "{what}");
        assert_eq!(
            answer.response.header("content-type"),
            "application/json",
            "{what}"
        );
    }
    assert_eq!(article_count(&app).await, 0, "nothing stored");

    // Refused tokens store nothing either.
    let no_scope = token(&app, &user, "reader", &[ApiScope::ReadDrafts]).await;
    let body = json!({"headline": "x", "section_id": war});
    for (secret, status) in [
        (Some(no_scope.as_str()), StatusCode::FORBIDDEN),
        (
            Some("gzt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
            StatusCode::UNAUTHORIZED,
        ),
        (None, StatusCode::UNAUTHORIZED),
    ] {
        let answer = call(&app, Method::POST, ARTICLES, secret, Some(body.clone())).await;
        assert_eq!(answer.status, status);
    }
    assert_eq!(article_count(&app).await, 0, "nothing stored");
    app.finish().await;
}

#[tokio::test]
async fn bad_addresses_and_queries_are_json_errors() {
    let app = TestApp::init().await;
    let (_, secret) = person_with_token(&app, "olena@news.test", Role::Editor).await;
    let t = Some(secret.as_str());
    for (path, status) in [
        ("/api/admin/v1/articles/abc", StatusCode::NOT_FOUND),
        ("/api/admin/v1/articles/99999", StatusCode::NOT_FOUND),
        (
            "/api/admin/v1/articles?status=lost",
            StatusCode::BAD_REQUEST,
        ),
        ("/api/admin/v1/articles?page=0", StatusCode::BAD_REQUEST),
        (
            "/api/admin/v1/articles?per_page=1000",
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let answer = call(&app, Method::GET, path, t, None).await;
        assert_eq!(answer.status, status, "{path}: {}", answer.response.body);
        assert_eq!(answer.json["error"]["status"], status.as_u16(), "{path}");
    }
    let update = call(
        &app,
        Method::PATCH,
        "/api/admin/v1/articles/99999",
        t,
        Some(json!({"base_revision": 1})),
    )
    .await;
    assert_eq!(update.status, StatusCode::NOT_FOUND);
    let correction = call(
        &app,
        Method::POST,
        "/api/admin/v1/articles/1/corrections",
        t,
        Some(json!({"kind": "apology", "text": "x"})),
    )
    .await;
    assert_eq!(
        correction.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        correction.response.body
    );
    app.finish().await;
}
