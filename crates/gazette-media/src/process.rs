//! Turning uploaded bytes into safe, responsive files: the checks that refuse what is not an
//! accepted image, decoding within limits, turning the picture upright, and re-encoding it at each
//! width. Re-encoding from pixels is what strips the metadata: the encoders are given pixels only,
//! so no EXIF (GPS position, camera serial), XMP or IPTC block of the upload reaches a stored file.

use std::io::Cursor;

use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};
use sha2::{Digest, Sha256};

use crate::MediaError;

/// The widths pages ask for; an image is never made wider than it was uploaded.
pub const WIDTHS: [u32; 5] = [320, 640, 960, 1280, 1920];

/// How much an upload may ask of the server.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Size of the uploaded file.
    pub max_bytes: usize,
    /// Width × height, checked from the header before any pixel is decoded.
    pub max_pixels: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: 25 * 1024 * 1024,
            max_pixels: 50_000_000,
        }
    }
}

/// A stored file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jpeg,
    Png,
    Webp,
}

impl Format {
    /// The name used in the database and in file extensions.
    pub fn name(self) -> &'static str {
        match self {
            Self::Jpeg => "jpeg",
            Self::Png => "png",
            Self::Webp => "webp",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
        }
    }

    /// The format of a stored file's name, as served at `/media/{key}`.
    pub fn of_key(key: &str) -> Option<Self> {
        match key.rsplit_once('.')?.1 {
            "jpeg" => Some(Self::Jpeg),
            "png" => Some(Self::Png),
            "webp" => Some(Self::Webp),
            _ => None,
        }
    }
}

/// One re-encoded file, named by the SHA-256 of its own bytes.
#[derive(Debug, Clone)]
pub struct Encoded {
    pub width: u32,
    pub height: u32,
    pub format: Format,
    pub key: String,
    pub bytes: Vec<u8>,
}

/// An accepted upload, ready to store.
#[derive(Debug, Clone)]
pub struct Processed {
    /// SHA-256 (hex) of the uploaded bytes.
    pub hash: String,
    /// The uploaded format's MIME type.
    pub mime: &'static str,
    /// Upright size.
    pub width: u32,
    pub height: u32,
    pub variants: Vec<Encoded>,
}

/// Checks, decodes and re-encodes an upload. CPU-bound: call it off the async runtime.
pub fn process(bytes: &[u8], limits: &Limits) -> Result<Processed, MediaError> {
    if bytes.is_empty() {
        return Err(MediaError::Refused("The file is empty.".into()));
    }
    if bytes.len() > limits.max_bytes {
        return Err(MediaError::Refused(format!(
            "The file is {} MB; images may be at most {} MB.",
            bytes.len().div_ceil(1024 * 1024),
            limits.max_bytes / (1024 * 1024)
        )));
    }
    let format = accepted_format(bytes)?;
    if format == ImageFormat::Jpeg && !jpeg_is_complete(bytes) {
        return Err(MediaError::Refused(
            "The JPEG file is truncated or damaged (its image data does not end); upload it again."
                .into(),
        ));
    }
    let image = decode(bytes, format, limits)?;
    let (width, height) = (image.width(), image.height());
    if width == 0 || height == 0 {
        return Err(MediaError::Refused("The image has no pixels.".into()));
    }
    let fallback = match format {
        ImageFormat::Jpeg => Some(Format::Jpeg),
        ImageFormat::WebP => None,
        _ => Some(Format::Png),
    };
    let mut variants = Vec::new();
    // Largest first, each made from the one before: every step shrinks by at most about half,
    // which keeps quality and avoids resampling a 50-megapixel original five times.
    let mut source = image;
    for w in variant_widths(width).into_iter().rev() {
        let h = scaled_height(width, height, w);
        if w != source.width() {
            source = source.resize_exact(w, h, FilterType::CatmullRom);
        }
        for f in std::iter::once(Format::Webp).chain(fallback) {
            variants.push(encode(&source, f)?);
        }
    }
    variants.reverse();
    Ok(Processed {
        hash: hex(&Sha256::digest(bytes)),
        mime: mime_of(format),
        width,
        height,
        variants,
    })
}

/// The widths to make for an image this wide: every standard width below it, and its own width
/// (capped at the largest standard one) so the sharpest copy is never upscaled.
pub fn variant_widths(width: u32) -> Vec<u32> {
    let top = width.min(WIDTHS[WIDTHS.len() - 1]);
    let mut widths: Vec<u32> = WIDTHS.iter().copied().filter(|&w| w < top).collect();
    widths.push(top);
    widths
}

fn scaled_height(width: u32, height: u32, w: u32) -> u32 {
    let h = (u64::from(height) * u64::from(w) + u64::from(width) / 2) / u64::from(width);
    u32::try_from(h).unwrap_or(u32::MAX).max(1)
}

fn accepted_format(bytes: &[u8]) -> Result<ImageFormat, MediaError> {
    if looks_like_svg(bytes) {
        return Err(MediaError::Refused(
            "SVG files are not accepted: they can carry scripts. Export the graphic as PNG and upload that."
                .into(),
        ));
    }
    match image::guess_format(bytes) {
        Ok(f @ (ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::Gif | ImageFormat::WebP)) => {
            Ok(f)
        }
        Ok(other) => Err(MediaError::Refused(format!(
            "{} images are not accepted; upload a JPEG, PNG, WebP or GIF file.",
            other
                .extensions_str()
                .first()
                .unwrap_or(&"these")
                .to_uppercase()
        ))),
        Err(_) => Err(MediaError::Refused(
            "This file is not an image. Upload a JPEG, PNG, WebP or GIF file.".into(),
        )),
    }
}

fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    trimmed.starts_with('<') && text.contains("<svg")
}

/// A JPEG's entropy-coded data cannot contain the end-of-image marker, so a file cut short has no
/// `FF D9` after its first scan. (Decoders fill a cut image with grey instead of failing.)
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let mut i = 2;
    while i + 4 <= bytes.len() {
        if bytes[i] != 0xFF {
            return false;
        }
        let marker = bytes[i + 1];
        match marker {
            0xFF => i += 1,
            0xDA => {
                return bytes[i..].windows(2).any(|w| w == [0xFF, 0xD9]);
            }
            0x01 | 0xD0..=0xD7 => i += 2,
            _ => {
                let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
                i += 2 + len;
            }
        }
    }
    false
}

fn decode(bytes: &[u8], format: ImageFormat, limits: &Limits) -> Result<DynamicImage, MediaError> {
    let corrupt = |e: image::ImageError| match e {
        image::ImageError::Limits(_) => too_many_pixels(limits),
        other => MediaError::Refused(format!(
            "The image could not be read; it may be damaged or cut short ({other})."
        )),
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut decoder_limits = image::Limits::default();
    // Four bytes per pixel plus room for the decoder's own buffers.
    decoder_limits.max_alloc = Some(limits.max_pixels.saturating_mul(4) + 64 * 1024 * 1024);
    reader.limits(decoder_limits);
    let mut decoder = reader.into_decoder().map_err(corrupt)?;
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > limits.max_pixels {
        return Err(too_many_pixels(limits));
    }
    // WebP, which every upload is also stored in, cannot hold a side longer than this: without the
    // check a panorama (or a damaged header claiming one) decoded, then failed to encode as a 500.
    if w.max(h) > MAX_SIDE {
        return Err(MediaError::Refused(format!(
            "The image is {w} × {h} pixels; at most {MAX_SIDE} pixels a side are accepted."
        )));
    }
    let orientation = decoder.orientation().map_err(corrupt)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(corrupt)?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// The longest side WebP can encode.
const MAX_SIDE: u32 = 16_383;

fn too_many_pixels(limits: &Limits) -> MediaError {
    MediaError::Refused(format!(
        "The image has too many pixels; at most {} megapixels are accepted.",
        limits.max_pixels / 1_000_000
    ))
}

fn encode(image: &DynamicImage, format: Format) -> Result<Encoded, MediaError> {
    let mut out = Vec::new();
    let failed = |e: image::ImageError| MediaError::Internal(format!("encoding failed: {e}"));
    match format {
        Format::Jpeg => {
            let rgb = image.to_rgb8();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 82)
                .encode_image(&rgb)
                .map_err(failed)?;
        }
        Format::Png => {
            let pixels = if image.color().has_alpha() {
                DynamicImage::ImageRgba8(image.to_rgba8())
            } else {
                DynamicImage::ImageRgb8(image.to_rgb8())
            };
            pixels
                .write_with_encoder(image::codecs::png::PngEncoder::new(&mut out))
                .map_err(failed)?;
        }
        Format::Webp => {
            let pixels = if image.color().has_alpha() {
                DynamicImage::ImageRgba8(image.to_rgba8())
            } else {
                DynamicImage::ImageRgb8(image.to_rgb8())
            };
            pixels
                .write_with_encoder(image::codecs::webp::WebPEncoder::new_lossless(&mut out))
                .map_err(failed)?;
        }
    }
    let digest = hex(&Sha256::digest(&out));
    Ok(Encoded {
        width: image.width(),
        height: image.height(),
        format,
        key: format!("{}-{}.{}", &digest[..24], image.width(), format.name()),
        bytes: out,
    })
}

fn mime_of(format: ImageFormat) -> &'static str {
    match format {
        ImageFormat::Jpeg => "image/jpeg",
        ImageFormat::Png => "image/png",
        ImageFormat::Gif => "image/gif",
        _ => "image/webp",
    }
}

fn hex(bytes: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(bytes)
}

/// True when `key` has the shape of a stored file's name, so nothing else reaches the storage.
pub fn is_media_key(key: &str) -> bool {
    let Some((stem, _)) = key.rsplit_once('.') else {
        return false;
    };
    Format::of_key(key).is_some()
        && key.len() < 64
        && stem
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b) || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_never_exceed_the_upload() {
        assert_eq!(variant_widths(100), [100]);
        assert_eq!(variant_widths(640), [320, 640]);
        assert_eq!(variant_widths(1000), [320, 640, 960, 1000]);
        assert_eq!(variant_widths(4000), [320, 640, 960, 1280, 1920]);
    }

    #[test]
    fn a_side_longer_than_webp_can_hold_is_refused_with_a_reason() {
        let png = |width: u32| {
            let mut out = Vec::new();
            DynamicImage::ImageLuma8(image::GrayImage::new(width, 2))
                .write_with_encoder(image::codecs::png::PngEncoder::new(&mut out))
                .map(|()| out)
                .unwrap_or_default()
        };
        match process(&png(MAX_SIDE + 1), &Limits::default()) {
            Err(MediaError::Refused(reason)) => assert!(reason.contains("16383"), "{reason}"),
            other => panic!("a 16,384-pixel panorama was not refused: {:?}", other.err()),
        }
        assert!(process(&png(MAX_SIDE), &Limits::default()).is_ok());
    }

    #[test]
    fn only_hashed_names_are_media_keys() {
        assert!(is_media_key("0123abcd-320.webp"));
        assert!(!is_media_key("../etc/passwd"));
        assert!(!is_media_key("abc-320.svg"));
        assert!(!is_media_key("ABC-320.jpeg"));
    }
}
