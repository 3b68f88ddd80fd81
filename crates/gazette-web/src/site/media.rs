//! Media files at `/media/{key}`, and how a page shows an image. Keys are content hashes, so a file
//! never changes under its name and browsers and CDNs may keep it for a year.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use gazette_media::{Format, is_media_key};
use gazette_store::Media;
use serde::Serialize;

use crate::error::AppError;
use crate::state::SiteState;

pub async fn file(
    State(state): State<SiteState>,
    Path(key): Path<String>,
) -> Result<Response, AppError> {
    // Only names the library makes reach the storage: no paths, no other files.
    let format = Format::of_key(&key).filter(|_| is_media_key(&key));
    let (Some(format), Some(media)) = (format, state.media.as_ref()) else {
        return Err(AppError::NotFound);
    };
    let bytes = match media.storage().get(&key).await {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return Err(AppError::NotFound),
        Err(e) => {
            tracing::warn!(key, error = %e, "media storage unavailable");
            return Err(AppError::Unavailable);
        }
    };
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.mime()),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    Ok(response)
}

/// What templates get to print an image: `<picture>` with a WebP source and the fallback `<img>`.
#[derive(Debug, Clone, Serialize)]
pub struct ImageView {
    pub alt: String,
    pub caption: String,
    pub credit: String,
    /// Of the largest variant, so the browser reserves the right box before loading.
    pub width: u32,
    pub height: u32,
    /// `srcset` of the WebP files; empty when they would be the larger download, or when the
    /// upload was WebP (then `srcset` itself is WebP).
    pub webp_srcset: String,
    pub srcset: String,
    pub src: String,
    pub mime: String,
}

impl ImageView {
    pub fn new(media: &Media) -> Option<Self> {
        let fallback = ["jpeg", "png"]
            .into_iter()
            .find(|f| media.variants.iter().any(|v| v.format == *f))
            .unwrap_or("webp");
        let srcset = |format: &str| {
            media
                .variants
                .iter()
                .filter(|v| v.format == format)
                .map(|v| format!("/media/{} {}w", v.key, v.width))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let largest = media.largest(fallback)?;
        // The WebP files are lossless: smaller than PNG for graphics, often larger than JPEG for
        // photographs. Browsers take WebP whenever it is offered, so it is offered only when it
        // is the smaller download.
        let total = |format: &str| -> u64 {
            media
                .variants
                .iter()
                .filter(|v| v.format == format)
                .map(|v| v.bytes)
                .sum()
        };
        let offer_webp = fallback != "webp" && total("webp") <= total(fallback);
        Some(Self {
            alt: media.alt.clone(),
            caption: media.caption.clone(),
            credit: media.credit.clone(),
            width: largest.width,
            height: largest.height,
            webp_srcset: if offer_webp {
                srcset("webp")
            } else {
                String::new()
            },
            srcset: srcset(fallback),
            src: format!("/media/{}", largest.key),
            mime: format!("image/{fallback}"),
        })
    }
}
