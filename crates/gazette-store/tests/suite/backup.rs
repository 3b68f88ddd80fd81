//! `back_up_to`, what `gazette backup` stands on: a copy taken while writers go on holds every
//! save acknowledged before it began, whole, and opens as a database of its own. PostgreSQL is
//! backed up with its own tools and refuses.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use gazette_store::{Backend, SqlStore, Store, StoreError};
use tokio::sync::Mutex;

use super::{newsroom, now, published};

pub async fn a_backup_under_write_load_holds_every_save_acknowledged_before_it(
    store: Arc<dyn Store>,
) {
    let dir = tempfile::tempdir().unwrap();
    let copy_path = dir.path().join("copy.db");
    if store.backend() == Backend::Postgres {
        let refused = store.back_up_to(&copy_path).await;
        assert!(
            matches!(refused, Err(StoreError::Invalid(message)) if message.contains("pg_dump"))
        );
        return;
    }
    let n = newsroom(&store).await;
    let acknowledged: Arc<Mutex<Vec<(i64, String)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (store, acknowledged, stop) = (store.clone(), acknowledged.clone(), stop.clone());
        let body = "Body.\n".repeat(200);
        let articles = (1..).map(move |i| {
            let mut article = published(&n, &format!("Dispatch number {i} from the front"), now());
            article.body_markdown = body.clone();
            article
        });
        tokio::spawn(async move {
            for article in articles {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let saved = store.create_article(article, now()).await.unwrap();
                acknowledged.lock().await.push((saved.id, saved.headline));
            }
        })
    };
    while acknowledged.lock().await.len() < 50 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let before = acknowledged.lock().await.clone();
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
}
