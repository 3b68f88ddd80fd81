//! The sitemap index and its files, the Google News sitemap and `robots.txt`.
//!
//! Articles are listed oldest first and cut into files of at most
//! [`FeedOptions::sitemap_urls_per_file`](super::FeedOptions) addresses, so a file's contents
//! only change when an article in it is updated or removed, and crawlers can skip the rest by
//! their `lastmod`.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{DateTime, Duration, SecondsFormat, Utc};

use super::conditional::conditional;
use super::xml::XmlWriter;
use crate::error::{AppError, AppResult};
use crate::presenters::SiteContext;
use crate::state::SiteState;
use gazette_store::PublishedLink;

const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const NEWS_NS: &str = "http://www.google.com/schemas/sitemap-news/0.9";
/// Alternate languages of a page in a sitemap (`<xhtml:link rel="alternate" hreflang>`).
const XHTML_NS: &str = "http://www.w3.org/1999/xhtml";
const XML: &str = "application/xml; charset=utf-8";
/// Google News reads articles from the last two days, at most 1,000 of them.
const NEWS_WINDOW_HOURS: i64 = 48;
const NEWS_MAX: u32 = 1000;

fn w3c(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// One address in a sitemap: `<url>` or, in the index, `<sitemap>`.
fn entry(xml: &mut XmlWriter, name: &str, loc: &str, lastmod: Option<DateTime<Utc>>) {
    xml.start(name, &[]);
    xml.element("loc", loc);
    if let Some(at) = lastmod {
        xml.element("lastmod", &w3c(at));
    }
    xml.end(name);
}

/// `/sitemap.xml`: the pages file, one file per 50,000 articles, and the news sitemap.
pub async fn sitemap_index(
    State(state): State<SiteState>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let now = state.now();
    let chunks = state
        .store
        .sitemap_chunks(state.feeds.sitemap_urls_per_file, now)
        .await?;
    let newest = chunks.iter().map(|c| c.lastmod).max();
    let base = &state.config.base_url;
    let mut xml = XmlWriter::new(512 + chunks.len() * 160);
    xml.start("sitemapindex", &[("xmlns", SITEMAP_NS)]);
    entry(
        &mut xml,
        "sitemap",
        &format!("{base}/sitemaps/pages.xml"),
        newest,
    );
    for (i, chunk) in chunks.iter().enumerate() {
        entry(
            &mut xml,
            "sitemap",
            &format!("{base}/sitemaps/articles/{}.xml", i + 1),
            Some(chunk.lastmod),
        );
    }
    entry(
        &mut xml,
        "sitemap",
        &format!("{base}/sitemaps/news.xml"),
        newest,
    );
    xml.end("sitemapindex");
    Ok(conditional(&headers, XML, xml.finish(), newest))
}

/// `/sitemaps/pages.xml`: the front page, sections, authors and static pages.
pub async fn sitemap_pages(
    State(state): State<SiteState>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let now = state.now();
    let site = SiteContext::load(&state, state.config.editions.default_language(), None).await?;
    let newest = state
        .store
        .sitemap_chunks(state.feeds.sitemap_urls_per_file, now)
        .await?
        .iter()
        .map(|c| c.lastmod)
        .max();
    let mut xml = XmlWriter::new(4096);
    xml.start("urlset", &[("xmlns", SITEMAP_NS)]);
    // Every edition's front page, sections and authors.
    let sections = state.store.sections().await?;
    let authors = state.store.authors().await?;
    for links in site.every.every() {
        entry(&mut xml, "url", &site.absolute(&links.home()), newest);
        for section in &sections {
            let loc = site.absolute(&links.section_url(section.slug.as_str()));
            entry(&mut xml, "url", &loc, None);
        }
        for author in &authors {
            let loc = site.absolute(&links.author_url(author.slug.as_str()));
            entry(&mut xml, "url", &loc, None);
        }
    }
    // Every edition's published pages, each at its edition's address.
    let editions = &state.config.editions;
    for &language in editions.all() {
        for page in state.store.published_pages(language).await? {
            let path = editions.path(language, &format!("/pages/{}", page.slug));
            entry(&mut xml, "url", &site.absolute(&path), None);
        }
    }
    xml.end("urlset");
    Ok(conditional(&headers, XML, xml.finish(), newest))
}

/// `/sitemaps/articles/{n}.xml`: the n-th file of article addresses.
pub async fn sitemap_articles(
    State(state): State<SiteState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let number: u64 = file
        .strip_suffix(".xml")
        .and_then(|n| n.parse().ok())
        .filter(|n| *n >= 1)
        .ok_or(AppError::NotFound)?;
    let per_file = state.feeds.sitemap_urls_per_file;
    let offset = (number - 1).saturating_mul(u64::from(per_file));
    let links = state
        .store
        .sitemap_links(offset, per_file, state.now())
        .await?;
    if links.is_empty() {
        return Err(AppError::NotFound);
    }
    let site = SiteContext::load(&state, state.config.editions.default_language(), None).await?;
    let base = &state.config.base_url;
    let alternates = article_alternates(&state, &site, &links).await?;
    let mut xml = XmlWriter::new(256 + links.len() * 160);
    xml.start(
        "urlset",
        &[("xmlns", SITEMAP_NS), ("xmlns:xhtml", XHTML_NS)],
    );
    for link in &links {
        let path = site
            .every
            .article_url(link.language, link.section.as_str(), link.slug.as_str());
        xml.start("url", &[]);
        xml.element("loc", &format!("{base}{path}"));
        xml.element("lastmod", &w3c(link.lastmod));
        for (hreflang, href) in alternates.get(&link.id).into_iter().flatten() {
            xml.empty(
                "xhtml:link",
                &[("rel", "alternate"), ("hreflang", hreflang), ("href", href)],
            );
        }
        xml.end("url");
    }
    xml.end("urlset");
    let newest = links.iter().map(|l| l.lastmod).max();
    Ok(conditional(&headers, XML, xml.finish(), newest))
}

/// For each article of `links` with translations readers can see: every version's language and
/// absolute address (itself included, the default edition's first as `x-default`), as the article
/// page's head lists them. Two queries for the whole file.
async fn article_alternates(
    state: &SiteState,
    site: &SiteContext,
    links: &[PublishedLink],
) -> AppResult<std::collections::HashMap<i64, Vec<(String, String)>>> {
    let editions = &state.config.editions;
    let ids: Vec<i64> = links.iter().map(|l| l.id).collect();
    let groups = state.store.translation_summaries(&ids).await?;
    // Versions outside this file: their addresses, if readers can see them.
    let in_file: std::collections::HashMap<i64, &PublishedLink> =
        links.iter().map(|l| (l.id, l)).collect();
    let elsewhere: Vec<i64> = groups
        .values()
        .flatten()
        .map(|m| m.article_id)
        .filter(|id| !in_file.contains_key(id))
        .collect();
    let outside = state
        .store
        .published_summaries_by_ids(&elsewhere, state.now())
        .await?;
    let address = |id: i64| -> Option<(gazette_core::Language, String)> {
        if let Some(link) = in_file.get(&id) {
            let path =
                site.every
                    .article_url(link.language, link.section.as_str(), link.slug.as_str());
            return Some((link.language, site.absolute(&path)));
        }
        outside.iter().find(|s| s.id == id).map(|s| {
            let path = site
                .every
                .article_url(s.language, s.section.slug.as_str(), s.slug.as_str());
            (s.language, site.absolute(&path))
        })
    };
    let mut out = std::collections::HashMap::new();
    for (id, members) in groups {
        let mut versions: Vec<(gazette_core::Language, bool, String)> = members
            .iter()
            .filter(|m| editions.contains(m.language))
            .filter_map(|m| address(m.article_id).map(|(l, url)| (l, m.is_original, url)))
            .collect();
        if versions.len() < 2 {
            continue;
        }
        crate::site::edition::sort_versions(editions, &mut versions);
        let mut listed: Vec<(String, String)> = versions
            .iter()
            .map(|(l, _, url)| (l.code().to_owned(), url.clone()))
            .collect();
        listed.push(("x-default".to_owned(), versions[0].2.clone()));
        out.insert(id, listed);
    }
    Ok(out)
}

/// `/sitemaps/news.xml`: articles from the last 48 hours, for Google News.
pub async fn news_sitemap(
    State(state): State<SiteState>,
    edition: crate::site::Edition,
    headers: HeaderMap,
) -> AppResult<Response> {
    let now = state.now();
    let site = SiteContext::load(&state, edition.language(), None).await?;
    let since = now - Duration::hours(NEWS_WINDOW_HOURS);
    let mut links = state.store.recent_links(since, now, NEWS_MAX).await?;
    links.extend(live_blog_links(&state, since, &links).await?);
    // Each edition's news sitemap lists its own language's articles.
    links.retain(|l| state.config.editions.edition_of(l.language) == edition.language());
    let out = news_sitemap_xml(&site.name, &site.base_url, &site.links, &links);
    let newest = links.iter().map(|l| l.lastmod).max();
    Ok(conditional(&headers, XML, out, newest))
}

/// Live blogs that are news although published before the window: coverage still live, or an
/// entry posted within it. Each is listed as modified when its latest entry was posted.
async fn live_blog_links(
    state: &SiteState,
    since: chrono::DateTime<chrono::Utc>,
    listed: &[PublishedLink],
) -> AppResult<Vec<PublishedLink>> {
    let mut links = Vec::new();
    for id in state.store.recent_live_blogs(since).await? {
        if listed.iter().any(|l| l.id == id) {
            continue;
        }
        let Some(article) = state.store.article(id).await? else {
            continue;
        };
        if article.reader_view(state.now()) != gazette_core::ReaderView::Visible {
            continue;
        }
        let Some(published_at) = article.published_at else {
            continue;
        };
        let latest = state
            .store
            .live_entries(id, gazette_store::live::EntryQuery::published(0, 1))
            .await?
            .first()
            .and_then(|e| e.edited_at.max(e.posted_at));
        links.push(PublishedLink {
            id,
            section: article.section.slug.clone(),
            slug: article.slug.clone(),
            headline: article.headline.clone(),
            language: article.language,
            published_at,
            lastmod: latest.unwrap_or(published_at).max(published_at),
        });
        if links.len() >= 50 {
            break;
        }
    }
    Ok(links)
}

/// The news sitemap's text, apart from its handler so that it can be tested on any headline.
pub(super) fn news_sitemap_xml(
    site_name: &str,
    base_url: &str,
    edition: &crate::links::EditionLinks,
    links: &[PublishedLink],
) -> String {
    let mut xml = XmlWriter::new(512 + links.len() * 400);
    xml.start("urlset", &[("xmlns", SITEMAP_NS), ("xmlns:news", NEWS_NS)]);
    for link in links {
        xml.start("url", &[]);
        let loc = format!(
            "{base_url}{}",
            edition.article_url(link.section.as_str(), link.slug.as_str())
        );
        xml.element("loc", &loc);
        xml.element("lastmod", &w3c(link.lastmod));
        xml.start("news:news", &[]);
        xml.start("news:publication", &[]);
        xml.element("news:name", site_name);
        xml.element("news:language", link.language.code());
        xml.end("news:publication");
        xml.element("news:publication_date", &w3c(link.published_at));
        xml.element("news:title", &link.headline);
        xml.end("news:news");
        xml.end("url");
    }
    xml.end("urlset");
    xml.finish()
}

/// `/robots.txt`: everything public may be crawled except search results and the newsroom; the
/// sitemaps say where the articles are.
pub async fn robots(State(state): State<SiteState>, headers: HeaderMap) -> Response {
    let base = &state.config.base_url;
    let body = format!(
        "User-agent: *\n\
         Disallow: /newsroom/\n\
         Disallow: /search\n\
         Disallow: /views/\n\
         Disallow: /live/\n\
         \n\
         Sitemap: {base}/sitemap.xml\n\
         Sitemap: {base}/sitemaps/news.xml\n"
    );
    conditional(&headers, "text/plain; charset=utf-8", body, None)
}
