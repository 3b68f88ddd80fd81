//! Two-factor sign-in: setting up an authenticator app (the secret as text, as an `otpauth://`
//! address and as a QR code), confirming it with a code, recovery codes shown once, the second
//! sign-in step, turning it off (with the password), an admin turning it off for someone who lost
//! their phone, and the site setting that requires it of everyone.
//!
//! The second step is a row in `login_challenges` named by a cookie: a right password of someone
//! with two-factor gives that, not a session. Each code is charged to the same sign-in limits as a
//! password, before it is checked (`limits.rs`), so codes sent at once cannot all be tried.

use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use chrono::Duration;
use gazette_core::newsroom::{Permission, User, random_token};
use gazette_core::two_factor::{self as totp, CodeInput};
use gazette_store::{Actor, NewLoginChallenge};
use serde::Deserialize;

use super::audit::require;
pub use super::auth::{CHALLENGE_COOKIE, REQUIRE_SETTING, exempt_path, required};
use super::auth::{
    CurrentUser, PostForm, browser_language, client_address, cookie, read_form, same_token,
    set_cookie, token_hash,
};
use super::limits::Attempt;
use super::pages::{audit, audit_entry, layout, layout_in, render, see_other, show_time};
use super::sessions::{check_own_password, start_session};
use crate::error::{AppError, AppResult};
use crate::locale::locales;
use crate::state::NewsroomState;

/// How long the code step waits after the password.
const CHALLENGE_MINUTES: i64 = 5;

// ---------------------------------------------------------------- second sign-in step

/// After a right password: remember the half-done sign-in and ask for the code.
pub async fn ask_for_code(
    state: &NewsroomState,
    user: &User,
    address: &str,
    next: &str,
) -> AppResult<Response> {
    let now = state.now();
    let token = random_token();
    let entry = audit_entry(
        &Actor {
            user_id: Some(user.id),
            name: user.name.clone(),
            address: address.to_owned(),
        },
        "login_password_ok",
        "user",
        Some(user.id),
        "waiting for the two-factor code",
    );
    state
        .store
        .create_login_challenge(
            NewLoginChallenge {
                token_hash: token_hash(&token),
                user_id: user.id,
                csrf_token: random_token(),
                next: next.to_owned(),
                address: address.to_owned(),
                expires_at: now + Duration::minutes(CHALLENGE_MINUTES),
            },
            Some(&entry),
            now,
        )
        .await?;
    let mut response = see_other("/newsroom/login/code");
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(state, CHALLENGE_COOKIE, &token, CHALLENGE_MINUTES * 60),
    );
    Ok(response)
}

/// The code step's form, in the browser's language (nobody is signed in yet).
fn code_form(
    language: gazette_core::Language,
    csrf: Option<&str>,
    error: Option<&str>,
    status: StatusCode,
) -> AppResult<Response> {
    let mut page = render(
        "login_code.html",
        minijinja::context! {
            ..layout_in(None, language, &locales().word(language, "nr-code-heading")),
            ..minijinja::context! {
                challenge_csrf => csrf,
                expired => csrf.is_none(),
                error,
            }
        },
    )?;
    *page.status_mut() = status;
    Ok(page)
}

fn expired(language: gazette_core::Language) -> AppResult<Response> {
    let minutes = super::pages::args(&[("minutes", CHALLENGE_MINUTES.to_string())]);
    code_form(
        language,
        None,
        Some(&locales().text(language, "nr-code-expired", Some(&minutes))),
        StatusCode::BAD_REQUEST,
    )
}

pub async fn code_page(
    State(state): State<NewsroomState>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let language = browser_language(&headers);
    let Some(token) = cookie(&headers, CHALLENGE_COOKIE).filter(|t| !t.is_empty()) else {
        return expired(language);
    };
    match state
        .store
        .login_challenge(&token_hash(token), state.now())
        .await?
    {
        Some(challenge) => code_form(language, Some(&challenge.csrf_token), None, StatusCode::OK),
        None => expired(language),
    }
}

