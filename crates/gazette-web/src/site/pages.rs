//! Static pages (About, Contacts, the corrections policy…), per edition: `/pages/{slug}` shows
//! the edition's published page with that address; drafts and unpublished pages are not found.

use axum::extract::{Path, State};
use axum::response::Response;
use serde::Serialize;

use super::{Edition, render};
use crate::error::{AppError, AppResult};
use crate::presenters::{Alternate, SiteContext};
use crate::state::SiteState;

#[derive(Serialize)]
struct PageView {
    title: String,
    body_html: String,
}

pub async fn page(
    State(state): State<SiteState>,
    edition: Edition,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let language = edition.language();
    let page = state
        .store
        .page(language, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let site = SiteContext::load(&state, language, None).await?;
    let description =
        gazette_core::text::shorten(&gazette_core::text::html_to_text(&page.body_html), 160);
    let path = site.links.path(&format!("/pages/{}", page.slug));
    let mut meta = site.meta(&page.title, &description, &path, false);
    meta.alternates = alternates(&state, &site, page.id).await?;
    let mut keys = crate::cache::SurrogateKeys::new();
    keys.add(format!("page-{}", page.slug));
    let page = PageView {
        title: page.title,
        body_html: page.body_html,
    };
    render(
        &state,
        "page.html",
        minijinja::context! { site, meta, page, jsonld => Vec::<String>::new() },
        keys,
    )
}

/// The page and its published translations, each in its own edition; empty when it has none
/// (a page alone needs no alternates).
async fn alternates(state: &SiteState, site: &SiteContext, id: i64) -> AppResult<Vec<Alternate>> {
    let editions = &state.config.editions;
    let linked: Vec<Alternate> = state
        .store
        .page_translations(id)
        .await?
        .into_iter()
        .filter(|t| t.status == gazette_store::pages::PageStatus::Published)
        .filter(|t| editions.contains(t.language))
        .map(|t| {
            let path = editions.path(t.language, &format!("/pages/{}", t.slug));
            Alternate::new(t.language, site.absolute(&path))
        })
        .collect();
    Ok(if linked.len() > 1 { linked } else { Vec::new() })
}
