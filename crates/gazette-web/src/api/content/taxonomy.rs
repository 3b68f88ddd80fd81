//! How the site is organised: its sections, tags, bylines and static pages.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;

use super::articles::{KeyHeader, KeyParam, site};
use super::keys::Consumer;
use super::respond::json_response;
use super::schema::{
    AuthorList, AuthorView, CommonAnswers, PageDetail, PageLink, PageList, SectionList,
    SectionView, TagList, TagView,
};
use crate::api::error::{ApiError, ApiResult, ErrorBody};
use crate::cache::{HOME_KEY, SurrogateKeys};
use crate::presenters::{author_url, section_url, tag_url};
use crate::state::SiteState;

/// Keys of lists that change only with what every page shows (renamed sections, edited pages),
/// which purges every cached answer: any key of its own will do.
fn site_wide(name: &str) -> Option<SurrogateKeys> {
    let mut keys = SurrogateKeys::new();
    keys.add(format!("api-{name}"));
    Some(keys)
}

/// Keys of lists that grow when an article is published (a new tag or byline shows only once an
/// article carries it).
fn grows_with_articles() -> Option<SurrogateKeys> {
    let mut keys = SurrogateKeys::new();
    keys.add(HOME_KEY);
    Some(keys)
}

fn articles_url(state: &SiteState, filter: &str, slug: &str) -> String {
    format!(
        "{}/api/v1/articles?{filter}={}",
        state.config.base_url,
        gazette_core::text::url_encode(slug)
    )
}

/// The sections, in the site's menu order.
#[utoipa::path(
    get,
    path = "/api/v1/sections",
    operation_id = "list_sections",
    tag = "Content API",
    params(KeyParam, KeyHeader),
    responses(
        (status = 200, description = "Every section", body = SectionList),
        CommonAnswers,
        (status = 400, description = "The address or query is not valid", body = ErrorBody),
    )
)]
pub async fn sections(
    _consumer: Consumer,
    State(state): State<SiteState>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let site = site(&state).await?;
    let list = SectionList {
        items: state
            .store
            .sections()
            .await?
            .into_iter()
            .map(|s| SectionView {
                url: site.absolute(&section_url(&s.slug)),
                articles_url: articles_url(&state, "section", s.slug.as_str()),
                slug: s.slug.to_string(),
                name: s.name,
                description: s.description,
            })
            .collect(),
    };
    Ok(json_response(
        &state,
        &headers,
        &list,
        site_wide("sections"),
    ))
}

/// Every tag, by name.
#[utoipa::path(
    get,
    path = "/api/v1/tags",
    operation_id = "list_tags",
    tag = "Content API",
    params(KeyParam, KeyHeader),
    responses(
        (status = 200, description = "Every tag", body = TagList),
        CommonAnswers,
        (status = 400, description = "The address or query is not valid", body = ErrorBody),
    )
)]
pub async fn tags(
    _consumer: Consumer,
    State(state): State<SiteState>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let site = site(&state).await?;
    // The store's counts include drafts, which the public must not learn of: no counts here.
    let list = TagList {
        items: state
            .store
            .tags_with_counts()
            .await?
            .into_iter()
            .map(|(t, _)| TagView {
                url: site.absolute(&tag_url(&t.slug)),
                articles_url: articles_url(&state, "tag", t.slug.as_str()),
                slug: t.slug.to_string(),
                name: t.name,
            })
            .collect(),
    };
    Ok(json_response(
        &state,
        &headers,
        &list,
        grows_with_articles(),
    ))
}

/// Every byline: people, and the newsroom itself.
#[utoipa::path(
    get,
    path = "/api/v1/authors",
    operation_id = "list_authors",
    tag = "Content API",
    params(KeyParam, KeyHeader),
    responses(
        (status = 200, description = "Every byline", body = AuthorList),
        CommonAnswers,
        (status = 400, description = "The address or query is not valid", body = ErrorBody),
    )
)]
pub async fn authors(
    _consumer: Consumer,
    State(state): State<SiteState>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let site = site(&state).await?;
    let list = AuthorList {
        items: state
            .store
            .authors()
            .await?
            .into_iter()
            .map(|a| AuthorView {
                url: site.absolute(&author_url(&a.slug)),
                articles_url: articles_url(&state, "author", a.slug.as_str()),
                slug: a.slug.to_string(),
                name: a.name,
                bio: a.bio,
                is_house: a.is_house,
            })
            .collect(),
    };
    Ok(json_response(
        &state,
        &headers,
        &list,
        grows_with_articles(),
    ))
}

/// The static pages (About, Contacts…).
#[utoipa::path(
    get,
    path = "/api/v1/pages",
    operation_id = "list_pages",
    tag = "Content API",
    params(KeyParam, KeyHeader),
    responses(
        (status = 200, description = "Every static page", body = PageList),
        CommonAnswers,
        (status = 400, description = "The address or query is not valid", body = ErrorBody),
    )
)]
pub async fn pages(
    _consumer: Consumer,
    State(state): State<SiteState>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let site = site(&state).await?;
    let list = PageList {
        items: state
            .store
            .pages()
            .await?
            .into_iter()
            .filter(|p| p.status == gazette_store::pages::PageStatus::Published)
            .filter(|p| state.config.editions.contains(p.language))
            .map(|p| PageLink {
                url: site.absolute(
                    &state
                        .config
                        .editions
                        .path(p.language, &format!("/pages/{}", p.slug)),
                ),
                slug: p.slug.to_string(),
                title: p.title,
                language: p.language.code().to_owned(),
            })
            .collect(),
    };
    Ok(json_response(&state, &headers, &list, site_wide("pages")))
}

/// One static page.
#[utoipa::path(
    get,
    path = "/api/v1/pages/{slug}",
    operation_id = "get_page",
    tag = "Content API",
    params(
        ("slug" = String, Path, description = "The page's slug"),
        KeyParam,
        KeyHeader,
    ),
    responses(
        (status = 200, description = "The page", body = PageDetail),
        CommonAnswers,
        (status = 400, description = "The address or query is not valid", body = ErrorBody),
        (status = 404, description = "No page has this slug", body = ErrorBody),
    )
)]
pub async fn page(
    _consumer: Consumer,
    State(state): State<SiteState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
) -> ApiResult<Response> {
    let page = state
        .store
        .page(state.config.editions.default_language(), &slug)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let site = site(&state).await?;
    let view = PageDetail {
        url: site.absolute(&format!("/pages/{}", page.slug)),
        slug: page.slug.to_string(),
        title: page.title,
        body_html: page.body_html,
        body_markdown: page.body_markdown,
    };
    let mut keys = SurrogateKeys::new();
    keys.add(format!("page-{}", view.slug));
    Ok(json_response(&state, &headers, &view, Some(keys)))
}
