//! The page cache: rendered public pages kept in memory, pre-compressed (brotli, gzip, identity)
//! with an ETag, so that a hit costs no database query and no template rendering.
//!
//! - Pages opt in: a handler attaches [`SurrogateKeys`] to its response (`article-12`,
//!   `section-3`, `home`…). Those keys drive invalidation here and CDN purges outside
//!   (`Surrogate-Key` and `Cache-Tag` headers).
//! - Invalidation follows the change log: the node's page-invalidation job works out what a change
//!   made stale and calls [`InvalidatePages::invalidate`]. A changed article removes every page
//!   that shows it and every list it now belongs in; any other change (sections, settings, pages)
//!   clears everything, since it can show on every page.
//! - A page is fresh for `fresh_for` (view counts and "Top articles" may be that stale). After that
//!   the first reader re-renders it while the others still get the stale copy; if rendering fails
//!   because the database is down, the stale copy keeps being served.
//! - Concurrent misses for one page render it once (quick_cache's placeholder guard). A path whose
//!   answer turned out not cacheable (search results, a 404, a redirect) is remembered for a while
//!   as a "pass", so that its concurrent requests render side by side instead of queueing for the
//!   guard one at a time: without that, 32 readers of one search were answered one after another.
//! - Memory is bounded by the total size of the stored bodies; quick_cache evicts the entries least
//!   likely to be asked for again (S3-FIFO: one-hit wonders go first).

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use gazette_node::{InvalidatePages, Stale};
use sha2::{Digest, Sha256};

mod request;
mod wire;

use request::{
    Encoding, cache_key, cacheable_path, etag_matches, keyed, normalise, preferred_encoding,
};
pub use wire::{RawRequest, WireAnswer, date_and_end_of_head};

/// Keys naming what a page shows, for invalidation and CDN purges.
#[derive(Debug, Clone, Default)]
pub struct SurrogateKeys(pub Vec<String>);

impl SurrogateKeys {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, key: impl Into<String>) {
        let key = key.into();
        if !self.0.contains(&key) {
            self.0.push(key);
        }
    }
}

pub fn article_key(id: i64) -> String {
    format!("article-{id}")
}
pub fn section_key(id: i64) -> String {
    format!("section-{id}")
}
pub fn tag_key(id: i64) -> String {
    format!("tag-{id}")
}
pub fn author_key(id: i64) -> String {
    format!("author-{id}")
}
pub const HOME_KEY: &str = "home";
/// Every page: the menu, footer and site name appear everywhere.
pub const SITE_KEY: &str = "site";

#[derive(Debug, Clone)]
pub struct CacheConfig {
    pub enabled: bool,
    /// Upper bound on the bytes of stored bodies (all three encodings).
    pub max_bytes: u64,
    /// How long a page is served without re-rendering.
    pub fresh_for: Duration,
    /// The `Cache-Control` header sent with public pages.
    pub cache_control: String,
    /// A command run with the purged keys as arguments on every invalidation, for a CDN.
    pub purge_command: Option<String>,
}

impl Default for CacheConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            max_bytes: 256 * 1024 * 1024,
            fresh_for: Duration::from_secs(60),
            cache_control: "public, max-age=60, stale-while-revalidate=300, stale-if-error=86400"
                .into(),
            purge_command: None,
        }
    }
}

/// A rendered page, ready to send in any encoding, with every response header prepared when it
/// was stored: a hit only clones a header map and a reference-counted body.
pub struct CachedPage {
    identity: Variant,
    gzip: Variant,
    brotli: Variant,
    keys: Vec<String>,
    rendered_at: Instant,
    refreshing: AtomicBool,
}

/// The page in one encoding. Each encoding has its own strong ETag (HTTP forbids one strong
/// validator for different bytes), derived from the page's digest so a revalidation still matches.
struct Variant {
    body: Bytes,
    headers: HeaderMap,
    etag: HeaderValue,
    /// For `304 Not Modified`: the same headers without a body, its length or type.
    not_modified: HeaderMap,
    /// `200 OK` and `headers` as written on the wire, for the server's fast path (`wire.rs`).
    wire: Bytes,
    /// `304 Not Modified` and `not_modified`, the same way.
    wire_not_modified: Bytes,
}

