//! The fast path: a connection's requests for fresh cached pages answered below hyper.
//!
//! When a story breaks, nearly every request is a `GET` of a page the cache holds. For those, hyper
//! would parse the head into a header map, build a request and a response, clone the page's
//! header map and encode it again — more work than sending the page. Here the head is parsed in
//! place (`httparse`) and the answer is the status line and headers prepared when the page was
//! stored, the date, and the body, in one vectored write.
//!
//! Anything else — a miss, a stale page nobody refreshes yet, a request with a body, HTTP/1.0, an
//! `Upgrade`, a head that has not fully arrived, one that does not parse — hands the connection to
//! hyper for the rest of its life, with the bytes read so far, so hyper sees exactly what the
//! client sent and applies its own timeouts and limits. The fast path never waits in the middle of
//! a head: a slow client is hyper's to answer (408).

use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::watch;

use crate::cache::{PageCache, RawRequest, WireAnswer, date_and_end_of_head};

/// Request heads longer than this go to hyper (which has its own, larger limit).
const MAX_HEAD: usize = 8 * 1024;
/// Requests with more header lines than this go to hyper.
const MAX_HEADERS: usize = 40;

/// How a connection left the fast path.
pub(super) enum Outcome {
    /// Closed: the client hung up, asked to close, stayed idle too long, or the server is
    /// stopping.
    Closed,
    /// Hyper serves the rest, starting with the bytes already read.
    HandOff(Prefixed),
    /// A live push stream (`GET /live/stream`): written straight to the socket for as long as
    /// it lasts (`site::live::stream::serve_raw`), without hyper's per-connection buffers, which
    /// would cost more than the stream itself with ten thousand readers holding one each.
    LiveStream(TcpStream, crate::site::live::stream::RawStreamRequest),
}

/// Answers the connection's requests while they are fresh cache hits.
pub(super) async fn answer_hits(
    mut stream: TcpStream,
    pages: &PageCache,
    idle_timeout: Duration,
    stopping: &mut watch::Receiver<bool>,
) -> Outcome {
    let mut buffer: Vec<u8> = Vec::with_capacity(2048);
    loop {
        if buffer.is_empty() {
            if *stopping.borrow() {
                return close(stream).await;
            }
            // Between requests. An idle keep-alive connection is closed after the header
            // timeout, as hyper closes one.
            tokio::select! {
                read = tokio::time::timeout(idle_timeout, stream.read_buf(&mut buffer)) => {
                    match read {
                        Ok(Ok(0)) | Ok(Err(_)) => return Outcome::Closed,
                        Err(_) => return close(stream).await,
                        Ok(Ok(_)) => {}
                    }
                }
                _ = stopping.changed() => return close(stream).await,
            }
        }
        let Some(Hit {
            length,
            answer,
            close_after,
        }) = hit(&buffer, pages)
        else {
            if let Some(request) = live_stream(&buffer) {
                return Outcome::LiveStream(stream, request);
            }
            return Outcome::HandOff(Prefixed::new(buffer, stream));
        };
        if write_answer(&mut stream, &answer).await.is_err() {
            return Outcome::Closed;
        }
        if close_after {
            return close(stream).await;
        }
        // Usually the whole buffer; a pipelining client may have sent the next request already.
        buffer.drain(..length);
    }
}

async fn close(mut stream: TcpStream) -> Outcome {
    let _ = tokio::time::timeout(Duration::from_secs(1), stream.shutdown()).await;
    Outcome::Closed
}

/// A request the fast path answers: its head's length, the answer, and whether the client asked
/// to close afterwards.
struct Hit {
    length: usize,
    answer: WireAnswer,
    close_after: bool,
}

