//! Every route of the site, in one place.

use axum::Router;
use axum::middleware;
use axum::response::IntoResponse;
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

use crate::AppState;
use crate::error::{AppError, not_found, render_error_pages};
use crate::security::security_headers;
use crate::site::{article, assets, health, home, lists, pages};

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(home::home))
        .route("/healthz", get(health::healthz))
        .route("/assets/{name}", get(assets::asset))
        .route("/search", get(lists::search))
        .route("/tags/{slug}", get(lists::tag))
        .route("/authors/{slug}", get(lists::author))
        .route("/pages/{slug}", get(pages::page))
        .route("/{section}", get(lists::section))
        .route("/{section}/{slug}", get(article::article))
        .fallback(not_found)
        .layer(CatchPanicLayer::custom(|_| {
            // A panic is a bug; the reader still gets the site's error page.
            AppError::Internal("handler panicked".into()).into_response()
        }))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            render_error_pages,
        ))
        .layer(middleware::from_fn(security_headers))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
