//! The newsroom as its people use it: signing in, writing, the workflow, who may do what, edit
//! conflicts, revisions, scheduling and corrections — through the real router.

#![allow(clippy::unwrap_used)]

mod common;

use axum::body::Body;
use axum::http::Request;
use common::newsroom::{Browser, PASSWORD, encode, pairs, redirected_id, with};
use common::{TestApp, TestResponse};
use gazette_core::ArticleStatus;
use gazette_core::newsroom::Role;
use gazette_store::Backend;

/// Creates a draft through the newsroom as `browser` and returns its id.
async fn draft(app: &TestApp, browser: &Browser, headline: &str) -> i64 {
    let author = browser.user.author_id.unwrap_or(app.olena);
    draft_with_bylines(app, browser, headline, &[author]).await
}

/// Creates a draft under these bylines as `browser` and returns its id.
async fn draft_with_bylines(
    app: &TestApp,
    browser: &Browser,
    headline: &str,
    bylines: &[i64],
) -> i64 {
    let war = app.war.to_string();
    let bylines: Vec<String> = bylines.iter().map(i64::to_string).collect();
    let mut fields = vec![
        ("headline", headline),
        ("standfirst", "What happened."),
        (
            "body",
            "First paragraph.\n\n> \"We held,\" said a commander.\n",
        ),
        ("section", war.as_str()),
        ("tags", "Kharkiv, Air defence"),
        ("language", "en"),
        ("intent", "save"),
    ];
    fields.extend(bylines.iter().map(|id| ("author", id.as_str())));
    let response = app.post_as(browser, "/newsroom/articles", &fields).await;
    assert_eq!(response.status, 303, "{}", response.body);
    redirected_id(&response)
}

async fn act(app: &TestApp, browser: &Browser, id: i64, action: &str) -> TestResponse {
    app.post_as(
        browser,
        &format!("/newsroom/articles/{id}/workflow"),
        &[("action", action)],
    )
    .await
}

async fn status_of(app: &TestApp, id: i64) -> ArticleStatus {
    app.store.article(id).await.unwrap().unwrap().status
}

// ---------------------------------------------------------------- accounts

/// Signs in through the form, as a browser would; returns the response to the POST.
async fn sign_in(app: &TestApp, email: &str, password: &str, address: &str) -> TestResponse {
    let form = app
        .request(
            Request::get("/newsroom/login")
                .header("x-forwarded-for", address)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let set_cookie = form.header("set-cookie").to_owned();
    let login_cookie = set_cookie.split(';').next().unwrap().to_owned();
    let token = form.attrs("input[name=login_csrf]", "value").remove(0);
    app.post_raw(
        Some(&login_cookie),
        address,
        "/newsroom/login",
        &[
            ("login_csrf", &token),
            ("email", email),
            ("password", password),
            ("next", "/newsroom"),
        ],
    )
    .await
}

fn session_cookie(response: &TestResponse) -> String {
    response
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("gazette_session=") && !v.starts_with("gazette_session=;"))
        .map(|v| v.split(';').next().unwrap().to_owned())
        .unwrap_or_else(|| panic!("no session cookie ({})", response.status))
}

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

// ---------------------------------------------------------------- sign-in limits

const ATTACKER: &str = "203.0.113.66";
const OWNER: &str = "198.51.100.7";

on_sqlite_and_postgres!(
    wrong_passwords_sent_at_once_are_checked_no_more_than_the_limit,
    an_attackers_wrong_passwords_do_not_lock_the_owner_out_of_their_own_address,
    a_browser_that_signed_in_before_keeps_signing_in_when_guesses_lock_out_new_ones,
    typos_followed_by_the_right_password_do_not_lock_out_the_newsroom_address,
    a_burst_of_sign_ins_does_not_hold_up_other_requests,
    a_sign_in_kept_waiting_for_a_password_check_is_asked_to_try_again,
);

