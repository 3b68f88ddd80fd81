//! Static pages per edition language: the newsroom's writes with their revisions, audit entries
//! and change-log rows, the footer order, translations, and what readers may see.

use gazette_store::pages::{FooterMove, ManagedPage, PageInput, PageStatus};
use gazette_store::{Actor, AuditFilter, NewAuditEntry};

use super::*;

storage_tests!(
    pages_are_kept_per_language_and_readers_see_only_published_ones,
    every_save_is_a_page_revision_and_one_can_be_restored,
    the_footer_is_reordered_one_place_at_a_time,
    a_translation_is_a_linked_draft_in_another_language,
    importers_put_english_published_pages_last_in_the_footer,
);

fn input(slug_text: &str, title: &str, body: &str) -> PageInput {
    PageInput {
        slug: slug(slug_text),
        title: title.into(),
        body_markdown: body.into(),
    }
}

fn entry(action: &str) -> NewAuditEntry {
    NewAuditEntry {
        actor: Actor {
            user_id: None,
            name: "Iryna".into(),
            address: "192.0.2.1".into(),
        },
        action: action.into(),
        entity: "page".into(),
        entity_id: None,
        detail: String::new(),
    }
}

async fn create(
    store: &Arc<dyn Store>,
    language: Language,
    slug_text: &str,
    title: &str,
) -> ManagedPage {
    store
        .create_page(
            language,
            input(slug_text, title, "Some **words**."),
            PageStatus::Published,
            Some(&entry("create")),
            at(1, 9),
        )
        .await
        .unwrap()
        .value
}

fn titles(pages: &[ManagedPage]) -> Vec<&str> {
    pages.iter().map(|p| p.title.as_str()).collect()
}

pub async fn pages_are_kept_per_language_and_readers_see_only_published_ones(
    store: Arc<dyn Store>,
) {
    let before = store.latest_change_seq().await.unwrap();
    let about = create(&store, Language::EN, "about", "About us").await;
    assert_eq!(about.language, Language::EN);
    assert_eq!(about.status, PageStatus::Published);
    assert!(about.body_html.contains("<strong>words</strong>"));
    // The same address in another language is another page; in the same language it is taken.
    let uk = create(&store, Language::UK, "about", "Про нас").await;
    let taken = store
        .create_page(
            Language::EN,
            input("about", "Again", ""),
            PageStatus::Draft,
            None,
            at(1, 9),
        )
        .await;
    assert!(matches!(taken, Err(StoreError::Conflict(_))), "{taken:?}");
    let untitled = store
        .create_page(
            Language::EN,
            input("empty", "  ", ""),
            PageStatus::Draft,
            None,
            at(1, 9),
        )
        .await;
    assert!(
        matches!(untitled, Err(StoreError::Invalid(_))),
        "{untitled:?}"
    );

    let read = store.page(Language::UK, "about").await.unwrap().unwrap();
    assert_eq!((read.id, read.title.as_str()), (uk.id, "Про нас"));
    assert_eq!(
        titles(&store.published_pages(Language::EN).await.unwrap()),
        ["About us"]
    );

    // A draft and an unpublished page are the newsroom's alone.
    store
        .set_page_status(
            about.id,
            PageStatus::Unpublished,
            Some(&entry("unpublish")),
            at(1, 10),
        )
        .await
        .unwrap();
    assert!(store.page(Language::EN, "about").await.unwrap().is_none());
    assert!(
        store
            .published_pages(Language::EN)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.pages().await.unwrap().len(), 2);
    let stored = store.page_by_id(about.id).await.unwrap().unwrap();
    assert_eq!(stored.status, PageStatus::Unpublished);
    assert!(store.page_by_id(about.id + 100).await.unwrap().is_none());

    // Each write is in the change log as the page, with its audit entry.
    let changes = store.changes_since(before, 100).await.unwrap();
    let pages: Vec<_> = changes
        .iter()
        .filter(|c| c.entity == "page")
        .map(|c| c.entity_id)
        .collect();
    assert_eq!(pages, [Some(about.id), Some(uk.id), Some(about.id)]);
    let audit = store
        .audit_log(&AuditFilter::default(), PageRequest::new(1, 10))
        .await
        .unwrap();
    let actions: Vec<_> = audit
        .items
        .iter()
        .map(|e| (e.action.as_str(), e.entity_id))
        .collect();
    assert_eq!(
        actions,
        [
            ("unpublish", Some(about.id)),
            ("create", Some(uk.id)),
            ("create", Some(about.id))
        ]
    );
}

