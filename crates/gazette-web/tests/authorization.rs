//! Who may do what in the newsroom, route by route. The routes come from
//! `gazette_web::newsroom::ROUTES`, the table the router is built from, so a route added to the
//! newsroom is checked here without anyone remembering to: signed out, as each role, and with a
//! missing or forged CSRF token. What each role may do is written out below, not asked of the code
//! under test, so a slip in the permission rules shows here too.

#![allow(clippy::unwrap_used)]

mod common;

use axum::body::Body;
use axum::http::{Method, Request};
use common::newsroom::{Browser, redirected_id};
use common::{TestApp, TestResponse, now};
use gazette_core::newsroom::{ArticleAction, Permission, Role, User};
use gazette_media::testing::png;
use gazette_media::{Limits, MediaLibrary, MediaStorage};
use gazette_store::{AuditFilter, PageRequest};
use gazette_web::newsroom::{Access, ArticleAccess, Csrf, ROUTES, RouteRule};

const ROLES: [Role; 4] = [Role::Contributor, Role::Author, Role::Editor, Role::Admin];

/// The roles that hold a site-wide permission, as the README promises them.
fn holders(permission: Permission) -> &'static [Role] {
    match permission {
        Permission::ManageSections | Permission::ManageTags => &[Role::Editor, Role::Admin],
        Permission::ManageUsers | Permission::ManageSettings | Permission::ReadAuditLog => {
            &[Role::Admin]
        }
    }
}

/// A newsroom with one person of each role, and one of everything a path can name.
struct Newsroom {
    app: TestApp,
    people: Vec<(Role, User)>,
    /// A draft by an editor nobody else here is: a colleague's article for every role.
    colleagues_draft: i64,
    revision: i64,
    section: i64,
    /// Someone for the admin-only pages about people to act on.
    someone: i64,
    /// An image the editor uploaded.
    image: i64,
    /// A published entry the colleague wrote, on their draft made a live blog.
    entry: i64,
    _media_dir: tempfile::TempDir,
}

const BOUNDARY: &str = "gazette-authorization-boundary";