async fn wrong_passwords_sent_at_once_are_checked_no_more_than_the_limit(backend: Backend) {
    let app = TestApp::on(backend, TestApp::config()).await;
    app.add_user("olena@news.test", Role::Author).await;
    let mut guesses = Vec::new();
    for i in 0..40 {
        let guess = format!("guess number {i}");
        guesses.push(
            app.sign_in_request("", "olena@news.test", &guess, ATTACKER)
                .await,
        );
    }
    let answers = app.all_at_once(guesses).await;
    let checked = answers.iter().filter(|a| a.status == 401).count();
    let refused = answers.iter().filter(|a| a.status == 429).count();
    assert_eq!(checked + refused, 40, "each guess is refused or checked");
    assert!(
        checked <= 5,
        "{checked} of 40 guesses sent at once were checked; 5 may be"
    );
    app.finish().await;
}

async fn an_attackers_wrong_passwords_do_not_lock_the_owner_out_of_their_own_address(
    backend: Backend,
) {
    let app = TestApp::on(backend, TestApp::config()).await;
    app.add_user("olena@news.test", Role::Author).await;
    for _ in 0..10 {
        app.sign_in_with("", "olena@news.test", "a guess at it", ATTACKER)
            .await;
    }
    let owner = app
        .sign_in_with("", "olena@news.test", PASSWORD, OWNER)
        .await;
    assert_eq!(owner.status, 303, "{}", owner.body);
    let attacker = app
        .sign_in_with("", "olena@news.test", PASSWORD, ATTACKER)
        .await;
    assert_eq!(
        attacker.status, 429,
        "the guessing address stays closed for that account"
    );
    app.finish().await;
}

async fn a_browser_that_signed_in_before_keeps_signing_in_when_guesses_lock_out_new_ones(
    backend: Backend,
) {
    let app = TestApp::on(backend, TestApp::config()).await;
    app.add_user("olena@news.test", Role::Author).await;
    let first = app
        .sign_in_with("", "olena@news.test", PASSWORD, OWNER)
        .await;
    assert_eq!(first.status, 303);
    let device = first
        .set_cookie("gazette_device")
        .expect("a browser that signs in is remembered");
    // Guesses from many addresses (a botnet) fill the account's count for browsers it never saw.
    for network in 0..6 {
        for _ in 0..5 {
            app.sign_in_with(
                "",
                "olena@news.test",
                "a guess at it",
                &format!("203.0.113.{network}"),
            )
            .await;
        }
    }
    let new_browser = app
        .sign_in_with("", "olena@news.test", PASSWORD, "192.0.2.200")
        .await;
    assert_eq!(new_browser.status, 429);
    assert!(
        new_browser
            .text(".error")
            .contains("Too many failed sign-ins for this account"),
        "{}",
        new_browser.text(".error")
    );
    // A browser known for another account, or a cookie that is no device token, is a new browser.
    app.add_user("taras@news.test", Role::Editor).await;
    let taras = app
        .sign_in_with("", "taras@news.test", PASSWORD, "192.0.2.202")
        .await;
    let other_device = taras.set_cookie("gazette_device").unwrap();
    for cookie in [other_device.as_str(), "gazette_device=%00nonsense"] {
        let refused = app
            .sign_in_with(cookie, "olena@news.test", PASSWORD, "192.0.2.203")
            .await;
        assert_eq!(refused.status, 429, "{cookie}");
    }
    let known = app
        .sign_in_with(&device, "olena@news.test", PASSWORD, OWNER)
        .await;
    assert_eq!(known.status, 303, "{}", known.body);
    let travelling = app
        .sign_in_with(&device, "olena@news.test", PASSWORD, "192.0.2.201")
        .await;
    assert_eq!(travelling.status, 303, "{}", travelling.body);
    app.finish().await;
}

async fn typos_followed_by_the_right_password_do_not_lock_out_the_newsroom_address(
    backend: Backend,
) {
    let app = TestApp::on(backend, TestApp::config()).await;
    app.add_user("olena@news.test", Role::Author).await;
    app.add_user("taras@news.test", Role::Editor).await;
    // Behind the office proxy everyone shares one address; Olena mistypes a lot, from new browsers.
    for _ in 0..5 {
        for _ in 0..4 {
            let typo = app
                .sign_in_with("", "olena@news.test", "correct horse batery", OWNER)
                .await;
            assert_eq!(typo.status, 401);
        }
        let right = app
            .sign_in_with("", "olena@news.test", PASSWORD, OWNER)
            .await;
        assert_eq!(
            right.status, 303,
            "a success resets her count: {}",
            right.body
        );
        app.advance_clock(1);
    }
    let colleague = app
        .sign_in_with("", "taras@news.test", PASSWORD, OWNER)
        .await;
    assert_eq!(colleague.status, 303, "{}", colleague.body);
    app.finish().await;
}

