//! One entry of a live blog: its edit page with the revision history
//! (`GET /newsroom/live/entries/{id}`), and what can be done to it
//! (`POST /newsroom/live/entries/{id}`, `action` = `save`, `publish`, `delete`, `pin`, `unpin`,
//! `key` or `unkey`), each checked by [`super::rules`] and audit-logged.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use gazette_core::live::{EntryDraft, EntryStatus, LiveEntry};
use gazette_store::live::EntryMarks;

use super::rules::{self, EntryAction};
use super::{Composer, ENTRY_ENTITY, FieldErrors, status_label};
use crate::error::{AppError, AppResult, Format, Place};
use crate::locale::locales;
use crate::newsroom::access::person;
use crate::newsroom::auth::{CurrentUser, PostForm};
use crate::newsroom::pages::{audit_entry, changed_at, layout, render, see_other, show_time};
use crate::state::NewsroomState;

fn entry_id(raw: &str) -> AppResult<i64> {
    raw.trim().parse().map_err(|_| AppError::NotFound)
}

/// The entry, if the person may open it at all.
async fn load(state: &NewsroomState, user: &CurrentUser, id: &str) -> AppResult<LiveEntry> {
    let entry = state
        .store
        .live_entry(entry_id(id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    if entry.status == EntryStatus::Deleted {
        return Err(AppError::Gone);
    }
    rules::authorise(&entry, &person(user), EntryAction::Open)?;
    Ok(entry)
}

async fn render_entry(
    state: &NewsroomState,
    user: &CurrentUser,
    entry: &LiveEntry,
    (form, error): (Composer, Option<String>),
    status: StatusCode,
) -> AppResult<Response> {
    let me = person(user);
    let article = state.store.article(entry.article_id).await?;
    let revisions = state.store.entry_revisions(entry.id).await?;
    let names: HashMap<i64, String> = if revisions.is_empty() {
        HashMap::new()
    } else {
        state
            .store
            .users()
            .await?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect()
    };
    let history: Vec<_> = revisions
        .iter()
        .rev()
        .map(|r| {
            minijinja::context! {
                at => show_time(r.saved_at),
                by => r.user_id.and_then(|id| names.get(&id).cloned()),
                headline => r.headline.clone(),
                body => r.body_markdown.clone(),
            }
        })
        .collect();
    let mut response = render(
        "live_entry.html",
        minijinja::context! {
            ..layout(Some(user), &locales().word(user.language(), "nr-live-edit-entry")),
            ..minijinja::context! {
                entry => minijinja::context! {
                    id => entry.id,
                    article_id => entry.article_id,
                    status_label => status_label(user.language(), entry.status),
                    time => show_time(entry.posted_at.unwrap_or(entry.created_at)),
                    edited => entry.edited_at.map(show_time),
                    authors => entry.authors.iter().map(|a| a.name.clone()).collect::<Vec<_>>().join(", "),
                },
                article_headline => article.map(|a| a.headline),
                can_edit => rules::may(entry, &me, EntryAction::Edit),
                form,
                history,
                error,
            }
        },
    )?;
    *response.status_mut() = status;
    Ok(response)
}

pub async fn entry_page(
    State(state): State<NewsroomState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let entry = load(&state, &user, &id).await?;
    let form = Composer {
        headline: entry.headline.clone().unwrap_or_default(),
        body: entry.body_markdown.clone(),
        key_event: entry.key_event,
        ..Composer::default()
    };
    render_entry(&state, &user, &entry, (form, None), StatusCode::OK).await
}

/// Does `action` to the entry and sends the person back to the blog's posting screen.
pub async fn entry_action(
    State(state): State<NewsroomState>,
    Path(id): Path<String>,
    post: PostForm,
) -> AppResult<Response> {
    let PostForm { user, form } = post;
    let entry = load(&state, &user, &id).await?;
    let me = person(&user);
    let requested = form.text("action");
    let (needed, marks) = match requested.as_str() {
        "save" => (EntryAction::Edit, None),
        "publish" => (EntryAction::Publish, None),
        "delete" => (EntryAction::Delete, None),
        "pin" | "unpin" => (
            EntryAction::Pin,
            Some(EntryMarks {
                pinned: Some(requested == "pin"),
                key_event: None,
            }),
        ),
        "key" | "unkey" => (
            EntryAction::MarkKeyEvent,
            Some(EntryMarks {
                pinned: None,
                key_event: Some(requested == "key"),
            }),
        ),
        _ => return Err(AppError::BadRequest("Unknown action on an entry.".into())),
    };
    rules::authorise(&entry, &me, needed)?;
    let now = state.now();
    let detail = format!("on article {}", entry.article_id);
    let mut notice = requested.clone();
    let written = match requested.as_str() {
        "save" => {
            let typed = Composer {
                headline: form.text("headline"),
                body: form.get("body").unwrap_or("").replace("\r\n", "\n"),
                key_event: form.get("key_event").is_some(),
                ..Composer::default()
            };
            let mut author_ids: Vec<i64> = entry.authors.iter().map(|a| a.id).collect();
            if author_ids.is_empty() {
                author_ids.extend(user.user.author_id);
            }
            let draft = EntryDraft {
                headline: Some(typed.headline.clone()),
                body_markdown: typed.body.clone(),
                author_ids,
                key_event: typed.key_event,
            };
            let draft = match draft.validated() {
                Ok(draft) => draft,
                Err(e) => {
                    let mut errors = FieldErrors::default();
                    errors.place(&e);
                    let form = Composer { errors, ..typed };
                    let error = Some(e.to_string());
                    let status = StatusCode::BAD_REQUEST;
                    return render_entry(&state, &user, &entry, (form, error), status).await;
                }
            };
            let audit = audit_entry(&user.actor(), "edit", ENTRY_ENTITY, Some(entry.id), detail);
            let saved = state
                .store
                .edit_entry(entry.id, draft, Some(user.user.id), Some(&audit), now)
                .await;
            match saved {
                Ok(written) => {
                    notice = "saved".into();
                    written
                }
                Err(e) => {
                    let e = AppError::from(e);
                    if !matches!(e, AppError::BadRequest(_) | AppError::Conflict(_)) {
                        return Err(e);
                    }
                    let status = e.status(Format::Html);
                    let form = typed;
                    let error = Some(e.message(Place::Newsroom));
                    return render_entry(&state, &user, &entry, (form, error), status).await;
                }
            }
        }
        "publish" => {
            let status = rules::published_status(&entry, &me);
            if status == EntryStatus::Pending {
                notice = "pending".into();
            }
            let audit = audit_entry(
                &user.actor(),
                if status == EntryStatus::Pending {
                    "submit"
                } else {
                    "publish"
                },
                ENTRY_ENTITY,
                Some(entry.id),
                detail,
            );
            state
                .store
                .set_entry_status(entry.id, status, Some(&audit), now)
                .await?
        }
        "delete" => {
            let audit = audit_entry(
                &user.actor(),
                "delete",
                ENTRY_ENTITY,
                Some(entry.id),
                detail,
            );
            state
                .store
                .set_entry_status(entry.id, EntryStatus::Deleted, Some(&audit), now)
                .await?
        }
        _ => {
            let audit = audit_entry(
                &user.actor(),
                &requested,
                ENTRY_ENTITY,
                Some(entry.id),
                detail,
            );
            let marks = marks.unwrap_or_default();
            state
                .store
                .mark_entry(entry.id, marks, Some(&audit), now)
                .await?
        }
    };
    changed_at(&state, written.seq);
    let anchor = if requested == "delete" {
        String::new()
    } else {
        format!("#entry-{}", entry.id)
    };
    Ok(see_other(&format!(
        "/newsroom/articles/{}/live?notice={notice}{anchor}",
        entry.article_id
    )))
}
