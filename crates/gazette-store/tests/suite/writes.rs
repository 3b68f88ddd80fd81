//! One transaction per write: a write's audit entry, the tags it creates and its change-log entry
//! commit with it or not at all, and the write says which change it was. Failures are injected
//! part-way through (`TestDatabase::fail_next_write`) to prove a write interrupted between its
//! steps leaves nothing behind.

use std::sync::Arc;

use chrono::Duration;
use gazette_core::newsroom::{Email, Role, User};
use gazette_core::{ArticleStatus, NewArticle, Slug};
use gazette_store::Backend;
use gazette_store::testing::{Fault, TestDatabase};
use gazette_store::{
    Actor, ArticleSave, AuditFilter, NewAuditEntry, NewSection, NewSession, NewUser, PageRequest,
    StatusChange, Store, StoreError,
};

use super::{draft, newsroom, now};

/// Declares one test per backend from an `async fn(TestDatabase)`: for tests that inject faults.
macro_rules! database_tests {
    ($($name:ident),* $(,)?) => {
        mod with_faults_on_sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::run_with_database(gazette_store::Backend::Sqlite, super::$name).await;
                }
            )*
        }
        mod with_faults_on_postgres {
            $(
                #[tokio::test]
                #[cfg_attr(not(gazette_postgres_tests), ignore = "set GAZETTE_TEST_POSTGRES_URL to run it")]
                async fn $name() {
                    super::run_with_database(gazette_store::Backend::Postgres, super::$name).await;
                }
            )*
        }
    };
}

async fn run_with_database<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(TestDatabase) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    test(TestDatabase::new(backend).await.expect("test database")).await;
}

database_tests!(
    a_save_writes_its_tags_revision_audit_entry_and_change_together,
    a_refused_save_creates_no_tag_and_no_audit_entry,
    a_save_that_fails_at_its_commit_leaves_nothing_behind,
    a_status_change_interrupted_before_its_change_log_entry_is_undone,
    sections_settings_and_people_write_their_audit_entry_in_the_same_transaction,
    sign_ins_and_sign_outs_write_their_audit_entry_in_the_same_transaction,
);

async fn editor(store: &Arc<dyn Store>, email: &str) -> (User, Actor) {
    let user = store
        .create_user(
            NewUser {
                email: Email::parse(email).unwrap(),
                name: email.split('@').next().unwrap().into(),
                role: Role::Editor,
                password_hash: "hash".into(),
                author_id: None,
            },
            None,
            now(),
        )
        .await
        .unwrap();
    let actor = Actor {
        user_id: Some(user.id),
        name: user.name.clone(),
        address: "192.0.2.9".into(),
    };
    (user, actor)
}

fn save(article: NewArticle, base: Option<i64>, tags: &[&str]) -> ArticleSave {
    ArticleSave {
        article,
        tag_names: tags.iter().map(|t| (*t).to_owned()).collect(),
        base_revision: base,
        note: "saved".into(),
        audit_action: "edit".into(),
        audit_detail: "revision ".into(),
    }
}

fn entry(actor: &Actor, action: &str, entity: &str, id: Option<i64>) -> NewAuditEntry {
    NewAuditEntry {
        actor: actor.clone(),
        action: action.into(),
        entity: entity.into(),
        entity_id: id,
        detail: String::new(),
    }
}

async fn audit_actions(store: &Arc<dyn Store>) -> Vec<(String, String, Option<i64>)> {
    store
        .audit_log(&AuditFilter::default(), PageRequest::new(1, 100))
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|e| (e.action, e.entity, e.entity_id))
        .collect()
}

