//! `/search`: the archive searched through this node's tantivy index, with filters (section,
//! author, language, dates), two orders (best match, newest) and highlighted snippets.
//!
//! Every hit is loaded from the database before it is shown, so an article unpublished a moment
//! ago never appears even if the index has not caught up yet. While the index is being built (the
//! first start, or after an upgrade) the page falls back to a plain database search.

use axum::extract::{Query, State};
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use gazette_core::{ArticleSummary, Language};
use gazette_search::{SearchOrder, SearchQuery};
use gazette_store::{ArticleFilter, PageRequest};
use serde::{Deserialize, Serialize};

use super::edition::AllLinks;
use super::{Edition, PageParam, render};
use crate::error::{AppError, AppResult};
use crate::presenters::{Card, Link, Pagination, SiteContext};
use crate::state::SiteState;

/// Longest search query used; longer text is cut, not refused.
const MAX_QUERY_CHARS: usize = 200;
/// Results can be paged through this far; past it, the reader should narrow the search.
const MAX_RESULTS: usize = 10_000;

#[derive(Debug, Deserialize)]
pub struct SearchParams {
    q: Option<String>,
    section: Option<String>,
    author: Option<String>,
    lang: Option<String>,
    from: Option<String>,
    to: Option<String>,
    sort: Option<String>,
    #[serde(flatten)]
    page: PageParam,
}

/// The filters as the form shows them, echoed back so the reader sees what was applied.
#[derive(Debug, Default, Serialize)]
struct Filters {
    section: String,
    author: String,
    lang: String,
    from: String,
    to: String,
    sort: String,
    /// True when anything besides the words narrows the search.
    active: bool,
}

#[derive(Debug, Serialize)]
struct Choice {
    value: String,
    name: String,
}

#[derive(Debug, Serialize)]
struct ResultView {
    #[serde(flatten)]
    card: Card,
    /// The headline with matched words in `<mark>`, everything else escaped.
    headline_html: String,
    /// A passage of the text around the words found, marked and escaped like the headline.
    snippet_html: String,
}

/// One page of results and what the page says about them.
#[derive(Default)]
struct Found {
    results: Vec<ResultView>,
    /// Matches in all pages, counted up to the index's count limit.
    total: usize,
    /// True when more than `total` match.
    more: bool,
    /// True when another page follows even though `total` does not show it.
    has_next: bool,
    /// True when best match was asked for but the results are newest first: the database answered
    /// while the index is being built.
    date_order: bool,
}

fn bad_request(message: String) -> AppError {
    AppError::BadRequest(message)
}

/// What the reader sent, for a refusal to quote: its first 40 characters as `$value`.
fn sent(raw: &str) -> fluent_bundle::FluentArgs<'static> {
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("value", raw.chars().take(40).collect::<String>());
    args
}

fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// A date as the form's date fields send it (`2025-03-31`).
fn parse_date(raw: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .filter(|d| (1900..=9999).contains(&chrono::Datelike::year(d)))
}

fn start_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

