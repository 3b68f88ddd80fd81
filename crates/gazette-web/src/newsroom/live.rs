//! Live coverage in the newsroom: a live blog's posting screen (`/newsroom/articles/{id}/live`),
//! posting an entry — text, and a photo with its alt text, in one request from a phone — and
//! starting, ending and stopping coverage. Each entry's own actions and revision history are
//! `live/entries.rs`; who may do what to an entry, `live/rules.rs`; the breaking-news banner,
//! `breaking.rs`.
//!
//! Live blogs are collaborative: whoever may read the article may post to it while it is live
//! (a contributor's entry waits for an editor). Making an article a live blog, ending and resuming
//! coverage are publishing decisions, so they take the article's Publish right (editors, and the
//! article's own author); turning a live blog back into an ordinary article is an editor's.

mod entries;
pub mod rules;
mod submission;

use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{MethodRouter, post};
use gazette_core::live::{Coverage, EntryDraft, EntryError, EntryStatus, LiveBlog, LiveEntry};
use gazette_core::newsroom::{ArticleAction, Role};
use gazette_core::workflow::{self, Person};
use gazette_core::{Article, ArticleStatus};
use gazette_media::{ImageDetails, MediaError};
use gazette_store::ArticleWorkflow;
use gazette_store::live::EntryQuery;
use serde::Deserialize;

pub use entries::{entry_action, entry_page};
use rules::EntryAction;
pub use submission::Submission;

use super::access::{Acts, article_id, authorised, person, readable, stored};
use super::auth::{CurrentUser, PostForm};
use super::pages::{
    args, audit_entry, changed_at, layout, locales, page_number, render, see_other, show_time_in,
};
use crate::error::{AppError, AppResult, Format, Place};
use crate::state::NewsroomState;

/// Published entries per page of the posting screen.
const PER_PAGE: u32 = 30;
/// Drafts and pending entries shown at most (a blog never has many waiting).
const MAX_WAITING: u32 = 200;
/// A backstop on the whole body: reading stops at the media library's limit for the photo (25 MB
/// by default, at most 60) and at a few KB for each other field.
const BODY_LIMIT: usize = 64 * 1024 * 1024;
/// The audit log's entity for entries.
const ENTRY_ENTITY: &str = "live_entry";
/// The audit log's entity for a blog's coverage (its id is the article's).
const BLOG_ENTITY: &str = "live_blog";

// ---------------------------------------------------------------- the screen

#[derive(Debug, Deserialize)]
pub struct ScreenQuery {
    notice: Option<String>,
    page: Option<String>,
}

/// The notice a redirect's `?notice=` names, in `language`.
fn notice_text(language: gazette_core::Language, code: Option<&str>) -> Option<String> {
    let l = locales();
    Some(match code? {
        "start" => l.word(language, "nr-live-notice-start"),
        "resume" => l.word(language, "nr-live-notice-resume"),
        "end" => l.word(language, "nr-live-notice-end"),
        "stop" => l.word(language, "nr-live-notice-stop"),
        "saved" => l.word(language, "nr-live-notice-saved"),
        "publish" => l.word(language, "nr-live-notice-publish"),
        "pending" => l.word(language, "nr-live-notice-pending"),
        "delete" => l.word(language, "nr-live-notice-delete"),
        "pin" => l.word(language, "nr-live-notice-pin"),
        "unpin" => l.word(language, "nr-live-notice-unpin"),
        "key" => l.word(language, "nr-live-notice-key"),
        "unkey" => l.word(language, "nr-live-notice-unkey"),
        _ => return None,
    })
}

/// The posting form as typed, with what is wrong with each field: what a refused post shows again.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Composer {
    pub headline: String,
    pub body: String,
    pub key_event: bool,
    pub photo_alt: String,
    pub errors: FieldErrors,
}

#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct FieldErrors {
    pub headline: Option<String>,
    pub body: Option<String>,
    pub photo: Option<String>,
    pub photo_alt: Option<String>,
}

impl FieldErrors {
    /// Puts an entry's refusal beside the field it is about; `None` when it is about no field.
    fn place(&mut self, error: &EntryError) -> bool {
        let message = Some(error.to_string());
        match error {
            EntryError::EmptyBody | EntryError::BodyTooLong => self.body = message,
            EntryError::HeadlineTooLong => self.headline = message,
            EntryError::NoAuthor | EntryError::TooManyAuthors => return false,
        }
        true
    }
}

/// What the screen shows besides the blog as stored.
struct Screen<'a> {
    article: &'a Article,
    workflow: &'a ArticleWorkflow,
    composer: Composer,
    error: Option<String>,
    notice: Option<String>,
    page: u32,
}

