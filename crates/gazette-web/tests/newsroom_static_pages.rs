//! Static pages as editors meet them in the newsroom and readers on the site: a page written,
//! published and shown in the footer and at `/pages/slug`; every save a revision, one restored;
//! a Ukrainian translation made as a linked draft and published into the Ukrainian edition only;
//! the footer reordered; an unpublished page gone; contributors refused; bad input explained.

#![allow(clippy::unwrap_used)]

mod common;

use common::TestApp;
use common::newsroom::Browser;
use gazette_core::Language;
use gazette_core::newsroom::Role;
use gazette_store::pages::PageStatus;

async fn editor(app: &TestApp) -> Browser {
    app.signed_in("editor@news.test", Role::Editor).await
}

/// The page id a create, save or button redirected to.
fn page_in(response: &common::TestResponse) -> i64 {
    assert_eq!(response.status, 303, "{}", response.body);
    let location = response.header("location");
    location
        .trim_start_matches("/newsroom/pages/")
        .split(['?', '/'])
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no page in redirect {location:?}"))
}

async fn create(app: &TestApp, editor: &Browser, language: &str, title: &str, slug: &str) -> i64 {
    let fields = [
        ("language", language),
        ("title", title),
        ("slug", slug),
        ("body", "We are an **independent** newsroom."),
        ("intent", "save"),
    ];
    page_in(&app.post_as(editor, "/newsroom/pages", &fields).await)
}

async fn publish(app: &TestApp, editor: &Browser, id: i64) {
    let path = format!("/newsroom/pages/{id}/status");
    let response = app.post_as(editor, &path, &[("status", "published")]).await;
    assert_eq!(page_in(&response), id);
}

/// The titles of the footer's page links on `path`, in order.
async fn footer(app: &TestApp, path: &str) -> Vec<String> {
    let page = app.get(path).await;
    assert_eq!(page.status, 200, "{path}: {}", page.body);
    let html = page.html();
    let links = scraper::Selector::parse("footer a").unwrap();
    html.select(&links)
        .filter(|a| {
            a.value()
                .attr("href")
                .is_some_and(|h| h.contains("/pages/"))
        })
        .map(|a| a.text().collect::<String>().trim().to_owned())
        .collect()
}

#[tokio::test]
async fn an_editor_writes_a_page_readers_find_in_the_footer_and_at_its_address() {
    let app = TestApp::init().await;
    let editor = editor(&app).await;
    let list = app.get_as(&editor, "/newsroom/pages").await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert!(list.body.contains("Static pages"));
    let home = app.get_as(&editor, "/newsroom").await;
    assert!(
        home.body.contains("href=\"/newsroom/pages\""),
        "a Pages item in the nav"
    );

    let id = create(&app, &editor, "en", "About us", "about").await;
    // A new page is a draft: nobody reads it yet.
    assert_eq!(app.get("/pages/about").await.status, 404);
    assert!(footer(&app, "/").await.is_empty());

    publish(&app, &editor, id).await;
    let page = app.get("/pages/about").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("About us"));
    assert!(page.body.contains("<strong>independent</strong>"));
    assert_eq!(footer(&app, "/").await, ["About us"]);

    // The editor page shows the text, the translations to make and the revisions.
    let edit = app.get_as(&editor, &format!("/newsroom/pages/{id}")).await;
    assert_eq!(edit.status, 200, "{}", edit.body);
    assert!(
        edit.body.contains("Translate into Українська"),
        "{}",
        edit.body
    );
    assert!(edit.body.contains("We are an **independent** newsroom."));
    app.finish().await;
}

