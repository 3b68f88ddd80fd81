//! The article list, the editor (create, save, autosave, preview) and the workflow actions.
//!
//! Who may do what is decided in `gazette_core::workflow` from the article as stored; this module
//! only turns requests into those questions and the answers into pages.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Duration, Utc};
use gazette_core::newsroom::{ArticleAction, may};
use gazette_core::submission::{ArticleInput, MAX_BODY_LEN};
use gazette_core::workflow::{self, WorkflowAction, WorkflowRequest};
use gazette_core::{Article, ArticleStatus, Language, NewArticle, markdown};
use gazette_store::{
    ArticleSave, ArticleWorkflow, NewsroomFilter, NewsroomSort, PageRequest, SavedArticle,
    StatusChange, StoreError, Written,
};
use serde::Deserialize;

use super::access::{Acts, article_id, authorised, person, readable, stored};
use super::auth::{CurrentUser, PostForm};
use super::pages::{
    FormData, action_label, audit_entry, changed_at, correction_label, input_time, layout, locales,
    page_number, render, see_other, show_time, status_label,
};
use crate::error::{AppError, AppResult, Format, JsonError};
use crate::state::NewsroomState;

/// Articles per page in the newsroom list.
const PER_PAGE: u32 = 20;
/// Someone who opened the editor this recently is shown as "also editing".
pub(super) const EDITING_WINDOW_MINUTES: i64 = 10;

// ---------------------------------------------------------------- list

#[derive(Debug, Deserialize, Default)]
pub struct ListQuery {
    status: Option<String>,
    section: Option<String>,
    author: Option<String>,
    language: Option<String>,
    q: Option<String>,
    sort: Option<String>,
    page: Option<String>,
    notice: Option<String>,
}

fn nonempty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