async fn a_burst_of_sign_ins_does_not_hold_up_other_requests(backend: Backend) {
    let mut config = TestApp::config();
    config.password_checks_at_once = 1;
    let app = TestApp::on(backend, config).await;
    app.add_user("olena@news.test", Role::Author).await;
    // How long one password check takes here: the delay it would cause on a request thread.
    let hash = gazette_core::newsroom::hash_password(PASSWORD).unwrap();
    let started = std::time::Instant::now();
    assert!(gazette_core::newsroom::verify_password(PASSWORD, &hash));
    let one_check = started.elapsed();

    let mut burst = Vec::new();
    for network in 0..8 {
        burst.push(
            app.sign_in_request(
                "",
                "olena@news.test",
                "a wrong password",
                &format!("192.0.2.{network}"),
            )
            .await,
        );
    }
    // Another request's view of the server: a task that wakes every millisecond, and the longest
    // it was kept waiting while the burst was checked.
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let heartbeat = tokio::spawn({
        let done = done.clone();
        async move {
            let mut worst = std::time::Duration::ZERO;
            let mut last = std::time::Instant::now();
            while !done.load(std::sync::atomic::Ordering::SeqCst) {
                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
                worst = worst.max(last.elapsed());
                last = std::time::Instant::now();
            }
            worst
        }
    });
    let answers = app.all_at_once(burst).await;
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let worst = heartbeat.await.unwrap();
    assert!(answers.iter().all(|a| a.status == 401));
    assert!(
        worst < one_check / 2,
        "other work waited {worst:?} while sign-ins were checked (one check takes {one_check:?})"
    );
    app.finish().await;
}

async fn a_sign_in_kept_waiting_for_a_password_check_is_asked_to_try_again(backend: Backend) {
    let mut config = TestApp::config();
    config.password_checks_at_once = 1;
    config.password_check_wait = std::time::Duration::from_millis(1);
    let app = TestApp::on(backend, config).await;
    let mut burst = Vec::new();
    for i in 0..6 {
        let email = format!("reporter{i}@news.test");
        app.add_user(&email, Role::Author).await;
        burst.push(app.sign_in_request("", &email, PASSWORD, OWNER).await);
    }
    let answers = app.all_at_once(burst).await;
    let busy: Vec<_> = answers.iter().filter(|a| a.status == 503).collect();
    assert!(
        answers.iter().all(|a| a.status == 303 || a.status == 503),
        "{:?}",
        answers.iter().map(|a| a.status).collect::<Vec<_>>()
    );
    assert!(answers.iter().any(|a| a.status == 303));
    let told = busy.first().expect("someone is asked to wait");
    assert!(told.body.contains("Try again"), "{}", told.body);
    assert!(!told.header("retry-after").is_empty());
    // Being turned away is not a failed sign-in: trying again works.
    let again = app
        .sign_in_with("", "reporter0@news.test", PASSWORD, OWNER)
        .await;
    assert_eq!(again.status, 303);
    app.finish().await;
}

#[tokio::test]
async fn a_form_without_the_right_csrf_token_changes_nothing() {
    let app = TestApp::init().await;
    let editor = app.signed_in("ed@news.test", Role::Editor).await;
    let war = app.war.to_string();
    for token in ["", "0000", &"a".repeat(64)] {
        let response = app
            .post_raw(
                Some(&editor.cookie),
                &editor.address,
                "/newsroom/sections",
                &[("csrf", token), ("name", "Forged")],
            )
            .await;
        assert_eq!(response.status, 403, "token {token:?}");
        assert!(response.text(".error-message").contains("security token"));
    }
    let response = app
        .post_raw(
            Some(&editor.cookie),
            &editor.address,
            "/newsroom/articles",
            &[("headline", "Forged"), ("section", &war)],
        )
        .await;
    assert_eq!(response.status, 403);
    assert_eq!(app.store.sections().await.unwrap().len(), 2);
    assert_eq!(app.store.article_count().await.unwrap(), 0);
    app.finish().await;
}

