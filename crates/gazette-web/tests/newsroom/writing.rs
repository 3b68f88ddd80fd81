//! Writing and publishing, edit conflicts, autosave and revisions.

use super::*;

#[tokio::test]
async fn a_contributors_story_goes_through_review_to_the_public_site() {
    let app = TestApp::init().await;
    let contributor = app.signed_in("con@news.test", Role::Contributor).await;
    let editor = app.signed_in("ed@news.test", Role::Editor).await;
    let id = draft(&app, &contributor, "Air defence holds over Kharkiv").await;
    let article = app.store.article(id).await.unwrap().unwrap();
    assert_eq!(article.status, ArticleStatus::Draft);
    assert_eq!(
        article
            .tags
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>(),
        vec!["Kharkiv", "Air defence"]
    );
    assert_eq!(
        app.get("/war/air-defence-holds-over-kharkiv").await.status,
        404,
        "drafts are not public"
    );

    assert_eq!(act(&app, &contributor, id, "submit").await.status, 303);
    let list = app.get_as(&editor, "/newsroom?status=in_review").await;
    assert_eq!(
        list.texts(".article-row a"),
        vec!["Air defence holds over Kharkiv"]
    );
    assert_eq!(act(&app, &editor, id, "publish").await.status, 303);

    let public = app.get("/war/air-defence-holds-over-kharkiv").await;
    assert_eq!(public.status, 200);
    assert_eq!(public.text("h1"), "Air defence holds over Kharkiv");
    assert!(public.text(".article__body blockquote").contains("We held"));
    app.finish().await;
}

#[tokio::test]
async fn a_refused_save_keeps_what_was_typed() {
    let app = TestApp::init().await;
    let editor = app.signed_in("ed@news.test", Role::Editor).await;
    let id = draft(&app, &editor, "Original headline").await;
    let form = app.editor_form(&editor, id).await;
    let form = with(
        with(form, "headline", "   "),
        "body",
        "Three paragraphs of new work.",
    );
    let response = app
        .post_as(&editor, &format!("/newsroom/articles/{id}"), &pairs(&form))
        .await;
    assert_eq!(response.status, 400);
    assert!(response.text(".error").contains("headline cannot be empty"));
    assert_eq!(response.text("#body"), "Three paragraphs of new work.");
    assert_eq!(
        app.store.article(id).await.unwrap().unwrap().headline,
        "Original headline"
    );

    let form = with(app.editor_form(&editor, id).await, "slug", "Not A Slug!");
    let response = app
        .post_as(&editor, &format!("/newsroom/articles/{id}"), &pairs(&form))
        .await;
    assert_eq!(response.status, 400);
    assert!(response.text(".error").contains("address (slug)"));
    app.finish().await;
}

#[tokio::test]
async fn the_list_filters_by_status_section_author_and_text_and_pages() {
    let app = TestApp::init().await;
    let editor = app.signed_in("ed@news.test", Role::Editor).await;
    for i in 0..22 {
        draft(&app, &editor, &format!("Story number {i}")).await;
    }
    let special = draft(&app, &editor, "Grain corridor reopens").await;
    act(&app, &editor, special, "publish").await;
    let all = app.get_as(&editor, "/newsroom").await;
    assert_eq!(all.count(".article-row"), 20);
    assert!(all.text(".count").starts_with("23 articles"));
    let page2 = app.get_as(&editor, "/newsroom?page=2").await;
    assert_eq!(page2.count(".article-row"), 3);
    let published = app.get_as(&editor, "/newsroom?status=published").await;
    assert_eq!(
        published.texts(".article-row a"),
        vec!["Grain corridor reopens"]
    );
    let text = app.get_as(&editor, "/newsroom?q=corridor").await;
    assert_eq!(text.count(".article-row"), 1);
    let culture = app
        .get_as(&editor, &format!("/newsroom?section={}", app.culture))
        .await;
    assert_eq!(culture.count(".article-row"), 0);
    let author = editor.user.author_id.unwrap();
    let by = app
        .get_as(&editor, &format!("/newsroom?author={author}"))
        .await;
    assert_eq!(by.count(".article-row"), 20);
    assert_eq!(
        app.get_as(&editor, "/newsroom?status=lost").await.status,
        400
    );
    app.finish().await;
}

