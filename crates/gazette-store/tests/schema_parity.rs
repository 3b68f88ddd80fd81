//! SQLite and PostgreSQL are migrated by two parallel folders of SQL; nothing but this test stops
//! one from gaining a table, a column or an index the other lacks, which would show up only as a
//! query failing on the backend a developer did not try. Both are migrated afresh and compared.

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};

use gazette_store::Backend;
use gazette_store::testing::TestDatabase;
use sqlx::{Connection, Row};

/// Table name → column name → loose type.
type Tables = BTreeMap<String, BTreeMap<String, &'static str>>;

/// Types the two backends spell differently, folded to what they hold.
fn loose(declared: &str) -> &'static str {
    let t = declared.to_ascii_lowercase();
    if t.contains("int") || t.contains("serial") {
        "integer"
    } else if t.contains("char") || t.contains("text") || t.contains("clob") {
        "text"
    } else if t.contains("bool") {
        "boolean"
    } else if t.contains("real")
        || t.contains("double")
        || t.contains("float")
        || t.contains("numeric")
    {
        "real"
    } else if t.contains("blob") || t.contains("bytea") {
        "bytes"
    } else if t.contains("time") || t.contains("date") {
        "time"
    } else {
        "other"
    }
}

/// Tables the migration tools keep for themselves.
fn bookkeeping(table: &str) -> bool {
    table.starts_with("_sqlx") || table.starts_with("sqlite_")
}

async fn sqlite_schema(url: &str) -> (Tables, BTreeSet<String>) {
    let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
    let mut tables = Tables::new();
    let names: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .fetch_all(&mut conn)
            .await
            .unwrap();
    for table in names.into_iter().filter(|t| !bookkeeping(t)) {
        let rows = sqlx::query("SELECT name, type FROM pragma_table_info(?)")
            .bind(&table)
            .fetch_all(&mut conn)
            .await
            .unwrap();
        let columns = rows
            .iter()
            .map(|r| (r.get::<String, _>(0), loose(&r.get::<String, _>(1))))
            .collect();
        tables.insert(table, columns);
    }
    // Indexes a person named: SQLite's own `sqlite_autoindex_*` stand for constraints, as
    // PostgreSQL's `*_pkey` and `*_key` do, and are named by each backend its own way.
    let indexes: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
    (tables, indexes.into_iter().collect())
}

async fn postgres_schema(url: &str) -> (Tables, BTreeSet<String>) {
    let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
    let rows = sqlx::query(
        "SELECT c.table_name::text, c.column_name::text, c.data_type::text
         FROM information_schema.columns c
         JOIN information_schema.tables t
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name
         WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let mut tables = Tables::new();
    for row in rows {
        let table: String = row.get(0);
        if bookkeeping(&table) {
            continue;
        }
        tables
            .entry(table)
            .or_default()
            .insert(row.get(1), loose(&row.get::<String, _>(2)));
    }
    // Indexes created by CREATE INDEX, not those standing behind a PRIMARY KEY or UNIQUE.
    let indexes: Vec<String> = sqlx::query_scalar(
        "SELECT i.indexname::text FROM pg_indexes i
         WHERE i.schemaname = 'public'
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
    (tables, indexes.into_iter().collect())
}

#[tokio::test]
#[cfg_attr(
    not(gazette_postgres_tests),
    ignore = "set GAZETTE_TEST_POSTGRES_URL to run it"
)]
async fn sqlite_and_postgres_migrate_to_the_same_tables_columns_and_indexes() {
    let sqlite = TestDatabase::new(Backend::Sqlite).await.unwrap();
    let postgres = TestDatabase::new(Backend::Postgres).await.unwrap();
    let (lite_tables, lite_indexes) = sqlite_schema(&sqlite.url()).await;
    let (pg_tables, pg_indexes) = postgres_schema(&postgres.url()).await;
    sqlite.finish().await;
    postgres.finish().await;

    let names = |t: &Tables| t.keys().cloned().collect::<BTreeSet<_>>();
    assert_eq!(names(&lite_tables), names(&pg_tables), "tables differ");
    assert!(lite_tables.len() > 10, "{lite_tables:?}");
    for (table, columns) in &lite_tables {
        assert_eq!(
            columns, &pg_tables[table],
            "columns of {table} differ (SQLite left, PostgreSQL right)"
        );
    }
    assert_eq!(
        lite_indexes, pg_indexes,
        "indexes differ (SQLite left, PostgreSQL right)"
    );
}

/// Tables the portable archive leaves out on purpose: they describe a running site, not its
/// content (docs/archive.md, "Not in the archive").
const NOT_ARCHIVED: &[&str] = &[
    "sessions",
    "login_attempts",
    "login_limits",
    "known_devices",
    "login_challenges",
    "leases",
    "article_editors",
    "changes",
    // Credentials, like sessions: a moved site makes new tokens.
    "api_tokens",
    // Consumers' keys, like tokens: credentials of a running site, made anew when it moves.
    "content_api_keys",
    // Where a running site's bot posts and what it posted: tied to the bot token, a setting and
    // not content; a moved site sets its channels up again (docs/telegram.md).
    "telegram_channels",
    "telegram_messages",
    // The outbox describes a running site: its events point into the change log (not archived)
    // and its deliveries are a log of what was sent. Webhook endpoints carry signing secrets, and
    // a restored copy must not start posting to the original's receivers: admins register them
    // again (docs/webhooks.md).
    "webhook_endpoints",
    "outbox_events",
    "deliveries",
    "outbox_cursor",
];

/// Columns a restore need not write: triggers fill them from another table (a link's copy of its
/// article's status and publication time, migration 0014), or they point into the change log,
/// which is not archived (a live entry's last change: a restored site's log starts afresh, and
/// its push streams with it).
const DERIVED: [(&str, &str); 5] = [
    ("live_entries", "seq"),
    ("article_tags", "status"),
    ("article_tags", "published_at"),
    ("article_authors", "status"),
    ("article_authors", "published_at"),
];

/// Columns left out of the archive on purpose, each with its reason. A restore writes the rest of
/// the row, so these take their defaults.
const LEFT_OUT_COLUMNS: [(&str, &str); 0] = [];

/// A column added by a migration must be added to the archive (or these lists): otherwise a site
/// moved with `gazette export`/`restore` would silently lose it.
#[tokio::test]
async fn every_table_and_column_is_in_the_archive_or_left_out_on_purpose() {
    let sqlite = TestDatabase::new(Backend::Sqlite).await.unwrap();
    let (tables, _) = sqlite_schema(&sqlite.url()).await;
    sqlite.finish().await;
    let archived: BTreeMap<&str, BTreeSet<&str>> = gazette_store::ARCHIVE_TABLES
        .iter()
        .map(|t| (t.table, t.columns.iter().map(|c| c.name).collect()))
        .collect();
    for (table, columns) in &tables {
        if NOT_ARCHIVED.contains(&table.as_str()) {
            assert!(!archived.contains_key(table.as_str()), "{table}");
            continue;
        }
        let in_archive = archived
            .get(table.as_str())
            .unwrap_or_else(|| panic!("table {table} is neither archived nor left out"));
        let in_database: BTreeSet<&str> = columns
            .keys()
            .map(String::as_str)
            .filter(|column| !DERIVED.contains(&(table.as_str(), *column)))
            .filter(|column| !LEFT_OUT_COLUMNS.contains(&(table.as_str(), *column)))
            .collect();
        assert_eq!(&in_database, in_archive, "the columns of {table}");
    }
    for table in archived.keys() {
        assert!(
            tables.contains_key(*table),
            "the archive names no table {table}"
        );
    }
}
