//! The media library in the newsroom: upload images (file picker or drag-and-drop), list them,
//! edit their alt text, caption and credit, and choose an article's featured image. Processing and
//! storage are `gazette-media`'s; this module is forms and pages.

use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::extract::multipart::{Field, MultipartError};
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, post};
use gazette_core::Article;
use gazette_media::{ImageDetails, MediaError, MediaLibrary};
use gazette_store::{Media, MediaText, PageRequest};

use super::access::{Acts, authorised};
use super::auth::{CurrentUser, PostForm, same_token};
use super::pages::{audit_entry, changed_at, layout, page_number, render, see_other};
use crate::error::{AppError, AppResult};
use crate::locale::locales;
use crate::state::NewsroomState;
use gazette_core::newsroom::{ArticleAction, Role};

const PER_PAGE: u32 = 24;

#[derive(Debug, serde::Deserialize)]
pub struct ListQuery {
    page: Option<String>,
    notice: Option<String>,
}

pub fn library(state: &NewsroomState) -> AppResult<&MediaLibrary> {
    state
        .media
        .as_ref()
        .ok_or_else(|| AppError::BadRequest("This site has no media storage configured.".into()))
}

/// The smallest file of an image, for lists.
fn thumbnail(media: &Media) -> Option<String> {
    media
        .variants
        .iter()
        .find(|v| v.format == "webp")
        .or(media.variants.first())
        .map(|v| format!("/media/{}", v.key))
}

/// The Markdown that puts the image in an article body, as a figure with its caption.
pub fn markdown(media: &Media) -> String {
    let src = media.body_address().unwrap_or_default();
    let clean = |s: &str| s.replace(['[', ']', '"', '\n'], " ");
    let mut caption = clean(&media.caption);
    if !media.credit.is_empty() {
        caption = format!("{caption} ({})", clean(&media.credit))
            .trim()
            .to_owned();
    }
    if caption.is_empty() {
        format!("![{}]({src})", clean(&media.alt))
    } else {
        format!("![{}]({src} \"{caption}\")", clean(&media.alt))
    }
}

fn item(media: &Media) -> minijinja::Value {
    minijinja::context! {
        id => media.id,
        thumbnail => thumbnail(media),
        name => media.original_name.clone(),
        width => media.width,
        height => media.height,
        alt => media.alt.clone(),
        caption => media.caption.clone(),
        credit => media.credit.clone(),
        markdown => markdown(media),
        files => media.variants.len(),
    }
}

pub async fn list(
    State(state): State<NewsroomState>,
    user: CurrentUser,
    Query(query): Query<ListQuery>,
) -> AppResult<Response> {
    let page = state
        .store
        .media_list(PageRequest::new(
            page_number(query.page.as_deref()),
            PER_PAGE,
        ))
        .await?;
    let total_pages = page.total_pages();
    let limits = state.media.as_ref().map(MediaLibrary::limits);
    render(
        "media.html",
        minijinja::context! {
            ..layout(Some(&user), &locales().word(user.language(), "nr-media-title")),
            ..minijinja::context! {
                items => page.items.iter().map(item).collect::<Vec<_>>(),
                total => page.total,
                page => page.request.page,
                total_pages,
                configured => state.media.is_some(),
                max_mb => limits.map(|l| l.max_bytes / (1024 * 1024)),
                max_megapixels => limits.map(|l| l.max_pixels / 1_000_000),
                notice => match query.notice.as_deref() {
                    Some("uploaded") => Some(locales().word(user.language(), "nr-media-uploaded")),
                    Some("saved") => Some(locales().word(user.language(), "nr-saved")),
                    _ => None,
                },
            }
        },
    )
}

/// A backstop on the whole upload body. Reading stops long before it: at the library's own limit
/// (25 MB by default, at most 60) for the file, and at [`MAX_TEXT_BYTES`] for each of at most
/// [`MAX_PARTS`] other fields.
const UPLOAD_BODY_LIMIT: usize = 64 * 1024 * 1024;

