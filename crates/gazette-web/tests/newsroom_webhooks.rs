//! Webhooks as an admin meets them in the newsroom: endpoints added with their events, the secret
//! shown and regenerated, bad addresses refused with a clear message, the delivery log with its
//! "Redeliver" button, who may use the pages, and the audit log.

#![allow(clippy::unwrap_used)]

mod common;

use common::newsroom::Browser;
use common::{TestApp, now};
use gazette_core::events::{EventArticle, EventData, EventKind, EventSection, NewEvent};
use gazette_core::newsroom::Role;
use gazette_store::outbox::{DeliveryStatus, PlannedDelivery, PlannedEvent, channels};
use gazette_store::{AuditFilter, Backend, PageRequest};

async fn app_with(backend: Backend, allow_private: bool) -> TestApp {
    let config = gazette_web::SiteConfig {
        webhooks_allow_private: allow_private,
        ..TestApp::config()
    };
    TestApp::on(backend, config).await
}

async fn admin(app: &TestApp) -> Browser {
    app.signed_in("admin@news.test", Role::Admin).await
}

async fn audit_actions(app: &TestApp) -> Vec<String> {
    app.store
        .audit_log(&AuditFilter::default(), PageRequest::new(1, 50))
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|e| e.entity == "webhook")
        .map(|e| format!("{}: {}", e.action, e.detail))
        .collect()
}

async fn add(app: &TestApp, admin: &Browser, url: &str, events: &[&str]) -> common::TestResponse {
    let mut fields = vec![("url", url), ("description", "Partner"), ("active", "1")];
    fields.extend(events.iter().map(|e| ("events", *e)));
    app.post_as(admin, "/newsroom/webhooks", &fields).await
}

