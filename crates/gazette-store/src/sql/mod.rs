//! The SQL behind the storage roles, written once for SQLite and PostgreSQL.
//!
//! One module per role (`articles`, `reads`, `people`, `sign_in`, `media`, `taxonomy`,
//! `changes`, `journal`), each an ordinary `impl` of its role trait for [`SqlStore`]. Queries go
//! through the dispatch layer in `db.rs`, which is also the one place the two databases differ;
//! rows are read into the `#[derive(sqlx::FromRow)]` structs of `rows.rs`.

mod api_keys;
mod api_tokens;
mod archive;
mod articles;
mod changes;
mod db;
mod filters;
mod imports;
mod journal;
mod live;
mod media;
mod outbox;
mod page_reader;
mod pages;
mod people;
mod reads;
mod rows;
mod sign_in;
mod taxonomy;
mod telegram;
mod translations;
mod whole_article;

use std::path::Path;

use chrono::{DateTime, Utc};
use gazette_core::Slug;

use crate::{StoreError, StoreResult};
use db::Db;
#[cfg(feature = "testing")]
pub use db::Fault;

/// The store on either database: SQLite (one file, one node) or PostgreSQL (several nodes).
pub struct SqlStore {
    db: Db,
}

impl SqlStore {
    /// Opens (creating and migrating as needed) a SQLite file in WAL mode.
    pub async fn open_sqlite(path: &Path, max_connections: u32) -> StoreResult<Self> {
        Ok(Self {
            db: Db::open_sqlite(path, max_connections).await?,
        })
    }

    /// Connects to PostgreSQL, migrating the database as needed.
    pub async fn connect_postgres(url: &str, max_connections: u32) -> StoreResult<Self> {
        Ok(Self {
            db: Db::connect_postgres(url, max_connections).await?,
        })
    }

    /// See [`crate::testing::TestDatabase::fail_next_write`].
    #[cfg(feature = "testing")]
    pub(crate) fn arm_fault(&self, fault: Fault) {
        self.db.arm_fault(fault);
    }

    /// See [`crate::testing::TestDatabase::hold_page_reads`].
    #[cfg(feature = "testing")]
    pub(crate) fn hold_page_reads(&self, held: bool) {
        self.db.hold_page_reads(held);
    }
}

fn time(secs: i64) -> StoreResult<DateTime<Utc>> {
    DateTime::from_timestamp(secs, 0)
        .ok_or_else(|| StoreError::Invalid(format!("time {secs} out of range")))
}

fn opt_time(secs: Option<i64>) -> StoreResult<Option<DateTime<Utc>>> {
    secs.map(time).transpose()
}

fn stored_slug(s: String) -> StoreResult<Slug> {
    Slug::parse(&s).map_err(|e| StoreError::Invalid(format!("stored slug {s:?}: {e}")))
}

fn clean_text(s: &str) -> String {
    s.trim().to_owned()
}

fn empty_to_none(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// `$1, $2, …, $n`: placeholders for a list of `n` values.
fn placeholders(n: usize) -> String {
    placeholders_from(1, n)
}

/// `$first, …`: placeholders for a list of `n` values after `first - 1` other parameters.
fn placeholders_from(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A unique-key violation as a conflict the user can act on ("… already exists").
fn conflict_if_taken(e: sqlx::Error, what: impl FnOnce() -> String) -> StoreError {
    if is_unique_violation(&e) {
        StoreError::Conflict(what())
    } else {
        e.into()
    }
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}

/// A missing referenced row (foreign key) as the user's mistake: "no such …".
fn reference_error(e: sqlx::Error, what: &str) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
            StoreError::Invalid(format!("no such {what}"))
        }
        _ => e.into(),
    }
}

/// Converts rows into domain values, stopping at the first that does not convert.
fn convert<R, T>(rows: Vec<R>) -> StoreResult<Vec<T>>
where
    T: TryFrom<R, Error = StoreError>,
{
    rows.into_iter().map(T::try_from).collect()
}
