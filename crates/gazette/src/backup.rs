//! `gazette backup --out FILE.tar`: a consistent copy of a running site, taken without stopping
//! it. The SQLite database is copied with `VACUUM INTO` (one read transaction: every save committed
//! before the backup began is in it, none half-made), then the media files are added: they are
//! written before the rows that name them and never changed after, so every file the copy names is
//! on disk by then. The archive is written beside `FILE` and renamed into place when complete, so a
//! backup interrupted half-way never looks like a finished one.
//!
//! Restoring is unpacking it into an empty data folder: `tar -xf FILE.tar -C data/` (docs/backup.md).

use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::Context;
use gazette_store::Store;

use crate::settings::Settings;

pub async fn run(store: &dyn Store, settings: &Settings, out: &Path) -> anyhow::Result<()> {
    anyhow::ensure!(
        !out.exists(),
        "{} exists already; name a new file",
        out.display()
    );
    let started = std::time::Instant::now();
    let database = partial(out, "db");
    let archive = partial(out, "tar");
    let _cleanup = Cleanup(vec![database.clone(), archive.clone()]);
    let _ = std::fs::remove_file(&database);
    store
        .back_up_to(&database)
        .await
        .context("copying the database")?;
    let media = match &settings.media.s3_bucket {
        Some(bucket) => {
            eprintln!(
                "Media are in the S3 bucket {bucket}: back it up with the bucket's own tools \
                 (versioning, replication); this archive holds the database."
            );
            None
        }
        None => Some(
            settings
                .media
                .dir
                .clone()
                .unwrap_or_else(|| settings.data_dir.join("media")),
        ),
    };
    let (database_for_tar, archive_for_tar) = (database.clone(), archive.clone());
    let media_files = tokio::task::spawn_blocking(move || {
        write_archive(&archive_for_tar, &database_for_tar, media.as_deref())
    })
    .await
    .context("writing the archive stopped")??;
    std::fs::rename(&archive, out)
        .with_context(|| format!("moving the finished archive to {}", out.display()))?;
    let megabytes = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;
    println!(
        "Backed up the database and {media_files} media files to {} ({megabytes:.1} MB) in {:.1} s.",
        out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `FILE.partial-db`, `FILE.partial-tar`: work files beside the archive.
fn partial(out: &Path, what: &str) -> PathBuf {
    let mut name = out.as_os_str().to_owned();
    name.push(format!(".partial-{what}"));
    PathBuf::from(name)
}

/// The archive: `gazette.db`, then `media/` as the data folder lays them out. Returns the number
/// of media files.
fn write_archive(archive: &Path, database: &Path, media: Option<&Path>) -> anyhow::Result<u64> {
    let file = File::create(archive).with_context(|| format!("creating {}", archive.display()))?;
    let mut tar = tar::Builder::new(std::io::BufWriter::new(file));
    tar.append_path_with_name(database, "gazette.db")
        .context("adding the database to the archive")?;
    let mut count = 0;
    if let Some(media) = media.filter(|dir| dir.is_dir()) {
        for entry in
            std::fs::read_dir(media).with_context(|| format!("reading {}", media.display()))?
        {
            let entry = entry?;
            // Files still being written are hidden (`.name.tmp`) until renamed: not yet named
            // by any row, so not part of the copy.
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            if entry.file_type()?.is_file() && !hidden {
                let name = Path::new("media").join(entry.file_name());
                tar.append_path_with_name(entry.path(), name)
                    .with_context(|| format!("adding {}", entry.path().display()))?;
                count += 1;
            }
        }
    }
    crate::archive::finish_tar(tar)?;
    Ok(count)
}

/// Removes the work files however the backup ends.
struct Cleanup(Vec<PathBuf>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        for path in &self.0 {
            let _ = std::fs::remove_file(path);
        }
    }
}
