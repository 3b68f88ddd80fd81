//! Helpers for tests here and in other crates: a phone photo carrying GPS EXIF, written byte by
//! byte, the check that a stored file carries no metadata, and a folder in the S3 test bucket.

#![allow(clippy::unwrap_used)]

use image::{DynamicImage, ImageEncoder, Rgb, RgbImage};

use crate::{MediaStorage, S3Config};

/// A value no encoder would produce by chance: the latitude's numerator in the test's EXIF.
pub const GPS_MARK: [u8; 4] = [0x0B, 0xAD, 0xF0, 0x0D];

/// A phone-style JPEG: 64×32 pixels stored sideways, with an EXIF block saying "rotate 90° to
/// show" (orientation 6) and a GPS position.
pub fn phone_photo_with_gps() -> Vec<u8> {
    let pixels = RgbImage::from_fn(64, 32, |x, y| Rgb([(x * 4) as u8, (y * 8) as u8, 90]));
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
        .write_image(pixels.as_raw(), 64, 32, image::ExtendedColorType::Rgb8)
        .unwrap();
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"MM\x00\x2a\x00\x00\x00\x08");
    // IFD0 at 8: Orientation = 6, GPS IFD pointer = 38.
    tiff.extend_from_slice(&2u16.to_be_bytes());
    tiff.extend_from_slice(&[0x01, 0x12, 0x00, 0x03, 0, 0, 0, 1, 0x00, 0x06, 0, 0]);
    tiff.extend_from_slice(&[0x88, 0x25, 0x00, 0x04, 0, 0, 0, 1, 0, 0, 0, 38]);
    tiff.extend_from_slice(&0u32.to_be_bytes());
    // GPS IFD at 38: LatitudeRef "N", Latitude at 68 (three rationals).
    tiff.extend_from_slice(&2u16.to_be_bytes());
    tiff.extend_from_slice(&[0x00, 0x01, 0x00, 0x02, 0, 0, 0, 2, b'N', 0, 0, 0]);
    tiff.extend_from_slice(&[0x00, 0x02, 0x00, 0x05, 0, 0, 0, 3, 0, 0, 0, 68]);
    tiff.extend_from_slice(&0u32.to_be_bytes());
    assert_eq!(tiff.len(), 68);
    for (num, den) in [
        (u32::from_be_bytes(GPS_MARK), 1_000_000u32),
        (27, 1),
        (0, 1),
    ] {
        tiff.extend_from_slice(&num.to_be_bytes());
        tiff.extend_from_slice(&den.to_be_bytes());
    }
    let mut app1 = vec![0xFF, 0xE1];
    app1.extend_from_slice(&u16::try_from(2 + 6 + tiff.len()).unwrap().to_be_bytes());
    app1.extend_from_slice(b"Exif\x00\x00");
    app1.extend_from_slice(&tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Proof that a stored file carries no metadata of the upload.
pub fn assert_no_exif(bytes: &[u8]) {
    assert!(!contains(bytes, b"Exif"), "an Exif block was stored");
    assert!(!contains(bytes, b"MM\x00\x2a"), "a TIFF header was stored");
    assert!(!contains(bytes, &GPS_MARK), "the GPS latitude was stored");
    assert!(
        !contains(bytes, b"http://ns.adobe.com/xap"),
        "XMP was stored"
    );
}

/// A fresh folder in the test bucket for each test, so tests can count files.
pub fn s3_storage() -> Option<MediaStorage> {
    let endpoint = std::env::var("GAZETTE_TEST_S3_ENDPOINT").ok()?;
    let unique = format!(
        "test-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    );
    Some(
        MediaStorage::s3(&S3Config {
            bucket: std::env::var("GAZETTE_TEST_S3_BUCKET")
                .unwrap_or_else(|_| "gazette-test".into()),
            endpoint: Some(endpoint),
            region: "us-east-1".into(),
            access_key_id: "test".into(),
            secret_access_key: "test".into(),
            prefix: Some(unique),
        })
        .unwrap(),
    )
}

pub fn png(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    DynamicImage::ImageRgb8(RgbImage::new(width, height))
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

/// PNG's chunk checksum, so the forged header is a valid one.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A valid PNG header claiming 30000×30000 pixels (900 megapixels) over a tiny file.
pub fn pixel_bomb_png() -> Vec<u8> {
    let mut b = png(1, 1);
    b[16..20].copy_from_slice(&30000u32.to_be_bytes());
    b[20..24].copy_from_slice(&30000u32.to_be_bytes());
    let crc = crc32(&b[12..29]);
    b[29..33].copy_from_slice(&crc.to_be_bytes());
    b
}
