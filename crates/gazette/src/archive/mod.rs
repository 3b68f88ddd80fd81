//! The portable archive: `gazette export` writes a site's whole content, with its media, to one
//! tar of JSON Lines files; `gazette restore` loads one into an empty database on either backend.
//! The format is documented in `docs/archive.md`; its tables and columns are
//! [`gazette_store::ARCHIVE_TABLES`].

mod export;
mod format;
mod restore;
mod work_files;

use std::path::Path;

use gazette_media::MediaStorage;
use gazette_store::{ARCHIVE_TABLES, Store};

pub use work_files::finish_tar;

/// `gazette export --out FILE [--include-secrets]`.
pub async fn export(
    store: &dyn Store,
    media: &MediaStorage,
    out: &Path,
    secrets: bool,
) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let exported = export::run(store, media, out, secrets).await?;
    let rows = |name: &str| {
        exported
            .manifest
            .tables
            .iter()
            .find(|t| t.name == name)
            .map_or(0, |t| t.rows)
    };
    println!(
        "Exported {} articles ({} revisions), {} pages, {} people and {} media files to {} \
         ({:.1} MB) in {:.1} s.",
        rows("articles"),
        rows("revisions"),
        rows("pages"),
        rows("people"),
        exported.manifest.media.files,
        out.display(),
        exported.bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    if !secrets {
        println!(
            "Passwords and two-factor secrets are not in it (--include-secrets adds them): after \
             a restore, each person gets a password with `gazette user reset-password EMAIL`."
        );
    }
    Ok(())
}

/// `gazette restore FILE`.
pub async fn restore(store: &dyn Store, media: &MediaStorage, file: &Path) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let restored = restore::run(store, media, file).await?;
    let rows = |name: &str| {
        ARCHIVE_TABLES
            .iter()
            .position(|t| t.name == name)
            .map_or(0, |i| restored.summary.rows[i])
    };
    println!(
        "Restored {} articles ({} revisions), {} pages, {} people and {} media files from {} \
         (content as of {}) in {:.1} s.",
        rows("articles"),
        rows("revisions"),
        rows("pages"),
        rows("people"),
        restored.media_files,
        file.display(),
        restored
            .manifest
            .content_as_of
            .as_deref()
            .unwrap_or("an empty site"),
        started.elapsed().as_secs_f64()
    );
    if !restored.manifest.secrets && rows("people") > 0 {
        println!(
            "The archive had no passwords: give each person one with \
             `gazette user reset-password EMAIL` before they sign in."
        );
    }
    Ok(())
}
