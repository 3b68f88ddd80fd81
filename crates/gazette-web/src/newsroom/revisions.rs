//! Revisions: every save of an article, listed, compared word by word, and restored.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use gazette_core::newsroom::{ArticleAction, Revision};
use gazette_core::text::escape_html;
use gazette_store::ArticleSave;
use serde::Deserialize;
use similar::{ChangeTag, TextDiff};

use super::articles::{EditorInput, authorised, person, readable, stored};
use super::auth::{CurrentUser, PostForm};
use super::{NewsroomError, NewsroomResult, changed_at, layout, render, see_other, show_time};
use crate::AppState;

fn ids(article: &str) -> NewsroomResult<i64> {
    article.parse().map_err(|_| NewsroomError::NotFound)
}

pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> NewsroomResult<Response> {
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
            ..layout(Some(&user), &format!("Revisions: {}", article.headline)),
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
    state: &AppState,
    article: i64,
    raw: Option<&str>,
) -> NewsroomResult<Revision> {
    let id: i64 = raw
        .and_then(|r| r.trim().parse().ok())
        .ok_or_else(|| NewsroomError::BadRequest("Choose two revisions to compare.".into()))?;
    state
        .store
        .revision(id)
        .await?
        .filter(|r| r.article_id == article)
        .ok_or(NewsroomError::NotFound)
}

pub async fn diff(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<DiffQuery>,
) -> NewsroomResult<Response> {
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
    let fields = vec![
        field("Headline", &from.headline, &to.headline),
        field("Standfirst", &from.standfirst, &to.standfirst),
        field("Body", &from.body_markdown, &to.body_markdown),
        field("Address (slug)", &from.slug, &to.slug),
        field("SEO title", &opt(&from.seo_title), &opt(&to.seo_title)),
        field(
            "SEO description",
            &opt(&from.seo_description),
            &opt(&to.seo_description),
        ),
    ];
    let describe = |r: &Revision| minijinja::context! { id => r.id, at => show_time(r.created_at), by => r.user_name.clone(), note => r.note.clone() };
    render(
        "diff.html",
        minijinja::context! {
            ..layout(Some(&user), &format!("Changes: {}", article.headline)),
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
    State(state): State<AppState>,
    Path((id, revision)): Path<(String, String)>,
    post: PostForm,
) -> NewsroomResult<Response> {
    let PostForm { user, .. } = post;
    let id = ids(&id)?;
    let (article, workflow) = authorised(&state, &user, id, ArticleAction::Edit).await?;
    let old = revision_of(&state, id, Some(&revision)).await?;
    let sections = state.store.sections().await?;
    let authors = state.store.authors().await?;
    let tags = state.store.tags_with_counts().await?;
    // Restoring brings back the words; sections, bylines and tags deleted since are left out.
    let input = EditorInput {
        headline: old.headline.clone(),
        standfirst: old.standfirst.clone(),
        body: old.body_markdown.clone(),
        section_id: if sections.iter().any(|s| s.id == old.section_id) {
            old.section_id
        } else {
            article.section.id
        }
        .to_string(),
        tags: old
            .tag_ids
            .iter()
            .filter_map(|t| {
                tags.iter()
                    .find(|(tag, _)| tag.id == *t)
                    .map(|(tag, _)| tag.name.clone())
            })
            .collect::<Vec<_>>()
            .join(", "),
        author_ids: {
            let kept: Vec<String> = old
                .author_ids
                .iter()
                .filter(|a| authors.iter().any(|p| p.id == **a))
                .map(|a| a.to_string())
                .collect();
            if kept.is_empty() {
                article.authors.iter().map(|a| a.id.to_string()).collect()
            } else {
                kept
            }
        },
        seo_title: old.seo_title.clone().unwrap_or_default(),
        seo_description: old.seo_description.clone().unwrap_or_default(),
        slug: old.slug.clone(),
        language: old.language.code().to_owned(),
        // A deliberate act on the newest state: based on the latest revision.
        base_revision: workflow
            .latest_revision
            .map(|r| r.to_string())
            .unwrap_or_default(),
    };
    let new = input
        .to_article(&state, article.status, article.published_at)
        .await?;
    // An old revision may carry bylines an author may not put back on a public article.
    gazette_core::workflow::check_save(
        &stored(&article, &workflow),
        &person(&user),
        &new.author_ids,
    )?;
    let note = format!("restored revision {}", old.id);
    let save = ArticleSave {
        article: new,
        tag_names: input.tag_names(),
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
