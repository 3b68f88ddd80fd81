//! Fresh, throw-away databases for tests, on either backend (the `testing` feature, which the
//! workspace's tests enable as a dev-dependency).
//!
//! SQLite tests get a new file in the temporary folder. PostgreSQL tests run when
//! `GAZETTE_TEST_POSTGRES_URL` names a server (e.g. `postgres://postgres@127.0.0.1:5432/test`):
//! each test gets a database of its own, created there and dropped afterwards, so tests never see
//! each other's rows and can run in parallel.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::Connection;

use crate::{Backend, SqlStore, Store, StoreResult};

pub use crate::sql::Fault;

pub const POSTGRES_URL_VAR: &str = "GAZETTE_TEST_POSTGRES_URL";

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A fresh database. Call [`TestDatabase::finish`] at the end of a test to remove it; one left
/// behind by a failed test is harmless (and named `gazette_test_*`).
pub struct TestDatabase {
    pub store: Arc<dyn Store>,
    /// The same store, for fault injection.
    sql: Arc<SqlStore>,
    cleanup: Cleanup,
}

enum Cleanup {
    File(PathBuf),
    Database { admin_url: String, name: String },
}

fn unique_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "gazette_test_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// The PostgreSQL server to test against, if one is configured.
pub fn postgres_url() -> Option<String> {
    std::env::var(POSTGRES_URL_VAR)
        .ok()
        .filter(|u| !u.is_empty())
}

/// Replaces the database name in a PostgreSQL URL.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let authority_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority_end..].find('/') {
        Some(slash) => &base[..authority_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

impl TestDatabase {
    pub async fn new(backend: Backend) -> StoreResult<Self> {
        match backend {
            Backend::Sqlite => {
                let path = std::env::temp_dir().join(format!("{}.db", unique_name()));
                let store = Arc::new(SqlStore::open_sqlite(&path, 4).await?);
                Ok(Self {
                    store: store.clone(),
                    sql: store,
                    cleanup: Cleanup::File(path),
                })
            }
            Backend::Postgres => {
                let admin_url = postgres_url().ok_or_else(|| {
                    crate::StoreError::Unavailable(format!("{POSTGRES_URL_VAR} is not set"))
                })?;
                let name = unique_name();
                let mut admin = sqlx::PgConnection::connect(&admin_url).await?;
                sqlx::query(&format!("CREATE DATABASE \"{name}\""))
                    .execute(&mut admin)
                    .await?;
                admin.close().await?;
                let store = Arc::new(
                    SqlStore::connect_postgres(&with_database(&admin_url, &name), 4).await?,
                );
                Ok(Self {
                    store: store.clone(),
                    sql: store,
                    cleanup: Cleanup::Database { admin_url, name },
                })
            }
        }
    }

    /// Where the database is, for a test that reads its schema directly (`sqlite://…` or
    /// `postgres://…`).
    pub fn url(&self) -> String {
        match &self.cleanup {
            Cleanup::File(path) => format!("sqlite://{}", path.display()),
            Cleanup::Database { admin_url, name } => with_database(admin_url, name),
        }
    }

    /// On SQLite, makes article-page reads wait (up to two seconds each) while `held`, blocking
    /// their thread as a database locked by another process would. No effect on PostgreSQL.
    pub fn hold_page_reads(&self, held: bool) {
        self.sql.hold_page_reads(held);
    }

    /// Makes the next write that reaches `fault` fail there, as a crash or a lost connection
    /// would part-way through it.
    pub fn fail_next_write(&self, fault: Fault) {
        self.sql.arm_fault(fault);
    }

    /// Closes the store and removes the database.
    pub async fn finish(self) {
        self.store.close().await;
        match self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut p = path.clone().into_os_string();
                    p.push(suffix);
                    let _ = std::fs::remove_file(p);
                }
            }
            Cleanup::Database { admin_url, name } => {
                if let Ok(mut admin) = sqlx::PgConnection::connect(&admin_url).await {
                    let _ =
                        sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                            .execute(&mut admin)
                            .await;
                    let _ = admin.close().await;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_name_is_replaced_keeping_options() {
        assert_eq!(
            with_database("postgres://u@h:5432/test", "x"),
            "postgres://u@h:5432/x"
        );
        assert_eq!(
            with_database("postgres://u@h/test?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://u@h", "x"), "postgres://u@h/x");
    }
}
