//! The public site: one module per kind of page.

pub mod article;
pub mod assets;
pub mod health;
pub mod home;
pub mod lists;
pub mod pages;

use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use gazette_core::ArticleSummary;
use serde::Deserialize;

use crate::AppState;
use crate::error::{AppError, AppResult};

/// Public pages may be cached briefly by browsers and CDNs, and served stale while the origin
/// revalidates or is down.
const PUBLIC_CACHE_CONTROL: &str =
    "public, max-age=60, stale-while-revalidate=300, stale-if-error=86400";

/// Renders a template into a public, cacheable HTML response.
pub fn render(state: &AppState, template: &str, context: minijinja::Value) -> AppResult<Response> {
    let html = state.theme.render(template, context)?;
    let mut response = Html(html).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(PUBLIC_CACHE_CONTROL),
    );
    Ok(response)
}

/// `?page=N` on list pages.
#[derive(Debug, Deserialize)]
pub struct PageParam {
    page: Option<String>,
}

impl PageParam {
    /// The page asked for; anything but a positive whole number is a clear 400.
    pub fn number(&self) -> AppResult<u32> {
        match self.page.as_deref().map(str::trim) {
            None | Some("") => Ok(1),
            Some(raw) => match raw.parse::<u32>() {
                Ok(n) if (1..=100_000).contains(&n) => Ok(n),
                _ => Err(AppError::BadRequest(format!(
                    "\u{201c}{}\u{201d} is not a page number. Pages are numbered from 1.",
                    raw.chars().take(20).collect::<String>()
                ))),
            },
        }
    }
}

/// Days since the Unix epoch: the unit of the view buckets.
pub fn day_number(at: chrono::DateTime<chrono::Utc>) -> i64 {
    at.timestamp().div_euclid(86_400)
}

/// "Top articles": the most read over the configured window.
pub async fn top_articles(state: &AppState, limit: u32) -> AppResult<Vec<ArticleSummary>> {
    let now = state.now();
    let since = day_number(now) - state.config.top_window_days + 1;
    Ok(state.store.most_read(since, limit, now).await?)
}
