//! Static pages (About, Contacts, the corrections policy, advertising, donations) at
//! `/newsroom/pages`, for editors and admins: written in Markdown with a preview, every save a
//! revision that can be restored, translated into the other editions' languages (a linked draft),
//! ordered in each edition's footer menu, published and unpublished. The words are
//! `locales/*/pages.ftl` (`pg-…`).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use gazette_core::newsroom::Role;
use gazette_core::{Language, Slug, markdown};
use gazette_store::StoreError;
use gazette_store::pages::{FooterMove, MAX_PAGE_TITLE_CHARS, ManagedPage, PageInput, PageStatus};
use serde::{Deserialize, Serialize};

use super::auth::{CurrentUser, PostForm};
use super::pages::{args, audit_entry, changed_at, layout, locales, render, see_other, show_time};
use crate::error::{AppError, AppResult};
use crate::state::NewsroomState;

fn require_editor(user: &CurrentUser) -> AppResult<()> {
    if user.user.role >= Role::Editor {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            locales().word(user.language(), "pg-refused"),
        ))
    }
}

#[derive(Debug, Deserialize)]
pub struct PagesQuery {
    notice: Option<String>,
    language: Option<String>,
}

/// The notice a redirect names, in the reader's language.
fn notice(language: Language, code: Option<&str>) -> Option<String> {
    let l = locales();
    Some(match code? {
        "created" => l.word(language, "pg-notice-created"),
        "saved" => l.word(language, "pg-notice-saved"),
        "restored" => l.word(language, "pg-notice-restored"),
        "published" => l.word(language, "pg-notice-published"),
        "draft" => l.word(language, "pg-notice-draft"),
        "unpublished" => l.word(language, "pg-notice-unpublished"),
        "moved" => l.word(language, "pg-notice-moved"),
        "translated" => l.word(language, "pg-notice-translated"),
        _ => return None,
    })
}

/// The form as typed, and what is wrong with it.
#[derive(Debug, Default, Serialize)]
struct PageForm {
    language: String,
    title: String,
    slug: String,
    body: String,
    title_error: Option<String>,
    slug_error: Option<String>,
}

impl PageForm {
    fn of(page: &ManagedPage) -> Self {
        Self {
            language: page.language.code().to_owned(),
            title: page.title.clone(),
            slug: page.slug.to_string(),
            body: page.body_markdown.clone(),
            ..Self::default()
        }
    }

    fn typed(post: &PostForm) -> Self {
        Self {
            language: post.form.text("language").trim().to_owned(),
            title: post.form.text("title"),
            slug: post.form.text("slug").trim().to_owned(),
            body: post.form.get("body").unwrap_or("").to_owned(),
            ..Self::default()
        }
    }

    /// The page the form describes, or the form with its errors set.
    fn input(&mut self, language: Language) -> Option<PageInput> {
        if self.title.trim().is_empty() {
            self.title_error = Some(locales().word(language, "pg-error-title"));
        } else if self.title.trim().chars().count() > MAX_PAGE_TITLE_CHARS {
            let max = [("max", MAX_PAGE_TITLE_CHARS.to_string())];
            let message = locales().text(language, "pg-error-title-long", Some(&args(&max)));
            self.title_error = Some(message);
        }
        let slug = if self.slug.is_empty() {
            Slug::from_title(&self.title)
        } else {
            Slug::parse(&self.slug)
        };
        let slug = match slug {
            Ok(slug) => Some(slug),
            Err(_) if self.title_error.is_some() && self.slug.is_empty() => None,
            Err(_) => {
                self.slug_error = Some(locales().word(language, "pg-error-slug"));
                None
            }
        };
        if self.title_error.is_some() {
            return None;
        }
        Some(PageInput {
            slug: slug?,
            title: self.title.clone(),
            body_markdown: self.body.clone(),
        })
    }
}

fn status_word(language: Language, status: PageStatus) -> String {
    match status {
        PageStatus::Published => locales().word(language, "pg-status-published"),
        PageStatus::Draft => locales().word(language, "pg-status-draft"),
        PageStatus::Unpublished => locales().word(language, "pg-status-unpublished"),
    }
}

/// What the button that puts a page in `status` says.
fn make_word(language: Language, status: PageStatus) -> String {
    match status {
        PageStatus::Published => locales().word(language, "pg-make-published"),
        PageStatus::Draft => locales().word(language, "pg-make-draft"),
        PageStatus::Unpublished => locales().word(language, "pg-make-unpublished"),
    }
}

