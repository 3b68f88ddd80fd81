//! Where every error response gets its body, once: [`render_errors`] reads who asked before the
//! request is handled, and when the answer is an [`AppError`] (see `error.rs`) writes it as JSON,
//! as the theme's error page, or as the newsroom's. Nothing else renders errors, so a status and
//! its page cannot disagree.
//!
//! This sits above `error.rs` rather than in it: the site's page needs the site's chrome
//! (`view.rs`) and the newsroom's its layout, and both of those use the error type.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::error::{AppError, Audience, Format, PendingError, Place};
use crate::presenters::SiteContext;
use crate::state::SiteState;

/// What the theme's `error.html` prints.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ErrorPage {
    pub status: u16,
    pub title: String,
    pub message: String,
}

impl ErrorPage {
    /// The page for `error` in `language`: the heading, and the message for the errors whose
    /// words are the site's. Others (a bad page number, a filter that matched nothing) carry
    /// the handler's own message.
    fn new(error: &AppError, status: u16, language: gazette_core::Language) -> Self {
        let locales = crate::locale::locales();
        let title = match error {
            AppError::Unauthenticated { .. } | AppError::TwoFactorRequired => {
                locales.word(language, "error-sign-in-title")
            }
            AppError::Forbidden(_) => locales.word(language, "error-forbidden-title"),
            AppError::BadRequest(_) => locales.word(language, "error-bad-request-title"),
            AppError::Conflict(_) => locales.word(language, "error-conflict-title"),
            AppError::NotFound => locales.word(language, "error-not-found-title"),
            AppError::Gone => locales.word(language, "error-gone-title"),
            AppError::TooManyRequests(_) => locales.word(language, "error-too-many-title"),
            AppError::TooLarge(_) => locales.word(language, "error-too-large-title"),
            AppError::Unavailable => locales.word(language, "error-unavailable-title"),
            AppError::Busy => locales.word(language, "error-busy-title"),
            AppError::Internal(_) => locales.word(language, "error-internal-title"),
        };
        let message = match error {
            AppError::NotFound => locales.word(language, "error-not-found-message"),
            AppError::Gone => locales.word(language, "error-gone-message"),
            AppError::Unavailable => locales.word(language, "error-unavailable-message"),
            AppError::Internal(_) => locales.word(language, "error-internal-message"),
            other => other.message(Place::Site),
        };
        Self {
            status,
            title,
            message,
        }
    }
}

/// The middleware.
pub async fn render_errors(
    State(state): State<SiteState>,
    request: Request,
    next: Next,
) -> Response {
    let mut audience = Audience::of(request.uri().path(), request.headers());
    let language = edition_of_path(&state.config.editions, request.uri().path());
    let api = request.uri().path().starts_with("/api/");
    let content_api = request.uri().path().starts_with("/api/v1/");
    let response = next.run(request).await;
    let Some(PendingError { error, json }) = response.extensions().get::<PendingError>().cloned()
    else {
        return response;
    };
    if api {
        // The APIs answer every error, the router's 404 included, in their one shape. The
        // Content API only reads: a request it refuses (a control character in the address) has
        // a bad query or path, 400, not a broken rule.
        let api_error = match error {
            AppError::NotFound => crate::api::error::ApiError::not_found(),
            AppError::BadRequest(message) if content_api => {
                crate::api::error::ApiError::bad_request(message)
            }
            other => crate::api::error::ApiError::from(other),
        };
        return axum::response::IntoResponse::into_response(api_error);
    }
    if json {
        audience.format = Format::Json;
    }
    let html = match (audience.format, error.redirect()) {
        (Format::Html, None) => Some(match audience.place {
            Place::Site => site_page(&state, &error, audience, language).await,
            Place::Newsroom => crate::newsroom::error_page(
                error.title(Place::Newsroom),
                error.status(Format::Html),
                &error.message(Place::Newsroom),
            ),
        }),
        _ => None,
    };
    error.respond(audience, html.flatten())
}

/// The theme's error page, with the site's name and menu when the database allows.
async fn site_page(
    state: &SiteState,
    error: &AppError,
    audience: Audience,
    language: gazette_core::Language,
) -> Option<String> {
    let page = ErrorPage::new(error, error.status(audience.format).as_u16(), language);
    // Best effort: with the database down the page still renders, without the section menu.
    let site = SiteContext::load_or_default(state, language, None).await;
    let html = state.theme.render(
        "error.html",
        minijinja::context! {
            site => site,
            meta => site.meta(&page.title, &page.message, &site.home_url, true),
            error => page,
        },
    );
    html.map_err(|e| tracing::error!(error = %e, "error page template failed"))
        .ok()
}

/// The edition an address belongs to: the one whose code is its first segment (`/uk/…`), else
/// the default. Error pages speak the language of the page asked for.
fn edition_of_path(editions: &gazette_core::Editions, path: &str) -> gazette_core::Language {
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    editions
        .prefixed()
        .iter()
        .copied()
        .find(|l| l.code() == first)
        .unwrap_or_else(|| editions.default_language())
}
