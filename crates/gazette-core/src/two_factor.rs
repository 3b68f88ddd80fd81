//! Two-factor sign-in: time-based one-time codes (TOTP, RFC 6238: HMAC-SHA1, 30-second steps,
//! 6 digits), as made by any authenticator app, and one-time recovery codes for when the phone is
//! lost. Pure functions; the store keeps the secrets and the hashes of the recovery codes.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::text::url_encode;

/// Seconds each code is valid for.
pub const STEP_SECONDS: i64 = 30;
/// Digits in a code.
pub const DIGITS: u32 = 6;
/// Bytes of a new secret: 160 bits, as RFC 4226 recommends.
pub const SECRET_BYTES: usize = 20;
/// Recovery codes made at a time.
pub const RECOVERY_CODES: usize = 10;
/// Codes from this many steps either side of now are accepted, for clocks that drift a little.
const SKEW_STEPS: i64 = 1;

/// Recovery codes use Crockford's alphabet: no i, l, o or u to misread.
const RECOVERY_ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
const RECOVERY_LEN: usize = 16;

/// RFC 4648 base32 without padding, as authenticator apps expect a secret.
pub fn base32_encode(bytes: &[u8]) -> String {
    data_encoding::BASE32_NOPAD.encode(bytes)
}

/// Reads base32, ignoring case, spaces, hyphens and padding; `None` on any other character, or
/// on a length no encoding produces.
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let compact: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '='))
        .collect();
    data_encoding::BASE32_NOPAD_NOCASE
        .decode(compact.as_bytes())
        .ok()
}

/// A new random secret, base32.
pub fn new_secret() -> String {
    let mut bytes = [0u8; SECRET_BYTES];
    OsRng.fill_bytes(&mut bytes);
    base32_encode(&bytes)
}

/// The secret in groups of four, for typing into an app by hand.
pub fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The 30-second step `at` falls in.
pub fn step_at(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(STEP_SECONDS)
}

/// The code for one step (RFC 4226 HOTP with the step as counter).
pub fn code_at_step(secret: &[u8], step: i64) -> u32 {
    let Ok(mut mac) = Hmac::<sha1::Sha1>::new_from_slice(secret) else {
        // HMAC takes keys of any length; this cannot happen.
        return u32::MAX;
    };
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let value = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    value % 10u32.pow(DIGITS)
}

/// The code an app shows at `at`, zero-padded.
pub fn code_at(secret_base32: &str, at: DateTime<Utc>) -> Option<String> {
    let secret = base32_decode(secret_base32)?;
    Some(format!("{:06}", code_at_step(&secret, step_at(at))))
}

/// What someone typed at the second sign-in step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeInput {
    /// Six digits from an authenticator app.
    Totp(u32),
    /// A recovery code, normalised (see [`normalise_recovery_code`]).
    Recovery(String),
    Invalid,
}

impl CodeInput {
    pub fn parse(input: &str) -> Self {
        let compact: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if compact.len() == DIGITS as usize && compact.bytes().all(|b| b.is_ascii_digit()) {
            return compact.parse().map_or(Self::Invalid, Self::Totp);
        }
        match normalise_recovery_code(input) {
            Some(code) => Self::Recovery(code),
            None => Self::Invalid,
        }
    }
}

/// Checks a code against the secret around `now`. Returns the step it belongs to, which must be
/// later than `last_step` (the last code accepted), so that a code cannot be used twice.
pub fn verify(
    secret_base32: &str,
    code: u32,
    now: DateTime<Utc>,
    last_step: Option<i64>,
) -> Option<i64> {
    let secret = base32_decode(secret_base32)?;
    let current = step_at(now);
    let mut found = None;
    // Every candidate is computed, whichever matches, so timing tells nothing.
    for step in current - SKEW_STEPS..=current + SKEW_STEPS {
        let expected = code_at_step(&secret, step);
        if expected == code && found.is_none() && last_step.is_none_or(|last| step > last) {
            found = Some(step);
        }
    }
    found
}

/// The `otpauth://` address an authenticator app reads (from a QR code or pasted).
pub fn otpauth_uri(issuer: &str, account: &str, secret_base32: &str) -> String {
    // A space in the site's name is `%20` (not `+`); `@` or `:` in an account cannot end a part.
    let issuer = url_encode(issuer);
    let account = url_encode(account);
    format!(
        "otpauth://totp/{issuer}:{account}?secret={secret_base32}&issuer={issuer}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}"
    )
}

/// New recovery codes as shown to the person: `xxxx-xxxx-xxxx-xxxx`, 80 random bits each.
pub fn new_recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0u8; RECOVERY_LEN];
            OsRng.fill_bytes(&mut bytes);
            let chars: Vec<char> = bytes
                .iter()
                .map(|b| char::from(RECOVERY_ALPHABET[usize::from(b & 31)]))
                .collect();
            chars
                .chunks(4)
                .map(|c| c.iter().collect::<String>())
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect()
}

