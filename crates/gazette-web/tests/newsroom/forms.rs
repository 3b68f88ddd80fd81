//! The newsroom's own forms (settings, people, sections, tags): a refused form says what to fix,
//! in gazette-core's words, and writes nothing.

use super::*;

#[tokio::test]
async fn refused_settings_name_the_field_and_change_nothing() {
    let app = TestApp::init().await;
    let admin = app.signed_in("admin@news.test", Role::Admin).await;
    let before = app.store.setting("site.name").await.unwrap();
    for (form, message) in [
        (
            vec![
                ("site.name", "Kyiv Daily"),
                ("site.social.x", "http://x.com/kd"),
            ],
            "X profile address: use a full address starting with https://.",
        ),
        (vec![("site.name", "  ")], "The site needs a name."),
    ] {
        let response = app.post_as(&admin, "/newsroom/settings", &form).await;
        assert_eq!(response.status, 400, "{form:?}");
        assert_eq!(response.text(".error-message"), message, "{form:?}");
    }
    assert_eq!(app.store.setting("site.name").await.unwrap(), before);
    app.finish().await;
}

#[tokio::test]
async fn each_edition_has_its_own_tagline_or_the_default_one() {
    let app = TestApp::init().await;
    let admin = app.signed_in("admin@news.test", Role::Admin).await;
    let page = app.get_as(&admin, "/newsroom/settings").await;
    assert!(
        page.count("input[name='site.tagline.uk']") == 1,
        "{}",
        page.body
    );
    let response = app
        .post_as(
            &admin,
            "/newsroom/settings",
            &[
                ("site.name", "The Test Dispatch"),
                ("site.tagline", "News from the front"),
                ("site.tagline.uk", "Новини з фронту"),
            ],
        )
        .await;
    assert_eq!(response.status, 303, "{}", response.body);
    app.settle().await;
    assert_eq!(app.get("/uk").await.text(".tagline"), "Новини з фронту");
    assert_eq!(app.get("/").await.text(".tagline"), "News from the front");

    // Too long for the edition: refused, naming the edition, and nothing written.
    let long = "ї".repeat(201);
    let response = app
        .post_as(
            &admin,
            "/newsroom/settings",
            &[("site.name", "Renamed"), ("site.tagline.uk", &long)],
        )
        .await;
    assert_eq!(response.status, 400);
    assert!(
        response.text(".error-message").contains("Українська"),
        "{}",
        response.text(".error-message")
    );
    assert_eq!(
        app.store.setting("site.name").await.unwrap().as_deref(),
        Some("The Test Dispatch")
    );
    // Emptied: the Ukrainian edition shows the default tagline again.
    app.post_as(
        &admin,
        "/newsroom/settings",
        &[
            ("site.name", "The Test Dispatch"),
            ("site.tagline", "News from the front"),
        ],
    )
    .await;
    app.settle().await;
    assert_eq!(app.get("/uk").await.text(".tagline"), "News from the front");
    app.finish().await;
}

#[tokio::test]
async fn a_refused_change_to_a_person_makes_no_byline() {
    let app = TestApp::init().await;
    let admin = app.signed_in("admin@news.test", Role::Admin).await;
    let olena = app.add_user("olena@news.test", Role::Author).await;
    let bylines = app.store.authors().await.unwrap().len();
    let response = app
        .post_as(
            &admin,
            &format!("/newsroom/users/{}", olena.id),
            &[("name", "Olena"), ("role", "chief"), ("author", "new")],
        )
        .await;
    assert_eq!(response.status, 400);
    assert!(
        response
            .text(".error-message")
            .contains("expected contributor, author, editor or admin"),
        "{}",
        response.body
    );
    assert_eq!(app.store.authors().await.unwrap().len(), bylines);
    let response = app
        .post_as(
            &admin,
            "/newsroom/users",
            &[
                ("email", "taras@news.test"),
                ("name", "Taras"),
                ("role", "author"),
                ("password", "long enough password"),
                ("author", "someone"),
            ],
        )
        .await;
    assert_eq!(response.status, 400);
    assert!(
        response
            .text(".error")
            .contains("Choose a byline from the list.")
    );
    assert_eq!(app.store.users().await.unwrap().len(), 2);
    app.finish().await;
}

#[tokio::test]
async fn refused_sections_and_tags_say_what_to_fix() {
    let app = TestApp::init().await;
    let editor = app.signed_in("ed@news.test", Role::Editor).await;
    let sections = app.store.sections().await.unwrap().len();
    for (form, message) in [
        (
            vec![("name", ""), ("slug", "war-2")],
            "A section needs a name.",
        ),
        (
            vec![("name", "Front"), ("position", "first")],
            "The menu position must be a whole number.",
        ),
    ] {
        let response = app.post_as(&editor, "/newsroom/sections", &form).await;
        assert_eq!(response.status, 400, "{form:?}");
        assert_eq!(response.text(".error-message"), message, "{form:?}");
    }
    assert_eq!(app.store.sections().await.unwrap().len(), sections);
    app.finish().await;
}
