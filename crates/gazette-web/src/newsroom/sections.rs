//! Sections (name, address, place in the menu, description) and tags, for editors and admins,
//! with their names and addresses in the site's other editions.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use gazette_core::newsroom::Permission;
use gazette_core::sections::{SectionInput, check_tag_name};
use gazette_store::NewSection;
use serde::Deserialize;

use std::collections::HashMap;

use gazette_core::{Language, Slug};
use gazette_store::StoreError;

use super::audit::require;
use super::auth::{CurrentUser, PostForm};
use super::pages::{FormData, audit_entry, changed_at, layout, render, see_other};
use super::translations::{about, arg};
use crate::error::{AppError, AppResult};
use crate::locale::locales;
use crate::state::NewsroomState;

#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

fn notice(language: gazette_core::Language, code: Option<&str>) -> Option<String> {
    let l = crate::locale::locales();
    match code? {
        "created" => Some(l.word(language, "nr-sections-notice-created")),
        "saved" => Some(l.word(language, "nr-saved")),
        "renamed" => Some(l.word(language, "nr-tags-notice-renamed")),
        "deleted" => Some(l.word(language, "nr-tags-notice-deleted")),
        _ => None,
    }
}

fn id_of(raw: &str) -> AppResult<i64> {
    raw.parse().map_err(|_| AppError::NotFound)
}

pub async fn list(
    State(state): State<NewsroomState>,
    user: CurrentUser,
    Query(query): Query<NoticeQuery>,
) -> AppResult<Response> {
    require(&user, Permission::ManageSections, "manage sections")?;
    let notice = notice(user.language(), query.notice.as_deref());
    sections_page(&state, &user, notice.as_deref(), None, StatusCode::OK).await
}

/// The Sections page, with a refused name form (`translations.rs`) shown again if there is one.
pub(super) async fn sections_page(
    state: &NewsroomState,
    user: &CurrentUser,
    notice: Option<&str>,
    name_error: Option<&NameError>,
    status: StatusCode,
) -> AppResult<Response> {
    let sections = state.store.sections().await?;
    let ids: Vec<i64> = sections.iter().map(|s| s.id).collect();
    let edition_names = section_name_forms(state, user, &ids, name_error).await?;
    let mut response = render(
        "sections.html",
        minijinja::context! {
            ..layout(Some(user), &crate::locale::locales().word(user.language(), "nr-nav-sections")),
            ..minijinja::context! {
                sections => sections.iter().map(|s| minijinja::context! {
                    id => s.id, slug => s.slug.as_str(), name => s.name.clone(),
                    description => s.description.clone(), position => s.position,
                }).collect::<Vec<_>>(),
                notice => notice,
                edition_names,
            }
        },
    )?;
    *response.status_mut() = status;
    Ok(response)
}

/// The form's fields, checked by gazette-core's section rules.
fn section_from(form: &FormData, editions: &gazette_core::Editions) -> AppResult<NewSection> {
    let fields = SectionInput {
        name: form.text("name"),
        slug: form.text("slug"),
        position: form.text("position"),
        description: form.text("description"),
    }
    .parse(editions)?;
    Ok(NewSection {
        slug: fields.slug,
        name: fields.name,
        description: fields.description,
        position: fields.position,
    })
}

pub async fn create(State(state): State<NewsroomState>, post: PostForm) -> AppResult<Response> {
    require(&post.user, Permission::ManageSections, "manage sections")?;
    let section = section_from(&post.form, &state.config.editions)?;
    // The store names the new section's id in the entry.
    let entry = audit_entry(
        &post.user.actor(),
        "create",
        "section",
        None,
        section.name.trim(),
    );
    let written = state.store.create_section(section, Some(&entry)).await?;
    changed_at(&state, written.seq);
    Ok(see_other("/newsroom/sections?notice=created"))
}

