//! "Who else is editing": the editor's script calls this every half minute while the article is
//! open. It notes that this person still has it open and answers with the others who do.

use axum::Json;
use axum::extract::{Path, State};
use chrono::Duration;

use super::access::readable;
use super::articles::EDITING_WINDOW_MINUTES;
use super::auth::PostForm;
use super::pages::show_time;
use crate::error::{AppError, JsonError};
use crate::state::NewsroomState;

pub async fn presence(
    State(state): State<NewsroomState>,
    Path(id): Path<String>,
    post: PostForm,
) -> Result<Json<serde_json::Value>, JsonError> {
    let id: i64 = id.trim().parse().map_err(|_| AppError::NotFound)?;
    // Being listed as "also editing" is for people who may read the article.
    readable(&state, &post.user, id).await?;
    let now = state.now();
    let others = state
        .store
        .mark_editing(
            id,
            post.user.user.id,
            now - Duration::minutes(EDITING_WINDOW_MINUTES),
            now,
        )
        .await
        .map_err(AppError::from)?;
    let names: Vec<String> = others.iter().map(|o| o.name.clone()).collect();
    let message = if others.is_empty() {
        String::new()
    } else {
        // The same words as the editor page prints (editor.html), in the person's language.
        let (l, language) = (crate::locale::locales(), post.user.language());
        let opened: Vec<String> = others
            .iter()
            .map(|o| {
                let who =
                    super::pages::args(&[("name", o.name.clone()), ("seen", show_time(o.seen_at))]);
                l.text(language, "nr-editor-opened", Some(&who))
            })
            .collect();
        format!(
            "{} {}. {}",
            l.word(language, "nr-editor-also-editing"),
            opened.join(", "),
            l.word(language, "nr-editor-both-save")
        )
    };
    Ok(Json(serde_json::json!({
        "others": names,
        "message": message,
    })))
}
