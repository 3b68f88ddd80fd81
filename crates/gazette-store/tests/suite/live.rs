//! Live blogs: entries in order, pinning, key events, edits kept as revisions, deletions the
//! stream can report, coverage, and the breaking-news banner.

use std::sync::Arc;

use chrono::Duration;
use gazette_core::live::{Breaking, Coverage, EntryDraft, EntryStatus};
use gazette_store::live::{EntryMarks, EntryQuery};
use gazette_store::{Store, StoreError};

use super::{Newsroom, at, newsroom, published};

fn said(n: &Newsroom, text: &str) -> EntryDraft {
    EntryDraft {
        headline: None,
        body_markdown: text.into(),
        author_ids: vec![n.olena],
        key_event: false,
    }
}

async fn live_blog(store: &Arc<dyn Store>, n: &Newsroom) -> i64 {
    let article = store
        .create_article(published(n, "Live: the summit", at(1, 8)), at(1, 8))
        .await
        .unwrap();
    store
        .set_coverage(article.id, Some(Coverage::Live), None, at(1, 8))
        .await
        .unwrap();
    article.id
}

fn texts(entries: &[gazette_core::live::LiveEntry]) -> Vec<&str> {
    entries.iter().map(|e| e.body_markdown.as_str()).collect()
}

pub async fn live_entries_are_listed_newest_first_and_drafts_stay_private(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    let blog = live_blog(&store, &n).await;
    for (minute, text) in [(0, "First"), (10, "Second"), (20, "Third")] {
        store
            .post_entry(
                blog,
                said(&n, text),
                EntryStatus::Published,
                None,
                None,
                at(1, 9) + Duration::minutes(minute),
            )
            .await
            .unwrap();
    }
    let draft = store
        .post_entry(
            blog,
            said(&n, "Not yet"),
            EntryStatus::Draft,
            None,
            None,
            at(1, 10),
        )
        .await
        .unwrap();
    assert_eq!(draft.posted_at, None);
    let page = store
        .live_entries(blog, EntryQuery::published(0, 10))
        .await
        .unwrap();
    assert_eq!(texts(&page), ["Third", "Second", "First"]);
    assert_eq!(page[0].authors[0].name, "Olena Marchenko");
    assert!(page[0].body_html.contains("<p>Third</p>"));
    assert_eq!(store.published_entry_count(blog).await.unwrap(), 3);
    let second_page = store
        .live_entries(blog, EntryQuery::published(2, 2))
        .await
        .unwrap();
    assert_eq!(texts(&second_page), ["First"]);
    // Its place on the pages: two published entries are newer than "First".
    assert_eq!(store.newer_entry_count(&second_page[0]).await.unwrap(), 2);

    // Publishing the draft gives it the time it went out.
    let out = store
        .set_entry_status(draft.id, EntryStatus::Published, None, at(1, 11))
        .await
        .unwrap();
    assert_eq!(out.posted_at, Some(at(1, 11)));
    let page = store
        .live_entries(blog, EntryQuery::published(0, 1))
        .await
        .unwrap();
    assert_eq!(texts(&page), ["Not yet"]);
}

