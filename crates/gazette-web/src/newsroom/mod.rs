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

pub mod articles;
pub mod audit;
pub mod auth;
pub mod corrections;
pub mod limits;
pub mod media;
pub mod passwords;
pub mod people;
pub mod presence;
pub mod revisions;
pub mod scheduler;
pub mod sections;
pub mod settings;
pub mod synonyms;
pub mod two_factor;

use std::collections::HashMap;
use std::sync::OnceLock;

use axum::Router;
use axum::extract::Path;
use axum::http::Method;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, get, post};
use chrono::{DateTime, NaiveDateTime, Utc};
use gazette_core::newsroom::{ArticleAction, Permission};
use gazette_store::{Actor, NewAuditEntry, StoreError};
use include_dir::{Dir, include_dir};
use minijinja::Environment;

use crate::AppState;
use auth::CurrentUser;

static FILES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/newsroom");

/// Who may use a route. Handlers enforce it (through [`auth::CurrentUser`], [`auth::PostForm`],
/// [`audit::require`] and [`gazette_core::workflow`]); the table says it once, so that
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
    rule!(GET "/login", Public, auth::login_page),
    rule!(POST "/login", Public, SignIn, auth::login),
    rule!(GET "/login/code", Public, two_factor::code_page),
    rule!(POST "/login/code", Public, SignIn, two_factor::check_code),
    rule!(POST "/logout", SignedIn, Session, auth::logout),
    rule!(GET "/account", SignedIn, auth::account),
    rule!(POST "/account/password", SignedIn, Session, auth::change_password),
    rule!(POST "/account/sign-out-everywhere", SignedIn, Session, auth::sign_out_everywhere),
    rule!(GET "/account/two-factor", SignedIn, two_factor::page),
    rule!(POST "/account/two-factor/start", SignedIn, Session, two_factor::start),
    rule!(POST "/account/two-factor/confirm", SignedIn, Session, two_factor::confirm),
    rule!(POST "/account/two-factor/disable", SignedIn, Session, two_factor::disable),
    rule!(POST "/account/two-factor/recovery-codes", SignedIn, Session, two_factor::new_recovery_codes),
    rule!(GET "/assets/{name}", Public, asset),
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
];

pub fn router() -> Router<AppState> {
    // Routing one path twice merges the methods (and panics on a method given twice, which the
    // tests would show at once).
    ROUTES.iter().fold(Router::new(), |router, rule| {
        router.route(rule.path, (rule.handler)())
    })
}

// ---------------------------------------------------------------- templates and assets

struct Files {
    env: Environment<'static>,
    /// By hashed name.
    assets: HashMap<String, (&'static [u8], &'static str)>,
    /// `/newsroom/assets/<hashed>` by file name.
    urls: HashMap<String, String>,
}

fn files() -> &'static Files {
    static FILES_ONCE: OnceLock<Files> = OnceLock::new();
    FILES_ONCE.get_or_init(|| {
        let mut env = Environment::new();
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_formatter(crate::theme::html_formatter);
        let mut assets = HashMap::new();
        let mut urls = HashMap::new();
        let mut all = Vec::new();
        collect(&FILES, &mut all);
        for file in all {
            let path = file.path().to_string_lossy().replace('\\', "/");
            if let Some(name) = path.strip_prefix("templates/") {
                let source = String::from_utf8_lossy(file.contents()).into_owned();
                if let Err(e) = env.add_template_owned(name.to_owned(), source) {
                    // Embedded templates are checked by the tests; a broken one is a build bug.
                    tracing::error!(template = name, error = %e, "newsroom template does not parse");
                }
            } else if let Some(name) = path.strip_prefix("assets/") {
                let hashed = crate::theme::hashed_name(name, file.contents());
                let content_type = crate::theme::content_type(name);
                urls.insert(name.to_owned(), format!("/newsroom/assets/{hashed}"));
                assets.insert(hashed, (file.contents(), content_type));
            }
        }
        Files { env, assets, urls }
    })
}

fn collect(dir: &'static Dir<'static>, out: &mut Vec<&'static include_dir::File<'static>>) {
    out.extend(dir.files());
    for sub in dir.dirs() {
        collect(sub, out);
    }
}

pub fn asset_url(name: &str) -> String {
    files().urls.get(name).cloned().unwrap_or_default()
}

async fn asset(Path(name): Path<String>) -> Response {
    match files().assets.get(&name) {
        Some((bytes, content_type)) => (
            [
                (header::CONTENT_TYPE, *content_type),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            *bytes,
        )
            .into_response(),
        None => NewsroomError::NotFound.into_response(),
    }
}

/// Renders a newsroom page. Pages are private: never stored by browsers' shared caches or CDNs.
pub fn render(template: &str, context: minijinja::Value) -> Result<Response, NewsroomError> {
    let html = files()
        .env
        .get_template(template)
        .and_then(|t| t.render(context))
        .map_err(|e| NewsroomError::Internal(format!("template {template}: {e:#}")))?;
    Ok(private(Html(html).into_response()))
}

fn private(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store, private"),
    );
    response
}

