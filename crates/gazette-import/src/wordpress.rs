//! WordPress WXR exports (Tools → Export, WordPress 4.x–6.x), streamed record by record.
//!
//! A WXR file is RSS 2.0 whose `<channel>` holds, in this order, the site's title and address,
//! its authors (`wp:author`), its terms (`wp:category`, `wp:tag`, `wp:term`) and then one
//! `<item>` per post, page, attachment, menu entry, reusable block… [`WxrReader`] yields one
//! [`WxrRecord`] per thing worth importing, reading the file through a single reused buffer, so
//! memory stays bounded by the largest single item whatever the file's size.
//!
//! Elements are matched by their qualified names (`wp:post_type`), not by namespace URI: every
//! WordPress version writes the same prefixes, while the URIs vary (`http://` or `https://`,
//! export/1.0 to 1.2), so the prefix is the steadier of the two.
//!
//! What is not imported is still reported, for the import's summary:
//! - a post or page whose status is not imported (trash, auto-draft, an unknown status) is an
//!   [`WxrRecord::Item`] whose status is [`SourceStatus::Skipped`] with the reason, so that its
//!   key and address stay known;
//! - an item of a type Gazette has no place for (menu entries, reusable blocks, templates, custom
//!   post types) is a [`WxrRecord::Skipped`].
//!
//! [`SourceStatus::Skipped`]: crate::source::SourceStatus::Skipped

mod item;
mod terms;
#[cfg(test)]
mod tests;
mod xml;

use std::collections::{HashMap, HashSet};
use std::io::BufRead;
use std::sync::Arc;

use quick_xml::events::Event;

use crate::source::{SourceAuthor, SourceImage, SourceItem, SourceTerm};
use xml::{Open, XmlStream};

/// One thing read from a WXR file, in the file's order: [`WxrRecord::Site`] first, then authors,
/// terms, and items.
#[derive(Debug, Clone, PartialEq, Eq)]
#[expect(
    clippy::large_enum_variant,
    reason = "records are yielded one at a time, mostly items: boxing would only add an allocation"
)]
pub enum WxrRecord {
    /// The exported site: always the first record of a valid file.
    Site {
        /// `wp:base_site_url`, else the channel's `<link>`.
        base_url: String,
        title: String,
    },
    Author(SourceAuthor),
    /// A category; `parent` is the parent category's key (slug), when it has one.
    Category {
        term: SourceTerm,
        parent: Option<String>,
    },
    Tag(SourceTerm),
    /// A post or page, including those whose status is not imported
    /// ([`crate::source::SourceStatus::Skipped`]).
    Item(SourceItem),
    /// An uploaded file (`wp:post_type` attachment).
    Attachment(SourceImage),
    /// An item of a type that is not imported, with the reason, for the import's report.
    Skipped {
        /// The item's `wp:post_type` (`nav_menu_item`, `wp_block`, …).
        kind: String,
        title: String,
        reason: String,
    },
}

/// Why a WXR file could not be read. After one, [`WxrReader`] yields nothing more.
#[derive(Debug, Clone, thiserror::Error)]
pub enum WxrError {
    #[error("the file is empty: there is no export to read")]
    Empty,
    #[error("this is not a WordPress export (WXR): {0}")]
    NotWxr(String),
    #[error("the XML is malformed at byte {position}: {message}")]
    Malformed { position: u64, message: String },
    #[error(
        "the file ends inside a <{element}> (which starts at byte {start}): it may be truncated"
    )]
    Truncated { element: String, start: u64 },
    #[error("the file could not be read: {0}")]
    Io(#[source] Arc<std::io::Error>),
}

/// Streams a WXR file as [`WxrRecord`]s (see the module's documentation).
///
/// ```no_run
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use gazette_import::wordpress::{WxrReader, WxrRecord};
/// let file = std::io::BufReader::new(std::fs::File::open("export.xml")?);
/// for record in WxrReader::new(file) {
///     if let WxrRecord::Item(item) = record? {
///         println!("{}", item.title);
///     }
/// }
/// # Ok(())
/// # }
/// ```
pub struct WxrReader<R: BufRead> {
    xml: XmlStream<R>,
    stage: Stage,
    channel: ChannelHeader,
    /// A record read while the Site record was still owed: yielded right after it.
    pending: Option<WxrRecord>,
    /// Term ids to slugs: Yoast names an item's primary category by id, items name theirs by
    /// slug. One entry per category, which a site has far fewer of than items.
    category_slugs_by_id: HashMap<String, String>,
    /// WordPress 5.x+ writes each category and tag twice, as `wp:category`/`wp:tag` and again as
    /// `wp:term`; each is yielded once.
    seen_categories: HashSet<String>,
    seen_tags: HashSet<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    BeforeRss,
    BeforeChannel,
    InChannel,
    Finished,
}

