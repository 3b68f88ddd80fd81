//! What the portable archive (`gazette export`, `gazette restore`) holds, table by table.
//!
//! The archive is the database's content as data: each table below becomes one file of JSON
//! objects, one per row, keyed by the column names listed here. This list is the archive format's
//! schema (documented in `docs/archive.md`): a column added to the database is added here, and a
//! change that an older archive cannot be read with raises [`ARCHIVE_VERSION`].
//!
//! Left out, because they describe a running site rather than its content: sessions, sign-in
//! attempts and limits, remembered devices, login challenges, job leases, who has an article open,
//! and the change log (a restored site starts a log of its own). Left out because it is derived:
//! nothing — bodies carry their rendered HTML for other programs' sake, and a restore renders it
//! again from the Markdown rather than trusting the file.

/// The archive format this build writes, and the newest it reads.
pub const ARCHIVE_VERSION: u32 = 3;

/// How a column is stored, and so how a value of it is read, written and checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    Int,
    OptInt,
    /// `INTEGER` on PostgreSQL (positions): a 4-byte value.
    Int32,
    Text,
    OptText,
    Bool,
}

/// What a value must be beyond its kind, checked before a restore writes it: a site restored from
/// a file someone else made must read back without errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    None,
    /// An address part: [`gazette_core::Slug`].
    Slug,
    /// An article's status: [`gazette_core::ArticleStatus`].
    ArticleStatus,
    /// A newsroom role: [`gazette_core::accounts::Role`].
    Role,
    /// A language code: [`gazette_core::Language`].
    Language,
    /// A media file's name in the media storage (checked by the restore, which knows the rule).
    MediaKey,
}

/// One column of an archived table.
#[derive(Debug, Clone, Copy)]
pub struct ArchiveColumn {
    pub name: &'static str,
    pub kind: ColumnKind,
    /// A password hash, a two-factor secret: left out of an archive unless secrets are asked for,
    /// and restored blank (no password, no second factor) from one without.
    pub secret: bool,
    pub check: Check,
    /// The format version that added the column to its table: rows of an older archive lack it,
    /// and restore with it blank (null). Version 3 added `articles.translation_of`.
    pub since: u32,
}

/// One archived table: the file `data/{name}.jsonl`.
#[derive(Debug, Clone, Copy)]
pub struct ArchiveTable {
    /// The file's name, and what the format calls the rows.
    pub name: &'static str,
    /// The database table.
    pub table: &'static str,
    pub columns: &'static [ArchiveColumn],
    /// The columns that order and identify rows (the primary key).
    pub key: &'static [&'static str],
    /// Only in an archive with secrets (recovery codes).
    pub secret: bool,
    /// The key is an identity column (`id`) whose counter a restore moves past the restored rows.
    pub identity: bool,
    /// `(markdown, html)`: the HTML column is rendered again from the Markdown on restore.
    pub rendered: Option<(&'static str, &'static str)>,
    /// The format version that added the table: an older archive has no file for it, and
    /// restores with the table empty (version 2 added live blogs; version 3 the names of sections
    /// and tags per edition).
    pub since: u32,
}

impl ArchiveTable {
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }
}

/// One value of a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Null,
    Int(i64),
    Text(String),
    Bool(bool),
}

/// A row: one cell per column of its table, in the table's column order.
pub type ArchiveRow = Vec<Cell>;

/// The blank a secret column is restored with when the archive has no secrets.
pub fn blank(kind: ColumnKind) -> Cell {
    match kind {
        ColumnKind::Int | ColumnKind::Int32 => Cell::Int(0),
        ColumnKind::Text => Cell::Text(String::new()),
        ColumnKind::Bool => Cell::Bool(false),
        ColumnKind::OptInt | ColumnKind::OptText => Cell::Null,
    }
}

/// How many rows an export reads, or a restore writes, at a time.
pub const ARCHIVE_BATCH_ROWS: usize = 1000;

const fn col(name: &'static str, kind: ColumnKind) -> ArchiveColumn {
    ArchiveColumn {
        name,
        kind,
        secret: false,
        check: Check::None,
        since: 1,
    }
}

/// `column` as added to its table by format version `version`.
const fn added(version: u32, column: ArchiveColumn) -> ArchiveColumn {
    ArchiveColumn {
        since: version,
        ..column
    }
}

const fn checked(name: &'static str, kind: ColumnKind, check: Check) -> ArchiveColumn {
    ArchiveColumn {
        name,
        kind,
        secret: false,
        check,
        since: 1,
    }
}

const fn secret(name: &'static str, kind: ColumnKind) -> ArchiveColumn {
    ArchiveColumn {
        name,
        kind,
        secret: true,
        check: Check::None,
        since: 1,
    }
}

