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

use crate::settings::MediaSettings;

/// The media library the settings describe. The `GAZETTE_MEDIA_*` variables reach here through
/// the settings' environment layer, like every other variable.
pub fn library(
    settings: &MediaSettings,
    data_dir: &Path,
    store: Arc<dyn Store>,
) -> anyhow::Result<MediaLibrary> {
    // The settings were checked to be in range when they were loaded.
    let limits = Limits {
        max_bytes: settings.max_mb * 1024 * 1024,
        max_pixels: settings.max_megapixels * 1_000_000,
    };
    let storage = match settings.s3_bucket.clone() {
        Some(bucket) => MediaStorage::s3(&S3Config {
            bucket: bucket.clone(),
            endpoint: settings.s3_endpoint.clone(),
            region: settings.s3_region.clone().unwrap_or_default(),
            access_key_id: settings.s3_access_key_id.clone().unwrap_or_default(),
            secret_access_key: settings.s3_secret_access_key.clone().unwrap_or_default(),
            prefix: settings.s3_prefix.clone(),
        })
        .with_context(|| format!("cannot use the S3 bucket {bucket} for media"))?,
        None => {
            let dir = settings
                .dir
                .clone()
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
