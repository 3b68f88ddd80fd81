//! The page cache, HTTP caching and view counting, as readers and CDNs see them. Every test runs
//! on SQLite, and on PostgreSQL when `GAZETTE_TEST_POSTGRES_URL` is set.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::Read;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use base64::Engine;
use common::TestApp;
use gazette_core::ArticleStatus;
use gazette_store::Backend;
use gazette_web::SiteConfig;
use sha2::{Digest, Sha256};

on_sqlite_and_postgres!(
    a_head_request_never_blanks_a_page,
    each_encoding_has_its_own_etag_and_revalidates,
    parameters_a_page_does_not_read_share_its_cached_copy,
    a_known_outage_is_answered_at_once_until_the_database_is_back,
    a_cached_page_is_served_when_the_database_is_down,
    a_repeat_visit_gets_304_with_the_etag,
    a_new_article_appears_on_every_list_it_belongs_in,
    a_corrected_headline_changes_every_page_that_shows_it,
    an_unpublished_article_disappears_everywhere_at_once,
    a_site_setting_changes_every_page,
    a_stale_page_is_served_when_rendering_fails,
    concurrent_requests_for_a_missing_page_render_it_once,
    every_encoding_carries_the_same_page,
    cdn_headers_name_what_the_page_shows,
    the_cache_stays_within_its_memory_bound,
    beacons_from_distinct_readers_add_exactly_their_number,
    a_reader_is_counted_once_a_day,
    bots_and_prefetches_are_not_counted,
    readers_without_javascript_are_counted_by_the_pixel,
    the_beacon_script_is_allowed_by_its_hash_and_nothing_else_inline,
);

async fn app(backend: Backend) -> TestApp {
    TestApp::on(backend, TestApp::config()).await
}

async fn app_with(backend: Backend, config: SiteConfig) -> TestApp {
    TestApp::on(backend, config).await
}