pub async fn check_code(
    State(state): State<NewsroomState>,
    request: Request,
) -> AppResult<Response> {
    let (parts, body) = request.into_parts();
    let address = client_address(&state, &parts);
    let headers = parts.headers.clone();
    let language = browser_language(&headers);
    let form = read_form(Request::from_parts(parts, body)).await?;
    let now = state.now();
    let Some(token) = cookie(&headers, CHALLENGE_COOKIE).filter(|t| !t.is_empty()) else {
        return expired(language);
    };
    let hash = token_hash(token);
    let Some(challenge) = state.store.login_challenge(&hash, now).await? else {
        return expired(language);
    };
    if !same_token(form.get("csrf").unwrap_or(""), &challenge.csrf_token) {
        return code_form(
            language,
            Some(&challenge.csrf_token),
            Some(&locales().word(language, "nr-code-form-expired")),
            StatusCode::FORBIDDEN,
        );
    }
    let Some(user) = state
        .store
        .user(challenge.user_id)
        .await?
        .filter(|u| !u.disabled && u.two_factor)
    else {
        return expired(language);
    };
    // Charged before the code is checked, so codes sent at once cannot all be tried.
    let attempt = match Attempt::begin(&state, &headers, user.email.as_str(), &address).await? {
        Ok(attempt) => attempt,
        Err(message) => {
            return code_form(
                language,
                Some(&challenge.csrf_token),
                Some(&message),
                StatusCode::TOO_MANY_REQUESTS,
            );
        }
    };
    let actor = Actor {
        user_id: Some(user.id),
        name: user.name.clone(),
        address: address.clone(),
    };
    let accepted = match CodeInput::parse(form.get("code").unwrap_or("")) {
        CodeInput::Totp(code) => {
            let stored = state.store.two_factor(user.id).await?.unwrap_or_default();
            match stored
                .secret
                .as_deref()
                .and_then(|secret| totp::verify(secret, code, now, stored.last_step))
            {
                Some(step) if state.store.accept_totp_step(user.id, step).await? => {
                    Some("with an authenticator code".to_owned())
                }
                _ => None,
            }
        }
        CodeInput::Recovery(code) => {
            if state
                .store
                .use_recovery_code(user.id, &totp::recovery_code_hash(&code), now)
                .await?
            {
                let left = state
                    .store
                    .two_factor(user.id)
                    .await?
                    .map_or(0, |s| s.recovery_codes_left);
                audit(
                    &state,
                    &actor,
                    "two_factor_recovery_used",
                    "user",
                    Some(user.id),
                    format!("{left} recovery codes left"),
                )
                .await;
                Some(format!("with a recovery code ({left} left)"))
            } else {
                None
            }
        }
        CodeInput::Invalid => None,
    };
    let Some(how) = accepted else {
        audit(
            &state,
            &actor,
            "login_failed",
            "user",
            Some(user.id),
            "wrong two-factor code",
        )
        .await;
        return code_form(
            language,
            Some(&challenge.csrf_token),
            Some(&locales().word(language, "nr-code-wrong")),
            StatusCode::UNAUTHORIZED,
        );
    };
    state.store.delete_login_challenge(&hash).await?;
    attempt.succeeded(&state).await?;
    start_session(&state, &headers, &user, address, &challenge.next, &how).await
}

// ---------------------------------------------------------------- own account

#[derive(Debug, Deserialize)]
pub struct PageQuery {
    notice: Option<String>,
}

/// Everything the two-factor page may show.
#[derive(Default)]
struct PageState<'a> {
    notice: Option<&'a str>,
    error: Option<String>,
    /// Recovery codes just made: shown this once.
    new_codes: Option<Vec<String>>,
}

async fn two_factor_page(
    state: &NewsroomState,
    user: &CurrentUser,
    shown: PageState<'_>,
    status: StatusCode,
) -> AppResult<Response> {
    let stored = state
        .store
        .two_factor(user.user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let required = required(state).await?;
    let issuer = state
        .store
        .setting("site.name")
        .await?
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| "Gazette".to_owned());
    let pending = match (&stored.pending, stored.enabled) {
        (Some(secret), false) => {
            let uri = totp::otpauth_uri(&issuer, user.user.email.as_str(), secret);
            Some(minijinja::context! {
                secret => totp::grouped(secret),
                qr => minijinja::Value::from_safe_string(qr_svg(&uri)),
                uri,
            })
        }
        _ => None,
    };
    let language = user.language();
    let notice = match shown.notice {
        Some("required") => Some(locales().word(language, "nr-2fa-notice-required")),
        Some("off") => Some(locales().word(language, "nr-2fa-notice-off")),
        Some("off_required") => Some(locales().word(language, "nr-2fa-notice-off-required")),
        _ => None,
    };
    let mut page = render(
        "two_factor.html",
        minijinja::context! {
            ..layout(Some(user), &locales().word(language, "nr-account-two-factor")),
            ..minijinja::context! {
                enabled => stored.enabled,
                since => stored.since.map(show_time),
                codes_left => stored.recovery_codes_left,
                pending,
                required,
                new_codes => shown.new_codes,
                notice,
                error => shown.error,
            }
        },
    )?;
    *page.status_mut() = status;
    Ok(page)
}

