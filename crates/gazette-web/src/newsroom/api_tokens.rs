//! Admin API tokens on the newsroom's account pages: each person makes, lists and revokes their
//! own; admins also see and revoke everyone's. A new token's secret is shown once, on the page
//! that answers the form (never in an address, a redirect or a log). Making one is
//! `api::admin::tokens`, shared with `gazette token create`.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use gazette_core::newsroom::Role;
use gazette_store::{ApiScope, ApiToken};

use super::auth::{CurrentUser, PostForm};
use super::pages::{layout, locales, render, see_other, show_time};
use crate::api::admin::tokens::{self, DEFAULT_DAYS, MAX_DAYS, MintError, TokenRequest};
use crate::error::{AppError, AppResult};
use crate::state::NewsroomState;

/// What the token form says a scope allows, in `language`.
fn scope_label(language: gazette_core::Language, scope: ApiScope) -> String {
    let l = locales();
    match scope {
        ApiScope::ReadDrafts => l.word(language, "nr-scope-read-drafts"),
        ApiScope::WriteDrafts => l.word(language, "nr-scope-write-drafts"),
        ApiScope::Publish => l.word(language, "nr-scope-publish"),
        ApiScope::Media => l.word(language, "nr-scope-media"),
        ApiScope::Live => l.word(language, "nr-scope-live"),
        ApiScope::Admin => l.word(language, "nr-scope-admin"),
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

/// What the page shows besides the list.
#[derive(Default)]
struct Extra {
    secret: Option<(String, String)>,
    notice: Option<String>,
    error: Option<String>,
}

fn row(t: &ApiToken, now: chrono::DateTime<chrono::Utc>) -> minijinja::Value {
    minijinja::context! {
        id => t.id,
        person => t.user_name.clone(),
        name => t.name.clone(),
        prefix => t.prefix.clone(),
        scopes => t.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        expires => show_time(t.expires_at),
        expired => t.expires_at <= now,
        revoked => t.revoked_at.map(show_time),
        last_used => t.last_used_at.map(show_time),
        last_address => t.last_used_address.clone(),
    }
}

async fn page(
    state: &NewsroomState,
    user: &CurrentUser,
    extra: Extra,
    status: StatusCode,
) -> AppResult<Response> {
    let admin = user.user.role == Role::Admin;
    let list = state
        .store
        .api_tokens((!admin).then_some(user.user.id))
        .await?;
    let now = state.now();
    let scopes: Vec<_> = ApiScope::ALL
        .into_iter()
        .filter(|s| admin || *s != ApiScope::Admin)
        .map(|s| minijinja::context! { value => s.as_str(), label => scope_label(user.language(), s) })
        .collect();
    let (made_name, secret) = extra.secret.unzip();
    let mut response = render(
        "api_tokens.html",
        minijinja::context! {
            ..layout(Some(user), &crate::locale::locales().word(user.language(), "nr-account-api-tokens")),
            ..minijinja::context! {
                tokens => list.iter().map(|t| row(t, now)).collect::<Vec<_>>(),
                all_people => admin,
                scopes,
                default_days => DEFAULT_DAYS,
                max_days => MAX_DAYS,
                secret,
                made_name,
                notice => extra.notice,
                error => extra.error,
            }
        },
    )?;
    *response.status_mut() = status;
    Ok(response)
}

pub async fn list(
    State(state): State<NewsroomState>,
    user: CurrentUser,
    Query(query): Query<NoticeQuery>,
) -> AppResult<Response> {
    let notice = match query.notice.as_deref() {
        Some("revoked") => {
            Some(crate::locale::locales().word(user.language(), "nr-tokens-notice-revoked"))
        }
        _ => None,
    };
    page(
        &state,
        &user,
        Extra {
            notice,
            ..Extra::default()
        },
        StatusCode::OK,
    )
    .await
}

pub async fn create(State(state): State<NewsroomState>, post: PostForm) -> AppResult<Response> {
    let PostForm { user, form } = post;
    // The account pages stay open to someone who has not set up a required two-factor sign-in
    // (so that they can); a token would let them around it.
    if !user.user.two_factor && super::auth::required(&state).await? {
        return Err(AppError::TwoFactorRequired);
    }
    let refuse = |message: String| Extra {
        error: Some(message),
        ..Extra::default()
    };
    let mut scopes = Vec::new();
    for raw in form.all("scope") {
        match ApiScope::parse(raw) {
            Some(ApiScope::Admin) if user.user.role != Role::Admin => {
                let extra = refuse("Only admins can give a token the admin scope.".into());
                return page(&state, &user, extra, StatusCode::FORBIDDEN).await;
            }
            Some(scope) => scopes.push(scope),
            None => {
                let extra = refuse(format!("There is no scope {raw:?}."));
                return page(&state, &user, extra, StatusCode::BAD_REQUEST).await;
            }
        }
    }
    scopes.sort();
    scopes.dedup();
    let days = match form.text("days").as_str() {
        "" => DEFAULT_DAYS,
        raw => raw.parse().unwrap_or(0),
    };
    let request = TokenRequest {
        name: form.text("name"),
        scopes,
        days,
    };
    match tokens::mint(
        &state.store,
        &user.user,
        &request,
        &user.actor(),
        state.now(),
    )
    .await
    {
        Ok((token, secret)) => {
            let extra = Extra {
                secret: Some((token.name, secret)),
                ..Extra::default()
            };
            page(&state, &user, extra, StatusCode::CREATED).await
        }
        Err(MintError::Invalid(message)) => {
            page(&state, &user, refuse(message), StatusCode::BAD_REQUEST).await
        }
        Err(MintError::Store(e)) => Err(e.into()),
    }
}

pub async fn revoke(State(state): State<NewsroomState>, post: PostForm) -> AppResult<Response> {
    let PostForm { user, form } = post;
    let id = form
        .text("token_id")
        .parse::<i64>()
        .map_err(|_| AppError::BadRequest("Choose a token to revoke.".into()))?;
    let token = state.store.api_token(id).await?.ok_or(AppError::NotFound)?;
    if token.user_id != user.user.id && user.user.role != Role::Admin {
        return Err(AppError::Forbidden(
            "This is a colleague's token: only they and admins can revoke it.".into(),
        ));
    }
    tokens::revoke(&state.store, &token, &user.actor(), state.now()).await?;
    Ok(see_other("/newsroom/account/tokens?notice=revoked"))
}
