//! Articles: the list (filters, full text, cursor pages, chosen fields), one article by id or by
//! its address, and search with snippets.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use gazette_core::{Article, ArticleSummary, ReaderView};
use gazette_search::{SearchOrder, SearchQuery};
use gazette_store::live::EntryQuery;
use gazette_store::{ArticleFilter, ArticleLookup};
use serde::Deserialize;
use utoipa::IntoParams;

use super::keys::Consumer;
use super::params::{self, ApiQuery, Cursor, given, quoted};
use super::respond::json_response;
use super::schema::{
    ArticleDetail, ArticleItem, ArticlesPage, AuthorLink, CommonAnswers, CorrectionNote, Image,
    LiveCoverage, LiveEntryView, SearchResult, SearchResults, Site,
};
use crate::api::error::{ApiError, ApiResult, ErrorBody};
use crate::cache::{HOME_KEY, SurrogateKeys, article_key, author_key, section_key, tag_key};
use crate::state::SiteState;

/// Live-blog entries one article carries, newest first; the rest are on the site.
pub const LIVE_ENTRIES: u32 = 20;
/// Longest search text used; longer text is cut, not refused.
const MAX_QUERY_CHARS: usize = 200;
/// Search results can be paged through this far.
const MAX_SEARCH_OFFSET: u32 = 10_000;
/// Articles published in one second that pages may step over (see [`Cursor::After`]).
const MAX_TIES: u32 = 1_000;

/// The addresses answers carry: absolute, each article's in its own language's edition.
pub(super) async fn site(state: &SiteState) -> gazette_store::StoreResult<Site> {
    let chrome =
        crate::presenters::SiteContext::load(state, state.config.editions.default_language(), None)
            .await?;
    Ok(Site {
        base_url: state.config.base_url.clone(),
        every: chrome.every.clone(),
    })
}

/// The article list's query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Only this section's articles (its slug).
    section: Option<String>,
    /// Only articles with this tag (its slug).
    tag: Option<String>,
    /// Only articles with this byline (its slug).
    author: Option<String>,
    /// Only articles in this language.
    #[param(value_type = Option<String>, pattern = "^(en|uk)$")]
    language: Option<String>,
    /// Only articles published at or after this time (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    published_since: Option<String>,
    /// Only articles published at or before this time (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    published_until: Option<String>,
    /// Words to find (through the search index; not with `tag`). Results stay newest first.
    q: Option<String>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Articles per page.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    limit: Option<String>,
    /// The fields each article carries, comma-separated (`id` always): slug, url, headline,
    /// standfirst, section, authors, published_at, updated_at.
    fields: Option<String>,
    /// A consumer's key (or send it in `X-Gazette-Key`).
    #[allow(dead_code)] // Read from the request by `Consumer`; here for the document.
    key: Option<String>,
}

