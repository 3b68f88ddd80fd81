//! Translations in the newsroom: the editor's Translations panel (the story's other languages,
//! which are out of date, "Translate into …" for each edition it lacks, and the original beside a
//! translation), the marks on the article list, and the names of sections and tags in the other
//! editions (on the Sections and Tags pages).
//!
//! Whoever may start a draft may start a translation of an article they may read; the store
//! makes it a draft of theirs, linked to the story's original (see `TranslationStore`).

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use fluent_bundle::FluentArgs;
use gazette_core::newsroom::Permission;
use gazette_core::translation::TranslationState;
use gazette_core::workflow;
use gazette_core::{Article, Language, Slug};
use gazette_store::{StoreError, Written};

use super::access::{Acts, article_id, person, readable};
use super::audit::require;
use super::auth::{CurrentUser, PostForm};
use super::pages::{FormData, changed_at, see_other, status_label};
use crate::error::{AppError, AppResult};
use crate::locale::locales;
use crate::state::NewsroomState;

/// The arguments every message naming a language takes: its code and its own name.
fn about(language: Language) -> FluentArgs<'static> {
    let mut args = FluentArgs::new();
    args.set("code", language.code().to_owned());
    args.set("name", locales().language_name(language));
    args
}

/// One text argument.
fn arg(name: &'static str, value: impl Into<String>) -> FluentArgs<'static> {
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
            super::sections::sections_page(&state, &user, None, Some(&error), status).await
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
            super::sections::tags_page(&state, &user, None, Some(&error), status).await
        }
    }
}