pub async fn a_save_writes_its_tags_revision_audit_entry_and_change_together(db: TestDatabase) {
    let store = db.store.clone();
    let n = newsroom(&store).await;
    let (_, anna) = editor(&store, "anna@news.test").await;
    let created = store
        .newsroom_create_article(draft(&n, "Bridge reopens"), &["Roads".into()], &anna, now())
        .await
        .unwrap();
    assert_eq!(created.seq, store.latest_change_seq().await.unwrap());
    assert_eq!(created.tags[0].name, "Roads");
    let base = store
        .article_workflow(created.id)
        .await
        .unwrap()
        .unwrap()
        .latest_revision;

    let mut text = draft(&n, "Bridge reopens");
    text.body_markdown = "Traffic is back.".into();
    let saved = store
        .newsroom_save_article(
            created.id,
            save(text, base, &["Roads", "Kyiv"]),
            &anna,
            now() + Duration::minutes(1),
        )
        .await
        .unwrap();
    // The save says which change it was: nothing needs to ask the log.
    assert_eq!(saved.seq, store.latest_change_seq().await.unwrap());
    let tags: Vec<&str> = saved.article.tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(tags, ["Roads", "Kyiv"]);
    let log = store
        .audit_log(&AuditFilter::default(), PageRequest::new(1, 10))
        .await
        .unwrap();
    assert_eq!(log.items[0].action, "edit");
    assert_eq!(log.items[0].detail, format!("revision {}", saved.revision));
    assert_eq!(log.items[1].action, "create");
    assert_eq!(log.items[1].entity_id, Some(created.id));
    db.finish().await;
}

pub async fn a_refused_save_creates_no_tag_and_no_audit_entry(db: TestDatabase) {
    let store = db.store.clone();
    let n = newsroom(&store).await;
    let (_, anna) = editor(&store, "anna@news.test").await;
    let (_, bohdan) = editor(&store, "bohdan@news.test").await;
    let article = store
        .newsroom_create_article(draft(&n, "Shared story"), &[], &anna, now())
        .await
        .unwrap();
    let opened = store
        .article_workflow(article.id)
        .await
        .unwrap()
        .unwrap()
        .latest_revision;
    store
        .newsroom_save_article(
            article.id,
            save(draft(&n, "Shared story"), opened, &[]),
            &anna,
            now(),
        )
        .await
        .unwrap();
    let audit_before = audit_actions(&store).await;
    let seq_before = store.latest_change_seq().await.unwrap();

    // Bohdan opened the article before Anna saved: his save, with a tag new to the site, is refused.
    let refused = store
        .newsroom_save_article(
            article.id,
            save(draft(&n, "Shared story"), opened, &["Orphan tag"]),
            &bohdan,
            now() + Duration::minutes(1),
        )
        .await;
    assert!(matches!(refused, Err(StoreError::Stale(_))), "{refused:?}");
    assert!(store.tag_by_slug("orphan-tag").await.unwrap().is_none());
    assert_eq!(audit_actions(&store).await, audit_before);
    assert_eq!(store.latest_change_seq().await.unwrap(), seq_before);
    db.finish().await;
}

pub async fn a_save_that_fails_at_its_commit_leaves_nothing_behind(db: TestDatabase) {
    let store = db.store.clone();
    let n = newsroom(&store).await;
    let (_, anna) = editor(&store, "anna@news.test").await;
    let article = store
        .newsroom_create_article(draft(&n, "Flood warning"), &[], &anna, now())
        .await
        .unwrap();
    let base = store
        .article_workflow(article.id)
        .await
        .unwrap()
        .unwrap()
        .latest_revision;
    let revisions_before = store.revisions(article.id).await.unwrap().len();
    let audit_before = audit_actions(&store).await;
    let seq_before = store.latest_change_seq().await.unwrap();

    let mut text = draft(&n, "Flood warning lifted");
    text.body_markdown = "The river is falling.".into();
    // Every step runs (tag, article, revision, audit entry, change log); then the commit fails.
    db.fail_next_write(Fault::BeforeCommit);
    let failed = store
        .newsroom_save_article(
            article.id,
            save(text.clone(), base, &["Weather"]),
            &anna,
            now() + Duration::minutes(1),
        )
        .await;
    assert!(failed.is_err());
    let unchanged = store.article(article.id).await.unwrap().unwrap();
    assert_eq!(unchanged.headline, "Flood warning");
    assert!(store.tag_by_slug("weather").await.unwrap().is_none());
    assert_eq!(
        store.revisions(article.id).await.unwrap().len(),
        revisions_before
    );
    assert_eq!(audit_actions(&store).await, audit_before);
    assert_eq!(store.latest_change_seq().await.unwrap(), seq_before);

    // The same save again goes through whole.
    let saved = store
        .newsroom_save_article(article.id, save(text, base, &["Weather"]), &anna, now())
        .await
        .unwrap();
    assert_eq!(saved.article.headline, "Flood warning lifted");
    assert!(store.tag_by_slug("weather").await.unwrap().is_some());
    assert_eq!(saved.seq, store.latest_change_seq().await.unwrap());
    db.finish().await;
}

