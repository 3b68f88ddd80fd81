//! One error type for the web layer. Handlers return [`AppResult`]; an error becomes a response
//! carrying its status and an [`ErrorPage`] marker, and [`render_error_pages`] turns the marker into
//! the theme's error page, so that readers always get a page that looks like the rest of the site,
//! never a bare status or a stack trace.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use gazette_store::StoreError;

use crate::AppState;
use crate::presenters::SiteContext;

pub type AppResult<T> = Result<T, AppError>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// The thing existed and was removed on purpose (an unpublished article).
    #[error("gone")]
    Gone,
    #[error("{0}")]
    BadRequest(String),
    /// The database is unreachable; the reader should try again shortly.
    #[error("temporarily unavailable")]
    Unavailable,
    /// A bug or an unexpected failure: logged in full, shown to the reader in general terms.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound,
            StoreError::Invalid(msg) | StoreError::Conflict(msg) => Self::BadRequest(msg),
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

impl From<minijinja::Error> for AppError {
    fn from(e: minijinja::Error) -> Self {
        Self::Internal(format!("template: {e:#}"))
    }
}

/// What the error page says; attached to error responses for [`render_error_pages`].
#[derive(Debug, Clone, serde::Serialize)]
pub struct ErrorPage {
    pub status: u16,
    pub title: &'static str,
    pub message: String,
}

impl AppError {
    fn status(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Gone => StatusCode::GONE,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn page(&self) -> ErrorPage {
        let (title, message) = match self {
            Self::NotFound => (
                "Page not found",
                "We could not find that page. It may have moved, or the address may be mistyped. \
                 Try the search below or start again from the front page."
                    .to_owned(),
            ),
            Self::Gone => (
                "This article has been removed",
                "The newsroom has taken this article down. Our corrections policy explains when and why we do that."
                    .to_owned(),
            ),
            Self::BadRequest(msg) => ("That request did not work", msg.clone()),
            Self::Unavailable => (
                "Temporarily unavailable",
                "We are having trouble reaching our archive. Please try again in a minute.".to_owned(),
            ),
            Self::Internal(_) => (
                "Something went wrong",
                "Something went wrong on our side. The problem has been logged; please try again.".to_owned(),
            ),
        };
        ErrorPage {
            status: self.status().as_u16(),
            title,
            message,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let Self::Internal(detail) = &self {
            tracing::error!(%detail, "request failed");
        }
        let page = self.page();
        let mut response = (self.status(), page.message.clone()).into_response();
        if matches!(self, Self::Unavailable) {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
        }
        response.extensions_mut().insert(page);
        response
    }
}

/// Replaces the body of every error response with the theme's error page.
pub async fn render_error_pages(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let response = next.run(request).await;
    let Some(page) = response.extensions().get::<ErrorPage>().cloned() else {
        return response;
    };
    let (mut parts, _) = response.into_parts();
    // Best effort: with the database down the page still renders, without the section menu.
    let site = SiteContext::load_or_default(&state, None).await;
    let html = state.theme.render(
        "error.html",
        minijinja::context! {
            site => site,
            meta => site.meta(page.title, &page.message, "/", true),
            error => page,
        },
    );
    let body = match html {
        Ok(html) => html,
        Err(e) => {
            tracing::error!(error = %e, "error page template failed");
            format!("<!doctype html><title>{0}</title><h1>{0}</h1>", page.status)
        }
    };
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    parts
        .headers
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    parts.headers.remove(header::CONTENT_LENGTH);
    (parts, Html(body)).into_response()
}

/// The answer to any address no route claims.
pub async fn not_found() -> AppError {
    AppError::NotFound
}