/// Parts an upload form may have; ours has six.
const MAX_PARTS: usize = 16;
/// The longest text field (alt text, caption, credit).
const MAX_TEXT_BYTES: usize = 16 * 1024;
/// The longest security token read; real ones are far shorter.
const MAX_TOKEN_BYTES: usize = 256;
/// Scripts may send the form's token in this header instead of as its first field.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The upload route, with room in the body for the largest accepted file.
pub fn upload_route() -> MethodRouter<crate::AppState> {
    post(upload).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT))
}

/// Takes a multipart form: `csrf` first (or the `X-CSRF-Token` header), then `file`, and
/// optionally `alt`, `caption`, `credit` and `feature_on`. Answers JSON to scripts
/// (`Accept: application/json`), and otherwise sends the browser back to the library.
pub async fn upload(
    State(state): State<NewsroomState>,
    user: CurrentUser,
    request: axum::extract::Request,
) -> Response {
    let wants_json = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    let headers = request.headers().clone();
    let request = request.map(|body| Body::new(Paced::new(body)));
    let received = match Multipart::from_request(request, &state).await {
        Ok(mut multipart) => receive(&state, &user, &headers, &mut multipart).await,
        Err(_) => Err(AppError::BadRequest(
            "Send the image with the upload form (multipart/form-data).".into(),
        )),
    };
    match received {
        Ok((media, _)) if wants_json => axum::Json(serde_json::json!({
            "id": media.id,
            "markdown": markdown(&media),
            "thumbnail": thumbnail(&media),
        }))
        .into_response(),
        Ok((_, Some(article))) => see_other(&format!("/newsroom/articles/{article}")),
        Ok((_, None)) => see_other("/newsroom/media?notice=uploaded"),
        // A script is answered in JSON: `render_errors` reads the same `Accept`.
        Err(e) => e.into_response(),
    }
}

/// A request body handed out one chunk per poll. The multipart parser (multer) reads its input
/// until the input has nothing ready, so on a fast connection it would take in the whole upload
/// before the handler has looked at the first field — the token, or a size already over the
/// limit. Given one chunk at a time, it holds at most a chunk more than the handler has asked for.
struct Paced {
    inner: Body,
    just_gave: bool,
}

impl Paced {
    fn new(inner: Body) -> Self {
        Self {
            inner,
            just_gave: false,
        }
    }
}

