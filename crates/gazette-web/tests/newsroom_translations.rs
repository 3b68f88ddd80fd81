//! Translations as the newsroom meets them: "Translate into …" in the editor starts a linked draft
//! with the original shown beside it; the article list names each story's other languages and
//! marks the ones out of date; a second translation into one language is refused in words; and
//! sections and tags get their names in the other editions.

#![allow(clippy::unwrap_used)]

mod common;

use common::newsroom::{Browser, pairs, redirected_id, with};
use common::{TestApp, TestResponse};
use gazette_core::newsroom::Role;
use gazette_core::{Article, Language};
use scraper::Selector;

async fn editor(app: &TestApp) -> Browser {
    app.signed_in("editor@news.test", Role::Editor).await
}

async fn translate(app: &TestApp, browser: &Browser, id: i64, code: &str) -> TestResponse {
    app.post_as(
        browser,
        &format!("/newsroom/articles/{id}/translations"),
        &[("language", code)],
    )
    .await
}

/// The Ukrainian translation of a freshly published English article, started from its editor.
async fn translated(app: &TestApp, browser: &Browser) -> (Article, i64) {
    let original = app.publish_headline("Grain corridor reopens").await;
    let page = app
        .get_as(browser, &format!("/newsroom/articles/{}", original.id))
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let offered = page.texts("form.translations__start button[name=language]");
    assert_eq!(offered, ["Translate into Ukrainian"]);
    let response = translate(app, browser, original.id, "uk").await;
    assert_eq!(response.status, 303, "{}", response.body);
    (original, redirected_id(&response))
}

/// The article list's row for `headline`, as text.
fn row(list: &TestResponse, headline: &str) -> String {
    let doc = list.html();
    let rows = Selector::parse("tr.article-row").unwrap();
    doc.select(&rows)
        .map(|r| r.text().collect::<String>())
        .find(|text| text.contains(headline))
        .unwrap_or_else(|| panic!("no row for {headline:?} in {}", list.body))
}

#[tokio::test]
async fn translating_starts_a_linked_ukrainian_draft_with_the_original_beside_it() {
    let app = TestApp::init().await;
    let browser = editor(&app).await;
    let (original, id) = translated(&app, &browser).await;

    let stored = app.store.article(id).await.unwrap().unwrap();
    assert_eq!(stored.language, Language::UK);
    assert_eq!(stored.translation_of, Some(original.id));
    assert_eq!(stored.status, gazette_core::ArticleStatus::Draft);

    let page = app
        .get_as(&browser, &format!("/newsroom/articles/{id}"))
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    // The form starts from the original's words, in the Ukrainian edition.
    let form = app.editor_form(&browser, id).await;
    assert!(form.contains(&("language".into(), "uk".into())), "{form:?}");
    assert!(form.contains(&("headline".into(), "Grain corridor reopens".into())));
    // The original is shown beside it, read-only and rendered.
    let beside = page.text(".translations__original");
    assert!(beside.contains("The original, in English"), "{beside}");
    assert!(beside.contains("Grain corridor reopens"), "{beside}");
    assert!(beside.contains("We held the line"), "{beside}");
    assert!(page.count(".translations__original blockquote") >= 1);
    assert_eq!(
        page.attrs(".translations__original a", "href"),
        [format!("/newsroom/articles/{}", original.id)]
    );
    // The group lists the original; every edition has its article, so nothing more is offered.
    assert!(
        page.text(".translations__list")
            .contains("English · Original")
    );
    assert_eq!(page.count("form.translations__start"), 0);

    // The original's panel lists the draft.
    let page = app
        .get_as(&browser, &format!("/newsroom/articles/{}", original.id))
        .await;
    let listed = page.text(".translations__list");
    assert!(listed.contains("Ukrainian"), "{listed}");
    assert!(listed.contains("Draft"), "{listed}");
    assert_eq!(
        page.attrs(".translations__list a", "href"),
        [format!("/newsroom/articles/{id}")]
    );
    app.finish().await;
}

#[tokio::test]
async fn the_list_marks_translations_and_an_edited_original_dates_them() {
    let app = TestApp::init().await;
    let browser = editor(&app).await;
    let lone = app.publish_headline("A story in one language").await;
    let (original, id) = translated(&app, &browser).await;
    // The translator puts it into Ukrainian.
    let form = app.editor_form(&browser, id).await;
    let form = with(form, "headline", "Зерновий коридор знову відкрито");
    let saved = app
        .post_as(&browser, &format!("/newsroom/articles/{id}"), &pairs(&form))
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);

    let list = app.get_as(&browser, "/newsroom").await;
    assert_eq!(list.status, 200, "{}", list.body);
    let english = row(&list, "Grain corridor reopens");
    assert!(english.contains("uk"), "{english}");
    assert!(!english.contains("out of date"), "{english}");
    let ukrainian = row(&list, "Зерновий коридор");
    assert!(ukrainian.contains("en (original)"), "{ukrainian}");
    assert!(!ukrainian.contains("out of date"), "{ukrainian}");
    assert!(!row(&list, &lone.headline).contains("original"));

    // A minute later the original's text changes: the translation is now behind it.
    app.advance_clock(60);
    let form = app.editor_form(&browser, original.id).await;
    let form = with(
        form,
        "body",
        "The corridor reopened at dawn, officials said.",
    );
    let saved = app
        .post_as(
            &browser,
            &format!("/newsroom/articles/{}", original.id),
            &pairs(&form),
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);

    let list = app.get_as(&browser, "/newsroom").await;
    let english = row(&list, "Grain corridor reopens");
    assert!(english.contains("uk (out of date)"), "{english}");
    let ukrainian = row(&list, "Зерновий коридор");
    assert!(ukrainian.contains("out of date"), "{ukrainian}");
    assert!(
        !ukrainian.contains("en (out of date)"),
        "the original is never behind"
    );
    let panel = app
        .get_as(&browser, &format!("/newsroom/articles/{id}"))
        .await;
    assert!(
        panel
            .text(".translations")
            .contains("This translation is out of date")
    );
    let panel = app
        .get_as(&browser, &format!("/newsroom/articles/{}", original.id))
        .await;
    assert!(panel.text(".translations__list").contains("Out of date"));
    app.finish().await;
}

