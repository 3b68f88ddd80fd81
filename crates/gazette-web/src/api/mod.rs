//! The JSON APIs and their contract.
//!
//! - [`content`]: the public, read-only Content API at `/api/v1/…` (articles, sections, tags,
//!   authors, pages, search), cached like pages;
//! - [`admin`]: the Admin API at `/api/admin/v1/…`, for people's tokens made in the newsroom: the
//!   newsroom's own operations (the same rules, the same code), audit-logged with the token's name;
//! - [`error`]: the one JSON error shape, `{"error": {"status", "code", "message"}}`, and the body
//!   extractor that turns malformed input into it;
//! - [`openapi`]: the OpenAPI 3.1 document, generated from the handlers and types below and
//!   served at `/api/openapi.json`, with a readable reference page.
//!
//! Each part builds a `utoipa_axum` router, so a route and its entry in the document are declared
//! once, together; [`router`] merges them and splits the result into the axum router and the
//! document.

pub mod admin;
pub mod content;
pub mod error;
pub mod openapi;

use axum::Router;
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

/// Every API route, and the document that describes them.
pub fn routes() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(openapi::base())
        .merge(content::routes())
        .merge(admin::routes())
        .split_for_parts()
}

/// The API routes with the document served beside them, for the site's router to merge.
pub fn router() -> Router<AppState> {
    let (routes, document) = routes();
    routes.merge(openapi::router(document))
}
