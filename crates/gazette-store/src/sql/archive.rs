//! Reading every archived table out of one snapshot, and writing an archive's rows into an empty
//! database in one transaction. The tables and their columns are listed once, in
//! `crate::archive`; the SQL here is made from that list.

use chrono::{DateTime, Utc};
use gazette_core::markdown;

use super::SqlStore;
use super::db::{Tx, Value, query};
use crate::archive::{
    ARCHIVE_BATCH_ROWS, ARCHIVE_TABLES, ArchiveRow, ArchiveTable, Cell, ColumnKind, ExportSink,
    RestoreSource, RestoreSummary,
};
use crate::roles::ArchiveStore;
use crate::{StoreError, StoreResult};

/// Parameters per statement, under SQLite's limit (32,766) and PostgreSQL's (65,535).
const MAX_PARAMETERS: usize = 30_000;

/// The tables whose rows make a database "not empty" for a restore, and what to call them.
const CONTENT_TABLES: [(&str, &str); 7] = [
    ("articles", "articles"),
    ("sections", "sections"),
    ("authors", "bylines"),
    ("tags", "tags"),
    ("users", "newsroom accounts"),
    ("media", "images"),
    ("pages", "pages"),
];

#[async_trait::async_trait]
impl ArchiveStore for SqlStore {
    async fn export_archive(&self, sink: &mut dyn ExportSink) -> StoreResult<()> {
        let mut tx = self.db.snapshot().await?;
        for (index, table) in ARCHIVE_TABLES.iter().enumerate() {
            self.export_table(&mut tx, index, table, sink).await?;
        }
        tx.rollback().await
    }

    async fn restore_archive(
        &self,
        source: &mut dyn RestoreSource,
        now: DateTime<Utc>,
    ) -> StoreResult<RestoreSummary> {
        let mut tx = self.db.write().await?;
        for (table, what) in CONTENT_TABLES {
            let found: Option<(i64,)> =
                query(&format!("SELECT CAST(1 AS BIGINT) FROM {table} LIMIT 1"))
                    .fetch_optional(&mut tx)
                    .await?;
            if found.is_some() {
                return Err(StoreError::Invalid(format!(
                    "the database is not empty (it has {what}): restore into a new one"
                )));
            }
        }
        // A new database has the default synonyms (and may have settings): the archive's
        // replace them.
        query("DELETE FROM search_synonyms")
            .execute(&mut tx)
            .await?;
        query("DELETE FROM settings").execute(&mut tx).await?;

        let mut summary = RestoreSummary {
            rows: vec![0; ARCHIVE_TABLES.len()],
        };
        let mut current = 0;
        while let Some((index, rows)) = source.next_rows().await.map_err(StoreError::Invalid)? {
            let table = ARCHIVE_TABLES
                .get(index)
                .ok_or_else(|| StoreError::Invalid(format!("no archived table {index}")))?;
            if index < current {
                return Err(StoreError::Invalid(format!(
                    "{} comes after {} in the archive; it must come before",
                    table.name, ARCHIVE_TABLES[current].name
                )));
            }
            current = index;
            summary.rows[index] += rows.len() as u64;
            insert_rows(&mut tx, table, self.db.keep_identities(), rows).await?;
        }
        for table in ARCHIVE_TABLES.iter().filter(|t| t.identity) {
            self.db
                .move_identity_past_rows(&mut tx, table.table)
                .await?;
        }
        // Every node's caches and search index start over from what was restored.
        tx.record_change("site", None, "restored", now).await?;
        tx.commit().await?;
        Ok(summary)
    }
}

