//! The server loop: accepts TCP connections and serves HTTP/1.1 on each with [`App`].
//!
//! Written out rather than `axum::serve` for what a public news site needs from it:
//! - a **header read timeout**: a client that opens connections and never finishes a request head
//!   (slowloris) is answered `408` and cut off instead of holding a file descriptor for ever;
//! - a **body deadline**: a request body must arrive within [`ServerOptions::body_timeout`], plus
//!   time for each byte received at [`ServerOptions::body_min_rate`], or it is answered `408`;
//! - **connection limits** per client address and in total, the total derived from the open-file
//!   limit: past them a connection is answered `503` with `Retry-After` at once and closed, so the
//!   process never runs out of file descriptors for its database, index and media files;
//! - **HTTP/1.1 only** (HTTP/2 is for the proxy or CDN in front), without the per-connection
//!   protocol sniffing and upgrade support `axum::serve` carries on every read;
//! - a failed `accept` (out of file descriptors) is logged and retried after a pause, not a busy
//!   loop;
//! - on shutdown, requests in flight finish (for a bounded time) before the caller flushes views;
//! - a **fast path** below hyper for fresh cached pages (`fast_path.rs`): the page goes out as
//!   prepared bytes in one write, and hyper takes over the connection at its first other request.

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::time::{Instant, Sleep};

use crate::App;
use crate::router::AppFuture;

mod fast_path;

use fast_path::{Outcome, Prefixed};

/// How the server treats its connections.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// A request's line and headers must arrive within this, or the client is answered `408` and
    /// the connection closed. It also bounds how long an idle keep-alive connection is kept.
    pub header_read_timeout: Duration,
    /// A request body must arrive within this (counted from the end of its headers)…
    pub body_timeout: Duration,
    /// …plus one second for every this many bytes received, so a large upload on a slow line
    /// still gets through while a client dripping a few bytes does not. 0: no extra time.
    pub body_min_rate: u64,
    /// Connections served at once; more are answered `503`. Derived from the open-file limit by
    /// default ([`connections_for_open_file_limit`]).
    pub max_connections: usize,
    /// Connections served at once from one client address (the TCP peer, an IPv6 /64 counting as
    /// one). 0: no limit — for a server that only a proxy connects to.
    pub max_connections_per_address: usize,
    /// How long requests in flight are given to finish at shutdown.
    pub shutdown_grace: Duration,
}