/// The `otpauth://` address as a QR code, inline SVG (no script, no external image).
fn qr_svg(uri: &str) -> String {
    match qrcode::QrCode::new(uri.as_bytes()) {
        Ok(code) => {
            let svg = code
                .render::<qrcode::render::svg::Color<'_>>()
                .min_dimensions(200, 200)
                .build();
            // The XML declaration has no place inside an HTML page.
            match svg.find("<svg") {
                Some(start) => svg[start..].replacen(
                    "<svg",
                    "<svg role=\"img\" aria-label=\"QR code for your authenticator app\"",
                    1,
                ),
                None => String::new(),
            }
        }
        Err(_) => String::new(),
    }
}

pub async fn page(
    State(state): State<NewsroomState>,
    user: CurrentUser,
    Query(query): Query<PageQuery>,
) -> AppResult<Response> {
    let shown = PageState {
        notice: query.notice.as_deref(),
        ..Default::default()
    };
    two_factor_page(&state, &user, shown, StatusCode::OK).await
}

/// Makes a new secret to set up (replacing one set up but never confirmed).
pub async fn start(State(state): State<NewsroomState>, post: PostForm) -> AppResult<Response> {
    let user = post.user;
    if user.user.two_factor {
        return Err(AppError::Conflict(
            "Two-factor sign-in is already on. Turn it off first to move it to another app.".into(),
        ));
    }
    let entry = audit_entry(
        &user.actor(),
        "two_factor_setup",
        "user",
        Some(user.user.id),
        "new secret shown",
    );
    state
        .store
        .begin_two_factor(user.user.id, &totp::new_secret(), Some(&entry))
        .await?;
    Ok(see_other("/newsroom/account/two-factor"))
}

fn fresh_codes() -> (Vec<String>, Vec<String>) {
    let codes = totp::new_recovery_codes();
    let hashes = codes
        .iter()
        .filter_map(|c| totp::normalise_recovery_code(c))
        .map(|c| totp::recovery_code_hash(&c))
        .collect();
    (codes, hashes)
}