/// The answer to the request at the start of `buffer`, if it is a complete `GET` or `HEAD` of a
/// page the cache can answer, with nothing about it the fast path would have to interpret.
fn hit(buffer: &[u8], pages: &PageCache) -> Option<Hit> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut headers);
    let length = match request.parse(buffer) {
        Ok(httparse::Status::Complete(length)) if length <= MAX_HEAD => length,
        _ => return None,
    };
    if request.version != Some(1) {
        return None;
    }
    let head = match request.method? {
        "GET" => false,
        "HEAD" => true,
        _ => return None,
    };
    let target = request.path?;
    // Origin form only, in visible ASCII as hyper requires it: anything else is hyper's to refuse.
    if !target.starts_with('/') || !target.bytes().all(|b| b.is_ascii_graphic()) {
        return None;
    }
    let mut accept_encoding = None;
    let mut if_none_match = None;
    let mut close_after = false;
    for header in request.headers.iter() {
        let name = header.name;
        if leaves_to_hyper(name) {
            return None;
        }
        // As `HeaderValue::to_str` reads a value: visible ASCII, spaces and tabs only.
        let text = || {
            header
                .value
                .iter()
                .all(|&b| b == b'\t' || (b' '..=b'~').contains(&b))
                .then(|| std::str::from_utf8(header.value).ok())
                .flatten()
        };
        if name.eq_ignore_ascii_case("connection") {
            let value = text()?;
            if value
                .split(',')
                .any(|token| token.trim().eq_ignore_ascii_case("upgrade"))
            {
                return None;
            }
            close_after |= value
                .split(',')
                .any(|token| token.trim().eq_ignore_ascii_case("close"));
        } else if name.eq_ignore_ascii_case("accept-encoding") {
            accept_encoding = accept_encoding.or_else(text);
        } else if name.eq_ignore_ascii_case("if-none-match") {
            if_none_match = if_none_match.or_else(text);
        }
    }
    let answer = pages.wire_answer(&RawRequest {
        head,
        target,
        accept_encoding,
        if_none_match,
    })?;
    Some(Hit {
        length,
        answer,
        close_after,
    })
}

/// A header that makes a request hyper's to read: a body, an expectation, a protocol switch, a
/// Content API consumer's key (counted on the full path).
fn leaves_to_hyper(name: &str) -> bool {
    [
        "content-length",
        "transfer-encoding",
        "expect",
        "upgrade",
        "x-gazette-key",
    ]
    .iter()
    .any(|h| name.eq_ignore_ascii_case(h))
}

/// The push stream asked for by the whole of `buffer`: a complete `GET /live/stream` head in
/// HTTP/1.1 with nothing after it and nothing the raw writer would have to interpret. Anything
/// else (a body, an upgrade, a pipelined request behind it) is hyper's.
fn live_stream(buffer: &[u8]) -> Option<crate::site::live::stream::RawStreamRequest> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut headers);
    match request.parse(buffer) {
        Ok(httparse::Status::Complete(length)) if length == buffer.len() && length <= MAX_HEAD => {}
        _ => return None,
    }
    if request.version != Some(1) || request.method? != "GET" {
        return None;
    }
    let target = request.path?;
    let query = match target.split_once('?') {
        Some(("/live/stream", query)) => Some(query),
        None if target == "/live/stream" => None,
        _ => return None,
    };
    if !target.bytes().all(|b| b.is_ascii_graphic()) {
        return None;
    }
    let mut last_event_id = None;
    for header in request.headers.iter() {
        let name = header.name;
        if leaves_to_hyper(name) {
            return None;
        }
        if name.eq_ignore_ascii_case("last-event-id") {
            last_event_id = std::str::from_utf8(header.value).ok().map(str::to_owned);
        }
    }
    Some(crate::site::live::stream::RawStreamRequest {
        query: query.map(str::to_owned),
        last_event_id,
    })
}

/// Writes the head, the date and the body with as few system calls as the socket allows: one,
/// unless the socket's buffer is full.
async fn write_answer(stream: &mut TcpStream, answer: &WireAnswer) -> io::Result<()> {
    let date = date_and_end_of_head();
    let body = answer.body.as_deref().unwrap_or_default();
    let mut parts = [
        IoSlice::new(&answer.head),
        IoSlice::new(&date),
        IoSlice::new(body),
    ];
    let mut remaining = &mut parts[..];
    IoSlice::advance_slices(&mut remaining, 0);
    while !remaining.is_empty() {
        let written = stream.write_vectored(remaining).await?;
        if written == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
        IoSlice::advance_slices(&mut remaining, written);
    }
    Ok(())
}

/// A connection handed to hyper: the bytes the fast path read first, then the socket.
pub(super) struct Prefixed {
    read: Vec<u8>,
    position: usize,
    stream: TcpStream,
}

impl Prefixed {
    pub(super) fn new(read: Vec<u8>, stream: TcpStream) -> Self {
        Self {
            read,
            position: 0,
            stream,
        }
    }

    pub(super) fn into_stream(self) -> TcpStream {
        self.stream
    }
}

impl AsyncRead for Prefixed {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let unread = &this.read[this.position..];
        if unread.is_empty() {
            return Pin::new(&mut this.stream).poll_read(cx, buf);
        }
        let n = unread.len().min(buf.remaining());
        buf.put_slice(&unread[..n]);
        this.position += n;
        if this.position == this.read.len() {
            this.read = Vec::new();
            this.position = 0;
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for Prefixed {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}
