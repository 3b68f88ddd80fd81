//! Cached pages as the bytes that go on the wire, for the server's fast path
//! (`server/fast_path.rs`): a fresh hit is answered with the status line and headers prepared when
//! the page was stored, the current `Date`, and the body, in one vectored write — no request or
//! response object built, no header map cloned or encoded per request.

use std::cell::RefCell;
use std::sync::atomic::Ordering;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::http::HeaderMap;

use super::request::{cache_key_of, cacheable_path, etag_matches_of, keyed, preferred_encoding_of};
use super::{CachedPage, PageCache};

/// What a cached answer depends on in a request, as read from its head.
#[derive(Debug, Clone, Copy)]
pub struct RawRequest<'a> {
    /// `HEAD` rather than `GET`: the same headers, no body.
    pub head: bool,
    /// The request target as sent: the path and, after `?`, the query.
    pub target: &'a str,
    pub accept_encoding: Option<&'a str>,
    pub if_none_match: Option<&'a str>,
}

/// An answer ready to write: `head` is the status line and headers but the `Date` and the blank
/// line that ends them (see [`date_and_end_of_head`]); then the body, if any.
#[derive(Debug, Clone)]
pub struct WireAnswer {
    pub head: Bytes,
    pub body: Option<Bytes>,
}

impl PageCache {
    /// The answer to a `GET` or `HEAD` of `request.target` when the page is cached and fresh (or
    /// stale and already being re-rendered, as [`super::serve_cached`] would serve it). `None`
    /// for everything else, which the full stack answers: a miss, a page to refresh, a path never
    /// cached, a disabled cache.
    pub fn wire_answer(&self, request: &RawRequest<'_>) -> Option<WireAnswer> {
        if !self.enabled() {
            return None;
        }
        let (path, query) = match request.target.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (request.target, None),
        };
        // A key sent as a header never reaches here: the fast path hands such requests over.
        if !cacheable_path(path) || keyed(path, query, false) {
            return None;
        }
        let page = self
            .entries
            .get(cache_key_of(path, query, request.target).as_ref())?;
        let fresh = self.is_fresh(&page);
        // A stale page nobody refreshes yet goes to the stack, which starts the refresh.
        if !fresh && !page.refreshing.load(Ordering::Acquire) {
            return None;
        }
        self.wire_hits.fetch_add(1, Ordering::Relaxed);
        Some(page.wire(request))
    }
}

impl CachedPage {
    fn wire(&self, request: &RawRequest<'_>) -> WireAnswer {
        let variant = self.variant(preferred_encoding_of(request.accept_encoding));
        if etag_matches_of(request.if_none_match, &variant.etag) {
            return WireAnswer {
                head: variant.wire_not_modified.clone(),
                body: None,
            };
        }
        WireAnswer {
            head: variant.wire.clone(),
            body: (!request.head).then(|| variant.body.clone()),
        }
    }
}

/// The status line and `headers` as HTTP/1.1 writes them, without `Date` and the final blank
/// line. Header names are lower case, as hyper writes them on the other path.
pub(super) fn head_bytes(status_line: &str, headers: &HeaderMap) -> Bytes {
    let mut out = Vec::with_capacity(1024);
    out.extend_from_slice(status_line.as_bytes());
    out.extend_from_slice(b"\r\n");
    for (name, value) in headers {
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    Bytes::from(out)
}

/// `date: <now>` and the blank line that ends a response head. The text changes once a second,
/// so each thread keeps the last one and formats again only when the second has moved on.
pub fn date_and_end_of_head() -> Bytes {
    thread_local! {
        static LAST: RefCell<(u64, Bytes)> = const { RefCell::new((0, Bytes::new())) };
    }
    let now = SystemTime::now();
    let second = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        if last.0 != second || last.1.is_empty() {
            let line = format!("date: {}\r\n\r\n", httpdate::fmt_http_date(now));
            *last = (second, Bytes::from(line));
        }
        last.1.clone()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn a_head_is_written_as_http_1_1_with_lower_case_names() {
        let mut headers = HeaderMap::new();
        headers.insert("Content-Type", HeaderValue::from_static("text/html"));
        headers.append("Vary", HeaderValue::from_static("Accept-Encoding"));
        assert_eq!(
            head_bytes("HTTP/1.1 200 OK", &headers),
            Bytes::from_static(
                b"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\nvary: Accept-Encoding\r\n"
            )
        );
    }

    #[test]
    fn the_date_line_is_an_http_date_and_ends_the_head() {
        let line = date_and_end_of_head();
        let text = std::str::from_utf8(&line).unwrap_or_default();
        assert!(
            text.starts_with("date: ") && text.ends_with(" GMT\r\n\r\n"),
            "{text:?}"
        );
        assert_eq!(
            text.len(),
            "date: Tue, 01 Dec 2026 19:00:00 GMT\r\n\r\n".len()
        );
    }
}