/// Turns two-factor on once a code from the app proves it was set up right.
pub async fn confirm(State(state): State<NewsroomState>, post: PostForm) -> AppResult<Response> {
    let PostForm { user, form } = post;
    let now = state.now();
    let stored = state
        .store
        .two_factor(user.user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    if stored.enabled {
        return Err(AppError::Conflict(
            "Two-factor sign-in is already on.".into(),
        ));
    }
    let Some(secret) = stored.pending else {
        return Err(AppError::BadRequest(
            "Start the set-up first: press “Set up two-factor sign-in”.".into(),
        ));
    };
    let step = match CodeInput::parse(form.get("code").unwrap_or("")) {
        CodeInput::Totp(code) => totp::verify(&secret, code, now, None),
        _ => None,
    };
    let Some(step) = step else {
        audit(
            &state,
            &user.actor(),
            "two_factor_setup_failed",
            "user",
            Some(user.user.id),
            "wrong code",
        )
        .await;
        let shown = PageState {
            error: Some(
                "That code does not match. Check that your phone's clock is right and type the 6 digits the app shows now."
                    .into(),
            ),
            ..Default::default()
        };
        return two_factor_page(&state, &user, shown, StatusCode::BAD_REQUEST).await;
    };
    let (codes, hashes) = fresh_codes();
    let entry = audit_entry(
        &user.actor(),
        "two_factor_enable",
        "user",
        Some(user.user.id),
        format!("{} recovery codes made", codes.len()),
    );
    state
        .store
        .enable_two_factor(user.user.id, &secret, step, &hashes, Some(&entry), now)
        .await?;
    let shown = PageState {
        notice: None,
        error: None,
        new_codes: Some(codes),
    };
    two_factor_page(&state, &user, shown, StatusCode::OK).await
}

/// Checks the person's password for a sensitive change; `Some` says what was wrong.
async fn check_password(
    state: &NewsroomState,
    user: &CurrentUser,
    headers: &HeaderMap,
    form: &super::pages::FormData,
) -> AppResult<Option<String>> {
    let checked =
        check_own_password(state, user, headers, form.get("password").unwrap_or("")).await?;
    Ok(checked
        .err()
        .map(|refused| refused.message("Your password is not right; nothing was changed.")))
}

pub async fn disable(
    State(state): State<NewsroomState>,
    headers: HeaderMap,
    post: PostForm,
) -> AppResult<Response> {
    let PostForm { user, form } = post;
    if let Some(problem) = check_password(&state, &user, &headers, &form).await? {
        audit(
            &state,
            &user.actor(),
            "two_factor_disable_refused",
            "user",
            Some(user.user.id),
            "wrong password",
        )
        .await;
        let shown = PageState {
            error: Some(problem),
            ..Default::default()
        };
        return two_factor_page(&state, &user, shown, StatusCode::BAD_REQUEST).await;
    }
    // When it was not on (a set-up cancelled, or nothing), the store says so in the entry.
    let entry = audit_entry(
        &user.actor(),
        "two_factor_disable",
        "user",
        Some(user.user.id),
        "",
    );
    state
        .store
        .disable_two_factor(user.user.id, Some(&entry))
        .await?;
    let notice = if required(&state).await? {
        "off_required"
    } else {
        "off"
    };
    Ok(see_other(&format!(
        "/newsroom/account/two-factor?notice={notice}"
    )))
}

pub async fn new_recovery_codes(
    State(state): State<NewsroomState>,
    headers: HeaderMap,
    post: PostForm,
) -> AppResult<Response> {
    let PostForm { user, form } = post;
    if !user.user.two_factor {
        return Err(AppError::BadRequest(
            "Recovery codes come with two-factor sign-in: set that up first.".into(),
        ));
    }
    if let Some(problem) = check_password(&state, &user, &headers, &form).await? {
        let shown = PageState {
            error: Some(problem),
            ..Default::default()
        };
        return two_factor_page(&state, &user, shown, StatusCode::BAD_REQUEST).await;
    }
    let (codes, hashes) = fresh_codes();
    let entry = audit_entry(
        &user.actor(),
        "two_factor_recovery_codes",
        "user",
        Some(user.user.id),
        "new recovery codes made; the old ones no longer work",
    );
    state
        .store
        .replace_recovery_codes(user.user.id, &hashes, Some(&entry), state.now())
        .await?;
    let shown = PageState {
        new_codes: Some(codes),
        ..Default::default()
    };
    two_factor_page(&state, &user, shown, StatusCode::OK).await
}

// ---------------------------------------------------------------- admins

/// An admin turns two-factor off for someone who lost their phone and their recovery codes.
pub async fn admin_reset(
    State(state): State<NewsroomState>,
    Path(id): Path<String>,
    post: PostForm,
) -> AppResult<Response> {
    let user = post.user;
    require(&user, Permission::ManageUsers, "manage people")?;
    let id: i64 = id.trim().parse().map_err(|_| AppError::NotFound)?;
    let target = state.store.user(id).await?.ok_or(AppError::NotFound)?;
    // When it was not on, the store adds "(it was not on)" to the entry.
    let entry = audit_entry(
        &user.actor(),
        "two_factor_reset",
        "user",
        Some(id),
        format!("for {}", target.email),
    );
    state.store.disable_two_factor(id, Some(&entry)).await?;
    Ok(see_other("/newsroom/users?notice=two_factor_reset"))
}

/// Requires two-factor sign-in of everyone, or stops requiring it.
pub async fn set_required(
    State(state): State<NewsroomState>,
    post: PostForm,
) -> AppResult<Response> {
    let PostForm { user, form } = post;
    require(&user, Permission::ManageSettings, "change site settings")?;
    let on = matches!(form.get("require"), Some("on" | "1" | "true"));
    if on && !user.user.two_factor {
        return Err(AppError::BadRequest(
            "Set up two-factor sign-in for your own account first (Your account → Two-factor sign-in), \
             then require it of everyone."
                .into(),
        ));
    }
    let entry = super::pages::audit_entry(
        &user.actor(),
        "two_factor_required",
        "settings",
        None,
        if on {
            "everyone must use two-factor sign-in"
        } else {
            "two-factor sign-in is optional"
        },
    );
    let value = if on { "true" } else { "false" };
    let seq = state
        .store
        .set_settings(
            &[(REQUIRE_SETTING.to_owned(), value.to_owned())],
            Some(&entry),
        )
        .await?;
    super::pages::changed_at(&state, seq);
    Ok(see_other("/newsroom/settings?notice=saved"))
}
