//! Telegram and pings as an admin and a reader meet them: the newsroom's Telegram page (channels
//! added, changed and removed; failed deliveries shown with Telegram's words and retried), who
//! may use it, the IndexNow key file, and feeds naming their WebSub hub.

#![allow(clippy::unwrap_used)]

mod common;

use common::newsroom::Browser;
use common::{BASE_URL, TestApp, now};
use gazette_core::events::{EventArticle, EventData, EventKind, EventSection, NewEvent};
use gazette_core::newsroom::Role;
use gazette_store::outbox::{
    AttemptRecord, DeliveryStatus, PlannedDelivery, PlannedEvent, channels,
};
use gazette_store::{AuditFilter, Backend, PageRequest};
use gazette_web::state::Distribution;

const KEY: &str = "5e0f6d3c2b1a49f8";

async fn app_with(backend: Backend, distribution: Distribution) -> TestApp {
    let config = gazette_web::SiteConfig {
        distribution,
        ..TestApp::config()
    };
    TestApp::on(backend, config).await
}

async fn admin(app: &TestApp) -> Browser {
    app.signed_in("admin@news.test", Role::Admin).await
}

async fn audit_actions(app: &TestApp) -> Vec<(String, String, String)> {
    app.store
        .audit_log(&AuditFilter::default(), PageRequest::new(1, 50))
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|e| e.entity == "telegram_channel" || e.entity == "delivery")
        .map(|e| (e.action, e.entity, e.detail))
        .collect()
}