impl hyper::body::Body for Paced {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<hyper::body::Frame<Bytes>, Self::Error>>> {
        if std::mem::take(&mut self.just_gave) {
            // Not waiting on anything: the parser is polled again as soon as it has used what
            // it got, and then receives the next chunk.
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if matches!(polled, Poll::Ready(Some(Ok(_)))) {
            self.just_gave = true;
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.inner.size_hint()
    }
}

fn forged() -> AppError {
    AppError::Forbidden(
        "This form has expired or did not come from the newsroom (its security token does not match). \
         Go back, reload the page and try again."
            .into(),
    )
}

pub fn too_large(max_bytes: usize) -> AppError {
    AppError::TooLarge(format!(
        "Images may be at most {} MB, and this file is larger. Make it smaller (or export it at a \
         lower quality) and upload it again.",
        max_bytes / (1024 * 1024)
    ))
}

/// Reads an upload as it arrives, and stops at the first thing wrong with it. The body is never
/// read before the session (the `CurrentUser` extractor) and the form's token are checked, which
/// is why the token must come first: a file part arriving before it is refused unread. The file
/// is counted as it arrives and refused as soon as it passes the limit, so no more than the limit
/// is ever held in memory.
async fn receive(
    state: &NewsroomState,
    user: &CurrentUser,
    headers: &HeaderMap,
    multipart: &mut Multipart,
) -> AppResult<(Media, Option<i64>)> {
    let library = library(state)?;
    let max_bytes = library.limits().max_bytes;
    let unreadable = |e: MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large(max_bytes)
        } else {
            AppError::BadRequest(
                "The upload could not be read: it was interrupted, or it is not an upload form."
                    .into(),
            )
        }
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok())
        .unwrap_or(0);
    let valid = |token: &str| !token.is_empty() && same_token(token, &user.csrf);
    let mut verified = match headers.get(CSRF_HEADER) {
        Some(token) if valid(token.to_str().unwrap_or("")) => true,
        Some(_) => return Err(forged()),
        None => false,
    };
    let mut feature_on = None;
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut details = ImageDetails::default();
    let mut parts = 0;
    while let Some(mut field) = multipart.next_field().await.map_err(unreadable)? {
        parts += 1;
        if parts > MAX_PARTS {
            return Err(AppError::BadRequest(
                "The upload form has too many fields.".into(),
            ));
        }
        let name = field.name().unwrap_or("").to_owned();
        if !verified {
            // Nothing but the token is read before the token is checked.
            if name != "csrf" {
                return Err(forged());
            }
            let token = read_text(&mut field, MAX_TOKEN_BYTES, unreadable)
                .await
                .map_err(|_| forged())?;
            if !valid(&token) {
                return Err(forged());
            }
            verified = true;
            continue;
        }
        if name == "file" {
            if file.is_some() {
                return Err(AppError::BadRequest("Upload one file at a time.".into()));
            }
            let filename = field.file_name().unwrap_or("").to_owned();
            // The declared length, never more than the limit, saves regrowing for honest clients.
            let mut bytes = Vec::with_capacity(declared.min(max_bytes));
            while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
                let needed = bytes.len() + chunk.len();
                if needed > max_bytes {
                    return Err(too_large(max_bytes));
                }
                if needed > bytes.capacity() {
                    // Doubling, but never past the limit: the buffer stays within it.
                    let target = (bytes.capacity() * 2).clamp(needed, max_bytes);
                    bytes.reserve_exact(target - bytes.len());
                }
                bytes.extend_from_slice(&chunk);
            }
            file = Some((filename, bytes));
            continue;
        }
        let text = read_text(&mut field, MAX_TEXT_BYTES, unreadable).await?;
        match name.as_str() {
            // Uploaded from the editor: the image becomes that article's featured image, if the
            // person may edit it — checked as the field arrives, before the file is read.
            "feature_on" => {
                feature_on = match text.trim() {
                    "" => None,
                    raw => {
                        let id: i64 = raw.parse().map_err(|_| AppError::NotFound)?;
                        authorised(state, user, id, ArticleAction::Edit).await?;
                        Some(id)
                    }
                };
            }
            "alt" => details.alt = text,
            "caption" => details.caption = text,
            "credit" => details.credit = text,
            _ => {}
        }
    }
    if !verified {
        return Err(forged());
    }
    let Some((filename, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Err(AppError::BadRequest(
            "Choose an image file to upload.".into(),
        ));
    };
    details.filename = filename;
    let media = store_image(state, user, bytes, details).await?;
    if let Some(article) = feature_on {
        // The upload's own audit entry above covers it.
        let seq = state
            .store
            .set_featured_media(article, Some(media.id), None, state.now())
            .await?;
        changed_at(state, seq);
    }
    Ok((media, feature_on))
}

/// Processes and stores an image uploaded by `who` (`details` give its name and words; who made
/// it and the audit entry are filled in here): the newsroom's upload form and the Admin API both
/// come here, so both get the same checks, sizes and variants. The caller has kept the bytes
/// within the library's limit as they arrived.
pub async fn store_image(
    state: &NewsroomState,
    who: &impl Acts,
    bytes: Vec<u8>,
    mut details: ImageDetails,
) -> AppResult<Media> {
    let library = library(state)?;
    details.created_by = Some(who.user().id);
    // Written with the image's row; the store names the new image in it.
    details.audit = Some(audit_entry(
        &who.actor(),
        "create",
        "media",
        None,
        details
            .filename
            .chars()
            .take(255)
            .collect::<String>()
            .trim(),
    ));
    library
        .add_image_from_bytes(bytes, details)
        .await
        .map_err(|e| match e {
            MediaError::Refused(message) => AppError::BadRequest(message),
            MediaError::Store(e) => e.into(),
            MediaError::Storage(e) => {
                tracing::error!(error = %e, "media storage failed");
                AppError::Unavailable
            }
            MediaError::Internal(e) => AppError::Internal(e),
        })
}

