//! What feeds carry, the formats they come in, and the links pages give to them. Kept apart from
//! the handlers so that the state and the page presenters can name them without depending on
//! request handling.

use serde::Serialize;

/// How much of each article a feed carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FeedContent {
    /// The whole body: readers can read in their feed reader.
    #[default]
    Full,
    /// The standfirst only: readers come to the site to read on.
    Summary,
}

impl FeedContent {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "full" => Some(Self::Full),
            "summary" => Some(Self::Summary),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct FeedOptions {
    pub content: FeedContent,
    /// Articles in each feed, newest first.
    pub items: u32,
    /// Addresses per article sitemap file; the sitemaps protocol allows 50,000.
    pub sitemap_urls_per_file: u32,
}

impl Default for FeedOptions {
    fn default() -> Self {
        Self {
            content: FeedContent::Full,
            items: 30,
            sitemap_urls_per_file: 50_000,
        }
    }
}

/// The three formats, by the file name in their address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedFormat {
    Rss,
    Atom,
    Json,
}

impl FeedFormat {
    pub const ALL: [FeedFormat; 3] = [Self::Rss, Self::Atom, Self::Json];

    pub(crate) fn from_file(file: &str) -> Option<Self> {
        match file {
            "rss.xml" => Some(Self::Rss),
            "atom.xml" => Some(Self::Atom),
            "feed.json" => Some(Self::Json),
            _ => None,
        }
    }

    pub fn file(self) -> &'static str {
        match self {
            Self::Rss => "rss.xml",
            Self::Atom => "atom.xml",
            Self::Json => "feed.json",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Self::Rss => "application/rss+xml",
            Self::Atom => "application/atom+xml",
            Self::Json => "application/feed+json",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Rss => "RSS",
            Self::Atom => "Atom",
            Self::Json => "JSON Feed",
        }
    }
}

/// A `<link rel="alternate">` in a page head, so browsers and feed readers find the feeds.
#[derive(Debug, Clone, Serialize)]
pub struct FeedLink {
    pub title: String,
    pub url: String,
    pub mime: &'static str,
}

/// The feed links for a page: `path` is the feed folder (`/feeds` or `/feeds/sections/war`),
/// `title` what it follows.
pub fn feed_links(path: &str, title: &str) -> Vec<FeedLink> {
    FeedFormat::ALL
        .iter()
        .map(|f| FeedLink {
            title: format!("{title} ({})", f.label()),
            url: format!("{path}/{}", f.file()),
            mime: f.mime(),
        })
        .collect()
}
