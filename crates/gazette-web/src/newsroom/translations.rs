//! Translations in the newsroom: the editor's Translations panel (the story's other languages,
//! which are out of date, "Translate into …" for each edition it lacks, and the original beside a
//! translation) and the marks on the article list. (The names of sections and tags in the other
//! editions are on the Sections and Tags pages: `sections.rs`.)
//!
//! Whoever may start a draft may start a translation of an article they may read; the store
//! makes it a draft of theirs, linked to the story's original (see `TranslationStore`).

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::response::Response;
use fluent_bundle::FluentArgs;
use gazette_core::translation::TranslationState;
use gazette_core::workflow;
use gazette_core::{Article, Language};
use gazette_store::{StoreError, Written};

use super::access::{Acts, article_id, person, readable};
use super::auth::{CurrentUser, PostForm};
use super::pages::{changed_at, see_other, status_label};
use crate::error::{AppError, AppResult};
use crate::locale::locales;
use crate::state::NewsroomState;

/// The arguments every message naming a language takes: its code and its own name.
pub(super) fn about(language: Language) -> FluentArgs<'static> {
    let mut args = FluentArgs::new();
    args.set("code", language.code().to_owned());
    args.set("name", locales().language_name(language));
    args
}

/// One text argument.
pub(super) fn arg(name: &'static str, value: impl Into<String>) -> FluentArgs<'static> {
    let mut args = FluentArgs::new();
    args.set(name, value.into());
    args
}

// ---------------------------------------------------------------- the editor's panel

/// What the editor's Translations panel shows for `article`: the other articles of its story,
/// the editions it can still be translated into, and (for a translation) the original.
pub async fn panel(
    state: &NewsroomState,
    user: &CurrentUser,
    article: &Article,
) -> AppResult<minijinja::Value> {
    let ui = user.language();
    let links = state.store.translations(article.id).await?;
    let own_stale = match article.translation_of {
        Some(_) => state
            .store
            .translation_summaries(&[article.id])
            .await?
            .get(&article.id)
            .is_some_and(|group| group.iter().any(|m| m.article_id == article.id && m.stale)),
        None => false,
    };
    let taken: Vec<Language> = links
        .iter()
        .map(|l| l.language)
        .chain([article.language])
        .collect();
    let missing: Vec<_> = state
        .config
        .editions
        .all()
        .iter()
        .filter(|l| !taken.contains(l))
        .map(|l| {
            minijinja::context! {
                code => l.code(),
                label => locales().text(ui, "tr-translate-into", Some(&about(*l))),
            }
        })
        .collect();
    let links: Vec<_> = links
        .iter()
        .map(|l| {
            minijinja::context! {
                id => l.id,
                code => l.language.code(),
                language => locales().text(ui, "tr-language", Some(&about(l.language))),
                headline => l.headline.clone(),
                status => l.status.as_str(),
                status_label => status_label(ui, l.status),
                is_original => l.is_original,
                stale => l.stale,
            }
        })
        .collect();
    let original = match article.translation_of {
        Some(root) => original(state, user, root).await?,
        None => None,
    };
    Ok(minijinja::context! {
        links,
        missing,
        original,
        own_stale,
        can_translate => workflow::may_create(&person(user)).is_ok(),
    })
}

/// The original beside a translation: its text when `user` may read it, else a note saying why
/// not.
async fn original(
    state: &NewsroomState,
    user: &CurrentUser,
    id: i64,
) -> AppResult<Option<minijinja::Value>> {
    let ui = user.language();
    match readable(state, user, id).await {
        Ok((original, _)) => Ok(Some(minijinja::context! {
            id => original.id,
            code => original.language.code(),
            heading => locales().text(ui, "tr-original-heading", Some(&about(original.language))),
            headline => original.headline,
            standfirst => original.standfirst,
            body_html => original.body_html,
        })),
        Err(AppError::Forbidden(_)) => Ok(Some(minijinja::context! {
            id => id,
            hidden => true,
        })),
        Err(AppError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------- translating

/// `POST /newsroom/articles/{id}/translations` with `language`: starts the translation and opens
/// it in the editor.
pub async fn create(
    State(state): State<NewsroomState>,
    Path(id): Path<String>,
    post: PostForm,
) -> AppResult<Response> {
    let PostForm { user, form } = post;
    let id = article_id(&id)?;
    let written = translate(&state, &user, id, form.get("language").unwrap_or("")).await?;
    Ok(see_other(&format!(
        "/newsroom/articles/{}",
        written.value.id
    )))
}

/// Starts a translation of article `id` into the edition `code` for `who`: they must be able to
/// read the article and to start drafts. Refused with a message in their language when the site
/// has no such edition or the story has that language already.
pub async fn translate(
    state: &NewsroomState,
    who: &impl Acts,
    id: i64,
    code: &str,
) -> AppResult<Written<Article>> {
    let ui = who.user().ui_language;
    readable(state, who, id).await?;
    workflow::may_create(&person(who))?;
    let code = code.trim();
    if code.is_empty() {
        return Err(AppError::BadRequest(locales().word(ui, "tr-no-language")));
    }
    let language = Language::parse(code)
        .ok()
        .filter(|l| state.config.editions.contains(*l))
        .ok_or_else(|| {
            let shown: String = code.chars().take(12).collect();
            AppError::BadRequest(locales().text(ui, "tr-no-edition", Some(&arg("code", shown))))
        })?;
    match state
        .store
        .translate_article(id, language, &who.actor(), state.now())
        .await
    {
        Ok(written) => {
            changed_at(state, written.seq);
            Ok(written)
        }
        Err(StoreError::Conflict(_)) => Err(AppError::Conflict(locales().text(
            ui,
            "tr-exists",
            Some(&about(language)),
        ))),
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- the article list

/// The translation groups of a page of the article list.
pub async fn list_marks(
    state: &NewsroomState,
    ids: &[i64],
) -> AppResult<HashMap<i64, Vec<TranslationState>>> {
    Ok(state.store.translation_summaries(ids).await?)
}

/// One row's marks: the story's other languages (each original or out of date) and whether the
/// row itself is an out-of-date translation; nothing for an article in no group.
pub fn row_marks(marks: &HashMap<i64, Vec<TranslationState>>, id: i64) -> minijinja::Value {
    let Some(group) = marks.get(&id) else {
        return minijinja::Value::from(());
    };
    let others: Vec<_> = group
        .iter()
        .filter(|m| m.article_id != id)
        .map(|m| {
            minijinja::context! {
                id => m.article_id,
                code => m.language.code(),
                is_original => m.is_original,
                stale => m.stale,
            }
        })
        .collect();
    minijinja::context! {
        others,
        stale => group.iter().any(|m| m.article_id == id && m.stale),
    }
}
