//! The one error type of the web layer, for the public site and the newsroom alike, and the one
//! place where domain and store errors become HTTP statuses.
//!
//! A handler returns [`AppResult`]. Its error leaves the handler as a bodiless response that
//! carries the [`AppError`] itself; `error_pages::render_errors` (the only renderer) then writes
//! the body once, for whoever asked: `{"error": "…"}` for scripts and API callers, the theme's
//! error page for readers, the newsroom's page in the newsroom. The wording differs by place (a
//! reader is not told about "the newsroom"); the status never does:
//!
//! | error | status |
//! |---|---|
//! | bad input (a form, a query, an address, text the database cannot hold) | 400 |
//! | not signed in / two-factor sign-in required | 303 to the sign-in page (JSON: 401 / 403) |
//! | not allowed | 403 |
//! | not found | 404 |
//! | someone else changed it first (a stale save), or it already exists | 409 |
//! | removed on purpose (an unpublished article) | 410 |
//! | too large | 413 |
//! | too many attempts | 429 |
//! | the database is unreachable (`Retry-After: 30`), or password checks are queued (`Retry-After: 5`) | 503 |
//! | anything unexpected: logged in full, shown in general terms | 500 |
//!
//! This module imports nothing else from the crate, so everything may import it.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gazette_core::workflow::{Refusal, RefusalKind};
use gazette_store::StoreError;

pub type AppResult<T> = Result<T, AppError>;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AppError {
    /// Not signed in to the newsroom: sent to the sign-in page, then back to `next`.
    #[error("You are signed out. Sign in again to continue.")]
    Unauthenticated { next: String },
    /// Signed in, but the site requires two-factor sign-in and this person has not set it up.
    #[error(
        "This newsroom requires two-factor sign-in. Set it up on your account page to continue."
    )]
    TwoFactorRequired,
    #[error("{0}")]
    Forbidden(String),
    /// The request is wrong; the message says how, in words the person can act on.
    #[error("{0}")]
    BadRequest(String),
    /// Someone else changed the thing first (a stale save), or it already exists.
    #[error("{0}")]
    Conflict(String),
    #[error("not found")]
    NotFound,
    /// The thing existed and was removed on purpose (an unpublished article).
    #[error("gone")]
    Gone,
    #[error("{0}")]
    TooManyRequests(String),
    /// A form or an upload over the size limit.
    #[error("{0}")]
    TooLarge(String),
    /// The database is unreachable; try again shortly.
    #[error("temporarily unavailable")]
    Unavailable,
    /// Too many password checks are waiting already (see `newsroom/passwords.rs`).
    #[error(
        "The newsroom is busy checking other passwords. Try again in a few seconds; nothing was changed."
    )]
    Busy,
    /// A bug or an unexpected failure: logged in full, shown in general terms.
    #[error("internal error: {0}")]
    Internal(String),
}

/// The one mapping from store errors.
impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound,
            StoreError::Invalid(msg) => Self::BadRequest(capitalise(&msg)),
            StoreError::Conflict(what) => {
                Self::Conflict(format!("{} already exists.", capitalise(&what)))
            }
            StoreError::Stale(msg) => Self::Conflict(capitalise(&msg)),
            e if e.is_unstorable_text() => {
                Self::BadRequest("The text sent contains a character that cannot be stored.".into())
            }
            e if e.is_unavailable() => {
                tracing::warn!(error = %e, "database unavailable");
                Self::Unavailable
            }
            e => Self::Internal(e.to_string()),
        }
    }
}

/// The one mapping from the workflow's refusals.
impl From<Refusal> for AppError {
    fn from(refusal: Refusal) -> Self {
        match refusal.kind {
            RefusalKind::Forbidden => Self::Forbidden(refusal.reason),
            RefusalKind::Invalid => Self::BadRequest(refusal.reason),
            RefusalKind::Conflict => Self::Conflict(refusal.reason),
        }
    }
}

/// The one mapping from a refused article submission: the writer's input is wrong.
impl From<gazette_core::submission::SubmissionError> for AppError {
    fn from(e: gazette_core::submission::SubmissionError) -> Self {
        Self::BadRequest(e.to_string())
    }
}

/// The newsroom's form rules in gazette-core word their refusals as sentences for the form.
macro_rules! refused_form {
    ($($error:ty),*) => {$(
        impl From<$error> for AppError {
            fn from(e: $error) -> Self {
                Self::BadRequest(e.to_string())
            }
        }
    )*};
}

refused_form!(
    gazette_core::people::PersonError,
    gazette_core::sections::SectionError,
    gazette_core::site_settings::SettingsError
);

impl From<minijinja::Error> for AppError {
    fn from(e: minijinja::Error) -> Self {
        Self::Internal(format!("template: {e:#}"))
    }
}

