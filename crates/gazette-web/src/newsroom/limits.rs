//! Sign-in limits: how many wrong passwords and codes are checked, and whom they hold back.
//!
//! Guessing must be slow, but a limit that locks the account for everyone hands any stranger a
//! way to lock an editor out. So failures are counted on four counters, and each attempt is
//! charged to the ones that apply, in the database, *before* its password or code is checked:
//! parallel guesses then wait for each other's charge and cannot all slip under the limit, on one
//! node or several. An attempt that would pass a limit is refused without a check and charges
//! nothing (so refusals cannot fill the other counters).
//!
//! - **This account from this address**: 5 failures per 15 minutes. Someone guessing from their
//!   own address locks only themselves out of that account.
//! - **This address**, all accounts: 20. Stops one address trying a common password on many
//!   accounts.
//! - **This account**, all addresses: 20. Stops guessing spread over many addresses (a botnet) —
//!   this one could lock the owner out, hence the next.
//! - **A browser that signed in to this account before** (its `gazette_device` cookie, a random
//!   token whose SHA-256 the database keeps with the account, for 180 days): 5, and only that.
//!   Such a browser is exempt from the three counters above, so an editor keeps signing in from
//!   their own browser while strangers' guesses fill the account's and the office address's
//!   counts. The cookie proves nothing about identity: the password (and code) are still needed.
//!
//! A right password (and code) forgives the failures of that account from that browser or address
//! — they were the person's own typos — on every counter they were charged to; other failures
//! at the address stay, so signing in to one's own account does not reopen guessing at others. A
//! right password still waiting for its two-factor code, or a check the server was too busy to
//! make, is given its charge back.

use axum::http::{HeaderMap, HeaderValue};
use chrono::Duration;
use gazette_core::newsroom::{Email, random_token};
use gazette_store::{Actor, LoginCounter};

use super::auth::{cookie, set_cookie, token_hash};
use super::pages::audit;
use crate::error::AppResult;
use crate::state::NewsroomState;

/// The window over which failed sign-ins are counted.
pub const LOGIN_WINDOW_MINUTES: i64 = 15;
/// Failures allowed for one account from one network address within the window.
pub const MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS: u32 = 5;
/// Failures allowed from one network address, all accounts together.
pub const MAX_FAILURES_PER_ADDRESS: u32 = 20;
/// Failures allowed for one account from browsers it never signed in from, all addresses together.
pub const MAX_FAILURES_PER_ACCOUNT: u32 = 20;
/// Failures allowed for one account from a browser that signed in to it before.
pub const MAX_FAILURES_PER_KNOWN_BROWSER: u32 = 5;
/// The cookie that marks a browser which signed in before.
pub const DEVICE_COOKIE: &str = "gazette_device";
/// How long a browser stays known after its last sign-in.
const DEVICE_DAYS: i64 = 180;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    KnownBrowser,
    AccountFromAddress,
    Account,
    Address,
}

impl Kind {
    fn refusal(self) -> String {
        let why = match self {
            Self::KnownBrowser => "for this account from this browser",
            Self::AccountFromAddress => "for this account from your network address",
            Self::Account => "for this account from browsers it has not signed in from",
            Self::Address => "from your network address",
        };
        let otherwise = match self {
            Self::KnownBrowser | Self::AccountFromAddress => {
                "or ask an admin to reset your password"
            }
            Self::Account | Self::Address => {
                "or sign in from a browser you have signed in from before"
            }
        };
        format!(
            "Too many failed sign-ins {why}. Wait {LOGIN_WINDOW_MINUTES} minutes and try again, {otherwise}."
        )
    }
}

/// The key sign-in counters use for what someone typed as their e-mail address: the address as
/// accounts store it when it is one, and bounded in length either way.
pub fn email_key(typed: &str) -> String {
    Email::parse(typed).map_or_else(
        |_| typed.trim().to_lowercase().chars().take(254).collect(),
        |email| email.as_str().to_owned(),
    )
}

/// A sign-in attempt (a password or a code) that has been charged to its counters.
pub struct Attempt {
    counters: Vec<(Kind, LoginCounter)>,
}

