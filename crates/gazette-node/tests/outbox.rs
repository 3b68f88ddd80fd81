//! The event outbox and webhooks against a real database and a local receiver (an axum server on
//! 127.0.0.1:0): which events the newsroom's work makes, what a receiver gets and can verify, and
//! how failures are retried — with a test clock, so "an hour later" takes no time.

#![allow(clippy::unwrap_used)]

mod support;

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, TimeZone, Utc};
use gazette_core::events::{EventKind, EventPayload};
use gazette_core::live::{Breaking, Coverage, EntryDraft, EntryStatus};
use gazette_core::newsroom::CorrectionKind;
use gazette_core::{ArticleStatus, Language, NewArticle};
use gazette_node::Clock;
use gazette_node::outbox::webhook::signature;
use gazette_node::outbox::{OutboxJob, OutboxSettings, WebhookCourier};
use gazette_store::outbox::{DeliveryStatus, WebhookEndpointInput};
use gazette_store::testing::TestDatabase;
use gazette_store::{Actor, Backend, NewAuditEntry, SqlStore, Store};
use support::newsroom::{Newsroom, newsroom};

const SECRET: &str = "whsec_test_secret";

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap()
}

/// A clock the test moves by hand.
#[derive(Clone)]
struct TestClock(Arc<Mutex<DateTime<Utc>>>);

impl TestClock {
    fn new() -> Self {
        Self(Arc::new(Mutex::new(start())))
    }
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
    fn advance(&self, by: chrono::Duration) {
        *self.0.lock().unwrap() += by;
    }
    fn clock(&self) -> Clock {
        let me = self.clone();
        Arc::new(move || me.now())
    }
}

/// What the receiver answers: a status, or nothing for longer than the outbox waits.
#[derive(Clone, Copy)]
enum Answer {
    Status(u16),
    Hang,
}

