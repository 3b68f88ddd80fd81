//! The storage role for the event outbox: the events derived from the change log, the deliveries
//! each event gets (one per channel and target: a webhook endpoint, a Telegram channel, a ping),
//! the webhook endpoints admins register, and the cursor that says how far into the change log
//! events were derived.
//!
//! Exactly-once rests on two writes being atomic: [`OutboxStore::record_events`] stores a batch of
//! events, their deliveries and the new cursor in one transaction, and refuses (with `Stale`) when
//! the cursor is no longer where the caller read it — another node got there first. A delivery is
//! claimed by [`OutboxStore::claim_delivery`] before it is sent, which moves its next attempt
//! forward, so two nodes cannot send the same attempt at once either.

use chrono::{DateTime, Utc};
use gazette_core::events::{Event, EventKind, NewEvent};

use crate::{NewAuditEntry, StoreResult};

/// The delivery channels: `Delivery::channel` values, and what each courier answers to.
pub mod channels {
    pub const WEBHOOK: &str = "webhook";
    pub const TELEGRAM: &str = "telegram";
    pub const WEBSUB: &str = "websub";
    pub const INDEXNOW: &str = "indexnow";
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryStatus {
    /// Not delivered yet; tried again at `next_attempt_at`.
    Pending,
    Delivered,
    /// Given up on: refused for good, or still failing 24 hours after the event.
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(Self::Pending),
            "delivered" => Some(Self::Delivered),
            "failed" => Some(Self::Failed),
            _ => None,
        }
    }
}

/// One event's delivery to one target of one channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// Unique; sent to receivers (`Gazette-Delivery`) so they can drop a delivery they already
    /// processed. A redelivery is a new delivery with a new id.
    pub id: i64,
    pub event_id: i64,
    /// One of [`channels`].
    pub channel: String,
    /// Which of the channel's targets: a webhook endpoint's id, a Telegram chat, … as the
    /// channel's planner wrote it; empty for a channel with a single target.
    pub target: String,
    pub status: DeliveryStatus,
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// The HTTP status of the last attempt, when it got an answer.
    pub last_status_code: Option<i64>,
    pub last_error: Option<String>,
    /// How long the last attempt took, in milliseconds.
    pub last_duration_ms: Option<i64>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A delivery to create with its event: which channel and target.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PlannedDelivery {
    pub channel: &'static str,
    pub target: String,
}

/// An event to store and the deliveries it gets.
#[derive(Debug, Clone)]
pub struct PlannedEvent {
    pub event: NewEvent,
    pub deliveries: Vec<PlannedDelivery>,
}

/// What one attempt came to, as the outbox records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptRecord {
    pub status: DeliveryStatus,
    /// When to try again (for `Pending`).
    pub next_attempt_at: DateTime<Utc>,
    pub status_code: Option<i64>,
    pub error: Option<String>,
    pub duration_ms: i64,
    pub at: DateTime<Utc>,
}

/// A webhook endpoint an admin registered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookEndpoint {
    pub id: i64,
    pub url: String,
    pub description: String,
    /// The events it is sent; never empty.
    pub events: Vec<EventKind>,
    /// The HMAC key deliveries are signed with (shown to admins, regenerable).
    pub secret: String,
    pub active: bool,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Why the outbox switched it off (a `410 Gone`), if it did.
    pub disabled_reason: Option<String>,
}

impl WebhookEndpoint {
    pub fn wants(&self, kind: EventKind) -> bool {
        self.active && self.events.contains(&kind)
    }
}

/// What an admin sets on an endpoint (the secret is made and changed separately).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookEndpointInput {
    pub url: String,
    pub description: String,
    pub events: Vec<EventKind>,
    pub active: bool,
}

/// A row of an endpoint's delivery log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedDelivery {
    pub delivery: Delivery,
    pub event_kind: EventKind,
    pub occurred_at: DateTime<Utc>,
    /// The headline or banner the event is about, for people reading the log.
    pub subject: String,
}

#[async_trait::async_trait]
pub trait OutboxStore: Send + Sync + 'static {
    /// The change-log position events were derived up to; `None` before the first run.
    async fn outbox_cursor(&self) -> StoreResult<Option<i64>>;

    /// Stores `events` with their deliveries (first attempt at the event's `occurred_at`, or `now`
    /// if later) and moves the cursor from `from` to `to`, in one transaction. Refused with
    /// `Stale`, storing nothing, when the cursor is not at `from` (another node moved it).
    async fn record_events(
        &self,
        from: Option<i64>,
        to: i64,
        events: &[PlannedEvent],
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<i64>>;

    async fn event(&self, id: i64) -> StoreResult<Option<Event>>;

    /// Events newest first (for tests and the newsroom).
    async fn recent_events(&self, limit: u32) -> StoreResult<Vec<Event>>;

    /// Whether an event of `kind` about the correction or live entry `subject_id` was made.
    async fn has_event(&self, kind: EventKind, subject_id: i64) -> StoreResult<bool>;

    /// The newest event of `kind`.
    async fn latest_event(&self, kind: EventKind) -> StoreResult<Option<Event>>;

    /// Pending deliveries of `channels` whose next attempt is due at `now`, oldest due first.
    async fn due_deliveries(
        &self,
        channels: &[&str],
        now: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<Delivery>>;

    /// Takes a due delivery for one attempt: moves its next attempt to `until` if it is still
    /// pending and due at `now`. False when another node took it first.
    async fn claim_delivery(
        &self,
        id: i64,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> StoreResult<bool>;

    /// Records an attempt's outcome and counts the attempt.
    async fn record_attempt(&self, id: i64, attempt: &AttemptRecord) -> StoreResult<()>;

    async fn delivery(&self, id: i64) -> StoreResult<Option<Delivery>>;

    /// Every delivery of an event.
    async fn event_deliveries(&self, event_id: i64) -> StoreResult<Vec<Delivery>>;

    /// A new delivery of the same event to the same target, due at `now` (the newsroom's
    /// "redeliver"), audit-logged. `NotFound` for an unknown delivery.
    async fn redeliver(
        &self,
        delivery_id: i64,
        audit: NewAuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Delivery>;

    async fn webhook_endpoints(&self) -> StoreResult<Vec<WebhookEndpoint>>;

    async fn webhook_endpoint(&self, id: i64) -> StoreResult<Option<WebhookEndpoint>>;

    async fn create_webhook_endpoint(
        &self,
        input: &WebhookEndpointInput,
        secret: &str,
        audit: NewAuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<WebhookEndpoint>;

    async fn update_webhook_endpoint(
        &self,
        id: i64,
        input: &WebhookEndpointInput,
        audit: NewAuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<WebhookEndpoint>;

    async fn set_webhook_secret(
        &self,
        id: i64,
        secret: &str,
        audit: NewAuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<WebhookEndpoint>;

    /// Switches an endpoint off without a person (a `410 Gone`), saying why.
    async fn disable_webhook_endpoint(
        &self,
        id: i64,
        reason: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// Deletes an endpoint and its deliveries.
    async fn delete_webhook_endpoint(&self, id: i64, audit: NewAuditEntry) -> StoreResult<()>;

    /// The endpoint's deliveries, newest first.
    async fn webhook_deliveries(
        &self,
        endpoint_id: i64,
        limit: u32,
    ) -> StoreResult<Vec<LoggedDelivery>>;
}
