//! The Admin API, at `/api/admin/v1/…`: people's tokens, with scopes.

use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
}
