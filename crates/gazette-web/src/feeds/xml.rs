//! Writing feeds and sitemaps as XML with `quick-xml`'s writer, one element per line.
//!
//! quick-xml writes the markup and escapes `<`, `>`, `&` and quotes; two things it leaves to us
//! are done in [`escape`] first: the characters XML 1.0 cannot carry at all are dropped (a stray
//! control character pasted into a headline would otherwise make the whole feed unreadable), and
//! a carriage return is written as a character reference.

use quick_xml::Writer;
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

/// Escapes text for an XML element or a double-quoted attribute.
pub fn escape(text: &str) -> String {
    let carried: String = text.chars().filter(|&c| is_xml_char(c)).collect();
    // A raw CR is read back as a line feed by a conforming reader (XML 1.0 section 2.11) but
    // kept by others, feed-rs among them; written as a reference it reads back as a CR everywhere.
    quick_xml::escape::escape(carried).replace('\r', "&#13;")
}

/// XML 1.0's `Char` production.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// An XML document being written, each element on a line of its own.
pub struct XmlWriter {
    writer: Writer<Vec<u8>>,
}

impl XmlWriter {
    /// A document of about `capacity` bytes, opened with its XML declaration.
    pub fn new(capacity: usize) -> Self {
        let mut xml = Self {
            writer: Writer::new(Vec::with_capacity(capacity)),
        };
        xml.write(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
        xml.line_end();
        xml
    }

    /// `<name attributes…>` and a line end: an element whose children follow.
    pub fn start(&mut self, name: &str, attributes: &[(&str, &str)]) {
        self.write(Event::Start(tag(name, attributes)));
        self.line_end();
    }

    /// `</name>` and a line end.
    pub fn end(&mut self, name: &str) {
        self.write(Event::End(BytesEnd::new(name)));
        self.line_end();
    }

    /// `<name attributes…/>`.
    pub fn empty(&mut self, name: &str, attributes: &[(&str, &str)]) {
        self.write(Event::Empty(tag(name, attributes)));
        self.line_end();
    }

    /// `<name>text</name>`, escaped.
    pub fn element(&mut self, name: &str, text: &str) {
        self.element_with(name, &[], text);
    }

    /// `<name attributes…>text</name>`, escaped.
    pub fn element_with(&mut self, name: &str, attributes: &[(&str, &str)], text: &str) {
        self.write(Event::Start(tag(name, attributes)));
        self.write(Event::Text(BytesText::from_escaped(escape(text))));
        self.write(Event::End(BytesEnd::new(name)));
        self.line_end();
    }

    /// The document's text.
    pub fn finish(self) -> String {
        // Only `&str`s went in, so the bytes are UTF-8.
        String::from_utf8(self.writer.into_inner())
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }

    fn line_end(&mut self) {
        self.write(Event::Text(BytesText::from_escaped("\n")));
    }

    fn write(&mut self, event: Event<'_>) {
        // Writing into a `Vec<u8>` cannot fail: its `io::Write` never returns an error.
        let _ = self.writer.write_event(event);
    }
}

/// A start tag whose attribute values are escaped by [`escape`] (quick-xml's own attribute
/// escaping would keep the characters XML cannot carry).
fn tag<'a>(name: &'a str, attributes: &[(&str, &str)]) -> BytesStart<'a> {
    let mut tag = BytesStart::new(name);
    for (key, value) in attributes {
        let value = escape(value);
        tag.push_attribute(Attribute::from((key.as_bytes(), value.as_bytes())));
    }
    tag
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

    #[test]
    fn elements_are_written_one_a_line_with_escaped_text_and_attributes() {
        let mut xml = XmlWriter::new(256);
        xml.start("feed", &[("xml:lang", "uk")]);
        xml.element("title", "Kyiv & \"Odesa\"\u{7}");
        xml.element_with("summary", &[("type", "text")], "a < b");
        xml.empty("link", &[("href", "https://news.example/?a=1&b=\"2\"")]);
        xml.end("feed");
        assert_eq!(
            xml.finish(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <feed xml:lang=\"uk\">\n\
             <title>Kyiv &amp; &quot;Odesa&quot;</title>\n\
             <summary type=\"text\">a &lt; b</summary>\n\
             <link href=\"https://news.example/?a=1&amp;b=&quot;2&quot;\"/>\n\
             </feed>\n"
        );
    }
}
