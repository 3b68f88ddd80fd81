//! The push stream (`/live/stream`, Server-Sent Events) and its polling fallback
//! (`/live/updates.json`). Both bypass the page cache: they answer per reader, from memory when
//! they can.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use gazette_core::live::Coverage;
use gazette_core::{Article, ReaderView};
use gazette_node::{Frame, LivePush, Subscription};
use gazette_store::Store;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::broadcast::error::RecvError;

use super::ThemeLiveFormat;
use crate::presenters::BannerView;
use crate::state::SiteState;

/// How often an idle stream sends a comment, so that proxies and browsers keep it open.
pub const HEARTBEAT: Duration = Duration::from_secs(15);
/// How long a browser waits before reconnecting a dropped stream, in milliseconds.
const RETRY_MS: u32 = 2000;
/// Most entries sent at once to a reader catching up.
const CATCH_UP: u32 = 500;

/// What a stream or a poll asks for.
#[derive(Debug, Default, PartialEq, Eq)]
struct Wanted {
    blog: Option<i64>,
    since: Option<i64>,
}

/// Reads `?blog=ID&since=SEQ`, and `Last-Event-ID` (sent by a reconnecting browser), which wins
/// when it is newer. Anything unreadable is refused, not guessed at.
fn wanted(
    query: Option<&str>,
    last_event_id: Option<&str>,
) -> Result<Wanted, (StatusCode, String)> {
    let mut wanted = Wanted::default();
    for (name, value) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        let number = || {
            value
                .parse::<i64>()
                .ok()
                .filter(|n| *n >= 0)
                .ok_or_else(|| {
                    (
                        StatusCode::BAD_REQUEST,
                        format!("{name} must be a whole number, not {value:?}"),
                    )
                })
        };
        match name.as_ref() {
            "blog" => wanted.blog = Some(number()?),
            "since" => wanted.since = Some(number()?),
            _ => {}
        }
    }
    if let Some(last) = last_event_id.and_then(|v| v.trim().parse::<i64>().ok()) {
        wanted.since = Some(wanted.since.map_or(last, |s| s.max(last)));
    }
    Ok(wanted)
}

/// A blog readers may follow: a published live blog. `None` for anything else, so that a
/// stream cannot be used to learn of drafts.
async fn followable(
    state: &SiteState,
    id: i64,
) -> Result<Option<(Article, Coverage)>, (StatusCode, String)> {
    let store = &state.store;
    let article = match store.article(id).await.map_err(refusal)? {
        Some(a) if a.reader_view(state.now()) == ReaderView::Visible => a,
        _ => return Ok(None),
    };
    Ok(store
        .live_blog(id)
        .await
        .map_err(refusal)?
        .map(|blog| (article, blog.coverage)))
}

fn error_body(status: StatusCode, message: &str) -> String {
    serde_json::json!({ "error": { "status": status.as_u16(), "message": message } }).to_string()
}

fn json_error(status: StatusCode, message: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        error_body(status, message),
    )
        .into_response()
}

/// `GET /live/stream`: the banner for every page, and a live blog's entries when `blog` names
/// one. Without JavaScript nothing asks for it; the page itself is complete. The server answers
/// most of these below the stack ([`serve_raw`]); this handler answers the rest (HTTP/1.0, a
/// pipelined request) and tests that drive the router alone.
pub async fn stream(
    State(state): State<SiteState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let last_event_id = headers.get("last-event-id").and_then(|v| v.to_str().ok());
    let reader = match open(&state, query.as_deref(), last_event_id).await {
        Ok(reader) => reader,
        Err((status, message)) => return json_error(status, &message),
    };
    let body = Body::from_stream(futures_util::stream::unfold(
        reader,
        |mut reader| async move {
            reader
                .next()
                .await
                .map(|bytes| (Ok::<_, std::convert::Infallible>(bytes), reader))
        },
    ));
    let mut response = Response::new(body);
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // nginx would otherwise hold events back to fill its buffer.
    h.insert("x-accel-buffering", HeaderValue::from_static("no"));
    response
}