impl Default for ServerOptions {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            body_min_rate: 64 * 1024,
            max_connections: connections_for_open_file_limit(open_file_limit()),
            max_connections_per_address: 256,
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

/// The process's soft limit on open files, or `None` where it is unlimited or unknown.
pub fn open_file_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        rustix::process::getrlimit(rustix::process::Resource::Nofile).current
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// The default connection limit for an open-file limit: every connection holds a descriptor, and
/// the rest of the process needs its own — the database pool, the search index's segment files,
/// media being written, logs and the sockets being answered `503` — so a tenth of the limit (at
/// least 256) is left for them. 1,024 open files allow 768 connections.
pub fn connections_for_open_file_limit(limit: Option<u64>) -> usize {
    // With no limit to protect, the cap only bounds memory (a connection costs some kilobytes).
    let limit = limit.unwrap_or(1_000_000).min(1_000_000);
    let reserve = (limit / 10).max(256);
    usize::try_from(limit.saturating_sub(reserve).max(16)).unwrap_or(16)
}

/// How many refused connections are answered at leisure at once; beyond that they get the answer
/// in one write and are closed at once, as lingering costs a descriptor for up to [`CLOSE_WAIT`].
const MAX_SHEDDING: usize = 64;
/// The most a goodbye (`503`, `408`) may take: writing it, then reading what the client still
/// sends so that closing does not reset the connection before the client has read the answer.
const CLOSE_WAIT: Duration = Duration::from_secs(1);

const BUSY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\n\
    Retry-After: 5\r\n\
    Content-Type: text/plain; charset=utf-8\r\n\
    Content-Length: 51\r\n\
    Connection: close\r\n\r\n\
    The server is busy. Please try again in a moment.\r\n";

const HEADER_TIMEOUT: &[u8] = b"HTTP/1.1 408 Request Timeout\r\n\
    Content-Type: text/plain; charset=utf-8\r\n\
    Content-Length: 46\r\n\
    Connection: close\r\n\r\n\
    The request took too long to arrive. Retry.\r\n";

/// Serves `app` on `listener` until `shutdown` completes, then lets the requests in flight
/// finish. Each request carries the client's address as `ConnectInfo<SocketAddr>`.
pub async fn serve(
    listener: TcpListener,
    app: App,
    options: ServerOptions,
    shutdown: impl Future<Output = ()>,
) {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(options.header_read_timeout);
    let admission = Admission::new(&options);
    let shedding = Arc::new(Semaphore::new(MAX_SHEDDING));
    let body_clock = BodyClock {
        timeout: options.body_timeout,
        min_rate: options.body_min_rate,
    };
    // hyper-util's `GracefulShutdown` cannot watch a connection polled without shutdown (which is
    // how a header timeout gets its 408), so connections are told to stop through this channel,
    // and the admission semaphore tells when the last one has ended.
    let (stop, stopping) = watch::channel(false);
    let mut last_warned: Option<Instant> = None;
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(connection) => connection,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot accept a connection; retrying shortly");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let admitted = match admission.admit(remote.ip()) {
            Ok(admitted) => admitted,
            Err(refusal) => {
                // A flood would write a line per connection; one every ten seconds tells enough.
                if last_warned.is_none_or(|at| at.elapsed() > Duration::from_secs(10)) {
                    tracing::warn!(%remote, reason = refusal.reason(), "refusing connections with 503");
                    last_warned = Some(Instant::now());
                }
                match shedding.clone().try_acquire_owned() {
                    Ok(permit) => {
                        tokio::spawn(async move {
                            say_goodbye(stream, BUSY).await;
                            drop(permit);
                        });
                    }
                    // Too many goodbyes under way: the answer goes out in one write that does not
                    // wait, and the socket is closed at once. That may reset the connection, but
                    // the client has the 503 in hand first (on Linux at least).
                    Err(_) => {
                        let _ = stream.try_write(BUSY);
                    }
                }
                continue;
            }
        };
        // A response goes out in one write; waiting to coalesce it with the next only adds delay.
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let http = http.clone();
        let mut stopping = stopping.clone();
        let idle_timeout = options.header_read_timeout;
        tokio::spawn(async move {
            let io = match fast_path::answer_hits(stream, app.pages(), idle_timeout, &mut stopping)
                .await
            {
                Outcome::Closed => return drop(admitted),
                Outcome::HandOff(io) => io,
                Outcome::LiveStream(stream, request) => {
                    if let Some(site) = app.site() {
                        crate::site::live::stream::serve_raw(site, stream, request).await;
                    }
                    return drop(admitted);
                }
            };
            let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
                body_clock.answer(&app, request, remote)
            });
            let connection = http.serve_connection(TokioIo::new(io), service);
            drive(connection, stopping, remote).await;
            drop(admitted);
        });
    }
    drop(listener);
    let _ = stop.send(true);
    if tokio::time::timeout(options.shutdown_grace, admission.all_closed())
        .await
        .is_err()
    {
        tracing::warn!("some requests were still running at shutdown; stopped them");
    }
}

/// Runs one connection to its end, and answers a request head that did not arrive in time.
async fn drive<S>(
    mut connection: hyper::server::conn::http1::Connection<TokioIo<Prefixed>, S>,
    mut stopping: watch::Receiver<bool>,
    remote: SocketAddr,
) where
    S: hyper::service::HttpService<Incoming, ResBody = axum::body::Body> + Unpin,
    S::Future: Unpin,
{
    let mut told_to_stop = false;
    let ended = loop {
        tokio::select! {
            // Without shutdown: on a header timeout hyper closes without a word, and the socket
            // is needed afterwards to send the 408.
            ended = std::future::poll_fn(|cx| connection.poll_without_shutdown(cx)) => break ended,
            _ = stopping.changed(), if !told_to_stop => {
                told_to_stop = true;
                Pin::new(&mut connection).graceful_shutdown();
            }
        }
    };
    let header_timeout = matches!(&ended, Err(e) if e.is_timeout());
    if let Err(e) = &ended
        && !header_timeout
    {
        // Clients hang up mid-response all the time; only worth a look when debugging.
        tracing::debug!(error = %e, %remote, "connection ended with an error");
    }
    let parts = connection.into_parts();
    let mut stream = parts.io.into_inner().into_stream();
    // Bytes of an unfinished head are a request that timed out; an idle keep-alive connection
    // that sent nothing since its last answer has asked nothing, and is closed quietly.
    if header_timeout && !parts.read_buf.is_empty() {
        say_goodbye(stream, HEADER_TIMEOUT).await;
    } else {
        let _ = tokio::time::timeout(CLOSE_WAIT, stream.shutdown()).await;
    }
}