async fn admins_add_change_and_delete_endpoints_and_see_their_secret(backend: Backend) {
    let app = app_with(backend, false).await;
    let admin = admin(&app).await;
    let page = app.get_as(&admin, "/newsroom/webhooks").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("No endpoints yet."));

    let added = add(
        &app,
        &admin,
        "https://partner.example/hooks",
        &["article.published", "breaking.set"],
    )
    .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let endpoints = app.store.webhook_endpoints().await.unwrap();
    assert_eq!(endpoints.len(), 1);
    let endpoint = &endpoints[0];
    assert_eq!(
        endpoint.events,
        [EventKind::ArticlePublished, EventKind::BreakingSet]
    );
    assert!(endpoint.active && endpoint.secret.starts_with("whsec_"));
    let path = format!("/newsroom/webhooks/{}", endpoint.id);
    let page = app.get_as(&admin, &path).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&endpoint.secret), "the secret is shown");
    assert!(page.body.contains("Nothing sent yet."));

    let regenerated = app.post_as(&admin, &path, &[("action", "secret")]).await;
    assert_eq!(regenerated.status, 303);
    let after = app
        .store
        .webhook_endpoint(endpoint.id)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(after.secret, endpoint.secret, "a new secret");

    // Switched off and to another event (an unticked box is not sent at all).
    let saved = app
        .post_as(
            &admin,
            &path,
            &[
                ("action", "save"),
                ("url", "https://partner.example/v2"),
                ("events", "correction.added"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let after = app
        .store
        .webhook_endpoint(endpoint.id)
        .await
        .unwrap()
        .unwrap();
    assert!(!after.active);
    assert_eq!(after.url, "https://partner.example/v2");
    assert_eq!(after.events, [EventKind::CorrectionAdded]);

    let deleted = app.post_as(&admin, &path, &[("action", "delete")]).await;
    assert_eq!(deleted.status, 303);
    assert!(app.store.webhook_endpoints().await.unwrap().is_empty());
    assert_eq!(app.get_as(&admin, &path).await.status, 404);
    assert_eq!(
        audit_actions(&app).await,
        [
            "delete: https://partner.example/v2",
            "update: https://partner.example/v2 (correction.added; off)",
            "regenerate_secret: https://partner.example/hooks",
            "create: https://partner.example/hooks (article.published, breaking.set)",
        ]
    );
    app.finish().await;
}

async fn bad_addresses_and_missing_events_are_refused_and_nothing_is_stored(backend: Backend) {
    let app = app_with(backend, false).await;
    let admin = admin(&app).await;
    for (url, events, expected) in [
        (
            "ftp://partner.example/",
            &["article.published"][..],
            "must start with http:// or https://",
        ),
        (
            "javascript:alert(1)",
            &["article.published"],
            "must start with http:// or https://",
        ),
        (
            "http://127.0.0.1:9000/hook",
            &["article.published"],
            "private or local address",
        ),
        (
            "http://localhost/hook",
            &["article.published"],
            "private or local address",
        ),
        (
            "http://169.254.169.254/latest",
            &["article.published"],
            "private or local address",
        ),
        (
            "https://user:pw@partner.example/",
            &["article.published"],
            "user name or password",
        ),
        ("https://partner.example/", &[], "Choose at least one event"),
        (
            "https://partner.example/",
            &["article.deleted"],
            "There is no event",
        ),
    ] {
        let refused = add(&app, &admin, url, events).await;
        assert_eq!(refused.status, 400, "{url}");
        assert!(refused.body.contains(expected), "{url}: {}", refused.body);
    }
    assert!(app.store.webhook_endpoints().await.unwrap().is_empty());
    assert!(
        audit_actions(&app).await.is_empty(),
        "refusals are not logged"
    );
    app.finish().await;

    // A local setup that allows private addresses may use one.
    let app = app_with(backend, true).await;
    let local_admin = self::admin(&app).await;
    let added = add(
        &app,
        &local_admin,
        "http://127.0.0.1:9000/hook",
        &["article.published"],
    )
    .await;
    assert_eq!(added.status, 303, "{}", added.body);
    app.finish().await;
}

async fn only_admins_may_see_or_change_webhooks(backend: Backend) {
    let app = app_with(backend, false).await;
    let editor = app.signed_in("editor@news.test", Role::Editor).await;
    assert_eq!(app.get_as(&editor, "/newsroom/webhooks").await.status, 403);
    let refused = add(
        &app,
        &editor,
        "https://partner.example/hooks",
        &["article.published"],
    )
    .await;
    assert_eq!(refused.status, 403);
    assert!(app.store.webhook_endpoints().await.unwrap().is_empty());
    app.finish().await;
}

async fn the_delivery_log_shows_each_delivery_and_redeliver_queues_a_new_one(backend: Backend) {
    let app = app_with(backend, false).await;
    let admin = admin(&app).await;
    add(
        &app,
        &admin,
        "https://partner.example/hooks",
        &["article.published"],
    )
    .await;
    let endpoint = app.store.webhook_endpoints().await.unwrap()[0].clone();
    let event = NewEvent {
        kind: EventKind::ArticlePublished,
        article_id: Some(1),
        occurred_at: now(),
        seq: 1,
        data: EventData {
            article: Some(EventArticle {
                id: 1,
                url: "https://news.example.com/war/dam".into(),
                headline: "Dam repaired".into(),
                standfirst: String::new(),
                section: EventSection {
                    slug: "war".into(),
                    name: "War".into(),
                },
                language: "uk".into(),
                authors: vec![],
                tags: vec![],
                published_at: Some(now()),
                updated_at: now(),
                image_url: None,
                image_alt: None,
            }),
            ..EventData::default()
        },
    };
    let from = app.store.outbox_cursor().await.unwrap();
    let planned = PlannedEvent {
        event,
        deliveries: vec![PlannedDelivery {
            channel: channels::WEBHOOK,
            target: endpoint.id.to_string(),
        }],
    };
    let ids = app
        .store
        .record_events(from, from.unwrap_or(0) + 1, &[planned], now())
        .await
        .unwrap();
    let first = app.store.event_deliveries(ids[0]).await.unwrap()[0].clone();

    let path = format!("/newsroom/webhooks/{}", endpoint.id);
    let page = app.get_as(&admin, &path).await;
    assert!(page.body.contains("article.published"));
    assert!(page.body.contains("Dam repaired"));
    assert!(page.body.contains("Waiting"));

    let redeliver = format!("/newsroom/webhooks/deliveries/{}/redeliver", first.id);
    let queued = app.post_as(&admin, &redeliver, &[]).await;
    assert_eq!(queued.status, 303, "{}", queued.body);
    let log = app.store.webhook_deliveries(endpoint.id, 10).await.unwrap();
    assert_eq!(log.len(), 2);
    let again = &log[0].delivery;
    assert_ne!(again.id, first.id);
    assert_eq!(again.event_id, first.event_id);
    assert_eq!(again.status, DeliveryStatus::Pending);
    let back = queued.header("location").to_owned();
    assert_eq!(back, format!("{path}?notice=redelivered"));
    let page = app.get_as(&admin, &back).await;
    assert!(page.body.contains("Delivery queued"), "{}", page.body);
    assert!(audit_actions(&app).await[0].starts_with("redeliver: event"));

    let unknown = app
        .post_as(
            &admin,
            "/newsroom/webhooks/deliveries/999999/redeliver",
            &[],
        )
        .await;
    assert_eq!(unknown.status, 404);
    let editor = app.signed_in("editor@news.test", Role::Editor).await;
    assert_eq!(app.post_as(&editor, &redeliver, &[]).await.status, 403);
    assert_eq!(
        app.store
            .webhook_deliveries(endpoint.id, 10)
            .await
            .unwrap()
            .len(),
        2,
        "refused redeliveries queue nothing"
    );
    app.finish().await;
}

on_sqlite_and_postgres!(
    admins_add_change_and_delete_endpoints_and_see_their_secret,
    bad_addresses_and_missing_events_are_refused_and_nothing_is_stored,
    only_admins_may_see_or_change_webhooks,
    the_delivery_log_shows_each_delivery_and_redeliver_queues_a_new_one,
);
