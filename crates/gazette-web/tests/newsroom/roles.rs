//! Who may do what: the role matrix, enforced on the server for direct posts.

use super::*;

#[tokio::test]
async fn the_role_matrix_is_enforced_on_the_server_for_direct_posts() {
    let app = TestApp::init().await;
    let contributor = app.signed_in("con@news.test", Role::Contributor).await;
    let author = app.signed_in("auth@news.test", Role::Author).await;
    let editor = app.signed_in("ed@news.test", Role::Editor).await;
    let admin = app.signed_in("admin@news.test", Role::Admin).await;
    let colleague = app.signed_in("colleague@news.test", Role::Author).await;

    // (role, action, on whose article, expected: allowed?)
    let people = [
        ("contributor", &contributor),
        ("author", &author),
        ("editor", &editor),
        ("admin", &admin),
    ];
    for (role, me) in people {
        let own = draft(&app, me, &format!("{role} own draft")).await;
        let others = draft(&app, &colleague, &format!("colleague draft for {role}")).await;
        let can = |allowed: bool, r: &TestResponse, what: &str| {
            let expected = if allowed { 303 } else { 403 };
            assert_eq!(
                r.status,
                expected,
                "{role} {what}: {}",
                r.body.chars().take(300).collect::<String>()
            );
        };
        let senior = matches!(role, "editor" | "admin");

        // Editing: everyone their own draft; only editors and admins someone else's.
        let form = app.editor_form(me, own).await;
        let r = app
            .post_as(
                me,
                &format!("/newsroom/articles/{own}"),
                &pairs(&with(form.clone(), "headline", "Own, edited")),
            )
            .await;
        can(true, &r, "edit own draft");
        // Only editors and admins may open a colleague's draft: the others post a copied form.
        let reader = if senior { me } else { &colleague };
        let theirs = app.editor_form(reader, others).await;
        let r = app
            .post_as(
                me,
                &format!("/newsroom/articles/{others}"),
                &pairs(&with(theirs, "headline", "Hijacked")),
            )
            .await;
        can(senior, &r, "edit another's draft");

        // Publishing: authors their own; contributors never.
        let r = act(&app, me, others, "publish").await;
        can(senior, &r, "publish another's draft");
        let r = act(&app, me, own, "submit").await;
        can(true, &r, "submit own draft");
        let r = act(&app, me, own, "publish").await;
        can(role != "contributor", &r, "publish own article");
        if role == "contributor" {
            // In review now: a contributor can no longer edit it.
            let form = app.editor_form(me, own).await;
            let r = app
                .post_as(me, &format!("/newsroom/articles/{own}"), &pairs(&form))
                .await;
            can(false, &r, "edit own article in review");
            let r = act(&app, &editor, own, "publish").await;
            can(true, &r, "editor publishes the contributor's article");
        }
        assert_eq!(status_of(&app, own).await, ArticleStatus::Published);

        // Corrections and unpublishing: editors and admins.
        let r = app
            .post_as(
                me,
                &format!("/newsroom/articles/{own}/corrections"),
                &[("kind", "correction"), ("text", "A date was wrong.")],
            )
            .await;
        can(senior, &r, "add a correction");
        let r = act(&app, me, own, "unpublish").await;
        can(senior, &r, "unpublish");

        // Site management.
        let r = app
            .post_as(
                me,
                "/newsroom/sections",
                &[("name", &format!("Section by {role}"))],
            )
            .await;
        can(senior, &r, "create a section");
        let tag = app.store.ensure_tag("Kharkiv").await.unwrap();
        let r = app
            .post_as(
                me,
                &format!("/newsroom/tags/{}", tag.id),
                &[("name", "Kharkiv")],
            )
            .await;
        can(senior, &r, "rename a tag");
        let r = app
            .post_as(
                me,
                "/newsroom/users",
                &[
                    ("email", &format!("new-{role}@news.test")),
                    ("name", "New"),
                    ("role", "admin"),
                    ("password", "long enough password"),
                    ("author", ""),
                ],
            )
            .await;
        can(role == "admin", &r, "add a person");
        let r = app
            .post_as(me, "/newsroom/settings", &[("site.name", "Taken over")])
            .await;
        can(role == "admin", &r, "change settings");
        let r = app.get_as(me, "/newsroom/users").await;
        assert_eq!(
            r.status,
            if role == "admin" { 200 } else { 403 },
            "{role} opens the people page"
        );
    }
    assert_eq!(
        app.store.setting("site.name").await.unwrap().as_deref(),
        Some("Taken over")
    );
    app.finish().await;
}