pub async fn an_entry_change_is_what_a_resuming_stream_is_sent(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    let blog = live_blog(&store, &n).await;
    let first = store
        .post_entry(
            blog,
            said(&n, "One"),
            EntryStatus::Published,
            None,
            None,
            at(1, 9),
        )
        .await
        .unwrap();
    let resume_from = store.latest_entry_seq(blog).await.unwrap();
    assert_eq!(resume_from, first.seq);
    assert_eq!(
        first.seq, first.value.seq,
        "the entry carries its change's position"
    );
    let second = store
        .post_entry(
            blog,
            said(&n, "Two"),
            EntryStatus::Published,
            None,
            None,
            at(1, 10),
        )
        .await
        .unwrap();
    store
        .post_entry(
            blog,
            said(&n, "Draft"),
            EntryStatus::Draft,
            None,
            None,
            at(1, 10),
        )
        .await
        .unwrap();
    let deleted = store
        .set_entry_status(first.id, EntryStatus::Deleted, None, at(1, 11))
        .await
        .unwrap();
    let missed = store
        .entries_changed_since(blog, resume_from, 100)
        .await
        .unwrap();
    // Oldest change first: the second entry, then the deletion of the first; never a draft.
    assert_eq!(
        missed.iter().map(|e| (e.id, e.status)).collect::<Vec<_>>(),
        [
            (second.id, EntryStatus::Published),
            (deleted.id, EntryStatus::Deleted)
        ]
    );
    assert!(
        store
            .entries_changed_since(blog, deleted.seq, 100)
            .await
            .unwrap()
            .is_empty()
    );
    // A deleted entry is gone from the page and cannot be edited back.
    assert_eq!(store.published_entry_count(blog).await.unwrap(), 1);
    assert!(matches!(
        store
            .edit_entry(first.id, said(&n, "Back"), None, None, at(1, 12))
            .await,
        Err(StoreError::Invalid(_))
    ));
}

pub async fn an_edit_keeps_what_the_entry_said_and_marks_it_edited(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    let blog = live_blog(&store, &n).await;
    let posted = store
        .post_entry(
            blog,
            said(&n, "Norway pledges"),
            EntryStatus::Published,
            None,
            None,
            at(1, 9),
        )
        .await
        .unwrap();
    assert_eq!(posted.edited_at, None);
    let edited = store
        .edit_entry(
            posted.id,
            EntryDraft {
                headline: Some("Nordic pledge".into()),
                ..said(&n, "Five governments pledge")
            },
            None,
            None,
            at(1, 10),
        )
        .await
        .unwrap();
    assert_eq!(edited.edited_at, Some(at(1, 10)));
    assert_eq!(edited.posted_at, Some(at(1, 9)), "the time shown stays");
    assert_eq!(edited.headline.as_deref(), Some("Nordic pledge"));
    assert!(edited.seq > posted.seq);
    let revisions = store.entry_revisions(posted.id).await.unwrap();
    assert_eq!(revisions.len(), 1);
    assert_eq!(revisions[0].body_markdown, "Norway pledges");
    assert_eq!(revisions[0].headline, None);
    // Refused edits change nothing.
    assert!(matches!(
        store
            .edit_entry(posted.id, said(&n, "   "), None, None, at(1, 11))
            .await,
        Err(StoreError::Invalid(_))
    ));
    let unknown_byline = EntryDraft {
        author_ids: vec![999_999],
        ..said(&n, "Who?")
    };
    assert!(matches!(
        store
            .edit_entry(posted.id, unknown_byline, None, None, at(1, 11))
            .await,
        Err(StoreError::Invalid(_))
    ));
    let now = store.live_entry(posted.id).await.unwrap().unwrap();
    assert_eq!(now.body_markdown, "Five governments pledge");
    assert_eq!(store.entry_revisions(posted.id).await.unwrap().len(), 1);
}

pub async fn one_entry_is_pinned_and_key_events_are_listed(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    let blog = live_blog(&store, &n).await;
    let mut ids = Vec::new();
    for (hour, text) in [(9, "A"), (10, "B"), (11, "C")] {
        let e = store
            .post_entry(
                blog,
                said(&n, text),
                EntryStatus::Published,
                None,
                None,
                at(1, hour),
            )
            .await
            .unwrap();
        ids.push(e.id);
    }
    let pin = |pinned| EntryMarks {
        pinned: Some(pinned),
        key_event: None,
    };
    store
        .mark_entry(ids[0], pin(true), None, at(1, 12))
        .await
        .unwrap();
    let before = store.latest_entry_seq(blog).await.unwrap();
    store
        .mark_entry(ids[1], pin(true), None, at(1, 12))
        .await
        .unwrap();
    let all = store
        .live_entries(blog, EntryQuery::published(0, 10))
        .await
        .unwrap();
    let pinned: Vec<&str> = all
        .iter()
        .filter(|e| e.pinned)
        .map(|e| e.body_markdown.as_str())
        .collect();
    assert_eq!(pinned, ["B"], "pinning one unpins the other");
    // Both changes reach open pages: the new pin and the lost one.
    let changed = store.entries_changed_since(blog, before, 10).await.unwrap();
    let mut changed_ids: Vec<i64> = changed.iter().map(|e| e.id).collect();
    changed_ids.sort_unstable();
    assert_eq!(changed_ids, [ids[0], ids[1]]);

    let key = EntryMarks {
        pinned: None,
        key_event: Some(true),
    };
    store
        .mark_entry(ids[2], key, None, at(1, 13))
        .await
        .unwrap();
    let key_events = store
        .live_entries(
            blog,
            EntryQuery {
                key_events_only: true,
                ..EntryQuery::published(0, 10)
            },
        )
        .await
        .unwrap();
    assert_eq!(texts(&key_events), ["C"]);
}

