//! Pushing live coverage to open pages. Each node follows the change log (woken at once by
//! PostgreSQL's notifications, see [`crate::change_feed`]) and sends what changed to its own
//! readers' streams; nodes share nothing but the database, so no reader needs a sticky session.
//!
//! - A live blog's entry changes (entity `live_blog`) are read once per batch for the blogs that
//!   have readers on this node, formatted once (by the web layer, behind [`LiveFormat`]) and handed
//!   to every stream of that blog through a broadcast channel: ten thousand readers cost one query
//!   and one rendering, not ten thousand.
//! - The breaking-news banner (entity `breaking`) is one frame every stream watches.
//! - Every frame carries the change-log sequence number it reflects, which is the stream's event
//!   id: a stream skips frames it has already sent, and a reader that reconnects with
//!   `Last-Event-ID` is sent what changed since from the database.
//! - [`LivePush::close`] ends every stream at shutdown, so readers reconnect to another node
//!   instead of holding this one open.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use gazette_core::Article;
use gazette_core::live::{Breaking, Coverage, LiveBlog, LiveEntry};
use gazette_store::live::{BREAKING_ENTITY, LIVE_BLOG_ENTITY};
use gazette_store::{Store, StoreResult};
use tokio::sync::{Mutex, broadcast, watch};

use crate::change_feed::Cursor;

/// Frames a stream may fall behind before it is sent what it missed from the database instead.
const CHANNEL_FRAMES: usize = 256;
/// Most entries sent for one blog after one batch of changes.
const ENTRIES_PER_BATCH: u32 = 1000;
/// Wait before retrying after the database failed.
const RETRY_AFTER: Duration = Duration::from_secs(1);

/// How events are written on the stream: the web layer renders entries with the theme.
pub trait LiveFormat: Send + Sync {
    /// An entry of `article` was posted, edited, marked or deleted.
    fn entry(&self, article: &Article, entry: &LiveEntry) -> Bytes;
    /// A blog started or ended its coverage (`None`: it is no longer a live blog).
    fn coverage(&self, article_id: i64, blog: Option<&LiveBlog>) -> Bytes;
    /// The banner as it now is (`None`: cleared).
    fn breaking(&self, banner: Option<&Breaking>) -> Bytes;
}

/// One event as written on the stream, with the change-log position it reflects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub seq: i64,
    pub bytes: Bytes,
    /// An entry: sent once per stream (a stream skips entries at or below the last it sent).
    /// Other frames (the banner, coverage) are state, sent whenever they come.
    pub is_entry: bool,
}

pub struct LivePush {
    format: Arc<dyn LiveFormat>,
    /// Blogs with readers on this node.
    blogs: std::sync::Mutex<HashMap<i64, broadcast::Sender<Frame>>>,
    /// The latest change-log position of each blog this node has seen change.
    latest: std::sync::Mutex<HashMap<i64, i64>>,
    /// The banner's current frame (`None` until the job has read it once).
    breaking: watch::Sender<Option<Frame>>,
    /// Becomes true at shutdown: every stream ends.
    closing: watch::Sender<bool>,
    cursor: Mutex<Option<Cursor>>,
    open_streams: AtomicUsize,
}

/// What a stream listens to; dropping it counts the stream as closed.
pub struct Subscription {
    pub entries: Option<broadcast::Receiver<Frame>>,
    pub breaking: watch::Receiver<Option<Frame>>,
    pub closing: watch::Receiver<bool>,
    push: Arc<LivePush>,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.push.open_streams.fetch_sub(1, Ordering::Relaxed);
    }
}

impl LivePush {
    pub fn new(format: Arc<dyn LiveFormat>) -> Self {
        Self {
            format,
            blogs: Default::default(),
            latest: Default::default(),
            breaking: watch::Sender::new(None),
            closing: watch::Sender::new(false),
            cursor: Mutex::new(None),
            open_streams: AtomicUsize::new(0),
        }
    }

    /// A new stream's subscription: to the banner, and to `blog`'s entries when given.
    pub fn subscribe(self: &Arc<Self>, blog: Option<i64>) -> Subscription {
        self.open_streams.fetch_add(1, Ordering::Relaxed);
        let entries = blog.map(|id| {
            let mut blogs = self.blogs.lock().unwrap_or_else(|e| e.into_inner());
            blogs
                .entry(id)
                .or_insert_with(|| broadcast::channel(CHANNEL_FRAMES).0)
                .subscribe()
        });
        Subscription {
            entries,
            breaking: self.breaking.subscribe(),
            closing: self.closing.subscribe(),
            push: self.clone(),
        }
    }

    /// Streams open on this node now.
    pub fn open_streams(&self) -> usize {
        self.open_streams.load(Ordering::Relaxed)
    }

