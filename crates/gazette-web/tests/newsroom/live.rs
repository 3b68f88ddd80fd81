//! Live coverage in the newsroom: posting entries (text, and a photo in the same request), the
//! entries' actions, coverage, who may do what, and the breaking-news banner — checked on the
//! newsroom's screens and on the public page readers see.

use axum::body::Body;
use axum::http::Request;
use gazette_core::live::EntryStatus;
use gazette_media::testing::png;
use gazette_media::{Limits, MediaLibrary, MediaStorage};
use gazette_store::live::EntryQuery;
use gazette_store::{AuditFilter, PageRequest};

use super::*;
use crate::on_sqlite_and_postgres;

on_sqlite_and_postgres!(
    an_authors_entry_goes_out_at_once_and_a_contributors_waits_for_an_editor,
    a_photo_posted_with_its_alt_text_is_stored_and_shown_in_the_entry,
    a_photo_without_alt_text_is_refused_and_nothing_is_stored,
    a_photo_over_the_limit_is_refused_and_the_text_is_kept,
    an_empty_entry_is_refused_and_what_was_typed_is_kept,
    editing_an_entry_keeps_what_it_said_and_readers_see_it_as_edited,
    a_deleted_entry_leaves_the_public_page,
    a_blog_has_one_pinned_entry_at_a_time,
    key_events_are_marked_and_unmarked,
    drafts_are_their_writers_alone_until_posted,
    ended_coverage_takes_no_entries_until_it_is_resumed,
    each_role_is_refused_what_it_may_not_do_to_a_live_blog,
    a_post_without_the_sessions_token_is_refused_and_stores_nothing,
    editors_set_and_clear_the_breaking_banner_and_a_bad_link_is_refused,
    every_live_action_is_written_to_the_audit_log,
);

const BOUNDARY: &str = "gazette-live-boundary";

/// A site with a media library, a live blog an editor started, and its people.
struct Live {
    app: TestApp,
    editor: Browser,
    author: Browser,
    contributor: Browser,
    blog: i64,
    public_url: String,
    _media: tempfile::TempDir,
}

impl Live {
    async fn new(backend: Backend) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let storage = MediaStorage::local(&dir.path().join("media")).unwrap();
        let app = TestApp::on(backend, TestApp::config()).await;
        let limits = Limits {
            max_bytes: 2 * 1024 * 1024,
            max_pixels: 4_000_000,
        };
        let library = MediaLibrary::new(storage, app.store.clone(), limits);
        let app = app.with_media(library);
        let editor = app.signed_in("editor@news.test", Role::Editor).await;
        let author = app.signed_in("author@news.test", Role::Author).await;
        let contributor = app
            .signed_in("contributor@news.test", Role::Contributor)
            .await;
        let blog = draft(&app, &editor, "Missile strike on Kyiv: live").await;
        assert_eq!(act(&app, &editor, blog, "publish").await.status, 303);
        let started = app
            .post_as(
                &editor,
                &format!("/newsroom/articles/{blog}/live/coverage"),
                &[("action", "start")],
            )
            .await;
        assert_eq!(started.status, 303, "{}", started.body);
        let article = app.store.article(blog).await.unwrap().unwrap();
        let public_url = format!("/{}/{}", article.section.slug, article.slug);
        Self {
            app,
            editor,
            author,
            contributor,
            blog,
            public_url,
            _media: dir,
        }
    }

    fn screen_path(&self) -> String {
        format!("/newsroom/articles/{}/live", self.blog)
    }

    async fn screen(&self, browser: &Browser) -> TestResponse {
        let page = self.app.get_as(browser, &self.screen_path()).await;
        assert_eq!(page.status, 200, "{}", page.body);
        page
    }

    async fn post(&self, browser: &Browser, fields: &[(&str, &str)]) -> TestResponse {
        self.app.post_as(browser, &self.screen_path(), fields).await
    }

    /// Posts an entry with this body and returns its id.
    async fn posted(&self, browser: &Browser, body: &str) -> i64 {
        let response = self
            .post(browser, &[("body", body), ("action", "post")])
            .await;
        entry_in(&response, self.blog)
    }

    async fn act(&self, browser: &Browser, entry: i64, fields: &[(&str, &str)]) -> TestResponse {
        let path = format!("/newsroom/live/entries/{entry}");
        self.app.post_as(browser, &path, fields).await
    }

    /// The public page of the blog, as a reader gets it.
    async fn public(&self) -> TestResponse {
        let page = self.app.get(&self.public_url).await;
        assert_eq!(page.status, 200, "{}", page.body);
        page
    }

    async fn entries(&self, status: EntryStatus) -> Vec<gazette_core::live::LiveEntry> {
        let query = EntryQuery {
            statuses: vec![status],
            ..EntryQuery::published(0, 100)
        };
        self.app.store.live_entries(self.blog, query).await.unwrap()
    }

    async fn media_count(&self) -> u64 {
        let page = PageRequest::new(1, 1);
        self.app.store.media_list(page).await.unwrap().total
    }
}