impl Attempt {
    /// Charges an attempt at `email_key`'s account from this browser and address, before anything
    /// is checked. `Ok(Err(message))` when a limit is reached: nothing may be checked, and the
    /// refusal is in the audit log.
    pub async fn begin(
        state: &NewsroomState,
        headers: &HeaderMap,
        email_key: &str,
        address: &str,
    ) -> AppResult<Result<Self, String>> {
        let now = state.now();
        let counters = match known_browser(state, headers, email_key).await? {
            Some(device) => vec![(
                Kind::KnownBrowser,
                LoginCounter {
                    key: format!("browser:{device}:{email_key}"),
                    limit: MAX_FAILURES_PER_KNOWN_BROWSER,
                },
            )],
            None => vec![
                (
                    Kind::AccountFromAddress,
                    LoginCounter {
                        key: format!("account-address:{email_key} {address}"),
                        limit: MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS,
                    },
                ),
                (
                    Kind::Account,
                    LoginCounter {
                        key: format!("account:{email_key}"),
                        limit: MAX_FAILURES_PER_ACCOUNT,
                    },
                ),
                (
                    Kind::Address,
                    LoginCounter {
                        key: format!("address:{address}"),
                        limit: MAX_FAILURES_PER_ADDRESS,
                    },
                ),
            ],
        };
        let charged: Vec<LoginCounter> = counters.iter().map(|(_, c)| c.clone()).collect();
        let full = state
            .store
            .charge_login_attempt(&charged, now - Duration::minutes(LOGIN_WINDOW_MINUTES), now)
            .await?;
        let Some(full) = full else {
            return Ok(Ok(Self { counters }));
        };
        let kind = counters.get(full).map_or(Kind::Address, |(kind, _)| *kind);
        audit(
            state,
            &Actor {
                user_id: None,
                name: email_key.to_owned(),
                address: address.to_owned(),
            },
            "login_blocked",
            "user",
            None,
            "rate limited",
        )
        .await;
        Ok(Err(kind.refusal()))
    }

    fn keys(&self) -> Vec<String> {
        self.counters.iter().map(|(_, c)| c.key.clone()).collect()
    }

    /// The password or code was right: this browser's or address's failures for the account were
    /// the person's own typos, and are forgiven wherever they were counted.
    pub async fn succeeded(&self, state: &NewsroomState) -> AppResult<()> {
        let (own, others): (Vec<_>, Vec<_>) = self
            .counters
            .iter()
            .partition(|(kind, _)| matches!(kind, Kind::KnownBrowser | Kind::AccountFromAddress));
        let others: Vec<String> = others.into_iter().map(|(_, c)| c.key.clone()).collect();
        for (_, counter) in own {
            state
                .store
                .forgive_login_failures(&counter.key, &others)
                .await?;
        }
        Ok(())
    }

    /// This attempt was not a failure after all (a right password waiting for its code, or a
    /// check not made because the server was busy): its charge is given back.
    pub async fn not_a_failure(&self, state: &NewsroomState) -> AppResult<()> {
        state.store.refund_login_attempt(&self.keys()).await?;
        Ok(())
    }
}

/// The SHA-256 of this browser's device token, when it signed in to `email_key` before.
async fn known_browser(
    state: &NewsroomState,
    headers: &HeaderMap,
    email_key: &str,
) -> AppResult<Option<String>> {
    let Some(token) = device_token(headers) else {
        return Ok(None);
    };
    let hash = token_hash(token);
    Ok(state
        .store
        .known_device(&hash, email_key, state.now())
        .await?
        .then_some(hash))
}

/// The device token a browser sent, if it looks like one we make (64 hex digits).
fn device_token(headers: &HeaderMap) -> Option<&str> {
    cookie(headers, DEVICE_COOKIE)
        .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// After a sign-in as `email`: the cookie that makes this browser known for that account (the
/// one it has, kept for longer, or a new one).
pub async fn remember_browser(
    state: &NewsroomState,
    headers: &HeaderMap,
    email: &Email,
) -> AppResult<HeaderValue> {
    let now = state.now();
    let token = match device_token(headers) {
        Some(token)
            if state
                .store
                .known_device(&token_hash(token), email.as_str(), now)
                .await? =>
        {
            token.to_owned()
        }
        _ => random_token(),
    };
    state
        .store
        .remember_device(
            &token_hash(&token),
            email.as_str(),
            now + Duration::days(DEVICE_DAYS),
            now,
        )
        .await?;
    Ok(set_cookie(
        state,
        DEVICE_COOKIE,
        &token,
        DEVICE_DAYS * 86_400,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_use_the_address_as_accounts_store_it() {
        assert_eq!(email_key("  Olena@News.Test "), "olena@news.test");
        assert_eq!(email_key(&"x".repeat(1000)).chars().count(), 254);
    }

    #[test]
    fn every_refusal_says_how_long_to_wait() {
        for kind in [
            Kind::KnownBrowser,
            Kind::AccountFromAddress,
            Kind::Account,
            Kind::Address,
        ] {
            assert!(kind.refusal().contains("Wait 15 minutes"));
        }
    }
}
