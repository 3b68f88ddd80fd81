//! The one place where SQLite and PostgreSQL differ.
//!
//! The two databases accept the same SQL text for everything Gazette asks of them (numbered
//! parameters `$1`, `RETURNING`, `ON CONFLICT … DO UPDATE`, times kept as Unix seconds), so every
//! query in the role modules is written once and run through the small dispatch layer here: an
//! enum over the two pools ([`Db`]), one over a borrowed connection ([`ConnRef`]), and a
//! [`Query`] that carries its parameters as plain [`Value`]s and is bound to whichever database
//! the connection belongs to. Rows come back as `#[derive(sqlx::FromRow)]` structs ([`Record`]),
//! which work on both.
//!
//! What differs lives below and nowhere else: opening the database, how a write transaction
//! begins (SQLite queues writers and takes its file lock up front; PostgreSQL takes a lock that
//! orders change-log inserts and notifies listening nodes), `LISTEN/NOTIFY`, and the SQLite
//! article-page reader.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::error::BoxDynError;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnection, PgPool, PgPoolOptions, PgRow, Postgres};
use sqlx::sqlite::{
    Sqlite, SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool,
    SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{Arguments, ColumnIndex, Database, Decode, Encode, FromRow, Row, Transaction, Type};
use tokio::sync::{Mutex, OwnedMutexGuard, Semaphore};

use super::page_reader::PageReader;
use crate::archive::{Cell, ColumnKind};
use crate::{ArticlePage, Backend, CHANGES_CHANNEL, ChangeListener, StoreError, StoreResult};

/// A row type that both databases can produce: what `#[derive(sqlx::FromRow)]` gives.
pub(crate) trait Record:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

impl<T> Record for T where
    T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

/// A query parameter. Owned, so a query can be built up (filters) and outlive its inputs.
#[derive(Debug, Clone)]
pub(crate) enum Value {
    Int(i64),
    OptInt(Option<i64>),
    /// `INTEGER` columns on PostgreSQL (positions), which want a 4-byte value.
    Int32(i32),
    Text(String),
    OptText(Option<String>),
    Bool(bool),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Self::Int(v)
    }
}
impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Self {
        Self::OptInt(v)
    }
}
impl From<i32> for Value {
    fn from(v: i32) -> Self {
        Self::Int32(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Self::Text(v.to_owned())
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Self::Text(v.clone())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Self::Text(v)
    }
}
impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Self {
        Self::OptText(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Self::Bool(v)
    }
}

/// Binds `values` in order for database `DB`.
fn arguments<'q, DB: Database>(values: &'q [Value]) -> Result<DB::Arguments<'q>, sqlx::Error>
where
    i64: Encode<'q, DB> + Type<DB>,
    Option<i64>: Encode<'q, DB> + Type<DB>,
    i32: Encode<'q, DB> + Type<DB>,
    &'q str: Encode<'q, DB> + Type<DB>,
    Option<&'q str>: Encode<'q, DB> + Type<DB>,
    bool: Encode<'q, DB> + Type<DB>,
{
    let mut args = DB::Arguments::<'q>::default();
    for value in values {
        let added: Result<(), BoxDynError> = match value {
            Value::Int(v) => args.add(*v),
            Value::OptInt(v) => args.add(*v),
            Value::Int32(v) => args.add(*v),
            Value::Text(v) => args.add(v.as_str()),
            Value::OptText(v) => args.add(v.as_deref()),
            Value::Bool(v) => args.add(*v),
        };
        added.map_err(sqlx::Error::Encode)?;
    }
    Ok(args)
}

/// A connection of either database, borrowed for one query.
pub(crate) enum ConnRef<'c> {
    Sqlite(&'c mut SqliteConnection),
    Postgres(&'c mut PgConnection),
}

/// Something a query can run on: a pooled connection or a transaction.
pub(crate) trait AsConn: Send {
    fn conn(&mut self) -> ConnRef<'_>;
}

/// One SQL text and its parameters, run on either database.
pub(crate) struct Query<'q> {
    sql: &'q str,
    args: Vec<Value>,
}

/// A query with the text `sql`; bind its parameters (`$1`, `$2`, …) in order with [`Query::bind`].
pub(crate) fn query(sql: &str) -> Query<'_> {
    Query {
        sql,
        args: Vec::new(),
    }
}

