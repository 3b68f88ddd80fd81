//! The old site's addresses, after an import from WordPress or Ghost: links out on the web and in
//! search engines keep working, answered with `301` to the new address.
//!
//! Only answers the site had no page for reach here (a `404`, or the front page asked for a
//! WordPress post by number, `/?p=12`), so pages pay nothing. The rules, in order:
//! - addresses the import recorded (`/?p=12`, `/?page_id=7`, a post's `<link>`);
//! - `/category/…/x/` → section `x` (or tag `x`), `/tag/x/` → tag, `/author/x/` → author;
//! - `/YYYY/MM/DD/slug/`, `/YYYY/MM/slug/`, `/slug/` → the published article with that slug
//!   (now or before), or the page with that slug.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use gazette_core::Slug;
use gazette_store::{OldAddress, Store, StoreResult, normalise_old_address};

use crate::presenters::{article_url, author_url, section_url, tag_url};

pub async fn redirect_old_addresses(
    State(store): State<Arc<dyn Store>>,
    request: Request,
    next: Next,
) -> Response {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    let target = request
        .uri()
        .path_and_query()
        .map_or_else(|| request.uri().path().to_owned(), |pq| pq.to_string());
    let old = normalise_old_address(&target);
    // The front page with `?p=` is a WordPress post asked for by number, not the front page.
    if old.starts_with("/?") {
        if let Some(location) = recorded(&store, &old).await {
            return moved_permanently(&location);
        }
        return next.run(request).await;
    }
    let response = next.run(request).await;
    if response.status() != StatusCode::NOT_FOUND {
        return response;
    }
    match new_address(&store, &old).await {
        Some(location) if location != old => moved_permanently(&location),
        _ => response,
    }
}

fn moved_permanently(location: &str) -> Response {
    (
        StatusCode::MOVED_PERMANENTLY,
        [(header::LOCATION, location.to_owned())],
    )
        .into_response()
}

async fn recorded(store: &Arc<dyn Store>, old: &str) -> Option<String> {
    // A database that cannot answer now leaves the 404 (or the front page) as it was.
    store.old_address(old).await.ok().flatten().map(path_of)
}

fn path_of(address: OldAddress) -> String {
    match address {
        OldAddress::Article { section, slug } => article_url(&section, &slug),
        OldAddress::Path(path) => path,
    }
}

async fn new_address(store: &Arc<dyn Store>, old: &str) -> Option<String> {
    if let Some(location) = recorded(store, old).await {
        return Some(location);
    }
    generic_address(store, old).await.ok().flatten()
}

/// The rules that need no record: the shapes WordPress and Ghost give their addresses.
async fn generic_address(store: &Arc<dyn Store>, old: &str) -> StoreResult<Option<String>> {
    let segments: Vec<&str> = old.trim_matches('/').split('/').collect();
    let slug = |s: &str| Slug::parse(s).ok();
    match segments.as_slice() {
        ["category", .., last] => match slug(last) {
            Some(s) => section_or_tag(store, &s).await,
            None => Ok(None),
        },
        ["tag", last] => match slug(last) {
            Some(s) => Ok(store
                .tag_by_slug(s.as_str())
                .await?
                .map(|t| tag_url(&t.slug))),
            None => Ok(None),
        },
        ["author", last] => match slug(last) {
            Some(s) => Ok(store
                .author_by_slug(s.as_str())
                .await?
                .map(|a| author_url(&a.slug))),
            None => Ok(None),
        },
        [year, month, day, last] if is_date(&[year, month, day]) => {
            article_or_page(store, last).await
        }
        [year, month, last] if is_date(&[year, month]) => article_or_page(store, last).await,
        [last] => article_or_page(store, last).await,
        _ => Ok(None),
    }
}

fn is_date(parts: &[&&str]) -> bool {
    parts
        .iter()
        .all(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
}

async fn section_or_tag(store: &Arc<dyn Store>, slug: &Slug) -> StoreResult<Option<String>> {
    if let Some(section) = store.section_by_slug(slug.as_str()).await? {
        return Ok(Some(section_url(&section.slug)));
    }
    // WordPress categories beyond a post's first become tags (`gazette import`).
    Ok(store
        .tag_by_slug(slug.as_str())
        .await?
        .map(|t| tag_url(&t.slug)))
}

async fn article_or_page(store: &Arc<dyn Store>, last: &str) -> StoreResult<Option<String>> {
    let Ok(slug) = Slug::parse(last) else {
        return Ok(None);
    };
    if let Some(address) = store.published_article_address(slug.as_str()).await? {
        return Ok(Some(path_of(address)));
    }
    // The importers write pages in English.
    Ok(store
        .page(gazette_core::Language::EN, slug.as_str())
        .await?
        .map(|p| format!("/pages/{}", p.slug)))
}