#[derive(Debug, Default)]
struct ChannelHeader {
    start: u64,
    title: String,
    link: String,
    base_site_url: String,
    site_yielded: bool,
}

impl<R: BufRead> WxrReader<R> {
    /// Reads a WXR file from `reader` (wrap a file in a [`std::io::BufReader`]).
    pub fn new(reader: R) -> Self {
        WxrReader {
            xml: XmlStream::new(reader),
            stage: Stage::BeforeRss,
            channel: ChannelHeader::default(),
            pending: None,
            category_slugs_by_id: HashMap::new(),
            seen_categories: HashSet::new(),
            seen_tags: HashSet::new(),
        }
    }

    /// How far into the file the reader is, in bytes: for a progress bar by file size.
    pub fn byte_position(&self) -> u64 {
        self.xml.position()
    }

    fn read_next(&mut self) -> Result<Option<WxrRecord>, WxrError> {
        loop {
            let event_start = self.xml.position();
            match self.stage {
                Stage::BeforeRss => self.expect_rss(event_start)?,
                Stage::BeforeChannel => self.expect_channel(event_start)?,
                Stage::InChannel => {
                    if let Some(record) = self.read_channel_child(event_start)? {
                        return Ok(Some(self.after_site(record)));
                    }
                }
                Stage::Finished => return Ok(None),
            }
        }
    }

    fn expect_rss(&mut self, event_start: u64) -> Result<(), WxrError> {
        match self.xml.next_event(None)? {
            Event::Start(start) => {
                let name = start.name();
                if name.as_ref() != b"rss" {
                    return Err(WxrError::NotWxr(format!(
                        "the document is a <{}>, not an <rss> feed",
                        String::from_utf8_lossy(name.as_ref())
                    )));
                }
                // A plain RSS feed parses as WXR with items of no type: say so at once instead.
                let declares_wp = start
                    .attributes()
                    .with_checks(false)
                    .flatten()
                    .any(|attribute| attribute.key.as_ref() == b"xmlns:wp");
                if !declares_wp {
                    return Err(WxrError::NotWxr(
                        "it is an RSS feed without WordPress's wp: namespace".to_owned(),
                    ));
                }
                self.stage = Stage::BeforeChannel;
            }
            Event::Text(text) if !is_blank(&text) => {
                return Err(WxrError::NotWxr(
                    "it does not begin with XML markup".to_owned(),
                ));
            }
            Event::Eof if event_start == 0 => return Err(WxrError::Empty),
            Event::Eof => {
                return Err(WxrError::NotWxr("there is no <rss> element".to_owned()));
            }
            _ => {}
        }
        Ok(())
    }

    fn expect_channel(&mut self, event_start: u64) -> Result<(), WxrError> {
        let rss = Open::new("rss", 0);
        match self.xml.next_event(Some(&rss))? {
            Event::Start(start) if start.name().as_ref() == b"channel" => {
                self.channel.start = event_start;
                self.stage = Stage::InChannel;
            }
            Event::Start(_) => self.xml.skip(&rss)?,
            Event::End(_) => {
                return Err(WxrError::NotWxr("its <rss> has no <channel>".to_owned()));
            }
            Event::Eof => return Err(rss.truncated()),
            _ => {}
        }
        Ok(())
    }

