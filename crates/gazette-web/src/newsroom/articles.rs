//! The article list, the editor (create, save, autosave, preview) and the workflow actions.
//!
//! Who may do what is decided in `gazette_core::workflow` from the article as stored; this module
//! only turns requests into those questions and the answers into pages.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Duration, Utc};
use gazette_core::newsroom::{ArticleAction, may, transition};
use gazette_core::workflow::{
    self, Person, Refusal, RefusalKind, StoredArticle, WorkflowAction, WorkflowRequest,
};
use gazette_core::{Article, ArticleStatus, Language, NewArticle, Slug, markdown};
use gazette_store::{
    ArticleSave, ArticleWorkflow, NewsroomFilter, NewsroomSort, PageRequest, SavedArticle,
    StatusChange, StoreError,
};
use serde::Deserialize;

use super::auth::{CurrentUser, PostForm};
use super::{
    FormData, JsonError, NewsroomError, NewsroomResult, audit_entry, changed_at, input_time,
    layout, page_number, render, see_other, show_time,
};
use crate::AppState;

/// Articles per page in the newsroom list.
const PER_PAGE: u32 = 20;
/// Someone who opened the editor this recently is shown as "also editing".
pub(super) const EDITING_WINDOW_MINUTES: i64 = 10;
const MAX_TAGS: usize = 20;
const MAX_TAG_LEN: usize = 60;

pub fn status_label(status: ArticleStatus) -> &'static str {
    match status {
        ArticleStatus::Draft => "Draft",
        ArticleStatus::InReview => "In review",
        ArticleStatus::Scheduled => "Scheduled",
        ArticleStatus::Published => "Published",
        ArticleStatus::Unpublished => "Unpublished",
    }
}

const STATUSES: [ArticleStatus; 5] = [
    ArticleStatus::Draft,
    ArticleStatus::InReview,
    ArticleStatus::Scheduled,
    ArticleStatus::Published,
    ArticleStatus::Unpublished,
];

/// The person acting, as the workflow rules see them.
pub fn person(user: &CurrentUser) -> Person {
    Person {
        user_id: user.user.id,
        role: user.user.role,
        author_id: user.user.author_id,
    }
}

/// The stored article, as the workflow rules see it.
pub fn stored(article: &Article, workflow: &ArticleWorkflow) -> StoredArticle {
    StoredArticle {
        status: article.status,
        owner_user_id: workflow.owner_user_id,
        author_ids: article.authors.iter().map(|a| a.id).collect(),
        published_at: article.published_at,
        embargo_until: workflow.embargo_until,
        takedown_at: workflow.takedown_at,
    }
}

impl From<Refusal> for NewsroomError {
    fn from(refusal: Refusal) -> Self {
        match refusal.kind {
            RefusalKind::Forbidden => Self::Forbidden(refusal.reason),
            RefusalKind::Invalid => Self::BadRequest(refusal.reason),
            RefusalKind::Conflict => Self::Conflict(refusal.reason),
        }
    }
}

async fn load(state: &AppState, id: i64) -> NewsroomResult<(Article, ArticleWorkflow)> {
    let article = state
        .store
        .article(id)
        .await?
        .ok_or(NewsroomError::NotFound)?;
    let workflow = state
        .store
        .article_workflow(id)
        .await?
        .ok_or(NewsroomError::NotFound)?;
    Ok((article, workflow))
}

/// Loads an article for a person and checks that they may do `action` to it.
pub async fn authorised(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    action: ArticleAction,
) -> NewsroomResult<(Article, ArticleWorkflow)> {
    let (article, workflow) = load(state, id).await?;
    workflow::authorise(&stored(&article, &workflow), &person(user), action)?;
    Ok((article, workflow))
}

