//! The Content API: public, read-only, at `/api/v1/…`. It shows exactly what the public site
//! shows — published articles whose time has come, never drafts, embargoed or taken-down ones —
//! through the store's public read paths, as JSON.
//!
//! Responses are cached and invalidated like pages: each names what it shows in surrogate keys
//! (`article-12`, `section-3`, `home`…), so the page cache keeps it, the server's fast path
//! answers it, and the change log purges it when an article it shows (or a list it now belongs
//! in) changes. Every response carries an `ETag` (a matching `If-None-Match` gets `304`) and CORS
//! headers for `GET` and `HEAD`; preflight `OPTIONS` requests are answered here.
//!
//! Consumers may send a key (`?key=` or `X-Gazette-Key`, see [`keys`]): their requests skip the
//! cache's fast path so that each is counted, and are rate limited per key.

pub mod articles;
pub mod keys;
pub mod params;
pub mod respond;
pub mod schema;
pub mod taxonomy;

use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::ApiError;
use crate::AppState;

/// The headers a browser script may read from a cross-origin answer.
const EXPOSED_HEADERS: &str = "ETag, Retry-After, Surrogate-Key, Cache-Control";

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(articles::list))
        .routes(routes!(articles::by_id))
        .routes(routes!(articles::by_section_and_slug))
        .routes(routes!(taxonomy::sections))
        .routes(routes!(taxonomy::tags))
        .routes(routes!(taxonomy::authors))
        .routes(routes!(taxonomy::pages))
        .routes(routes!(taxonomy::page))
        .routes(routes!(articles::search))
        .layer(middleware::from_fn(cors))
        .layer(axum::Extension(std::sync::Arc::new(
            keys::KeyGate::default(),
        )))
}

/// CORS for every Content API answer, errors included (a script should read why it was
/// refused), and the answer to preflight requests. The API only reads, and never with cookies,
/// so any origin may.
async fn cors(request: Request, next: Next) -> Response {
    if request.method() == Method::OPTIONS {
        let mut response = StatusCode::NO_CONTENT.into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET, HEAD, OPTIONS"),
        );
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static("Accept, If-None-Match, X-Gazette-Key"),
        );
        headers.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("86400"),
        );
        headers.insert(
            header::ALLOW,
            HeaderValue::from_static("GET, HEAD, OPTIONS"),
        );
        return with_cors(response);
    }
    let response = next.run(request).await;
    if response.status() == StatusCode::METHOD_NOT_ALLOWED
        && response
            .extensions()
            .get::<crate::error::PendingError>()
            .is_none()
    {
        // axum's own 405 has no body; the API answers every error in its one shape.
        let mut refused = ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "The Content API only reads: use GET (or HEAD).",
        )
        .into_response();
        refused.headers_mut().insert(
            header::ALLOW,
            HeaderValue::from_static("GET, HEAD, OPTIONS"),
        );
        return with_cors(refused);
    }
    with_cors(response)
}

fn with_cors(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static(EXPOSED_HEADERS),
    );
    response
}
