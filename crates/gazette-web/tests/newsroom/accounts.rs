//! Accounts: signing in and out, sessions, disabled people, the last admin, the audit log.

use super::*;

#[tokio::test]
async fn the_newsroom_sends_strangers_to_the_sign_in_page() {
    let app = TestApp::init().await;
    let response = app.get("/newsroom/articles/new").await;
    assert_eq!(response.status, 303);
    assert_eq!(
        response.header("location"),
        "/newsroom/login?next=%2Fnewsroom%2Farticles%2Fnew"
    );
    let login = app.get("/newsroom/login").await;
    assert_eq!(login.status, 200);
    assert_eq!(login.text("h1"), "Sign in to the newsroom");
    app.finish().await;
}

#[tokio::test]
async fn signing_in_starts_a_new_secure_session_each_time() {
    let app = TestApp::init().await;
    app.add_user("olena@news.test", Role::Author).await;
    let first = sign_in(&app, "Olena@News.test", PASSWORD, "198.51.100.1").await;
    assert_eq!(first.status, 303, "{}", first.body);
    assert_eq!(first.header("location"), "/newsroom");
    let raw = first
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("gazette_session="))
        .unwrap();
    for part in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/newsroom"] {
        assert!(raw.contains(part), "{raw} lacks {part}");
    }
    let cookie = session_cookie(&first);
    let home = app
        .request(
            Request::get("/newsroom")
                .header("cookie", &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(home.status, 200);
    assert_eq!(home.text(".me__name"), "olena");

    let second = sign_in(&app, "olena@news.test", PASSWORD, "198.51.100.1").await;
    assert_ne!(
        session_cookie(&second),
        cookie,
        "the session id is rotated at sign-in"
    );
    app.finish().await;
}

#[tokio::test]
async fn a_wrong_password_is_refused_and_repeated_failures_lock_the_account_from_that_address_for_a_while()
 {
    let app = TestApp::init().await;
    app.add_user("olena@news.test", Role::Author).await;
    let wrong = sign_in(&app, "olena@news.test", "not the password", "198.51.100.2").await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.text(".error").contains("do not match"));
    for _ in 0..4 {
        sign_in(&app, "olena@news.test", "still wrong!", "198.51.100.2").await;
    }
    let blocked = sign_in(&app, "olena@news.test", PASSWORD, "198.51.100.2").await;
    assert_eq!(blocked.status, 429);
    assert!(
        blocked
            .text(".error")
            .contains("Too many failed sign-ins for this account from your network address"),
        "{}",
        blocked.text(".error")
    );
    app.advance_clock(16 * 60);
    let later = sign_in(&app, "olena@news.test", PASSWORD, "198.51.100.2").await;
    assert_eq!(later.status, 303, "the lock lifts after the window");
    app.finish().await;
}

#[tokio::test]
async fn one_address_guessing_at_many_accounts_is_stopped() {
    let app = TestApp::init().await;
    for i in 0..20 {
        sign_in(
            &app,
            &format!("nobody{i}@news.test"),
            "guess guess guess",
            "203.0.113.9",
        )
        .await;
    }
    let blocked = sign_in(
        &app,
        "someone@news.test",
        "guess guess guess",
        "203.0.113.9",
    )
    .await;
    assert_eq!(blocked.status, 429);
    assert!(blocked.text(".error").contains("from your network address"));
    app.finish().await;
}
