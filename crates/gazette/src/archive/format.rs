//! The archive's files as bytes: the manifest, and each table row as one line of JSON (an object
//! whose keys are the columns of [`gazette_store::ARCHIVE_TABLES`], in their order), read back
//! strictly — a row with a missing, unknown or mistyped value, or one that would not read back as
//! a site (an invalid address, status, role, language or media name), is refused with its place.

use gazette_core::accounts::Role;
use gazette_core::{ArticleStatus, Language, Slug};
use gazette_store::{ARCHIVE_TABLES, ArchiveRow, ArchiveTable, Cell, Check, ColumnKind, blank};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What the manifest's `format` says: this is a Gazette archive.
pub const FORMAT_NAME: &str = "gazette-archive";
/// The manifest's name, the archive's first entry.
pub const MANIFEST_NAME: &str = "gazette-archive.json";
/// The folder of table files, and of media files.
pub const DATA_DIR: &str = "data";
pub const MEDIA_DIR: &str = "media";
/// The longest line a table file may have: far beyond any real article, short of exhausting memory.
pub const MAX_LINE_BYTES: u64 = 64 * 1024 * 1024;

/// The archive's first entry: what it is and what it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: String,
    pub version: u32,
    /// The program that wrote it (`gazette 0.1.0`).
    pub written_by: String,
    /// The latest time anything in it was made or changed (RFC 3339), if anything was.
    pub content_as_of: Option<String>,
    /// Whether password hashes, two-factor secrets and recovery codes are in it.
    pub secrets: bool,
    pub tables: Vec<TableEntry>,
    pub media: MediaEntry,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableEntry {
    pub name: String,
    /// `data/{name}.jsonl`.
    pub file: String,
    pub rows: u64,
    /// Hex SHA-256 of the file, checked by a restore.
    pub sha256: String,
    pub columns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MediaEntry {
    /// Files under `media/`, each named by its key as `media_files` rows list them.
    pub files: u64,
    /// Files the rows name that the site's media storage did not have when the archive was made.
    pub missing: Vec<String>,
}

/// `data/{name}.jsonl`.
pub fn table_file(table: &ArchiveTable) -> String {
    format!("{DATA_DIR}/{}.jsonl", table.name)
}

/// Whether `table`'s column `i` goes into an archive with or without secrets.
pub fn archived(table: &ArchiveTable, column: usize, secrets: bool) -> bool {
    secrets || !table.columns[column].secret
}

/// The tables an archive holds: all of them with secrets; without, all but the secret ones.
pub fn archived_tables(
    secrets: bool,
    version: u32,
) -> impl Iterator<Item = (usize, &'static ArchiveTable)> {
    ARCHIVE_TABLES
        .iter()
        .enumerate()
        .filter(move |(_, t)| (secrets || !t.secret) && t.since <= version)
}

/// One row as a line of JSON (with its newline).
pub fn encode_row(table: &ArchiveTable, row: &ArchiveRow, secrets: bool, out: &mut Vec<u8>) {
    out.push(b'{');
    let mut first = true;
    for (i, (column, cell)) in table.columns.iter().zip(row).enumerate() {
        if !archived(table, i, secrets) {
            continue;
        }
        if !first {
            out.push(b',');
        }
        first = false;
        // Column names are plain ASCII identifiers; values go through serde_json's escaping.
        out.extend_from_slice(format!("\"{}\":", column.name).as_bytes());
        let value = match cell {
            Cell::Null => Value::Null,
            Cell::Int(v) => Value::from(*v),
            Cell::Text(v) => Value::from(v.as_str()),
            Cell::Bool(v) => Value::from(*v),
        };
        out.extend_from_slice(value.to_string().as_bytes());
    }
    out.extend_from_slice(b"}\n");
}

/// One line of a table file of an archive of format `version` back into a full row: secret
/// columns the archive lacks are blank, and so are columns a later version added.
pub fn decode_row(
    table: &ArchiveTable,
    line: &[u8],
    secrets: bool,
    version: u32,
) -> Result<ArchiveRow, String> {
    let object: serde_json::Map<String, Value> =
        serde_json::from_slice(line).map_err(|e| format!("not a JSON object: {e}"))?;
    if let Some(unknown) = object.keys().find(|k| {
        table
            .column_index(k)
            .is_none_or(|i| !archived(table, i, secrets))
    }) {
        return Err(format!("unknown field `{unknown}`"));
    }
    table
        .columns
        .iter()
        .enumerate()
        .map(|(i, column)| {
            if !archived(table, i, secrets) {
                return Ok(blank(column.kind));
            }
            let Some(value) = object.get(column.name) else {
                if column.since > version {
                    return Ok(blank(column.kind));
                }
                return Err(format!("no `{}`", column.name));
            };
            let cell = cell(column.kind, value)
                .ok_or_else(|| format!("`{}` is not {}", column.name, described(column.kind)))?;
            check(column.check, &cell).map_err(|e| format!("`{}`: {e}", column.name))?;
            Ok(cell)
        })
        .collect()
}

fn cell(kind: ColumnKind, value: &Value) -> Option<Cell> {
    match (kind, value) {
        (ColumnKind::OptInt | ColumnKind::OptText, Value::Null) => Some(Cell::Null),
        (ColumnKind::Int | ColumnKind::OptInt, Value::Number(n)) => n.as_i64().map(Cell::Int),
        (ColumnKind::Int32, Value::Number(n)) => n
            .as_i64()
            .filter(|v| i32::try_from(*v).is_ok())
            .map(Cell::Int),
        (ColumnKind::Text | ColumnKind::OptText, Value::String(s)) => Some(Cell::Text(s.clone())),
        (ColumnKind::Bool, Value::Bool(b)) => Some(Cell::Bool(*b)),
        _ => None,
    }
}

fn described(kind: ColumnKind) -> &'static str {
    match kind {
        ColumnKind::Int => "a whole number",
        ColumnKind::OptInt => "a whole number or null",
        ColumnKind::Int32 => "a whole number within ±2,147,483,647",
        ColumnKind::Text => "a string",
        ColumnKind::OptText => "a string or null",
        ColumnKind::Bool => "true or false",
    }
}

