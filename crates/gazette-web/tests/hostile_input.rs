//! What an attacker or a broken client sends at the edge: control characters and bytes that are
//! not text in addresses, query strings and forms; section addresses the site uses itself; the
//! transport headers of an https site. Every test runs on SQLite, and on PostgreSQL when
//! `GAZETTE_TEST_POSTGRES_URL` is set (a NUL byte was a 500 there).

#![allow(clippy::unwrap_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::TestApp;
use common::newsroom::{pairs, redirected_id, with};
use gazette_core::newsroom::Role;
use gazette_store::Backend;

on_sqlite_and_postgres!(
    control_characters_in_addresses_get_the_themed_400_page,
    addresses_that_are_not_utf8_get_the_themed_400_page,
    a_save_with_control_characters_stores_the_text_without_them,
    a_sign_in_link_with_a_line_break_in_next_is_refused_not_a_crash,
    a_section_cannot_take_an_address_the_site_uses,
    an_https_site_tells_browsers_to_keep_to_https,
);

async fn app(backend: Backend) -> TestApp {
    TestApp::on(backend, TestApp::config()).await
}

async fn control_characters_in_addresses_get_the_themed_400_page(backend: Backend) {
    let app = app(backend).await;
    app.publish_headline("Plain story").await;
    for path in [
        "/war/plain%00story",
        "/war%00",
        "/tags/dro%00nes",
        "/authors/olena%0Amarchenko",
        "/feeds/tag/dro%00nes/rss.xml",
        "/search?q=drones&author=%00",
        "/search?q=%1B%5B31m",
        "/pages/ab%00out",
        "/newsroom/login?next=%2Fnewsroom%0D%0A",
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{path}");
        assert!(
            page.text("h1").contains("did not work"),
            "{path}: the themed error page"
        );
        assert!(page.text("main").contains("control character"), "{path}");
    }
    assert_eq!(app.get("/war/plain-story").await.status, StatusCode::OK);
    app.finish().await;
}

async fn addresses_that_are_not_utf8_get_the_themed_400_page(backend: Backend) {
    let app = app(backend).await;
    for path in ["/war/%FF", "/%C3%28", "/search?q=%FF"] {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(
            page.header("content-type"),
            "text/html; charset=utf-8",
            "{path}"
        );
        assert!(page.text("main").contains("UTF-8"), "{path}");
    }
    app.finish().await;
}

