//! Consumers' keys: checked against the store on every request, counted in batches, held to
//! their own rate; made, listed and revoked by admins on a newsroom page.

use axum::http::StatusCode;
use gazette_core::newsroom::Role;
use gazette_store::Backend;
use gazette_store::api_keys::NewContentApiKey;

crate::on_sqlite_and_postgres!(keys_are_checked_counted_and_rate_limited);

use super::common::{TestApp, now};
use super::{error, get_with};

async fn make_key(app: &TestApp, secret: &str, rate_limit: u32) -> i64 {
    app.store
        .create_content_api_key(
            NewContentApiKey {
                name: "Partner site".into(),
                prefix: secret.chars().take(10).collect(),
                key_hash: gazette_web::api::content::keys::key_hash(secret),
                rate_limit,
            },
            None,
            now(),
        )
        .await
        .unwrap()
        .id
}

async fn keys_are_checked_counted_and_rate_limited(backend: Backend) {
    let app = TestApp::on(backend, TestApp::config()).await;
    app.publish_headline("Counted").await;
    let id = make_key(&app, "gzk_partner_secret", 3).await;

    let unknown = app.get("/api/v1/articles?key=gzk_nobody").await;
    let message = error(&unknown, StatusCode::UNAUTHORIZED);
    assert!(message.contains("key"), "{message}");
    let unknown_header = get_with(&app, "/api/v1/sections", &[("x-gazette-key", "nope")]).await;
    error(&unknown_header, StatusCode::UNAUTHORIZED);

    // The anonymous answer is cached; keyed requests still reach the gate and are counted.
    assert_eq!(app.get("/api/v1/articles").await.status, StatusCode::OK);
    let by_query = app.get("/api/v1/articles?key=gzk_partner_secret").await;
    assert_eq!(by_query.status, StatusCode::OK, "{}", by_query.body);
    let by_header = get_with(
        &app,
        "/api/v1/articles",
        &[("x-gazette-key", "gzk_partner_secret")],
    )
    .await;
    assert_eq!(by_header.status, StatusCode::OK, "{}", by_header.body);
    assert_eq!(
        app.get("/api/v1/tags?key=gzk_partner_secret").await.status,
        StatusCode::OK
    );
    let limited = app.get("/api/v1/articles?key=gzk_partner_secret").await;
    error(&limited, StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = limited.header("retry-after").parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    // Anonymous readers are not held back by a consumer's limit.
    assert_eq!(app.get("/api/v1/articles").await.status, StatusCode::OK);

    // Counts are written in batches, a second after the first.
    tokio::time::sleep(std::time::Duration::from_millis(1600)).await;
    let key = app
        .store
        .content_api_keys()
        .await
        .unwrap()
        .into_iter()
        .find(|k| k.id == id)
        .unwrap();
    assert_eq!(key.request_count, 3);
    assert!(key.last_used_at.is_some());

    app.store
        .revoke_content_api_key(id, None, now())
        .await
        .unwrap();
    let revoked = app.get("/api/v1/sections?key=gzk_partner_secret").await;
    let message = error(&revoked, StatusCode::UNAUTHORIZED);
    assert!(message.contains("revoked"), "{message}");
    app.finish().await;
}

#[tokio::test]
async fn admins_make_a_key_that_is_shown_once_see_its_use_and_revoke_it() {
    let app = TestApp::init().await;
    let admin = app.signed_in("admin@news.test", Role::Admin).await;
    let made = app
        .post_as(
            &admin,
            "/newsroom/api-keys",
            &[("name", "Partner site"), ("rate_limit", "120")],
        )
        .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    let secret = made.text("code.secret");
    assert!(secret.starts_with("gzk_"), "{secret}");
    let answered = get_with(&app, "/api/v1/sections", &[("x-gazette-key", &secret)]).await;
    assert_eq!(answered.status, StatusCode::OK, "{}", answered.body);
    // Past the cache, the validator still holds.
    let etag = answered.header("etag").to_owned();
    let unchanged = get_with(
        &app,
        "/api/v1/sections",
        &[("x-gazette-key", &secret), ("if-none-match", &etag)],
    )
    .await;
    assert_eq!(unchanged.status, StatusCode::NOT_MODIFIED);
    assert_eq!(unchanged.header("etag"), etag);

    // Listed with its rate, never with the secret again.
    let list = app.get_as(&admin, "/newsroom/api-keys").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Partner site"));
    assert!(list.body.contains("120"));
    assert!(!list.body.contains(&secret));
    let key = app.store.content_api_keys().await.unwrap().remove(0);

    let refused = app
        .post_as(
            &admin,
            "/newsroom/api-keys",
            &[("name", "Bad"), ("rate_limit", "0")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.store.content_api_keys().await.unwrap().len(), 1);

    // Only admins.
    let editor = app.signed_in("editor@news.test", Role::Editor).await;
    let forbidden = app.get_as(&editor, "/newsroom/api-keys").await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);

    let revoked = app
        .post_as(
            &admin,
            &format!("/newsroom/api-keys/{}/revoke", key.id),
            &[],
        )
        .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER, "{}", revoked.body);
    let refused = get_with(&app, "/api/v1/sections", &[("x-gazette-key", &secret)]).await;
    error(&refused, StatusCode::UNAUTHORIZED);
    app.finish().await;
}
