//! The media library through the newsroom and on the public site: an editor uploads a phone photo
//! carrying GPS EXIF, features it and publishes; readers get responsive, metadata-free files.
//! Every test runs on a storage folder, and again on S3 when `GAZETTE_TEST_S3_ENDPOINT` is set
//! (`.ci/run` starts a moto server).

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::http::Request;
use common::TestApp;
use common::newsroom::{Browser, redirected_id};
use gazette_core::newsroom::Role;
use gazette_media::testing::{
    assert_no_exif, phone_photo_with_gps, pixel_bomb_png, png, s3_storage,
};
use gazette_media::{Limits, MediaLibrary, MediaStorage};
use gazette_store::PageRequest;
use hyper::body::Frame;

struct Site {
    app: TestApp,
    storage: MediaStorage,
    _dir: Option<tempfile::TempDir>,
}

/// A site on local storage, and one on S3 when a test server is configured.
async fn sites() -> Vec<Site> {
    let limits = Limits {
        max_bytes: 2 * 1024 * 1024,
        max_pixels: 4_000_000,
    };
    let mut out = Vec::new();
    let dir = tempfile::tempdir().unwrap();
    let local = MediaStorage::local(&dir.path().join("media")).unwrap();
    let s3 = s3_storage();
    if s3.is_none() {
        eprintln!("S3 part skipped: set GAZETTE_TEST_S3_ENDPOINT to run it");
    }
    for (storage, dir) in [(Some(local), Some(dir)), (s3, None)] {
        let Some(storage) = storage else { continue };
        let app = TestApp::init().await;
        let library = MediaLibrary::new(storage.clone(), app.store.clone(), limits);
        out.push(Site {
            app: app.with_media(library),
            storage,
            _dir: dir,
        });
    }
    out
}

fn multipart(browser: &Browser, filename: &str, bytes: &[u8], alt: &str) -> Request<Body> {
    multipart_with(browser, filename, bytes, &[("alt", alt)])
}

fn multipart_with(
    browser: &Browser,
    filename: &str,
    bytes: &[u8],
    fields: &[(&str, &str)],
) -> Request<Body> {
    let mut all = vec![("csrf", browser.csrf.as_str())];
    all.extend_from_slice(fields);
    upload_request(browser, Body::from(form_body(&all, filename, bytes)))
}

const BOUNDARY: &str = "gazette-test-boundary-7d1f";

/// A multipart body: the text `fields` in order, then the file.
fn form_body(fields: &[(&str, &str)], filename: &str, bytes: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn upload_request(browser: &Browser, body: Body) -> Request<Body> {
    Request::post("/newsroom/media")
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header("cookie", &browser.cookie)
        .header("x-forwarded-for", &browser.address)
        .body(body)
        .unwrap()
}

/// A request body handed to the server 16 KB at a time, counting how much of it was taken: what
/// a client on a real connection would have had to send.
struct Trickle {
    chunks: VecDeque<Bytes>,
    taken: Arc<AtomicUsize>,
}

fn trickle(bytes: Vec<u8>) -> (Body, Arc<AtomicUsize>) {
    let taken = Arc::new(AtomicUsize::new(0));
    let chunks = Bytes::from(bytes)
        .chunks(16 * 1024)
        .map(Bytes::copy_from_slice)
        .collect();
    let body = Trickle {
        chunks,
        taken: taken.clone(),
    };
    (Body::new(body), taken)
}

impl hyper::body::Body for Trickle {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let next = self.chunks.pop_front();
        if let Some(chunk) = &next {
            self.taken.fetch_add(chunk.len(), Ordering::SeqCst);
        }
        Poll::Ready(next.map(|chunk| Ok(Frame::data(chunk))))
    }
}

async fn draft(app: &TestApp, browser: &Browser, headline: &str) -> i64 {
    let author = browser.user.author_id.unwrap_or(app.olena).to_string();
    let war = app.war.to_string();
    let response = app
        .post_as(
            browser,
            "/newsroom/articles",
            &[
                ("headline", headline),
                ("standfirst", "What happened."),
                ("body", "First paragraph."),
                ("section", &war),
                ("author", &author),
                ("language", "en"),
                ("intent", "save"),
            ],
        )
        .await;
    assert_eq!(response.status, 303, "{}", response.body);
    redirected_id(&response)
}

