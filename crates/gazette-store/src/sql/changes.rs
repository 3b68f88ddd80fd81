//! The database itself, the change log every node follows, and leases for jobs that run once.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::SqlStore;
use super::convert;
use super::db::query;
use super::rows::ChangeRow;
#[cfg(feature = "testing")]
use super::rows::LeaseRow;
#[cfg(feature = "testing")]
use crate::Lease;
use crate::{Backend, Change, ChangeListener, ChangeStore, StoreError, StoreResult};

#[async_trait::async_trait]
impl ChangeStore for SqlStore {
    fn backend(&self) -> Backend {
        self.db.backend()
    }

    async fn ping(&self) -> StoreResult<()> {
        query("SELECT 1")
            .execute(&mut self.db.conn().await?)
            .await?;
        Ok(())
    }

    async fn close(&self) {
        self.db.close().await;
    }

    async fn changes_since(&self, seq: i64, limit: u32) -> StoreResult<Vec<Change>> {
        let rows: Vec<ChangeRow> = query(
            "SELECT seq, entity, entity_id, action, at FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(seq)
        .bind(i64::from(limit))
        .fetch_all(&mut self.db.conn().await?)
        .await?;
        convert(rows)
    }

    async fn latest_change_seq(&self) -> StoreResult<i64> {
        let seq: Option<i64> = query("SELECT MAX(seq) FROM changes")
            .scalar(&mut self.db.conn().await?)
            .await?;
        Ok(seq.unwrap_or(0))
    }

    async fn back_up_to(&self, file: &std::path::Path) -> StoreResult<()> {
        if self.db.backend() != Backend::Sqlite {
            return Err(StoreError::Invalid(
                "a PostgreSQL database is backed up with pg_dump (see docs/backup.md)".into(),
            ));
        }
        let target = file.to_str().ok_or_else(|| {
            StoreError::Invalid(format!("{} is not a path SQLite can open", file.display()))
        })?;
        // One read transaction over the whole database, written out page by page: writers go on
        // meanwhile (WAL), and what they commit after it began is not in the copy.
        query("VACUUM INTO $1")
            .bind(target)
            .execute(&mut self.db.conn().await?)
            .await?;
        Ok(())
    }

    async fn listen_for_changes(&self) -> StoreResult<Option<ChangeListener>> {
        self.db.listen().await
    }

    async fn acquire_lease(
        &self,
        name: &str,
        holder: &str,
        ttl: Duration,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let _guard = self.db.lock_writes().await;
        // One statement: a concurrent taker on PostgreSQL waits on the row and re-checks the
        // condition against the winner's row, so two nodes never both get `true`.
        let row = query(
            "INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at \
             WHERE leases.expires_at <= $4 OR leases.holder = excluded.holder \
             RETURNING holder",
        )
        .bind(name)
        .bind(holder)
        .bind(now.timestamp() + crate::cluster::ttl_seconds(ttl))
        .bind(now.timestamp())
        .fetch_optional::<(String,)>(&mut self.db.conn().await?)
        .await?;
        Ok(row.is_some())
    }

    async fn release_lease(&self, name: &str, holder: &str) -> StoreResult<()> {
        let _guard = self.db.lock_writes().await;
        query("DELETE FROM leases WHERE name = $1 AND holder = $2")
            .bind(name)
            .bind(holder)
            .execute(&mut self.db.conn().await?)
            .await?;
        Ok(())
    }

    #[cfg(feature = "testing")]
    async fn lease(&self, name: &str) -> StoreResult<Option<Lease>> {
        let row: Option<LeaseRow> =
            query("SELECT name, holder, expires_at FROM leases WHERE name = $1")
                .bind(name)
                .fetch_optional(&mut self.db.conn().await?)
                .await?;
        row.map(Lease::try_from).transpose()
    }
}
