//! Telegram autopost and pings through the whole outbox: newsroom work in the database, events
//! derived from the change log, deliveries planned, sent to a fake Bot API, hub and IndexNow
//! endpoint, retried on the outbox's schedule (a test clock, so waiting takes no time), and
//! recorded for the newsroom's delivery list.

#![allow(clippy::unwrap_used)]

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use gazette_core::{ArticleStatus, Language, NewArticle, Slug};
use gazette_node::Clock;
use gazette_node::outbox::bot_api::{BotApi, BotConfig};
use gazette_node::outbox::pings::{
    IndexNowConfig, IndexNowCourier, Pings, WebSubConfig, WebSubCourier,
};
use gazette_node::outbox::telegram::TelegramCourier;
use gazette_node::outbox::{OutboxJob, OutboxSettings};
use gazette_store::outbox::{DeliveryStatus, channels};
use gazette_store::telegram::{ChannelSettings, ChatId};
use gazette_store::testing::TestDatabase;
use gazette_store::{Backend, NewAuthor, NewSection, Store};
use support::{FakeBotApi, FakeServer, Reply};

const BASE: &str = "https://news.example";

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap()
}

#[derive(Clone)]
struct TestClock(Arc<Mutex<DateTime<Utc>>>);

impl TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
    fn advance(&self, seconds: i64) {
        *self.0.lock().unwrap() += chrono::Duration::seconds(seconds);
    }
    fn clock(&self) -> Clock {
        let me = self.clone();
        Arc::new(move || me.now())
    }
}

struct Site {
    db: TestDatabase,
    store: Arc<dyn Store>,
    clock: TestClock,
    bot: FakeBotApi,
    hub: FakeServer,
    indexnow: FakeServer,
    job: OutboxJob,
    war: i64,
    culture: i64,
    author: i64,
}

impl Site {
    async fn new(backend: Backend) -> Self {
        let db = TestDatabase::new(backend).await.unwrap();
        let store = db.store.clone();
        let mut ids = Vec::new();
        for (position, slug) in ["war", "culture"].into_iter().enumerate() {
            let section = NewSection {
                slug: Slug::parse(slug).unwrap(),
                name: slug.into(),
                description: String::new(),
                position: i32::try_from(position).unwrap(),
            };
            ids.push(store.create_section(section, None).await.unwrap().id);
        }
        let author = NewAuthor {
            slug: Slug::parse("olena").unwrap(),
            name: "Olena".into(),
            bio: String::new(),
            is_house: false,
        };
        let author = store.create_author(author).await.unwrap().id;
        let clock = TestClock(Arc::new(Mutex::new(start())));
        let bot = FakeBotApi::start();
        let hub = FakeServer::start(|_| Reply::new(204, ""));
        let indexnow = FakeServer::start(|_| Reply::new(200, ""));
        let settings = OutboxSettings {
            base_url: BASE.into(),
            attempt_timeout: Duration::from_secs(2),
            telegram: true,
            pings: Pings {
                websub: Some(WebSubConfig {
                    hub_url: hub.url.clone(),
                    base_url: BASE.into(),
                }),
                indexnow: true,
            },
            ..OutboxSettings::default()
        };
        let api = BotApi::new(
            BotConfig {
                api_base_url: bot.url(),
                bot_token: "42:token".into(),
            },
            Duration::from_secs(2),
        );
        let job = OutboxJob::new(store.clone(), clock.clock(), settings)
            .with_courier(Arc::new(TelegramCourier::new(
                store.clone(),
                api,
                clock.clock(),
            )))
            .with_courier(Arc::new(WebSubCourier::new(WebSubConfig {
                hub_url: hub.url.clone(),
                base_url: BASE.into(),
            })))
            .with_courier(Arc::new(IndexNowCourier::new(IndexNowConfig {
                endpoint: indexnow.url.clone(),
                key: "5e0f6d3c2b1a49f8".into(),
                base_url: BASE.into(),
            })));
        // The first pass sets the outbox's cursor: history is not replayed.
        job.run_once().await.unwrap();
        Self {
            db,
            store,
            clock,
            bot,
            hub,
            indexnow,
            job,
            war: ids[0],
            culture: ids[1],
            author,
        }
    }

    async fn channel(&self, chat: &str, section: Option<i64>) {
        let settings = ChannelSettings {
            chat_id: ChatId::parse(chat).unwrap(),
            title: String::new(),
            section_id: section,
            active: true,
            with_images: true,
        };
        let now = self.clock.now();
        self.store
            .add_telegram_channel(&settings, None, now)
            .await
            .unwrap();
    }

    fn article(&self, section: i64, headline: &str, status: ArticleStatus) -> NewArticle {
        NewArticle {
            language: Language::EN,
            slug: None,
            headline: headline.into(),
            standfirst: "What happened.".into(),
            body_markdown: "A paragraph.".into(),
            section_id: section,
            tag_ids: vec![],
            author_ids: vec![self.author],
            status,
            published_at: Some(start()),
            updated_at: None,
            seo_title: None,
            seo_description: None,
        }
    }

    /// Publishes a new article the way the newsroom does: a draft, then published.
    async fn publish(&self, section: i64, headline: &str) -> i64 {
        let now = self.clock.now();
        let draft = self.article(section, headline, ArticleStatus::Draft);
        let draft = self.store.create_article(draft, now).await.unwrap();
        self.store
            .set_article_status(draft.id, ArticleStatus::Published, Some(start()), now)
            .await
            .unwrap();
        draft.id
    }

