//! Webhooks at `/newsroom/webhooks`, for admins: the endpoints events are POSTed to (added with
//! the events they want, changed, switched off, deleted), each endpoint's signing secret (shown,
//! and regenerated on request), and its delivery log — event, status, response code, time,
//! duration, attempts — with a "Redeliver" button that queues a new delivery of the event now.
//! Every change is audit-logged. The deliveries themselves are the node's outbox job's
//! (`gazette-node`, `outbox/`).

use axum::extract::{Path, Query, State};
use axum::response::Response;
use gazette_core::events::{EventKind, check_webhook_url};
use gazette_core::newsroom::Permission;
use gazette_node::outbox::webhook::new_secret;
use gazette_store::outbox::{DeliveryStatus, WebhookEndpoint, WebhookEndpointInput, channels};

use super::audit::require;
use super::auth::{CurrentUser, PostForm};
use super::pages::{FormData, audit_entry, layout, render, see_other, show_time};
use crate::error::{AppError, AppResult};
use crate::state::NewsroomState;

/// Where the site sends its news is the site's configuration: admins only.
pub(super) const PERMISSION: Permission = Permission::ManageSettings;
const WHAT: &str = "manage webhooks";
/// The longest description kept.
const MAX_DESCRIPTION_CHARS: usize = 200;
/// Deliveries shown in an endpoint's log.
const LOG_LENGTH: u32 = 100;

#[derive(Debug, serde::Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

fn notice(language: gazette_core::Language, code: Option<&str>) -> Option<String> {
    let l = crate::locale::locales();
    match code? {
        "created" => Some(l.word(language, "nr-wh-notice-created")),
        "saved" => Some(l.word(language, "nr-wh-notice-saved")),
        "deleted" => Some(l.word(language, "nr-wh-notice-deleted")),
        "secret" => Some(l.word(language, "nr-wh-notice-secret")),
        "redelivered" => Some(l.word(language, "nr-wh-notice-redelivered")),
        _ => None,
    }
}

fn status_label(language: gazette_core::Language, status: DeliveryStatus) -> String {
    let l = crate::locale::locales();
    match status {
        DeliveryStatus::Pending => l.word(language, "nr-wh-waiting"),
        DeliveryStatus::Delivered => l.word(language, "nr-delivered"),
        DeliveryStatus::Failed => l.word(language, "nr-failed"),
    }
}

/// What the endpoint form calls an event, in `language`.
fn event_label(language: gazette_core::Language, kind: EventKind) -> String {
    let l = crate::locale::locales();
    match kind {
        EventKind::ArticlePublished => l.word(language, "nr-event-article-published"),
        EventKind::ArticleUpdated => l.word(language, "nr-event-article-updated"),
        EventKind::ArticleUnpublished => l.word(language, "nr-event-article-unpublished"),
        EventKind::CorrectionAdded => l.word(language, "nr-event-correction-added"),
        EventKind::LiveEntryPosted => l.word(language, "nr-event-live-entry-posted"),
        EventKind::BreakingSet => l.word(language, "nr-event-breaking-set"),
        EventKind::BreakingCleared => l.word(language, "nr-event-breaking-cleared"),
    }
}

fn event_choices(chosen: &[EventKind], language: gazette_core::Language) -> Vec<minijinja::Value> {
    EventKind::ALL
        .iter()
        .map(|k| {
            minijinja::context! {
                name => k.as_str(), label => event_label(language, *k), checked => chosen.contains(k),
            }
        })
        .collect()
}

fn endpoint_view(e: &WebhookEndpoint, language: gazette_core::Language) -> minijinja::Value {
    minijinja::context! {
        id => e.id,
        url => e.url.clone(),
        description => e.description.clone(),
        events => e.events.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
        choices => event_choices(&e.events, language),
        active => e.active,
        disabled_reason => e.disabled_reason.clone(),
        secret => e.secret.clone(),
        added => show_time(e.created_at),
    }
}

pub async fn list(
    State(state): State<NewsroomState>,
    user: CurrentUser,
    Query(query): Query<NoticeQuery>,
) -> AppResult<Response> {
    require(&user, PERMISSION, WHAT)?;
    let endpoints = state.store.webhook_endpoints().await?;
    render(
        "webhooks.html",
        minijinja::context! {
            ..layout(Some(&user), &crate::locale::locales().word(user.language(), "nr-nav-webhooks")),
            ..minijinja::context! {
                endpoints => endpoints.iter().map(|e| endpoint_view(e, user.language())).collect::<Vec<_>>(),
                choices => event_choices(&[EventKind::ArticlePublished], user.language()),
                max_description => MAX_DESCRIPTION_CHARS,
                notice => notice(user.language(), query.notice.as_deref()),
            }
        },
    )
}