#[tokio::test]
async fn signing_out_ends_the_session_and_everywhere_ends_them_all() {
    let app = TestApp::init().await;
    let user = app.add_user("olena@news.test", Role::Author).await;
    let laptop = app.browser(&user).await;
    let phone = app.browser(&user).await;
    let out = app.post_as(&laptop, "/newsroom/logout", &[]).await;
    assert_eq!(out.status, 303);
    assert_eq!(app.get_as(&laptop, "/newsroom").await.status, 303);
    assert_eq!(app.get_as(&phone, "/newsroom").await.status, 200);
    let tablet = app.browser(&user).await;
    app.post_as(&phone, "/newsroom/account/sign-out-everywhere", &[])
        .await;
    assert_eq!(app.get_as(&phone, "/newsroom").await.status, 303);
    assert_eq!(app.get_as(&tablet, "/newsroom").await.status, 303);
    app.finish().await;
}

#[tokio::test]
async fn a_disabled_person_is_signed_out_and_cannot_sign_in() {
    let app = TestApp::init().await;
    let admin = app.signed_in("admin@news.test", Role::Admin).await;
    let olena = app.signed_in("olena@news.test", Role::Author).await;
    let id = olena.user.id.to_string();
    let response = app
        .post_as(
            &admin,
            &format!("/newsroom/users/{id}"),
            &[("name", "Olena"), ("role", "author"), ("disabled", "1")],
        )
        .await;
    assert_eq!(response.status, 303, "{}", response.body);
    assert_eq!(app.get_as(&olena, "/newsroom").await.status, 303);
    assert_eq!(
        sign_in(&app, "olena@news.test", PASSWORD, "198.51.100.7")
            .await
            .status,
        401
    );
    app.finish().await;
}

#[tokio::test]
async fn the_last_admin_cannot_demote_themselves() {
    let app = TestApp::init().await;
    let admin = app.signed_in("admin@news.test", Role::Admin).await;
    let id = admin.user.id.to_string();
    let response = app
        .post_as(
            &admin,
            &format!("/newsroom/users/{id}"),
            &[("name", "Admin"), ("role", "editor")],
        )
        .await;
    assert_eq!(response.status, 400);
    assert!(response.text(".error").contains("only admin"));
    assert_eq!(
        app.store.user(admin.user.id).await.unwrap().unwrap().role,
        Role::Admin
    );
    app.finish().await;
}

#[tokio::test]
async fn every_action_is_in_the_audit_log_for_admins() {
    let app = TestApp::init().await;
    let admin = app.signed_in("admin@news.test", Role::Admin).await;
    let editor = app.signed_in("ed@news.test", Role::Editor).await;
    sign_in(&app, "ed@news.test", "wrong password!", "198.51.100.8").await;
    let id = draft(&app, &editor, "Audit me").await;
    act(&app, &editor, id, "publish").await;
    let log = app.get_as(&admin, "/newsroom/audit").await;
    assert_eq!(log.status, 200);
    let actions: Vec<String> = log.texts(".audit-row td:nth-child(3)");
    for expected in ["login_failed", "create", "publish"] {
        assert!(
            actions.iter().any(|a| a == expected),
            "{expected} missing from {actions:?}"
        );
    }
    let filtered = app.get_as(&admin, "/newsroom/audit?action=publish").await;
    assert_eq!(filtered.count(".audit-row"), 1);
    assert_eq!(app.get_as(&editor, "/newsroom/audit").await.status, 403);
    app.finish().await;
}

// ---------------------------------------------------------------- who may do what

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

// ---------------------------------------------------------------- writing and publishing

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

// ---------------------------------------------------------------- conflicts and revisions

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

// ---------------------------------------------------------------- scheduling

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

// ---------------------------------------------------------------- an editor's decisions hold

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

// ---------------------------------------------------------------- corrections

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

// ---------------------------------------------------------------- editor: presence and shortcuts

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