impl CachedPage {
    /// `headers` are the rendered response's (content type, security headers…); the cache adds its
    /// own validators and CDN headers.
    fn build(
        mut headers: HeaderMap,
        body: Bytes,
        keys: Vec<String>,
        cache_control: &HeaderValue,
    ) -> Option<Self> {
        let digest = Sha256::digest(&body);
        let digest = data_encoding::HEXLOWER.encode(&digest[..10]);
        let gzip = {
            let mut encoder = flate2::write::GzEncoder::new(
                Vec::with_capacity(body.len() / 3),
                flate2::Compression::new(6),
            );
            encoder.write_all(&body).ok()?;
            encoder.finish().ok()?
        };
        let brotli = {
            let mut out = Vec::with_capacity(body.len() / 3);
            let params = brotli::enc::BrotliEncoderParams {
                quality: 6,
                lgwin: 20,
                ..Default::default()
            };
            brotli::BrotliCompress(&mut body.as_ref(), &mut out, &params).ok()?;
            out
        };
        for name in [
            header::CONTENT_LENGTH,
            header::CONTENT_ENCODING,
            header::TRANSFER_ENCODING,
            header::DATE,
        ] {
            headers.remove(name);
        }
        headers.insert(
            header::LAST_MODIFIED,
            HeaderValue::from_str(&httpdate::fmt_http_date(std::time::SystemTime::now())).ok()?,
        );
        headers.insert(header::CACHE_CONTROL, cache_control.clone());
        headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        headers.insert(
            "surrogate-key",
            HeaderValue::from_str(&keys.join(" ")).ok()?,
        );
        headers.insert("cache-tag", HeaderValue::from_str(&keys.join(",")).ok()?);
        let variant = |body: Bytes, encoding: Option<&'static str>| {
            let etag = match encoding {
                Some(encoding) => format!("\"{digest}-{encoding}\""),
                None => format!("\"{digest}\""),
            };
            let etag = HeaderValue::from_str(&etag).ok()?;
            let mut not_modified = headers.clone();
            not_modified.remove(header::CONTENT_TYPE);
            not_modified.insert(header::ETAG, etag.clone());
            let mut h = not_modified.clone();
            if let Some(content_type) = headers.get(header::CONTENT_TYPE) {
                h.insert(header::CONTENT_TYPE, content_type.clone());
            }
            h.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
            if let Some(encoding) = encoding {
                h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
            }
            Some(Variant {
                wire: wire::head_bytes("HTTP/1.1 200 OK", &h),
                wire_not_modified: wire::head_bytes("HTTP/1.1 304 Not Modified", &not_modified),
                body,
                headers: h,
                etag,
                not_modified,
            })
        };
        Some(Self {
            gzip: variant(Bytes::from(gzip), Some("gzip"))?,
            brotli: variant(Bytes::from(brotli), Some("br"))?,
            identity: variant(body, None)?,
            keys,
            rendered_at: Instant::now(),
            refreshing: AtomicBool::new(false),
        })
    }

    fn weight(&self) -> u64 {
        let variant = |v: &Variant| v.body.len() + v.wire.len() + v.wire_not_modified.len();
        (variant(&self.identity) + variant(&self.gzip) + variant(&self.brotli) + 2048) as u64
    }

    /// The page in `encoding`.
    fn variant(&self, encoding: Encoding) -> &Variant {
        match encoding {
            Encoding::Brotli => &self.brotli,
            Encoding::Gzip => &self.gzip,
            Encoding::Identity => &self.identity,
        }
    }

    /// The page in the best encoding the request accepts, or 304 when the client has it.
    fn respond(&self, request_headers: &HeaderMap, method: &Method) -> Response {
        let variant = self.variant(preferred_encoding(request_headers));
        if etag_matches(request_headers, &variant.etag) {
            let mut response = Response::new(Body::empty());
            *response.status_mut() = StatusCode::NOT_MODIFIED;
            *response.headers_mut() = variant.not_modified.clone();
            return response;
        }
        let body = if *method == Method::HEAD {
            Body::empty()
        } else {
            Body::from(variant.body.clone())
        };
        let mut response = Response::new(body);
        *response.headers_mut() = variant.headers.clone();
        response
    }
}

#[derive(Clone)]
struct PageWeighter;

impl quick_cache::Weighter<String, Arc<CachedPage>> for PageWeighter {
    fn weight(&self, _key: &String, page: &Arc<CachedPage>) -> u64 {
        page.weight()
    }
}

type Entries = quick_cache::sync::Cache<String, Arc<CachedPage>, PageWeighter>;