/// Published articles, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/articles",
    operation_id = "list_articles",
    tag = "Content API",
    params(ListParams, KeyHeader),
    responses(
        (status = 200, description = "A page of articles", body = ArticlesPage),
        CommonAnswers,
        (status = 400, description = "A parameter is not valid", body = ErrorBody),
        (status = 503, description = "Full-text search (`q`) is not available here", body = ErrorBody),
    )
)]
pub async fn list(
    _consumer: Consumer,
    State(state): State<SiteState>,
    headers: HeaderMap,
    ApiQuery(p): ApiQuery<ListParams>,
) -> ApiResult<Response> {
    let limit = params::limit(&p.limit)?;
    let fields = params::fields(&p.fields)?;
    let cursor = Cursor::decode(&p.cursor)?;
    let mut filter = ArticleFilter {
        language: params::language(&p.language, &state.config.editions)?,
        published_from: params::time(&p.published_since, "published_since")?,
        published_to: params::time(&p.published_until, "published_until")?,
        ..Default::default()
    };
    if let (Some(from), Some(to)) = (filter.published_from, filter.published_to)
        && from > to
    {
        return Err(ApiError::bad_request(
            "published_since is after published_until: nothing can match.",
        ));
    }
    // Every list changes when any article is published or edited (the front page's key says
    // so), besides the articles it shows and what it is narrowed to.
    let mut keys = SurrogateKeys::new();
    keys.add(HOME_KEY);
    if let Some(slug) = given(&p.section) {
        let section = state.store.section_by_slug(slug).await?.ok_or_else(|| {
            ApiError::bad_request(format!("There is no section {}.", quoted(slug)))
        })?;
        filter.section_id = Some(section.id);
        keys.add(section_key(section.id));
    }
    if let Some(slug) = given(&p.tag) {
        let tag =
            state.store.tag_by_slug(slug).await?.ok_or_else(|| {
                ApiError::bad_request(format!("There is no tag {}.", quoted(slug)))
            })?;
        filter.tag_id = Some(tag.id);
        keys.add(tag_key(tag.id));
    }
    if let Some(slug) = given(&p.author) {
        let author = state.store.author_by_slug(slug).await?.ok_or_else(|| {
            ApiError::bad_request(format!("There is no author {}.", quoted(slug)))
        })?;
        filter.author_id = Some(author.id);
        keys.add(author_key(author.id));
    }
    let site = site(&state).await?;
    let text = search_text(&p.q);
    if !text.is_empty() {
        if filter.tag_id.is_some() {
            return Err(ApiError::bad_request(
                "q cannot be combined with tag: search within a section, a byline, a language \
                 or dates instead.",
            ));
        }
        let (found, next, _) =
            search_page(&state, &text, &filter, SearchOrder::Newest, limit, cursor).await?;
        let list = ArticlesPage {
            items: found
                .iter()
                .map(|(a, _)| ArticleItem::new(a, &site, fields.as_deref()))
                .collect(),
            next_cursor: next.map(Cursor::encode),
        };
        // Not cached: the index and the database may disagree for a moment, and no key could
        // name every article a search might find.
        return Ok(json_response(&state, &headers, &list, None));
    }
    let (articles, next) = newest_page(&state, filter, limit, cursor).await?;
    for a in &articles {
        keys.add(article_key(a.id));
    }
    let list = ArticlesPage {
        items: articles
            .iter()
            .map(|a| ArticleItem::new(a, &site, fields.as_deref()))
            .collect(),
        next_cursor: next.map(Cursor::encode),
    };
    Ok(json_response(&state, &headers, &list, Some(keys)))
}

fn search_text(q: &Option<String>) -> String {
    q.as_deref()
        .unwrap_or_default()
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_QUERY_CHARS)
        .collect()
}

/// One page of the newest articles matching `filter`, after `cursor`, and where the next starts.
///
/// Pages are cut by publication time and id rather than by position, so an article published
/// or taken down while a client walks the list shifts nothing: no article is skipped or shown
/// twice.
async fn newest_page(
    state: &SiteState,
    mut filter: ArticleFilter,
    limit: u32,
    cursor: Option<Cursor>,
) -> ApiResult<(Vec<ArticleSummary>, Option<Cursor>)> {
    let (after, ties) = match cursor {
        None => (None, 0),
        Some(Cursor::After {
            published,
            id,
            ties,
        }) => {
            let at = chrono::DateTime::from_timestamp(published, 0)
                .ok_or_else(|| ApiError::bad_request("The cursor is not from this API."))?;
            filter.published_to = Some(filter.published_to.map_or(at, |to| to.min(at)));
            (Some((published, id)), ties.min(MAX_TIES))
        }
        Some(Cursor::Offset(_)) => {
            return Err(ApiError::bad_request(
                "This cursor belongs to a search (with q): repeat that search to use it.",
            ));
        }
    };
    // The articles of that second already shown come first: ask for enough to step over them.
    let fetched = state
        .store
        .latest(&filter, limit + 1 + ties, state.now())
        .await?;
    let seconds = |a: &ArticleSummary| a.published_at.map_or(0, |t| t.timestamp());
    let mut page: Vec<ArticleSummary> = fetched
        .into_iter()
        .filter(|a| match after {
            Some((published, id)) => !(seconds(a) == published && a.id >= id),
            None => true,
        })
        .take(limit as usize + 1)
        .collect();
    let more = page.len() > limit as usize;
    page.truncate(limit as usize);
    let next = match page.last().filter(|_| more) {
        Some(last) => {
            let published = seconds(last);
            let in_page = page.iter().filter(|a| seconds(a) == published).count();
            let before = match after {
                Some((p, _)) if p == published => ties,
                _ => 0,
            };
            Some(Cursor::After {
                published,
                id: last.id,
                ties: before.saturating_add(u32::try_from(in_page).unwrap_or(u32::MAX)),
            })
        }
        None => None,
    };
    Ok((page, next))
}