pub async fn update(
    State(state): State<NewsroomState>,
    Path(id): Path<String>,
    post: PostForm,
) -> AppResult<Response> {
    require(&post.user, Permission::ManageSections, "manage sections")?;
    let id = id_of(&id)?;
    let section = section_from(&post.form, &state.config.editions)?;
    let entry = audit_entry(
        &post.user.actor(),
        "edit",
        "section",
        Some(id),
        section.name.trim(),
    );
    let written = state
        .store
        .update_section(id, section, Some(&entry))
        .await?;
    changed_at(&state, written.seq);
    Ok(see_other("/newsroom/sections?notice=saved"))
}

pub async fn tags(
    State(state): State<NewsroomState>,
    user: CurrentUser,
    Query(query): Query<NoticeQuery>,
) -> AppResult<Response> {
    require(&user, Permission::ManageTags, "manage tags")?;
    let notice = notice(user.language(), query.notice.as_deref());
    tags_page(&state, &user, notice.as_deref(), None, StatusCode::OK).await
}

/// The Tags page, with a refused name form (`translations.rs`) shown again if there is one.
pub(super) async fn tags_page(
    state: &NewsroomState,
    user: &CurrentUser,
    notice: Option<&str>,
    name_error: Option<&NameError>,
    status: StatusCode,
) -> AppResult<Response> {
    let tags = state.store.tags_with_counts().await?;
    let ids: Vec<i64> = tags.iter().map(|(t, _)| t.id).collect();
    let edition_names = tag_name_forms(state, user, &ids, name_error).await?;
    let mut response = render(
        "tags.html",
        minijinja::context! {
            ..layout(Some(user), &crate::locale::locales().word(user.language(), "nr-nav-tags")),
            ..minijinja::context! {
                tags => tags.iter().map(|(t, n)| minijinja::context! {
                    id => t.id, slug => t.slug.as_str(), name => t.name.clone(), articles => n,
                }).collect::<Vec<_>>(),
                notice => notice,
                edition_names,
            }
        },
    )?;
    *response.status_mut() = status;
    Ok(response)
}

pub async fn rename_tag(
    State(state): State<NewsroomState>,
    Path(id): Path<String>,
    post: PostForm,
) -> AppResult<Response> {
    require(&post.user, Permission::ManageTags, "manage tags")?;
    let id = id_of(&id)?;
    let name = post.form.text("name");
    check_tag_name(&name)?;
    let entry = audit_entry(&post.user.actor(), "edit", "tag", Some(id), name.trim());
    let written = state.store.rename_tag(id, &name, Some(&entry)).await?;
    changed_at(&state, written.seq);
    Ok(see_other("/newsroom/tags?notice=renamed"))
}

pub async fn delete_tag(
    State(state): State<NewsroomState>,
    Path(id): Path<String>,
    post: PostForm,
) -> AppResult<Response> {
    require(&post.user, Permission::ManageTags, "manage tags")?;
    let id = id_of(&id)?;
    let entry = audit_entry(&post.user.actor(), "delete", "tag", Some(id), "");
    let seq = state.store.delete_tag(id, Some(&entry)).await?;
    changed_at(&state, seq);
    Ok(see_other("/newsroom/tags?notice=deleted"))
}

// ---------------------------------------------------------------- names in other editions

/// A refused name form, shown again with what was typed and why.
#[derive(Debug, Clone)]
pub struct NameError {
    pub id: i64,
    pub language: Language,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub message: String,
}

/// The name forms of one section or tag: one per edition but the default.
fn name_forms(
    ui: Language,
    editions: &[Language],
    id: i64,
    saved: &HashMap<(i64, Language), (String, String, String)>,
    error: Option<&NameError>,
) -> Vec<minijinja::Value> {
    editions
        .iter()
        .map(|&language| {
            let stored = saved.get(&(id, language));
            let refused = error.filter(|e| e.id == id && e.language == language);
            let (name, slug, description) = match (refused, stored) {
                (Some(e), _) => (e.name.clone(), e.slug.clone(), e.description.clone()),
                (None, Some(s)) => s.clone(),
                (None, None) => Default::default(),
            };
            minijinja::context! {
                code => language.code(),
                edition => locales().text(ui, "tr-names-edition", Some(&about(language))),
                name_label => locales().text(ui, "tr-names-name", Some(&about(language))),
                address_label => locales().text(ui, "tr-names-address", Some(&about(language))),
                description_label => locales().text(ui, "tr-names-description", Some(&about(language))),
                name, slug, description,
                saved => stored.is_some(),
                error => refused.map(|e| e.message.clone()),
            }
        })
        .collect()
}