#[tokio::test]
async fn an_editor_features_a_phone_photo_and_readers_get_variants_without_gps() {
    for site in sites().await {
        let app = &site.app;
        let editor = app.signed_in("ed@news.test", Role::Editor).await;
        let uploaded = app
            .request(multipart(
                &editor,
                "IMG_2041.jpg",
                &phone_photo_with_gps(),
                "Test pattern",
            ))
            .await;
        assert_eq!(uploaded.status, 303, "{}", uploaded.body);
        let library = app.get_as(&editor, "/newsroom/media").await;
        assert!(library.body.contains("IMG_2041.jpg"), "{}", library.body);
        let media = app
            .store
            .media_list(PageRequest::new(1, 10))
            .await
            .unwrap()
            .items
            .remove(0);

        let id = draft(app, &editor, "Harbour reopens").await;
        let featured = app
            .post_as(
                &editor,
                &format!("/newsroom/articles/{id}/featured"),
                &[("media_id", &media.id.to_string())],
            )
            .await;
        assert_eq!(featured.status, 303, "{}", featured.body);
        let published = app
            .post_as(
                &editor,
                &format!("/newsroom/articles/{id}/workflow"),
                &[("action", "publish")],
            )
            .await;
        assert_eq!(published.status, 303, "{}", published.body);

        let page = app.get("/war/harbour-reopens").await;
        assert_eq!(page.status, 200);
        // WebP is offered when it is the smaller download (its files are lossless).
        let bytes = |format: &str| -> u64 {
            media
                .variants
                .iter()
                .filter(|v| v.format == format)
                .map(|v| v.bytes)
                .sum()
        };
        let webp = page.attrs("figure.featured source[type='image/webp']", "srcset");
        if bytes("webp") <= bytes("jpeg") {
            assert!(webp[0].contains(".webp 32w"), "{webp:?}");
        } else {
            assert!(webp.is_empty(), "{webp:?}");
        }
        let img = page.attrs("figure.featured img", "srcset");
        assert!(img[0].contains(".jpeg 32w"), "{img:?}");
        assert_eq!(page.attrs("figure.featured img", "width"), ["32"]);
        assert_eq!(page.attrs("figure.featured img", "height"), ["64"]);
        assert_eq!(page.attrs("figure.featured img", "alt"), ["Test pattern"]);
        let og = page.attrs("meta[property='og:image']", "content");
        assert!(og[0].starts_with("https://news.test/media/"), "{og:?}");
        assert!(
            page.body.contains(r#""image":{"#),
            "JSON-LD names the image"
        );

        let keys = site.storage.keys().await.unwrap();
        assert_eq!(keys.len(), 2);
        for key in keys {
            let served = app.get(&format!("/media/{key}")).await;
            assert_eq!(served.status, 200);
            assert_eq!(
                served.header("cache-control"),
                "public, max-age=31536000, immutable"
            );
            assert!(served.header("content-type").starts_with("image/"));
            assert_no_exif(&site.storage.get(&key).await.unwrap().unwrap());
        }
        assert_eq!(app.get("/media/..%2Fgazette.db").await.status, 404);
        assert_eq!(
            app.get("/media/0123456789abcdef-320.webp").await.status,
            404
        );
    }
}

#[tokio::test]
async fn an_article_whose_featured_image_has_no_alt_text_is_not_published() {
    for site in sites().await {
        let app = &site.app;
        let editor = app.signed_in("ed@news.test", Role::Editor).await;
        let uploaded = app
            .request(multipart(&editor, "chart.png", &png(400, 300), ""))
            .await;
        assert_eq!(uploaded.status, 303, "{}", uploaded.body);
        let media = app
            .store
            .media_list(PageRequest::new(1, 10))
            .await
            .unwrap()
            .items
            .remove(0);
        let id = draft(app, &editor, "Chart of the week").await;
        app.post_as(
            &editor,
            &format!("/newsroom/articles/{id}/featured"),
            &[("media_id", &media.id.to_string())],
        )
        .await;
        let refused = app
            .post_as(
                &editor,
                &format!("/newsroom/articles/{id}/workflow"),
                &[("action", "publish")],
            )
            .await;
        assert_eq!(refused.status, 400);
        assert!(refused.body.contains("has no alt text"), "{}", refused.body);
        assert_eq!(app.get("/war/chart-of-the-week").await.status, 404);

        // Described in the library, it publishes; a graphic gets WebP (smaller than its PNG).
        let described = app
            .post_as(
                &editor,
                &format!("/newsroom/media/{}", media.id),
                &[
                    ("alt", "Bar chart of exports"),
                    ("caption", "Exports"),
                    ("credit", "Chart: Desk"),
                ],
            )
            .await;
        assert_eq!(described.status, 303, "{}", described.body);
        let published = app
            .post_as(
                &editor,
                &format!("/newsroom/articles/{id}/workflow"),
                &[("action", "publish")],
            )
            .await;
        assert_eq!(published.status, 303, "{}", published.body);
        let page = app.get("/war/chart-of-the-week").await;
        let webp = page.attrs("figure.featured source[type='image/webp']", "srcset");
        assert!(
            webp[0].contains(".webp 320w") && webp[0].contains(".webp 400w"),
            "{webp:?}"
        );
        let img = page.attrs("figure.featured img", "srcset");
        assert!(
            img[0].contains(".png 320w") && img[0].contains(".png 400w"),
            "{img:?}"
        );
        assert_eq!(
            page.text("figure.featured figcaption"),
            "Exports — Chart: Desk"
        );
    }
}

#[tokio::test]
async fn uploads_that_are_not_safe_images_get_a_clear_400_and_store_nothing() {
    let mut truncated = phone_photo_with_gps();
    truncated.truncate(truncated.len() - 40);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "logo.svg",
            br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>"#.to_vec(),
            "SVG files are not accepted",
        ),
        ("notes.txt", b"Just some text".to_vec(), "not an image"),
        ("cut.jpg", truncated, "truncated"),
        ("bomb.png", pixel_bomb_png(), "too many pixels"),
    ];
    for site in sites().await {
        let app = &site.app;
        let editor = app.signed_in("ed@news.test", Role::Editor).await;
        for (name, bytes, message) in &cases {
            let response = app.request(multipart(&editor, name, bytes, "x")).await;
            assert_eq!(response.status, 400, "{name}: {}", response.body);
            assert!(response.body.contains(message), "{name}: {}", response.body);
        }
        assert!(site.storage.keys().await.unwrap().is_empty());
        assert_eq!(
            app.store
                .media_list(PageRequest::new(1, 10))
                .await
                .unwrap()
                .total,
            0
        );
        // Without the form's token nothing is even read.
        let mut forged = editor.clone();
        forged.csrf = "forged".into();
        let response = app
            .request(multipart(&forged, "a.png", &png(10, 10), "x"))
            .await;
        assert_eq!(response.status, 403);
    }
}

