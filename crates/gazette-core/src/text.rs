//! Small pieces of text the pages print: shortened headlines, date lines, counts, initials, and
//! text as a part of a URL.

use std::borrow::Cow;

use chrono::{DateTime, Datelike, Utc};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::Language;

/// Shortens `text` to at most `max_chars` characters on a word boundary, ending with "...".
/// Text that already fits is returned unchanged.
pub fn shorten(text: &str, max_chars: usize) -> String {
    const ELLIPSIS: &str = "...";
    let text = text.trim();
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let budget = max_chars.saturating_sub(ELLIPSIS.len() + 1);
    let cut = text
        .char_indices()
        .nth(budget)
        .map_or(text.len(), |(index, _)| index);
    let head = &text[..cut];
    // Cut at the last space if there is one; a single enormous word is cut where it is.
    let head = match head.rfind(char::is_whitespace) {
        Some(space) if space > 0 => &head[..space],
        _ => head,
    };
    let head = head.trim_end_matches(|c: char| c.is_whitespace() || ",;:–—-".contains(c));
    format!("{head} {ELLIPSIS}")
}

const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const MONTHS_UK: [&str; 12] = [
    "січ.",
    "лют.",
    "бер.",
    "квіт.",
    "трав.",
    "черв.",
    "лип.",
    "серп.",
    "вер.",
    "жовт.",
    "лист.",
    "груд.",
];

/// The date line's date: `29 Apr, 2024` in English, `29 квіт., 2024` in Ukrainian.
pub fn date_line(language: Language, at: DateTime<Utc>) -> String {
    let months = match language {
        Language::UK => &MONTHS_UK,
        _ => &MONTHS_EN,
    };
    let month = months[at.month0() as usize];
    format!("{} {month}, {}", at.day(), at.year())
}

/// A count with thousands grouped: `12,345` in English, `12 345` (narrow no-break space) in
/// Ukrainian.
pub fn group_thousands(language: Language, n: i64) -> String {
    let separator = match language {
        Language::UK => "\u{202f}",
        _ => ",",
    };
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(separator);
        }
        out.push(digit);
    }
    out
}

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    // Writing to a String cannot fail.
    let _ = write_escaped_html(&mut out, text);
    out
}

/// Writes `text` escaped as [`escape_html`] does. Templates print a great deal of text with
/// nothing to escape, so the text is checked sixteen bytes at a time (a check the compiler turns
/// into vector instructions) and clean runs are copied whole.
pub fn write_escaped_html(out: &mut impl std::fmt::Write, text: &str) -> std::fmt::Result {
    const CHUNK: usize = 16;
    let bytes = text.as_bytes();
    let mut run_start = 0;
    for (chunk_index, chunk) in bytes.chunks(CHUNK).enumerate() {
        if !chunk
            .iter()
            .fold(false, |found, &b| found | html_entity(b).is_some())
        {
            continue;
        }
        let chunk_start = chunk_index * CHUNK;
        for (offset, &byte) in chunk.iter().enumerate() {
            if let Some(entity) = html_entity(byte) {
                let i = chunk_start + offset;
                // ASCII bytes are always char boundaries, so these slices are whole characters.
                out.write_str(&text[run_start..i])?;
                out.write_str(entity)?;
                run_start = i + 1;
            }
        }
    }
    out.write_str(&text[run_start..])
}

#[inline(always)]
fn html_entity(byte: u8) -> Option<&'static str> {
    match byte {
        b'&' => Some("&amp;"),
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        b'"' => Some("&quot;"),
        b'\'' => Some("&#39;"),
        _ => None,
    }
}

/// Characters percent-encoded in a part of a URL (a query value, a path segment, the label of an
/// `otpauth://` address): everything but RFC 3986's unreserved characters, so that nothing in the
/// text can end the part early, and a space is `%20`, which every reader of URLs takes.
pub const URL_PART: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `text` percent-encoded as one part of a URL (see [`URL_PART`]).
pub fn url_encode(text: &str) -> Cow<'_, str> {
    utf8_percent_encode(text, URL_PART).into()
}

/// Up to two initials for an avatar placeholder: "Olena Marchenko" → "OM".
pub fn initials(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let pick = |w: &&str| {
        w.chars()
            .next()
            .map(|c| c.to_uppercase().collect::<String>())
    };
    match words.as_slice() {
        [] => String::new(),
        [only] => pick(only).unwrap_or_default(),
        [first, .., last] => format!(
            "{}{}",
            pick(first).unwrap_or_default(),
            pick(last).unwrap_or_default()
        ),
    }
}