impl Query<'_> {
    pub(crate) fn bind(mut self, value: impl Into<Value>) -> Self {
        self.args.push(value.into());
        self
    }

    pub(crate) fn bind_all(mut self, values: impl IntoIterator<Item = Value>) -> Self {
        self.args.extend(values);
        self
    }

    /// Runs a statement; returns the number of rows it touched.
    pub(crate) async fn execute(self, c: &mut impl AsConn) -> sqlx::Result<u64> {
        Ok(match c.conn() {
            ConnRef::Sqlite(conn) => sqlx::query_with(self.sql, arguments::<Sqlite>(&self.args)?)
                .execute(conn)
                .await?
                .rows_affected(),
            ConnRef::Postgres(conn) => {
                sqlx::query_with(self.sql, arguments::<Postgres>(&self.args)?)
                    .execute(conn)
                    .await?
                    .rows_affected()
            }
        })
    }

    pub(crate) async fn fetch_all<T: Record>(self, c: &mut impl AsConn) -> sqlx::Result<Vec<T>> {
        match c.conn() {
            ConnRef::Sqlite(conn) => {
                sqlx::query_as_with(self.sql, arguments::<Sqlite>(&self.args)?)
                    .fetch_all(conn)
                    .await
            }
            ConnRef::Postgres(conn) => {
                sqlx::query_as_with(self.sql, arguments::<Postgres>(&self.args)?)
                    .fetch_all(conn)
                    .await
            }
        }
    }

    pub(crate) async fn fetch_optional<T: Record>(
        self,
        c: &mut impl AsConn,
    ) -> sqlx::Result<Option<T>> {
        match c.conn() {
            ConnRef::Sqlite(conn) => {
                sqlx::query_as_with(self.sql, arguments::<Sqlite>(&self.args)?)
                    .fetch_optional(conn)
                    .await
            }
            ConnRef::Postgres(conn) => {
                sqlx::query_as_with(self.sql, arguments::<Postgres>(&self.args)?)
                    .fetch_optional(conn)
                    .await
            }
        }
    }

    pub(crate) async fn fetch_one<T: Record>(self, c: &mut impl AsConn) -> sqlx::Result<T> {
        self.fetch_optional(c)
            .await?
            .ok_or(sqlx::Error::RowNotFound)
    }

    /// The first column of the one row a statement returns (`COUNT(*)`, `RETURNING id`).
    pub(crate) async fn scalar<T>(self, c: &mut impl AsConn) -> sqlx::Result<T>
    where
        (T,): Record,
    {
        Ok(self.fetch_one::<(T,)>(c).await?.0)
    }

    /// The first column of every row.
    pub(crate) async fn column<T>(self, c: &mut impl AsConn) -> sqlx::Result<Vec<T>>
    where
        (T,): Record,
    {
        Ok(self
            .fetch_all::<(T,)>(c)
            .await?
            .into_iter()
            .map(|(v,)| v)
            .collect())
    }
}

impl Query<'_> {
    /// Every row as plain cells, column `i` read as `kinds[i]`: for the archive, which handles
    /// every table alike.
    pub(crate) async fn fetch_cells(
        self,
        c: &mut impl AsConn,
        kinds: &[ColumnKind],
    ) -> sqlx::Result<Vec<Vec<Cell>>> {
        match c.conn() {
            ConnRef::Sqlite(conn) => {
                let rows = sqlx::query_with(self.sql, arguments::<Sqlite>(&self.args)?)
                    .fetch_all(conn)
                    .await?;
                rows.iter().map(|row| cells(row, kinds)).collect()
            }
            ConnRef::Postgres(conn) => {
                let rows = sqlx::query_with(self.sql, arguments::<Postgres>(&self.args)?)
                    .fetch_all(conn)
                    .await?;
                rows.iter().map(|row| cells(row, kinds)).collect()
            }
        }
    }
}

