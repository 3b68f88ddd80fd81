//! Tokens: who they say is calling, and when they stop working.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use chrono::Duration;
use gazette_core::newsroom::Role;
use gazette_store::{ApiScope, UserChange};
use gazette_web::api::admin::auth::REQUESTS_PER_MINUTE;
use gazette_web::api::admin::tokens::secret_hash;

use super::common::TestApp;
use super::{call, person_with_token, send, token};

const ME: &str = "/api/admin/v1/me";

#[tokio::test]
async fn me_names_the_tokens_person_scopes_and_expiry_and_notes_its_use() {
    let app = TestApp::init().await;
    let user = app.add_user("olena.k@news.test", Role::Editor).await;
    let secret = token(
        &app,
        &user,
        "CMS sync",
        &[ApiScope::ReadDrafts, ApiScope::Live],
    )
    .await;
    let answer = call(&app, Method::GET, ME, Some(&secret), None).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.response.body);
    assert_eq!(answer.json["person"]["email"], "olena.k@news.test");
    assert_eq!(answer.json["person"]["role"], "editor");
    assert_eq!(answer.json["token"]["name"], "CMS sync");
    assert_eq!(
        answer.json["token"]["scopes"],
        serde_json::json!(["read_drafts", "live"])
    );
    assert_eq!(answer.json["token"]["expires_at"], "2025-04-30T12:00:00Z");
    let (stored, _) = app
        .store
        .api_token_by_hash(&secret_hash(&secret))
        .await
        .unwrap()
        .unwrap();
    assert!(
        stored.last_used_at.is_some(),
        "last use is shown in the newsroom"
    );
    assert!(!stored.last_used_address.is_empty());
    app.finish().await;
}

#[tokio::test]
async fn missing_malformed_unknown_revoked_and_expired_tokens_get_401_with_a_reason() {
    let app = TestApp::init().await;
    let (user, secret) = person_with_token(&app, "olena@news.test", Role::Editor).await;
    let unknown = format!("gzt_{}", "A".repeat(43));
    let cases: Vec<(Option<String>, &str)> = vec![
        (None, "Authorization: Bearer"),
        (Some("Basic b2xlbmE6cGFzcw==".into()), "must be `Bearer`"),
        (Some("Bearer not-a-token".into()), "start with gzt_"),
        (Some(format!("Bearer {unknown}")), "not known here"),
    ];
    for (header, says) in cases {
        let mut request = Request::get(ME);
        if let Some(header) = &header {
            request = request.header("authorization", header);
        }
        let answer = send(&app, request.body(Body::empty()).unwrap()).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{header:?}");
        assert!(
            answer.message().contains(says),
            "{header:?}: {}",
            answer.message()
        );
        assert!(
            answer
                .response
                .header("www-authenticate")
                .starts_with("Bearer")
        );
        assert_eq!(answer.response.header("cache-control"), "no-store");
    }

    // Expired: the clock passes its 30 days.
    let later = token(&app, &user, "short", &[ApiScope::ReadDrafts]).await;
    app.advance_clock(Duration::days(31).num_seconds());
    let expired = call(&app, Method::GET, ME, Some(&later), None).await;
    assert_eq!(expired.status, StatusCode::UNAUTHORIZED);
    assert!(
        expired.message().contains("expired on 2025-04-30"),
        "{}",
        expired.message()
    );

    // Revoked.
    let (stored, _) = app
        .store
        .api_token_by_hash(&secret_hash(&secret))
        .await
        .unwrap()
        .unwrap();
    let actor = gazette_store::Actor {
        user_id: Some(user.id),
        name: user.name.clone(),
        address: String::new(),
    };
    gazette_web::api::admin::tokens::revoke(&app.store, &stored, &actor, common_now(&app))
        .await
        .unwrap();
    let revoked = call(&app, Method::GET, ME, Some(&secret), None).await;
    assert_eq!(revoked.status, StatusCode::UNAUTHORIZED);
    assert!(
        revoked.message().contains("revoked"),
        "{}",
        revoked.message()
    );
    app.finish().await;
}

fn common_now(app: &TestApp) -> chrono::DateTime<chrono::Utc> {
    app.state.now()
}

#[tokio::test]
async fn a_disabled_persons_tokens_stop_working() {
    let app = TestApp::init().await;
    let (user, secret) = person_with_token(&app, "taras@news.test", Role::Author).await;
    assert_eq!(
        call(&app, Method::GET, ME, Some(&secret), None)
            .await
            .status,
        StatusCode::OK
    );
    app.store
        .update_user(
            user.id,
            UserChange {
                name: user.name.clone(),
                role: user.role,
                disabled: true,
                author_id: user.author_id,
            },
            None,
        )
        .await
        .unwrap();
    let answer = call(&app, Method::GET, ME, Some(&secret), None).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert!(
        answer.message().contains("disabled"),
        "{}",
        answer.message()
    );
    app.finish().await;
}

#[tokio::test]
async fn a_token_is_limited_per_minute_with_retry_after_and_others_are_not() {
    let app = TestApp::init().await;
    let (user, busy) = person_with_token(&app, "olena@news.test", Role::Editor).await;
    let quiet = token(&app, &user, "quiet", &[ApiScope::ReadDrafts]).await;
    for _ in 0..REQUESTS_PER_MINUTE {
        let answer = call(&app, Method::GET, ME, Some(&busy), None).await;
        assert_eq!(answer.status, StatusCode::OK);
    }
    let limited = call(&app, Method::GET, ME, Some(&busy), None).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.code(), "rate_limited");
    assert_eq!(limited.response.header("retry-after"), "60");
    assert_eq!(
        call(&app, Method::GET, ME, Some(&quiet), None).await.status,
        StatusCode::OK,
        "the limit is the token's own"
    );
    super::next_minute(&app);
    assert_eq!(
        call(&app, Method::GET, ME, Some(&busy), None).await.status,
        StatusCode::OK,
        "a new minute, a new allowance"
    );
    app.finish().await;
}
