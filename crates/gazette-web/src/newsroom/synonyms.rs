//! Search synonyms, for editors and admins: groups of spellings that search treats as one word
//! (Kyiv, Kiev, Київ). A change reaches every node's search through the change log within a
//! second, with no reindexing: the query is expanded, not the index.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use gazette_core::newsroom::Permission;

use super::audit::require;
use super::auth::{CurrentUser, PostForm};
use super::pages::{audit_entry, changed_at, layout, render, see_other};
use crate::error::{AppError, AppResult};
use crate::state::NewsroomState;

/// Synonyms are part of the site's vocabulary, like tags: whoever may manage tags may edit them.
pub(super) const PERMISSION: Permission = Permission::ManageTags;
const WHAT: &str = "edit search synonyms";

#[derive(Debug, serde::Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

fn notice(language: gazette_core::Language, code: Option<&str>) -> Option<String> {
    let l = crate::locale::locales();
    match code? {
        "added" => Some(l.word(language, "nr-synonyms-notice-added")),
        "deleted" => Some(l.word(language, "nr-synonyms-notice-deleted")),
        _ => None,
    }
}

/// The spellings typed into the form, comma-separated: `Kyiv, Kiev, Київ`.
pub fn split_terms(raw: &str) -> Vec<String> {
    raw.split([',', '\n'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

pub async fn list(
    State(state): State<NewsroomState>,
    user: CurrentUser,
    Query(query): Query<NoticeQuery>,
) -> AppResult<Response> {
    require(&user, PERMISSION, WHAT)?;
    let groups = state.store.synonym_groups().await?;
    render(
        "synonyms.html",
        minijinja::context! {
            ..layout(Some(&user), &crate::locale::locales().word(user.language(), "nr-synonyms-title")),
            ..minijinja::context! {
                groups => groups.iter().map(|g| minijinja::context! {
                    id => g.id, terms => g.terms.clone(),
                }).collect::<Vec<_>>(),
                notice => notice(user.language(), query.notice.as_deref()),
            }
        },
    )
}

pub async fn add(State(state): State<NewsroomState>, post: PostForm) -> AppResult<Response> {
    require(&post.user, PERMISSION, WHAT)?;
    let terms = split_terms(post.form.get("terms").unwrap_or_default());
    if terms.is_empty() {
        return Err(AppError::BadRequest(
            "Type two or more spellings of the same word, separated by commas: Kyiv, Kiev, Київ."
                .into(),
        ));
    }
    // The store names the new group's id in the entry.
    let cleaned = gazette_store::clean_synonym_terms(&terms).unwrap_or_default();
    let entry = audit_entry(
        &post.user.actor(),
        "create",
        "synonyms",
        None,
        cleaned.join(", "),
    );
    let group = state
        .store
        .add_synonym_group(&terms, Some(&entry), state.now())
        .await
        .map_err(|e| match e {
            gazette_store::StoreError::Conflict(_) => {
                AppError::Conflict("That synonym group already exists.".into())
            }
            e => e.into(),
        })?;
    changed_at(&state, group.seq);
    Ok(see_other("/newsroom/synonyms?notice=added"))
}

pub async fn delete(
    State(state): State<NewsroomState>,
    Path(id): Path<String>,
    post: PostForm,
) -> AppResult<Response> {
    require(&post.user, PERMISSION, WHAT)?;
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let terms = state
        .store
        .synonym_groups()
        .await?
        .into_iter()
        .find(|g| g.id == id)
        .map(|g| g.terms.join(", "))
        .ok_or(AppError::NotFound)?;
    let entry = audit_entry(&post.user.actor(), "delete", "synonyms", Some(id), terms);
    let seq = state
        .store
        .delete_synonym_group(id, Some(&entry), state.now())
        .await?;
    changed_at(&state, seq);
    Ok(see_other("/newsroom/synonyms?notice=deleted"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_split_on_commas_and_blank_ones_dropped() {
        assert_eq!(
            split_terms(" Kyiv, Kiev ,, Київ\nKryvyi Rih "),
            ["Kyiv", "Kiev", "Київ", "Kryvyi Rih"]
        );
        assert!(split_terms(" , ").is_empty());
    }
}
