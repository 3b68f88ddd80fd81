//! Small pieces of text the pages print: shortened headlines, initials, and text as a part of a
//! URL. Words, dates and counts in a reader's language come from the web crate's Fluent locales.

use std::borrow::Cow;

use chrono::{DateTime, Datelike, Utc};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Shortens `text` to at most `max_chars` characters on a word boundary, ending with "...".
/// Text that already fits is returned unchanged.
///
/// Words are counted in characters, not bytes, so Cyrillic is cut as Latin is. A no-break space
/// (Ukrainian typography puts one after "5" in "5 тисяч" and before a dash) joins its neighbours:
/// the cut is never made there. A single word longer than the room is cut where it is.
pub fn shorten(text: &str, max_chars: usize) -> String {
    const ELLIPSIS: &str = "...";
    // Left dangling before the dots: list punctuation, dashes, and quotes or brackets that open.
    const DANGLING: &str = ",;:–—-«„“‘([";
    let text = text.trim();
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    // Room for the words, a space and the dots.
    let budget = max_chars.saturating_sub(ELLIPSIS.len() + 1);
    let (cut, next) = text
        .char_indices()
        .nth(budget)
        .map_or((text.len(), None), |(index, c)| (index, Some(c)));
    let head = &text[..cut];
    let head = if next.is_some_and(is_word_break) {
        // The room ends exactly after a word: keep it.
        head
    } else {
        match head.rfind(is_word_break) {
            Some(space) if space > 0 => &head[..space],
            _ => head,
        }
    };
    let head = head.trim_end_matches(|c: char| c.is_whitespace() || DANGLING.contains(c));
    if head.is_empty() {
        return ELLIPSIS.to_owned();
    }
    format!("{head} {ELLIPSIS}")
}

/// Whitespace a line may break at: any but the no-break spaces.
fn is_word_break(c: char) -> bool {
    c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{2007}' | '\u{202f}')
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

    /// The shortened text is the original's first whole words: what precedes " ..." is followed
    /// in the original by a space.
    fn assert_cut_on_a_word(original: &str, short: &str, max_chars: usize) {
        assert!(
            short.chars().count() <= max_chars,
            "{short:?} is over {max_chars}"
        );
        let head = short.strip_suffix(" ...").expect("ends with \" ...\"");
        assert!(
            original.starts_with(head),
            "{short:?} is not the start of {original:?}"
        );
        let rest = &original[head.len()..];
        assert!(
            rest.starts_with(|c: char| c == ' ' || ",;:".contains(c)),
            "{short:?} cuts a word of {original:?}"
        );
    }

    #[test]
    fn ukrainian_headlines_are_cut_between_words() {
        let headline = "Укренерго попереджає про нові відключення світла в Києві та області";
        let short = shorten(headline, 40);
        assert_eq!(short, "Укренерго попереджає про нові ...");
        assert_cut_on_a_word(headline, &short, 40);

        // From room for the first word ("Укренерго" and " ...") to the whole headline but one.
        for max in 13..headline.chars().count() {
            assert_cut_on_a_word(headline, &shorten(headline, max), max);
        }
    }

    #[test]
    fn a_word_that_ends_exactly_at_the_limit_is_kept() {
        // 29 characters of words, then the space: all four words fit with " ...".
        let headline = "Зеленський провів переговори з Макроном";
        assert_eq!(shorten(headline, 33), "Зеленський провів переговори ...");
        assert_eq!(shorten("Kyiv in spring rain", 18), "Kyiv in spring ...");
    }

    #[test]
    fn a_no_break_space_holds_its_words_together() {
        // "5 тисяч" is one unit with a no-break space; the cut goes before it, not inside it.
        let headline = "Україна отримала 5\u{a0}тисяч нових генераторів";
        let short = shorten(headline, 24);
        assert_eq!(short, "Україна отримала ...");
    }

    #[test]
    fn a_dash_or_colon_is_not_left_before_the_dots() {
        // The room ends right after the dash: the dash goes, the word before it stays.
        assert_eq!(
            shorten("Київ — Одеса: потяги знову курсують", 10),
            "Київ ..."
        );
        assert_eq!(
            shorten("Kyiv — Odesa: trains run again after the storm", 17),
            "Kyiv — Odesa ..."
        );
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
