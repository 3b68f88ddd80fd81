//! Gazette's media library: accepting an image (and refusing what is not one), making its
//! responsive variants without any of the upload's metadata, storing them on disk or in an
//! S3-compatible bucket, and recording the image in the database.
//!
//! [`MediaLibrary::add_image_from_bytes`] is the one way in — for newsroom uploads, the demo and
//! the importers alike. It writes every file first and the database row last, so a row never names
//! a missing file; a refused upload writes nothing, and a failed one removes what it wrote.

mod process;
#[cfg(test)]
mod process_properties;
mod storage;
pub mod testing;

use std::sync::Arc;

use chrono::Utc;
use gazette_store::{Media, MediaVariant, NewAuditEntry, NewMedia, Store, StoreError, Written};

pub use process::{
    Encoded, Format, Limits, Processed, WIDTHS, is_media_key, process, variant_widths,
};
pub use storage::{MediaStorage, S3Config};

#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// The upload is not acceptable; the message says why, for the person who sent it.
    #[error("{0}")]
    Refused(String),
    #[error("media storage: {0}")]
    Storage(String),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Internal(String),
}

/// Who uploads and what they say about the picture.
#[derive(Debug, Clone, Default)]
pub struct ImageDetails {
    pub filename: String,
    pub alt: String,
    pub caption: String,
    pub credit: String,
    pub created_by: Option<i64>,
    /// The upload's audit entry, written with the image's row; the store names the new image in
    /// it.
    pub audit: Option<NewAuditEntry>,
}

/// The files and the database, together.
#[derive(Clone)]
pub struct MediaLibrary {
    storage: MediaStorage,
    store: Arc<dyn Store>,
    limits: Limits,
}

impl MediaLibrary {
    pub fn new(storage: MediaStorage, store: Arc<dyn Store>, limits: Limits) -> Self {
        Self {
            storage,
            store,
            limits,
        }
    }

    pub fn storage(&self) -> &MediaStorage {
        &self.storage
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Checks, processes and stores an image, then records it.
    pub async fn add_image_from_bytes(
        &self,
        bytes: Vec<u8>,
        details: ImageDetails,
    ) -> Result<Media, MediaError> {
        let limits = self.limits;
        let processed = tokio::task::spawn_blocking(move || process(&bytes, &limits))
            .await
            .map_err(|e| MediaError::Internal(format!("image processing stopped: {e}")))??;
        let mut written = Vec::new();
        let result = self.store_files(&processed, &mut written).await;
        let result = match result {
            Ok(()) => self
                .store
                .insert_media(
                    new_media(&processed, &details),
                    details.audit.as_ref(),
                    Utc::now(),
                )
                .await
                .map(Written::into_inner)
                .map_err(MediaError::from),
            Err(e) => Err(e),
        };
        if result.is_err() {
            // Files this upload created are referenced by nothing: remove them. Files that were
            // there already (the same image uploaded before) stay, as another row names them.
            for key in &written {
                if let Err(e) = self.storage.delete(key).await {
                    tracing::warn!(key, error = %e, "could not remove a file of a failed upload");
                }
            }
        }
        result
    }

    /// Removes files no database row names, written more than `min_age` ago (younger ones may
    /// belong to an upload still being recorded). Such files are left only by a crash between
    /// storing an upload's files and recording it. Returns how many were removed.
    pub async fn sweep_orphans(&self, min_age: chrono::Duration) -> Result<usize, MediaError> {
        let used: std::collections::HashSet<String> =
            self.store.media_keys().await?.into_iter().collect();
        let cutoff = Utc::now() - min_age;
        let mut removed = 0;
        for (key, written) in self.storage.list().await? {
            if !used.contains(&key) && written < cutoff {
                self.storage.delete(&key).await?;
                removed += 1;
            }
        }
        Ok(removed)
    }

    async fn store_files(
        &self,
        processed: &Processed,
        written: &mut Vec<String>,
    ) -> Result<(), MediaError> {
        for v in &processed.variants {
            if self.storage.exists(&v.key).await? {
                continue;
            }
            self.storage.put(&v.key, v.bytes.clone()).await?;
            written.push(v.key.clone());
        }
        Ok(())
    }
}

fn new_media(processed: &Processed, details: &ImageDetails) -> NewMedia {
    NewMedia {
        hash: processed.hash.clone(),
        original_name: details.filename.chars().take(255).collect(),
        mime: processed.mime.to_owned(),
        width: processed.width,
        height: processed.height,
        alt: details.alt.clone(),
        caption: details.caption.clone(),
        credit: details.credit.clone(),
        created_by: details.created_by,
        variants: processed
            .variants
            .iter()
            .map(|v| MediaVariant {
                width: v.width,
                height: v.height,
                format: v.format.name().to_owned(),
                key: v.key.clone(),
                bytes: v.bytes.len() as u64,
            })
            .collect(),
    }
}