pub async fn search(
    State(state): State<SiteState>,
    edition: Edition,
    Query(params): Query<SearchParams>,
) -> AppResult<Response> {
    let page = params.page.number()?;
    let site = SiteContext::load(&state, edition.language(), None).await?;
    let locales = crate::locale::locales();
    let language = site.language;
    let links = site.links.clone();
    let text: String = params
        .q
        .as_deref()
        .unwrap_or_default()
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_QUERY_CHARS)
        .collect();

    let mut filters = Filters::default();
    let mut query = SearchQuery {
        text: text.clone(),
        limit: state.config.per_page as usize,
        ..Default::default()
    };
    let sections = state.store.sections().await?;
    if let Some(slug) = non_empty(&params.section) {
        let section = sections
            .iter()
            .find(|s| s.slug.as_str() == slug)
            .ok_or_else(|| {
                bad_request(locales.text(language, "search-bad-section", Some(&sent(slug))))
            })?;
        query.section_id = Some(section.id);
        filters.section = section.slug.to_string();
    }
    if let Some(slug) = non_empty(&params.author) {
        let author = state.store.author_by_slug(slug).await?.ok_or_else(|| {
            bad_request(locales.text(language, "search-bad-author", Some(&sent(slug))))
        })?;
        query.author_id = Some(author.id);
        filters.author = author.slug.to_string();
    }
    // An edition searches its own language unless the reader picks another.
    query.language = Some(edition.language());
    if let Some(code) = non_empty(&params.lang) {
        let chosen = Language::parse(code)
            .ok()
            .filter(|l| state.config.editions.contains(*l))
            .ok_or_else(|| {
                bad_request(locales.text(language, "search-bad-language", Some(&sent(code))))
            })?;
        query.language = Some(chosen);
        filters.lang = chosen.code().to_owned();
    }
    let from = non_empty(&params.from)
        .map(|d| {
            parse_date(d).ok_or_else(|| {
                bad_request(locales.text(language, "search-bad-start-date", Some(&sent(d))))
            })
        })
        .transpose()?;
    let to = non_empty(&params.to)
        .map(|d| {
            parse_date(d).ok_or_else(|| {
                bad_request(locales.text(language, "search-bad-end-date", Some(&sent(d))))
            })
        })
        .transpose()?;
    if from.zip(to).is_some_and(|(from, to)| from > to) {
        return Err(bad_request(locales.word(language, "search-dates-swapped")));
    }
    if let Some(from) = from {
        query.from = Some(start_of(from));
        filters.from = from.to_string();
    }
    if let Some(to) = to {
        // The end date is inclusive: everything published that day counts.
        query.until = to.succ_opt().map(start_of);
        filters.to = to.to_string();
    }
    query.order = match non_empty(&params.sort) {
        None | Some("relevance") => SearchOrder::Relevance,
        Some("newest") => {
            filters.sort = "newest".into();
            SearchOrder::Newest
        }
        Some(other) => {
            return Err(bad_request(locales.text(
                language,
                "search-bad-sort",
                Some(&sent(other)),
            )));
        }
    };
    filters.active = query.section_id.is_some()
        || query.author_id.is_some()
        || query.language != Some(edition.language())
        || from.is_some()
        || to.is_some();

    let per_page = state.config.per_page as usize;
    let offset = (page as usize - 1).saturating_mul(per_page);
    if offset >= MAX_RESULTS {
        let mut args = fluent_bundle::FluentArgs::new();
        args.set("page", MAX_RESULTS / per_page.max(1));
        return Err(bad_request(locales.text(
            language,
            "search-too-deep",
            Some(&args),
        )));
    }
    query.offset = offset;

    let Found {
        results,
        total,
        more,
        has_next,
        date_order,
    } = if text.is_empty() {
        Found::default()
    } else {
        run_search(&state, query, &site.every).await?
    };
    if page > 1 && results.is_empty() {
        return Err(AppError::NotFound);
    }

    let extra_query = filter_query(&text, &filters);
    let mut total_pages = u32::try_from(total.min(MAX_RESULTS).div_ceil(per_page.max(1)))
        .unwrap_or(u32::MAX)
        .max(1);
    if more {
        // Past the counted results: offer the next page while there is one.
        let last = u32::try_from(MAX_RESULTS / per_page.max(1)).unwrap_or(u32::MAX);
        let known = if has_next {
            page.saturating_add(1)
        } else {
            page
        };
        total_pages = total_pages.max(known.min(last));
    }
    let search_path = links.path("/search");
    let pagination = Pagination::new(&search_path, &extra_query, page, total_pages);
    let title = if text.is_empty() {
        locales.word(language, "search-title")
    } else {
        let mut args = fluent_bundle::FluentArgs::new();
        args.set("query", text.as_str());
        let title = locales.text(language, "search-title-query", Some(&args));
        if page > 1 {
            let mut args = fluent_bundle::FluentArgs::new();
            args.set("title", title);
            args.set("page", page);
            locales.text(language, "list-page-n", Some(&args))
        } else {
            title
        }
    };
    let canonical = if page > 1 {
        format!("{search_path}?{extra_query}page={page}")
    } else if extra_query.is_empty() {
        search_path.clone()
    } else {
        format!("{search_path}?{}", extra_query.trim_end_matches('&'))
    };
    let mut meta = site.meta(
        &title,
        &locales.word(language, "search-description"),
        &canonical,
        true,
    );
    meta.prev_url = pagination.prev_url.as_ref().map(|u| site.absolute(u));
    meta.next_url = pagination.next_url.as_ref().map(|u| site.absolute(u));

    let section_options: Vec<Choice> = sections
        .iter()
        .map(|s| Choice {
            value: s.slug.to_string(),
            name: links.section_name(s.slug.as_str(), &s.name),
        })
        .collect();
    let author_options: Vec<Choice> = state
        .store
        .authors()
        .await?
        .into_iter()
        .map(|a| Choice {
            value: a.slug.to_string(),
            name: a.name,
        })
        .collect();
    let language_options: Vec<Choice> = state
        .config
        .editions
        .all()
        .iter()
        .map(|l| Choice {
            value: l.code().to_owned(),
            name: language_name(*l),
        })
        .collect();
    let unfiltered_url = if text.is_empty() {
        search_path.clone()
    } else {
        format!("{search_path}?q={}", gazette_core::text::url_encode(&text))
    };
    let breadcrumb = vec![
        Link {
            name: locales.word(language, "breadcrumb-home"),
            url: site.home_url.clone(),
        },
        Link {
            name: locales.word(language, "search-title"),
            url: search_path.clone(),
        },
    ];

    render(
        &state,
        "search.html",
        minijinja::context! {
            site,
            meta,
            jsonld => Vec::<String>::new(),
            breadcrumb,
            query => text,
            filters,
            section_options,
            author_options,
            language_options,
            unfiltered_url,
            total,
            more,
            total_label => locales.number(language, i64::try_from(total).unwrap_or(i64::MAX)),
            results,
            date_order,
            pagination,
        },
        crate::cache::SurrogateKeys::new(),
    )
}

