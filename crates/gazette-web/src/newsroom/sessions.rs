//! Starting a session after a right password (or code), and checking a signed-in person's own
//! password again before a sensitive change.
//!
//! A sign-in always starts a new session (a token planted before sign-in is worthless after it).
//! Every password check is charged to the sign-in limits first (`limits.rs`: per account and
//! address, per address, per account, per known browser); past a limit the form says so plainly
//! and no password is checked. Checks run off the request threads (`passwords.rs`).

use axum::http::{HeaderMap, header};
use axum::response::Response;
use chrono::Duration;
use gazette_core::newsroom::{User, random_token};
use gazette_store::{Actor, NewSession};

use super::auth::{
    CHALLENGE_COOKIE, CurrentUser, LOGIN_CSRF_COOKIE, SESSION_COOKIE, SESSION_LIFETIME_DAYS,
    cookie, set_cookie, token_hash,
};
use super::limits::{self, Attempt};
use super::pages::{audit_entry, see_other};
use crate::error::{AppError, AppResult};
use crate::state::NewsroomState;

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
    state: &NewsroomState,
    user: &CurrentUser,
    headers: &HeaderMap,
    password: &str,
) -> AppResult<Result<(), PasswordRefused>> {
    let attempt =
        match Attempt::begin(state, headers, user.user.email.as_str(), &user.address).await? {
            Ok(attempt) => attempt,
            Err(message) => return Ok(Err(PasswordRefused::Limited(message))),
        };
    let Some((_, hash)) = state.store.user_credentials(&user.user.email).await? else {
        return Err(AppError::NotFound);
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
    state: &NewsroomState,
    headers: &HeaderMap,
    user: &User,
    address: String,
    next: &str,
    detail: &str,
) -> AppResult<Response> {
    let now = state.now();
    // A fresh session at every sign-in; any session this browser had before ends.
    if let Some(old) = cookie(headers, SESSION_COOKIE).filter(|t| !t.is_empty()) {
        state.store.delete_session(&token_hash(old), None).await?;
    }
    let token = random_token();
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let signed_in = audit_entry(
        &Actor {
            user_id: Some(user.id),
            name: user.name.clone(),
            address: address.clone(),
        },
        "login",
        "user",
        Some(user.id),
        detail,
    );
    state
        .store
        .create_session(
            NewSession {
                token_hash: token_hash(&token),
                user_id: user.id,
                csrf_token: random_token(),
                expires_at: now + Duration::days(SESSION_LIFETIME_DAYS),
                address,
                user_agent,
            },
            Some(&signed_in),
            now,
        )
        .await?;
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
        set_cookie(state, CHALLENGE_COOKIE, "", 0),
    );
    Ok(response)
}
