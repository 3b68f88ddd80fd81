//! Writing a Content API answer: JSON with its `ETag` (and `304` for a client that has it), the
//! page cache's `Cache-Control`, and the surrogate keys that let the cache keep and purge it.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::api::error::ApiError;
use crate::cache::SurrogateKeys;
use crate::state::SiteState;

/// The strong ETag of a body: the same digest the page cache gives the uncompressed copy it
/// keeps, so a client's validator holds whichever way its next request is answered.
fn etag_of(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    format!("\"{}\"", data_encoding::HEXLOWER.encode(&digest[..10]))
}

/// Whether `If-None-Match` names `etag` (or `*`), weak or strong.
fn client_has(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == "*" || t == etag)
}

/// A JSON answer with its validators and caching headers. With `keys`, the page cache may keep
/// it (and purge it when what the keys name changes); without, it is rendered every time.
///
/// A request that goes through the page cache never carries `If-None-Match` this far (the cache
/// answers `304` itself from what it keeps); the check here serves keyed requests, which skip the
/// cache, and a node running without one.
pub fn json_response<T: Serialize>(
    state: &SiteState,
    request_headers: &HeaderMap,
    value: &T,
    keys: Option<SurrogateKeys>,
) -> Response {
    let body = match serde_json::to_vec(value) {
        Ok(body) => body,
        Err(e) => {
            return ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                format!("The answer could not be written: {e}"),
            )
            .into_response();
        }
    };
    let etag = etag_of(&body);
    let mut response = if client_has(request_headers, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut response = Response::new(Body::from(body));
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
    };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    headers.insert(header::CACHE_CONTROL, state.pages.cache_control().clone());
    if let Some(keys) = keys.filter(|k| !k.0.is_empty()) {
        if let Ok(value) = HeaderValue::from_str(&keys.0.join(" ")) {
            headers.insert("surrogate-key", value);
        }
        if response.status() == StatusCode::OK {
            response.extensions_mut().insert(keys);
        }
    }
    response
}
