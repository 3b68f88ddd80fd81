//! Translations of articles and names per edition (migration 0020). Declared in `suite.rs`, so
//! each test runs on SQLite and on PostgreSQL.

use std::sync::Arc;

use chrono::Duration;
use gazette_core::newsroom::Role;
use gazette_core::{ArticleStatus, Language, NewArticle, Slug};
use gazette_store::{ArticleSave, AuditFilter, PageRequest, Store, StoreError};

use super::newsroom_store::{actor, person};
use super::{draft, newsroom, now};

fn de() -> Language {
    Language::parse("de").unwrap()
}

fn save(article: NewArticle) -> ArticleSave {
    ArticleSave {
        article,
        tag_names: Vec::new(),
        base_revision: None,
        note: "saved".into(),
        audit_action: "edit".into(),
        audit_detail: "revision ".into(),
    }
}

pub async fn a_translation_starts_as_a_linked_draft_with_the_original_text(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    let anna = person(&store, "anna@example.org", Role::Author).await;
    let mut original = draft(&n, "Grain corridor reopens");
    original.author_ids = vec![n.olena, n.taras];
    original.section_id = n.culture;
    let original = store
        .newsroom_create_article(original, &["Odesa".to_owned()], &actor(&anna), now())
        .await
        .unwrap()
        .value;

    let later = now() + Duration::minutes(5);
    let written = store
        .translate_article(original.id, Language::UK, &actor(&anna), later)
        .await
        .unwrap();
    let uk = &written.value;
    assert!(written.seq > 0);
    assert_eq!(uk.language, Language::UK);
    assert_eq!(uk.status, ArticleStatus::Draft);
    assert_eq!(uk.translation_of, Some(original.id));
    assert_eq!(uk.slug.as_str(), "grain-corridor-reopens-uk");
    assert_eq!(uk.headline, original.headline);
    assert_eq!(uk.standfirst, original.standfirst);
    assert_eq!(uk.body_markdown, original.body_markdown);
    assert_eq!(uk.section.id, n.culture);
    assert_eq!(uk.authors, original.authors);
    assert_eq!(uk.tags, original.tags);
    let workflow = store.article_workflow(uk.id).await.unwrap().unwrap();
    assert_eq!(workflow.owner_user_id, Some(anna.id));
    assert_eq!(store.revisions(uk.id).await.unwrap().len(), 1);
    let audit = store
        .audit_log(
            &AuditFilter {
                action: Some("translate".into()),
                ..Default::default()
            },
            PageRequest::new(1, 10),
        )
        .await
        .unwrap();
    assert_eq!(audit.items.len(), 1);
    assert_eq!(audit.items[0].entity_id, Some(uk.id));

    // The original lists its translation; the translation lists its original.
    let from_original = store.translations(original.id).await.unwrap();
    assert_eq!(from_original.len(), 1);
    assert_eq!(from_original[0].id, uk.id);
    assert_eq!(from_original[0].language, Language::UK);
    assert!(!from_original[0].is_original);
    assert!(!from_original[0].stale);
    let from_translation = store.translations(uk.id).await.unwrap();
    assert_eq!(from_translation.len(), 1);
    assert_eq!(from_translation[0].id, original.id);
    assert!(from_translation[0].is_original);
    assert_eq!(from_translation[0].section_slug.as_str(), "culture");

    // One article per language in a story, the original's own language included.
    for language in [Language::UK, Language::EN] {
        match store
            .translate_article(original.id, language, &actor(&anna), later)
            .await
        {
            Err(StoreError::Conflict(message)) => {
                assert!(message.contains(language.code()), "{message}")
            }
            other => panic!("expected a conflict, got {other:?}"),
        }
    }
    // Translating a translation translates the original.
    let german = store
        .translate_article(uk.id, de(), &actor(&anna), later)
        .await
        .unwrap()
        .value;
    assert_eq!(german.translation_of, Some(original.id));
    assert_eq!(german.headline, original.headline);
    let others = store.translations(uk.id).await.unwrap();
    let languages: Vec<&str> = others.iter().map(|l| l.language.code()).collect();
    assert_eq!(languages, ["en", "de"], "the original first");

    assert!(matches!(
        store
            .translate_article(999_999, Language::UK, &actor(&anna), later)
            .await,
        Err(StoreError::NotFound)
    ));
}

