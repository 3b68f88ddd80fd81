//! Live blogs as readers get them: the page (entries newest first, key events, the pinned entry,
//! pages of older entries), each entry's own address, the structured data, the feeds and the news
//! sitemap; the page kept current through the change log; the breaking-news banner on every page;
//! and the push stream over a real connection, resumed after a drop.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use chrono::Duration as Span;
use common::{TestApp, days_ago, now};
use gazette_core::live::{Breaking, Coverage, EntryDraft, EntryStatus, LiveEntry};
use gazette_store::live::EntryMarks;
use gazette_web::server::{ServerOptions, serve};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A published live blog with coverage on; returns its article and address.
async fn live_blog(app: &TestApp) -> (gazette_core::Article, String) {
    let article = app.publish_headline("Live: the donors' conference").await;
    app.store
        .set_coverage(article.id, Some(Coverage::Live), None, days_ago(1))
        .await
        .unwrap();
    let path = format!("/war/{}", article.slug);
    (article, path)
}

fn said(app: &TestApp, headline: Option<&str>, text: &str) -> EntryDraft {
    EntryDraft {
        headline: headline.map(str::to_owned),
        body_markdown: text.into(),
        author_ids: vec![app.olena],
        key_event: false,
    }
}

/// Posts `count` entries a minute apart, the first `count` minutes before now.
async fn post_entries(app: &TestApp, blog: i64, count: i64) -> Vec<LiveEntry> {
    let mut posted = Vec::new();
    for i in 0..count {
        let entry = app
            .store
            .post_entry(
                blog,
                said(app, None, &format!("Update number {i}.")),
                EntryStatus::Published,
                None,
                None,
                now() - Span::minutes(count - i),
            )
            .await
            .unwrap();
        posted.push(entry.value);
    }
    posted
}

#[tokio::test]
async fn a_live_blog_shows_its_entries_newest_first_with_key_events_and_the_pinned_one() {
    let app = TestApp::init().await;
    let (blog, path) = live_blog(&app).await;
    let entries = post_entries(&app, blog.id, 3).await;
    let key = EntryMarks {
        pinned: None,
        key_event: Some(true),
    };
    app.store
        .mark_entry(entries[1].id, key, None, now())
        .await
        .unwrap();
    let pin = EntryMarks {
        pinned: Some(true),
        key_event: None,
    };
    app.store
        .mark_entry(entries[0].id, pin, None, now())
        .await
        .unwrap();
    app.store
        .post_entry(
            blog.id,
            said(&app, None, "A draft."),
            EntryStatus::Draft,
            None,
            None,
            now(),
        )
        .await
        .unwrap();

    let page = app.get(&path).await;
    assert_eq!(page.status, 200);
    assert_eq!(
        page.texts(".live__entries .entry__body"),
        ["Update number 2.", "Update number 1."],
        "newest first; the pinned one is above them, not among them; no drafts"
    );
    assert_eq!(
        page.texts(".live__pinned .entry__body"),
        ["Update number 0."]
    );
    assert_eq!(
        page.texts(".key-events li a"),
        [format!("{} Update number 1.", clock(&entries[1]))]
    );
    assert_eq!(page.text(".live__title"), "Live · 3 updates");
    assert_eq!(
        page.count("#live[data-follow]"),
        1,
        "an open page follows the stream"
    );
    // Every entry links to its own address.
    assert_eq!(
        page.attrs(".live__entries .entry__time", "href")[0],
        format!("{path}/entries/{}", entries[2].id)
    );
    app.finish().await;
}

fn clock(entry: &LiveEntry) -> String {
    gazette_core::text::kyiv_clock(entry.posted_at.unwrap())
}

