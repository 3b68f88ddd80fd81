//! The server loop over real TCP connections: pages are served, a client that never finishes its
//! request head or body is answered 408 and cut off, connections past the limits (per address and
//! in total) are answered 503 at once, and shutdown stops the listener.

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
    app.state.reads.flush(app.store.as_ref()).await.unwrap();
    let counted = app.store.article(article.id).await.unwrap().unwrap();
    assert_eq!(counted.view_total, 2, "two readers, one of them twice");

    running.stop().await;
    app.finish().await;
}

#[tokio::test]
async fn a_client_that_never_finishes_its_request_head_is_answered_408_and_cut_off() {
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
    let rest = String::from_utf8_lossy(&rest);
    assert!(
        rest.starts_with("HTTP/1.1 408"),
        "an unfinished request is told why it ends: {rest:?}"
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

/// Opens a connection from `local` that sends `sent` and then nothing.
async fn stalled_from(local: [u8; 4], address: SocketAddr, sent: &[u8]) -> TcpStream {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind((local, 0).into()).unwrap();
    let mut stream = socket.connect(address).await.unwrap();
    stream.write_all(sent).await.unwrap();
    stream
}

const HEALTH: &str = "GET /healthz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n";

/// Asks for `/healthz` from `local` until it is served, for at most two seconds: a closed
/// connection's place is given back when the server notices the close, a moment later.
async fn served_again_from(local: [u8; 4], address: SocketAddr) -> bool {
    let until = Instant::now() + Duration::from_secs(2);
    while Instant::now() < until {
        if exchange_from(local, address, HEALTH)
            .await
            .starts_with("HTTP/1.1 200")
        {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

#[tokio::test]
async fn a_request_body_that_stalls_is_answered_408_within_the_deadline() {
    let app = TestApp::init().await;
    let running = start(
        &app,
        ServerOptions {
            body_timeout: Duration::from_millis(400),
            ..ServerOptions::default()
        },
    )
    .await;
    // Headers promising a thousand bytes, ten of them, then nothing.
    let mut slow = stalled_from(
        [127, 0, 0, 1],
        running.address,
        b"POST /newsroom/login HTTP/1.1\r\nHost: test\r\n\
          Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nemail=abcd",
    )
    .await;
    let started = Instant::now();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut answer))
        .await
        .expect("the server ends a body that stopped arriving")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.to_ascii_lowercase().contains("connection: close"));
    assert!(started.elapsed() < Duration::from_secs(3));
    running.stop().await;
    app.finish().await;
}

#[tokio::test]
async fn a_slow_body_that_keeps_arriving_earns_more_time() {
    let app = TestApp::init().await;
    let running = start(
        &app,
        ServerOptions {
            body_timeout: Duration::from_millis(300),
            // Each byte is worth 10 ms: the first part buys a second.
            body_min_rate: 100,
            ..ServerOptions::default()
        },
    )
    .await;
    let first = "email=".to_owned() + &"a".repeat(94);
    let rest = "&password=x";
    let head = format!(
        "POST /newsroom/login HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
        first.len() + rest.len()
    );
    let mut stream =
        stalled_from([127, 0, 0, 1], running.address, (head + &first).as_bytes()).await;
    // Past the base 300 ms, within the second the first hundred bytes earned.
    tokio::time::sleep(Duration::from_millis(600)).await;
    stream.write_all(rest.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer))
        .await
        .unwrap()
        .unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        !answer.starts_with("HTTP/1.1 408"),
        "a body still arriving at the agreed rate is read: {answer}"
    );
    running.stop().await;
    app.finish().await;
}

#[tokio::test]
async fn connections_past_the_per_address_limit_get_503_while_other_addresses_are_served() {
    let app = TestApp::init().await;
    let running = start(
        &app,
        ServerOptions {
            max_connections_per_address: 2,
            ..ServerOptions::default()
        },
    )
    .await;
    let crowd = [127, 0, 0, 2];
    let mut held = vec![
        stalled_from(crowd, running.address, b"").await,
        stalled_from(crowd, running.address, b"").await,
    ];

    let started = Instant::now();
    let refused = exchange_from(crowd, running.address, HEALTH).await;
    assert!(refused.starts_with("HTTP/1.1 503"), "{refused}");
    assert!(refused.contains("Retry-After: 5"), "{refused}");
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "refused at once"
    );

    let other = exchange_from([127, 0, 0, 3], running.address, HEALTH).await;
    assert!(other.starts_with("HTTP/1.1 200"), "{other}");

    // A connection that closes gives its place back.
    held.pop();
    assert!(served_again_from(crowd, running.address).await);
    drop(held);
    running.stop().await;
    app.finish().await;
}

#[tokio::test]
async fn past_the_total_connection_limit_everyone_gets_503_at_once() {
    let app = TestApp::init().await;
    let running = start(
        &app,
        ServerOptions {
            max_connections: 2,
            ..ServerOptions::default()
        },
    )
    .await;
    let held = vec![
        stalled_from([127, 0, 0, 2], running.address, b"").await,
        stalled_from([127, 0, 0, 3], running.address, b"").await,
    ];
    let started = Instant::now();
    let refused = exchange_from([127, 0, 0, 4], running.address, HEALTH).await;
    assert!(refused.starts_with("HTTP/1.1 503"), "{refused}");
    assert!(refused.contains("Retry-After"), "{refused}");
    assert!(started.elapsed() < Duration::from_secs(1));

    drop(held);
    assert!(served_again_from([127, 0, 0, 4], running.address).await);
    running.stop().await;
    app.finish().await;
}

