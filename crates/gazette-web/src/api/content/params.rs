//! Reading the Content API's query parameters: every bad value is a `400` that says what was
//! wrong and what is allowed, never axum's plain-text rejection.

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use chrono::{DateTime, Utc};
use gazette_core::Language;
use serde::de::DeserializeOwned;

use super::schema::ITEM_FIELDS;
use crate::api::error::{ApiError, ApiResult};

/// Items per page unless `limit` says otherwise.
pub const DEFAULT_LIMIT: u32 = 20;
/// The most items one page may carry.
pub const MAX_LIMIT: u32 = 100;

/// Query parameters, or a JSON `400` naming what could not be read.
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(Self(value)),
            Err(rejection) => Err(ApiError::bad_request(format!(
                "The query string could not be read: {}",
                rejection.body_text()
            ))),
        }
    }
}

/// A parameter's value, trimmed; empty counts as absent.
pub fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// A value quoted in a message, cut short.
pub fn quoted(raw: &str) -> String {
    format!(
        "\u{201c}{}\u{201d}",
        raw.chars().take(40).collect::<String>()
    )
}

pub fn limit(raw: &Option<String>) -> ApiResult<u32> {
    match given(raw) {
        None => Ok(DEFAULT_LIMIT),
        Some(raw) => raw
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "limit must be a whole number from 1 to {MAX_LIMIT}, not {}.",
                    quoted(raw)
                ))
            }),
    }
}

/// One of the site's editions, by its code.
pub fn language(
    raw: &Option<String>,
    editions: &gazette_core::Editions,
) -> ApiResult<Option<Language>> {
    given(raw)
        .map(|code| {
            Language::parse(code)
                .ok()
                .filter(|l| editions.contains(*l))
                .ok_or_else(|| {
                    let codes: Vec<&str> = editions.all().iter().map(|l| l.code()).collect();
                    ApiError::bad_request(format!(
                        "language must be one of {}, not {}.",
                        codes.join(", "),
                        quoted(code)
                    ))
                })
        })
        .transpose()
}

pub fn time(raw: &Option<String>, name: &str) -> ApiResult<Option<DateTime<Utc>>> {
    given(raw)
        .map(|text| {
            DateTime::parse_from_rfc3339(text)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| {
                    ApiError::bad_request(format!(
                        "{name} must be an RFC 3339 time such as 2025-03-31T12:00:00Z, not {}.",
                        quoted(text)
                    ))
                })
        })
        .transpose()
}

/// `fields=headline,url`: the fields each list item carries (`id` always). `None` for all.
pub fn fields(raw: &Option<String>) -> ApiResult<Option<Vec<&'static str>>> {
    let Some(raw) = given(raw) else {
        return Ok(None);
    };
    let mut wanted = vec!["id"];
    for name in raw.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let field = ITEM_FIELDS.iter().find(|f| **f == name).ok_or_else(|| {
            ApiError::bad_request(format!(
                "{} is not a field of an article in a list. Choose from: {}.",
                quoted(name),
                ITEM_FIELDS.join(", ")
            ))
        })?;
        if !wanted.contains(field) {
            wanted.push(field);
        }
    }
    Ok(Some(wanted))
}

/// Where the next page starts, as clients see it: an opaque string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cursor {
    /// After the article published at `published` (Unix seconds) with this `id`, in the order
    /// lists use (newest first, then highest id). `ties` counts the articles of the pages so far
    /// published in that same second, which the next page skips: they come first when it asks
    /// for articles published up to that second.
    After { published: i64, id: i64, ties: u32 },
    /// The `offset`-th result of a search.
    Offset(u32),
}

const CURSOR_VERSION: &str = "1";

impl Cursor {
    pub fn encode(self) -> String {
        let text = match self {
            Self::After {
                published,
                id,
                ties,
            } => format!("{CURSOR_VERSION}.a.{published}.{id}.{ties}"),
            Self::Offset(offset) => format!("{CURSOR_VERSION}.o.{offset}"),
        };
        data_encoding::BASE64URL_NOPAD.encode(text.as_bytes())
    }

    pub fn decode(raw: &Option<String>) -> ApiResult<Option<Self>> {
        let Some(raw) = given(raw) else {
            return Ok(None);
        };
        let bad = || {
            ApiError::bad_request(format!(
                "{} is not a cursor from this API. Pass next_cursor from the previous page as it \
                 came, or leave cursor out to start at the beginning.",
                quoted(raw)
            ))
        };
        let bytes = data_encoding::BASE64URL_NOPAD
            .decode(raw.as_bytes())
            .map_err(|_| bad())?;
        let text = String::from_utf8(bytes).map_err(|_| bad())?;
        let parts: Vec<&str> = text.split('.').collect();
        let cursor = match parts.as_slice() {
            [CURSOR_VERSION, "a", published, id, ties] => Self::After {
                published: published.parse().map_err(|_| bad())?,
                id: id.parse().map_err(|_| bad())?,
                ties: ties.parse().map_err(|_| bad())?,
            },
            [CURSOR_VERSION, "o", offset] => Self::Offset(offset.parse().map_err(|_| bad())?),
            _ => return Err(bad()),
        };
        Ok(Some(cursor))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_read_back_as_written_and_anything_else_is_refused() {
        for cursor in [
            Cursor::After {
                published: 1_743_422_400,
                id: 12,
                ties: 2,
            },
            Cursor::Offset(40),
        ] {
            assert_eq!(Cursor::decode(&Some(cursor.encode())), Ok(Some(cursor)));
        }
        for bad in ["x", "MS5hLjEy", "!!!", "MS5vLi0x"] {
            assert!(Cursor::decode(&Some(bad.into())).is_err(), "{bad}");
        }
        assert_eq!(Cursor::decode(&Some("  ".into())), Ok(None));
    }

    #[test]
    fn fields_are_checked_and_id_is_always_kept() {
        assert_eq!(
            fields(&Some("headline, url,headline".into())),
            Ok(Some(vec!["id", "headline", "url"]))
        );
        assert!(fields(&Some("body".into())).is_err());
        assert_eq!(fields(&None), Ok(None));
    }

    #[test]
    fn limits_outside_one_to_a_hundred_are_refused() {
        assert_eq!(limit(&None), Ok(DEFAULT_LIMIT));
        assert_eq!(limit(&Some("100".into())), Ok(100));
        for bad in ["0", "101", "-1", "ten", "1.5"] {
            assert!(limit(&Some(bad.into())).is_err(), "{bad}");
        }
    }
}
