//! Articles through the Admin API: list, read, create, update, and the workflow (submit,
//! schedule, publish, unpublish) and corrections. Each call runs the newsroom's own operation
//! (`newsroom::articles`, `newsroom::corrections`) for the token's person, so roles, ownership,
//! embargoes, alt text before publishing and the stale-save check are the newsroom's.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use gazette_core::newsroom::ArticleAction;
use gazette_core::submission::ArticleInput;
use gazette_core::workflow::{self, WorkflowAction, WorkflowRequest};
use gazette_core::{ArticleStatus, Language};
use gazette_store::{NewsroomFilter, NewsroomSort, PageRequest};

use super::auth::Caller;
use super::schema::{
    ArticleList, ArticleListItem, ArticleOut, CorrectionOut, CorrectionRequest, ListParams,
    NewArticleRequest, ScheduleRequest, StaleBody, TokenAnswers, UpdateArticleRequest,
};
use crate::api::content::params::ApiQuery;
use crate::api::error::{ApiError, ApiJson, ApiResult, ErrorBody};
use crate::error::AppError;
use crate::newsroom::access::{authorised, readable};
use crate::newsroom::{articles, corrections};
use crate::state::NewsroomState;

/// Articles per page unless `per_page` says otherwise.
const DEFAULT_PER_PAGE: u32 = 20;

/// An article's id from the path: anything else is an address with nothing at it.
pub fn path_id(raw: &str) -> ApiResult<i64> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(ApiError::not_found)
}

fn number(
    raw: &Option<String>,
    name: &str,
    range: std::ops::RangeInclusive<u32>,
) -> ApiResult<Option<u32>> {
    let Some(raw) = raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    raw.parse::<u32>()
        .ok()
        .filter(|n| range.contains(n))
        .map(Some)
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "{name} must be a whole number from {} to {}.",
                range.start(),
                range.end()
            ))
        })
}

/// The article as stored now, with its latest revision.
async fn current(state: &NewsroomState, id: i64) -> ApiResult<ArticleOut> {
    let article = state
        .store
        .article(id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let workflow = state
        .store
        .article_workflow(id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(ArticleOut::new(&article, &workflow))
}

/// Tags as the editor's field holds them (comma-separated), so a tag cannot hold a comma.
fn tags_field(tags: &[String]) -> ApiResult<String> {
    if tags.iter().any(|t| t.contains(',')) {
        return Err(ApiError::invalid("A tag cannot contain a comma."));
    }
    Ok(tags.join(", "))
}

fn ids(ids: &[i64]) -> Vec<String> {
    ids.iter().map(i64::to_string).collect()
}

#[utoipa::path(
    get,
    path = "/api/admin/v1/articles",
    tag = "Admin API",
    description = "Articles in every status the token's person may read, most recently changed first. Needs the `read_drafts` scope.",
    params(ListParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of articles", body = ArticleList),
        (status = 400, description = "A parameter is not valid", body = ErrorBody),
        TokenAnswers,
        (status = 403, description = "The token lacks the scope", body = ErrorBody),
        (status = 422, description = "The address holds a control character", body = ErrorBody),
    )
)]
pub async fn list(
    caller: Caller,
    State(state): State<NewsroomState>,
    ApiQuery(p): ApiQuery<ListParams>,
) -> ApiResult<Json<ArticleList>> {
    let user = &caller.acting.user;
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let status = given(&p.status)
        .map(|s| {
            ArticleStatus::parse(&s).map_err(|_| {
                ApiError::bad_request(
                    "status must be draft, in_review, scheduled, published or unpublished.",
                )
            })
        })
        .transpose()?;
    let section_id = given(&p.section_id)
        .map(|s| {
            s.parse::<i64>()
                .map_err(|_| ApiError::bad_request("section_id must be a section's id."))
        })
        .transpose()?;
    let page = number(&p.page, "page", 1..=100_000)?.unwrap_or(1);
    let per_page = number(&p.per_page, "per_page", 1..=100)?.unwrap_or(DEFAULT_PER_PAGE);
    let filter = NewsroomFilter {
        // The newsroom list's rule: writers see their own unpublished work, editors everyone's.
        readable_by: (!workflow::reads_everything(user.role)).then_some(user.id),
        status,
        section_id,
        author_id: None,
        language: None,
        text: given(&p.q).map(|q| q.chars().take(200).collect()),
        sort: NewsroomSort::Modified,
    };
    let found = state
        .store
        .newsroom_articles(&filter, PageRequest::new(page, per_page))
        .await?;
    Ok(Json(ArticleList {
        articles: found.items.iter().map(ArticleListItem::from).collect(),
        total: found.total,
        page,
        per_page,
    }))
}

