//! Every route of the site, in one place.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::extract::{ConnectInfo, FromRef, Request};
use axum::middleware;
use axum::response::IntoResponse;
use axum::response::{Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use tower::util::{BoxCloneSyncService, Oneshot};
use tower::{Service, ServiceBuilder, ServiceExt};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

use crate::AppState;
use crate::cache::{PageCache, serve_cached};
use crate::error::{AppError, not_found};
use crate::error_pages::render_errors;
use crate::feeds;
use crate::security::security_headers;
use crate::site::reads;
use crate::site::{Edition, article, assets, health, home, lists, pages};

pub fn router(state: AppState) -> Router {
    let editions = state.config.editions.clone();
    let mut router = Router::new()
        .route("/healthz", get(health::healthz))
        .nest("/newsroom", crate::newsroom::router())
        .merge(crate::api::router())
        .route("/assets/{name}", get(assets::asset))
        .route("/media/{key}", get(crate::site::media::file))
        .route("/robots.txt", get(feeds::robots))
        .route(
            "/.well-known/security.txt",
            get(crate::site::security_txt::security_txt),
        )
        .route("/sitemap.xml", get(feeds::sitemap_index))
        .route("/sitemaps/pages.xml", get(feeds::sitemap_pages))
        .route("/sitemaps/articles/{file}", get(feeds::sitemap_articles))
        // IndexNow's key file, `/{key}.txt`, only while a key is configured.
        .merge(crate::site::distribution::routes(&state))
        .route("/views/{id}", post(reads::beacon).get(reads::pixel))
        .route("/live/stream", get(crate::site::live::stream::stream))
        .route(
            "/live/updates.json",
            get(crate::site::live::stream::updates),
        )
        .merge(edition_routes(Edition(editions.default_language())));
    // Every other edition is the same pages under its code: `/uk`, `/uk/world`, `/uk/world/slug`.
    for &language in editions.prefixed() {
        let prefix = format!("/{language}");
        router = router
            .route(
                &format!("{prefix}/"),
                get(move || async move { Redirect::permanent(&format!("/{language}")) }),
            )
            .nest(&prefix, edition_routes(Edition(language)));
    }
    router
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::site::old_addresses::redirect_old_addresses,
        ))
        .layer(CatchPanicLayer::custom(|_| {
            // A panic is a bug; the reader still gets the site's error page.
            AppError::Internal("handler panicked".into()).into_response()
        }))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::outage::fail_fast,
        ))
        .layer(middleware::from_fn(crate::input::clean_input))
        .layer(middleware::from_fn_with_state(state.clone(), render_errors))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security_headers,
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// The pages each edition has, marked with the edition (handlers take it as an extractor).
fn edition_routes(edition: Edition) -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route("/search", get(crate::site::search::search))
        .route("/sitemaps/news.xml", get(feeds::news_sitemap))
        .route("/feeds/{file}", get(feeds::site_feed))
        .route("/feeds/{kind}/{slug}/{file}", get(feeds::list_feed))
        .route("/corrections", get(crate::site::corrections::page))
        .route("/tags/{slug}", get(lists::tag))
        .route("/authors/{slug}", get(lists::author))
        .route("/pages/{slug}", get(pages::page))
        .route("/{section}", get(lists::section))
        .route("/{section}/{slug}", get(article::article))
        .route(
            "/{section}/{slug}/entries/{entry}",
            get(crate::site::live::page::entry),
        )
        .layer(Extension(edition))
}

/// The service the server runs. A fresh cached page is answered at once; everything else goes
/// through the stack: compression, then the page cache's middleware (misses rendered once, stale
/// pages refreshed, stale-if-error), then the router.
#[derive(Clone)]
pub struct App {
    pages: Arc<PageCache>,
    /// What live push streams answered below the stack need (see `server/fast_path.rs`).
    site: Option<Arc<crate::state::SiteState>>,
    /// Shared, so that cloning the app per request (as the server does) allocates nothing; the
    /// stack itself is cloned only for the requests that use it.
    stack: Arc<Stack>,
}