/// A stream request as the server's fast path read it off the socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawStreamRequest {
    pub query: Option<String>,
    pub last_event_id: Option<String>,
}

/// The head of a stream written below the stack: what [`stream`] and the security headers would
/// say of it, and `Connection: close`, since the body ends when the connection does.
const RAW_HEAD: &str = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\n\
    cache-control: no-store\r\nx-accel-buffering: no\r\nx-content-type-options: nosniff\r\n\
    cross-origin-resource-policy: same-origin\r\nconnection: close\r\n";

/// Serves one push stream straight on its socket until the reader leaves or the node stops. A
/// stream holds only its reader's state here, a few kilobytes: hyper would keep two 8 KB buffers
/// and the stack's layers for each of them (`bench/LIVE.md`).
pub async fn serve_raw(state: Arc<SiteState>, mut socket: TcpStream, request: RawStreamRequest) {
    let reader = open(
        &state,
        request.query.as_deref(),
        request.last_event_id.as_deref(),
    )
    .await;
    let mut reader = match reader {
        Ok(reader) => reader,
        Err((status, message)) => {
            let body = error_body(status, &message);
            let answer = format!(
                "HTTP/1.1 {} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
                 x-content-type-options: nosniff\r\nconnection: close\r\n{}",
                status.as_u16(),
                status.canonical_reason().unwrap_or(""),
                body.len(),
                String::from_utf8_lossy(&crate::cache::date_and_end_of_head()),
            );
            let _ = socket.write_all(answer.as_bytes()).await;
            let _ = socket.write_all(body.as_bytes()).await;
            let _ = socket.shutdown().await;
            return;
        }
    };
    let head = [RAW_HEAD.as_bytes(), &crate::cache::date_and_end_of_head()].concat();
    if socket.write_all(&head).await.is_err() {
        return;
    }
    let mut scratch = [0u8; 64];
    loop {
        tokio::select! {
            next = reader.next() => match next {
                Some(bytes) => {
                    if socket.write_all(&bytes).await.is_err() {
                        return;
                    }
                }
                None => break,
            },
            // A reader sends nothing after its request: a read that returns means it left.
            read = socket.read(&mut scratch) => match read {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            },
        }
    }
    let _ = tokio::time::timeout(Duration::from_secs(1), socket.shutdown()).await;
}

/// Checks the request, subscribes, and reads what the reader's page did not have. A refusal is
/// the status and the words to answer with.
async fn open(
    state: &SiteState,
    query: Option<&str>,
    last_event_id: Option<&str>,
) -> Result<Reader, (StatusCode, String)> {
    let wanted = wanted(query, last_event_id)?;
    let live = state.live.clone();
    if live.is_closing() {
        // The node is stopping: the browser reconnects, through the proxy, to another node.
        return Err((
            StatusCode::SERVICE_UNAVAILABLE,
            "This server is restarting.".into(),
        ));
    }
    if wanted.blog.is_some() && state.outage.is_known() {
        // Whether the blog may be followed, and what the reader missed, are in the database:
        // answer at once rather than wait for it. (A page's banner needs no database.)
        return Err((
            StatusCode::SERVICE_UNAVAILABLE,
            "The live updates are unavailable for a moment; try again shortly.".into(),
        ));
    }
    let blog = match wanted.blog {
        Some(id) => match followable(state, id).await? {
            Some((article, Coverage::Live)) => Some(article),
            // An ended blog's stream carries the banner only; so does an unknown one.
            _ => None,
        },
        None => None,
    };
    let subscription = live.subscribe(blog.as_ref().map(|a| a.id));
    let mut pending = VecDeque::new();
    pending.push_back(Bytes::from(format!("retry: {RETRY_MS}\n\n")));
    let mut last_entry = wanted.since.unwrap_or(0);
    // Entries the reader's page did not have: read after subscribing, so nothing posted in
    // between is lost (what arrives twice is skipped by its position).
    if let (Some(article), Some(since)) = (&blog, wanted.since) {
        let entries = state
            .store
            .entries_changed_since(article.id, since, CATCH_UP)
            .await
            .map_err(refusal)?;
        for entry in entries {
            last_entry = last_entry.max(entry.seq);
            pending.push_back(live.entry_frame(article, &entry).bytes);
        }
    }
    let banner_seen = subscription.breaking.borrow().as_ref().map(|f| f.seq);
    if let Some(frame) = subscription.breaking.borrow().as_ref() {
        pending.push_back(frame.bytes.clone());
    }
    let mut heartbeat =
        tokio::time::interval_at(tokio::time::Instant::now() + HEARTBEAT, HEARTBEAT);
    // A reader that stopped reading for a while is owed one heartbeat, not a burst of them.
    heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    Ok(Reader {
        pending,
        subscription,
        last_entry,
        banner_seen,
        heartbeat,
        store: state.store.clone(),
        blog: blog.map(Arc::new),
        live,
    })
}

