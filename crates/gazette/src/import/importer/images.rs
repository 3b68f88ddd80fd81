//! Images: every image a post names (in its body, as its featured image, in a gallery) comes
//! from the copy of the old site's uploads through the media library (re-encoded, metadata
//! stripped), once per file however many posts show it, in this run or an earlier one.

use std::path::{Component, Path};

use gazette_import::content::{self, ImportedImage};
use gazette_media::ImageDetails;
use gazette_store::{ImportKind, ImportRecord};

use super::Importer;

impl Importer {
    pub(super) async fn featured_image(
        &mut self,
        key: &str,
        name: &str,
    ) -> Option<(i64, ImportedImage)> {
        let url = match self.attachments.get(key) {
            Some(image) => image.url.clone(),
            // Ghost names featured images by address.
            None if key.contains('/') => key.to_owned(),
            None => {
                self.report.warn(
                    name,
                    format!("its featured image (attachment {key}) is not in the export"),
                );
                return None;
            }
        };
        self.image(&url, Some(key), name).await
    }

    /// The image at `url` in the media library: imported from the uploads folder the first time
    /// it is met (in this run or an earlier one), found again after.
    pub(super) async fn image(
        &mut self,
        url: &str,
        attachment: Option<&str>,
        name: &str,
    ) -> Option<(i64, ImportedImage)> {
        let canonical = content::canonical_image_url(url);
        if let Some(done) = self.images.get(&canonical) {
            return done.clone();
        }
        let result = self.import_image(&canonical, attachment, name).await;
        self.images.insert(canonical, result.clone());
        result
    }

    pub(super) async fn import_image(
        &mut self,
        canonical: &str,
        attachment: Option<&str>,
        name: &str,
    ) -> Option<(i64, ImportedImage)> {
        let described = attachment
            .and_then(|key| self.attachments.get(key))
            .or_else(|| {
                self.attachment_by_url
                    .get(canonical)
                    .and_then(|key| self.attachments.get(key))
            })
            .cloned();
        let relative = described
            .as_ref()
            .and_then(|image| image.relative_path.clone())
            .or_else(|| content::uploads_relative_path(canonical));
        let Some(uploads) = self.options.uploads_dir.clone() else {
            if !self.warned_no_uploads {
                self.warned_no_uploads = true;
                self.report.warn(
                    name,
                    "images were left out: give the uploads folder with --media-dir \
                     (WordPress) or --content-dir (Ghost)",
                );
            }
            return None;
        };
        let Some(relative) = relative.filter(|r| is_inside(r)) else {
            self.report.warn(
                name,
                format!("image {canonical} is not in an uploads folder"),
            );
            return None;
        };
        let earlier = self
            .store
            .imported(
                &self.source,
                ImportKind::Media,
                std::slice::from_ref(&relative),
            )
            .await
            .ok()
            .and_then(|mut found| found.remove(&relative));
        if let Some(record) = earlier
            && let Ok(Some(media)) = self.store.media(record.target_id).await
        {
            return Some((media.id, imported_image(&media)));
        }
        let path = uploads.join(&relative);
        let bytes = match tokio::fs::read(&path).await {
            Ok(bytes) => bytes,
            Err(e) => {
                self.report.warn(
                    name,
                    format!("image file {} could not be read: {e}", path.display()),
                );
                return None;
            }
        };
        if self.options.dry_run {
            self.report.count("images").created += 1;
            return Some((
                0,
                ImportedImage {
                    src: format!("/media/{relative}"),
                    alt: String::new(),
                    caption: String::new(),
                },
            ));
        }
        let (alt, caption) = described
            .map(|image| (image.alt, content::plain_text(&image.caption)))
            .unwrap_or_default();
        let details = ImageDetails {
            filename: file_name(&relative),
            alt,
            caption,
            ..ImageDetails::default()
        };
        match self.media.add_image_from_bytes(bytes, details).await {
            Ok(media) => {
                let record = ImportRecord {
                    target_id: media.id,
                    fingerprint: String::new(),
                };
                if let Err(e) = self
                    .store
                    .remember_import(&self.source, ImportKind::Media, &relative, &record)
                    .await
                {
                    self.report.warn(name, format!("image {relative}: {e}"));
                }
                self.report.count("images").created += 1;
                Some((media.id, imported_image(&media)))
            }
            Err(e) => {
                self.report.skip("images", &relative, e.to_string());
                None
            }
        }
    }
}

fn imported_image(media: &gazette_store::Media) -> ImportedImage {
    ImportedImage {
        src: media.body_address().unwrap_or_default(),
        alt: media.alt.clone(),
        caption: media.caption.clone(),
    }
}

/// A relative path that stays inside the uploads folder: no `..`, no absolute part.
fn is_inside(relative: &str) -> bool {
    let path = Path::new(relative);
    !relative.is_empty() && path.components().all(|c| matches!(c, Component::Normal(_)))
}

fn file_name(relative: &str) -> String {
    Path::new(relative)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub(super) fn image_paths_cannot_leave_the_uploads_folder() {
        assert!(is_inside("2024/03/kyiv.jpg"));
        assert!(!is_inside("../../etc/passwd"));
        assert!(!is_inside("/etc/passwd"));
        assert!(!is_inside("2024/../../x.jpg"));
        assert!(!is_inside(""));
    }
}
