//! Posting a live-blog entry through the Admin API, with the newsroom's own posting code
//! (`newsroom::live::post_submission`): whoever may read the article may post while it is live,
//! a contributor's entry waits for an editor, and the rules of `gazette_core::live::rules` hold.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::articles::path_id;
use super::auth::Caller;
use super::schema::{LiveEntryOut, LiveEntryRequest, TokenAnswers};
use crate::api::error::{ApiError, ApiJson, ApiResult, ErrorBody};
use crate::newsroom::access::readable;
use crate::newsroom::live::{FieldErrors, Submission, post_submission, require_live};
use crate::state::NewsroomState;

#[utoipa::path(
    post,
    path = "/api/admin/v1/articles/{id}/live/entries",
    tag = "Admin API",
    description = "Posts an entry to a live blog (or keeps it as a draft). A contributor's entry waits for an editor. Needs the `live` scope.",
    params(("id" = i64, Path, description = "The live blog's article id")),
    request_body = LiveEntryRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The entry as stored", body = LiveEntryOut),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        TokenAnswers,
        (status = 403, description = "The token lacks the scope, or its person may not read this article", body = ErrorBody),
        (status = 404, description = "No such article", body = ErrorBody),
        (status = 409, description = "The article is not a live blog, or its coverage ended", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
        (status = 422, description = "The entry is empty or too long, or a field is wrong", body = ErrorBody),
    )
)]
pub async fn post_entry(
    caller: Caller,
    State(state): State<NewsroomState>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<LiveEntryRequest>,
) -> ApiResult<(StatusCode, Json<LiveEntryOut>)> {
    let id = path_id(&id)?;
    let (article, _) = readable(&state, &caller.acting, id).await?;
    require_live(&state, id).await?;
    let submission = Submission {
        headline: body.headline.unwrap_or_default(),
        body: body.body_markdown.replace("\r\n", "\n"),
        key_event: body.key_event,
        action: if body.draft { "draft" } else { "post" }.to_owned(),
        ..Submission::default()
    };
    let entry_id = post_submission(
        &state,
        &caller.acting,
        &article,
        submission,
        &mut FieldErrors::default(),
    )
    .await?;
    let entry = state
        .store
        .live_entry(entry_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok((StatusCode::CREATED, Json(LiveEntryOut::from(&entry))))
}
