//! Signing in and out, the session cookie, CSRF tokens and sign-in rate limiting.
//!
//! The cookie holds a random token; the database keeps only its SHA-256, with the session's CSRF
//! token. A sign-in always starts a new session (a token planted before sign-in is worthless
//! after it). Every password check is charged to the sign-in limits first (`limits.rs`: per
//! account and address, per address, per account, per known browser); past a limit the form says
//! so plainly and no password is checked. Checks run off the request threads (`passwords.rs`).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRef, FromRequest, FromRequestParts, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::Response;
use chrono::Duration;
use gazette_core::newsroom::{Email, User, decoy_hash, random_token};
use gazette_store::{Actor, NewSession};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::limits::{self, Attempt};
use super::{FormData, NewsroomError, NewsroomResult, audit, layout, render, see_other};
use crate::AppState;

pub const SESSION_COOKIE: &str = "gazette_session";
const LOGIN_CSRF_COOKIE: &str = "gazette_login_csrf";
/// How long a sign-in lasts.
pub const SESSION_LIFETIME_DAYS: i64 = 7;

/// The signed-in person making this request.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    pub csrf: String,
    token_hash: String,
    pub address: String,
}

impl CurrentUser {
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.user.id),
            name: self.user.name.clone(),
            address: self.address.clone(),
        }
    }
}

pub(super) fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The client's address: the peer, or the first `X-Forwarded-For` hop behind a trusted proxy.
pub fn client_address(state: &AppState, parts: &Parts) -> String {
    if state.config.trust_forwarded_for
        && let Some(first) = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(str::trim)
            .filter(|v| v.parse::<std::net::IpAddr>().is_ok())
    {
        return first.to_owned();
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(
            || "unknown".to_owned(),
            |ConnectInfo(addr)| addr.ip().to_string(),
        )
}

pub(super) fn set_cookie(
    state: &AppState,
    name: &str,
    value: &str,
    max_age_secs: i64,
) -> HeaderValue {
    let secure = if state.config.base_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let value = format!(
        "{name}={value}; Path=/newsroom; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}"
    );
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

impl<S> FromRequestParts<S> for CurrentUser
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = NewsroomError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let next = if parts.method == Method::GET {
            // Inside the nested router the path has lost its `/newsroom` prefix.
            parts
                .extensions
                .get::<axum::extract::OriginalUri>()
                .map_or(&parts.uri, |original| &original.0)
                .path_and_query()
                .map_or("/newsroom", |pq| pq.as_str())
                .to_owned()
        } else {
            "/newsroom".to_owned()
        };
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE).filter(|t| !t.is_empty()) else {
            return Err(NewsroomError::Unauthenticated { next });
        };
        let hash = token_hash(token);
        match state.store.session(&hash, state.now()).await? {
            Some((_, user))
                if !user.two_factor
                    && !super::two_factor::exempt_path(&original_path(parts))
                    && super::two_factor::required(&state).await? =>
            {
                Err(NewsroomError::TwoFactorRequired)
            }
            Some((session, user)) => Ok(Self {
                user,
                csrf: session.csrf_token,
                token_hash: hash,
                address: client_address(&state, parts),
            }),
            None => Err(NewsroomError::Unauthenticated { next }),
        }
    }
}

/// The request's path as the browser sent it (inside the nested router `/newsroom` is stripped).
fn original_path(parts: &Parts) -> String {
    parts
        .extensions
        .get::<axum::extract::OriginalUri>()
        .map_or(&parts.uri, |original| &original.0)
        .path()
        .to_owned()
}

/// A POST from a signed-in person whose form carries their session's CSRF token. Handlers that
/// change anything take this, so a forged cross-site form is refused before any handler runs.
pub struct PostForm {
    pub user: CurrentUser,
    pub form: FormData,
}

/// Largest form accepted (an article body with room to spare).
const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;

pub(super) async fn read_form(request: Request) -> NewsroomResult<FormData> {
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(NewsroomError::BadRequest(
            "Send this as a form (application/x-www-form-urlencoded).".into(),
        ));
    }
    let bytes = axum::body::to_bytes(request.into_body(), MAX_FORM_BYTES)
        .await
        .map_err(|_| NewsroomError::BadRequest("The form is too large.".into()))?;
    let pairs = url_form_pairs(&bytes)?;
    Ok(FormData(pairs))
}

