//! The webhook courier: POSTs an event's payload as JSON to an endpoint, signed with the
//! endpoint's secret so the receiver can tell it came from Gazette and is fresh.
//!
//! Headers: `Gazette-Event` (the kind), `Gazette-Delivery` (the delivery's id: the same on every
//! retry of one delivery, new on a redelivery), `Gazette-Signature: t=<unix seconds>,v1=<hex>`
//! where `<hex>` is HMAC-SHA256 with the secret over `"<t>.<body>"`. A 2xx answer is delivered;
//! any other answer, a time-out or a refused connection is retried; `410 Gone` switches the
//! endpoint off (the receiver said it is gone for good) and fails the delivery.
//!
//! Unless private addresses are allowed (tests, local setups), an endpoint whose name resolves to
//! a loopback, private or link-local address is not connected to, checked at connection time so a
//! name cannot be switched to an inside address after it was registered. Redirects are not
//! followed: a receiver could otherwise send the request anywhere.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use gazette_core::events::{Event, check_webhook_url, is_public_ip};
use gazette_store::Store;
use hmac::{Hmac, Mac};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use sha2::Sha256;

use super::courier::{Attempt, Courier, Delivery, channels};
use crate::Clock;

/// The value of `Gazette-Signature` for `body` sent at `timestamp` (Unix seconds).
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mac) => mac,
        // HMAC takes keys of any length; this cannot happen.
        Err(_) => return String::new(),
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    format!(
        "t={timestamp},v1={}",
        data_encoding::HEXLOWER.encode(&digest)
    )
}

/// A new endpoint secret: 32 random bytes as hex, prefixed so people recognise it.
pub fn new_secret() -> String {
    let mut bytes = [0_u8; 32];
    // Without the system's randomness there is no safe secret; an empty one would be worse.
    if getrandom::fill(&mut bytes).is_err() {
        tracing::error!("no randomness for a webhook secret");
    }
    format!("whsec_{}", data_encoding::HEXLOWER.encode(&bytes))
}

/// Resolves names with the system resolver and drops every address that is not public: what
/// keeps deliveries out of the newsroom's own network.
struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|addr| is_public_ip(addr.ip()))
                .collect();
            if found.is_empty() {
                return Err(format!("{host} has no public address").into());
            }
            let addrs: Addrs = Box::new(found.into_iter());
            Ok(addrs)
        })
    }
}

/// Delivers the `webhook` channel; a delivery's target is the endpoint's id.
pub struct WebhookCourier {
    store: Arc<dyn Store>,
    clock: Clock,
    client: reqwest::Client,
    allow_private: bool,
}

impl WebhookCourier {
    /// `allow_private` lets endpoints on loopback and private addresses be delivered to (the
    /// `webhooks.allow_private` setting: tests and local setups).
    pub fn new(store: Arc<dyn Store>, clock: Clock, allow_private: bool) -> Self {
        let mut client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Gazette-Webhooks/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(5));
        if !allow_private {
            client = client.dns_resolver(Arc::new(PublicOnly));
        }
        let client = client.build().unwrap_or_else(|e| {
            tracing::error!(error = %e, "cannot build the webhook client; using the default");
            reqwest::Client::new()
        });
        Self {
            store,
            clock,
            client,
            allow_private,
        }
    }
}

#[async_trait::async_trait]
impl Courier for WebhookCourier {
    fn channel(&self) -> &'static str {
        channels::WEBHOOK
    }

    async fn deliver(&self, event: &Event, delivery: &Delivery) -> Attempt {
        let started = Instant::now();
        let Ok(endpoint_id) = delivery.target.parse::<i64>() else {
            return Attempt::give_up(None, "no such endpoint", started.elapsed());
        };
        let endpoint = match self.store.webhook_endpoint(endpoint_id).await {
            Ok(Some(endpoint)) => endpoint,
            Ok(None) => {
                return Attempt::give_up(None, "the endpoint was deleted", started.elapsed());
            }
            Err(e) => return Attempt::retry(None, format!("database: {e}"), started.elapsed()),
        };
        if !endpoint.active {
            return Attempt::give_up(None, "the endpoint is switched off", started.elapsed());
        }
        // Checked again at sending: the setting may have changed since the URL was registered.
        if let Err(why) = check_webhook_url(&endpoint.url, self.allow_private) {
            return Attempt::give_up(None, why, started.elapsed());
        }
        // An address written in the URL is connected to without asking the resolver, so it is
        // judged here, as the HTTP client reads it.
        let literal = match reqwest::Url::parse(&endpoint.url) {
            // The parser writes addresses in their usual form (`[::1]`, `127.0.0.1`).
            Ok(url) => url.host_str().and_then(|host| {
                host.trim_start_matches('[')
                    .trim_end_matches(']')
                    .parse::<std::net::IpAddr>()
                    .ok()
            }),
            Err(e) => return Attempt::give_up(None, format!("bad URL: {e}"), started.elapsed()),
        };
        if !self.allow_private && literal.is_some_and(|ip| !is_public_ip(ip)) {
            return Attempt::give_up(
                None,
                "the URL points to a private or local address",
                started.elapsed(),
            );
        }
        let body = match serde_json::to_vec(&event.payload()) {
            Ok(body) => body,
            Err(e) => return Attempt::give_up(None, format!("payload: {e}"), started.elapsed()),
        };
        let timestamp = (self.clock)().timestamp();
        let response = self
            .client
            .post(&endpoint.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("Gazette-Event", event.kind.as_str())
            .header("Gazette-Delivery", delivery.id.to_string())
            .header(
                "Gazette-Signature",
                signature(&endpoint.secret, timestamp, &body),
            )
            .body(body)
            .send()
            .await;
        let response = match response {
            Ok(response) => response,
            Err(e) => return Attempt::retry(None, describe(&e), started.elapsed()),
        };
        let status = response.status();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<i64>().ok())
            .filter(|s| *s > 0);
        // The answer's body is not read: receivers owe nothing but a status.
        drop(response);
        let code = Some(status.as_u16());
        let took = started.elapsed();
        if status.is_success() {
            return Attempt::delivered(code, took);
        }
        if status == reqwest::StatusCode::GONE {
            let reason = "the receiver answered 410 Gone";
            if let Err(e) = self
                .store
                .disable_webhook_endpoint(endpoint.id, reason, (self.clock)())
                .await
            {
                tracing::warn!(error = %e, endpoint = endpoint.id, "cannot switch the endpoint off");
            }
            return Attempt::give_up(code, "410 Gone: the endpoint was switched off", took);
        }
        let attempt = Attempt::retry(code, format!("the receiver answered {status}"), took);
        match retry_after {
            Some(secs) => attempt.not_before((self.clock)() + chrono::Duration::seconds(secs)),
            None => attempt,
        }
    }
}

/// What went wrong with a request, in words for the delivery log.
fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".to_owned()
    } else if e.is_connect() {
        let mut source: Option<&dyn std::error::Error> = std::error::Error::source(e);
        let mut deepest = String::new();
        while let Some(s) = source {
            deepest = s.to_string();
            source = s.source();
        }
        format!("could not connect: {deepest}")
    } else {
        format!("request failed: {e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_hmac_sha256_of_timestamp_dot_body() {
        // Computed independently: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
        assert_eq!(
            signature("whsec_test", 1_700_000_000, br#"{"a":1}"#),
            "t=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789"
        );
    }

    #[test]
    fn secrets_are_random_and_long() {
        let (a, b) = (new_secret(), new_secret());
        assert_ne!(a, b);
        assert_eq!(a.len(), "whsec_".len() + 64);
    }
}
