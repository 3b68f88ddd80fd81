//! Where the files live: a folder in the data directory, or any S3-compatible bucket, both through
//! `object_store`. Writes are whole-file: the folder store writes to a temporary name and renames,
//! and an S3 PUT is atomic, so no reader ever sees half a file.

use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as StorePath;
use object_store::prefix::PrefixStore;
use object_store::{ObjectStore, PutPayload};

use crate::MediaError;

/// An S3-compatible bucket (AWS, MinIO, Garage, Ceph, moto…).
#[derive(Debug, Clone, Default)]
pub struct S3Config {
    pub bucket: String,
    /// For anything but AWS itself, e.g. `http://127.0.0.1:9000`. Plain HTTP is allowed only when
    /// the endpoint says so.
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    /// A folder inside the bucket (e.g. `media`), so the bucket can hold other things too.
    pub prefix: Option<String>,
}

/// The media files, wherever they are kept.
#[derive(Clone)]
pub struct MediaStorage {
    store: Arc<dyn ObjectStore>,
    describe: String,
}

impl std::fmt::Debug for MediaStorage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe)
    }
}

fn storage_error(e: object_store::Error) -> MediaError {
    MediaError::Storage(e.to_string())
}

impl MediaStorage {
    /// A folder, created when missing.
    pub fn local(dir: &Path) -> Result<Self, MediaError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| MediaError::Storage(format!("cannot create {}: {e}", dir.display())))?;
        let store = LocalFileSystem::new_with_prefix(dir).map_err(storage_error)?;
        Ok(Self {
            store: Arc::new(store),
            describe: format!("folder {}", dir.display()),
        })
    }

    pub fn s3(config: &S3Config) -> Result<Self, MediaError> {
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(&config.bucket)
            .with_region(if config.region.is_empty() {
                "us-east-1"
            } else {
                &config.region
            })
            .with_access_key_id(&config.access_key_id)
            .with_secret_access_key(&config.secret_access_key);
        if let Some(endpoint) = config.endpoint.as_deref().filter(|e| !e.is_empty()) {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"));
        }
        let store = builder.build().map_err(storage_error)?;
        let store: Arc<dyn ObjectStore> = match config
            .prefix
            .as_deref()
            .map(|p| p.trim_matches('/'))
            .filter(|p| !p.is_empty())
        {
            Some(prefix) => Arc::new(PrefixStore::new(store, prefix)),
            None => Arc::new(store),
        };
        Ok(Self {
            store,
            describe: format!("S3 bucket {}", config.bucket),
        })
    }

    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), MediaError> {
        self.store
            .put(&StorePath::from(key), PutPayload::from(bytes))
            .await
            .map_err(storage_error)?;
        Ok(())
    }

    pub async fn exists(&self, key: &str) -> Result<bool, MediaError> {
        match self.store.head(&StorePath::from(key)).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(storage_error(e)),
        }
    }

    /// The file's bytes, or `None` when there is no such file.
    pub async fn get(&self, key: &str) -> Result<Option<Bytes>, MediaError> {
        match self.store.get(&StorePath::from(key)).await {
            Ok(result) => Ok(Some(result.bytes().await.map_err(storage_error)?)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(storage_error(e)),
        }
    }

    pub async fn delete(&self, key: &str) -> Result<(), MediaError> {
        match self.store.delete(&StorePath::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(storage_error(e)),
        }
    }

    /// Every file's name with the time it was written.
    pub async fn list(&self) -> Result<Vec<(String, chrono::DateTime<chrono::Utc>)>, MediaError> {
        use futures_util::TryStreamExt;
        let metas: Vec<_> = self
            .store
            .list(None)
            .try_collect()
            .await
            .map_err(storage_error)?;
        Ok(metas
            .into_iter()
            .map(|m| (m.location.to_string(), m.last_modified))
            .collect())
    }

    /// Every file's name.
    pub async fn keys(&self) -> Result<Vec<String>, MediaError> {
        use futures_util::TryStreamExt;
        let metas: Vec<_> = self
            .store
            .list(None)
            .try_collect()
            .await
            .map_err(storage_error)?;
        Ok(metas.into_iter().map(|m| m.location.to_string()).collect())
    }
}
