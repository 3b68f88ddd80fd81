//! Signing in and out, and the person's own account page (password, sessions).

use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, header};
use axum::response::Response;
use gazette_core::newsroom::{Email, decoy_hash, random_token};
use gazette_store::Actor;
use serde::Deserialize;

use super::auth::{
    CurrentUser, LOGIN_CSRF_COOKIE, PostForm, SESSION_COOKIE, browser_language, client_address,
    cookie, read_form, same_token, set_cookie,
};
use super::limits::{self, Attempt};
use super::pages::{audit, audit_entry, layout, layout_in, render, see_other};
use super::sessions::{check_own_password, start_session};
use crate::error::AppResult;
use crate::locale::locales;
use crate::state::NewsroomState;

// ---------------------------------------------------------------- sign in

#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    signed_out: Option<String>,
}

/// Only newsroom addresses are followed after sign-in, never another site.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with("/newsroom")
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(char::is_control) =>
        {
            n.to_owned()
        }
        _ => "/newsroom".to_owned(),
    }
}

fn login_form(
    state: &NewsroomState,
    headers: &HeaderMap,
    next: &str,
    email: &str,
    error: Option<&str>,
    notice: Option<&str>,
) -> AppResult<Response> {
    // The sign-in form has no session yet: its CSRF token is a cookie matched by a hidden field.
    let token = cookie(headers, LOGIN_CSRF_COOKIE)
        .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
        .map_or_else(random_token, str::to_owned);
    let language = browser_language(headers);
    let context = minijinja::context! {
        ..layout_in(None, language, &locales().word(language, "nr-login-title")),
        ..minijinja::context! {
            login_csrf => token.clone(),
            next => next,
            email => email,
            error => error,
            notice => notice,
        }
    };
    let mut response = render("login.html", context)?;
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(state, LOGIN_CSRF_COOKIE, &token, 3600),
    );
    Ok(response)
}

pub async fn login_page(
    State(state): State<NewsroomState>,
    Query(query): Query<LoginQuery>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let notice = query
        .signed_out
        .is_some()
        .then(|| locales().word(browser_language(&headers), "nr-login-signed-out"));
    login_form(
        &state,
        &headers,
        &safe_next(query.next.as_deref()),
        "",
        None,
        notice.as_deref(),
    )
}

/// The sign-in form again, with `error` and `status`.
fn login_refused(
    state: &NewsroomState,
    headers: &HeaderMap,
    next: &str,
    typed_email: &str,
    error: &str,
    status: axum::http::StatusCode,
) -> AppResult<Response> {
    let mut page = login_form(state, headers, next, typed_email, Some(error), None)?;
    *page.status_mut() = status;
    Ok(page)
}

pub async fn login(State(state): State<NewsroomState>, request: Request) -> AppResult<Response> {
    let (parts, body) = request.into_parts();
    let address = client_address(&state, &parts);
    let headers = parts.headers.clone();
    let form = read_form(Request::from_parts(parts, body)).await?;
    let next = safe_next(form.get("next"));
    let typed_email = form.text("email");
    let expected = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or("");
    let sent = form.get("login_csrf").unwrap_or("");
    if expected.is_empty() || !same_token(expected, sent) {
        return login_refused(
            &state,
            &headers,
            &next,
            &typed_email,
            &locales().word(browser_language(&headers), "nr-login-expired"),
            axum::http::StatusCode::FORBIDDEN,
        );
    }
    let email_key = limits::email_key(&typed_email);
    // Charged before the password is checked, so guesses sent at once cannot all be checked.
    let attempt = match Attempt::begin(&state, &headers, &email_key, &address).await? {
        Ok(attempt) => attempt,
        Err(message) => {
            return login_refused(
                &state,
                &headers,
                &next,
                &typed_email,
                &message,
                axum::http::StatusCode::TOO_MANY_REQUESTS,
            );
        }
    };

    let password = form.get("password").unwrap_or("");
    let found = match Email::parse(&typed_email) {
        Ok(email) => state.store.user_credentials(&email).await?,
        Err(_) => None,
    };
    // The same work whether or not the account exists (a decoy hash otherwise), so response
    // times do not reveal who has an account.
    let hash = found
        .as_ref()
        .map_or(decoy_hash(), |(_, hash)| hash.as_str());
    let matches = match state.passwords.verify(password, hash).await {
        Ok(matches) => matches,
        Err(e) => {
            // Not checked is not a failure: the person may simply try again.
            attempt.not_a_failure(&state).await?;
            return Err(e);
        }
    };
    let verified = matches && found.as_ref().is_some_and(|(user, _)| !user.disabled);
    let user = match (verified, found) {
        (true, Some((user, _))) => user,
        (_, found) => {
            audit(
                &state,
                &Actor {
                    user_id: found.as_ref().map(|(u, _)| u.id),
                    name: email_key.clone(),
                    address: address.clone(),
                },
                "login_failed",
                "user",
                found.as_ref().map(|(u, _)| u.id),
                if found.as_ref().is_some_and(|(u, _)| u.disabled) {
                    "account disabled"
                } else {
                    ""
                },
            )
            .await;
            return login_refused(
                &state,
                &headers,
                &next,
                &typed_email,
                &locales().word(browser_language(&headers), "nr-login-refused"),
                axum::http::StatusCode::UNAUTHORIZED,
            );
        }
    };

    if user.two_factor {
        // A right password of someone with two-factor is not yet a success: it must not forgive
        // earlier failures, or guessing codes would be unlimited. The code step charges its own.
        attempt.not_a_failure(&state).await?;
        return super::two_factor::ask_for_code(&state, &user, &address, &next).await;
    }
    attempt.succeeded(&state).await?;
    start_session(&state, &headers, &user, address, &next, "").await
}

