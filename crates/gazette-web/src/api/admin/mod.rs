//! The Admin API, at `/api/admin/v1/…`: the newsroom's own operations for programs, with
//! people's tokens (`Authorization: Bearer gzt_…`, made on the newsroom's account page or with
//! `gazette token create`).
//!
//! A token has scopes ([`ROUTES`] says which each route needs, and [`auth::Caller`] enforces it
//! before the body is read), but never does more than its person's role allows: every handler
//! calls the same function the newsroom's form does (`newsroom::articles::create_draft`,
//! `save_input`, `apply_workflow`, `newsroom::corrections::add_note`,
//! `newsroom::media::store_image`, `newsroom::live::post_submission`), for the token's person,
//! so roles, workflow, embargoes, alt text before publishing and the stale-save check are the
//! newsroom's, and every change is in the audit log as "Name (token “CMS sync”)".

pub mod articles;
pub mod auth;
pub mod live;
pub mod me;
pub mod media;
pub mod schema;
pub mod scopes;
pub mod tokens;

pub use scopes::{AdminRoute, ROUTES};

use axum::extract::DefaultBodyLimit;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

/// The document's `bearer` security scheme, which every Admin API operation names.
pub struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("gzt_…")
                    .description(Some(
                        "A token made in the newsroom (your account, API tokens) or with \
                         `gazette token create`.",
                    ))
                    .build(),
            ),
        );
    }
}

pub fn routes() -> OpenApiRouter<AppState> {
    let (schemas, paths, upload) = routes!(media::upload);
    OpenApiRouter::new()
        .routes(routes!(me::me))
        .routes(routes!(articles::list, articles::create))
        .routes(routes!(articles::get_one, articles::update))
        .routes(routes!(articles::submit))
        .routes(routes!(articles::schedule))
        .routes(routes!(articles::publish))
        .routes(routes!(articles::unpublish))
        .routes(routes!(articles::add_correction))
        .routes(routes!(live::post_entry))
        // Room for the largest image the library accepts; it stops reading at its own limit.
        .routes((
            schemas,
            paths,
            upload.layer(DefaultBodyLimit::max(media::BODY_LIMIT)),
        ))
}
