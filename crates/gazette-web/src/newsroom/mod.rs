//! The newsroom at `/newsroom`: where journalists and editors sign in, write, review, schedule and
//! publish. Server-rendered pages that work without JavaScript; two small scripts (autosave and
//! the unsaved-changes warning) are served as files, since the CSP forbids inline script.
//!
//! Every state-changing request is a POST carrying the session's CSRF token ([`auth::PostForm`]
//! checks it before a handler runs), and every handler asks [`gazette_core::newsroom`] whether the
//! signed-in person may do what they ask — the UI hiding a button is never the protection.
//!
//! Templates and assets live in `crates/gazette-web/newsroom/` and are embedded: the newsroom is
//! not part of the public theme and cannot be overridden by it.

pub mod access;
pub mod api_keys;
pub mod api_tokens;
pub mod articles;
pub mod audit;
pub mod auth;
pub mod breaking;
pub mod corrections;
pub mod form;
pub mod limits;
pub mod live;
pub mod media;
pub mod pages;
pub mod passwords;
pub mod people;
pub mod presence;
pub mod revisions;
pub mod routes;
pub mod sections;
pub mod sessions;
pub mod settings;
pub mod sign_in;
pub mod static_pages;
pub mod synonyms;
pub mod telegram;
pub mod translations;
pub mod two_factor;
pub mod webhooks;

pub use pages::{asset_url, error_page};
pub use routes::{Access, ArticleAccess, Csrf, ROUTES, RouteRule, router};
