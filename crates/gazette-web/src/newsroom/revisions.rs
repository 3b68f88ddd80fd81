//! Revisions: every save of an article, listed, compared word by word, and restored.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use gazette_core::newsroom::{ArticleAction, Revision};
use gazette_core::submission::ArticleInput;
use gazette_core::text::escape_html;
use gazette_store::ArticleSave;
use serde::Deserialize;
use similar::{ChangeTag, TextDiff};

use super::access::{authorised, person, readable, stored};
use super::articles::to_article;
use super::auth::{CurrentUser, PostForm};
use super::pages::{changed_at, layout, render, see_other, show_time};
use crate::error::{AppError, AppResult};
use crate::state::NewsroomState;

fn ids(article: &str) -> AppResult<i64> {
    article.parse().map_err(|_| AppError::NotFound)
}

pub async fn list(
    State(state): State<NewsroomState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = ids(&id)?;
    let (article, _) = readable(&state, &user, id).await?;
    let revisions = state.store.revisions(id).await?;
    let count = revisions.len();
    let rows: Vec<_> = revisions
        .iter()
        .enumerate()
        .map(|(i, r)| {
            minijinja::context! {
                id => r.id,
                number => count - i,
                at => show_time(r.created_at),
                by => r.user_name.clone(),
                note => r.note.clone(),
                headline => r.headline.clone(),
                words => r.body_markdown.split_whitespace().count(),
                latest => i == 0,
            }
        })
        .collect();
    render(
        "revisions.html",
        minijinja::context! {
            ..layout(Some(&user), &format!("{}: {}", crate::locale::locales().word(user.language(), "nr-editor-revisions"), article.headline)),
            ..minijinja::context! {
                article => minijinja::context! { id => article.id, headline => article.headline.clone() },
                rows,
                from => revisions.get(1).map(|r| r.id),
                to => revisions.first().map(|r| r.id),
            }
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct DiffQuery {
    from: Option<String>,
    to: Option<String>,
}

/// Words removed in `<del>`, words added in `<ins>`, the rest as it was; all text escaped.
pub fn word_diff(old: &str, new: &str) -> String {
    let diff = TextDiff::from_words(old, new);
    let mut html = String::new();
    for change in diff.iter_all_changes() {
        let text = escape_html(change.value());
        match change.tag() {
            ChangeTag::Equal => html.push_str(&text),
            ChangeTag::Delete => {
                html.push_str("<del>");
                html.push_str(&text);
                html.push_str("</del>");
            }
            ChangeTag::Insert => {
                html.push_str("<ins>");
                html.push_str(&text);
                html.push_str("</ins>");
            }
        }
    }
    html
}

async fn revision_of(
    state: &NewsroomState,
    article: i64,
    raw: Option<&str>,
) -> AppResult<Revision> {
    let id: i64 = raw
        .and_then(|r| r.trim().parse().ok())
        .ok_or_else(|| AppError::BadRequest("Choose two revisions to compare.".into()))?;
    state
        .store
        .revision(id)
        .await?
        .filter(|r| r.article_id == article)
        .ok_or(AppError::NotFound)
}

pub async fn diff(
    State(state): State<NewsroomState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<DiffQuery>,
) -> AppResult<Response> {
    let id = ids(&id)?;
    let (article, _) = readable(&state, &user, id).await?;
    let from = revision_of(&state, id, query.from.as_deref()).await?;
    let to = revision_of(&state, id, query.to.as_deref()).await?;
    let field = |label: &str, old: &str, new: &str| {
        minijinja::context! {
            label,
            changed => old != new,
            html => minijinja::Value::from_safe_string(word_diff(old, new)),
        }
    };
    let opt = |s: &Option<String>| s.clone().unwrap_or_default();
    let (l, lang) = (crate::locale::locales(), user.language());
    let fields = vec![
        field(
            &l.word(lang, "nr-articles-headline"),
            &from.headline,
            &to.headline,
        ),
        field(
            &l.word(lang, "nr-editor-standfirst"),
            &from.standfirst,
            &to.standfirst,
        ),
        field(
            &l.word(lang, "nr-diff-body"),
            &from.body_markdown,
            &to.body_markdown,
        ),
        field(&l.word(lang, "nr-diff-slug"), &from.slug, &to.slug),
        field(
            &l.word(lang, "nr-editor-seo-title"),
            &opt(&from.seo_title),
            &opt(&to.seo_title),
        ),
        field(
            &l.word(lang, "nr-editor-seo-description"),
            &opt(&from.seo_description),
            &opt(&to.seo_description),
        ),
    ];
    let describe = |r: &Revision| minijinja::context! { id => r.id, at => show_time(r.created_at), by => r.user_name.clone(), note => r.note.clone() };
    render(
        "diff.html",
        minijinja::context! {
            ..layout(Some(&user), &format!("{}: {}", crate::locale::locales().word(user.language(), "nr-diff-title"), article.headline)),
            ..minijinja::context! {
                article => minijinja::context! { id => article.id, headline => article.headline.clone() },
                from => describe(&from),
                to => describe(&to),
                fields,
            }
        },
    )
}

pub async fn restore(
    State(state): State<NewsroomState>,
    Path((id, revision)): Path<(String, String)>,
    post: PostForm,
) -> AppResult<Response> {
    let PostForm { user, .. } = post;
    let id = ids(&id)?;
    let (article, workflow) = authorised(&state, &user, id, ArticleAction::Edit).await?;
    let old = revision_of(&state, id, Some(&revision)).await?;
    let sections = state.store.sections().await?;
    let authors = state.store.authors().await?;
    let tags: Vec<_> = (state.store.tags_with_counts().await?)
        .into_iter()
        .map(|(tag, _)| tag)
        .collect();
    let section_ids: Vec<i64> = sections.iter().map(|s| s.id).collect();
    let author_ids: Vec<i64> = authors.iter().map(|a| a.id).collect();
    let input = ArticleInput::from_revision(
        &old,
        &article,
        (&section_ids, &author_ids),
        &tags,
        workflow.latest_revision,
    );
    let (new, tag_names) = to_article(&state, &input, article.status, article.published_at).await?;
    // An old revision may carry bylines an author may not put back on a public article.
    gazette_core::workflow::check_save(
        &stored(&article, &workflow),
        &person(&user),
        &new.author_ids,
    )?;
    let note = format!("restored revision {}", old.id);
    let save = ArticleSave {
        article: new,
        tag_names,
        base_revision: workflow.latest_revision,
        note,
        audit_action: "restore".into(),
        audit_detail: format!("revision {} as ", old.id),
    };
    let saved = state
        .store
        .newsroom_save_article(id, save, &user.actor(), state.now())
        .await?;
    changed_at(&state, saved.seq);
    Ok(see_other(&format!(
        "/newsroom/articles/{id}?notice=restored"
    )))
}

#[cfg(test)]
mod tests {
    use super::word_diff;

    #[test]
    fn changed_words_are_marked_and_text_is_escaped() {
        let html = word_diff("The <b> army held", "The <b> army retreated");
        assert!(html.contains("<del>held</del>"), "{html}");
        assert!(html.contains("<ins>retreated</ins>"), "{html}");
        assert!(html.contains("&lt;b&gt;"), "{html}");
    }
}