    /// The latest change-log position of `blog` this node has seen, if it saw one since it
    /// started (for the polling endpoint's ETag).
    pub fn latest(&self, blog: i64) -> Option<i64> {
        self.latest
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&blog)
            .copied()
    }

    /// The banner's current frame, once the job has read it.
    pub fn breaking_frame(&self) -> Option<Frame> {
        self.breaking.borrow().clone()
    }

    /// Formats `entry` as the stream writes it (for a stream catching up from the database).
    pub fn entry_frame(&self, article: &Article, entry: &LiveEntry) -> Frame {
        Frame {
            seq: entry.seq,
            bytes: self.format.entry(article, entry),
            is_entry: true,
        }
    }

    /// Ends every stream (at shutdown); streams opened afterwards end at once.
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    pub fn is_closing(&self) -> bool {
        *self.closing.borrow()
    }

    /// Pushes everything the change log holds that this node has not pushed yet. The first call
    /// starts at the newest entry (and reads the banner): streams opened before then catch up
    /// from the database themselves.
    pub async fn sync(&self, store: &dyn Store) -> StoreResult<()> {
        let mut cursor = self.cursor.lock().await;
        let cursor = match cursor.as_mut() {
            Some(cursor) => cursor,
            None => {
                let at = store.latest_change_seq().await?;
                let banner = store.breaking().await?;
                self.breaking.send_replace(Some(Frame {
                    seq: at,
                    bytes: self.format.breaking(banner.as_ref()),
                    is_entry: false,
                }));
                cursor.insert(Cursor::at(at))
            }
        };
        loop {
            let before = cursor.position();
            let batch = cursor.next_batch(store).await?;
            if batch.is_empty() {
                return Ok(());
            }
            // Per blog: whether its coverage changed; and the banner's latest change.
            let mut blogs: BTreeMap<i64, bool> = BTreeMap::new();
            let mut banner_seq = None;
            for change in &batch {
                match (change.entity.as_str(), change.entity_id) {
                    (LIVE_BLOG_ENTITY, Some(id)) => {
                        *blogs.entry(id).or_default() |= change.action == "coverage";
                        self.latest
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .insert(id, change.seq);
                    }
                    (BREAKING_ENTITY, _) => banner_seq = Some(change.seq),
                    _ => {}
                }
            }
            for (id, coverage_changed) in blogs {
                self.push_blog(store, id, before, coverage_changed).await?;
            }
            if let Some(seq) = banner_seq {
                let banner = store.breaking().await?;
                self.breaking.send_replace(Some(Frame {
                    seq,
                    bytes: self.format.breaking(banner.as_ref()),
                    is_entry: false,
                }));
            }
        }
    }

    /// Sends `blog`'s entries changed after `since` to its streams on this node, if it has any.
    async fn push_blog(
        &self,
        store: &dyn Store,
        id: i64,
        since: i64,
        coverage_changed: bool,
    ) -> StoreResult<()> {
        let Some(sender) = self.sender(id) else {
            return Ok(());
        };
        let blog = store.live_blog(id).await?;
        if coverage_changed {
            let _ = sender.send(Frame {
                seq: self.latest(id).unwrap_or(since),
                bytes: self.format.coverage(id, blog.as_ref()),
                is_entry: false,
            });
        }
        // An ended blog is not pushed: its readers see later corrections when they reload.
        if blog.is_none_or(|b| b.coverage != Coverage::Live) {
            return Ok(());
        }
        let Some(article) = store.article(id).await? else {
            return Ok(());
        };
        for entry in store
            .entries_changed_since(id, since, ENTRIES_PER_BATCH)
            .await?
        {
            let _ = sender.send(self.entry_frame(&article, &entry));
        }
        Ok(())
    }

    /// The channel of a blog with readers on this node; forgets one whose readers all left.
    fn sender(&self, id: i64) -> Option<broadcast::Sender<Frame>> {
        let mut blogs = self.blogs.lock().unwrap_or_else(|e| e.into_inner());
        match blogs.get(&id) {
            Some(sender) if sender.receiver_count() > 0 => Some(sender.clone()),
            Some(_) => {
                blogs.remove(&id);
                None
            }
            None => None,
        }
    }

    /// The job: follows the change log until the process ends.
    pub async fn run(self: Arc<Self>, store: Arc<dyn Store>, mut wake: watch::Receiver<i64>) {
        loop {
            if let Err(e) = self.sync(store.as_ref()).await {
                tracing::warn!(error = %e, "live push cannot read the change log; retrying");
                tokio::time::sleep(RETRY_AFTER).await;
                continue;
            }
            if wake.changed().await.is_err() {
                return;
            }
        }
    }
}
