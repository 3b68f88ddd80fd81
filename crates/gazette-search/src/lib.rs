//! Gazette's full-text search: a tantivy index of the published articles, kept in the data folder
//! of each node and derived entirely from the database.
//!
//! - [`analysis`] turns English, Ukrainian and Russian text into terms (case folding, apostrophes,
//!   stemming);
//! - [`synonyms`] expands a query with the editors' list of equivalent spellings;
//! - `document` is what the index holds of an article;
//! - [`SearchIndex`] opens the index (rebuilding it when it is missing or from an older schema) and
//!   applies change-log entries to it (`index`), answers queries (`query`) and builds the results'
//!   highlighted headlines and snippets (`snippet`).
//!
//! The index never decides what readers may see on its own: it holds only published articles, and
//! the web layer loads every hit from the database, which leaves out anything unpublished since.

pub mod analysis;
mod document;
mod index;
mod query;
mod snippet;
pub mod synonyms;

use chrono::{DateTime, Utc};
use gazette_core::Language;
use gazette_store::StoreError;

pub use crate::document::{SCHEMA_VERSION, plain_text};
pub use crate::index::SearchIndex;
pub use crate::synonyms::Synonyms;

/// Matches are counted exactly up to this many; beyond it the page says "more than 1,000
/// results", and counting stops there instead of visiting every match.
pub const COUNT_LIMIT: usize = 1_000;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index folder: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the search index is in use by another process (is `gazette serve` running?)")]
    Locked,
    #[error("search task failed: {0}")]
    Task(String),
}

pub type SearchResult<T> = Result<T, SearchError>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SearchOrder {
    /// Best match first, recent news lifted.
    #[default]
    Relevance,
    Newest,
}

/// What a reader asked for.
#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    pub text: String,
    pub section_id: Option<i64>,
    pub author_id: Option<i64>,
    pub language: Option<Language>,
    /// Published at or after this time.
    pub from: Option<DateTime<Utc>>,
    /// Published before this time.
    pub until: Option<DateTime<Utc>>,
    pub order: SearchOrder,
    pub offset: usize,
    pub limit: usize,
}

/// One result: the article and the text to show under its headline, with the matched words
/// wrapped in `<mark>` and everything else escaped.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub id: i64,
    pub headline_html: String,
    pub snippet_html: String,
}

#[derive(Debug, Clone, Default)]
pub struct SearchResults {
    pub hits: Vec<SearchHit>,
    /// Matching articles in all pages, counted up to [`COUNT_LIMIT`].
    pub total: usize,
    /// True when more than [`COUNT_LIMIT`] articles match: `total` is then `COUNT_LIMIT`.
    pub more: bool,
}