pub struct PageCache {
    config: CacheConfig,
    cache_control: HeaderValue,
    entries: Entries,
    /// Which cached pages carry each key. Entries evicted by size stay listed until their key is
    /// next purged or the index is pruned: removing a missing page is harmless.
    index: std::sync::Mutex<HashMap<String, HashSet<String>>>,
    /// Pages rendered and stored, for tests and monitoring.
    renders: std::sync::atomic::AtomicU64,
    /// Requests answered by the server's fast path (`wire.rs`), for tests and monitoring.
    wire_hits: std::sync::atomic::AtomicU64,
    /// Paths last answered with something not cacheable, and when: rendered without waiting for
    /// one another until `fresh_for` has passed. Bounded by count; evicting one is harmless.
    passes: quick_cache::sync::Cache<String, Instant>,
    /// When the cache was made: the origin of `stale_before`.
    epoch: Instant,
    /// Pages rendered before this many milliseconds after `epoch` are stale whatever their age:
    /// something every page shows changed (the breaking-news banner), and each page is rendered
    /// again when next asked for rather than purged all at once.
    stale_before_ms: std::sync::atomic::AtomicU64,
    /// Pages being compressed at once: one per core. Each compression holds a brotli window and
    /// three copies of the page, so a burst of misses must not run them all side by side.
    compressing: tokio::sync::Semaphore,
}

/// How many not-cacheable paths are remembered (a scan of random URLs only cycles this list).
const PASS_CAPACITY: usize = 10_000;

impl PageCache {
    pub fn new(config: CacheConfig) -> Self {
        let cache_control = HeaderValue::from_str(&config.cache_control)
            .unwrap_or_else(|_| HeaderValue::from_static("public, max-age=60"));
        // Sized for pages of ~40 KB in all three encodings.
        let estimated_items = (config.max_bytes / 40_000).max(16) as usize;
        let entries =
            Entries::with_weighter(estimated_items, config.max_bytes.max(1), PageWeighter);
        Self {
            config,
            cache_control,
            entries,
            index: Default::default(),
            renders: Default::default(),
            wire_hits: Default::default(),
            passes: quick_cache::sync::Cache::new(PASS_CAPACITY),
            epoch: Instant::now(),
            stale_before_ms: Default::default(),
            compressing: tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, usize::from),
            ),
        }
    }

    /// The answer to `request` when a fresh copy of its page is cached: the hot path, run before
    /// any other layer. Stale pages, misses and everything else go through [`serve_cached`].
    pub fn fresh_answer<B>(&self, request: &axum::http::Request<B>) -> Option<Response> {
        if !self.may_keep(request) {
            return None;
        }
        let page = self.entries.get(cache_key(request).as_ref())?;
        self.is_fresh(&page)
            .then(|| page.respond(request.headers(), request.method()))
    }

    /// Whether the answer to `request` may come from, or go into, this cache.
    fn may_keep<B>(&self, request: &axum::http::Request<B>) -> bool {
        let method = request.method();
        self.enabled()
            && (method == Method::GET || method == Method::HEAD)
            && cacheable_path(request.uri().path())
            && !keyed(
                request.uri().path(),
                request.uri().query(),
                request.headers().contains_key("x-gazette-key"),
            )
    }

    /// Whether `page` may be served without rendering it again.
    fn is_fresh(&self, page: &CachedPage) -> bool {
        let stale_before = self.stale_before_ms.load(Ordering::Relaxed);
        page.rendered_at.elapsed() < self.config.fresh_for
            && (stale_before == 0
                || page.rendered_at >= self.epoch + Duration::from_millis(stale_before))
    }

    /// Makes every cached page stale without removing it: each is served as it is while the
    /// first reader to ask for it has it rendered again.
    pub fn mark_all_stale(&self) {
        // Rounded up: a page rendered a fraction of a millisecond ago is stale too (and one
        // rendered a fraction after is merely rendered once more). Zero means "never".
        let now = u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX - 1) + 1;
        self.stale_before_ms.store(now, Ordering::Relaxed);
    }

    /// Whether `path` recently answered with something not cacheable.
    fn is_pass(&self, path: &str) -> bool {
        self.passes
            .get(path)
            .is_some_and(|since| since.elapsed() < self.config.fresh_for)
    }

    pub fn enabled(&self) -> bool {
        self.config.enabled
    }

    pub fn cache_control(&self) -> &HeaderValue {
        &self.cache_control
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// How many pages have been rendered into the cache since start.
    pub fn renders(&self) -> u64 {
        self.renders.load(Ordering::Relaxed)
    }

    /// Requests the server answered from this cache below hyper (see `server/fast_path.rs`).
    pub fn fast_path_hits(&self) -> u64 {
        self.wire_hits.load(Ordering::Relaxed)
    }

    /// Bytes held by cached bodies.
    pub fn weight(&self) -> u64 {
        self.entries.weight()
    }

    fn remember(&self, path: &str, keys: &[String]) {
        let Ok(mut index) = self.index.lock() else {
            return;
        };
        for key in keys {
            index
                .entry(key.clone())
                .or_default()
                .insert(path.to_owned());
        }
        // Keep the index from outgrowing the cache by much.
        let listed: usize = index.values().map(HashSet::len).sum();
        if listed > 64 * (self.entries.len() + 64) {
            index.retain(|_, paths| {
                paths.retain(|p| self.entries.peek(p).is_some());
                !paths.is_empty()
            });
        }
    }

    fn store(&self, key: &str, page: Arc<CachedPage>) {
        self.remember(key, &page.keys);
        self.passes.remove(key);
        self.entries.insert(key.to_owned(), page);
    }

    /// Removes every page carrying any of `keys`; `site` removes everything.
    pub fn purge(&self, keys: &[String]) {
        if keys.iter().any(|k| k == SITE_KEY) {
            self.entries.clear();
            if let Ok(mut index) = self.index.lock() {
                index.clear();
            }
        } else {
            let paths: Vec<String> = match self.index.lock() {
                Ok(mut index) => keys
                    .iter()
                    .filter_map(|k| index.remove(k))
                    .flatten()
                    .collect(),
                Err(_) => Vec::new(),
            };
            for path in paths {
                self.entries.remove(&path);
            }
        }
        if let Some(command) = &self.config.purge_command {
            run_purge_command(command, keys);
        }
    }
}