#[tokio::test]
async fn a_second_ukrainian_translation_is_refused_in_the_readers_language() {
    let app = TestApp::init().await;
    let browser = editor(&app).await;
    let (original, id) = translated(&app, &browser).await;

    let again = translate(&app, &browser, original.id, "uk").await;
    assert_eq!(again.status, 409, "{}", again.body);
    assert!(
        again
            .body
            .contains("This story already has a version in Ukrainian"),
        "{}",
        again.body
    );
    // Asked from the translation itself, and in Ukrainian for a person who reads the newsroom so.
    app.store
        .set_ui_language(browser.user.id, Language::UK, None)
        .await
        .unwrap();
    let again = translate(&app, &browser, id, "uk").await;
    assert_eq!(again.status, 409, "{}", again.body);
    assert!(
        again.body.contains("Ця стаття вже має версію українською"),
        "{}",
        again.body
    );
    // Nor can it go to an edition the site does not have.
    let nowhere = translate(&app, &browser, original.id, "de").await;
    assert_eq!(nowhere.status, 400, "{}", nowhere.body);
    assert_eq!(app.store.translations(original.id).await.unwrap().len(), 1);
    app.finish().await;
}

#[tokio::test]
async fn sections_and_tags_are_named_in_the_other_edition() {
    let app = TestApp::init().await;
    let admin = app.signed_in("admin@news.test", Role::Admin).await;
    let page = app.get_as(&admin, "/newsroom/sections").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let action = format!("/newsroom/sections/{}/names", app.war);
    assert_eq!(
        page.count(&format!("form[action=\"{action}\"][data-language=uk]")),
        1
    );

    // The address is made from the name when left empty.
    let saved = app
        .post_as(
            &admin,
            &action,
            &[
                ("language", "uk"),
                ("name", "Війна"),
                ("slug", ""),
                ("description", "Новини з фронту"),
                ("intent", "save"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let names = app.store.section_names(Language::UK).await.unwrap();
    assert_eq!(names.len(), 1);
    assert_eq!(names[0].name, "Війна");
    assert_eq!(names[0].slug.as_str(), "viina");
    assert_eq!(names[0].description, "Новини з фронту");
    let page = app.get_as(&admin, "/newsroom/sections").await;
    let form = format!("form[action=\"{action}\"] input[name=name]");
    assert_eq!(page.attrs(&form, "value"), ["Війна"]);

    // A bad address, and one another section has, are refused on the form, keeping what was typed.
    let culture = format!("/newsroom/sections/{}/names", app.culture);
    let bad = app
        .post_as(
            &admin,
            &culture,
            &[
                ("language", "uk"),
                ("name", "Культура"),
                ("slug", "Kultura!"),
            ],
        )
        .await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(
        bad.text(".edition-name .error")
            .contains("lowercase Latin letters")
    );
    let form = format!("form[action=\"{culture}\"] input[name=slug]");
    assert_eq!(bad.attrs(&form, "value"), ["Kultura!"]);
    let taken = app
        .post_as(
            &admin,
            &culture,
            &[("language", "uk"), ("name", "Культура"), ("slug", "viina")],
        )
        .await;
    assert_eq!(taken.status, 409, "{}", taken.body);
    assert!(
        taken
            .text(".edition-name .error")
            .contains("Another section already has the address “viina”"),
        "{}",
        taken.body
    );
    assert_eq!(
        app.store.section_names(Language::UK).await.unwrap().len(),
        1
    );

    // Tags too.
    let tag = app.store.ensure_tag("Drones").await.unwrap();
    let saved = app
        .post_as(
            &admin,
            &format!("/newsroom/tags/{}/names", tag.id),
            &[("language", "uk"), ("name", "Дрони"), ("slug", "drony")],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let tags = app.store.tag_names(Language::UK).await.unwrap();
    assert_eq!(tags.len(), 1);
    assert_eq!(tags[0].name, "Дрони");
    let page = app.get_as(&admin, "/newsroom/tags").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.count(".edition-names button[value=remove]"), 1);
    app.finish().await;
}
