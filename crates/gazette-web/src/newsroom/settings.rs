//! Site settings, for admins: name, tagline, description, default language, social links.

use axum::extract::{Query, State};
use axum::response::Response;
use gazette_core::Language;
use gazette_core::newsroom::Permission;
use serde::Deserialize;

use super::audit::require;
use super::auth::{CurrentUser, PostForm};
use super::pages::{audit_entry, changed_at, layout, render, see_other};
use crate::AppState;
use crate::error::{AppError, AppResult};

/// Every setting the page edits: key, label, longest value.
const FIELDS: [(&str, &str, usize); 9] = [
    ("site.name", "Site name", 100),
    ("site.tagline", "Tagline", 200),
    ("site.description", "Description (for search engines)", 400),
    ("site.default_language", "Default language (en or uk)", 2),
    ("site.social.facebook", "Facebook page address", 300),
    ("site.social.x", "X profile address", 300),
    ("site.social.telegram", "Telegram channel address", 300),
    ("site.social.youtube", "YouTube channel address", 300),
    ("site.social.instagram", "Instagram profile address", 300),
];

#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<NoticeQuery>,
) -> AppResult<Response> {
    require(&user, Permission::ManageSettings, "change site settings")?;
    let mut fields = Vec::new();
    for (key, label, max) in FIELDS {
        let value = state.store.setting(key).await?.unwrap_or_default();
        fields.push(minijinja::context! { key, label, max, value });
    }
    render(
        "settings.html",
        minijinja::context! {
            ..layout(Some(&user), "Settings"),
            ..minijinja::context! {
                fields,
                require_two_factor => super::two_factor::required(&state).await?,
                notice => (query.notice.as_deref() == Some("saved")).then_some("Settings saved; the public site shows them now."),
            }
        },
    )
}

pub async fn save(State(state): State<AppState>, post: PostForm) -> AppResult<Response> {
    let PostForm { user, form } = post;
    require(&user, Permission::ManageSettings, "change site settings")?;
    // Everything is checked before anything is written.
    let mut values = Vec::new();
    for (key, label, max) in FIELDS {
        let value = form.text(key);
        if value.chars().count() > max {
            return Err(AppError::BadRequest(format!(
                "{label}: at most {max} characters."
            )));
        }
        if key == "site.name" && value.is_empty() {
            return Err(AppError::BadRequest("The site needs a name.".into()));
        }
        if key == "site.default_language" && !value.is_empty() && Language::parse(&value).is_err() {
            return Err(AppError::BadRequest(
                "Default language: use en or uk.".into(),
            ));
        }
        if key.starts_with("site.social.") && !value.is_empty() && !value.starts_with("https://") {
            return Err(AppError::BadRequest(format!(
                "{label}: use a full address starting with https://."
            )));
        }
        values.push((key, value));
    }
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