impl SqlStore {
    /// One table's rows, in key order, a batch at a time (keyset pages: each page starts after
    /// the last key of the one before, so the cost does not grow with the table).
    async fn export_table(
        &self,
        tx: &mut Tx,
        index: usize,
        table: &ArchiveTable,
        sink: &mut dyn ExportSink,
    ) -> StoreResult<()> {
        let columns = column_list(table);
        let kinds: Vec<ColumnKind> = table.columns.iter().map(|c| c.kind).collect();
        let key_positions: Vec<usize> = table
            .key
            .iter()
            .map(|k| table.column_index(k).unwrap_or(0))
            .collect();
        let ordered: Vec<String> = table
            .key
            .iter()
            .zip(&key_positions)
            .map(|(k, &i)| match table.columns[i].kind {
                ColumnKind::Text | ColumnKind::OptText => self.db.bytewise(k),
                _ => (*k).to_owned(),
            })
            .collect();
        let order = ordered.join(", ");
        let first = format!(
            "SELECT {columns} FROM {} ORDER BY {order} LIMIT {ARCHIVE_BATCH_ROWS}",
            table.table
        );
        let next = format!(
            "SELECT {columns} FROM {} WHERE ({order}) > ({}) ORDER BY {order} LIMIT {ARCHIVE_BATCH_ROWS}",
            table.table,
            super::placeholders(table.key.len())
        );
        let mut after: Option<Vec<Value>> = None;
        let mut sent = false;
        loop {
            let rows = match after.take() {
                None => query(&first).fetch_cells(tx, &kinds).await?,
                Some(key) => query(&next).bind_all(key).fetch_cells(tx, &kinds).await?,
            };
            let full = rows.len() == ARCHIVE_BATCH_ROWS;
            after = rows
                .last()
                .map(|row| key_positions.iter().map(|&i| value(&row[i])).collect());
            if !rows.is_empty() || !sent {
                sink.rows(index, rows).await.map_err(StoreError::Invalid)?;
                sent = true;
            }
            if !full {
                return Ok(());
            }
        }
    }
}

/// Writes rows of one table, as many to a statement as the parameter limit allows.
async fn insert_rows(
    tx: &mut Tx,
    table: &ArchiveTable,
    keep_identities: &str,
    mut rows: Vec<ArchiveRow>,
) -> StoreResult<()> {
    let width = table.columns.len();
    if let Some((markdown_column, html_column)) = table.rendered {
        let (markdown_at, html_at) = (
            table.column_index(markdown_column).unwrap_or(0),
            table.column_index(html_column).unwrap_or(0),
        );
        for row in &mut rows {
            // Rendered here, from the Markdown, as a save would: HTML in a file is not trusted.
            if let Some(Cell::Text(source)) = row.get(markdown_at) {
                let html = markdown::render(source);
                row[html_at] = Cell::Text(html);
            }
        }
    }
    for row in &rows {
        if row.len() != width {
            return Err(StoreError::Invalid(format!(
                "a row of {} has {} values for {width} columns",
                table.name,
                row.len()
            )));
        }
    }
    let per_statement = (MAX_PARAMETERS / width).max(1);
    for chunk in rows.chunks(per_statement) {
        let tuples = (0..chunk.len())
            .map(|r| format!("({})", super::placeholders_from(r * width + 1, width)))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO {} ({}){keep_identities} VALUES {tuples}",
            table.table,
            column_list(table)
        );
        let values = chunk.iter().flat_map(|row| {
            row.iter()
                .zip(table.columns)
                .map(|(cell, column)| typed_value(cell, column.kind))
        });
        query(&sql)
            .bind_all(values.collect::<Vec<_>>())
            .execute(tx)
            .await
            .map_err(|e| refused(e, table))?;
    }
    Ok(())
}

fn column_list(table: &ArchiveTable) -> String {
    table
        .columns
        .iter()
        .map(|c| c.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A key cell as a parameter, for the next page's `WHERE`.
fn value(cell: &Cell) -> Value {
    match cell {
        Cell::Null => Value::OptInt(None),
        Cell::Int(v) => Value::Int(*v),
        Cell::Text(v) => Value::Text(v.clone()),
        Cell::Bool(v) => Value::Bool(*v),
    }
}

/// A cell as a parameter of its column's type (a `NULL` is typed too: PostgreSQL wants to know).
fn typed_value(cell: &Cell, kind: ColumnKind) -> Value {
    match (kind, cell) {
        (ColumnKind::Int32, Cell::Int(v)) => Value::Int32(i32::try_from(*v).unwrap_or(i32::MAX)),
        (ColumnKind::OptText | ColumnKind::Text, Cell::Null) => Value::OptText(None),
        (_, Cell::Null) => Value::OptInt(None),
        (_, other) => value(other),
    }
}

/// What the database refused, said in the archive's terms: a row that breaks a rule (a
/// duplicate address, a reference to a row the archive lacks) is the file's fault.
fn refused(e: sqlx::Error, table: &ArchiveTable) -> StoreError {
    match &e {
        sqlx::Error::Database(db)
            if db.is_unique_violation()
                || db.is_foreign_key_violation()
                || db.is_check_violation() =>
        {
            StoreError::Invalid(format!("{} in the archive: {}", table.name, db.message()))
        }
        _ => e.into(),
    }
}
