//! `gazette export --out FILE.tar`: the whole site as a portable archive (`docs/archive.md`).
//!
//! The store reads every table from one snapshot, so the archive is consistent while the site
//! runs. Each table is written to a work file beside the archive (its row count and checksum go
//! into the manifest, which comes first in the archive), then the tar is assembled: manifest,
//! tables, media files. Every entry's time is the content's latest change and owner and mode are
//! fixed, so the same content always makes the same bytes: an archive restored and exported again
//! is identical to the first.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use gazette_media::MediaStorage;
use gazette_store::{ARCHIVE_TABLES, ARCHIVE_VERSION, ArchiveRow, Cell, ExportSink, Store};
use sha2::{Digest, Sha256};

use super::format::{
    FORMAT_NAME, MANIFEST_NAME, MEDIA_DIR, Manifest, MediaEntry, TableEntry, archived,
    archived_tables, encode_row, table_file,
};
use super::work_files::{WorkDir, finish_tar};

/// What `gazette export` did.
pub struct Exported {
    pub manifest: Manifest,
    pub bytes: u64,
}

pub async fn run(
    store: &dyn Store,
    media: &MediaStorage,
    out: &Path,
    secrets: bool,
) -> anyhow::Result<Exported> {
    anyhow::ensure!(
        !out.exists(),
        "{} exists already; name a new file",
        out.display()
    );
    let work = WorkDir::beside(out)?;
    let mut tables = TableFiles::new(work.path(), secrets);
    store
        .export_archive(&mut tables)
        .await
        .context("reading the database")?;
    let (entries, media_keys, latest) = tables.finish()?;

    let mut missing = Vec::new();
    let mut present = Vec::new();
    for key in media_keys {
        if media
            .exists(&key)
            .await
            .context("reading the media storage")?
        {
            present.push(key);
        } else {
            missing.push(key);
        }
    }
    if !missing.is_empty() {
        eprintln!(
            "warning: {} media files named in the database are not in the media storage; the \
             manifest lists them under media.missing",
            missing.len()
        );
    }
    let manifest = Manifest {
        format: FORMAT_NAME.to_owned(),
        version: ARCHIVE_VERSION,
        written_by: format!("gazette {}", env!("CARGO_PKG_VERSION")),
        content_as_of: latest
            .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        secrets,
        tables: entries,
        media: MediaEntry {
            files: present.len() as u64,
            missing,
        },
    };

    let partial = work.path().join("archive.tar");
    let mtime = latest.unwrap_or(0).max(0) as u64;
    let mut tar = tar::Builder::new(BufWriter::new(
        File::create(&partial).with_context(|| format!("creating {}", partial.display()))?,
    ));
    let manifest_bytes = serde_json::to_vec_pretty(&manifest)?;
    let size = manifest_bytes.len() as u64;
    append(&mut tar, MANIFEST_NAME, mtime, size, &manifest_bytes[..])?;
    for entry in &manifest.tables {
        // Streamed from the work file: a large site's bodies run to gigabytes.
        let path = work.path().join(format!("{}.jsonl", entry.name));
        let file = File::open(&path).with_context(|| format!("reading {}", path.display()))?;
        let size = file.metadata()?.len();
        append(&mut tar, &entry.file, mtime, size, file)?;
        std::fs::remove_file(&path).ok();
    }
    for key in &present {
        let bytes = media
            .get(key)
            .await
            .context("reading the media storage")?
            .with_context(|| format!("media file {key} went missing during the export"))?;
        let path = format!("{MEDIA_DIR}/{key}");
        append(&mut tar, &path, mtime, bytes.len() as u64, &bytes[..])?;
    }
    finish_tar(tar)?;
    std::fs::rename(&partial, out)
        .with_context(|| format!("moving the finished archive to {}", out.display()))?;
    let bytes = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    Ok(Exported { manifest, bytes })
}