pub async fn show(
    State(state): State<NewsroomState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<NoticeQuery>,
) -> AppResult<Response> {
    require(&user, PERMISSION, WHAT)?;
    let endpoint = state
        .store
        .webhook_endpoint(parse_id(&id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let log = state
        .store
        .webhook_deliveries(endpoint.id, LOG_LENGTH)
        .await?;
    let webhook = crate::locale::locales().word(user.language(), "nr-wh-title");
    let title = format!("{webhook}: {}", endpoint.url);
    render(
        "webhook.html",
        minijinja::context! {
            ..layout(Some(&user), &title),
            ..minijinja::context! {
                endpoint => endpoint_view(&endpoint, user.language()),
                max_description => MAX_DESCRIPTION_CHARS,
                deliveries => log.iter().map(|l| {
                    let d = &l.delivery;
                    minijinja::context! {
                        id => d.id,
                        event => l.event_kind.as_str(),
                        event_id => d.event_id,
                        subject => l.subject.clone(),
                        status => d.status.as_str(),
                        status_label => status_label(user.language(), d.status),
                        code => d.last_status_code,
                        error => d.last_error.clone(),
                        when => show_time(d.last_attempt_at.unwrap_or(d.created_at)),
                        duration_ms => d.last_duration_ms,
                        attempts => d.attempts,
                        next => (d.status == DeliveryStatus::Pending)
                            .then(|| show_time(d.next_attempt_at)),
                    }
                }).collect::<Vec<_>>(),
                notice => notice(user.language(), query.notice.as_deref()),
            }
        },
    )
}

/// The endpoint the form describes; a bad URL or no event is a clear 400 and changes nothing.
fn endpoint_input(form: &FormData, allow_private: bool) -> AppResult<WebhookEndpointInput> {
    let url = check_webhook_url(&form.text("url"), allow_private).map_err(AppError::BadRequest)?;
    let description = form.text("description");
    if description.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(AppError::BadRequest(format!(
            "A description has at most {MAX_DESCRIPTION_CHARS} characters."
        )));
    }
    let mut events = Vec::new();
    for name in form.all("events") {
        let kind = EventKind::parse(name)
            .ok_or_else(|| AppError::BadRequest(format!("There is no event {name:?}.")))?;
        events.push(kind);
    }
    if events.is_empty() {
        return Err(AppError::BadRequest(
            "Choose at least one event to send.".into(),
        ));
    }
    Ok(WebhookEndpointInput {
        url,
        description,
        events,
        // Unticked checkboxes are not sent at all.
        active: form.get("active").is_some(),
    })
}

fn describe(input: &WebhookEndpointInput) -> String {
    let events = input
        .events
        .iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "{} ({events}{})",
        input.url,
        if input.active { "" } else { "; off" }
    )
}

fn parse_id(raw: &str) -> AppResult<i64> {
    raw.parse().map_err(|_| AppError::NotFound)
}

pub async fn create(State(state): State<NewsroomState>, post: PostForm) -> AppResult<Response> {
    require(&post.user, PERMISSION, WHAT)?;
    let input = endpoint_input(&post.form, state.config.webhooks_allow_private)?;
    let entry = audit_entry(
        &post.user.actor(),
        "create",
        "webhook",
        None,
        describe(&input),
    );
    let made = state
        .store
        .create_webhook_endpoint(&input, &new_secret(), entry, state.now())
        .await?;
    Ok(see_other(&format!(
        "/newsroom/webhooks/{}?notice=created",
        made.id
    )))
}

/// `action` = `save` (with the endpoint's fields), `secret` (a new secret) or `delete`.
pub async fn update(
    State(state): State<NewsroomState>,
    Path(id): Path<String>,
    post: PostForm,
) -> AppResult<Response> {
    require(&post.user, PERMISSION, WHAT)?;
    let id = parse_id(&id)?;
    let endpoint = state
        .store
        .webhook_endpoint(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let actor = post.user.actor();
    match post.form.text("action").as_str() {
        "save" => {
            let input = endpoint_input(&post.form, state.config.webhooks_allow_private)?;
            let entry = audit_entry(&actor, "update", "webhook", Some(id), describe(&input));
            state
                .store
                .update_webhook_endpoint(id, &input, entry, state.now())
                .await?;
            Ok(see_other(&format!("/newsroom/webhooks/{id}?notice=saved")))
        }
        "secret" => {
            let entry = audit_entry(
                &actor,
                "regenerate_secret",
                "webhook",
                Some(id),
                endpoint.url,
            );
            state
                .store
                .set_webhook_secret(id, &new_secret(), entry, state.now())
                .await?;
            Ok(see_other(&format!("/newsroom/webhooks/{id}?notice=secret")))
        }
        "delete" => {
            let entry = audit_entry(&actor, "delete", "webhook", Some(id), endpoint.url);
            state.store.delete_webhook_endpoint(id, entry).await?;
            Ok(see_other("/newsroom/webhooks?notice=deleted"))
        }
        _ => Err(AppError::BadRequest(
            "Choose to save, to make a new secret or to delete the endpoint.".into(),
        )),
    }
}

/// Queues a new delivery of the same event to the same endpoint, due now.
pub async fn redeliver(
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
        .filter(|d| d.channel == channels::WEBHOOK)
        .ok_or(AppError::NotFound)?;
    let entry = audit_entry(
        &post.user.actor(),
        "redeliver",
        "webhook",
        delivery.target.parse().ok(),
        format!("event {} (delivery {id})", delivery.event_id),
    );
    state.store.redeliver(id, entry, state.now()).await?;
    Ok(see_other(&format!(
        "/newsroom/webhooks/{}?notice=redelivered",
        delivery.target
    )))
}
