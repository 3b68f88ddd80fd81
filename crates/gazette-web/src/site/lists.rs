//! Paginated lists: section, tag and author pages (search results are in [`super::search`]).

use axum::extract::{Path, Query, State};
use axum::response::Response;
use gazette_core::Language;
use gazette_store::{ArticleFilter, PageRequest};
use serde::Serialize;

use super::{PageParam, keys_for, render};
use crate::cache::{author_key, section_key, tag_key};
use crate::error::{AppError, AppResult};
use crate::presenters::{AuthorView, Card, Pagination, SiteContext};
use crate::state::SiteState;

#[derive(Serialize)]
struct Heading {
    kind: &'static str,
    title: String,
    description: String,
}

/// What differs between the list pages.
struct Listing {
    heading: Heading,
    path: String,
    current_section: Option<String>,
    filter: ArticleFilter,
    author: Option<AuthorView>,
    query: Option<String>,
    noindex: bool,
    /// The surrogate key of the thing listed; None for pages that are not cached.
    key: Option<String>,
}

async fn render_listing(state: &SiteState, listing: Listing, page: u32) -> AppResult<Response> {
    let site = SiteContext::load(state, listing.current_section.as_deref()).await?;
    let request = PageRequest::new(page, state.config.per_page);
    let result = if listing.query.as_deref() == Some("") {
        // A search with no words: the form and no results, not a list of everything.
        gazette_store::Page {
            items: Vec::new(),
            total: 0,
            request,
        }
    } else {
        state
            .store
            .published(&listing.filter, request, state.now())
            .await?
    };
    if page > 1 && result.items.is_empty() {
        return Err(AppError::NotFound);
    }
    let extra_query = listing
        .query
        .as_deref()
        .filter(|q| !q.is_empty())
        .map(|q| format!("q={}&", gazette_core::text::url_encode(q)))
        .unwrap_or_default();
    let pagination = Pagination::new(&listing.path, &extra_query, page, result.total_pages());
    let articles = Card::list(&result.items, Language::EN);

    let title = if page > 1 {
        format!("{} (page {page})", listing.heading.title)
    } else {
        listing.heading.title.clone()
    };
    let canonical = if page > 1 {
        format!("{}?{extra_query}page={page}", listing.path)
    } else {
        pagination
            .pages
            .first()
            .map_or(listing.path.clone(), |p| p.url.clone())
    };
    let mut meta = site.meta(
        &title,
        &listing.heading.description,
        &canonical,
        listing.noindex,
    );
    meta.prev_url = pagination.prev_url.as_ref().map(|u| site.absolute(u));
    meta.next_url = pagination.next_url.as_ref().map(|u| site.absolute(u));
    let feed_path = match listing.heading.kind {
        "section" => Some(format!("/feeds/sections{}", listing.path)),
        "tag" | "author" => Some(format!("/feeds{}", listing.path)),
        _ => None,
    };
    if let Some(path) = feed_path {
        meta.feeds
            .extend(crate::feeds::feed_links(&path, &listing.heading.title));
    }
    let jsonld = vec![crate::presenters::json_ld(&serde_json::json!({
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            { "@type": "ListItem", "position": 1, "name": "Home", "item": site.absolute("/") },
            { "@type": "ListItem", "position": 2, "name": listing.heading.title, "item": site.absolute(&listing.path) },
        ],
    }))];

    let keys = match &listing.key {
        Some(key) => keys_for(&[&result.items], std::slice::from_ref(key)),
        None => crate::cache::SurrogateKeys::new(),
    };
    render(
        state,
        "list.html",
        minijinja::context! {
            site,
            meta,
            jsonld,
            heading => listing.heading,
            author => listing.author,
            query => listing.query,
            total => result.total,
            articles,
            pagination,
        },
        keys,
    )
}

pub async fn section(
    State(state): State<SiteState>,
    Path(slug): Path<String>,
    Query(page): Query<PageParam>,
) -> AppResult<Response> {
    let page = page.number()?;
    let section = state
        .store
        .section_by_slug(&slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let listing = Listing {
        heading: Heading {
            kind: "section",
            title: section.name.clone(),
            description: section.description.clone(),
        },
        path: format!("/{}", section.slug),
        current_section: Some(section.slug.to_string()),
        filter: ArticleFilter {
            section_id: Some(section.id),
            ..Default::default()
        },
        author: None,
        query: None,
        noindex: false,
        key: Some(section_key(section.id)),
    };
    render_listing(&state, listing, page).await
}

pub async fn tag(
    State(state): State<SiteState>,
    Path(slug): Path<String>,
    Query(page): Query<PageParam>,
) -> AppResult<Response> {
    let page = page.number()?;
    let tag = state
        .store
        .tag_by_slug(&slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let listing = Listing {
        heading: Heading {
            kind: "tag",
            title: tag.name.clone(),
            description: format!("News and analysis tagged {}.", tag.name),
        },
        path: format!("/tags/{}", tag.slug),
        current_section: None,
        filter: ArticleFilter {
            tag_id: Some(tag.id),
            ..Default::default()
        },
        author: None,
        query: None,
        noindex: false,
        key: Some(tag_key(tag.id)),
    };
    render_listing(&state, listing, page).await
}

pub async fn author(
    State(state): State<SiteState>,
    Path(slug): Path<String>,
    Query(page): Query<PageParam>,
) -> AppResult<Response> {
    let page = page.number()?;
    let author = state
        .store
        .author_by_slug(&slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let description = if author.bio.is_empty() {
        format!("Articles by {}.", author.name)
    } else {
        author.bio.clone()
    };
    let listing = Listing {
        heading: Heading {
            kind: "author",
            title: author.name.clone(),
            description,
        },
        path: format!("/authors/{}", author.slug),
        current_section: None,
        filter: ArticleFilter {
            author_id: Some(author.id),
            ..Default::default()
        },
        author: Some(AuthorView::new(&author)),
        query: None,
        noindex: false,
        key: Some(author_key(author.id)),
    };
    render_listing(&state, listing, page).await
}
