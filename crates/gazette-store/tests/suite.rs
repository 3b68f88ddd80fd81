//! The storage suite: every behaviour of the [`Store`] contract, run against SQLite always and
//! against PostgreSQL when `GAZETTE_TEST_POSTGRES_URL` is set (as `.ci/run` does).

#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use gazette_core::{ArticleStatus, Language, NewArticle, Slug, StaticPage};
use gazette_store::testing::{TestDatabase, postgres_url};
use gazette_store::{
    ArticleFilter, ArticleLookup, Backend, NewAuthor, NewSection, PageRequest, Store, StoreError,
    ViewIncrement,
};

/// Declares one test per backend from an `async fn(Arc<dyn Store>)`.
macro_rules! storage_tests {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::run(gazette_store::Backend::Sqlite, super::$name).await;
                }
            )*
        }
        mod on_postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    super::run(gazette_store::Backend::Postgres, super::$name).await;
                }
            )*
        }
    };
}

async fn run<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(Arc<dyn Store>) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    if backend == Backend::Postgres && postgres_url().is_none() {
        eprintln!("skipped: set GAZETTE_TEST_POSTGRES_URL to run the PostgreSQL suite");
        return;
    }
    let db = TestDatabase::new(backend).await.expect("test database");
    test(db.store.clone()).await;
    db.finish().await;
}

storage_tests!(
    sections_come_back_in_menu_order,
    a_section_address_can_be_used_once,
    a_section_cannot_take_an_address_the_site_uses_itself,
    an_article_keeps_everything_it_was_given,
    a_slug_is_made_from_the_headline_and_numbered_when_taken,
    a_taken_slug_asked_for_explicitly_is_refused,
    correcting_a_headline_keeps_the_address,
    a_changed_slug_leaves_the_old_address_resolving,
    an_article_can_go_back_to_an_old_slug,
    only_published_articles_in_the_past_are_listed_newest_first,
    lists_are_paginated_with_a_total,
    lists_filter_by_section_tag_author_and_exclusion,
    text_search_finds_every_word_and_escapes_wildcards,
    lists_filter_by_publication_dates_with_inclusive_bounds,
    most_read_sums_the_recent_days_only,
    views_add_up_across_batches,
    every_change_is_written_to_the_change_log_in_order,
    unpublishing_keeps_the_article_but_hides_it,
    invalid_articles_are_refused_and_store_nothing,
    hostile_markup_is_stored_as_written_but_rendered_safe,
    static_pages_are_created_and_replaced,
    settings_are_saved_and_replaced,
    tags_are_created_once_per_name,
    an_editor_can_publish_later_and_the_article_appears_then,
    search_rebuilds_read_every_published_article_complete_in_id_order,
    search_hits_are_loaded_in_rank_order_without_what_readers_cannot_see,
    feeds_get_complete_articles_newest_first,
    sitemaps_are_cut_into_files_with_their_newest_update_time,
    the_news_sitemap_lists_the_last_hours_newest_first,
    the_synonym_list_starts_with_defaults_and_editors_change_it,
    an_import_stores_every_article_or_none,
    latest_lists_the_newest_without_counting,
    people_are_added_changed_and_one_admin_always_remains,
    sessions_expire_end_and_need_an_enabled_person,
    sign_in_attempts_are_charged_up_to_each_limit_and_refusals_charge_nothing,
    parallel_sign_in_attempts_are_charged_one_at_a_time,
    a_browser_is_known_for_the_account_it_signed_in_to_until_it_expires,
    the_audit_log_is_newest_first_filtered_and_paged,
    every_save_is_a_revision_and_a_save_over_a_newer_one_is_refused,
    editors_see_who_else_has_an_article_open,
    corrections_are_kept_in_order_and_listed_for_readers,
    status_changes_apply_only_from_the_status_expected,
    scheduled_articles_are_published_once_even_by_several_nodes,
    two_factor_is_confirmed_then_each_code_works_once,
    a_lease_is_held_by_one_holder_until_it_expires,
    nodes_racing_for_a_lease_get_it_once,
    change_notifications_wake_listeners_on_postgres,
    an_image_keeps_its_words_and_files_narrowest_first,
    an_image_without_files_is_refused,
    the_library_lists_newest_first_in_pages,
    editing_an_image_refreshes_the_articles_that_feature_it,
    an_article_features_one_image_or_none,
    an_article_page_is_read_whole_in_one_call,
);