    /// Reads the channel's next child; a record when it was one.
    fn read_channel_child(&mut self, event_start: u64) -> Result<Option<WxrRecord>, WxrError> {
        let channel = Open::new("channel", self.channel.start);
        let name = match self.xml.next_event(Some(&channel))? {
            Event::Start(start) => start.name().as_ref().to_vec(),
            Event::End(_) => {
                self.stage = Stage::Finished;
                return Ok((!self.channel.site_yielded).then(|| self.site_record()));
            }
            Event::Eof => return Err(channel.truncated()),
            _ => return Ok(None),
        };
        let record = match name.as_slice() {
            b"title" => {
                self.channel.title = self.xml.read_text(&channel)?;
                None
            }
            b"link" => {
                self.channel.link = self.xml.read_text(&channel)?;
                None
            }
            b"wp:base_site_url" => {
                self.channel.base_site_url = self.xml.read_text(&channel)?;
                None
            }
            b"wp:author" => {
                let open = Open::new("wp:author", event_start);
                let fields = self.xml.read_fields(&open)?;
                terms::author(&fields).map(WxrRecord::Author)
            }
            b"wp:category" | b"wp:tag" | b"wp:term" => {
                let element = if name == b"wp:category" {
                    "wp:category"
                } else if name == b"wp:tag" {
                    "wp:tag"
                } else {
                    "wp:term"
                };
                let fields = self.xml.read_fields(&Open::new(element, event_start))?;
                terms::term(element, &fields).and_then(|term| self.first_sighting(term))
            }
            b"item" => {
                let raw = item::read_item(&mut self.xml, &Open::new("item", event_start))?;
                Some(item::into_record(raw, &self.category_slugs_by_id))
            }
            _ => {
                self.xml.skip(&channel)?;
                None
            }
        };
        Ok(record)
    }

    /// Keeps a term the first time it is seen (see `seen_categories`).
    fn first_sighting(&mut self, term: terms::Term) -> Option<WxrRecord> {
        match term {
            terms::Term::Category { id, term, parent } => {
                if let Some(id) = id {
                    self.category_slugs_by_id.insert(id, term.key.clone());
                }
                self.seen_categories
                    .insert(term.key.clone())
                    .then_some(WxrRecord::Category { term, parent })
            }
            terms::Term::Tag(term) => self
                .seen_tags
                .insert(term.key.clone())
                .then_some(WxrRecord::Tag(term)),
        }
    }

    /// The Site record goes first; the header fields it needs all precede the first author,
    /// term or item.
    fn after_site(&mut self, record: WxrRecord) -> WxrRecord {
        if self.channel.site_yielded {
            return record;
        }
        self.pending = Some(record);
        self.site_record()
    }

    fn site_record(&mut self) -> WxrRecord {
        self.channel.site_yielded = true;
        let base_url = if self.channel.base_site_url.trim().is_empty() {
            self.channel.link.trim().to_owned()
        } else {
            self.channel.base_site_url.trim().to_owned()
        };
        WxrRecord::Site {
            base_url,
            title: self.channel.title.trim().to_owned(),
        }
    }
}

impl<R: BufRead> Iterator for WxrReader<R> {
    type Item = Result<WxrRecord, WxrError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(record) = self.pending.take() {
            return Some(Ok(record));
        }
        match self.read_next() {
            Ok(Some(record)) => Some(Ok(record)),
            Ok(None) => None,
            Err(error) => {
                self.stage = Stage::Finished;
                Some(Err(error))
            }
        }
    }
}

/// Counts the `<item>`s of a WXR file without building them, for a progress bar: the importer
/// reads the file twice, and this is the cheap first look.
pub fn count_items(reader: impl BufRead) -> Result<u64, WxrError> {
    let mut xml = XmlStream::new(reader);
    let mut depth = 0usize;
    let mut items = 0u64;
    let mut saw_root = false;
    loop {
        let event_start = xml.position();
        match xml.next_event(None)? {
            Event::Start(start) => {
                if !saw_root && start.name().as_ref() != b"rss" {
                    return Err(WxrError::NotWxr(format!(
                        "the document is a <{}>, not an <rss> feed",
                        String::from_utf8_lossy(start.name().as_ref())
                    )));
                }
                saw_root = true;
                depth += 1;
                // rss > channel > item
                if depth == 3 && start.name().as_ref() == b"item" {
                    items += 1;
                }
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Text(text) if !saw_root && !is_blank(&text) => {
                return Err(WxrError::NotWxr(
                    "it does not begin with XML markup".to_owned(),
                ));
            }
            Event::Eof if !saw_root && event_start == 0 => return Err(WxrError::Empty),
            Event::Eof if !saw_root => {
                return Err(WxrError::NotWxr("there is no <rss> element".to_owned()));
            }
            Event::Eof if depth > 0 => return Err(Open::new("rss", 0).truncated()),
            Event::Eof => return Ok(items),
            _ => {}
        }
    }
}

fn is_blank(text: &[u8]) -> bool {
    text.iter().all(u8::is_ascii_whitespace)
}
