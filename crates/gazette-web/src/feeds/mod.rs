//! What machines read: RSS 2.0, Atom and JSON Feed 1.1 for the site and for each section, tag
//! and author; the sitemap index, its article files and the Google News sitemap; `robots.txt`.
//!
//! Every answer carries an `ETag` (a hash of the bytes) and a `Last-Modified` (the newest real
//! update among what it lists), and a reader or crawler that already has the same answer gets
//! `304 Not Modified` with no body.
//!
//! Addresses:
//!
//! | address | what |
//! |---|---|
//! | `/feeds/rss.xml`, `/feeds/atom.xml`, `/feeds/feed.json` | the whole site |
//! | `/feeds/{sections,tags,authors}/{slug}/{rss.xml,atom.xml,feed.json}` | one section, tag or author |
//! | `/feeds/live/{slug}/{rss.xml,atom.xml,feed.json}` | a live blog's entries |
//! | `/sitemap.xml` | sitemap index |
//! | `/sitemaps/pages.xml`, `/sitemaps/articles/{n}.xml`, `/sitemaps/news.xml` | its files |
//! | `/robots.txt` | points crawlers at the sitemaps |

mod conditional;
mod formats;
mod live;
mod model;
pub mod options;
#[cfg(test)]
mod properties;
mod sitemaps;
pub mod xml;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;

use chrono::DateTime;
use gazette_store::ArticleFilter;

pub(crate) use model::{Feed, FeedItem};
pub use options::{FeedContent, FeedFormat, FeedLink, FeedOptions, feed_links};
pub use sitemaps::{news_sitemap, robots, sitemap_articles, sitemap_index, sitemap_pages};

use crate::error::{AppError, AppResult};
use crate::presenters::SiteContext;
use crate::site::Edition;
use crate::state::SiteState;

/// `/feeds/{file}`: the whole site.
pub async fn site_feed(
    State(state): State<SiteState>,
    edition: Edition,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let format = FeedFormat::from_file(&file).ok_or(AppError::NotFound)?;
    let language = edition.language();
    let site = SiteContext::load(&state, language, None).await?;
    let description = if site.description.is_empty() {
        site.tagline.clone()
    } else {
        site.description.clone()
    };
    let feed = build_feed(
        &state,
        &site,
        site.name.clone(),
        description,
        &site.home_url,
        &site.links.path("/feeds"),
        format,
        &ArticleFilter {
            language: Some(language),
            ..Default::default()
        },
    )
    .await?;
    Ok(formats::respond(&feed, format, &headers))
}

/// `/feeds/{kind}/{slug}/{file}`: one section, tag or author.
pub async fn list_feed(
    State(state): State<SiteState>,
    edition: Edition,
    Path((kind, slug, file)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let format = FeedFormat::from_file(&file).ok_or(AppError::NotFound)?;
    if kind == "live" {
        return live::live_feed(&state, &slug, format, &headers).await;
    }
    let language = edition.language();
    let site = SiteContext::load(&state, language, None).await?;
    let links = site.links.clone();
    let store = &state.store;
    let (title, description, page, filter) = match kind.as_str() {
        "sections" => {
            let s = store
                .section_by_slug(links.own_section_slug(&slug))
                .await?
                .ok_or(AppError::NotFound)?;
            let filter = ArticleFilter {
                section_id: Some(s.id),
                language: Some(language),
                ..Default::default()
            };
            let own = s.slug.as_str();
            (
                links.section_name(own, &s.name),
                links.section_description(own, &s.description),
                links.section_url(own),
                filter,
            )
        }
        "tags" => {
            let t = store
                .tag_by_slug(links.own_tag_slug(&slug))
                .await?
                .ok_or(AppError::NotFound)?;
            let filter = ArticleFilter {
                tag_id: Some(t.id),
                language: Some(language),
                ..Default::default()
            };
            let name = links.tag_name(t.slug.as_str(), &t.name);
            let mut args = fluent_bundle::FluentArgs::new();
            args.set("tag", name.as_str());
            let description =
                crate::locale::locales().text(language, "list-tag-description", Some(&args));
            (name, description, links.tag_url(t.slug.as_str()), filter)
        }
        "authors" => {
            let a = store
                .author_by_slug(&slug)
                .await?
                .ok_or(AppError::NotFound)?;
            let filter = ArticleFilter {
                author_id: Some(a.id),
                language: Some(language),
                ..Default::default()
            };
            let mut args = fluent_bundle::FluentArgs::new();
            args.set("name", a.name.as_str());
            let description =
                crate::locale::locales().text(language, "list-author-description", Some(&args));
            let url = links.author_url(a.slug.as_str());
            (a.name, description, url, filter)
        }
        _ => return Err(AppError::NotFound),
    };
    let feed = build_feed(
        &state,
        &site,
        format!("{title} | {}", site.name),
        description,
        &page,
        &links.path(&format!("/feeds/{kind}/{slug}")),
        format,
        &filter,
    )
    .await?;
    Ok(formats::respond(&feed, format, &headers))
}

#[allow(clippy::too_many_arguments)]
async fn build_feed(
    state: &SiteState,
    site: &SiteContext,
    title: String,
    description: String,
    page_path: &str,
    feed_path: &str,
    format: FeedFormat,
    filter: &ArticleFilter,
) -> AppResult<Feed> {
    let now = state.now();
    let articles = state
        .store
        .published_articles(filter, state.feeds.items, now)
        .await?;
    let full = state.feeds.content == FeedContent::Full;
    let items: Vec<FeedItem> = articles
        .iter()
        .map(|a| {
            let published = a.published_at.unwrap_or(a.created_at);
            let mut categories = vec![a.section.name.clone()];
            categories.extend(a.tags.iter().map(|t| t.name.clone()));
            FeedItem {
                url: site.absolute(&site.every.article_url(
                    a.language,
                    a.section.slug.as_str(),
                    a.slug.as_str(),
                )),
                title: a.headline.clone(),
                summary: a.standfirst.clone(),
                content_html: full.then(|| a.body_html.clone()),
                published,
                updated: a.updated_at.map_or(published, |u| u.max(published)),
                authors: a
                    .authors
                    .iter()
                    .map(|au| {
                        let url = site.links.author_url(au.slug.as_str());
                        (au.name.clone(), site.absolute(&url))
                    })
                    .collect(),
                categories,
                language: a.language,
            }
        })
        .collect();
    // An empty feed has not changed since the epoch as far as anyone can tell.
    let updated = items
        .iter()
        .map(|i| i.updated)
        .max()
        .unwrap_or(DateTime::UNIX_EPOCH);
    Ok(Feed {
        title,
        description,
        home_url: site.absolute(page_path),
        self_url: site.absolute(&format!("{feed_path}/{}", format.file())),
        language: site.language,
        updated,
        items,
        site_name: site.name.clone(),
        logo_url: site.absolute(&site.favicon_url),
        // Only the feeds the outbox pings the hub about (the site's and sections'): a subscriber
        // to any other through the hub would wait for news that never comes.
        hub_url: (feed_path == site.links.path("/feeds")
            || feed_path.starts_with(&site.links.path("/feeds/sections/")))
        .then(|| state.config.distribution.websub_hub.clone())
        .flatten(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_links_name_every_format() {
        let links = feed_links("/feeds/sections/war", "War");
        assert_eq!(links.len(), 3);
        assert_eq!(links[0].url, "/feeds/sections/war/rss.xml");
        assert_eq!(links[2].mime, "application/feed+json");
    }
}