// The newsroom's tests live in their own file.
#[path = "suite/newsroom.rs"]
mod newsroom_store;
use newsroom_store::*;

#[path = "suite/media.rs"]
mod media_store;
use media_store::*;

// One transaction per write, with failures injected part-way.
#[path = "suite/writes.rs"]
mod write_store;

// ---------------------------------------------------------------- fixtures

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, day, hour, 0, 0).unwrap()
}

fn slug(s: &str) -> Slug {
    Slug::parse(s).unwrap()
}

struct Newsroom {
    war: i64,
    culture: i64,
    olena: i64,
    taras: i64,
}

async fn newsroom(store: &Arc<dyn Store>) -> Newsroom {
    let war = store
        .create_section(
            NewSection {
                slug: slug("war"),
                name: "War".into(),
                description: "The front".into(),
                position: 1,
            },
            None,
        )
        .await
        .unwrap();
    let culture = store
        .create_section(
            NewSection {
                slug: slug("culture"),
                name: "Culture".into(),
                description: String::new(),
                position: 2,
            },
            None,
        )
        .await
        .unwrap();
    let olena = store
        .create_author(NewAuthor {
            slug: slug("olena-marchenko"),
            name: "Olena Marchenko".into(),
            bio: "Kharkiv".into(),
            is_house: false,
        })
        .await
        .unwrap();
    let taras = store
        .create_author(NewAuthor {
            slug: slug("staff"),
            name: "Staff".into(),
            bio: String::new(),
            is_house: true,
        })
        .await
        .unwrap();
    Newsroom {
        war: war.id,
        culture: culture.id,
        olena: olena.id,
        taras: taras.id,
    }
}

fn draft(n: &Newsroom, headline: &str) -> NewArticle {
    NewArticle {
        language: Language::En,
        slug: None,
        headline: headline.into(),
        standfirst: format!("Standfirst of {headline}"),
        body_markdown: format!("Body of {headline}.\n\n> A quote."),
        section_id: n.war,
        tag_ids: vec![],
        author_ids: vec![n.olena],
        status: ArticleStatus::Draft,
        published_at: None,
        updated_at: None,
        seo_title: None,
        seo_description: None,
    }
}

fn published(n: &Newsroom, headline: &str, when: DateTime<Utc>) -> NewArticle {
    NewArticle {
        status: ArticleStatus::Published,
        published_at: Some(when),
        ..draft(n, headline)
    }
}

fn now() -> DateTime<Utc> {
    at(31, 12)
}

fn headlines(items: &[gazette_core::ArticleSummary]) -> Vec<&str> {
    items.iter().map(|a| a.headline.as_str()).collect()
}

// ---------------------------------------------------------------- tests

