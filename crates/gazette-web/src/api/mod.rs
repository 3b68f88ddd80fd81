//! The JSON APIs and their contract.
//!
//! - [`content`]: the public, read-only Content API at `/api/v1/…` (articles, sections, tags,
//!   authors, pages, search), cached like pages;
//! - [`admin`]: the Admin API at `/api/admin/v1/…`, for people's tokens made in the newsroom: the
//!   newsroom's own operations (the same rules, the same code), audit-logged with the token's name;
//! - [`error`]: the one JSON error shape, `{"error": {"status", "code", "message"}}`, and the body
//!   extractor that turns malformed input into it;
//! - [`oembed`]: cards for article addresses, for partner sites and chat apps;
//! - [`openapi`]: the OpenAPI 3.1 document, generated from the handlers and types below and
//!   served at `/api/openapi.json`;
//! - [`reference`]: `/api/docs`, the readable reference page rendered from that document.
//!
//! Each part builds a `utoipa_axum` router, so a route and its entry in the document are declared
//! once, together; [`router`] merges them and splits the result into the axum router and the
//! document.

pub mod admin;
pub mod content;
pub mod error;
pub mod oembed;
pub mod openapi;
pub mod reference;

use axum::Router;
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

/// Every API route, and the document that describes them.
pub fn routes() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(openapi::base())
        .merge(content::routes())
        .merge(admin::routes())
        .routes(utoipa_axum::routes!(oembed::oembed))
        .split_for_parts()
}

/// The API routes with the document served beside them, for the site's router to merge.
pub fn router() -> Router<AppState> {
    let (routes, document) = routes();
    let reference = reference::router(&document);
    routes.merge(openapi::router(document)).merge(reference)
}
