//! Every route of the newsroom, with who may use it: the router is built from this table and
//! `tests/authorization.rs` checks every route against it.

use axum::Router;
use axum::http::Method;
use axum::routing::{MethodRouter, get, post};
use gazette_core::newsroom::{ArticleAction, Permission};

use super::{
    articles, audit, corrections, media, pages, people, presence, revisions, sections, settings,
    sign_in, synonyms, two_factor,
};
use super::{breaking, live};
use crate::AppState;

/// Who may use a route. Handlers enforce it (through [`super::auth::CurrentUser`], [`super::auth::PostForm`],
/// [`super::audit::require`] and [`gazette_core::workflow`]); the table says it once, so that
/// `tests/authorization.rs` can check every route against it and a new route cannot be left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not: the sign-in pages and the newsroom's own scripts and styles.
    Public,
    /// Any signed-in person, whatever their role (their own account, the article list, uploads).
    SignedIn,
    /// Site-wide management: only roles with this permission.
    Permission(Permission),
    /// One article, decided from the stored article by the workflow: editors always, writers
    /// for their own articles only (a colleague's draft is refused to them).
    Article(ArticleAccess),
    /// One media item: editors, and the person who uploaded it.
    MediaOwnerOrEditor,
    /// One live-blog entry: editors, and the person who wrote it (see `newsroom/live/rules.rs`:
    /// a contributor only until it is published; a draft entry is its writer's alone).
    LiveEntryOwnerOrEditor,
    /// Editors and admins: site-wide editorial calls that are no article's (the breaking banner).
    Editors,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArticleAccess {
    /// Reading it in the newsroom (the editor page, revisions, presence).
    Read,
    /// Doing this to it.
    Act(ArticleAction),
}

/// Which token a POST must carry, so a form sent from another site is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Csrf {
    /// A GET: changes nothing, carries no token.
    None,
    /// The session's token in the `csrf` field of a urlencoded form.
    Session,
    /// The session's token as the first part of a multipart upload (or the `X-CSRF-Token` header).
    SessionMultipart,
    /// Signing in, before there is a session: the sign-in form's (or code form's) own token.
    SignIn,
}

/// One method on one path of the newsroom, relative to `/newsroom`.
#[derive(Clone)]
pub struct RouteRule {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    pub csrf: Csrf,
    /// The handler, as a method router for this method alone.
    pub handler: fn() -> MethodRouter<AppState>,
}

impl std::fmt::Debug for RouteRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} /newsroom{}", self.method, self.path)
    }
}

macro_rules! rule {
    (GET $path:literal, $access:expr, $handler:expr) => {
        RouteRule {
            method: Method::GET,
            path: $path,
            access: $access,
            csrf: Csrf::None,
            handler: || get($handler),
        }
    };
    (POST $path:literal, $access:expr, $csrf:expr, $handler:expr) => {
        RouteRule {
            method: Method::POST,
            path: $path,
            access: $access,
            csrf: $csrf,
            handler: || post($handler),
        }
    };
}

use Access::{Article, MediaOwnerOrEditor, Public, SignedIn};
use ArticleAccess::{Act, Read};
use Csrf::{Session, SessionMultipart, SignIn};