/// A store failure as the stream answers it.
fn refusal(e: gazette_store::StoreError) -> (StatusCode, String) {
    let error = crate::error::AppError::from(e);
    let status = error.status(crate::error::Format::Json);
    let message = if status.is_server_error() {
        "The live updates are unavailable for a moment; try again shortly.".to_owned()
    } else {
        error.to_string()
    };
    (status, message)
}

/// One reader's stream.
struct Reader {
    /// Written before anything else: the retry time, catch-up entries, the banner.
    pending: VecDeque<Bytes>,
    subscription: Subscription,
    /// The position of the last entry sent; entries at or below it are not sent again.
    last_entry: i64,
    /// The banner frame last sent.
    banner_seen: Option<i64>,
    heartbeat: tokio::time::Interval,
    store: Arc<dyn Store>,
    blog: Option<Arc<Article>>,
    live: Arc<LivePush>,
}

impl Reader {
    /// The next bytes to write, or `None` to end the stream.
    async fn next(&mut self) -> Option<Bytes> {
        loop {
            if let Some(bytes) = self.pending.pop_front() {
                return Some(bytes);
            }
            if *self.subscription.closing.borrow() {
                return None;
            }
            let entries = self.subscription.entries.as_mut();
            tokio::select! {
                _ = self.subscription.closing.changed() => return None,
                received = recv(entries) => match received {
                    Ok(frame) => {
                        if let Some(bytes) = self.accept(frame) {
                            return Some(bytes);
                        }
                    }
                    Err(RecvError::Lagged(_)) => self.catch_up().await,
                    Err(RecvError::Closed) => self.subscription.entries = None,
                },
                changed = self.subscription.breaking.changed() => {
                    if changed.is_err() {
                        return None;
                    }
                    let frame = self.subscription.breaking.borrow_and_update().clone();
                    if let Some(frame) = frame
                        && Some(frame.seq) != self.banner_seen
                    {
                        self.banner_seen = Some(frame.seq);
                        return Some(frame.bytes);
                    }
                }
                _ = self.heartbeat.tick() => return Some(Bytes::from_static(b": keep-alive\n\n")),
            }
        }
    }

    fn accept(&mut self, frame: Frame) -> Option<Bytes> {
        if !frame.is_entry {
            return Some(frame.bytes);
        }
        if frame.seq <= self.last_entry {
            return None;
        }
        self.last_entry = frame.seq;
        Some(frame.bytes)
    }

    /// The stream fell further behind than the channel keeps: reads what it missed instead.
    async fn catch_up(&mut self) {
        let Some(article) = self.blog.clone() else {
            return;
        };
        match self
            .store
            .entries_changed_since(article.id, self.last_entry, CATCH_UP)
            .await
        {
            Ok(entries) => {
                for entry in entries {
                    self.last_entry = self.last_entry.max(entry.seq);
                    self.pending
                        .push_back(self.live.entry_frame(&article, &entry).bytes);
                }
            }
            Err(e) => tracing::warn!(error = %e, "a live stream could not catch up"),
        }
    }
}

/// The next frame of a blog's channel; never, for a stream without one.
async fn recv(
    entries: Option<&mut tokio::sync::broadcast::Receiver<Frame>>,
) -> Result<Frame, RecvError> {
    match entries {
        Some(receiver) => receiver.recv().await,
        None => std::future::pending().await,
    }
}

