//! Imports from other systems: keyed by the source's identifiers, so a re-run updates what
//! changed and leaves the rest alone; old addresses keep leading to what they named.

use std::sync::Arc;

use gazette_core::newsroom::Email;
use gazette_core::{ArticleStatus, NewArticle};
use gazette_store::{
    Actor, ImportKind, ImportOutcome, ImportedArticle, ImportedPerson, OldAddress, Store,
};

use super::{Newsroom, at, newsroom, now, published, slug};

const SOURCE: &str = "wordpress:https://old.example";

fn importer() -> Actor {
    Actor {
        user_id: None,
        name: "Import from WordPress".into(),
        address: String::new(),
    }
}

fn imported(n: &Newsroom, key: &str, headline: &str, fingerprint: &str) -> ImportedArticle {
    let article = NewArticle {
        slug: Some(slug(&headline.to_lowercase().replace(' ', "-"))),
        ..published(n, headline, at(1, 9))
    };
    ImportedArticle {
        key: key.into(),
        fingerprint: fingerprint.into(),
        article,
        featured_media_id: None,
        pinned: false,
        old_addresses: vec![format!("/?p={}", key.len()), format!("/2025/03/01/{key}/")],
    }
}

pub async fn an_import_run_again_updates_what_changed_and_leaves_the_rest(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    let batch = vec![
        imported(&n, "guid-1", "Grain corridor reopens", "a"),
        imported(&n, "guid-22", "Power restored in Kharkiv", "b"),
    ];
    let first = store
        .write_imported_articles(SOURCE, &batch, &importer(), now())
        .await
        .unwrap();
    assert!(matches!(
        first[..],
        [ImportOutcome::Created(_), ImportOutcome::Created(_)]
    ));
    let seq_after_first = store.latest_change_seq().await.unwrap();

    let again = store
        .write_imported_articles(SOURCE, &batch, &importer(), now())
        .await
        .unwrap();
    assert_eq!(
        again,
        vec![
            ImportOutcome::Unchanged(first[0].article_id()),
            ImportOutcome::Unchanged(first[1].article_id())
        ]
    );
    assert_eq!(
        store.latest_change_seq().await.unwrap(),
        seq_after_first,
        "an unchanged re-run writes nothing, so no cache or index is disturbed"
    );
    assert_eq!(store.article_count().await.unwrap(), 2);

    let mut changed = imported(&n, "guid-22", "Power restored in Kharkiv", "c");
    changed.article.body_markdown = "The grid was repaired overnight.".into();
    changed.article.status = ArticleStatus::Draft;
    let third = store
        .write_imported_articles(SOURCE, &[changed], &importer(), now())
        .await
        .unwrap();
    assert_eq!(third, vec![ImportOutcome::Updated(first[1].article_id())]);
    let article = store.article(first[1].article_id()).await.unwrap().unwrap();
    assert_eq!(article.body_markdown, "The grid was repaired overnight.");
    assert_eq!(
        article.status,
        ArticleStatus::Draft,
        "the source's status is replayed"
    );
    assert_eq!(store.article_count().await.unwrap(), 2);
    let records = store
        .imported(
            SOURCE,
            ImportKind::Article,
            &["guid-22".into(), "guid-9".into()],
        )
        .await
        .unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records["guid-22"].fingerprint, "c");
    assert!(
        store
            .imported("ghost:other", ImportKind::Article, &["guid-22".into()])
            .await
            .unwrap()
            .is_empty(),
        "another source's keys are its own"
    );
    let revisions = store.revisions(first[1].article_id()).await.unwrap();
    assert_eq!(revisions.len(), 2, "each write of an import is a revision");
    let first_revision = &revisions[1];
    assert_eq!(
        (
            first_revision.note.as_str(),
            first_revision.user_name.as_str()
        ),
        ("imported", "Import from WordPress")
    );
    assert_eq!(first_revision.headline, "Power restored in Kharkiv");
    assert_eq!(first_revision.slug, "power-restored-in-kharkiv");
    assert_eq!(first_revision.author_ids, vec![n.olena]);
    assert_eq!(
        revisions[0].body_markdown,
        "The grid was repaired overnight."
    );
}