/// A page of search results: each article with its marked headline and snippet, where the next
/// page starts, and how many match in all.
type Found = (Vec<(ArticleSummary, (String, String))>, Option<Cursor>, u64);

/// One page of a search.
async fn search_page(
    state: &SiteState,
    text: &str,
    filter: &ArticleFilter,
    order: SearchOrder,
    limit: u32,
    cursor: Option<Cursor>,
) -> ApiResult<Found> {
    let offset = match cursor {
        None => 0,
        Some(Cursor::Offset(offset)) if offset < MAX_SEARCH_OFFSET => offset,
        Some(Cursor::Offset(_)) => {
            return Err(ApiError::bad_request(format!(
                "Search results can be paged through up to the {MAX_SEARCH_OFFSET}th. Add words \
                 or filters to narrow the search."
            )));
        }
        Some(Cursor::After { .. }) => {
            return Err(ApiError::bad_request(
                "This cursor belongs to a list without q: repeat that request to use it.",
            ));
        }
    };
    let Some(index) = state.search.clone() else {
        return Err(ApiError::new(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "Full-text search is not available on this server (it keeps no search index).",
        ));
    };
    let now = state.now();
    if index.needs_rebuild() {
        // While the index is built, the database answers: every word, newest first, no snippets.
        let mut filter = filter.clone();
        filter.text = Some(text.to_owned());
        let page = state
            .store
            .published(
                &filter,
                gazette_store::PageRequest::new(offset / limit + 1, limit),
                now,
            )
            .await?;
        let next = (u64::from(offset) + u64::from(limit) < page.total)
            .then(|| Cursor::Offset(offset + limit));
        let found = page
            .items
            .into_iter()
            .map(|a| {
                let marks = (
                    gazette_core::text::escape_html(&a.headline),
                    gazette_core::text::escape_html(&a.standfirst),
                );
                (a, marks)
            })
            .collect();
        return Ok((found, next, page.total));
    }
    let query = SearchQuery {
        text: text.to_owned(),
        section_id: filter.section_id,
        author_id: filter.author_id,
        language: filter.language,
        from: filter.published_from,
        // The index's bound is exclusive; the API's, like the database's, inclusive.
        until: filter
            .published_to
            .map(|to| to + chrono::Duration::seconds(1)),
        order,
        offset: offset as usize,
        limit: limit as usize + 1,
    };
    let results = tokio::task::spawn_blocking(move || index.search(&query, now))
        .await
        .map_err(|e| ApiError::from(crate::error::AppError::Internal(format!("search: {e}"))))?
        .map_err(|e| ApiError::from(crate::error::AppError::Internal(format!("search: {e}"))))?;
    let more = results.hits.len() > limit as usize;
    let hits: Vec<_> = results.hits.into_iter().take(limit as usize).collect();
    let ids: Vec<i64> = hits.iter().map(|h| h.id).collect();
    // Loaded from the database, so an article taken down a moment ago is never shown.
    let mut by_id: HashMap<i64, ArticleSummary> = state
        .store
        .published_summaries_by_ids(&ids, now)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let found = hits
        .into_iter()
        .filter_map(|hit| {
            let a = by_id.remove(&hit.id)?;
            Some((a, (hit.headline_html, hit.snippet_html)))
        })
        .collect();
    Ok((
        found,
        more.then(|| Cursor::Offset(offset + limit)),
        results.total as u64,
    ))
}