/// Loads an article for a person who wants to read it in the newsroom.
pub async fn readable(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> NewsroomResult<(Article, ArticleWorkflow)> {
    let (article, workflow) = load(state, id).await?;
    if !workflow::may_read(&stored(&article, &workflow), &person(user)) {
        return Err(NewsroomError::Forbidden(
            "This is a colleague's unpublished article. Drafts, articles in review, scheduled, \
             embargoed and unpublished articles are open to their writers and to editors only."
                .into(),
        ));
    }
    Ok((article, workflow))
}

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
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<ListQuery>,
) -> NewsroomResult<Response> {
    let bad = |what: &str| NewsroomError::BadRequest(format!("Unknown {what} in the filter."));
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
                status_label => status_label(a.status),
                language => a.language.code(),
                modified => show_time(a.modified_at),
                published => a.summary.published_at.map(show_time),
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
            .map(|(k, v)| format!("{k}={}", urlencoding::encode(v)))
            .collect();
        format!("/newsroom?{}", qs.join("&"))
    };
    let total_pages = page.total_pages();
    let notice = match query.notice.as_deref() {
        Some("signed_in") => Some("Welcome back."),
        _ => None,
    };
    render(
        "articles.html",
        minijinja::context! {
            ..layout(Some(&user), "Articles"),
            ..minijinja::context! {
                rows,
                total => page.total,
                page => page_no,
                total_pages,
                prev => (page_no > 1).then(|| page_link(page_no - 1)),
                next => (page_no < total_pages).then(|| page_link(page_no + 1)),
                statuses => STATUSES.iter().map(|s| minijinja::context! { value => s.as_str(), label => status_label(*s) }).collect::<Vec<_>>(),
                sections => sections.iter().map(|s| minijinja::context! { id => s.id, name => s.name.clone() }).collect::<Vec<_>>(),
                authors => authors.iter().map(|a| minijinja::context! { id => a.id, name => a.name.clone() }).collect::<Vec<_>>(),
                languages => Language::ALL.iter().map(|l| l.code()).collect::<Vec<_>>(),
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

/// What the editor form holds, as typed: re-shown unchanged when a save is refused, so nothing
/// written is lost.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct EditorInput {
    pub headline: String,
    pub standfirst: String,
    pub body: String,
    pub section_id: String,
    pub tags: String,
    pub author_ids: Vec<String>,
    pub seo_title: String,
    pub seo_description: String,
    pub slug: String,
    pub language: String,
    pub base_revision: String,
}

impl EditorInput {
    pub fn from_article(a: &Article, base_revision: Option<i64>) -> Self {
        Self {
            headline: a.headline.clone(),
            standfirst: a.standfirst.clone(),
            body: a.body_markdown.clone(),
            section_id: a.section.id.to_string(),
            tags: a
                .tags
                .iter()
                .map(|t| t.name.clone())
                .collect::<Vec<_>>()
                .join(", "),
            author_ids: a.authors.iter().map(|p| p.id.to_string()).collect(),
            seo_title: a.seo_title.clone().unwrap_or_default(),
            seo_description: a.seo_description.clone().unwrap_or_default(),
            slug: a.slug.to_string(),
            language: a.language.code().to_owned(),
            base_revision: base_revision.map(|r| r.to_string()).unwrap_or_default(),
        }
    }

    pub fn from_form(form: &FormData) -> Self {
        Self {
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

    pub fn base_revision(&self) -> NewsroomResult<Option<i64>> {
        match self.base_revision.as_str() {
            "" => Ok(None),
            raw => raw.parse().map(Some).map_err(|_| {
                NewsroomError::BadRequest(
                    "The form's revision number is damaged; reload the editor.".into(),
                )
            }),
        }
    }

    /// The tags typed in the form, by name: the store adds them (creating new ones) inside the
    /// save's own transaction, so a refused save creates none.
    pub fn tag_names(&self) -> Vec<String> {
        self.tags
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// The article this input describes; its tags are checked here and given by name
    /// ([`EditorInput::tag_names`]).
    pub async fn to_article(
        &self,
        state: &AppState,
        status: ArticleStatus,
        published_at: Option<DateTime<Utc>>,
    ) -> NewsroomResult<NewArticle> {
        let bad = |m: &str| NewsroomError::BadRequest(m.to_owned());
        let section_id: i64 = self
            .section_id
            .parse()
            .map_err(|_| bad("Choose a section."))?;
        if !state
            .store
            .sections()
            .await?
            .iter()
            .any(|s| s.id == section_id)
        {
            return Err(bad("That section does not exist."));
        }
        let language = if self.language.is_empty() {
            Language::default()
        } else {
            Language::parse(&self.language)
                .map_err(|e| NewsroomError::BadRequest(format!("{e}.")))?
        };
        let slug = if self.slug.is_empty() {
            None
        } else {
            Some(
                Slug::parse(&self.slug)
                    .map_err(|e| NewsroomError::BadRequest(format!("The address (slug): {e}.")))?,
            )
        };
        let mut author_ids = Vec::new();
        for raw in &self.author_ids {
            author_ids.push(
                raw.parse::<i64>()
                    .map_err(|_| bad("A byline in the form is damaged."))?,
            );
        }
        if author_ids.is_empty() {
            return Err(bad("Choose at least one byline."));
        }
        let known = state.store.authors().await?;
        if author_ids
            .iter()
            .any(|id| !known.iter().any(|a| a.id == *id))
        {
            return Err(bad("A chosen byline does not exist."));
        }
        let names: Vec<&str> = self
            .tags
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .collect();
        if names.len() > MAX_TAGS {
            return Err(NewsroomError::BadRequest(format!(
                "An article can have at most {MAX_TAGS} tags."
            )));
        }
        for name in names {
            if name.chars().count() > MAX_TAG_LEN {
                return Err(NewsroomError::BadRequest(format!(
                    "A tag can be at most {MAX_TAG_LEN} characters."
                )));
            }
        }
        let limit = |s: &str, max: usize, what: &str| {
            if s.chars().count() > max {
                Err(NewsroomError::BadRequest(format!(
                    "The {what} can be at most {max} characters."
                )))
            } else {
                Ok(())
            }
        };
        limit(&self.standfirst, 1000, "standfirst")?;
        limit(&self.seo_title, 200, "SEO title")?;
        limit(&self.seo_description, 400, "SEO description")?;
        limit(&self.body, 500_000, "body")?;
        Ok(NewArticle {
            language,
            slug,
            headline: self.headline.clone(),
            standfirst: self.standfirst.clone(),
            body_markdown: self.body.clone(),
            section_id,
            tag_ids: Vec::new(),
            author_ids,
            status,
            published_at,
            updated_at: None,
            seo_title: Some(self.seo_title.clone()),
            seo_description: Some(self.seo_description.clone()),
        })
    }
}

/// Everything the editor page shows besides the form.
#[derive(Default)]
struct EditorPage<'a> {
    article: Option<&'a Article>,
    workflow: Option<&'a ArticleWorkflow>,
    input: EditorInput,
    error: Option<String>,
    notice: Option<String>,
    preview_html: Option<String>,
}

async fn render_editor(
    state: &AppState,
    user: &CurrentUser,
    page: EditorPage<'_>,
    status: StatusCode,
) -> NewsroomResult<Response> {
    let sections = state.store.sections().await?;
    let authors = state.store.authors().await?;
    let now = state.now();
    let mut context = minijinja::context! {};
    if let (Some(a), Some(w)) = (page.article, page.workflow) {
        let me = person(user);
        let stored = stored(a, w);
        let own = stored.is_own(&me);
        let can = |action| may(me.role, action, own, a.status);
        let mut actions = Vec::new();
        let mut offer = |action: WorkflowAction, value: &str, label: &str| {
            // A button is offered when the rules would allow it with the times left as they are
            // (and, for Schedule, some time ahead); refusals for a bad time are shown on use.
            let request = WorkflowRequest {
                action,
                publish_at: Some(now + Duration::days(1)),
                embargo_until: w.embargo_until,
                takedown_at: w.takedown_at,
            };
            let refused_by_role = matches!(
                workflow::plan_workflow(&stored, &me, &request, now),
                Err(Refusal {
                    kind: RefusalKind::Forbidden,
                    ..
                })
            );
            let later = action == WorkflowAction::Schedule;
            if !refused_by_role && transition(a.status, action.article_action(), later).is_some() {
                actions.push(minijinja::context! { value, label });
            }
        };
        offer(WorkflowAction::Submit, "submit", "Submit for review");
        offer(WorkflowAction::PublishNow, "publish", "Publish now");
        offer(WorkflowAction::Schedule, "schedule", "Schedule");
        offer(WorkflowAction::Unpublish, "unpublish", "Unpublish");
        offer(WorkflowAction::ReturnToDraft, "draft", "Back to draft");
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
        let public_url = crate::view::article_url(&a.section.slug, &a.slug);
        context = minijinja::context! {
            article => minijinja::context! {
                id => a.id,
                status => a.status.as_str(),
                status_label => status_label(a.status),
                public_url => (a.status == ArticleStatus::Published).then_some(public_url),
                published => a.published_at.map(show_time),
                updated => a.updated_at.map(show_time),
                embargo => w.embargo_until.map(show_time),
                takedown => w.takedown_at.map(show_time),
            },
            can_edit => can(ArticleAction::Edit),
            can_correct => can(ArticleAction::Correct) && a.status == ArticleStatus::Published,
            can_schedule => can(ArticleAction::Publish),
            can_set_takedown => me.is_editor() && a.status == ArticleStatus::Published,
            // Sent back unchanged with the publish buttons: only editors change a takedown.
            takedown_readonly => !me.is_editor(),
            actions,
            publish_at => input_time(if a.status == ArticleStatus::Scheduled { a.published_at } else { None }),
            embargo_until => input_time(w.embargo_until),
            takedown_at => input_time(w.takedown_at),
            others => others.iter().map(|o| minijinja::context! { name => o.name.clone(), seen => show_time(o.seen_at) }).collect::<Vec<_>>(),
            corrections => corrections.iter().map(|c| minijinja::context! { kind => c.kind.label(), text => c.text.clone(), at => show_time(c.created_at) }).collect::<Vec<_>>(),
            autosave => matches!(a.status, ArticleStatus::Draft | ArticleStatus::InReview) && can(ArticleAction::Edit),
            media_picker,
        };
    } else {
        context = minijinja::context! { ..context, ..minijinja::context! { can_edit => true } };
    }
    let title = page.article.map_or_else(
        || "New article".to_owned(),
        |a| format!("Edit: {}", a.headline),
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
                languages => Language::ALL.iter().map(|l| l.code()).collect::<Vec<_>>(),
            }
        },
    )?;
    *response.status_mut() = status;
    Ok(response)
}

/// A refused save re-shows the form with the message; other errors are their own pages. Whether
/// the person may edit at all is checked before, so a refusal here (bylines) keeps their text too.
fn keeps_form(e: &NewsroomError) -> bool {
    matches!(
        e,
        NewsroomError::BadRequest(_) | NewsroomError::Conflict(_) | NewsroomError::Forbidden(_)
    )
}

// ---------------------------------------------------------------- create

pub async fn new_article(
    State(state): State<AppState>,
    user: CurrentUser,
) -> NewsroomResult<Response> {
    let sections = state.store.sections().await?;
    let input = EditorInput {
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

pub async fn create(State(state): State<AppState>, post: PostForm) -> NewsroomResult<Response> {
    let PostForm { user, form } = post;
    if !may(
        user.user.role,
        ArticleAction::Create,
        true,
        ArticleStatus::Draft,
    ) {
        return Err(NewsroomError::Forbidden(workflow::refusal_reason(
            user.user.role,
            ArticleAction::Create,
            true,
            ArticleStatus::Draft,
        )));
    }
    let input = EditorInput::from_form(&form);
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
    let result = async {
        let article = input.to_article(&state, ArticleStatus::Draft, None).await?;
        Ok::<_, NewsroomError>(
            state
                .store
                .newsroom_create_article(article, &input.tag_names(), &user.actor(), state.now())
                .await?,
        )
    }
    .await;
    match result {
        Ok(article) => {
            changed_at(&state, article.seq);
            Ok(see_other(&format!(
                "/newsroom/articles/{}?notice=created",
                article.id
            )))
        }
        Err(e) if keeps_form(&e) => {
            let status = e.status();
            render_editor(
                &state,
                &user,
                EditorPage {
                    input,
                    error: Some(e.message()),
                    ..Default::default()
                },
                status,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------- edit and save

#[derive(Debug, Deserialize)]
pub struct EditQuery {
    notice: Option<String>,
}

fn notice_text(code: Option<&str>) -> Option<String> {
    Some(
        match code? {
            "created" => "Draft created.",
            "saved" => "Saved.",
            "submit" => "Submitted for review.",
            "publish" => "Published.",
            "schedule" => "Scheduled.",
            "unpublish" => "Unpublished: readers now get “removed”.",
            "draft" => "Moved back to draft.",
            "takedown" => "Takedown time saved.",
            "corrected" => "Note added; readers see it at the end of the article.",
            "restored" => "Revision restored as a new save.",
            _ => return None,
        }
        .to_owned(),
    )
}

fn article_id(raw: &str) -> NewsroomResult<i64> {
    raw.parse().map_err(|_| NewsroomError::NotFound)
}

pub async fn edit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<EditQuery>,
) -> NewsroomResult<Response> {
    let id = article_id(&id)?;
    let (article, workflow) = readable(&state, &user, id).await?;
    let input = EditorInput::from_article(&article, workflow.latest_revision);
    let page = EditorPage {
        article: Some(&article),
        workflow: Some(&workflow),
        input,
        notice: notice_text(query.notice.as_deref()),
        preview_html: Some(article.body_html.clone()),
        ..Default::default()
    };
    render_editor(&state, &user, page, StatusCode::OK).await
}

/// Saves the form as a new revision. Refused, with the form kept, when it is invalid or when
/// someone else saved after this form was opened.
async fn save_input(
    state: &AppState,
    user: &CurrentUser,
    (article, workflow): (&Article, &ArticleWorkflow),
    input: &EditorInput,
    (note, audit_action): (&str, &str),
) -> NewsroomResult<SavedArticle> {
    let new = input
        .to_article(state, article.status, article.published_at)
        .await?;
    workflow::check_save(&stored(article, workflow), &person(user), &new.author_ids)?;
    let base = input.base_revision()?;
    state
        .store
        .newsroom_save_article(
            article.id,
            ArticleSave {
                article: new,
                tag_names: input.tag_names(),
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
            StoreError::Stale(who) => NewsroomError::Conflict(format!(
                "Not saved: {who}. Your text is still in the form below. Open the article again in \
                 another tab to see their version, copy what you need, then save."
            )),
            e => e.into(),
        })
}

pub async fn save(
    State(state): State<AppState>,
    Path(id): Path<String>,
    post: PostForm,
) -> NewsroomResult<Response> {
    let PostForm { user, form } = post;
    let id = article_id(&id)?;
    let (article, workflow) = authorised(&state, &user, id, ArticleAction::Edit).await?;
    let input = EditorInput::from_form(&form);
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
            let status = e.status();
            let page = EditorPage {
                article: Some(&article),
                workflow: Some(&workflow),
                preview_html: Some(markdown::render(&input.body)),
                input,
                error: Some(e.message()),
                ..Default::default()
            };
            render_editor(&state, &user, page, status).await
        }
        Err(e) => Err(e),
    }
}

/// Autosave from the editor's script: the same save, answered in JSON, for drafts only.
pub async fn autosave(
    State(state): State<AppState>,
    Path(id): Path<String>,
    post: PostForm,
) -> Result<Json<serde_json::Value>, JsonError> {
    let PostForm { user, form } = post;
    let id = article_id(&id)?;
    let (article, workflow) = authorised(&state, &user, id, ArticleAction::Edit).await?;
    if !matches!(
        article.status,
        ArticleStatus::Draft | ArticleStatus::InReview
    ) {
        return Err(NewsroomError::Conflict(
            "Autosave is only for unpublished drafts; press Save to update a published article."
                .into(),
        )
        .into());
    }
    let input = EditorInput::from_form(&form);
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
    if body.len() > 500_000 {
        return Err(NewsroomError::BadRequest("The body is too long to preview.".into()).into());
    }
    Ok(Json(serde_json::json!({ "html": markdown::render(body) })))
}

// ---------------------------------------------------------------- workflow

pub async fn workflow(
    State(state): State<AppState>,
    Path(id): Path<String>,
    post: PostForm,
) -> NewsroomResult<Response> {
    let PostForm { user, form } = post;
    let id = article_id(&id)?;
    let now = state.now();
    let requested = form.text("action");
    let action = WorkflowAction::parse(&requested)
        .ok_or_else(|| NewsroomError::BadRequest("Unknown workflow action.".into()))?;
    let (article, stored_workflow) = authorised(&state, &user, id, action.article_action()).await?;
    // The form says only what is asked for; what the article is comes from the store.
    let request = WorkflowRequest {
        action,
        publish_at: form.time("publish_at", "Publish at")?,
        embargo_until: form.time("embargo_until", "Embargo")?,
        takedown_at: form.time("takedown_at", "Takedown")?,
    };
    let plan = workflow::plan_workflow(
        &stored(&article, &stored_workflow),
        &person(&user),
        &request,
        now,
    )?;
    if matches!(
        action,
        WorkflowAction::PublishNow | WorkflowAction::Schedule
    ) {
        super::media::require_alt_text(&state, &article).await?;
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
    let entry = audit_entry(&user.actor(), &requested, "article", Some(id), detail);
    let written = state
        .store
        .change_article_status(id, change, Some(&entry), now)
        .await?;
    changed_at(&state, written.seq);
    Ok(see_other(&format!(
        "/newsroom/articles/{id}?notice={requested}"
    )))
}
