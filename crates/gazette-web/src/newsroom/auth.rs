//! Who is asking: the session cookie and the signed-in person it names ([`CurrentUser`]), the
//! CSRF token every POST carries ([`PostForm`]), the newsroom's cookies, and whether the site
//! requires two-factor sign-in. Signing in and out is `sign_in.rs`, starting a session
//! `sessions.rs`, the code step `two_factor.rs`; all of them build on this module, which imports
//! none of them.
//!
//! The cookie holds a random token; the database keeps only its SHA-256, with the session's CSRF
//! token.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRef, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use cookie::{Cookie, SameSite};
use gazette_core::Language;
use gazette_core::newsroom::User;
use gazette_store::Actor;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::form::FormData;
use crate::error::{AppError, AppResult};
use crate::state::NewsroomState;

pub const SESSION_COOKIE: &str = "gazette_session";
pub(super) const LOGIN_CSRF_COOKIE: &str = "gazette_login_csrf";
/// How long a sign-in lasts.
pub const SESSION_LIFETIME_DAYS: i64 = 7;

/// The signed-in person making this request.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    pub csrf: String,
    pub(super) token_hash: String,
    pub address: String,
}

impl CurrentUser {
    /// The language this person reads the newsroom in.
    pub fn language(&self) -> Language {
        self.user.ui_language
    }

    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.user.id),
            name: self.user.name.clone(),
            address: self.address.clone(),
        }
    }
}

pub(super) fn token_hash(token: &str) -> String {
    data_encoding::HEXLOWER.encode(&Sha256::digest(token.as_bytes()))
}

/// The value of the cookie `name` the browser sent, as sent; the first if there are several.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .and_then(|c| c.value_raw())
}

/// The language the sign-in pages speak before anyone is known: the one the browser's
/// `Accept-Language` ranks highest among those the newsroom has words for, else English.
pub fn browser_language(headers: &HeaderMap) -> Language {
    let available = crate::locale::locales().languages();
    let mut best: Option<(f32, Language)> = None;
    let ranges = headers
        .get_all(header::ACCEPT_LANGUAGE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','));
    for range in ranges {
        let mut parts = range.split(';');
        let tag = parts.next().unwrap_or("").trim();
        let quality = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        // "uk-UA" names Ukrainian; the region does not matter here.
        let primary = tag.split(['-', '_']).next().unwrap_or("");
        let Ok(language) = Language::parse(&primary.to_ascii_lowercase()) else {
            continue;
        };
        if quality > 0.0 && available.contains(&language) && best.is_none_or(|(q, _)| quality > q) {
            best = Some((quality, language));
        }
    }
    best.map_or(Language::EN, |(_, language)| language)
}

/// The client's address: the peer, or the first `X-Forwarded-For` hop behind a trusted proxy.
pub fn client_address(state: &NewsroomState, parts: &Parts) -> String {
    if state.config.trust_forwarded_for
        && let Some(first) = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(str::trim)
            .filter(|v| v.parse::<std::net::IpAddr>().is_ok())
    {
        return first.to_owned();
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(
            || "unknown".to_owned(),
            |ConnectInfo(addr)| addr.ip().to_string(),
        )
}

/// A `Set-Cookie` for the newsroom: never readable by scripts nor sent with cross-site requests
/// other than links, and over HTTPS only when the site is served over HTTPS. A `max_age_secs` of
/// 0 removes the cookie.
pub(super) fn set_cookie(
    state: &NewsroomState,
    name: &str,
    value: &str,
    max_age_secs: i64,
) -> HeaderValue {
    let https = state.config.base_url.starts_with("https://");
    newsroom_cookie(name, value, max_age_secs, https)
}

fn newsroom_cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) -> HeaderValue {
    let cookie = Cookie::build((name, value))
        .path("/newsroom")
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(cookie::time::Duration::seconds(max_age_secs))
        .secure(secure)
        .build();
    // Names and values are ours (fixed names, hex tokens), so the header is always valid.
    HeaderValue::from_str(&cookie.to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
}

impl<S> FromRequestParts<S> for CurrentUser
where
    S: Send + Sync,
    NewsroomState: FromRef<S>,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = NewsroomState::from_ref(state);
        let next = if parts.method == Method::GET {
            // Inside the nested router the path has lost its `/newsroom` prefix.
            parts
                .extensions
                .get::<axum::extract::OriginalUri>()
                .map_or(&parts.uri, |original| &original.0)
                .path_and_query()
                .map_or("/newsroom", |pq| pq.as_str())
                .to_owned()
        } else {
            "/newsroom".to_owned()
        };
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE).filter(|t| !t.is_empty()) else {
            return Err(AppError::Unauthenticated { next });
        };
        let hash = token_hash(token);
        match state.store.session(&hash, state.now()).await? {
            Some((_, user))
                if !user.two_factor
                    && !exempt_path(&original_path(parts))
                    && required(&state).await? =>
            {
                Err(AppError::TwoFactorRequired)
            }
            Some((session, user)) => Ok(Self {
                user,
                csrf: session.csrf_token,
                token_hash: hash,
                address: client_address(&state, parts),
            }),
            None => Err(AppError::Unauthenticated { next }),
        }
    }
}

/// The request's path as the browser sent it (inside the nested router `/newsroom` is stripped).
fn original_path(parts: &Parts) -> String {
    parts
        .extensions
        .get::<axum::extract::OriginalUri>()
        .map_or(&parts.uri, |original| &original.0)
        .path()
        .to_owned()
}

/// A POST from a signed-in person whose form carries their session's CSRF token. Handlers that
/// change anything take this, so a forged cross-site form is refused before any handler runs.
pub struct PostForm {
    pub user: CurrentUser,
    pub form: FormData,
}