pub async fn a_translation_is_out_of_date_once_the_original_changes_after_it(
    store: Arc<dyn Store>,
) {
    let n = newsroom(&store).await;
    let anna = person(&store, "anna@example.org", Role::Editor).await;
    let original = store
        .newsroom_create_article(draft(&n, "Dam report"), &[], &actor(&anna), now())
        .await
        .unwrap()
        .value;
    let uk = store
        .translate_article(
            original.id,
            Language::UK,
            &actor(&anna),
            now() + Duration::minutes(1),
        )
        .await
        .unwrap()
        .value;
    let lone = store
        .newsroom_create_article(draft(&n, "Lone story"), &[], &actor(&anna), now())
        .await
        .unwrap()
        .value;

    let marks = store
        .translation_summaries(&[original.id, uk.id, lone.id])
        .await
        .unwrap();
    assert!(!marks.contains_key(&lone.id), "no group, no marks");
    let group = &marks[&original.id];
    assert_eq!(group.len(), 2);
    assert!(group[0].is_original && group[0].article_id == original.id);
    assert_eq!(group[1].language, Language::UK);
    assert!(!group[1].stale);
    assert_eq!(marks[&uk.id], *group);

    // A workflow move of the original is not a change of its text.
    store
        .set_article_status(
            original.id,
            ArticleStatus::Published,
            None,
            now() + Duration::minutes(2),
        )
        .await
        .unwrap();
    assert!(!store.translations(original.id).await.unwrap()[0].stale);

    // Editing the original's text dates the translation.
    let mut edited = draft(&n, "Dam report");
    edited.body_markdown = "New figures from the dam.".into();
    store
        .newsroom_save_article(
            original.id,
            save(edited),
            &actor(&anna),
            now() + Duration::minutes(3),
        )
        .await
        .unwrap();
    let marks = store.translation_summaries(&[uk.id]).await.unwrap();
    assert!(marks[&uk.id][1].stale);
    assert!(!marks[&uk.id][0].stale, "the original is never out of date");
    assert!(store.translations(original.id).await.unwrap()[0].stale);

    // Saving the translation brings it up to date again.
    let mut translated = draft(&n, "Звіт про греблю");
    translated.language = Language::UK;
    store
        .newsroom_save_article(
            uk.id,
            save(translated),
            &actor(&anna),
            now() + Duration::minutes(4),
        )
        .await
        .unwrap();
    assert!(!store.translations(original.id).await.unwrap()[0].stale);
    assert!(store.translation_summaries(&[]).await.unwrap().is_empty());

    // A save cannot move the translation into the original's language.
    let mut english = draft(&n, "Dam report, again");
    english.language = Language::EN;
    assert!(matches!(
        store
            .newsroom_save_article(
                uk.id,
                save(english),
                &actor(&anna),
                now() + Duration::minutes(5),
            )
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store.article(uk.id).await.unwrap().unwrap().language,
        Language::UK
    );
}

pub async fn existing_articles_are_linked_and_unlinked(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    let anna = person(&store, "anna@example.org", Role::Editor).await;
    let who = actor(&anna);
    let english = store
        .create_article(draft(&n, "Power cuts"), now())
        .await
        .unwrap();
    let mut uk = draft(&n, "Відключення світла");
    uk.language = Language::UK;
    let ukrainian = store.create_article(uk.clone(), now()).await.unwrap();
    let second_uk = store.create_article(uk, now()).await.unwrap();
    let mut de_draft = draft(&n, "Stromausfälle");
    de_draft.language = de();
    let german = store.create_article(de_draft, now()).await.unwrap();

    let seq = store
        .link_translation(ukrainian.id, english.id, &who, now())
        .await
        .unwrap();
    assert_eq!(store.latest_change_seq().await.unwrap(), seq);
    assert_eq!(
        store
            .article(ukrainian.id)
            .await
            .unwrap()
            .unwrap()
            .translation_of,
        Some(english.id)
    );
    // A second Ukrainian article cannot join; an article cannot translate itself.
    assert!(matches!(
        store
            .link_translation(second_uk.id, english.id, &who, now())
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store
            .link_translation(english.id, ukrainian.id, &who, now())
            .await,
        Err(StoreError::Invalid(_))
    ));
    // Linked to a translation, an article joins the original's group.
    store
        .link_translation(german.id, ukrainian.id, &who, now())
        .await
        .unwrap();
    assert_eq!(
        store
            .article(german.id)
            .await
            .unwrap()
            .unwrap()
            .translation_of,
        Some(english.id)
    );
    assert_eq!(store.translations(english.id).await.unwrap().len(), 2);
    // An original with translations cannot become someone's translation.
    assert!(matches!(
        store
            .link_translation(english.id, second_uk.id, &who, now())
            .await,
        Err(StoreError::Invalid(_))
    ));

    store
        .unlink_translation(ukrainian.id, &who, now())
        .await
        .unwrap();
    assert_eq!(
        store
            .article(ukrainian.id)
            .await
            .unwrap()
            .unwrap()
            .translation_of,
        None
    );
    assert!(store.translations(ukrainian.id).await.unwrap().is_empty());
    assert_eq!(store.translations(english.id).await.unwrap().len(), 1);
    assert!(matches!(
        store.unlink_translation(ukrainian.id, &who, now()).await,
        Err(StoreError::NotFound)
    ));
    // Its place in the group is free again.
    store
        .link_translation(second_uk.id, english.id, &who, now())
        .await
        .unwrap();
}

pub async fn sections_and_tags_are_named_per_language(store: Arc<dyn Store>) {
    let n = newsroom(&store).await;
    let anna = person(&store, "anna@example.org", Role::Admin).await;
    let who = actor(&anna);
    let uk_slug = |s: &str| Slug::parse(s).unwrap();

    let written = store
        .set_section_name(
            n.war,
            Language::UK,
            " Війна ",
            &uk_slug("viina"),
            "Фронт",
            &who,
        )
        .await
        .unwrap();
    assert!(written.seq > 0);
    assert_eq!(written.value.name, "Війна");
    store
        .set_section_name(
            n.culture,
            Language::UK,
            "Культура",
            &uk_slug("kultura"),
            "",
            &who,
        )
        .await
        .unwrap();
    // Saving again replaces the name.
    store
        .set_section_name(
            n.war,
            Language::UK,
            "Війна",
            &uk_slug("viyna"),
            "Фронт",
            &who,
        )
        .await
        .unwrap();
    let names = store.section_names(Language::UK).await.unwrap();
    let listed: Vec<(&str, &str)> = names
        .iter()
        .map(|s| (s.name.as_str(), s.slug.as_str()))
        .collect();
    assert_eq!(listed, [("Війна", "viyna"), ("Культура", "kultura")]);
    assert_eq!(names[0].description, "Фронт");
    assert!(store.section_names(de()).await.unwrap().is_empty());

    // Taken in this language, or as another section's own address; used by the site; no name.
    for (name, address) in [("Війна", "kultura"), ("Війна", "culture")] {
        assert!(matches!(
            store
                .set_section_name(n.war, Language::UK, name, &uk_slug(address), "", &who)
                .await,
            Err(StoreError::Conflict(_))
        ));
    }
    assert!(matches!(
        store
            .set_section_name(n.war, Language::UK, "Пошук", &uk_slug("search"), "", &who)
            .await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        store
            .set_section_name(n.war, Language::UK, "  ", &uk_slug("viyna"), "", &who)
            .await,
        Err(StoreError::Invalid(_))
    ));
    // The section's own address, and another language's, are fine.
    store
        .set_section_name(n.war, de(), "Krieg", &uk_slug("war"), "", &who)
        .await
        .unwrap();
    store
        .set_section_name(n.culture, de(), "Kultur", &uk_slug("viyna"), "", &who)
        .await
        .unwrap();
    assert!(matches!(
        store
            .set_section_name(999_999, Language::UK, "Ніщо", &uk_slug("nishcho"), "", &who)
            .await,
        Err(StoreError::NotFound)
    ));
    store
        .remove_section_name(n.culture, Language::UK, &who)
        .await
        .unwrap();
    assert_eq!(store.section_names(Language::UK).await.unwrap().len(), 1);
    assert!(matches!(
        store
            .remove_section_name(n.culture, Language::UK, &who)
            .await,
        Err(StoreError::NotFound)
    ));

    let drones = store.ensure_tag("Drones").await.unwrap();
    let energy = store.ensure_tag("Energy").await.unwrap();
    store
        .set_tag_name(drones.id, Language::UK, "Дрони", &uk_slug("drony"), &who)
        .await
        .unwrap();
    assert!(matches!(
        store
            .set_tag_name(
                energy.id,
                Language::UK,
                "Енергетика",
                &uk_slug("drony"),
                &who
            )
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store
            .set_tag_name(
                energy.id,
                Language::UK,
                "Енергетика",
                &uk_slug("drones"),
                &who
            )
            .await,
        Err(StoreError::Conflict(_))
    ));
    store
        .set_tag_name(
            energy.id,
            Language::UK,
            "Енергетика",
            &uk_slug("enerhetyka"),
            &who,
        )
        .await
        .unwrap();
    let tags: Vec<(i64, String)> = store
        .tag_names(Language::UK)
        .await
        .unwrap()
        .into_iter()
        .map(|t| (t.tag_id, t.name))
        .collect();
    assert_eq!(
        tags,
        [
            (drones.id, "Дрони".to_owned()),
            (energy.id, "Енергетика".to_owned())
        ]
    );
    // A deleted tag takes its names with it.
    store.delete_tag(drones.id, None).await.unwrap();
    assert_eq!(store.tag_names(Language::UK).await.unwrap().len(), 1);
    store
        .remove_tag_name(energy.id, Language::UK, &who)
        .await
        .unwrap();
    assert!(store.tag_names(Language::UK).await.unwrap().is_empty());
}