/// The search's query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// The words to find.
    #[param(required = true)]
    q: Option<String>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Results per page.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    limit: Option<String>,
    /// A consumer's key (or send it in `X-Gazette-Key`).
    #[allow(dead_code)] // Read from the request by `Consumer`; here for the document.
    key: Option<String>,
}

/// Articles matching words, best match first, with the words marked.
#[utoipa::path(
    get,
    path = "/api/v1/search",
    operation_id = "search_articles",
    tag = "Content API",
    params(SearchParams, KeyHeader),
    responses(
        (status = 200, description = "A page of results", body = SearchResults),
        CommonAnswers,
        (status = 400, description = "No words, or a parameter is not valid", body = ErrorBody),
        (status = 503, description = "Search is not available here", body = ErrorBody),
    )
)]
pub async fn search(
    _consumer: Consumer,
    State(state): State<SiteState>,
    headers: HeaderMap,
    ApiQuery(p): ApiQuery<SearchParams>,
) -> ApiResult<Response> {
    let limit = params::limit(&p.limit)?;
    let cursor = Cursor::decode(&p.cursor)?;
    let text = search_text(&p.q);
    if text.is_empty() {
        return Err(ApiError::bad_request("Say what to search for: q=words."));
    }
    let site = site(&state).await?;
    let filter = ArticleFilter::default();
    let (found, next, total) = search_page(
        &state,
        &text,
        &filter,
        SearchOrder::Relevance,
        limit,
        cursor,
    )
    .await?;
    let results = SearchResults {
        total,
        items: found
            .into_iter()
            .map(|(a, (headline_html, snippet_html))| SearchResult {
                article: ArticleItem::new(&a, &site, None),
                headline_html,
                snippet_html,
            })
            .collect(),
        next_cursor: next.map(Cursor::encode),
    };
    Ok(json_response(&state, &headers, &results, None))
}

/// The `X-Gazette-Key` header, documented once for every operation.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Header)]
pub struct KeyHeader {
    /// A consumer's key, instead of `?key=`.
    #[serde(rename = "X-Gazette-Key")]
    #[param(rename = "X-Gazette-Key")]
    _key: Option<String>,
}

/// One article by its id.
#[utoipa::path(
    get,
    path = "/api/v1/articles/{id}",
    operation_id = "get_article",
    tag = "Content API",
    params(
        ("id" = i64, Path, description = "The article's id"),
        KeyParam,
        KeyHeader,
    ),
    responses(
        (status = 200, description = "The article", body = ArticleDetail),
        CommonAnswers,
        (status = 400, description = "The id is not a number", body = ErrorBody),
        (status = 404, description = "No published article has this id", body = ErrorBody),
        (status = 410, description = "The article was taken down", body = ErrorBody),
    )
)]
pub async fn by_id(
    _consumer: Consumer,
    State(state): State<SiteState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id: i64 = id.trim().parse().map_err(|_| {
        ApiError::bad_request(format!(
            "An article's id is a whole number, not {}.",
            quoted(&id)
        ))
    })?;
    let article = state
        .store
        .article(id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    visible(&state, &article)?;
    let corrections = state.store.corrections(id).await?;
    let featured = state.store.featured_media(&[id]).await?.remove(&id);
    detail(&state, &headers, &article, corrections, featured).await
}

/// `?key=`, documented for the operations whose query has nothing else.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct KeyParam {
    /// A consumer's key (or send it in `X-Gazette-Key`).
    #[allow(dead_code)] // Read from the request by `Consumer`; here for the document.
    key: Option<String>,
}