fn language_name(language: Language) -> String {
    crate::locale::locales().language_name(language)
}

/// The page's address on the public site, in its edition (if the site has that edition).
fn public_path(state: &NewsroomState, page: &ManagedPage) -> Option<String> {
    let editions = &state.config.editions;
    editions
        .contains(page.language)
        .then(|| editions.path(page.language, &format!("/pages/{}", page.slug)))
}

fn page_id(raw: &str) -> Option<i64> {
    raw.parse().ok().filter(|id| *id > 0)
}

// ---------------------------------------------------------------- the list

pub async fn list(
    State(state): State<NewsroomState>,
    user: CurrentUser,
    Query(query): Query<PagesQuery>,
) -> AppResult<Response> {
    require_editor(&user)?;
    let lang = user.language();
    list_page(
        &state,
        &user,
        notice(lang, query.notice.as_deref()),
        None,
        StatusCode::OK,
    )
    .await
}

async fn list_page(
    state: &NewsroomState,
    user: &CurrentUser,
    notice: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> AppResult<Response> {
    let lang = user.language();
    let pages = state.store.pages().await?;
    let mut groups: Vec<minijinja::Value> = Vec::new();
    let mut languages: Vec<Language> = state.config.editions.all().to_vec();
    for page in &pages {
        if !languages.contains(&page.language) {
            languages.push(page.language);
        }
    }
    for language in languages {
        let of_language: Vec<&ManagedPage> =
            pages.iter().filter(|p| p.language == language).collect();
        let in_footer = of_language
            .iter()
            .filter(|p| p.footer_position.is_some())
            .count();
        let rows: Vec<minijinja::Value> = of_language
            .iter()
            .enumerate()
            .map(|(i, p)| {
                minijinja::context! {
                    id => p.id,
                    title => p.title.clone(),
                    slug => p.slug.as_str(),
                    status => p.status.as_str(),
                    status_label => status_word(lang, p.status),
                    in_footer => p.footer_position.is_some(),
                    first => i == 0,
                    last => i + 1 >= in_footer,
                    translation => p.translation_of.is_some(),
                    modified => show_time(p.modified_at),
                    public_url => (p.status == PageStatus::Published).then(|| public_path(state, p)).flatten(),
                }
            })
            .collect();
        groups.push(minijinja::context! {
            code => language.code(),
            name => language_name(language),
            pages => rows,
        });
    }
    let title = locales().word(lang, "pg-title");
    let mut response = render(
        "static_pages.html",
        minijinja::context! {
            ..layout(Some(user), &title),
            ..minijinja::context! { groups, notice, error }
        },
    )?;
    *response.status_mut() = status;
    Ok(response)
}

/// An unknown page: the list again, saying so.
async fn unknown(state: &NewsroomState, user: &CurrentUser, raw: &str) -> AppResult<Response> {
    let id = [("id", raw.to_owned())];
    let message = locales().text(user.language(), "pg-error-unknown", Some(&args(&id)));
    list_page(state, user, None, Some(message), StatusCode::NOT_FOUND).await
}

// ---------------------------------------------------------------- the editor

/// What the editor page shows besides the form.
struct Extras {
    notice: Option<String>,
    error: Option<String>,
    preview_html: Option<String>,
    status: StatusCode,
}

impl Extras {
    fn ok(notice: Option<String>) -> Self {
        Self {
            notice,
            error: None,
            preview_html: None,
            status: StatusCode::OK,
        }
    }

    fn error(message: String, status: StatusCode) -> Self {
        Self {
            notice: None,
            error: Some(message),
            preview_html: None,
            status,
        }
    }
}

async fn editor(
    state: &NewsroomState,
    user: &CurrentUser,
    page: Option<&ManagedPage>,
    form: PageForm,
    extras: Extras,
) -> AppResult<Response> {
    let lang = user.language();
    let editions = state.config.editions.all();
    let mut context = minijinja::context! {
        form,
        notice => extras.notice,
        error => extras.error,
        preview_html => extras.preview_html,
        languages => editions.iter().map(|l| minijinja::context! {
            code => l.code(), name => language_name(*l),
        }).collect::<Vec<_>>(),
    };
    if let Some(page) = page {
        let revisions = state.store.page_revisions(page.id).await?;
        let group = state.store.page_translations(page.id).await?;
        let translations: Vec<minijinja::Value> = editions
            .iter()
            .filter(|l| **l != page.language)
            .map(|l| {
                let existing = group.iter().find(|t| t.language == *l);
                minijinja::context! {
                    code => l.code(),
                    name => language_name(*l),
                    id => existing.map(|t| t.id),
                    title => existing.map(|t| t.title.clone()),
                    status_label => existing.map(|t| status_word(lang, t.status)),
                }
            })
            .collect();
        let original = page
            .translation_of
            .and_then(|id| group.iter().find(|t| t.id == id))
            .map(|t| minijinja::context! { id => t.id, title => t.title.clone(), name => language_name(t.language) });
        let page_view = minijinja::context! {
            id => page.id,
            language_name => language_name(page.language),
            status => page.status.as_str(),
            status_label => status_word(lang, page.status),
            in_footer => page.footer_position.is_some(),
            public_url => (page.status == PageStatus::Published).then(|| public_path(state, page)).flatten(),
            modified => show_time(page.modified_at),
        };
        context = minijinja::context! {
            ..context,
            ..minijinja::context! {
                page => page_view,
                original,
                translations,
                revisions => revisions.iter().enumerate().map(|(i, r)| minijinja::context! {
                    id => r.id,
                    title => r.title.clone(),
                    saved => show_time(r.saved_at),
                    current => i == 0,
                }).collect::<Vec<_>>(),
                statuses => PageStatus::ALL.iter().filter(|s| **s != page.status).map(|s| minijinja::context! {
                    value => s.as_str(), label => make_word(lang, *s),
                }).collect::<Vec<_>>(),
            }
        };
    }
    let title = match page {
        Some(p) => p.title.clone(),
        None => locales().word(lang, "pg-new"),
    };
    let mut response = render(
        "static_page.html",
        minijinja::context! { ..layout(Some(user), &title), ..context },
    )?;
    *response.status_mut() = extras.status;
    Ok(response)
}

pub async fn new_page(
    State(state): State<NewsroomState>,
    user: CurrentUser,
    Query(query): Query<PagesQuery>,
) -> AppResult<Response> {
    require_editor(&user)?;
    let language = query
        .language
        .as_deref()
        .and_then(|l| Language::parse(l).ok())
        .filter(|l| state.config.editions.contains(*l))
        .unwrap_or(state.config.editions.default_language());
    let form = PageForm {
        language: language.code().to_owned(),
        ..PageForm::default()
    };
    editor(&state, &user, None, form, Extras::ok(None)).await
}

pub async fn edit(
    State(state): State<NewsroomState>,
    user: CurrentUser,
    Path(raw): Path<String>,
    Query(query): Query<PagesQuery>,
) -> AppResult<Response> {
    require_editor(&user)?;
    let Some(page) = load(&state, &raw).await? else {
        return unknown(&state, &user, &raw).await;
    };
    let extras = Extras::ok(notice(user.language(), query.notice.as_deref()));
    editor(&state, &user, Some(&page), PageForm::of(&page), extras).await
}

async fn load(state: &NewsroomState, raw: &str) -> AppResult<Option<ManagedPage>> {
    match page_id(raw) {
        Some(id) => Ok(state.store.page_by_id(id).await?),
        None => Ok(None),
    }
}

/// A store refusal as the form's error: a taken address on the address field, anything else above
/// the form. Other failures are the server's.
fn refusal(language: Language, form: &mut PageForm, error: StoreError) -> AppResult<String> {
    match error {
        StoreError::Conflict(_) => {
            let named = [
                ("slug", form.slug.clone()),
                ("language", language_name_of(&form.language)),
            ];
            let message = locales().text(language, "pg-error-taken", Some(&args(&named)));
            form.slug_error = Some(message.clone());
            Ok(message)
        }
        StoreError::Invalid(message) => Ok(message),
        StoreError::NotFound => Ok(locales().word(language, "pg-error-gone")),
        other => Err(other.into()),
    }
}

fn language_name_of(code: &str) -> String {
    Language::parse(code).map_or_else(|_| code.to_owned(), language_name)
}

pub async fn create(State(state): State<NewsroomState>, post: PostForm) -> AppResult<Response> {
    require_editor(&post.user)?;
    let lang = post.user.language();
    let mut form = PageForm::typed(&post);
    let language = Language::parse(&form.language)
        .ok()
        .filter(|l| state.config.editions.contains(*l));
    let Some(language) = language else {
        let message = locales().word(lang, "pg-error-language");
        let extras = Extras::error(message, StatusCode::UNPROCESSABLE_ENTITY);
        return editor(&state, &post.user, None, form, extras).await;
    };
    form.slug = form.slug.trim().to_owned();
    let Some(input) = form.input(lang) else {
        let extras = Extras::error(
            locales().word(lang, "pg-error-form"),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
        return editor(&state, &post.user, None, form, extras).await;
    };
    if post.form.text("intent") == "preview" {
        let extras = Extras {
            preview_html: Some(markdown::render(&input.body_markdown)),
            ..Extras::ok(None)
        };
        return editor(&state, &post.user, None, form, extras).await;
    }
    form.slug = input.slug.to_string();
    let entry = audit_entry(
        &post.user.actor(),
        "create",
        "page",
        None,
        input.title.trim(),
    );
    let status = PageStatus::Draft;
    match state
        .store
        .create_page(language, input, status, Some(&entry), state.now())
        .await
    {
        Ok(written) => {
            changed_at(&state, written.seq);
            let id = written.value.id;
            Ok(see_other(&format!("/newsroom/pages/{id}?notice=created")))
        }
        Err(e) => {
            let message = refusal(lang, &mut form, e)?;
            let extras = Extras::error(message, StatusCode::UNPROCESSABLE_ENTITY);
            editor(&state, &post.user, None, form, extras).await
        }
    }
}

pub async fn save(
    State(state): State<NewsroomState>,
    Path(raw): Path<String>,
    post: PostForm,
) -> AppResult<Response> {
    require_editor(&post.user)?;
    let lang = post.user.language();
    let Some(page) = load(&state, &raw).await? else {
        return unknown(&state, &post.user, &raw).await;
    };
    let mut form = PageForm::typed(&post);
    form.language = page.language.code().to_owned();
    let Some(input) = form.input(lang) else {
        let extras = Extras::error(
            locales().word(lang, "pg-error-form"),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
        return editor(&state, &post.user, Some(&page), form, extras).await;
    };
    if post.form.text("intent") == "preview" {
        let extras = Extras {
            preview_html: Some(markdown::render(&input.body_markdown)),
            ..Extras::ok(None)
        };
        return editor(&state, &post.user, Some(&page), form, extras).await;
    }
    form.slug = input.slug.to_string();
    let entry = audit_entry(
        &post.user.actor(),
        "edit",
        "page",
        Some(page.id),
        input.title.trim(),
    );
    match state
        .store
        .update_page(page.id, input, Some(&entry), state.now())
        .await
    {
        Ok(written) => {
            changed_at(&state, written.seq);
            Ok(see_other(&format!(
                "/newsroom/pages/{}?notice=saved",
                page.id
            )))
        }
        Err(e) => {
            let message = refusal(lang, &mut form, e)?;
            let extras = Extras::error(message, StatusCode::UNPROCESSABLE_ENTITY);
            editor(&state, &post.user, Some(&page), form, extras).await
        }
    }
}

/// The outcome of one of the editor's buttons: back to the page with a notice, or the page again
/// with the error.
async fn after(
    state: &NewsroomState,
    user: &CurrentUser,
    page: &ManagedPage,
    result: Result<(i64, i64), String>,
    notice: &str,
) -> AppResult<Response> {
    match result {
        Ok((seq, id)) => {
            changed_at(state, seq);
            Ok(see_other(&format!("/newsroom/pages/{id}?notice={notice}")))
        }
        Err(message) => {
            let extras = Extras::error(message, StatusCode::BAD_REQUEST);
            editor(state, user, Some(page), PageForm::of(page), extras).await
        }
    }
}

/// A store write's result for [`after`]: the change and the page to go to, or the message.
fn outcome(
    language: Language,
    result: Result<gazette_store::Written<ManagedPage>, StoreError>,
) -> AppResult<Result<(i64, i64), String>> {
    match result {
        Ok(written) => Ok(Ok((written.seq, written.value.id))),
        Err(e) => {
            let mut form = PageForm::default();
            Ok(Err(refusal(language, &mut form, e)?))
        }
    }
}

pub async fn restore(
    State(state): State<NewsroomState>,
    Path(raw): Path<String>,
    post: PostForm,
) -> AppResult<Response> {
    require_editor(&post.user)?;
    let lang = post.user.language();
    let Some(page) = load(&state, &raw).await? else {
        return unknown(&state, &post.user, &raw).await;
    };
    let Some(revision) = page_id(&post.form.text("revision")) else {
        let result = Err(locales().word(lang, "pg-error-revision"));
        return after(&state, &post.user, &page, result, "restored").await;
    };
    let entry = audit_entry(
        &post.user.actor(),
        "restore",
        "page",
        Some(page.id),
        page.title.clone(),
    );
    let written = state
        .store
        .restore_page_revision(page.id, revision, Some(&entry), state.now())
        .await;
    let result = match written {
        Err(StoreError::NotFound) => Err(locales().word(lang, "pg-error-revision")),
        other => outcome(lang, other)?,
    };
    after(&state, &post.user, &page, result, "restored").await
}

pub async fn set_status(
    State(state): State<NewsroomState>,
    Path(raw): Path<String>,
    post: PostForm,
) -> AppResult<Response> {
    require_editor(&post.user)?;
    let lang = post.user.language();
    let Some(page) = load(&state, &raw).await? else {
        return unknown(&state, &post.user, &raw).await;
    };
    let Some(status) = PageStatus::parse(&post.form.text("status")) else {
        let result = Err(locales().word(lang, "pg-error-status"));
        return after(&state, &post.user, &page, result, "saved").await;
    };
    let action = match status {
        PageStatus::Published => "publish",
        PageStatus::Draft => "draft",
        PageStatus::Unpublished => "unpublish",
    };
    let entry = audit_entry(
        &post.user.actor(),
        action,
        "page",
        Some(page.id),
        page.title.clone(),
    );
    let written = state
        .store
        .set_page_status(page.id, status, Some(&entry), state.now())
        .await;
    let result = outcome(lang, written)?;
    after(&state, &post.user, &page, result, status.as_str()).await
}

pub async fn footer(
    State(state): State<NewsroomState>,
    Path(raw): Path<String>,
    post: PostForm,
) -> AppResult<Response> {
    require_editor(&post.user)?;
    let lang = post.user.language();
    let Some(page) = load(&state, &raw).await? else {
        return unknown(&state, &post.user, &raw).await;
    };
    let Some(to) = FooterMove::parse(&post.form.text("move")) else {
        let result = Err(locales().word(lang, "pg-error-move"));
        return after(&state, &post.user, &page, result, "moved").await;
    };
    let detail = format!("{} ({})", page.title, post.form.text("move").trim());
    let entry = audit_entry(&post.user.actor(), "move", "page", Some(page.id), detail);
    let written = state
        .store
        .move_page(page.id, to, Some(&entry), state.now())
        .await;
    // The store refuses a move past either end of the footer, or of a page not in it.
    let result = match written {
        Err(StoreError::Invalid(_)) => Err(locales().word(lang, "pg-error-move-edge")),
        other => outcome(lang, other)?,
    };
    // From the list, back to the list: reordering is done there, one click per place.
    if post.form.text("back") == "list" {
        return match result {
            Ok((seq, _)) => {
                changed_at(&state, seq);
                Ok(see_other("/newsroom/pages?notice=moved"))
            }
            Err(message) => {
                list_page(
                    &state,
                    &post.user,
                    None,
                    Some(message),
                    StatusCode::BAD_REQUEST,
                )
                .await
            }
        };
    }
    after(&state, &post.user, &page, result, "moved").await
}

pub async fn translate(
    State(state): State<NewsroomState>,
    Path(raw): Path<String>,
    post: PostForm,
) -> AppResult<Response> {
    require_editor(&post.user)?;
    let lang = post.user.language();
    let Some(page) = load(&state, &raw).await? else {
        return unknown(&state, &post.user, &raw).await;
    };
    let language = Language::parse(post.form.text("language").trim())
        .ok()
        .filter(|l| state.config.editions.contains(*l) && *l != page.language);
    let Some(language) = language else {
        let result = Err(locales().word(lang, "pg-error-language"));
        return after(&state, &post.user, &page, result, "translated").await;
    };
    let detail = format!("{} → {}", page.title, language.code());
    let entry = audit_entry(&post.user.actor(), "translate", "page", None, detail);
    let written = state
        .store
        .translate_page(page.id, language, Some(&entry), state.now())
        .await;
    let result = match written {
        Err(StoreError::Conflict(_)) => {
            let named = [("language", language_name(language))];
            Err(locales().text(lang, "pg-error-translated", Some(&args(&named))))
        }
        other => outcome(lang, other)?,
    };
    after(&state, &post.user, &page, result, "translated").await
}
