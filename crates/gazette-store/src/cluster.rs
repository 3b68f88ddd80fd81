//! What several nodes sharing one database need from it: a wake-up on every change-log entry
//! (PostgreSQL `LISTEN/NOTIFY`) and leases, so that a job that must run once runs on one node at a
//! time.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::StoreResult;

/// The PostgreSQL notification channel every change-log insert notifies, with its sequence number
/// as the payload.
pub const CHANGES_CHANNEL: &str = "gazette_changes";

/// A lease on a named job: who holds it and until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub name: String,
    pub holder: String,
    pub expires_at: DateTime<Utc>,
}

/// The length of a lease as whole seconds, at least one.
pub(crate) fn ttl_seconds(ttl: Duration) -> i64 {
    i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX / 2).max(1)
}

/// Wake-ups from the database when the change log grows. Notifications can be lost while the
/// connection is down, so [`ChangeListener::next`] says so, and the caller then reads the log
/// (from its own cursor) to catch up.
pub struct ChangeListener {
    inner: sqlx::postgres::PgListener,
}

/// What the listener heard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeSignal {
    /// A change-log entry with this sequence number was committed.
    Changed(i64),
    /// The connection was lost and has been (or is being) re-established: notifications may have
    /// been missed, so read the log.
    Reconnected,
}

impl ChangeListener {
    pub(crate) async fn connect(pool: &sqlx::PgPool) -> StoreResult<Self> {
        let mut inner = sqlx::postgres::PgListener::connect_with(pool).await?;
        inner.listen(CHANGES_CHANNEL).await?;
        Ok(Self { inner })
    }

    /// Waits for the next notification. An error means the database cannot be reached right now;
    /// calling again retries the connection.
    pub async fn next(&mut self) -> StoreResult<ChangeSignal> {
        match self.inner.try_recv().await? {
            Some(notification) => Ok(notification
                .payload()
                .parse()
                .map_or(ChangeSignal::Reconnected, ChangeSignal::Changed)),
            None => Ok(ChangeSignal::Reconnected),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttl_is_at_least_a_second() {
        assert_eq!(ttl_seconds(Duration::from_millis(10)), 1);
        assert_eq!(ttl_seconds(Duration::from_secs(10)), 10);
    }
}
