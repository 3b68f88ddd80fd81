//! Articles through the Admin API: every endpoint, the newsroom's rules through tokens, stale
//! updates, and the audit log naming the token.

use axum::http::{Method, StatusCode};
use gazette_core::newsroom::Role;
use gazette_store::{ApiScope, AuditFilter, PageRequest};
use serde_json::json;

use super::common::TestApp;
use super::{call, draft, person_with_token, token};

#[tokio::test]
async fn an_editor_writes_publishes_corrects_and_unpublishes_through_the_api() {
    let app = TestApp::init().await;
    let (_, secret) = person_with_token(&app, "olena@news.test", Role::Editor).await;
    let t = Some(secret.as_str());
    let (id, revision) = draft(&app, &secret, "Kharkiv under fire").await;
    let path = format!("/api/admin/v1/articles/{id}");

    let read = call(&app, Method::GET, &path, t, None).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.json["status"], "draft");
    assert_eq!(read.json["revision"], revision);
    assert_eq!(read.json["section_id"], app.war);

    let listed = call(
        &app,
        Method::GET,
        "/api/admin/v1/articles?status=draft",
        t,
        None,
    )
    .await;
    assert_eq!(listed.status, StatusCode::OK);
    assert_eq!(listed.json["total"], 1);
    assert_eq!(listed.json["articles"][0]["headline"], "Kharkiv under fire");

    let updated = call(
        &app,
        Method::PATCH,
        &path,
        t,
        Some(json!({"base_revision": revision, "standfirst": "The night in brief.", "tags": ["Kharkiv"]})),
    )
    .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.response.body);
    assert_eq!(updated.json["standfirst"], "The night in brief.");
    assert_eq!(updated.json["headline"], "Kharkiv under fire", "kept");
    assert_eq!(updated.json["tags"], json!(["Kharkiv"]));
    assert_ne!(updated.json["revision"], revision);

    let submitted = call(&app, Method::POST, &format!("{path}/submit"), t, None).await;
    assert_eq!(
        submitted.status,
        StatusCode::OK,
        "{}",
        submitted.response.body
    );
    assert_eq!(submitted.json["status"], "in_review");

    let published = call(&app, Method::POST, &format!("{path}/publish"), t, None).await;
    assert_eq!(
        published.status,
        StatusCode::OK,
        "{}",
        published.response.body
    );
    assert_eq!(published.json["status"], "published");
    let page = app
        .get(&format!(
            "/war/{}",
            published.json["slug"].as_str().unwrap()
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK, "readers see it");

    let note = call(
        &app,
        Method::POST,
        &format!("{path}/corrections"),
        t,
        Some(json!({"kind": "correction", "text": "An earlier version misnamed the district."})),
    )
    .await;
    assert_eq!(note.status, StatusCode::CREATED, "{}", note.response.body);
    assert_eq!(note.json["kind"], "correction");
    assert_eq!(app.store.corrections(id).await.unwrap().len(), 1);

    let down = call(&app, Method::POST, &format!("{path}/unpublish"), t, None).await;
    assert_eq!(down.status, StatusCode::OK);
    assert_eq!(down.json["status"], "unpublished");
    app.finish().await;
}

#[tokio::test]
async fn scheduling_takes_the_newsrooms_time_rules() {
    let app = TestApp::init().await;
    let (_, secret) = person_with_token(&app, "olena@news.test", Role::Editor).await;
    let (id, _) = draft(&app, &secret, "Tomorrow").await;
    let path = format!("/api/admin/v1/articles/{id}/schedule");
    let past = call(
        &app,
        Method::POST,
        &path,
        Some(&secret),
        Some(json!({"publish_at": "2020-01-01T00:00:00Z"})),
    )
    .await;
    assert_eq!(
        past.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        past.response.body
    );
    let later = call(
        &app,
        Method::POST,
        &path,
        Some(&secret),
        Some(json!({"publish_at": "2025-04-01T08:00:00Z"})),
    )
    .await;
    assert_eq!(later.status, StatusCode::OK, "{}", later.response.body);
    assert_eq!(later.json["status"], "scheduled");
    assert_eq!(later.json["published_at"], "2025-04-01T08:00:00Z");
    app.finish().await;
}

