//! `gazette restore FILE.tar`: an archive made by `gazette export` into an empty database, on
//! either backend — which is also how a site moves from SQLite to PostgreSQL.
//!
//! A thread reads the tar in order and checks it as it goes (the manifest first; each table file
//! in its place, every row strictly, its row count and checksum at its end; each media file named
//! by a row). Rows cross to the store in batches and go into one transaction; media files are
//! put into the media storage as they come, before the rows that name them are committed. Any
//! error rolls the whole restore back: the database is left as empty as it was.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use gazette_media::MediaStorage;
use gazette_store::{
    ARCHIVE_BATCH_ROWS, ARCHIVE_TABLES, ARCHIVE_VERSION, ArchiveRow, Cell, RestoreSource,
    RestoreSummary, Store,
};
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;

use super::format::{
    FORMAT_NAME, MANIFEST_NAME, MAX_LINE_BYTES, MEDIA_DIR, Manifest, TableEntry, archived_tables,
    decode_row,
};

/// The largest manifest, and the largest media file, a restore reads.
const MAX_MANIFEST_BYTES: u64 = 16 * 1024 * 1024;
const MAX_MEDIA_BYTES: u64 = 512 * 1024 * 1024;

/// What `gazette restore` did.
pub struct Restored {
    pub manifest: Manifest,
    pub summary: RestoreSummary,
    pub media_files: u64,
}

pub async fn run(store: &dyn Store, media: &MediaStorage, file: &Path) -> anyhow::Result<Restored> {
    let (sender, receiver) = mpsc::channel(4);
    let path = file.to_owned();
    let reader = std::thread::spawn(move || {
        let outcome = read_archive(&path, &sender).map(|()| Item::End);
        // The restore may have stopped listening (the database refused); nothing to tell then.
        let _ = sender.blocking_send(outcome);
    });
    let mut source = ArchiveSource {
        receiver,
        media: media.clone(),
        manifest: None,
        media_files: 0,
        table: None,
    };
    let restored = store.restore_archive(&mut source, chrono::Utc::now()).await;
    // Unblocks the reader if the store stopped early.
    drop(source.receiver);
    let _ = reader.join();
    let summary = restored?;
    let manifest = source
        .manifest
        .ok_or_else(|| anyhow::anyhow!("the archive had no manifest"))?;
    Ok(Restored {
        manifest,
        summary,
        media_files: source.media_files,
    })
}

enum Item {
    Manifest(Box<Manifest>),
    Rows(usize, Vec<ArchiveRow>),
    File(String, Vec<u8>),
    End,
}

type Sender = mpsc::Sender<Result<Item, String>>;

/// The store's view of the archive: the reader thread's rows; media files are stored on the way.
struct ArchiveSource {
    receiver: mpsc::Receiver<Result<Item, String>>,
    media: MediaStorage,
    manifest: Option<Manifest>,
    media_files: u64,
    table: Option<usize>,
}

#[async_trait::async_trait]
impl RestoreSource for ArchiveSource {
    async fn next_rows(&mut self) -> Result<Option<(usize, Vec<ArchiveRow>)>, String> {
        loop {
            match self.receiver.recv().await {
                None => return Err("the archive reader stopped unexpectedly".into()),
                Some(Err(e)) => return Err(e),
                Some(Ok(Item::Manifest(manifest))) => self.manifest = Some(*manifest),
                Some(Ok(Item::Rows(index, rows))) => {
                    if self.table != Some(index) {
                        self.table = Some(index);
                        eprintln!("Restoring {}...", ARCHIVE_TABLES[index].name);
                    }
                    return Ok(Some((index, rows)));
                }
                Some(Ok(Item::File(key, bytes))) => {
                    self.media
                        .put(&key, bytes)
                        .await
                        .map_err(|e| format!("storing media file {key}: {e}"))?;
                    self.media_files += 1;
                }
                Some(Ok(Item::End)) => return Ok(None),
            }
        }
    }
}

fn send(sender: &Sender, item: Item) -> Result<(), String> {
    sender
        .blocking_send(Ok(item))
        .map_err(|_| "the restore stopped".to_owned())
}

/// Reads and checks the whole archive, sending what it holds.
fn read_archive(path: &Path, sender: &Sender) -> Result<(), String> {
    let file = File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let mut archive = tar::Archive::new(BufReader::new(file));
    let mut entries = archive
        .entries()
        .map_err(|e| format!("not a tar archive: {e}"))?;
    let not_ours = || {
        format!(
            "{} is not an archive made by `gazette export` (its first entry should be {MANIFEST_NAME})",
            path.display()
        )
    };
    let first = entries
        .next()
        .ok_or_else(not_ours)?
        .map_err(|e| format!("{}: {e}", not_ours()))?;
    if entry_name(&first)? != MANIFEST_NAME {
        return Err(not_ours());
    }
    let manifest = read_manifest(first)?;
    send(sender, Item::Manifest(Box::new(manifest.clone())))?;

    let mut tables = manifest.tables.iter();
    let mut next_table = tables.next();
    let mut media_named = HashSet::new();
    let mut media_files = 0;
    for entry in entries {
        let entry = entry.map_err(|e| format!("the archive is damaged: {e}"))?;
        let name = entry_name(&entry)?;
        if entry.header().entry_type() != tar::EntryType::Regular {
            return Err(format!("{name}: only plain files belong in an archive"));
        }
        if let Some(expected) = next_table {
            if name != expected.file {
                return Err(format!(
                    "expected {} next in the archive, found {name}",
                    expected.file
                ));
            }
            let format = (manifest.secrets, manifest.version);
            read_table(entry, expected, format, sender, &mut media_named)?;
            next_table = tables.next();
        } else if let Some(key) = name.strip_prefix(&format!("{MEDIA_DIR}/")) {
            if !media_named.contains(key) {
                return Err(format!("{name} is not named by any media_files row"));
            }
            let mut bytes = Vec::new();
            entry
                .take(MAX_MEDIA_BYTES + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| format!("reading {name}: {e}"))?;
            if bytes.len() as u64 > MAX_MEDIA_BYTES {
                return Err(format!("{name} is larger than any image the site keeps"));
            }
            send(sender, Item::File(key.to_owned(), bytes))?;
            media_files += 1;
        } else {
            return Err(format!("unexpected entry {name} in the archive"));
        }
    }
    if let Some(expected) = next_table {
        return Err(format!(
            "the archive ends before {} (was it cut short?)",
            expected.file
        ));
    }
    if media_files != manifest.media.files {
        return Err(format!(
            "the archive has {media_files} media files; its manifest says {} (was it cut short?)",
            manifest.media.files
        ));
    }
    Ok(())
}

