//! `TestApp`: the real router on a fresh SQLite database, with a fixed clock, driven without a
//! network socket. Tests read what a reader would see: status, headers and the parsed page.

#![allow(clippy::unwrap_used)]
#![allow(dead_code)]

use std::sync::Arc;

use axum::Router;
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
    router: Router,
    db: TestDatabase,
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

    pub fn count(&self, selector: &str) -> usize {
        let selector = Selector::parse(selector).expect("selector");
        self.html().select(&selector).count()
    }
}

impl TestApp {
    /// A site with two sections (War, Culture) and two bylines, and no articles.
    pub async fn init() -> Self {
        Self::with_config(SiteConfig {
            base_url: BASE_URL.into(),
            per_page: 3,
            top_window_days: 7,
        })
        .await
    }

    pub async fn with_config(config: SiteConfig) -> Self {
        let db = TestDatabase::new(Backend::Sqlite)
            .await
            .expect("test database");
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
            .create_section(NewSection {
                slug: slug("war"),
                name: "War".into(),
                description: "From the front.".into(),
                position: 1,
            })
            .await
            .unwrap();
        let culture = store
            .create_section(NewSection {
                slug: slug("culture"),
                name: "Culture".into(),
                description: String::new(),
                position: 2,
            })
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
        let state = AppState::new(store.clone(), theme, config).with_clock(Arc::new(now));
        let router = gazette_web::router(state);
        Self {
            store,
            router,
            db,
            war: war.id,
            culture: culture.id,
            olena: olena.id,
            staff: staff.id,
        }
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.request(Request::get(path).body(Body::empty()).unwrap())
            .await
    }

    pub async fn request(&self, request: Request<Body>) -> TestResponse {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("router answers");
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

    pub fn article(&self, headline: &str) -> NewArticle {
        NewArticle {
            language: Language::En,
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

    pub async fn finish(self) {
        self.db.finish().await;
    }
}

pub fn slug(s: &str) -> Slug {
    Slug::parse(s).unwrap()
}
