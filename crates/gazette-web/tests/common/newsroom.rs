//! Newsroom helpers: people with roles, signed-in browsers that carry their cookie and CSRF token,
//! and form posts.

use axum::body::Body;
use axum::http::Request;
use chrono::Duration;
use gazette_core::newsroom::{Email, Role, User, random_token};
use gazette_core::text::url_encode;
use gazette_store::{NewSession, NewUser};
use sha2::{Digest, Sha256};

use super::{TestApp, TestResponse, now};

pub const PASSWORD: &str = "correct horse battery";

/// One argon2id hash for every test user: hashing is deliberately slow, and a test suite signs
/// many people in.
fn password_hash() -> String {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| gazette_core::newsroom::hash_password(PASSWORD).unwrap())
        .clone()
}

/// A browser signed in as someone: sends their session cookie, and the CSRF token with forms.
#[derive(Clone)]
pub struct Browser {
    pub user: User,
    pub cookie: String,
    pub csrf: String,
    pub address: String,
}

impl TestApp {
    /// Adds a person; writers (not admins) get a byline of their own.
    pub async fn add_user(&self, email: &str, role: Role) -> User {
        let name = email.split('@').next().unwrap().replace('.', " ");
        let author_id = if role == Role::Admin {
            None
        } else {
            let slug = gazette_core::Slug::from_title(&name).unwrap();
            Some(
                self.store
                    .create_author(gazette_store::NewAuthor {
                        slug,
                        name: name.clone(),
                        bio: String::new(),
                        is_house: false,
                    })
                    .await
                    .unwrap()
                    .id,
            )
        };
        self.store
            .create_user(
                NewUser {
                    email: Email::parse(email).unwrap(),
                    name,
                    role,
                    password_hash: password_hash(),
                    author_id,
                },
                None,
                now(),
            )
            .await
            .unwrap()
    }

    /// A session for `user`, as if they had signed in.
    pub async fn browser(&self, user: &User) -> Browser {
        let token = random_token();
        let csrf = random_token();
        let hash: String = Sha256::digest(token.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        self.store
            .create_session(
                NewSession {
                    token_hash: hash,
                    user_id: user.id,
                    csrf_token: csrf.clone(),
                    expires_at: now() + Duration::days(7),
                    address: "192.0.2.1".into(),
                    user_agent: "test".into(),
                },
                None,
                now(),
            )
            .await
            .unwrap();
        Browser {
            user: user.clone(),
            cookie: format!("gazette_session={token}"),
            csrf,
            address: "192.0.2.1".into(),
        }
    }

    /// Adds a person with `role` and signs them in.
    pub async fn signed_in(&self, email: &str, role: Role) -> Browser {
        let user = self.add_user(email, role).await;
        self.browser(&user).await
    }

    pub async fn get_as(&self, browser: &Browser, path: &str) -> TestResponse {
        self.request(
            Request::get(path)
                .header("cookie", &browser.cookie)
                .header("x-forwarded-for", &browser.address)
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    /// Posts a form with the browser's CSRF token added.
    pub async fn post_as(
        &self,
        browser: &Browser,
        path: &str,
        fields: &[(&str, &str)],
    ) -> TestResponse {
        let mut all: Vec<(&str, &str)> = vec![("csrf", browser.csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(Some(&browser.cookie), &browser.address, path, &all)
            .await
    }

    /// Posts exactly these fields, with this cookie (or none).
    pub async fn post_raw(
        &self,
        cookie: Option<&str>,
        address: &str,
        path: &str,
        fields: &[(&str, &str)],
    ) -> TestResponse {
        let body = encode(fields);
        let mut request = Request::post(path)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-forwarded-for", address);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        self.request(request.body(Body::from(body)).unwrap()).await
    }

    /// The editor form of an article as it stands, ready to change and post back.
    pub async fn editor_form(&self, browser: &Browser, id: i64) -> Vec<(String, String)> {
        let page = self
            .get_as(browser, &format!("/newsroom/articles/{id}"))
            .await;
        assert_eq!(page.status, 200, "{}", page.body);
        let doc = page.html();
        let mut fields = Vec::new();
        let form = scraper::Selector::parse("#editor-form").unwrap();
        let form = doc.select(&form).next().expect("editor form");
        for input in form.select(&scraper::Selector::parse("input[name]").unwrap()) {
            let name = input.value().attr("name").unwrap();
            if name != "csrf" {
                fields.push((
                    name.to_owned(),
                    input.value().attr("value").unwrap_or("").to_owned(),
                ));
            }
        }
        for area in form.select(&scraper::Selector::parse("textarea[name]").unwrap()) {
            fields.push((
                area.value().attr("name").unwrap().to_owned(),
                area.text().collect(),
            ));
        }
        for select in form.select(&scraper::Selector::parse("select[name]").unwrap()) {
            let name = select.value().attr("name").unwrap();
            for option in select.select(&scraper::Selector::parse("option[selected]").unwrap()) {
                fields.push((
                    name.to_owned(),
                    option.value().attr("value").unwrap().to_owned(),
                ));
            }
        }
        fields
    }
}

impl TestApp {
    /// The sign-in form's POST as a browser at `address` sends it after loading the form, with
    /// the cookies it holds (`cookies`, `; `-separated, may be empty) and the form's CSRF cookie.
    pub async fn sign_in_request(
        &self,
        cookies: &str,
        email: &str,
        password: &str,
        address: &str,
    ) -> Request<Body> {
        let mut form = Request::get("/newsroom/login").header("x-forwarded-for", address);
        if !cookies.is_empty() {
            form = form.header("cookie", cookies);
        }
        let form = self.request(form.body(Body::empty()).unwrap()).await;
        let login_cookie = form
            .set_cookie("gazette_login_csrf")
            .expect("a form cookie");
        let token = form.attrs("input[name=login_csrf]", "value").remove(0);
        let cookie = [cookies, &login_cookie]
            .into_iter()
            .filter(|c| !c.is_empty())
            .collect::<Vec<_>>()
            .join("; ");
        Request::post("/newsroom/login")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-forwarded-for", address)
            .header("cookie", cookie)
            .body(Body::from(encode(&[
                ("login_csrf", &token),
                ("email", email),
                ("password", password),
                ("next", "/newsroom"),
            ])))
            .unwrap()
    }

    /// Signs in through the form from a browser holding `cookies`; returns the answer to the POST.
    pub async fn sign_in_with(
        &self,
        cookies: &str,
        email: &str,
        password: &str,
        address: &str,
    ) -> TestResponse {
        let request = self
            .sign_in_request(cookies, email, password, address)
            .await;
        self.request(request).await
    }
}

pub fn encode(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", url_encode(k), url_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Replaces (or adds) one field in a form.
pub fn with(mut form: Vec<(String, String)>, name: &str, value: &str) -> Vec<(String, String)> {
    form.retain(|(k, _)| k != name);
    form.push((name.to_owned(), value.to_owned()));
    form
}

pub fn pairs(form: &[(String, String)]) -> Vec<(&str, &str)> {
    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// The article id a create or save redirected to.
pub fn redirected_id(response: &TestResponse) -> i64 {
    let location = response.header("location");
    location
        .trim_start_matches("/newsroom/articles/")
        .split(['?', '/'])
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no article in redirect {location:?} ({})", response.status))
}