async fn a_save_with_control_characters_stores_the_text_without_them(backend: Backend) {
    let app = app(backend).await;
    let editor = app.signed_in("ed@news.test", Role::Editor).await;
    let war = app.war.to_string();
    let olena = app.olena.to_string();
    let created = app
        .post_as(
            &editor,
            "/newsroom/articles",
            &[
                ("headline", "Grain\u{0}ships\u{c} sail"),
                ("standfirst", "Three\u{1b} ports reopen."),
                ("body", "Line one.\r\n\r\nLine\ttwo.\u{7f}"),
                ("section", &war),
                ("author", &olena),
                ("tags", "Ports\u{0}"),
                ("language", "en"),
                ("intent", "save"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let id = redirected_id(&created);
    let saved = app.store.article(id).await.unwrap().unwrap();
    assert_eq!(saved.headline, "Grainships sail");
    assert_eq!(saved.standfirst, "Three ports reopen.");
    assert_eq!(saved.body_markdown, "Line one.\n\nLine\ttwo.");
    assert_eq!(saved.tags[0].name, "Ports");
    // Saving the form again, with a NUL in every field, changes nothing but what was typed.
    let form = app.editor_form(&editor, id).await;
    let form = with(form, "headline", "Grain ships\u{0} sail on");
    let again = app
        .post_as(&editor, &format!("/newsroom/articles/{id}"), &pairs(&form))
        .await;
    assert!(again.status.is_redirection(), "{}", again.status);
    assert_eq!(
        app.store.article(id).await.unwrap().unwrap().headline,
        "Grain ships sail on"
    );
    app.finish().await;
}

async fn a_sign_in_link_with_a_line_break_in_next_is_refused_not_a_crash(backend: Backend) {
    let app = app(backend).await;
    let form = app
        .request(
            Request::get("/newsroom/login")
                .header("x-forwarded-for", "203.0.113.7")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let login_cookie = form
        .header("set-cookie")
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let token = form.attrs("input[name=login_csrf]", "value").remove(0);
    app.add_user("ed@news.test", Role::Editor).await;
    // The form carries the link's `next` in a hidden field: a CR LF there made the redirect panic
    // after the session was created.
    let signed_in = app
        .post_raw(
            Some(&login_cookie),
            "203.0.113.7",
            "/newsroom/login",
            &[
                ("login_csrf", &token),
                ("email", "ed@news.test"),
                ("password", common::newsroom::PASSWORD),
                ("next", "/newsroom\r\nSet-Cookie: x=y\0"),
            ],
        )
        .await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_in.body
    );
    assert!(
        !signed_in.header("location").contains(['\r', '\n']),
        "{:?}",
        signed_in.header("location")
    );
    app.finish().await;
}

async fn a_section_cannot_take_an_address_the_site_uses(backend: Backend) {
    let app = app(backend).await;
    let admin = app.signed_in("admin@news.test", Role::Admin).await;
    for slug in ["media", "api", "search", "newsroom"] {
        let response = app
            .post_as(
                &admin,
                "/newsroom/sections",
                &[
                    ("name", "Media"),
                    ("slug", slug),
                    ("description", ""),
                    ("position", "9"),
                ],
            )
            .await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST, "{slug}");
        assert!(
            response.body.contains("used by the site itself"),
            "{slug}: {}",
            response.body
        );
    }
    let sections = app.store.sections().await.unwrap();
    assert!(sections.iter().all(|s| s.slug.as_str() != "media"));
    app.finish().await;
}

async fn an_https_site_tells_browsers_to_keep_to_https(backend: Backend) {
    let app = app(backend).await;
    app.publish_headline("Over https").await;
    for path in ["/", "/war/over-https", "/no-such-page", "/newsroom/login"] {
        let page = app.get(path).await;
        assert_eq!(
            page.header("strict-transport-security"),
            "max-age=31536000",
            "{path}"
        );
    }
    let mut config = TestApp::config();
    config.base_url = "http://127.0.0.1:8080".into();
    let plain = TestApp::on(backend, config).await;
    assert_eq!(plain.get("/").await.header("strict-transport-security"), "");
    plain.finish().await;
    app.finish().await;
}

#[tokio::test]
async fn security_txt_says_whom_to_tell_and_until_when() {
    let app = TestApp::init().await;
    let file = app.get("/.well-known/security.txt").await;
    assert_eq!(file.status, StatusCode::OK);
    assert!(file.header("content-type").starts_with("text/plain"));
    assert!(
        file.body.contains("Contact: mailto:security@news.test\n"),
        "{}",
        file.body
    );
    // A year from the (test) clock's now, in RFC 3339.
    assert!(
        file.body.contains("Expires: 2026-03-31T12:00:00Z\n"),
        "{}",
        file.body
    );
    assert!(
        file.body
            .contains("Canonical: https://news.test/.well-known/security.txt\n")
    );
    let mut config = TestApp::config();
    config.security_contact = Some("https://news.test/report".into());
    let configured = TestApp::with_config(config).await;
    let file = configured.get("/.well-known/security.txt").await;
    assert!(file.body.contains("Contact: https://news.test/report\n"));
    configured.finish().await;
    app.finish().await;
}

#[tokio::test]
async fn the_social_links_set_in_the_newsroom_are_in_every_page_footer() {
    let app = TestApp::init().await;
    app.store
        .set_setting("site.social.telegram", "https://t.me/testdispatch")
        .await
        .unwrap();
    app.store
        .set_setting("site.social.x", "javascript:alert(1)")
        .await
        .unwrap();
    app.publish_headline("Footer story").await;
    for path in ["/", "/war", "/war/footer-story", "/no-such-page"] {
        let page = app.get(path).await;
        assert_eq!(
            page.attrs(".site-footer a[rel~=me]", "href"),
            vec!["https://t.me/testdispatch"],
            "{path}"
        );
    }
    app.finish().await;
}