/// `GET /live/updates.json`: what the stream would send, as one answer, for readers whose
/// network cannot hold a stream. Polled with `If-None-Match`; nothing new costs a `304` and, once
/// this node has seen the blog change, no database query.
pub async fn updates(
    State(state): State<SiteState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let last_event_id = headers.get("last-event-id").and_then(|v| v.to_str().ok());
    let wanted = match wanted(query.as_deref(), last_event_id) {
        Ok(w) => w,
        Err((status, message)) => return json_error(status, &message),
    };
    let since = wanted.since.unwrap_or(0);
    let live = &state.live;
    let banner = live.breaking_frame().map_or(0, |f| f.seq);
    let Some(id) = wanted.blog else {
        // A page that is not a live blog polls for the banner alone.
        let etag = format!("\"live-banner-{banner}\"");
        if banner > 0 && etag_matches(&headers, &etag) {
            return not_modified(&etag);
        }
        let banner_now = match state.store.breaking().await {
            Ok(b) => b.filter(|b| b.is_showing(state.now())),
            Err(e) => return crate::error::AppError::from(e).into_response(),
        };
        let body = serde_json::json!({ "breaking": banner_now.as_ref().map(BannerView::new) });
        return json_answer(body.to_string(), (banner > 0).then_some(etag));
    };
    let known = live.latest(id);
    let etag_of = |latest: i64| format!("\"live-{id}-{since}-{latest}-{banner}\"");
    if let Some(latest) = known
        && etag_matches(&headers, &etag_of(latest))
    {
        return not_modified(&etag_of(latest));
    }
    let (article, coverage) = match followable(&state, id).await {
        Ok(Some(found)) => found,
        Ok(None) => return json_error(StatusCode::NOT_FOUND, "There is no such live blog."),
        Err((status, message)) => return json_error(status, &message),
    };
    let entries = match state.store.entries_changed_since(id, since, CATCH_UP).await {
        Ok(entries) => entries,
        Err(e) => return crate::error::AppError::from(e).into_response(),
    };
    let latest = entries
        .iter()
        .map(|e| e.seq)
        .max()
        .unwrap_or(since)
        .max(known.unwrap_or(0));
    let etag = etag_of(latest);
    if etag_matches(&headers, &etag) {
        return not_modified(&etag);
    }
    let format = ThemeLiveFormat::new(state.theme.clone());
    let entries: Vec<_> = entries
        .iter()
        .map(|e| format.entry_event(&article, e))
        .collect();
    let banner_now = match state.store.breaking().await {
        Ok(b) => b,
        Err(e) => return crate::error::AppError::from(e).into_response(),
    };
    let body = serde_json::json!({
        "seq": latest,
        "coverage": coverage.as_str(),
        "entries": entries,
        "breaking": banner_now
            .filter(|b| b.is_showing(state.now()))
            .as_ref()
            .map(BannerView::new),
    });
    json_answer(body.to_string(), Some(etag))
}

/// A poll's answer: revalidated every time (`no-cache`), by its ETag.
fn json_answer(body: String, etag: Option<String>) -> Response {
    let mut response = ([(header::CONTENT_TYPE, "application/json")], body).into_response();
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Some(value) = etag.and_then(|e| HeaderValue::from_str(&e).ok()) {
        h.insert(header::ETAG, value);
    }
    response
}

fn etag_matches(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
}

fn not_modified(etag: &str) -> Response {
    let mut response = StatusCode::NOT_MODIFIED.into_response();
    if let Ok(value) = HeaderValue::from_str(etag) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newer_of_since_and_last_event_id_wins_and_nonsense_is_refused() {
        assert_eq!(
            wanted(Some("blog=4&since=10"), None),
            Ok(Wanted {
                blog: Some(4),
                since: Some(10)
            })
        );
        assert_eq!(
            wanted(Some("blog=4&since=10"), Some("25")).unwrap().since,
            Some(25)
        );
        assert_eq!(wanted(None, Some("25")).unwrap().since, Some(25));
        assert!(wanted(Some("blog=x"), None).is_err());
        assert!(wanted(Some("since=-3"), None).is_err());
    }
}
