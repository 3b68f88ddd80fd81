//! The Admin API as a program uses it: tokens and their scopes, every endpoint, the newsroom's
//! rules enforced through it, bad input refused with the right JSON error and nothing stored,
//! and the audit log naming the token.

#![allow(clippy::unwrap_used)]

mod common;

#[path = "api_admin/articles.rs"]
mod articles;
#[path = "api_admin/auth.rs"]
mod auth;
#[path = "api_admin/bad_input.rs"]
mod bad_input;
/// Every route against every scope.
#[path = "api_admin/matrix.rs"]
mod matrix;
#[path = "api_admin/newsroom_page.rs"]
mod newsroom_page;
#[path = "api_admin/uploads.rs"]
mod uploads;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use chrono::Duration;
use common::{TestApp, TestResponse, now};
use gazette_core::newsroom::{Role, User};
use gazette_store::{Actor, ApiScope};
use gazette_web::api::admin::tokens::{TokenRequest, mint};
use serde_json::Value;

/// Makes a token for `user` with these scopes, valid for 30 days, and returns its secret.
pub async fn token(app: &TestApp, user: &User, name: &str, scopes: &[ApiScope]) -> String {
    let actor = Actor {
        user_id: Some(user.id),
        name: user.name.clone(),
        address: "192.0.2.1".into(),
    };
    let request = TokenRequest {
        name: name.into(),
        scopes: scopes.to_vec(),
        days: 30,
    };
    let (_, secret) = mint(&app.store, user, &request, &actor, now())
        .await
        .unwrap();
    secret
}

/// A person with `role` and a token carrying every scope.
pub async fn person_with_token(app: &TestApp, email: &str, role: Role) -> (User, String) {
    let user = app.add_user(email, role).await;
    let secret = token(app, &user, "CMS sync", &ApiScope::ALL).await;
    (user, secret)
}

/// An answer and its body parsed as JSON (`Null` when it is not JSON).
pub struct Answer {
    pub status: StatusCode,
    pub json: Value,
    pub response: TestResponse,
}

impl Answer {
    pub fn message(&self) -> String {
        self.json["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub fn code(&self) -> String {
        self.json["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

/// Sends `body` (JSON, when given) to `path` with `Authorization: Bearer <token>`.
pub async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Answer {
    let mut request = Request::builder().method(method).uri(path);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let request = match body {
        Some(body) => request
            .header("content-type", "application/json")
            .body(Body::from(body.to_string())),
        None => request.body(Body::empty()),
    }
    .unwrap();
    send(app, request).await
}

pub async fn send(app: &TestApp, request: Request<Body>) -> Answer {
    let response = app.request(request).await;
    Answer {
        status: response.status,
        json: serde_json::from_str(&response.body).unwrap_or(Value::Null),
        response,
    }
}

/// Creates a draft through the API and returns its id and revision.
pub async fn draft(app: &TestApp, token: &str, headline: &str) -> (i64, i64) {
    let answer = call(
        app,
        Method::POST,
        "/api/admin/v1/articles",
        Some(token),
        Some(serde_json::json!({
            "headline": headline,
            "section_id": app.war,
            "body_markdown": "Shelling resumed at dawn.",
            "author_ids": [app.olena],
        })),
    )
    .await;
    assert_eq!(
        answer.status,
        StatusCode::CREATED,
        "{}",
        answer.response.body
    );
    (
        answer.json["id"].as_i64().unwrap(),
        answer.json["revision"].as_i64().unwrap(),
    )
}

/// How many articles the site holds, in any status.
pub async fn article_count(app: &TestApp) -> u64 {
    app.store.article_count().await.unwrap()
}

/// Lets a token's rate window pass.
pub fn next_minute(app: &TestApp) {
    app.advance_clock(Duration::minutes(2).num_seconds());
}