/// The first letter in capitals: store messages are written to sit inside a sentence.
pub fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Whose pages the error appears among: the wording and the page's look follow the place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Site,
    Newsroom,
}

/// What the caller reads: a page, or JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Html,
    Json,
}

/// Who asked, read from the request before it is handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Audience {
    pub place: Place,
    pub format: Format,
}

impl Audience {
    /// The newsroom lives under `/newsroom`; JSON goes to callers whose `Accept` names JSON
    /// before HTML, and to addresses ending in `.json` (the JSON feeds).
    pub fn of(path: &str, headers: &HeaderMap) -> Self {
        let place = if path == "/newsroom" || path.starts_with("/newsroom/") {
            Place::Newsroom
        } else {
            Place::Site
        };
        let format = if path.ends_with(".json") || prefers_json(headers) {
            Format::Json
        } else {
            Format::Html
        };
        Self { place, format }
    }
}

/// True when the first of JSON and HTML that `Accept` names is JSON. Browsers name HTML first;
/// scripts and API clients name JSON (`fetch` with no `Accept` sends `*/*`, which is neither).
fn prefers_json(headers: &HeaderMap) -> bool {
    let accept = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','));
    for range in accept {
        let media = range
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if media == "application/json" || media.ends_with("+json") {
            return true;
        }
        if media == "text/html" || media == "application/xhtml+xml" {
            return false;
        }
    }
    false
}

/// Attached to the bodiless response an error becomes, for `render_errors` to write its body.
#[derive(Debug, Clone)]
pub struct PendingError {
    pub error: AppError,
    /// Set by [`JsonError`]: the endpoint speaks JSON whatever the request's `Accept` says.
    pub json: bool,
}

impl AppError {
    /// The status: the same for every caller, except that a script is not redirected to a
    /// sign-in page it cannot show.
    pub fn status(&self, format: Format) -> StatusCode {
        match self {
            Self::Unauthenticated { .. } if format == Format::Json => StatusCode::UNAUTHORIZED,
            Self::TwoFactorRequired if format == Format::Json => StatusCode::FORBIDDEN,
            Self::Unauthenticated { .. } | Self::TwoFactorRequired => StatusCode::SEE_OTHER,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Gone => StatusCode::GONE,
            Self::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Unavailable | Self::Busy => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Where a person is sent instead of an error page, if anywhere.
    pub fn redirect(&self) -> Option<String> {
        match self {
            Self::Unauthenticated { next } => Some(format!(
                "/newsroom/login?next={}",
                gazette_core::text::url_encode(next)
            )),
            Self::TwoFactorRequired => Some("/newsroom/account/two-factor?notice=required".into()),
            _ => None,
        }
    }

    /// The page's heading.
    pub fn title(&self, place: Place) -> &'static str {
        match (self, place) {
            (Self::Unauthenticated { .. }, _) => "Sign in",
            (Self::TwoFactorRequired, _) => "Two-factor sign-in required",
            (Self::Forbidden(_), _) => "Not allowed",
            (Self::BadRequest(_), Place::Site) => "That request did not work",
            (Self::BadRequest(_), Place::Newsroom) => "That did not work",
            (Self::Conflict(_), _) => "Changed by someone else",
            (Self::NotFound, Place::Site) => "Page not found",
            (Self::NotFound, Place::Newsroom) => "Not found",
            (Self::Gone, _) => "This article has been removed",
            (Self::TooManyRequests(_), _) => "Too many attempts",
            (Self::TooLarge(_), Place::Site) => "That form is too large",
            (Self::TooLarge(_), Place::Newsroom) => "File too large",
            (Self::Unavailable, _) => "Temporarily unavailable",
            (Self::Busy, _) => "Busy",
            (Self::Internal(_), _) => "Something went wrong",
        }
    }

    /// What the person is told: the error's own words, except where those are for the log.
    pub fn message(&self, place: Place) -> String {
        match (self, place) {
            (Self::NotFound, Place::Site) => {
                "We could not find that page. It may have moved, or the address may be mistyped. \
                 Try the search below or start again from the front page."
                    .into()
            }
            (Self::NotFound, Place::Newsroom) => {
                "There is nothing at this address in the newsroom.".into()
            }
            (Self::Gone, _) => {
                "The newsroom has taken this article down. Our corrections policy explains when \
                 and why we do that."
                    .into()
            }
            (Self::Unavailable, Place::Site) => {
                "We are having trouble reaching our archive. Please try again in a minute.".into()
            }
            (Self::Unavailable, Place::Newsroom) => {
                "The database cannot be reached. Try again in a minute; nothing was changed.".into()
            }
            (Self::Internal(_), Place::Site) => {
                "Something went wrong on our side. The problem has been logged; please try again."
                    .into()
            }
            (Self::Internal(_), Place::Newsroom) => {
                "Something went wrong on our side. It has been logged; nothing was changed.".into()
            }
            (other, _) => other.to_string(),
        }
    }

    /// The finished response around a body written for `audience` (`html` is used for pages
    /// only): status, type, `Retry-After`, and never stored by any cache.
    pub fn respond(&self, audience: Audience, html: Option<String>) -> Response {
        let status = self.status(audience.format);
        let mut response = match (audience.format, self.redirect()) {
            (Format::Json, _) => {
                let body = serde_json::json!({ "error": self.message(audience.place) });
                (status, axum::Json(body)).into_response()
            }
            (Format::Html, Some(location)) => {
                let mut response = status.into_response();
                if let Ok(location) = HeaderValue::from_str(&location) {
                    response.headers_mut().insert(header::LOCATION, location);
                }
                response
            }
            (Format::Html, None) => {
                let body = html.unwrap_or_else(|| {
                    format!("<!doctype html><title>{status}</title><h1>{status}</h1>")
                });
                (status, axum::response::Html(body)).into_response()
            }
        };
        let headers = response.headers_mut();
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(match audience.place {
                Place::Site => "no-store",
                Place::Newsroom => "no-store, private",
            }),
        );
        match self {
            Self::Unavailable => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
            }
            Self::Busy => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            }
            _ => {}
        }
        response
    }
}

