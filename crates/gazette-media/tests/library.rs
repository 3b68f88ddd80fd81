//! The media library end to end, on a real database and real storage: a folder always, and an
//! S3-compatible server when `GAZETTE_TEST_S3_ENDPOINT` names one (`.ci/run` starts moto).

#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use gazette_media::{ImageDetails, Limits, MediaError, MediaLibrary, MediaStorage, S3Config};
use gazette_store::testing::TestDatabase;
use gazette_store::{Backend, PageRequest};
use image::{DynamicImage, ImageEncoder, Rgb, RgbImage};

/// A value no encoder would produce by chance: the latitude's numerator in the test's EXIF.
const GPS_MARK: [u8; 4] = [0x0B, 0xAD, 0xF0, 0x0D];

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

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
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

fn png(width: u32, height: u32) -> Vec<u8> {
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

struct Setup {
    library: MediaLibrary,
    _db: TestDatabase,
    _dir: Option<tempfile::TempDir>,
}

async fn setups() -> Vec<Setup> {
    let mut out = Vec::new();
    let limits = Limits {
        max_bytes: 2 * 1024 * 1024,
        max_pixels: 4_000_000,
    };
    let db = TestDatabase::new(Backend::Sqlite).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let storage = MediaStorage::local(&dir.path().join("media")).unwrap();
    out.push(Setup {
        library: MediaLibrary::new(storage, db.store.clone(), limits),
        _db: db,
        _dir: Some(dir),
    });
    if let Some(storage) = s3_storage() {
        let db = TestDatabase::new(Backend::Sqlite).await.unwrap();
        out.push(Setup {
            library: MediaLibrary::new(storage, db.store.clone(), limits),
            _db: db,
            _dir: None,
        });
    } else {
        eprintln!("S3 part skipped: set GAZETTE_TEST_S3_ENDPOINT (and _BUCKET) to run it");
    }
    out
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

#[tokio::test]
async fn a_phone_photo_is_stored_upright_without_its_gps_position() {
    for setup in setups().await {
        let photo = phone_photo_with_gps();
        assert!(contains(&photo, &GPS_MARK));
        let media = setup
            .library
            .add_image_from_bytes(
                photo,
                ImageDetails {
                    filename: "IMG_0001.jpg".into(),
                    alt: "A test pattern".into(),
                    ..ImageDetails::default()
                },
            )
            .await
            .unwrap();
        // Stored sideways, shown upright: the EXIF orientation was applied.
        assert_eq!((media.width, media.height), (32, 64));
        assert_eq!(media.mime, "image/jpeg");
        let formats: Vec<_> = media.variants.iter().map(|v| v.format.as_str()).collect();
        assert_eq!(formats, ["webp", "jpeg"]);
        let keys = setup.library.storage().keys().await.unwrap();
        assert_eq!(keys.len(), 2);
        for key in keys {
            let bytes = setup.library.storage().get(&key).await.unwrap().unwrap();
            assert_no_exif(&bytes);
            let stored = image::load_from_memory(&bytes).unwrap();
            assert_eq!((stored.width(), stored.height()), (32, 64));
        }
    }
}

#[tokio::test]
async fn a_large_image_gets_every_width_up_to_1920_and_is_never_upscaled() {
    for setup in setups().await {
        let media = setup
            .library
            .add_image_from_bytes(png(2000, 1000), ImageDetails::default())
            .await
            .unwrap();
        let widths: Vec<_> = media
            .variants
            .iter()
            .filter(|v| v.format == "png")
            .map(|v| (v.width, v.height))
            .collect();
        assert_eq!(
            widths,
            [(320, 160), (640, 320), (960, 480), (1280, 640), (1920, 960)]
        );
        assert_eq!(setup.library.storage().keys().await.unwrap().len(), 10);
    }
}

#[tokio::test]
async fn refused_uploads_say_why_and_leave_nothing_behind() {
    let mut truncated = phone_photo_with_gps();
    truncated.truncate(truncated.len() - 40);
    let bomb = {
        // A valid PNG header claiming 30000×30000 pixels: refused before decoding.
        let mut b = png(1, 1);
        b[16..20].copy_from_slice(&30000u32.to_be_bytes());
        b[20..24].copy_from_slice(&30000u32.to_be_bytes());
        let crc = crc32(&b[12..29]);
        b[29..33].copy_from_slice(&crc.to_be_bytes());
        b
    };
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "svg",
            br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#.to_vec(),
            "SVG",
        ),
        ("text", b"Dear editor, here is my story.".to_vec(), "not an image"),
        ("empty", Vec::new(), "empty"),
        ("truncated", truncated, "truncated"),
        ("oversize", vec![0xFF; 3 * 1024 * 1024], "at most 2 MB"),
        ("bomb", bomb, "too many pixels"),
    ];
    for setup in setups().await {
        for (name, bytes, message) in &cases {
            let err = setup
                .library
                .add_image_from_bytes(bytes.clone(), ImageDetails::default())
                .await
                .unwrap_err();
            match err {
                MediaError::Refused(text) => {
                    assert!(text.contains(message), "{name}: {text}")
                }
                other => panic!("{name}: not a refusal: {other:?}"),
            }
        }
        assert!(setup.library.storage().keys().await.unwrap().is_empty());
        let store: Arc<dyn gazette_store::Store> = setup._db.store.clone();
        assert_eq!(
            store
                .media_list(PageRequest::new(1, 10))
                .await
                .unwrap()
                .total,
            0
        );
    }
}
