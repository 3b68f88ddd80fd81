//! What discovery reads (search rebuilds, feeds, sitemaps, synonyms, latest lists) and what
//! several nodes share (leases, change notifications).

use super::*;
pub async fn search_rebuilds_read_every_published_article_complete_in_id_order(
    store: Arc<dyn Store>,
) {
    let n = newsroom(&store).await;
    let tag = store.ensure_tag("Kharkiv").await.unwrap();
    let mut first = published(&n, "First", at(1, 9));
    first.tag_ids = vec![tag.id];
    first.author_ids = vec![n.olena, n.taras];
    let first = store.create_article(first, now()).await.unwrap();
    store
        .create_article(draft(&n, "Draft"), now())
        .await
        .unwrap();
    // Embargoed articles are included: the index hides them until their time.
    let later = store
        .create_article(published(&n, "Embargoed", at(31, 18)), now())
        .await
        .unwrap();
    let all = store.published_articles_after(0, 10).await.unwrap();
    assert_eq!(
        all.iter().map(|a| a.headline.as_str()).collect::<Vec<_>>(),
        ["First", "Embargoed"]
    );
    assert_eq!(all[0].tags[0].name, "Kharkiv");
    assert_eq!(all[0].authors.len(), 2);
    assert!(all[0].body_html.contains("<blockquote>"));
    let rest = store.published_articles_after(first.id, 10).await.unwrap();
    assert_eq!(rest.iter().map(|a| a.id).collect::<Vec<_>>(), [later.id]);
    assert!(
        store
            .published_articles_after(later.id, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn search_hits_are_loaded_in_rank_order_without_what_readers_cannot_see(
    store: Arc<dyn Store>,
) {
    let n = newsroom(&store).await;
    let a = store
        .create_article(published(&n, "Alpha", at(1, 9)), now())
        .await
        .unwrap();
    let b = store
        .create_article(published(&n, "Bravo", at(2, 9)), now())
        .await
        .unwrap();
    let hidden = store
        .create_article(published(&n, "Taken down", at(3, 9)), now())
        .await
        .unwrap();
    store
        .set_article_status(hidden.id, ArticleStatus::Unpublished, None, now())
        .await
        .unwrap();
    let found = store
        .published_summaries_by_ids(&[b.id, hidden.id, a.id, 999_999], now())
        .await
        .unwrap();
    assert_eq!(headlines(&found), ["Bravo", "Alpha"]);
    assert_eq!(found[0].authors[0].name, "Olena Marchenko");
    assert!(
        store
            .published_summaries_by_ids(&[], now())
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn feeds_get_complete_articles_newest_first(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    for day in 1..=4 {
        let mut article = published(&n, &format!("Day {day}"), at(day, 9));
        if day == 4 {
            article.section_id = n.culture;
        }
        store.create_article(article, now()).await.unwrap();
    }
    let war = ArticleFilter {
        section_id: Some(n.war),
        ..Default::default()
    };
    let items = store.published_articles(&war, 2, now()).await.unwrap();
    assert_eq!(
        items
            .iter()
            .map(|a| a.headline.as_str())
            .collect::<Vec<_>>(),
        ["Day 3", "Day 2"]
    );
    assert!(items[0].body_html.contains("Body of Day 3"));
    assert_eq!(items[0].authors[0].name, "Olena Marchenko");
}

pub async fn sitemaps_are_cut_into_files_with_their_newest_update_time(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    for day in 1..=5 {
        store
            .create_article(published(&n, &format!("Day {day}"), at(day, 9)), now())
            .await
            .unwrap();
    }
    store
        .create_article(draft(&n, "Unseen"), now())
        .await
        .unwrap();
    // Day 2 was corrected on day 20: its file's lastmod moves.
    let day2 = store.published_articles_after(0, 10).await.unwrap()[1].clone();
    let mut fix = published(&n, "Day 2", at(2, 9));
    fix.updated_at = Some(at(20, 8));
    store.update_article(day2.id, fix, now()).await.unwrap();

    let chunks = store.sitemap_chunks(2, now()).await.unwrap();
    assert_eq!(
        chunks.iter().map(|c| c.count).collect::<Vec<_>>(),
        [2, 2, 1]
    );
    assert_eq!(chunks[0].lastmod, at(20, 8));
    assert_eq!(chunks[1].lastmod, at(4, 9));
    let second = store.sitemap_links(2, 2, now()).await.unwrap();
    assert_eq!(
        second
            .iter()
            .map(|l| l.headline.as_str())
            .collect::<Vec<_>>(),
        ["Day 3", "Day 4"]
    );
    assert_eq!(second[0].section.as_str(), "war");
    assert_eq!(second[0].slug.as_str(), "day-3");
    assert_eq!(second[0].lastmod, at(3, 9));
    assert!(store.sitemap_chunks(2, at(1, 0)).await.unwrap().is_empty());
}

/// A sitemap file starts where the one before ended even when articles share a publication time
/// (imports often give a whole day one time): ties are ordered by id, none repeated or skipped.
pub async fn sitemap_files_split_articles_published_at_the_same_time(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    for i in 1..=7 {
        // Days 1 and 3 around five articles that share day 2, 9:00.
        let day = match i {
            1 => 1,
            7 => 3,
            _ => 2,
        };
        store
            .create_article(published(&n, &format!("Story {i}"), at(day, 9)), now())
            .await
            .unwrap();
    }
    let mut seen = Vec::new();
    for file in 0..4 {
        let links = store.sitemap_links(file * 2, 2, now()).await.unwrap();
        seen.extend(links.into_iter().map(|l| l.headline));
    }
    assert_eq!(
        seen,
        (1..=7).map(|i| format!("Story {i}")).collect::<Vec<_>>()
    );
    assert!(store.sitemap_links(7, 2, now()).await.unwrap().is_empty());
}

pub async fn the_news_sitemap_lists_the_last_hours_newest_first(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    for (headline, day) in [("Old", 20), ("Yesterday", 30), ("Today", 31)] {
        store
            .create_article(published(&n, headline, at(day, 9)), now())
            .await
            .unwrap();
    }
    let recent = store
        .recent_links(now() - Duration::hours(48), now(), 100)
        .await
        .unwrap();
    assert_eq!(
        recent
            .iter()
            .map(|l| l.headline.as_str())
            .collect::<Vec<_>>(),
        ["Today", "Yesterday"]
    );
    assert_eq!(recent[0].published_at, at(31, 9));
    assert_eq!(recent[0].language, Language::EN);
}

pub async fn the_synonym_list_starts_with_defaults_and_editors_change_it(store: Arc<dyn Store>) {
    let defaults = store.synonym_groups().await.unwrap();
    assert!(
        defaults
            .iter()
            .any(|g| g.terms.contains(&"kyiv".to_owned()) && g.terms.contains(&"kiev".to_owned()))
    );
    assert!(
        defaults
            .iter()
            .any(|g| g.terms.contains(&"zelenskyy".to_owned()))
    );
    let before = store.latest_change_seq().await.unwrap();

    let group = store
        .add_synonym_group(
            &[" Cherkasy".into(), "CHERKASSY".into(), "Черкаси".into()],
            None,
            now(),
        )
        .await
        .unwrap();
    assert_eq!(group.terms, ["cherkasy", "cherkassy", "черкаси"]);
    assert!(store.synonym_groups().await.unwrap().contains(&group));
    assert!(matches!(
        store
            .add_synonym_group(&["cherkasy".into(), "cherkasy".into()], None, now())
            .await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        store
            .add_synonym_group(
                &["cherkasy".into(), "cherkassy".into(), "черкаси".into()],
                None,
                now()
            )
            .await,
        Err(StoreError::Conflict(_))
    ));

    store
        .delete_synonym_group(group.id, None, now())
        .await
        .unwrap();
    assert!(!store.synonym_groups().await.unwrap().contains(&group));
    assert!(matches!(
        store.delete_synonym_group(group.id, None, now()).await,
        Err(StoreError::NotFound)
    ));
    let logged: Vec<(String, String)> = store
        .changes_since(before, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.entity, c.action))
        .collect();
    assert_eq!(
        logged,
        [
            ("synonyms".to_owned(), "created".to_owned()),
            ("synonyms".to_owned(), "deleted".to_owned())
        ]
    );
}

pub async fn latest_lists_the_newest_without_counting(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    for day in 1..=5 {
        store
            .create_article(published(&n, &format!("Day {day}"), at(day, 9)), now())
            .await
            .unwrap();
    }
    store
        .create_article(draft(&n, "Draft"), now())
        .await
        .unwrap();
    let latest = store
        .latest(&ArticleFilter::default(), 3, now())
        .await
        .unwrap();
    assert_eq!(headlines(&latest), ["Day 5", "Day 4", "Day 3"]);
    assert_eq!(latest[0].authors[0].name, "Olena Marchenko");
    let culture = store
        .latest(
            &ArticleFilter {
                section_id: Some(n.culture),
                ..Default::default()
            },
            3,
            now(),
        )
        .await
        .unwrap();
    assert!(culture.is_empty());
}

// ---------------------------------------------------------------- several nodes

const TEN_SECONDS: std::time::Duration = std::time::Duration::from_secs(10);

pub async fn a_lease_is_held_by_one_holder_until_it_expires(store: Arc<dyn Store>) {
    let t = now();
    assert!(store.lease("scheduler").await.unwrap().is_none());
    assert!(
        store
            .acquire_lease("scheduler", "node-a", TEN_SECONDS, t)
            .await
            .unwrap()
    );
    // Another holder is refused while the lease is live; the holder renews it.
    assert!(
        !store
            .acquire_lease("scheduler", "node-b", TEN_SECONDS, t + Duration::seconds(5))
            .await
            .unwrap()
    );
    assert!(
        store
            .acquire_lease("scheduler", "node-a", TEN_SECONDS, t + Duration::seconds(5))
            .await
            .unwrap()
    );
    let lease = store.lease("scheduler").await.unwrap().unwrap();
    assert_eq!(lease.holder, "node-a");
    assert_eq!(lease.expires_at, t + Duration::seconds(15));
    // Renewed: still refused after the first term would have ended.
    assert!(
        !store
            .acquire_lease(
                "scheduler",
                "node-b",
                TEN_SECONDS,
                t + Duration::seconds(12)
            )
            .await
            .unwrap()
    );
    // Leases on other names are independent.
    assert!(
        store
            .acquire_lease("other-job", "node-b", TEN_SECONDS, t)
            .await
            .unwrap()
    );
    // Once expired (node-a died), node-b takes it, and node-a is then refused.
    assert!(
        store
            .acquire_lease(
                "scheduler",
                "node-b",
                TEN_SECONDS,
                t + Duration::seconds(15)
            )
            .await
            .unwrap()
    );
    assert!(
        !store
            .acquire_lease(
                "scheduler",
                "node-a",
                TEN_SECONDS,
                t + Duration::seconds(16)
            )
            .await
            .unwrap()
    );
    // Releasing someone else's lease does nothing; releasing your own frees it at once.
    store.release_lease("scheduler", "node-a").await.unwrap();
    assert_eq!(
        store.lease("scheduler").await.unwrap().unwrap().holder,
        "node-b"
    );
    store.release_lease("scheduler", "node-b").await.unwrap();
    assert!(store.lease("scheduler").await.unwrap().is_none());
    assert!(
        store
            .acquire_lease(
                "scheduler",
                "node-a",
                TEN_SECONDS,
                t + Duration::seconds(17)
            )
            .await
            .unwrap()
    );
}

pub async fn nodes_racing_for_a_lease_get_it_once(store: Arc<dyn Store>) {
    let t = now();
    for round in 0..5_i64 {
        let at = t + Duration::seconds(round * 20);
        let tasks: Vec<_> = (0..6)
            .map(|node| {
                let store = store.clone();
                tokio::spawn(async move {
                    store
                        .acquire_lease("race", &format!("node-{round}-{node}"), TEN_SECONDS, at)
                        .await
                        .unwrap()
                })
            })
            .collect();
        let mut winners = 0;
        for task in tasks {
            if task.await.unwrap() {
                winners += 1;
            }
        }
        assert_eq!(winners, 1, "round {round}");
    }
}

pub async fn change_notifications_wake_listeners_on_postgres(store: Arc<dyn Store>) {
    let listener = store.listen_for_changes().await.unwrap();
    if store.backend() == Backend::Sqlite {
        assert!(listener.is_none(), "SQLite has one node and polls");
        return;
    }
    let mut listener = listener.unwrap();
    let n = newsroom(&store).await;
    let a = store
        .create_article(draft(&n, "Heard"), now())
        .await
        .unwrap();
    store
        .set_article_status(a.id, ArticleStatus::Published, None, now())
        .await
        .unwrap();
    let latest = store.latest_change_seq().await.unwrap();
    // Every committed entry is announced with its sequence number, in order.
    let mut heard = Vec::new();
    while heard.last() != Some(&latest) {
        let signal = tokio::time::timeout(std::time::Duration::from_secs(5), listener.next())
            .await
            .expect("a notification within 5 s")
            .unwrap();
        match signal {
            gazette_store::ChangeSignal::Changed(seq) => heard.push(seq),
            gazette_store::ChangeSignal::Reconnected => panic!("the connection was not lost"),
        }
    }
    assert!(heard.windows(2).all(|w| w[0] < w[1]), "{heard:?}");
    // A failed transaction announces nothing.
    let taken = store.create_article(
        {
            let mut dup = draft(&n, "Duplicate");
            dup.slug = Some(slug("heard"));
            dup
        },
        now(),
    );
    assert!(taken.await.is_err());
    assert!(
        tokio::time::timeout(std::time::Duration::from_millis(300), listener.next())
            .await
            .is_err()
    );
}

/// Tag and byline lists read each article's status and time from copies the database keeps on
/// the links (migration 0014): they follow an edit, a new publication time and a takedown, and
/// count what they list.
pub async fn tag_and_byline_lists_follow_each_change_to_the_article(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    let film = store.ensure_tag("Film").await.unwrap();
    let mut first = published(&n, "First", at(1, 9));
    first.tag_ids = vec![film.id];
    let first_id = store.create_article(first.clone(), now()).await.unwrap().id;
    let mut later = published(&n, "Later", at(2, 9));
    later.tag_ids = vec![film.id];
    let later_id = store.create_article(later.clone(), now()).await.unwrap().id;
    let mut draft = draft(&n, "Not yet");
    draft.tag_ids = vec![film.id];
    store.create_article(draft, now()).await.unwrap();

    let by_tag = ArticleFilter {
        tag_id: Some(film.id),
        ..Default::default()
    };
    let by_author = ArticleFilter {
        author_id: Some(n.olena),
        ..Default::default()
    };
    let lists = |filter: ArticleFilter| {
        let store = store.clone();
        async move {
            let page = store
                .published(&filter, PageRequest::new(1, 10), now())
                .await
                .unwrap();
            let latest = store.latest(&filter, 10, now()).await.unwrap();
            let feed = store.published_articles(&filter, 10, now()).await.unwrap();
            let names = |items: &[gazette_core::ArticleSummary]| {
                items.iter().map(|a| a.headline.clone()).collect::<Vec<_>>()
            };
            assert_eq!(names(&page.items), names(&latest));
            assert_eq!(
                names(&latest),
                feed.iter().map(|a| a.headline.clone()).collect::<Vec<_>>()
            );
            assert_eq!(page.total, page.items.len() as u64);
            names(&latest)
        }
    };
    assert_eq!(lists(by_tag.clone()).await, ["Later", "First"]);
    assert_eq!(lists(by_author.clone()).await, ["Later", "First"]);

    // Moved after the other one, then into the future: the lists follow the article's time.
    store
        .set_article_status(first_id, ArticleStatus::Published, Some(at(3, 9)), now())
        .await
        .unwrap();
    assert_eq!(lists(by_tag.clone()).await, ["First", "Later"]);
    store
        .set_article_status(
            first_id,
            ArticleStatus::Scheduled,
            Some(now() + Duration::days(1)),
            now(),
        )
        .await
        .unwrap();
    assert_eq!(lists(by_tag.clone()).await, ["Later"]);
    assert_eq!(lists(by_author.clone()).await, ["Later"]);

    // Taken down: gone from both.
    store
        .set_article_status(later_id, ArticleStatus::Unpublished, None, now())
        .await
        .unwrap();
    assert!(lists(by_tag.clone()).await.is_empty());
    assert!(lists(by_author).await.is_empty());

    // Another tag given on an edit, then published again: listed under it, not the old one.
    let photo = store.ensure_tag("Photo").await.unwrap();
    later.tag_ids = vec![photo.id];
    store.update_article(later_id, later, now()).await.unwrap();
    store
        .set_article_status(later_id, ArticleStatus::Published, None, now())
        .await
        .unwrap();
    let by_photo = ArticleFilter {
        tag_id: Some(photo.id),
        ..Default::default()
    };
    assert_eq!(lists(by_photo).await, ["Later"]);
    assert!(lists(by_tag).await.is_empty());
}
