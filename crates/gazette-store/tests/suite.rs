//! The storage suite: every behaviour of the [`Store`] contract, run against SQLite always and
//! against PostgreSQL when `GAZETTE_TEST_POSTGRES_URL` is set (as `.ci/run` does).

#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use gazette_core::{ArticleStatus, Language, NewArticle, Slug, StaticPage};
use gazette_store::testing::TestDatabase;
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
                #[cfg_attr(not(gazette_postgres_tests), ignore = "set GAZETTE_TEST_POSTGRES_URL to run it")]
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
    tag_and_byline_lists_follow_each_change_to_the_article,
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
    sitemap_files_split_articles_published_at_the_same_time,
    the_news_sitemap_lists_the_last_hours_newest_first,
    the_synonym_list_starts_with_defaults_and_editors_change_it,
    an_import_stores_every_article_or_none,
    latest_lists_the_newest_without_counting,
    people_are_added_changed_and_one_admin_always_remains,
    sessions_expire_end_and_need_an_enabled_person,
    a_person_keeps_the_interface_language_they_chose,
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
    an_import_run_again_updates_what_changed_and_leaves_the_rest,
    a_refused_article_leaves_its_whole_batch_unwritten,
    old_addresses_lead_to_the_article_wherever_it_moved,
    imported_people_get_a_byline_and_a_disabled_account_without_password,
    a_sticky_post_is_pinned_to_the_home_page_and_an_editor_can_unpin_it,
    a_backup_under_write_load_holds_every_save_acknowledged_before_it,
    an_archive_restores_into_an_empty_database_and_exports_the_same,
    a_restore_needs_an_empty_database_and_keeps_nothing_when_it_fails,
    live_entries_are_listed_newest_first_and_drafts_stay_private,
    an_entry_change_is_what_a_resuming_stream_is_sent,
    an_edit_keeps_what_the_entry_said_and_marks_it_edited,
    one_entry_is_pinned_and_key_events_are_listed,
    coverage_starts_ends_and_refuses_what_is_not_there,
    the_breaking_banner_is_set_replaced_and_cleared,
    api_tokens_are_found_by_their_hash_with_their_person,
    a_token_needs_a_name_a_scope_and_a_person,
    a_revoked_token_stays_revoked_and_last_use_is_noted,
    events_are_stored_once_with_their_deliveries_and_the_cursor,
    a_due_delivery_is_claimed_once_and_its_attempts_recorded,
    webhook_endpoints_are_kept_changed_and_deleted_with_their_log,
    a_translation_starts_as_a_linked_draft_with_the_original_text,
    a_translation_is_out_of_date_once_the_original_changes_after_it,
    existing_articles_are_linked_and_unlinked,
    sections_and_tags_are_named_per_language,
);

// The newsroom's tests live in their own file.
// The site's content and discovery tests live in files of their own too.
#[path = "suite/articles.rs"]
mod article_store;
use article_store::*;

#[path = "suite/discovery.rs"]
mod discovery_store;
use discovery_store::*;

#[path = "suite/newsroom.rs"]
mod newsroom_store;
use newsroom_store::*;

#[path = "suite/sign_in.rs"]
mod sign_in_store;
use sign_in_store::*;

#[path = "suite/media.rs"]
mod media_store;
use media_store::*;

#[path = "suite/backup.rs"]
mod backup_store;
use backup_store::*;

#[path = "suite/archive.rs"]
mod archive_store;
use archive_store::*;

#[path = "suite/live.rs"]
mod live_store;
use live_store::*;

#[path = "suite/imports.rs"]
mod import_store;
use import_store::*;

#[path = "suite/api_tokens.rs"]
mod api_token_store;
use api_token_store::*;

#[path = "suite/outbox.rs"]
mod outbox_store;
use outbox_store::*;

#[path = "suite/translations.rs"]
mod translation_store;
use translation_store::*;

// Static pages per language: a module of its own, with its own tests per backend.
#[path = "suite/pages.rs"]
mod page_store;

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
        language: Language::EN,
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
