//! The site's content: sections, articles and their addresses, lists, views, the change log,
//! pages, settings and tags.

use super::*;

pub async fn sections_come_back_in_menu_order(store: Arc<dyn Store>) {
    store
        .create_section(
            NewSection {
                slug: slug("business"),
                name: "Business".into(),
                description: String::new(),
                position: 3,
            },
            None,
        )
        .await
        .unwrap();
    newsroom(&store).await;
    let names: Vec<String> = store
        .sections()
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names, ["War", "Culture", "Business"]);
    let war = store.section_by_slug("war").await.unwrap().unwrap();
    assert_eq!(war.description, "The front");
    assert!(store.section_by_slug("sport").await.unwrap().is_none());
}

pub async fn a_section_address_can_be_used_once(store: Arc<dyn Store>) {
    newsroom(&store).await;
    let again = store
        .create_section(
            NewSection {
                slug: slug("war"),
                name: "War again".into(),
                description: String::new(),
                position: 9,
            },
            None,
        )
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    assert_eq!(store.sections().await.unwrap().len(), 2);
}

pub async fn a_section_cannot_take_an_address_the_site_uses_itself(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    let section = |s: &str| NewSection {
        slug: slug(s),
        name: "Anything".into(),
        description: String::new(),
        position: 9,
    };
    for reserved in gazette_core::RESERVED_SECTION_SLUGS {
        let created = store.create_section(section(reserved), None).await;
        let Err(StoreError::Invalid(message)) = created else {
            panic!("{reserved}: {created:?}");
        };
        assert_eq!(
            message,
            format!(
                "the address /{reserved} is used by the site itself; choose another address for the section"
            )
        );
    }
    let renamed = store.update_section(n.war, section("feeds"), None).await;
    assert!(
        matches!(&renamed, Err(StoreError::Invalid(m)) if m.contains("/feeds")),
        "{renamed:?}"
    );
    let sections = store.sections().await.unwrap();
    let slugs: Vec<&str> = sections.iter().map(|s| s.slug.as_str()).collect();
    assert_eq!(slugs, ["war", "culture"], "nothing was created or renamed");
    // A word that merely starts like a reserved one is an ordinary address.
    store
        .create_section(section("search-and-rescue"), None)
        .await
        .unwrap();
    store
        .update_section(n.culture, section("feedsafe"), None)
        .await
        .unwrap();
}

pub async fn an_article_keeps_everything_it_was_given(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    let kharkiv = store.ensure_tag("Kharkiv").await.unwrap();
    let drones = store.ensure_tag("Drones").await.unwrap();
    let mut new = published(&n, "Drones over Kharkiv", at(3, 9));
    new.tag_ids = vec![drones.id, kharkiv.id];
    new.author_ids = vec![n.taras, n.olena];
    new.seo_title = Some("SEO headline".into());
    new.language = Language::UK;
    let created = store.create_article(new, at(3, 8)).await.unwrap();

    let loaded = store.article(created.id).await.unwrap().unwrap();
    assert_eq!(loaded, created);
    assert_eq!(loaded.slug.as_str(), "drones-over-kharkiv");
    assert_eq!(loaded.language, Language::UK);
    assert_eq!(loaded.section.name, "War");
    assert_eq!(loaded.status, ArticleStatus::Published);
    assert_eq!(loaded.published_at, Some(at(3, 9)));
    assert_eq!(loaded.created_at, at(3, 8));
    assert_eq!(loaded.seo_title.as_deref(), Some("SEO headline"));
    let tags: Vec<&str> = loaded.tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        tags,
        ["Drones", "Kharkiv"],
        "tags keep the order they were given"
    );
    let bylines: Vec<&str> = loaded.authors.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        bylines,
        ["Staff", "Olena Marchenko"],
        "bylines keep the order they were given"
    );
    assert!(loaded.body_html.contains("<blockquote>"));
}

