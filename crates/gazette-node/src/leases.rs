//! Jobs that must run on one node at a time take a lease in the database (see
//! [`gazette_store::Store::acquire_lease`]). The holder renews it every [`RENEW_EVERY`]; if the
//! node dies, the lease runs out after [`LEASE_TTL`] and the next node to ask takes it over.
//! Leases are timed by the real clock of each node (keep the nodes' clocks in sync with NTP).

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use chrono::Utc;
use gazette_store::{Store, StoreResult};

/// How long a lease lasts without renewal: the longest a dead holder's job waits for a new node.
pub const LEASE_TTL: Duration = Duration::from_secs(10);
/// How often the holder renews its lease.
pub const RENEW_EVERY: Duration = Duration::from_secs(3);

/// This process's name as a lease holder: unique per process, and names the process id so an
/// operator can tell which node holds what (`SELECT * FROM leases`).
pub fn node_id() -> &'static str {
    static ID: OnceLock<String> = OnceLock::new();
    ID.get_or_init(|| {
        let host = std::env::var("HOSTNAME")
            .ok()
            .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
            .map(|h| h.trim().to_owned())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "node".to_owned());
        let mut random = [0_u8; 4];
        let _ = getrandom::fill(&mut random);
        let random = data_encoding::HEXLOWER.encode(&random);
        format!("{host}/pid-{}/{random}", std::process::id())
    })
}

/// One job's lease as seen by this node.
pub struct LeaseKeeper {
    name: &'static str,
    holder: String,
    renewed: Option<Instant>,
}

impl LeaseKeeper {
    pub fn new(name: &'static str) -> Self {
        Self::with_holder(name, node_id().to_owned())
    }

    pub fn with_holder(name: &'static str, holder: String) -> Self {
        Self {
            name,
            holder,
            renewed: None,
        }
    }

    /// Whether this node may run the job now: takes the lease when it is free, renews it when a
    /// renewal is due. A database error counts as not holding it.
    pub async fn hold(&mut self, store: &dyn Store) -> StoreResult<bool> {
        if let Some(renewed) = self.renewed
            && renewed.elapsed() < RENEW_EVERY
        {
            return Ok(true);
        }
        let asked = Instant::now();
        let held = store
            .acquire_lease(self.name, &self.holder, LEASE_TTL, Utc::now())
            .await
            .inspect_err(|_| self.renewed = None)?;
        match (held, self.renewed.is_some()) {
            (true, false) => {
                tracing::info!(lease = self.name, holder = %self.holder, "took the lease")
            }
            (false, true) => tracing::warn!(lease = self.name, "lost the lease to another node"),
            _ => {}
        }
        self.renewed = held.then_some(asked);
        Ok(held)
    }

    /// Gives the lease up (at shutdown), so another node takes over at once.
    pub async fn release(&mut self, store: &dyn Store) {
        if self.renewed.take().is_some() {
            let _ = store.release_lease(self.name, &self.holder).await;
        }
    }
}