#[tokio::test]
async fn an_image_uploaded_from_the_editor_becomes_the_featured_image() {
    for site in sites().await {
        let app = &site.app;
        let editor = app.signed_in("ed@news.test", Role::Editor).await;
        let id = draft(app, &editor, "Bridge repaired").await;
        let request = multipart_with(
            &editor,
            "bridge.png",
            &png(700, 400),
            &[
                ("alt", "The repaired bridge"),
                ("feature_on", &id.to_string()),
            ],
        );
        let response = app.request(request).await;
        assert_eq!(response.status, 303, "{}", response.body);
        assert_eq!(
            response.header("location"),
            format!("/newsroom/articles/{id}")
        );
        let featured = app.store.featured_media(&[id]).await.unwrap();
        assert_eq!(featured[&id].alt, "The repaired bridge");
        let editor_page = app
            .get_as(&editor, &format!("/newsroom/articles/{id}"))
            .await;
        assert!(editor_page.body.contains("The repaired bridge"));

        // A contributor cannot feature an image on someone else's article.
        let contributor = app.signed_in("co@news.test", Role::Contributor).await;
        let refused = app
            .request(multipart_with(
                &contributor,
                "x.png",
                &png(10, 10),
                &[("alt", "x"), ("feature_on", &id.to_string())],
            ))
            .await;
        assert_eq!(refused.status, 403, "{}", refused.body);
        assert_eq!(
            app.store
                .media_list(PageRequest::new(1, 10))
                .await
                .unwrap()
                .total,
            1
        );
        let media_id = featured[&id].id;
        let renamed = app
            .post_as(
                &contributor,
                &format!("/newsroom/media/{media_id}"),
                &[("alt", "Something else")],
            )
            .await;
        assert_eq!(renamed.status, 403, "{}", renamed.body);
    }
}

#[tokio::test]
async fn a_script_upload_gets_the_markdown_to_insert_or_the_reason_as_json() {
    for site in sites().await {
        let app = &site.app;
        let editor = app.signed_in("ed@news.test", Role::Editor).await;
        let mut request = multipart(&editor, "map.png", &png(500, 500), "");
        request
            .headers_mut()
            .insert("accept", "application/json".parse().unwrap());
        let response = app.request(request).await;
        assert_eq!(response.status, 200, "{}", response.body);
        let answer: serde_json::Value = serde_json::from_str(&response.body).unwrap();
        let markdown = answer["markdown"].as_str().unwrap();
        assert!(markdown.starts_with("![](/media/"), "{markdown}");
        assert!(markdown.ends_with("-500.png)"), "{markdown}");

        let mut request = multipart(&editor, "notes.txt", b"plain words", "");
        request
            .headers_mut()
            .insert("accept", "application/json".parse().unwrap());
        let response = app.request(request).await;
        assert_eq!(response.status, 400);
        let answer: serde_json::Value = serde_json::from_str(&response.body).unwrap();
        assert!(answer["error"].as_str().unwrap().contains("not an image"));
    }
}

