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
    let description = gazette_core::text::shorten(&plain_text(&page.body_html), 160);
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

/// The text of sanitised HTML, for a meta description.
fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for ch in html.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}