fn language_name(language: Language) -> String {
    crate::locale::locales().language_name(language)
}

/// The query string every result page link keeps, ending in `&` when not empty.
fn filter_query(text: &str, f: &Filters) -> String {
    let mut out = String::new();
    for (name, value) in [
        ("q", text),
        ("section", f.section.as_str()),
        ("author", f.author.as_str()),
        ("lang", f.lang.as_str()),
        ("from", f.from.as_str()),
        ("to", f.to.as_str()),
        ("sort", f.sort.as_str()),
    ] {
        if !value.is_empty() {
            out.push_str(name);
            out.push('=');
            out.push_str(&gazette_core::text::url_encode(value));
            out.push('&');
        }
    }
    out
}

/// Asks the index, or the database while there is no usable index.
async fn run_search(state: &SiteState, query: SearchQuery, links: &AllLinks) -> AppResult<Found> {
    let now = state.now();
    let Some(index) = state.search.clone().filter(|i| !i.needs_rebuild()) else {
        return database_search(state, &query, links).await;
    };
    let (mut hits, total, more) = {
        // One more than the page, to know whether a next page exists past the count limit.
        let asked = SearchQuery {
            limit: query.limit + 1,
            ..query.clone()
        };
        let results = tokio::task::spawn_blocking(move || index.search(&asked, now))
            .await
            .map_err(|e| AppError::Internal(format!("search task: {e}")))?;
        match results {
            Ok(r) => (r.hits, r.total, r.more),
            Err(e) => {
                tracing::error!(error = %e, "search index failed; answering from the database");
                return database_search(state, &query, links).await;
            }
        }
    };
    let has_next = hits.len() > query.limit;
    hits.truncate(query.limit);
    let ids: Vec<i64> = hits.iter().map(|h| h.id).collect();
    let summaries = state.store.published_summaries_by_ids(&ids, now).await?;
    let mut by_id: std::collections::HashMap<i64, ArticleSummary> =
        summaries.into_iter().map(|s| (s.id, s)).collect();
    let results = hits
        .into_iter()
        .filter_map(|hit| {
            let summary = by_id.remove(&hit.id)?;
            Some(ResultView {
                card: Card::from_summary(&summary, links.of(summary.language)),
                headline_html: hit.headline_html,
                snippet_html: hit.snippet_html,
            })
        })
        .collect();
    Ok(Found {
        results,
        total,
        more,
        has_next,
        date_order: false,
    })
}

/// Every word in the headline, standfirst or body, with the same filters, newest first: slower
/// and plainer than the index (no ranking, no stemming, no snippets), but right, for the minutes
/// while the index is built.
async fn database_search(
    state: &SiteState,
    query: &SearchQuery,
    links: &AllLinks,
) -> AppResult<Found> {
    let filter = ArticleFilter {
        section_id: query.section_id,
        author_id: query.author_id,
        language: query.language,
        text: Some(query.text.clone()),
        published_from: query.from,
        // The index's bound is exclusive, the database's inclusive; times are whole seconds.
        published_to: query
            .until
            .map(|until| until - chrono::Duration::seconds(1)),
        ..Default::default()
    };
    let per_page = u32::try_from(query.limit).unwrap_or(12).max(1);
    let page = u32::try_from(query.offset / query.limit.max(1) + 1).unwrap_or(1);
    let found = state
        .store
        .published(&filter, PageRequest::new(page, per_page), state.now())
        .await?;
    let results = found
        .items
        .iter()
        .map(|summary| {
            let card = Card::from_summary(summary, links.of(summary.language));
            ResultView {
                headline_html: gazette_core::text::escape_html(&card.headline),
                snippet_html: gazette_core::text::escape_html(&card.standfirst),
                card,
            }
        })
        .collect();
    Ok(Found {
        results,
        total: usize::try_from(found.total).unwrap_or(usize::MAX),
        more: false,
        has_next: false,
        date_order: query.order == SearchOrder::Relevance,
    })
}
