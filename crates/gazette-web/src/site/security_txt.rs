//! `/.well-known/security.txt` (RFC 9116): where someone who finds a hole in the site reports it.
//! A newspaper covering a war is attacked; the people who notice first should know whom to tell.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, SecondsFormat};

use crate::state::SiteState;

pub async fn security_txt(State(state): State<SiteState>) -> Response {
    let base = state.config.base_url.trim_end_matches('/');
    let contact = state.config.security_contact.clone().unwrap_or_else(|| {
        let host = base
            .split("://")
            .nth(1)
            .unwrap_or(base)
            .split(['/', ':'])
            .next()
            .unwrap_or("localhost");
        format!("mailto:security@{host}")
    });
    // The RFC wants an expiry under a year ahead: a year from now, so the file never goes stale.
    let now = state.now();
    let expires = now
        .with_year(now.year() + 1)
        .unwrap_or(now + chrono::Duration::days(365));
    let body = format!(
        "Contact: {contact}\n\
         Expires: {}\n\
         Preferred-Languages: en, uk\n\
         Canonical: {base}/.well-known/security.txt\n",
        expires.to_rfc3339_opts(SecondsFormat::Secs, true)
    );
    let mut response = body.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}
