//! A feed before it is written in a format: what RSS, Atom and JSON Feed all say.

use chrono::{DateTime, Utc};

/// One feed, before it is written in a format.
pub(crate) struct Feed {
    pub title: String,
    pub description: String,
    /// Absolute address of the page the feed follows.
    pub home_url: String,
    /// Absolute address of the feed itself.
    pub self_url: String,
    pub language: gazette_core::Language,
    pub updated: DateTime<Utc>,
    pub items: Vec<FeedItem>,
    pub site_name: String,
    pub logo_url: String,
    /// The WebSub hub told of each new article in this feed (`rel="hub"`), when there is one.
    pub hub_url: Option<String>,
}

pub(crate) struct FeedItem {
    pub url: String,
    pub title: String,
    pub summary: String,
    /// Sanitised body HTML, when feeds carry full content.
    pub content_html: Option<String>,
    pub published: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    pub authors: Vec<(String, String)>,
    pub categories: Vec<String>,
    pub language: gazette_core::Language,
}
