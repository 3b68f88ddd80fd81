//! The media library's rows: an uploaded image and the stored files (variants) made from it. The
//! files themselves live in the media storage (`gazette-media`); the store keeps only their names,
//! so the database stays the source of truth for which files belong to what.

use chrono::{DateTime, Utc};

/// One stored file of an image: a width in one format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaVariant {
    pub width: u32,
    pub height: u32,
    /// `webp`, `jpeg` or `png`.
    pub format: String,
    /// The file's content-hashed name in the media storage, served at `/media/{key}`.
    pub key: String,
    pub bytes: u64,
}

/// An image in the media library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    pub id: i64,
    pub hash: String,
    pub original_name: String,
    pub mime: String,
    pub width: u32,
    pub height: u32,
    pub alt: String,
    pub caption: String,
    pub credit: String,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<i64>,
    /// Narrowest first, WebP before the fallback format at each width.
    pub variants: Vec<MediaVariant>,
}

impl Media {
    /// The widest variant in `format`, for OpenGraph and JSON-LD.
    pub fn largest(&self, format: &str) -> Option<&MediaVariant> {
        self.variants
            .iter()
            .filter(|v| v.format == format)
            .max_by_key(|v| v.width)
    }

    /// The address an article body names the image by: its widest JPEG or PNG (what every
    /// reader and feed reader can show), else its widest WebP. The page offers the other sizes.
    pub fn body_address(&self) -> Option<String> {
        self.largest("jpeg")
            .or(self.largest("png"))
            .or(self.largest("webp"))
            .map(|v| format!("/media/{}", v.key))
    }
}

/// An image whose files are already stored.
#[derive(Debug, Clone)]
pub struct NewMedia {
    pub hash: String,
    pub original_name: String,
    pub mime: String,
    pub width: u32,
    pub height: u32,
    pub alt: String,
    pub caption: String,
    pub credit: String,
    pub created_by: Option<i64>,
    pub variants: Vec<MediaVariant>,
}

/// The words an editor may change after upload.
#[derive(Debug, Clone, Default)]
pub struct MediaText {
    pub alt: String,
    pub caption: String,
    pub credit: String,
}