/// A text field of at most `max` bytes, read as it arrives.
async fn read_text(
    field: &mut Field<'_>,
    max: usize,
    unreadable: impl Fn(MultipartError) -> AppError,
) -> AppResult<String> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(&unreadable)? {
        if bytes.len() + chunk.len() > max {
            return Err(AppError::BadRequest(format!(
                "A text field of the upload is longer than {} KB.",
                max / 1024
            )));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes)
        .map_err(|_| AppError::BadRequest("A text field of the upload is not UTF-8.".into()))
}

pub async fn update(
    State(state): State<NewsroomState>,
    Path(id): Path<String>,
    post: PostForm,
) -> AppResult<Response> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let existing = state.store.media(id).await?.ok_or(AppError::NotFound)?;
    // Words on a published picture are editorial: editors change any, others their own uploads.
    if post.user.user.role < Role::Editor && existing.created_by != Some(post.user.user.id) {
        return Err(AppError::Forbidden(
            "You can describe only images you uploaded. Ask an editor.".into(),
        ));
    }
    let text = MediaText {
        alt: post.form.text("alt"),
        caption: post.form.text("caption"),
        credit: post.form.text("credit"),
    };
    let entry = audit_entry(
        &post.user.actor(),
        "update",
        "media",
        Some(id),
        text.alt.trim(),
    );
    let media = state
        .store
        .update_media(id, text, Some(&entry), state.now())
        .await?;
    changed_at(&state, media.seq);
    Ok(see_other("/newsroom/media?notice=saved"))
}

/// Sets (or, with an empty `media_id`, clears) an article's featured image.
pub async fn set_featured(
    State(state): State<NewsroomState>,
    Path(id): Path<String>,
    post: PostForm,
) -> AppResult<Response> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    authorised(&state, &post.user, id, ArticleAction::Edit).await?;
    let media_id = post.form.optional_id("media_id")?;
    let entry = audit_entry(
        &post.user.actor(),
        "update",
        "article",
        Some(id),
        format!(
            "featured image: {}",
            media_id.map_or("none".to_owned(), |m| m.to_string())
        ),
    );
    let seq = state
        .store
        .set_featured_media(id, media_id, Some(&entry), state.now())
        .await?;
    changed_at(&state, seq);
    Ok(see_other(&format!("/newsroom/articles/{id}")))
}

/// What the editor shows to choose a featured image: the current one and the newest uploads.
pub async fn picker(state: &NewsroomState, article_id: i64) -> AppResult<minijinja::Value> {
    let current = state
        .store
        .featured_media(&[article_id])
        .await?
        .remove(&article_id);
    let recent = state.store.media_list(PageRequest::new(1, 50)).await?;
    Ok(minijinja::context! {
        current => current.as_ref().map(item),
        choices => recent.items.iter().map(|m| minijinja::context! {
            id => m.id,
            label => if m.alt.is_empty() { format!("{} (no alt text)", m.original_name) } else { m.alt.clone() },
            selected => current.as_ref().is_some_and(|c| c.id == m.id),
        }).collect::<Vec<_>>(),
    })
}

/// Readers who cannot see an image get its alt text: an article may not be published while its
/// featured image or an image in its body has none.
pub async fn require_alt_text(state: &NewsroomState, article: &Article) -> AppResult<()> {
    if let Some(featured) = state
        .store
        .featured_media(&[article.id])
        .await?
        .remove(&article.id)
        && featured.alt.trim().is_empty()
    {
        return Err(AppError::BadRequest(format!(
            "The featured image ({}) has no alt text. Describe it in the media library, then publish.",
            featured.original_name
        )));
    }
    if let Some(src) = gazette_core::markdown::image_without_alt(&article.body_markdown) {
        return Err(AppError::BadRequest(format!(
            "An image in the body ({src}) has no alt text: write it between the brackets, ![like this]({src}), then publish."
        )));
    }
    Ok(())
}