fn status_label(language: gazette_core::Language, status: EntryStatus) -> String {
    let l = locales();
    match status {
        EntryStatus::Draft => l.word(language, "nr-entry-draft"),
        EntryStatus::Pending => l.word(language, "nr-entry-pending"),
        EntryStatus::Published => l.word(language, "nr-entry-published"),
        EntryStatus::Deleted => l.word(language, "nr-entry-deleted"),
    }
}

/// An entry as the newsroom lists it, with the buttons the person may use.
fn entry_item(
    entry: &LiveEntry,
    me: &Person,
    article: &Article,
    language: gazette_core::Language,
) -> minijinja::Value {
    let may = |action| rules::may(entry, me, action);
    let public =
        article.status == ArticleStatus::Published && entry.status == EntryStatus::Published;
    minijinja::context! {
        id => entry.id,
        status => entry.status.as_str(),
        status_label => status_label(language, entry.status),
        headline => entry.headline.clone(),
        body_html => entry.body_html.clone(),
        authors => entry.authors.iter().map(|a| a.name.clone()).collect::<Vec<_>>().join(", "),
        time => show_time_in(language, entry.posted_at.unwrap_or(entry.created_at)),
        edited => entry.edited_at.map(|t| show_time_in(language, t)),
        pinned => entry.pinned,
        key_event => entry.key_event,
        url => public.then(|| crate::site::live::entry_url(article, entry.id)),
        can_edit => may(EntryAction::Edit),
        can_delete => may(EntryAction::Delete),
        can_publish => entry.status != EntryStatus::Published && may(EntryAction::Publish),
        publish_label => if rules::published_status(entry, me) == EntryStatus::Pending { locales().word(language, "nr-entry-send-for-approval") } else { locales().word(language, "nr-entry-publish") },
        can_pin => may(EntryAction::Pin),
        can_key => may(EntryAction::MarkKeyEvent),
    }
}

fn blog_view(blog: &LiveBlog, language: gazette_core::Language) -> minijinja::Value {
    minijinja::context! {
        live => blog.coverage == Coverage::Live,
        started => show_time_in(language, blog.started_at),
        ended => blog.ended_at.map(|t| show_time_in(language, t)),
    }
}

async fn render_screen(
    state: &NewsroomState,
    user: &CurrentUser,
    screen: Screen<'_>,
    status: StatusCode,
) -> AppResult<Response> {
    let article = screen.article;
    let me = person(user);
    let stored = stored(article, screen.workflow);
    let blog = state.store.live_blog(article.id).await?;
    let mut published = Vec::new();
    let mut waiting = Vec::new();
    let mut total_pages = 1;
    if blog.is_some() {
        let offset = u64::from(screen.page - 1) * u64::from(PER_PAGE);
        published = state
            .store
            .live_entries(article.id, EntryQuery::published(offset, PER_PAGE))
            .await?;
        let total = state.store.published_entry_count(article.id).await?;
        total_pages = u32::try_from(total.div_ceil(u64::from(PER_PAGE)).max(1)).unwrap_or(1);
        waiting = state
            .store
            .live_entries(
                article.id,
                EntryQuery {
                    statuses: vec![EntryStatus::Draft, EntryStatus::Pending],
                    limit: MAX_WAITING,
                    ..EntryQuery::published(0, 0)
                },
            )
            .await?;
        waiting.retain(|e| rules::sees_unpublished(e, &me));
    }
    let item = |e: &LiveEntry| entry_item(e, &me, article, user.language());
    let drafts: Vec<_> = waiting
        .iter()
        .filter(|e| e.status == EntryStatus::Draft)
        .map(item)
        .collect();
    let pending: Vec<_> = waiting
        .iter()
        .filter(|e| e.status == EntryStatus::Pending)
        .map(item)
        .collect();
    let public_url = (article.status == ArticleStatus::Published)
        .then(|| crate::presenters::article_url(&article.section.slug, &article.slug));
    let page = screen.page;
    let link = |n: u32| format!("/newsroom/articles/{}/live?page={n}", article.id);
    let title = args(&[("headline", article.headline.clone())]);
    let title = locales().text(user.language(), "nr-live-title", Some(&title));
    let mut response = render(
        "live.html",
        minijinja::context! {
            ..layout(Some(user), &title),
            ..minijinja::context! {
                article => minijinja::context! {
                    id => article.id,
                    headline => article.headline.clone(),
                    status_label => super::pages::status_label(user.language(), article.status),
                    public_url,
                },
                blog => blog.as_ref().map(|b| blog_view(b, user.language())),
                can_cover => workflow::authorise(&stored, &me, ArticleAction::Publish).is_ok(),
                can_stop => me.role >= Role::Editor,
                can_post => blog.as_ref().is_some_and(|b| b.coverage == Coverage::Live),
                posts_wait => EntryStatus::on_post(me.role) == EntryStatus::Pending,
                photos => state.media.is_some(),
                form => screen.composer,
                drafts,
                pending,
                published => published.iter().map(item).collect::<Vec<_>>(),
                page,
                total_pages,
                newer => (page > 1).then(|| link(page - 1)),
                older => (page < total_pages).then(|| link(page + 1)),
                notice => screen.notice,
                error => screen.error,
            }
        },
    )?;
    *response.status_mut() = status;
    Ok(response)
}