fn get_with(path: &str, headers: &[(&str, &str)]) -> Request<Body> {
    let mut request = Request::get(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.body(Body::empty()).unwrap()
}

fn beacon(id: i64, address: &str, user_agent: &str) -> Request<Body> {
    Request::post(format!("/views/{id}"))
        .header("x-forwarded-for", address)
        .header("user-agent", user_agent)
        .body(Body::empty())
        .unwrap()
}

const BROWSER: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";

async fn views_of(app: &TestApp, id: i64) -> i64 {
    app.state.reads.flush(app.store.as_ref()).await.unwrap();
    app.store.article(id).await.unwrap().unwrap().view_total
}

// ---------------------------------------------------------------- the cache

/// A HEAD on a page that is not cached, or whose copy is stale, used to store the HEAD's empty
/// body as the page: every reader then got a blank 200 until it expired. Every kind of public
/// page, cold and stale, must answer the HEAD with headers only and the next GET in full.
async fn a_head_request_never_blanks_a_page(backend: Backend) {
    let mut config = TestApp::config();
    config.cache.fresh_for = Duration::from_millis(200);
    let app = app_with(backend, config).await;
    let drones = app.store.ensure_tag("Drones").await.unwrap();
    let mut article = app.article("Heads up");
    article.tag_ids = vec![drones.id];
    app.publish(article).await;
    app.store
        .put_page(&gazette_core::StaticPage {
            slug: common::slug("about"),
            title: "About us".into(),
            body_markdown: "Who we are.".into(),
            body_html: "<p>Who we are.</p>".into(),
        })
        .await
        .unwrap();
    let pages = [
        "/",
        "/war/heads-up",
        "/war",
        "/tags/drones",
        "/authors/olena-marchenko",
        "/pages/about",
    ];
    let head = |path: &str| Request::head(path).body(Body::empty()).unwrap();
    for round in ["cold", "stale"] {
        if round == "stale" {
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        for path in pages {
            let answer = app.request(head(path)).await;
            assert_eq!(answer.status, StatusCode::OK, "HEAD {path} ({round})");
            assert!(answer.body.is_empty(), "HEAD {path} has no body ({round})");
            let page = app.get(path).await;
            assert_eq!(page.status, StatusCode::OK, "GET {path} ({round})");
            assert!(
                page.count("h1") == 1 && page.count("footer") >= 1,
                "GET {path} after a HEAD is the whole page ({round}): {:?}",
                page.body.get(..200)
            );
            assert_eq!(
                page.header("content-length"),
                page.body.len().to_string(),
                "GET {path}: the length sent is the page's ({round})"
            );
        }
    }
    app.finish().await;
}

async fn a_cached_page_is_served_when_the_database_is_down(backend: Backend) {
    let app = app(backend).await;
    app.publish_headline("Kept in memory").await;
    let first = app.get("/war/kept-in-memory").await;
    assert_eq!(first.status, StatusCode::OK);
    app.store.close().await;
    let second = app.get("/war/kept-in-memory").await;
    assert_eq!(
        second.status,
        StatusCode::OK,
        "served from the cache with no database"
    );
    assert_eq!(second.body, first.body);
    let uncached = app.get("/culture").await;
    assert_eq!(uncached.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(uncached.header("retry-after"), "30");
    assert!(uncached.text("h1").contains("unavailable"));
    app.finish().await;
}

async fn a_repeat_visit_gets_304_with_the_etag(backend: Backend) {
    let app = app(backend).await;
    app.publish_headline("Conditional").await;
    let first = app.get("/war/conditional").await;
    let etag = first.header("etag").to_owned();
    assert!(etag.starts_with('"') && etag.len() > 10, "{etag}");
    assert!(!first.header("last-modified").is_empty());
    assert!(first.header("cache-control").contains("stale-if-error"));
    let again = app
        .request(get_with("/war/conditional", &[("if-none-match", &etag)]))
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    assert_eq!(again.header("etag"), etag);
    let other = app
        .request(get_with(
            "/war/conditional",
            &[("if-none-match", "\"nope\"")],
        ))
        .await;
    assert_eq!(other.status, StatusCode::OK);
    app.finish().await;
}

async fn a_new_article_appears_on_every_list_it_belongs_in(backend: Backend) {
    let app = app(backend).await;
    let drones = app.store.ensure_tag("Drones").await.unwrap();
    app.publish_headline("Older story").await;
    for path in ["/", "/war", "/tags/drones", "/authors/olena-marchenko"] {
        assert!(!app.get(path).await.body.contains("Fresh drone story"));
    }
    let renders = app.state.pages.renders();
    let mut fresh = app.article("Fresh drone story");
    fresh.tag_ids = vec![drones.id];
    app.publish(fresh).await;
    for path in [
        "/",
        "/war",
        "/tags/drones",
        "/authors/olena-marchenko",
        "/war/older-story",
    ] {
        let page = app.get(path).await;
        assert!(
            page.body.contains("Fresh drone story"),
            "{path} does not show the new article"
        );
    }
    assert!(
        app.state.pages.renders() > renders,
        "pages were rendered again"
    );
    // Pages that do not show it are left alone.
    let culture_before = app.state.pages.renders();
    app.get("/culture").await;
    app.get("/culture").await;
    assert_eq!(app.state.pages.renders(), culture_before + 1);
    app.finish().await;
}

async fn a_corrected_headline_changes_every_page_that_shows_it(backend: Backend) {
    let app = app(backend).await;
    let article = app.publish_headline("Bridge reopens in Kyv").await;
    app.publish_headline("Neighbouring story").await;
    for path in [
        "/",
        "/war",
        "/war/neighbouring-story",
        "/war/bridge-reopens-in-kyv",
    ] {
        assert!(
            app.get(path).await.body.contains("Bridge reopens in Kyv"),
            "{path}"
        );
    }
    app.store
        .update_article(
            article.id,
            app.article("Bridge reopens in Kyiv"),
            common::now(),
        )
        .await
        .unwrap();
    for path in [
        "/",
        "/war",
        "/war/neighbouring-story",
        "/war/bridge-reopens-in-kyv",
    ] {
        let page = app.get(path).await;
        assert!(
            page.body.contains("Bridge reopens in Kyiv"),
            "{path} still shows the old headline"
        );
        assert!(!page.body.contains("Bridge reopens in Kyv<"), "{path}");
    }
    app.finish().await;
}

async fn an_unpublished_article_disappears_everywhere_at_once(backend: Backend) {
    let app = app(backend).await;
    let article = app.publish_headline("Story to withdraw").await;
    app.publish_headline("Story that stays").await;
    assert_eq!(
        app.get("/war/story-to-withdraw").await.status,
        StatusCode::OK
    );
    assert!(app.get("/").await.body.contains("Story to withdraw"));
    app.store
        .set_article_status(article.id, ArticleStatus::Unpublished, None, common::now())
        .await
        .unwrap();
    assert_eq!(
        app.get("/war/story-to-withdraw").await.status,
        StatusCode::GONE
    );
    for path in ["/", "/war", "/war/story-that-stays"] {
        assert!(
            !app.get(path).await.body.contains("Story to withdraw"),
            "{path} still shows it"
        );
    }
    app.finish().await;
}

async fn a_site_setting_changes_every_page(backend: Backend) {
    let app = app(backend).await;
    app.publish_headline("Any story").await;
    for path in ["/", "/war", "/war/any-story"] {
        assert!(app.get(path).await.body.contains("The Test Dispatch"));
    }
    app.store
        .set_setting("site.name", "The Renamed Dispatch")
        .await
        .unwrap();
    for path in ["/", "/war", "/war/any-story"] {
        assert!(
            app.get(path).await.body.contains("The Renamed Dispatch"),
            "{path}"
        );
    }
    app.finish().await;
}

async fn a_stale_page_is_served_when_rendering_fails(backend: Backend) {
    let mut config = TestApp::config();
    config.cache.fresh_for = Duration::from_millis(50);
    let app = app_with(backend, config).await;
    app.publish_headline("Stale but served").await;
    let first = app.get("/war/stale-but-served").await;
    tokio::time::sleep(Duration::from_millis(120)).await;
    let renders = app.state.pages.renders();
    let stale = app.get("/war/stale-but-served").await;
    assert_eq!(stale.body, first.body, "the stale copy answers at once");
    eventually("a stale page is rendered again in the background", || {
        app.state.pages.renders() == renders + 1
    })
    .await;
    tokio::time::sleep(Duration::from_millis(120)).await;
    app.store.close().await;
    let during_outage = app.get("/war/stale-but-served").await;
    assert_eq!(during_outage.status, StatusCode::OK, "stale-if-error");
    assert_eq!(during_outage.text("h1"), first.text("h1"));
    app.finish().await;
}

/// On SQLite, a database that makes reads wait (another process holding it locked) must not stall
/// the server: article pages are read on blocking threads, so the one async worker here keeps
/// answering cached pages while eight uncached pages wait. Read on the worker, those eight waits
/// (two seconds each) would come first, one after another.
#[tokio::test(flavor = "current_thread")]
async fn a_locked_sqlite_database_does_not_stall_cached_pages() {
    use tower::ServiceExt;
    let app = app(Backend::Sqlite).await;
    app.publish_headline("Cached before the lock").await;
    for i in 0..8 {
        app.publish_headline(&format!("Waiting for the lock {i}"))
            .await;
    }
    let cached = app.get("/war/cached-before-the-lock").await;
    assert_eq!(cached.status, StatusCode::OK);
    app.hold_page_reads(true);
    let started = std::time::Instant::now();
    let waiting: Vec<_> = (0..8)
        .map(|i| {
            let request = get_with(&format!("/war/waiting-for-the-lock-{i}"), &[]);
            tokio::spawn(app.app().oneshot(request))
        })
        .collect();
    // Let the uncached requests start before the cached one is asked for.
    tokio::time::sleep(Duration::from_millis(10)).await;
    let answer = app
        .app()
        .oneshot(get_with("/war/cached-before-the-lock", &[]))
        .await
        .unwrap();
    let waited = started.elapsed();
    assert_eq!(answer.status(), StatusCode::OK);
    assert!(
        waited < Duration::from_millis(1000),
        "the cached page waited {waited:?} behind reads of a locked database"
    );
    app.hold_page_reads(false);
    for request in waiting {
        let status = request.await.unwrap().unwrap().status();
        assert!(
            status == StatusCode::OK || status == StatusCode::SERVICE_UNAVAILABLE,
            "{status}"
        );
    }
    app.finish().await;
}

/// Waits up to five seconds for `done`, for what background tasks finish on their own.
async fn eventually(what: &str, done: impl Fn() -> bool) {
    for _ in 0..500 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("not within 5 s: {what}");
}

/// HTTP forbids one strong ETag for different bytes: the brotli, gzip and plain bodies each have
/// their own, and each still earns a 304 from a client that has that body.
async fn each_encoding_has_its_own_etag_and_revalidates(backend: Backend) {
    let app = app(backend).await;
    app.publish_headline("Validated story").await;
    let path = "/war/validated-story";
    let mut etags = Vec::new();
    for encoding in ["br", "gzip", "identity"] {
        let page = app
            .request(get_with(path, &[("accept-encoding", encoding)]))
            .await;
        let etag = page.header("etag").to_owned();
        assert!(etag.starts_with('"'), "{encoding}: a strong ETag, {etag}");
        let again = app
            .request(get_with(
                path,
                &[("accept-encoding", encoding), ("if-none-match", &etag)],
            ))
            .await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{encoding}");
        assert_eq!(again.header("etag"), etag, "{encoding}");
        etags.push(etag);
    }
    let gzip_etag = etags[1].clone();
    etags.sort();
    etags.dedup();
    assert_eq!(etags.len(), 3, "three encodings, three ETags: {etags:?}");
    // A client holding the gzip body that now takes brotli gets the brotli body, not a 304.
    let switched = app
        .request(get_with(
            path,
            &[("accept-encoding", "br"), ("if-none-match", &gzip_etag)],
        ))
        .await;
    assert_eq!(switched.status, StatusCode::OK);
    app.finish().await;
}

/// Tracking parameters (`utm_*`, `fbclid`, anything random) change nothing on a page: they must
/// not make a new cached copy each, or a scan with random query strings fills memory and keeps
/// the server rendering.
async fn parameters_a_page_does_not_read_share_its_cached_copy(backend: Backend) {
    let app = app(backend).await;
    for i in 0..4 {
        app.publish_headline(&format!("Shared copy {i}")).await;
    }
    let article = app.get("/war/shared-copy-1").await;
    let renders = app.state.pages.renders();
    let cached = app.state.pages.len();
    for i in 0..50 {
        let page = app
            .get(&format!("/war/shared-copy-1?utm_source=x{i}&fbclid={i}"))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(page.text("h1"), article.text("h1"));
    }
    assert_eq!(app.state.pages.renders(), renders, "no new render");
    assert_eq!(app.state.pages.len(), cached, "no new cached copy");
    // Parameters a page reads still count: the second page of a list is its own page.
    let first = app.get("/war").await;
    let second = app.get("/war?utm_medium=social&page=2").await;
    assert_eq!(second.status, StatusCode::OK);
    assert_ne!(
        first.texts(".card__title"),
        second.texts(".card__title"),
        "page 2 is not page 1"
    );
    assert_eq!(app.get("/war?page=2").await.body, second.body);
    app.finish().await;
}

/// Once the database is found unreachable, pages that are not cached answer 503 at once instead
/// of each waiting for the database, while cached pages are still served; a probe notices when
/// it is back.
async fn a_known_outage_is_answered_at_once_until_the_database_is_back(backend: Backend) {
    let app = app(backend).await;
    app.publish_headline("Before the outage").await;
    assert_eq!(
        app.get("/war/before-the-outage").await.status,
        StatusCode::OK
    );
    // The database is in fact reachable: only a node that no longer asks it answers 503 now.
    app.state.outage.begin(app.store.clone());
    let refused = app.get("/culture").await;
    assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(refused.header("retry-after"), "30");
    assert!(
        refused.text("h1").contains("unavailable"),
        "the themed page"
    );
    assert_eq!(
        app.get("/war/before-the-outage").await.status,
        StatusCode::OK,
        "cached pages are served throughout"
    );
    eventually("the probe finds the database back", || {
        !app.state.outage.is_known()
    })
    .await;
    assert_eq!(app.get("/culture").await.status, StatusCode::OK);
    // A request that finds the database unreachable is what starts an outage.
    app.store.close().await;
    assert_eq!(
        app.get("/tags/nothing-cached").await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert!(app.state.outage.is_known());
    app.finish().await;
}

async fn concurrent_requests_for_a_missing_page_render_it_once(backend: Backend) {
    let app = app(backend).await;
    app.publish_headline("Breaking news").await;
    app.settle().await;
    let before = app.state.pages.renders();
    let requests = (0..40).map(|_| app.request(get_with("/war/breaking-news", &[])));
    let responses = futures_join_all(requests).await;
    assert!(responses.iter().all(|r| r.status == StatusCode::OK));
    assert_eq!(
        app.state.pages.renders(),
        before + 1,
        "one render for 40 readers"
    );
    app.finish().await;
}

/// Runs futures concurrently on this task (no extra dependency for `join_all`).
async fn futures_join_all<F: std::future::Future>(
    futures: impl Iterator<Item = F>,
) -> Vec<F::Output> {
    let handles: Vec<_> = futures.map(Box::pin).collect();
    let mut outputs = Vec::with_capacity(handles.len());
    let mut pending: Vec<_> = handles.into_iter().map(Some).collect();
    let mut results: Vec<Option<F::Output>> = (0..pending.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut all_done = true;
        for (i, slot) in pending.iter_mut().enumerate() {
            if let Some(future) = slot {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(out) => {
                        results[i] = Some(out);
                        *slot = None;
                    }
                    std::task::Poll::Pending => all_done = false,
                }
            }
        }
        if all_done {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    outputs.extend(results.into_iter().flatten());
    outputs
}

async fn every_encoding_carries_the_same_page(backend: Backend) {
    let app = app(backend).await;
    app.publish_headline("Compressed story").await;
    let plain = app
        .request(get_with(
            "/war/compressed-story",
            &[("accept-encoding", "identity")],
        ))
        .await;
    assert_eq!(plain.header("content-encoding"), "");
    assert_eq!(plain.header("vary"), "Accept-Encoding");
    let gzip = app
        .request(get_with(
            "/war/compressed-story",
            &[("accept-encoding", "gzip")],
        ))
        .await;
    assert_eq!(gzip.header("content-encoding"), "gzip");
    let brotli = app
        .request(get_with(
            "/war/compressed-story",
            &[("accept-encoding", "gzip, br")],
        ))
        .await;
    assert_eq!(brotli.header("content-encoding"), "br");
    let gz_bytes = app
        .raw(get_with(
            "/war/compressed-story",
            &[("accept-encoding", "gzip")],
        ))
        .await;
    let mut unzipped = String::new();
    flate2::read::GzDecoder::new(gz_bytes.as_slice())
        .read_to_string(&mut unzipped)
        .unwrap();
    assert_eq!(unzipped, plain.body);
    let br_bytes = app
        .raw(get_with(
            "/war/compressed-story",
            &[("accept-encoding", "br")],
        ))
        .await;
    let mut unbrotlied = Vec::new();
    brotli::BrotliDecompress(&mut br_bytes.as_slice(), &mut unbrotlied).unwrap();
    assert_eq!(String::from_utf8(unbrotlied).unwrap(), plain.body);
    app.finish().await;
}

async fn cdn_headers_name_what_the_page_shows(backend: Backend) {
    let app = app(backend).await;
    let drones = app.store.ensure_tag("Drones").await.unwrap();
    let mut new = app.article("Tagged for the CDN");
    new.tag_ids = vec![drones.id];
    let article = app.publish(new).await;
    let page = app.get("/war/tagged-for-the-cdn").await;
    let keys: Vec<&str> = page.header("surrogate-key").split(' ').collect();
    assert!(
        keys.contains(&format!("article-{}", article.id).as_str()),
        "{keys:?}"
    );
    assert!(
        keys.contains(&format!("section-{}", app.war).as_str()),
        "{keys:?}"
    );
    assert!(
        page.header("cache-tag")
            .contains(&format!("article-{}", article.id))
    );
    let home = app.get("/").await;
    assert!(home.header("surrogate-key").split(' ').any(|k| k == "home"));
    let tag = app.get("/tags/drones").await;
    assert!(
        tag.header("surrogate-key")
            .contains(&format!("tag-{}", drones.id))
    );
    let search = app.get("/search?q=cdn").await;
    assert_eq!(
        search.header("surrogate-key"),
        "",
        "search results are not cached"
    );
    app.finish().await;
}

async fn the_cache_stays_within_its_memory_bound(backend: Backend) {
    let mut config = TestApp::config();
    config.cache.max_bytes = 120_000;
    let app = app_with(backend, config).await;
    for i in 0..12 {
        app.publish_headline(&format!("Bounded story {i}")).await;
    }
    for i in 0..12 {
        assert_eq!(
            app.get(&format!("/war/bounded-story-{i}")).await.status,
            StatusCode::OK
        );
    }
    assert!(
        app.state.pages.weight() <= 120_000,
        "{} bytes cached",
        app.state.pages.weight()
    );
    assert!(app.state.pages.len() < 12, "older pages were evicted");
    app.finish().await;
}

// ---------------------------------------------------------------- views

async fn beacons_from_distinct_readers_add_exactly_their_number(backend: Backend) {
    let app = app(backend).await;
    let article = app.publish_headline("Widely read").await;
    let before = views_of(&app, article.id).await;
    let requests = (0..60).map(|i| {
        app.request(beacon(
            article.id,
            &format!("10.0.{}.{}", i / 250, i % 250 + 1),
            BROWSER,
        ))
    });
    let responses = futures_join_all(requests).await;
    assert!(responses.iter().all(|r| r.status == StatusCode::NO_CONTENT));
    assert_eq!(views_of(&app, article.id).await, before + 60);
    let top = app
        .store
        .most_read(
            common::now().timestamp().div_euclid(86_400),
            1,
            common::now(),
        )
        .await
        .unwrap();
    assert_eq!(top[0].id, article.id, "counted into today's bucket");
    app.finish().await;
}

async fn a_reader_is_counted_once_a_day(backend: Backend) {
    let app = app(backend).await;
    let article = app.publish_headline("Read twice").await;
    let other = app.publish_headline("Read once").await;
    for _ in 0..5 {
        app.request(beacon(article.id, "192.0.2.7", BROWSER)).await;
    }
    app.request(beacon(other.id, "192.0.2.7", BROWSER)).await;
    assert_eq!(views_of(&app, article.id).await, 1);
    assert_eq!(
        views_of(&app, other.id).await,
        1,
        "the same reader counts once per article"
    );
    app.finish().await;
}

async fn bots_and_prefetches_are_not_counted(backend: Backend) {
    let app = app(backend).await;
    let article = app.publish_headline("Crawled").await;
    app.request(beacon(
        article.id,
        "192.0.2.8",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    ))
    .await;
    app.request(beacon(article.id, "192.0.2.9", "")).await;
    let prefetch = Request::post(format!("/views/{}", article.id))
        .header("x-forwarded-for", "192.0.2.10")
        .header("user-agent", BROWSER)
        .header("sec-purpose", "prefetch")
        .body(Body::empty())
        .unwrap();
    app.request(prefetch).await;
    assert_eq!(views_of(&app, article.id).await, 0);
    let bad = app
        .request(
            Request::post("/views/not-a-number")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    app.finish().await;
}

async fn readers_without_javascript_are_counted_by_the_pixel(backend: Backend) {
    let app = app(backend).await;
    let article = app.publish_headline("No script").await;
    let page = app.get("/war/no-script").await;
    let pixel = page.html();
    let noscript = pixel.root_element().html();
    assert!(
        noscript.contains(&format!("/views/{}.gif", article.id)),
        "a noscript pixel on the page"
    );
    let response = app
        .request(get_with(
            &format!("/views/{}.gif", article.id),
            &[("user-agent", BROWSER), ("x-forwarded-for", "198.51.100.4")],
        ))
        .await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.header("content-type"), "image/gif");
    assert_eq!(response.header("cache-control"), "no-store");
    assert_eq!(views_of(&app, article.id).await, 1);
    app.finish().await;
}

async fn the_beacon_script_is_allowed_by_its_hash_and_nothing_else_inline(backend: Backend) {
    let app = app(backend).await;
    let article = app.publish_headline("Beacon").await;
    let page = app.get("/war/beacon").await;
    let inline: Vec<String> = page.texts("script:not([type='application/ld+json']):not([src])");
    assert_eq!(inline.len(), 1, "{inline:?}");
    // The live script (banner, live blogs) is a file under a content-hashed name, not inline.
    let external = page.attrs("script[src]", "src");
    assert_eq!(external.len(), 1, "{external:?}");
    assert!(external[0].starts_with("/assets/live.") && external[0].ends_with(".js"));
    assert_eq!(
        page.attrs("script[data-article]", "data-article"),
        [article.id.to_string()]
    );
    let raw_script = page
        .body
        .split(&format!("<script data-article=\"{}\">", article.id))
        .nth(1)
        .and_then(|rest| rest.split("</script>").next())
        .unwrap();
    let hash =
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(raw_script.as_bytes()));
    let csp = page.header("content-security-policy");
    assert!(csp.contains(&format!("'sha256-{hash}'")), "{csp}");
    assert!(!csp.contains("unsafe-inline"));
    app.finish().await;
}