/// What every page's layout needs: who is signed in, the token for its forms, the assets.
pub fn layout(user: Option<&CurrentUser>, title: &str) -> minijinja::Value {
    minijinja::context! {
        title => title,
        css => asset_url("newsroom.css"),
        js => asset_url("newsroom.js"),
        me => user.map(|u| minijinja::context! {
            id => u.user.id,
            name => u.user.name.clone(),
            email => u.user.email.as_str(),
            role => u.user.role.as_str(),
            role_label => u.user.role.label(),
            is_editor => u.user.role >= gazette_core::newsroom::Role::Editor,
            is_admin => u.user.role == gazette_core::newsroom::Role::Admin,
            two_factor => u.user.two_factor,
        }),
        csrf => user.map(|u| u.csrf.clone()).unwrap_or_default(),
    }
}

/// A 303 to another newsroom page, with an optional notice shown there.
pub fn see_other(path: &str) -> Response {
    // `Redirect::to` panics on what a header cannot hold (a CR, LF or NUL); no address built from
    // what a client sent may end a request that way, so such a one goes to the newsroom's home.
    let path = if HeaderValue::from_str(path).is_ok() {
        path
    } else {
        "/newsroom"
    };
    private(Redirect::to(path).into_response())
}

// ---------------------------------------------------------------- errors

/// The newsroom's errors: each becomes a newsroom page with a clear message and the right status
/// (or, for the few JSON endpoints, a JSON body — see [`JsonError`]).
#[derive(Debug, thiserror::Error)]
pub enum NewsroomError {
    /// Not signed in: sent to the sign-in page, then back to `next`.
    #[error("sign in to continue")]
    Unauthenticated { next: String },
    /// Signed in, but the site requires two-factor sign-in and this person has not set it up.
    #[error(
        "This newsroom requires two-factor sign-in. Set it up on your account page to continue."
    )]
    TwoFactorRequired,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    BadRequest(String),
    /// Someone else changed the thing first, or it already exists.
    #[error("{0}")]
    Conflict(String),
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    TooManyRequests(String),
    /// An upload over the size limit, refused as its bytes arrived.
    #[error("{0}")]
    TooLarge(String),
    #[error("temporarily unavailable")]
    Unavailable,
    /// Too many password checks are waiting already (see `passwords.rs`).
    #[error(
        "The newsroom is busy checking other passwords. Try again in a few seconds; nothing was changed."
    )]
    Busy,
    #[error("internal error: {0}")]
    Internal(String),
}

pub type NewsroomResult<T> = Result<T, NewsroomError>;

impl From<StoreError> for NewsroomError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound,
            StoreError::Invalid(msg) => Self::BadRequest(capitalise(&msg)),
            StoreError::Conflict(msg) => {
                Self::Conflict(format!("{} already exists.", capitalise(&msg)))
            }
            StoreError::Stale(msg) => Self::Conflict(capitalise(&msg)),
            e if e.is_unstorable_text() => {
                Self::BadRequest("The text sent contains a character that cannot be stored.".into())
            }
            e if e.is_unavailable() => Self::Unavailable,
            e => Self::Internal(e.to_string()),
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

impl NewsroomError {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Unauthenticated { .. } | Self::TwoFactorRequired => StatusCode::SEE_OTHER,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Unavailable | Self::Busy => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn message(&self) -> String {
        match self {
            Self::NotFound => "There is nothing at this address in the newsroom.".into(),
            Self::Unavailable => {
                "The database cannot be reached. Try again in a minute; nothing was changed.".into()
            }
            Self::Internal(_) => {
                "Something went wrong on our side. It has been logged; nothing was changed.".into()
            }
            other => other.to_string(),
        }
    }

    fn title(&self) -> &'static str {
        match self {
            Self::Unauthenticated { .. } => "Sign in",
            Self::TwoFactorRequired => "Two-factor sign-in required",
            Self::Forbidden(_) => "Not allowed",
            Self::BadRequest(_) => "That did not work",
            Self::Conflict(_) => "Changed by someone else",
            Self::NotFound => "Not found",
            Self::TooManyRequests(_) => "Too many attempts",
            Self::TooLarge(_) => "File too large",
            Self::Unavailable => "Temporarily unavailable",
            Self::Busy => "Busy",
            Self::Internal(_) => "Something went wrong",
        }
    }
}

