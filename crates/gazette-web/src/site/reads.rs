//! The read beacon. The article page sends it (`POST /views/{id}`, or `GET /views/{id}.gif` from a
//! `<noscript>` image); this module tells readers from previews and prefetches and finds the
//! reader's address, and the node's read counter (`gazette_node::read_counter`) does the counting
//! and the writing.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gazette_node::Counted;

use crate::state::ReadsState;

/// The beacon script, the same on every page so that the Content-Security-Policy can allow it by
/// hash; the article id comes from the tag's `data-article` attribute.
pub const BEACON_SCRIPT: &str = "(function(s){var u=\"/views/\"+s.dataset.article;if(navigator.sendBeacon){navigator.sendBeacon(u)}else{fetch(u,{method:\"POST\",keepalive:true})}})(document.currentScript)";

/// Counts one read of `article_id` by whoever sent `headers`, unless it is a prefetch or preview.
fn count(
    state: &ReadsState,
    article_id: i64,
    headers: &HeaderMap,
    peer: Option<IpAddr>,
) -> Counted {
    if is_prefetch(headers) {
        return Counted::NotAReader;
    }
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let address = client_address(headers, peer, state.config.trust_forwarded_for);
    state
        .reads
        .record(article_id, address, user_agent, state.now())
}

/// The reader's address: the first `X-Forwarded-For` entry when the node sits behind a trusted
/// proxy, else the connection's other end.
fn client_address(
    headers: &HeaderMap,
    peer: Option<IpAddr>,
    trust_forwarded_for: bool,
) -> Option<IpAddr> {
    if trust_forwarded_for
        && let Some(forwarded) = headers.get("x-forwarded-for").and_then(|v| v.to_str().ok())
        && let Some(first) = forwarded
            .split(',')
            .next()
            .and_then(|a| a.trim().parse().ok())
    {
        return Some(first);
    }
    peer
}

fn is_prefetch(headers: &HeaderMap) -> bool {
    ["sec-purpose", "purpose", "x-purpose", "x-moz"]
        .iter()
        .any(|name| {
            headers
                .get(*name)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| {
                    let v = v.to_ascii_lowercase();
                    v.contains("prefetch") || v.contains("preview") || v.contains("prerender")
                })
        })
}

/// The address of the connection's other end, when the server was started with connection info
/// (tests drive the router without one).
pub struct Peer(Option<IpAddr>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| addr.ip()),
        ))
    }
}

/// `POST /views/{id}`: the beacon.
pub async fn beacon(
    State(state): State<ReadsState>,
    Path(id): Path<String>,
    Peer(peer): Peer,
    headers: HeaderMap,
) -> Response {
    let Ok(article_id) = id.parse::<i64>() else {
        return (StatusCode::BAD_REQUEST, "not an article id").into_response();
    };
    count(&state, article_id, &headers, peer);
    no_store(StatusCode::NO_CONTENT.into_response())
}

/// The smallest transparent GIF, for the `<noscript>` fallback.
const PIXEL: &[u8] = &[
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
];

/// `GET /views/{id}.gif`: the beacon for readers without JavaScript.
pub async fn pixel(
    State(state): State<ReadsState>,
    Path(file): Path<String>,
    Peer(peer): Peer,
    headers: HeaderMap,
) -> Response {
    let Some(article_id) = file
        .strip_suffix(".gif")
        .and_then(|id| id.parse::<i64>().ok())
    else {
        return (StatusCode::NOT_FOUND, "no such counter").into_response();
    };
    count(&state, article_id, &headers, peer);
    let mut response = PIXEL.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("image/gif"));
    no_store(response)
}

fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