#[tokio::test]
async fn saving_over_someone_elses_newer_save_is_refused_with_their_name() {
    let app = TestApp::init().await;
    let anna = app.signed_in("anna@news.test", Role::Editor).await;
    let bohdan = app.signed_in("bohdan@news.test", Role::Editor).await;
    let id = draft(&app, &anna, "Shared story").await;
    let anna_form = app.editor_form(&anna, id).await;
    let bohdan_form = app.editor_form(&bohdan, id).await;
    let page = app.get_as(&anna, &format!("/newsroom/articles/{id}")).await;
    assert!(
        page.text(".warning").contains("bohdan"),
        "the editor shows who else is in it"
    );

    let saved = app
        .post_as(
            &anna,
            &format!("/newsroom/articles/{id}"),
            &pairs(&with(anna_form, "body", "Anna's version.")),
        )
        .await;
    assert_eq!(saved.status, 303);
    let refused = app
        .post_as(
            &bohdan,
            &format!("/newsroom/articles/{id}"),
            &pairs(&with(bohdan_form, "body", "Bohdan's version.")),
        )
        .await;
    assert_eq!(refused.status, 409);
    assert!(
        refused.text(".error").contains("anna saved this article"),
        "{}",
        refused.text(".error")
    );
    assert_eq!(
        refused.text("#body"),
        "Bohdan's version.",
        "the refused text stays in the form"
    );
    assert_eq!(
        app.store.article(id).await.unwrap().unwrap().body_markdown,
        "Anna's version."
    );
    app.finish().await;
}

#[tokio::test]
async fn autosave_keeps_drafts_and_answers_in_json() {
    let app = TestApp::init().await;
    let editor = app.signed_in("ed@news.test", Role::Editor).await;
    let id = draft(&app, &editor, "Autosaved").await;
    let form = with(
        app.editor_form(&editor, id).await,
        "body",
        "Typed, not yet saved.",
    );
    let response = app
        .post_as(
            &editor,
            &format!("/newsroom/articles/{id}/autosave"),
            &pairs(&form),
        )
        .await;
    assert_eq!(response.status, 200, "{}", response.body);
    let json: serde_json::Value = serde_json::from_str(&response.body).unwrap();
    assert!(json["revision"].as_i64().is_some());
    assert_eq!(
        app.store.article(id).await.unwrap().unwrap().body_markdown,
        "Typed, not yet saved."
    );
    // The same person's older form saving again is not a conflict with themselves.
    let again = app
        .post_as(
            &editor,
            &format!("/newsroom/articles/{id}/autosave"),
            &pairs(&form),
        )
        .await;
    assert_eq!(again.status, 200);

    act(&app, &editor, id, "publish").await;
    let refused = app
        .post_as(
            &editor,
            &format!("/newsroom/articles/{id}/autosave"),
            &pairs(&form),
        )
        .await;
    assert_eq!(refused.status, 409);
    let json: serde_json::Value = serde_json::from_str(&refused.body).unwrap();
    assert!(json["error"].as_str().unwrap().contains("press Save"));
    app.finish().await;
}

#[tokio::test]
async fn revisions_are_listed_compared_word_by_word_and_restored() {
    let app = TestApp::init().await;
    let editor = app.signed_in("ed@news.test", Role::Editor).await;
    let id = draft(&app, &editor, "Troops hold the bridge").await;
    let form = app.editor_form(&editor, id).await;
    app.post_as(
        &editor,
        &format!("/newsroom/articles/{id}"),
        &pairs(&with(form, "headline", "Troops leave the bridge")),
    )
    .await;
    let revisions = app.store.revisions(id).await.unwrap();
    assert_eq!(revisions.len(), 2);
    let list = app
        .get_as(&editor, &format!("/newsroom/articles/{id}/revisions"))
        .await;
    assert_eq!(list.count(".revision"), 2);

    let (new, old) = (revisions[0].id, revisions[1].id);
    let diff = app
        .get_as(
            &editor,
            &format!("/newsroom/articles/{id}/diff?from={old}&to={new}"),
        )
        .await;
    assert_eq!(diff.status, 200);
    assert_eq!(diff.texts("del"), vec!["Removed words", "hold"]);
    assert_eq!(diff.texts("ins"), vec!["added words", "leave"]);

    let restored = app
        .post_as(
            &editor,
            &format!("/newsroom/articles/{id}/revisions/{old}/restore"),
            &[],
        )
        .await;
    assert_eq!(restored.status, 303);
    assert_eq!(
        app.store.article(id).await.unwrap().unwrap().headline,
        "Troops hold the bridge"
    );
    let revisions = app.store.revisions(id).await.unwrap();
    assert_eq!(
        revisions.len(),
        3,
        "restoring is a new save; nothing is lost"
    );
    assert!(revisions[0].note.contains("restored revision"));
    assert_eq!(
        app.get_as(
            &editor,
            &format!("/newsroom/articles/{id}/diff?from=x&to={new}")
        )
        .await
        .status,
        400
    );
    app.finish().await;
}
