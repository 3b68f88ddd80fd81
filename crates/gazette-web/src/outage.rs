//! Answering at once while the database is known to be down. What the node knows about the outage,
//! and the probe that ends it, are `gazette_node::outage::DatabaseOutage`; this middleware reads it
//! on every request and starts it when a response says the database could not be reached, so
//! readers are not each made to wait the pool's whole acquire time (5 s on PostgreSQL). Cached
//! pages never ask (see `cache.rs`), so they keep being served throughout.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use gazette_node::DatabaseOutage;
use gazette_store::Store;

use crate::error::{AppError, PendingError};

/// The middleware, inside the error-page renderer (so the 503 is the themed page): answers at once
/// while the database is known to be down, and starts the outage when a response says the
/// database could not be reached.
pub async fn fail_fast(
    State(outage): State<Arc<DatabaseOutage>>,
    State(store): State<Arc<dyn Store>>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    // The health check must ask the database itself; assets never need it.
    let exempt = path == "/healthz" || path.starts_with("/assets/");
    if !exempt && outage.is_known() {
        return AppError::Unavailable.into_response();
    }
    let response = next.run(request).await;
    let unreachable = response
        .extensions()
        .get::<PendingError>()
        .is_some_and(|pending| pending.error == AppError::Unavailable);
    if unreachable {
        outage.begin(store);
    }
    response
}
