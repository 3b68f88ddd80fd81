//! `GET /api/admin/v1/me`: whose token this is, what it may do and until when.

use axum::Json;

use super::auth::Caller;
use super::schema::Me;
use crate::api::error::ErrorBody;

#[utoipa::path(
    get,
    path = "/api/admin/v1/me",
    tag = "Admin API",
    description = "The token's person, its scopes and its expiry. Needs a valid token and no scope.",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The token and its person", body = Me),
        (status = 401, description = "No token, or an unknown, revoked or expired one", body = ErrorBody),
        (status = 429, description = "Too many requests (`Retry-After`)", body = ErrorBody),
    )
)]
pub async fn me(caller: Caller) -> Json<Me> {
    Json(Me::new(&caller.acting.user, &caller.token))
}