#[tokio::test]
async fn every_save_is_a_revision_and_an_earlier_one_can_be_restored() {
    let app = TestApp::init().await;
    let editor = editor(&app).await;
    let id = create(&app, &editor, "en", "Contacts", "contacts").await;
    publish(&app, &editor, id).await;
    // Cached copies of the page and of pages showing the footer are dropped by a save.
    assert_eq!(footer(&app, "/").await, ["Contacts"]);
    assert!(app.get("/pages/contacts").await.body.contains("Contacts"));
    let path = format!("/newsroom/pages/{id}");
    let fields = [
        ("title", "Contact the newsroom"),
        ("slug", "contacts"),
        ("body", "Call **+380 44 000 0000**."),
        ("intent", "save"),
    ];
    assert_eq!(page_in(&app.post_as(&editor, &path, &fields).await), id);
    let page = app.get("/pages/contacts").await;
    assert!(page.body.contains("Contact the newsroom"));
    assert!(page.body.contains("+380 44 000 0000"));
    assert_eq!(footer(&app, "/").await, ["Contact the newsroom"]);

    // A preview shows the rendered text and saves nothing.
    let preview = [
        ("title", "Draft words"),
        ("slug", "contacts"),
        ("body", "_Soon_"),
        ("intent", "preview"),
    ];
    let shown = app.post_as(&editor, &path, &preview).await;
    assert_eq!(shown.status, 200);
    assert!(shown.body.contains("<em>Soon</em>"));
    assert!(
        app.get("/pages/contacts")
            .await
            .body
            .contains("Contact the newsroom")
    );

    let revisions = app.store.page_revisions(id).await.unwrap();
    assert_eq!(revisions.len(), 2);
    let first = revisions[1].id.to_string();
    let restore = format!("{path}/restore");
    let restored = app
        .post_as(&editor, &restore, &[("revision", &first)])
        .await;
    assert_eq!(page_in(&restored), id);
    let page = app.get("/pages/contacts").await;
    assert!(page.body.contains("Contacts"));
    assert!(
        !page.body.contains("+380 44 000 0000"),
        "the first text is back"
    );
    assert_eq!(app.store.page_revisions(id).await.unwrap().len(), 3);
    app.finish().await;
}

#[tokio::test]
async fn a_ukrainian_translation_is_published_into_the_ukrainian_edition_only() {
    let app = TestApp::init().await;
    let editor = editor(&app).await;
    let about = create(&app, &editor, "en", "About us", "about").await;
    publish(&app, &editor, about).await;

    let translate = format!("/newsroom/pages/{about}/translate");
    let uk = page_in(
        &app.post_as(&editor, &translate, &[("language", "uk")])
            .await,
    );
    assert_ne!(uk, about);
    let draft = app.store.page_by_id(uk).await.unwrap().unwrap();
    assert_eq!(draft.language, Language::UK);
    assert_eq!(draft.status, PageStatus::Draft);
    assert_eq!(draft.translation_of, Some(about));
    // The original's editor now names the translation instead of offering it again.
    let edit = app
        .get_as(&editor, &format!("/newsroom/pages/{about}"))
        .await;
    assert!(!edit.body.contains("Translate into Українська"));
    assert!(edit.body.contains(&format!("/newsroom/pages/{uk}")));

    let fields = [
        ("title", "Про нас"),
        ("slug", "pro-nas"),
        ("body", "Ми — **незалежна** редакція."),
        ("intent", "save"),
    ];
    page_in(
        &app.post_as(&editor, &format!("/newsroom/pages/{uk}"), &fields)
            .await,
    );
    assert_eq!(
        app.get("/uk/pages/pro-nas").await.status,
        404,
        "a draft is hidden"
    );
    publish(&app, &editor, uk).await;

    let page = app.get("/uk/pages/pro-nas").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<strong>незалежна</strong>"));
    assert!(
        page.body.contains("hreflang=\"en\""),
        "linked to the original"
    );
    assert_eq!(app.get("/pages/pro-nas").await.status, 404);
    assert_eq!(footer(&app, "/uk").await, ["Про нас"]);
    assert_eq!(footer(&app, "/").await, ["About us"]);

    let sitemap = app.get("/sitemaps/pages.xml").await;
    assert!(
        sitemap.body.contains("/uk/pages/pro-nas</loc>"),
        "{}",
        sitemap.body
    );
    assert!(sitemap.body.contains("/pages/about</loc>"));

    // The Content API lists both, each with its language and edition address.
    let api = app.get("/api/v1/pages").await;
    let listed: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    let items: Vec<(String, String)> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["language"].as_str().unwrap().to_owned(),
                p["url"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        items
            .iter()
            .any(|(l, u)| l == "uk" && u.ends_with("/uk/pages/pro-nas")),
        "{items:?}"
    );
    assert!(
        items
            .iter()
            .any(|(l, u)| l == "en" && u.ends_with("/pages/about")),
        "{items:?}"
    );

    // A second Ukrainian translation is refused with a reason.
    let again = app
        .post_as(&editor, &translate, &[("language", "uk")])
        .await;
    assert_eq!(again.status, 400);
    assert!(again.body.contains("already"), "{}", again.body);
    app.finish().await;
}

