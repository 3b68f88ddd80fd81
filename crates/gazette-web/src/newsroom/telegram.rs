//! The Telegram page at `/newsroom/telegram`, for admins: whether a bot token is configured (the
//! token itself lives in the settings and is never shown), the channels articles are posted to
//! (added with the section they follow, changed, switched off, removed), and the latest Telegram
//! and ping deliveries with their outcome and Telegram's own words when it refused, with a retry
//! button for failed ones. Every change is audit-logged.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use gazette_core::newsroom::Permission;
use gazette_store::outbox::{DeliveryStatus, channels};
use gazette_store::telegram::{ChannelSettings, ChatId, MAX_CHANNEL_TITLE_CHARS};

use super::audit::require;
use super::auth::{CurrentUser, PostForm};
use super::pages::{FormData, audit_entry, layout, render, see_other, show_time};
use crate::error::{AppError, AppResult};
use crate::state::NewsroomState;

/// Where the site posts is the site's configuration: admins only.
pub(super) const PERMISSION: Permission = Permission::ManageSettings;
const WHAT: &str = "set up Telegram channels";
/// The channels whose deliveries the page lists.
const LISTED: [&str; 3] = [channels::TELEGRAM, channels::WEBSUB, channels::INDEXNOW];
/// Deliveries listed.
const RECENT: u32 = 50;

#[derive(Debug, serde::Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

fn notice(language: gazette_core::Language, code: Option<&str>) -> Option<String> {
    let l = crate::locale::locales();
    match code? {
        "added" => Some(l.word(language, "nr-tg-notice-added")),
        "saved" => Some(l.word(language, "nr-tg-notice-saved")),
        "removed" => Some(l.word(language, "nr-tg-notice-removed")),
        "retried" => Some(l.word(language, "nr-tg-notice-retried")),
        _ => None,
    }
}

fn status_label(language: gazette_core::Language, status: DeliveryStatus) -> String {
    let l = crate::locale::locales();
    match status {
        DeliveryStatus::Pending => l.word(language, "nr-tg-waiting"),
        DeliveryStatus::Delivered => l.word(language, "nr-delivered"),
        DeliveryStatus::Failed => l.word(language, "nr-failed"),
    }
}

pub async fn page(
    State(state): State<NewsroomState>,
    user: CurrentUser,
    Query(query): Query<NoticeQuery>,
) -> AppResult<Response> {
    require(&user, PERMISSION, WHAT)?;
    let sections = state.store.sections().await?;
    let section_name = |id: Option<i64>| match id {
        None => crate::locale::locales().word(user.language(), "nr-tg-every-section"),
        Some(id) => sections
            .iter()
            .find(|s| s.id == id)
            .map_or_else(|| format!("Section {id}"), |s| s.name.clone()),
    };
    let channel_list = state.store.telegram_channels().await?;
    let deliveries = state.store.recent_deliveries(&LISTED, RECENT).await?;
    let distribution = &state.config.distribution;
    render(
        "telegram.html",
        minijinja::context! {
            ..layout(Some(&user), &crate::locale::locales().word(user.language(), "nr-tg-title")),
            ..minijinja::context! {
                configured => distribution.telegram_configured,
                websub_hub => distribution.websub_hub.clone(),
                indexnow => distribution.indexnow_key.is_some(),
                max_title => MAX_CHANNEL_TITLE_CHARS,
                sections => sections.iter().map(|s| minijinja::context! {
                    id => s.id, name => s.name.clone(),
                }).collect::<Vec<_>>(),
                channels => channel_list.iter().map(|c| minijinja::context! {
                    id => c.id,
                    chat_id => c.chat_id.as_str(),
                    title => c.title.clone(),
                    section_id => c.section_id,
                    section => section_name(c.section_id),
                    active => c.active,
                    with_images => c.with_images,
                    added => show_time(c.created_at),
                }).collect::<Vec<_>>(),
                deliveries => deliveries.iter().map(|d| minijinja::context! {
                    id => d.id,
                    channel => d.channel.clone(),
                    target => d.target.clone(),
                    event => d.event_kind.clone(),
                    headline => d.headline.clone(),
                    status => d.status.as_str(),
                    status_label => status_label(user.language(), d.status),
                    attempts => d.attempts,
                    code => d.last_status_code,
                    error => d.last_error.clone(),
                    when => show_time(d.last_attempt_at.unwrap_or(d.occurred_at)),
                    next => (d.status == DeliveryStatus::Pending).then(|| show_time(d.next_attempt_at)),
                    failed => d.status == DeliveryStatus::Failed,
                }).collect::<Vec<_>>(),
                notice => notice(user.language(), query.notice.as_deref()),
            }
        },
    )
}