/// The node's page-invalidation job (`gazette_node::page_invalidation`) works out what a change
/// made stale; this names it in the cache's keys and purges them.
impl InvalidatePages for PageCache {
    fn invalidate(&self, stale: &Stale) {
        let mut keys = SurrogateKeys::new();
        if stale.everything {
            keys.add(SITE_KEY);
        }
        if stale.home {
            keys.add(HOME_KEY);
        }
        for &id in &stale.articles {
            keys.add(article_key(id));
        }
        for &id in &stale.sections {
            keys.add(section_key(id));
        }
        for &id in &stale.tags {
            keys.add(tag_key(id));
        }
        for &id in &stale.authors {
            keys.add(author_key(id));
        }
        if !keys.0.is_empty() {
            self.purge(&keys.0);
        }
        if stale.banner {
            self.mark_all_stale();
        }
    }
}

fn run_purge_command(command: &str, keys: &[String]) {
    let mut parts = command.split_whitespace();
    let Some(program) = parts.next() else { return };
    let spawned = tokio::process::Command::new(program)
        .args(parts)
        .args(keys)
        .stdin(std::process::Stdio::null())
        .kill_on_drop(false)
        .spawn();
    match spawned {
        Ok(mut child) => {
            tokio::spawn(async move {
                match child.wait().await {
                    Ok(status) if !status.success() => {
                        tracing::warn!(%status, "purge command failed")
                    }
                    Err(e) => tracing::warn!(error = %e, "purge command failed"),
                    Ok(_) => {}
                }
            });
        }
        Err(e) => tracing::warn!(error = %e, command, "cannot run the purge command"),
    }
}