struct Request {
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }
    fn payload(&self) -> EventPayload {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// A webhook receiver: records every request, answers from a script, then 200.
#[derive(Default)]
struct Receiver {
    received: Mutex<Vec<Request>>,
    script: Mutex<VecDeque<Answer>>,
}

impl Receiver {
    async fn start(script: &[Answer]) -> (Arc<Self>, String) {
        let receiver = Arc::new(Self {
            received: Mutex::default(),
            script: Mutex::new(script.iter().copied().collect()),
        });
        let app = axum::Router::new()
            .route("/hook", axum::routing::post(receive))
            .with_state(receiver.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        (receiver, url)
    }

    fn take(&self) -> Vec<Request> {
        std::mem::take(&mut *self.received.lock().unwrap())
    }
}

async fn receive(
    State(receiver): State<Arc<Receiver>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> StatusCode {
    receiver.received.lock().unwrap().push(Request {
        headers,
        body: body.to_vec(),
    });
    let answer = receiver.script.lock().unwrap().pop_front();
    match answer.unwrap_or(Answer::Status(200)) {
        Answer::Status(code) => StatusCode::from_u16(code).unwrap(),
        Answer::Hang => {
            tokio::time::sleep(Duration::from_secs(5)).await;
            StatusCode::OK
        }
    }
}

fn audit(action: &str) -> NewAuditEntry {
    NewAuditEntry {
        actor: Actor {
            user_id: None,
            name: "Test".into(),
            address: String::new(),
        },
        action: action.into(),
        entity: "webhook".into(),
        entity_id: None,
        detail: String::new(),
    }
}

async fn endpoint(store: &dyn Store, url: &str, events: &[EventKind]) -> i64 {
    store
        .create_webhook_endpoint(
            &WebhookEndpointInput {
                url: url.into(),
                description: "Partner".into(),
                events: events.to_vec(),
                active: true,
            },
            SECRET,
            audit("webhook.create"),
            start(),
        )
        .await
        .unwrap()
        .id
}

fn settings() -> OutboxSettings {
    OutboxSettings {
        base_url: "https://news.example.com".into(),
        attempt_timeout: Duration::from_millis(500),
        ..OutboxSettings::default()
    }
}

fn job(store: &Arc<dyn Store>, clock: &TestClock) -> OutboxJob {
    OutboxJob::new(store.clone(), clock.clock(), settings()).with_courier(Arc::new(
        WebhookCourier::new(store.clone(), clock.clock(), true),
    ))
}

fn article(newsroom: &Newsroom, headline: &str, status: ArticleStatus) -> NewArticle {
    NewArticle {
        language: Language::EN,
        slug: None,
        headline: headline.into(),
        standfirst: "What happened.".into(),
        body_markdown: "A paragraph.".into(),
        section_id: newsroom.section,
        tag_ids: vec![],
        author_ids: vec![newsroom.author],
        status,
        published_at: (status != ArticleStatus::Draft).then(start),
        updated_at: None,
        seo_title: None,
        seo_description: None,
    }
}

/// Publishes a new article the way the newsroom does: created as a draft, then published.
async fn publish(store: &dyn Store, newsroom: &Newsroom, headline: &str) -> i64 {
    let draft = store
        .create_article(article(newsroom, headline, ArticleStatus::Draft), start())
        .await
        .unwrap();
    store
        .set_article_status(draft.id, ArticleStatus::Published, Some(start()), start())
        .await
        .unwrap();
    draft.id
}

async fn kinds_made(store: &dyn Store) -> Vec<EventKind> {
    let mut events = store.recent_events(100).await.unwrap();
    events.reverse();
    events.into_iter().map(|e| e.kind).collect()
}

async fn the_newsrooms_work_makes_one_event_of_each_kind(backend: Backend) {
    let db = TestDatabase::new(backend).await.unwrap();
    let store = db.store.clone();
    let clock = TestClock::new();
    let newsroom = newsroom(store.as_ref()).await;
    let before = publish(store.as_ref(), &newsroom, "Old news").await;
    let job = job(&store, &clock);
    job.run_once().await.unwrap();
    assert_eq!(
        kinds_made(store.as_ref()).await,
        [],
        "history is not replayed"
    );

    let id = publish(store.as_ref(), &newsroom, "Dam repaired").await;
    let mut changed = article(
        &newsroom,
        "Dam repaired in Kherson",
        ArticleStatus::Published,
    );
    changed.published_at = Some(start());
    store.update_article(id, changed, start()).await.unwrap();
    let draft = store
        .create_article(article(&newsroom, "Not yet", ArticleStatus::Draft), start())
        .await
        .unwrap();
    store
        .update_article(
            draft.id,
            article(&newsroom, "Still not", ArticleStatus::Draft),
            start(),
        )
        .await
        .unwrap();
    let actor = Actor {
        user_id: None,
        name: "Editor".into(),
        address: String::new(),
    };
    store
        .add_correction(
            id,
            CorrectionKind::Correction,
            "The dam is in Kherson, not Mykolaiv.",
            &actor,
            start(),
        )
        .await
        .unwrap();
    store
        .set_coverage(before, Some(Coverage::Live), None, start())
        .await
        .unwrap();
    let entry = store
        .post_entry(
            before,
            EntryDraft {
                headline: Some("Sirens".into()),
                body_markdown: "Sirens in Kyiv.".into(),
                author_ids: vec![newsroom.author],
                key_event: false,
            },
            EntryStatus::Published,
            None,
            None,
            start(),
        )
        .await
        .unwrap();
    store
        .post_entry(
            before,
            EntryDraft {
                headline: None,
                body_markdown: "A draft entry.".into(),
                author_ids: vec![newsroom.author],
                key_event: false,
            },
            EntryStatus::Draft,
            None,
            None,
            start(),
        )
        .await
        .unwrap();
    let banner = Breaking {
        text: "Air raid alert".into(),
        url: Some("/war/sirens".into()),
        expires_at: None,
        set_at: start(),
    };
    store
        .set_breaking(Some(&banner), None, start())
        .await
        .unwrap();
    job.run_once().await.unwrap();
    // An edit of a posted entry is not a new post.
    store
        .set_entry_status(entry.id, EntryStatus::Published, None, start())
        .await
        .unwrap();
    store.set_breaking(None, None, start()).await.unwrap();
    store
        .set_article_status(id, ArticleStatus::Unpublished, None, start())
        .await
        .unwrap();
    // A scheduled article the scheduler publishes is published too.
    let scheduled = store
        .create_article(
            article(&newsroom, "On time", ArticleStatus::Scheduled),
            start(),
        )
        .await
        .unwrap();
    store.run_due_work(start()).await.unwrap();
    job.run_once().await.unwrap();
    job.run_once().await.unwrap();

    assert_eq!(
        kinds_made(store.as_ref()).await,
        [
            EventKind::ArticlePublished,
            EventKind::ArticleUpdated,
            EventKind::CorrectionAdded,
            EventKind::LiveEntryPosted,
            EventKind::BreakingSet,
            EventKind::BreakingCleared,
            EventKind::ArticleUnpublished,
            EventKind::ArticlePublished,
        ]
    );
    let events = store.recent_events(100).await.unwrap();
    let published = events.last().unwrap();
    let article = published.data.article.as_ref().unwrap();
    assert_eq!(article.url, "https://news.example.com/war/dam-repaired");
    assert_eq!(article.authors, ["Olena Kovalenko"]);
    assert_eq!(article.section.slug, "war");
    assert_eq!(article.language, "en");
    let by_kind: BTreeMap<EventKind, _> = events.iter().map(|e| (e.kind, e)).collect();
    let correction = by_kind[&EventKind::CorrectionAdded]
        .data
        .correction
        .as_ref();
    assert_eq!(
        correction.unwrap().text,
        "The dam is in Kherson, not Mykolaiv."
    );
    let posted = by_kind[&EventKind::LiveEntryPosted]
        .data
        .entry
        .as_ref()
        .unwrap();
    assert_eq!(posted.text, "Sirens in Kyiv.");
    assert!(posted.url.ends_with(&format!("#entry-{}", entry.id)));
    let cleared = by_kind[&EventKind::BreakingCleared].data.banner.as_ref();
    assert_eq!(
        cleared.unwrap().text,
        "Air raid alert",
        "the banner cleared"
    );
    assert_eq!(
        by_kind[&EventKind::BreakingSet]
            .data
            .banner
            .as_ref()
            .unwrap()
            .url
            .as_deref(),
        Some("https://news.example.com/war/sirens")
    );
    assert_eq!(events[0].article_id, Some(scheduled.id));
    db.finish().await;
}

async fn a_receiver_gets_a_signed_payload_it_can_verify(backend: Backend) {
    let db = TestDatabase::new(backend).await.unwrap();
    let store = db.store.clone();
    let clock = TestClock::new();
    let newsroom = newsroom(store.as_ref()).await;
    let (receiver, url) = Receiver::start(&[]).await;
    endpoint(store.as_ref(), &url, &[EventKind::ArticlePublished]).await;
    let other = endpoint(store.as_ref(), &url, &[EventKind::BreakingSet]).await;
    let job = job(&store, &clock);
    job.run_once().await.unwrap();

    let id = publish(store.as_ref(), &newsroom, "Dam repaired").await;
    let pass = job.run_once().await.unwrap();
    assert_eq!((pass.events, pass.attempts), (1, 1));

    let got = receiver.take();
    assert_eq!(
        got.len(),
        1,
        "only the endpoint that chose the event gets it"
    );
    let request = &got[0];
    assert_eq!(request.header("content-type"), "application/json");
    assert_eq!(request.header("gazette-event"), "article.published");
    let timestamp = start().timestamp();
    assert_eq!(
        request.header("gazette-signature"),
        signature(SECRET, timestamp, &request.body)
    );
    assert!(
        request
            .header("gazette-signature")
            .starts_with(&format!("t={timestamp},v1="))
    );
    assert_ne!(
        request.header("gazette-signature"),
        signature("another secret", timestamp, &request.body),
        "the signature depends on the secret"
    );
    let payload = request.payload();
    assert_eq!(payload.kind, EventKind::ArticlePublished);
    assert_eq!(payload.data.article.unwrap().id, id);
    let delivery: i64 = request.header("gazette-delivery").parse().unwrap();
    let stored = store.delivery(delivery).await.unwrap().unwrap();
    assert_eq!(stored.status, DeliveryStatus::Delivered);
    assert_eq!(stored.last_status_code, Some(200));
    assert_eq!(stored.attempts, 1);
    assert!(
        store
            .webhook_deliveries(other, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(job.run_once().await.unwrap().attempts, 0, "delivered once");
    db.finish().await;
}

async fn a_500_and_a_time_out_are_retried_with_backoff_then_delivered(backend: Backend) {
    let db = TestDatabase::new(backend).await.unwrap();
    let store = db.store.clone();
    let clock = TestClock::new();
    let newsroom = newsroom(store.as_ref()).await;
    let (receiver, url) = Receiver::start(&[Answer::Status(500), Answer::Hang]).await;
    let hook = endpoint(store.as_ref(), &url, &[EventKind::ArticlePublished]).await;
    let job = job(&store, &clock);
    job.run_once().await.unwrap();
    publish(store.as_ref(), &newsroom, "Dam repaired").await;

    job.run_once().await.unwrap();
    let log = store.webhook_deliveries(hook, 10).await.unwrap();
    let first = &log[0].delivery;
    assert_eq!(first.status, DeliveryStatus::Pending);
    assert_eq!(first.last_status_code, Some(500));
    assert_eq!(
        first.next_attempt_at,
        start() + chrono::Duration::seconds(30)
    );
    assert_eq!(
        job.run_once().await.unwrap().attempts,
        0,
        "not retried before its time"
    );

    clock.advance(chrono::Duration::seconds(30));
    job.run_once().await.unwrap();
    let second = store.delivery(first.id).await.unwrap().unwrap();
    assert_eq!(second.status, DeliveryStatus::Pending);
    assert_eq!(second.last_status_code, None);
    assert!(
        second.last_error.as_deref().unwrap().contains("no answer"),
        "{:?}",
        second.last_error
    );
    assert_eq!(
        second.next_attempt_at,
        clock.now() + chrono::Duration::seconds(60),
        "the wait doubles"
    );

    clock.advance(chrono::Duration::seconds(60));
    job.run_once().await.unwrap();
    let third = store.delivery(first.id).await.unwrap().unwrap();
    assert_eq!(third.status, DeliveryStatus::Delivered);
    assert_eq!(third.attempts, 3);
    let got = receiver.take();
    assert_eq!(got.len(), 3);
    let ids: Vec<String> = got.iter().map(|r| r.header("gazette-delivery")).collect();
    assert!(
        ids.iter().all(|id| *id == first.id.to_string()),
        "retries carry the same delivery id, so receivers can de-duplicate: {ids:?}"
    );
    db.finish().await;
}

async fn a_delivery_still_failing_after_24_hours_is_given_up(backend: Backend) {
    let db = TestDatabase::new(backend).await.unwrap();
    let store = db.store.clone();
    let clock = TestClock::new();
    let newsroom = newsroom(store.as_ref()).await;
    let (receiver, url) = Receiver::start(&[Answer::Status(503); 100]).await;
    let hook = endpoint(store.as_ref(), &url, &[EventKind::ArticlePublished]).await;
    let job = job(&store, &clock);
    job.run_once().await.unwrap();
    publish(store.as_ref(), &newsroom, "Dam repaired").await;
    for _ in 0..40 {
        job.run_once().await.unwrap();
        clock.advance(chrono::Duration::minutes(61));
    }
    let delivery = store.webhook_deliveries(hook, 1).await.unwrap()[0]
        .delivery
        .clone();
    assert_eq!(delivery.status, DeliveryStatus::Failed);
    assert!(
        delivery.last_error.as_deref().unwrap().contains("24 hours"),
        "{:?}",
        delivery.last_error
    );
    let attempts = receiver.take().len();
    // 30 s, 1, 2, 4 … 32 min, then hourly: about 30 attempts in 24 hours, not 40.
    assert!((20..=30).contains(&attempts), "{attempts} attempts");
    assert_eq!(delivery.attempts, i64::try_from(attempts).unwrap());
    db.finish().await;
}

async fn a_410_switches_the_endpoint_off_and_a_private_address_is_refused(backend: Backend) {
    let db = TestDatabase::new(backend).await.unwrap();
    let store = db.store.clone();
    let clock = TestClock::new();
    let newsroom = newsroom(store.as_ref()).await;
    let (_receiver, url) = Receiver::start(&[Answer::Status(410)]).await;
    let gone = endpoint(store.as_ref(), &url, &[EventKind::ArticlePublished]).await;
    let job = job(&store, &clock);
    job.run_once().await.unwrap();
    publish(store.as_ref(), &newsroom, "Dam repaired").await;
    job.run_once().await.unwrap();
    let endpoint_now = store.webhook_endpoint(gone).await.unwrap().unwrap();
    assert!(!endpoint_now.active);
    assert!(endpoint_now.disabled_reason.unwrap().contains("410"));
    let delivery = &store.webhook_deliveries(gone, 1).await.unwrap()[0].delivery;
    assert_eq!(delivery.status, DeliveryStatus::Failed);

    // A courier that does not allow private addresses refuses the local receiver.
    let (receiver, url) = Receiver::start(&[]).await;
    let local = endpoint(store.as_ref(), &url, &[EventKind::ArticlePublished]).await;
    let strict = OutboxJob::new(store.clone(), clock.clock(), settings()).with_courier(Arc::new(
        WebhookCourier::new(store.clone(), clock.clock(), false),
    ));
    publish(store.as_ref(), &newsroom, "Second").await;
    strict.run_once().await.unwrap();
    assert!(receiver.take().is_empty());
    let delivery = &store.webhook_deliveries(local, 1).await.unwrap()[0].delivery;
    assert_eq!(delivery.status, DeliveryStatus::Failed);
    assert!(
        delivery.last_error.as_deref().unwrap().contains("private"),
        "{:?}",
        delivery.last_error
    );
    db.finish().await;
}

async fn two_nodes_racing_make_and_deliver_each_event_once(backend: Backend) {
    let db = TestDatabase::new(backend).await.unwrap();
    let clock = TestClock::new();
    let first: Arc<dyn Store> = db.store.clone();
    // The second node: its own connections to the same database.
    let second: Arc<dyn Store> = match backend {
        Backend::Postgres => Arc::new(SqlStore::connect_postgres(&db.url(), 4).await.unwrap()),
        Backend::Sqlite => {
            let path = db.url();
            let path = path
                .trim_start_matches("sqlite://")
                .trim_start_matches("sqlite:");
            Arc::new(
                SqlStore::open_sqlite(std::path::Path::new(path), 4)
                    .await
                    .unwrap(),
            )
        }
    };
    let newsroom = newsroom(first.as_ref()).await;
    let (receiver, url) = Receiver::start(&[]).await;
    endpoint(first.as_ref(), &url, &EventKind::ALL).await;
    let nodes = [
        job(&first, &clock).with_holder("node-a"),
        job(&second, &clock).with_holder("node-b"),
    ];
    nodes[0].run_once().await.unwrap();
    let mut published = Vec::new();
    for round in 0..5 {
        for n in 0..3 {
            published.push(publish(first.as_ref(), &newsroom, &format!("Story {round}-{n}")).await);
        }
        let (a, b) = tokio::join!(nodes[0].run_once(), nodes[1].run_once());
        a.unwrap();
        b.unwrap();
    }
    for _ in 0..3 {
        let (a, b) = tokio::join!(nodes[0].run_once(), nodes[1].run_once());
        a.unwrap();
        b.unwrap();
    }
    let mut delivered: Vec<i64> = receiver
        .take()
        .iter()
        .map(|r| r.payload().data.article.unwrap().id)
        .collect();
    delivered.sort_unstable();
    assert_eq!(
        delivered, published,
        "each article's event arrived exactly once"
    );
    assert_eq!(
        first.recent_events(100).await.unwrap().len(),
        published.len()
    );
    db.finish().await;
}

/// A translation's payload links to it in its own edition, under its section's address there.
async fn a_translation_is_announced_at_its_edition_s_address(backend: Backend) {
    let db = TestDatabase::new(backend).await.unwrap();
    let store = db.store.clone();
    let clock = TestClock::new();
    let newsroom = newsroom(store.as_ref()).await;
    let job = job(&store, &clock);
    job.run_once().await.unwrap();
    let actor = Actor {
        user_id: None,
        name: "Desk".into(),
        address: "127.0.0.1".into(),
    };
    let section = gazette_core::Slug::parse("viina").unwrap();
    store
        .set_section_name(
            newsroom.section,
            Language::UK,
            "Війна",
            &section,
            "",
            &actor,
        )
        .await
        .unwrap();
    let mut new = article(&newsroom, "Греблю відремонтовано", ArticleStatus::Draft);
    new.language = Language::UK;
    new.slug = Some(gazette_core::Slug::parse("hreblia-vidremontovana").unwrap());
    let draft = store.create_article(new, start()).await.unwrap();
    store
        .set_article_status(draft.id, ArticleStatus::Published, Some(start()), start())
        .await
        .unwrap();
    job.run_once().await.unwrap();

    let events = store.recent_events(10).await.unwrap();
    let published = events
        .iter()
        .find(|e| e.kind == EventKind::ArticlePublished)
        .unwrap();
    let article = published.data.article.as_ref().unwrap();
    assert_eq!(
        article.url,
        "https://news.example.com/uk/viina/hreblia-vidremontovana"
    );
    assert_eq!(article.language, "uk");
    db.finish().await;
}

macro_rules! on_sqlite_and_postgres {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $( #[tokio::test]
               async fn $name() { super::$name(gazette_store::Backend::Sqlite).await; } )*
        }
        mod on_postgres {
            $( #[tokio::test]
               #[cfg_attr(not(gazette_postgres_tests), ignore = "set GAZETTE_TEST_POSTGRES_URL to run it")]
               async fn $name() {
                   super::$name(gazette_store::Backend::Postgres).await;
               } )*
        }
    };
}

on_sqlite_and_postgres!(
    the_newsrooms_work_makes_one_event_of_each_kind,
    a_receiver_gets_a_signed_payload_it_can_verify,
    a_500_and_a_time_out_are_retried_with_backoff_then_delivered,
    a_delivery_still_failing_after_24_hours_is_given_up,
    a_410_switches_the_endpoint_off_and_a_private_address_is_refused,
    two_nodes_racing_make_and_deliver_each_event_once,
    a_translation_is_announced_at_its_edition_s_address,
);
