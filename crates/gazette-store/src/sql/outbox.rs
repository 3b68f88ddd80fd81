//! The event outbox, its deliveries and the webhook endpoints (see [`crate::outbox`]).

use chrono::{DateTime, Utc};
use gazette_core::events::{Event, EventData, EventKind};

use super::db::{AsConn, Tx, query};
use super::journal::audit_write;
use super::{SqlStore, convert, opt_time, placeholders_from, time};
use crate::outbox::{
    AttemptRecord, Delivery, DeliveryStatus, LoggedDelivery, OutboxStore, PlannedEvent,
    WebhookEndpoint, WebhookEndpointInput, channels,
};
use crate::{NewAuditEntry, StoreError, StoreResult};

/// The cursor row's name: the position events were derived up to.
const CURSOR: &str = "events";

const EVENT_COLUMNS: &str = "id, kind, article_id, payload, occurred_at, seq";

const DELIVERY_COLUMNS: &str = "id, event_id, channel, target, status, attempts, next_attempt_at, \
     last_attempt_at, last_status_code, last_error, last_duration_ms, delivered_at, created_at";

const ENDPOINT_COLUMNS: &str = "id, url, description, events, secret, active, disabled_reason, \
     created_by, created_at, updated_at";

#[derive(sqlx::FromRow)]
struct EventRow {
    id: i64,
    kind: String,
    article_id: Option<i64>,
    payload: String,
    occurred_at: i64,
    seq: i64,
}

fn event_kind(name: &str) -> StoreResult<EventKind> {
    EventKind::parse(name).ok_or_else(|| StoreError::Invalid(format!("stored event kind {name:?}")))
}