/// The middleware, outermost but for compression: answers hits before any other layer runs, and
/// on a miss renders once (through the whole stack) and stores the result.
pub async fn serve_cached(
    State(cache): State<Arc<PageCache>>,
    request: Request,
    next: Next,
) -> Response {
    if !cache.may_keep(&request) {
        return next.run(request).await;
    }
    let key = cache_key(&request).into_owned();
    let mut request = request;
    normalise(&mut request, &key);

    if let Some(page) = cache.entries.get(&key) {
        let fresh = cache.is_fresh(&page);
        // Stale: the first reader starts a re-render in the background; every reader, that one
        // included, gets the stale copy at once instead of waiting on a database that may hang.
        if !fresh && !page.refreshing.swap(true, Ordering::AcqRel) {
            let answer = page.respond(request.headers(), request.method());
            tokio::spawn(refresh(cache.clone(), key, page, request, next));
            return answer;
        }
        return page.respond(request.headers(), request.method());
    }

    if cache.is_pass(&key) {
        return render_past_the_guard(&cache, key, request, next).await;
    }
    match cache.entries.get_value_or_guard_async(&key).await {
        Ok(page) => page.respond(request.headers(), request.method()),
        // Waiters behind a render that proved the path not cacheable: each lets the next go at
        // once and renders on its own.
        Err(guard) if cache.is_pass(&key) => {
            drop(guard);
            render_past_the_guard(&cache, key, request, next).await
        }
        Err(guard) => {
            let (asked, rendered) = render(&cache, request, next).await;
            match rendered {
                Ok(page) => {
                    let _ = guard.insert(page.clone());
                    cache.remember(&key, &page.keys);
                    asked.answer(&page)
                }
                Err(response) => {
                    cache.passes.insert(key, Instant::now());
                    // Dropping the guard wakes the next waiter, which now sees the pass.
                    drop(guard);
                    response
                }
            }
        }
    }
}

/// Re-renders a stale page in the background and stores the result. Should rendering fail for the
/// server's reasons (the database is down), the stale copy stays (stale-if-error) and the next
/// reader tries again; should the page be gone or moved, the stale copy goes.
async fn refresh(
    cache: Arc<PageCache>,
    key: String,
    stale: Arc<CachedPage>,
    request: Request,
    next: Next,
) {
    let (_, rendered) = render(&cache, request, next).await;
    match rendered {
        Ok(new_page) => cache.store(&key, new_page),
        Err(response) if response.status().is_server_error() => {
            stale.refreshing.store(false, Ordering::Release);
        }
        Err(_) => {
            cache.entries.remove(&key);
        }
    }
}

/// Renders a path known to answer with something not cacheable, without the single-flight guard.
/// Should it have become cacheable (an article published at a URL that was a 404), it is stored
/// and the pass forgotten.
async fn render_past_the_guard(
    cache: &PageCache,
    key: String,
    request: Request,
    next: Next,
) -> Response {
    let (asked, rendered) = render(cache, request, next).await;
    match rendered {
        Ok(page) => {
            cache.store(&key, page.clone());
            asked.answer(&page)
        }
        Err(response) => response,
    }
}

/// What the answer depends on in the request, kept while the request goes down the stack.
struct Asked {
    method: Method,
    headers: HeaderMap,
}

impl Asked {
    fn answer(&self, page: &CachedPage) -> Response {
        page.respond(&self.headers, &self.method)
    }

    /// A response rendered for a GET, answered to the request as asked: a HEAD gets the headers
    /// only, and a client whose `If-None-Match` names the response's `ETag` gets `304` (the
    /// validator was taken off the request so that the render is always the whole response).
    fn as_asked(&self, response: Response) -> Response {
        let still_current = response.status() == StatusCode::OK
            && response
                .headers()
                .get(header::ETAG)
                .is_some_and(|etag| etag_matches(&self.headers, etag));
        if self.method != Method::HEAD && !still_current {
            return response;
        }
        let (mut parts, _) = response.into_parts();
        if still_current {
            parts.status = StatusCode::NOT_MODIFIED;
            parts.headers.remove(header::CONTENT_LENGTH);
        }
        Response::from_parts(parts, Body::empty())
    }
}

/// Renders `request` through the rest of the stack: the page if it can be cached, else the
/// response as it came.
///
/// A miss is always rendered as a GET, whatever was asked: the router answers a HEAD with an empty
/// body, and storing that would blank the page for every reader (and every CDN) after it. The
/// answer to the request itself still follows its method.
async fn render(
    cache: &PageCache,
    mut request: Request,
    next: Next,
) -> (Asked, Result<Arc<CachedPage>, Response>) {
    let asked = Asked {
        method: request.method().clone(),
        headers: request.headers().clone(),
    };
    *request.method_mut() = Method::GET;
    // The cache answers validators itself, per encoding: what is rendered must be the whole page
    // (an API answer would otherwise be a bodiless 304, which is not a page to keep). What is not
    // kept gets its 304 from `as_asked`.
    request.headers_mut().remove(header::IF_NONE_MATCH);
    let response = next.run(request).await;
    let rendered = into_page(cache, response).await;
    let rendered = rendered.map_err(|response| asked.as_asked(response));
    (asked, rendered)
}

