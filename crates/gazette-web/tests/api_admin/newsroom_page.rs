//! The newsroom's token page: made there, shown once, listed with its last use, revoked by its
//! person or an admin and by nobody else.

use axum::http::{Method, StatusCode};
use gazette_core::newsroom::Role;

use super::call;
use super::common::TestApp;

const PAGE: &str = "/newsroom/account/tokens";

#[tokio::test]
async fn a_person_makes_a_token_sees_it_once_and_revokes_it() {
    let app = TestApp::init().await;
    let olena = app.signed_in("olena@news.test", Role::Author).await;
    let made = app
        .post_as(
            &olena,
            PAGE,
            &[
                ("name", "CMS sync"),
                ("scope", "read_drafts"),
                ("scope", "publish"),
                ("days", "30"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let secret = made
        .attrs("input.secret", "value")
        .into_iter()
        .next()
        .expect("the secret is shown");
    assert!(secret.starts_with("gzt_"));

    let me = call(&app, Method::GET, "/api/admin/v1/me", Some(&secret), None).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(
        me.json["token"]["scopes"],
        serde_json::json!(["read_drafts", "publish"])
    );

    let listed = app.get_as(&olena, PAGE).await;
    assert_eq!(listed.status, StatusCode::OK);
    assert!(listed.body.contains("CMS sync"));
    assert!(!listed.body.contains(&secret), "shown once, never again");
    assert!(!listed.body.contains("never</td>"), "its use is shown");

    // A colleague cannot revoke it; an admin can.
    let id = app.store.api_tokens(Some(olena.user.id)).await.unwrap()[0]
        .id
        .to_string();
    let taras = app.signed_in("taras@news.test", Role::Editor).await;
    let refused = app
        .post_as(&taras, &format!("{PAGE}/revoke"), &[("token_id", &id)])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let admin = app.signed_in("admin@news.test", Role::Admin).await;
    let everyone = app.get_as(&admin, PAGE).await;
    assert!(everyone.body.contains("CMS sync"), "admins see everyone's");
    let revoked = app
        .post_as(&admin, &format!("{PAGE}/revoke"), &[("token_id", &id)])
        .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    let after = call(&app, Method::GET, "/api/admin/v1/me", Some(&secret), None).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    app.finish().await;
}

#[tokio::test]
async fn a_token_form_with_a_mistake_makes_nothing() {
    let app = TestApp::init().await;
    let olena = app.signed_in("olena@news.test", Role::Author).await;
    for (fields, status) in [
        (
            vec![("name", ""), ("scope", "read_drafts")],
            StatusCode::BAD_REQUEST,
        ),
        (vec![("name", "x")], StatusCode::BAD_REQUEST),
        (
            vec![("name", "x"), ("scope", "everything")],
            StatusCode::BAD_REQUEST,
        ),
        (
            vec![("name", "x"), ("scope", "read_drafts"), ("days", "400")],
            StatusCode::BAD_REQUEST,
        ),
        (
            vec![("name", "x"), ("scope", "admin")],
            StatusCode::FORBIDDEN,
        ),
    ] {
        let answer = app.post_as(&olena, PAGE, &fields).await;
        assert_eq!(answer.status, status, "{fields:?}: {}", answer.body);
        assert!(answer.count("input.secret") == 0, "{fields:?}");
    }
    assert!(app.store.api_tokens(None).await.unwrap().is_empty());
    app.finish().await;
}