pub async fn a_refused_article_leaves_its_whole_batch_unwritten(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    let mut bad = imported(&n, "guid-3", "No byline", "x");
    bad.article.author_ids.clear();
    let batch = vec![imported(&n, "guid-1", "Fine", "a"), bad];
    assert!(
        store
            .write_imported_articles(SOURCE, &batch, &importer(), now())
            .await
            .is_err()
    );
    assert_eq!(store.article_count().await.unwrap(), 0);
    assert!(
        store
            .imported(SOURCE, ImportKind::Article, &["guid-1".into()])
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn old_addresses_lead_to_the_article_wherever_it_moved(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    let written = store
        .write_imported_articles(
            SOURCE,
            &[imported(&n, "guid-1", "Grain corridor reopens", "a")],
            &importer(),
            now(),
        )
        .await
        .unwrap();
    let id = written[0].article_id();
    let expected = |s: &str| OldAddress::Article {
        section: slug("war"),
        slug: slug(s),
    };
    assert_eq!(
        store.old_address("/?p=6").await.unwrap(),
        Some(expected("grain-corridor-reopens"))
    );
    assert_eq!(
        store.old_address("/2025/03/01/guid-1").await.unwrap(),
        Some(expected("grain-corridor-reopens")),
        "stored without the trailing slash, as requests are compared"
    );
    assert_eq!(store.old_address("/?p=7").await.unwrap(), None);

    let mut renamed = published(&n, "Grain corridor reopens", at(1, 9));
    renamed.slug = Some(slug("grain-corridor"));
    store.update_article(id, renamed, now()).await.unwrap();
    assert_eq!(
        store.old_address("/?p=6").await.unwrap(),
        Some(expected("grain-corridor"))
    );
    assert_eq!(
        store
            .published_article_address("grain-corridor-reopens")
            .await
            .unwrap(),
        Some(expected("grain-corridor")),
        "an old slug finds the article's current address"
    );

    store
        .add_old_addresses(&[("/?page_id=7".into(), "/pages/about".into())])
        .await
        .unwrap();
    assert_eq!(
        store.old_address("/?page_id=7").await.unwrap(),
        Some(OldAddress::Path("/pages/about".into()))
    );
}

pub async fn imported_people_get_a_byline_and_a_disabled_account_without_password(
    store: Arc<dyn Store>,
) {
    let person = ImportedPerson {
        slug: slug("ines-duarte"),
        name: "Ines Duarte".into(),
        bio: String::new(),
        email: Some(Email::parse("ines@old.example").unwrap()),
    };
    let (author_id, created) = store.import_person(&person, now()).await.unwrap();
    assert!(created);
    assert_eq!(
        store.import_person(&person, now()).await.unwrap(),
        (author_id, false),
        "a second run finds the same byline"
    );
    let users = store.users().await.unwrap();
    assert_eq!(users.len(), 1);
    assert!(users[0].disabled);
    assert_eq!(users[0].author_id, Some(author_id));
    let (_, hash) = store
        .user_credentials(&Email::parse("ines@old.example").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(!gazette_core::accounts::verify_password("", &hash));
    assert!(!gazette_core::accounts::verify_password("password", &hash));

    let (section, created) = store
        .import_section(&slug("politics"), "Politics", "", now())
        .await
        .unwrap();
    assert!(created);
    assert_eq!(
        store
            .import_section(&slug("politics"), "Politics", "", now())
            .await
            .unwrap(),
        (section, false)
    );
    assert!(
        store
            .import_section(&slug("search"), "Search", "", now())
            .await
            .is_err(),
        "an address the site answers itself is refused"
    );
}

pub async fn a_sticky_post_is_pinned_to_the_home_page_and_an_editor_can_unpin_it(
    store: Arc<dyn Store>,
) {
    let n = newsroom(&store).await;
    let sticky = ImportedArticle {
        pinned: true,
        ..imported(&n, "guid-7", "Air raid shelters listed", "a")
    };
    let plain = imported(&n, "guid-8", "Tram timetable changes", "b");
    let written = store
        .write_imported_articles(SOURCE, &[sticky, plain], &importer(), now())
        .await
        .unwrap();
    let (sticky_id, plain_id) = (written[0].article_id(), written[1].article_id());
    let pinned_only = gazette_store::ArticleFilter {
        pinned: true,
        ..Default::default()
    };
    let pinned = |store: Arc<dyn Store>| {
        let filter = pinned_only.clone();
        async move {
            store
                .latest(&filter, 10, now())
                .await
                .unwrap()
                .iter()
                .map(|a| a.id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(pinned(store.clone()).await, [sticky_id]);
    // What the importer runs every few batches works on both databases.
    store.refresh_import_statistics().await.unwrap();
    let workflow = store.article_workflow(sticky_id).await.unwrap().unwrap();
    assert_eq!(
        workflow.pinned_at,
        Some(at(1, 9)),
        "pinned when it was published"
    );

    store
        .pin_to_home(plain_id, true, None, now())
        .await
        .unwrap();
    store
        .pin_to_home(sticky_id, false, None, now())
        .await
        .unwrap();
    assert_eq!(pinned(store.clone()).await, [plain_id]);
    assert!(matches!(
        store.pin_to_home(999_999, true, None, now()).await,
        Err(gazette_store::StoreError::NotFound)
    ));
}
