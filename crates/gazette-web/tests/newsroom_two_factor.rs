//! Two-factor sign-in as people meet it: setting it up with an authenticator app, signing in with
//! a code after the password, recovery codes, rate limits, turning it off, and admins requiring it.

#![allow(clippy::unwrap_used)]

mod common;

use axum::body::Body;
use axum::http::Request;
use common::newsroom::encode;
use common::newsroom::{Browser, PASSWORD};
use common::{TestApp, TestResponse};
use gazette_core::newsroom::Role;
use gazette_core::two_factor::code_at;
use gazette_store::Backend;

const ADDRESS: &str = "198.51.100.40";

/// The value (`name=value`) of a cookie a response sets, if it sets one with a value.
fn set_cookie(response: &TestResponse, name: &str) -> Option<String> {
    response
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter(|v| v.starts_with(&format!("{name}=")) && !v.starts_with(&format!("{name}=;")))
        .map(|v| v.split(';').next().unwrap().to_owned())
        .next()
}

/// Posts the sign-in form with an e-mail address and password, as a browser would.
async fn password_step(app: &TestApp, email: &str, password: &str) -> TestResponse {
    password_step_from(app, email, password, ADDRESS).await
}

async fn password_step_from(
    app: &TestApp,
    email: &str,
    password: &str,
    address: &str,
) -> TestResponse {
    let form = app
        .request(
            Request::get("/newsroom/login")
                .header("x-forwarded-for", address)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let login_cookie = set_cookie(&form, "gazette_login_csrf").unwrap();
    let token = form.attrs("input[name=login_csrf]", "value").remove(0);
    app.post_raw(
        Some(&login_cookie),
        address,
        "/newsroom/login",
        &[
            ("login_csrf", &token),
            ("email", email),
            ("password", password),
            ("next", "/newsroom/articles/new"),
        ],
    )
    .await
}

/// The code page a browser with this challenge cookie is shown.
async fn code_page(app: &TestApp, challenge: &str) -> TestResponse {
    app.request(
        Request::get("/newsroom/login/code")
            .header("cookie", challenge)
            .header("x-forwarded-for", ADDRESS)
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

/// Types `code` at the second step of a sign-in whose password step answered `password_ok`.
async fn code_step(app: &TestApp, password_ok: &TestResponse, code: &str) -> TestResponse {
    code_step_from(app, password_ok, code, ADDRESS).await
}

async fn code_step_from(
    app: &TestApp,
    password_ok: &TestResponse,
    code: &str,
    address: &str,
) -> TestResponse {
    assert_eq!(password_ok.status, 303, "{}", password_ok.body);
    assert_eq!(password_ok.header("location"), "/newsroom/login/code");
    let challenge = set_cookie(password_ok, "gazette_2fa").expect("a second-step cookie");
    let page = code_page(app, &challenge).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let csrf = page.attrs("input[name=csrf]", "value").remove(0);
    app.post_raw(
        Some(&challenge),
        address,
        "/newsroom/login/code",
        &[("csrf", &csrf), ("code", code)],
    )
    .await
}

/// The code the person's app shows now.
fn app_code(app: &TestApp, secret: &str) -> String {
    code_at(secret, app.state.now()).unwrap()
}

/// Sets up two-factor through the account page; returns the secret and the recovery codes shown.
async fn enrol(app: &TestApp, browser: &Browser) -> (String, Vec<String>) {
    let started = app
        .post_as(browser, "/newsroom/account/two-factor/start", &[])
        .await;
    assert_eq!(started.status, 303, "{}", started.body);
    let page = app.get_as(browser, "/newsroom/account/two-factor").await;
    let secret = page.text(".secret").replace(' ', "");
    assert_eq!(secret.len(), 32, "{}", page.body);
    let code = app_code(app, &secret);
    let confirmed = app
        .post_as(
            browser,
            "/newsroom/account/two-factor/confirm",
            &[("code", &code)],
        )
        .await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    let codes = confirmed.texts(".codes li");
    assert_eq!(codes.len(), 10);
    // Codes from the app move on every 30 seconds; the next sign-in needs a new one.
    app.advance_clock(30);
    (secret, codes)
}

async fn audit_actions(app: &TestApp, admin: &Browser) -> Vec<String> {
    let log = app.get_as(admin, "/newsroom/audit").await;
    assert_eq!(log.status, 200);
    log.texts(".audit-row td:nth-child(3)")
}

#[tokio::test]
async fn setting_up_two_factor_needs_a_right_code_and_shows_recovery_codes_once() {
    let app = TestApp::init().await;
    let admin = app.signed_in("admin@news.test", Role::Admin).await;
    let olena = app.signed_in("olena@news.test", Role::Author).await;

    let account = app.get_as(&olena, "/newsroom/account").await;
    assert!(account.body.contains("Set up two-factor sign-in"));
    let off = app.get_as(&olena, "/newsroom/account/two-factor").await;
    assert!(off.text(".status-line").contains("is off"));

    app.post_as(&olena, "/newsroom/account/two-factor/start", &[])
        .await;
    let page = app.get_as(&olena, "/newsroom/account/two-factor").await;
    assert_eq!(page.status, 200);
    let secret = page.text(".secret").replace(' ', "");
    let uri = page.text(".otpauth");
    assert!(
        uri.starts_with("otpauth://totp/The%20Test%20Dispatch:olena%40news.test?secret="),
        "{uri}"
    );
    assert!(uri.contains(&format!("secret={secret}&")));
    assert_eq!(page.count(".qr svg"), 1, "a QR code to scan");
    // Reloading the page shows the same secret, so a scanned code stays valid.
    let again = app.get_as(&olena, "/newsroom/account/two-factor").await;
    assert_eq!(again.text(".secret").replace(' ', ""), secret);

    let wrong = app
        .post_as(
            &olena,
            "/newsroom/account/two-factor/confirm",
            &[("code", "000000")],
        )
        .await;
    let wrong = if app_code(&app, &secret) == "000000" {
        app.post_as(
            &olena,
            "/newsroom/account/two-factor/confirm",
            &[("code", "111111")],
        )
        .await
    } else {
        wrong
    };
    assert_eq!(wrong.status, 400);
    assert!(wrong.text(".error").contains("does not match"));
    assert!(
        !app.store
            .user(olena.user.id)
            .await
            .unwrap()
            .unwrap()
            .two_factor
    );

    let code = app_code(&app, &secret);
    let on = app
        .post_as(
            &olena,
            "/newsroom/account/two-factor/confirm",
            &[("code", &code)],
        )
        .await;
    assert_eq!(on.status, 200, "{}", on.body);
    assert!(on.text(".status-line").contains("is on"));
    let codes = on.texts(".codes li");
    assert_eq!(codes.len(), 10);
    assert!(on.body.contains("shown only this once"));

    let later = app.get_as(&olena, "/newsroom/account/two-factor").await;
    assert_eq!(later.count(".codes li"), 0, "recovery codes are shown once");
    assert_eq!(later.text(".codes-left"), "10");
    for code in &codes {
        assert!(!later.body.contains(code.as_str()));
    }
    assert_eq!(later.count(".secret"), 0, "the secret is not shown again");

    let actions = audit_actions(&app, &admin).await;
    for expected in [
        "two_factor_setup",
        "two_factor_setup_failed",
        "two_factor_enable",
    ] {
        assert!(
            actions.iter().any(|a| a == expected),
            "{expected} missing from {actions:?}"
        );
    }
    app.finish().await;
}

#[tokio::test]
async fn signing_in_asks_for_the_code_after_the_password_and_refuses_a_wrong_one() {
    let app = TestApp::init().await;
    let admin = app.signed_in("admin@news.test", Role::Admin).await;
    let olena = app.signed_in("olena@news.test", Role::Author).await;
    let (secret, _) = enrol(&app, &olena).await;

    let password_ok = password_step(&app, "olena@news.test", PASSWORD).await;
    assert_eq!(password_ok.header("location"), "/newsroom/login/code");
    assert!(
        set_cookie(&password_ok, "gazette_session").is_none(),
        "a password alone does not sign in"
    );
    let challenge_cookie = password_ok
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("gazette_2fa="))
        .unwrap();
    assert!(challenge_cookie.contains("HttpOnly"));

    let right = app_code(&app, &secret);
    let wrong_code = if right == "123456" {
        "654321"
    } else {
        "123456"
    };
    let wrong = code_step(&app, &password_ok, wrong_code).await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.text(".error").contains("code is not right"));
    assert!(set_cookie(&wrong, "gazette_session").is_none());

    let signed_in = code_step(&app, &password_ok, &right).await;
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    assert_eq!(signed_in.header("location"), "/newsroom/articles/new");
    let session = set_cookie(&signed_in, "gazette_session").unwrap();
    let home = app
        .request(
            Request::get("/newsroom")
                .header("cookie", &session)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(home.status, 200);
    assert_eq!(home.text(".me__name"), "olena");

    // The same step cannot be used again: neither the sign-in nor the code.
    let reused = code_page(&app, &set_cookie(&password_ok, "gazette_2fa").unwrap()).await;
    assert_eq!(reused.status, 400);
    assert!(reused.body.contains("Sign in again"));
    let replay = password_step(&app, "olena@news.test", PASSWORD).await;
    let replayed = code_step(&app, &replay, &right).await;
    assert_eq!(replayed.status, 401, "a code works once");

    let actions = audit_actions(&app, &admin).await;
    for expected in ["login_password_ok", "login_failed", "login"] {
        assert!(
            actions.iter().any(|a| a == expected),
            "{expected} missing from {actions:?}"
        );
    }
    app.finish().await;
}

#[tokio::test]
async fn a_recovery_code_signs_in_once() {
    let app = TestApp::init().await;
    let olena = app.signed_in("olena@news.test", Role::Author).await;
    let (_, codes) = enrol(&app, &olena).await;

    let first = password_step(&app, "olena@news.test", PASSWORD).await;
    // Typed carelessly: upper case, spaces instead of hyphens.
    let typed = codes[3].to_uppercase().replace('-', " ");
    let signed_in = code_step(&app, &first, &typed).await;
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    assert!(set_cookie(&signed_in, "gazette_session").is_some());

    let second = password_step(&app, "olena@news.test", PASSWORD).await;
    let refused = code_step(&app, &second, &codes[3]).await;
    assert_eq!(refused.status, 401, "a used recovery code is refused");

    let page = app.get_as(&olena, "/newsroom/account/two-factor").await;
    assert_eq!(page.text(".codes-left"), "9");
    app.finish().await;
}

#[tokio::test]
async fn wrong_codes_are_limited_like_wrong_passwords() {
    let app = TestApp::init().await;
    let olena = app.signed_in("olena@news.test", Role::Author).await;
    let (secret, _) = enrol(&app, &olena).await;
    let right = app_code(&app, &secret);
    let wrong_code = if right == "123456" {
        "654321"
    } else {
        "123456"
    };
    // Each try starts again with the (right) password: that must not reset the count.
    for _ in 0..5 {
        let password_ok = password_step(&app, "olena@news.test", PASSWORD).await;
        assert_eq!(code_step(&app, &password_ok, wrong_code).await.status, 401);
    }
    let password_ok = password_step(&app, "olena@news.test", PASSWORD).await;
    assert_eq!(
        password_ok.status, 429,
        "the password step is closed too: {}",
        password_ok.body
    );
    assert!(
        password_ok
            .text(".error")
            .contains("Too many failed sign-ins for this account")
    );

    app.advance_clock(16 * 60);
    let password_ok = password_step(&app, "olena@news.test", PASSWORD).await;
    let signed_in = code_step(&app, &password_ok, &app_code(&app, &secret)).await;
    assert_eq!(signed_in.status, 303, "the lock lifts after the window");
    app.finish().await;
}

#[tokio::test]
async fn turning_two_factor_off_needs_the_password() {
    let app = TestApp::init().await;
    let olena = app.signed_in("olena@news.test", Role::Author).await;
    enrol(&app, &olena).await;

    let refused = app
        .post_as(
            &olena,
            "/newsroom/account/two-factor/disable",
            &[("password", "not my password")],
        )
        .await;
    assert_eq!(refused.status, 400);
    assert!(refused.text(".error").contains("password is not right"));
    assert!(
        app.store
            .user(olena.user.id)
            .await
            .unwrap()
            .unwrap()
            .two_factor
    );

    let off = app
        .post_as(
            &olena,
            "/newsroom/account/two-factor/disable",
            &[("password", PASSWORD)],
        )
        .await;
    assert_eq!(off.status, 303);
    let page = app.get_as(&olena, off.header("location")).await;
    assert!(page.text(".notice").contains("Two-factor sign-in is off"));

    let plain = password_step(&app, "olena@news.test", PASSWORD).await;
    assert_eq!(plain.status, 303);
    assert_eq!(plain.header("location"), "/newsroom/articles/new");
    assert!(set_cookie(&plain, "gazette_session").is_some());
    app.finish().await;
}

#[tokio::test]
async fn new_recovery_codes_replace_the_old_ones() {
    let app = TestApp::init().await;
    let olena = app.signed_in("olena@news.test", Role::Author).await;
    let (_, old) = enrol(&app, &olena).await;
    let made = app
        .post_as(
            &olena,
            "/newsroom/account/two-factor/recovery-codes",
            &[("password", PASSWORD)],
        )
        .await;
    assert_eq!(made.status, 200, "{}", made.body);
    let new = made.texts(".codes li");
    assert_eq!(new.len(), 10);
    assert!(new.iter().all(|c| !old.contains(c)));

    let attempt = password_step(&app, "olena@news.test", PASSWORD).await;
    assert_eq!(code_step(&app, &attempt, &old[0]).await.status, 401);
    let attempt = password_step(&app, "olena@news.test", PASSWORD).await;
    assert_eq!(code_step(&app, &attempt, &new[0]).await.status, 303);
    app.finish().await;
}

#[tokio::test]
async fn an_admin_turns_two_factor_off_for_someone_who_lost_their_phone() {
    let app = TestApp::init().await;
    let admin = app.signed_in("admin@news.test", Role::Admin).await;
    let editor = app.signed_in("ed@news.test", Role::Editor).await;
    let olena = app.signed_in("olena@news.test", Role::Author).await;
    enrol(&app, &olena).await;
    let people = app.get_as(&admin, "/newsroom/users").await;
    assert!(people.body.contains("Two-factor on"));

    let path = format!("/newsroom/users/{}/two-factor/reset", olena.user.id);
    assert_eq!(app.post_as(&editor, &path, &[]).await.status, 403);
    assert!(
        app.store
            .user(olena.user.id)
            .await
            .unwrap()
            .unwrap()
            .two_factor
    );

    let reset = app.post_as(&admin, &path, &[]).await;
    assert_eq!(reset.status, 303);
    let people = app.get_as(&admin, reset.header("location")).await;
    assert!(
        people
            .text(".notice")
            .contains("Two-factor sign-in turned off")
    );
    let plain = password_step(&app, "olena@news.test", PASSWORD).await;
    assert!(set_cookie(&plain, "gazette_session").is_some());
    assert!(
        audit_actions(&app, &admin)
            .await
            .iter()
            .any(|a| a == "two_factor_reset")
    );
    app.finish().await;
}

#[tokio::test]
async fn when_admins_require_two_factor_people_without_it_must_set_it_up_first() {
    let app = TestApp::init().await;
    let admin = app.signed_in("admin@news.test", Role::Admin).await;
    let olena = app.signed_in("olena@news.test", Role::Author).await;

    let too_soon = app
        .post_as(
            &admin,
            "/newsroom/settings/two-factor",
            &[("require", "on")],
        )
        .await;
    assert_eq!(too_soon.status, 400);
    assert!(
        too_soon
            .text(".error-message")
            .contains("your own account first")
    );

    enrol(&app, &admin).await;
    let required = app
        .post_as(
            &admin,
            "/newsroom/settings/two-factor",
            &[("require", "on")],
        )
        .await;
    assert_eq!(required.status, 303, "{}", required.body);
    let settings = app.get_as(&admin, "/newsroom/settings").await;
    assert_eq!(
        settings
            .attrs("input[name=require][checked]", "value")
            .len(),
        1
    );
    assert_eq!(app.get_as(&admin, "/newsroom").await.status, 200);

    // Olena has no two-factor: every page sends her to set it up, and nothing else works.
    let home = app.get_as(&olena, "/newsroom").await;
    assert_eq!(home.status, 303);
    assert_eq!(
        home.header("location"),
        "/newsroom/account/two-factor?notice=required"
    );
    let create = app
        .post_as(
            &olena,
            "/newsroom/articles",
            &[("headline", "Sneaked in"), ("intent", "save")],
        )
        .await;
    assert_eq!(create.status, 303);
    assert!(
        create
            .header("location")
            .starts_with("/newsroom/account/two-factor")
    );
    let page = app
        .get_as(&olena, "/newsroom/account/two-factor?notice=required")
        .await;
    assert_eq!(page.status, 200);
    assert!(page.text(".notice").contains("requires two-factor sign-in"));

    // A fresh sign-in lands there too.
    let signed_in = password_step(&app, "olena@news.test", PASSWORD).await;
    let session = set_cookie(&signed_in, "gazette_session").unwrap();
    let next = app
        .request(
            Request::get(signed_in.header("location"))
                .header("cookie", &session)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(
        next.header("location"),
        "/newsroom/account/two-factor?notice=required"
    );

    enrol(&app, &olena).await;
    assert_eq!(app.get_as(&olena, "/newsroom").await.status, 200);
    let list = app.store.users().await.unwrap();
    assert!(list.iter().all(|u| u.two_factor));

    let actions = audit_actions(&app, &admin).await;
    assert!(actions.iter().any(|a| a == "two_factor_required"));

    let optional = app
        .post_as(&admin, "/newsroom/settings/two-factor", &[])
        .await;
    assert_eq!(optional.status, 303);
    let settings = app.get_as(&admin, "/newsroom/settings").await;
    assert_eq!(
        settings
            .attrs("input[name=require][checked]", "value")
            .len(),
        0
    );
    app.finish().await;
}

#[tokio::test]
async fn nonsense_at_the_code_step_gets_clear_pages() {
    let app = TestApp::init().await;
    let olena = app.signed_in("olena@news.test", Role::Author).await;

    let no_sign_in = app.get("/newsroom/login/code").await;
    assert_eq!(no_sign_in.status, 400);
    assert!(no_sign_in.body.contains("Sign in again"));
    let forged = app
        .post_raw(
            Some("gazette_2fa=not-a-token"),
            ADDRESS,
            "/newsroom/login/code",
            &[("csrf", "x"), ("code", "123456")],
        )
        .await;
    assert_eq!(forged.status, 400);
    let not_a_form = app
        .request(
            Request::post("/newsroom/login/code")
                .header("content-type", "application/json")
                .body(Body::from("{}"))
                .unwrap(),
        )
        .await;
    assert_eq!(not_a_form.status, 400);

    let unstarted = app
        .post_as(
            &olena,
            "/newsroom/account/two-factor/confirm",
            &[("code", "123456")],
        )
        .await;
    assert_eq!(unstarted.status, 400);
    assert!(unstarted.text("main").contains("Start the set-up first"));

    let (_, _) = enrol(&app, &olena).await;
    let password_ok = password_step(&app, "olena@news.test", PASSWORD).await;
    for junk in ["", "abc", "12345", "1234567890123456789012", "<script>"] {
        let response = code_step(&app, &password_ok, junk).await;
        assert_eq!(response.status, 401, "{junk:?}");
    }
    let bad_id = app
        .post_as(&olena, "/newsroom/users/nope/two-factor/reset", &[])
        .await;
    assert_eq!(bad_id.status, 403, "people management is for admins");
    app.finish().await;
}

// ---------------------------------------------------------------- limits on codes

on_sqlite_and_postgres!(
    wrong_codes_sent_at_once_are_checked_no_more_than_the_limit,
    wrong_codes_from_another_address_do_not_lock_the_owner_out,
);

fn a_wrong_code(app: &TestApp, secret: &str) -> &'static str {
    if app_code(app, secret) == "123456" {
        "654321"
    } else {
        "123456"
    }
}

async fn wrong_codes_sent_at_once_are_checked_no_more_than_the_limit(backend: Backend) {
    let app = TestApp::on(backend, TestApp::config()).await;
    let olena = app.signed_in("olena@news.test", Role::Author).await;
    let (secret, _) = enrol(&app, &olena).await;
    // Someone with the password, guessing codes in parallel from one second step.
    let password_ok = password_step(&app, "olena@news.test", PASSWORD).await;
    let challenge = set_cookie(&password_ok, "gazette_2fa").expect("a second-step cookie");
    let page = code_page(&app, &challenge).await;
    let csrf = page.attrs("input[name=csrf]", "value").remove(0);
    let body = encode(&[("csrf", &csrf), ("code", a_wrong_code(&app, &secret))]);
    let guesses = (0..40)
        .map(|_| {
            Request::post("/newsroom/login/code")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("x-forwarded-for", ADDRESS)
                .header("cookie", &challenge)
                .body(Body::from(body.clone()))
                .unwrap()
        })
        .collect();
    let answers = app.all_at_once(guesses).await;
    let checked = answers.iter().filter(|a| a.status == 401).count();
    let refused = answers.iter().filter(|a| a.status == 429).count();
    assert_eq!(checked + refused, 40, "each guess is refused or checked");
    assert!(
        checked <= 5,
        "{checked} of 40 codes sent at once were checked; 5 may be"
    );
    app.finish().await;
}

async fn wrong_codes_from_another_address_do_not_lock_the_owner_out(backend: Backend) {
    let app = TestApp::on(backend, TestApp::config()).await;
    let olena = app.signed_in("olena@news.test", Role::Author).await;
    let (secret, _) = enrol(&app, &olena).await;
    let attacker = "203.0.113.66";
    for _ in 0..5 {
        let password_ok = password_step_from(&app, "olena@news.test", PASSWORD, attacker).await;
        let wrong = code_step_from(&app, &password_ok, a_wrong_code(&app, &secret), attacker).await;
        assert_eq!(wrong.status, 401);
    }
    let attacker_again = password_step_from(&app, "olena@news.test", PASSWORD, attacker).await;
    assert_eq!(attacker_again.status, 429, "{}", attacker_again.body);

    let password_ok = password_step(&app, "olena@news.test", PASSWORD).await;
    let signed_in = code_step(&app, &password_ok, &app_code(&app, &secret)).await;
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    app.finish().await;
}