#[tokio::test]
async fn the_footer_is_reordered_and_an_unpublished_page_is_gone() {
    let app = TestApp::init().await;
    let editor = editor(&app).await;
    let mut ids = Vec::new();
    for (title, slug) in [
        ("About us", "about"),
        ("Contacts", "contacts"),
        ("Donate", "donate"),
    ] {
        let id = create(&app, &editor, "en", title, slug).await;
        publish(&app, &editor, id).await;
        ids.push(id);
    }
    assert_eq!(footer(&app, "/").await, ["About us", "Contacts", "Donate"]);
    let up = format!("/newsroom/pages/{}/footer", ids[2]);
    let moved = app
        .post_as(&editor, &up, &[("move", "up"), ("back", "list")])
        .await;
    assert_eq!(moved.status, 303);
    assert_eq!(moved.header("location"), "/newsroom/pages?notice=moved");
    assert_eq!(footer(&app, "/").await, ["About us", "Donate", "Contacts"]);

    // The first page cannot go higher: the editor says so and nothing moves.
    let first_up = format!("/newsroom/pages/{}/footer", ids[0]);
    let refused = app.post_as(&editor, &first_up, &[("move", "up")]).await;
    assert_eq!(refused.status, 400);
    assert!(
        refused.body.contains("cannot move that way"),
        "{}",
        refused.body
    );
    assert_eq!(footer(&app, "/").await, ["About us", "Donate", "Contacts"]);

    let status = format!("/newsroom/pages/{}/status", ids[0]);
    page_in(
        &app.post_as(&editor, &status, &[("status", "unpublished")])
            .await,
    );
    assert_eq!(app.get("/pages/about").await.status, 404);
    assert_eq!(footer(&app, "/").await, ["Donate", "Contacts"]);
    app.finish().await;
}

#[tokio::test]
async fn contributors_are_refused_and_bad_input_is_explained() {
    let app = TestApp::init().await;
    let editor = editor(&app).await;
    let about = create(&app, &editor, "en", "About us", "about").await;

    let contributor = app.signed_in("writer@news.test", Role::Contributor).await;
    assert_eq!(
        app.get_as(&contributor, "/newsroom/pages").await.status,
        403
    );
    let fields = [
        ("language", "en"),
        ("title", "Mine"),
        ("body", ""),
        ("intent", "save"),
    ];
    assert_eq!(
        app.post_as(&contributor, "/newsroom/pages", &fields)
            .await
            .status,
        403
    );
    let home = app.get_as(&contributor, "/newsroom").await;
    assert!(!home.body.contains("href=\"/newsroom/pages\""));

    let post = |fields: Vec<(&'static str, &'static str)>| {
        let (app, editor) = (&app, &editor);
        async move { app.post_as(editor, "/newsroom/pages", &fields).await }
    };
    let untitled = post(vec![
        ("language", "en"),
        ("title", " "),
        ("slug", "x"),
        ("intent", "save"),
    ])
    .await;
    assert_eq!(untitled.status, 422);
    assert!(untitled.body.contains("A page needs a title."));
    let long_title = "T".repeat(201);
    let fields = [
        ("language", "en"),
        ("title", long_title.as_str()),
        ("intent", "save"),
    ];
    let long = app.post_as(&editor, "/newsroom/pages", &fields).await;
    assert_eq!(long.status, 422);
    assert!(long.body.contains("at most 200 characters"));
    let bad_slug = post(vec![
        ("language", "en"),
        ("title", "Ads"),
        ("slug", "Ads Here!"),
        ("intent", "save"),
    ])
    .await;
    assert_eq!(bad_slug.status, 422);
    assert!(bad_slug.body.contains("lower-case letters"));
    assert!(
        bad_slug.body.contains("value=\"Ads\""),
        "what was typed is kept"
    );
    let taken = post(vec![
        ("language", "en"),
        ("title", "About"),
        ("slug", "about"),
        ("intent", "save"),
    ])
    .await;
    assert_eq!(taken.status, 422);
    assert!(
        taken.body.contains("already has a page at “about”"),
        "{}",
        taken.body
    );
    let nowhere = post(vec![
        ("language", "xx"),
        ("title", "Ads"),
        ("intent", "save"),
    ])
    .await;
    assert_eq!(nowhere.status, 422);
    assert!(nowhere.body.contains("Choose one of the site"));
    // The same address in the other edition is fine.
    create(&app, &editor, "uk", "Про нас", "about").await;

    let unknown = app.get_as(&editor, "/newsroom/pages/9999").await;
    assert_eq!(unknown.status, 404);
    assert!(unknown.body.contains("There is no page number 9999."));
    let restore = format!("/newsroom/pages/{about}/restore");
    let bad = app
        .post_as(&editor, &restore, &[("revision", "nonsense")])
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("Choose a revision of this page"));
    assert_eq!(
        app.store.pages().await.unwrap().len(),
        2,
        "nothing else was written"
    );
    app.finish().await;
}