type Stack = BoxCloneSyncService<Request, Response, Infallible>;

/// The whole application. The page cache sits in front of everything, so a hit is answered before
/// any routing, extraction or other layer runs (the pages it stores already carry the security
/// headers and come compressed). Compression is outermost on the stack so that pages the cache
/// does not keep are compressed too.
pub fn app(state: AppState) -> App {
    let pages = state.pages.clone();
    let site = Some(Arc::new(crate::state::SiteState::from_ref(&state)));
    let stack = ServiceBuilder::new()
        .map_response(IntoResponse::into_response)
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn_with_state(pages.clone(), serve_cached))
        .service(router(state));
    App {
        pages,
        site,
        stack: Arc::new(BoxCloneSyncService::new(stack)),
    }
}

impl Service<Request> for App {
    type Response = Response;
    type Error = Infallible;
    type Future = AppFuture;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        // The stack is readied per request below, on the path that uses it.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> AppFuture {
        match self.pages.fresh_answer(&request) {
            Some(response) => AppFuture::Answered(Some(response)),
            None => self.through_stack(request),
        }
    }
}

impl App {
    /// The public site's state, for the live push streams the server answers itself.
    pub(crate) fn site(&self) -> Option<Arc<crate::state::SiteState>> {
        self.site.clone()
    }

    /// Answers a request as it comes off a connection from `peer` (see `server.rs`). The hot path
    /// on a busy day: a fresh cached page is answered from the request as hyper parsed it, with no
    /// layer, no boxed body or future, and no allocation for the lookup. Anything else gets its
    /// body boxed and the peer's address attached, and goes through the stack.
    pub fn answer<B>(&self, request: axum::http::Request<B>, peer: SocketAddr) -> AppFuture
    where
        B: axum::body::HttpBody<Data = axum::body::Bytes> + Send + 'static,
        B::Error: Into<axum::BoxError>,
    {
        if let Some(response) = self.pages.fresh_answer(&request) {
            return AppFuture::Answered(Some(response));
        }
        let mut request = request.map(axum::body::Body::new);
        request.extensions_mut().insert(ConnectInfo(peer));
        self.through_stack(request)
    }

    /// The page cache, which the server's fast path answers from before hyper is involved.
    pub(crate) fn pages(&self) -> &PageCache {
        &self.pages
    }

    fn through_stack(&self, request: Request) -> AppFuture {
        AppFuture::Stack(Stack::clone(&self.stack).oneshot(request))
    }
}

/// The answer of [`App`]: ready at once from the cache, or coming from the stack.
pub enum AppFuture {
    Answered(Option<Response>),
    Stack(Oneshot<Stack, Request>),
}

impl Future for AppFuture {
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.get_mut() {
            AppFuture::Answered(response) => match response.take() {
                Some(response) => Poll::Ready(Ok(response)),
                None => panic!("AppFuture polled after it completed"),
            },
            AppFuture::Stack(future) => Pin::new(future).poll(cx),
        }
    }
}

#[cfg(test)]
mod tests {
    use gazette_core::RESERVED_SECTION_SLUGS;

    /// A section at an address the router answers itself would be unreachable (its articles
    /// answered 404 when a section took `media`). Every first path segment this file routes must
    /// be on the list sections are refused, so a new route cannot be forgotten there.
    #[test]
    fn every_first_path_segment_the_router_claims_is_reserved_for_sections() {
        let source = include_str!("router.rs");
        let mut checked = 0;
        for call in [".route(\"/", ".nest(\"/"] {
            for rest in source.split(call).skip(1) {
                let segment = rest.split(['/', '"']).next().unwrap_or("");
                // `/`, `/{section}` and files with a dot cannot clash with a slug.
                if segment.is_empty() || segment.starts_with('{') || segment.contains('.') {
                    continue;
                }
                checked += 1;
                assert!(
                    RESERVED_SECTION_SLUGS.contains(&segment),
                    "/{segment} is routed but a section may take that address"
                );
            }
        }
        assert!(checked >= 10, "the routes were read ({checked})");
    }
}
