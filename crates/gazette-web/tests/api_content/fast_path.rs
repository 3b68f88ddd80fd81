//! Over real connections: a cached Content API answer is served by the server's fast path, like
//! a cached page, while a keyed request (by header or query) goes past it and is counted.

use std::time::Duration;

use gazette_web::server::{ServerOptions, serve};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::common::{TestApp, now};

/// Sends `request` on a new connection and reads until the server closes it.
async fn exchange(address: std::net::SocketAddr, request: &str) -> String {
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut response))
        .await
        .expect("the server answers")
        .unwrap();
    String::from_utf8_lossy(&response).into_owned()
}

#[tokio::test]
async fn cached_answers_take_the_fast_path_and_keyed_requests_do_not() {
    let app = TestApp::init().await;
    app.publish_headline("Night trains run again").await;
    let secret = "gzk_fast_path";
    app.store
        .create_content_api_key(
            gazette_store::api_keys::NewContentApiKey {
                name: "App".into(),
                prefix: secret.into(),
                key_hash: gazette_web::api::content::keys::key_hash(secret),
                rate_limit: 100,
            },
            None,
            now(),
        )
        .await
        .unwrap();
    app.settle().await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(
        listener,
        app.app(),
        ServerOptions::default(),
        async {
            let _ = stopped.await;
        },
    ));
    let get = |extra: &str, target: &str| {
        format!("GET {target} HTTP/1.1\r\nHost: test\r\n{extra}Connection: close\r\n\r\n")
    };

    let first = exchange(address, &get("", "/api/v1/articles")).await;
    assert!(first.starts_with("HTTP/1.1 200"), "{first}");
    let hits = app.state.pages.fast_path_hits();
    let cached = exchange(address, &get("", "/api/v1/articles")).await;
    assert!(cached.contains("Night trains run again"), "{cached}");
    assert!(
        cached.contains("access-control-allow-origin: *"),
        "{cached}"
    );
    assert_eq!(app.state.pages.fast_path_hits(), hits + 1);

    let by_header = exchange(
        address,
        &get("X-Gazette-Key: gzk_fast_path\r\n", "/api/v1/articles"),
    )
    .await;
    assert!(by_header.starts_with("HTTP/1.1 200"), "{by_header}");
    let by_query = exchange(address, &get("", "/api/v1/articles?key=gzk_fast_path")).await;
    assert!(by_query.starts_with("HTTP/1.1 200"), "{by_query}");
    let refused = exchange(address, &get("", "/api/v1/articles?key=gzk_wrong")).await;
    assert!(refused.starts_with("HTTP/1.1 401"), "{refused}");
    assert_eq!(app.state.pages.fast_path_hits(), hits + 1);

    tokio::time::sleep(Duration::from_millis(1600)).await;
    let key = app.store.content_api_keys().await.unwrap().remove(0);
    assert_eq!(key.request_count, 2);

    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(15), server)
        .await
        .unwrap()
        .unwrap();
    app.finish().await;
}