pub async fn a_slug_is_made_from_the_headline_and_numbered_when_taken(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    let first = store
        .create_article(draft(&n, "Power cuts in Odesa"), now())
        .await
        .unwrap();
    let second = store
        .create_article(draft(&n, "Power cuts in Odesa!"), now())
        .await
        .unwrap();
    let third = store
        .create_article(draft(&n, "Power cuts in Odesa?"), now())
        .await
        .unwrap();
    assert_eq!(first.slug.as_str(), "power-cuts-in-odesa");
    assert_eq!(second.slug.as_str(), "power-cuts-in-odesa-2");
    assert_eq!(third.slug.as_str(), "power-cuts-in-odesa-3");
}

pub async fn a_taken_slug_asked_for_explicitly_is_refused(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    store
        .create_article(draft(&n, "Grain corridor reopens"), now())
        .await
        .unwrap();
    let mut clash = draft(&n, "Something else");
    clash.slug = Some(slug("grain-corridor-reopens"));
    let result = store.create_article(clash, now()).await;
    assert!(matches!(result, Err(StoreError::Conflict(_))), "{result:?}");
    assert_eq!(store.article_count().await.unwrap(), 1);
}

pub async fn correcting_a_headline_keeps_the_address(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    let created = store
        .create_article(
            published(&n, "President met the NATO chief in Kyv", at(1, 9)),
            at(1, 9),
        )
        .await
        .unwrap();
    let mut fixed = published(&n, "President met the NATO chief in Kyiv", at(1, 9));
    fixed.slug = None;
    let updated = store
        .update_article(created.id, fixed, at(1, 11))
        .await
        .unwrap();
    assert_eq!(updated.headline, "President met the NATO chief in Kyiv");
    assert_eq!(updated.slug, created.slug);
    assert_eq!(
        updated.updated_at,
        Some(at(1, 11)),
        "a published article shows when it was updated"
    );
    assert!(matches!(
        store.find_article(created.slug.as_str()).await.unwrap(),
        ArticleLookup::Current(_)
    ));
}

pub async fn a_changed_slug_leaves_the_old_address_resolving(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    let created = store
        .create_article(published(&n, "Old headline", at(1, 9)), at(1, 9))
        .await
        .unwrap();
    let mut moved = published(&n, "New headline", at(1, 9));
    moved.slug = Some(slug("new-headline"));
    moved.section_id = n.culture;
    store
        .update_article(created.id, moved, at(2, 9))
        .await
        .unwrap();

    match store.find_article("old-headline").await.unwrap() {
        ArticleLookup::Renamed { section, slug } => {
            assert_eq!(section.as_str(), "culture");
            assert_eq!(slug.as_str(), "new-headline");
        }
        other => panic!("expected a redirect, got {other:?}"),
    }
    // The old slug stays reserved: a new article cannot take it over.
    let mut squatter = draft(&n, "Anything");
    squatter.slug = Some(slug("old-headline"));
    assert!(matches!(
        store.create_article(squatter, now()).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store.find_article("no-such-article").await.unwrap(),
        ArticleLookup::NotFound
    ));
}

pub async fn an_article_can_go_back_to_an_old_slug(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    let created = store
        .create_article(draft(&n, "First"), now())
        .await
        .unwrap();
    let mut renamed = draft(&n, "First");
    renamed.slug = Some(slug("second"));
    store
        .update_article(created.id, renamed.clone(), now())
        .await
        .unwrap();
    renamed.slug = Some(slug("first"));
    let back = store
        .update_article(created.id, renamed, now())
        .await
        .unwrap();
    assert_eq!(back.slug.as_str(), "first");
    assert!(matches!(
        store.find_article("first").await.unwrap(),
        ArticleLookup::Current(_)
    ));
    assert!(matches!(
        store.find_article("second").await.unwrap(),
        ArticleLookup::Renamed { .. }
    ));
}

