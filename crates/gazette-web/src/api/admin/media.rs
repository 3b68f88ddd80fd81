//! Uploading an image through the Admin API: a `multipart/form-data` body with `file` and `alt`
//! (and optionally `caption` and `credit`), processed and stored by the newsroom's own upload
//! code (`newsroom::media::store_image`): the same formats, sizes, variants and audit entry.

use axum::Json;
use axum::extract::multipart::{Field, MultipartError};
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::StatusCode;
use gazette_media::ImageDetails;

use super::auth::Caller;
use super::schema::{MediaOut, TokenAnswers, UploadForm};
use crate::api::error::{ApiError, ApiResult, ErrorBody};
use crate::newsroom::media::{library, store_image, too_large};
use crate::state::NewsroomState;

/// A backstop on the whole body: reading stops at the media library's limit for the file (25 MB
/// by default, at most 60) and at [`MAX_TEXT_BYTES`] for each other part.
pub const BODY_LIMIT: usize = 64 * 1024 * 1024;
/// The longest text part (alt text, caption, credit).
const MAX_TEXT_BYTES: usize = 16 * 1024;
/// Parts the form may have; it has four.
const MAX_PARTS: usize = 8;

fn unreadable(max_bytes: usize) -> impl Fn(MultipartError) -> ApiError {
    move |e: MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::from(too_large(max_bytes))
        } else {
            ApiError::bad_request(
                "The upload could not be read: it was interrupted, or it is not multipart/form-data.",
            )
        }
    }
}

async fn read_text(
    field: &mut Field<'_>,
    name: &str,
    unreadable: &impl Fn(MultipartError) -> ApiError,
) -> ApiResult<String> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
        if bytes.len() + chunk.len() > MAX_TEXT_BYTES {
            return Err(ApiError::invalid(format!(
                "{name} can be at most {} KB.",
                MAX_TEXT_BYTES / 1024
            )));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| ApiError::invalid(format!("{name} is not UTF-8.")))
}

#[utoipa::path(
    post,
    path = "/api/admin/v1/media",
    tag = "Admin API",
    description = "Uploads an image with its alt text to the media library. Needs the `media` scope.",
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The image as stored, with its sizes", body = MediaOut),
        (status = 400, description = "The body is not a multipart form", body = ErrorBody),
        TokenAnswers,
        (status = 403, description = "The token lacks the scope", body = ErrorBody),
        (status = 413, description = "The image is larger than the site's limit", body = ErrorBody),
        (status = 422, description = "No file, no alt text, an unknown part, or not an image the site accepts", body = ErrorBody),
    )
)]
pub async fn upload(
    caller: Caller,
    State(state): State<NewsroomState>,
    request: Request,
) -> ApiResult<(StatusCode, Json<MediaOut>)> {
    let max_bytes = library(&state)?.limits().max_bytes;
    let unreadable = unreadable(max_bytes);
    let mut multipart = Multipart::from_request(request, &())
        .await
        .map_err(|_| ApiError::bad_request("Send the image as multipart/form-data."))?;
    let mut details = ImageDetails::default();
    let mut file: Option<Vec<u8>> = None;
    let mut parts = 0;
    while let Some(mut field) = multipart.next_field().await.map_err(&unreadable)? {
        parts += 1;
        if parts > MAX_PARTS {
            return Err(ApiError::invalid("The form has too many parts."));
        }
        let name = field.name().unwrap_or("").to_owned();
        match name.as_str() {
            "file" => {
                if file.is_some() {
                    return Err(ApiError::invalid("Upload one file at a time."));
                }
                details.filename = field.file_name().unwrap_or("upload").to_owned();
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(&unreadable)? {
                    // Refused as soon as it passes the limit, so no more is ever held.
                    if bytes.len() + chunk.len() > max_bytes {
                        return Err(too_large(max_bytes).into());
                    }
                    bytes.extend_from_slice(&chunk);
                }
                file = Some(bytes);
            }
            "alt" => details.alt = read_text(&mut field, "alt", &unreadable).await?,
            "caption" => details.caption = read_text(&mut field, "caption", &unreadable).await?,
            "credit" => details.credit = read_text(&mut field, "credit", &unreadable).await?,
            other => {
                return Err(ApiError::invalid(format!(
                    "Unknown part {:?}: the form has file, alt, caption and credit.",
                    other.chars().take(40).collect::<String>()
                )));
            }
        }
    }
    let Some(bytes) = file.filter(|b| !b.is_empty()) else {
        return Err(ApiError::invalid("Send the image in the part named file."));
    };
    if details.alt.trim().is_empty() {
        return Err(ApiError::invalid(
            "Describe the image in alt, for readers who cannot see it.",
        ));
    }
    let media = store_image(&state, &caller.acting, bytes, details).await?;
    Ok((StatusCode::CREATED, Json(MediaOut::from(&media))))
}