impl IntoResponse for AppError {
    /// No body yet: `render_errors` writes it once it knows who asked.
    fn into_response(self) -> Response {
        pending(self, false)
    }
}

fn pending(error: AppError, json: bool) -> Response {
    if let AppError::Internal(detail) = &error {
        tracing::error!(%detail, "request failed");
    }
    let mut response = error.status(Format::Html).into_response();
    response
        .extensions_mut()
        .insert(PendingError { error, json });
    response
}

/// The same error from an endpoint that only scripts call (autosave, preview, presence): answered
/// in JSON whatever the request's `Accept` says. Same type, same statuses; only the format is
/// fixed.
#[derive(Debug)]
pub struct JsonError(pub AppError);

impl<E: Into<AppError>> From<E> for JsonError {
    fn from(e: E) -> Self {
        Self(e.into())
    }
}

impl IntoResponse for JsonError {
    fn into_response(self) -> Response {
        pending(self.0, true)
    }
}

/// The answer to any address no route claims.
pub async fn not_found() -> AppError {
    AppError::NotFound
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT,
            HeaderValue::from_str(value).unwrap_or_else(|_| HeaderValue::from_static("")),
        );
        headers
    }

    #[test]
    fn a_conflict_and_a_stale_save_are_409_for_every_caller() {
        for error in [
            AppError::from(StoreError::Conflict("the slug".into())),
            AppError::from(StoreError::Stale("anna saved this article first".into())),
        ] {
            assert_eq!(error.status(Format::Html), StatusCode::CONFLICT);
            assert_eq!(error.status(Format::Json), StatusCode::CONFLICT);
        }
        assert_eq!(
            AppError::from(StoreError::Conflict("the slug".into())).message(Place::Site),
            "The slug already exists."
        );
    }

    #[test]
    fn store_errors_map_to_one_status_each() {
        assert_eq!(
            AppError::from(StoreError::NotFound).status(Format::Html),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            AppError::from(StoreError::Invalid("no".into())).status(Format::Html),
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            AppError::from(StoreError::Unavailable("down".into())).status(Format::Json),
            StatusCode::SERVICE_UNAVAILABLE
        );
    }

    #[test]
    fn scripts_are_told_401_rather_than_redirected() {
        let error = AppError::Unauthenticated {
            next: "/newsroom".into(),
        };
        assert_eq!(error.status(Format::Html), StatusCode::SEE_OTHER);
        assert_eq!(error.status(Format::Json), StatusCode::UNAUTHORIZED);
    }

    #[test]
    fn json_is_for_callers_that_ask_for_it_before_html() {
        let json = |path: &str, value: &str| Audience::of(path, &accept(value)).format;
        assert_eq!(json("/search", "application/json"), Format::Json);
        assert_eq!(
            json("/search", "application/json, text/plain, */*"),
            Format::Json
        );
        assert_eq!(json("/search", "application/problem+json"), Format::Json);
        assert_eq!(
            json(
                "/search",
                "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
            ),
            Format::Html
        );
        assert_eq!(json("/search", "*/*"), Format::Html);
        assert_eq!(json("/feeds/feed.json", "*/*"), Format::Json);
        assert_eq!(
            Audience::of("/newsroom/articles/3", &HeaderMap::new()).place,
            Place::Newsroom
        );
        assert_eq!(
            Audience::of("/newsroomish", &HeaderMap::new()).place,
            Place::Site
        );
    }
}
