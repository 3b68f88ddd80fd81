//! Site settings, for admins: name, tagline, description, social links; and the name, tagline and
//! description in each other edition (`site.tagline.uk`: empty means the default edition's).

use axum::extract::{Query, State};
use axum::response::Response;
use gazette_core::newsroom::Permission;
use gazette_core::site_settings::{SETTING_FIELDS, SettingField, check_setting, parse_settings};
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

/// What the settings page calls a setting, in `language`; `None` for one it has no words for.
fn setting_label(language: gazette_core::Language, key: &str) -> Option<String> {
    let l = crate::locale::locales();
    Some(match key {
        "site.name" => l.word(language, "nr-setting-site-name"),
        "site.tagline" => l.word(language, "nr-setting-tagline"),
        "site.description" => l.word(language, "nr-setting-description"),
        "site.social.facebook" => l.word(language, "nr-setting-facebook"),
        "site.social.x" => l.word(language, "nr-setting-x"),
        "site.social.telegram" => l.word(language, "nr-setting-telegram"),
        "site.social.youtube" => l.word(language, "nr-setting-youtube"),
        "site.social.instagram" => l.word(language, "nr-setting-instagram"),
        _ => return None,
    })
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
        let label = setting_label(user.language(), key).unwrap_or_else(|| label.to_owned());
        fields.push(minijinja::context! { key, label, max, value });
    }
    for (key, field, language) in edition_fields(&state) {
        let value = state.store.setting(&key).await?.unwrap_or_default();
        let label =
            setting_label(user.language(), field.key).unwrap_or_else(|| field.label.to_owned());
        let label = edition_label(user.language(), &label, language);
        fields.push(minijinja::context! { key, label, max => field.max, value });
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
    let mut values: Vec<(String, String)> = parse_settings(|key| form.text(key))?
        .into_iter()
        .map(|(key, value)| (key.to_owned(), value))
        .collect();
    for (key, field, language) in edition_fields(&state) {
        let value = form.text(&key);
        // Empty: the edition shows the default edition's wording.
        if !value.is_empty()
            && let Err(refused) = check_setting(field, &value)
        {
            let message = edition_label(user.language(), &refused.to_string(), language);
            return Err(crate::error::AppError::BadRequest(message));
        }
        values.push((key, value));
    }
    let mut changed_values = Vec::new();
    for (key, value) in values {
        if state.store.setting(&key).await?.unwrap_or_default() != value {
            changed_values.push((key, value));
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

/// The settings each other edition words in its own language: `(key, the setting, edition)`.
fn edition_fields(
    state: &NewsroomState,
) -> Vec<(String, &'static SettingField, gazette_core::Language)> {
    let worded = ["site.name", "site.tagline", "site.description"];
    let mut out = Vec::new();
    for &language in state.config.editions.prefixed() {
        for field in SETTING_FIELDS.iter().filter(|f| worded.contains(&f.key)) {
            out.push((format!("{}.{language}", field.key), field, language));
        }
    }
    out
}

/// "Tagline (Українська)": a setting's label, or a refusal, for one edition.
fn edition_label(
    ui: gazette_core::Language,
    label: &str,
    edition: gazette_core::Language,
) -> String {
    let l = crate::locale::locales();
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("label", label.trim_end_matches('.').to_owned());
    args.set("language", l.language_name(edition));
    l.text(ui, "edition-setting", Some(&args))
}