fn url_form_pairs(bytes: &[u8]) -> NewsroomResult<Vec<(String, String)>> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| NewsroomError::BadRequest("The form is not valid UTF-8.".into()))?;
    let mut pairs = Vec::new();
    for pair in text.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let decode = |s: &str| {
            urlencoding::decode(&s.replace('+', " "))
                .map(|c| c.into_owned())
                .map_err(|_| NewsroomError::BadRequest("The form is not valid UTF-8.".into()))
        };
        pairs.push((decode(k)?, decode(v)?));
    }
    Ok(pairs)
}

pub(super) fn same_token(a: &str, b: &str) -> bool {
    // Compared in full whatever the first difference, so timing tells an attacker nothing.
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

impl<S> FromRequest<S> for PostForm
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = NewsroomError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let user = CurrentUser::from_request_parts(&mut parts, state).await?;
        let form = read_form(Request::from_parts(parts, body)).await?;
        let sent = form.get("csrf").unwrap_or("");
        if sent.is_empty() || !same_token(sent, &user.csrf) {
            return Err(NewsroomError::Forbidden(
                "This form has expired or did not come from the newsroom (its security token does not match). \
                 Go back, reload the page and try again."
                    .into(),
            ));
        }
        Ok(Self { user, form })
    }
}

// ---------------------------------------------------------------- sign in

#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    signed_out: Option<String>,
}

/// Only newsroom addresses are followed after sign-in, never another site.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with("/newsroom")
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(char::is_control) =>
        {
            n.to_owned()
        }
        _ => "/newsroom".to_owned(),
    }
}

fn login_form(
    state: &AppState,
    headers: &HeaderMap,
    next: &str,
    email: &str,
    error: Option<&str>,
    notice: Option<&str>,
) -> NewsroomResult<Response> {
    // The sign-in form has no session yet: its CSRF token is a cookie matched by a hidden field.
    let token = cookie(headers, LOGIN_CSRF_COOKIE)
        .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
        .map_or_else(random_token, str::to_owned);
    let context = minijinja::context! {
        ..layout(None, "Sign in"),
        ..minijinja::context! {
            login_csrf => token.clone(),
            next => next,
            email => email,
            error => error,
            notice => notice,
        }
    };
    let mut response = render("login.html", context)?;
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(state, LOGIN_CSRF_COOKIE, &token, 3600),
    );
    Ok(response)
}

pub async fn login_page(
    State(state): State<AppState>,
    Query(query): Query<LoginQuery>,
    headers: HeaderMap,
) -> NewsroomResult<Response> {
    let notice = query.signed_out.is_some().then_some("You are signed out.");
    login_form(
        &state,
        &headers,
        &safe_next(query.next.as_deref()),
        "",
        None,
        notice,
    )
}

/// The sign-in form again, with `error` and `status`.
fn login_refused(
    state: &AppState,
    headers: &HeaderMap,
    next: &str,
    typed_email: &str,
    error: &str,
    status: axum::http::StatusCode,
) -> NewsroomResult<Response> {
    let mut page = login_form(state, headers, next, typed_email, Some(error), None)?;
    *page.status_mut() = status;
    Ok(page)
}

pub async fn login(State(state): State<AppState>, request: Request) -> NewsroomResult<Response> {
    let (parts, body) = request.into_parts();
    let address = client_address(&state, &parts);
    let headers = parts.headers.clone();
    let form = read_form(Request::from_parts(parts, body)).await?;
    let next = safe_next(form.get("next"));
    let typed_email = form.text("email");
    let expected = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or("");
    let sent = form.get("login_csrf").unwrap_or("");
    if expected.is_empty() || !same_token(expected, sent) {
        return login_refused(
            &state,
            &headers,
            &next,
            &typed_email,
            "The sign-in form had expired. Please try again.",
            axum::http::StatusCode::FORBIDDEN,
        );
    }
    let email_key = limits::email_key(&typed_email);
    // Charged before the password is checked, so guesses sent at once cannot all be checked.
    let attempt = match Attempt::begin(&state, &headers, &email_key, &address).await? {
        Ok(attempt) => attempt,
        Err(message) => {
            return login_refused(
                &state,
                &headers,
                &next,
                &typed_email,
                &message,
                axum::http::StatusCode::TOO_MANY_REQUESTS,
            );
        }
    };

    let password = form.get("password").unwrap_or("");
    let found = match Email::parse(&typed_email) {
        Ok(email) => state.store.user_credentials(&email).await?,
        Err(_) => None,
    };
    // The same work whether or not the account exists (a decoy hash otherwise), so response
    // times do not reveal who has an account.
    let hash = found
        .as_ref()
        .map_or(decoy_hash(), |(_, hash)| hash.as_str());
    let matches = match state.passwords.verify(password, hash).await {
        Ok(matches) => matches,
        Err(e) => {
            // Not checked is not a failure: the person may simply try again.
            attempt.not_a_failure(&state).await?;
            return Err(e);
        }
    };
    let verified = matches && found.as_ref().is_some_and(|(user, _)| !user.disabled);
    let user = match (verified, found) {
        (true, Some((user, _))) => user,
        (_, found) => {
            audit(
                &state,
                &Actor {
                    user_id: found.as_ref().map(|(u, _)| u.id),
                    name: email_key.clone(),
                    address: address.clone(),
                },
                "login_failed",
                "user",
                found.as_ref().map(|(u, _)| u.id),
                if found.as_ref().is_some_and(|(u, _)| u.disabled) {
                    "account disabled"
                } else {
                    ""
                },
            )
            .await;
            return login_refused(
                &state,
                &headers,
                &next,
                &typed_email,
                "That e-mail address and password do not match an active account.",
                axum::http::StatusCode::UNAUTHORIZED,
            );
        }
    };

    if user.two_factor {
        // A right password of someone with two-factor is not yet a success: it must not forgive
        // earlier failures, or guessing codes would be unlimited. The code step charges its own.
        attempt.not_a_failure(&state).await?;
        return super::two_factor::ask_for_code(&state, &user, &address, &next).await;
    }
    attempt.succeeded(&state).await?;
    start_session(&state, &headers, &user, address, &next, "").await
}