#[tokio::test]
async fn older_entries_are_on_further_pages_and_an_entry_address_opens_its_page() {
    let app = TestApp::init().await;
    let (blog, path) = live_blog(&app).await;
    let entries = post_entries(&app, blog.id, 45).await;

    let first = app.get(&path).await;
    assert_eq!(first.count(".live__entries > li"), 20);
    assert_eq!(
        first.attrs(".live .pagination a[rel=next]", "href"),
        [format!("{path}?page=2#live")]
    );
    let third = app.get(&format!("{path}?page=3")).await;
    assert_eq!(
        third.texts(".live__entries .entry__body"),
        (0..5)
            .rev()
            .map(|i| format!("Update number {i}."))
            .collect::<Vec<_>>()
    );
    assert_eq!(
        third.count("#live[data-follow]"),
        0,
        "older pages do not take new entries"
    );
    assert_eq!(app.get(&format!("{path}?page=4")).await.status, 404);

    // Entry 3 is the 42nd newest: on page 3, titled after itself for sharing.
    let shared = format!("{path}/entries/{}", entries[3].id);
    let page = app.get(&shared).await;
    assert_eq!(page.status, 200);
    assert_eq!(
        page.attrs("#live", "data-focus"),
        [format!("entry-{}", entries[3].id)]
    );
    assert_eq!(page.count(&format!("#entry-{}", entries[3].id)), 1);
    assert!(page.attrs("meta[property='og:title']", "content")[0].starts_with("Update number 3."));
    assert_eq!(
        page.attrs("link[rel=canonical]", "href"),
        [format!("https://news.test{shared}")]
    );
    // A newer entry makes the old addresses land on the right page still.
    post_entries(&app, blog.id, 1).await;
    let moved = app.get(&shared).await;
    assert_eq!(moved.count(&format!("#entry-{}", entries[3].id)), 1);

    // Deleted: gone (410); a draft or another blog's entry: not found.
    app.store
        .set_entry_status(entries[4].id, EntryStatus::Deleted, None, now())
        .await
        .unwrap();
    assert_eq!(
        app.get(&format!("{path}/entries/{}", entries[4].id))
            .await
            .status,
        410
    );
    let draft = app
        .store
        .post_entry(
            blog.id,
            said(&app, None, "Draft."),
            EntryStatus::Draft,
            None,
            None,
            now(),
        )
        .await
        .unwrap();
    assert_eq!(
        app.get(&format!("{path}/entries/{}", draft.id))
            .await
            .status,
        404
    );
    assert_eq!(
        app.get(&format!("{path}/entries/nonsense")).await.status,
        404
    );
    let other = app.publish_headline("Another story").await;
    assert_eq!(
        app.get(&format!("/war/{}/entries/{}", other.slug, entries[3].id))
            .await
            .status,
        404
    );
    app.finish().await;
}