/// One response read off a kept-alive connection: its head (status line and headers, `date`
/// left out since it changes every second) and its body, by `Content-Length`.
async fn next_response(stream: &mut TcpStream, to_head: bool) -> (String, Vec<u8>) {
    let mut received = Vec::new();
    let mut byte = [0u8; 1];
    while !received.ends_with(b"\r\n\r\n") {
        let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut byte))
            .await
            .expect("the server answers")
            .unwrap();
        assert_eq!(n, 1, "the connection closed mid-head: {received:?}");
        received.push(byte[0]);
    }
    let head = String::from_utf8(received).unwrap();
    let status_304 = head.starts_with("HTTP/1.1 304");
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length: "))
        .map_or(0, |v| v.trim().parse().unwrap());
    let mut body = vec![0u8; if to_head || status_304 { 0 } else { length }];
    tokio::time::timeout(Duration::from_secs(10), stream.read_exact(&mut body))
        .await
        .expect("the body arrives")
        .unwrap();
    let head = head
        .lines()
        .filter(|l| !l.to_ascii_lowercase().starts_with("date: "))
        .collect::<Vec<_>>()
        .join("\n");
    (head, body)
}

#[tokio::test]
async fn a_cached_page_is_answered_alike_below_hyper_and_through_it() {
    let app = TestApp::init().await;
    app.publish_headline("Night trains run again").await;
    let running = start(&app, ServerOptions::default()).await;
    let get = "GET /war/night-trains-run-again HTTP/1.1\r\nHost: test\r\nAccept-Encoding: gzip, br\r\n\r\n";

    // The first request of a connection is a miss: hyper takes the connection and the stack
    // renders the page; the next request on it is a hit answered through hyper.
    let mut through_hyper = TcpStream::connect(running.address).await.unwrap();
    through_hyper.write_all(get.as_bytes()).await.unwrap();
    let (rendered_head, _) = next_response(&mut through_hyper, false).await;
    assert!(rendered_head.starts_with("HTTP/1.1 200"), "{rendered_head}");
    through_hyper.write_all(get.as_bytes()).await.unwrap();
    let (hyper_head, hyper_body) = next_response(&mut through_hyper, false).await;
    assert_eq!(app.state.pages.fast_path_hits(), 0);

    // A new connection asking for the cached page is answered below hyper: same head, same
    // bytes, several times over on one connection.
    let mut fast = TcpStream::connect(running.address).await.unwrap();
    for _ in 0..3 {
        fast.write_all(get.as_bytes()).await.unwrap();
        let (head, body) = next_response(&mut fast, false).await;
        assert_eq!(head, hyper_head);
        assert_eq!(body, hyper_body);
        assert!(head.contains("content-encoding: br"), "{head}");
    }
    assert_eq!(app.state.pages.fast_path_hits(), 3);

    running.stop().await;
    app.finish().await;
}

#[tokio::test]
async fn the_fast_path_answers_head_and_revalidation_then_hands_other_requests_to_hyper() {
    let app = TestApp::init().await;
    let article = app.publish_headline("Grain corridor holds").await;
    let running = start(&app, ServerOptions::default()).await;
    let path = "/war/grain-corridor-holds";
    let warm = exchange(
        running.address,
        &format!("GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"),
    )
    .await;
    let etag = warm
        .lines()
        .find_map(|l| l.strip_prefix("etag: "))
        .expect("the page has an ETag")
        .to_owned();

    // Pipelined on one connection, sent at once: a HEAD, a revalidation, a GET, then a beacon
    // with a body, which only hyper may read, and a GET after it, which hyper answers too.
    let beacon = format!(
        "POST /views/{} HTTP/1.1\r\nHost: test\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64) \
         Firefox/140.0\r\nContent-Length: 0\r\n\r\n",
        article.id
    );
    let mut stream = TcpStream::connect(running.address).await.unwrap();
    let requests = [
        format!("HEAD {path} HTTP/1.1\r\nHost: test\r\n\r\n"),
        format!("GET {path} HTTP/1.1\r\nHost: test\r\nIf-None-Match: {etag}\r\n\r\n"),
        format!("GET {path} HTTP/1.1\r\nHost: test\r\n\r\n"),
        beacon,
        format!("GET {path} HTTP/1.1\r\nHost: test\r\n\r\n"),
    ];
    stream
        .write_all(requests.concat().as_bytes())
        .await
        .unwrap();
    let (head, _) = next_response(&mut stream, true).await;
    assert!(head.starts_with("HTTP/1.1 200"), "HEAD: {head}");
    let (head, body) = next_response(&mut stream, false).await;
    assert!(head.starts_with("HTTP/1.1 304"), "revalidation: {head}");
    assert!(body.is_empty());
    let (head, body) = next_response(&mut stream, false).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(String::from_utf8_lossy(&body).contains("Grain corridor holds"));
    assert_eq!(app.state.pages.fast_path_hits(), 3);
    let (head, _) = next_response(&mut stream, false).await;
    assert!(head.starts_with("HTTP/1.1 204"), "beacon: {head}");
    let (head, body) = next_response(&mut stream, false).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(String::from_utf8_lossy(&body).contains("Grain corridor holds"));
    assert_eq!(
        app.state.pages.fast_path_hits(),
        3,
        "after a hand-off, hyper serves the connection"
    );

    // A head that arrives in pieces is hyper's to read: it is answered all the same.
    let mut stream = TcpStream::connect(running.address).await.unwrap();
    stream
        .write_all(format!("GET {path} HTTP/1.1\r\nHo").as_bytes())
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    stream.write_all(b"st: test\r\n\r\n").await.unwrap();
    let (head, _) = next_response(&mut stream, false).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");

    // A client that asks to close is answered, then the connection ends.
    let answer = exchange(
        running.address,
        &format!("GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"),
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("Grain corridor holds"));
    assert_eq!(app.state.pages.fast_path_hits(), 4);

    running.stop().await;
    app.finish().await;
}