/// One article by its address on the site: `/{section}/{slug}`. An old slug still finds it.
#[utoipa::path(
    get,
    path = "/api/v1/sections/{section}/articles/{slug}",
    operation_id = "get_article_by_address",
    tag = "Content API",
    params(
        ("section" = String, Path, description = "The section's slug"),
        ("slug" = String, Path, description = "The article's slug"),
        KeyParam,
        KeyHeader,
    ),
    responses(
        (status = 200, description = "The article", body = ArticleDetail),
        CommonAnswers,
        (status = 400, description = "The address or query is not valid", body = ErrorBody),
        (status = 404, description = "No published article is at this address", body = ErrorBody),
        (status = 410, description = "The article was taken down", body = ErrorBody),
    )
)]
pub async fn by_section_and_slug(
    _consumer: Consumer,
    State(state): State<SiteState>,
    headers: HeaderMap,
    Path((section, slug)): Path<(String, String)>,
) -> ApiResult<Response> {
    let now = state.now();
    let mut page = state.store.article_page(&slug, 0, now).await?;
    if let ArticleLookup::Renamed { slug, .. } = &page.lookup {
        // A renamed article answers at its old address too, as the site's redirect would lead.
        page = state.store.article_page(slug.as_str(), 0, now).await?;
    }
    let ArticleLookup::Current(article) = page.lookup else {
        return Err(ApiError::not_found());
    };
    visible(&state, &article)?;
    if article.section.slug.as_str() != section {
        // Moved to another section: the site redirects; here the address still answers, with
        // the canonical one in `url`. A section it was never in finds nothing.
        let known = state.store.section_by_slug(&section).await?;
        if known.is_none() {
            return Err(ApiError::not_found());
        }
    }
    detail(&state, &headers, &article, page.corrections, page.featured).await
}

/// Readers see it now, or the API says what the site says: 404, or 410 for a takedown.
fn visible(state: &SiteState, article: &Article) -> ApiResult<()> {
    match article.reader_view(state.now()) {
        ReaderView::Visible => Ok(()),
        ReaderView::Removed => Err(ApiError::new(
            axum::http::StatusCode::GONE,
            "gone",
            "This article was taken down.",
        )),
        ReaderView::Hidden => Err(ApiError::not_found()),
    }
}

async fn detail(
    state: &SiteState,
    headers: &HeaderMap,
    article: &Article,
    corrections: Vec<gazette_core::newsroom::Correction>,
    featured: Option<gazette_store::Media>,
) -> ApiResult<Response> {
    let site = site(state).await?;
    let mut view = ArticleDetail::new(article, &site);
    view.featured_image = featured.as_ref().and_then(|m| Image::new(m, &site));
    view.corrections = corrections
        .into_iter()
        .map(|c| CorrectionNote {
            kind: c.kind.as_str().to_owned(),
            text: c.text,
            created_at: c.created_at,
        })
        .collect();
    if let Some(blog) = state.store.live_blog(article.id).await? {
        let entries = state
            .store
            .live_entries(article.id, EntryQuery::published(0, LIVE_ENTRIES))
            .await?;
        let total = state.store.published_entry_count(article.id).await?;
        view.live = Some(LiveCoverage {
            coverage: blog.coverage.as_str().to_owned(),
            started_at: blog.started_at,
            ended_at: blog.ended_at,
            entries_total: total,
            more_url: (total > u64::from(LIVE_ENTRIES)).then(|| view.url.clone()),
            entries: entries
                .into_iter()
                .map(|e| LiveEntryView {
                    id: e.id,
                    url: site.absolute(&crate::site::live::entry_url(article, e.id)),
                    headline: e.headline,
                    body_html: e.body_html,
                    body_markdown: e.body_markdown,
                    authors: e.authors.iter().map(|a| AuthorLink::of(a, &site)).collect(),
                    key_event: e.key_event,
                    pinned: e.pinned,
                    posted_at: e.posted_at,
                    edited_at: e.edited_at,
                })
                .collect(),
        });
    }
    let mut keys = SurrogateKeys::new();
    keys.add(article_key(article.id));
    keys.add(section_key(article.section.id));
    Ok(json_response(state, headers, &view, Some(keys)))
}
