//! The outbox job: one pass derives the events of the changes since the stored cursor (see
//! [`super::events`]), plans their deliveries ([`super::fanout::plan`]) and stores both with the
//! new cursor in one transaction; then it delivers what is due ([`super::deliver`]). One node at a
//! time runs it, the holder of the `outbox` lease; the transaction refuses a cursor another node
//! moved meanwhile, so a lease that changes hands mid-pass cannot make an event twice.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use gazette_store::outbox::PlannedEvent;
use gazette_store::{Store, StoreError, StoreResult};

use super::courier::Courier;
use super::events::Deriver;
use super::fanout::{Audience, plan};
use super::settings::OutboxSettings;
use crate::Clock;
use crate::leases::{LeaseKeeper, node_id};

/// The lease's name in the database.
pub const LEASE: &str = "outbox";

/// How many change-log entries one pass turns into events.
const CHANGES_PER_PASS: u32 = 200;

/// What a pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    /// Events made from the change log.
    pub events: usize,
    /// Delivery attempts made.
    pub attempts: usize,
}

#[derive(Clone)]
pub struct OutboxJob {
    store: Arc<dyn Store>,
    clock: Clock,
    settings: Arc<OutboxSettings>,
    couriers: Arc<HashMap<&'static str, Arc<dyn Courier>>>,
    holder: String,
    stopping: Arc<AtomicBool>,
}

impl OutboxJob {
    pub fn new(store: Arc<dyn Store>, clock: Clock, settings: OutboxSettings) -> Self {
        Self {
            store,
            clock,
            settings: Arc::new(settings),
            couriers: Arc::default(),
            holder: node_id().to_owned(),
            stopping: Arc::default(),
        }
    }

    /// Delivers the courier's channel; a channel without a courier keeps its deliveries pending.
    pub fn with_courier(mut self, courier: Arc<dyn Courier>) -> Self {
        Arc::make_mut(&mut self.couriers).insert(courier.channel(), courier);
        self
    }

    /// Holds the lease under another name than this process's: for tests that run two "nodes"
    /// in one process.
    pub fn with_holder(mut self, holder: impl Into<String>) -> Self {
        self.holder = holder.into();
        self
    }

    pub fn settings(&self) -> &OutboxSettings {
        &self.settings
    }

    /// One pass at the clock's "now": new events, then due deliveries. Tests call this with a
    /// moved clock; it does not take the lease (see [`OutboxJob::run`]).
    pub async fn run_once(&self) -> StoreResult<Pass> {
        let events = self.derive_events().await?;
        let attempts = self.deliver_due().await?;
        Ok(Pass { events, attempts })
    }

    /// Turns the changes since the cursor into stored events and deliveries. On the first run
    /// the cursor starts at the newest change: history is not replayed to receivers.
    pub async fn derive_events(&self) -> StoreResult<usize> {
        let store = self.store.as_ref();
        let now = (self.clock)();
        let Some(from) = store.outbox_cursor().await? else {
            let newest = store.latest_change_seq().await?;
            return match store.record_events(None, newest, &[], now).await {
                Ok(_) | Err(StoreError::Stale(_)) => Ok(0),
                Err(e) => Err(e),
            };
        };
        let changes = store.changes_since(from, CHANGES_PER_PASS).await?;
        let Some(to) = changes.last().map(|c| c.seq) else {
            return Ok(0);
        };
        let events = Deriver::new(store, &self.settings.base_url, &self.settings.editions)
            .derive(from, &changes)
            .await?;
        let audience = Audience::load(store, &self.settings).await?;
        let planned: Vec<PlannedEvent> = events
            .into_iter()
            .map(|event| PlannedEvent {
                deliveries: plan(&event, &audience),
                event,
            })
            .collect();
        match store.record_events(Some(from), to, &planned, now).await {
            Ok(ids) => Ok(ids.len()),
            // Another node derived them first: they exist once, which is the point.
            Err(StoreError::Stale(_)) => Ok(0),
            Err(e) => Err(e),
        }
    }

    /// Attempts the deliveries due now.
    pub async fn deliver_due(&self) -> StoreResult<usize> {
        super::deliver::deliver_due(
            self.store.as_ref(),
            &self.couriers,
            &self.settings,
            (self.clock)(),
        )
        .await
    }

    /// Stops the job and gives its lease up, so another node takes over at once.
    pub async fn stop(&self) {
        self.stopping.store(true, Ordering::Relaxed);
        if let Err(e) = self.store.release_lease(LEASE, &self.holder).await {
            tracing::warn!(error = %e, "cannot give the outbox lease up; it will expire");
        }
    }

    /// Runs until [`OutboxJob::stop`] or the process ends, on the node holding the lease; a
    /// database outage is retried quietly.
    pub async fn run(self) {
        let mut interval = tokio::time::interval(self.settings.tick);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut lease = LeaseKeeper::with_holder(LEASE, self.holder.clone());
        let mut failing = false;
        loop {
            interval.tick().await;
            if self.stopping.load(Ordering::Relaxed) {
                return;
            }
            let pass = match lease.hold(self.store.as_ref()).await {
                Ok(true) => self.run_once().await.map(|_| ()),
                Ok(false) => Ok(()),
                Err(e) => Err(e),
            };
            match pass {
                Ok(()) if failing => {
                    tracing::info!("outbox: database reachable again");
                    failing = false;
                }
                Ok(()) => {}
                Err(e) if !failing => {
                    tracing::warn!(error = %e, "outbox: pass failed; will retry");
                    failing = true;
                }
                Err(_) => {}
            }
        }
    }
}
