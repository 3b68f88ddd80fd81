//! Corrections and updates appended to a published article.

use axum::extract::{Path, State};
use axum::response::Response;
use gazette_core::ArticleStatus;
use gazette_core::newsroom::{ArticleAction, Correction, CorrectionKind, parse_note};
use gazette_store::Written;

use super::access::{Acts, authorised};
use super::auth::PostForm;
use super::pages::{changed_at, see_other};
use crate::error::{AppError, AppResult};
use crate::state::NewsroomState;

pub async fn add(
    State(state): State<NewsroomState>,
    Path(id): Path<String>,
    post: PostForm,
) -> AppResult<Response> {
    let PostForm { user, form } = post;
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    add_note(
        &state,
        &user,
        id,
        &form.text("kind"),
        form.get("text").unwrap_or(""),
    )
    .await?;
    Ok(see_other(&format!(
        "/newsroom/articles/{id}?notice=corrected"
    )))
}

/// Appends a correction or update (`kind`: `correction` or `update`) to a published article for
/// `who`: the newsroom's form and the Admin API both come here.
pub async fn add_note(
    state: &NewsroomState,
    who: &impl Acts,
    id: i64,
    kind: &str,
    text: &str,
) -> AppResult<Written<Correction>> {
    let (article, _) = authorised(state, who, id, ArticleAction::Correct).await?;
    if article.status != ArticleStatus::Published {
        return Err(AppError::Conflict(
            "Corrections and updates are for published articles; edit a draft directly.".into(),
        ));
    }
    let kind = CorrectionKind::parse(kind)
        .ok_or_else(|| AppError::BadRequest("Choose Correction or Update.".into()))?;
    let text = parse_note(text)
        .map_err(|m| AppError::BadRequest(format!("{}.", super::pages::capitalise(&m))))?;
    // The store writes the audit entry with the note.
    let note = state
        .store
        .add_correction(id, kind, &text, &who.actor(), state.now())
        .await?;
    changed_at(state, note.seq);
    Ok(note)
}