/// One tar entry with fixed owner, mode and time, so equal content makes equal archives.
fn append(
    tar: &mut tar::Builder<impl Write>,
    path: &str,
    mtime: u64,
    size: u64,
    content: impl std::io::Read,
) -> anyhow::Result<()> {
    let mut header = tar::Header::new_ustar();
    header.set_size(size);
    header.set_mode(0o644);
    header.set_mtime(mtime);
    header.set_uid(0);
    header.set_gid(0);
    header.set_entry_type(tar::EntryType::Regular);
    tar.append_data(&mut header, path, content)
        .with_context(|| format!("adding {path} to the archive"))
}

/// The export's sink: each table into its own work file, counted and hashed as it goes.
struct TableFiles {
    dir: PathBuf,
    secrets: bool,
    open: Option<OpenTable>,
    done: Vec<TableEntry>,
    media_keys: Vec<String>,
    latest: Option<i64>,
    line: Vec<u8>,
}

struct OpenTable {
    index: usize,
    file: BufWriter<File>,
    rows: u64,
    hash: Sha256,
}

impl TableFiles {
    fn new(dir: &Path, secrets: bool) -> Self {
        Self {
            dir: dir.to_owned(),
            secrets,
            open: None,
            done: Vec::new(),
            media_keys: Vec::new(),
            latest: None,
            line: Vec::new(),
        }
    }

    fn close_open(&mut self) -> std::io::Result<()> {
        if let Some(open) = self.open.take() {
            open.file.into_inner().map_err(|e| e.into_error())?;
            let table = &ARCHIVE_TABLES[open.index];
            self.done.push(TableEntry {
                name: table.name.to_owned(),
                file: table_file(table),
                rows: open.rows,
                sha256: data_encoding::HEXLOWER.encode(&open.hash.finalize()),
                columns: (0..table.columns.len())
                    .filter(|&i| archived(table, i, self.secrets))
                    .map(|i| table.columns[i].name.to_owned())
                    .collect(),
            });
        }
        Ok(())
    }

    /// The manifest's table entries, every media file named, and the latest time in the content.
    fn finish(mut self) -> anyhow::Result<(Vec<TableEntry>, Vec<String>, Option<i64>)> {
        self.close_open()?;
        let expected: Vec<&str> = archived_tables(self.secrets, ARCHIVE_VERSION)
            .map(|(_, t)| t.name)
            .collect();
        let written: Vec<&str> = self.done.iter().map(|t| t.name.as_str()).collect();
        anyhow::ensure!(expected == written, "the export did not read every table");
        self.media_keys.sort_unstable();
        self.media_keys.dedup();
        Ok((self.done, self.media_keys, self.latest))
    }

    fn write_rows(&mut self, index: usize, rows: &[ArchiveRow]) -> std::io::Result<()> {
        let table = &ARCHIVE_TABLES[index];
        if self.open.as_ref().is_none_or(|o| o.index != index) {
            self.close_open()?;
            let path = self.dir.join(format!("{}.jsonl", table.name));
            self.open = Some(OpenTable {
                index,
                file: BufWriter::new(File::create(path)?),
                rows: 0,
                hash: Sha256::new(),
            });
        }
        let Some(open) = self.open.as_mut() else {
            return Ok(());
        };
        let key_column = (table.name == "media_files")
            .then(|| table.column_index("key"))
            .flatten();
        for row in rows {
            self.line.clear();
            encode_row(table, row, self.secrets, &mut self.line);
            open.file.write_all(&self.line)?;
            open.hash.update(&self.line);
            open.rows += 1;
            for (column, cell) in table.columns.iter().zip(row) {
                if let Cell::Int(t) = cell
                    && matches!(column.name, "created_at" | "modified_at" | "at")
                {
                    self.latest = Some(self.latest.map_or(*t, |l| l.max(*t)));
                }
            }
            if let Some(Cell::Text(key)) = key_column.and_then(|i| row.get(i)) {
                self.media_keys.push(key.clone());
            }
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl ExportSink for TableFiles {
    async fn rows(&mut self, table: usize, rows: Vec<ArchiveRow>) -> Result<(), String> {
        if ARCHIVE_TABLES[table].secret && !self.secrets {
            return Ok(());
        }
        self.write_rows(table, &rows)
            .map_err(|e| format!("writing the archive's work files: {e}"))
    }
}
