//! The newsroom as its people use it: signing in, writing, the workflow, who may do what, edit
//! conflicts, revisions, scheduling and corrections — through the real router.

#![allow(clippy::unwrap_used)]

#[path = "../common/mod.rs"]
mod common;

use axum::body::Body;
use axum::http::Request;
use common::newsroom::{Browser, PASSWORD, encode, pairs, redirected_id, with};
use common::{TestApp, TestResponse};
use gazette_core::ArticleStatus;
use gazette_core::newsroom::Role;
use gazette_store::Backend;

/// Creates a draft through the newsroom as `browser` and returns its id.
async fn draft(app: &TestApp, browser: &Browser, headline: &str) -> i64 {
    let author = browser.user.author_id.unwrap_or(app.olena);
    draft_with_bylines(app, browser, headline, &[author]).await
}

/// Creates a draft under these bylines as `browser` and returns its id.
async fn draft_with_bylines(
    app: &TestApp,
    browser: &Browser,
    headline: &str,
    bylines: &[i64],
) -> i64 {
    let war = app.war.to_string();
    let bylines: Vec<String> = bylines.iter().map(i64::to_string).collect();
    let mut fields = vec![
        ("headline", headline),
        ("standfirst", "What happened."),
        (
            "body",
            "First paragraph.\n\n> \"We held,\" said a commander.\n",
        ),
        ("section", war.as_str()),
        ("tags", "Kharkiv, Air defence"),
        ("language", "en"),
        ("intent", "save"),
    ];
    fields.extend(bylines.iter().map(|id| ("author", id.as_str())));
    let response = app.post_as(browser, "/newsroom/articles", &fields).await;
    assert_eq!(response.status, 303, "{}", response.body);
    redirected_id(&response)
}

async fn act(app: &TestApp, browser: &Browser, id: i64, action: &str) -> TestResponse {
    app.post_as(
        browser,
        &format!("/newsroom/articles/{id}/workflow"),
        &[("action", action)],
    )
    .await
}

async fn status_of(app: &TestApp, id: i64) -> ArticleStatus {
    app.store.article(id).await.unwrap().unwrap().status
}

/// Signs in through the form, as a browser would; returns the response to the POST.
async fn sign_in(app: &TestApp, email: &str, password: &str, address: &str) -> TestResponse {
    let form = app
        .request(
            Request::get("/newsroom/login")
                .header("x-forwarded-for", address)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let set_cookie = form.header("set-cookie").to_owned();
    let login_cookie = set_cookie.split(';').next().unwrap().to_owned();
    let token = form.attrs("input[name=login_csrf]", "value").remove(0);
    app.post_raw(
        Some(&login_cookie),
        address,
        "/newsroom/login",
        &[
            ("login_csrf", &token),
            ("email", email),
            ("password", password),
            ("next", "/newsroom"),
        ],
    )
    .await
}

fn session_cookie(response: &TestResponse) -> String {
    response
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("gazette_session=") && !v.starts_with("gazette_session=;"))
        .map(|v| v.split(';').next().unwrap().to_owned())
        .unwrap_or_else(|| panic!("no session cookie ({})", response.status))
}

mod accounts;
mod editor;
mod forms;
mod interface_language;
mod live;
mod roles;
mod scheduling;
mod sign_in_limits;
mod writing;
