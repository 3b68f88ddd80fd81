//! What this node knows about its database being down, so that readers are not each made to wait
//! for it.
//!
//! Without this, every page that is not cached waits the pool's whole acquire time (5 s on
//! PostgreSQL) before answering 503, and so does the themed error page it then renders. Once one
//! request has found the database unreachable the node *knows* it is down: requests that need it
//! answer 503 at once, and a background probe asks the database once a second until it answers
//! again. Cached pages never ask (see `cache.rs`), so they keep being served throughout.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use gazette_store::Store;

use crate::error::{AppError, PendingError};

/// How often the probe asks a database known to be down whether it is back.
const PROBE_EVERY: Duration = Duration::from_secs(1);

#[derive(Default)]
pub struct DatabaseOutage {
    down: AtomicBool,
}

impl DatabaseOutage {
    /// Whether a request has found the database unreachable and no probe has reached it since.
    pub fn is_known(&self) -> bool {
        self.down.load(Ordering::Acquire)
    }

    /// Records that the database could not be reached; the first to notice starts the probe that
    /// will end the outage.
    pub fn begin(self: &Arc<Self>, store: Arc<dyn Store>) {
        if self.down.swap(true, Ordering::AcqRel) {
            return;
        }
        tracing::warn!("database unreachable: answering 503 at once until it is back");
        let outage = self.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(PROBE_EVERY).await;
                if store.ping().await.is_ok() {
                    outage.down.store(false, Ordering::Release);
                    tracing::info!("database reachable again");
                    return;
                }
            }
        });
    }
}

/// The middleware, inside the error-page renderer (so the 503 is the themed page): answers at once
/// while the database is known to be down, and starts the outage when a response says the
/// database could not be reached.
pub async fn fail_fast(
    State(state): State<crate::AppState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    // The health check must ask the database itself; assets never need it.
    let exempt = path == "/healthz" || path.starts_with("/assets/");
    if !exempt && state.outage.is_known() {
        return AppError::Unavailable.into_response();
    }
    let response = next.run(request).await;
    let unreachable = response
        .extensions()
        .get::<PendingError>()
        .is_some_and(|pending| pending.error == AppError::Unavailable);
    if unreachable {
        state.outage.begin(state.store.clone());
    }
    response
}
