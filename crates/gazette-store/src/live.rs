//! The storage role for live coverage: live blogs, their entries, and the breaking-news banner.
//!
//! Every change to a blog or its entries writes one change-log row, entity `live_blog` with the
//! article's id (action `entry` or `coverage`), and an entry carries the sequence number of its
//! latest change (`seq`). That number is the push stream's event id: a reader who reconnects with
//! `Last-Event-ID: N` is sent [`LiveStore::entries_changed_since`] `N`, exactly what they missed.
//! The banner writes entity `breaking`, which re-renders no page by itself.

use chrono::{DateTime, Utc};
use gazette_core::live::{
    Breaking, Coverage, EntryDraft, EntryRevision, EntryStatus, LiveBlog, LiveEntry,
};

use crate::{NewAuditEntry, StoreResult, Written};

/// The change-log entity of live-blog changes.
pub const LIVE_BLOG_ENTITY: &str = "live_blog";
/// The change-log entity of the breaking-news banner.
pub const BREAKING_ENTITY: &str = "breaking";

/// Which entries of a blog to list, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryQuery {
    pub statuses: Vec<EntryStatus>,
    /// Only entries marked as key events.
    pub key_events_only: bool,
    /// Only the pinned entry.
    pub pinned_only: bool,
    pub offset: u64,
    pub limit: u32,
}

impl EntryQuery {
    /// What readers see: published entries, a page at a time.
    pub fn published(offset: u64, limit: u32) -> Self {
        Self {
            statuses: vec![EntryStatus::Published],
            key_events_only: false,
            pinned_only: false,
            offset,
            limit,
        }
    }
}

/// Marks an editor sets on an entry; `None` leaves a mark as it is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EntryMarks {
    /// A blog has at most one pinned entry: pinning one unpins the others.
    pub pinned: Option<bool>,
    pub key_event: Option<bool>,
}

#[async_trait::async_trait]
pub trait LiveStore: Send + Sync + 'static {
    async fn live_blog(&self, article_id: i64) -> StoreResult<Option<LiveBlog>>;

    /// Makes the article a live blog (`Live`), ends its coverage (`Ended`), or makes it an
    /// ordinary article again (`None`: its entries are kept, and come back with it).
    async fn set_coverage(
        &self,
        article_id: i64,
        coverage: Option<Coverage>,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<i64>;

    /// Adds an entry to a live blog; `Published` puts it in front of readers at once.
    async fn post_entry(
        &self,
        article_id: i64,
        draft: EntryDraft,
        status: EntryStatus,
        user_id: Option<i64>,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<Written<LiveEntry>>;

    /// Replaces an entry's text, headline and bylines, keeping what it said as a revision; a
    /// published entry is then shown as edited.
    async fn edit_entry(
        &self,
        entry_id: i64,
        draft: EntryDraft,
        user_id: Option<i64>,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<Written<LiveEntry>>;

    /// Moves an entry: publishes a draft or a pending entry (its time is then now), or deletes one.
    async fn set_entry_status(
        &self,
        entry_id: i64,
        status: EntryStatus,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<Written<LiveEntry>>;

    async fn mark_entry(
        &self,
        entry_id: i64,
        marks: EntryMarks,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<Written<LiveEntry>>;

    async fn live_entry(&self, entry_id: i64) -> StoreResult<Option<LiveEntry>>;

    /// Entries of a blog, newest first (by the time shown, then by id).
    async fn live_entries(&self, article_id: i64, query: EntryQuery)
    -> StoreResult<Vec<LiveEntry>>;

    /// The change-log position of the blog's latest entry change (0 before any): what a page
    /// rendered now reflects, and where its stream starts.
    async fn latest_entry_seq(&self, article_id: i64) -> StoreResult<i64>;

    /// How many published entries a blog has.
    async fn published_entry_count(&self, article_id: i64) -> StoreResult<u64>;

    /// How many published entries of the blog are newer than `entry`: its place on the pages.
    async fn newer_entry_count(&self, entry: &LiveEntry) -> StoreResult<u64>;

    /// Published and deleted entries of a blog whose latest change came after `seq`, oldest
    /// change first: what a reader whose last event was `seq` has not seen.
    async fn entries_changed_since(
        &self,
        article_id: i64,
        seq: i64,
        limit: u32,
    ) -> StoreResult<Vec<LiveEntry>>;

    /// What an entry said before each of its changes, oldest first.
    async fn entry_revisions(&self, entry_id: i64) -> StoreResult<Vec<EntryRevision>>;

    /// Live blogs, newest first, whose coverage is live or which published an entry after
    /// `since` (for the news sitemap).
    async fn recent_live_blogs(&self, since: DateTime<Utc>) -> StoreResult<Vec<i64>>;

    /// The breaking-news banner, if one is set (it may have expired).
    async fn breaking(&self) -> StoreResult<Option<Breaking>>;

    /// Sets or (with `None`) clears the banner.
    async fn set_breaking(
        &self,
        banner: Option<&Breaking>,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<i64>;
}