pub async fn every_save_is_a_page_revision_and_one_can_be_restored(store: Arc<dyn Store>) {
    let page = create(&store, Language::EN, "contacts", "Contacts").await;
    let saved = store
        .update_page(
            page.id,
            input("contact-us", "Contact us", "Write to **news@example.com**."),
            Some(&entry("edit")),
            at(2, 9),
        )
        .await
        .unwrap()
        .value;
    assert_eq!(saved.slug.as_str(), "contact-us");
    assert!(
        saved
            .body_html
            .contains("<strong>news@example.com</strong>")
    );
    assert_eq!(saved.modified_at, at(2, 9));
    let revisions = store.page_revisions(page.id).await.unwrap();
    let said: Vec<_> = revisions.iter().map(|r| r.title.as_str()).collect();
    assert_eq!(said, ["Contact us", "Contacts"], "newest first");

    let first = revisions[1].id;
    let restored = store
        .restore_page_revision(page.id, first, Some(&entry("restore")), at(3, 9))
        .await
        .unwrap()
        .value;
    assert_eq!(restored.title, "Contacts");
    assert_eq!(restored.body_markdown, "Some **words**.");
    assert_eq!(
        restored.slug.as_str(),
        "contact-us",
        "a restore keeps the address"
    );
    assert_eq!(store.page_revisions(page.id).await.unwrap().len(), 3);

    // Another page's revision is not this page's to restore.
    let other = create(&store, Language::EN, "ads", "Advertising").await;
    let other_revision = store.page_revisions(other.id).await.unwrap()[0].id;
    let refused = store
        .restore_page_revision(page.id, other_revision, None, at(3, 9))
        .await;
    assert!(matches!(refused, Err(StoreError::NotFound)), "{refused:?}");
    let unknown = store
        .update_page(other.id + 50, input("x", "X", ""), None, at(3, 9))
        .await;
    assert!(matches!(unknown, Err(StoreError::NotFound)), "{unknown:?}");
    let clash = store
        .update_page(
            other.id,
            input("contact-us", "Advertising", ""),
            None,
            at(3, 9),
        )
        .await;
    assert!(matches!(clash, Err(StoreError::Conflict(_))), "{clash:?}");
}

