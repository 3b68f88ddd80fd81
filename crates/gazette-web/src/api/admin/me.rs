//! `GET /api/admin/v1/me`: whose token this is, what it may do and until when.

use axum::Json;

use super::auth::Caller;
use super::schema::Me;
use super::schema::TokenAnswers;

#[utoipa::path(
    get,
    path = "/api/admin/v1/me",
    tag = "Admin API",
    description = "The token's person, its scopes and its expiry. Needs a valid token and no scope.",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The token and its person", body = Me),
        TokenAnswers,
    )
)]
pub async fn me(caller: Caller) -> Json<Me> {
    Json(Me::new(&caller.acting.user, &caller.token))
}
