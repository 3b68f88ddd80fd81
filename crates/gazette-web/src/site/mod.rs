//! The public site: one module per kind of page.

pub mod article;
pub mod assets;
pub mod chrome;
pub mod corrections;
pub mod distribution;
pub mod edition;
pub mod health;
pub mod home;
pub mod lists;
pub mod live;
pub mod media;
pub mod old_addresses;
pub mod pages;
pub mod reads;
pub mod search;
pub mod security_txt;
pub mod top_articles;

use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use gazette_core::ArticleSummary;
use serde::Deserialize;

use crate::cache::{SurrogateKeys, article_key};
use crate::error::{AppError, AppResult};
use crate::state::SiteState;

pub use edition::Edition;

/// Renders a template into a public response. The surrogate keys name what the page shows: the
/// page cache stores it under them, and CDNs may cache it for as long as `Cache-Control` says.
pub fn render(
    state: &SiteState,
    template: &str,
    context: minijinja::Value,
    keys: SurrogateKeys,
) -> AppResult<Response> {
    let html = state.theme.render(template, context)?;
    let mut response = Html(html).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, state.pages.cache_control().clone());
    // A page without keys (search results) is not cached: nothing could invalidate it.
    if !keys.0.is_empty() {
        if let Ok(value) = HeaderValue::from_str(&keys.0.join(" ")) {
            headers.insert("surrogate-key", value);
        }
        response.extensions_mut().insert(keys);
    }
    Ok(response)
}

/// Surrogate keys for a page showing these cards, plus `extra`.
pub fn keys_for(cards: &[&[ArticleSummary]], extra: &[String]) -> SurrogateKeys {
    let mut keys = SurrogateKeys::new();
    for key in extra {
        keys.add(key.clone());
    }
    for list in cards {
        for article in *list {
            keys.add(article_key(article.id));
        }
    }
    keys
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

/// "Top articles" as pages of an edition show them: the most read in its language over the
/// configured window, as last computed in the background, with the same list as cards (undefined
/// while there is none, which templates skip).
pub fn top_articles(
    state: &SiteState,
    links: &edition::EditionLinks,
) -> (std::sync::Arc<Vec<ArticleSummary>>, minijinja::Value) {
    let list = state.top.list(links.language);
    let cards = if list.is_empty() {
        minijinja::Value::UNDEFINED
    } else {
        minijinja::Value::from_serialize(crate::presenters::Card::list(&list, links))
    };
    (list, cards)
}
