//! A live blog's page: what the article page adds for one (key events, the pinned entry, a page
//! of entries, the script's settings, the structured data's updates), and an entry's own address.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use gazette_core::live::{EntryStatus, LiveBlog, LiveEntry};
use gazette_core::{Article, ReaderView};
use gazette_store::live::EntryQuery;
use serde::Serialize;

use super::{EntryView, coverage_label, entry_url};
use crate::error::{AppError, AppResult};
use crate::presenters::{DateView, article_url};
use crate::state::SiteState;

/// Entries on one page of a blog; older ones are on further pages.
pub const ENTRIES_PER_PAGE: u32 = 20;
/// Most key events listed at the top.
const KEY_EVENTS_SHOWN: u32 = 30;
/// Latest entries in the structured data's `liveBlogUpdate`.
const UPDATES_IN_JSON_LD: usize = 10;

/// A key event in the list at the top of the blog.
#[derive(Debug, Clone, Serialize)]
pub struct KeyEventView {
    pub title: String,
    pub url: String,
    pub clock: String,
    pub iso: String,
}

/// What the article page shows of a live blog (`live` in the template).
#[derive(Debug, Clone, Serialize)]
pub struct LiveView {
    pub blog_id: i64,
    /// Coverage is live: the page follows the stream.
    pub is_live: bool,
    pub label: String,
    /// The change-log position the page reflects: the stream starts after it.
    pub seq: i64,
    pub script_url: String,
    pub started: DateView,
    pub ended: Option<DateView>,
    pub count: u64,
    pub key_events: Vec<KeyEventView>,
    pub pinned: Option<EntryView>,
    pub entries: Vec<EntryView>,
    /// The entry the reader's address names, which the page opens at.
    pub focus: Option<i64>,
    pub page: u32,
    pub pages: u32,
    pub newer_url: Option<String>,
    pub older_url: Option<String>,
}

/// A live blog's part of its page, and what its head and structured data need.
pub struct LivePage {
    pub view: LiveView,
    pub blog: LiveBlog,
    /// The latest entries, newest first, for `liveBlogUpdate`.
    pub updates: Vec<(EntryView, String, LiveEntry)>,
    /// When the latest entry was posted or edited: the page's modification time.
    pub latest: Option<DateTime<Utc>>,
}

impl LivePage {
    /// The live-blog part of `article`'s page `page`, or `None` when it is not a live blog. A page
    /// past the last is a 404.
    pub async fn load(
        state: &SiteState,
        article: &Article,
        page: u32,
        focus: Option<i64>,
    ) -> AppResult<Option<Self>> {
        let store = &state.store;
        let Some(blog) = store.live_blog(article.id).await? else {
            return Ok(None);
        };
        // Read before the entries: whatever is posted meanwhile comes again on the stream,
        // rather than not at all.
        let seq = store.latest_entry_seq(article.id).await?;
        let count = store.published_entry_count(article.id).await?;
        let pages = u32::try_from(count.div_ceil(u64::from(ENTRIES_PER_PAGE)))
            .unwrap_or(u32::MAX)
            .max(1);
        if page > pages {
            return Err(AppError::NotFound);
        }
        let offset = u64::from(page - 1) * u64::from(ENTRIES_PER_PAGE);
        let entries = store
            .live_entries(article.id, EntryQuery::published(offset, ENTRIES_PER_PAGE))
            .await?;
        let key_events = store
            .live_entries(
                article.id,
                EntryQuery {
                    key_events_only: true,
                    ..EntryQuery::published(0, KEY_EVENTS_SHOWN)
                },
            )
            .await?;
        let pinned = store
            .live_entries(
                article.id,
                EntryQuery {
                    pinned_only: true,
                    ..EntryQuery::published(0, 1)
                },
            )
            .await?
            .pop();
        let newest = if page == 1 {
            entries.clone()
        } else {
            store
                .live_entries(
                    article.id,
                    EntryQuery::published(0, UPDATES_IN_JSON_LD as u32),
                )
                .await?
        };
        let latest = newest
            .iter()
            .filter_map(|e| e.edited_at.max(e.posted_at))
            .max();
        let edition = state.config.editions.edition_of(article.language);
        let path = crate::presenters::SiteContext::load(state, edition, None)
            .await?
            .links
            .article_url(article.section.slug.as_str(), article.slug.as_str());
        let page_url = |n: u32| {
            if n == 1 {
                format!("{path}#live")
            } else {
                format!("{path}?page={n}#live")
            }
        };
        let view = LiveView {
            blog_id: article.id,
            is_live: blog.coverage == gazette_core::live::Coverage::Live,
            label: coverage_label(article.language, &blog),
            seq,
            script_url: state.theme.asset_url("live.js").to_owned(),
            started: DateView::new(blog.started_at, article.language),
            ended: blog.ended_at.map(|t| DateView::new(t, article.language)),
            count,
            key_events: key_events
                .iter()
                .map(|e| {
                    let view = EntryView::new(article, e);
                    KeyEventView {
                        title: view.title(e),
                        url: view.url,
                        clock: view.clock,
                        iso: view.date.iso,
                    }
                })
                .collect(),
            pinned: pinned.as_ref().map(|e| EntryView::new(article, e)),
            entries: entries.iter().map(|e| EntryView::new(article, e)).collect(),
            focus,
            page,
            pages,
            newer_url: (page > 1).then(|| page_url(page - 1)),
            older_url: (page < pages).then(|| page_url(page + 1)),
        };
        let updates = newest
            .into_iter()
            .take(UPDATES_IN_JSON_LD)
            .map(|e| {
                let view = EntryView::new(article, &e);
                let title = view.title(&e);
                (view, title, e)
            })
            .collect();
        Ok(Some(Self {
            view,
            blog,
            updates,
            latest,
        }))
    }
}

