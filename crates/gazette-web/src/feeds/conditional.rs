//! Feed and sitemap answers with validators (`ETag`, `Last-Modified`), and `304 Not Modified` for
//! a client that already holds them.

use std::time::{Duration, UNIX_EPOCH};

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

/// Feeds and sitemaps may be cached a little longer than pages: readers poll them.
const CACHE_CONTROL: &str = "public, max-age=300, stale-while-revalidate=600, stale-if-error=86400";

/// Answers with `body`, or `304 Not Modified` when the client already holds it: its
/// `If-None-Match` names this ETag, or (without one) its `If-Modified-Since` is not older than
/// `last_modified`.
pub(crate) fn conditional(
    request: &HeaderMap,
    content_type: &'static str,
    body: String,
    last_modified: Option<DateTime<Utc>>,
) -> Response {
    let digest = Sha256::digest(body.as_bytes());
    let etag = format!("\"{}\"", data_encoding::HEXLOWER.encode(&digest[..16]));
    let last_modified = last_modified.filter(|t| t.timestamp() > 0);
    let not_modified = match request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    {
        Some(tags) => tags
            .split(',')
            .map(str::trim)
            .any(|t| t == "*" || t == etag || t.strip_prefix("W/") == Some(etag.as_str())),
        None => match (
            request
                .get(header::IF_MODIFIED_SINCE)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| httpdate::parse_http_date(v).ok())
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .and_then(|d| i64::try_from(d.as_secs()).ok()),
            last_modified,
        ) {
            (Some(since), Some(modified)) => modified.timestamp() <= since,
            _ => false,
        },
    };
    let mut response = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut r = Body::from(body).into_response();
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        r
    };
    let h = response.headers_mut();
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_CONTROL),
    );
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    if let Some(v) = last_modified
        .and_then(http_date)
        .and_then(|d| HeaderValue::from_str(&d).ok())
    {
        h.insert(header::LAST_MODIFIED, v);
    }
    response
}

/// An HTTP date, `Mon, 31 Mar 2025 12:00:00 GMT`; `None` before 1970 or after 9999, which the
/// format cannot carry.
fn http_date(at: DateTime<Utc>) -> Option<String> {
    let secs = u64::try_from(at.timestamp())
        .ok()
        .filter(|&s| s < LAST_HTTP_DATE)?;
    Some(httpdate::fmt_http_date(
        UNIX_EPOCH + Duration::from_secs(secs),
    ))
}

/// 10000-01-01T00:00:00Z: the first second an HTTP date cannot write.
const LAST_HTTP_DATE: u64 = 253_402_300_800;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_read_back_as_the_same_second() {
        let at = DateTime::from_timestamp(1_743_422_400, 0).unwrap_or_default();
        let written = http_date(at).unwrap_or_default();
        assert_eq!(written, "Mon, 31 Mar 2025 12:00:00 GMT");
        assert_eq!(
            DateTime::parse_from_rfc2822(&written).map(|d| d.timestamp()),
            Ok(at.timestamp())
        );
        let far = DateTime::from_timestamp(LAST_HTTP_DATE as i64, 0).unwrap_or_default();
        assert_eq!(http_date(far), None);
        assert_eq!(
            http_date(far - chrono::Duration::seconds(1)).as_deref(),
            Some("Fri, 31 Dec 9999 23:59:59 GMT")
        );
        let before = DateTime::from_timestamp(-1, 0).unwrap_or_default();
        assert_eq!(http_date(before), None);
    }

    #[test]
    fn if_modified_since_is_read_in_each_format_http_allows() {
        let modified = DateTime::from_timestamp(1_743_422_400, 0).unwrap_or_default();
        for (since, status) in [
            ("Mon, 31 Mar 2025 12:00:00 GMT", StatusCode::NOT_MODIFIED),
            ("Monday, 31-Mar-25 12:00:00 GMT", StatusCode::NOT_MODIFIED),
            ("Mon Mar 31 12:00:00 2025", StatusCode::NOT_MODIFIED),
            ("Mon, 31 Mar 2025 11:59:59 GMT", StatusCode::OK),
            ("yesterday", StatusCode::OK),
        ] {
            let mut request = HeaderMap::new();
            request.insert(header::IF_MODIFIED_SINCE, HeaderValue::from_static(since));
            let response = conditional(&request, "text/plain", "news".into(), Some(modified));
            assert_eq!(response.status(), status, "If-Modified-Since: {since}");
            assert_eq!(
                response.headers().get(header::LAST_MODIFIED),
                Some(&HeaderValue::from_static("Mon, 31 Mar 2025 12:00:00 GMT"))
            );
        }
    }
}