/// A 200 response that named its surrogate keys becomes a cached page; anything else is passed on.
async fn into_page(cache: &PageCache, response: Response) -> Result<Arc<CachedPage>, Response> {
    let cacheable = response.status() == StatusCode::OK
        && response.extensions().get::<SurrogateKeys>().is_some()
        && !response.headers().contains_key(header::CONTENT_ENCODING)
        && !response.headers().contains_key(header::SET_COOKIE);
    if !cacheable {
        return Err(response);
    }
    let (parts, body) = response.into_parts();
    let keys = parts
        .extensions
        .get::<SurrogateKeys>()
        .map(|k| k.0.clone())
        .unwrap_or_default();
    // Pages are small; a body that fails to read was never going to be served either.
    let bytes = match axum::body::to_bytes(body, 16 * 1024 * 1024).await {
        Ok(bytes) => bytes,
        Err(_) => return Err(StatusCode::INTERNAL_SERVER_ERROR.into_response()),
    };
    // Compression takes a millisecond or two: off the request threads.
    let (headers, body, cache_control) = (
        parts.headers.clone(),
        bytes.clone(),
        cache.cache_control.clone(),
    );
    let Ok(_permit) = cache.compressing.acquire().await else {
        return Err(Response::from_parts(parts, Body::from(bytes)));
    };
    let built =
        tokio::task::spawn_blocking(move || CachedPage::build(headers, body, keys, &cache_control))
            .await
            .ok()
            .flatten();
    match built {
        Some(page) => {
            cache.renders.fetch_add(1, Ordering::Relaxed);
            Ok(Arc::new(page))
        }
        None => Err(Response::from_parts(parts, Body::from(bytes))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Readers of a page that is never cached (search results) are answered side by side: here
    /// the page is only answered once `READERS` requests are inside the handler together, which
    /// never happens if the cache queues them behind one another.
    #[tokio::test]
    async fn readers_of_a_page_that_is_not_cached_do_not_queue_behind_each_other() {
        use tower::ServiceExt;
        const READERS: usize = 8;
        let together = Arc::new(tokio::sync::Barrier::new(READERS));
        let first = Arc::new(AtomicBool::new(true));
        let app = axum::Router::new()
            .route(
                "/search",
                axum::routing::get(move || {
                    let (together, first) = (together.clone(), first.clone());
                    async move {
                        // The first reader learns that the page is not cacheable; the next
                        // READERS must then all be in here at the same time to be answered.
                        if !first.swap(false, Ordering::AcqRel) {
                            together.wait().await;
                        }
                        "results, not cached"
                    }
                }),
            )
            .layer(axum::middleware::from_fn_with_state(
                Arc::new(PageCache::new(CacheConfig::default())),
                serve_cached,
            ));
        let get = || {
            app.clone().oneshot(
                Request::get("/search?q=drones")
                    .body(Body::empty())
                    .unwrap(),
            )
        };
        assert_eq!(get().await.unwrap().status(), StatusCode::OK);
        let readers: Vec<_> = (0..READERS).map(|_| tokio::spawn(get())).collect();
        let answered = tokio::time::timeout(Duration::from_secs(10), async {
            let mut statuses = Vec::new();
            for reader in readers {
                statuses.push(reader.await.unwrap().unwrap().status());
            }
            statuses
        })
        .await
        .expect("every reader answered; none waited for another's render");
        assert!(answered.iter().all(|s| *s == StatusCode::OK));
    }

    #[test]
    fn a_cached_page_decompresses_to_the_same_bytes() {
        let body = Bytes::from("<p>Kyiv</p>".repeat(200));
        let page = CachedPage::build(
            HeaderMap::new(),
            body.clone(),
            vec!["home".into()],
            &HeaderValue::from_static("public"),
        )
        .unwrap();
        let mut gunzipped = Vec::new();
        std::io::Read::read_to_end(
            &mut flate2::read::GzDecoder::new(page.gzip.body.as_ref()),
            &mut gunzipped,
        )
        .unwrap();
        assert_eq!(gunzipped, body);
        let mut unbrotlied = Vec::new();
        brotli::BrotliDecompress(&mut page.brotli.body.as_ref(), &mut unbrotlied).unwrap();
        assert_eq!(unbrotlied, body);
        assert!(page.brotli.body.len() < body.len() / 5);
    }
}
