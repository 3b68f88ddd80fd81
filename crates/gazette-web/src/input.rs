//! What comes in from the network, checked once at the edge before any handler sees it.
//!
//! Control characters have no place in an address or a form field a person typed, and they break
//! things further in: PostgreSQL refuses a NUL in text (a 500 for any slug, feed or search filter
//! carrying `%00`), SQLite stores it, and a CR or LF in a sign-in link's `next=` ended in a panic
//! building the redirect. So, for every request:
//! - a path or query string that decodes to a control character, or to bytes that are not UTF-8,
//!   is refused with the themed 400 page;
//! - a URL-encoded form has its control characters removed (tab, line feed and carriage return
//!   stay: they are how text areas send line breaks), so a headline pasted from a word processor
//!   with a stray form feed still saves. That includes Unicode's C1 controls (U+0080–U+009F):
//!   text pasted from old Windows documents carries them, and they show as boxes or vanish
//!   depending on the reader's browser.
//!
//! Multipart uploads are left to the media handlers, which check what they store.

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

/// The largest URL-encoded form read here: axum's own limit for `Form`, so nothing that would have
/// been accepted is refused.
const FORM_LIMIT: usize = 2 * 1024 * 1024;

/// The middleware.
pub async fn clean_input(request: Request, next: Next) -> Response {
    let uri = request.uri();
    if let Err(problem) = check_text(uri.path().as_bytes()) {
        return AppError::BadRequest(format!("That address {problem}.")).into_response();
    }
    if let Some(query) = uri.query()
        && let Err(problem) = check_text(query.as_bytes())
    {
        return AppError::BadRequest(format!("That address {problem}.")).into_response();
    }
    if !is_url_encoded_form(&request) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, FORM_LIMIT).await {
        Ok(bytes) => bytes,
        Err(_) => return form_too_large(),
    };
    let cleaned = strip_unicode_controls(strip_control_characters(&bytes));
    next.run(Request::from_parts(parts, Body::from(cleaned)))
        .await
}

fn is_url_encoded_form(request: &Request) -> bool {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| {
            t.split(';').next().is_some_and(|t| {
                t.trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            })
        })
}

fn form_too_large() -> Response {
    AppError::TooLarge(
        "The form sent was larger than 2 MB. Shorten the text and send it again.".into(),
    )
    .into_response()
}

/// Whether `raw` (percent-encoded) decodes to text a person could have typed: UTF-8, without
/// control characters.
fn check_text(raw: &[u8]) -> Result<(), &'static str> {
    let decoded: std::borrow::Cow<'_, [u8]> = percent_encoding::percent_decode(raw).into();
    let text = std::str::from_utf8(&decoded).map_err(|_| "is not valid text (UTF-8)")?;
    if text.chars().any(char::is_control) {
        return Err("contains a control character");
    }
    Ok(())
}

/// Removes control characters but tab, LF and CR from a URL-encoded body, whether they came
/// percent-encoded (`%00`) or raw.
///
/// Removing one can join its neighbours into another: in `%0%000` or `%0\x001` the bytes around
/// the removed `%00` or NUL spell `%00` and `%01` again. So the check runs on what has been kept,
/// each time a byte is added: the kept text never ends in, so never contains, an encoded control
/// character, in one pass over the body.
fn strip_control_characters(body: &Bytes) -> Bytes {
    let is_dropped = |b: u8| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7f;
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(body.len());
    let mut changed = false;
    for &b in body.iter() {
        if is_dropped(b) {
            changed = true;
            continue;
        }
        out.push(b);
        if let [.., b'%', hi, lo] = out[..]
            && let (Some(hi), Some(lo)) = (hex(hi), hex(lo))
            && is_dropped((hi << 4) | lo)
        {
            out.truncate(out.len() - 3);
            changed = true;
        }
    }
    if changed {
        Bytes::from(out)
    } else {
        body.clone()
    }
}

