//! Corrections, the who-else-is-editing notice and the keyboard shortcuts.

use super::*;

#[tokio::test]
async fn corrections_appear_under_the_article_and_on_the_corrections_page() {
    let app = TestApp::init().await;
    let editor = app.signed_in("ed@news.test", Role::Editor).await;
    let id = draft(&app, &editor, "Bridge reopened").await;
    act(&app, &editor, id, "publish").await;
    app.advance_clock(3600);
    for (kind, text) in [
        ("correction", "An earlier version gave the wrong date."),
        ("update", "Traffic resumed at 9:00."),
    ] {
        let r = app
            .post_as(
                &editor,
                &format!("/newsroom/articles/{id}/corrections"),
                &[("kind", kind), ("text", text)],
            )
            .await;
        assert_eq!(r.status, 303);
    }
    let public = app.get("/war/bridge-reopened").await;
    let notes = public.texts(".corrections li");
    assert_eq!(notes.len(), 2);
    assert!(notes[0].starts_with("Correction") && notes[0].contains("wrong date"));
    assert!(notes[1].starts_with("Update"));
    assert!(public.text(".dateline").contains("Updated"));
    let page = app.get("/corrections").await;
    assert_eq!(page.status, 200);
    assert_eq!(page.texts(".correction h2"), vec!["Bridge reopened"]);
    assert!(page.text(".correction p").contains("wrong date"));

    let empty = app
        .post_as(
            &editor,
            &format!("/newsroom/articles/{id}/corrections"),
            &[("kind", "correction"), ("text", "  ")],
        )
        .await;
    assert_eq!(empty.status, 400);
    app.finish().await;
}

#[tokio::test]
async fn nonsense_addresses_and_forms_get_clear_pages_not_errors() {
    let app = TestApp::init().await;
    let editor = app.signed_in("ed@news.test", Role::Editor).await;
    assert_eq!(
        app.get_as(&editor, "/newsroom/articles/99999").await.status,
        404
    );
    assert_eq!(
        app.get_as(&editor, "/newsroom/articles/abc").await.status,
        404
    );
    let r = app
        .post_as(
            &editor,
            "/newsroom/articles/1/workflow",
            &[("action", "explode")],
        )
        .await;
    assert_eq!(r.status, 400);
    let r = app
        .post_as(
            &editor,
            "/newsroom/sections",
            &[("name", "War"), ("slug", "war")],
        )
        .await;
    assert_eq!(r.status, 409);
    let r = app
        .request(
            Request::post("/newsroom/sections")
                .header("cookie", &editor.cookie)
                .header("content-type", "application/json")
                .body(Body::from("{}"))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, 400);
    let body = encode(&[("csrf", &editor.csrf), ("name", "\u{0}")]);
    assert!(!body.is_empty());
    app.finish().await;
}

#[tokio::test]
async fn the_who_else_is_editing_notice_is_refreshed_while_the_article_is_open() {
    let app = TestApp::init().await;
    let anna = app.signed_in("anna@news.test", Role::Editor).await;
    let bohdan = app.signed_in("bohdan@news.test", Role::Editor).await;
    let id = draft(&app, &anna, "Shared story").await;
    let page = app.get_as(&anna, &format!("/newsroom/articles/{id}")).await;
    assert_eq!(page.count("#presence[hidden]"), 1, "nobody else yet");
    let endpoint = page.attrs("#presence", "data-presence").remove(0);
    assert_eq!(endpoint, format!("/newsroom/articles/{id}/presence"));

    let alone = app.post_as(&anna, &endpoint, &[]).await;
    assert_eq!(alone.status, 200);
    let alone: serde_json::Value = serde_json::from_str(&alone.body).unwrap();
    assert_eq!(alone["others"], serde_json::json!([]));
    assert_eq!(alone["message"], "");

    // Bohdan opens it; Anna's next poll names him.
    app.get_as(&bohdan, &format!("/newsroom/articles/{id}"))
        .await;
    app.advance_clock(25);
    let polled = app.post_as(&anna, &endpoint, &[]).await;
    let polled: serde_json::Value = serde_json::from_str(&polled.body).unwrap();
    assert_eq!(polled["others"], serde_json::json!(["bohdan"]));
    assert!(
        polled["message"]
            .as_str()
            .unwrap()
            .starts_with("Also editing: bohdan")
    );

    // Anna's polls keep her listed for Bohdan while she has the page open.
    app.advance_clock(9 * 60);
    app.post_as(&anna, &endpoint, &[]).await;
    app.advance_clock(5 * 60);
    let for_bohdan = app.post_as(&bohdan, &endpoint, &[]).await;
    let for_bohdan: serde_json::Value = serde_json::from_str(&for_bohdan.body).unwrap();
    assert_eq!(for_bohdan["others"], serde_json::json!(["anna"]));
    let later = app.post_as(&anna, &endpoint, &[]).await;
    let later: serde_json::Value = serde_json::from_str(&later.body).unwrap();
    assert_eq!(
        later["others"],
        serde_json::json!(["bohdan"]),
        "he just polled"
    );
    // Once Bohdan closes the page (his polls stop), he drops out of Anna's notice.
    app.advance_clock(11 * 60);
    let gone = app.post_as(&anna, &endpoint, &[]).await;
    let gone: serde_json::Value = serde_json::from_str(&gone.body).unwrap();
    assert_eq!(gone["others"], serde_json::json!([]));

    let forged = app
        .post_raw(
            Some(&anna.cookie),
            &anna.address,
            &endpoint,
            &[("csrf", "forged")],
        )
        .await;
    assert_eq!(forged.status, 403);
    let missing = app
        .post_as(&anna, "/newsroom/articles/999999/presence", &[])
        .await;
    assert_eq!(missing.status, 404);
    let nonsense = app
        .post_as(&anna, "/newsroom/articles/abc/presence", &[])
        .await;
    assert_eq!(nonsense.status, 404);
    app.finish().await;
}

