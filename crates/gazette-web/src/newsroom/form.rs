//! A submitted newsroom form, read field by field. A leaf module: the sign-in checks in `auth.rs`
//! read forms as much as the handlers do.

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::error::{AppError, AppResult};

/// A submitted form as name/value pairs, so that repeated names (several bylines) survive.
#[derive(Debug, Default, Clone)]
pub struct FormData(pub Vec<(String, String)>);

impl FormData {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The trimmed value, or an empty string.
    pub fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or("").trim().to_owned()
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    pub fn optional_id(&self, name: &str) -> AppResult<Option<i64>> {
        match self.get(name).map(str::trim) {
            None | Some("") => Ok(None),
            Some(raw) => raw
                .parse()
                .map(Some)
                .map_err(|_| AppError::BadRequest(format!("{name}: {raw:?} is not a number"))),
        }
    }

    /// A `datetime-local` value, read as UTC.
    pub fn time(&self, name: &str, label: &str) -> AppResult<Option<DateTime<Utc>>> {
        parse_time(self.get(name).unwrap_or(""), label)
    }
}

/// Reads `2025-03-31T12:00` (or with seconds, or a space) as a UTC time; empty is none.
pub fn parse_time(raw: &str, label: &str) -> AppResult<Option<DateTime<Utc>>> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    for format in [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(raw, format) {
            return Ok(Some(t.and_utc()));
        }
    }
    Err(AppError::BadRequest(format!(
        "{label}: {:?} is not a date and time like 2025-03-31T14:30 (UTC)",
        raw.chars().take(40).collect::<String>()
    )))
}
