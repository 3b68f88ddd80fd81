//! The media library's part of the storage suite: image rows with their stored files, editing
//! their words, and featured images. Declared in `suite.rs`, so each test runs on SQLite and on
//! PostgreSQL.

use std::sync::Arc;

use gazette_store::{
    ArticleLookup, MediaText, MediaVariant, NewMedia, PageRequest, Store, StoreError,
};

use super::{at, draft, newsroom, now, published};

pub(crate) fn photo(hash: &str) -> NewMedia {
    let variant = |width: u32, format: &str| MediaVariant {
        width,
        height: width * 3 / 4,
        format: format.into(),
        key: format!("{hash}-{width}.{format}"),
        bytes: u64::from(width) * 10,
    };
    NewMedia {
        hash: hash.into(),
        original_name: " harbour.jpg ".into(),
        mime: "image/jpeg".into(),
        width: 800,
        height: 600,
        alt: "Boats in the harbour".into(),
        caption: "Morning in Odesa".into(),
        credit: "Photo: O. Koval".into(),
        created_by: None,
        variants: vec![
            variant(640, "jpeg"),
            variant(320, "webp"),
            variant(640, "webp"),
            variant(320, "jpeg"),
        ],
    }
}

pub async fn an_image_keeps_its_words_and_files_narrowest_first(store: Arc<dyn Store>) {
    let media = store
        .insert_media(photo("aa11"), None, now())
        .await
        .unwrap();
    assert_eq!(media.original_name, "harbour.jpg");
    assert_eq!((media.width, media.height), (800, 600));
    assert_eq!(media.alt, "Boats in the harbour");
    assert_eq!(media.created_at, now());
    let order: Vec<_> = media
        .variants
        .iter()
        .map(|v| (v.width, v.format.as_str()))
        .collect();
    assert_eq!(
        order,
        [(320, "webp"), (320, "jpeg"), (640, "webp"), (640, "jpeg")]
    );
    assert_eq!(media.largest("jpeg").unwrap().key, "aa11-640.jpeg");
    assert_eq!(
        store.media(media.id).await.unwrap(),
        Some(media.value.clone())
    );
    assert_eq!(store.media(media.id + 100).await.unwrap(), None);
    let mut keys = store.media_keys().await.unwrap();
    keys.sort();
    assert_eq!(keys.len(), 4);
    assert!(keys.contains(&"aa11-320.webp".to_string()));
}