fn entry_name(entry: &tar::Entry<'_, impl Read>) -> Result<String, String> {
    entry
        .path()
        .map(|p| p.to_string_lossy().into_owned())
        .map_err(|e| format!("an entry of the archive has no readable name: {e}"))
}

fn read_manifest(entry: impl Read) -> Result<Manifest, String> {
    let mut bytes = Vec::new();
    entry
        .take(MAX_MANIFEST_BYTES)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("reading {MANIFEST_NAME}: {e}"))?;
    let manifest: Manifest = serde_json::from_slice(&bytes)
        .map_err(|e| format!("{MANIFEST_NAME} is not a manifest this version reads: {e}"))?;
    if manifest.format != FORMAT_NAME {
        return Err(format!(
            "{MANIFEST_NAME} says format {:?}, not {FORMAT_NAME:?}",
            manifest.format
        ));
    }
    if manifest.version == 0 || manifest.version > ARCHIVE_VERSION {
        return Err(format!(
            "this archive is format version {}; this Gazette reads versions 1 to {ARCHIVE_VERSION} \
             (restore it with the Gazette that wrote it, {}, or a newer one)",
            manifest.version, manifest.written_by
        ));
    }
    let expected: Vec<&str> = archived_tables(manifest.secrets, manifest.version)
        .map(|(_, t)| t.name)
        .collect();
    let listed: Vec<&str> = manifest.tables.iter().map(|t| t.name.as_str()).collect();
    if expected != listed {
        return Err(format!(
            "{MANIFEST_NAME} lists the tables {listed:?}; version {} has {expected:?}",
            manifest.version
        ));
    }
    Ok(manifest)
}

/// One table file: every line a row, sent in batches; its count and checksum checked at its end.
fn read_table(
    entry: impl Read,
    expected: &TableEntry,
    (secrets, version): (bool, u32),
    sender: &Sender,
    media_named: &mut HashSet<String>,
) -> Result<(), String> {
    let (index, table) = ARCHIVE_TABLES
        .iter()
        .enumerate()
        .find(|(_, t)| t.name == expected.name)
        .ok_or_else(|| format!("no table {}", expected.name))?;
    let key_column = (table.name == "media_files")
        .then(|| table.column_index("key"))
        .flatten();
    let mut reader = BufReader::new(entry);
    let mut hash = Sha256::new();
    let mut line = Vec::new();
    let mut batch = Vec::with_capacity(ARCHIVE_BATCH_ROWS);
    let mut rows = 0u64;
    loop {
        line.clear();
        let read = (&mut reader)
            .take(MAX_LINE_BYTES + 1)
            .read_until(b'\n', &mut line)
            .map_err(|e| format!("reading {}: {e}", expected.file))?;
        if read == 0 {
            break;
        }
        rows += 1;
        let place = || format!("{} line {rows}", expected.file);
        if line.last() != Some(&b'\n') {
            return Err(format!("{}: the line is cut short or too long", place()));
        }
        hash.update(&line);
        let mut row =
            decode_row(table, &line, secrets, version).map_err(|e| format!("{}: {e}", place()))?;
        // Pages of a version 1 or 2 archive: English, published, numbered in slug order.
        let now = chrono::Utc::now().timestamp();
        gazette_store::upgrade_row(table, &mut row, version, rows, now);
        if let Some(Cell::Text(key)) = key_column.and_then(|i| row.get(i)) {
            media_named.insert(key.clone());
        }
        batch.push(row);
        if batch.len() == ARCHIVE_BATCH_ROWS {
            send(sender, Item::Rows(index, std::mem::take(&mut batch)))?;
        }
    }
    if !batch.is_empty() {
        send(sender, Item::Rows(index, batch))?;
    }
    if rows != expected.rows {
        return Err(format!(
            "{} has {rows} rows; the manifest says {}",
            expected.file, expected.rows
        ));
    }
    let sha256 = data_encoding::HEXLOWER.encode(&hash.finalize());
    if sha256 != expected.sha256 {
        return Err(format!(
            "{} does not match its checksum in the manifest: the archive was changed or damaged",
            expected.file
        ));
    }
    Ok(())
}
