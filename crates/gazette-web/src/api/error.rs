//! The APIs' one error shape: `{"error": {"status": 422, "code": "invalid_field", "message": "…"}}`,
//! never stored by a cache, and [`ApiJson`], the body extractor that answers malformed JSON, wrong
//! types, unknown fields and oversized bodies with it instead of axum's plain-text rejections.
//!
//! | what | status | code |
//! |---|---|---|
//! | malformed JSON, a bad query or path | 400 | `bad_request` |
//! | no token, an unknown, revoked or expired one | 401 | `unauthorized` |
//! | the token lacks the scope, or its person the role | 403 | `forbidden` |
//! | no such thing | 404 | `not_found` |
//! | a stale update, or it exists already | 409 | `conflict` |
//! | the body is too large | 413 | `too_large` |
//! | well-formed but invalid (wrong type, unknown field, a rule broken) | 422 | `invalid` |
//! | too many requests (`Retry-After`) | 429 | `rate_limited` |

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use utoipa::ToSchema;

use crate::error::AppError;

/// An API error, as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ApiError {
    /// The HTTP status, repeated for clients that only keep the body.
    pub status: u16,
    /// A stable, machine-readable code (see the table above).
    pub code: String,
    /// What went wrong, in words a developer can act on.
    pub message: String,
    /// Seconds to wait before trying again (429 and 503 only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

/// The body every error response carries.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ApiError,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self {
            status: status.as_u16(),
            code: code.to_owned(),
            message: message.into(),
            retry_after: None,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "Nothing is at this address.",
        )
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", message)
    }

    pub fn too_large(message: impl Into<String>) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", message)
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message)
    }

    pub fn rate_limited(retry_after_secs: u64) -> Self {
        Self {
            retry_after: Some(retry_after_secs),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("Too many requests. Try again in {retry_after_secs} seconds."),
            )
        }
    }

    pub fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status >= 500 {
            tracing::error!(message = %self.message, "API request failed");
        }
        let status = self.status_code();
        let retry_after = self.retry_after;
        let mut response = (status, axum::Json(ErrorBody { error: self })).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let Some(secs) = retry_after
            && let Ok(value) = HeaderValue::from_str(&secs.to_string())
        {
            headers.insert(header::RETRY_AFTER, value);
        }
        response
    }
}

/// The web layer's errors keep their status; the wording is the one a site visitor gets, so
/// nothing internal leaks (an unexpected failure is logged in full where it happened).
impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        use crate::error::{Format, Place};
        let status = error.status(Format::Json);
        let code = match &error {
            AppError::Unauthenticated { .. } => "unauthorized",
            AppError::TwoFactorRequired | AppError::Forbidden(_) => "forbidden",
            AppError::BadRequest(_) => "invalid",
            AppError::Conflict(_) => "conflict",
            AppError::NotFound => "not_found",
            AppError::Gone => "gone",
            AppError::TooManyRequests(_) => "rate_limited",
            AppError::TooLarge(_) => "too_large",
            AppError::Unavailable | AppError::Busy => "unavailable",
            AppError::Internal(_) => "internal",
        };
        // A rule broken by a well-formed request is 422 here; the site says 400 for its forms.
        let status = if status == StatusCode::BAD_REQUEST {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            status
        };
        let mut api = Self::new(status, code, error.message(Place::Newsroom));
        api.retry_after = match error {
            AppError::Unavailable => Some(30),
            AppError::Busy => Some(5),
            _ => None,
        };
        api
    }
}

impl From<gazette_store::StoreError> for ApiError {
    fn from(error: gazette_store::StoreError) -> Self {
        AppError::from(error).into()
    }
}

/// Largest JSON body the APIs accept (an article with room to spare): axum's body limit, which
/// the JSON extractor applies while it reads.
pub const MAX_JSON_BYTES: usize = 2 * 1024 * 1024;

/// A JSON request body. Types it reads should say `#[serde(deny_unknown_fields)]`, so a
/// misspelt field is refused instead of silently ignored.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(from_rejection(rejection)),
        }
    }
}

fn from_rejection(rejection: JsonRejection) -> ApiError {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => {
            ApiError::bad_request("Send the body as JSON, with Content-Type: application/json.")
        }
        JsonRejection::JsonSyntaxError(e) => {
            ApiError::bad_request(format!("The body is not valid JSON: {}", e.body_text()))
        }
        JsonRejection::JsonDataError(e) => ApiError::invalid(e.body_text()),
        rejection if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::too_large(format!(
                "The body is larger than {} MiB.",
                MAX_JSON_BYTES / (1024 * 1024)
            ))
        }
        other => ApiError::bad_request(other.body_text()),
    }
}