/// Writes a last answer and closes. Closing a socket with unread input makes the kernel reset the
/// connection, which can destroy the answer before the client reads it: so the write side is
/// shut first and what the client still sends is read and dropped, for a bounded time and size.
async fn say_goodbye(mut stream: TcpStream, answer: &[u8]) {
    let _ = tokio::time::timeout(CLOSE_WAIT, async {
        stream.write_all(answer).await?;
        stream.shutdown().await?;
        let mut sink = [0u8; 4096];
        let mut drained = 0;
        while drained < 64 * 1024 {
            match stream.read(&mut sink).await? {
                0 => break,
                n => drained += n,
            }
        }
        Ok::<_, std::io::Error>(())
    })
    .await;
}

/// Why a connection was refused.
#[derive(Debug, Clone, Copy)]
enum Refusal {
    TooManyFromAddress,
    TooMany,
}

impl Refusal {
    fn reason(self) -> &'static str {
        match self {
            Self::TooManyFromAddress => "too many connections from one address",
            Self::TooMany => "too many connections",
        }
    }
}

/// Counts open connections, in total and per client address.
struct Admission {
    total: Arc<Semaphore>,
    max_total: u32,
    per_address: Arc<Mutex<HashMap<IpAddr, usize>>>,
    max_per_address: usize,
}

/// An admitted connection's place, given back when it is dropped.
struct Admitted {
    _permit: OwnedSemaphorePermit,
    address: IpAddr,
    per_address: Option<Arc<Mutex<HashMap<IpAddr, usize>>>>,
}

impl Admission {
    fn new(options: &ServerOptions) -> Self {
        let max_total = u32::try_from(options.max_connections.max(1)).unwrap_or(u32::MAX);
        Self {
            total: Arc::new(Semaphore::new(max_total as usize)),
            max_total,
            per_address: Arc::default(),
            max_per_address: options.max_connections_per_address,
        }
    }

    fn admit(&self, peer: IpAddr) -> Result<Admitted, Refusal> {
        let address = client_key(peer);
        let per_address = if self.max_per_address == 0 {
            None
        } else {
            let mut counts = self
                .per_address
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            let count = counts.entry(address).or_insert(0);
            if *count >= self.max_per_address {
                return Err(Refusal::TooManyFromAddress);
            }
            *count += 1;
            Some(self.per_address.clone())
        };
        let Ok(permit) = self.total.clone().try_acquire_owned() else {
            release(per_address.as_deref(), address);
            return Err(Refusal::TooMany);
        };
        Ok(Admitted {
            _permit: permit,
            address,
            per_address,
        })
    }

    /// Resolves when every admitted connection has ended.
    async fn all_closed(&self) {
        let _ = self.total.acquire_many(self.max_total).await;
    }
}

impl Drop for Admitted {
    fn drop(&mut self) {
        release(self.per_address.as_deref(), self.address);
    }
}

fn release(per_address: Option<&Mutex<HashMap<IpAddr, usize>>>, address: IpAddr) {
    let Some(per_address) = per_address else {
        return;
    };
    let mut counts = per_address.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(count) = counts.get_mut(&address) {
        *count = count.saturating_sub(1);
        if *count == 0 {
            // Addresses come and go: keep only those with connections open.
            counts.remove(&address);
        }
    }
}

/// The address connections are counted under: IPv4 as is, IPv6 by its /64 (one subscriber's
/// network has a whole /64 to pick addresses from).
fn client_key(peer: IpAddr) -> IpAddr {
    match peer.to_canonical() {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => {
            let bits = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(Ipv6Addr::from(bits))
        }
    }
}

