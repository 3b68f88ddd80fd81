//! The breaking-news banner at `/newsroom/breaking`: editors and admins set it (text, a link, an
//! optional expiry) or clear it. Every open public page shows or removes it within a second
//! through the push stream; the rules of what a banner may say are `gazette_core::live::Breaking`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Duration;
use gazette_core::live::{Breaking, BreakingError};
use gazette_core::newsroom::Role;
use serde::Deserialize;

use super::auth::{CurrentUser, PostForm};
use super::pages::{FormData, audit_entry, changed_at, layout, render, see_other, show_time};
use crate::error::{AppError, AppResult};
use crate::state::NewsroomState;

/// The longest expiry accepted, in minutes: a banner is for hours, not weeks.
const MAX_EXPIRY_MINUTES: i64 = 7 * 24 * 60;
/// The expiries offered, in minutes, with their labels in `language`.
fn expiries(language: gazette_core::Language) -> [(&'static str, String); 5] {
    let l = crate::locale::locales();
    [
        ("", l.word(language, "nr-breaking-never")),
        ("30", l.word(language, "nr-breaking-30-minutes")),
        ("60", l.word(language, "nr-breaking-1-hour")),
        ("180", l.word(language, "nr-breaking-3-hours")),
        ("720", l.word(language, "nr-breaking-12-hours")),
    ]
}

fn require_editor(user: &CurrentUser) -> AppResult<()> {
    if user.user.role >= Role::Editor {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "Only editors and admins can set the breaking-news banner.".into(),
        ))
    }
}

#[derive(Debug, Deserialize)]
pub struct BreakingQuery {
    notice: Option<String>,
}

/// The form as typed, and what is wrong with each field.
#[derive(Debug, Default, serde::Serialize)]
struct BannerForm {
    text: String,
    link: String,
    expires: String,
    text_error: Option<String>,
    link_error: Option<String>,
    expires_error: Option<String>,
}

async fn render_page(
    state: &NewsroomState,
    user: &CurrentUser,
    form: BannerForm,
    (notice, error): (Option<&str>, Option<String>),
    status: StatusCode,
) -> AppResult<Response> {
    let now = state.now();
    let current = state.store.breaking().await?;
    let mut response = render(
        "breaking.html",
        minijinja::context! {
            ..layout(Some(user), &crate::locale::locales().word(user.language(), "nr-nav-breaking")),
            ..minijinja::context! {
                current => current.map(|b| minijinja::context! {
                    showing => b.is_showing(now),
                    text => b.text.clone(),
                    url => b.url.clone(),
                    set_at => show_time(b.set_at),
                    expires => b.expires_at.map(show_time),
                }),
                expiries => expiries(user.language()).iter().map(|(value, label)| minijinja::context! { value, label }).collect::<Vec<_>>(),
                max_len => gazette_core::live::MAX_BREAKING_TEXT_LEN,
                form,
                notice,
                error,
            }
        },
    )?;
    *response.status_mut() = status;
    Ok(response)
}

pub async fn page(
    State(state): State<NewsroomState>,
    user: CurrentUser,
    axum::extract::Query(query): axum::extract::Query<BreakingQuery>,
) -> AppResult<Response> {
    require_editor(&user)?;
    let l = crate::locale::locales();
    let notice = match query.notice.as_deref() {
        Some("set") => Some(l.word(user.language(), "nr-breaking-notice-set")),
        Some("clear") => Some(l.word(user.language(), "nr-breaking-notice-clear")),
        _ => None,
    };
    render_page(
        &state,
        &user,
        BannerForm::default(),
        (notice.as_deref(), None),
        StatusCode::OK,
    )
    .await
}

/// Reads the expiry field: minutes from now, empty for none.
fn expiry_minutes(raw: &str) -> Result<Option<i64>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    match raw.parse::<i64>() {
        Ok(m) if (1..=MAX_EXPIRY_MINUTES).contains(&m) => Ok(Some(m)),
        _ => Err(format!(
            "Choose when the banner disappears: a number of minutes from 1 to {MAX_EXPIRY_MINUTES}, or never."
        )),
    }
}

fn banner_form(form: &FormData) -> BannerForm {
    BannerForm {
        text: form.get("text").unwrap_or("").to_owned(),
        // `url` is accepted too, for scripts that name it so.
        link: Some(form.text("link"))
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| form.text("url")),
        expires: form.text("expires"),
        ..BannerForm::default()
    }
}

/// `action` = `set` (with `text`, optional `link` and `expires` in minutes) or `clear`.
pub async fn save(State(state): State<NewsroomState>, post: PostForm) -> AppResult<Response> {
    let PostForm { user, form } = post;
    require_editor(&user)?;
    let now = state.now();
    let (banner, action) = match form.text("action").as_str() {
        "clear" => (None, "clear"),
        "set" => {
            let mut typed = banner_form(&form);
            let built = expiry_minutes(&typed.expires)
                .inspect_err(|m| typed.expires_error = Some(m.clone()))
                .and_then(|minutes| {
                    let expires_at = minutes.map(|m| now + Duration::minutes(m));
                    let link = Some(typed.link.as_str());
                    Breaking::new(&typed.text, link, expires_at, now).map_err(|e| {
                        let message = e.to_string();
                        match e {
                            BreakingError::Empty | BreakingError::TooLong => {
                                typed.text_error = Some(message.clone());
                            }
                            BreakingError::BadLink => typed.link_error = Some(message.clone()),
                            BreakingError::ExpiryPast => {
                                typed.expires_error = Some(message.clone());
                            }
                        }
                        message
                    })
                });
            match built {
                Ok(banner) => (Some(banner), "set"),
                Err(message) => {
                    let status = StatusCode::BAD_REQUEST;
                    return render_page(&state, &user, typed, (None, Some(message)), status).await;
                }
            }
        }
        _ => {
            return Err(AppError::BadRequest(
                "Choose to set or to clear the banner.".into(),
            ));
        }
    };
    let detail = banner.as_ref().map_or_else(String::new, |b| b.text.clone());
    let audit = audit_entry(&user.actor(), action, "breaking", None, detail);
    let seq = state
        .store
        .set_breaking(banner.as_ref(), Some(&audit), now)
        .await?;
    changed_at(&state, seq);
    Ok(see_other(&format!("/newsroom/breaking?notice={action}")))
}