pub async fn the_footer_is_reordered_one_place_at_a_time(store: Arc<dyn Store>) {
    let about = create(&store, Language::EN, "about", "About").await;
    let contacts = create(&store, Language::EN, "contacts", "Contacts").await;
    let donate = create(&store, Language::EN, "donate", "Donate").await;
    create(&store, Language::UK, "pro-nas", "Про нас").await;
    let footer = || async {
        titles(&store.published_pages(Language::EN).await.unwrap())
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(footer().await, ["About", "Contacts", "Donate"]);

    store
        .move_page(donate.id, FooterMove::Up, None, at(1, 10))
        .await
        .unwrap();
    assert_eq!(footer().await, ["About", "Donate", "Contacts"]);
    store
        .move_page(about.id, FooterMove::Down, None, at(1, 10))
        .await
        .unwrap();
    assert_eq!(footer().await, ["Donate", "About", "Contacts"]);
    let first = store
        .move_page(donate.id, FooterMove::Up, None, at(1, 10))
        .await;
    assert!(matches!(first, Err(StoreError::Invalid(_))), "{first:?}");

    // Out of the footer: still published (the sitemap lists it), after the footer's pages.
    let out = store
        .move_page(about.id, FooterMove::Out, None, at(1, 10))
        .await
        .unwrap()
        .value;
    assert_eq!(out.footer_position, None);
    assert_eq!(footer().await, ["Donate", "Contacts", "About"]);
    store
        .move_page(about.id, FooterMove::In, None, at(1, 10))
        .await
        .unwrap();
    assert_eq!(footer().await, ["Donate", "Contacts", "About"]);
    let last = store
        .move_page(about.id, FooterMove::Down, None, at(1, 10))
        .await;
    assert!(matches!(last, Err(StoreError::Invalid(_))), "{last:?}");
    let _ = contacts;
}

pub async fn a_translation_is_a_linked_draft_in_another_language(store: Arc<dyn Store>) {
    let about = create(&store, Language::EN, "about", "About us").await;
    let uk = store
        .translate_page(about.id, Language::UK, Some(&entry("translate")), at(2, 9))
        .await
        .unwrap()
        .value;
    assert_eq!(uk.language, Language::UK);
    assert_eq!(uk.status, PageStatus::Draft);
    assert_eq!(uk.translation_of, Some(about.id));
    assert_eq!((uk.title.as_str(), uk.slug.as_str()), ("About us", "about"));
    assert!(
        store.page(Language::UK, "about").await.unwrap().is_none(),
        "a draft is hidden"
    );

    // Once per language, never into the original's own.
    let again = store
        .translate_page(about.id, Language::UK, None, at(2, 9))
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    let own = store
        .translate_page(uk.id, Language::EN, None, at(2, 9))
        .await;
    assert!(matches!(own, Err(StoreError::Invalid(_))), "{own:?}");
    // Translating a translation links the new page to the original.
    let crh = Language::parse("crh").unwrap();
    let third = store
        .translate_page(uk.id, crh, None, at(2, 9))
        .await
        .unwrap()
        .value;
    assert_eq!(third.translation_of, Some(about.id));

    let group = store.page_translations(uk.id).await.unwrap();
    let languages: Vec<_> = group
        .iter()
        .map(|t| (t.language.code().to_owned(), t.status))
        .collect();
    assert_eq!(
        languages,
        [
            ("crh".to_owned(), PageStatus::Draft),
            ("en".to_owned(), PageStatus::Published),
            ("uk".to_owned(), PageStatus::Draft)
        ]
    );
    assert_eq!(store.page_translations(about.id).await.unwrap(), group);
    assert!(
        store
            .page_translations(about.id + 100)
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn importers_put_english_published_pages_last_in_the_footer(store: Arc<dyn Store>) {
    create(&store, Language::EN, "contacts", "Contacts").await;
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
    assert_eq!(stored.status, PageStatus::Published);
    assert_eq!(
        titles(&store.published_pages(Language::EN).await.unwrap()),
        ["Contacts", "About us"]
    );
    assert_eq!(store.page_revisions(stored.id).await.unwrap().len(), 2);
}

/// A page write interrupted before its change-log entry leaves nothing behind: no new text, no
/// revision, no audit entry, no translation.
async fn an_interrupted_page_write_leaves_nothing_behind(backend: Backend) {
    use gazette_store::testing::Fault;
    let db = TestDatabase::new(backend).await.expect("test database");
    let store = db.store.clone();
    let page = create(&store, Language::EN, "about", "About us").await;
    let audit_count = || async {
        let filter = AuditFilter::default();
        let entries = store.audit_log(&filter, PageRequest::new(1, 50));
        entries.await.unwrap().total
    };
    let audited = audit_count().await;

    db.fail_next_write(Fault::BeforeChangeLog);
    let edit = input("about", "Who we are", "New text.");
    let failed = store
        .update_page(page.id, edit, Some(&entry("edit")), at(2, 9))
        .await;
    assert!(failed.is_err());
    let stored = store.page_by_id(page.id).await.unwrap().unwrap();
    assert_eq!(stored.title, "About us");
    assert_eq!(store.page_revisions(page.id).await.unwrap().len(), 1);
    assert_eq!(audit_count().await, audited);

    db.fail_next_write(Fault::BeforeChangeLog);
    let failed = store
        .translate_page(page.id, Language::UK, Some(&entry("translate")), at(2, 9))
        .await;
    assert!(failed.is_err());
    assert_eq!(store.pages().await.unwrap().len(), 1);
    assert_eq!(audit_count().await, audited);

    // Nothing was left in the way: the same writes go through now.
    let saved = store
        .translate_page(page.id, Language::UK, Some(&entry("translate")), at(2, 9))
        .await
        .unwrap();
    assert_eq!(saved.seq, store.latest_change_seq().await.unwrap());
    db.finish().await;
}

mod with_faults_on_sqlite {
    #[tokio::test]
    async fn an_interrupted_page_write_leaves_nothing_behind() {
        super::an_interrupted_page_write_leaves_nothing_behind(gazette_store::Backend::Sqlite)
            .await;
    }
}

mod with_faults_on_postgres {
    #[tokio::test]
    #[cfg_attr(
        not(gazette_postgres_tests),
        ignore = "set GAZETTE_TEST_POSTGRES_URL to run it"
    )]
    async fn an_interrupted_page_write_leaves_nothing_behind() {
        super::an_interrupted_page_write_leaves_nothing_behind(gazette_store::Backend::Postgres)
            .await;
    }
}