/// The body deadline. tower-http's `RequestBodyTimeout` bounds the wait for each chunk, which a
/// client sending a byte every few seconds never trips, and surfaces as a body error that each
/// extractor words differently; this bounds the whole body and always answers `408`.
#[derive(Debug, Clone, Copy)]
struct BodyClock {
    timeout: Duration,
    min_rate: u64,
}

impl BodyClock {
    fn answer(self, app: &App, request: hyper::Request<Incoming>, remote: SocketAddr) -> Deadline {
        // Most requests (every page view) have no body: no clock, no allocation.
        if request.body().is_end_stream() {
            return Deadline {
                inner: app.answer(request, remote),
                clock: None,
            };
        }
        let progress = Arc::new(Progress::default());
        let request = request.map(|body| CountedBody {
            inner: body,
            progress: progress.clone(),
        });
        let started = Instant::now();
        Deadline {
            inner: app.answer(request, remote),
            clock: Some(Box::new(Running {
                clock: self,
                started,
                progress,
                sleep: Box::pin(tokio::time::sleep_until(started + self.timeout)),
            })),
        }
    }
}

/// How much of a request body has arrived, shared between the body and its deadline.
#[derive(Debug, Default)]
struct Progress {
    received: AtomicU64,
    /// Read to the end, or dropped by the handler: nothing more to wait for.
    finished: AtomicBool,
}

/// A request body that reports its progress.
struct CountedBody {
    inner: Incoming,
    progress: Arc<Progress>,
}

impl Body for CountedBody {
    type Data = hyper::body::Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    self.progress
                        .received
                        .fetch_add(data.len() as u64, Ordering::Relaxed);
                }
                if self.inner.is_end_stream() {
                    self.progress.finished.store(true, Ordering::Relaxed);
                }
            }
            Poll::Ready(_) => self.progress.finished.store(true, Ordering::Relaxed),
            Poll::Pending => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

impl Drop for CountedBody {
    fn drop(&mut self) {
        self.progress.finished.store(true, Ordering::Relaxed);
    }
}

/// The answer to a request, or `408` if its body is still arriving when its time is up.
pub struct Deadline {
    inner: AppFuture,
    clock: Option<Box<Running>>,
}

struct Running {
    clock: BodyClock,
    started: Instant,
    progress: Arc<Progress>,
    sleep: Pin<Box<Sleep>>,
}

impl Running {
    fn due(&self) -> Instant {
        let mut due = self.started + self.clock.timeout;
        if self.clock.min_rate > 0 {
            let received = self.progress.received.load(Ordering::Relaxed);
            due += Duration::from_secs_f64(received as f64 / self.clock.min_rate as f64);
        }
        due
    }
}

impl Future for Deadline {
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if let Poll::Ready(answer) = Pin::new(&mut this.inner).poll(cx) {
            return Poll::Ready(answer);
        }
        let Some(running) = this.clock.as_mut() else {
            return Poll::Pending;
        };
        loop {
            if running.progress.finished.load(Ordering::Relaxed) {
                // The handler has the whole body (or no longer wants it): its own work is not
                // the client's slowness, and is not timed here.
                this.clock = None;
                return Poll::Pending;
            }
            if running.sleep.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            // The sleep ends at the deadline as it stood when set; bytes since then moved it.
            let due = running.due();
            if Instant::now() >= due {
                return Poll::Ready(Ok(body_timed_out()));
            }
            running.sleep.as_mut().reset(due);
        }
    }
}

fn body_timed_out() -> Response {
    let mut response = Response::new(axum::body::Body::from(
        "The request body took too long to arrive. Retry on a faster connection.\n",
    ));
    *response.status_mut() = StatusCode::REQUEST_TIMEOUT;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    // The rest of the body is not read: the connection cannot carry another request.
    headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_connection_limit_leaves_room_for_other_open_files() {
        assert_eq!(connections_for_open_file_limit(Some(1024)), 768);
        assert_eq!(connections_for_open_file_limit(Some(65_536)), 58_983);
        assert_eq!(connections_for_open_file_limit(Some(100)), 16);
        assert_eq!(connections_for_open_file_limit(None), 900_000);
    }

    #[test]
    fn an_ipv6_network_counts_as_one_client() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(client_key(a), client_key(b));
        assert_eq!(client_key(mapped), IpAddr::V4([192, 0, 2, 7].into()));
    }
}
