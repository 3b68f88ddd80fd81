//! The delivery pass: due deliveries are handed to their channel's courier, one attempt each, and
//! what came of it is recorded. A failed attempt is retried after 30 seconds, then 1, 2, 4 …
//! minutes, at most an hour apart (or later if the receiver asked), until 24 hours after the
//! delivery was made; then it is marked failed. Each attempt is cut off after the per-attempt
//! time-out and counted as a failure to retry.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use gazette_core::events::Event;
use gazette_store::outbox::{AttemptRecord, Delivery, DeliveryStatus};
use gazette_store::{Store, StoreResult};

use super::courier::{Attempt, Courier, Outcome};
use super::settings::OutboxSettings;

/// How many due deliveries one pass takes on.
const PER_PASS: u32 = 50;

/// The wait before retry number `failures` (1 after the first failure): `first`, doubling, at
/// most `cap`.
pub fn backoff(failures: i64, first: Duration, cap: Duration) -> Duration {
    let doublings = u32::try_from(failures.saturating_sub(1))
        .unwrap_or(u32::MAX)
        .min(20);
    first.saturating_mul(1 << doublings).min(cap)
}

fn chrono(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

/// One pass at `now`: attempts each due delivery of a channel with a courier once. Returns how
/// many attempts were made.
pub async fn deliver_due(
    store: &dyn Store,
    couriers: &HashMap<&'static str, Arc<dyn Courier>>,
    settings: &OutboxSettings,
    now: DateTime<Utc>,
) -> StoreResult<usize> {
    let channels: Vec<&str> = couriers.keys().copied().collect();
    let due = store.due_deliveries(&channels, now, PER_PASS).await?;
    let mut events: HashMap<i64, Option<Event>> = HashMap::new();
    let mut attempts = 0;
    for delivery in due {
        let Some(courier) = couriers.get(delivery.channel.as_str()) else {
            continue;
        };
        let deadline = delivery.created_at + chrono(settings.give_up_after);
        // Taken for this attempt: nobody else tries it until the attempt must have ended.
        let busy_until = now + chrono(settings.attempt_timeout) + chrono::Duration::seconds(60);
        if !store.claim_delivery(delivery.id, now, busy_until).await? {
            continue;
        }
        if let std::collections::hash_map::Entry::Vacant(slot) = events.entry(delivery.event_id) {
            slot.insert(store.event(delivery.event_id).await?);
        }
        let record = match events.get(&delivery.event_id).and_then(Option::as_ref) {
            Some(event) if now <= deadline => {
                let attempt = attempt(courier.as_ref(), event, &delivery, settings).await;
                attempts += 1;
                outcome(&delivery, attempt, deadline, settings, now)
            }
            Some(_) => gave_up(&delivery, now, "not delivered within 24 hours"),
            None => gave_up(&delivery, now, "the event no longer exists"),
        };
        store.record_attempt(delivery.id, &record).await?;
    }
    Ok(attempts)
}

/// One attempt, cut off after the time-out.
async fn attempt(
    courier: &dyn Courier,
    event: &Event,
    delivery: &Delivery,
    settings: &OutboxSettings,
) -> Attempt {
    let started = Instant::now();
    match tokio::time::timeout(settings.attempt_timeout, courier.deliver(event, delivery)).await {
        Ok(attempt) => attempt,
        Err(_) => Attempt::retry(
            None,
            format!(
                "no answer within {} s",
                settings.attempt_timeout.as_secs_f32()
            ),
            started.elapsed(),
        ),
    }
}

/// What the attempt means for the delivery: done, failed, or when to try again.
fn outcome(
    delivery: &Delivery,
    attempt: Attempt,
    deadline: DateTime<Utc>,
    settings: &OutboxSettings,
    now: DateTime<Utc>,
) -> AttemptRecord {
    let duration_ms = i64::try_from(attempt.duration.as_millis()).unwrap_or(i64::MAX);
    let mut record = AttemptRecord {
        status: DeliveryStatus::Pending,
        next_attempt_at: now,
        status_code: attempt.status_code.map(i64::from),
        error: attempt.error,
        duration_ms,
        at: now,
    };
    match attempt.outcome {
        Outcome::Delivered => record.status = DeliveryStatus::Delivered,
        Outcome::GiveUp => record.status = DeliveryStatus::Failed,
        Outcome::Retry { not_before } => {
            let wait = backoff(
                delivery.attempts + 1,
                settings.first_retry,
                settings.max_retry,
            );
            let next = (now + chrono(wait)).max(not_before.unwrap_or(now));
            if next > deadline {
                record.status = DeliveryStatus::Failed;
                let why = record.error.take().unwrap_or_default();
                record.error = Some(format!("{why} (given up: not delivered within 24 hours)"));
            } else {
                record.next_attempt_at = next;
            }
        }
    }
    record
}

fn gave_up(delivery: &Delivery, now: DateTime<Utc>, why: &str) -> AttemptRecord {
    AttemptRecord {
        status: DeliveryStatus::Failed,
        next_attempt_at: now,
        status_code: delivery.last_status_code,
        error: Some(match &delivery.last_error {
            Some(last) => format!("{why}; last error: {last}"),
            None => why.to_owned(),
        }),
        duration_ms: 0,
        at: now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_the_first_wait_up_to_the_cap() {
        let (first, cap) = (Duration::from_secs(30), Duration::from_secs(3600));
        let waits: Vec<u64> = (1..=9).map(|n| backoff(n, first, cap).as_secs()).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(backoff(10_000, first, cap), cap);
    }
}