impl IntoResponse for NewsroomError {
    fn into_response(self) -> Response {
        if let Self::Unauthenticated { next } = &self {
            let target = format!("/newsroom/login?next={}", urlencoding::encode(next));
            return see_other(&target);
        }
        if let Self::TwoFactorRequired = &self {
            return see_other("/newsroom/account/two-factor?notice=required");
        }
        if let Self::Internal(detail) = &self {
            tracing::error!(%detail, "newsroom request failed");
        }
        let status = self.status();
        let mut context = layout(None, self.title());
        context = minijinja::context! { ..context, ..minijinja::context! {
            status => status.as_u16(),
            message => self.message(),
        }};
        let mut response = match render("error.html", context) {
            Ok(page) => page,
            Err(_) => private(
                Html(format!(
                    "<!doctype html><title>{0}</title><h1>{0}</h1>",
                    status
                ))
                .into_response(),
            ),
        };
        *response.status_mut() = status;
        if matches!(self, Self::Unavailable) {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
        }
        if matches!(self, Self::Busy) {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        response
    }
}

/// The same errors as a JSON body, for the endpoints scripts call.
#[derive(Debug)]
pub struct JsonError(pub NewsroomError);

impl From<NewsroomError> for JsonError {
    fn from(e: NewsroomError) -> Self {
        Self(e)
    }
}

impl IntoResponse for JsonError {
    fn into_response(self) -> Response {
        if let NewsroomError::Internal(detail) = &self.0 {
            tracing::error!(%detail, "newsroom request failed");
        }
        let status = match self.0 {
            NewsroomError::Unauthenticated { .. } => StatusCode::UNAUTHORIZED,
            NewsroomError::TwoFactorRequired => StatusCode::FORBIDDEN,
            ref e => e.status(),
        };
        private(
            (
                status,
                axum::Json(serde_json::json!({ "error": self.0.message() })),
            )
                .into_response(),
        )
    }
}

// ---------------------------------------------------------------- forms

/// A submitted form as name/value pairs, so that repeated names (several bylines) survive.
#[derive(Debug, Default, Clone)]
pub struct FormData(pub Vec<(String, String)>);

impl FormData {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The trimmed value, or an empty string.
    pub fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or("").trim().to_owned()
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    pub fn optional_id(&self, name: &str) -> NewsroomResult<Option<i64>> {
        match self.get(name).map(str::trim) {
            None | Some("") => Ok(None),
            Some(raw) => raw
                .parse()
                .map(Some)
                .map_err(|_| NewsroomError::BadRequest(format!("{name}: {raw:?} is not a number"))),
        }
    }

    /// A `datetime-local` value, read as UTC.
    pub fn time(&self, name: &str, label: &str) -> NewsroomResult<Option<DateTime<Utc>>> {
        parse_time(self.get(name).unwrap_or(""), label)
    }
}

/// Reads `2025-03-31T12:00` (or with seconds, or a space) as a UTC time; empty is none.
pub fn parse_time(raw: &str, label: &str) -> NewsroomResult<Option<DateTime<Utc>>> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    for format in [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(raw, format) {
            return Ok(Some(t.and_utc()));
        }
    }
    Err(NewsroomError::BadRequest(format!(
        "{label}: {:?} is not a date and time like 2025-03-31T14:30 (UTC)",
        raw.chars().take(40).collect::<String>()
    )))
}

/// How a time is shown in the newsroom: always UTC, always with the zone, so nobody guesses.
pub fn show_time(t: DateTime<Utc>) -> String {
    t.format("%-d %b %Y, %H:%M UTC").to_string()
}

/// The value a `datetime-local` input shows.
pub fn input_time(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| t.format("%Y-%m-%dT%H:%M").to_string())
        .unwrap_or_default()
}

/// `?page=N`, forgiving: the newsroom's lists fall back to page 1 on nonsense.
pub fn page_number(raw: Option<&str>) -> u32 {
    raw.and_then(|p| p.trim().parse().ok())
        .filter(|p| (1..=100_000).contains(p))
        .unwrap_or(1)
}

// ---------------------------------------------------------------- audit

/// Writes one audit entry for what `user` just did. An audit failure is logged, not shown: the
/// action itself has already been saved.
pub async fn audit(
    state: &AppState,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    detail: impl Into<String>,
) {
    let entry = NewAuditEntry {
        actor: actor.clone(),
        action: action.into(),
        entity: entity.into(),
        entity_id,
        detail: detail.into(),
    };
    if let Err(e) = state.store.audit(entry, state.now()).await {
        tracing::error!(error = %e, action, entity, "cannot write the audit log");
    }
}

/// The audit entry for what `actor` did, handed to the store with the write it records so that
/// both commit together.
pub fn audit_entry(
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    detail: impl Into<String>,
) -> NewAuditEntry {
    NewAuditEntry {
        actor: actor.clone(),
        action: action.into(),
        entity: entity.into(),
        entity_id,
        detail: detail.into(),
    }
}

/// After this node's write committed as change `seq`: its caches react at once (without asking
/// the log again), other nodes within a poll.
pub fn changed_at(state: &AppState, seq: i64) {
    state.changes.advance(seq);
}