/// The words the name forms share.
fn form_words(ui: Language) -> minijinja::Value {
    minijinja::context! {
        save => locales().word(ui, "tr-names-save"),
        remove => locales().word(ui, "tr-names-remove"),
        unset => locales().word(ui, "tr-names-unset"),
    }
}

/// The Sections page's name forms: by section id (as text), one form per other edition.
pub async fn section_name_forms(
    state: &NewsroomState,
    user: &CurrentUser,
    section_ids: &[i64],
    error: Option<&NameError>,
) -> AppResult<minijinja::Value> {
    let editions = state.config.editions.prefixed();
    let mut saved = HashMap::new();
    for &language in editions {
        for n in state.store.section_names(language).await? {
            let text = (n.name, n.slug.into_string(), n.description);
            saved.insert((n.section_id, language), text);
        }
    }
    let forms: HashMap<String, Vec<minijinja::Value>> = section_ids
        .iter()
        .map(|&id| {
            let forms = name_forms(user.language(), editions, id, &saved, error);
            (id.to_string(), forms)
        })
        .collect();
    Ok(minijinja::context! { forms, words => form_words(user.language()) })
}

/// The Tags page's name forms: by tag id (as text), one form per other edition.
pub async fn tag_name_forms(
    state: &NewsroomState,
    user: &CurrentUser,
    tag_ids: &[i64],
    error: Option<&NameError>,
) -> AppResult<minijinja::Value> {
    let editions = state.config.editions.prefixed();
    let mut saved = HashMap::new();
    for &language in editions {
        for n in state.store.tag_names(language).await? {
            let text = (n.name, n.slug.into_string(), String::new());
            saved.insert((n.tag_id, language), text);
        }
    }
    let forms: HashMap<String, Vec<minijinja::Value>> = tag_ids
        .iter()
        .map(|&id| {
            let forms = name_forms(user.language(), editions, id, &saved, error);
            (id.to_string(), forms)
        })
        .collect();
    Ok(minijinja::context! { forms, words => form_words(user.language()) })
}

/// Which of the site's other editions a name form is for.
fn edition_of(state: &NewsroomState, form: &FormData, ui: Language) -> AppResult<Language> {
    let code = form.text("language");
    if code.is_empty() {
        return Err(AppError::BadRequest(locales().word(ui, "tr-no-language")));
    }
    Language::parse(&code)
        .ok()
        .filter(|l| state.config.editions.prefixed().contains(l))
        .ok_or_else(|| {
            let shown: String = code.chars().take(12).collect();
            AppError::BadRequest(locales().text(ui, "tr-no-edition", Some(&arg("code", shown))))
        })
}

/// What a name form was refused for, as the person reads it; `None` for anything else.
fn name_refusal(
    ui: Language,
    language: Language,
    taken: String,
    e: &AppError,
) -> Option<(String, StatusCode)> {
    match e {
        AppError::Conflict(_) => Some((taken, StatusCode::CONFLICT)),
        AppError::BadRequest(message) if message.is_empty() => Some((
            locales().text(ui, "tr-names-no-name", Some(&about(language))),
            StatusCode::BAD_REQUEST,
        )),
        AppError::BadRequest(message) => Some((message.clone(), StatusCode::BAD_REQUEST)),
        _ => None,
    }
}