pub async fn list(
    State(state): State<NewsroomState>,
    user: CurrentUser,
    Query(query): Query<ListQuery>,
) -> AppResult<Response> {
    let bad = |what: &str| AppError::BadRequest(format!("Unknown {what} in the filter."));
    let filter = NewsroomFilter {
        // The same rule as `readable`, applied in the query so that pages and counts are right.
        readable_by: (!workflow::reads_everything(user.user.role)).then_some(user.user.id),
        status: nonempty(&query.status)
            .map(|s| ArticleStatus::parse(s).map_err(|_| bad("status")))
            .transpose()?,
        section_id: nonempty(&query.section)
            .map(|s| s.parse().map_err(|_| bad("section")))
            .transpose()?,
        author_id: nonempty(&query.author)
            .map(|s| s.parse().map_err(|_| bad("author")))
            .transpose()?,
        language: nonempty(&query.language)
            .map(|s| Language::parse(s).map_err(|_| bad("language")))
            .transpose()?,
        text: nonempty(&query.q).map(|q| q.chars().take(200).collect()),
        sort: match nonempty(&query.sort) {
            None | Some("modified") => NewsroomSort::Modified,
            Some("published") => NewsroomSort::Published,
            Some("headline") => NewsroomSort::Headline,
            Some(_) => return Err(bad("sort order")),
        },
    };
    let page_no = page_number(query.page.as_deref());
    let page = state
        .store
        .newsroom_articles(&filter, PageRequest::new(page_no, PER_PAGE))
        .await?;
    let sections = state.store.sections().await?;
    let authors = state.store.authors().await?;
    let ids: Vec<i64> = page.items.iter().map(|a| a.summary.id).collect();
    let marks = super::translations::list_marks(&state, &ids).await?;
    let language = user.language();
    let time = |t| super::pages::show_time_in(language, t);
    let rows: Vec<_> = page
        .items
        .iter()
        .map(|a| {
            minijinja::context! {
                id => a.summary.id,
                headline => a.summary.headline.clone(),
                section => a.summary.section.name.clone(),
                authors => a.summary.authors.iter().map(|p| p.name.clone()).collect::<Vec<_>>().join(", "),
                status => a.status.as_str(),
                status_label => status_label(user.language(), a.status),
                language => a.language.code(),
                modified => time(a.modified_at),
                published => a.summary.published_at.map(time),
                translations => super::translations::row_marks(&marks, a.summary.id),
            }
        })
        .collect();
    // Links to the other pages keep the filters.
    let mut params: Vec<(String, String)> = Vec::new();
    for (k, v) in [
        ("status", &query.status),
        ("section", &query.section),
        ("author", &query.author),
        ("language", &query.language),
        ("q", &query.q),
        ("sort", &query.sort),
    ] {
        if let Some(v) = nonempty(v) {
            params.push((k.to_owned(), v.to_owned()));
        }
    }
    let page_link = |n: u32| {
        let mut all = params.clone();
        all.push(("page".into(), n.to_string()));
        let qs: Vec<String> = all
            .iter()
            .map(|(k, v)| format!("{k}={}", gazette_core::text::url_encode(v)))
            .collect();
        format!("/newsroom?{}", qs.join("&"))
    };
    let total_pages = page.total_pages();
    let notice = match query.notice.as_deref() {
        Some("signed_in") => Some(locales().word(user.language(), "nr-articles-welcome")),
        _ => None,
    };
    render(
        "articles.html",
        minijinja::context! {
            ..layout(Some(&user), &locales().word(user.language(), "nr-articles-title")),
            ..minijinja::context! {
                rows,
                total => page.total,
                page => page_no,
                total_pages,
                prev => (page_no > 1).then(|| page_link(page_no - 1)),
                next => (page_no < total_pages).then(|| page_link(page_no + 1)),
                statuses => ArticleStatus::ALL.iter().map(|s| minijinja::context! { value => s.as_str(), label => status_label(user.language(), *s) }).collect::<Vec<_>>(),
                sections => sections.iter().map(|s| minijinja::context! { id => s.id, name => s.name.clone() }).collect::<Vec<_>>(),
                authors => authors.iter().map(|a| minijinja::context! { id => a.id, name => a.name.clone() }).collect::<Vec<_>>(),
                languages => state.config.editions.all().iter().map(|l| l.code().to_owned()).collect::<Vec<_>>(),
                f => minijinja::context! {
                    status => query.status.clone().unwrap_or_default(),
                    section => query.section.clone().unwrap_or_default(),
                    author => query.author.clone().unwrap_or_default(),
                    language => query.language.clone().unwrap_or_default(),
                    q => query.q.clone().unwrap_or_default(),
                    sort => query.sort.clone().unwrap_or_default(),
                },
                notice,
            }
        },
    )
}

// ---------------------------------------------------------------- the editor's form

/// Reads the editor form's fields (`gazette_core::submission` checks them).
pub fn input_from_form(form: &FormData) -> ArticleInput {
    ArticleInput {
        headline: form.text("headline"),
        standfirst: form.text("standfirst"),
        body: form.get("body").unwrap_or("").replace("\r\n", "\n"),
        section_id: form.text("section"),
        tags: form.text("tags"),
        author_ids: form
            .all("author")
            .iter()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect(),
        seo_title: form.text("seo_title"),
        seo_description: form.text("seo_description"),
        slug: form.text("slug"),
        language: form.text("language"),
        base_revision: form.text("base_revision"),
    }
}

/// The article `input` describes, checked against the sections and bylines that exist; tags typed
/// are given by name: the store adds them (creating new ones) inside the save's own transaction,
/// so a refused save creates none.
pub async fn to_article(
    state: &NewsroomState,
    input: &ArticleInput,
    status: ArticleStatus,
    published_at: Option<DateTime<Utc>>,
) -> AppResult<(NewArticle, Vec<String>)> {
    let sections: Vec<i64> = state.store.sections().await?.iter().map(|s| s.id).collect();
    let authors: Vec<i64> = state.store.authors().await?.iter().map(|a| a.id).collect();
    let submission = input.parse(&sections, &authors, &state.config.editions)?;
    let tag_names = submission.tag_names.clone();
    Ok((
        submission.into_article(Vec::new(), status, published_at),
        tag_names,
    ))
}

