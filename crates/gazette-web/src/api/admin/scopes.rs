//! Which scope each Admin API route needs: one table, read by [`super::auth::Caller`] before a
//! request's body is read, and checked against the router by `tests/api_admin`.

use axum::http::Method;
use gazette_store::ApiScope;

/// One route of the Admin API and the scope a token needs for it (`None`: any valid token).
#[derive(Debug, Clone)]
pub struct AdminRoute {
    pub method: Method,
    /// As the router matches it (`{id}` for a parameter).
    pub path: &'static str,
    pub scope: Option<ApiScope>,
}

macro_rules! route {
    ($method:ident $path:literal, $scope:expr) => {
        AdminRoute {
            method: Method::$method,
            path: $path,
            scope: $scope,
        }
    };
}

use ApiScope::{Live, Media, Publish, ReadDrafts, WriteDrafts};

/// Every route of the Admin API and its scope: [`auth::Caller`] reads the scope from here, and
/// `tests/api_admin` checks this table against the router, so a route cannot be added without
/// saying what it needs.
pub const ROUTES: &[AdminRoute] = &[
    route!(GET "/api/admin/v1/me", None),
    route!(GET "/api/admin/v1/articles", Some(ReadDrafts)),
    route!(POST "/api/admin/v1/articles", Some(WriteDrafts)),
    route!(GET "/api/admin/v1/articles/{id}", Some(ReadDrafts)),
    route!(PATCH "/api/admin/v1/articles/{id}", Some(WriteDrafts)),
    route!(POST "/api/admin/v1/articles/{id}/submit", Some(WriteDrafts)),
    route!(POST "/api/admin/v1/articles/{id}/schedule", Some(Publish)),
    route!(POST "/api/admin/v1/articles/{id}/publish", Some(Publish)),
    route!(POST "/api/admin/v1/articles/{id}/unpublish", Some(Publish)),
    route!(POST "/api/admin/v1/articles/{id}/corrections", Some(Publish)),
    route!(POST "/api/admin/v1/articles/{id}/live/entries", Some(Live)),
    route!(POST "/api/admin/v1/media", Some(Media)),
];