#[tokio::test]
async fn a_live_blog_is_a_live_blog_posting_with_feeds_of_its_entries() {
    let app = TestApp::init().await;
    let (blog, path) = live_blog(&app).await;
    post_entries(&app, blog.id, 12).await;
    app.store
        .post_entry(
            blog.id,
            said(&app, Some("Pledges pass €3 billion"), "By our count."),
            EntryStatus::Published,
            None,
            None,
            now(),
        )
        .await
        .unwrap();
    let page = app.get(&path).await;
    let json_ld: Vec<serde_json::Value> = page
        .texts("script[type='application/ld+json']")
        .iter()
        .map(|t| serde_json::from_str(t).unwrap())
        .collect();
    let posting = json_ld
        .iter()
        .find(|j| j["@type"] == "LiveBlogPosting")
        .expect("LiveBlogPosting");
    assert_eq!(posting["coverageStartTime"], "2025-03-30T12:00:00Z");
    assert!(posting.get("coverageEndTime").is_none(), "still live");
    let updates = posting["liveBlogUpdate"].as_array().unwrap();
    assert_eq!(updates.len(), 10);
    assert_eq!(updates[0]["headline"], "Pledges pass €3 billion");
    assert_eq!(updates[0]["articleBody"], "By our count.");
    assert_eq!(posting["dateModified"], "2025-03-31T12:00:00Z");

    // Ending coverage gives the end time and stops following.
    app.store
        .set_coverage(blog.id, Some(Coverage::Ended), None, now())
        .await
        .unwrap();
    let ended = app.get(&path).await;
    assert!(
        ended
            .body
            .contains("\"coverageEndTime\":\"2025-03-31T12:00:00Z\"")
    );
    assert_eq!(ended.count("#live[data-follow]"), 0);
    assert!(ended.text(".live__title").starts_with("Coverage ended"));

    let feed_path = format!("/feeds/live/{}", blog.slug);
    assert!(
        page.attrs("link[rel=alternate]", "href")
            .contains(&format!("{feed_path}/rss.xml"))
    );
    for file in ["rss.xml", "atom.xml", "feed.json"] {
        let feed = app.get(&format!("{feed_path}/{file}")).await;
        assert_eq!(feed.status, 200, "{file}");
        let parsed = feed_rs::parser::parse(feed.body.as_bytes()).unwrap();
        assert_eq!(parsed.entries.len(), 13, "{file}");
        assert_eq!(
            parsed.entries[0].title.as_ref().unwrap().content,
            "Pledges pass €3 billion"
        );
        assert!(parsed.entries[0].links[0].href.contains("/entries/"));
    }
    let plain = app.publish_headline("Not a live blog").await;
    assert_eq!(
        app.get(&format!("/feeds/live/{}/rss.xml", plain.slug))
            .await
            .status,
        404
    );
    app.finish().await;
}

#[tokio::test]
async fn the_news_sitemap_lists_a_live_blog_while_it_is_news() {
    let app = TestApp::init().await;
    let article = app
        .publish(gazette_core::NewArticle {
            published_at: Some(days_ago(5)),
            ..app.article("Live: the long war of the grid")
        })
        .await;
    let sitemap = app.get("/sitemaps/news.xml").await;
    assert!(
        !sitemap.body.contains(article.slug.as_str()),
        "five days old: no longer news"
    );
    app.store
        .set_coverage(article.id, Some(Coverage::Live), None, days_ago(5))
        .await
        .unwrap();
    let sitemap = app.get("/sitemaps/news.xml").await;
    assert!(
        sitemap.body.contains(article.slug.as_str()),
        "live coverage is news"
    );
    app.finish().await;
}

#[tokio::test]
async fn without_javascript_a_reload_shows_the_new_entry_and_the_edit() {
    let app = TestApp::init().await;
    let (blog, path) = live_blog(&app).await;
    let entries = post_entries(&app, blog.id, 2).await;
    assert_eq!(app.get(&path).await.count(".live__entries > li"), 2);
    // The page is cached now; the change log takes it out.
    post_entries(&app, blog.id, 1).await;
    app.store
        .edit_entry(
            entries[0].id,
            said(&app, None, "Corrected text."),
            None,
            None,
            now(),
        )
        .await
        .unwrap();
    let page = app.get(&path).await;
    assert_eq!(page.count(".live__entries > li"), 3);
    let corrected = page.html();
    let edited = corrected
        .select(
            &scraper::Selector::parse(&format!("#entry-{} .entry__edited", entries[0].id)).unwrap(),
        )
        .count();
    assert_eq!(edited, 1, "an edited entry says so");
    assert!(page.body.contains("Corrected text."));
    app.finish().await;
}

