//! Who is calling the Admin API: `Authorization: Bearer gzt_…`, checked on every request before
//! the body is read.
//!
//! - no token, a malformed, unknown, revoked or expired one, or one whose person is disabled:
//!   `401` with `WWW-Authenticate: Bearer` (and, past the first two, an `error="invalid_token"`);
//! - more than [`REQUESTS_PER_MINUTE`] requests in a token's minute: `429` with `Retry-After`,
//!   counted in the database like the newsroom's sign-in limits (`newsroom/limits.rs`), so the
//!   limit holds across nodes;
//! - a token without the scope its route needs ([`super::scopes::ROUTES`]): `403` naming the scope.
//!
//! What the token's person may do is then decided by the newsroom's own rules: the operations
//! take [`Acting`], the person and the name the audit log gives them, "Name (token “CMS sync”)".

use axum::extract::{FromRef, FromRequestParts, MatchedPath};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, Utc};
use gazette_store::{Actor, ApiScope, ApiToken, LoginCounter};

use super::tokens::{looks_like_secret, secret_hash};
use crate::api::error::ApiError;
use crate::newsroom::access::Acting;
use crate::newsroom::auth::client_address;
use crate::state::NewsroomState;

/// Requests one token may make in a minute.
pub const REQUESTS_PER_MINUTE: u32 = 300;
/// The window the limit counts in.
const WINDOW_SECONDS: i64 = 60;
/// A token's last use is written at most this often from one address (each write takes the
/// database's write lock).
const TOUCH_EVERY_SECONDS: i64 = 60;

/// A request with a valid token that carries its route's scope.
pub struct Caller {
    pub token: ApiToken,
    /// The token's person, acting under the token's name.
    pub acting: Acting,
}

/// The `Actor` name the audit log and revisions give a token's calls.
pub fn actor_name(person: &str, token: &str) -> String {
    format!("{person} (token \u{201c}{token}\u{201d})")
}

/// A `401` that tells the client how to authenticate.
fn unauthorized(message: &str, invalid_token: bool) -> Response {
    let mut response = ApiError::unauthorized(message).into_response();
    let challenge = if invalid_token {
        "Bearer realm=\"gazette-admin\", error=\"invalid_token\""
    } else {
        "Bearer realm=\"gazette-admin\""
    };
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static(challenge),
    );
    response
}

/// The secret in `Authorization: Bearer …`, or the refusal.
/// (A refusal is boxed: a `Response` is large, and this is the rare path.)
fn bearer(parts: &Parts) -> Result<&str, Box<Response>> {
    let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
        return Err(Box::new(unauthorized(
            "Send a token made in the newsroom (your account, API tokens) as \
             `Authorization: Bearer gzt_…`.",
            false,
        )));
    };
    let secret = value
        .to_str()
        .ok()
        .and_then(|v| {
            let (scheme, rest) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
        })
        .ok_or_else(|| {
            Box::new(unauthorized(
                "The Authorization header must be `Bearer` followed by the token.",
                false,
            ))
        })?;
    if !looks_like_secret(secret) {
        return Err(Box::new(unauthorized(
            "This is not an Admin API token: they start with gzt_ and have 47 characters.",
            true,
        )));
    }
    Ok(secret)
}

/// The scope the matched route needs; `None` for a route that needs only a valid token.
fn required_scope(parts: &Parts) -> Result<Option<ApiScope>, Box<Response>> {
    let path = parts
        .extensions
        .get::<MatchedPath>()
        .map(MatchedPath::as_str)
        .unwrap_or_default();
    super::scopes::ROUTES
        .iter()
        .find(|r| r.method == parts.method && r.path == path)
        .map(|r| r.scope)
        // A route missing from the table is refused rather than left open; the matrix test
        // keeps the table complete.
        .ok_or_else(|| {
            Box::new(ApiError::forbidden("This route is not open to tokens.").into_response())
        })
}

/// Charges the request to the token's minute; `Err(seconds)` when the minute is used up.
async fn admit(
    state: &NewsroomState,
    token: &ApiToken,
    now: DateTime<Utc>,
) -> Result<(), Response> {
    let counter = LoginCounter {
        key: format!("api-token:{}", token.id),
        limit: REQUESTS_PER_MINUTE,
    };
    let full = state
        .store
        .charge_login_attempt(
            std::slice::from_ref(&counter),
            now - Duration::seconds(WINDOW_SECONDS),
            now,
        )
        .await
        .map_err(|e| ApiError::from(e).into_response())?;
    match full {
        // The window's start is not known here; a full window is waited out at most.
        Some(_) => Err(ApiError::rate_limited(WINDOW_SECONDS.unsigned_abs()).into_response()),
        None => Ok(()),
    }
}

impl<S> FromRequestParts<S> for Caller
where
    S: Send + Sync,
    NewsroomState: FromRef<S>,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = NewsroomState::from_ref(state);
        let now = state.now();
        let secret = bearer(parts).map_err(|refusal| *refusal)?;
        let found = state
            .store
            .api_token_by_hash(&secret_hash(secret))
            .await
            .map_err(|e| ApiError::from(e).into_response())?;
        let Some((token, user)) = found else {
            return Err(unauthorized(
                "This token is not known here: it was mistyped, or belongs to another site.",
                true,
            ));
        };
        if token.revoked_at.is_some() {
            return Err(unauthorized(
                "This token was revoked. Make a new one in the newsroom.",
                true,
            ));
        }
        if token.expires_at <= now {
            return Err(unauthorized(
                &format!(
                    "This token expired on {}. Make a new one in the newsroom.",
                    token.expires_at.format("%Y-%m-%d %H:%M UTC")
                ),
                true,
            ));
        }
        if user.disabled {
            return Err(unauthorized(
                "This token's person is disabled, and their tokens with them.",
                true,
            ));
        }
        admit(&state, &token, now).await?;
        if let Some(scope) = required_scope(parts).map_err(|refusal| *refusal)?
            && !token.has(scope)
        {
            return Err(ApiError::forbidden(format!(
                "This token lacks the `{}` scope this request needs. Make a token with it in the \
                 newsroom.",
                scope.as_str()
            ))
            .into_response());
        }
        let address = client_address(&state, parts);
        let recently = token
            .last_used_at
            .is_some_and(|at| now - at < Duration::seconds(TOUCH_EVERY_SECONDS));
        if !(recently && token.last_used_address == address)
            && let Err(e) = state.store.touch_api_token(token.id, &address, now).await
        {
            // The request itself can go on: only the "last used" line is late.
            tracing::warn!(error = %e, token = token.id, "cannot note an API token's use");
        }
        let acting = Acting {
            actor: Actor {
                user_id: Some(user.id),
                name: actor_name(&user.name, &token.name),
                address,
            },
            user,
        };
        Ok(Self { token, acting })
    }
}