/// The entry a successful post redirected to, checking the address is the contract's.
fn entry_in(response: &TestResponse, blog: i64) -> i64 {
    assert_eq!(response.status, 303, "{}", response.body);
    let location = response.header("location");
    let prefix = format!("/newsroom/articles/{blog}/live#entry-");
    location
        .strip_prefix(&prefix)
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not an entry on the posting screen: {location}"))
}

/// A multipart posting form: the token first, then the fields, then the photo if any.
fn multipart(token: &str, fields: &[(&str, &str)], photo: Option<&[u8]>) -> Vec<u8> {
    let mut body = Vec::new();
    let mut part = |name: &str, value: &str| {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    };
    part("csrf", token);
    for (name, value) in fields {
        part(name, value);
    }
    if let Some(photo) = photo {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"photo\"; \
                 filename=\"strike.png\"\r\nContent-Type: image/png\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(photo);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn post_multipart(live: &Live, browser: &Browser, body: Vec<u8>) -> TestResponse {
    let request = Request::post(live.screen_path())
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header("cookie", &browser.cookie)
        .header("x-forwarded-for", &browser.address)
        .body(Body::from(body))
        .unwrap();
    live.app.request(request).await
}

async fn an_authors_entry_goes_out_at_once_and_a_contributors_waits_for_an_editor(
    backend: Backend,
) {
    let live = Live::new(backend).await;
    // The screen prints the form's token as the load generator reads it.
    let screen = live.screen(&live.author).await;
    assert_eq!(
        screen.attrs("#composer input[name=csrf]", "value"),
        vec![live.author.csrf.clone()]
    );
    let fields = [
        ("headline", "Explosions in the capital"),
        ("body", "Air defence is working over **Kyiv**."),
        ("action", "post"),
    ];
    let entry = entry_in(&live.post(&live.author, &fields).await, live.blog);
    let public = live.public().await;
    assert!(
        public.body.contains("Explosions in the capital"),
        "{}",
        public.body
    );
    assert!(public.body.contains("Air defence is working over"));
    assert_eq!(public.count(&format!("#entry-{entry}")), 1);

    let waiting = live
        .posted(
            &live.contributor,
            "A witness reports smoke near the station.",
        )
        .await;
    assert!(!live.public().await.body.contains("A witness reports smoke"));
    let mine = live.screen(&live.contributor).await;
    assert!(
        mine.text("#pending-title")
            .contains("Waiting for an editor")
    );
    assert_eq!(
        mine.count(&format!("#entry-{waiting} button[value=publish]")),
        0
    );
    let editors = live.screen(&live.editor).await;
    assert_eq!(
        editors.count(&format!("#entry-{waiting} button[value=publish]")),
        1
    );
    let published = live
        .act(&live.editor, waiting, &[("action", "publish")])
        .await;
    assert_eq!(published.status, 303, "{}", published.body);
    assert!(live.public().await.body.contains("A witness reports smoke"));
    live.app.finish().await;
}

async fn a_photo_posted_with_its_alt_text_is_stored_and_shown_in_the_entry(backend: Backend) {
    let live = Live::new(backend).await;
    let fields = [
        ("headline", "The damaged block"),
        ("body", "Firefighters at the scene."),
        ("key_event", "on"),
        ("action", "post"),
        (
            "photo_alt",
            "Firefighters in front of a burnt-out apartment block",
        ),
    ];
    let body = multipart(&live.author.csrf, &fields, Some(&png(40, 30)));
    let response = post_multipart(&live, &live.author, body).await;
    let entry = entry_in(&response, live.blog);
    let stored = live.app.store.live_entry(entry).await.unwrap().unwrap();
    assert!(stored.key_event);
    assert!(
        stored
            .body_markdown
            .starts_with("Firefighters at the scene.\n\n![Firefighters in front of a burnt-out apartment block](/media/"),
        "{}",
        stored.body_markdown
    );
    assert_eq!(live.media_count().await, 1);
    let public = live.public().await;
    let alts = public.attrs(&format!("#entry-{entry} img"), "alt");
    assert_eq!(
        alts,
        vec!["Firefighters in front of a burnt-out apartment block"]
    );
    // A photo alone is an entry too.
    let fields = [
        ("action", "post"),
        ("photo_alt", "Smoke over the left bank"),
    ];
    let body = multipart(&live.author.csrf, &fields, Some(&png(20, 20)));
    entry_in(&post_multipart(&live, &live.author, body).await, live.blog);
    live.app.finish().await;
}

async fn a_photo_without_alt_text_is_refused_and_nothing_is_stored(backend: Backend) {
    let live = Live::new(backend).await;
    let fields = [
        ("headline", "The damaged block"),
        ("body", "Firefighters at the scene."),
        ("action", "post"),
        ("photo_alt", "   "),
    ];
    let body = multipart(&live.author.csrf, &fields, Some(&png(40, 30)));
    let response = post_multipart(&live, &live.author, body).await;
    assert_eq!(response.status, 400);
    assert!(response.text("#entry-photo-alt-error").contains("alt text"));
    assert_eq!(
        response.attrs("#entry-photo-alt", "aria-describedby"),
        vec!["entry-photo-alt-error"]
    );
    assert_eq!(response.text("#entry-body"), "Firefighters at the scene.");
    assert_eq!(
        response.attrs("#entry-headline", "value"),
        vec!["The damaged block"]
    );
    assert_eq!(live.media_count().await, 0);
    assert!(live.entries(EntryStatus::Published).await.is_empty());
    // Not an image at all: refused by the media library, the text kept.
    let fields = [
        ("body", "Kept."),
        ("action", "post"),
        ("photo_alt", "A photo"),
    ];
    let body = multipart(&live.author.csrf, &fields, Some(b"not an image"));
    let response = post_multipart(&live, &live.author, body).await;
    assert_eq!(response.status, 400);
    assert_eq!(response.count("#entry-photo-error"), 1);
    assert_eq!(response.text("#entry-body"), "Kept.");
    assert_eq!(live.media_count().await, 0);
    live.app.finish().await;
}

async fn a_photo_over_the_limit_is_refused_and_the_text_is_kept(backend: Backend) {
    let live = Live::new(backend).await;
    let fields = [
        ("headline", "From the scene"),
        ("body", "Written on a phone, with a large photo."),
        ("action", "post"),
        ("photo_alt", "A crater in the road"),
    ];
    let huge = vec![0u8; 2 * 1024 * 1024 + 1];
    let body = multipart(&live.author.csrf, &fields, Some(&huge));
    let response = post_multipart(&live, &live.author, body).await;
    assert_eq!(response.status, 400);
    assert!(
        response
            .text("#entry-photo-error")
            .contains("larger than 2 MB")
    );
    assert_eq!(
        response.text("#entry-body"),
        "Written on a phone, with a large photo."
    );
    assert_eq!(
        response.attrs("#entry-photo-alt", "value"),
        vec!["A crater in the road"]
    );
    assert_eq!(live.media_count().await, 0);
    assert!(live.entries(EntryStatus::Published).await.is_empty());
    live.app.finish().await;
}

async fn an_empty_entry_is_refused_and_what_was_typed_is_kept(backend: Backend) {
    let live = Live::new(backend).await;
    let fields = [
        ("headline", "Kept headline"),
        ("body", "  \n "),
        ("key_event", "on"),
        ("action", "post"),
    ];
    let response = live.post(&live.author, &fields).await;
    assert_eq!(response.status, 400);
    assert!(response.text("[role=alert]").contains("Write something"));
    assert!(
        response
            .text("#entry-body-error")
            .contains("Write something")
    );
    assert_eq!(response.attrs("#entry-body", "aria-invalid"), vec!["true"]);
    assert_eq!(
        response.attrs("#entry-headline", "value"),
        vec!["Kept headline"]
    );
    assert_eq!(response.count("#entry-key[checked]"), 1);
    assert!(live.entries(EntryStatus::Published).await.is_empty());
    live.app.finish().await;
}

async fn editing_an_entry_keeps_what_it_said_and_readers_see_it_as_edited(backend: Backend) {
    let live = Live::new(backend).await;
    let entry = live
        .posted(&live.author, "Three people were injured.")
        .await;
    assert!(
        !live
            .public()
            .await
            .text(&format!("#entry-{entry}"))
            .contains("Edited")
    );
    live.app.advance_clock(300);
    let fields = [
        ("action", "save"),
        ("headline", "Casualties"),
        ("body", "Five people were injured, officials say."),
    ];
    let saved = live.act(&live.editor, entry, &fields).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let public = live.public().await;
    let shown = public.text(&format!("#entry-{entry}"));
    assert!(shown.contains("Five people were injured"), "{shown}");
    assert!(shown.contains("Edited"), "{shown}");
    let page = live
        .app
        .get_as(&live.editor, &format!("/newsroom/live/entries/{entry}"))
        .await;
    assert_eq!(page.status, 200);
    assert!(page.text("#history").contains("Three people were injured."));
    let screen = live.screen(&live.author).await;
    assert!(screen.text(&format!("#entry-{entry}")).contains("Edited"));
    // An edit that empties the entry is refused, with what was typed kept.
    let fields = [("action", "save"), ("headline", "Still here"), ("body", "")];
    let refused = live.act(&live.author, entry, &fields).await;
    assert_eq!(refused.status, 400);
    assert_eq!(
        refused.attrs("#entry-headline", "value"),
        vec!["Still here"]
    );
    assert_eq!(refused.count("#entry-body-error"), 1);
    live.app.finish().await;
}

async fn a_deleted_entry_leaves_the_public_page(backend: Backend) {
    let live = Live::new(backend).await;
    let entry = live.posted(&live.author, "An unconfirmed report.").await;
    assert!(live.public().await.body.contains("An unconfirmed report."));
    let deleted = live.act(&live.author, entry, &[("action", "delete")]).await;
    assert_eq!(deleted.status, 303, "{}", deleted.body);
    assert!(!live.public().await.body.contains("An unconfirmed report."));
    assert_eq!(
        live.screen(&live.editor)
            .await
            .count(&format!("#entry-{entry}")),
        0
    );
    // Nothing more is done to a deleted entry.
    let again = live.act(&live.editor, entry, &[("action", "pin")]).await;
    assert_eq!(again.status, 410);
    live.app.finish().await;
}

async fn a_blog_has_one_pinned_entry_at_a_time(backend: Backend) {
    let live = Live::new(backend).await;
    let first = live
        .posted(&live.author, "Metro stations open as shelters.")
        .await;
    let second = live
        .posted(&live.author, "Power cuts in three districts.")
        .await;
    for entry in [first, second] {
        let pinned = live.act(&live.editor, entry, &[("action", "pin")]).await;
        assert_eq!(pinned.status, 303, "{}", pinned.body);
    }
    let store = &live.app.store;
    assert!(!store.live_entry(first).await.unwrap().unwrap().pinned);
    assert!(store.live_entry(second).await.unwrap().unwrap().pinned);
    let screen = live.screen(&live.editor).await;
    assert_eq!(
        screen.count(&format!("#entry-{second} button[value=unpin]")),
        1
    );
    assert_eq!(
        screen.count(&format!("#entry-{first} button[value=pin]")),
        1
    );
    let public = live.public().await;
    assert!(public.text(&format!("#entry-{second}")).contains("Pinned"));
    let unpinned = live.act(&live.editor, second, &[("action", "unpin")]).await;
    assert_eq!(unpinned.status, 303);
    assert!(!store.live_entry(second).await.unwrap().unwrap().pinned);
    live.app.finish().await;
}

async fn key_events_are_marked_and_unmarked(backend: Backend) {
    let live = Live::new(backend).await;
    let entry = live
        .posted(&live.author, "The president addresses the nation.")
        .await;
    let marked = live.act(&live.editor, entry, &[("action", "key")]).await;
    assert_eq!(marked.status, 303);
    assert!(
        live.public()
            .await
            .text(&format!("#entry-{entry}"))
            .contains("Key event")
    );
    let unmarked = live.act(&live.author, entry, &[("action", "unkey")]).await;
    assert_eq!(unmarked.status, 303, "{}", unmarked.body);
    assert!(
        !live
            .public()
            .await
            .text(&format!("#entry-{entry}"))
            .contains("Key event")
    );
    live.app.finish().await;
}

async fn drafts_are_their_writers_alone_until_posted(backend: Backend) {
    let live = Live::new(backend).await;
    let fields = [
        ("body", "Checking a report of a second strike."),
        ("action", "draft"),
    ];
    let entry = entry_in(&live.post(&live.author, &fields).await, live.blog);
    assert!(!live.public().await.body.contains("second strike"));
    let mine = live.screen(&live.author).await;
    assert!(mine.text("#drafts-title").contains("Your drafts"));
    assert_eq!(mine.count(&format!("#entry-{entry}")), 1);
    assert_eq!(
        live.screen(&live.editor)
            .await
            .count(&format!("#entry-{entry}")),
        0
    );
    let path = format!("/newsroom/live/entries/{entry}");
    assert_eq!(live.app.get_as(&live.editor, &path).await.status, 403);
    let posted = live
        .act(&live.author, entry, &[("action", "publish")])
        .await;
    assert_eq!(posted.status, 303);
    assert!(live.public().await.body.contains("second strike"));
    // A contributor's draft, posted, waits for an editor.
    let fields = [
        ("body", "Queues at the petrol stations."),
        ("action", "draft"),
    ];
    let entry = entry_in(&live.post(&live.contributor, &fields).await, live.blog);
    live.act(&live.contributor, entry, &[("action", "publish")])
        .await;
    let stored = live.app.store.live_entry(entry).await.unwrap().unwrap();
    assert_eq!(stored.status, EntryStatus::Pending);
    live.app.finish().await;
}

async fn ended_coverage_takes_no_entries_until_it_is_resumed(backend: Backend) {
    let live = Live::new(backend).await;
    let coverage = format!("/newsroom/articles/{}/live/coverage", live.blog);
    let ended = live
        .app
        .post_as(&live.editor, &coverage, &[("action", "end")])
        .await;
    assert_eq!(ended.status, 303);
    let screen = live.screen(&live.editor).await;
    assert_eq!(screen.count("#composer"), 0);
    assert_eq!(screen.count("button[value=start]"), 1);
    assert!(screen.text(".head").contains("Coverage ended"));
    let refused = live
        .post(&live.author, &[("body", "Late news."), ("action", "post")])
        .await;
    assert_eq!(refused.status, 409);
    let resumed = live
        .app
        .post_as(&live.editor, &coverage, &[("action", "start")])
        .await;
    assert_eq!(resumed.status, 303);
    live.posted(&live.author, "Late news.").await;
    // Stopping makes it an ordinary article again: the screen offers to make it a live blog.
    let stopped = live
        .app
        .post_as(&live.editor, &coverage, &[("action", "stop")])
        .await;
    assert_eq!(stopped.status, 303);
    let screen = live.screen(&live.editor).await;
    assert!(
        screen
            .text("button[value=start]")
            .contains("Make this a live blog")
    );
    live.app.finish().await;
}

async fn each_role_is_refused_what_it_may_not_do_to_a_live_blog(backend: Backend) {
    let live = Live::new(backend).await;
    let coverage = format!("/newsroom/articles/{}/live/coverage", live.blog);
    let refused = |r: &TestResponse, what: &str| assert_eq!(r.status, 403, "{what}: {}", r.body);
    // Coverage: the editor's article; authors and contributors who did not write it may not.
    for who in [&live.author, &live.contributor] {
        let r = live.app.post_as(who, &coverage, &[("action", "end")]).await;
        refused(&r, "end a colleague's coverage");
    }
    let own = draft(&live.app, &live.author, "The author's own story").await;
    let own_coverage = format!("/newsroom/articles/{own}/live/coverage");
    let r = live
        .app
        .post_as(&live.author, &own_coverage, &[("action", "start")])
        .await;
    assert_eq!(r.status, 303, "the author starts their own: {}", r.body);
    let r = live
        .app
        .post_as(&live.author, &own_coverage, &[("action", "stop")])
        .await;
    refused(&r, "an author stops a live blog");

    let authors = live.posted(&live.author, "Trains are delayed.").await;
    let editors = live.posted(&live.editor, "Schools are closed today.").await;
    let contributors = live.posted(&live.contributor, "A bridge is closed.").await;
    let r = live
        .act(
            &live.author,
            editors,
            &[("action", "save"), ("body", "Hijacked")],
        )
        .await;
    refused(&r, "an author edits a colleague's entry");
    let r = live
        .act(&live.author, editors, &[("action", "delete")])
        .await;
    refused(&r, "an author deletes a colleague's entry");
    let r = live.act(&live.author, authors, &[("action", "pin")]).await;
    refused(&r, "an author pins");
    let r = live
        .act(&live.contributor, contributors, &[("action", "publish")])
        .await;
    refused(&r, "a contributor publishes their own pending entry");
    // Contributors change their entry until it is published, and not after.
    let r = live
        .act(
            &live.contributor,
            contributors,
            &[
                ("action", "save"),
                ("body", "A bridge is closed to traffic."),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    live.act(&live.editor, contributors, &[("action", "publish")])
        .await;
    let r = live
        .act(&live.contributor, contributors, &[("action", "delete")])
        .await;
    refused(&r, "a contributor deletes their published entry");
    let path = format!("/newsroom/live/entries/{editors}");
    assert_eq!(live.app.get_as(&live.author, &path).await.status, 403);
    // Nothing refused changed anything readers see.
    let public = live.public().await;
    assert!(public.body.contains("Schools are closed today."));
    assert!(!public.body.contains("Hijacked"));
    assert!(public.body.contains("A bridge is closed to traffic."));
    live.app.finish().await;
}

async fn a_post_without_the_sessions_token_is_refused_and_stores_nothing(backend: Backend) {
    let live = Live::new(backend).await;
    let fields = [("body", "Forged."), ("action", "post")];
    let forged = live
        .app
        .post_raw(
            Some(&live.author.cookie),
            "192.0.2.1",
            &live.screen_path(),
            &fields,
        )
        .await;
    assert_eq!(forged.status, 403);
    let other = live.app.browser(&live.author.user).await;
    let body = multipart(&other.csrf, &fields, Some(&png(8, 8)));
    assert_eq!(post_multipart(&live, &live.author, body).await.status, 403);
    assert!(live.entries(EntryStatus::Published).await.is_empty());
    assert_eq!(live.media_count().await, 0);
    live.app.finish().await;
}

async fn editors_set_and_clear_the_breaking_banner_and_a_bad_link_is_refused(backend: Backend) {
    let live = Live::new(backend).await;
    let page = live.app.get_as(&live.editor, "/newsroom/breaking").await;
    assert_eq!(page.status, 200);
    assert!(page.text("nav").contains("Breaking news"));
    let fields = [
        ("action", "set"),
        ("text", "Air raid alert across Ukraine"),
        ("link", &live.public_url),
        ("expires", "60"),
    ];
    let set = live
        .app
        .post_as(&live.editor, "/newsroom/breaking", &fields)
        .await;
    assert_eq!(set.status, 303, "{}", set.body);
    let home = live.app.get("/").await;
    assert!(
        home.text("#breaking")
            .contains("Air raid alert across Ukraine")
    );
    let page = live.app.get_as(&live.editor, "/newsroom/breaking").await;
    assert!(page.text(".breaking-preview").contains("Air raid alert"));

    let fields = [
        ("action", "set"),
        ("text", "A replacement"),
        ("link", "javascript:alert(1)"),
        ("expires", ""),
    ];
    let bad = live
        .app
        .post_as(&live.editor, "/newsroom/breaking", &fields)
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.text("#breaking-link-error").contains("https://"));
    assert_eq!(bad.attrs("#breaking-text", "value"), vec!["A replacement"]);
    assert!(
        live.app
            .get("/")
            .await
            .text("#breaking")
            .contains("Air raid alert")
    );

    let author = live
        .app
        .post_as(&live.author, "/newsroom/breaking", &[("action", "clear")])
        .await;
    assert_eq!(author.status, 403);
    assert_eq!(
        live.app
            .get_as(&live.author, "/newsroom/breaking")
            .await
            .status,
        403
    );
    let cleared = live
        .app
        .post_as(&live.editor, "/newsroom/breaking", &[("action", "clear")])
        .await;
    assert_eq!(cleared.status, 303);
    // A page rendered from now on has no banner (a cached one is re-rendered in the background,
    // while open pages are told through the push stream).
    let fresh = live.app.get("/culture").await;
    assert!(!fresh.text("#breaking").contains("Air raid alert"));
    let page = live.app.get_as(&live.editor, "/newsroom/breaking").await;
    assert!(page.text("#current-title + p").contains("No banner is set"));
    live.app.finish().await;
}

async fn every_live_action_is_written_to_the_audit_log(backend: Backend) {
    let live = Live::new(backend).await;
    let entry = live.posted(&live.author, "First report.").await;
    let fields = [("action", "save"), ("body", "First report, updated.")];
    live.act(&live.editor, entry, &fields).await;
    for action in ["pin", "key", "delete"] {
        live.act(&live.editor, entry, &[("action", action)]).await;
    }
    let fields = [("action", "set"), ("text", "Alert"), ("expires", "")];
    live.app
        .post_as(&live.editor, "/newsroom/breaking", &fields)
        .await;
    let logged = |entity: &'static str| {
        let store = live.app.store.clone();
        async move {
            let filter = AuditFilter {
                entity: Some(entity.into()),
                ..AuditFilter::default()
            };
            let page = store
                .audit_log(&filter, PageRequest::new(1, 50))
                .await
                .unwrap();
            page.items
                .iter()
                .map(|e| (e.action.clone(), e.actor.clone()))
                .collect::<Vec<_>>()
        }
    };
    let entries: Vec<String> = logged("live_entry")
        .await
        .into_iter()
        .map(|(a, _)| a)
        .collect();
    for action in ["post", "edit", "pin", "key", "delete"] {
        assert!(
            entries.contains(&action.to_owned()),
            "{action} in {entries:?}"
        );
    }
    let blog = logged("live_blog").await;
    assert_eq!(blog.len(), 1, "{blog:?}");
    assert_eq!(blog[0].0, "start");
    assert_eq!(logged("breaking").await[0].0, "set");
    live.app.finish().await;
}