pub async fn only_published_articles_in_the_past_are_listed_newest_first(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    store
        .create_article(published(&n, "Older", at(1, 9)), now())
        .await
        .unwrap();
    store
        .create_article(published(&n, "Newer", at(2, 9)), now())
        .await
        .unwrap();
    store
        .create_article(draft(&n, "A draft"), now())
        .await
        .unwrap();
    store
        .create_article(
            published(&n, "Embargoed until tomorrow", now() + Duration::days(1)),
            now(),
        )
        .await
        .unwrap();
    let page = store
        .published(&ArticleFilter::default(), PageRequest::new(1, 10), now())
        .await
        .unwrap();
    assert_eq!(headlines(&page.items), ["Newer", "Older"]);
    assert_eq!(page.total, 2);
    assert_eq!(page.items[0].authors[0].name, "Olena Marchenko");
    assert_eq!(page.items[0].section.name, "War");
}

pub async fn lists_are_paginated_with_a_total(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    for day in 1..=7 {
        store
            .create_article(published(&n, &format!("Day {day}"), at(day, 9)), now())
            .await
            .unwrap();
    }
    let first = store
        .published(&ArticleFilter::default(), PageRequest::new(1, 3), now())
        .await
        .unwrap();
    let last = store
        .published(&ArticleFilter::default(), PageRequest::new(3, 3), now())
        .await
        .unwrap();
    let beyond = store
        .published(&ArticleFilter::default(), PageRequest::new(9, 3), now())
        .await
        .unwrap();
    assert_eq!(headlines(&first.items), ["Day 7", "Day 6", "Day 5"]);
    assert_eq!(headlines(&last.items), ["Day 1"]);
    assert!(beyond.items.is_empty());
    assert_eq!((first.total, first.total_pages()), (7, 3));
}

