//! The server loop: accepts TCP connections and serves HTTP/1.1 on each with [`App`].
//!
//! Written out rather than `axum::serve` for what a public news site needs from it:
//! - a **header read timeout**: a client that opens connections and never finishes a request
//!   (slowloris) is cut off instead of holding a connection and a file descriptor for ever;
//! - **HTTP/1.1 only** (HTTP/2 is for the proxy or CDN in front), without the per-connection
//!   protocol sniffing and upgrade support `axum::serve` carries on every read;
//! - a failed `accept` (out of file descriptors) is logged and retried after a pause, not a busy
//!   loop;
//! - on shutdown, requests in flight finish (for a bounded time) before the caller flushes views.

use std::future::Future;
use std::time::Duration;

use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;

use crate::App;

/// How the server treats its connections.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// A request's line and headers must arrive within this, or the connection is closed. It also
    /// bounds how long an idle keep-alive connection is kept.
    pub header_read_timeout: Duration,
    /// How long requests in flight are given to finish at shutdown.
    pub shutdown_grace: Duration,
}

impl Default for ServerOptions {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

/// Serves `app` on `listener` until `shutdown` completes, then lets the requests in flight
/// finish. Each request carries the client's address as `ConnectInfo<SocketAddr>`.
pub async fn serve(
    listener: TcpListener,
    app: App,
    options: ServerOptions,
    shutdown: impl Future<Output = ()>,
) {
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(options.header_read_timeout);
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
        // A response goes out in one write; waiting to coalesce it with the next only adds delay.
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
            app.answer(request, remote)
        });
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                // Clients hang up mid-response all the time; only worth a look when debugging.
                tracing::debug!(error = %e, %remote, "connection ended with an error");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(options.shutdown_grace, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("some requests were still running at shutdown; stopped them");
    }
}
