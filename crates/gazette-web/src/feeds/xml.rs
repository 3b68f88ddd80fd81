//! Writing XML text safely: every value goes through [`escape`], which also drops the characters
//! XML 1.0 cannot carry at all (a stray control character pasted into a headline would otherwise
//! make the whole feed unreadable).

/// Escapes text for an XML element or a double-quoted attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // A raw CR is read back as a line feed by a conforming reader (XML 1.0 section
            // 2.11) but kept by others, feed-rs among them; written as a reference it reads back
            // as a CR everywhere.
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
    out
}

/// XML 1.0's `Char` production, less the whitespace handled above.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// `<name>text</name>`, escaped.
pub fn element(out: &mut String, name: &str, text: &str) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    out.push_str(&escape(text));
    out.push_str("</");
    out.push_str(name);
    out.push_str(">\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_forbidden_characters_cannot_escape_their_element() {
        assert_eq!(
            escape("<b>\"Kyiv\" & 'Odesa'</b>\u{0}\u{1b}"),
            "&lt;b&gt;&quot;Kyiv&quot; &amp; &apos;Odesa&apos;&lt;/b&gt;"
        );
        assert_eq!(escape("п’ять"), "п’ять");
        assert_eq!(escape("a\r\nb\tc"), "a&#13;\nb\tc");
    }
}
