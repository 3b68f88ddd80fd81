//! Static pages: About, Contacts, Corrections policy.

use axum::extract::{Path, State};
use axum::response::Response;
use serde::Serialize;

use super::render;
use crate::error::{AppError, AppResult};
use crate::presenters::SiteContext;
use crate::state::SiteState;

#[derive(Serialize)]
struct PageView {
    title: String,
    body_html: String,
}

pub async fn page(State(state): State<SiteState>, Path(slug): Path<String>) -> AppResult<Response> {
    let page = state.store.page(&slug).await?.ok_or(AppError::NotFound)?;
    let site = SiteContext::load(&state, None).await?;
    let description =
        gazette_core::text::shorten(&gazette_core::text::html_to_text(&page.body_html), 160);
    let meta = site.meta(
        &page.title,
        &description,
        &format!("/pages/{}", page.slug),
        false,
    );
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
