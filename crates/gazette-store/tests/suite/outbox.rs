//! The event outbox: events stored once with their deliveries and the cursor, deliveries claimed
//! once per attempt, webhook endpoints and their delivery log.

use std::sync::Arc;

use chrono::Duration;
use gazette_core::events::{EventArticle, EventData, EventKind, EventSection, NewEvent};
use gazette_store::outbox::{
    AttemptRecord, DeliveryStatus, PlannedDelivery, PlannedEvent, WebhookEndpointInput, channels,
};
use gazette_store::{Actor, AuditFilter, NewAuditEntry, PageRequest, Store, StoreError};

use super::now;

fn audit(action: &str) -> NewAuditEntry {
    NewAuditEntry {
        actor: Actor {
            user_id: None,
            name: "Admin".into(),
            address: String::new(),
        },
        action: action.into(),
        entity: "webhook".into(),
        entity_id: None,
        detail: String::new(),
    }
}

fn input(url: &str, events: &[EventKind]) -> WebhookEndpointInput {
    WebhookEndpointInput {
        url: url.into(),
        description: " Partner site ".into(),
        events: events.to_vec(),
        active: true,
    }
}

fn published(seq: i64, headline: &str) -> NewEvent {
    NewEvent {
        kind: EventKind::ArticlePublished,
        article_id: Some(7),
        occurred_at: now(),
        seq,
        data: EventData {
            article: Some(EventArticle {
                id: 7,
                url: "https://news.example.com/war/dam".into(),
                headline: headline.into(),
                standfirst: String::new(),
                section: EventSection {
                    slug: "war".into(),
                    name: "War".into(),
                },
                language: "uk".into(),
                authors: vec!["Olena".into()],
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

fn to_webhook(endpoint: i64) -> Vec<PlannedDelivery> {
    vec![PlannedDelivery {
        channel: channels::WEBHOOK,
        target: endpoint.to_string(),
    }]
}

pub async fn events_are_stored_once_with_their_deliveries_and_the_cursor(store: Arc<dyn Store>) {
    assert_eq!(store.outbox_cursor().await.unwrap(), None);
    store.record_events(None, 10, &[], now()).await.unwrap();
    assert!(
        matches!(
            store.record_events(None, 12, &[], now()).await,
            Err(StoreError::Stale(_))
        ),
        "a second first start is refused"
    );
    let batch = [PlannedEvent {
        event: published(11, "Dam repaired"),
        deliveries: to_webhook(1),
    }];
    let ids = store
        .record_events(Some(10), 11, &batch, now())
        .await
        .unwrap();
    assert_eq!(store.outbox_cursor().await.unwrap(), Some(11));
    // Another node that read the cursor at 10 too gets nothing in.
    assert!(matches!(
        store.record_events(Some(10), 11, &batch, now()).await,
        Err(StoreError::Stale(_))
    ));
    assert_eq!(store.recent_events(10).await.unwrap().len(), 1);
    let event = store.event(ids[0]).await.unwrap().unwrap();
    assert_eq!(
        event.data, batch[0].event.data,
        "the payload comes back whole"
    );
    let deliveries = store.event_deliveries(ids[0]).await.unwrap();
    assert_eq!(deliveries.len(), 1);
    assert_eq!(deliveries[0].status, DeliveryStatus::Pending);
    assert_eq!(deliveries[0].next_attempt_at, now());
}

pub async fn a_due_delivery_is_claimed_once_and_its_attempts_recorded(store: Arc<dyn Store>) {
    store.record_events(None, 0, &[], now()).await.unwrap();
    let batch = [PlannedEvent {
        event: published(1, "Dam repaired"),
        deliveries: to_webhook(1),
    }];
    store
        .record_events(Some(0), 1, &batch, now())
        .await
        .unwrap();
    let due = store
        .due_deliveries(&[channels::WEBHOOK], now(), 10)
        .await
        .unwrap();
    assert_eq!(due.len(), 1);
    assert!(
        store
            .due_deliveries(&[channels::TELEGRAM], now(), 10)
            .await
            .unwrap()
            .is_empty(),
        "only the channels asked for"
    );
    let until = now() + Duration::seconds(70);
    assert!(store.claim_delivery(due[0].id, now(), until).await.unwrap());
    assert!(
        !store.claim_delivery(due[0].id, now(), until).await.unwrap(),
        "a claimed delivery is not due for anyone else"
    );
    store
        .record_attempt(
            due[0].id,
            &AttemptRecord {
                status: DeliveryStatus::Delivered,
                next_attempt_at: now(),
                status_code: Some(204),
                error: None,
                duration_ms: 12,
                at: now(),
            },
        )
        .await
        .unwrap();
    let done = store.delivery(due[0].id).await.unwrap().unwrap();
    assert_eq!(done.status, DeliveryStatus::Delivered);
    assert_eq!(
        (done.attempts, done.last_status_code, done.delivered_at),
        (1, Some(204), Some(now()))
    );
    assert!(
        store
            .due_deliveries(&[channels::WEBHOOK], now() + Duration::days(1), 10)
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn webhook_endpoints_are_kept_changed_and_deleted_with_their_log(store: Arc<dyn Store>) {
    assert!(matches!(
        store
            .create_webhook_endpoint(
                &input("https://a.example/h", &[]),
                "s",
                audit("create"),
                now()
            )
            .await,
        Err(StoreError::Invalid(_))
    ));
    let made = store
        .create_webhook_endpoint(
            &input(
                " https://a.example/h ",
                &[EventKind::BreakingSet, EventKind::ArticlePublished],
            ),
            "secret-1",
            audit("create"),
            now(),
        )
        .await
        .unwrap();
    assert_eq!(made.url, "https://a.example/h");
    assert_eq!(made.description, "Partner site");
    assert_eq!(
        made.events,
        [EventKind::ArticlePublished, EventKind::BreakingSet]
    );
    assert!(made.wants(EventKind::BreakingSet) && !made.wants(EventKind::ArticleUpdated));

    store
        .disable_webhook_endpoint(made.id, "the receiver answered 410 Gone", now())
        .await
        .unwrap();
    let off = store.webhook_endpoint(made.id).await.unwrap().unwrap();
    assert!(!off.active && !off.wants(EventKind::BreakingSet));
    let on = store
        .update_webhook_endpoint(
            made.id,
            &input("https://b.example/h", &[EventKind::ArticleUpdated]),
            audit("update"),
            now(),
        )
        .await
        .unwrap();
    assert!(on.active);
    assert_eq!(
        on.disabled_reason, None,
        "switching it on clears why it was off"
    );
    assert_eq!(on.url, "https://b.example/h");
    let rotated = store
        .set_webhook_secret(made.id, "secret-2", audit("secret"), now())
        .await
        .unwrap();
    assert_eq!(rotated.secret, "secret-2");

    store.record_events(None, 0, &[], now()).await.unwrap();
    let batch = [PlannedEvent {
        event: published(1, "Dam repaired"),
        deliveries: to_webhook(made.id),
    }];
    store
        .record_events(Some(0), 1, &batch, now())
        .await
        .unwrap();
    let log = store.webhook_deliveries(made.id, 10).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].subject, "Dam repaired");
    assert_eq!(log[0].event_kind, EventKind::ArticlePublished);

    let later = now() + Duration::hours(30);
    let again = store
        .redeliver(log[0].delivery.id, audit("redeliver"), later)
        .await
        .unwrap();
    assert_ne!(again.id, log[0].delivery.id, "a redelivery has its own id");
    assert_eq!(
        (again.status, again.next_attempt_at, again.attempts),
        (DeliveryStatus::Pending, later, 0)
    );
    assert_eq!(
        store.webhook_deliveries(made.id, 10).await.unwrap().len(),
        2
    );
    assert!(matches!(
        store.redeliver(999_999, audit("redeliver"), later).await,
        Err(StoreError::NotFound)
    ));
    let logged = store
        .audit_log(&AuditFilter::default(), PageRequest::new(1, 50))
        .await
        .unwrap();
    assert!(logged.items.iter().any(|e| e.action == "redeliver"));

    store
        .delete_webhook_endpoint(made.id, audit("delete"))
        .await
        .unwrap();
    assert_eq!(store.webhook_endpoint(made.id).await.unwrap(), None);
    assert!(
        store
            .webhook_deliveries(made.id, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        store
            .delete_webhook_endpoint(made.id, audit("delete"))
            .await,
        Err(StoreError::NotFound)
    ));
}
