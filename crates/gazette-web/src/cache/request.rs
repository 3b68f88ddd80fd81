//! What a cached answer depends on in the request: the key a page is cached under (its path and
//! the parameters it reads), the encoding the client accepts, and whether it already has the page.

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, header};

/// The query parameters public pages read: lists their `page`, search its filters. Every other
/// parameter (`utm_*`, `fbclid`, a cache-buster) changes nothing on the page, so it is no part of
/// the cache key and is removed before rendering: otherwise each random query string would be a
/// new miss, rendered and stored, and a scan could fill memory and keep the server busy rendering.
fn reads_parameter(path: &str, name: &str) -> bool {
    const SEARCH: &[&str] = &[
        "page", "q", "section", "author", "lang", "from", "to", "sort",
    ];
    if path.starts_with("/api/v1/") {
        // The Content API's own parameters (a consumer's `key` makes the request skip the
        // cache: see `keyed`).
        const API: &[&str] = &[
            "section",
            "tag",
            "author",
            "language",
            "published_since",
            "published_until",
            "q",
            "cursor",
            "limit",
            "fields",
        ];
        API.contains(&name)
    } else if path == "/search" || is_edition_search(path) {
        SEARCH.contains(&name)
    } else if path == "/" {
        // A WordPress post or page asked for by number: answered with a redirect after an
        // import (crate::site::old_addresses), so never the front page from the cache.
        matches!(name, "page" | "p" | "page_id")
    } else {
        name == "page"
    }
}

/// Another edition's search page: `/uk/search`, `/crh/search`.
fn is_edition_search(path: &str) -> bool {
    path.strip_suffix("/search")
        .and_then(|p| p.strip_prefix('/'))
        .is_some_and(|code| {
            (2..=3).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_lowercase())
        })
}

/// A page is cached under its path and the parameters it reads, in the order they came.
pub(super) fn cache_key<B>(request: &axum::http::Request<B>) -> std::borrow::Cow<'_, str> {
    let uri = request.uri();
    let target = uri.path_and_query().map_or(uri.path(), |pq| pq.as_str());
    cache_key_of(uri.path(), uri.query(), target)
}

/// [`cache_key`] from the request target as it came (`target` is `path` and `?query`, if any).
pub(super) fn cache_key_of<'a>(
    path: &'a str,
    query: Option<&'a str>,
    target: &'a str,
) -> std::borrow::Cow<'a, str> {
    use std::borrow::Cow;
    let Some(query) = query else {
        return Cow::Borrowed(path);
    };
    let reads = |pair: &&str| {
        let name = pair.split_once('=').map_or(*pair, |(name, _)| name);
        reads_parameter(path, name)
    };
    let pairs = query.split('&').filter(|p| !p.is_empty());
    if pairs.clone().all(|p| reads(&p)) && !query.is_empty() {
        return Cow::Borrowed(target);
    }
    let kept: Vec<&str> = pairs.filter(reads).collect();
    if kept.is_empty() {
        Cow::Borrowed(path)
    } else {
        Cow::Owned(format!("{}?{}", path, kept.join("&")))
    }
}

/// Rewrites the request to the address it is cached under, so that what is rendered is exactly
/// what the key names.
pub(super) fn normalise(request: &mut Request, key: &str) {
    let current = request.uri().path_and_query().map(|pq| pq.as_str());
    if current == Some(key) {
        return;
    }
    if let Ok(uri) = key.parse::<axum::http::Uri>() {
        *request.uri_mut() = uri;
    }
}

/// Paths never cached: per-visitor, private or already in memory.
pub(super) fn cacheable_path(path: &str) -> bool {
    !(path.starts_with("/newsroom")
        || (path.starts_with("/api/") && !path.starts_with("/api/v1/"))
        || path.starts_with("/views/")
        || path.starts_with("/live/")
        || path.starts_with("/assets/")
        || path.starts_with("/media/")
        || path == "/healthz")
}

