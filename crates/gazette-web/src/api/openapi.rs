//! The OpenAPI 3.1 document: its header here, its paths and schemas from the handlers and types
//! (`#[utoipa::path]`, `ToSchema`) that [`super::routes`] collects. Served as JSON at
//! `/api/openapi.json`.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use utoipa::OpenApi;

use super::admin::BearerScheme;
use crate::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Gazette API",
        description = "The Content API (public, read-only) and the Admin API (tokens made in the newsroom).",
        version = "1.0.0"
    ),
    components(schemas(super::error::ErrorBody, super::error::ApiError)),
    tags(
        (name = "Content API", description = "Public and read-only, at `/api/v1/`: what the public site shows, as JSON. No key needed; a consumer's key (`X-Gazette-Key` or `?key=`) is counted and rate limited. Every answer has an `ETag` (send it in `If-None-Match` for a `304`), the site's `Cache-Control`, `Surrogate-Key` and CORS headers. Lists page with `next_cursor`. Errors are `{\"error\": {\"status\", \"code\", \"message\"}}`."),
    ),
    // The Admin API's `Authorization: Bearer gzt_…` (helper B).
    modifiers(&BearerScheme)
)]
struct ApiDoc;

/// The document's header, before the routes add their paths.
pub fn base() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// `/api/openapi.json`, serialised once.
pub fn router(document: utoipa::openapi::OpenApi) -> Router<AppState> {
    let json: Arc<str> = document
        .to_pretty_json()
        .unwrap_or_else(|_| "{}".to_owned())
        .into();
    Router::new().route(
        "/api/openapi.json",
        get(move |State(_): State<AppState>| {
            let json = json.clone();
            async move { document_response(&json) }
        }),
    )
}

fn document_response(json: &str) -> Response {
    let mut response = json.to_owned().into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}
