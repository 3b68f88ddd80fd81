//! Every route of the site, in one place.

use std::convert::Infallible;

use axum::Router;
use axum::extract::Request;
use axum::middleware;
use axum::response::IntoResponse;
use axum::response::Response;
use axum::routing::{get, post};
use tower::ServiceBuilder;
use tower::util::BoxCloneService;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

use crate::AppState;
use crate::cache::serve_cached;
use crate::error::{AppError, not_found, render_error_pages};
use crate::feeds;
use crate::security::security_headers;
use crate::site::{article, assets, health, home, lists, pages};
use crate::views;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(home::home))
        .route("/healthz", get(health::healthz))
        .nest("/newsroom", crate::newsroom::router())
        .route("/assets/{name}", get(assets::asset))
        .route("/media/{key}", get(crate::site::media::file))
        .route("/search", get(crate::site::search::search))
        .route("/robots.txt", get(feeds::robots))
        .route("/sitemap.xml", get(feeds::sitemap_index))
        .route("/sitemaps/pages.xml", get(feeds::sitemap_pages))
        .route("/sitemaps/news.xml", get(feeds::news_sitemap))
        .route("/sitemaps/articles/{file}", get(feeds::sitemap_articles))
        .route("/feeds/{file}", get(feeds::site_feed))
        .route("/feeds/{kind}/{slug}/{file}", get(feeds::list_feed))
        .route("/corrections", get(crate::site::corrections::page))
        .route("/views/{id}", post(views::beacon).get(views::pixel))
        .route("/tags/{slug}", get(lists::tag))
        .route("/authors/{slug}", get(lists::author))
        .route("/pages/{slug}", get(pages::page))
        .route("/{section}", get(lists::section))
        .route("/{section}/{slug}", get(article::article))
        .fallback(not_found)
        .layer(CatchPanicLayer::custom(|_| {
            // A panic is a bug; the reader still gets the site's error page.
            AppError::Internal("handler panicked".into()).into_response()
        }))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            render_error_pages,
        ))
        .layer(middleware::from_fn(security_headers))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// The service the server runs: the routes behind the page cache, behind compression.
pub type App = BoxCloneService<Request, Response, Infallible>;

/// The whole application. The page cache sits in front of the router, so a hit is answered
/// before any routing, extraction or other layer runs (the pages it stores already carry the
/// security headers). Compression is outermost so that pages the cache does not keep are
/// compressed too; cached pages come compressed and are passed through.
pub fn app(state: AppState) -> App {
    let pages = state.pages.clone();
    let service = ServiceBuilder::new()
        .map_response(IntoResponse::into_response)
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn_with_state(pages, serve_cached))
        .service(router(state));
    BoxCloneService::new(service)
}