#[tokio::test]
async fn the_breaking_banner_shows_on_every_page_until_cleared_or_expired() {
    let app = TestApp::init().await;
    let article = app.publish_headline("A story").await;
    let pages = [
        "/".to_owned(),
        "/war".to_owned(),
        format!("/war/{}", article.slug),
    ];
    for path in &pages {
        assert_eq!(app.get(path).await.count("#breaking[hidden]"), 1, "{path}");
    }
    let banner = Breaking::new(
        "Air raid alert across Ukraine",
        Some("/war"),
        Some(now() + Span::minutes(30)),
        now(),
    )
    .unwrap();
    app.store
        .set_breaking(Some(&banner), None, now())
        .await
        .unwrap();
    let renders = app.state.pages.renders();
    for path in &pages {
        // Cached pages are not purged: the first reader gets the copy at hand while it is
        // rendered again in the background, and readers after see the banner.
        let mut page = app.get(path).await;
        for _ in 0..100 {
            if page.count("#breaking[hidden]") == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
            page = app.get(path).await;
        }
        assert_eq!(page.count("#breaking[hidden]"), 0, "{path}");
        assert_eq!(
            page.text("#breaking .breaking__text"),
            "Air raid alert across Ukraine"
        );
        assert_eq!(page.attrs("#breaking a", "href"), ["/war"]);
    }
    assert_eq!(
        app.state.pages.renders(),
        renders + 3,
        "each page rendered once more"
    );

    // Past its expiry a page rendered afresh has no banner.
    app.advance_clock(31 * 60);
    let fresh = app.get("/search?q=grid").await;
    assert_eq!(fresh.count("#breaking[hidden]"), 1);
    app.store.set_breaking(None, None, now()).await.unwrap();
    let mut home = app.get("/").await;
    for _ in 0..100 {
        if home.count("#breaking[hidden]") == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        home = app.get("/").await;
    }
    assert_eq!(home.count("#breaking[hidden]"), 1);
    app.finish().await;
}

// ------------------------------------------------------------ the stream, over a real socket

/// Reads from `stream` until `wanted` has been seen (or 5 seconds pass); returns all it read.
async fn read_until(stream: &mut TcpStream, wanted: &str) -> String {
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    let mut buffer = [0u8; 8192];
    while !String::from_utf8_lossy(&seen).contains(wanted) {
        match tokio::time::timeout_at(deadline, stream.read(&mut buffer)).await {
            Ok(Ok(0)) | Err(_) => break,
            Ok(Ok(n)) => seen.extend_from_slice(&buffer[..n]),
            Ok(Err(e)) => panic!("{e}"),
        }
    }
    String::from_utf8_lossy(&seen).into_owned()
}