pub async fn a_status_change_interrupted_before_its_change_log_entry_is_undone(db: TestDatabase) {
    let store = db.store.clone();
    let n = newsroom(&store).await;
    let (_, anna) = editor(&store, "anna@news.test").await;
    let article = store
        .newsroom_create_article(draft(&n, "Budget vote"), &[], &anna, now())
        .await
        .unwrap();
    let submit = StatusChange {
        expected: ArticleStatus::Draft,
        status: ArticleStatus::InReview,
        published_at: None,
        embargo_until: None,
        takedown_at: None,
    };
    let audit_before = audit_actions(&store).await;
    // The status and the audit entry are written; the change log is where it breaks.
    db.fail_next_write(Fault::BeforeChangeLog);
    let submitted = entry(&anna, "submit", "article", Some(article.id));
    let failed = store
        .change_article_status(article.id, submit.clone(), Some(&submitted), now())
        .await;
    assert!(failed.is_err());
    let status = store.article(article.id).await.unwrap().unwrap().status;
    assert_eq!(status, ArticleStatus::Draft);
    assert_eq!(audit_actions(&store).await, audit_before);

    let moved = store
        .change_article_status(article.id, submit, Some(&submitted), now())
        .await
        .unwrap();
    assert_eq!(moved.status, ArticleStatus::InReview);
    assert_eq!(moved.seq, store.latest_change_seq().await.unwrap());
    assert_eq!(
        audit_actions(&store).await[0],
        ("submit".into(), "article".into(), Some(article.id))
    );
    db.finish().await;
}

pub async fn sections_settings_and_people_write_their_audit_entry_in_the_same_transaction(
    db: TestDatabase,
) {
    let store = db.store.clone();
    let (_, admin) = editor(&store, "admin@news.test").await;
    let culture = || NewSection {
        slug: Slug::parse("culture").unwrap(),
        name: "Culture".into(),
        description: String::new(),
        position: 1,
    };
    let audit_before = audit_actions(&store).await;

    db.fail_next_write(Fault::BeforeCommit);
    let failed = store
        .create_section(culture(), Some(&entry(&admin, "create", "section", None)))
        .await;
    assert!(failed.is_err());
    assert!(store.section_by_slug("culture").await.unwrap().is_none());
    db.fail_next_write(Fault::BeforeCommit);
    let settings = [("site.name".to_owned(), "Kyiv Evening".to_owned())];
    let failed = store
        .set_settings(
            &settings,
            Some(&entry(&admin, "settings", "settings", None)),
        )
        .await;
    assert!(failed.is_err());
    assert_ne!(
        store.setting("site.name").await.unwrap().as_deref(),
        Some("Kyiv Evening")
    );
    db.fail_next_write(Fault::BeforeCommit);
    let newcomer = NewUser {
        email: Email::parse("new@news.test").unwrap(),
        name: "New".into(),
        role: Role::Author,
        password_hash: "hash".into(),
        author_id: None,
    };
    let failed = store
        .create_user(
            newcomer.clone(),
            Some(&entry(&admin, "create", "user", None)),
            now(),
        )
        .await;
    assert!(failed.is_err());
    assert_eq!(store.users().await.unwrap().len(), 1);
    assert_eq!(audit_actions(&store).await, audit_before);

    // Without the fault each write commits with its entry, which names what was created.
    let section = store
        .create_section(culture(), Some(&entry(&admin, "create", "section", None)))
        .await
        .unwrap();
    assert_eq!(section.seq, store.latest_change_seq().await.unwrap());
    let seq = store
        .set_settings(
            &settings,
            Some(&entry(&admin, "settings", "settings", None)),
        )
        .await
        .unwrap();
    assert_eq!(seq, store.latest_change_seq().await.unwrap());
    assert_eq!(
        store.setting("site.name").await.unwrap().as_deref(),
        Some("Kyiv Evening")
    );
    let user = store
        .create_user(
            newcomer,
            Some(&entry(&admin, "create", "user", None)),
            now(),
        )
        .await
        .unwrap();
    assert_eq!(
        audit_actions(&store).await[..3],
        [
            ("create".into(), "user".into(), Some(user.id)),
            ("settings".into(), "settings".into(), None),
            ("create".into(), "section".into(), Some(section.id)),
        ]
    );
    db.finish().await;
}

