//! Corrections: the notes at the end of an article, and the public page listing every correction.

use axum::extract::{Query, State};
use axum::response::Response;
use gazette_core::Article;
use gazette_core::newsroom::Correction;
use gazette_store::PageRequest;
use serde::Serialize;

use super::{PageParam, render};
use crate::cache::SurrogateKeys;
use crate::error::AppResult;
use crate::presenters::{Card, DateView, SiteContext};
use crate::state::SiteState;

#[derive(Debug, Clone, Serialize)]
pub struct NoteView {
    /// `correction` or `update`.
    pub kind: &'static str,
    /// "Correction", "Виправлення".
    pub label: String,
    pub text: String,
    pub date: DateView,
}

/// An article's corrections and updates, oldest first, as its page prints them.
pub fn notes(corrections: Vec<Correction>, a: &Article) -> Vec<NoteView> {
    use gazette_core::newsroom::CorrectionKind;
    let locales = crate::locale::locales();
    corrections
        .into_iter()
        .map(|c| NoteView {
            kind: c.kind.as_str(),
            label: match c.kind {
                CorrectionKind::Correction => {
                    locales.word(a.language, "corrections-kind-correction")
                }
                CorrectionKind::Update => locales.word(a.language, "corrections-kind-update"),
            },
            text: c.text,
            date: DateView::new(c.created_at, a.language),
        })
        .collect()
}

#[derive(Serialize)]
struct ListedView {
    article: Card,
    text: String,
    date: DateView,
}

pub async fn page(
    State(state): State<SiteState>,
    edition: super::Edition,
    Query(param): Query<PageParam>,
) -> AppResult<Response> {
    let number = param.number()?;
    let language = edition.language();
    let site = SiteContext::load(&state, language, None).await?;
    let listed = state
        .store
        .published_corrections(PageRequest::new(number, state.config.per_page), state.now())
        .await?;
    let total_pages = listed.total_pages();
    let items: Vec<ListedView> = listed
        .items
        .iter()
        .map(|l| ListedView {
            article: Card::from_summary(&l.article, site.every.of(l.article.language)),
            text: l.correction.text.clone(),
            date: DateView::new(l.correction.created_at, language),
        })
        .collect();
    let locales = crate::locale::locales();
    let path = site.links.path("/corrections");
    let mut meta = site.meta(
        &locales.word(language, "corrections-title"),
        &locales.word(language, "corrections-description"),
        &path,
        false,
    );
    meta.alternates = super::edition::alternates(&state, |l| Some(l.path("/corrections"))).await?;
    // Not cached: a correction to any article changes this page.
    render(
        &state,
        "corrections.html",
        minijinja::context! {
            site, meta, items, jsonld => Vec::<String>::new(),
            page => number, total_pages,
            prev_url => (number > 1).then(|| format!("{path}?page={}", number - 1)),
            next_url => (number < total_pages).then(|| format!("{path}?page={}", number + 1)),
        },
        SurrogateKeys::new(),
    )
}
