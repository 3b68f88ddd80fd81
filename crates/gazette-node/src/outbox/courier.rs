//! The interface between the outbox and the ways an event leaves Gazette. Each channel (webhooks,
//! Telegram, WebSub, IndexNow) is one [`Courier`]; the outbox's delivery loop hands it each due
//! delivery of its channel and records the [`Attempt`] it returns: when it was delivered, when to
//! try again, or that it gave up. The courier only talks to the outside world; retries, backoff,
//! the 24-hour limit, time-outs and the delivery log are the outbox's.

use std::time::Duration;

use chrono::{DateTime, Utc};
use gazette_core::events::Event;
pub use gazette_store::outbox::{Delivery, channels};

/// How an attempt ended, as far as retrying is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The receiver took it (a 2xx, `ok: true`, …). Not sent again.
    Delivered,
    /// Try again later: with exponential backoff, or not before `not_before` when the receiver
    /// said when (Telegram's `retry_after`, an HTTP `Retry-After`). The outbox still gives up 24
    /// hours after the event.
    Retry { not_before: Option<DateTime<Utc>> },
    /// Retrying cannot help (the target is gone, the request is refused for good). Marked failed.
    GiveUp,
}

/// What one attempt came to, for the delivery log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub outcome: Outcome,
    /// The receiver's HTTP status, when it answered.
    pub status_code: Option<u16>,
    /// Why it did not work, in words an admin reads in the log (`None` when delivered).
    pub error: Option<String>,
    /// How long the attempt took.
    pub duration: Duration,
}

impl Attempt {
    pub fn delivered(status_code: Option<u16>, duration: Duration) -> Self {
        Self {
            outcome: Outcome::Delivered,
            status_code,
            error: None,
            duration,
        }
    }

    pub fn retry(status_code: Option<u16>, error: impl Into<String>, duration: Duration) -> Self {
        Self {
            outcome: Outcome::Retry { not_before: None },
            status_code,
            error: Some(error.into()),
            duration,
        }
    }

    pub fn give_up(status_code: Option<u16>, error: impl Into<String>, duration: Duration) -> Self {
        Self {
            outcome: Outcome::GiveUp,
            status_code,
            error: Some(error.into()),
            duration,
        }
    }

    /// Retry, but not before `at`.
    pub fn not_before(mut self, at: DateTime<Utc>) -> Self {
        self.outcome = Outcome::Retry {
            not_before: Some(at),
        };
        self
    }
}

/// One channel's way of delivering an event. Registered with the outbox job
/// (`OutboxJob::with_courier`); deliveries of a channel with no courier registered wait, pending.
#[async_trait::async_trait]
pub trait Courier: Send + Sync + 'static {
    /// The channel it delivers: one of [`channels`] (`"webhook"`, `"telegram"`, `"websub"`,
    /// `"indexnow"`), matching [`Delivery::channel`].
    fn channel(&self) -> &'static str;

    /// Delivers `event` to `delivery.target`. The outbox stops waiting after its per-attempt
    /// time-out and counts that as a retry, so this need not time itself out (it may, sooner).
    /// It must not panic on anything the network or the receiver does.
    async fn deliver(&self, event: &Event, delivery: &Delivery) -> Attempt;
}