#[tokio::test]
async fn the_editor_lists_its_keyboard_shortcuts_for_what_the_role_may_do() {
    let app = TestApp::init().await;
    let contributor = app.signed_in("con@news.test", Role::Contributor).await;
    let editor = app.signed_in("ed@news.test", Role::Editor).await;
    let id = draft(&app, &contributor, "Shortcut story").await;

    let theirs = app
        .get_as(&contributor, &format!("/newsroom/articles/{id}"))
        .await;
    let listed = theirs.texts(".shortcuts dd");
    assert_eq!(
        listed,
        ["Save", "Refresh the preview"],
        "no publishing for contributors"
    );
    let editors = app
        .get_as(&editor, &format!("/newsroom/articles/{id}"))
        .await;
    let listed = editors.texts(".shortcuts dt");
    assert!(listed[0].contains("Ctrl+S"), "{listed:?}");
    assert!(listed[1].contains("Ctrl+Enter"), "{listed:?}");
    assert!(listed[2].contains("Alt+P"), "{listed:?}");

    // What the script does with these keys is checked in a real browser:
    // crates/gazette/tests/browser/newsroom.mjs (Ctrl+S saves, Alt+P publishes).
    app.finish().await;
}

#[tokio::test]
async fn an_editor_pins_a_story_to_lead_the_home_page_until_unpinned() {
    let app = TestApp::init().await;
    let editor = app.signed_in("ed@news.test", Role::Editor).await;
    let author = app.signed_in("au@news.test", Role::Author).await;
    let older = draft(&app, &editor, "Grain deal signed").await;
    act(&app, &editor, older, "publish").await;
    app.advance_clock(3600);
    let newer = draft(&app, &editor, "Metro runs late").await;
    act(&app, &editor, newer, "publish").await;
    assert_eq!(app.get("/").await.text(".lead h2"), "Metro runs late");

    let pin = async |who: &Browser, value: &str| {
        let path = format!("/newsroom/articles/{older}/pin");
        app.post_as(who, &path, &[("pinned", value)]).await.status
    };
    assert_eq!(
        pin(&author, "yes").await,
        403,
        "authors do not decide the front"
    );
    assert_eq!(pin(&editor, "maybe").await, 400);
    assert_eq!(pin(&editor, "yes").await, 303);
    let edit = app
        .get_as(&editor, &format!("/newsroom/articles/{older}"))
        .await;
    assert!(
        edit.text(".home-pin").contains("Pinned to the top"),
        "{}",
        edit.body
    );
    assert_eq!(
        app.get("/").await.text(".lead h2"),
        "Grain deal signed",
        "the pinned story leads, older or not"
    );
    assert_eq!(
        app.get("/").await.count(".lead, .top-stories article"),
        2,
        "and shows once"
    );

    assert_eq!(pin(&editor, "no").await, 303);
    assert_eq!(app.get("/").await.text(".lead h2"), "Metro runs late");
    app.finish().await;
}
