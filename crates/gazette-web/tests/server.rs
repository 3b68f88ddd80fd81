//! The server loop over real TCP connections: pages are served, a client that never finishes its
//! request is cut off, and shutdown stops the listener.

#![allow(clippy::unwrap_used)]

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::TestApp;
use gazette_web::server::{ServerOptions, serve};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

struct Running {
    address: SocketAddr,
    stop: oneshot::Sender<()>,
    server: JoinHandle<()>,
}

impl Running {
    /// Signals shutdown and waits for `serve` to return.
    async fn stop(self) {
        self.stop.send(()).unwrap();
        tokio::time::timeout(Duration::from_secs(15), self.server)
            .await
            .expect("serve returns after the shutdown signal")
            .unwrap();
    }
}

async fn start(app: &TestApp, options: ServerOptions) -> Running {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(serve(listener, app.app(), options, async {
        let _ = stopped.await;
    }));
    Running {
        address,
        stop,
        server,
    }
}

/// Sends `request` as written and reads until the server closes the connection.
async fn exchange(address: SocketAddr, request: &str) -> String {
    exchange_from([127, 0, 0, 1], address, request).await
}

/// The same from a chosen loopback address, as another reader would come from another address.
async fn exchange_from(local: [u8; 4], address: SocketAddr, request: &str) -> String {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind((local, 0).into()).unwrap();
    let mut stream = socket.connect(address).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut response))
        .await
        .expect("the server answers")
        .unwrap();
    String::from_utf8_lossy(&response).into_owned()
}

#[tokio::test]
async fn pages_and_beacons_are_served_over_real_connections() {
    let app = TestApp::init().await;
    let article = app.publish_headline("Ferry service resumes").await;
    let running = start(&app, ServerOptions::default()).await;

    let page = exchange(
        running.address,
        "GET /war/ferry-service-resumes HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(page.contains("Ferry service resumes"));

    // Two requests on one kept-alive connection, the second after the first is answered.
    let mut stream = TcpStream::connect(running.address).await.unwrap();
    let mut answered = 0;
    for _ in 0..2 {
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
            .await
            .unwrap();
        let mut buffer = [0u8; 4096];
        let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buffer))
            .await
            .unwrap()
            .unwrap();
        if String::from_utf8_lossy(&buffer[..n]).starts_with("HTTP/1.1 200") {
            answered += 1;
        }
    }
    assert_eq!(
        answered, 2,
        "a kept-alive connection serves request after request"
    );

    // Readers are told apart by their address, which the server attaches to every request:
    // two readers from two addresses count two, the same reader again counts nothing more.
    let beacon = format!(
        "POST /views/{} HTTP/1.1\r\nHost: test\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64) \
         Firefox/140.0\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        article.id
    );
    for reader in [[127, 0, 0, 2], [127, 0, 0, 3], [127, 0, 0, 2]] {
        let answer = exchange_from(reader, running.address, &beacon).await;
        assert!(answer.starts_with("HTTP/1.1 204"), "{answer}");
    }
    app.state.views.flush(app.store.as_ref()).await.unwrap();
    let counted = app.store.article(article.id).await.unwrap().unwrap();
    assert_eq!(counted.view_total, 2, "two readers, one of them twice");

    running.stop().await;
    app.finish().await;
}

#[tokio::test]
async fn a_client_that_never_finishes_its_request_is_cut_off() {
    let app = TestApp::init().await;
    let running = start(
        &app,
        ServerOptions {
            header_read_timeout: Duration::from_millis(300),
            ..ServerOptions::default()
        },
    )
    .await;
    let mut slow = TcpStream::connect(running.address).await.unwrap();
    // A request line and one header, then nothing: the slowloris pattern.
    slow.write_all(b"GET / HTTP/1.1\r\nHost: test\r\n")
        .await
        .unwrap();
    let started = Instant::now();
    let mut rest = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut rest))
        .await
        .expect("the server closes the connection instead of waiting for ever")
        .unwrap();
    assert!(
        !String::from_utf8_lossy(&rest).contains("200 OK"),
        "no page for an unfinished request"
    );
    assert!(started.elapsed() < Duration::from_secs(5));

    // Others are still served meanwhile and after.
    let page = exchange(
        running.address,
        "GET /healthz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    running.stop().await;
    app.finish().await;
}

#[tokio::test]
async fn after_shutdown_the_address_takes_no_more_connections() {
    let app = TestApp::init().await;
    let running = start(&app, ServerOptions::default()).await;
    let address = running.address;
    running.stop().await;
    assert!(TcpStream::connect(address).await.is_err());
    app.finish().await;
}