#[tokio::test]
async fn a_token_never_does_more_than_its_persons_role() {
    let app = TestApp::init().await;
    let (_, contributor) = person_with_token(&app, "intern@news.test", Role::Contributor).await;
    let (_, author) = person_with_token(&app, "taras@news.test", Role::Author).await;
    let (own, _) = draft(&app, &contributor, "Intern's piece").await;

    // Every scope, and still no publishing for a contributor.
    let publish = call(
        &app,
        Method::POST,
        &format!("/api/admin/v1/articles/{own}/publish"),
        Some(&contributor),
        None,
    )
    .await;
    assert_eq!(
        publish.status,
        StatusCode::FORBIDDEN,
        "{}",
        publish.response.body
    );
    let stored = app.store.article(own).await.unwrap().unwrap();
    assert_eq!(
        stored.status,
        gazette_core::ArticleStatus::Draft,
        "nothing changed"
    );

    // A colleague's draft is closed to an author, to read and to edit.
    let read = call(
        &app,
        Method::GET,
        &format!("/api/admin/v1/articles/{own}"),
        Some(&author),
        None,
    )
    .await;
    assert_eq!(read.status, StatusCode::FORBIDDEN);
    let listed = call(
        &app,
        Method::GET,
        "/api/admin/v1/articles",
        Some(&author),
        None,
    )
    .await;
    assert_eq!(
        listed.json["total"], 0,
        "nor listed: {}",
        listed.response.body
    );
    app.finish().await;
}

#[tokio::test]
async fn publishing_waits_for_alt_text_as_in_the_newsroom() {
    let app = TestApp::init().await;
    let (_, secret) = person_with_token(&app, "olena@news.test", Role::Editor).await;
    let made = call(
        &app,
        Method::POST,
        "/api/admin/v1/articles",
        Some(&secret),
        Some(json!({"headline": "Pictures", "section_id": app.war, "body_markdown": "![](/media/x.jpg)"})),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.response.body);
    let id = made.json["id"].as_i64().unwrap();
    let answer = call(
        &app,
        Method::POST,
        &format!("/api/admin/v1/articles/{id}/publish"),
        Some(&secret),
        None,
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        answer.message().contains("alt text"),
        "{}",
        answer.message()
    );
    app.finish().await;
}

#[tokio::test]
async fn a_stale_update_is_refused_with_409_and_the_current_revision() {
    let app = TestApp::init().await;
    let (_, olena) = person_with_token(&app, "olena@news.test", Role::Editor).await;
    let (_, petro) = person_with_token(&app, "petro@news.test", Role::Editor).await;
    let (id, first) = draft(&app, &olena, "Two editors").await;
    let path = format!("/api/admin/v1/articles/{id}");
    let theirs = call(
        &app,
        Method::PATCH,
        &path,
        Some(&petro),
        Some(json!({"base_revision": first, "headline": "Petro's headline"})),
    )
    .await;
    assert_eq!(theirs.status, StatusCode::OK);
    let current = theirs.json["revision"].as_i64().unwrap();

    for token in [&olena, &petro] {
        let stale = call(
            &app,
            Method::PATCH,
            &path,
            Some(token),
            Some(json!({"base_revision": first, "headline": "Mine"})),
        )
        .await;
        assert_eq!(
            stale.status,
            StatusCode::CONFLICT,
            "{}",
            stale.response.body
        );
        assert_eq!(stale.json["current_revision"], current);
        assert_eq!(stale.code(), "conflict");
    }
    let stored = app.store.article(id).await.unwrap().unwrap();
    assert_eq!(stored.headline, "Petro's headline", "nothing overwritten");
    app.finish().await;
}

#[tokio::test]
async fn every_change_is_audited_with_the_tokens_name() {
    let app = TestApp::init().await;
    let user = app
        .add_user("olena.kovalenko@news.test", Role::Editor)
        .await;
    let secret = token(&app, &user, "CMS sync", &ApiScope::ALL).await;
    let (id, _) = draft(&app, &secret, "Audited").await;
    call(
        &app,
        Method::POST,
        &format!("/api/admin/v1/articles/{id}/publish"),
        Some(&secret),
        None,
    )
    .await;
    let log = app
        .store
        .audit_log(
            &AuditFilter {
                entity: Some("article".into()),
                ..AuditFilter::default()
            },
            PageRequest::new(1, 20),
        )
        .await
        .unwrap();
    let ours: Vec<_> = log
        .items
        .iter()
        .filter(|e| e.entity_id == Some(id))
        .collect();
    assert!(ours.len() >= 2, "{ours:?}");
    for entry in ours {
        assert_eq!(
            entry.actor,
            "olena kovalenko (token \u{201c}CMS sync\u{201d})"
        );
        assert_eq!(entry.user_id, Some(user.id));
    }
    app.finish().await;
}
