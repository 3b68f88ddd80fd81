//! Theme assets under content-hashed names, cached for a year.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::Theme;
use crate::error::AppError;

pub async fn asset(
    State(theme): State<Arc<Theme>>,
    Path(name): Path<String>,
) -> Result<Response, AppError> {
    let asset = theme.asset(&name).ok_or(AppError::NotFound)?;
    let mut response = asset.bytes.clone().into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    Ok(response)
}