pub async fn screen(
    State(state): State<NewsroomState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<ScreenQuery>,
) -> AppResult<Response> {
    let id = article_id(&id)?;
    let (article, workflow) = readable(&state, &user, id).await?;
    let screen = Screen {
        article: &article,
        workflow: &workflow,
        composer: Composer::default(),
        error: None,
        notice: notice_text(user.language(), query.notice.as_deref()),
        page: page_number(query.page.as_deref()),
    };
    render_screen(&state, &user, screen, StatusCode::OK).await
}

// ---------------------------------------------------------------- posting

/// The posting route, with room in the body for the largest photo accepted.
pub fn post_route() -> MethodRouter<crate::AppState> {
    post(post_entry).layer(DefaultBodyLimit::max(BODY_LIMIT))
}

/// The byline of a new entry: the writer's own, or (for someone without one, an admin say) the
/// article's first.
fn byline(user: &impl Acts, article: &Article) -> Vec<i64> {
    user.user()
        .author_id
        .or_else(|| article.authors.first().map(|a| a.id))
        .into_iter()
        .collect()
}

/// Why posting to this article is refused before its form is read, if it is.
pub async fn require_live(state: &NewsroomState, article_id: i64) -> AppResult<()> {
    match state.store.live_blog(article_id).await? {
        None => Err(AppError::Conflict(
            "This article is not a live blog. Make it one on its live page first.".into(),
        )),
        Some(blog) if blog.coverage == Coverage::Ended => Err(AppError::Conflict(
            "Coverage of this live blog has ended. Resume coverage to post again.".into(),
        )),
        Some(_) => Ok(()),
    }
}

/// A refusal the form can be shown again for, with the text kept.
fn keeps_form(e: &AppError) -> bool {
    matches!(
        e,
        AppError::BadRequest(_) | AppError::Conflict(_) | AppError::TooLarge(_)
    )
}

fn media_error(e: MediaError) -> AppError {
    match e {
        MediaError::Refused(message) => AppError::BadRequest(message),
        MediaError::Store(e) => e.into(),
        MediaError::Storage(e) => {
            tracing::error!(error = %e, "media storage failed");
            AppError::Unavailable
        }
        MediaError::Internal(e) => AppError::Internal(e),
    }
}

/// Posts an entry: `csrf`, `headline`, `body`, `key_event`, `action` (`post` or `draft`) and
/// optionally `photo` with `photo_alt`, urlencoded or multipart. Answers `303` to the entry on
/// the posting screen; a refused entry gets the screen again, with the message and the text.
pub async fn post_entry(
    State(state): State<NewsroomState>,
    user: CurrentUser,
    Path(id): Path<String>,
    request: Request,
) -> AppResult<Response> {
    let id = article_id(&id)?;
    let opened = submission::open(&state, &user, request).await?;
    let (article, workflow) = readable(&state, &user, id).await?;
    require_live(&state, id).await?;
    let max_photo = state.media.as_ref().map(|m| m.limits().max_bytes);
    let submitted = opened.finish(max_photo).await?;
    let mut composer = Composer {
        headline: submitted.headline.clone(),
        body: submitted.body.clone(),
        key_event: submitted.key_event,
        photo_alt: submitted.photo_alt.clone(),
        errors: FieldErrors::default(),
    };
    match post_submission(&state, &user, &article, submitted, &mut composer.errors).await {
        Ok(entry) => Ok(see_other(&format!(
            "/newsroom/articles/{id}/live#entry-{entry}"
        ))),
        Err(e) if keeps_form(&e) => {
            let status = e.status(Format::Html);
            let screen = Screen {
                article: &article,
                workflow: &workflow,
                composer,
                error: Some(e.message(Place::Newsroom)),
                notice: None,
                page: 1,
            };
            render_screen(&state, &user, screen, status).await
        }
        Err(e) => Err(e),
    }
}

