//! Sections (name, address, place in the menu, description) and tags, for editors and admins.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use gazette_core::newsroom::Permission;
use gazette_core::sections::{SectionInput, check_tag_name};
use gazette_store::NewSection;
use serde::Deserialize;

use super::audit::require;
use super::auth::{CurrentUser, PostForm};
use super::pages::{FormData, audit_entry, changed_at, layout, render, see_other};
use crate::error::{AppError, AppResult};
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
    name_error: Option<&super::translations::NameError>,
    status: StatusCode,
) -> AppResult<Response> {
    let sections = state.store.sections().await?;
    let ids: Vec<i64> = sections.iter().map(|s| s.id).collect();
    let edition_names =
        super::translations::section_name_forms(state, user, &ids, name_error).await?;
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
    name_error: Option<&super::translations::NameError>,
    status: StatusCode,
) -> AppResult<Response> {
    let tags = state.store.tags_with_counts().await?;
    let ids: Vec<i64> = tags.iter().map(|(t, _)| t.id).collect();
    let edition_names = super::translations::tag_name_forms(state, user, &ids, name_error).await?;
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