pub async fn coverage_starts_ends_and_refuses_what_is_not_there(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    let plain = store
        .create_article(published(&n, "An ordinary story", at(1, 8)), at(1, 8))
        .await
        .unwrap();
    assert_eq!(store.live_blog(plain.id).await.unwrap(), None);
    assert!(matches!(
        store
            .post_entry(
                plain.id,
                said(&n, "x"),
                EntryStatus::Published,
                None,
                None,
                at(1, 9)
            )
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store
            .set_coverage(999_999, Some(Coverage::Live), None, at(1, 9))
            .await,
        Err(StoreError::NotFound)
    ));
    let blog = live_blog(&store, &n).await;
    store
        .set_coverage(blog, Some(Coverage::Ended), None, at(1, 20))
        .await
        .unwrap();
    let ended = store.live_blog(blog).await.unwrap().unwrap();
    assert_eq!(ended.coverage, Coverage::Ended);
    assert_eq!(ended.started_at, at(1, 8));
    assert_eq!(ended.ended_at, Some(at(1, 20)));
    // Recent blogs for the news sitemap: ended, but an entry within the window counts.
    assert!(store.recent_live_blogs(at(1, 0)).await.unwrap().is_empty());
    store
        .post_entry(
            blog,
            said(&n, "Late"),
            EntryStatus::Published,
            None,
            None,
            at(1, 21),
        )
        .await
        .unwrap();
    assert_eq!(store.recent_live_blogs(at(1, 0)).await.unwrap(), [blog]);
    store
        .set_coverage(blog, Some(Coverage::Live), None, at(2, 8))
        .await
        .unwrap();
    let resumed = store.live_blog(blog).await.unwrap().unwrap();
    assert_eq!((resumed.coverage, resumed.ended_at), (Coverage::Live, None));
    assert_eq!(resumed.started_at, at(1, 8), "the first start is kept");
    assert_eq!(store.recent_live_blogs(at(3, 0)).await.unwrap(), [blog]);
    store
        .set_coverage(blog, None, None, at(2, 9))
        .await
        .unwrap();
    assert_eq!(store.live_blog(blog).await.unwrap(), None);
}

pub async fn the_breaking_banner_is_set_replaced_and_cleared(store: Arc<dyn Store>) {
    assert_eq!(store.breaking().await.unwrap(), None);
    let banner = Breaking::new(
        "Air raid alert in Kyiv",
        Some("/war/alert"),
        Some(at(1, 10)),
        at(1, 9),
    )
    .unwrap();
    let before = store.latest_change_seq().await.unwrap();
    let seq = store
        .set_breaking(Some(&banner), None, at(1, 9))
        .await
        .unwrap();
    assert!(seq > before);
    assert_eq!(store.breaking().await.unwrap(), Some(banner.clone()));
    let changes = store.changes_since(before, 10).await.unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].entity, "breaking");
    let other = Breaking::new("All clear", None, None, at(1, 9)).unwrap();
    store
        .set_breaking(Some(&other), None, at(1, 9))
        .await
        .unwrap();
    assert_eq!(store.breaking().await.unwrap(), Some(other));
    store.set_breaking(None, None, at(1, 9)).await.unwrap();
    assert_eq!(store.breaking().await.unwrap(), None);
}