fn check(rule: Check, cell: &Cell) -> Result<(), String> {
    let Cell::Text(text) = cell else {
        return Ok(());
    };
    match rule {
        Check::None => Ok(()),
        Check::Slug => Slug::parse(text).map(drop).map_err(|e| e.to_string()),
        Check::ArticleStatus => ArticleStatus::parse(text)
            .map(drop)
            .map_err(|e| e.to_string()),
        Check::Role => Role::parse(text).map(drop).map_err(|e| e.to_string()),
        Check::Language => Language::parse(text).map(drop).map_err(|e| e.to_string()),
        Check::MediaKey if gazette_media::is_media_key(text) => Ok(()),
        Check::MediaKey => Err(format!("{text:?} is not a media file name")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gazette_store::ARCHIVE_VERSION as V;

    fn table(name: &str) -> &'static ArchiveTable {
        ARCHIVE_TABLES.iter().find(|t| t.name == name).unwrap()
    }

    #[test]
    fn a_row_reads_back_as_it_was_written() {
        let people = table("people");
        let row: ArchiveRow = people
            .columns
            .iter()
            .map(|c| match c.kind {
                ColumnKind::Text if c.name == "role" => Cell::Text("editor".into()),
                ColumnKind::Text if c.name == "ui_language" => Cell::Text("uk".into()),
                ColumnKind::Text => Cell::Text(format!("{} \"quoted\" ✓\n", c.name)),
                ColumnKind::OptText => Cell::Null,
                ColumnKind::Bool => Cell::Bool(true),
                _ => Cell::Int(-7),
            })
            .collect();
        let mut line = Vec::new();
        encode_row(people, &row, true, &mut line);
        assert_eq!(line.iter().filter(|b| **b == b'\n').count(), 1, "one line");
        assert_eq!(decode_row(people, &line, true, V).unwrap(), row);

        // Without secrets the hash is not written, and reads back blank.
        let mut line = Vec::new();
        encode_row(people, &row, false, &mut line);
        let text = String::from_utf8(line.clone()).unwrap();
        assert!(!text.contains("password_hash"), "{text}");
        let back = decode_row(people, &line, false, V).unwrap();
        let hash = people.column_index("password_hash").unwrap();
        assert_eq!(back[hash], Cell::Text(String::new()));
        assert!(
            decode_row(people, &line, true, V)
                .unwrap_err()
                .contains("password_hash")
        );
    }

    #[test]
    fn a_bad_row_is_refused_with_what_is_wrong() {
        let tags = table("tags");
        let refused = |line: &str| decode_row(tags, line.as_bytes(), false, V).unwrap_err();
        assert!(refused(r#"{"id":1,"slug":"war"}"#).contains("no `name`"));
        assert!(refused(r#"{"id":"1","slug":"war","name":"War"}"#).contains("`id` is not"));
        assert!(refused(r#"{"id":1,"slug":"war","name":"War","x":1}"#).contains("unknown field"));
        assert!(refused(r#"{"id":1,"slug":"../etc","name":"War"}"#).contains("`slug`"));
        assert!(refused(r#"[1,2]"#).contains("not a JSON object"));
        assert!(refused(r#"{"id":1.5,"slug":"war","name":"War"}"#).contains("`id` is not"));
        let media_files = table("media_files");
        let line = r#"{"media_id":1,"width":320,"height":200,"format":"webp","key":"../../etc/passwd","bytes":10}"#;
        assert!(
            decode_row(media_files, line.as_bytes(), false, V)
                .unwrap_err()
                .contains("not a media file name")
        );
        let sections = table("sections");
        let line = r#"{"id":1,"slug":"war","name":"War","description":"","position":99999999999}"#;
        assert!(
            decode_row(sections, line.as_bytes(), false, V)
                .unwrap_err()
                .contains("`position`")
        );
    }

    #[test]
    fn a_column_a_later_version_added_is_blank_in_an_older_archive_and_required_after() {
        let articles = table("articles");
        let line = r#"{"id":1,"language":"en","slug":"war","headline":"War","standfirst":"","section_id":1,"status":"draft","published_at":null,"updated_at":null,"created_at":0,"modified_at":0,"view_total":0,"seo_title":null,"seo_description":null,"owner_user_id":null,"embargo_until":null,"takedown_at":null,"featured_media_id":null,"pinned_at":null}"#;
        let row = decode_row(articles, line.as_bytes(), false, 2).unwrap();
        let column = articles.column_index("translation_of").unwrap();
        assert_eq!(row[column], Cell::Null);
        assert!(
            decode_row(articles, line.as_bytes(), false, 3)
                .unwrap_err()
                .contains("no `translation_of`")
        );
    }
}
