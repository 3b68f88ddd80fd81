//! WebSub and IndexNow pings against local fakes that record what they receive: the bodies a hub
//! and a search engine would get when an article is published, and how their refusals count.

#![allow(clippy::unwrap_used)]

mod support;

use chrono::{DateTime, TimeZone, Utc};
use gazette_core::events::{Event, EventArticle, EventData, EventKind, EventSection, NewEvent};
use gazette_node::outbox::courier::{Courier, Delivery, Outcome};
use gazette_node::outbox::pings::{
    IndexNowConfig, IndexNowCourier, WebSubConfig, WebSubCourier, plan_indexnow, plan_websub,
};
use gazette_store::outbox::DeliveryStatus;
use serde_json::json;
use support::{FakeServer, Reply};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 31, 12, 0, 0).unwrap()
}

fn event(kind: EventKind) -> NewEvent {
    NewEvent {
        kind,
        article_id: Some(7),
        occurred_at: now(),
        seq: 3,
        data: EventData {
            article: Some(EventArticle {
                id: 7,
                url: "https://news.example/war/dam-repaired".into(),
                headline: "Dam repaired".into(),
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
    }
}

fn stored(event: NewEvent) -> Event {
    Event {
        id: 1,
        kind: event.kind,
        article_id: event.article_id,
        occurred_at: event.occurred_at,
        seq: event.seq,
        data: event.data,
    }
}

fn delivery(channel: &str, target: &str) -> Delivery {
    Delivery {
        id: 1,
        event_id: 1,
        channel: channel.into(),
        target: target.into(),
        status: DeliveryStatus::Pending,
        attempts: 0,
        next_attempt_at: now(),
        last_attempt_at: None,
        last_status_code: None,
        last_error: None,
        last_duration_ms: None,
        delivered_at: None,
        created_at: now(),
    }
}

#[tokio::test]
async fn the_hub_is_told_about_the_site_feeds_and_the_section_feeds_of_a_published_article() {
    let hub = FakeServer::start(|_| Reply::new(204, ""));
    let config = WebSubConfig {
        hub_url: format!("{}/hub", hub.url),
        base_url: "https://news.example".into(),
    };
    let published = event(EventKind::ArticlePublished);
    let planned = plan_websub(&config, &published);
    assert_eq!(planned.len(), 6);
    assert!(
        plan_websub(&config, &event(EventKind::ArticleUpdated)).is_empty(),
        "only publishing is announced"
    );

    let courier = WebSubCourier::new(config);
    let published = stored(published);
    for planned in &planned {
        let attempt = courier
            .deliver(&published, &delivery("websub", &planned.target))
            .await;
        assert_eq!(attempt.outcome, Outcome::Delivered);
        assert_eq!(attempt.status_code, Some(204));
    }
    let received = hub.received();
    assert!(
        received
            .iter()
            .all(|r| r.method == "POST" && r.path == "/hub")
    );
    assert!(
        received
            .iter()
            .all(|r| r.content_type.as_deref() == Some("application/x-www-form-urlencoded"))
    );
    assert_eq!(
        received.iter().map(|r| r.body.as_str()).collect::<Vec<_>>(),
        [
            "hub.mode=publish&hub.url=https%3A%2F%2Fnews.example%2Ffeeds%2Frss.xml",
            "hub.mode=publish&hub.url=https%3A%2F%2Fnews.example%2Ffeeds%2Fatom.xml",
            "hub.mode=publish&hub.url=https%3A%2F%2Fnews.example%2Ffeeds%2Ffeed.json",
            "hub.mode=publish&hub.url=https%3A%2F%2Fnews.example%2Ffeeds%2Fsections%2Fwar%2Frss.xml",
            "hub.mode=publish&hub.url=https%3A%2F%2Fnews.example%2Ffeeds%2Fsections%2Fwar%2Fatom.xml",
            "hub.mode=publish&hub.url=https%3A%2F%2Fnews.example%2Ffeeds%2Fsections%2Fwar%2Ffeed.json",
        ]
    );
}

#[tokio::test]
async fn indexnow_gets_the_host_key_key_location_and_the_article_address() {
    let endpoint = FakeServer::start(|_| Reply::new(202, ""));
    let config = IndexNowConfig {
        endpoint: format!("{}/indexnow", endpoint.url),
        key: "0f4a9c2e77aa4bb1".into(),
        base_url: "https://news.example".into(),
    };
    let published = event(EventKind::ArticlePublished);
    let planned = plan_indexnow(&published);
    assert_eq!(planned.len(), 1);
    assert!(plan_indexnow(&event(EventKind::ArticleUnpublished)).is_empty());

    let attempt = IndexNowCourier::new(config)
        .deliver(
            &stored(published),
            &delivery("indexnow", &planned[0].target),
        )
        .await;
    assert_eq!(attempt.outcome, Outcome::Delivered);
    let received = endpoint.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].path, "/indexnow");
    assert_eq!(
        received[0].content_type.as_deref(),
        Some("application/json; charset=utf-8")
    );
    let body: serde_json::Value = serde_json::from_str(&received[0].body).unwrap();
    assert_eq!(
        body,
        json!({
            "host": "news.example",
            "key": "0f4a9c2e77aa4bb1",
            "keyLocation": "https://news.example/0f4a9c2e77aa4bb1.txt",
            "urlList": ["https://news.example/war/dam-repaired"],
        })
    );
}

#[tokio::test]
async fn a_busy_receiver_is_retried_and_a_refusal_fails_with_its_answer() {
    let endpoint = FakeServer::start(|_| Reply::new(202, ""));
    let courier = IndexNowCourier::new(IndexNowConfig {
        endpoint: format!("{}/indexnow", endpoint.url),
        key: "0f4a9c2e77aa4bb1".into(),
        base_url: "https://news.example".into(),
    });
    let published = stored(event(EventKind::ArticlePublished));
    let target = delivery("indexnow", "https://news.example/war/dam-repaired");

    endpoint.then_reply(Reply::new(503, ""));
    let attempt = courier.deliver(&published, &target).await;
    assert_eq!(attempt.outcome, Outcome::Retry { not_before: None });
    assert_eq!(attempt.status_code, Some(503));

    endpoint.then_reply(Reply::new(403, "Key not valid"));
    let attempt = courier.deliver(&published, &target).await;
    assert_eq!(attempt.outcome, Outcome::GiveUp);
    assert_eq!(
        attempt.error.as_deref(),
        Some("IndexNow answered 403 Forbidden: Key not valid")
    );
}
