//! `TestApp`: the real router on a fresh SQLite database, with a fixed clock, driven without a
//! network socket. Tests read what a reader would see: status, headers and the parsed page.

#![allow(clippy::unwrap_used)]
#![allow(dead_code)]

use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use chrono::{DateTime, TimeZone, Utc};
use gazette_core::{Article, ArticleStatus, Language, NewArticle, Slug};
use gazette_store::testing::TestDatabase;
use gazette_store::{Backend, NewAuthor, NewSection, Store, ViewIncrement};
use gazette_web::{AppState, SiteConfig, Theme};
use http_body_util::BodyExt;
use scraper::{Html, Selector};
use tower::ServiceExt;

pub mod newsroom;

/// Declares one test per database from an `async fn(Backend)`, on a runtime with two workers so
/// that requests sent at once really run at once. The PostgreSQL ones are ignored, with the reason,
/// when the tests were built without `GAZETTE_TEST_POSTGRES_URL` (see build-support/).
#[macro_export]
macro_rules! on_sqlite_and_postgres {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $name() { super::$name(gazette_store::Backend::Sqlite).await; } )*
        }
        mod on_postgres {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               #[cfg_attr(not(gazette_postgres_tests), ignore = "set GAZETTE_TEST_POSTGRES_URL to run it")]
               async fn $name() {
                   super::$name(gazette_store::Backend::Postgres).await;
               } )*
        }
    };
}

pub const BASE_URL: &str = "https://news.test";

/// "Now" in every test: 31 March 2025, noon UTC.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 31, 12, 0, 0).unwrap()
}

pub fn days_ago(days: i64) -> DateTime<Utc> {
    now() - chrono::Duration::days(days)
}

pub struct TestApp {
    pub store: Arc<dyn Store>,
    pub state: AppState,
    /// The node's background jobs on this state, not started: tests run their steps when they
    /// choose ([`TestApp::settle`], `jobs.scheduler.run_once()`), or start them.
    pub jobs: gazette_node::Jobs,
    /// Seconds the clock has been moved past [`now`]; see [`TestApp::advance_clock`].
    clock_offset: Arc<std::sync::atomic::AtomicI64>,
    router: gazette_web::App,
    db: TestDatabase,
    /// The node's search index, built in a folder of its own.
    _search_dir: tempfile::TempDir,
    pub war: i64,
    pub culture: i64,
    pub olena: i64,
    pub staff: i64,
}

pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl TestResponse {
    pub fn html(&self) -> Html {
        Html::parse_document(&self.body)
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Text of every element matching `selector`, whitespace folded.
    pub fn texts(&self, selector: &str) -> Vec<String> {
        let selector = Selector::parse(selector).expect("selector");
        self.html()
            .select(&selector)
            .map(|e| {
                e.text()
                    .collect::<String>()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    pub fn text(&self, selector: &str) -> String {
        self.texts(selector)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no {selector} in page"))
    }

    /// An attribute of every element matching `selector`.
    pub fn attrs(&self, selector: &str, attribute: &str) -> Vec<String> {
        let selector = Selector::parse(selector).expect("selector");
        self.html()
            .select(&selector)
            .filter_map(|e| e.value().attr(attribute).map(str::to_owned))
            .collect()
    }

    /// The `name=value` of a cookie this response sets with a value, if it sets one.
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter(|v| v.starts_with(&format!("{name}=")) && !v.starts_with(&format!("{name}=;")))
            .map(|v| v.split(';').next().unwrap_or("").to_owned())
            .next()
    }

    pub fn count(&self, selector: &str) -> usize {
        let selector = Selector::parse(selector).expect("selector");
        self.html().select(&selector).count()
    }
}

impl TestApp {
    /// A site with two sections (War, Culture) and two bylines, and no articles.
    pub async fn init() -> Self {
        Self::with_config(Self::config()).await
    }

    /// The configuration tests start from: 3 articles per page, addresses from X-Forwarded-For.
    pub fn config() -> SiteConfig {
        SiteConfig {
            base_url: BASE_URL.into(),
            per_page: 3,
            top_window_days: 7,
            trust_forwarded_for: true,
            ..SiteConfig::default()
        }
    }

    pub async fn with_config(config: SiteConfig) -> Self {
        Self::on(backend_from_env(), config).await
    }

    /// A fresh site on the given database.
    pub async fn on(backend: Backend, config: SiteConfig) -> Self {
        let db = TestDatabase::new(backend).await.expect("test database");
        let store = db.store.clone();
        store
            .set_setting("site.name", "The Test Dispatch")
            .await
            .unwrap();
        store
            .set_setting("site.tagline", "About past, present and future")
            .await
            .unwrap();
        let war = store
            .create_section(
                NewSection {
                    slug: slug("war"),
                    name: "War".into(),
                    description: "From the front.".into(),
                    position: 1,
                },
                None,
            )
            .await
            .unwrap();
        let culture = store
            .create_section(
                NewSection {
                    slug: slug("culture"),
                    name: "Culture".into(),
                    description: String::new(),
                    position: 2,
                },
                None,
            )
            .await
            .unwrap();
        let olena = store
            .create_author(NewAuthor {
                slug: slug("olena-marchenko"),
                name: "Olena Marchenko".into(),
                bio: "Reports from Kharkiv.".into(),
                is_house: false,
            })
            .await
            .unwrap();
        let staff = store
            .create_author(NewAuthor {
                slug: slug("staff"),
                name: "Dispatch Staff".into(),
                bio: String::new(),
                is_house: true,
            })
            .await
            .unwrap();
        let theme = Arc::new(Theme::embedded().expect("theme"));
        let clock_offset = Arc::new(std::sync::atomic::AtomicI64::new(0));
        let offset = clock_offset.clone();
        let state = AppState::new(store.clone(), theme, config).with_clock(Arc::new(move || {
            now() + chrono::Duration::seconds(offset.load(std::sync::atomic::Ordering::SeqCst))
        }));
        let search_dir = tempfile::tempdir().expect("search index folder");
        let index =
            Arc::new(gazette_search::SearchIndex::open(search_dir.path()).expect("search index"));
        index
            .rebuild(store.as_ref(), |_, _| {})
            .await
            .expect("search index built");
        // Small sitemap files, so that a handful of articles already fills several.
        let feeds = gazette_web::feeds::FeedOptions {
            sitemap_urls_per_file: 3,
            ..Default::default()
        };
        let state = state.with_search(index).with_feed_options(feeds);
        let router = gazette_web::app(state.clone());
        let jobs = state.jobs();
        Self {
            store,
            state,
            jobs,
            router,
            clock_offset,
            db,
            _search_dir: search_dir,
            war: war.id,
            culture: culture.id,
            olena: olena.id,
            staff: staff.id,
        }
    }

    /// The same site with a media library (uploads, `/media/` files).
    pub fn with_media(mut self, media: gazette_media::MediaLibrary) -> Self {
        self.state = self.state.clone().with_media(media);
        self.router = gazette_web::app(self.state.clone());
        self
    }

    /// Moves the app's clock `seconds` further on (it starts at [`now`]).
    pub fn advance_clock(&self, seconds: i64) {
        self.clock_offset
            .fetch_add(seconds, std::sync::atomic::Ordering::SeqCst);
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.request(Request::get(path).body(Body::empty()).unwrap())
            .await
    }

    /// Brings the node's derived data up to date, as its background jobs would within a second:
    /// the change feed, the page cache's invalidations, the top articles, the search index.
    pub async fn settle(&self) {
        self.jobs.settle().await;
    }

    /// The service the server runs, to serve over real connections.
    pub fn app(&self) -> gazette_web::App {
        self.router.clone()
    }

    pub async fn request(&self, request: Request<Body>) -> TestResponse {
        self.settle().await;
        answer(self.router.clone(), request).await
    }

    /// Sends every request at once, each on a task of its own, and returns the answers in order.
    pub async fn all_at_once(&self, requests: Vec<Request<Body>>) -> Vec<TestResponse> {
        self.settle().await;
        let tasks: Vec<_> = requests
            .into_iter()
            .map(|request| tokio::spawn(answer(self.router.clone(), request)))
            .collect();
        let mut answers = Vec::new();
        for task in tasks {
            answers.push(task.await.expect("request task"));
        }
        answers
    }

    /// The raw body bytes of a response, for compressed bodies.
    pub async fn raw(&self, request: Request<Body>) -> Vec<u8> {
        self.settle().await;
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("router answers");
        response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
            .to_vec()
    }

    pub fn article(&self, headline: &str) -> NewArticle {
        NewArticle {
            language: Language::EN,
            slug: None,
            headline: headline.into(),
            standfirst: format!("What happened: {headline}."),
            body_markdown: "First paragraph.\n\n> \"We held the line,\" said a commander.\n\n> [!pull]\n> The line held.\n\nLast paragraph.".into(),
            section_id: self.war,
            tag_ids: vec![],
            author_ids: vec![self.olena],
            status: ArticleStatus::Published,
            published_at: Some(days_ago(1)),
            updated_at: None,
            seo_title: None,
            seo_description: None,
        }
    }

    pub async fn publish(&self, article: NewArticle) -> Article {
        self.store
            .create_article(article, days_ago(2))
            .await
            .expect("article saved")
    }

    pub async fn publish_headline(&self, headline: &str) -> Article {
        self.publish(self.article(headline)).await
    }

    /// Gives an article `views` reads today.
    pub async fn read(&self, article: &Article, views: i64) {
        let day = now().timestamp().div_euclid(86_400);
        self.store
            .add_views(&[ViewIncrement {
                article_id: article.id,
                day,
                views,
            }])
            .await
            .unwrap();
    }

    /// See [`TestDatabase::hold_page_reads`].
    pub fn hold_page_reads(&self, held: bool) {
        self.db.hold_page_reads(held);
    }

    pub async fn finish(self) {
        self.db.finish().await;
    }
}

async fn answer(router: gazette_web::App, request: Request<Body>) -> TestResponse {
    let response = router.oneshot(request).await.expect("router answers");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    TestResponse {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// SQLite unless `GAZETTE_TEST_BACKEND=postgres` (with `GAZETTE_TEST_POSTGRES_URL` set).
pub fn backend_from_env() -> Backend {
    match std::env::var("GAZETTE_TEST_BACKEND").as_deref() {
        Ok("postgres") => Backend::Postgres,
        _ => Backend::Sqlite,
    }
}

pub fn slug(s: &str) -> Slug {
    Slug::parse(s).unwrap()
}