#[utoipa::path(
    get,
    path = "/api/admin/v1/articles/{id}",
    tag = "Admin API",
    description = "One article in any status, with its latest revision. Needs the `read_drafts` scope.",
    params(("id" = i64, Path, description = "The article's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The article", body = ArticleOut),
        TokenAnswers,
        (status = 403, description = "The token lacks the scope, or its person may not read this article", body = ErrorBody),
        (status = 404, description = "No such article", body = ErrorBody),
        (status = 422, description = "The address holds a control character", body = ErrorBody),
    )
)]
pub async fn get_one(
    caller: Caller,
    State(state): State<NewsroomState>,
    Path(id): Path<String>,
) -> ApiResult<Json<ArticleOut>> {
    let id = path_id(&id)?;
    let (article, workflow) = readable(&state, &caller.acting, id).await?;
    Ok(Json(ArticleOut::new(&article, &workflow)))
}

#[utoipa::path(
    post,
    path = "/api/admin/v1/articles",
    tag = "Admin API",
    description = "Creates a draft owned by the token's person. Needs the `write_drafts` scope.",
    request_body = NewArticleRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The new draft", body = ArticleOut),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        TokenAnswers,
        (status = 403, description = "The token lacks the scope, or its person may not write", body = ErrorBody),
        (status = 409, description = "The address (slug) is taken", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
        (status = 422, description = "A field is missing, of the wrong type, unknown, or breaks a rule", body = ErrorBody),
    )
)]
pub async fn create(
    caller: Caller,
    State(state): State<NewsroomState>,
    ApiJson(body): ApiJson<NewArticleRequest>,
) -> ApiResult<(StatusCode, Json<ArticleOut>)> {
    let user = &caller.acting.user;
    let author_ids = if body.author_ids.is_empty() {
        user.author_id.into_iter().collect()
    } else {
        body.author_ids.clone()
    };
    let input = ArticleInput {
        headline: body.headline,
        standfirst: body.standfirst,
        body: body.body_markdown,
        section_id: body.section_id.to_string(),
        tags: tags_field(&body.tags)?,
        author_ids: ids(&author_ids),
        seo_title: body.seo_title,
        seo_description: body.seo_description,
        slug: body.slug,
        language: body
            .language
            .unwrap_or_else(|| Language::default().code().to_owned()),
        base_revision: String::new(),
    };
    let written = articles::create_draft(&state, &caller.acting, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(current(&state, written.id).await?),
    ))
}

/// The `409` of a stale update.
fn stale(current_revision: Option<i64>) -> Response {
    let revision = current_revision.map_or_else(|| "none".to_owned(), |r| r.to_string());
    let error = ApiError::conflict(format!(
        "Not saved: someone saved this article after the revision your change is based on. Read \
         it again, apply your change to revision {revision} and send {revision} as base_revision."
    ));
    (
        error.status_code(),
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        Json(StaleBody {
            error,
            current_revision,
        }),
    )
        .into_response()
}