/// Every route of the newsroom: the router is built from this list and nothing else.
pub const ROUTES: &[RouteRule] = &[
    rule!(GET "/", SignedIn, articles::list),
    rule!(GET "/login", Public, sign_in::login_page),
    rule!(POST "/login", Public, SignIn, sign_in::login),
    rule!(GET "/login/code", Public, two_factor::code_page),
    rule!(POST "/login/code", Public, SignIn, two_factor::check_code),
    rule!(POST "/logout", SignedIn, Session, sign_in::logout),
    rule!(GET "/account", SignedIn, sign_in::account),
    rule!(POST "/account/password", SignedIn, Session, sign_in::change_password),
    rule!(POST "/account/language", SignedIn, Session, sign_in::change_language),
    rule!(POST "/account/sign-out-everywhere", SignedIn, Session, sign_in::sign_out_everywhere),
    rule!(GET "/account/two-factor", SignedIn, two_factor::page),
    rule!(POST "/account/two-factor/start", SignedIn, Session, two_factor::start),
    rule!(POST "/account/two-factor/confirm", SignedIn, Session, two_factor::confirm),
    rule!(POST "/account/two-factor/disable", SignedIn, Session, two_factor::disable),
    rule!(POST "/account/two-factor/recovery-codes", SignedIn, Session, two_factor::new_recovery_codes),
    // Admin API tokens: each person's own; admins see and revoke everyone's (checked inside).
    rule!(GET "/account/tokens", SignedIn, super::api_tokens::list),
    rule!(POST "/account/tokens", SignedIn, Session, super::api_tokens::create),
    rule!(POST "/account/tokens/revoke", SignedIn, Session, super::api_tokens::revoke),
    rule!(GET "/assets/{name}", Public, pages::asset),
    rule!(POST "/preview", SignedIn, Session, articles::live_preview),
    rule!(POST "/articles", SignedIn, Session, articles::create),
    rule!(GET "/articles/new", SignedIn, articles::new_article),
    rule!(GET "/articles/{id}", Article(Read), articles::edit),
    rule!(POST "/articles/{id}", Article(Act(ArticleAction::Edit)), Session, articles::save),
    rule!(POST "/articles/{id}/autosave", Article(Act(ArticleAction::Edit)), Session, articles::autosave),
    rule!(POST "/articles/{id}/presence", Article(Read), Session, presence::presence),
    // The action is in the form; the test asks to submit, which writers may do to their own.
    rule!(POST "/articles/{id}/workflow", Article(Act(ArticleAction::Submit)), Session, articles::workflow),
    rule!(POST "/articles/{id}/corrections", Article(Act(ArticleAction::Correct)), Session, corrections::add),
    rule!(POST "/articles/{id}/featured", Article(Act(ArticleAction::Edit)), Session, media::set_featured),
    rule!(POST "/articles/{id}/pin", Article(Act(ArticleAction::Publish)), Session, articles::pin_to_home),
    // Whoever may read an article and start drafts may start its translation (checked inside).
    rule!(POST "/articles/{id}/translations", Article(Read), Session, super::translations::create),
    rule!(GET "/articles/{id}/revisions", Article(Read), revisions::list),
    rule!(GET "/articles/{id}/diff", Article(Read), revisions::diff),
    rule!(POST "/articles/{id}/revisions/{revision}/restore", Article(Act(ArticleAction::Edit)), Session, revisions::restore),
    rule!(GET "/media", SignedIn, media::list),
    RouteRule {
        method: Method::POST,
        path: "/media",
        access: SignedIn,
        csrf: SessionMultipart,
        handler: media::upload_route,
    },
    rule!(POST "/media/{id}", MediaOwnerOrEditor, Session, media::update),
    rule!(GET "/sections", Access::Permission(Permission::ManageSections), sections::list),
    rule!(POST "/sections", Access::Permission(Permission::ManageSections), Session, sections::create),
    rule!(POST "/sections/{id}", Access::Permission(Permission::ManageSections), Session, sections::update),
    rule!(GET "/tags", Access::Permission(Permission::ManageTags), sections::tags),
    rule!(POST "/tags/{id}", Access::Permission(Permission::ManageTags), Session, sections::rename_tag),
    rule!(POST "/tags/{id}/delete", Access::Permission(Permission::ManageTags), Session, sections::delete_tag),
    // A section's or tag's name in another edition; `intent=remove` forgets it.
    rule!(POST "/sections/{id}/names", Access::Permission(Permission::ManageSections), Session, super::sections::save_section_name),
    rule!(POST "/tags/{id}/names", Access::Permission(Permission::ManageTags), Session, super::sections::save_tag_name),
    rule!(GET "/api-keys", Access::Permission(super::api_keys::PERMISSION), super::api_keys::list),
    rule!(POST "/api-keys", Access::Permission(super::api_keys::PERMISSION), Session, super::api_keys::create),
    rule!(POST "/api-keys/{id}/revoke", Access::Permission(super::api_keys::PERMISSION), Session, super::api_keys::revoke),
    rule!(GET "/synonyms", Access::Permission(synonyms::PERMISSION), synonyms::list),
    rule!(POST "/synonyms", Access::Permission(synonyms::PERMISSION), Session, synonyms::add),
    rule!(POST "/synonyms/{id}/delete", Access::Permission(synonyms::PERMISSION), Session, synonyms::delete),
    rule!(GET "/users", Access::Permission(Permission::ManageUsers), people::list),
    rule!(POST "/users", Access::Permission(Permission::ManageUsers), Session, people::create),
    rule!(POST "/users/{id}", Access::Permission(Permission::ManageUsers), Session, people::update),
    rule!(POST "/users/{id}/password", Access::Permission(Permission::ManageUsers), Session, people::reset_password),
    rule!(POST "/users/{id}/sign-out", Access::Permission(Permission::ManageUsers), Session, people::sign_out),
    rule!(POST "/users/{id}/two-factor/reset", Access::Permission(Permission::ManageUsers), Session, two_factor::admin_reset),
    rule!(GET "/settings", Access::Permission(Permission::ManageSettings), settings::page),
    rule!(POST "/settings", Access::Permission(Permission::ManageSettings), Session, settings::save),
    rule!(POST "/settings/two-factor", Access::Permission(Permission::ManageSettings), Session, two_factor::set_required),
    rule!(GET "/audit", Access::Permission(Permission::ReadAuditLog), audit::list),
    // Live coverage. Whoever may read an article may post to it while it is a live blog (a
    // contributor's entry waits for an editor); starting and ending coverage is publishing.
    rule!(GET "/articles/{id}/live", Article(Read), live::screen),
    // Text alone (urlencoded) or with a photo (multipart, token first), one request either way.
    RouteRule {
        method: Method::POST,
        path: "/articles/{id}/live",
        access: Article(Read),
        csrf: SessionMultipart,
        handler: live::post_route,
    },
    // The action is in the form; `stop` is an editor's alone.
    rule!(POST "/articles/{id}/live/coverage", Article(Act(ArticleAction::Publish)), Session, live::coverage),
    rule!(GET "/live/entries/{id}", Access::LiveEntryOwnerOrEditor, live::entry_page),
    rule!(POST "/live/entries/{id}", Access::LiveEntryOwnerOrEditor, Session, live::entry_action),
    // Static pages (About, Contacts…) per edition: editors and admins. The action is in the form
    // (the revision, the status, the footer move, the language).
    rule!(GET "/pages", Access::Editors, super::static_pages::list),
    rule!(POST "/pages", Access::Editors, Session, super::static_pages::create),
    rule!(GET "/pages/new", Access::Editors, super::static_pages::new_page),
    rule!(GET "/pages/{id}", Access::Editors, super::static_pages::edit),
    rule!(POST "/pages/{id}", Access::Editors, Session, super::static_pages::save),
    rule!(POST "/pages/{id}/restore", Access::Editors, Session, super::static_pages::restore),
    rule!(POST "/pages/{id}/status", Access::Editors, Session, super::static_pages::set_status),
    rule!(POST "/pages/{id}/footer", Access::Editors, Session, super::static_pages::footer),
    rule!(POST "/pages/{id}/translate", Access::Editors, Session, super::static_pages::translate),
    rule!(GET "/breaking", Access::Editors, breaking::page),
    rule!(POST "/breaking", Access::Editors, Session, breaking::save),
    // Telegram channels and the deliveries of Telegram posts and pings: admins.
    rule!(GET "/telegram", Access::Permission(super::telegram::PERMISSION), super::telegram::page),
    rule!(POST "/telegram/channels", Access::Permission(super::telegram::PERMISSION), Session, super::telegram::add),
    // The action is in the form: `save` or `remove`.
    rule!(POST "/telegram/channels/{id}", Access::Permission(super::telegram::PERMISSION), Session, super::telegram::update),
    rule!(POST "/telegram/deliveries/{id}/retry", Access::Permission(super::telegram::PERMISSION), Session, super::telegram::retry),
    // Webhook endpoints, their secrets and delivery logs: admins.
    rule!(GET "/webhooks", Access::Permission(super::webhooks::PERMISSION), super::webhooks::list),
    rule!(POST "/webhooks", Access::Permission(super::webhooks::PERMISSION), Session, super::webhooks::create),
    rule!(GET "/webhooks/{id}", Access::Permission(super::webhooks::PERMISSION), super::webhooks::show),
    // The action is in the form: `save`, `secret` or `delete`.
    rule!(POST "/webhooks/{id}", Access::Permission(super::webhooks::PERMISSION), Session, super::webhooks::update),
    rule!(POST "/webhooks/deliveries/{id}/redeliver", Access::Permission(super::webhooks::PERMISSION), Session, super::webhooks::redeliver),
];

pub fn router() -> Router<AppState> {
    // Routing one path twice merges the methods (and panics on a method given twice, which the
    // tests would show at once).
    ROUTES.iter().fold(Router::new(), |router, rule| {
        router.route(rule.path, (rule.handler)())
    })
}

// ---------------------------------------------------------------- templates and assets