pub async fn lists_filter_by_section_tag_author_and_exclusion(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    let film = store.ensure_tag("Film").await.unwrap();
    let mut festival = published(&n, "Film festival in Odesa", at(5, 9));
    festival.section_id = n.culture;
    festival.tag_ids = vec![film.id];
    festival.author_ids = vec![n.taras];
    let festival = store.create_article(festival, now()).await.unwrap();
    let front = store
        .create_article(published(&n, "Front line report", at(6, 9)), now())
        .await
        .unwrap();
    store
        .create_article(published(&n, "Second front report", at(7, 9)), now())
        .await
        .unwrap();

    let list = |filter: ArticleFilter| {
        let store = store.clone();
        async move {
            let page = store
                .published(&filter, PageRequest::new(1, 10), now())
                .await
                .unwrap();
            page.items
                .into_iter()
                .map(|a| a.headline)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        list(ArticleFilter {
            section_id: Some(n.culture),
            ..Default::default()
        })
        .await,
        ["Film festival in Odesa"]
    );
    assert_eq!(
        list(ArticleFilter {
            tag_id: Some(film.id),
            ..Default::default()
        })
        .await,
        ["Film festival in Odesa"]
    );
    assert_eq!(
        list(ArticleFilter {
            author_id: Some(n.taras),
            ..Default::default()
        })
        .await,
        ["Film festival in Odesa"]
    );
    assert_eq!(
        list(ArticleFilter {
            section_id: Some(n.war),
            exclude_id: Some(front.id),
            ..Default::default()
        })
        .await,
        ["Second front report"]
    );
    assert_eq!(
        list(ArticleFilter {
            language: Some(Language::UK),
            ..Default::default()
        })
        .await,
        Vec::<String>::new()
    );
    assert_ne!(festival.id, front.id);
}

pub async fn text_search_finds_every_word_and_escapes_wildcards(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    let mut a = published(&n, "Grain exports rise", at(1, 9));
    a.body_markdown = "Ports in Odesa shipped 100% more wheat.".into();
    store.create_article(a, now()).await.unwrap();
    store
        .create_article(published(&n, "Grain prices fall", at(2, 9)), now())
        .await
        .unwrap();
    let search = |text: &str| {
        let store = store.clone();
        let filter = ArticleFilter {
            text: Some(text.into()),
            ..Default::default()
        };
        async move {
            store
                .published(&filter, PageRequest::new(1, 10), now())
                .await
                .unwrap()
                .items
                .len()
        }
    };
    assert_eq!(search("grain").await, 2);
    assert_eq!(
        search("GRAIN odesa").await,
        1,
        "every word must match, in any case"
    );
    assert_eq!(search("100%").await, 1);
    assert_eq!(search("%").await, 1, "a % is a character, not a wildcard");
    assert_eq!(search("_").await, 0, "an _ is a character, not a wildcard");
}

pub async fn lists_filter_by_publication_dates_with_inclusive_bounds(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    for (headline, when) in [
        ("Grain talks open", at(5, 9)),
        ("Grain ships leave Odesa", at(10, 9)),
        ("Metro reopens", at(15, 9)),
        ("Grain deal signed", at(20, 9)),
    ] {
        store
            .create_article(published(&n, headline, when), now())
            .await
            .unwrap();
    }
    let list = |from: Option<DateTime<Utc>>, to: Option<DateTime<Utc>>, text: Option<&str>| {
        let store = store.clone();
        let filter = ArticleFilter {
            published_from: from,
            published_to: to,
            text: text.map(str::to_owned),
            ..Default::default()
        };
        async move {
            let page = store
                .published(&filter, PageRequest::new(1, 10), now())
                .await
                .unwrap();
            let latest = store.latest(&filter, 10, now()).await.unwrap();
            assert_eq!(headlines(&latest), headlines(&page.items), "latest agrees");
            assert_eq!(page.total, page.items.len() as u64, "the count agrees");
            page.items
                .into_iter()
                .map(|a| a.headline)
                .collect::<Vec<_>>()
        }
    };
    let second = Duration::seconds(1);
    assert_eq!(
        list(Some(at(10, 9)), Some(at(20, 9)), None).await,
        [
            "Grain deal signed",
            "Metro reopens",
            "Grain ships leave Odesa"
        ],
        "both bounds are inclusive, newest first"
    );
    assert_eq!(
        list(Some(at(10, 9) + second), Some(at(20, 9) - second), None).await,
        ["Metro reopens"]
    );
    assert_eq!(
        list(Some(at(10, 9) + Duration::milliseconds(500)), None, None).await,
        ["Grain deal signed", "Metro reopens"],
        "a bound within a second does not reach back to its start"
    );
    assert_eq!(
        list(None, Some(at(10, 9)), Some("grain")).await,
        ["Grain ships leave Odesa", "Grain talks open"],
        "dates combine with the words searched"
    );
    assert_eq!(
        list(Some(at(21, 0)), None, None).await,
        Vec::<String>::new()
    );
    assert_eq!(
        list(Some(at(20, 9)), Some(at(10, 9)), None).await,
        Vec::<String>::new(),
        "an empty range finds nothing"
    );
}

pub async fn most_read_sums_the_recent_days_only(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    let a = store
        .create_article(published(&n, "Read a lot long ago", at(1, 9)), now())
        .await
        .unwrap();
    let b = store
        .create_article(published(&n, "Read this week", at(2, 9)), now())
        .await
        .unwrap();
    let c = store
        .create_article(published(&n, "Read a little", at(3, 9)), now())
        .await
        .unwrap();
    let hidden = store
        .create_article(draft(&n, "Draft with views"), now())
        .await
        .unwrap();
    store
        .add_views(&[
            ViewIncrement {
                article_id: a.id,
                day: 100,
                views: 1000,
            },
            ViewIncrement {
                article_id: a.id,
                day: 110,
                views: 1,
            },
            ViewIncrement {
                article_id: b.id,
                day: 108,
                views: 40,
            },
            ViewIncrement {
                article_id: b.id,
                day: 110,
                views: 10,
            },
            ViewIncrement {
                article_id: c.id,
                day: 110,
                views: 5,
            },
            ViewIncrement {
                article_id: hidden.id,
                day: 110,
                views: 999,
            },
        ])
        .await
        .unwrap();
    let top = store.most_read(104, 10, now()).await.unwrap();
    assert_eq!(
        headlines(&top),
        ["Read this week", "Read a little", "Read a lot long ago"]
    );
    assert_eq!(top[0].authors.len(), 1);
    assert_eq!(store.most_read(104, 1, now()).await.unwrap().len(), 1);
}

pub async fn views_add_up_across_batches(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    let a = store
        .create_article(published(&n, "Counted", at(1, 9)), now())
        .await
        .unwrap();
    for _ in 0..3 {
        store
            .add_views(&[ViewIncrement {
                article_id: a.id,
                day: 200,
                views: 7,
            }])
            .await
            .unwrap();
    }
    store
        .add_views(&[ViewIncrement {
            article_id: 987_654,
            day: 200,
            views: 7,
        }])
        .await
        .unwrap();
    assert_eq!(store.article(a.id).await.unwrap().unwrap().view_total, 21);
    let top = store.most_read(200, 5, now()).await.unwrap();
    assert_eq!(top[0].view_total, 21);
}

pub async fn every_change_is_written_to_the_change_log_in_order(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    let before = store.changes_since(0, 1000).await.unwrap();
    let last_seq = before.last().map_or(0, |c| c.seq);
    let a = store
        .create_article(draft(&n, "Logged"), now())
        .await
        .unwrap();
    store
        .update_article(a.id, draft(&n, "Logged again"), now())
        .await
        .unwrap();
    store
        .set_article_status(a.id, ArticleStatus::Published, None, now())
        .await
        .unwrap();
    let changes = store.changes_since(last_seq, 1000).await.unwrap();
    let seen: Vec<(&str, Option<i64>, &str)> = changes
        .iter()
        .map(|c| (c.entity.as_str(), c.entity_id, c.action.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            ("article", Some(a.id), "created"),
            ("article", Some(a.id), "updated"),
            ("article", Some(a.id), "published")
        ]
    );
    assert!(changes.windows(2).all(|w| w[0].seq < w[1].seq));
    assert_eq!(changes[0].at, now());
}

pub async fn unpublishing_keeps_the_article_but_hides_it(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    let a = store
        .create_article(published(&n, "Taken down", at(1, 9)), now())
        .await
        .unwrap();
    let down = store
        .set_article_status(a.id, ArticleStatus::Unpublished, None, now())
        .await
        .unwrap();
    assert_eq!(down.status, ArticleStatus::Unpublished);
    assert_eq!(
        down.published_at,
        Some(at(1, 9)),
        "the original publication time is kept"
    );
    let page = store
        .published(&ArticleFilter::default(), PageRequest::new(1, 10), now())
        .await
        .unwrap();
    assert!(page.items.is_empty());
    match store.find_article("taken-down").await.unwrap() {
        ArticleLookup::Current(article) => assert_eq!(article.status, ArticleStatus::Unpublished),
        other => panic!("{other:?}"),
    }
}

pub async fn invalid_articles_are_refused_and_store_nothing(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    let mut no_byline = draft(&n, "No byline");
    no_byline.author_ids.clear();
    assert!(matches!(
        store.create_article(no_byline, now()).await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        store.create_article(draft(&n, "   "), now()).await,
        Err(StoreError::Invalid(_))
    ));
    let mut nowhere = draft(&n, "Unknown section");
    nowhere.section_id = 424_242;
    assert!(matches!(
        store.create_article(nowhere, now()).await,
        Err(StoreError::Invalid(_))
    ));
    let mut ghost = draft(&n, "Unknown author");
    ghost.author_ids = vec![424_242];
    assert!(matches!(
        store.create_article(ghost, now()).await,
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(
        store.article_count().await.unwrap(),
        0,
        "a refused article leaves nothing behind"
    );
    let kept = store
        .create_article(draft(&n, "Kept"), now())
        .await
        .unwrap();
    let mut bad_edit = draft(&n, "Kept");
    bad_edit.author_ids = vec![424_242];
    assert!(
        store
            .update_article(kept.id, bad_edit, now())
            .await
            .is_err()
    );
    let after = store.article(kept.id).await.unwrap().unwrap();
    assert_eq!(
        after.authors.len(),
        1,
        "a refused edit leaves the article as it was"
    );
}

pub async fn hostile_markup_is_stored_as_written_but_rendered_safe(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    let mut a = draft(&n, "<script>alert('headline')</script>");
    a.body_markdown = "Hi <script>alert(1)</script><img src=x onerror=alert(2)>".into();
    let a = store.create_article(a, now()).await.unwrap();
    assert_eq!(
        a.headline, "<script>alert('headline')</script>",
        "text is kept as typed; templates escape it"
    );
    assert!(a.body_markdown.contains("<script>"));
    assert!(!a.body_html.contains("<script"), "{}", a.body_html);
    assert!(!a.body_html.contains("onerror"), "{}", a.body_html);
}

pub async fn static_pages_are_created_and_replaced(store: Arc<dyn Store>) {
    let page = StaticPage {
        slug: slug("about"),
        title: "About".into(),
        body_markdown: "We **report**.".into(),
        body_html: String::new(),
    };
    store.put_page(&page).await.unwrap();
    store
        .put_page(&StaticPage {
            title: "About us".into(),
            ..page
        })
        .await
        .unwrap();
    let stored = store.page(Language::EN, "about").await.unwrap().unwrap();
    assert_eq!(stored.title, "About us");
    assert!(stored.body_html.contains("<strong>report</strong>"));
    assert_eq!(store.pages().await.unwrap().len(), 1);
    assert!(store.page(Language::EN, "nope").await.unwrap().is_none());
}

pub async fn settings_are_saved_and_replaced(store: Arc<dyn Store>) {
    assert_eq!(store.setting("site.name").await.unwrap(), None);
    store
        .set_setting("site.name", "The Dispatch")
        .await
        .unwrap();
    store
        .set_setting("site.name", "The Dnipro Dispatch")
        .await
        .unwrap();
    assert_eq!(
        store.setting("site.name").await.unwrap().as_deref(),
        Some("The Dnipro Dispatch")
    );
}

pub async fn tags_are_created_once_per_name(store: Arc<dyn Store>) {
    let a = store.ensure_tag("Air defence").await.unwrap();
    let b = store.ensure_tag("Air defence").await.unwrap();
    assert_eq!(a, b);
    assert_eq!(a.slug.as_str(), "air-defence");
    assert_eq!(store.tag_by_slug("air-defence").await.unwrap(), Some(a));
    assert!(store.ensure_tag("!!!").await.is_err());
}

pub async fn an_editor_can_publish_later_and_the_article_appears_then(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    let a = store
        .create_article(draft(&n, "Scheduled story"), now())
        .await
        .unwrap();
    let when = now() + Duration::hours(2);
    store
        .set_article_status(a.id, ArticleStatus::Published, Some(when), now())
        .await
        .unwrap();
    let visible = |t| {
        let store = store.clone();
        async move {
            store
                .published(&ArticleFilter::default(), PageRequest::new(1, 10), t)
                .await
                .unwrap()
                .total
        }
    };
    assert_eq!(visible(now()).await, 0);
    assert_eq!(visible(when).await, 1);
}

pub async fn an_import_stores_every_article_or_none(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    let batch: Vec<NewArticle> = (1..=50)
        .map(|i| published(&n, &format!("Imported {i}"), at(1, 9)))
        .collect();
    let ids = store.import_articles(&batch, now()).await.unwrap();
    assert_eq!(ids.len(), 50);
    assert_eq!(store.article_count().await.unwrap(), 50);
    let page = store
        .published(&ArticleFilter::default(), PageRequest::new(1, 100), now())
        .await
        .unwrap();
    assert_eq!(page.total, 50);
    assert!(page.items.iter().all(|a| a.authors.len() == 1));

    let mut bad_batch: Vec<NewArticle> = (1..=3)
        .map(|i| published(&n, &format!("Second batch {i}"), at(1, 9)))
        .collect();
    bad_batch[2].author_ids.clear();
    assert!(store.import_articles(&bad_batch, now()).await.is_err());
    assert_eq!(
        store.article_count().await.unwrap(),
        50,
        "a refused import leaves nothing behind"
    );
}
