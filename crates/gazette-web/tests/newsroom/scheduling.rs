//! Scheduling, embargoes and takedowns, and an editor's decisions that authors cannot undo.

use super::*;

#[tokio::test]
async fn a_scheduled_article_is_published_on_time_exactly_once() {
    let app = TestApp::init().await;
    let editor = app.signed_in("ed@news.test", Role::Editor).await;
    let id = draft(&app, &editor, "Parliament votes at noon").await;
    // The clock is 31 March 2025 12:00 UTC.
    let response = app
        .post_as(
            &editor,
            &format!("/newsroom/articles/{id}/workflow"),
            &[("action", "schedule"), ("publish_at", "2025-03-31T12:05")],
        )
        .await;
    assert_eq!(response.status, 303, "{}", response.body);
    assert_eq!(status_of(&app, id).await, ArticleStatus::Scheduled);

    app.advance_clock(299);
    assert!(
        app.jobs
            .scheduler
            .run_once()
            .await
            .unwrap()
            .published
            .is_empty()
    );
    assert_eq!(app.get("/war/parliament-votes-at-noon").await.status, 404);
    app.advance_clock(1);
    assert_eq!(
        app.jobs.scheduler.run_once().await.unwrap().published,
        vec![id]
    );
    assert!(
        app.jobs
            .scheduler
            .run_once()
            .await
            .unwrap()
            .published
            .is_empty(),
        "never twice"
    );
    assert_eq!(app.get("/war/parliament-votes-at-noon").await.status, 200);
    app.finish().await;
}

