//! A live blog's entries as a feed (`/feeds/live/{slug}/{rss.xml,atom.xml,feed.json}`): one item
//! per published entry, newest first, each linking to the entry's own address.

use axum::http::HeaderMap;
use axum::response::Response;
use chrono::DateTime;
use gazette_core::ReaderView;
use gazette_store::ArticleLookup;
use gazette_store::live::EntryQuery;

use super::formats::respond;
use super::model::{Feed, FeedItem};
use super::options::FeedFormat;
use crate::error::{AppError, AppResult};
use crate::presenters::SiteContext;
use crate::site::live::{EntryView, plain_text};
use crate::state::SiteState;

/// Entries a live blog's feed carries.
const FEED_ENTRIES: u32 = 50;

pub(super) async fn live_feed(
    state: &SiteState,
    slug: &str,
    format: FeedFormat,
    headers: &HeaderMap,
) -> AppResult<Response> {
    let store = &state.store;
    let article = match store.article_page(slug, 0, state.now()).await?.lookup {
        ArticleLookup::Current(article) => article,
        _ => return Err(AppError::NotFound),
    };
    if article.reader_view(state.now()) != ReaderView::Visible {
        return Err(AppError::NotFound);
    }
    if store.live_blog(article.id).await?.is_none() {
        return Err(AppError::NotFound);
    }
    let site = SiteContext::load(
        state,
        state.config.editions.edition_of(article.language),
        None,
    )
    .await?;
    let entries = store
        .live_entries(article.id, EntryQuery::published(0, FEED_ENTRIES))
        .await?;
    let items: Vec<FeedItem> = entries
        .iter()
        .map(|e| {
            let view = EntryView::new(&article, e);
            let published = e.posted_at.unwrap_or(e.created_at);
            FeedItem {
                url: site.absolute(&view.url),
                title: view.title(e),
                summary: plain_text(e),
                content_html: Some(e.body_html.clone()),
                published,
                updated: e.edited_at.map_or(published, |t| t.max(published)),
                authors: e
                    .authors
                    .iter()
                    .map(|a| {
                        let url = site.links.author_url(a.slug.as_str());
                        (a.name.clone(), site.absolute(&url))
                    })
                    .collect(),
                categories: vec![article.section.name.clone()],
                language: article.language,
            }
        })
        .collect();
    let updated = items
        .iter()
        .map(|i| i.updated)
        .max()
        .or(article.published_at)
        .unwrap_or(DateTime::UNIX_EPOCH);
    let feed = Feed {
        title: format!("{} | {}", article.headline, site.name),
        description: article.standfirst.clone(),
        home_url: site.absolute(
            &site
                .links
                .article_url(article.section.slug.as_str(), article.slug.as_str()),
        ),
        self_url: site.absolute(&format!("/feeds/live/{}/{}", article.slug, format.file())),
        language: site.language,
        updated,
        items,
        site_name: site.name.clone(),
        logo_url: site.absolute(&site.favicon_url),
        // Live feeds are not pinged, so they name no hub.
        hub_url: None,
    };
    Ok(respond(&feed, format, headers))
}
