//! Telegram autopost against a fake Bot API that records every call: what a channel's readers
//! would see posted, edited and deleted, and how Telegram's refusals and hiccups are handled.

#![allow(clippy::unwrap_used)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use gazette_core::events::{Event, EventArticle, EventData, EventKind, EventSection, NewEvent};
use gazette_core::{ArticleStatus, Language, NewArticle, Slug};
use gazette_node::outbox::bot_api::{BotApi, BotConfig};
use gazette_node::outbox::courier::{Attempt, Courier, Delivery, Outcome};
use gazette_node::outbox::telegram::{TelegramAudience, TelegramCourier, plan};
use gazette_store::outbox::DeliveryStatus;
use gazette_store::telegram::{ChannelSettings, ChatId};
use gazette_store::testing::TestDatabase;
use gazette_store::{Backend, NewAuthor, NewSection, Store};
use serde_json::json;
use support::{FakeBotApi, Reply};

const TOKEN: &str = "123456:TEST-secret-token";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 31, 12, 0, 0).unwrap()
}

struct World {
    db: TestDatabase,
    store: Arc<dyn Store>,
    bot: FakeBotApi,
    courier: TelegramCourier,
    author: i64,
}

impl World {
    async fn new(backend: Backend) -> Self {
        Self::with_timeout(backend, Duration::from_secs(5)).await
    }

    async fn with_timeout(backend: Backend, timeout: Duration) -> Self {
        let db = TestDatabase::new(backend).await.unwrap();
        let store = db.store.clone();
        for (position, slug) in ["war", "culture"].into_iter().enumerate() {
            store
                .create_section(
                    NewSection {
                        slug: Slug::parse(slug).unwrap(),
                        name: slug.to_uppercase(),
                        description: String::new(),
                        position: i32::try_from(position).unwrap(),
                    },
                    None,
                )
                .await
                .unwrap();
        }
        let author = store
            .create_author(NewAuthor {
                slug: Slug::parse("olena").unwrap(),
                name: "Olena".into(),
                bio: String::new(),
                is_house: false,
            })
            .await
            .unwrap()
            .id;
        let bot = FakeBotApi::start();
        let api = BotApi::new(
            BotConfig {
                api_base_url: bot.url(),
                bot_token: TOKEN.into(),
            },
            timeout,
        );
        let courier = TelegramCourier::new(store.clone(), api, Arc::new(now));
        Self {
            db,
            store,
            bot,
            courier,
            author,
        }
    }

    async fn section(&self, slug: &str) -> i64 {
        self.store.section_by_slug(slug).await.unwrap().unwrap().id
    }

    async fn channel(&self, chat: &str, section: Option<&str>, with_images: bool) {
        let section_id = match section {
            Some(slug) => Some(self.section(slug).await),
            None => None,
        };
        let settings = ChannelSettings {
            chat_id: ChatId::parse(chat).unwrap(),
            title: chat.trim_start_matches('@').into(),
            section_id,
            active: true,
            with_images,
        };
        self.store
            .add_telegram_channel(&settings, None, now())
            .await
            .unwrap();
    }

    /// A published article in `section`, and the data of its events.
    async fn publish(&self, section: &str, headline: &str, standfirst: &str) -> EventArticle {
        let article = NewArticle {
            language: Language::EN,
            slug: None,
            headline: headline.into(),
            standfirst: standfirst.into(),
            body_markdown: "A paragraph.".into(),
            section_id: self.section(section).await,
            tag_ids: vec![],
            author_ids: vec![self.author],
            status: ArticleStatus::Published,
            published_at: Some(now()),
            updated_at: None,
            seo_title: None,
            seo_description: None,
        };
        let article = self.store.create_article(article, now()).await.unwrap();
        EventArticle {
            id: article.id,
            url: format!("https://news.example/{section}/{}", article.slug),
            headline: headline.into(),
            standfirst: standfirst.into(),
            section: EventSection {
                slug: section.into(),
                name: section.to_uppercase(),
            },
            language: "en".into(),
            authors: vec!["Olena".into()],
            tags: vec![],
            published_at: Some(now()),
            updated_at: now(),
            image_url: None,
            image_alt: None,
        }
    }