const fn table(
    name: &'static str,
    table: &'static str,
    key: &'static [&'static str],
    columns: &'static [ArchiveColumn],
) -> ArchiveTable {
    ArchiveTable {
        name,
        table,
        columns,
        key,
        secret: false,
        identity: false,
        rendered: None,
        since: 1,
    }
}

/// `table` as added by format version `version`.
const fn since(version: u32, table: ArchiveTable) -> ArchiveTable {
    ArchiveTable {
        since: version,
        ..table
    }
}

/// `table` keyed by an identity `id`.
const fn with_id(
    name: &'static str,
    table_name: &'static str,
    columns: &'static [ArchiveColumn],
) -> ArchiveTable {
    ArchiveTable {
        identity: true,
        ..table(name, table_name, &["id"], columns)
    }
}

use Check::{ArticleStatus, Language, MediaKey, Role, Slug};
use ColumnKind::{Bool, Int, Int32, OptInt, OptText, Text};

/// Every archived table, in the order a restore writes them (what a row refers to comes first).
pub const ARCHIVE_TABLES: &[ArchiveTable] = &[
    table(
        "settings",
        "settings",
        &["key"],
        &[col("key", Text), col("value", Text)],
    ),
    with_id(
        "sections",
        "sections",
        &[
            col("id", Int),
            checked("slug", Text, Slug),
            col("name", Text),
            col("description", Text),
            col("position", Int32),
        ],
    ),
    with_id(
        "authors",
        "authors",
        &[
            col("id", Int),
            checked("slug", Text, Slug),
            col("name", Text),
            col("bio", Text),
            col("is_house", Bool),
        ],
    ),
    with_id(
        "tags",
        "tags",
        &[
            col("id", Int),
            checked("slug", Text, Slug),
            col("name", Text),
        ],
    ),
    since(
        3,
        table(
            "section_names",
            "section_names",
            &["section_id", "language"],
            &[
                col("section_id", Int),
                checked("language", Text, Language),
                col("name", Text),
                checked("slug", Text, Slug),
                col("description", Text),
            ],
        ),
    ),
    since(
        3,
        table(
            "tag_names",
            "tag_names",
            &["tag_id", "language"],
            &[
                col("tag_id", Int),
                checked("language", Text, Language),
                col("name", Text),
                checked("slug", Text, Slug),
            ],
        ),
    ),
    with_id(
        "people",
        "users",
        &[
            col("id", Int),
            col("email", Text),
            col("name", Text),
            checked("role", Text, Role),
            col("disabled", Bool),
            col("author_id", OptInt),
            col("created_at", Int),
            secret("password_hash", Text),
            secret("two_factor", Bool),
            secret("two_factor_since", OptInt),
            secret("totp_secret", OptText),
            secret("totp_pending", OptText),
            secret("totp_last_step", OptInt),
            added(3, checked("ui_language", Text, Language)),
        ],
    ),
    ArchiveTable {
        secret: true,
        ..with_id(
            "recovery_codes",
            "recovery_codes",
            &[
                col("id", Int),
                col("user_id", Int),
                secret("code_hash", Text),
                col("created_at", Int),
                col("used_at", OptInt),
            ],
        )
    },
    with_id(
        "media",
        "media",
        &[
            col("id", Int),
            col("hash", Text),
            col("original_name", Text),
            col("mime", Text),
            col("width", Int),
            col("height", Int),
            col("alt", Text),
            col("caption", Text),
            col("credit", Text),
            col("created_at", Int),
            col("created_by", OptInt),
        ],
    ),
    table(
        "media_files",
        "media_variants",
        &["media_id", "format", "width"],
        &[
            col("media_id", Int),
            col("width", Int),
            col("height", Int),
            col("format", Text),
            checked("key", Text, MediaKey),
            col("bytes", Int),
        ],
    ),
    with_id(
        "articles",
        "articles",
        &[
            col("id", Int),
            checked("language", Text, Language),
            checked("slug", Text, Slug),
            col("headline", Text),
            col("standfirst", Text),
            col("section_id", Int),
            checked("status", Text, ArticleStatus),
            col("published_at", OptInt),
            col("updated_at", OptInt),
            col("created_at", Int),
            col("modified_at", Int),
            col("view_total", Int),
            col("seo_title", OptText),
            col("seo_description", OptText),
            col("owner_user_id", OptInt),
            col("embargo_until", OptInt),
            col("takedown_at", OptInt),
            col("featured_media_id", OptInt),
            col("pinned_at", OptInt),
            added(3, col("translation_of", OptInt)),
        ],
    ),
    ArchiveTable {
        rendered: Some(("body_markdown", "body_html")),
        ..table(
            "article_bodies",
            "article_bodies",
            &["article_id"],
            &[
                col("article_id", Int),
                col("body_markdown", Text),
                col("body_html", Text),
            ],
        )
    },
    table(
        "article_authors",
        "article_authors",
        &["article_id", "author_id"],
        &[
            col("article_id", Int),
            col("author_id", Int),
            col("position", Int32),
        ],
    ),
    table(
        "article_tags",
        "article_tags",
        &["article_id", "tag_id"],
        &[
            col("article_id", Int),
            col("tag_id", Int),
            col("position", Int32),
        ],
    ),
    table(
        "slug_history",
        "article_slug_history",
        &["slug"],
        &[checked("slug", Text, Slug), col("article_id", Int)],
    ),
    with_id(
        "revisions",
        "revisions",
        &[
            col("id", Int),
            col("article_id", Int),
            col("created_at", Int),
            col("user_id", OptInt),
            col("user_name", Text),
            col("note", Text),
            checked("language", Text, Language),
            checked("slug", Text, Slug),
            col("headline", Text),
            col("standfirst", Text),
            col("body_markdown", Text),
            col("section_id", Int),
            col("tag_ids", Text),
            col("author_ids", Text),
            col("seo_title", OptText),
            col("seo_description", OptText),
        ],
    ),
    with_id(
        "corrections",
        "corrections",
        &[
            col("id", Int),
            col("article_id", Int),
            col("kind", Text),
            col("body", Text),
            col("created_at", Int),
            col("user_id", OptInt),
        ],
    ),
    since(
        2,
        table(
            "live_blogs",
            "live_blogs",
            &["article_id"],
            &[
                col("article_id", Int),
                col("state", Text),
                col("started_at", Int),
                col("ended_at", OptInt),
            ],
        ),
    ),
    ArchiveTable {
        rendered: Some(("body_markdown", "body_html")),
        since: 2,
        ..with_id(
            "live_entries",
            "live_entries",
            &[
                col("id", Int),
                col("article_id", Int),
                col("status", Text),
                col("headline", OptText),
                col("body_markdown", Text),
                col("body_html", Text),
                col("pinned", Bool),
                col("key_event", Bool),
                col("posted_at", OptInt),
                col("edited_at", OptInt),
                col("created_at", Int),
                col("created_by", OptInt),
            ],
        )
    },
    since(
        2,
        table(
            "live_entry_authors",
            "live_entry_authors",
            &["entry_id", "author_id"],
            &[
                col("entry_id", Int),
                col("author_id", Int),
                col("position", Int32),
            ],
        ),
    ),
    since(
        2,
        with_id(
            "live_entry_revisions",
            "live_entry_revisions",
            &[
                col("id", Int),
                col("entry_id", Int),
                col("headline", OptText),
                col("body_markdown", Text),
                col("saved_at", Int),
                col("user_id", OptInt),
            ],
        ),
    ),
    table(
        "view_counts",
        "view_buckets",
        &["article_id", "day"],
        &[col("article_id", Int), col("day", Int), col("views", Int)],
    ),
    ArchiveTable {
        rendered: Some(("body_markdown", "body_html")),
        ..with_id(
            "pages",
            "pages",
            // Version 3 keyed pages by id, per language; see [`upgrade_row`] for older rows.
            &[
                added(3, col("id", Int)),
                added(3, checked("language", Text, Language)),
                checked("slug", Text, Slug),
                col("title", Text),
                col("body_markdown", Text),
                col("body_html", Text),
                added(3, col("status", Text)),
                added(3, col("footer_position", OptInt)),
                added(3, col("translation_of", OptInt)),
                added(3, col("created_at", Int)),
                added(3, col("modified_at", Int)),
            ],
        )
    },
    since(
        3,
        with_id(
            "page_revisions",
            "page_revisions",
            &[
                col("id", Int),
                col("page_id", Int),
                col("title", Text),
                col("body_markdown", Text),
                col("saved_at", Int),
                col("user_id", OptInt),
            ],
        ),
    ),
    with_id(
        "synonyms",
        "search_synonyms",
        &[col("id", Int), col("terms", Text)],
    ),
    with_id(
        "audit_log",
        "audit_log",
        &[
            col("id", Int),
            col("at", Int),
            col("user_id", OptInt),
            col("actor", Text),
            col("action", Text),
            col("entity", Text),
            col("entity_id", OptInt),
            col("detail", Text),
            col("address", Text),
        ],
    ),
    table(
        "import_records",
        "import_records",
        &["source", "kind", "source_key"],
        &[
            col("source", Text),
            col("kind", Text),
            col("source_key", Text),
            col("target_id", Int),
            col("fingerprint", Text),
        ],
    ),
    table(
        "old_addresses",
        "old_addresses",
        &["path"],
        &[
            col("path", Text),
            col("article_id", OptInt),
            col("target", OptText),
        ],
    ),
];