    async fn methods(&self) -> Vec<String> {
        self.bot.calls().into_iter().map(|c| c.method).collect()
    }

    async fn telegram_statuses(&self) -> Vec<(String, DeliveryStatus, Option<String>)> {
        let mut listed = self
            .store
            .recent_deliveries(&[channels::TELEGRAM], 50)
            .await
            .unwrap();
        listed.reverse();
        listed
            .into_iter()
            .map(|d| (d.event_kind, d.status, d.last_error))
            .collect()
    }
}

async fn the_newsrooms_work_is_posted_edited_and_deleted_through_the_outbox(backend: Backend) {
    let site = Site::new(backend).await;
    site.channel("@gazette_war", Some(site.war)).await;
    site.channel("@gazette_culture", Some(site.culture)).await;

    let id = site.publish(site.war, "Dam repaired").await;
    site.job.run_once().await.unwrap();
    let calls = site.bot.calls();
    assert_eq!(calls.len(), 1, "the culture channel gets nothing");
    assert_eq!(calls[0].method, "sendMessage");
    assert_eq!(calls[0].body["chat_id"], "@gazette_war");
    let article = site.store.article(id).await.unwrap().unwrap();
    let url = format!("{BASE}/war/{}", article.slug);
    assert_eq!(
        calls[0].body["text"],
        format!("<b>Dam repaired</b>\n\nWhat happened.\n\n<a href=\"{url}\">{url}</a>")
    );
    // Pings on the same publication.
    assert_eq!(site.hub.received().len(), 6);
    let indexnow = site.indexnow.received();
    assert_eq!(indexnow.len(), 1);
    assert!(indexnow[0].body.contains(&url), "{}", indexnow[0].body);

    let mut changed = site.article(
        site.war,
        "Dam repaired in Kherson",
        ArticleStatus::Published,
    );
    changed.slug = Some(article.slug.clone());
    site.store
        .update_article(id, changed, site.clock.now())
        .await
        .unwrap();
    site.job.run_once().await.unwrap();
    let edit = site.bot.calls().pop().unwrap();
    assert_eq!(edit.method, "editMessageText");
    assert_eq!(edit.body["message_id"], 101);
    assert!(
        edit.body["text"]
            .as_str()
            .unwrap()
            .starts_with("<b>Dam repaired in Kherson</b>")
    );

    site.store
        .set_article_status(id, ArticleStatus::Unpublished, None, site.clock.now())
        .await
        .unwrap();
    site.job.run_once().await.unwrap();
    let delete = site.bot.calls().pop().unwrap();
    assert_eq!(delete.method, "deleteMessage");
    assert_eq!(delete.body["message_id"], 101);
    assert!(site.store.telegram_messages(id).await.unwrap().is_empty());
    assert_eq!(
        site.telegram_statuses().await,
        [
            ("article.published".into(), DeliveryStatus::Delivered, None),
            ("article.updated".into(), DeliveryStatus::Delivered, None),
            (
                "article.unpublished".into(),
                DeliveryStatus::Delivered,
                None
            ),
        ]
    );
    site.db.finish().await;
}

async fn failures_are_retried_on_schedule_and_a_refusal_is_kept_for_the_newsroom(backend: Backend) {
    let site = Site::new(backend).await;
    site.channel("@gazette_war", Some(site.war)).await;

    // A 500: tried again after the outbox's first backoff, and posted once.
    site.bot.then_fail(500, "Internal Server Error", None);
    let first = site.publish(site.war, "Grid restored").await;
    site.job.run_once().await.unwrap();
    assert_eq!(site.methods().await, ["sendMessage"]);
    site.job.run_once().await.unwrap();
    assert_eq!(site.methods().await.len(), 1, "not before the backoff");
    site.clock.advance(31);
    site.job.run_once().await.unwrap();
    assert_eq!(site.methods().await.len(), 2);
    assert_eq!(site.store.telegram_messages(first).await.unwrap().len(), 1);

    // Flood control: not before the seconds Telegram names.
    site.bot
        .then_fail(429, "Too Many Requests: retry after 90", Some(90));
    site.publish(site.war, "Air raid alert").await;
    site.job.run_once().await.unwrap();
    site.clock.advance(60);
    site.job.run_once().await.unwrap();
    assert_eq!(site.methods().await.len(), 3, "still waiting for Telegram");
    site.clock.advance(31);
    site.job.run_once().await.unwrap();
    assert_eq!(site.methods().await.len(), 4);

    // A refusal: failed at once, with Telegram's words kept for the newsroom.
    site.bot.then_fail(400, "Bad Request: chat not found", None);
    site.publish(site.war, "Ceasefire talks").await;
    site.job.run_once().await.unwrap();
    site.clock.advance(3600);
    site.job.run_once().await.unwrap();
    assert_eq!(site.methods().await.len(), 5, "a refusal is not retried");
    assert_eq!(
        site.telegram_statuses().await,
        [
            ("article.published".into(), DeliveryStatus::Delivered, None),
            ("article.published".into(), DeliveryStatus::Delivered, None),
            (
                "article.published".into(),
                DeliveryStatus::Failed,
                Some("Telegram: Bad Request: chat not found".into())
            ),
        ]
    );
    site.db.finish().await;
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
    the_newsrooms_work_is_posted_edited_and_deleted_through_the_outbox,
    failures_are_retried_on_schedule_and_a_refusal_is_kept_for_the_newsroom,
);