/// An upload the server must refuse, 8 MB of it (four times the test sites' limit).
fn big_file() -> Vec<u8> {
    vec![0x89; 8 * 1024 * 1024]
}

async fn nothing_stored(site: &Site) {
    assert!(site.storage.keys().await.unwrap().is_empty());
    let stored = site.app.store.media_list(PageRequest::new(1, 10)).await;
    assert_eq!(stored.unwrap().total, 0);
}

#[tokio::test]
async fn an_upload_without_a_valid_token_or_session_is_refused_before_its_file_is_read() {
    // A refusal may take the chunk holding the token and the one after; never the file.
    let small_bound = 64 * 1024;
    for site in sites().await {
        let app = &site.app;
        let editor = app.signed_in("ed@news.test", Role::Editor).await;

        let (body, taken) = trickle(form_body(&[("csrf", "forged")], "a.png", &big_file()));
        let response = app.request(upload_request(&editor, body)).await;
        assert_eq!(response.status, 403, "{}", response.body);
        assert!(
            response.body.contains("security token"),
            "{}",
            response.body
        );
        let read = taken.load(Ordering::SeqCst);
        assert!(
            read <= small_bound,
            "a forged upload was read to byte {read}"
        );

        // The right token, but after the file: the file arrives before anything vouches for it.
        let mut body = form_body(&[], "a.png", &big_file());
        body.truncate(body.len() - format!("--{BOUNDARY}--\r\n").len());
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{}\r\n--{BOUNDARY}--\r\n",
                editor.csrf
            )
            .as_bytes(),
        );
        let (body, taken) = trickle(body);
        let response = app.request(upload_request(&editor, body)).await;
        assert_eq!(response.status, 403, "{}", response.body);
        let read = taken.load(Ordering::SeqCst);
        assert!(
            read <= small_bound,
            "a file before the token was read to byte {read}"
        );

        // Signed out: sent to sign in, the upload unread.
        let mut stranger = editor.clone();
        stranger.cookie = "gazette_session=not-a-session".into();
        let (body, taken) = trickle(form_body(&[("csrf", &editor.csrf)], "a.png", &big_file()));
        let response = app.request(upload_request(&stranger, body)).await;
        assert_eq!(response.status, 303, "{}", response.body);
        assert!(response.header("location").starts_with("/newsroom/login"));
        let read = taken.load(Ordering::SeqCst);
        assert!(
            read <= small_bound,
            "a signed-out upload was read to byte {read}"
        );
        nothing_stored(&site).await;

        // A script may send the token as a header, and the file first.
        let mut request =
            upload_request(&editor, Body::from(form_body(&[], "a.png", &png(10, 10))));
        request
            .headers_mut()
            .insert("x-csrf-token", editor.csrf.parse().unwrap());
        let response = app.request(request).await;
        assert_eq!(response.status, 303, "{}", response.body);
        let mut request =
            upload_request(&editor, Body::from(form_body(&[], "a.png", &png(10, 10))));
        request
            .headers_mut()
            .insert("x-csrf-token", "forged".parse().unwrap());
        assert_eq!(app.request(request).await.status, 403);
    }
}

#[tokio::test]
async fn an_oversize_upload_is_refused_with_413_as_it_arrives_and_nothing_is_stored() {
    for site in sites().await {
        let app = &site.app;
        let editor = app.signed_in("ed@news.test", Role::Editor).await;
        let (body, taken) = trickle(form_body(
            &[("csrf", &editor.csrf), ("alt", "A big one")],
            "huge.png",
            &big_file(),
        ));
        let response = app.request(upload_request(&editor, body)).await;
        assert_eq!(response.status, 413, "{}", response.body);
        assert!(response.body.contains("at most 2 MB"), "{}", response.body);
        assert!(
            response
                .body
                .contains("<title>File too large · Newsroom</title>"),
            "the newsroom's own error page: {}",
            response.body
        );
        let read = taken.load(Ordering::SeqCst);
        assert!(
            read <= 2 * 1024 * 1024 + 64 * 1024,
            "reading went on past the limit, to byte {read}"
        );
        nothing_stored(&site).await;

        // A script gets the reason as JSON.
        let (body, _) = trickle(form_body(
            &[("csrf", &editor.csrf)],
            "huge.png",
            &big_file(),
        ));
        let mut request = upload_request(&editor, body);
        request
            .headers_mut()
            .insert("accept", "application/json".parse().unwrap());
        let response = app.request(request).await;
        assert_eq!(response.status, 413);
        let answer: serde_json::Value = serde_json::from_str(&response.body).unwrap();
        assert!(answer["error"].as_str().unwrap().contains("at most 2 MB"));
        nothing_stored(&site).await;
    }
}
