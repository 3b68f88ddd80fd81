//! The few ways the WXR reader walks XML, over quick-xml's streaming reader and one reused
//! buffer, with its errors turned into [`WxrError`]s a person can act on.

use quick_xml::Reader;
use quick_xml::errors::{Error as XmlError, SyntaxError};
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::Event;
use std::io::BufRead;

use super::WxrError;

/// The element being read, named in the error when the file ends inside it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Open {
    element: &'static str,
    start: u64,
}

impl Open {
    pub(super) fn new(element: &'static str, start: u64) -> Self {
        Open { element, start }
    }

    pub(super) fn truncated(&self) -> WxrError {
        WxrError::Truncated {
            element: self.element.to_owned(),
            start: self.start,
        }
    }
}

/// A direct child element's name and text, in document order.
pub(super) type Fields = Vec<(String, String)>;

/// Looks a field up by name: the first one, as WordPress writes each once.
pub(super) fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields
        .iter()
        .find(|(field_name, _)| field_name == name)
        .map_or("", |(_, value)| value.as_str())
}

pub(super) struct XmlStream<R> {
    reader: Reader<R>,
    /// Reused for every event: it grows to the largest single event (a post's body) and no more.
    buf: Vec<u8>,
}

impl<R: BufRead> XmlStream<R> {
    pub(super) fn new(reader: R) -> Self {
        let mut reader = Reader::from_reader(reader);
        let config = reader.config_mut();
        // `<wp:post_name/>` reads like `<wp:post_name></wp:post_name>`: one code path.
        config.expand_empty_elements = true;
        config.check_end_names = true;
        // Older exports (and hand-edited ones) leave a bare `&` in titles outside CDATA; WordPress
        // itself imports them, so a lone ampersand is text here, not a fatal error.
        config.allow_dangling_amp = true;
        XmlStream {
            reader,
            buf: Vec::new(),
        }
    }

    pub(super) fn position(&self) -> u64 {
        self.reader.buffer_position()
    }

    /// The next event. `inside` names the element being read, for the error if the file ends
    /// in the middle of some markup (an unclosed CDATA section, tag or comment).
    pub(super) fn next_event(&mut self, inside: Option<&Open>) -> Result<Event<'_>, WxrError> {
        self.buf.clear();
        // The event borrows the buffer only, so the reader stays free for the error's position.
        match self.reader.read_event_into(&mut self.buf) {
            Ok(event) => Ok(event),
            Err(error) => Err(convert_error(self.reader.error_position(), error, inside)),
        }
    }

    /// The text of the element just opened, up to its end: text, CDATA and entity references
    /// joined. Markup nested inside (unexpected in the fields read this way) is passed over.
    pub(super) fn read_text(&mut self, outer: &Open) -> Result<String, WxrError> {
        let mut text = String::new();
        let mut depth = 0usize;
        loop {
            let position = self.position();
            match self.next_event(Some(outer))? {
                Event::Text(part) if depth == 0 => {
                    text.push_str(&part.xml10_content().map_err(|error| {
                        malformed(position, &XmlError::Encoding(error).to_string())
                    })?);
                }
                Event::CData(part) if depth == 0 => {
                    text.push_str(&part.xml10_content().map_err(|error| {
                        malformed(position, &XmlError::Encoding(error).to_string())
                    })?);
                }
                Event::GeneralRef(reference) if depth == 0 => {
                    let name = String::from_utf8_lossy(&reference).into_owned();
                    match reference.resolve_char_ref() {
                        Ok(Some(character)) => text.push(character),
                        Ok(None) => match resolve_predefined_entity(&name) {
                            Some(resolved) => text.push_str(resolved),
                            // An HTML entity (`&nbsp;`) is not XML's, but it means something
                            // to the HTML it most likely sits in: kept as written.
                            None => {
                                text.push('&');
                                text.push_str(&name);
                                text.push(';');
                            }
                        },
                        Err(error) => return Err(malformed(position, &error.to_string())),
                    }
                }
                Event::Start(_) => depth += 1,
                Event::End(_) if depth == 0 => return Ok(text),
                Event::End(_) => depth -= 1,
                Event::Eof => return Err(outer.truncated()),
                _ => {}
            }
        }
    }

    /// The direct children of the element just opened, each with its text, up to its end.
    pub(super) fn read_fields(&mut self, outer: &Open) -> Result<Fields, WxrError> {
        let mut fields = Fields::new();
        loop {
            match self.next_event(Some(outer))? {
                Event::Start(start) => {
                    let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
                    let text = self.read_text(outer)?;
                    fields.push((name, text));
                }
                Event::End(_) => return Ok(fields),
                Event::Eof => return Err(outer.truncated()),
                _ => {}
            }
        }
    }

    /// Passes over the element just opened, up to its end.
    pub(super) fn skip(&mut self, outer: &Open) -> Result<(), WxrError> {
        let mut depth = 0usize;
        loop {
            match self.next_event(Some(outer))? {
                Event::Start(_) => depth += 1,
                Event::End(_) if depth == 0 => return Ok(()),
                Event::End(_) => depth -= 1,
                Event::Eof => return Err(outer.truncated()),
                _ => {}
            }
        }
    }
}

fn malformed(position: u64, message: &str) -> WxrError {
    WxrError::Malformed {
        position,
        message: message.to_owned(),
    }
}

fn convert_error(position: u64, error: XmlError, inside: Option<&Open>) -> WxrError {
    match error {
        XmlError::Io(error) => WxrError::Io(error),
        // quick-xml reports these when the input stops before the markup closes: inside an
        // element, that is a cut-off file rather than a malformed one.
        XmlError::Syntax(
            SyntaxError::UnclosedCData
            | SyntaxError::UnclosedComment
            | SyntaxError::UnclosedTag
            | SyntaxError::UnclosedPIOrXmlDecl
            | SyntaxError::UnclosedDoctype,
        ) => match inside {
            Some(open) => open.truncated(),
            None => malformed(position, &error.to_string()),
        },
        other => malformed(position, &other.to_string()),
    }
}