/// The name and address typed in a name form, checked: a name, and an address (made from the
/// name when left empty) that is a valid one. `Err` carries the refusal's words.
fn typed_name(ui: Language, form: &FormData, section: bool) -> Result<(String, Slug), String> {
    let name = form.text("name");
    if name.is_empty() {
        return Err(String::new());
    }
    let typed = form.text("slug");
    let slug = if typed.is_empty() {
        Slug::from_title(&name)
    } else {
        Slug::parse(&typed)
    }
    .map_err(|_| locales().word(ui, "tr-names-bad-address"))?;
    if section && slug.check_section_slug().is_err() {
        let args = arg("slug", slug.as_str());
        return Err(locales().text(ui, "tr-names-reserved", Some(&args)));
    }
    Ok((name, slug))
}

/// `POST /newsroom/sections/{id}/names`: saves (or, with `intent=remove`, forgets) a section's
/// name in one edition. A refused form is shown again with the reason.
pub async fn save_section_name(
    State(state): State<NewsroomState>,
    Path(id): Path<String>,
    post: PostForm,
) -> AppResult<Response> {
    let PostForm { user, form } = post;
    require(&user, Permission::ManageSections, "manage sections")?;
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let ui = user.language();
    let language = edition_of(&state, &form, ui)?;
    let actor = user.actor();
    if form.get("intent") == Some("remove") {
        match state.store.remove_section_name(id, language, &actor).await {
            Ok(seq) => changed_at(&state, seq),
            // Nothing to forget: the page already shows the section without that name.
            Err(StoreError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
        return Ok(see_other("/newsroom/sections?notice=saved"));
    }
    let description = form.text("description");
    let (saved, used) = match typed_name(ui, &form, true) {
        Ok((name, slug)) => {
            let saved = state
                .store
                .set_section_name(id, language, &name, &slug, &description, &actor)
                .await
                .map_err(AppError::from);
            (saved, slug.into_string())
        }
        Err(message) => (Err(AppError::BadRequest(message)), form.text("slug")),
    };
    match saved {
        Ok(written) => {
            changed_at(&state, written.seq);
            Ok(see_other("/newsroom/sections?notice=saved"))
        }
        Err(e) => {
            let taken = locales().text(ui, "tr-names-section-taken", Some(&arg("slug", used)));
            let Some((message, status)) = name_refusal(ui, language, taken, &e) else {
                return Err(e);
            };
            let error = NameError {
                id,
                language,
                name: form.text("name"),
                slug: form.text("slug"),
                description,
                message,
            };
            sections_page(&state, &user, None, Some(&error), status).await
        }
    }
}

/// `POST /newsroom/tags/{id}/names`: saves (or, with `intent=remove`, forgets) a tag's name in
/// one edition. A refused form is shown again with the reason.
pub async fn save_tag_name(
    State(state): State<NewsroomState>,
    Path(id): Path<String>,
    post: PostForm,
) -> AppResult<Response> {
    let PostForm { user, form } = post;
    require(&user, Permission::ManageTags, "manage tags")?;
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let ui = user.language();
    let language = edition_of(&state, &form, ui)?;
    let actor = user.actor();
    if form.get("intent") == Some("remove") {
        match state.store.remove_tag_name(id, language, &actor).await {
            Ok(seq) => changed_at(&state, seq),
            Err(StoreError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
        return Ok(see_other("/newsroom/tags?notice=saved"));
    }
    let (saved, used) = match typed_name(ui, &form, false) {
        Ok((name, slug)) => {
            let saved = state
                .store
                .set_tag_name(id, language, &name, &slug, &actor)
                .await
                .map_err(AppError::from);
            (saved, slug.into_string())
        }
        Err(message) => (Err(AppError::BadRequest(message)), form.text("slug")),
    };
    match saved {
        Ok(written) => {
            changed_at(&state, written.seq);
            Ok(see_other("/newsroom/tags?notice=saved"))
        }
        Err(e) => {
            let taken = locales().text(ui, "tr-names-tag-taken", Some(&arg("slug", used)));
            let Some((message, status)) = name_refusal(ui, language, taken, &e) else {
                return Err(e);
            };
            let error = NameError {
                id,
                language,
                name: form.text("name"),
                slug: form.text("slug"),
                description: String::new(),
                message,
            };
            tags_page(&state, &user, None, Some(&error), status).await
        }
    }
}