/// Removes Unicode's C1 controls (U+0080–U+009F) from a form whose ASCII controls are gone
/// already. They are two bytes in UTF-8, which may come raw, percent-encoded or half of each, so
/// the form is decoded field by field and, only when one holds such a character, encoded again
/// without it: every other form passes through untouched, byte for byte.
fn strip_unicode_controls(body: Bytes) -> Bytes {
    let is_c1 = |c: char| ('\u{80}'..='\u{9f}').contains(&c);
    let pairs = form_urlencoded::parse(&body);
    if !pairs
        .clone()
        .any(|(k, v)| k.contains(is_c1) || v.contains(is_c1))
    {
        return body;
    }
    let mut out = form_urlencoded::Serializer::new(String::with_capacity(body.len()));
    for (key, value) in pairs {
        out.append_pair(&key.replace(is_c1, ""), &value.replace(is_c1, ""));
    }
    Bytes::from(out.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_with_control_characters_or_broken_utf8_are_refused() {
        assert!(check_text(b"/war/kyiv-%D0%BA%D0%B8%D1%97%D0%B2").is_ok());
        assert!(check_text(b"q=drones+over+kyiv&page=2").is_ok());
        assert!(check_text(b"/war/a%00b").is_err());
        assert!(check_text(b"next=%2Fnewsroom%0D%0A").is_err());
        assert!(check_text(b"/war/%FF").is_err());
        assert!(check_text(b"/war/%7F").is_err());
        // Unicode's C1 controls too.
        assert!(check_text(b"/war/%C2%85").is_err());
    }

    #[test]
    fn forms_keep_line_breaks_and_lose_other_control_characters() {
        let body = Bytes::from_static(b"headline=A%00B%0cC&body=line%0D%0Anext%09tab\x01&x=%41");
        assert_eq!(
            strip_control_characters(&body),
            Bytes::from_static(b"headline=ABC&body=line%0D%0Anext%09tab&x=%41")
        );
        let clean = Bytes::from_static(b"a=b&c=%D0%BA");
        assert_eq!(strip_control_characters(&clean), clean);
    }

    /// Control bytes a form body may not keep, raw or percent-encoded.
    fn is_dropped(b: u8) -> bool {
        (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7f
    }

    /// Whether the text the body's bytes and percent-encodings stand for, as the form decoder
    /// reads it, holds a control character other than tab, LF and CR (C1 controls included).
    fn has_dropped_control(body: &[u8]) -> bool {
        String::from_utf8_lossy(&std::borrow::Cow::from(percent_encoding::percent_decode(
            body,
        )))
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    }

    /// Both passes, as the middleware runs them.
    fn clean(body: &[u8]) -> Bytes {
        strip_unicode_controls(strip_control_characters(&Bytes::copy_from_slice(body)))
    }

    #[test]
    fn forms_lose_unicode_c1_controls_however_they_are_spelled() {
        // U+0085 (next line) percent-encoded, raw, and half and half; U+009C; then Cyrillic
        // text around them, which must come through whole.
        for body in [
            &b"headline=Kyiv%C2%85Today"[..],
            b"headline=Kyiv\xC2\x85Today",
            b"headline=Kyiv%C2\x85Today",
            b"headline=Kyiv%C2%9CToday",
        ] {
            let cleaned = clean(body);
            let fields: Vec<_> = form_urlencoded::parse(&cleaned).into_owned().collect();
            assert_eq!(
                fields,
                [("headline".to_owned(), "KyivToday".to_owned())],
                "{body:?}"
            );
        }
        let cleaned =
            clean("body=%D0%9A%D0%B8%D1%97%D0%B2%C2%85+%E2%80%94+line%0D%0Anext".as_bytes());
        let fields: Vec<_> = form_urlencoded::parse(&cleaned).into_owned().collect();
        assert_eq!(
            fields,
            [("body".to_owned(), "Київ — line\r\nnext".to_owned())]
        );
    }

    #[test]
    fn a_control_character_spelled_by_the_bytes_around_a_removed_one_is_removed_too() {
        for body in [
            &b"a=%0%000"[..],
            b"a=%0\x001",
            b"a=%%0%0000",
            b"a=%\x7f0\x001b",
        ] {
            let cleaned = strip_control_characters(&Bytes::copy_from_slice(body));
            assert!(
                !has_dropped_control(&cleaned),
                "{body:?} became {cleaned:?}"
            );
        }
    }

    /// Bytes that make form bodies interesting here: percent signs, hex digits, controls.
    fn form_bytes() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use proptest::prelude::*;
        let byte = prop_oneof![
            4 => proptest::sample::select(&b"%%%0123456789abcdefABCDEF=&+\t\n\r\x00\x01\x1f\x7f"[..]),
            1 => any::<u8>(),
        ];
        proptest::collection::vec(byte, 0..64)
    }

    proptest::proptest! {
        // The second test keeps only bodies that spell no control character, and a long run
        // (PROPTEST_CASES=100000) throws away more of them than proptest's default allows.
        #![proptest_config(proptest::test_runner::Config {
            max_global_rejects: u32::MAX,
            ..proptest::test_runner::Config::default()
        })]

        #[test]
        fn prop_a_cleaned_form_decodes_without_control_characters(
            body in proptest::prop_oneof![form_bytes(), proptest::collection::vec(proptest::prelude::any::<u8>(), 0..256)]
        ) {
            let cleaned = clean(&body);
            proptest::prop_assert!(!cleaned.iter().any(|&b| is_dropped(b)), "{body:?} kept a raw control: {cleaned:?}");
            proptest::prop_assert!(!has_dropped_control(&cleaned), "{body:?} kept an encoded control: {cleaned:?}");
        }

        #[test]
        fn prop_a_form_without_control_characters_is_unchanged(
            body in proptest::collection::vec(proptest::prop_oneof![
                proptest::sample::select(&b"%0123456789abcdefABCDEF=&+\t\n\r"[..]),
                0x20u8..0x7f,
                0x80u8..=0xff,
            ], 0..64)
        ) {
            // Only bodies that neither carry a control byte nor decode to one.
            proptest::prop_assume!(!has_dropped_control(&body));
            let cleaned = clean(&body);
            proptest::prop_assert_eq!(cleaned, Bytes::from(body));
        }
    }
}
