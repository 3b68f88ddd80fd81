//! Paginated lists: section, tag and author pages (search results are in [`super::search`]).

use axum::extract::{Path, Query, State};
use axum::response::Response;
use gazette_store::{ArticleFilter, PageRequest};
use serde::Serialize;

use super::edition::alternates;
use super::{Edition, PageParam, keys_for, render};
use crate::cache::{author_key, section_key, tag_key};
use crate::error::{AppError, AppResult};
use crate::presenters::{Alternate, AuthorView, Card, Pagination, SiteContext};
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
    /// The list's address in this edition.
    path: String,
    /// Its feeds' address without the file name (`/uk/feeds/sections/viina`), if it has feeds.
    feed_path: Option<String>,
    filter: ArticleFilter,
    author: Option<AuthorView>,
    query: Option<String>,
    noindex: bool,
    /// The surrogate key of the thing listed; None for pages that are not cached.
    key: Option<String>,
    /// The same list in every edition, for `hreflang`.
    alternates: Vec<Alternate>,
}

async fn render_listing(
    state: &SiteState,
    site: SiteContext,
    listing: Listing,
    page: u32,
) -> AppResult<Response> {
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
    let articles = Card::list(&result.items, &site.links);

    let title = if page > 1 {
        let mut args = fluent_bundle::FluentArgs::new();
        args.set("title", listing.heading.title.as_str());
        args.set("page", page);
        crate::locale::locales().text(site.language, "list-page-n", Some(&args))
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
    meta.alternates = listing.alternates;
    if let Some(path) = listing.feed_path {
        meta.feeds
            .extend(crate::feeds::feed_links(&path, &listing.heading.title));
    }
    let jsonld = vec![crate::presenters::json_ld(&serde_json::json!({
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            { "@type": "ListItem", "position": 1, "name": crate::locale::locales().word(site.language, "breadcrumb-home"), "item": site.absolute(&site.home_url) },
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
    edition: Edition,
    Path(slug): Path<String>,
    Query(page): Query<PageParam>,
) -> AppResult<Response> {
    let page = page.number()?;
    let language = edition.language();
    let links = SiteContext::load(&state, language, None).await?.links;
    let section = state
        .store
        .section_by_slug(links.own_section_slug(&slug))
        .await?
        .ok_or(AppError::NotFound)?;
    let own = section.slug.as_str();
    let site = SiteContext::load(&state, language, Some(own)).await?;
    let local = links.section_url(own);
    let listing = Listing {
        heading: Heading {
            kind: "section",
            title: links.section_name(own, &section.name),
            description: links.section_description(own, &section.description),
        },
        feed_path: Some(links.path(&format!(
            "/feeds/sections/{}",
            links.local_section_slug(own)
        ))),
        path: local,
        filter: ArticleFilter {
            section_id: Some(section.id),
            language: Some(language),
            ..Default::default()
        },
        author: None,
        query: None,
        noindex: false,
        key: Some(section_key(section.id)),
        alternates: alternates(&state, |l| Some(l.section_url(own))).await?,
    };
    render_listing(&state, site, listing, page).await
}

pub async fn tag(
    State(state): State<SiteState>,
    edition: Edition,
    Path(slug): Path<String>,
    Query(page): Query<PageParam>,
) -> AppResult<Response> {
    let page = page.number()?;
    let language = edition.language();
    let site = SiteContext::load(&state, language, None).await?;
    let links = site.links.clone();
    let tag = state
        .store
        .tag_by_slug(links.own_tag_slug(&slug))
        .await?
        .ok_or(AppError::NotFound)?;
    let own = tag.slug.as_str();
    let name = links.tag_name(own, &tag.name);
    let path = links.tag_url(own);
    let listing = Listing {
        heading: Heading {
            kind: "tag",
            description: {
                let mut args = fluent_bundle::FluentArgs::new();
                args.set("tag", name.as_str());
                crate::locale::locales().text(language, "list-tag-description", Some(&args))
            },
            title: name,
        },
        feed_path: Some(links.path(&format!("/feeds/tags/{}", links.local_tag_slug(own)))),
        path,
        filter: ArticleFilter {
            tag_id: Some(tag.id),
            language: Some(language),
            ..Default::default()
        },
        author: None,
        query: None,
        noindex: false,
        key: Some(tag_key(tag.id)),
        alternates: alternates(&state, |l| Some(l.tag_url(own))).await?,
    };
    render_listing(&state, site, listing, page).await
}

pub async fn author(
    State(state): State<SiteState>,
    edition: Edition,
    Path(slug): Path<String>,
    Query(page): Query<PageParam>,
) -> AppResult<Response> {
    let page = page.number()?;
    let language = edition.language();
    let site = SiteContext::load(&state, language, None).await?;
    let links = site.links.clone();
    let author = state
        .store
        .author_by_slug(&slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let description = if author.bio.is_empty() {
        let mut args = fluent_bundle::FluentArgs::new();
        args.set("name", author.name.as_str());
        crate::locale::locales().text(language, "list-author-description", Some(&args))
    } else {
        author.bio.clone()
    };
    let own = author.slug.as_str();
    let path = links.author_url(own);
    let listing = Listing {
        heading: Heading {
            kind: "author",
            title: author.name.clone(),
            description,
        },
        feed_path: Some(links.path(&format!("/feeds/authors/{own}"))),
        path,
        filter: ArticleFilter {
            author_id: Some(author.id),
            language: Some(language),
            ..Default::default()
        },
        author: Some(AuthorView::new(&author, &links)),
        query: None,
        noindex: false,
        key: Some(author_key(author.id)),
        alternates: alternates(&state, |l| Some(l.author_url(own))).await?,
    };
    render_listing(&state, site, listing, page).await
}