fn signed_out(state: &NewsroomState) -> Response {
    let mut response = see_other("/newsroom/login?signed_out=1");
    response
        .headers_mut()
        .append(header::SET_COOKIE, set_cookie(state, SESSION_COOKIE, "", 0));
    response
}

pub async fn logout(State(state): State<NewsroomState>, post: PostForm) -> AppResult<Response> {
    let entry = audit_entry(
        &post.user.actor(),
        "logout",
        "user",
        Some(post.user.user.id),
        "",
    );
    state
        .store
        .delete_session(&post.user.token_hash, Some(&entry))
        .await?;
    Ok(signed_out(&state))
}

pub async fn sign_out_everywhere(
    State(state): State<NewsroomState>,
    post: PostForm,
) -> AppResult<Response> {
    // The store adds how many sessions ended to the entry's detail.
    let entry = audit_entry(
        &post.user.actor(),
        "logout_everywhere",
        "user",
        Some(post.user.user.id),
        "",
    );
    state
        .store
        .delete_user_sessions(post.user.user.id, Some(&entry))
        .await?;
    Ok(signed_out(&state))
}

// ---------------------------------------------------------------- own account

#[derive(Debug, Deserialize)]
pub struct AccountQuery {
    notice: Option<String>,
}

pub async fn account(user: CurrentUser, Query(query): Query<AccountQuery>) -> AppResult<Response> {
    account_page(&user, query.notice.as_deref(), None)
}

fn account_page(
    user: &CurrentUser,
    notice: Option<&str>,
    error: Option<&str>,
) -> AppResult<Response> {
    let language = user.language();
    let notice = match notice {
        Some("password") => Some(locales().word(language, "nr-account-password-changed")),
        Some("language") => Some(locales().word(language, "nr-account-language-saved")),
        _ => None,
    };
    let languages: Vec<minijinja::Value> = locales()
        .languages()
        .into_iter()
        .map(|l| {
            minijinja::context! {
                code => l.code(),
                name => locales().language_name(l),
                selected => l == language,
            }
        })
        .collect();
    render(
        "account.html",
        minijinja::context! {
            ..layout(Some(user), &locales().word(language, "nr-account-title")),
            ..minijinja::context! { notice, error, languages }
        },
    )
}

/// The language this person reads the newsroom in: one the locales have words for.
pub async fn change_language(
    State(state): State<NewsroomState>,
    post: PostForm,
) -> AppResult<Response> {
    let user = &post.user;
    let sent = post.form.text("ui_language");
    let chosen = gazette_core::Language::parse(&sent)
        .ok()
        .filter(|l| crate::locale::locales().languages().contains(l));
    let Some(language) = chosen else {
        let mut page = account_page(
            user,
            None,
            Some(&locales().word(user.language(), "nr-account-language-unknown")),
        )?;
        *page.status_mut() = axum::http::StatusCode::BAD_REQUEST;
        return Ok(page);
    };
    let entry = audit_entry(
        &user.actor(),
        "update",
        "user",
        Some(user.user.id),
        format!("interface language {}", language.code()),
    );
    state
        .store
        .set_ui_language(user.user.id, language, Some(&entry))
        .await?;
    Ok(see_other("/newsroom/account?notice=language"))
}

pub async fn change_password(
    State(state): State<NewsroomState>,
    headers: HeaderMap,
    post: PostForm,
) -> AppResult<Response> {
    let user = &post.user;
    let current = post.form.get("current_password").unwrap_or("");
    let new = post.form.get("new_password").unwrap_or("");
    let repeat = post.form.get("repeat_password").unwrap_or("");
    let problem = match check_own_password(&state, user, &headers, current).await? {
        Err(refused) => Some(
            refused.message(&locales().word(user.language(), "nr-account-current-password-wrong")),
        ),
        Ok(()) if new != repeat => {
            Some(locales().word(user.language(), "nr-account-passwords-differ"))
        }
        Ok(()) => None,
    };
    if let Some(problem) = problem {
        let mut page = account_page(user, None, Some(&problem))?;
        *page.status_mut() = axum::http::StatusCode::BAD_REQUEST;
        return Ok(page);
    }
    let new_hash = match state.passwords.hash(new).await? {
        Ok(h) => h,
        Err(e) => {
            let mut page = account_page(
                user,
                None,
                Some(&format!("{}.", super::pages::capitalise(&e.to_string()))),
            )?;
            *page.status_mut() = axum::http::StatusCode::BAD_REQUEST;
            return Ok(page);
        }
    };
    // Ends every session, this one included; this browser signs in again with the new password.
    let entry = super::pages::audit_entry(
        &user.actor(),
        "change_password",
        "user",
        Some(user.user.id),
        "",
    );
    state
        .store
        .set_user_password(user.user.id, &new_hash, Some(&entry))
        .await?;
    Ok(signed_out(&state))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_newsroom_addresses_are_followed_after_sign_in() {
        assert_eq!(
            safe_next(Some("/newsroom/articles/3")),
            "/newsroom/articles/3"
        );
        assert_eq!(safe_next(Some("https://evil.example/")), "/newsroom");
        assert_eq!(safe_next(Some("/newsroom\r\nSet-Cookie: x=y")), "/newsroom");
        assert_eq!(safe_next(Some("//evil.example/newsroom")), "/newsroom");
        assert_eq!(safe_next(None), "/newsroom");
    }
}