/// One row's cells, read by column position.
fn cells<'r, R: Row>(row: &'r R, kinds: &[ColumnKind]) -> sqlx::Result<Vec<Cell>>
where
    usize: ColumnIndex<R>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    i32: Decode<'r, R::Database> + Type<R::Database>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    bool: Decode<'r, R::Database> + Type<R::Database>,
{
    kinds
        .iter()
        .enumerate()
        .map(|(i, kind)| {
            Ok(match kind {
                ColumnKind::Int => Cell::Int(row.try_get::<i64, _>(i)?),
                ColumnKind::OptInt => row
                    .try_get::<Option<i64>, _>(i)?
                    .map_or(Cell::Null, Cell::Int),
                ColumnKind::Int32 => Cell::Int(i64::from(row.try_get::<i32, _>(i)?)),
                ColumnKind::Text => Cell::Text(row.try_get::<String, _>(i)?),
                ColumnKind::OptText => row
                    .try_get::<Option<String>, _>(i)?
                    .map_or(Cell::Null, Cell::Text),
                ColumnKind::Bool => Cell::Bool(row.try_get::<bool, _>(i)?),
            })
        })
        .collect()
}

/// A connection from the pool, for reads and single-statement writes.
pub(crate) enum Conn {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

impl AsConn for Conn {
    fn conn(&mut self) -> ConnRef<'_> {
        match self {
            Self::Sqlite(c) => ConnRef::Sqlite(c),
            Self::Postgres(c) => ConnRef::Postgres(c),
        }
    }
}

/// A failure a test can make happen inside the next write, to prove that a write interrupted
/// part-way leaves nothing behind.
#[cfg(feature = "testing")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Fail when the write reaches its change-log entry: everything before it is written.
    BeforeChangeLog,
    /// Fail at the commit, after every step of the write.
    BeforeCommit,
}

/// The fault armed for the next write, shared by a store and its transactions.
#[cfg(feature = "testing")]
type FaultPlan = Arc<std::sync::Mutex<Option<Fault>>>;

/// SQLite's writer queue, held for the whole of a write; nothing on PostgreSQL.
pub(crate) struct WriteGuard {
    _held: Option<OwnedMutexGuard<()>>,
}

enum TxInner {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// A write transaction. Dropped without [`Tx::commit`], it rolls back.
pub(crate) struct Tx {
    // Declared before the guard so that it is dropped (rolled back) first.
    inner: TxInner,
    _guard: WriteGuard,
    #[cfg(feature = "testing")]
    faults: FaultPlan,
}

impl AsConn for Tx {
    fn conn(&mut self) -> ConnRef<'_> {
        match &mut self.inner {
            TxInner::Sqlite(t) => ConnRef::Sqlite(t),
            TxInner::Postgres(t) => ConnRef::Postgres(t),
        }
    }
}

/// The advisory lock key that orders change-log inserts on PostgreSQL ("gazette" in ASCII).
const CHANGE_LOG_LOCK: i64 = 0x0067_617a_6574_7465;

impl Tx {
    /// Fails here if a test armed `fault` for this write.
    #[cfg(feature = "testing")]
    fn trip(&self, fault: Fault) -> StoreResult<()> {
        let mut armed = self.faults.lock().unwrap_or_else(|e| e.into_inner());
        if *armed == Some(fault) {
            *armed = None;
            return Err(StoreError::Unavailable(format!(
                "injected fault: {fault:?}"
            )));
        }
        Ok(())
    }

    #[cfg(not(feature = "testing"))]
    fn trip(&self, _fault: ()) -> StoreResult<()> {
        Ok(())
    }

