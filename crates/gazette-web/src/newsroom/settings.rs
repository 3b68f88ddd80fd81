//! Site settings, for admins: name, tagline, description, social links.

use axum::extract::{Query, State};
use axum::response::Response;
use gazette_core::newsroom::Permission;
use gazette_core::site_settings::{SETTING_FIELDS, SettingField, parse_settings};
use serde::Deserialize;

use super::audit::require;
use super::auth::{CurrentUser, PostForm};
use super::pages::{audit_entry, changed_at, layout, render, see_other};
use crate::error::AppResult;
use crate::state::NewsroomState;

#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

pub async fn page(
    State(state): State<NewsroomState>,
    user: CurrentUser,
    Query(query): Query<NoticeQuery>,
) -> AppResult<Response> {
    require(&user, Permission::ManageSettings, "change site settings")?;
    let mut fields = Vec::new();
    for SettingField { key, label, max } in SETTING_FIELDS {
        let value = state.store.setting(key).await?.unwrap_or_default();
        fields.push(minijinja::context! { key, label, max, value });
    }
    render(
        "settings.html",
        minijinja::context! {
            ..layout(Some(&user), &crate::locale::locales().word(user.language(), "nr-settings-title")),
            ..minijinja::context! {
                fields,
                require_two_factor => super::two_factor::required(&state).await?,
                notice => (query.notice.as_deref() == Some("saved")).then(|| crate::locale::locales().word(user.language(), "nr-settings-saved")),
            }
        },
    )
}

pub async fn save(State(state): State<NewsroomState>, post: PostForm) -> AppResult<Response> {
    let PostForm { user, form } = post;
    require(&user, Permission::ManageSettings, "change site settings")?;
    // Everything is checked before anything is written.
    let values = parse_settings(|key| form.text(key))?;
    let mut changed_values = Vec::new();
    for (key, value) in values {
        if state.store.setting(key).await?.unwrap_or_default() != value {
            changed_values.push((key.to_owned(), value));
        }
    }
    let changed_keys: Vec<&str> = changed_values.iter().map(|(k, _)| k.as_str()).collect();
    let entry = audit_entry(
        &user.actor(),
        "settings",
        "settings",
        None,
        changed_keys.join(", "),
    );
    let seq = state
        .store
        .set_settings(&changed_values, Some(&entry))
        .await?;
    changed_at(&state, seq);
    Ok(see_other("/newsroom/settings?notice=saved"))
}