/// Checks, stores the photo, posts the entry; returns its id. Refusals about one field are also
/// put beside it in `errors`. The caller has checked that `user` may read the article and that it
/// is live ([`readable`], [`require_live`]); the Admin API posts through here too.
pub async fn post_submission(
    state: &NewsroomState,
    user: &impl Acts,
    article: &Article,
    submitted: Submission,
    errors: &mut FieldErrors,
) -> AppResult<i64> {
    let status = match submitted.action.trim() {
        "post" | "" => EntryStatus::on_post(user.user().role),
        "draft" => EntryStatus::Draft,
        _ => {
            return Err(AppError::BadRequest(
                "Press Post or Save draft to send the entry.".into(),
            ));
        }
    };
    if let Some(message) = submitted.photo_error {
        errors.photo = Some(message.clone());
        return Err(AppError::BadRequest(format!(
            "{message} Your text is kept below."
        )));
    }
    let alt = submitted
        .photo_alt
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if submitted.photo.is_some() && alt.is_empty() {
        let message = "Describe the photo in its alt text, for readers who cannot see it.";
        errors.photo_alt = Some(message.into());
        return Err(AppError::BadRequest(format!(
            "{message} Then attach the photo again: your text is kept below."
        )));
    }
    let text = submitted.body.trim().to_owned();
    let mut draft = EntryDraft {
        headline: Some(submitted.headline),
        body_markdown: text.clone(),
        author_ids: byline(user, article),
        key_event: submitted.key_event,
    };
    // Checked before the photo is stored, with the image's place held, so that a refused entry
    // leaves no image behind.
    let held = if submitted.photo.is_some() {
        format!("{text}\n\n![{alt}](/media/held.jpg)")
    } else {
        text.clone()
    };
    if let Err(e) = (EntryDraft {
        body_markdown: held,
        ..draft.clone()
    })
    .validated()
    {
        errors.place(&e);
        return Err(AppError::BadRequest(e.to_string()));
    }
    if let Some(photo) = submitted.photo {
        let library = state.media.as_ref().ok_or_else(|| {
            AppError::BadRequest("This site has no media storage configured.".into())
        })?;
        let details = ImageDetails {
            filename: photo.filename.clone(),
            alt: alt.clone(),
            caption: String::new(),
            credit: String::new(),
            created_by: Some(user.user().id),
            audit: Some(audit_entry(
                &user.actor(),
                "create",
                "media",
                None,
                photo.filename.chars().take(255).collect::<String>().trim(),
            )),
        };
        let media = library
            .add_image_from_bytes(photo.bytes, details)
            .await
            .map_err(media_error)
            .inspect_err(|e| {
                if let AppError::BadRequest(m) = e {
                    errors.photo = Some(m.clone());
                }
            })?;
        let image = super::media::markdown(&media);
        draft.body_markdown = if text.is_empty() {
            image
        } else {
            format!("{text}\n\n{image}")
        };
    }
    let detail = format!(
        "on article {}: {}",
        article.id,
        match status {
            EntryStatus::Draft => "draft",
            EntryStatus::Pending => "waiting for an editor",
            _ => "published",
        }
    );
    let action = if status == EntryStatus::Draft {
        "draft"
    } else {
        "post"
    };
    let audit = audit_entry(&user.actor(), action, ENTRY_ENTITY, None, detail);
    let written = state
        .store
        .post_entry(
            article.id,
            draft,
            status,
            Some(user.user().id),
            Some(&audit),
            state.now(),
        )
        .await?;
    changed_at(state, written.seq);
    Ok(written.value.id)
}

// ---------------------------------------------------------------- coverage

/// `action` = `start` (make the article a live blog, or resume its coverage), `end`, or `stop`
/// (an ordinary article again; editors only).
pub async fn coverage(
    State(state): State<NewsroomState>,
    Path(id): Path<String>,
    post: PostForm,
) -> AppResult<Response> {
    let PostForm { user, form } = post;
    let id = article_id(&id)?;
    let (article, _) = authorised(&state, &user, id, ArticleAction::Publish).await?;
    let blog = state.store.live_blog(id).await?;
    let not_live = || AppError::Conflict("This article is not a live blog.".into());
    let (coverage, verb) = match form.text("action").as_str() {
        "start" if blog.is_some() => (Some(Coverage::Live), "resume"),
        "start" => (Some(Coverage::Live), "start"),
        "end" => {
            blog.as_ref().ok_or_else(not_live)?;
            (Some(Coverage::Ended), "end")
        }
        "stop" => {
            if user.user.role < Role::Editor {
                return Err(AppError::Forbidden(
                    "Only editors can turn a live blog back into an ordinary article.".into(),
                ));
            }
            blog.as_ref().ok_or_else(not_live)?;
            (None, "stop")
        }
        _ => {
            return Err(AppError::BadRequest(
                "Choose to start, end or stop the live coverage.".into(),
            ));
        }
    };
    let audit = audit_entry(
        &user.actor(),
        verb,
        BLOG_ENTITY,
        Some(id),
        article.headline.chars().take(200).collect::<String>(),
    );
    let seq = state
        .store
        .set_coverage(id, coverage, Some(&audit), state.now())
        .await?;
    changed_at(&state, seq);
    Ok(see_other(&format!(
        "/newsroom/articles/{id}/live?notice={verb}"
    )))
}