/// Fills in what a row of an older archive lacks beyond blanks, as the migration that made the
/// columns did: a static page of a version 1 or 2 archive (its rows in slug order) becomes an
/// English, published page numbered `number` (its line, from 1), at that place in the footer,
/// dated `now` (seconds); a person reads the newsroom in English, as everyone did. Other rows are
/// left as they are.
pub fn upgrade_row(
    table: &ArchiveTable,
    row: &mut ArchiveRow,
    version: u32,
    number: u64,
    now: i64,
) {
    if version >= 3 {
        return;
    }
    if table.table == "users" {
        // Before version 3 everyone read the newsroom in English.
        if let Some(cell) = table
            .column_index("ui_language")
            .and_then(|i| row.get_mut(i))
        {
            *cell = Cell::Text("en".into());
        }
        return;
    }
    if table.name != "pages" {
        return;
    }
    let number = i64::try_from(number).unwrap_or(i64::MAX);
    let values = [
        ("id", Cell::Int(number)),
        ("language", Cell::Text("en".into())),
        ("status", Cell::Text("published".into())),
        ("footer_position", Cell::Int(number)),
        ("created_at", Cell::Int(now)),
        ("modified_at", Cell::Int(now)),
    ];
    for (name, value) in values {
        if let Some(cell) = table.column_index(name).and_then(|i| row.get_mut(i)) {
            *cell = value;
        }
    }
}