    pub(crate) async fn commit(self) -> StoreResult<()> {
        self.trip(fault::BEFORE_COMMIT)?;
        match self.inner {
            TxInner::Sqlite(t) => t.commit().await?,
            TxInner::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }

    pub(crate) async fn rollback(self) -> StoreResult<()> {
        match self.inner {
            TxInner::Sqlite(t) => t.rollback().await?,
            TxInner::Postgres(t) => t.rollback().await?,
        }
        Ok(())
    }

    /// The step before a change-log insert (see [`Tx::record_change`]): the fault point, and on
    /// PostgreSQL the lock that orders inserts. Returns whether this is PostgreSQL.
    async fn lock_change_log(&mut self) -> StoreResult<bool> {
        self.trip(fault::BEFORE_CHANGE_LOG)?;
        let postgres = matches!(self.inner, TxInner::Postgres(_));
        if postgres {
            query("SELECT pg_advisory_xact_lock($1)")
                .bind(CHANGE_LOG_LOCK)
                .execute(self)
                .await?;
        }
        Ok(postgres)
    }

    /// Wakes listening nodes up to `seq` when (and only if) the transaction commits (PostgreSQL).
    async fn notify_change(&mut self, seq: i64) -> StoreResult<()> {
        query("SELECT pg_notify($1, $2)")
            .bind(CHANGES_CHANNEL)
            .bind(seq.to_string())
            .execute(self)
            .await?;
        Ok(())
    }

    /// Appends an entry to the change log; returns its sequence number.
    ///
    /// SQLite has one writer at a time, so entries commit in sequence order already and one node
    /// polls its own file. On PostgreSQL an advisory lock serialises change-log inserts until the
    /// transaction ends, so entries commit in sequence order (without it, a transaction holding
    /// seq 9 could commit after one holding seq 10, and a node that had read up to 10 would never
    /// see 9; content writes are few, so the wait is short), and `pg_notify` wakes every listening
    /// node when (and only if) the transaction commits.
    pub(crate) async fn record_change(
        &mut self,
        entity: &str,
        entity_id: Option<i64>,
        action: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let postgres = self.lock_change_log().await?;
        let seq: i64 = query(
            "INSERT INTO changes (entity, entity_id, action, at) VALUES ($1, $2, $3, $4) RETURNING seq",
        )
        .bind(entity)
        .bind(entity_id)
        .bind(action)
        .bind(now.timestamp())
        .scalar(self)
        .await?;
        if postgres {
            self.notify_change(seq).await?;
        }
        Ok(seq)
    }

    /// [`Tx::record_change`] for many entities of one kind at once, in one statement: what a
    /// batch of imported articles writes. Listening nodes are woken once, for the last entry.
    pub(crate) async fn record_changes(
        &mut self,
        entity: &str,
        entries: &[(i64, &str)],
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let postgres = self.lock_change_log().await?;
        let rows = (0..entries.len())
            .map(|i| format!("($1, ${}, ${}, $2)", 2 * i + 3, 2 * i + 4))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO changes (entity, entity_id, action, at) VALUES {rows} RETURNING seq"
        );
        let values = entries
            .iter()
            .flat_map(|(id, action)| [(*id).into(), (*action).into()]);
        let seqs: Vec<(i64,)> = query(&sql)
            .bind(entity)
            .bind(now.timestamp())
            .bind_all(values)
            .fetch_all(self)
            .await?;
        if postgres && let Some((last,)) = seqs.iter().max() {
            self.notify_change(*last).await?;
        }
        Ok(())
    }
}

/// The fault points, as [`Tx::trip`] takes them with and without the `testing` feature.
mod fault {
    #[cfg(feature = "testing")]
    pub(super) const BEFORE_CHANGE_LOG: crate::sql::db::Fault =
        crate::sql::db::Fault::BeforeChangeLog;
    #[cfg(feature = "testing")]
    pub(super) const BEFORE_COMMIT: crate::sql::db::Fault = crate::sql::db::Fault::BeforeCommit;
    #[cfg(not(feature = "testing"))]
    pub(super) const BEFORE_CHANGE_LOG: () = ();
    #[cfg(not(feature = "testing"))]
    pub(super) const BEFORE_COMMIT: () = ();
}

enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Article pages on SQLite, read without sqlx's per-connection threads (see `page_reader.rs`).
struct SqlitePages {
    reader: Arc<PageReader>,
    /// Page reads under way at once, each on a blocking thread with a connection of its own: a
    /// flood of uncached pages queues here instead of opening hundreds of connections.
    reads: Semaphore,
}

/// The database: its pool, and what one backend needs beside it.
pub(crate) struct Db {
    pool: Pool,
    /// SQLite has one writer at a time. Queuing writers here, rather than letting them race for
    /// the file lock, avoids `SQLITE_BUSY` failures when a read transaction tries to become a write
    /// one. Unused on PostgreSQL, whose row locks are taken as rows are written.
    write_lock: Arc<Mutex<()>>,
    pages: Option<SqlitePages>,
    #[cfg(feature = "testing")]
    faults: FaultPlan,
}