#[utoipa::path(
    patch,
    path = "/api/admin/v1/articles/{id}",
    tag = "Admin API",
    description = "Changes an article as a new revision; fields left out keep their value. Refused with 409 and the current revision when someone saved after `base_revision`. Needs the `write_drafts` scope.",
    params(("id" = i64, Path, description = "The article's id")),
    request_body = UpdateArticleRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The article as saved", body = ArticleOut),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        TokenAnswers,
        (status = 403, description = "The token lacks the scope, or its person may not edit this article", body = ErrorBody),
        (status = 404, description = "No such article", body = ErrorBody),
        (status = 409, description = "Stale: someone saved after base_revision", body = StaleBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
        (status = 422, description = "A field is of the wrong type, unknown, or breaks a rule", body = ErrorBody),
    )
)]
pub async fn update(
    caller: Caller,
    State(state): State<NewsroomState>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UpdateArticleRequest>,
) -> Result<Json<ArticleOut>, Response> {
    let id = path_id(&id).map_err(IntoResponse::into_response)?;
    let (article, workflow) = authorised(&state, &caller.acting, id, ArticleAction::Edit)
        .await
        .map_err(|e| ApiError::from(e).into_response())?;
    // The newsroom forgives a person's own older form (their autosave moved on); a program has
    // no such excuse, so any newer revision makes its change stale.
    if workflow
        .latest_revision
        .is_some_and(|latest| latest != body.base_revision)
    {
        return Err(stale(workflow.latest_revision));
    }
    let mut input = ArticleInput::from_article(&article, Some(body.base_revision));
    let invalid = |e: ApiError| e.into_response();
    if let Some(v) = body.headline {
        input.headline = v;
    }
    if let Some(v) = body.section_id {
        input.section_id = v.to_string();
    }
    if let Some(v) = body.standfirst {
        input.standfirst = v;
    }
    if let Some(v) = body.body_markdown {
        input.body = v;
    }
    if let Some(v) = body.tags {
        input.tags = tags_field(&v).map_err(invalid)?;
    }
    if let Some(v) = body.author_ids {
        input.author_ids = ids(&v);
    }
    if let Some(v) = body.seo_title {
        input.seo_title = v;
    }
    if let Some(v) = body.seo_description {
        input.seo_description = v;
    }
    if let Some(v) = body.slug {
        input.slug = v;
    }
    if let Some(v) = body.language {
        input.language = v;
    }
    match articles::save_input(
        &state,
        &caller.acting,
        (&article, &workflow),
        &input,
        ("saved through the API", "edit"),
    )
    .await
    {
        Ok(_) => current(&state, id)
            .await
            .map(Json)
            .map_err(IntoResponse::into_response),
        Err(AppError::Conflict(_)) => {
            let latest = state
                .store
                .article_workflow(id)
                .await
                .map_err(|e| ApiError::from(e).into_response())?
                .and_then(|w| w.latest_revision);
            Err(stale(latest))
        }
        Err(e) => Err(ApiError::from(e).into_response()),
    }
}

/// Runs one workflow move and answers with the article as it is then.
async fn workflow_move(
    state: &NewsroomState,
    caller: &Caller,
    id: &str,
    request: WorkflowRequest,
) -> ApiResult<Json<ArticleOut>> {
    let id = path_id(id)?;
    articles::apply_workflow(state, &caller.acting, id, &request).await?;
    Ok(Json(current(state, id).await?))
}

fn plain(action: WorkflowAction) -> WorkflowRequest {
    WorkflowRequest {
        action,
        publish_at: None,
        embargo_until: None,
        takedown_at: None,
    }
}

#[utoipa::path(
    post,
    path = "/api/admin/v1/articles/{id}/submit",
    tag = "Admin API",
    description = "Sends a draft to the editors for review. Needs the `write_drafts` scope.",
    params(("id" = i64, Path, description = "The article's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The article, in review", body = ArticleOut),
        TokenAnswers,
        (status = 403, description = "The token lacks the scope, or its person may not submit this article", body = ErrorBody),
        (status = 404, description = "No such article", body = ErrorBody),
        (status = 409, description = "The article is not a draft", body = ErrorBody),
        (status = 422, description = "A rule of the workflow is broken", body = ErrorBody),
    )
)]
pub async fn submit(
    caller: Caller,
    State(state): State<NewsroomState>,
    Path(id): Path<String>,
) -> ApiResult<Json<ArticleOut>> {
    workflow_move(&state, &caller, &id, plain(WorkflowAction::Submit)).await
}