/// The channel the form describes; a bad chat or section is a clear 400 and changes nothing.
fn channel_settings(form: &FormData) -> AppResult<ChannelSettings> {
    let chat_id = ChatId::parse(&form.text("chat_id")).map_err(AppError::BadRequest)?;
    let section_id = match form.text("section").as_str() {
        "" | "all" => None,
        raw => Some(
            raw.parse::<i64>()
                .map_err(|_| AppError::BadRequest("Choose a section, or every section.".into()))?,
        ),
    };
    let title = form.text("title");
    if title.chars().count() > MAX_CHANNEL_TITLE_CHARS {
        return Err(AppError::BadRequest(format!(
            "A channel's title has at most {MAX_CHANNEL_TITLE_CHARS} characters."
        )));
    }
    Ok(ChannelSettings {
        chat_id,
        title,
        section_id,
        // Unticked checkboxes are not sent at all.
        active: form.get("active").is_some(),
        with_images: form.get("with_images").is_some(),
    })
}

fn describe(settings: &ChannelSettings) -> String {
    let section = settings
        .section_id
        .map_or_else(|| "every section".to_owned(), |id| format!("section {id}"));
    format!(
        "{} ({section}{}{})",
        settings.chat_id,
        if settings.active { "" } else { ", off" },
        if settings.with_images {
            ", with images"
        } else {
            ""
        }
    )
}

fn parse_id(raw: &str) -> AppResult<i64> {
    raw.parse().map_err(|_| AppError::NotFound)
}

pub async fn add(State(state): State<NewsroomState>, post: PostForm) -> AppResult<Response> {
    require(&post.user, PERMISSION, WHAT)?;
    let settings = channel_settings(&post.form)?;
    let entry = audit_entry(
        &post.user.actor(),
        "create",
        "telegram_channel",
        None,
        describe(&settings),
    );
    state
        .store
        .add_telegram_channel(&settings, Some(&entry), state.now())
        .await?;
    Ok(see_other("/newsroom/telegram?notice=added"))
}

/// `action` = `save` (with the channel's fields) or `remove`.
pub async fn update(
    State(state): State<NewsroomState>,
    Path(id): Path<String>,
    post: PostForm,
) -> AppResult<Response> {
    require(&post.user, PERMISSION, WHAT)?;
    let id = parse_id(&id)?;
    let actor = post.user.actor();
    match post.form.text("action").as_str() {
        "remove" => {
            let channel = state
                .store
                .telegram_channel(id)
                .await?
                .ok_or(AppError::NotFound)?;
            let entry = audit_entry(
                &actor,
                "delete",
                "telegram_channel",
                Some(id),
                channel.chat_id.to_string(),
            );
            state
                .store
                .remove_telegram_channel(id, Some(&entry), state.now())
                .await?;
            Ok(see_other("/newsroom/telegram?notice=removed"))
        }
        "save" => {
            let settings = channel_settings(&post.form)?;
            let entry = audit_entry(
                &actor,
                "update",
                "telegram_channel",
                Some(id),
                describe(&settings),
            );
            state
                .store
                .update_telegram_channel(id, &settings, Some(&entry), state.now())
                .await?;
            Ok(see_other("/newsroom/telegram?notice=saved"))
        }
        _ => Err(AppError::BadRequest(
            "Choose to save or to remove the channel.".into(),
        )),
    }
}

/// Queues a failed Telegram or ping delivery again, as a new delivery of the same event.
pub async fn retry(
    State(state): State<NewsroomState>,
    Path(id): Path<String>,
    post: PostForm,
) -> AppResult<Response> {
    require(&post.user, PERMISSION, WHAT)?;
    let id = parse_id(&id)?;
    let delivery = state
        .store
        .delivery(id)
        .await?
        .filter(|d| LISTED.contains(&d.channel.as_str()))
        .ok_or(AppError::NotFound)?;
    if delivery.status != DeliveryStatus::Failed {
        return Err(AppError::Conflict(
            "Only a failed delivery can be retried; this one is delivered or still being tried."
                .into(),
        ));
    }
    let entry = audit_entry(
        &post.user.actor(),
        "redeliver",
        "delivery",
        Some(id),
        format!("{} to {}", delivery.channel, delivery.target),
    );
    state.store.redeliver(id, entry, state.now()).await?;
    Ok(see_other("/newsroom/telegram?notice=retried"))
}
