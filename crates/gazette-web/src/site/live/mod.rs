//! Live coverage on the public site: a live blog's page (the article page with its entries), each
//! entry's own address, the push stream and its polling fallback, and the breaking-news banner.
//!
//! | address | what |
//! |---|---|
//! | `/{section}/{slug}` (`?page=N`) | the blog: summary, key events, pinned entry, entries newest first |
//! | `/{section}/{slug}/entries/{id}` | the page holding that entry, opened at it, with its own title for sharing |
//! | `/live/stream` (`?blog=ID&since=SEQ`) | Server-Sent Events: the banner, and the blog's entries |
//! | `/live/updates.json` (`?blog=ID&since=SEQ`) | the same as one JSON answer, for readers that cannot hold a stream |
//!
//! Entries reach a stream as `entry` events whose data is JSON: the entry's id, status
//! (`published` or `deleted`), marks, and its HTML as the page prints it (`partials/entry.html`),
//! rendered once per change for every reader. The event id is the change-log position, so a
//! browser that reconnects sends `Last-Event-ID` and is sent exactly what it missed.

pub mod page;
pub mod stream;

use std::sync::Arc;

use bytes::Bytes;
use gazette_core::live::{Breaking, EntryStatus, LiveBlog, LiveEntry};
use gazette_core::text::kyiv_clock;
use gazette_core::{Article, Language};
use gazette_node::LiveFormat;
use serde::Serialize;

use crate::Theme;
use crate::presenters::{BannerView, DateView, Link, article_url, author_url};

/// The address of an entry: the page that holds it, opened at it.
pub fn entry_url(article: &Article, entry_id: i64) -> String {
    format!(
        "{}/entries/{entry_id}",
        article_url(&article.section.slug, &article.slug)
    )
}

/// An entry as the theme prints it (`partials/entry.html`).
#[derive(Debug, Clone, Serialize)]
pub struct EntryView {
    pub id: i64,
    pub seq: i64,
    pub url: String,
    pub headline: Option<String>,
    pub body_html: String,
    pub authors: Vec<Link>,
    /// `14:05`, Kyiv time.
    pub clock: String,
    pub date: DateView,
    pub edited: Option<DateView>,
    pub pinned: bool,
    pub key_event: bool,
}

impl EntryView {
    pub fn new(article: &Article, entry: &LiveEntry) -> Self {
        let at = entry.posted_at.unwrap_or(entry.created_at);
        Self {
            id: entry.id,
            seq: entry.seq,
            url: entry_url(article, entry.id),
            headline: entry.headline.clone(),
            body_html: entry.body_html.clone(),
            authors: entry
                .authors
                .iter()
                .map(|a| Link {
                    name: a.name.clone(),
                    url: author_url(&a.slug),
                })
                .collect(),
            clock: kyiv_clock(at),
            date: DateView::new(at, article.language),
            edited: entry.edited_at.map(|t| DateView::new(t, article.language)),
            pinned: entry.pinned,
            key_event: entry.key_event,
        }
    }

    /// The title an entry is shared under: its headline, else the start of its text.
    pub fn title(&self, entry: &LiveEntry) -> String {
        match &self.headline {
            Some(h) => h.clone(),
            None => gazette_core::text::shorten(&plain_text(entry), 90),
        }
    }
}

/// An entry's text on one line, for titles, descriptions and feed summaries: read from its HTML,
/// rendered when it was saved.
pub fn plain_text(entry: &LiveEntry) -> String {
    gazette_core::text::html_to_text(&entry.body_html)
}

/// Writes stream events with the theme: the job in `gazette_node::live_push` calls it once per
/// change, for every reader of the blog.
pub struct ThemeLiveFormat {
    theme: Arc<Theme>,
}

impl ThemeLiveFormat {
    pub fn new(theme: Arc<Theme>) -> Self {
        Self { theme }
    }

    /// The entry's HTML, in its blog's language: rendered once for every reader, without a page
    /// around it to give the language.
    fn entry_html(&self, view: &EntryView, language: Language) -> String {
        self.theme
            .render(
                "partials/entry.html",
                minijinja::context! { entry => view, level => 3, lang => language },
            )
            .unwrap_or_else(|e| {
                tracing::error!(error = %e, "cannot render a live entry");
                String::new()
            })
    }
}

/// What a stream's `entry` event and a poll's `entries` carry for one entry.
#[derive(Serialize)]
pub struct EntryEvent {
    id: i64,
    status: EntryStatus,
    pinned: bool,
    key_event: bool,
    /// Seconds since the epoch of the time shown, which orders entries on the page.
    at: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    html: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    key_event_title: Option<String>,
    url: String,
    /// Its change-log position (also the stream event's id).
    seq: i64,
}

#[derive(Serialize)]
struct CoverageEvent {
    blog: i64,
    /// `live`, `ended`, or `none` when the article is no longer a live blog.
    coverage: &'static str,
}

/// One Server-Sent Event: an `id` (entries only), the `event` and a one-line `data` (JSON never
/// holds a raw newline).
///
/// Only entries carry an id, their change-log position: it is what a browser sends back as
/// `Last-Event-ID`, and entries are what a reconnecting reader must be sent again. The banner and
/// a blog's coverage are sent whole to every stream that opens, so they need none.
pub fn sse_event(seq: Option<i64>, event: &str, data: &str) -> Bytes {
    match seq {
        Some(seq) => Bytes::from(format!("id: {seq}\nevent: {event}\ndata: {data}\n\n")),
        None => Bytes::from(format!("event: {event}\ndata: {data}\n\n")),
    }
}

impl ThemeLiveFormat {
    /// The `entry` event for `entry` of `article`.
    pub fn entry_event(&self, article: &Article, entry: &LiveEntry) -> EntryEvent {
        let view = EntryView::new(article, entry);
        let shown = entry.status == EntryStatus::Published;
        EntryEvent {
            id: entry.id,
            status: entry.status,
            pinned: entry.pinned,
            key_event: entry.key_event,
            at: entry.posted_at.unwrap_or(entry.created_at).timestamp(),
            html: shown.then(|| self.entry_html(&view, article.language)),
            key_event_title: (shown && entry.key_event).then(|| view.title(entry)),
            url: view.url,
            seq: entry.seq,
        }
    }
}

impl LiveFormat for ThemeLiveFormat {
    fn entry(&self, article: &Article, entry: &LiveEntry) -> Bytes {
        let data = serde_json::to_string(&self.entry_event(article, entry))
            .unwrap_or_else(|_| "{}".into());
        sse_event(Some(entry.seq), "entry", &data)
    }

    fn coverage(&self, article_id: i64, blog: Option<&LiveBlog>) -> Bytes {
        let data = CoverageEvent {
            blog: article_id,
            coverage: blog.map_or("none", |b| b.coverage.as_str()),
        };
        sse_event(
            None,
            "coverage",
            &serde_json::to_string(&data).unwrap_or_else(|_| "{}".into()),
        )
    }

    fn breaking(&self, banner: Option<&Breaking>) -> Bytes {
        let data =
            serde_json::to_string(&banner.map(BannerView::new)).unwrap_or_else(|_| "null".into());
        sse_event(None, "breaking", &data)
    }
}

/// The words a live blog's header uses, in the article's language.
pub fn coverage_label(language: Language, blog: &LiveBlog) -> String {
    use gazette_core::live::Coverage;
    let locales = crate::locale::locales();
    match blog.coverage {
        Coverage::Live => locales.word(language, "live-coverage-live"),
        Coverage::Ended => locales.word(language, "live-coverage-ended"),
    }
}