/// A recovery code as typed, made comparable: lowercase, without spaces or hyphens, with the
/// letters people confuse with digits read as those digits. `None` if it cannot be one.
pub fn normalise_recovery_code(input: &str) -> Option<String> {
    let code: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_lowercase() {
            'i' | 'l' => '1',
            'o' => '0',
            c => c,
        })
        .collect();
    (code.len() == RECOVERY_LEN && code.bytes().all(|b| RECOVERY_ALPHABET.contains(&b)))
        .then_some(code)
}

/// What the store keeps of a recovery code: its SHA-256 (the code has 80 random bits, so a
/// fast hash is enough to make a copy of the database useless for signing in).
pub fn recovery_code_hash(normalised: &str) -> String {
    data_encoding::HEXLOWER.encode(&Sha256::digest(normalised.as_bytes()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use chrono::TimeZone;

    /// The RFC 6238 appendix B secret for SHA-1.
    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn codes_match_the_rfc_6238_test_vectors() {
        // The RFC lists 8 digits; the last 6 are what a 6-digit app shows.
        for (time, eight) in [
            (59, 94_287_082u32),
            (1_111_111_109, 7_081_804),
            (1_111_111_111, 14_050_471),
            (1_234_567_890, 89_005_924),
            (2_000_000_000, 69_279_037),
            (20_000_000_000, 65_353_130),
        ] {
            let at = Utc.timestamp_opt(time, 0).unwrap();
            assert_eq!(
                code_at_step(RFC_SECRET, step_at(at)),
                eight % 1_000_000,
                "at {time}"
            );
        }
    }

    #[test]
    fn base32_round_trips_and_reads_what_people_type() {
        assert_eq!(base32_encode(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32_decode("mzxw 6ytb-oi==").unwrap(), b"foobar");
        assert!(base32_decode("not base32!").is_none());
        assert!(
            base32_decode("MZXW6YTBO").is_none(),
            "a length no encoder writes"
        );
        // RFC 4648 section 10, unpadded.
        for (plain, encoded) in [
            ("", ""),
            ("f", "MY"),
            ("fo", "MZXQ"),
            ("foo", "MZXW6"),
            ("foob", "MZXW6YQ"),
            ("fooba", "MZXW6YTB"),
        ] {
            assert_eq!(base32_encode(plain.as_bytes()), encoded);
            assert_eq!(base32_decode(encoded).unwrap(), plain.as_bytes());
        }
        let secret = new_secret();
        assert_eq!(secret.len(), 32);
        assert_eq!(base32_decode(&secret).unwrap().len(), SECRET_BYTES);
        assert_ne!(secret, new_secret());
    }

    #[test]
    fn a_code_is_accepted_around_now_and_only_once() {
        let secret = base32_encode(RFC_SECRET);
        let now = Utc.timestamp_opt(1_111_111_111, 0).unwrap();
        let code: u32 = code_at(&secret, now).unwrap().parse().unwrap();
        let step = verify(&secret, code, now, None).unwrap();
        assert_eq!(step, step_at(now));
        assert_eq!(
            verify(&secret, code, now, Some(step)),
            None,
            "the same code again is refused"
        );
        let later = now + chrono::Duration::seconds(30);
        assert!(
            verify(&secret, code, later, None).is_some(),
            "one step late is fine"
        );
        let much_later = now + chrono::Duration::seconds(120);
        assert!(verify(&secret, code, much_later, None).is_none());
        assert!(verify(&secret, (code + 1) % 1_000_000, now, None).is_none());
    }

    #[test]
    fn recovery_codes_are_kept_as_their_sha256_in_hex() {
        assert_eq!(
            recovery_code_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn typed_codes_are_told_apart() {
        assert_eq!(CodeInput::parse(" 123 456 "), CodeInput::Totp(123_456));
        assert_eq!(CodeInput::parse("012345"), CodeInput::Totp(12_345));
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        assert_eq!(codes[0].len(), 19);
        let typed = codes[0].to_uppercase().replace('-', " ");
        assert_eq!(
            CodeInput::parse(&typed),
            CodeInput::Recovery(codes[0].replace('-', ""))
        );
        assert_eq!(CodeInput::parse("hello"), CodeInput::Invalid);
        assert_eq!(CodeInput::parse(""), CodeInput::Invalid);
    }

    #[test]
    fn the_otpauth_address_names_the_site_and_account() {
        let uri = otpauth_uri("The Dnipro Dispatch", "olena@news.test", "MZXW6YTBOI");
        assert_eq!(
            uri,
            "otpauth://totp/The%20Dnipro%20Dispatch:olena%40news.test?secret=MZXW6YTBOI&issuer=The%20Dnipro%20Dispatch&algorithm=SHA1&digits=6&period=30"
        );
        let uri = otpauth_uri("Київ & Co", "a+b:c~d_e.f-g", "MZXW6YTBOI");
        assert!(
            uri.starts_with(
                "otpauth://totp/%D0%9A%D0%B8%D1%97%D0%B2%20%26%20Co:a%2Bb%3Ac~d_e.f-g?secret="
            ),
            "{uri}"
        );
    }
}
