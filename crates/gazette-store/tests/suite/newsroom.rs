//! The newsroom's part of the storage suite: people, sessions, sign-in attempts, the audit log,
//! revisions and edit conflicts, who is editing, corrections, the scheduler, and two-factor
//! sign-in. Declared in `suite.rs`, so each test runs on SQLite and on PostgreSQL.

use std::sync::Arc;

use chrono::Duration;
use gazette_core::newsroom::{CorrectionKind, Email, Role, User};
use gazette_core::{ArticleStatus, NewArticle};
use gazette_store::{
    Actor, ArticleSave, AuditFilter, NewAuditEntry, NewSession, NewUser, PageRequest, StatusChange,
    Store, StoreError, UserChange,
};

use super::{draft, newsroom, now, published};

pub(crate) async fn person(store: &Arc<dyn Store>, email: &str, role: Role) -> User {
    store
        .create_user(
            NewUser {
                email: Email::parse(email).unwrap(),
                name: email.split('@').next().unwrap().into(),
                role,
                password_hash: format!("hash-of-{email}"),
                author_id: None,
            },
            None,
            now(),
        )
        .await
        .unwrap()
}

pub(crate) fn actor(user: &User) -> Actor {
    Actor {
        user_id: Some(user.id),
        name: user.name.clone(),
        address: "192.0.2.7".into(),
    }
}

pub(crate) async fn session_for(store: &Arc<dyn Store>, user: &User, token_hash: &str, days: i64) {
    store
        .create_session(
            NewSession {
                token_hash: token_hash.into(),
                user_id: user.id,
                csrf_token: format!("csrf-{token_hash}"),
                expires_at: now() + Duration::days(days),
                address: "192.0.2.7".into(),
                user_agent: "suite".into(),
            },
            None,
            now(),
        )
        .await
        .unwrap();
}

fn change(user: &User) -> UserChange {
    UserChange {
        name: user.name.clone(),
        role: user.role,
        disabled: user.disabled,
        author_id: user.author_id,
    }
}

