//! Images and live entries through the Admin API, with the newsroom's processing and rules.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use gazette_core::live::Coverage;
use gazette_core::newsroom::Role;
use gazette_media::testing::png;
use gazette_media::{Limits, MediaLibrary, MediaStorage};
use gazette_store::PageRequest;
use serde_json::json;

use super::common::TestApp;
use super::{call, draft, person_with_token, send};

fn upload(secret: &str, parts: &[(&str, Option<&str>, &[u8])]) -> Request<Body> {
    let boundary = "gazette-test-boundary";
    let mut body = Vec::new();
    for (name, filename, bytes) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match filename {
            Some(f) => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: image/png\r\n\r\n").as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    Request::post("/api/admin/v1/media")
        .header("authorization", format!("Bearer {secret}"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn an_image_is_uploaded_with_its_alt_text_and_refused_without() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::init().await;
    let storage = MediaStorage::local(&dir.path().join("media")).unwrap();
    let limits = Limits {
        max_bytes: 1024 * 1024,
        max_pixels: 4_000_000,
    };
    let library = MediaLibrary::new(storage, app.store.clone(), limits);
    let app = app.with_media(library);
    let (_, secret) = person_with_token(&app, "olena@news.test", Role::Editor).await;
    let image = png(640, 480);

    let no_alt = send(&app, upload(&secret, &[("file", Some("a.png"), &image)])).await;
    assert_eq!(
        no_alt.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        no_alt.response.body
    );
    let unknown = send(
        &app,
        upload(&secret, &[("alt", None, b"x"), ("feature_on", None, b"1")]),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    let big = vec![0u8; 2 * 1024 * 1024];
    let too_big = send(
        &app,
        upload(
            &secret,
            &[("alt", None, b"x"), ("file", Some("big.png"), &big)],
        ),
    )
    .await;
    assert_eq!(
        too_big.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        too_big.response.body
    );
    let not_image = send(
        &app,
        upload(
            &secret,
            &[("alt", None, b"x"), ("file", Some("a.png"), b"hello")],
        ),
    )
    .await;
    assert_eq!(not_image.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.store
            .media_list(PageRequest::new(1, 10))
            .await
            .unwrap()
            .total,
        0,
        "nothing stored"
    );

    let stored = send(
        &app,
        upload(
            &secret,
            &[
                ("file", Some("tram.png"), &image),
                ("alt", None, "A tram in the snow".as_bytes()),
            ],
        ),
    )
    .await;
    assert_eq!(
        stored.status,
        StatusCode::CREATED,
        "{}",
        stored.response.body
    );
    assert_eq!(stored.json["alt"], "A tram in the snow");
    assert!(
        !stored.json["variants"].as_array().unwrap().is_empty(),
        "the newsroom's sizes"
    );
    assert!(
        stored.json["markdown"]
            .as_str()
            .unwrap()
            .starts_with("![A tram in the snow]")
    );
    app.finish().await;
}

#[tokio::test]
async fn live_entries_are_posted_with_the_newsrooms_rules() {
    let app = TestApp::init().await;
    let (_, editor) = person_with_token(&app, "olena@news.test", Role::Editor).await;
    let (_, contributor) = person_with_token(&app, "intern@news.test", Role::Contributor).await;
    let (id, _) = draft(&app, &editor, "Live: the night").await;
    let path = format!("/api/admin/v1/articles/{id}/live/entries");
    let entry = json!({"body_markdown": "Sirens in the east."});

    let not_live = call(
        &app,
        Method::POST,
        &path,
        Some(&editor),
        Some(entry.clone()),
    )
    .await;
    assert_eq!(
        not_live.status,
        StatusCode::CONFLICT,
        "{}",
        not_live.response.body
    );

    app.store
        .set_coverage(id, Some(Coverage::Live), None, app.state.now())
        .await
        .unwrap();
    let posted = call(
        &app,
        Method::POST,
        &path,
        Some(&editor),
        Some(entry.clone()),
    )
    .await;
    assert_eq!(
        posted.status,
        StatusCode::CREATED,
        "{}",
        posted.response.body
    );
    assert_eq!(posted.json["status"], "published");

    let empty = call(
        &app,
        Method::POST,
        &path,
        Some(&editor),
        Some(json!({"body_markdown": "  "})),
    )
    .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);

    // A contributor may not read a colleague's unpublished article, so may not post to it.
    let refused = call(&app, Method::POST, &path, Some(&contributor), Some(entry)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    app.finish().await;
}
