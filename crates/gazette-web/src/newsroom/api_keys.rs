//! Content API keys, for admins: make one for a consumer (shown once), see how much each is
//! used, revoke one. A key opens nothing the public cannot read (see `api::content::keys`); it
//! lets the newsroom count a consumer's requests and hold it to a rate of its own.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use gazette_core::newsroom::Permission;
use gazette_store::api_keys::{
    ContentApiKey, DEFAULT_KEY_RATE_LIMIT, MAX_KEY_RATE_LIMIT, NewContentApiKey,
};

use super::audit::require;
use super::auth::{CurrentUser, PostForm};
use super::pages::{audit_entry, layout, render, see_other};
use crate::api::content::keys::key_hash;
use crate::error::{AppError, AppResult};
use crate::state::NewsroomState;

/// Keys are the site's business with other parties, like its settings.
pub(super) const PERMISSION: Permission = Permission::ManageSettings;
const WHAT: &str = "manage Content API keys";
/// What every key starts with, so a leaked one is recognised for what it is.
const KEY_PREFIX: &str = "gzk_";

#[derive(Debug, serde::Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

fn notice(language: gazette_core::Language, code: Option<&str>) -> Option<String> {
    match code? {
        "revoked" => Some(crate::locale::locales().word(language, "nr-keys-notice-revoked")),
        _ => None,
    }
}

pub async fn list(
    State(state): State<NewsroomState>,
    user: CurrentUser,
    Query(query): Query<NoticeQuery>,
) -> AppResult<Response> {
    require(&user, PERMISSION, WHAT)?;
    let notice = notice(user.language(), query.notice.as_deref());
    page(&state, &user, notice.as_deref(), None).await
}

async fn page(
    state: &NewsroomState,
    user: &CurrentUser,
    notice: Option<&str>,
    new_key: Option<(String, String)>,
) -> AppResult<Response> {
    let keys = state.store.content_api_keys().await?;
    render(
        "api_keys.html",
        minijinja::context! {
            ..layout(Some(user), &crate::locale::locales().word(user.language(), "nr-keys-title")),
            ..minijinja::context! {
                keys => keys.iter().map(view).collect::<Vec<_>>(),
                notice,
                new_key => new_key.map(|(name, secret)| minijinja::context! { name, secret }),
                default_rate => DEFAULT_KEY_RATE_LIMIT,
                max_rate => MAX_KEY_RATE_LIMIT,
            }
        },
    )
}

fn view(key: &ContentApiKey) -> minijinja::Value {
    let when = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M UTC").to_string();
    minijinja::context! {
        id => key.id,
        name => key.name.clone(),
        prefix => key.prefix.clone(),
        rate_limit => key.rate_limit,
        created => when(key.created_at),
        revoked => key.revoked_at.map(when),
        requests => key.request_count,
        last_used => key.last_used_at.map(when),
    }
}

/// A new key: 32 random bytes, URL-safe, after [`KEY_PREFIX`].
fn new_secret() -> AppResult<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| AppError::Internal(format!("no randomness for a key: {e}")))?;
    Ok(format!(
        "{KEY_PREFIX}{}",
        data_encoding::BASE64URL_NOPAD.encode(&bytes)
    ))
}

/// Makes a key and shows it, this once, on the page (not through a redirect, which would need
/// to carry it in an address).
pub async fn create(State(state): State<NewsroomState>, post: PostForm) -> AppResult<Response> {
    require(&post.user, PERMISSION, WHAT)?;
    let name = post.form.get("name").unwrap_or_default().trim().to_owned();
    if name.is_empty() {
        return Err(AppError::BadRequest(
            "Name the key after who will use it: \u{201c}Partner site\u{201d}, \u{201c}iOS app\u{201d}."
                .into(),
        ));
    }
    let raw_rate = post.form.get("rate_limit").unwrap_or_default().trim();
    let rate_limit = if raw_rate.is_empty() {
        DEFAULT_KEY_RATE_LIMIT
    } else {
        raw_rate
            .parse::<u32>()
            .ok()
            .filter(|r| (1..=MAX_KEY_RATE_LIMIT).contains(r))
            .ok_or_else(|| {
                AppError::BadRequest(format!(
                    "The rate is a whole number of requests a minute, from 1 to {MAX_KEY_RATE_LIMIT}."
                ))
            })?
    };
    let secret = new_secret()?;
    let entry = audit_entry(
        &post.user.actor(),
        "create",
        "content_api_key",
        None,
        format!("{name} ({rate_limit} a minute)"),
    );
    state
        .store
        .create_content_api_key(
            NewContentApiKey {
                name: name.clone(),
                prefix: secret.chars().take(KEY_PREFIX.len() + 6).collect(),
                key_hash: key_hash(&secret),
                rate_limit,
            },
            Some(&entry),
            state.now(),
        )
        .await?;
    page(&state, &post.user, None, Some((name, secret))).await
}

pub async fn revoke(
    State(state): State<NewsroomState>,
    Path(id): Path<String>,
    post: PostForm,
) -> AppResult<Response> {
    require(&post.user, PERMISSION, WHAT)?;
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let name = state
        .store
        .content_api_keys()
        .await?
        .into_iter()
        .find(|k| k.id == id)
        .map(|k| k.name)
        .ok_or(AppError::NotFound)?;
    let entry = audit_entry(
        &post.user.actor(),
        "revoke",
        "content_api_key",
        Some(id),
        name,
    );
    state
        .store
        .revoke_content_api_key(id, Some(&entry), state.now())
        .await?;
    Ok(see_other("/newsroom/api-keys?notice=revoked"))
}
