//! The media library end to end, on a real database and real storage: a folder always, and an
//! S3-compatible server when `GAZETTE_TEST_S3_ENDPOINT` names one (`.ci/run` starts moto).

#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use gazette_media::testing::{
    GPS_MARK, assert_no_exif, contains, phone_photo_with_gps, pixel_bomb_png, png, s3_storage,
};
use gazette_media::{ImageDetails, Limits, MediaError, MediaLibrary, MediaStorage};
use gazette_store::testing::TestDatabase;
use gazette_store::{Backend, PageRequest};

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
    let bomb = pixel_bomb_png();
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

#[tokio::test]
async fn files_left_by_a_crash_are_swept_and_used_files_stay() {
    for setup in setups().await {
        let media = setup
            .library
            .add_image_from_bytes(png(400, 200), ImageDetails::default())
            .await
            .unwrap();
        // As if the process died after writing a file and before recording it.
        let storage = setup.library.storage();
        storage
            .put("00000000000000000000dead-320.png", vec![1, 2, 3])
            .await
            .unwrap();
        assert_eq!(
            setup
                .library
                .sweep_orphans(chrono::Duration::hours(1))
                .await
                .unwrap(),
            0,
            "a file younger than the grace period may be an upload in progress"
        );
        assert_eq!(
            setup
                .library
                .sweep_orphans(chrono::Duration::seconds(-5))
                .await
                .unwrap(),
            1
        );
        let mut keys = storage.keys().await.unwrap();
        keys.sort();
        let mut expected: Vec<_> = media.variants.iter().map(|v| v.key.clone()).collect();
        expected.sort();
        assert_eq!(keys, expected);
    }
}
