//! Reading the posting form, sent either way a client likes: urlencoded (text only) or multipart
//! (text and a photo, in one request from a phone). Either way the session's token is checked
//! first — for multipart it must be the first part, or the `X-CSRF-Token` header, so nothing else
//! is read from a forged request — and then the rest is read into a [`Submission`].
//!
//! A photo over the size limit does not lose the writer's text: the file's bytes are read and
//! dropped, the other fields kept, and the form comes back with the message beside the photo.

use axum::extract::multipart::{Field, MultipartError};
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{StatusCode, header};

use super::super::auth::{CurrentUser, read_form, same_token};
use super::super::media::CSRF_HEADER;
use crate::error::{AppError, AppResult};
use crate::state::NewsroomState;

/// Parts a posting form may have; ours has seven.
const MAX_PARTS: usize = 16;
/// The longest text field read: an entry's body is at most 20,000 characters, four bytes each.
const MAX_TEXT_BYTES: usize = 96 * 1024;
/// The longest security token read; real ones are far shorter.
const MAX_TOKEN_BYTES: usize = 256;

/// The text fields of the form; anything else but `photo` is skipped.
const TEXT_FIELDS: [&str; 5] = ["headline", "body", "key_event", "action", "photo_alt"];

/// A photo sent with an entry.
pub struct Photo {
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// What the posting form sent.
#[derive(Default)]
pub struct Submission {
    pub headline: String,
    pub body: String,
    pub key_event: bool,
    pub action: String,
    pub photo_alt: String,
    pub photo: Option<Photo>,
    /// Why the photo attached was not kept (too large, no media storage).
    pub photo_error: Option<String>,
}

impl Submission {
    fn set(&mut self, name: &str, value: String) {
        match name {
            "headline" => self.headline = value,
            "body" => self.body = value.replace("\r\n", "\n"),
            // Present is on, whatever its value, as a checkbox is sent.
            "key_event" => self.key_event = true,
            "action" => self.action = value,
            "photo_alt" => self.photo_alt = value,
            _ => {}
        }
    }
}

fn forged() -> AppError {
    AppError::Forbidden(
        "This form has expired or did not come from the newsroom (its security token does not \
         match). Go back, reload the page and try again."
            .into(),
    )
}

/// A posting form whose token has been checked and whose other fields are still to be read:
/// the handler checks who may post where in between, before any file is read.
pub enum Opened {
    Form(Submission),
    Multipart(Multipart),
}

/// Checks the request's token: reads a urlencoded form whole, or a multipart one up to its token.
pub async fn open(
    state: &NewsroomState,
    user: &CurrentUser,
    request: Request,
) -> AppResult<Opened> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let valid = |token: &str| !token.is_empty() && same_token(token, &user.csrf);
    if !content_type.starts_with("multipart/form-data") {
        let form = read_form(request).await?;
        if !valid(form.get("csrf").unwrap_or("")) {
            return Err(forged());
        }
        let mut submission = Submission::default();
        for (name, value) in form.0 {
            submission.set(&name, value);
        }
        return Ok(Opened::Form(submission));
    }
    let header_token = request
        .headers()
        .get(CSRF_HEADER)
        .map(|v| v.to_str().unwrap_or("").to_owned());
    let mut multipart = Multipart::from_request(request, state)
        .await
        .map_err(|_| AppError::BadRequest("Send the entry with the posting form.".into()))?;
    match header_token {
        Some(token) if valid(&token) => {}
        Some(_) => return Err(forged()),
        None => {
            // Nothing but the token is read before the token is checked.
            let mut field = multipart
                .next_field()
                .await
                .map_err(|_| forged())?
                .ok_or_else(forged)?;
            if field.name() != Some("csrf") {
                return Err(forged());
            }
            let token = read_text(&mut field, MAX_TOKEN_BYTES)
                .await
                .map_err(|_| forged())?;
            if !valid(&token) {
                return Err(forged());
            }
        }
    }
    Ok(Opened::Multipart(multipart))
}

impl Opened {
    /// Reads the rest. `max_photo` is the media library's limit, `None` without a library.
    pub async fn finish(self, max_photo: Option<usize>) -> AppResult<Submission> {
        let mut multipart = match self {
            Self::Form(submission) => return Ok(submission),
            Self::Multipart(multipart) => multipart,
        };
        let mut submission = Submission::default();
        let mut parts = 0;
        while let Some(mut field) = multipart.next_field().await.map_err(unreadable)? {
            parts += 1;
            if parts > MAX_PARTS {
                return Err(AppError::BadRequest(
                    "The posting form has too many fields.".into(),
                ));
            }
            let name = field.name().unwrap_or("").to_owned();
            if name == "photo" {
                read_photo(&mut field, max_photo, &mut submission).await?;
                continue;
            }
            if !TEXT_FIELDS.contains(&name.as_str()) {
                // Not ours (an old form, a script's extra): skipped unread.
                while field.chunk().await.map_err(unreadable)?.is_some() {}
                continue;
            }
            let text = read_text(&mut field, MAX_TEXT_BYTES).await?;
            submission.set(&name, text);
        }
        Ok(submission)
    }
}

/// Reads the photo part, keeping it if it is within the limit. A browser sends an empty part
/// when no file was chosen: that is no photo.
async fn read_photo(
    field: &mut Field<'_>,
    max_photo: Option<usize>,
    submission: &mut Submission,
) -> AppResult<()> {
    if submission.photo.is_some() || submission.photo_error.is_some() {
        return Err(AppError::BadRequest("Attach one photo per entry.".into()));
    }
    let filename = field.file_name().unwrap_or("").to_owned();
    let mut bytes = Vec::new();
    let mut refused = None;
    while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
        if refused.is_some() {
            continue;
        }
        match max_photo {
            Some(max) if bytes.len() + chunk.len() > max => {
                bytes = Vec::new();
                refused = Some(format!(
                    "The photo is larger than {} MB. Make it smaller (or export it at a lower \
                     quality) and attach it again.",
                    max / (1024 * 1024)
                ));
            }
            None => {
                refused = Some(
                    "This site has no media storage configured: post without the photo.".into(),
                );
            }
            Some(_) => bytes.extend_from_slice(&chunk),
        }
    }
    if let Some(message) = refused {
        submission.photo_error = Some(message);
    } else if !bytes.is_empty() {
        submission.photo = Some(Photo { filename, bytes });
    }
    Ok(())
}

fn unreadable(e: MultipartError) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::TooLarge("The entry and its photo are too large to receive.".into())
    } else {
        AppError::BadRequest(
            "The entry could not be read: it was interrupted, or it is not the posting form."
                .into(),
        )
    }
}

/// A text field of at most `max` bytes, read as it arrives.
async fn read_text(field: &mut Field<'_>, max: usize) -> AppResult<String> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
        if bytes.len() + chunk.len() > max {
            return Err(AppError::BadRequest(format!(
                "A field of the posting form is longer than {} KB.",
                max / 1024
            )));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes)
        .map_err(|_| AppError::BadRequest("A field of the posting form is not UTF-8.".into()))
}