    /// Plans `kind` for `article` and delivers each planned delivery once; returns the attempts
    /// by chat.
    async fn deliver(&self, kind: EventKind, article: &EventArticle) -> Vec<(String, Attempt)> {
        let event = NewEvent {
            kind,
            article_id: Some(article.id),
            occurred_at: now(),
            seq: 1,
            data: EventData {
                article: Some(article.clone()),
                ..EventData::default()
            },
        };
        let audience = TelegramAudience::load(self.store.as_ref()).await.unwrap();
        let planned = plan(&event, &audience);
        let mut attempts = Vec::new();
        for delivery in planned {
            let attempt = self.attempt(&event, &delivery.target).await;
            attempts.push((delivery.target, attempt));
        }
        attempts
    }

    async fn attempt(&self, event: &NewEvent, chat: &str) -> Attempt {
        let event = Event {
            id: 1,
            kind: event.kind,
            article_id: event.article_id,
            occurred_at: event.occurred_at,
            seq: event.seq,
            data: event.data.clone(),
        };
        self.courier.deliver(&event, &delivery(chat)).await
    }

    async fn finish(self) {
        self.db.finish().await;
    }
}

fn delivery(chat: &str) -> Delivery {
    Delivery {
        id: 1,
        event_id: 1,
        channel: "telegram".into(),
        target: chat.into(),
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

fn event_of(kind: EventKind, article: &EventArticle) -> NewEvent {
    NewEvent {
        kind,
        article_id: Some(article.id),
        occurred_at: now(),
        seq: 1,
        data: EventData {
            article: Some(article.clone()),
            ..EventData::default()
        },
    }
}

fn outcomes(attempts: &[(String, Attempt)]) -> Vec<(&str, &Outcome)> {
    attempts
        .iter()
        .map(|(chat, a)| (chat.as_str(), &a.outcome))
        .collect()
}

async fn publishing_posts_headline_standfirst_and_link_to_the_channels_following_the_section(
    backend: Backend,
) {
    let w = World::new(backend).await;
    w.channel("@gazette_war", Some("war"), true).await;
    w.channel("@gazette_all", None, true).await;
    w.channel("@gazette_culture", Some("culture"), true).await;
    let article = w
        .publish("war", "Strikes on <Kyiv> & Lviv", "Air defence \"held\".")
        .await;

    let attempts = w.deliver(EventKind::ArticlePublished, &article).await;
    assert_eq!(
        outcomes(&attempts),
        [
            ("@gazette_all", &Outcome::Delivered),
            ("@gazette_war", &Outcome::Delivered)
        ],
        "the culture channel gets nothing about a war article"
    );
    let calls = w.bot.calls();
    assert_eq!(calls.len(), 2);
    let url = &article.url;
    for (call, chat) in calls.iter().zip(["@gazette_all", "@gazette_war"]) {
        assert_eq!(call.token, TOKEN);
        assert_eq!(call.method, "sendMessage");
        assert_eq!(
            call.body,
            json!({
                "chat_id": chat,
                "parse_mode": "HTML",
                "text": format!(
                    "<b>Strikes on &lt;Kyiv&gt; &amp; Lviv</b>\n\nAir defence &quot;held&quot;.\n\n\
                     <a href=\"{url}\">{url}</a>"
                ),
            })
        );
    }
    let messages = w.store.telegram_messages(article.id).await.unwrap();
    assert_eq!(
        messages
            .iter()
            .map(|m| (m.chat_id.as_str(), m.message_id, m.photo))
            .collect::<Vec<_>>(),
        [("@gazette_all", 101, false), ("@gazette_war", 102, false)]
    );

    // Delivering the same event again (a retry after a lost answer) posts nothing twice.
    w.deliver(EventKind::ArticlePublished, &article).await;
    assert_eq!(w.bot.calls().len(), 2);
    w.finish().await;
}

async fn no_channel_follows_the_section_so_nothing_is_posted(backend: Backend) {
    let w = World::new(backend).await;
    w.channel("@gazette_culture", Some("culture"), true).await;
    let article = w.publish("war", "Dam repaired", "").await;
    assert!(
        w.deliver(EventKind::ArticlePublished, &article)
            .await
            .is_empty()
    );
    assert!(w.bot.calls().is_empty());
    w.finish().await;
}

async fn a_featured_image_is_sent_as_a_photo_with_the_text_as_caption(backend: Backend) {
    let w = World::new(backend).await;
    w.channel("@gazette_war", Some("war"), true).await;
    w.channel("@gazette_words", Some("war"), false).await;
    let mut article = w.publish("war", "Bridge rebuilt", "In 90 days.").await;
    article.image_url = Some("https://news.example/media/ab/bridge-1600.jpeg".into());

    w.deliver(EventKind::ArticlePublished, &article).await;
    let calls = w.bot.calls();
    assert_eq!(calls[0].method, "sendPhoto");
    assert_eq!(calls[0].body["chat_id"], "@gazette_war");
    assert_eq!(
        calls[0].body["photo"],
        "https://news.example/media/ab/bridge-1600.jpeg"
    );
    assert!(
        calls[0].body["caption"]
            .as_str()
            .unwrap()
            .starts_with("<b>Bridge rebuilt</b>\n\nIn 90 days.")
    );
    assert_eq!(
        calls[1].method, "sendMessage",
        "a channel without images gets text"
    );

    // An edit of a photo message changes its caption.
    article.headline = "Bridge rebuilt in record time".into();
    w.deliver(EventKind::ArticleUpdated, &article).await;
    let edits: Vec<_> = w.bot.calls().into_iter().skip(2).collect();
    assert_eq!(
        edits.iter().map(|c| c.method.as_str()).collect::<Vec<_>>(),
        ["editMessageCaption", "editMessageText"]
    );
    assert_eq!(edits[0].body["message_id"], 101);
    assert!(
        edits[0].body["caption"]
            .as_str()
            .unwrap()
            .starts_with("<b>Bridge rebuilt in record time</b>")
    );
    w.finish().await;
}

async fn an_edit_updates_the_message_and_unpublishing_deletes_it(backend: Backend) {
    let w = World::new(backend).await;
    w.channel("@gazette_war", Some("war"), true).await;
    let mut article = w.publish("war", "Curfew lifted", "From Monday.").await;
    w.deliver(EventKind::ArticlePublished, &article).await;

    article.standfirst = "From Monday, in every district.".into();
    let attempts = w.deliver(EventKind::ArticleUpdated, &article).await;
    assert_eq!(outcomes(&attempts), [("@gazette_war", &Outcome::Delivered)]);
    let edit = w.bot.calls().pop().unwrap();
    assert_eq!(edit.method, "editMessageText");
    assert_eq!(edit.body["chat_id"], "@gazette_war");
    assert_eq!(edit.body["message_id"], 101);
    assert!(
        edit.body["text"]
            .as_str()
            .unwrap()
            .contains("From Monday, in every district.")
    );
    let message = &w.store.telegram_messages(article.id).await.unwrap()[0];
    assert_eq!(message.edited_at, Some(now()));

    // Telegram refuses an edit that changes nothing; for us that edit is done.
    w.bot.then_fail(
        400,
        "Bad Request: message is not modified: specified new message content and reply markup \
         are exactly the same as a current content and reply markup of the message",
        None,
    );
    let attempts = w.deliver(EventKind::ArticleUpdated, &article).await;
    assert_eq!(outcomes(&attempts), [("@gazette_war", &Outcome::Delivered)]);

    w.store
        .set_article_status(article.id, ArticleStatus::Unpublished, Some(now()), now())
        .await
        .unwrap();
    let attempts = w.deliver(EventKind::ArticleUnpublished, &article).await;
    assert_eq!(outcomes(&attempts), [("@gazette_war", &Outcome::Delivered)]);
    let delete = w.bot.calls().pop().unwrap();
    assert_eq!(delete.method, "deleteMessage");
    assert_eq!(
        delete.body,
        json!({ "chat_id": "@gazette_war", "message_id": 101 })
    );
    assert!(
        w.store
            .telegram_messages(article.id)
            .await
            .unwrap()
            .is_empty()
    );

    // A post still retrying after the takedown is not sent.
    let calls_before = w.bot.calls().len();
    let event = event_of(EventKind::ArticlePublished, &article);
    let attempt = w.attempt(&event, "@gazette_war").await;
    assert_eq!(attempt.outcome, Outcome::Delivered);
    assert_eq!(w.bot.calls().len(), calls_before);
    w.finish().await;
}

async fn a_server_error_is_retried_and_the_retry_posts_once(backend: Backend) {
    let w = World::new(backend).await;
    w.channel("@gazette_war", Some("war"), true).await;
    let article = w.publish("war", "Grid restored", "").await;
    let event = event_of(EventKind::ArticlePublished, &article);

    w.bot.then_fail(500, "Internal Server Error", None);
    let first = w.attempt(&event, "@gazette_war").await;
    assert_eq!(first.outcome, Outcome::Retry { not_before: None });
    assert_eq!(first.status_code, Some(500));
    assert_eq!(
        first.error.as_deref(),
        Some("Telegram: Internal Server Error")
    );
    assert!(
        w.store
            .telegram_messages(article.id)
            .await
            .unwrap()
            .is_empty()
    );

    let second = w.attempt(&event, "@gazette_war").await;
    assert_eq!(second.outcome, Outcome::Delivered);
    let sends = w.bot.calls();
    assert_eq!(sends.len(), 2, "one failed send, one that worked");
    assert_eq!(
        w.store.telegram_messages(article.id).await.unwrap().len(),
        1
    );
    w.finish().await;
}

async fn flood_control_is_retried_after_the_seconds_telegram_names(backend: Backend) {
    let w = World::new(backend).await;
    w.channel("@gazette_war", Some("war"), true).await;
    let article = w.publish("war", "Air raid alert", "").await;
    w.bot
        .then_fail(429, "Too Many Requests: retry after 7", Some(7));
    let attempt = w
        .attempt(
            &event_of(EventKind::ArticlePublished, &article),
            "@gazette_war",
        )
        .await;
    assert_eq!(
        attempt.outcome,
        Outcome::Retry {
            not_before: Some(now() + chrono::Duration::seconds(7))
        }
    );
    assert_eq!(attempt.status_code, Some(429));
    w.finish().await;
}

async fn a_refusal_fails_with_telegrams_description_and_never_the_token(backend: Backend) {
    let w = World::new(backend).await;
    w.channel("@gazette_war", Some("war"), true).await;
    let article = w.publish("war", "Ceasefire talks", "").await;
    w.bot.then_fail(400, "Bad Request: chat not found", None);
    let attempt = w
        .attempt(
            &event_of(EventKind::ArticlePublished, &article),
            "@gazette_war",
        )
        .await;
    assert_eq!(attempt.outcome, Outcome::GiveUp);
    assert_eq!(attempt.status_code, Some(400));
    assert_eq!(
        attempt.error.as_deref(),
        Some("Telegram: Bad Request: chat not found")
    );
    w.finish().await;
}

async fn a_bot_api_that_does_not_answer_is_retried_without_naming_the_token(backend: Backend) {
    let w = World::with_timeout(backend, Duration::from_millis(300)).await;
    w.channel("@gazette_war", Some("war"), true).await;
    let article = w.publish("war", "Night shelling", "").await;
    w.bot.server.then_reply(Reply {
        delay: Some(Duration::from_secs(2)),
        ..Reply::new(200, "{}")
    });
    let attempt = w
        .attempt(
            &event_of(EventKind::ArticlePublished, &article),
            "@gazette_war",
        )
        .await;
    assert_eq!(attempt.outcome, Outcome::Retry { not_before: None });
    let error = attempt.error.unwrap();
    assert!(error.contains("did not answer in time"), "{error}");
    assert!(!error.contains("secret"), "{error}");

    // Nothing listening at all: the same, and still no token in the log.
    let gone = BotApi::new(
        BotConfig {
            api_base_url: "http://127.0.0.1:9".into(),
            bot_token: TOKEN.into(),
        },
        Duration::from_secs(2),
    );
    let courier = TelegramCourier::new(w.store.clone(), gone, Arc::new(now));
    let event = event_of(EventKind::ArticlePublished, &article);
    let event = Event {
        id: 1,
        kind: event.kind,
        article_id: event.article_id,
        occurred_at: event.occurred_at,
        seq: 1,
        data: event.data,
    };
    let attempt = courier.deliver(&event, &delivery("@gazette_war")).await;
    assert!(matches!(attempt.outcome, Outcome::Retry { .. }));
    assert!(!attempt.error.unwrap().contains("secret"));
    w.finish().await;
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
    publishing_posts_headline_standfirst_and_link_to_the_channels_following_the_section,
    no_channel_follows_the_section_so_nothing_is_posted,
    a_featured_image_is_sent_as_a_photo_with_the_text_as_caption,
    an_edit_updates_the_message_and_unpublishing_deletes_it,
    a_server_error_is_retried_and_the_retry_posts_once,
    flood_control_is_retried_after_the_seconds_telegram_names,
    a_refusal_fails_with_telegrams_description_and_never_the_token,
    a_bot_api_that_does_not_answer_is_retried_without_naming_the_token,
);