async fn admins_add_change_and_remove_channels_and_each_change_is_audited(backend: Backend) {
    let app = app_with(backend, Distribution::default()).await;
    let admin = admin(&app).await;

    let page = app.get_as(&admin, "/newsroom/telegram").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("No bot token is configured"),
        "{}",
        page.body
    );
    assert!(page.body.contains("No channels yet."));

    let war = app.war.to_string();
    let added = app
        .post_as(
            &admin,
            "/newsroom/telegram/channels",
            &[
                ("chat_id", "@gazette_war"),
                ("title", "Gazette: war"),
                ("section", &war),
                ("active", "1"),
                ("with_images", "1"),
            ],
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let channels = app.store.telegram_channels().await.unwrap();
    assert_eq!(channels.len(), 1);
    let channel = &channels[0];
    assert_eq!(
        (channel.chat_id.as_str(), channel.title.as_str()),
        ("@gazette_war", "Gazette: war")
    );
    assert_eq!(channel.section_id, Some(app.war));
    assert!(channel.active && channel.with_images);
    let page = app.get_as(&admin, "/newsroom/telegram").await;
    assert!(page.body.contains("value=\"@gazette_war\""));

    // Switched to every section, off, without images (unticked boxes are simply not sent).
    let path = format!("/newsroom/telegram/channels/{}", channel.id);
    let saved = app
        .post_as(
            &admin,
            &path,
            &[
                ("action", "save"),
                ("chat_id", "@gazette_war"),
                ("title", ""),
                ("section", "all"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let channel = app
        .store
        .telegram_channel(channel.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(channel.section_id, None);
    assert!(!channel.active && !channel.with_images);
    assert_eq!(
        channel.title, "@gazette_war",
        "an empty title falls back to the chat"
    );

    let removed = app.post_as(&admin, &path, &[("action", "remove")]).await;
    assert_eq!(removed.status, 303);
    assert!(app.store.telegram_channels().await.unwrap().is_empty());

    let actions: Vec<_> = audit_actions(&app)
        .await
        .into_iter()
        .map(|(action, _, detail)| format!("{action}: {detail}"))
        .collect();
    assert_eq!(
        actions,
        [
            "delete: @gazette_war".to_owned(),
            "update: @gazette_war (every section, off)".to_owned(),
            format!("create: @gazette_war (section {}, with images)", app.war),
        ]
    );
    app.finish().await;
}

async fn a_bad_chat_or_section_is_refused_and_nothing_is_stored(backend: Backend) {
    let app = app_with(backend, Distribution::default()).await;
    let admin = admin(&app).await;
    for (chat, section, expected) in [
        ("gazette_war", "all", "is not a chat"),
        ("@abc", "all", "is not a channel username"),
        ("@gazette_war", "999999", "999999 does not exist"),
        ("@gazette_war", "war", "Choose a section"),
    ] {
        let refused = app
            .post_as(
                &admin,
                "/newsroom/telegram/channels",
                &[("chat_id", chat), ("section", section), ("active", "1")],
            )
            .await;
        assert_eq!(refused.status, 400, "{chat} {section}");
        assert!(
            refused.body.contains(expected),
            "{chat} {section}: {}",
            refused.body
        );
    }
    assert!(app.store.telegram_channels().await.unwrap().is_empty());

    let fields = [("chat_id", "-1001234567890"), ("section", "all")];
    assert_eq!(
        app.post_as(&admin, "/newsroom/telegram/channels", &fields)
            .await
            .status,
        303
    );
    let twice = app
        .post_as(&admin, "/newsroom/telegram/channels", &fields)
        .await;
    assert_eq!(twice.status, 409, "{}", twice.body);
    assert_eq!(app.store.telegram_channels().await.unwrap().len(), 1);
    assert_eq!(
        audit_actions(&app).await.len(),
        1,
        "refusals are not logged"
    );
    app.finish().await;
}

async fn only_admins_may_see_or_change_the_telegram_page(backend: Backend) {
    let app = app_with(backend, Distribution::default()).await;
    let editor = app.signed_in("editor@news.test", Role::Editor).await;
    assert_eq!(app.get_as(&editor, "/newsroom/telegram").await.status, 403);
    let refused = app
        .post_as(
            &editor,
            "/newsroom/telegram/channels",
            &[("chat_id", "@gazette_war"), ("section", "all")],
        )
        .await;
    assert_eq!(refused.status, 403);
    assert!(app.store.telegram_channels().await.unwrap().is_empty());
    app.finish().await;
}

/// A published-article event with one Telegram delivery, as the outbox stores it.
async fn telegram_delivery(app: &TestApp, headline: &str) -> i64 {
    let event = NewEvent {
        kind: EventKind::ArticlePublished,
        article_id: Some(1),
        occurred_at: now(),
        seq: 1,
        data: EventData {
            article: Some(EventArticle {
                id: 1,
                url: format!("{BASE_URL}/war/story"),
                headline: headline.into(),
                standfirst: String::new(),
                section: EventSection {
                    slug: "war".into(),
                    name: "War".into(),
                },
                language: "en".into(),
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
    let to = from.unwrap_or(0) + 1;
    let planned = PlannedEvent {
        event,
        deliveries: vec![PlannedDelivery {
            channel: channels::TELEGRAM,
            target: "@gazette_war".into(),
        }],
    };
    let ids = app
        .store
        .record_events(from, to, &[planned], now())
        .await
        .unwrap();
    app.store.event_deliveries(ids[0]).await.unwrap()[0].id
}

async fn a_refused_post_shows_telegrams_words_and_can_be_retried(backend: Backend) {
    let app = app_with(
        backend,
        Distribution {
            telegram_configured: true,
            ..Distribution::default()
        },
    )
    .await;
    let admin = admin(&app).await;
    let delivery = telegram_delivery(&app, "Ceasefire talks").await;
    // What the Telegram courier records when Telegram answers 400.
    app.store
        .record_attempt(
            delivery,
            &AttemptRecord {
                status: DeliveryStatus::Failed,
                next_attempt_at: now(),
                status_code: Some(400),
                error: Some("Telegram: Bad Request: chat not found".into()),
                duration_ms: 40,
                at: now(),
            },
        )
        .await
        .unwrap();

    let page = app.get_as(&admin, "/newsroom/telegram").await;
    assert!(page.body.contains("A bot token is configured"));
    let html = page.html();
    let row = html
        .select(&scraper::Selector::parse("tr.delivery--failed").unwrap())
        .next()
        .expect("the failed delivery is listed");
    let text = row.text().collect::<String>();
    assert!(text.contains("Ceasefire talks"), "{text}");
    assert!(text.contains("@gazette_war"), "{text}");
    assert!(
        text.contains("400 Telegram: Bad Request: chat not found"),
        "{text}"
    );
    assert!(text.contains("Retry"), "{text}");

    let retried = app
        .post_as(
            &admin,
            &format!("/newsroom/telegram/deliveries/{delivery}/retry"),
            &[],
        )
        .await;
    assert_eq!(retried.status, 303, "{}", retried.body);
    let event = app
        .store
        .delivery(delivery)
        .await
        .unwrap()
        .unwrap()
        .event_id;
    let all = app.store.event_deliveries(event).await.unwrap();
    assert_eq!(all.len(), 2, "a new delivery of the same event");
    assert!(
        all.iter()
            .any(|d| d.status == DeliveryStatus::Pending && d.target == "@gazette_war")
    );
    assert_eq!(
        audit_actions(&app).await[0].0,
        "redeliver",
        "the retry is audited"
    );

    // A delivery still being tried cannot be retried on top of itself.
    let pending = all
        .iter()
        .find(|d| d.status == DeliveryStatus::Pending)
        .unwrap();
    let refused = app
        .post_as(
            &admin,
            &format!("/newsroom/telegram/deliveries/{}/retry", pending.id),
            &[],
        )
        .await;
    assert_eq!(refused.status, 409);
    assert_eq!(app.store.event_deliveries(event).await.unwrap().len(), 2);
    app.finish().await;
}

async fn the_indexnow_key_file_is_served_only_while_a_key_is_configured(backend: Backend) {
    let app = app_with(
        backend,
        Distribution {
            indexnow_key: Some(KEY.into()),
            ..Distribution::default()
        },
    )
    .await;
    let file = app.get(&format!("/{KEY}.txt")).await;
    assert_eq!(file.status, 200);
    assert_eq!(file.body, KEY);
    assert!(
        file.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    assert_eq!(app.get("/0000000000000000.txt").await.status, 404);
    app.finish().await;

    let app = app_with(backend, Distribution::default()).await;
    assert_eq!(app.get(&format!("/{KEY}.txt")).await.status, 404);
    app.finish().await;
}

async fn feeds_name_the_websub_hub_when_one_is_configured(backend: Backend) {
    let hub = "https://hub.example/";
    let app = app_with(
        backend,
        Distribution {
            websub_hub: Some(hub.into()),
            ..Distribution::default()
        },
    )
    .await;
    let atom = app.get("/feeds/atom.xml").await.body;
    assert!(
        atom.contains(&format!("<link rel=\"hub\" href=\"{hub}\"/>")),
        "{atom}"
    );
    let rss = app.get("/feeds/sections/war/rss.xml").await.body;
    assert!(
        rss.contains(&format!("<atom:link href=\"{hub}\" rel=\"hub\"/>")),
        "{rss}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&app.get("/feeds/feed.json").await.body).unwrap();
    assert_eq!(
        json["hubs"],
        serde_json::json!([{ "type": "WebSub", "url": hub }])
    );
    let tags = app.get("/feeds/authors/olena/atom.xml").await;
    assert!(
        !tags.body.contains("rel=\"hub\""),
        "a feed the hub is not told about names no hub"
    );
    app.finish().await;

    let app = app_with(backend, Distribution::default()).await;
    assert!(
        !app.get("/feeds/atom.xml")
            .await
            .body
            .contains("rel=\"hub\"")
    );
    app.finish().await;
}

on_sqlite_and_postgres!(
    admins_add_change_and_remove_channels_and_each_change_is_audited,
    a_bad_chat_or_section_is_refused_and_nothing_is_stored,
    only_admins_may_see_or_change_the_telegram_page,
    a_refused_post_shows_telegrams_words_and_can_be_retried,
    the_indexnow_key_file_is_served_only_while_a_key_is_configured,
    feeds_name_the_websub_hub_when_one_is_configured,
);
