//! The IndexNow key file at `/{key}.txt` (the distribution settings it reads, which the feeds and
//! the newsroom read too, are [`crate::state::Distribution`]),
//! which a search engine fetches to check that a ping naming this site's key came from its owner.
//! The pings themselves are sent by the node's outbox (`gazette-node`, `outbox/pings.rs`).

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::AppState;

/// The key file's route when a key is configured; no route otherwise, so `/{anything}.txt` is
/// answered as any unknown address (404).
pub fn routes(state: &AppState) -> Router<AppState> {
    let Some(key) = state.config.distribution.indexnow_key.clone() else {
        return Router::new();
    };
    let path = format!("/{key}.txt");
    Router::new().route(&path, get(move || key_file(key.clone())))
}

/// The key file: the key alone, as IndexNow asks.
async fn key_file(key: String) -> Response {
    let mut response = key.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}