/// Where a restore's rows come from, table by table in [`ARCHIVE_TABLES`] order.
#[async_trait::async_trait]
pub trait RestoreSource: Send {
    /// The next rows: an index into [`ARCHIVE_TABLES`] and up to [`ARCHIVE_BATCH_ROWS`] full rows
    /// of it (secret columns blank when the archive has none); `None` when the archive is done.
    /// An error stops the restore, and nothing of it is kept.
    async fn next_rows(&mut self) -> Result<Option<(usize, Vec<ArchiveRow>)>, String>;
}

/// Where an export's rows go.
#[async_trait::async_trait]
pub trait ExportSink: Send {
    /// Rows of `ARCHIVE_TABLES[table]` in key order, every column; called for each table in
    /// order, with an empty batch for an empty table.
    async fn rows(&mut self, table: usize, rows: Vec<ArchiveRow>) -> Result<(), String>;
}

/// What a restore wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RestoreSummary {
    /// Rows per table, in [`ARCHIVE_TABLES`] order.
    pub rows: Vec<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_and_rendered_column_is_a_column_of_its_table() {
        for table in ARCHIVE_TABLES {
            for key in table.key {
                assert!(table.column_index(key).is_some(), "{}.{key}", table.name);
            }
            if let Some((markdown, html)) = table.rendered {
                assert!(table.column_index(markdown).is_some());
                assert!(table.column_index(html).is_some());
            }
            if table.identity {
                assert_eq!(table.key, ["id"], "{}", table.name);
            }
        }
    }

    #[test]
    fn a_page_of_an_older_archive_becomes_an_english_published_page() {
        let pages = ARCHIVE_TABLES.iter().find(|t| t.name == "pages").unwrap();
        let mut row: ArchiveRow = pages.columns.iter().map(|c| blank(c.kind)).collect();
        upgrade_row(pages, &mut row, 2, 4, 1_700_000_000);
        let cell = |name: &str| row[pages.column_index(name).unwrap()].clone();
        assert_eq!(cell("id"), Cell::Int(4));
        assert_eq!(cell("language"), Cell::Text("en".into()));
        assert_eq!(cell("status"), Cell::Text("published".into()));
        assert_eq!(cell("footer_position"), Cell::Int(4));
        assert_eq!(cell("translation_of"), Cell::Null);
        let mut current: ArchiveRow = pages.columns.iter().map(|c| blank(c.kind)).collect();
        upgrade_row(pages, &mut current, 3, 4, 1_700_000_000);
        assert_eq!(current[0], Cell::Int(0), "a version 3 row is as written");
    }

    #[test]
    fn a_person_of_an_older_archive_reads_the_newsroom_in_english() {
        let users = ARCHIVE_TABLES.iter().find(|t| t.table == "users").unwrap();
        let at = users.column_index("ui_language").unwrap();
        let mut row: ArchiveRow = users.columns.iter().map(|c| blank(c.kind)).collect();
        upgrade_row(users, &mut row, 2, 1, 1_700_000_000);
        assert_eq!(row[at], Cell::Text("en".into()));
        let mut current: ArchiveRow = users.columns.iter().map(|c| blank(c.kind)).collect();
        current[at] = Cell::Text("uk".into());
        upgrade_row(users, &mut current, 3, 1, 1_700_000_000);
        assert_eq!(
            current[at],
            Cell::Text("uk".into()),
            "a version 3 row is as written"
        );
    }

    #[test]
    fn file_names_are_unique() {
        let mut names: Vec<_> = ARCHIVE_TABLES.iter().map(|t| t.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ARCHIVE_TABLES.len());
    }
}