/// `/{section}/{slug}/entries/{id}`: the blog's page that holds the entry, opened at it and titled
/// after it, so that a shared link shows the entry. An entry that went is a 410 and one that
/// never was (or is not the blog's) a 404.
pub async fn entry(
    State(state): State<SiteState>,
    Path((section, slug, entry_id)): Path<(String, String, String)>,
) -> AppResult<Response> {
    let entry_id: i64 = entry_id.parse().map_err(|_| AppError::NotFound)?;
    let page = state
        .store
        .article_page(&slug, super::super::article::RELATED_COUNT, state.now())
        .await?;
    let article = match page.lookup {
        gazette_store::ArticleLookup::Current(article) => article,
        gazette_store::ArticleLookup::Renamed { section, slug } => {
            let path = format!("{}/entries/{entry_id}", article_url(&section, &slug));
            return Ok(Redirect::permanent(&path).into_response());
        }
        gazette_store::ArticleLookup::NotFound => return Err(AppError::NotFound),
    };
    match article.reader_view(state.now()) {
        ReaderView::Visible => {}
        ReaderView::Removed => return Err(AppError::Gone),
        ReaderView::Hidden => return Err(AppError::NotFound),
    }
    if article.section.slug.as_str() != section {
        return Ok(Redirect::permanent(&entry_url(&article, entry_id)).into_response());
    }
    let entry = state
        .store
        .live_entry(entry_id)
        .await?
        .filter(|e| e.article_id == article.id)
        .ok_or(AppError::NotFound)?;
    match entry.status {
        EntryStatus::Published => {}
        EntryStatus::Deleted => return Err(AppError::Gone),
        EntryStatus::Draft | EntryStatus::Pending => return Err(AppError::NotFound),
    }
    let newer = state.store.newer_entry_count(&entry).await?;
    let on_page = u32::try_from(newer / u64::from(ENTRIES_PER_PAGE) + 1).unwrap_or(u32::MAX);
    let featured = page
        .featured
        .as_ref()
        .and_then(crate::site::media::ImageView::new);
    let corrections = crate::site::corrections::notes(page.corrections, &article);
    super::super::article::render_article(
        &state,
        &article,
        &page.related,
        corrections,
        featured,
        super::super::article::Shown {
            page: on_page,
            entry: Some(entry),
        },
    )
    .await
}