/// Everything the editor page shows besides the form.
#[derive(Default)]
struct EditorPage<'a> {
    article: Option<&'a Article>,
    workflow: Option<&'a ArticleWorkflow>,
    input: ArticleInput,
    error: Option<String>,
    notice: Option<String>,
    preview_html: Option<String>,
}

async fn render_editor(
    state: &NewsroomState,
    user: &CurrentUser,
    page: EditorPage<'_>,
    status: StatusCode,
) -> AppResult<Response> {
    let sections = state.store.sections().await?;
    let authors = state.store.authors().await?;
    let now = state.now();
    let mut context = minijinja::context! {};
    if let (Some(a), Some(w)) = (page.article, page.workflow) {
        let language = user.language();
        let time = |t| super::pages::show_time_in(language, t);
        let me = person(user);
        let stored = stored(a, w);
        let own = stored.is_own(&me);
        let can = |action| may(me.role, action, own, a.status);
        let actions: Vec<_> = workflow::offered_actions(&stored, &me, now)
            .into_iter()
            .map(|action| minijinja::context! { value => action.as_str(), label => action_label(user.language(), action) })
            .collect();
        let others = state
            .store
            .mark_editing(
                a.id,
                user.user.id,
                now - Duration::minutes(EDITING_WINDOW_MINUTES),
                now,
            )
            .await?;
        let corrections = state.store.corrections(a.id).await?;
        let media_picker = super::media::picker(state, a.id).await?;
        let public_url = crate::presenters::article_url(&a.section.slug, &a.slug);
        context = minijinja::context! {
            article => minijinja::context! {
                id => a.id,
                status => a.status.as_str(),
                status_label => status_label(user.language(), a.status),
                public_url => (a.status == ArticleStatus::Published).then_some(public_url),
                published => a.published_at.map(time),
                updated => a.updated_at.map(time),
                embargo => w.embargo_until.map(time),
                takedown => w.takedown_at.map(time),
                pinned => w.pinned_at.map(time),
            },
            can_edit => can(ArticleAction::Edit),
            can_correct => can(ArticleAction::Correct) && a.status == ArticleStatus::Published,
            can_schedule => can(ArticleAction::Publish),
            // Who publishes decides what leads the home page.
            can_pin => can(ArticleAction::Publish) && a.status == ArticleStatus::Published,
            can_set_takedown => workflow::may_set_takedown(&stored, &me),
            // Sent back unchanged with the publish buttons: only editors change a takedown.
            takedown_readonly => !me.is_editor(),
            actions,
            publish_at => input_time(if a.status == ArticleStatus::Scheduled { a.published_at } else { None }),
            embargo_until => input_time(w.embargo_until),
            takedown_at => input_time(w.takedown_at),
            others => others.iter().map(|o| minijinja::context! { name => o.name.clone(), seen => time(o.seen_at) }).collect::<Vec<_>>(),
            corrections => corrections.iter().map(|c| minijinja::context! { kind => correction_label(user.language(), c.kind), text => c.text.clone(), at => time(c.created_at) }).collect::<Vec<_>>(),
            autosave => workflow::may_autosave(a.status) && can(ArticleAction::Edit),
            media_picker,
            translations => super::translations::panel(state, user, a).await?,
        };
    } else {
        context = minijinja::context! { ..context, ..minijinja::context! { can_edit => true } };
    }
    let title = page.article.map_or_else(
        || locales().word(user.language(), "nr-nav-new-article"),
        |a| {
            let headline = super::pages::args(&[("headline", a.headline.clone())]);
            locales().text(user.language(), "nr-editor-edit-title", Some(&headline))
        },
    );
    let mut response = render(
        "editor.html",
        minijinja::context! {
            ..layout(Some(user), &title),
            ..context,
            ..minijinja::context! {
                input => page.input,
                error => page.error,
                notice => page.notice,
                preview_html => page.preview_html,
                sections => sections.iter().map(|s| minijinja::context! { id => s.id.to_string(), name => s.name.clone() }).collect::<Vec<_>>(),
                authors => authors.iter().map(|a| minijinja::context! { id => a.id.to_string(), name => a.name.clone() }).collect::<Vec<_>>(),
                languages => state.config.editions.all().iter().map(|l| l.code().to_owned()).collect::<Vec<_>>(),
            }
        },
    )?;
    *response.status_mut() = status;
    Ok(response)
}