/// Why a signed-in person's own password was not accepted.
pub(super) enum PasswordRefused {
    Wrong,
    /// Too many failures: the message says how long to wait.
    Limited(String),
}

impl PasswordRefused {
    /// What to tell them, with `wrong` as the words for a wrong password.
    pub(super) fn message(self, wrong: &str) -> String {
        match self {
            Self::Wrong => wrong.to_owned(),
            Self::Limited(message) => message,
        }
    }
}

/// Checks a signed-in person's own password before a sensitive change, charged to the sign-in
/// limits like a sign-in (so a stolen session cannot be used to guess the password).
pub(super) async fn check_own_password(
    state: &AppState,
    user: &CurrentUser,
    headers: &HeaderMap,
    password: &str,
) -> NewsroomResult<Result<(), PasswordRefused>> {
    let attempt =
        match Attempt::begin(state, headers, user.user.email.as_str(), &user.address).await? {
            Ok(attempt) => attempt,
            Err(message) => return Ok(Err(PasswordRefused::Limited(message))),
        };
    let Some((_, hash)) = state.store.user_credentials(&user.user.email).await? else {
        return Err(NewsroomError::NotFound);
    };
    match state.passwords.verify(password, &hash).await {
        Ok(true) => {
            attempt.succeeded(state).await?;
            Ok(Ok(()))
        }
        Ok(false) => Ok(Err(PasswordRefused::Wrong)),
        Err(e) => {
            attempt.not_a_failure(state).await?;
            Err(e)
        }
    }
}

/// Signs `user` in: a new session and its cookie, then on to `next`.
pub(super) async fn start_session(
    state: &AppState,
    headers: &HeaderMap,
    user: &User,
    address: String,
    next: &str,
    detail: &str,
) -> NewsroomResult<Response> {
    let now = state.now();
    // A fresh session at every sign-in; any session this browser had before ends.
    if let Some(old) = cookie(headers, SESSION_COOKIE).filter(|t| !t.is_empty()) {
        state.store.delete_session(&token_hash(old)).await?;
    }
    let token = random_token();
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    state
        .store
        .create_session(
            NewSession {
                token_hash: token_hash(&token),
                user_id: user.id,
                csrf_token: random_token(),
                expires_at: now + Duration::days(SESSION_LIFETIME_DAYS),
                address: address.clone(),
                user_agent,
            },
            now,
        )
        .await?;
    audit(
        state,
        &Actor {
            user_id: Some(user.id),
            name: user.name.clone(),
            address,
        },
        "login",
        "user",
        Some(user.id),
        detail,
    )
    .await;
    let device = limits::remember_browser(state, headers, &user.email).await?;
    let mut response = see_other(next);
    let headers = response.headers_mut();
    headers.append(
        header::SET_COOKIE,
        set_cookie(
            state,
            SESSION_COOKIE,
            &token,
            SESSION_LIFETIME_DAYS * 86_400,
        ),
    );
    headers.append(header::SET_COOKIE, device);
    headers.append(
        header::SET_COOKIE,
        set_cookie(state, LOGIN_CSRF_COOKIE, "", 0),
    );
    headers.append(
        header::SET_COOKIE,
        set_cookie(state, super::two_factor::CHALLENGE_COOKIE, "", 0),
    );
    Ok(response)
}

