//! Corrections and updates appended to a published article.

use axum::extract::{Path, State};
use axum::response::Response;
use gazette_core::ArticleStatus;
use gazette_core::newsroom::{ArticleAction, CorrectionKind, parse_note};

use super::access::authorised;
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
    let (article, _) = authorised(&state, &user, id, ArticleAction::Correct).await?;
    if article.status != ArticleStatus::Published {
        return Err(AppError::Conflict(
            "Corrections and updates are for published articles; edit a draft directly.".into(),
        ));
    }
    let kind = CorrectionKind::parse(&form.text("kind"))
        .ok_or_else(|| AppError::BadRequest("Choose Correction or Update.".into()))?;
    let text = parse_note(form.get("text").unwrap_or(""))
        .map_err(|m| AppError::BadRequest(format!("{}.", super::pages::capitalise(&m))))?;
    // The store writes the audit entry with the note.
    let note = state
        .store
        .add_correction(id, kind, &text, &user.actor(), state.now())
        .await?;
    changed_at(&state, note.seq);
    Ok(see_other(&format!(
        "/newsroom/articles/{id}?notice=corrected"
    )))
}
