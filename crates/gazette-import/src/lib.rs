//! Moving in: other systems' exports read into one neutral shape ([`source`]), whatever system
//! wrote them, and their content turned into Gazette's Markdown ([`content`]).
//!
//! - [`wordpress`] streams a WXR file (Tools → Export, WordPress 4.x–6.x) record by record, so a
//!   file of any size is never held whole.
//! - [`ghost`] reads a Ghost 5/6 JSON export (Settings → Labs → Export).
//! - [`content`] converts Gutenberg blocks, classic WordPress content and Ghost's HTML to Markdown,
//!   listing what could not be carried over.
//!
//! Writing to the store, media, idempotence and the report live in the `gazette` binary's
//! `import` command, which drives these readers.

pub mod content;
pub mod ghost;
pub mod source;
pub mod wordpress;