fn signed_out(state: &AppState) -> Response {
    let mut response = see_other("/newsroom/login?signed_out=1");
    response
        .headers_mut()
        .append(header::SET_COOKIE, set_cookie(state, SESSION_COOKIE, "", 0));
    response
}

pub async fn logout(State(state): State<AppState>, post: PostForm) -> NewsroomResult<Response> {
    state.store.delete_session(&post.user.token_hash).await?;
    audit(
        &state,
        &post.user.actor(),
        "logout",
        "user",
        Some(post.user.user.id),
        "",
    )
    .await;
    Ok(signed_out(&state))
}

pub async fn sign_out_everywhere(
    State(state): State<AppState>,
    post: PostForm,
) -> NewsroomResult<Response> {
    let ended = state.store.delete_user_sessions(post.user.user.id).await?;
    audit(
        &state,
        &post.user.actor(),
        "logout_everywhere",
        "user",
        Some(post.user.user.id),
        format!("{ended} sessions ended"),
    )
    .await;
    Ok(signed_out(&state))
}

// ---------------------------------------------------------------- own account

#[derive(Debug, Deserialize)]
pub struct AccountQuery {
    notice: Option<String>,
}

pub async fn account(
    user: CurrentUser,
    Query(query): Query<AccountQuery>,
) -> NewsroomResult<Response> {
    account_page(&user, query.notice.as_deref(), None)
}

fn account_page(
    user: &CurrentUser,
    notice: Option<&str>,
    error: Option<&str>,
) -> NewsroomResult<Response> {
    let notice = match notice {
        Some("password") => Some("Your password was changed. Other browsers were signed out."),
        _ => None,
    };
    render(
        "account.html",
        minijinja::context! {
            ..layout(Some(user), "Your account"),
            ..minijinja::context! { notice, error }
        },
    )
}

pub async fn change_password(
    State(state): State<AppState>,
    headers: HeaderMap,
    post: PostForm,
) -> NewsroomResult<Response> {
    let user = &post.user;
    let current = post.form.get("current_password").unwrap_or("");
    let new = post.form.get("new_password").unwrap_or("");
    let repeat = post.form.get("repeat_password").unwrap_or("");
    let problem = match check_own_password(&state, user, &headers, current).await? {
        Err(refused) => Some(refused.message("Your current password is not right.")),
        Ok(()) if new != repeat => Some("The new password and its repetition differ.".to_owned()),
        Ok(()) => None,
    };
    if let Some(problem) = problem {
        let mut page = account_page(user, None, Some(&problem))?;
        *page.status_mut() = axum::http::StatusCode::BAD_REQUEST;
        return Ok(page);
    }
    let new_hash = match state.passwords.hash(new).await? {
        Ok(h) => h,
        Err(e) => {
            let mut page = account_page(
                user,
                None,
                Some(&format!("{}.", super::capitalise(&e.to_string()))),
            )?;
            *page.status_mut() = axum::http::StatusCode::BAD_REQUEST;
            return Ok(page);
        }
    };
    // Ends every session, this one included; this browser signs in again with the new password.
    let entry = super::audit_entry(
        &user.actor(),
        "change_password",
        "user",
        Some(user.user.id),
        "",
    );
    state
        .store
        .set_user_password(user.user.id, &new_hash, Some(&entry))
        .await?;
    Ok(signed_out(&state))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_newsroom_addresses_are_followed_after_sign_in() {
        assert_eq!(
            safe_next(Some("/newsroom/articles/3")),
            "/newsroom/articles/3"
        );
        assert_eq!(safe_next(Some("https://evil.example/")), "/newsroom");
        assert_eq!(safe_next(Some("/newsroom\r\nSet-Cookie: x=y")), "/newsroom");
        assert_eq!(safe_next(Some("//evil.example/newsroom")), "/newsroom");
        assert_eq!(safe_next(None), "/newsroom");
    }

    #[test]
    fn forms_keep_repeated_names_and_decode_text() {
        let pairs =
            url_form_pairs(b"author=1&author=2&headline=Hello+world%21").unwrap_or_default();
        let form = FormData(pairs);
        assert_eq!(form.all("author"), vec!["1", "2"]);
        assert_eq!(form.text("headline"), "Hello world!");
    }
}
