//! The node's jobs against a real database: which pages a change makes stale (what readers would
//! see go out of date), and what shutdown saves and hands over.

#![allow(clippy::unwrap_used)]

mod support;

use std::sync::{Arc, Mutex};

use chrono::{DateTime, TimeZone, Utc};
use gazette_core::{ArticleStatus, Language, NewArticle, Slug};
use gazette_node::{
    ChangeFeed, DatabaseOutage, InvalidatePages, Jobs, ReadCounter, Stale, leases, scheduler,
};
use gazette_store::testing::TestDatabase;
use gazette_store::{Backend, NewSection, Store};
use support::newsroom::{Newsroom, newsroom};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 31, 12, 0, 0).unwrap()
}

/// A page cache that only remembers what it was told.
#[derive(Default)]
struct Told(Mutex<Vec<Stale>>);

impl InvalidatePages for Told {
    fn invalidate(&self, stale: &Stale) {
        self.0.lock().unwrap().push(stale.clone());
    }
}

impl Told {
    fn take(&self) -> Vec<Stale> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

fn jobs(store: &Arc<dyn Store>) -> Jobs {
    Jobs::new(
        store.clone(),
        Arc::new(now),
        ChangeFeed::new(0),
        Arc::new(DatabaseOutage::default()),
    )
}

fn article(newsroom: &Newsroom, headline: &str, status: ArticleStatus) -> NewArticle {
    NewArticle {
        language: Language::EN,
        slug: None,
        headline: headline.into(),
        standfirst: String::new(),
        body_markdown: "A paragraph.".into(),
        section_id: newsroom.section,
        tag_ids: vec![],
        author_ids: vec![newsroom.author],
        status,
        published_at: (status == ArticleStatus::Published).then(now),
        updated_at: None,
        seo_title: None,
        seo_description: None,
    }
}

async fn a_change_makes_stale_exactly_the_pages_that_show_it(backend: Backend) {
    let db = TestDatabase::new(backend).await.unwrap();
    let store = db.store.clone();
    let newsroom = newsroom(store.as_ref()).await;
    let told = Arc::new(Told::default());
    let jobs = jobs(&store).with_page_cache(told.clone());
    // A new cache holds nothing older than its first look at the log.
    jobs.settle().await;
    assert_eq!(told.take(), vec![]);

    let draft = store
        .create_article(article(&newsroom, "Draft", ArticleStatus::Draft), now())
        .await
        .unwrap();
    jobs.settle().await;
    assert_eq!(
        told.take(),
        vec![Stale {
            articles: [draft.id].into(),
            ..Stale::default()
        }],
        "a draft shows on no list: only its own (preview) pages are stale"
    );

    let published = store
        .create_article(
            article(&newsroom, "Dam repaired", ArticleStatus::Published),
            now(),
        )
        .await
        .unwrap();
    jobs.settle().await;
    assert_eq!(
        told.take(),
        vec![Stale {
            home: true,
            articles: [published.id].into(),
            sections: [newsroom.section].into(),
            authors: [newsroom.author].into(),
            ..Stale::default()
        }],
        "a published article is new on the front page, its section's and its author's pages"
    );

    store
        .update_section(
            newsroom.section,
            NewSection {
                slug: Slug::parse("war").unwrap(),
                name: "The war".into(),
                description: String::new(),
                position: 1,
            },
            None,
        )
        .await
        .unwrap();
    jobs.settle().await;
    let told = told.take();
    assert!(
        told.len() == 1 && told[0].everything,
        "a renamed section shows in every page's menu: {told:?}"
    );
    db.finish().await;
}

async fn stop_saves_the_counted_reads_and_hands_the_scheduler_over(backend: Backend) {
    let db = TestDatabase::new(backend).await.unwrap();
    let store = db.store.clone();
    let newsroom = newsroom(store.as_ref()).await;
    let read = store
        .create_article(
            article(&newsroom, "Read me", ArticleStatus::Published),
            now(),
        )
        .await
        .unwrap();
    let reads = Arc::new(ReadCounter::default());
    let jobs = jobs(&store).with_read_counter(reads.clone());
    let reader = Some(std::net::IpAddr::from([192, 0, 2, 1]));
    reads.record(read.id, reader, "Mozilla/5.0 Firefox/140.0", now());
    assert!(
        store
            .acquire_lease(
                scheduler::LEASE,
                leases::node_id(),
                leases::LEASE_TTL,
                Utc::now()
            )
            .await
            .unwrap()
    );

    jobs.stop().await;

    assert_eq!(reads.pending(), 0);
    let most_read = store
        .most_read(gazette_node::day_number(now()), 5, now())
        .await
        .unwrap();
    assert_eq!(
        most_read.iter().map(|a| a.id).collect::<Vec<_>>(),
        vec![read.id]
    );
    assert!(
        store.lease(scheduler::LEASE).await.unwrap().is_none(),
        "another node may take the scheduler over at once"
    );
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
    a_change_makes_stale_exactly_the_pages_that_show_it,
    stop_saves_the_counted_reads_and_hands_the_scheduler_over,
);
