//! What a conversion reads from (the images and attachments imported) and reports to (its
//! warnings): the one value every part of the converter shares, in a module of its own so that
//! the parts depend on it and not on each other or on `content` itself.

use std::collections::HashMap;

/// An image the import stored, found by the canonical address of the old file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedImage {
    /// Its new address, e.g. `/media/abc.jpeg`.
    pub src: String,
    /// Used when the content's `<img>` has no alt text of its own.
    pub alt: String,
    /// Used where WordPress showed the attachment's caption itself (`[gallery]`); the content's
    /// own captions win everywhere else.
    pub caption: String,
}

/// What a conversion reads from and reports to.
pub(super) struct Context<'a> {
    pub(super) images: &'a HashMap<String, ImportedImage>,
    pub(super) attachments: &'a HashMap<String, String>,
    /// The ids of the attachments uploaded to the post, for a `[gallery]` without ids.
    pub(super) attached: &'a [String],
    pub(super) warnings: Vec<String>,
}

impl Context<'_> {
    /// Records a warning once, however often the same thing happened.
    pub(super) fn warn(&mut self, warning: impl Into<String>) {
        let warning = warning.into();
        if !self.warnings.contains(&warning) {
            self.warnings.push(warning);
        }
    }
}