fn multipart(token: Option<&str>) -> Vec<u8> {
    let mut body = Vec::new();
    if let Some(token) = token {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{token}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"alt\"\r\n\r\nA red square\r\n\
             --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"red.png\"\r\n\
             Content-Type: image/png\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(&png(8, 8));
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

impl Newsroom {
    async fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let storage = MediaStorage::local(&dir.path().join("media")).unwrap();
        let app = TestApp::init().await;
        let limits = Limits {
            max_bytes: 2 * 1024 * 1024,
            max_pixels: 4_000_000,
        };
        let library = MediaLibrary::new(storage, app.store.clone(), limits);
        let app = app.with_media(library);

        let mut people = Vec::new();
        for role in ROLES {
            let user = app
                .add_user(&format!("{}@example.com", role.as_str()), role)
                .await;
            people.push((role, user));
        }
        let colleague = app.signed_in("colleague@example.com", Role::Editor).await;
        let colleagues_draft = draft(&app, &colleague, "The colleague's draft").await;
        let revision = app.store.revisions(colleagues_draft).await.unwrap()[0].id;
        let entry = live_entry(&app, &colleague, colleagues_draft).await;
        let someone = app.add_user("someone@example.com", Role::Author).await.id;

        let upload = app
            .request(upload_request(&colleague, Some(&colleague.csrf)))
            .await;
        assert_eq!(upload.status, 303, "{}", upload.body);
        let image = app
            .store
            .media_list(PageRequest::new(1, 10))
            .await
            .unwrap()
            .items[0]
            .id;
        let section = app.war;
        Self {
            app,
            people,
            colleagues_draft,
            revision,
            section,
            someone,
            image,
            entry,
            _media_dir: dir,
        }
    }

    /// The rule's path with real ids, naming `article` if it names one.
    async fn path(&self, rule: &RouteRule, article: i64) -> String {
        // Tags and synonyms are deleted by whoever may: each request gets one of its own, so the
        // next role is judged on a tag that still exists.
        let id = match rule.path.split('/').nth(1).unwrap() {
            "articles" => article,
            "media" => self.image,
            "live" => self.entry,
            "sections" => self.section,
            "users" => self.someone,
            "tags" => {
                let name = format!("Tag {}", rand_suffix());
                self.app.store.ensure_tag(&name).await.unwrap().id
            }
            "synonyms" => {
                let terms = [format!("colour{}", rand_suffix()), "color".to_owned()];
                self.app
                    .store
                    .add_synonym_group(&terms, None, now())
                    .await
                    .unwrap()
                    .id
            }
            "api-keys" => {
                let secret = format!("gzk_{}", rand_suffix());
                self.app
                    .store
                    .create_content_api_key(
                        gazette_store::api_keys::NewContentApiKey {
                            name: "Partner".into(),
                            prefix: secret.clone(),
                            key_hash: gazette_web::api::content::keys::key_hash(&secret),
                            rate_limit: 60,
                        },
                        None,
                        now(),
                    )
                    .await
                    .unwrap()
                    .id
            }
            "telegram" => match rule.path.split('/').nth(2) {
                Some("channels") => {
                    let chat = format!("@chan{}", rand_suffix());
                    let settings = gazette_store::telegram::ChannelSettings {
                        chat_id: gazette_store::telegram::ChatId::parse(&chat).unwrap(),
                        title: String::new(),
                        section_id: None,
                        active: true,
                        with_images: true,
                    };
                    let store = &self.app.store;
                    store
                        .add_telegram_channel(&settings, None, now())
                        .await
                        .unwrap()
                        .id
                }
                Some("deliveries") => telegram_delivery(self.app.store.as_ref()).await,
                _ => 0,
            },
            "webhooks" => webhook(self.app.store.as_ref(), rule.path.contains("deliveries")).await,
            // Static pages: a fresh one each time, so a page one role moved or unpublished does
            // not decide the next role's answer.
            "pages" => {
                let input = gazette_store::pages::PageInput {
                    slug: gazette_core::Slug::parse(&format!("page-{}", rand_suffix())).unwrap(),
                    title: "About us".into(),
                    body_markdown: "Who we are.".into(),
                };
                let status = gazette_store::pages::PageStatus::Published;
                let language = gazette_core::Language::EN;
                let written = self
                    .app
                    .store
                    .create_page(language, input, status, None, now());
                written.await.unwrap().value.id
            }
            _ => 0,
        };
        let name = gazette_web::newsroom::asset_url("newsroom.js");
        let name = name.rsplit('/').next().unwrap();
        let path = rule
            .path
            .replace("{id}", &id.to_string())
            .replace("{revision}", &self.revision.to_string())
            .replace("{name}", name);
        // The newsroom's home is `/newsroom`; nested routers do not answer `/newsroom/`.
        format!("/newsroom{path}").trim_end_matches('/').to_owned()
    }

    /// What the audit log and change log hold: a refused request must leave both as they were.
    async fn written(&self) -> (u64, i64) {
        let audit = self
            .app
            .store
            .audit_log(&AuditFilter::default(), PageRequest::new(1, 1))
            .await
            .unwrap()
            .total;
        let changes = self.app.store.latest_change_seq().await.unwrap();
        let media = self
            .app
            .store
            .media_list(PageRequest::new(1, 1))
            .await
            .unwrap()
            .total;
        (audit + media * 1_000_000, changes)
    }

    /// One request as `browser` (or signed out), with this CSRF token (the right one by default).
    async fn send(
        &self,
        rule: &RouteRule,
        path: &str,
        browser: Option<&Browser>,
        token: Option<&str>,
    ) -> TestResponse {
        if rule.method == Method::GET {
            return match browser {
                Some(browser) => self.app.get_as(browser, path).await,
                None => self.app.get(path).await,
            };
        }
        if rule.csrf == Csrf::SessionMultipart {
            let mut request = Request::post(path)
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .header("x-forwarded-for", "192.0.2.1");
            if let Some(browser) = browser {
                request = request.header("cookie", &browser.cookie);
            }
            return self
                .app
                .request(request.body(Body::from(multipart(token))).unwrap())
                .await;
        }
        let field = if rule.csrf == Csrf::SignIn {
            "login_csrf"
        } else {
            "csrf"
        };
        let mut fields = vec![("action", "submit")];
        if let Some(token) = token {
            fields.push((field, token));
        }
        self.app
            .post_raw(
                browser.map(|b| b.cookie.as_str()),
                "192.0.2.1",
                path,
                &fields,
            )
            .await
    }

    /// A fresh session: some routes sign their caller out, which must not spoil the next check.
    async fn as_role(&self, role: Role) -> Browser {
        let user = &self.people.iter().find(|(r, _)| *r == role).unwrap().1;
        self.app.browser(user).await
    }
}

/// A Telegram delivery of the outbox, for the Telegram page's retry route to act on.
async fn telegram_delivery(store: &dyn gazette_store::Store) -> i64 {
    use gazette_core::events::{EventData, EventKind, NewEvent};
    use gazette_store::outbox::{PlannedDelivery, PlannedEvent, channels};
    let from = store.outbox_cursor().await.unwrap();
    let to = store
        .latest_change_seq()
        .await
        .unwrap()
        .max(from.unwrap_or(0));
    let planned = PlannedEvent {
        event: NewEvent {
            kind: EventKind::ArticlePublished,
            article_id: None,
            occurred_at: now(),
            seq: to,
            data: EventData::default(),
        },
        deliveries: vec![PlannedDelivery {
            channel: channels::TELEGRAM,
            target: "@gazette_war".into(),
        }],
    };
    let ids = store
        .record_events(from, to, &[planned], now())
        .await
        .unwrap();
    store.event_deliveries(ids[0]).await.unwrap()[0].id
}

/// A webhook endpoint, or (with `delivery`) a delivery to one, for the webhook routes to act on.
async fn webhook(store: &dyn gazette_store::Store, delivery: bool) -> i64 {
    use gazette_core::events::{EventData, EventKind, NewEvent};
    use gazette_store::outbox::{PlannedDelivery, PlannedEvent, WebhookEndpointInput, channels};
    let input = WebhookEndpointInput {
        url: "https://partner.example/hook".into(),
        description: String::new(),
        events: vec![EventKind::ArticlePublished],
        active: true,
    };
    let audit = gazette_store::NewAuditEntry {
        actor: gazette_store::Actor::scheduler(),
        action: "create".into(),
        entity: "webhook".into(),
        entity_id: None,
        detail: String::new(),
    };
    let endpoint = store
        .create_webhook_endpoint(&input, "whsec_test", audit, now())
        .await
        .unwrap();
    if !delivery {
        return endpoint.id;
    }
    let from = store.outbox_cursor().await.unwrap();
    let to = store
        .latest_change_seq()
        .await
        .unwrap()
        .max(from.unwrap_or(0));
    let planned = PlannedEvent {
        event: NewEvent {
            kind: EventKind::ArticlePublished,
            article_id: None,
            occurred_at: now(),
            seq: to,
            data: EventData::default(),
        },
        deliveries: vec![PlannedDelivery {
            channel: channels::WEBHOOK,
            target: endpoint.id.to_string(),
        }],
    };
    let ids = store
        .record_events(from, to, &[planned], now())
        .await
        .unwrap();
    store.event_deliveries(ids[0]).await.unwrap()[0].id
}

fn rand_suffix() -> String {
    gazette_core::newsroom::random_token()[..8].to_lowercase()
}

fn upload_request(browser: &Browser, token: Option<&str>) -> Request<Body> {
    Request::post("/newsroom/media")
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header("cookie", &browser.cookie)
        .header("x-forwarded-for", "192.0.2.1")
        .body(Body::from(multipart(token)))
        .unwrap()
}

async fn draft(app: &TestApp, browser: &Browser, headline: &str) -> i64 {
    let war = app.war.to_string();
    let byline = browser.user.author_id.unwrap().to_string();
    let fields = [
        ("author", byline.as_str()),
        ("headline", headline),
        ("standfirst", "What happened."),
        ("body", "First paragraph."),
        ("section", war.as_str()),
        ("language", "en"),
        ("intent", "save"),
    ];
    let response = app.post_as(browser, "/newsroom/articles", &fields).await;
    assert_eq!(response.status, 303, "{}", response.body);
    redirected_id(&response)
}

/// Makes `article` a live blog with one published entry by `browser`; returns the entry's id.
async fn live_entry(app: &TestApp, browser: &Browser, article: i64) -> i64 {
    use gazette_core::live::{Coverage, EntryDraft, EntryStatus};
    app.store
        .set_coverage(article, Some(Coverage::Live), None, now())
        .await
        .unwrap();
    let draft = EntryDraft {
        headline: None,
        body_markdown: "Sirens over the city.".into(),
        author_ids: vec![browser.user.author_id.unwrap()],
        key_event: false,
    };
    let status = EntryStatus::Published;
    let by = Some(browser.user.id);
    let written = app
        .store
        .post_entry(article, draft, status, by, None, now());
    written.await.unwrap().value.id
}

/// Whether `role` may use `rule` on a colleague's article (or image, or anything site-wide).
fn allowed(rule: &RouteRule, role: Role) -> bool {
    match rule.access {
        Access::Public | Access::SignedIn => true,
        Access::Permission(permission) => holders(permission).contains(&role),
        Access::Article(_) | Access::MediaOwnerOrEditor => role >= Role::Editor,
        Access::LiveEntryOwnerOrEditor | Access::Editors => role >= Role::Editor,
    }
}

fn refused_to_sign_in(rule: &RouteRule, response: &TestResponse) {
    assert_eq!(
        response.status, 303,
        "{rule:?} signed out: {}",
        response.body
    );
    assert!(
        response
            .header("location")
            .starts_with("/newsroom/login?next="),
        "{rule:?} signed out went to {}",
        response.header("location")
    );
}

#[tokio::test]
async fn the_route_table_names_every_route_the_router_answers_and_each_once() {
    let mut seen = std::collections::HashSet::new();
    for rule in ROUTES {
        assert!(
            seen.insert((rule.method.clone(), rule.path)),
            "{rule:?} is listed twice"
        );
        assert!(rule.path.starts_with('/'), "{rule:?}");
        // A GET changes nothing and needs no token; every POST carries one.
        assert_eq!(
            rule.method == Method::GET,
            rule.csrf == Csrf::None,
            "{rule:?}"
        );
    }
    // What is not in the table is not routed: an address near a real one is the 404 page.
    let app = TestApp::init().await;
    assert_eq!(app.get("/newsroom/not-a-page").await.status, 404);
    let deleted = app
        .post_raw(None, "192.0.2.1", "/newsroom/articles/1/delete", &[])
        .await;
    assert_eq!(deleted.status, 404);
}

#[tokio::test]
async fn signed_out_visitors_are_sent_to_sign_in_on_every_route_but_the_sign_in_pages() {
    let newsroom = Newsroom::new().await;
    for rule in ROUTES {
        let path = newsroom.path(rule, newsroom.colleagues_draft).await;
        let before = newsroom.written().await;
        let response = newsroom.send(rule, &path, None, None).await;
        match (rule.access, rule.method.clone()) {
            // The code form without a sign-in under way (no challenge cookie) says to start
            // again; the password form and the scripts are simply served.
            (Access::Public, Method::GET) if rule.path == "/login/code" => {
                assert_eq!(response.status, 400, "{rule:?}");
                assert!(response.body.contains("Sign in again"), "{rule:?}");
            }
            (Access::Public, Method::GET) => assert_eq!(response.status, 200, "{rule:?}"),
            (Access::Public, _) if rule.path == "/login/code" => {
                assert_eq!(response.status, 400, "{rule:?}");
            }
            // Signing in without the form's own token: refused before any password is checked.
            (Access::Public, _) => assert_eq!(response.status, 403, "{rule:?}"),
            (_, Method::GET) => {
                refused_to_sign_in(rule, &response);
                let next = response.header("location").split_once("next=").unwrap().1;
                let next = percent_encoding::percent_decode_str(next)
                    .decode_utf8()
                    .unwrap();
                assert_eq!(next, path, "{rule:?}");
            }
            _ => refused_to_sign_in(rule, &response),
        }
        assert_eq!(newsroom.written().await, before, "{rule:?} signed out");
    }
    newsroom.app.finish().await;
}

#[tokio::test]
async fn each_role_is_refused_exactly_the_routes_it_lacks_the_right_for() {
    let newsroom = Newsroom::new().await;
    for rule in ROUTES.iter().filter(|r| r.access != Access::Public) {
        for role in ROLES {
            let browser = newsroom.as_role(role).await;
            let path = newsroom.path(rule, newsroom.colleagues_draft).await;
            let before = newsroom.written().await;
            let response = newsroom
                .send(rule, &path, Some(&browser), Some(&browser.csrf))
                .await;
            if allowed(rule, role) {
                assert!(
                    !matches!(response.status.as_u16(), 401 | 403 | 404 | 405),
                    "{rule:?} as {role:?} should be allowed: {} {}",
                    response.status,
                    response.body
                );
            } else {
                assert_eq!(
                    response.status, 403,
                    "{rule:?} as {role:?} should be refused: {}",
                    response.body
                );
                assert_eq!(newsroom.written().await, before, "{rule:?} as {role:?}");
            }
        }
    }
    newsroom.app.finish().await;
}

#[tokio::test]
async fn writers_may_work_on_their_own_drafts_but_not_correct_them() {
    let newsroom = Newsroom::new().await;
    let articles = ROUTES
        .iter()
        .filter(|r| matches!(r.access, Access::Article(_)));
    for rule in articles {
        let browser = newsroom.as_role(Role::Contributor).await;
        // A new draft each time: submitting one puts it in review, where a contributor no
        // longer edits it.
        let own = draft(&newsroom.app, &browser, "The contributor's draft").await;
        let path = newsroom.path(rule, own).await;
        let response = newsroom
            .send(rule, &path, Some(&browser), Some(&browser.csrf))
            .await;
        // Corrections are an editor's, even on one's own published article; so is pinning a
        // story to the home page (the publisher's call).
        let refused = [ArticleAction::Correct, ArticleAction::Publish]
            .into_iter()
            .any(|action| rule.access == Access::Article(ArticleAccess::Act(action)));
        assert_eq!(
            response.status == 403,
            refused,
            "{rule:?} on their own draft: {} {}",
            response.status,
            response.body
        );
    }
    newsroom.app.finish().await;
}

#[tokio::test]
async fn a_post_without_the_sessions_token_is_refused_whoever_sends_it_and_changes_nothing() {
    let newsroom = Newsroom::new().await;
    let protected = ROUTES
        .iter()
        .filter(|r| matches!(r.csrf, Csrf::Session | Csrf::SessionMultipart));
    for rule in protected {
        for role in ROLES {
            let browser = newsroom.as_role(role).await;
            let path = newsroom.path(rule, newsroom.colleagues_draft).await;
            // Another session's token is as good as none.
            let other = newsroom.as_role(role).await;
            for token in [None, Some(""), Some(other.csrf.as_str())] {
                let before = newsroom.written().await;
                let response = newsroom.send(rule, &path, Some(&browser), token).await;
                assert_eq!(
                    response.status, 403,
                    "{rule:?} as {role:?} with token {token:?}: {}",
                    response.body
                );
                assert_eq!(newsroom.written().await, before, "{rule:?} as {role:?}");
            }
            // And the session is still good: a refused form does not sign anyone out.
            let home = newsroom.app.get_as(&browser, "/newsroom").await;
            assert_eq!(home.status, 200, "{rule:?} as {role:?}");
        }
    }
    newsroom.app.finish().await;
}