#[utoipa::path(
    post,
    path = "/api/admin/v1/articles/{id}/publish",
    tag = "Admin API",
    description = "Publishes an article now. Its images need alt text first. Needs the `publish` scope.",
    params(("id" = i64, Path, description = "The article's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The article, published", body = ArticleOut),
        TokenAnswers,
        (status = 403, description = "The token lacks the scope, or its person may not publish", body = ErrorBody),
        (status = 404, description = "No such article", body = ErrorBody),
        (status = 409, description = "The article cannot be published from its status", body = ErrorBody),
        (status = 422, description = "A rule is broken (an image without alt text)", body = ErrorBody),
    )
)]
pub async fn publish(
    caller: Caller,
    State(state): State<NewsroomState>,
    Path(id): Path<String>,
) -> ApiResult<Json<ArticleOut>> {
    workflow_move(&state, &caller, &id, plain(WorkflowAction::PublishNow)).await
}

#[utoipa::path(
    post,
    path = "/api/admin/v1/articles/{id}/schedule",
    tag = "Admin API",
    description = "Schedules an article to be published at `publish_at`, optionally under embargo and with a takedown time. Its images need alt text first. Needs the `publish` scope.",
    params(("id" = i64, Path, description = "The article's id")),
    request_body = ScheduleRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The article, scheduled", body = ArticleOut),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        TokenAnswers,
        (status = 403, description = "The token lacks the scope, or its person may not publish", body = ErrorBody),
        (status = 404, description = "No such article", body = ErrorBody),
        (status = 409, description = "The article cannot be scheduled from its status", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
        (status = 422, description = "A time is wrong (in the past, or after the takedown), or an image lacks alt text", body = ErrorBody),
    )
)]
pub async fn schedule(
    caller: Caller,
    State(state): State<NewsroomState>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ScheduleRequest>,
) -> ApiResult<Json<ArticleOut>> {
    let request = WorkflowRequest {
        action: WorkflowAction::Schedule,
        publish_at: Some(body.publish_at),
        embargo_until: body.embargo_until,
        takedown_at: body.takedown_at,
    };
    workflow_move(&state, &caller, &id, request).await
}

#[utoipa::path(
    post,
    path = "/api/admin/v1/articles/{id}/unpublish",
    tag = "Admin API",
    description = "Takes a published article down: readers get “removed”. Needs the `publish` scope.",
    params(("id" = i64, Path, description = "The article's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The article, unpublished", body = ArticleOut),
        TokenAnswers,
        (status = 403, description = "The token lacks the scope, or its person may not unpublish", body = ErrorBody),
        (status = 404, description = "No such article", body = ErrorBody),
        (status = 409, description = "The article is not published", body = ErrorBody),
        (status = 422, description = "A rule of the workflow is broken", body = ErrorBody),
    )
)]
pub async fn unpublish(
    caller: Caller,
    State(state): State<NewsroomState>,
    Path(id): Path<String>,
) -> ApiResult<Json<ArticleOut>> {
    workflow_move(&state, &caller, &id, plain(WorkflowAction::Unpublish)).await
}

#[utoipa::path(
    post,
    path = "/api/admin/v1/articles/{id}/corrections",
    tag = "Admin API",
    description = "Adds a correction or an update to a published article; readers see it at its end. Needs the `publish` scope.",
    params(("id" = i64, Path, description = "The article's id")),
    request_body = CorrectionRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The note as added", body = CorrectionOut),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        TokenAnswers,
        (status = 403, description = "The token lacks the scope, or its person may not correct this article", body = ErrorBody),
        (status = 404, description = "No such article", body = ErrorBody),
        (status = 409, description = "The article is not published", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
        (status = 422, description = "The text is empty or too long, or a field is wrong", body = ErrorBody),
    )
)]
pub async fn add_correction(
    caller: Caller,
    State(state): State<NewsroomState>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CorrectionRequest>,
) -> ApiResult<(StatusCode, Json<CorrectionOut>)> {
    let id = path_id(&id)?;
    let note =
        corrections::add_note(&state, &caller.acting, id, body.kind.as_str(), &body.text).await?;
    Ok((StatusCode::CREATED, Json(CorrectionOut::from(&note.value))))
}