/// Whether a Content API request carries a consumer's key (`?key=` or `X-Gazette-Key`): it is
/// answered past the cache, so that the key is checked and the request counted.
pub(super) fn keyed(path: &str, query: Option<&str>, key_header: bool) -> bool {
    path.starts_with("/api/")
        && (key_header
            || query.is_some_and(|q| {
                q.split('&')
                    .any(|pair| pair == "key" || pair.starts_with("key="))
            }))
}

pub(super) enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

pub(super) fn preferred_encoding(headers: &HeaderMap) -> Encoding {
    preferred_encoding_of(
        headers
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok()),
    )
}

/// [`preferred_encoding`] from the `Accept-Encoding` header's text, if the request has one.
pub(super) fn preferred_encoding_of(accept: Option<&str>) -> Encoding {
    let Some(accept) = accept else {
        return Encoding::Identity;
    };
    let mut brotli = false;
    let mut gzip = false;
    for item in accept.split(',') {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or("").trim();
        let refused = parts.any(|p| {
            let p = p.trim();
            p.strip_prefix("q=")
                .is_some_and(|q| q.trim().parse::<f32>().is_ok_and(|q| q <= 0.0))
        });
        if refused {
            continue;
        }
        match name {
            "br" => brotli = true,
            "gzip" | "x-gzip" => gzip = true,
            "*" => {
                brotli = true;
                gzip = true;
            }
            _ => {}
        }
    }
    if brotli {
        Encoding::Brotli
    } else if gzip {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

pub(super) fn etag_matches(headers: &HeaderMap, etag: &HeaderValue) -> bool {
    etag_matches_of(
        headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok()),
        etag,
    )
}

/// [`etag_matches`] from the `If-None-Match` header's text, if the request has one.
pub(super) fn etag_matches_of(wanted: Option<&str>, etag: &HeaderValue) -> bool {
    let Some(wanted) = wanted else {
        return false;
    };
    let ours = etag.to_str().unwrap_or("");
    wanted
        .split(',')
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == "*" || t == ours)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(accept: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(accept).unwrap(),
        );
        h
    }

    #[test]
    fn brotli_is_preferred_then_gzip_and_refusals_are_respected() {
        assert!(matches!(
            preferred_encoding(&headers("gzip, deflate, br")),
            Encoding::Brotli
        ));
        assert!(matches!(
            preferred_encoding(&headers("gzip")),
            Encoding::Gzip
        ));
        assert!(matches!(
            preferred_encoding(&headers("br;q=0, gzip;q=0.5")),
            Encoding::Gzip
        ));
        assert!(matches!(
            preferred_encoding(&headers("identity")),
            Encoding::Identity
        ));
        assert!(matches!(
            preferred_encoding(&HeaderMap::new()),
            Encoding::Identity
        ));
    }

    #[test]
    fn content_api_requests_keep_their_parameters_and_keyed_ones_skip_the_cache() {
        assert_eq!(
            cache_key_of(
                "/api/v1/articles",
                Some("section=war&utm_source=x&limit=5"),
                "/api/v1/articles?section=war&utm_source=x&limit=5"
            ),
            "/api/v1/articles?section=war&limit=5"
        );
        assert!(cacheable_path("/api/v1/articles"));
        assert!(!cacheable_path("/api/admin/v1/articles"));
        assert!(keyed("/api/v1/tags", Some("limit=2&key=gzk_x"), false));
        assert!(keyed("/api/v1/tags", None, true));
        assert!(!keyed("/api/v1/tags", Some("keyword=x"), false));
    }

    #[test]
    fn if_none_match_accepts_lists_and_weak_tags() {
        let etag = HeaderValue::from_static("\"abc\"");
        let mut h = HeaderMap::new();
        h.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"x\", W/\"abc\""),
        );
        assert!(etag_matches(&h, &etag));
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"x\""));
        assert!(!etag_matches(&h, &etag));
    }
}