pub async fn an_image_without_files_is_refused(store: Arc<dyn Store>) {
    let empty = NewMedia {
        variants: vec![],
        ..photo("bb22")
    };
    assert!(matches!(
        store.insert_media(empty, None, now()).await,
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(
        store
            .media_list(PageRequest::new(1, 10))
            .await
            .unwrap()
            .total,
        0
    );
}

pub async fn the_library_lists_newest_first_in_pages(store: Arc<dyn Store>) {
    for (day, hash) in [(1, "c1"), (3, "c3"), (2, "c2")] {
        store
            .insert_media(photo(hash), None, at(day, 9))
            .await
            .unwrap();
    }
    let first = store.media_list(PageRequest::new(1, 2)).await.unwrap();
    assert_eq!(first.total, 3);
    let hashes: Vec<_> = first.items.iter().map(|m| m.hash.as_str()).collect();
    assert_eq!(hashes, ["c3", "c2"]);
    assert_eq!(first.items[0].variants.len(), 4);
    let second = store.media_list(PageRequest::new(2, 2)).await.unwrap();
    assert_eq!(second.items[0].hash, "c1");
}

pub async fn editing_an_image_refreshes_the_articles_that_feature_it(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    let article = store
        .create_article(draft(&n, "Harbour reopens"), now())
        .await
        .unwrap();
    let media = store
        .insert_media(photo("dd44"), None, now())
        .await
        .unwrap();
    store
        .set_featured_media(article.id, Some(media.id), None, now())
        .await
        .unwrap();
    let before = store.latest_change_seq().await.unwrap();
    let edited = store
        .update_media(
            media.id,
            MediaText {
                alt: "  Two boats at the pier ".into(),
                caption: String::new(),
                credit: "Photo: staff".into(),
            },
            None,
            now(),
        )
        .await
        .unwrap();
    assert_eq!(edited.alt, "Two boats at the pier");
    assert_eq!(edited.caption, "");
    let changes = store.changes_since(before, 10).await.unwrap();
    assert!(
        changes
            .iter()
            .any(|c| c.entity == "article" && c.entity_id == Some(article.id)),
        "{changes:?}"
    );
    assert!(matches!(
        store
            .update_media(media.id + 100, MediaText::default(), None, now())
            .await,
        Err(StoreError::NotFound)
    ));
}

pub async fn an_article_features_one_image_or_none(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    let a = store
        .create_article(draft(&n, "First"), now())
        .await
        .unwrap();
    let b = store
        .create_article(draft(&n, "Second"), now())
        .await
        .unwrap();
    let media = store
        .insert_media(photo("ee55"), None, now())
        .await
        .unwrap();
    store
        .set_featured_media(a.id, Some(media.id), None, now())
        .await
        .unwrap();
    let featured = store.featured_media(&[a.id, b.id]).await.unwrap();
    assert_eq!(featured.len(), 1);
    assert_eq!(featured[&a.id].id, media.id);
    assert_eq!(featured[&a.id].variants.len(), 4);
    assert!(store.featured_media(&[]).await.unwrap().is_empty());

    assert!(matches!(
        store
            .set_featured_media(b.id, Some(media.id + 100), None, now())
            .await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        store
            .set_featured_media(b.id + 100, None, None, now())
            .await,
        Err(StoreError::NotFound)
    ));
    store
        .set_featured_media(a.id, None, None, now())
        .await
        .unwrap();
    assert!(store.featured_media(&[a.id]).await.unwrap().is_empty());
}

/// The article page's one-call read (a fast path of its own on SQLite) gives what the separate
/// calls give: the article with bylines and tags in order, the newest others of its section,
/// corrections oldest first and the featured image with its files; old slugs still redirect.
pub async fn an_article_page_is_read_whole_in_one_call(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    let kyiv = store.ensure_tag("Kyiv").await.unwrap();
    let drones = store.ensure_tag("Drones").await.unwrap();
    let mut lead = published(&n, "Harbour reopens", at(10, 9));
    lead.author_ids = vec![n.taras, n.olena];
    lead.tag_ids = vec![kyiv.id, drones.id];
    let lead = store.create_article(lead, now()).await.unwrap();
    for (day, headline) in [(3, "Third"), (5, "Fifth"), (7, "Seventh"), (8, "Eighth")] {
        let mut other = published(&n, headline, at(day, 9));
        other.author_ids = vec![n.olena, n.taras];
        store.create_article(other, now()).await.unwrap();
    }
    // Neither a draft, nor an article of another section, nor one due later is related.
    store
        .create_article(draft(&n, "Draft"), now())
        .await
        .unwrap();
    let mut elsewhere = published(&n, "Elsewhere", at(9, 9));
    elsewhere.section_id = n.culture;
    store.create_article(elsewhere, now()).await.unwrap();
    store
        .create_article(
            published(&n, "Tomorrow", now() + chrono::Duration::days(1)),
            now(),
        )
        .await
        .unwrap();
    let media = store
        .insert_media(photo("ee55"), None, now())
        .await
        .unwrap();
    store
        .set_featured_media(lead.id, Some(media.id), None, now())
        .await
        .unwrap();
    let editor = gazette_store::Actor {
        user_id: None,
        name: "Desk".into(),
        address: "192.0.2.9".into(),
    };
    for (hours, text) in [(2, "Second note."), (1, "First note.")] {
        store
            .add_correction(
                lead.id,
                gazette_core::newsroom::CorrectionKind::Correction,
                text,
                &editor,
                now() + chrono::Duration::hours(hours),
            )
            .await
            .unwrap();
    }

    let page = store
        .article_page("harbour-reopens", 3, now())
        .await
        .unwrap();
    let ArticleLookup::Current(article) = &page.lookup else {
        panic!("expected the article, got {:?}", page.lookup);
    };
    assert_eq!(**article, store.article(lead.id).await.unwrap().unwrap());
    let bylines: Vec<&str> = article.authors.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(bylines, ["Staff", "Olena Marchenko"]);
    let tags: Vec<&str> = article.tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(tags, ["Kyiv", "Drones"]);
    let related: Vec<&str> = page.related.iter().map(|a| a.headline.as_str()).collect();
    assert_eq!(related, ["Eighth", "Seventh", "Fifth"]);
    let related_bylines: Vec<&str> = page.related[0]
        .authors
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(related_bylines, ["Olena Marchenko", "Staff"]);
    let filter = gazette_store::ArticleFilter {
        section_id: Some(n.war),
        exclude_id: Some(lead.id),
        ..Default::default()
    };
    assert_eq!(page.related, store.latest(&filter, 3, now()).await.unwrap());
    let notes: Vec<&str> = page.corrections.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(notes, ["First note.", "Second note."]);
    assert_eq!(page.featured, store.media(media.id).await.unwrap());

    let mut renamed = published(&n, "Harbour reopens", at(10, 9));
    renamed.slug = Some(gazette_core::Slug::parse("harbour-reopens-fully").unwrap());
    store.update_article(lead.id, renamed, now()).await.unwrap();
    let moved = store
        .article_page("harbour-reopens", 3, now())
        .await
        .unwrap();
    assert!(
        matches!(&moved.lookup, ArticleLookup::Renamed { slug, .. } if slug.as_str() == "harbour-reopens-fully"),
        "{:?}",
        moved.lookup
    );
    assert!(moved.related.is_empty() && moved.corrections.is_empty() && moved.featured.is_none());
    let missing = store
        .article_page("no-such-article", 3, now())
        .await
        .unwrap();
    assert!(matches!(missing.lookup, ArticleLookup::NotFound));

    // A closed store refuses, as an unreachable database would: readers get a 503, not a page.
    store.close().await;
    let refused = store.article_page("harbour-reopens-fully", 3, now()).await;
    assert!(
        refused.as_ref().is_err_and(StoreError::is_unavailable),
        "{refused:?}"
    );
}
