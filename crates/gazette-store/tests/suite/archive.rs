//! The portable archive's part of the storage suite: what `gazette export` reads and `gazette
//! restore` writes. A site exported, restored into an empty database and exported again gives
//! the same rows; the restored site reads back as the original; a restore never lands on a
//! database with content, and one that fails part-way leaves nothing. Declared in `suite.rs`, so
//! each test runs on SQLite and on PostgreSQL; SQLite → PostgreSQL (moving a site) is below.

use std::sync::Arc;

use gazette_core::newsroom::{CorrectionKind, Role};
use gazette_core::{Slug, StaticPage};
use gazette_store::testing::TestDatabase;
use gazette_store::{
    ARCHIVE_TABLES, ArchiveRow, Backend, ExportSink, RestoreSource, Store, StoreError,
    ViewIncrement,
};

use super::media_store::photo;
use super::newsroom_store::{actor, person};
use super::{draft, newsroom, now, published};

/// Every table's rows, in order, as an export gives them.
#[derive(Default)]
struct Collected(Vec<Vec<ArchiveRow>>);

#[async_trait::async_trait]
impl ExportSink for Collected {
    async fn rows(&mut self, table: usize, rows: Vec<ArchiveRow>) -> Result<(), String> {
        if self.0.len() <= table {
            self.0.resize(table + 1, Vec::new());
        }
        self.0[table].extend(rows);
        Ok(())
    }
}

/// Gives collected rows back, a few at a time; fails instead of giving table `fail_at`.
struct Replay {
    batches: std::vec::IntoIter<(usize, Vec<ArchiveRow>)>,
    fail_at: Option<usize>,
}

impl Replay {
    fn of(collected: &Collected, fail_at: Option<usize>) -> Self {
        let batches: Vec<_> = collected
            .0
            .iter()
            .enumerate()
            .flat_map(|(i, rows)| rows.chunks(3).map(move |c| (i, c.to_vec())))
            .collect();
        Self {
            batches: batches.into_iter(),
            fail_at,
        }
    }
}

#[async_trait::async_trait]
impl RestoreSource for Replay {
    async fn next_rows(&mut self) -> Result<Option<(usize, Vec<ArchiveRow>)>, String> {
        match self.batches.next() {
            Some((table, _)) if Some(table) == self.fail_at => Err("the archive is damaged".into()),
            next => Ok(next),
        }
    }
}

async fn export(store: &Arc<dyn Store>) -> Collected {
    let mut collected = Collected::default();
    store.export_archive(&mut collected).await.unwrap();
    assert_eq!(
        collected.0.len(),
        ARCHIVE_TABLES.len(),
        "every table is read"
    );
    collected
}

fn table(name: &str) -> usize {
    ARCHIVE_TABLES.iter().position(|t| t.name == name).unwrap()
}

/// A small site with something in every table.
async fn site(store: &Arc<dyn Store>) -> i64 {
    let n = newsroom(store).await;
    let editor = person(store, "editor@gazette.test", Role::Editor).await;
    let by = actor(&editor);
    let mut first = published(&n, "Kharkiv's metro school reopens", now());
    first.tag_ids = vec![];
    let written = store
        .newsroom_create_article(first, &["Kharkiv".into(), "Schools".into()], &by, now())
        .await
        .unwrap();
    let id = written.value.id;
    let mut changed = published(&n, "Kharkiv's metro school reopens for autumn", now());
    changed.slug = Some(Slug::parse("metro-school-autumn").unwrap());
    changed.tag_ids = written.value.tags.iter().map(|t| t.id).collect();
    changed.body_markdown = "Classes *underground*.\n\n<script>alert(1)</script>".into();
    store.update_article(id, changed, now()).await.unwrap();
    store
        .newsroom_create_article(draft(&n, "A draft on grain"), &[], &by, now())
        .await
        .unwrap();
    store
        .add_correction(
            id,
            CorrectionKind::Correction,
            "The school has 12 classes.",
            &by,
            now(),
        )
        .await
        .unwrap();
    store
        .add_views(&[ViewIncrement {
            article_id: id,
            day: 20_000,
            views: 41,
        }])
        .await
        .unwrap();
    let media = store
        .insert_media(photo("a1b2c3d4"), None, now())
        .await
        .unwrap();
    store
        .set_featured_media(id, Some(media.value.id), None, now())
        .await
        .unwrap();
    store
        .put_page(&StaticPage {
            slug: Slug::parse("about").unwrap(),
            title: "About us".into(),
            body_markdown: "We report from **Kyiv**.".into(),
            body_html: String::new(),
        })
        .await
        .unwrap();
    // A translation, in the newsroom's own way: its link, status and revisions travel too.
    let about = store
        .page(gazette_core::Language::EN, "about")
        .await
        .unwrap()
        .unwrap();
    store
        .translate_page(about.id, gazette_core::Language::UK, None, now())
        .await
        .unwrap();
    store
        .add_synonym_group(&["irpin".into(), "ірпінь".into()], None, now())
        .await
        .unwrap();
    store
        .set_setting("site.name", "The Kyiv Gazette")
        .await
        .unwrap();
    store
        .add_old_addresses(&[("/?page_id=7".into(), "/about".into())])
        .await
        .unwrap();
    id
}