async fn open_stream(
    address: std::net::SocketAddr,
    query: &str,
    last_id: Option<i64>,
) -> TcpStream {
    let mut stream = TcpStream::connect(address).await.unwrap();
    let resume = last_id.map_or(String::new(), |id| format!("Last-Event-ID: {id}\r\n"));
    let request = format!(
        "GET /live/stream?{query} HTTP/1.1\r\nHost: news.test\r\nAccept: text/event-stream\r\n{resume}\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    stream
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_pushes_entries_and_a_reader_who_dropped_gets_exactly_what_they_missed() {
    let app = TestApp::init().await;
    let (blog, _) = live_blog(&app).await;
    let before = post_entries(&app, blog.id, 1).await;
    app.settle().await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(serve(
        listener,
        app.app(),
        ServerOptions::default(),
        std::future::pending(),
    ));

    let since = before[0].seq;
    let mut reader = open_stream(address, &format!("blog={}&since={since}", blog.id), None).await;
    let head = read_until(&mut reader, "event: breaking").await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        head.to_lowercase()
            .contains("content-type: text/event-stream")
    );
    assert!(
        !head.contains("event: entry"),
        "nothing the page did not have"
    );

    let posted = app
        .store
        .post_entry(
            blog.id,
            said(&app, Some("Sirens"), "Sirens in Kyiv."),
            EntryStatus::Published,
            None,
            None,
            now(),
        )
        .await
        .unwrap();
    app.settle().await;
    let pushed = read_until(&mut reader, "Sirens in Kyiv.").await;
    assert!(
        pushed.contains(&format!("id: {}\nevent: entry\n", posted.seq)),
        "{pushed}"
    );
    assert!(pushed.contains(&format!("\"id\":{}", posted.id)));
    drop(reader);

    // While the reader is away: one entry edited, one posted, one deleted.
    let edited = app
        .store
        .edit_entry(
            posted.id,
            said(&app, Some("Sirens"), "Sirens in Kyiv and Lviv."),
            None,
            None,
            now(),
        )
        .await
        .unwrap();
    let later = app
        .store
        .post_entry(
            blog.id,
            said(&app, None, "All clear."),
            EntryStatus::Published,
            None,
            None,
            now(),
        )
        .await
        .unwrap();
    let gone = app
        .store
        .set_entry_status(before[0].id, EntryStatus::Deleted, None, now())
        .await
        .unwrap();
    app.settle().await;
    let mut back = open_stream(
        address,
        &format!("blog={}&since={since}", blog.id),
        Some(posted.seq),
    )
    .await;
    let missed = read_until(&mut back, "event: breaking").await;
    let ids: Vec<&str> = missed.lines().filter(|l| l.starts_with("id: ")).collect();
    assert_eq!(
        ids,
        [
            format!("id: {}", edited.seq),
            format!("id: {}", later.seq),
            format!("id: {}", gone.seq)
        ],
        "{missed}"
    );
    assert!(missed.contains("Sirens in Kyiv and Lviv."));
    assert!(missed.contains(&format!("\"id\":{},\"status\":\"deleted\"", before[0].id)));

    // A banner reaches open streams; the node's shutdown ends them so readers go elsewhere.
    let banner = Breaking::new("Breaking: talks collapse", None, None, now()).unwrap();
    app.store
        .set_breaking(Some(&banner), None, now())
        .await
        .unwrap();
    app.settle().await;
    assert!(
        read_until(&mut back, "talks collapse")
            .await
            .contains("event: breaking")
    );
    let closing = std::time::Instant::now();
    app.state.live.close();
    // The server writes streams itself, without chunks: the stream ends when it closes.
    read_until(&mut back, "the end, which never comes as text").await;
    assert!(
        closing.elapsed() < Duration::from_secs(3),
        "the stream ended at once"
    );
    let mut after = [0u8; 16];
    assert_eq!(
        back.read(&mut after).await.unwrap(),
        0,
        "and the connection is closed"
    );
    server.abort();
    app.finish().await;
}

#[tokio::test]
async fn polling_gets_the_same_entries_and_a_304_when_nothing_changed() {
    let app = TestApp::init().await;
    let (blog, _) = live_blog(&app).await;
    let entries = post_entries(&app, blog.id, 2).await;
    app.settle().await;
    let path = format!(
        "/live/updates.json?blog={}&since={}",
        blog.id, entries[0].seq
    );
    let first = app.get(&path).await;
    assert_eq!(first.status, 200);
    let body: serde_json::Value = serde_json::from_str(&first.body).unwrap();
    assert_eq!(body["entries"].as_array().unwrap().len(), 1);
    assert_eq!(body["entries"][0]["id"], entries[1].id);
    assert_eq!(body["seq"], entries[1].seq);
    let etag = first.header("etag").to_owned();
    let again = app
        .request(
            axum::http::Request::get(&path)
                .header("if-none-match", &etag)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(again.status, 304);
    for bad in ["/live/updates.json?blog=x", "/live/stream?since=-1"] {
        let answer = app.get(bad).await;
        assert_eq!(answer.status, 400, "{bad}");
        assert!(answer.body.contains("\"error\""), "{bad}");
    }
    // A draft blog cannot be followed.
    let hidden = app
        .publish(gazette_core::NewArticle {
            status: gazette_core::ArticleStatus::Draft,
            published_at: None,
            ..app.article("Secret plans")
        })
        .await;
    app.store
        .set_coverage(hidden.id, Some(Coverage::Live), None, now())
        .await
        .unwrap();
    let refused = app
        .get(&format!("/live/updates.json?blog={}", hidden.id))
        .await;
    assert_eq!(refused.status, 404);
    app.finish().await;
}
