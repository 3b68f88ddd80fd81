//! The media library's configuration: a `media/` folder in the data folder by default, or an
//! S3-compatible bucket when one is named in `[media]` of `gazette.toml` or by `GAZETTE_MEDIA_*`
//! environment variables (which win).
//!
//! ```toml
//! [media]
//! s3_bucket = "gazette-media"
//! s3_endpoint = "https://s3.eu-central-1.amazonaws.com"   # or MinIO, Garage, R2…
//! s3_region = "eu-central-1"
//! s3_access_key_id = "…"          # better: GAZETTE_MEDIA_S3_ACCESS_KEY_ID
//! s3_secret_access_key = "…"      # better: GAZETTE_MEDIA_S3_SECRET_ACCESS_KEY
//! s3_prefix = "media"
//! max_mb = 25
//! max_megapixels = 50
//! ```

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use gazette_media::{Limits, MediaLibrary, MediaStorage, S3Config};
use gazette_store::Store;
use serde::Deserialize;

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MediaFileConfig {
    /// A folder for the files when no bucket is set; default `media/` in the data folder.
    pub dir: Option<std::path::PathBuf>,
    pub s3_bucket: Option<String>,
    pub s3_endpoint: Option<String>,
    pub s3_region: Option<String>,
    pub s3_access_key_id: Option<String>,
    pub s3_secret_access_key: Option<String>,
    pub s3_prefix: Option<String>,
    /// Largest upload, in megabytes (at most 60).
    pub max_mb: Option<usize>,
    /// Largest image, in megapixels.
    pub max_megapixels: Option<u64>,
}

fn env(name: &str) -> Option<String> {
    std::env::var(format!("GAZETTE_MEDIA_{name}"))
        .ok()
        .filter(|v| !v.is_empty())
}

pub fn library(
    file: Option<&MediaFileConfig>,
    data_dir: &Path,
    store: Arc<dyn Store>,
) -> anyhow::Result<MediaLibrary> {
    let file = file.cloned().unwrap_or_default();
    let defaults = Limits::default();
    let limits = Limits {
        max_bytes: file
            .max_mb
            .map_or(defaults.max_bytes, |mb| mb.clamp(1, 60) * 1024 * 1024),
        max_pixels: file
            .max_megapixels
            .map_or(defaults.max_pixels, |mp| mp.clamp(1, 500) * 1_000_000),
    };
    let storage = match env("S3_BUCKET").or(file.s3_bucket) {
        Some(bucket) => MediaStorage::s3(&S3Config {
            bucket: bucket.clone(),
            endpoint: env("S3_ENDPOINT").or(file.s3_endpoint),
            region: env("S3_REGION").or(file.s3_region).unwrap_or_default(),
            access_key_id: env("S3_ACCESS_KEY_ID")
                .or(file.s3_access_key_id)
                .unwrap_or_default(),
            secret_access_key: env("S3_SECRET_ACCESS_KEY")
                .or(file.s3_secret_access_key)
                .unwrap_or_default(),
            prefix: env("S3_PREFIX").or(file.s3_prefix),
        })
        .with_context(|| format!("cannot use the S3 bucket {bucket} for media"))?,
        None => {
            let dir = env("DIR")
                .map(Into::into)
                .or(file.dir)
                .unwrap_or_else(|| data_dir.join("media"));
            MediaStorage::local(&dir)
                .with_context(|| format!("cannot use {} for media", dir.display()))?
        }
    };
    Ok(MediaLibrary::new(storage, store, limits))
}

/// Every hour, removes stored files no database row names and that are over an hour old: what a
/// crash between storing an upload's files and recording it leaves behind. (Younger files may
/// belong to an upload in progress on this or another node.)
pub fn spawn_sweeper(library: Option<MediaLibrary>) {
    let Some(library) = library else { return };
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            every.tick().await;
            match library.sweep_orphans(chrono::Duration::hours(1)).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(files = n, "removed media files no image refers to"),
                Err(e) => tracing::warn!(error = %e, "media sweep failed; will retry"),
            }
        }
    });
}