pub async fn an_archive_restores_into_an_empty_database_and_exports_the_same(
    store: Arc<dyn Store>,
) {
    let id = site(&store).await;
    let before = export(&store).await;
    for name in [
        "settings",
        "sections",
        "authors",
        "tags",
        "people",
        "media",
        "media_files",
        "articles",
        "article_bodies",
        "article_authors",
        "article_tags",
        "slug_history",
        "revisions",
        "corrections",
        "view_counts",
        "pages",
        "synonyms",
        "audit_log",
        "old_addresses",
    ] {
        assert!(!before.0[table(name)].is_empty(), "the site has {name}");
    }

    let target = TestDatabase::new(store.backend()).await.unwrap();
    let restored = target.store.clone();
    let summary = restored
        .restore_archive(&mut Replay::of(&before, None), now())
        .await
        .unwrap();
    assert_eq!(summary.rows[table("articles")], 2);
    let after = export(&restored).await;
    for (i, t) in ARCHIVE_TABLES.iter().enumerate() {
        assert_eq!(
            before.0[i], after.0[i],
            "{} changed in the round trip",
            t.name
        );
    }

    // What a reader and an editor see is the same.
    let (original, copy) = (
        store.article(id).await.unwrap().unwrap(),
        restored.article(id).await.unwrap().unwrap(),
    );
    assert_eq!(original, copy);
    assert!(!copy.body_html.contains("<script>"), "{}", copy.body_html);
    assert_eq!(
        store.corrections(id).await.unwrap(),
        restored.corrections(id).await.unwrap()
    );
    assert_eq!(
        restored.setting("site.name").await.unwrap().as_deref(),
        Some("The Kyiv Gazette")
    );
    let old = restored.old_address("/?page_id=7").await.unwrap();
    assert!(old.is_some(), "old addresses come along");
    // New rows get ids after the restored ones.
    let n = restored.sections().await.unwrap();
    let next = restored
        .newsroom_create_article(
            draft(
                &super::Newsroom {
                    war: n[0].id,
                    culture: n[1].id,
                    olena: restored.authors().await.unwrap()[0].id,
                    taras: restored.authors().await.unwrap()[1].id,
                },
                "Written after the move",
            ),
            &[],
            &gazette_store::Actor::scheduler(),
            now(),
        )
        .await
        .unwrap();
    assert!(next.value.id > id);
    target.finish().await;
}

pub async fn a_restore_needs_an_empty_database_and_keeps_nothing_when_it_fails(
    store: Arc<dyn Store>,
) {
    site(&store).await;
    let archive = export(&store).await;
    let refused = store
        .restore_archive(&mut Replay::of(&archive, None), now())
        .await;
    assert!(
        matches!(&refused, Err(StoreError::Invalid(m)) if m.contains("not empty")),
        "{refused:?}"
    );

    let target = TestDatabase::new(store.backend()).await.unwrap();
    let empty = target.store.clone();
    let failed = empty
        .restore_archive(&mut Replay::of(&archive, Some(table("revisions"))), now())
        .await;
    assert!(
        matches!(&failed, Err(StoreError::Invalid(m)) if m.contains("damaged")),
        "{failed:?}"
    );
    assert_eq!(empty.article_count().await.unwrap(), 0);
    assert!(empty.sections().await.unwrap().is_empty());
    assert!(
        !empty.synonym_groups().await.unwrap().is_empty(),
        "the default synonyms are still there"
    );
    // Nothing was left in the way: the same archive restores now.
    empty
        .restore_archive(&mut Replay::of(&archive, None), now())
        .await
        .unwrap();
    assert_eq!(empty.article_count().await.unwrap(), 2);
    target.finish().await;
}

/// Moving a site: exported from SQLite, restored into PostgreSQL, exported again, the same.
#[tokio::test]
#[cfg_attr(
    not(gazette_postgres_tests),
    ignore = "set GAZETTE_TEST_POSTGRES_URL to run it"
)]
async fn a_site_moves_from_sqlite_to_postgres_unchanged() {
    let sqlite = TestDatabase::new(Backend::Sqlite).await.unwrap();
    let postgres = TestDatabase::new(Backend::Postgres).await.unwrap();
    let id = site(&sqlite.store).await;
    let before = export(&sqlite.store).await;
    postgres
        .store
        .restore_archive(&mut Replay::of(&before, None), now())
        .await
        .unwrap();
    let after = export(&postgres.store).await;
    for (i, t) in ARCHIVE_TABLES.iter().enumerate() {
        assert_eq!(before.0[i], after.0[i], "{} changed in the move", t.name);
    }
    assert_eq!(
        sqlite.store.article(id).await.unwrap(),
        postgres.store.article(id).await.unwrap()
    );
    sqlite.finish().await;
    postgres.finish().await;
}
