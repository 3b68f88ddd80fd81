//! `back_up_to`, what `gazette backup` stands on: a copy taken while writers go on holds every
//! save acknowledged before it began, whole, and opens as a database of its own.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{TimeZone, Utc};
use gazette_core::{ArticleStatus, Language, NewArticle, Slug};
use gazette_store::testing::TestDatabase;
use gazette_store::{Backend, NewAuthor, NewSection, SqlStore, Store, StoreError};
use tokio::sync::Mutex;

async fn newsroom(store: &Arc<dyn Store>) -> (i64, i64) {
    let section = store
        .create_section(
            NewSection {
                slug: Slug::parse("war").unwrap(),
                name: "War".into(),
                description: String::new(),
                position: 1,
            },
            None,
        )
        .await
        .unwrap();
    let author = store
        .create_author(NewAuthor {
            slug: Slug::parse("olena").unwrap(),
            name: "Olena".into(),
            bio: String::new(),
            is_house: false,
        })
        .await
        .unwrap();
    (section.id, author.id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_under_write_load_holds_every_save_acknowledged_before_it() {
    let db = TestDatabase::new(Backend::Sqlite).await.unwrap();
    let store = db.store.clone();
    let (section_id, author_id) = newsroom(&store).await;
    let now = Utc.with_ymd_and_hms(2025, 3, 31, 12, 0, 0).unwrap();
    let acknowledged: Arc<Mutex<Vec<(i64, String)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (store, acknowledged, stop) = (store.clone(), acknowledged.clone(), stop.clone());
        tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let headline = format!("Dispatch number {n} from the front");
                let article = NewArticle {
                    language: Language::En,
                    slug: None,
                    headline: headline.clone(),
                    standfirst: String::new(),
                    body_markdown: "Body.\n".repeat(200),
                    section_id,
                    tag_ids: vec![],
                    author_ids: vec![author_id],
                    status: ArticleStatus::Published,
                    published_at: Some(now),
                    updated_at: None,
                    seo_title: None,
                    seo_description: None,
                };
                let saved = store.create_article(article, now).await.unwrap();
                acknowledged.lock().await.push((saved.id, headline));
            }
        })
    };
    while acknowledged.lock().await.len() < 50 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let before = acknowledged.lock().await.clone();
    let dir = tempfile::tempdir().unwrap();
    let copy_path = dir.path().join("copy.db");
    store.back_up_to(&copy_path).await.unwrap();
    // Writes went on while the copy was made, and after it.
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    stop.store(true, Ordering::Relaxed);
    writer.await.unwrap();
    let total = acknowledged.lock().await.len();
    assert!(
        total > before.len(),
        "the writer kept writing during the backup"
    );

    let copy = SqlStore::open_sqlite(&copy_path, 2).await.unwrap();
    for (id, headline) in &before {
        let article = gazette_store::ArticleStore::article(&copy, *id)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("save {id} acknowledged before the backup is missing"));
        assert_eq!(&article.headline, headline);
        assert_eq!(
            article.body_markdown,
            "Body.\n".repeat(200),
            "whole, not half-written"
        );
    }
    let copied = gazette_store::ReadStore::article_count(&copy)
        .await
        .unwrap();
    assert!(copied as usize >= before.len() && copied as usize <= total);
    assert!(
        store.back_up_to(&copy_path).await.is_err(),
        "an existing file is never overwritten"
    );
    db.finish().await;
}

#[tokio::test]
#[cfg_attr(
    not(gazette_postgres_tests),
    ignore = "set GAZETTE_TEST_POSTGRES_URL to run it"
)]
async fn postgres_is_backed_up_with_its_own_tools() {
    let db = TestDatabase::new(Backend::Postgres).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let refused = db.store.back_up_to(&dir.path().join("copy.db")).await;
    assert!(matches!(refused, Err(StoreError::Invalid(message)) if message.contains("pg_dump")));
    db.finish().await;
}
