//! `/healthz`: for load balancers and orchestrators. 200 when the process is up and the database
//! answers; 503 otherwise, so a node that lost its database is taken out of rotation.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use gazette_store::Store;

pub async fn healthz(State(store): State<Arc<dyn Store>>) -> Response {
    match store.ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(serde_json::json!({"status": "ok", "database": "ok"})),
        )
            .into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({"status": "degraded", "database": "unreachable"})),
            )
                .into_response()
        }
    }
}