async fn sections_come_back_in_menu_order(store: Arc<dyn Store>) {
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

async fn a_section_address_can_be_used_once(store: Arc<dyn Store>) {
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

async fn a_section_cannot_take_an_address_the_site_uses_itself(store: Arc<dyn Store>) {
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

async fn an_article_keeps_everything_it_was_given(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    let kharkiv = store.ensure_tag("Kharkiv").await.unwrap();
    let drones = store.ensure_tag("Drones").await.unwrap();
    let mut new = published(&n, "Drones over Kharkiv", at(3, 9));
    new.tag_ids = vec![drones.id, kharkiv.id];
    new.author_ids = vec![n.taras, n.olena];
    new.seo_title = Some("SEO headline".into());
    new.language = Language::Uk;
    let created = store.create_article(new, at(3, 8)).await.unwrap();

    let loaded = store.article(created.id).await.unwrap().unwrap();
    assert_eq!(loaded, created);
    assert_eq!(loaded.slug.as_str(), "drones-over-kharkiv");
    assert_eq!(loaded.language, Language::Uk);
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

async fn a_slug_is_made_from_the_headline_and_numbered_when_taken(store: Arc<dyn Store>) {
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

async fn a_taken_slug_asked_for_explicitly_is_refused(store: Arc<dyn Store>) {
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

async fn correcting_a_headline_keeps_the_address(store: Arc<dyn Store>) {
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

async fn a_changed_slug_leaves_the_old_address_resolving(store: Arc<dyn Store>) {
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

async fn an_article_can_go_back_to_an_old_slug(store: Arc<dyn Store>) {
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

async fn only_published_articles_in_the_past_are_listed_newest_first(store: Arc<dyn Store>) {
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

async fn lists_are_paginated_with_a_total(store: Arc<dyn Store>) {
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

async fn lists_filter_by_section_tag_author_and_exclusion(store: Arc<dyn Store>) {
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
            language: Some(Language::Uk),
            ..Default::default()
        })
        .await,
        Vec::<String>::new()
    );
    assert_ne!(festival.id, front.id);
}

async fn text_search_finds_every_word_and_escapes_wildcards(store: Arc<dyn Store>) {
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

async fn lists_filter_by_publication_dates_with_inclusive_bounds(store: Arc<dyn Store>) {
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

async fn most_read_sums_the_recent_days_only(store: Arc<dyn Store>) {
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

async fn views_add_up_across_batches(store: Arc<dyn Store>) {
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

async fn every_change_is_written_to_the_change_log_in_order(store: Arc<dyn Store>) {
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

async fn unpublishing_keeps_the_article_but_hides_it(store: Arc<dyn Store>) {
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

async fn invalid_articles_are_refused_and_store_nothing(store: Arc<dyn Store>) {
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

async fn hostile_markup_is_stored_as_written_but_rendered_safe(store: Arc<dyn Store>) {
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

async fn static_pages_are_created_and_replaced(store: Arc<dyn Store>) {
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
    let stored = store.page("about").await.unwrap().unwrap();
    assert_eq!(stored.title, "About us");
    assert!(stored.body_html.contains("<strong>report</strong>"));
    assert_eq!(store.pages().await.unwrap().len(), 1);
    assert!(store.page("nope").await.unwrap().is_none());
}

async fn settings_are_saved_and_replaced(store: Arc<dyn Store>) {
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

async fn tags_are_created_once_per_name(store: Arc<dyn Store>) {
    let a = store.ensure_tag("Air defence").await.unwrap();
    let b = store.ensure_tag("Air defence").await.unwrap();
    assert_eq!(a, b);
    assert_eq!(a.slug.as_str(), "air-defence");
    assert_eq!(store.tag_by_slug("air-defence").await.unwrap(), Some(a));
    assert!(store.ensure_tag("!!!").await.is_err());
}

async fn an_editor_can_publish_later_and_the_article_appears_then(store: Arc<dyn Store>) {
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

async fn an_import_stores_every_article_or_none(store: Arc<dyn Store>) {
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

// ---------------------------------------------------------------- discovery

async fn search_rebuilds_read_every_published_article_complete_in_id_order(store: Arc<dyn Store>) {
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

async fn search_hits_are_loaded_in_rank_order_without_what_readers_cannot_see(
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

async fn feeds_get_complete_articles_newest_first(store: Arc<dyn Store>) {
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

async fn sitemaps_are_cut_into_files_with_their_newest_update_time(store: Arc<dyn Store>) {
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

async fn the_news_sitemap_lists_the_last_hours_newest_first(store: Arc<dyn Store>) {
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
    assert_eq!(recent[0].language, Language::En);
}

async fn the_synonym_list_starts_with_defaults_and_editors_change_it(store: Arc<dyn Store>) {
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

async fn latest_lists_the_newest_without_counting(store: Arc<dyn Store>) {
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

async fn a_lease_is_held_by_one_holder_until_it_expires(store: Arc<dyn Store>) {
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

async fn nodes_racing_for_a_lease_get_it_once(store: Arc<dyn Store>) {
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

async fn change_notifications_wake_listeners_on_postgres(store: Arc<dyn Store>) {
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