impl Db {
    /// The embedded database: one SQLite file in WAL mode, created and migrated as needed.
    pub(crate) async fn open_sqlite(path: &Path, max_connections: u32) -> StoreResult<Self> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| {
                StoreError::Unavailable(format!("cannot create {}: {e}", parent.display()))
            })?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: an acknowledged save survives a power cut, not only a crash.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // 8 MB of page cache per connection (SQLite's default is 2 MB): reads dominate a news
            // site. Memory mapping is left off so resident memory stays what the process uses.
            .pragma("cache_size", "-8192");
        let pool = SqlitePoolOptions::new()
            .max_connections(max_connections.max(1))
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        // Give the query planner fresh statistics (bounded work): without them SQLite may walk
        // the whole date index for a rare tag instead of starting from the tag.
        sqlx::raw_sql("PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002;")
            .execute(&pool)
            .await?;
        Ok(Self {
            pool: Pool::Sqlite(pool),
            write_lock: Arc::new(Mutex::new(())),
            pages: Some(SqlitePages {
                reader: Arc::new(PageReader::new(path)),
                reads: Semaphore::new(
                    2 * std::thread::available_parallelism().map_or(2, usize::from),
                ),
            }),
            #[cfg(feature = "testing")]
            faults: FaultPlan::default(),
        })
    }

    /// The scale-out database: PostgreSQL, shared by every node, migrated as needed.
    pub(crate) async fn connect_postgres(url: &str, max_connections: u32) -> StoreResult<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(max_connections.max(1))
            .acquire_timeout(Duration::from_secs(5))
            .connect(url)
            .await?;
        // sqlx takes an advisory lock while migrating, so nodes starting together are safe.
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(Self {
            pool: Pool::Postgres(pool),
            write_lock: Arc::new(Mutex::new(())),
            pages: None,
            #[cfg(feature = "testing")]
            faults: FaultPlan::default(),
        })
    }

    pub(crate) fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// A connection from the pool.
    pub(crate) async fn conn(&self) -> StoreResult<Conn> {
        Ok(match &self.pool {
            Pool::Sqlite(p) => Conn::Sqlite(p.acquire().await?),
            Pool::Postgres(p) => Conn::Postgres(p.acquire().await?),
        })
    }

    /// Waits for this node's turn to write (SQLite); on PostgreSQL, at once.
    pub(crate) async fn lock_writes(&self) -> WriteGuard {
        match self.pool {
            Pool::Sqlite(_) => WriteGuard {
                _held: Some(self.write_lock.clone().lock_owned().await),
            },
            Pool::Postgres(_) => WriteGuard { _held: None },
        }
    }

    /// A write transaction, holding `guard` until it ends.
    ///
    /// On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`). A plain `BEGIN` starts as a
    /// reader and upgrades at its first write; SQLite answers such an upgrade with an immediate
    /// "database is locked", without waiting, while another connection still holds the lock — as
    /// one does for a moment after a refused save, until its queued rollback runs. Taken up front,
    /// the lock is waited for (busy_timeout) instead.
    pub(crate) async fn begin(&self, guard: WriteGuard) -> StoreResult<Tx> {
        let inner = match &self.pool {
            Pool::Sqlite(p) => TxInner::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(p) => TxInner::Postgres(p.begin().await?),
        };
        Ok(Tx {
            inner,
            _guard: guard,
            #[cfg(feature = "testing")]
            faults: self.faults.clone(),
        })
    }

    /// A write transaction, after waiting for this node's turn to write.
    pub(crate) async fn write(&self) -> StoreResult<Tx> {
        let guard = self.lock_writes().await;
        self.begin(guard).await
    }

    /// A read-only transaction that sees the database as it was when it began, however long it
    /// lasts and whatever is written meanwhile: what an export reads. (SQLite's WAL gives a
    /// reader a snapshot from its first read; PostgreSQL needs REPEATABLE READ for one.)
    pub(crate) async fn snapshot(&self) -> StoreResult<Tx> {
        let inner = match &self.pool {
            Pool::Sqlite(p) => TxInner::Sqlite(p.begin().await?),
            Pool::Postgres(p) => TxInner::Postgres(
                p.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?,
            ),
        };
        Ok(Tx {
            inner,
            _guard: WriteGuard { _held: None },
            #[cfg(feature = "testing")]
            faults: self.faults.clone(),
        })
    }

    /// `column` as an ordering key that sorts text byte by byte on both databases (SQLite's
    /// default; PostgreSQL's default follows the database's locale), so an archive lists rows in
    /// the same order whichever database it came from.
    pub(crate) fn bytewise(&self, column: &str) -> String {
        match self.pool {
            Pool::Sqlite(_) => column.to_owned(),
            Pool::Postgres(_) => format!("{column} COLLATE \"C\""),
        }
    }

    /// What an `INSERT` that gives identity columns their values says before `VALUES`: PostgreSQL
    /// refuses them otherwise (`GENERATED ALWAYS`); SQLite takes them as they are.
    pub(crate) fn keep_identities(&self) -> &'static str {
        match self.pool {
            Pool::Sqlite(_) => "",
            Pool::Postgres(_) => " OVERRIDING SYSTEM VALUE",
        }
    }

    /// `ANALYZE` of `tables` on PostgreSQL; nothing on SQLite.
    pub(crate) async fn analyze(&self, tables: &[&str]) -> StoreResult<()> {
        if let Pool::Postgres(_) = self.pool {
            query(&format!("ANALYZE {}", tables.join(", ")))
                .execute(&mut self.conn().await?)
                .await?;
        }
        Ok(())
    }

    /// After rows were inserted with their own ids: moves `table`'s id counter past them
    /// (PostgreSQL; SQLite takes the largest id plus one by itself).
    pub(crate) async fn move_identity_past_rows(
        &self,
        tx: &mut Tx,
        table: &str,
    ) -> StoreResult<()> {
        if let Pool::Postgres(_) = self.pool {
            query(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                 COALESCE(MAX(id), 0) + 1, false) FROM {table}"
            ))
            .execute(tx)
            .await?;
        }
        Ok(())
    }

    /// The statement that forgets sign-in counters whose window is long over (`$1`: before when).
    /// On PostgreSQL rows another sign-in holds are skipped: waiting for them while holding others
    /// could deadlock with it. SQLite has one writer.
    pub(crate) fn forget_login_limits_sql(&self) -> &'static str {
        match self.pool {
            Pool::Sqlite(_) => "DELETE FROM login_limits WHERE window_start < $1",
            Pool::Postgres(_) => {
                "DELETE FROM login_limits WHERE key IN \
                 (SELECT key FROM login_limits WHERE window_start < $1 LIMIT 1000 FOR UPDATE SKIP LOCKED)"
            }
        }
    }

    /// Wake-ups on every change-log entry (PostgreSQL); SQLite has one node, which polls.
    pub(crate) async fn listen(&self) -> StoreResult<Option<ChangeListener>> {
        match &self.pool {
            Pool::Sqlite(_) => Ok(None),
            Pool::Postgres(p) => Ok(Some(ChangeListener::connect(p).await?)),
        }
    }

    /// An article page through SQLite's page reader, or `None` on PostgreSQL (which reads it with
    /// the ordinary queries).
    pub(crate) async fn read_article_page(
        &self,
        slug: &str,
        related: u32,
        now: DateTime<Utc>,
    ) -> Option<StoreResult<ArticlePage>> {
        let pages = self.pages.as_ref()?;
        // On a blocking thread: SQLite calls can wait (a lock, a slow disk), and an async worker
        // that waits stalls every request it serves, cached pages included.
        let Ok(_reading) = pages.reads.acquire().await else {
            return Some(Err(StoreError::Unavailable(
                "the database is closed".into(),
            )));
        };
        let (reader, slug) = (pages.reader.clone(), slug.to_owned());
        Some(
            tokio::task::spawn_blocking(move || reader.article_page(&slug, related, now))
                .await
                .unwrap_or_else(|e| {
                    Err(StoreError::Unavailable(format!(
                        "page read did not finish: {e}"
                    )))
                }),
        )
    }

    /// Makes the next write that reaches `fault` fail there (see [`Fault`]).
    #[cfg(feature = "testing")]
    pub(crate) fn arm_fault(&self, fault: Fault) {
        *self.faults.lock().unwrap_or_else(|e| e.into_inner()) = Some(fault);
    }

    /// See [`crate::testing::TestDatabase::hold_page_reads`].
    #[cfg(feature = "testing")]
    pub(crate) fn hold_page_reads(&self, held: bool) {
        if let Some(pages) = &self.pages {
            pages.reader.hold(held);
        }
    }

    /// Waits for in-flight work and closes the connections; closed is closed for the page reader
    /// too: pages then come from the cache or say 503.
    pub(crate) async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
        if let Some(pages) = &self.pages {
            pages.reader.close();
        }
    }
}