pub async fn people_are_added_changed_and_one_admin_always_remains(store: Arc<dyn Store>) {
    let admin = person(&store, "Admin@News.test", Role::Admin).await;
    assert_eq!(admin.email.as_str(), "admin@news.test");
    assert!(!admin.two_factor && !admin.disabled);
    let olena = person(&store, "olena@news.test", Role::Author).await;
    let duplicate = store
        .create_user(
            NewUser {
                email: Email::parse("OLENA@news.test").unwrap(),
                name: "Another".into(),
                role: Role::Contributor,
                password_hash: "x".into(),
                author_id: None,
            },
            None,
            now(),
        )
        .await;
    assert!(matches!(duplicate, Err(StoreError::Conflict(_))));

    let everyone: Vec<String> = store
        .users()
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.name)
        .collect();
    assert_eq!(everyone, ["Admin", "olena"]);
    let (found, hash) = store
        .user_credentials(&Email::parse("olena@news.test").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (found.id, hash.as_str()),
        (olena.id, "hash-of-olena@news.test")
    );

    let editor = store
        .update_user(
            olena.id,
            UserChange {
                role: Role::Editor,
                ..change(&olena)
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(editor.role, Role::Editor);
    assert_eq!(
        store.user(olena.id).await.unwrap().unwrap().role,
        Role::Editor
    );

    let demoted = store
        .update_user(
            admin.id,
            UserChange {
                role: Role::Editor,
                ..change(&admin)
            },
            None,
        )
        .await;
    assert!(
        matches!(demoted, Err(StoreError::Invalid(_))),
        "the only admin stays"
    );
    let disabled = store
        .update_user(
            admin.id,
            UserChange {
                disabled: true,
                ..change(&admin)
            },
            None,
        )
        .await;
    assert!(matches!(disabled, Err(StoreError::Invalid(_))));
    assert!(matches!(
        store.update_user(999_999, change(&admin), None).await,
        Err(StoreError::NotFound)
    ));

    session_for(&store, &olena, "olena-laptop", 7).await;
    store
        .set_user_password(olena.id, "new-hash", None)
        .await
        .unwrap();
    assert!(
        store
            .session("olena-laptop", now())
            .await
            .unwrap()
            .is_none(),
        "signed out everywhere"
    );
    let (_, hash) = store.user_credentials(&olena.email).await.unwrap().unwrap();
    assert_eq!(hash, "new-hash");
    assert!(matches!(
        store.set_user_password(999_999, "x", None).await,
        Err(StoreError::NotFound)
    ));
}

pub async fn sessions_expire_end_and_need_an_enabled_person(store: Arc<dyn Store>) {
    let _admin = person(&store, "admin@news.test", Role::Admin).await;
    let olena = person(&store, "olena@news.test", Role::Author).await;
    session_for(&store, &olena, "laptop", 7).await;
    session_for(&store, &olena, "phone", 1).await;
    let (session, user) = store.session("laptop", now()).await.unwrap().unwrap();
    assert_eq!(user.id, olena.id);
    assert_eq!(session.csrf_token, "csrf-laptop");
    assert_eq!(session.expires_at, now() + Duration::days(7));
    assert!(store.session("nobody", now()).await.unwrap().is_none());
    assert!(
        store
            .session("phone", now() + Duration::days(2))
            .await
            .unwrap()
            .is_none(),
        "an expired session no longer signs in"
    );

    store.delete_session("laptop", None).await.unwrap();
    assert!(store.session("laptop", now()).await.unwrap().is_none());
    session_for(&store, &olena, "tablet", 7).await;
    assert_eq!(store.delete_user_sessions(olena.id, None).await.unwrap(), 2);

    session_for(&store, &olena, "desktop", 7).await;
    store
        .update_user(
            olena.id,
            UserChange {
                disabled: true,
                ..change(&olena)
            },
            None,
        )
        .await
        .unwrap();
    assert!(store.session("desktop", now()).await.unwrap().is_none());
    assert!(matches!(
        store
            .create_session(
                NewSession {
                    token_hash: "ghost".into(),
                    user_id: 999_999,
                    csrf_token: "x".into(),
                    expires_at: now() + Duration::days(1),
                    address: String::new(),
                    user_agent: String::new(),
                },
                None,
                now(),
            )
            .await,
        Err(StoreError::Invalid(_))
    ));
}

pub async fn the_audit_log_is_newest_first_filtered_and_paged(store: Arc<dyn Store>) {
    let admin = person(&store, "admin@news.test", Role::Admin).await;
    for (i, action) in ["login", "create", "publish", "login"]
        .into_iter()
        .enumerate()
    {
        store
            .audit(
                NewAuditEntry {
                    actor: actor(&admin),
                    action: action.into(),
                    entity: if action == "login" { "user" } else { "article" }.into(),
                    entity_id: Some(i64::try_from(i).unwrap()),
                    detail: format!("step {i}"),
                },
                now() + Duration::seconds(i64::try_from(i).unwrap()),
            )
            .await
            .unwrap();
    }
    store
        .audit(
            NewAuditEntry {
                actor: Actor::scheduler(),
                action: "publish".into(),
                entity: "article".into(),
                entity_id: Some(9),
                detail: "on schedule".into(),
            },
            now() + Duration::seconds(10),
        )
        .await
        .unwrap();
    let all = store
        .audit_log(&AuditFilter::default(), PageRequest::new(1, 10))
        .await
        .unwrap();
    assert_eq!(all.total, 5);
    let details: Vec<&str> = all.items.iter().map(|e| e.detail.as_str()).collect();
    assert_eq!(
        details,
        ["on schedule", "step 3", "step 2", "step 1", "step 0"]
    );
    assert_eq!(all.items[1].address, "192.0.2.7");
    assert_eq!(all.items[0].actor, "Scheduler");
    assert_eq!(all.items[0].user_id, None);

    let publishes = store
        .audit_log(
            &AuditFilter {
                action: Some("publish".into()),
                ..Default::default()
            },
            PageRequest::new(1, 10),
        )
        .await
        .unwrap();
    assert_eq!(publishes.total, 2);
    let by_admin_on_users = store
        .audit_log(
            &AuditFilter {
                user_id: Some(admin.id),
                entity: Some("user".into()),
                ..Default::default()
            },
            PageRequest::new(1, 10),
        )
        .await
        .unwrap();
    assert_eq!(by_admin_on_users.total, 2);
    let second_page = store
        .audit_log(&AuditFilter::default(), PageRequest::new(2, 2))
        .await
        .unwrap();
    assert_eq!(second_page.items.len(), 2);
    assert_eq!(second_page.items[0].detail, "step 2");
    assert_eq!(second_page.total_pages(), 3);
}

/// A newsroom save of `article` from revision `base`, tags by id only.
fn save(article: NewArticle, base: Option<i64>, note: &str) -> ArticleSave {
    ArticleSave {
        article,
        tag_names: Vec::new(),
        base_revision: base,
        note: note.into(),
        audit_action: "edit".into(),
        audit_detail: "revision ".into(),
    }
}

pub async fn every_save_is_a_revision_and_a_save_over_a_newer_one_is_refused(
    store: Arc<dyn Store>,
) {
    let n = newsroom(&store).await;
    let _admin = person(&store, "admin@news.test", Role::Admin).await;
    let anna = person(&store, "anna@news.test", Role::Editor).await;
    let bohdan = person(&store, "bohdan@news.test", Role::Editor).await;
    let article = store
        .newsroom_create_article(draft(&n, "Shared story"), &[], &actor(&anna), now())
        .await
        .unwrap();
    let workflow = store.article_workflow(article.id).await.unwrap().unwrap();
    assert_eq!(workflow.owner_user_id, Some(anna.id));
    let first = workflow.latest_revision.unwrap();

    let mut annas = draft(&n, "Shared story");
    annas.body_markdown = "Anna's version.".into();
    let saved = store
        .newsroom_save_article(
            article.id,
            save(annas, Some(first), "saved"),
            &actor(&anna),
            now() + Duration::minutes(1),
        )
        .await
        .unwrap();
    assert_eq!(saved.article.body_markdown, "Anna's version.");
    let second = saved.revision;
    assert!(second > first);

    // Bohdan opened it before Anna's save: his save is refused, naming her.
    let mut bohdans = draft(&n, "Shared story");
    bohdans.body_markdown = "Bohdan's version.".into();
    let refused = store
        .newsroom_save_article(
            article.id,
            save(bohdans.clone(), Some(first), "saved"),
            &actor(&bohdan),
            now() + Duration::minutes(2),
        )
        .await;
    match refused {
        Err(StoreError::Stale(message)) => assert!(message.contains("anna"), "{message}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(
        store
            .article(article.id)
            .await
            .unwrap()
            .unwrap()
            .body_markdown,
        "Anna's version."
    );
    // Anna saving again from her own older base is fine: nobody else saved since.
    store
        .newsroom_save_article(
            article.id,
            save(draft(&n, "Shared story"), Some(first), "autosaved"),
            &actor(&anna),
            now() + Duration::minutes(3),
        )
        .await
        .unwrap();
    // Bohdan, from the newest revision, may save.
    let newest = store
        .article_workflow(article.id)
        .await
        .unwrap()
        .unwrap()
        .latest_revision;
    store
        .newsroom_save_article(
            article.id,
            save(bohdans, newest, "saved"),
            &actor(&bohdan),
            now() + Duration::minutes(4),
        )
        .await
        .unwrap();

    let revisions = store.revisions(article.id).await.unwrap();
    let notes: Vec<(&str, &str)> = revisions
        .iter()
        .map(|r| (r.user_name.as_str(), r.note.as_str()))
        .collect();
    assert_eq!(notes.len(), 4, "newest first: {notes:?}");
    assert_eq!(notes[0], ("bohdan", "saved"));
    assert_eq!(notes[1], ("anna", "autosaved"));
    assert_eq!(revisions[0].body_markdown, "Bohdan's version.");
    let old = store.revision(second).await.unwrap().unwrap();
    assert_eq!(old.body_markdown, "Anna's version.");
    assert_eq!(old.author_ids, vec![n.olena]);
    assert_eq!(old.section_id, n.war);
    assert!(store.revision(999_999).await.unwrap().is_none());
}

pub async fn editors_see_who_else_has_an_article_open(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    let anna = person(&store, "anna@news.test", Role::Editor).await;
    let bohdan = person(&store, "bohdan@news.test", Role::Editor).await;
    let article = store
        .create_article(draft(&n, "Open story"), now())
        .await
        .unwrap();
    let window = Duration::minutes(10);
    let alone = store
        .mark_editing(article.id, anna.id, now() - window, now())
        .await
        .unwrap();
    assert!(alone.is_empty());
    let later = now() + Duration::minutes(3);
    let others = store
        .mark_editing(article.id, bohdan.id, later - window, later)
        .await
        .unwrap();
    assert_eq!(others.len(), 1);
    assert_eq!(
        (others[0].user_id, others[0].name.as_str()),
        (anna.id, "anna")
    );
    assert_eq!(others[0].seen_at, now());
    let much_later = now() + Duration::minutes(12);
    let gone = store
        .mark_editing(article.id, bohdan.id, much_later - window, much_later)
        .await
        .unwrap();
    assert!(gone.is_empty(), "Anna has not been seen for 12 minutes");
}

pub async fn corrections_are_kept_in_order_and_listed_for_readers(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    let ed = person(&store, "ed@news.test", Role::Editor).await;
    let live = store
        .create_article(
            published(&n, "Live story", now() - Duration::days(1)),
            now(),
        )
        .await
        .unwrap();
    let hidden = store
        .create_article(draft(&n, "Draft story"), now())
        .await
        .unwrap();
    let first = store
        .add_correction(
            live.id,
            CorrectionKind::Correction,
            "The bridge is in Kyiv.",
            &actor(&ed),
            now(),
        )
        .await
        .unwrap();
    store
        .add_correction(
            live.id,
            CorrectionKind::Update,
            "Officials confirmed.",
            &actor(&ed),
            now() + Duration::hours(1),
        )
        .await
        .unwrap();
    store
        .add_correction(
            hidden.id,
            CorrectionKind::Correction,
            "Not shown.",
            &actor(&ed),
            now(),
        )
        .await
        .unwrap();
    let notes = store.corrections(live.id).await.unwrap();
    let kinds: Vec<CorrectionKind> = notes.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, [CorrectionKind::Correction, CorrectionKind::Update]);
    assert_eq!(notes[0], first.value);
    let updated = store.article(live.id).await.unwrap().unwrap();
    assert_eq!(
        updated.updated_at,
        Some(now() + Duration::hours(1)),
        "the date line says updated"
    );

    let public = store
        .published_corrections(PageRequest::new(1, 10), now() + Duration::hours(2))
        .await
        .unwrap();
    assert_eq!(
        public.total, 1,
        "updates and unpublished articles are not listed"
    );
    assert_eq!(public.items[0].correction.text, "The bridge is in Kyiv.");
    assert_eq!(public.items[0].article.headline, "Live story");
    assert!(matches!(
        store
            .add_correction(999_999, CorrectionKind::Update, "x", &actor(&ed), now())
            .await,
        Err(StoreError::NotFound | StoreError::Invalid(_))
    ));
}

pub async fn status_changes_apply_only_from_the_status_expected(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    let article = store
        .create_article(draft(&n, "Moving story"), now())
        .await
        .unwrap();
    let submit = StatusChange {
        expected: ArticleStatus::Draft,
        status: ArticleStatus::InReview,
        published_at: None,
        embargo_until: None,
        takedown_at: None,
    };
    let moved = store
        .change_article_status(article.id, submit.clone(), None, now())
        .await
        .unwrap();
    assert_eq!(moved.status, ArticleStatus::InReview);
    assert!(
        matches!(
            store
                .change_article_status(article.id, submit.clone(), None, now())
                .await,
            Err(StoreError::Stale(_))
        ),
        "a second identical move finds it already moved"
    );
    assert!(matches!(
        store
            .change_article_status(999_999, submit, None, now())
            .await,
        Err(StoreError::NotFound)
    ));
}

pub async fn scheduled_articles_are_published_once_even_by_several_nodes(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    let when = now() + Duration::hours(1);
    let mut ids = Vec::new();
    for headline in ["Scheduled one", "Scheduled two"] {
        let article = store
            .create_article(draft(&n, headline), now())
            .await
            .unwrap();
        store
            .change_article_status(
                article.id,
                StatusChange {
                    expected: ArticleStatus::Draft,
                    status: ArticleStatus::Scheduled,
                    published_at: Some(when),
                    embargo_until: None,
                    takedown_at: Some(when + Duration::days(1)),
                },
                None,
                now(),
            )
            .await
            .unwrap();
        ids.push(article.id);
    }
    let embargoed = store
        .create_article(draft(&n, "Embargoed"), now())
        .await
        .unwrap();
    store
        .change_article_status(
            embargoed.id,
            StatusChange {
                expected: ArticleStatus::Draft,
                status: ArticleStatus::Scheduled,
                published_at: Some(when),
                embargo_until: Some(when + Duration::hours(2)),
                takedown_at: None,
            },
            None,
            now(),
        )
        .await
        .unwrap();

    assert_eq!(
        store.run_due_work(now()).await.unwrap(),
        Default::default(),
        "not yet"
    );
    let seq = store.latest_change_seq().await.unwrap();
    // Three nodes wake at the same moment.
    let runs = futures_join3(
        store.run_due_work(when),
        store.run_due_work(when),
        store.run_due_work(when),
    )
    .await;
    let mut published: Vec<i64> = runs
        .iter()
        .flat_map(|r| r.as_ref().unwrap().published.clone())
        .collect();
    published.sort_unstable();
    assert_eq!(published, ids, "each article published exactly once");
    let changes = store.changes_since(seq, 100).await.unwrap();
    assert_eq!(
        changes.iter().filter(|c| c.action == "published").count(),
        2
    );
    for id in &ids {
        assert_eq!(
            store.article(*id).await.unwrap().unwrap().status,
            ArticleStatus::Published
        );
    }
    assert_eq!(
        store.article(embargoed.id).await.unwrap().unwrap().status,
        ArticleStatus::Scheduled
    );
    let after_embargo = store.run_due_work(when + Duration::hours(2)).await.unwrap();
    assert_eq!(after_embargo.published, [embargoed.id]);

    let takedown = store.run_due_work(when + Duration::days(1)).await.unwrap();
    let mut taken: Vec<i64> = takedown.taken_down;
    taken.sort_unstable();
    assert_eq!(taken, ids);
    assert!(
        store
            .run_due_work(when + Duration::days(2))
            .await
            .unwrap()
            .taken_down
            .is_empty()
    );
    let log = store
        .audit_log(
            &AuditFilter {
                action: Some("publish".into()),
                ..Default::default()
            },
            PageRequest::new(1, 10),
        )
        .await
        .unwrap();
    assert_eq!(log.total, 3);
    assert!(log.items.iter().all(|e| e.actor == "Scheduler"));
}

async fn futures_join3<T>(
    a: impl std::future::Future<Output = T>,
    b: impl std::future::Future<Output = T>,
    c: impl std::future::Future<Output = T>,
) -> Vec<T> {
    let (a, b, c) = tokio::join!(a, b, c);
    vec![a, b, c]
}

pub async fn a_person_keeps_the_interface_language_they_chose(store: Arc<dyn Store>) {
    let olena = person(&store, "olena@news.test", Role::Author).await;
    let taras = person(&store, "taras@news.test", Role::Editor).await;
    assert_eq!(olena.ui_language, gazette_core::Language::EN);

    let entry = NewAuditEntry {
        actor: actor(&olena),
        action: "update".into(),
        entity: "user".into(),
        entity_id: Some(olena.id),
        detail: "interface language uk".into(),
    };
    let changed = store
        .set_ui_language(olena.id, gazette_core::Language::UK, Some(&entry))
        .await
        .unwrap();
    assert_eq!(changed.ui_language, gazette_core::Language::UK);

    // Every way the newsroom loads a person brings the choice along; nobody else's changes.
    session_for(&store, &olena, "olena-session", 1).await;
    let (_, signed_in) = store
        .session("olena-session", now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(signed_in.ui_language, gazette_core::Language::UK);
    let (by_email, _) = store
        .user_credentials(&Email::parse("olena@news.test").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_email.ui_language, gazette_core::Language::UK);
    let again = store.user(taras.id).await.unwrap().unwrap();
    assert_eq!(again.ui_language, gazette_core::Language::EN);

    let log = store
        .audit_log(&AuditFilter::default(), PageRequest::new(1, 10))
        .await
        .unwrap();
    assert_eq!(log.items[0].detail, "interface language uk");

    // A language without a bundle is the web layer's to refuse; the store keeps any valid code.
    let crh = gazette_core::Language::parse("crh").unwrap();
    let back = store.set_ui_language(taras.id, crh, None).await.unwrap();
    assert_eq!(back.ui_language.code(), "crh");

    let nobody = store
        .set_ui_language(olena.id + taras.id + 100, gazette_core::Language::UK, None)
        .await;
    assert!(matches!(nobody, Err(StoreError::NotFound)), "{nobody:?}");
}