/// Largest form accepted (an article body with room to spare).
const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;

pub(super) async fn read_form(request: Request) -> AppResult<FormData> {
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(AppError::BadRequest(
            "Send this as a form (application/x-www-form-urlencoded).".into(),
        ));
    }
    let bytes = axum::body::to_bytes(request.into_body(), MAX_FORM_BYTES)
        .await
        .map_err(|_| AppError::BadRequest("The form is too large.".into()))?;
    let pairs = url_form_pairs(&bytes)?;
    Ok(FormData(pairs))
}

fn url_form_pairs(bytes: &[u8]) -> AppResult<Vec<(String, String)>> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| AppError::BadRequest("The form is not valid UTF-8.".into()))?;
    let mut pairs = Vec::new();
    for pair in text.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(&s.replace('+', " "))
                .decode_utf8()
                .map(|c| c.into_owned())
                .map_err(|_| AppError::BadRequest("The form is not valid UTF-8.".into()))
        };
        pairs.push((decode(k)?, decode(v)?));
    }
    Ok(pairs)
}

pub(super) fn same_token(a: &str, b: &str) -> bool {
    // In constant time whatever the first difference, so timing tells an attacker nothing of the
    // token. Only the length can show, and every token has the same length.
    bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

impl<S> FromRequest<S> for PostForm
where
    S: Send + Sync,
    NewsroomState: FromRef<S>,
{
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let user = CurrentUser::from_request_parts(&mut parts, state).await?;
        let form = read_form(Request::from_parts(parts, body)).await?;
        let sent = form.get("csrf").unwrap_or("");
        if sent.is_empty() || !same_token(sent, &user.csrf) {
            return Err(AppError::Forbidden(
                "This form has expired or did not come from the newsroom (its security token does not match). \
                 Go back, reload the page and try again."
                    .into(),
            ));
        }
        Ok(Self { user, form })
    }
}

// ---------------------------------------------------------------- two-factor requirement

/// The site setting that makes everyone use two-factor sign-in ("true" or "false").
pub const REQUIRE_SETTING: &str = "newsroom.require_two_factor";
/// The cookie naming a sign-in that waits for its code.
pub const CHALLENGE_COOKIE: &str = "gazette_2fa";
/// Whether the site requires two-factor sign-in of everyone.
pub async fn required(state: &NewsroomState) -> AppResult<bool> {
    Ok(state.store.setting(REQUIRE_SETTING).await?.as_deref() == Some("true"))
}

/// Pages someone without two-factor can still use when it is required: their account (where it
/// is set up) and signing out.
pub fn exempt_path(path: &str) -> bool {
    let path = path.strip_prefix("/newsroom").unwrap_or(path);
    path == "/account" || path.starts_with("/account/") || path == "/logout"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_read_by_name_from_every_cookie_header() {
        let mut headers = HeaderMap::new();
        headers.append(
            header::COOKIE,
            HeaderValue::from_static("theme=dark;  gazette_session=abc123 ; x=1"),
        );
        headers.append(header::COOKIE, HeaderValue::from_static("gazette_2fa=def"));
        assert_eq!(cookie(&headers, SESSION_COOKIE), Some("abc123"));
        assert_eq!(cookie(&headers, "gazette_2fa"), Some("def"));
        assert_eq!(cookie(&headers, "gazette"), None);
        assert_eq!(cookie(&HeaderMap::new(), SESSION_COOKIE), None);
    }

    #[test]
    fn newsroom_cookies_are_private_to_the_newsroom() {
        let set = newsroom_cookie(SESSION_COOKIE, "abc", 3600, true);
        let set = set.to_str().unwrap_or_default();
        for part in [
            "gazette_session=abc",
            "HttpOnly",
            "SameSite=Lax",
            "Secure",
            "Path=/newsroom",
            "Max-Age=3600",
        ] {
            assert!(set.split("; ").any(|p| p == part), "{set} lacks {part}");
        }
        let removal = newsroom_cookie(SESSION_COOKIE, "", 0, false);
        let removal = removal.to_str().unwrap_or_default();
        assert!(removal.starts_with("gazette_session=;"), "{removal}");
        assert!(removal.contains("Max-Age=0"), "{removal}");
        assert!(!removal.contains("Secure"), "{removal}");
    }

    #[test]
    fn the_sign_in_page_speaks_the_language_the_browser_prefers() {
        let with = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static(value));
            browser_language(&headers)
        };
        assert_eq!(with("uk-UA,uk;q=0.9,en-US;q=0.8,en;q=0.7"), Language::UK);
        assert_eq!(with("en-GB,en;q=0.9,uk;q=0.8"), Language::EN);
        assert_eq!(with("de-DE, uk;q=0.5"), Language::UK);
        assert_eq!(with("uk;q=0, en;q=0.1"), Language::EN);
        assert_eq!(with("fr-FR"), Language::EN);
        assert_eq!(with("*"), Language::EN);
        assert_eq!(browser_language(&HeaderMap::new()), Language::EN);
    }

    #[test]
    fn tokens_match_only_when_equal_in_full() {
        let token = "3f".repeat(32);
        assert!(same_token(&token, &"3f".repeat(32)));
        assert!(!same_token(&token, &format!("{}40", &token[..62])));
        assert!(!same_token(&token, &token[..63]));
        assert!(!same_token(&token, ""));
        assert!(same_token("", ""));
    }

    #[test]
    fn forms_keep_repeated_names_and_decode_text() {
        let pairs =
            url_form_pairs(b"author=1&author=2&headline=Hello+world%21").unwrap_or_default();
        let form = FormData(pairs);
        assert_eq!(form.all("author"), vec!["1", "2"]);
        assert_eq!(form.text("headline"), "Hello world!");
    }
}
