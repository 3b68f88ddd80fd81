//! Search synonyms managed in the newsroom.

use super::*;

#[tokio::test]
async fn an_editor_adds_synonyms_and_search_finds_articles_by_the_new_spelling_at_once() {
    let app = TestApp::init().await;
    app.publish_headline("Kryvyi Rih steelworks restart").await;
    let editor = app
        .signed_in("ed@news.test", gazette_core::newsroom::Role::Editor)
        .await;
    assert_eq!(app.get("/search?q=krivoy").await.count(".search-result"), 0);

    let newsroom = app.get_as(&editor, "/newsroom").await;
    assert!(
        newsroom
            .attrs("nav a", "href")
            .contains(&"/newsroom/synonyms".to_owned())
    );
    let added = app
        .post_as(
            &editor,
            "/newsroom/synonyms",
            &[("terms", "Kryvyi, Krivoy, Кривий")],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let list = app.get_as(&editor, added.header("location")).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.text(".notice").contains("Synonyms added"));
    assert!(
        list.texts("table.list td")
            .contains(&"kryvyi, krivoy, кривий".to_owned())
    );

    let found = app.get("/search?q=Krivoy").await;
    assert_eq!(
        found.texts(".search-result h2"),
        ["Kryvyi Rih steelworks restart"]
    );
    let audit = app.store.synonym_groups().await.unwrap();
    let group = audit.iter().find(|g| g.terms[0] == "kryvyi").unwrap();

    // Deleting the group: the spelling no longer leads to the article.
    let deleted = app
        .post_as(
            &editor,
            &format!("/newsroom/synonyms/{}/delete", group.id),
            &[],
        )
        .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get("/search?q=Krivoy").await.count(".search-result"), 0);
    app.finish().await;
}

#[tokio::test]
async fn synonyms_are_refused_to_contributors_without_a_csrf_token_and_when_malformed() {
    let app = TestApp::init().await;
    let before = app.store.synonym_groups().await.unwrap().len();
    let contributor = app
        .signed_in(
            "writer@news.test",
            gazette_core::newsroom::Role::Contributor,
        )
        .await;
    let page = app.get_as(&contributor, "/newsroom/synonyms").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(
        page.text("main").contains("Only editors and admins"),
        "{}",
        page.body
    );
    let post = app
        .post_as(&contributor, "/newsroom/synonyms", &[("terms", "a1, b1")])
        .await;
    assert_eq!(post.status, StatusCode::FORBIDDEN);
    let contributor_nav = app.get_as(&contributor, "/newsroom").await;
    assert!(
        !contributor_nav
            .attrs("nav a", "href")
            .contains(&"/newsroom/synonyms".to_owned())
    );

    let editor = app
        .signed_in("ed@news.test", gazette_core::newsroom::Role::Editor)
        .await;
    for token in ["", "forged"] {
        let forged = app
            .post_raw(
                Some(&editor.cookie),
                &editor.address,
                "/newsroom/synonyms",
                &[("csrf", token), ("terms", "a1, b1")],
            )
            .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN, "token {token:?}");
    }
    let group = app.store.synonym_groups().await.unwrap()[0].id;
    let forged = app
        .post_raw(
            Some(&editor.cookie),
            &editor.address,
            &format!("/newsroom/synonyms/{group}/delete"),
            &[("csrf", "forged")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    for (terms, says) in [
        ("", "two or more spellings"),
        ("kyiv", "at least two different terms"),
        ("Kyiv, kyiv", "at least two different terms"),
    ] {
        let bad = app
            .post_as(&editor, "/newsroom/synonyms", &[("terms", terms)])
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{terms:?}");
        assert!(
            bad.text("main").contains(says),
            "{terms:?}: {}",
            bad.text("main")
        );
    }
    let again = app
        .post_as(&editor, "/newsroom/synonyms", &[("terms", "alpha1, beta1")])
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    let duplicate = app
        .post_as(&editor, "/newsroom/synonyms", &[("terms", "alpha1, beta1")])
        .await;
    assert_eq!(duplicate.status, StatusCode::CONFLICT);
    assert!(duplicate.text("main").contains("already exists"));
    for path in [
        "/newsroom/synonyms/999999/delete",
        "/newsroom/synonyms/nope/delete",
    ] {
        assert_eq!(
            app.post_as(&editor, path, &[]).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    assert_eq!(app.store.synonym_groups().await.unwrap().len(), before + 1);
    app.finish().await;
}

#[tokio::test]
async fn a_section_cannot_take_an_address_the_site_uses_itself() {
    let app = TestApp::init().await;
    let editor = app
        .signed_in("ed@news.test", gazette_core::newsroom::Role::Editor)
        .await;
    for (name, slug) in [
        ("Search", ""),
        ("Feeds", "feeds"),
        ("Tags", "tags"),
        ("X", "newsroom"),
    ] {
        let response = app
            .post_as(
                &editor,
                "/newsroom/sections",
                &[("name", name), ("slug", slug)],
            )
            .await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST, "{name} {slug}");
        assert!(
            response.text("main").contains("used by the site itself"),
            "{}",
            response.text("main")
        );
    }
    let war = app.war.to_string();
    let rename = app
        .post_as(
            &editor,
            &format!("/newsroom/sections/{war}"),
            &[("name", "War"), ("slug", "authors")],
        )
        .await;
    assert_eq!(rename.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.get("/search").await.status, StatusCode::OK);
    assert_eq!(app.store.sections().await.unwrap().len(), 2);
    app.finish().await;
}