/// The text of sanitised HTML on one line: tags become spaces, the entities the sanitiser writes
/// are decoded, runs of whitespace become one space. For meta descriptions and feed summaries.
pub fn html_to_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for ch in html.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(ch),
            _ => {}
        }
    }
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Kyiv's offset from UTC at `at`: two hours, three in summer time (Ukraine keeps the European
/// rule: from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October).
pub fn kyiv_offset(at: DateTime<Utc>) -> chrono::FixedOffset {
    use chrono::{NaiveDate, Offset, TimeZone};
    let last_sunday_0100 = |month: u32| {
        let next_month_first = if month == 12 {
            NaiveDate::from_ymd_opt(at.year() + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(at.year(), month + 1, 1)
        };
        next_month_first
            .and_then(|d| d.pred_opt())
            .map(|last| {
                let back = last.weekday().num_days_from_sunday();
                last - chrono::Days::new(u64::from(back))
            })
            .and_then(|sunday| sunday.and_hms_opt(1, 0, 0))
            .map(|t| Utc.from_utc_datetime(&t))
    };
    let summer = match (last_sunday_0100(3), last_sunday_0100(10)) {
        (Some(start), Some(end)) => at >= start && at < end,
        _ => false,
    };
    let hours = if summer { 3 } else { 2 };
    chrono::FixedOffset::east_opt(hours * 3600).unwrap_or_else(|| Utc.fix())
}

/// The clock time of `at` in Kyiv, `14:05`: what a live blog's entries show.
pub fn kyiv_clock(at: DateTime<Utc>) -> String {
    at.with_timezone(&kyiv_offset(at))
        .format("%H:%M")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn url_parts_keep_only_unreserved_characters() {
        assert_eq!(url_encode("Kyiv & Odesa"), "Kyiv%20%26%20Odesa");
        assert_eq!(url_encode("/newsroom?x=1#y"), "%2Fnewsroom%3Fx%3D1%23y");
        assert_eq!(url_encode("a-b.c_d~e+f"), "a-b.c_d~e%2Bf");
        assert_eq!(url_encode("п’ять"), "%D0%BF%E2%80%99%D1%8F%D1%82%D1%8C");
        assert!(matches!(url_encode("plain"), Cow::Borrowed("plain")));
    }

    #[test]
    fn html_escaping_replaces_the_five_special_characters_and_keeps_the_rest() {
        assert_eq!(
            escape_html(r#"Київ & "Kharkiv" <b>'s</b>"#),
            "Київ &amp; &quot;Kharkiv&quot; &lt;b&gt;&#39;s&lt;/b&gt;"
        );
        assert_eq!(escape_html("Одеса — порт"), "Одеса — порт");
        assert_eq!(escape_html("&"), "&amp;");
        assert_eq!(escape_html(""), "");
        // Special characters at the edges of the sixteen-byte chunks the escaper checks at once.
        let long = format!("{}&{}<", "a".repeat(15), "b".repeat(15));
        assert_eq!(
            escape_html(&long),
            format!("{}&amp;{}&lt;", "a".repeat(15), "b".repeat(15))
        );
    }

    #[test]
    fn short_headlines_are_left_alone() {
        assert_eq!(shorten("Kyiv in spring", 40), "Kyiv in spring");
    }

    #[test]
    fn long_headlines_are_cut_on_a_word_and_end_with_dots() {
        let headline = "The Ministry of Defence has signed a contract for the construction of a service centre";
        let short = shorten(headline, 45);
        assert_eq!(short, "The Ministry of Defence has signed a ...");
        assert!(short.chars().count() <= 45);
    }

    #[test]
    fn shortening_drops_dangling_punctuation() {
        assert_eq!(
            shorten("Sanctions: defence industry, parties and banks", 34),
            "Sanctions: defence industry ..."
        );
    }

    #[test]
    fn shortening_counts_characters_not_bytes() {
        let short = shorten("Україна та Хорватія домовилися про використання портів", 30);
        assert!(short.chars().count() <= 30, "{short}");
        assert!(short.ends_with("..."));
    }

    #[test]
    fn the_date_line_reads_like_a_newspaper() {
        let at = Utc.with_ymd_and_hms(2024, 4, 29, 10, 0, 0).unwrap();
        assert_eq!(date_line(Language::EN, at), "29 Apr, 2024");
        assert_eq!(date_line(Language::UK, at), "29 квіт., 2024");
    }

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(group_thousands(Language::EN, 0), "0");
        assert_eq!(group_thousands(Language::EN, 194), "194");
        assert_eq!(group_thousands(Language::EN, 1234567), "1,234,567");
        assert_eq!(group_thousands(Language::UK, 12345), "12\u{202f}345");
    }

    #[test]
    fn initials_take_the_first_and_last_names() {
        assert_eq!(initials("Olena Marchenko"), "OM");
        assert_eq!(initials("Jean Claude van Damme"), "JD");
        assert_eq!(initials("Staff"), "S");
        assert_eq!(initials("  "), "");
    }

    #[test]
    fn kyiv_keeps_summer_time_from_the_last_sunday_of_march_to_that_of_october() {
        use chrono::TimeZone;
        let winter = Utc.with_ymd_and_hms(2026, 1, 15, 12, 0, 0).unwrap();
        assert_eq!(kyiv_clock(winter), "14:00");
        // Summer time in 2026 runs from 29 March 01:00 UTC to 25 October 01:00 UTC.
        let before = Utc.with_ymd_and_hms(2026, 3, 29, 0, 59, 0).unwrap();
        let after = Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap();
        assert_eq!(kyiv_clock(before), "02:59");
        assert_eq!(kyiv_clock(after), "04:00");
        let autumn = Utc.with_ymd_and_hms(2026, 10, 25, 0, 30, 0).unwrap();
        assert_eq!(kyiv_clock(autumn), "03:30");
        let back = Utc.with_ymd_and_hms(2026, 10, 25, 1, 30, 0).unwrap();
        assert_eq!(kyiv_clock(back), "03:30");
    }
}
