//! Property tests of upload processing: whatever bytes arrive (random ones, or real images cut
//! short or damaged on the way) processing never panics, and a file it cannot use is refused with
//! a message for the person who sent it, never an internal error.
//!
//! 256 cases per property (proptest's default) unless `PROPTEST_CASES` says otherwise.

#![allow(clippy::unwrap_used)]

use std::io::Cursor;
use std::sync::LazyLock;

use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
use proptest::prelude::*;

use crate::{Limits, MediaError, process};

/// Small enough that a damaged header claiming a huge picture is refused before decoding, so a
/// long run stays fast and within memory.
const LIMITS: Limits = Limits {
    max_bytes: 1024 * 1024,
    max_pixels: 1_000_000,
};

/// Real, valid files of every accepted type (and a phone photo with EXIF, whose parser is a
/// classic place for panics), made once.
static ORIGINALS: LazyLock<Vec<(&'static str, Vec<u8>)>> = LazyLock::new(|| {
    let picture = DynamicImage::ImageRgb8(RgbImage::from_fn(24, 16, |x, y| {
        Rgb([(x * 10) as u8, (y * 15) as u8, ((x + y) * 5) as u8])
    }));
    let mut files = vec![("JPEG with EXIF", crate::testing::phone_photo_with_gps())];
    for (name, format) in [
        ("PNG", ImageFormat::Png),
        ("JPEG", ImageFormat::Jpeg),
        ("GIF", ImageFormat::Gif),
        ("WebP", ImageFormat::WebP),
    ] {
        let mut bytes = Cursor::new(Vec::new());
        picture.write_to(&mut bytes, format).unwrap();
        files.push((name, bytes.into_inner()));
    }
    files
});

/// Processing either works or refuses the file with a message; anything else (a panic, an
/// internal error, a silent empty message) fails the case.
fn assert_handled(what: &str, bytes: &[u8]) -> Result<(), TestCaseError> {
    match process(bytes, &LIMITS) {
        Ok(processed) => {
            prop_assert!(processed.width > 0 && processed.height > 0, "{what}");
            prop_assert!(!processed.variants.is_empty(), "{what}");
        }
        Err(MediaError::Refused(message)) => {
            prop_assert!(
                !message.trim().is_empty(),
                "{what}: refused without a reason"
            );
        }
        Err(other) => {
            prop_assert!(false, "{what}: not a refusal but {other:?}");
        }
    }
    Ok(())
}

/// A damaged copy of one of the originals: cut short, bytes overwritten, or a run of bytes
/// dropped or repeated, as a broken upload or a hostile one might be.
#[derive(Debug, Clone)]
enum Damage {
    Truncate(prop::sample::Index),
    Overwrite(Vec<(prop::sample::Index, u8)>),
    Remove(prop::sample::Index, usize),
    Repeat(prop::sample::Index, usize),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        any::<prop::sample::Index>().prop_map(Damage::Truncate),
        proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)
            .prop_map(Damage::Overwrite),
        (any::<prop::sample::Index>(), 1usize..64).prop_map(|(at, n)| Damage::Remove(at, n)),
        (any::<prop::sample::Index>(), 1usize..64).prop_map(|(at, n)| Damage::Repeat(at, n)),
    ]
}

fn apply(original: &[u8], damage: &Damage) -> Vec<u8> {
    let mut bytes = original.to_vec();
    match damage {
        Damage::Truncate(at) => bytes.truncate(at.index(original.len())),
        Damage::Overwrite(changes) => {
            for (at, value) in changes {
                bytes[at.index(original.len())] = *value;
            }
        }
        Damage::Remove(at, n) => {
            let start = at.index(original.len());
            bytes.drain(start..(start + n).min(original.len()));
        }
        Damage::Repeat(at, n) => {
            let start = at.index(original.len());
            let run = original[start..(start + n).min(original.len())].to_vec();
            bytes.splice(start..start, run);
        }
    }
    bytes
}

#[test]
fn the_undamaged_originals_are_accepted() {
    for (name, bytes) in ORIGINALS.iter() {
        assert!(process(bytes, &LIMITS).is_ok(), "{name}");
    }
}

proptest! {
    #[test]
    fn prop_arbitrary_bytes_are_refused_with_a_reason(
        bytes in proptest::collection::vec(any::<u8>(), 0..2048)
    ) {
        assert_handled("random bytes", &bytes)?;
    }

    #[test]
    fn prop_bytes_behind_a_real_signature_are_refused_with_a_reason(
        signature in proptest::sample::select(vec![
            &b"\x89PNG\r\n\x1a\n"[..],
            b"\xff\xd8\xff\xe0",
            b"\xff\xd8\xff\xe1",
            b"GIF89a",
            b"RIFF\x00\x00\x00\x00WEBPVP8L",
            b"RIFF\x00\x00\x00\x00WEBPVP8X",
        ]),
        rest in proptest::collection::vec(any::<u8>(), 0..512)
    ) {
        let bytes = [signature, &rest].concat();
        assert_handled("random bytes after an image signature", &bytes)?;
    }

    #[test]
    fn prop_damaged_real_images_are_processed_or_refused_with_a_reason(
        which in any::<prop::sample::Index>(),
        damage in damage()
    ) {
        let (name, original) = &ORIGINALS[which.index(ORIGINALS.len())];
        let bytes = apply(original, &damage);
        assert_handled(&format!("{name} with {damage:?}"), &bytes)?;
    }
}