#[tokio::test]
async fn an_embargo_holds_publication_and_a_takedown_removes_it() {
    let app = TestApp::init().await;
    let editor = app.signed_in("ed@news.test", Role::Editor).await;
    let id = draft(&app, &editor, "Embargoed report").await;
    let response = app
        .post_as(
            &editor,
            &format!("/newsroom/articles/{id}/workflow"),
            &[
                ("action", "publish"),
                ("embargo_until", "2025-03-31T14:00"),
                ("takedown_at", "2025-04-01T14:00"),
            ],
        )
        .await;
    assert_eq!(response.status, 303);
    assert_eq!(
        status_of(&app, id).await,
        ArticleStatus::Scheduled,
        "publishing before the embargo waits for it"
    );
    app.advance_clock(2 * 3600);
    app.jobs.scheduler.run_once().await.unwrap();
    assert_eq!(app.get("/war/embargoed-report").await.status, 200);
    app.advance_clock(24 * 3600);
    assert_eq!(
        app.jobs.scheduler.run_once().await.unwrap().taken_down,
        vec![id]
    );
    assert_eq!(app.get("/war/embargoed-report").await.status, 410);

    let bad = app
        .post_as(
            &editor,
            &format!("/newsroom/articles/{id}/workflow"),
            &[("action", "schedule"), ("publish_at", "yesterday")],
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(
        bad.text(".error-message")
            .contains("is not a date and time")
    );
    app.finish().await;
}

/// The workflow state as stored: status, publication time, embargo, takedown.
async fn stored_state(
    app: &TestApp,
    id: i64,
) -> (
    ArticleStatus,
    Option<chrono::DateTime<chrono::Utc>>,
    Option<chrono::DateTime<chrono::Utc>>,
    Option<chrono::DateTime<chrono::Utc>>,
) {
    let article = app.store.article(id).await.unwrap().unwrap();
    let workflow = app.store.article_workflow(id).await.unwrap().unwrap();
    (
        article.status,
        article.published_at,
        workflow.embargo_until,
        workflow.takedown_at,
    )
}

async fn workflow_as(
    app: &TestApp,
    browser: &Browser,
    id: i64,
    fields: &[(&str, &str)],
) -> TestResponse {
    app.post_as(
        browser,
        &format!("/newsroom/articles/{id}/workflow"),
        fields,
    )
    .await
}

/// A 403 page that says why.
fn refused_because(response: &TestResponse, words: &str) {
    assert_eq!(response.status, 403, "{}", response.body);
    let message = response.text(".error-message");
    assert!(message.contains(words), "{message:?} lacks {words:?}");
}

/// An author's article that an editor published under an embargo until 14:00 (two hours ahead).
async fn embargoed_by_an_editor(app: &TestApp, author: &Browser, editor: &Browser) -> i64 {
    let id = draft(app, author, "Embargoed report").await;
    let response = workflow_as(
        app,
        editor,
        id,
        &[("action", "publish"), ("embargo_until", "2025-03-31T14:00")],
    )
    .await;
    assert_eq!(response.status, 303, "{}", response.body);
    assert_eq!(status_of(app, id).await, ArticleStatus::Scheduled);
    id
}

#[tokio::test]
async fn an_author_cannot_publish_an_embargoed_article_now_by_emptying_the_embargo() {
    let app = TestApp::init().await;
    let author = app.signed_in("auth@news.test", Role::Author).await;
    let editor = app.signed_in("ed@news.test", Role::Editor).await;
    let id = embargoed_by_an_editor(&app, &author, &editor).await;
    let before = stored_state(&app, id).await;
    for fields in [
        &[("action", "publish"), ("embargo_until", "")][..],
        &[("action", "publish")][..],
    ] {
        let response = workflow_as(&app, &author, id, fields).await;
        refused_because(&response, "only an editor can lift an embargo");
    }
    assert_eq!(stored_state(&app, id).await, before, "nothing changed");
    assert_eq!(app.get("/war/embargoed-report").await.status, 404);
    app.finish().await;
}

#[tokio::test]
async fn an_author_cannot_move_an_embargo_earlier() {
    let app = TestApp::init().await;
    let author = app.signed_in("auth@news.test", Role::Author).await;
    let editor = app.signed_in("ed@news.test", Role::Editor).await;
    let id = embargoed_by_an_editor(&app, &author, &editor).await;
    let before = stored_state(&app, id).await;
    let response = workflow_as(
        &app,
        &author,
        id,
        &[("action", "publish"), ("embargo_until", "2025-03-31T12:01")],
    )
    .await;
    refused_because(&response, "only an editor can bring an embargo forward");
    assert_eq!(stored_state(&app, id).await, before, "nothing changed");
    app.advance_clock(120);
    app.jobs.scheduler.run_once().await.unwrap();
    assert_eq!(app.get("/war/embargoed-report").await.status, 404);

    // Later is allowed: an embargo only ever holds publication back.
    let response = workflow_as(
        &app,
        &author,
        id,
        &[("action", "publish"), ("embargo_until", "2025-03-31T15:00")],
    )
    .await;
    assert_eq!(response.status, 303, "{}", response.body);
    assert_eq!(
        stored_state(&app, id).await.2.map(|t| t.to_rfc3339()),
        Some("2025-03-31T15:00:00+00:00".into())
    );
    app.finish().await;
}

#[tokio::test]
async fn an_author_cannot_clear_an_editors_takedown_time() {
    let app = TestApp::init().await;
    let author = app.signed_in("auth@news.test", Role::Author).await;
    let editor = app.signed_in("ed@news.test", Role::Editor).await;
    let id = draft(&app, &author, "Report with an expiry").await;
    let response = workflow_as(
        &app,
        &editor,
        id,
        &[("action", "publish"), ("takedown_at", "2025-04-01T14:00")],
    )
    .await;
    assert_eq!(response.status, 303, "{}", response.body);
    let before = stored_state(&app, id).await;
    for takedown in ["", "2025-04-02T14:00"] {
        let response = workflow_as(
            &app,
            &author,
            id,
            &[("action", "takedown"), ("takedown_at", takedown)],
        )
        .await;
        refused_because(
            &response,
            "Only an editor can set, move or clear a takedown",
        );
    }
    assert_eq!(stored_state(&app, id).await, before, "nothing changed");
    app.advance_clock(27 * 3600);
    assert_eq!(
        app.jobs.scheduler.run_once().await.unwrap().taken_down,
        vec![id]
    );
    assert_eq!(app.get("/war/report-with-an-expiry").await.status, 410);
    app.finish().await;
}

#[tokio::test]
async fn an_author_cannot_republish_an_article_an_editor_unpublished() {
    let app = TestApp::init().await;
    let author = app.signed_in("auth@news.test", Role::Author).await;
    let editor = app.signed_in("ed@news.test", Role::Editor).await;
    let id = draft(&app, &author, "Withdrawn story").await;
    assert_eq!(act(&app, &author, id, "publish").await.status, 303);
    assert_eq!(act(&app, &editor, id, "unpublish").await.status, 303);
    let before = stored_state(&app, id).await;
    refused_because(
        &act(&app, &author, id, "publish").await,
        "only an editor can republish",
    );
    // Nor by the back door: back to draft, then publish.
    refused_because(
        &act(&app, &author, id, "draft").await,
        "only an editor can reopen",
    );
    assert_eq!(stored_state(&app, id).await, before, "nothing changed");
    assert_eq!(app.get("/war/withdrawn-story").await.status, 410);
    assert_eq!(act(&app, &editor, id, "publish").await.status, 303);
    assert_eq!(app.get("/war/withdrawn-story").await.status, 200);
    app.finish().await;
}

#[tokio::test]
async fn an_author_cannot_take_an_article_down_with_a_takedown_a_minute_ahead() {
    let app = TestApp::init().await;
    let author = app.signed_in("auth@news.test", Role::Author).await;
    let id = draft(&app, &author, "Story that stays up").await;
    assert_eq!(act(&app, &author, id, "publish").await.status, 303);
    assert_eq!(act(&app, &author, id, "unpublish").await.status, 403);
    let before = stored_state(&app, id).await;
    let response = workflow_as(
        &app,
        &author,
        id,
        &[("action", "takedown"), ("takedown_at", "2025-03-31T12:01")],
    )
    .await;
    refused_because(&response, "Only an editor");
    assert_eq!(stored_state(&app, id).await, before, "nothing changed");
    app.advance_clock(120);
    assert!(
        app.jobs
            .scheduler
            .run_once()
            .await
            .unwrap()
            .taken_down
            .is_empty()
    );
    assert_eq!(app.get("/war/story-that-stays-up").await.status, 200);
    app.finish().await;
}

#[tokio::test]
async fn an_author_cannot_publish_under_a_colleagues_byline_without_review() {
    let app = TestApp::init().await;
    let author = app.signed_in("auth@news.test", Role::Author).await;
    let editor = app.signed_in("ed@news.test", Role::Editor).await;
    let mine = author.user.author_id.unwrap();
    let colleague = app.olena;
    for (headline, bylines, address) in [
        ("Under her name", vec![colleague], "/war/under-her-name"),
        (
            "Under both names",
            vec![mine, colleague],
            "/war/under-both-names",
        ),
    ] {
        let id = draft_with_bylines(&app, &author, headline, &bylines).await;
        refused_because(&act(&app, &author, id, "publish").await, "own byline");
        let response = workflow_as(
            &app,
            &author,
            id,
            &[("action", "schedule"), ("publish_at", "2025-03-31T13:00")],
        )
        .await;
        refused_because(&response, "own byline");
        assert_eq!(status_of(&app, id).await, ArticleStatus::Draft);
        assert_eq!(app.get(address).await.status, 404);
        // Review is the way.
        assert_eq!(act(&app, &author, id, "submit").await.status, 303);
        assert_eq!(act(&app, &editor, id, "publish").await.status, 303);
        assert_eq!(app.get(address).await.status, 200);
    }

    // Nor by adding the colleague to an article already published under the author's name.
    let id = draft(&app, &author, "Under my name").await;
    assert_eq!(act(&app, &author, id, "publish").await.status, 303);
    let mut form = app.editor_form(&author, id).await;
    form.push(("author".into(), colleague.to_string()));
    let response = app
        .post_as(&author, &format!("/newsroom/articles/{id}"), &pairs(&form))
        .await;
    assert_eq!(response.status, 403, "{}", response.body);
    assert!(
        response
            .text(".error")
            .contains("Only an editor can change the bylines"),
        "the form is shown again with the reason"
    );
    let article = app.store.article(id).await.unwrap().unwrap();
    assert_eq!(
        article.authors.iter().map(|a| a.id).collect::<Vec<_>>(),
        vec![mine]
    );
    app.finish().await;
}

#[tokio::test]
async fn colleagues_drafts_and_embargoed_articles_are_open_to_editors_only() {
    let app = TestApp::init().await;
    let writer = app.signed_in("writer@news.test", Role::Author).await;
    let editor = app.signed_in("ed@news.test", Role::Editor).await;
    let admin = app.signed_in("admin@news.test", Role::Admin).await;
    let author = app.signed_in("auth@news.test", Role::Author).await;
    let contributor = app.signed_in("con@news.test", Role::Contributor).await;
    let draft_id = draft(&app, &writer, "Secret draft").await;
    let embargoed = embargoed_by_an_editor(&app, &writer, &editor).await;
    let published = draft(&app, &writer, "Public story").await;
    assert_eq!(act(&app, &writer, published, "publish").await.status, 303);

    for reader in [&author, &contributor] {
        let who = reader.user.role;
        for id in [draft_id, embargoed] {
            for page in [
                format!("/newsroom/articles/{id}"),
                format!("/newsroom/articles/{id}/revisions"),
            ] {
                let response = app.get_as(reader, &page).await;
                assert_eq!(response.status, 403, "{who} opens {page}");
                assert!(response.text(".error-message").contains("editors"));
            }
        }
        let list = app.get_as(reader, "/newsroom").await;
        assert_eq!(
            list.texts(".article-row a"),
            vec!["Public story"],
            "{who} lists only what they may read"
        );
        let page = format!("/newsroom/articles/{published}");
        assert_eq!(app.get_as(reader, &page).await.status, 200, "{who}");
    }
    for reader in [&editor, &admin, &writer] {
        for id in [draft_id, embargoed, published] {
            let page = format!("/newsroom/articles/{id}");
            assert_eq!(app.get_as(reader, &page).await.status, 200);
        }
        assert_eq!(
            app.get_as(reader, "/newsroom").await.count(".article-row"),
            3
        );
    }
    app.finish().await;
}