/// A refused save re-shows the form with the message; other errors are their own pages. Whether
/// the person may edit at all is checked before, so a refusal here (bylines) keeps their text too.
fn keeps_form(e: &AppError) -> bool {
    matches!(
        e,
        AppError::BadRequest(_) | AppError::Conflict(_) | AppError::Forbidden(_)
    )
}

// ---------------------------------------------------------------- create

pub async fn new_article(
    State(state): State<NewsroomState>,
    user: CurrentUser,
) -> AppResult<Response> {
    let sections = state.store.sections().await?;
    let input = ArticleInput {
        section_id: sections
            .first()
            .map(|s| s.id.to_string())
            .unwrap_or_default(),
        author_ids: user
            .user
            .author_id
            .map(|id| vec![id.to_string()])
            .unwrap_or_default(),
        language: Language::default().code().to_owned(),
        ..Default::default()
    };
    render_editor(
        &state,
        &user,
        EditorPage {
            input,
            ..Default::default()
        },
        StatusCode::OK,
    )
    .await
}

pub async fn create(State(state): State<NewsroomState>, post: PostForm) -> AppResult<Response> {
    let PostForm { user, form } = post;
    workflow::may_create(&person(&user))?;
    let input = input_from_form(&form);
    if form.get("intent") == Some("preview") {
        let preview_html = Some(markdown::render(&input.body));
        return render_editor(
            &state,
            &user,
            EditorPage {
                input,
                preview_html,
                ..Default::default()
            },
            StatusCode::OK,
        )
        .await;
    }
    match create_draft(&state, &user, &input).await {
        Ok(article) => Ok(see_other(&format!(
            "/newsroom/articles/{}?notice=created",
            article.id
        ))),
        Err(e) if keeps_form(&e) => {
            let status = e.status(Format::Html);
            render_editor(
                &state,
                &user,
                EditorPage {
                    input,
                    error: Some(super::pages::form_refusal(user.language(), &e)),
                    ..Default::default()
                },
                status,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

/// Creates a draft owned by `who` from `input`: the newsroom's form and the Admin API both come
/// here. Refused (nothing stored) when their role may not write or the input breaks a rule.
pub async fn create_draft(
    state: &NewsroomState,
    who: &impl Acts,
    input: &ArticleInput,
) -> AppResult<Written<Article>> {
    workflow::may_create(&person(who))?;
    let (article, tag_names) = to_article(state, input, ArticleStatus::Draft, None).await?;
    let written = state
        .store
        .newsroom_create_article(article, &tag_names, &who.actor(), state.now())
        .await?;
    changed_at(state, written.seq);
    Ok(written)
}

// ---------------------------------------------------------------- edit and save

#[derive(Debug, Deserialize)]
pub struct EditQuery {
    notice: Option<String>,
}

/// The notice a redirect's `?notice=` names, in `language`.
fn notice_text(language: gazette_core::Language, code: Option<&str>) -> Option<String> {
    let l = locales();
    Some(match code? {
        "created" => l.word(language, "nr-notice-created"),
        "saved" => l.word(language, "nr-notice-saved"),
        "submit" => l.word(language, "nr-notice-submit"),
        "publish" => l.word(language, "nr-notice-publish"),
        "schedule" => l.word(language, "nr-notice-schedule"),
        "unpublish" => l.word(language, "nr-notice-unpublish"),
        "draft" => l.word(language, "nr-notice-draft"),
        "takedown" => l.word(language, "nr-notice-takedown"),
        "corrected" => l.word(language, "nr-notice-corrected"),
        "restored" => l.word(language, "nr-notice-restored"),
        _ => return None,
    })
}

pub async fn edit(
    State(state): State<NewsroomState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<EditQuery>,
) -> AppResult<Response> {
    let id = article_id(&id)?;
    let (article, workflow) = readable(&state, &user, id).await?;
    let input = ArticleInput::from_article(&article, workflow.latest_revision);
    let page = EditorPage {
        article: Some(&article),
        workflow: Some(&workflow),
        input,
        notice: notice_text(user.language(), query.notice.as_deref()),
        preview_html: Some(article.body_html.clone()),
        ..Default::default()
    };
    render_editor(&state, &user, page, StatusCode::OK).await
}

/// Saves the form as a new revision. Refused, with the form kept, when it is invalid or when
/// someone else saved after this form was opened (a `Conflict`). The caller has checked that
/// `user` may edit the article ([`authorised`] with `Edit`); the Admin API saves through here too.
pub async fn save_input(
    state: &NewsroomState,
    user: &impl Acts,
    (article, workflow): (&Article, &ArticleWorkflow),
    input: &ArticleInput,
    (note, audit_action): (&str, &str),
) -> AppResult<SavedArticle> {
    let (new, tag_names) = to_article(state, input, article.status, article.published_at).await?;
    workflow::check_save(&stored(article, workflow), &person(user), &new.author_ids)?;
    let base = input.base_revision()?;
    state
        .store
        .newsroom_save_article(
            article.id,
            ArticleSave {
                article: new,
                tag_names,
                base_revision: base,
                note: note.to_owned(),
                audit_action: audit_action.to_owned(),
                audit_detail: "revision ".to_owned(),
            },
            &user.actor(),
            state.now(),
        )
        .await
        .map_err(|e| match e {
            StoreError::Stale(who) => AppError::Conflict(format!(
                "Not saved: {who}. Your text is still in the form below. Open the article again in \
                 another tab to see their version, copy what you need, then save."
            )),
            e => e.into(),
        })
}

pub async fn save(
    State(state): State<NewsroomState>,
    Path(id): Path<String>,
    post: PostForm,
) -> AppResult<Response> {
    let PostForm { user, form } = post;
    let id = article_id(&id)?;
    let (article, workflow) = authorised(&state, &user, id, ArticleAction::Edit).await?;
    let input = input_from_form(&form);
    if form.get("intent") == Some("preview") {
        let page = EditorPage {
            article: Some(&article),
            workflow: Some(&workflow),
            preview_html: Some(markdown::render(&input.body)),
            input,
            ..Default::default()
        };
        return render_editor(&state, &user, page, StatusCode::OK).await;
    }
    match save_input(
        &state,
        &user,
        (&article, &workflow),
        &input,
        ("saved", "edit"),
    )
    .await
    {
        Ok(saved) => {
            changed_at(&state, saved.seq);
            Ok(see_other(&format!("/newsroom/articles/{id}?notice=saved")))
        }
        Err(e) if keeps_form(&e) => {
            let status = e.status(Format::Html);
            let page = EditorPage {
                article: Some(&article),
                workflow: Some(&workflow),
                preview_html: Some(markdown::render(&input.body)),
                input,
                error: Some(super::pages::form_refusal(user.language(), &e)),
                ..Default::default()
            };
            render_editor(&state, &user, page, status).await
        }
        Err(e) => Err(e),
    }
}

/// Autosave from the editor's script: the same save, answered in JSON, for drafts only.
pub async fn autosave(
    State(state): State<NewsroomState>,
    Path(id): Path<String>,
    post: PostForm,
) -> Result<Json<serde_json::Value>, JsonError> {
    let PostForm { user, form } = post;
    let id = article_id(&id)?;
    let (article, workflow) = authorised(&state, &user, id, ArticleAction::Edit).await?;
    if !workflow::may_autosave(article.status) {
        return Err(AppError::Conflict(
            "Autosave is only for unpublished drafts; press Save to update a published article."
                .into(),
        )
        .into());
    }
    let input = input_from_form(&form);
    let saved = save_input(
        &state,
        &user,
        (&article, &workflow),
        &input,
        ("autosaved", "autosave"),
    )
    .await?;
    changed_at(&state, saved.seq);
    Ok(Json(serde_json::json!({
        "revision": saved.revision,
        "saved_at": show_time(state.now()),
    })))
}

/// The preview pane's script: the body rendered exactly as the public site renders it.
pub async fn live_preview(post: PostForm) -> Result<Json<serde_json::Value>, JsonError> {
    let body = post.form.get("body").unwrap_or("");
    if body.len() > MAX_BODY_LEN {
        return Err(AppError::BadRequest("The body is too long to preview.".into()).into());
    }
    Ok(Json(serde_json::json!({ "html": markdown::render(body) })))
}

// ---------------------------------------------------------------- workflow

pub async fn workflow(
    State(state): State<NewsroomState>,
    Path(id): Path<String>,
    post: PostForm,
) -> AppResult<Response> {
    let PostForm { user, form } = post;
    let id = article_id(&id)?;
    let requested = form.text("action");
    let action = WorkflowAction::parse(&requested)
        .ok_or_else(|| AppError::BadRequest("Unknown workflow action.".into()))?;
    authorised(&state, &user, id, action.article_action()).await?;
    // The form says only what is asked for; what the article is comes from the store.
    let request = WorkflowRequest {
        action,
        publish_at: form.time("publish_at", "Publish at")?,
        embargo_until: form.time("embargo_until", "Embargo")?,
        takedown_at: form.time("takedown_at", "Takedown")?,
    };
    apply_workflow(&state, &user, id, &request).await?;
    Ok(see_other(&format!(
        "/newsroom/articles/{id}?notice={requested}"
    )))
}

/// Moves an article through the workflow for `who`: the rules of `gazette_core::workflow` (role,
/// ownership, embargo and takedown times), alt text before publishing, and the audit entry with
/// the move, in one transaction. The newsroom's workflow form and the Admin API both come here.
pub async fn apply_workflow(
    state: &NewsroomState,
    who: &impl Acts,
    id: i64,
    request: &WorkflowRequest,
) -> AppResult<Written<Article>> {
    let now = state.now();
    let action = request.action;
    let (article, stored_workflow) = authorised(state, who, id, action.article_action()).await?;
    let plan = workflow::plan_workflow(
        &stored(&article, &stored_workflow),
        &person(who),
        request,
        now,
    )?;
    if matches!(
        action,
        WorkflowAction::PublishNow | WorkflowAction::Schedule
    ) {
        super::media::require_alt_text(state, &article).await?;
    }
    let change = StatusChange {
        expected: article.status,
        status: plan.status,
        published_at: plan.published_at,
        embargo_until: plan.embargo_until,
        takedown_at: plan.takedown_at,
    };
    let detail = match change.status {
        ArticleStatus::Scheduled => format!(
            "for {}",
            change.published_at.map(show_time).unwrap_or_default()
        ),
        _ => String::new(),
    };
    let entry = audit_entry(&who.actor(), action.as_str(), "article", Some(id), detail);
    let written = state
        .store
        .change_article_status(id, change, Some(&entry), now)
        .await?;
    changed_at(state, written.seq);
    Ok(written)
}

/// Pins an article to the top of the home page (`pinned=yes`) or unpins it (`pinned=no`).
pub async fn pin_to_home(
    State(state): State<NewsroomState>,
    Path(id): Path<String>,
    post: PostForm,
) -> AppResult<Response> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    authorised(&state, &post.user, id, ArticleAction::Publish).await?;
    let pinned = match post.form.get("pinned") {
        Some("yes") => true,
        Some("no") => false,
        _ => return Err(AppError::BadRequest("say pinned=yes or pinned=no".into())),
    };
    let entry = audit_entry(
        &post.user.actor(),
        "update",
        "article",
        Some(id),
        if pinned {
            "pinned to the home page"
        } else {
            "unpinned from the home page"
        },
    );
    let seq = state
        .store
        .pin_to_home(id, pinned, Some(&entry), state.now())
        .await?;
    changed_at(&state, seq);
    Ok(see_other(&format!("/newsroom/articles/{id}")))
}