impl TryFrom<EventRow> for Event {
    type Error = StoreError;
    fn try_from(r: EventRow) -> StoreResult<Self> {
        Ok(Self {
            id: r.id,
            kind: event_kind(&r.kind)?,
            article_id: r.article_id,
            occurred_at: time(r.occurred_at)?,
            seq: r.seq,
            data: serde_json::from_str(&r.payload).map_err(|e| {
                StoreError::Invalid(format!("stored payload of event {}: {e}", r.id))
            })?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct DeliveryRow {
    id: i64,
    event_id: i64,
    channel: String,
    target: String,
    status: String,
    attempts: i64,
    next_attempt_at: i64,
    last_attempt_at: Option<i64>,
    last_status_code: Option<i64>,
    last_error: Option<String>,
    last_duration_ms: Option<i64>,
    delivered_at: Option<i64>,
    created_at: i64,
}

impl TryFrom<DeliveryRow> for Delivery {
    type Error = StoreError;
    fn try_from(r: DeliveryRow) -> StoreResult<Self> {
        Ok(Self {
            id: r.id,
            event_id: r.event_id,
            channel: r.channel,
            target: r.target,
            status: DeliveryStatus::parse(&r.status).ok_or_else(|| {
                StoreError::Invalid(format!("stored delivery status {:?}", r.status))
            })?,
            attempts: r.attempts,
            next_attempt_at: time(r.next_attempt_at)?,
            last_attempt_at: opt_time(r.last_attempt_at)?,
            last_status_code: r.last_status_code,
            last_error: r.last_error,
            last_duration_ms: r.last_duration_ms,
            delivered_at: opt_time(r.delivered_at)?,
            created_at: time(r.created_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct EndpointRow {
    id: i64,
    url: String,
    description: String,
    events: String,
    secret: String,
    active: bool,
    disabled_reason: Option<String>,
    created_by: Option<i64>,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<EndpointRow> for WebhookEndpoint {
    type Error = StoreError;
    fn try_from(r: EndpointRow) -> StoreResult<Self> {
        Ok(Self {
            id: r.id,
            url: r.url,
            description: r.description,
            events: r
                .events
                .split(',')
                .filter(|s| !s.is_empty())
                .map(event_kind)
                .collect::<StoreResult<_>>()?,
            secret: r.secret,
            active: r.active,
            disabled_reason: r.disabled_reason,
            created_by: r.created_by,
            created_at: time(r.created_at)?,
            updated_at: time(r.updated_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct LoggedRow {
    #[sqlx(flatten)]
    delivery: DeliveryRow,
    kind: String,
    occurred_at: i64,
    payload: String,
}

/// What a person reads to know what an event was about: its headline or banner.
fn subject(payload: &str) -> String {
    let data: EventData = serde_json::from_str(payload).unwrap_or_default();
    data.article
        .map(|a| a.headline)
        .or(data.banner.map(|b| b.text))
        .unwrap_or_default()
}

/// An endpoint's kinds as stored; refused when it names none, which would never be sent anything.
fn stored_events(input: &WebhookEndpointInput) -> StoreResult<String> {
    if input.events.is_empty() {
        return Err(StoreError::Invalid(
            "choose at least one event to send".to_owned(),
        ));
    }
    let mut kinds = input.events.clone();
    kinds.sort();
    kinds.dedup();
    Ok(kinds
        .iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(","))
}

/// The endpoint's URL and description as stored; the caller has checked the URL's form.
fn stored_text(input: &WebhookEndpointInput) -> StoreResult<(String, String)> {
    let url = input.url.trim();
    if url.is_empty() {
        return Err(StoreError::Invalid("the endpoint needs a URL".to_owned()));
    }
    Ok((url.to_owned(), input.description.trim().to_owned()))
}

async fn endpoint_in(c: &mut impl AsConn, id: i64) -> StoreResult<Option<WebhookEndpoint>> {
    let sql = format!("SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = $1");
    query(&sql)
        .bind(id)
        .fetch_optional::<EndpointRow>(c)
        .await?
        .map(WebhookEndpoint::try_from)
        .transpose()
}

async fn delivery_in(c: &mut impl AsConn, id: i64) -> StoreResult<Option<Delivery>> {
    let sql = format!("SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE id = $1");
    query(&sql)
        .bind(id)
        .fetch_optional::<DeliveryRow>(c)
        .await?
        .map(Delivery::try_from)
        .transpose()
}

async fn insert_delivery(
    tx: &mut Tx,
    event_id: i64,
    channel: &str,
    target: &str,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    Ok(query(
        "INSERT INTO deliveries (event_id, channel, target, status, attempts, next_attempt_at, \
         created_at) VALUES ($1, $2, $3, 'pending', 0, $4, $4) RETURNING id",
    )
    .bind(event_id)
    .bind(channel)
    .bind(target)
    .bind(now.timestamp())
    .scalar(tx)
    .await?)
}

/// Moves the cursor from `from` to `to` if it is still at `from`; false when another writer
/// moved it first. On PostgreSQL the update waits for a concurrent mover's transaction and then
/// finds the row changed, so exactly one of two racing nodes gets true.
async fn move_cursor(tx: &mut Tx, from: Option<i64>, to: i64) -> StoreResult<bool> {
    let moved = match from {
        None => query(
            "INSERT INTO outbox_cursor (name, seq) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(CURSOR)
        .bind(to)
        .execute(tx)
        .await?,
        Some(from) => {
            query("UPDATE outbox_cursor SET seq = $1 WHERE name = $2 AND seq = $3")
                .bind(to)
                .bind(CURSOR)
                .bind(from)
                .execute(tx)
                .await?
        }
    };
    Ok(moved == 1)
}

async fn endpoint_audited(
    mut tx: Tx,
    id: i64,
    audit: NewAuditEntry,
    now: DateTime<Utc>,
) -> StoreResult<WebhookEndpoint> {
    audit_write(&mut tx, Some(&audit), Some(id), now).await?;
    let endpoint = endpoint_in(&mut tx, id)
        .await?
        .ok_or(StoreError::NotFound)?;
    tx.commit().await?;
    Ok(endpoint)
}

#[async_trait::async_trait]
impl OutboxStore for SqlStore {
    async fn outbox_cursor(&self) -> StoreResult<Option<i64>> {
        Ok(query("SELECT seq FROM outbox_cursor WHERE name = $1")
            .bind(CURSOR)
            .fetch_optional::<(i64,)>(&mut self.db.conn().await?)
            .await?
            .map(|(seq,)| seq))
    }

    async fn record_events(
        &self,
        from: Option<i64>,
        to: i64,
        events: &[PlannedEvent],
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<i64>> {
        let mut tx = self.db.write().await?;
        if !move_cursor(&mut tx, from, to).await? {
            tx.rollback().await?;
            return Err(StoreError::Stale(
                "another node derived these events first".to_owned(),
            ));
        }
        let mut ids = Vec::with_capacity(events.len());
        for planned in events {
            let event = &planned.event;
            let payload = serde_json::to_string(&event.data)
                .map_err(|e| StoreError::Invalid(format!("event payload: {e}")))?;
            // The correction or entry announced, so that it is announced once.
            let subject_id = event.data.correction.as_ref().map(|c| c.id).or(event
                .data
                .entry
                .as_ref()
                .map(|e| e.id));
            let id: i64 = query(
                "INSERT INTO outbox_events (kind, article_id, subject_id, payload, occurred_at, \
                 seq) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(event.kind.as_str())
            .bind(event.article_id)
            .bind(subject_id)
            .bind(payload)
            .bind(event.occurred_at.timestamp())
            .bind(event.seq)
            .scalar(&mut tx)
            .await?;
            for delivery in &planned.deliveries {
                insert_delivery(&mut tx, id, delivery.channel, &delivery.target, now).await?;
            }
            ids.push(id);
        }
        tx.commit().await?;
        Ok(ids)
    }

    async fn event(&self, id: i64) -> StoreResult<Option<Event>> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM outbox_events WHERE id = $1");
        query(&sql)
            .bind(id)
            .fetch_optional::<EventRow>(&mut self.db.conn().await?)
            .await?
            .map(Event::try_from)
            .transpose()
    }

    async fn recent_events(&self, limit: u32) -> StoreResult<Vec<Event>> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM outbox_events ORDER BY id DESC LIMIT $1");
        let rows: Vec<EventRow> = query(&sql)
            .bind(i64::from(limit))
            .fetch_all(&mut self.db.conn().await?)
            .await?;
        convert(rows)
    }

    async fn has_event(&self, kind: EventKind, subject_id: i64) -> StoreResult<bool> {
        let found: i64 =
            query("SELECT COUNT(*) FROM outbox_events WHERE kind = $1 AND subject_id = $2")
                .bind(kind.as_str())
                .bind(subject_id)
                .scalar(&mut self.db.conn().await?)
                .await?;
        Ok(found > 0)
    }

    async fn latest_event(&self, kind: EventKind) -> StoreResult<Option<Event>> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM outbox_events WHERE kind = $1 ORDER BY id DESC LIMIT 1"
        );
        query(&sql)
            .bind(kind.as_str())
            .fetch_optional::<EventRow>(&mut self.db.conn().await?)
            .await?
            .map(Event::try_from)
            .transpose()
    }

    async fn due_deliveries(
        &self,
        channels: &[&str],
        now: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<Delivery>> {
        if channels.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE status = 'pending' \
             AND next_attempt_at <= $1 AND channel IN ({}) ORDER BY next_attempt_at, id LIMIT $2",
            placeholders_from(3, channels.len())
        );
        let rows: Vec<DeliveryRow> = query(&sql)
            .bind(now.timestamp())
            .bind(i64::from(limit))
            .bind_all(channels.iter().map(|c| (*c).into()))
            .fetch_all(&mut self.db.conn().await?)
            .await?;
        convert(rows)
    }

    async fn claim_delivery(
        &self,
        id: i64,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let mut tx = self.db.write().await?;
        let claimed = query(
            "UPDATE deliveries SET next_attempt_at = $1 WHERE id = $2 AND status = 'pending' \
             AND next_attempt_at <= $3",
        )
        .bind(until.timestamp())
        .bind(id)
        .bind(now.timestamp())
        .execute(&mut tx)
        .await?;
        tx.commit().await?;
        Ok(claimed == 1)
    }

    async fn record_attempt(&self, id: i64, attempt: &AttemptRecord) -> StoreResult<()> {
        let mut tx = self.db.write().await?;
        let delivered_at =
            (attempt.status == DeliveryStatus::Delivered).then(|| attempt.at.timestamp());
        let updated = query(
            "UPDATE deliveries SET status = $1, attempts = attempts + 1, next_attempt_at = $2, \
             last_attempt_at = $3, last_status_code = $4, last_error = $5, last_duration_ms = $6, \
             delivered_at = COALESCE($7, delivered_at) WHERE id = $8",
        )
        .bind(attempt.status.as_str())
        .bind(attempt.next_attempt_at.timestamp())
        .bind(attempt.at.timestamp())
        .bind(attempt.status_code)
        .bind(attempt.error.clone())
        .bind(attempt.duration_ms)
        .bind(delivered_at)
        .bind(id)
        .execute(&mut tx)
        .await?;
        if updated == 0 {
            tx.rollback().await?;
            return Err(StoreError::NotFound);
        }
        tx.commit().await?;
        Ok(())
    }

    async fn delivery(&self, id: i64) -> StoreResult<Option<Delivery>> {
        delivery_in(&mut self.db.conn().await?, id).await
    }

    async fn event_deliveries(&self, event_id: i64) -> StoreResult<Vec<Delivery>> {
        let sql =
            format!("SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE event_id = $1 ORDER BY id");
        let rows: Vec<DeliveryRow> = query(&sql)
            .bind(event_id)
            .fetch_all(&mut self.db.conn().await?)
            .await?;
        convert(rows)
    }

    async fn redeliver(
        &self,
        delivery_id: i64,
        audit: NewAuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Delivery> {
        let mut tx = self.db.write().await?;
        let original = delivery_in(&mut tx, delivery_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let id = insert_delivery(
            &mut tx,
            original.event_id,
            &original.channel,
            &original.target,
            now,
        )
        .await?;
        audit_write(&mut tx, Some(&audit), Some(id), now).await?;
        let delivery = delivery_in(&mut tx, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok(delivery)
    }

    async fn webhook_endpoints(&self) -> StoreResult<Vec<WebhookEndpoint>> {
        let sql = format!("SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints ORDER BY id");
        let rows: Vec<EndpointRow> = query(&sql).fetch_all(&mut self.db.conn().await?).await?;
        convert(rows)
    }

    async fn webhook_endpoint(&self, id: i64) -> StoreResult<Option<WebhookEndpoint>> {
        endpoint_in(&mut self.db.conn().await?, id).await
    }

    async fn create_webhook_endpoint(
        &self,
        input: &WebhookEndpointInput,
        secret: &str,
        audit: NewAuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<WebhookEndpoint> {
        let events = stored_events(input)?;
        let (url, description) = stored_text(input)?;
        let mut tx = self.db.write().await?;
        let id: i64 = query(
            "INSERT INTO webhook_endpoints (url, description, events, secret, active, created_by, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
        )
        .bind(url)
        .bind(description)
        .bind(events)
        .bind(secret)
        .bind(input.active)
        .bind(audit.actor.user_id)
        .bind(now.timestamp())
        .scalar(&mut tx)
        .await?;
        endpoint_audited(tx, id, audit, now).await
    }

    async fn update_webhook_endpoint(
        &self,
        id: i64,
        input: &WebhookEndpointInput,
        audit: NewAuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<WebhookEndpoint> {
        let events = stored_events(input)?;
        let (url, description) = stored_text(input)?;
        let mut tx = self.db.write().await?;
        // Switching an endpoint on again clears why Gazette had switched it off.
        let updated = query(
            "UPDATE webhook_endpoints SET url = $1, description = $2, events = $3, active = $4, \
             disabled_reason = CASE WHEN $4 THEN NULL ELSE disabled_reason END, updated_at = $5 \
             WHERE id = $6",
        )
        .bind(url)
        .bind(description)
        .bind(events)
        .bind(input.active)
        .bind(now.timestamp())
        .bind(id)
        .execute(&mut tx)
        .await?;
        if updated == 0 {
            tx.rollback().await?;
            return Err(StoreError::NotFound);
        }
        endpoint_audited(tx, id, audit, now).await
    }

    async fn set_webhook_secret(
        &self,
        id: i64,
        secret: &str,
        audit: NewAuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<WebhookEndpoint> {
        let mut tx = self.db.write().await?;
        let updated =
            query("UPDATE webhook_endpoints SET secret = $1, updated_at = $2 WHERE id = $3")
                .bind(secret)
                .bind(now.timestamp())
                .bind(id)
                .execute(&mut tx)
                .await?;
        if updated == 0 {
            tx.rollback().await?;
            return Err(StoreError::NotFound);
        }
        endpoint_audited(tx, id, audit, now).await
    }

    async fn disable_webhook_endpoint(
        &self,
        id: i64,
        reason: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.db.write().await?;
        query(
            "UPDATE webhook_endpoints SET active = FALSE, disabled_reason = $1, updated_at = $2 \
             WHERE id = $3",
        )
        .bind(reason)
        .bind(now.timestamp())
        .bind(id)
        .execute(&mut tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn delete_webhook_endpoint(&self, id: i64, audit: NewAuditEntry) -> StoreResult<()> {
        let now = Utc::now();
        let mut tx = self.db.write().await?;
        query("DELETE FROM deliveries WHERE channel = $1 AND target = $2")
            .bind(channels::WEBHOOK)
            .bind(id.to_string())
            .execute(&mut tx)
            .await?;
        let deleted = query("DELETE FROM webhook_endpoints WHERE id = $1")
            .bind(id)
            .execute(&mut tx)
            .await?;
        if deleted == 0 {
            tx.rollback().await?;
            return Err(StoreError::NotFound);
        }
        audit_write(&mut tx, Some(&audit), Some(id), now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn webhook_deliveries(
        &self,
        endpoint_id: i64,
        limit: u32,
    ) -> StoreResult<Vec<LoggedDelivery>> {
        let columns = DELIVERY_COLUMNS
            .split(", ")
            .map(|c| format!("d.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {columns}, e.kind, e.occurred_at, e.payload FROM deliveries d \
             JOIN outbox_events e ON e.id = d.event_id \
             WHERE d.channel = $1 AND d.target = $2 ORDER BY d.id DESC LIMIT $3"
        );
        let rows: Vec<LoggedRow> = query(&sql)
            .bind(channels::WEBHOOK)
            .bind(endpoint_id.to_string())
            .bind(i64::from(limit))
            .fetch_all(&mut self.db.conn().await?)
            .await?;
        rows.into_iter()
            .map(|r| {
                Ok(LoggedDelivery {
                    event_kind: event_kind(&r.kind)?,
                    occurred_at: time(r.occurred_at)?,
                    subject: subject(&r.payload),
                    delivery: r.delivery.try_into()?,
                })
            })
            .collect()
    }
}