fn session(user: &User, token_hash: &str) -> NewSession {
    NewSession {
        token_hash: token_hash.into(),
        user_id: user.id,
        csrf_token: format!("csrf-{token_hash}"),
        expires_at: now() + Duration::days(7),
        address: "192.0.2.9".into(),
        user_agent: "suite".into(),
    }
}

/// The newest audit entry's action and detail.
async fn last_audit(store: &Arc<dyn Store>) -> Option<(String, String)> {
    store
        .audit_log(&AuditFilter::default(), PageRequest::new(1, 1))
        .await
        .unwrap()
        .items
        .into_iter()
        .next()
        .map(|e| (e.action, e.detail))
}

pub async fn sign_ins_and_sign_outs_write_their_audit_entry_in_the_same_transaction(
    db: TestDatabase,
) {
    let store = db.store.clone();
    let (olena, actor) = editor(&store, "olena@news.test").await;
    let login = entry(&actor, "login", "user", Some(olena.id));
    let audit_before = audit_actions(&store).await;

    // A sign-in that fails at its commit leaves neither the session nor its entry.
    db.fail_next_write(Fault::BeforeCommit);
    let failed = store
        .create_session(session(&olena, "laptop"), Some(&login), now())
        .await;
    assert!(failed.is_err());
    assert!(store.session("laptop", now()).await.unwrap().is_none());
    assert_eq!(audit_actions(&store).await, audit_before);

    // Without the fault both are there.
    store
        .create_session(session(&olena, "laptop"), Some(&login), now())
        .await
        .unwrap();
    assert!(store.session("laptop", now()).await.unwrap().is_some());
    assert_eq!(
        audit_actions(&store).await[0],
        ("login".into(), "user".into(), Some(olena.id))
    );
    store
        .create_session(session(&olena, "phone"), None, now())
        .await
        .unwrap();

    // Signing out everywhere: interrupted, every session lives on and nothing is recorded; done,
    // the entry says how many sessions ended, which only the write knew.
    let everywhere = entry(&actor, "logout_everywhere", "user", Some(olena.id));
    let audit_before = audit_actions(&store).await;
    db.fail_next_write(Fault::BeforeCommit);
    assert!(
        store
            .delete_user_sessions(olena.id, Some(&everywhere))
            .await
            .is_err()
    );
    assert!(store.session("phone", now()).await.unwrap().is_some());
    assert_eq!(audit_actions(&store).await, audit_before);
    assert_eq!(
        store
            .delete_user_sessions(olena.id, Some(&everywhere))
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        last_audit(&store).await,
        Some(("logout_everywhere".into(), "2 sessions ended".into()))
    );

    // Turning off two-factor that was not on says so in the entry.
    let reset = NewAuditEntry {
        detail: "for olena@news.test".into(),
        ..entry(&actor, "two_factor_reset", "user", Some(olena.id))
    };
    assert!(
        !store
            .disable_two_factor(olena.id, Some(&reset))
            .await
            .unwrap()
    );
    assert_eq!(
        last_audit(&store).await,
        Some((
            "two_factor_reset".into(),
            "for olena@news.test (it was not on)".into()
        ))
    );

    // Starting two-factor set-up: interrupted, no secret is kept and nothing is recorded.
    let setup = entry(&actor, "two_factor_setup", "user", Some(olena.id));
    let audit_before = audit_actions(&store).await;
    db.fail_next_write(Fault::BeforeCommit);
    assert!(
        store
            .begin_two_factor(olena.id, "SECRET", Some(&setup))
            .await
            .is_err()
    );
    assert_eq!(audit_actions(&store).await, audit_before);
    store
        .begin_two_factor(olena.id, "SECRET", Some(&setup))
        .await
        .unwrap();
    assert_eq!(
        last_audit(&store).await.map(|(action, _)| action),
        Some("two_factor_setup".into())
    );
    db.finish().await;
}
