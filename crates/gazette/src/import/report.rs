//! What an import did, printed at the end (and, with `--dry-run`, what it would do): counts per
//! kind, then what could not be carried over, item by item.

use std::collections::BTreeMap;
use std::fmt;

/// Warnings and skipped items kept word for word; beyond these only their number is, so that the
/// memory an import needs does not grow with the size of the export.
const LISTED: usize = 1000;

/// What happened to the records of one kind.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub skipped: u64,
}

/// The report of one run.
#[derive(Debug, Default)]
pub struct Report {
    pub dry_run: bool,
    /// By kind: "posts", "pages", "sections", "tags", "authors", "images".
    pub counts: BTreeMap<&'static str, Counts>,
    /// Per item (its title), what was lost or changed on the way, in the order met.
    pub warnings: Vec<(String, String)>,
    /// Items not imported at all, with the reason.
    pub skipped: Vec<(String, String)>,
    /// Warnings and skipped items beyond the first [`LISTED`] of each, counted only.
    pub unlisted_warnings: u64,
    pub unlisted_skipped: u64,
}

impl Report {
    pub fn count(&mut self, kind: &'static str) -> &mut Counts {
        self.counts.entry(kind).or_default()
    }

    pub fn warn(&mut self, item: &str, warning: impl Into<String>) {
        if self.warnings.len() < LISTED {
            self.warnings.push((item.to_owned(), warning.into()));
        } else {
            self.unlisted_warnings += 1;
        }
    }

    pub fn skip(&mut self, kind: &'static str, item: &str, reason: impl Into<String>) {
        self.count(kind).skipped += 1;
        if self.skipped.len() < LISTED {
            self.skipped.push((item.to_owned(), reason.into()));
        } else {
            self.unlisted_skipped += 1;
        }
    }

    /// Posts and pages written or found unchanged: what the progress counts.
    pub fn items_done(&self) -> u64 {
        ["posts", "pages"]
            .iter()
            .filter_map(|kind| self.counts.get(kind))
            .map(|c| c.created + c.updated + c.unchanged + c.skipped)
            .sum()
    }
}

/// An item's title as the report names it.
pub fn item_name(title: &str, key: &str) -> String {
    if title.trim().is_empty() {
        format!("(untitled, {key})")
    } else {
        format!("{title:?}")
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (created, updated) = if self.dry_run {
            ("would create", "would update")
        } else {
            ("created", "updated")
        };
        writeln!(
            f,
            "{}",
            if self.dry_run {
                "Dry run: nothing was written."
            } else {
                "Import finished."
            }
        )?;
        for (kind, c) in &self.counts {
            writeln!(
                f,
                "  {kind:<9} {created} {}, {updated} {}, unchanged {}, skipped {}",
                c.created, c.updated, c.unchanged, c.skipped
            )?;
        }
        if !self.skipped.is_empty() {
            let total = self.skipped.len() as u64 + self.unlisted_skipped;
            writeln!(f, "\nSkipped ({total}):")?;
            for (item, reason) in &self.skipped {
                writeln!(f, "  {item}: {reason}")?;
            }
            if self.unlisted_skipped > 0 {
                writeln!(f, "  … and {} more", self.unlisted_skipped)?;
            }
        }
        if !self.warnings.is_empty() {
            let total = self.warnings.len() as u64 + self.unlisted_warnings;
            writeln!(f, "\nWarnings ({total}):")?;
            for (item, warning) in &self.warnings {
                writeln!(f, "  {item}: {warning}")?;
            }
            if self.unlisted_warnings > 0 {
                writeln!(f, "  … and {} more", self.unlisted_warnings)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_counts_each_kind_and_lists_what_was_lost() {
        let mut report = Report::default();
        report.count("posts").created += 2;
        report.count("posts").unchanged += 1;
        report.skip("posts", "\"Old\"", "in the trash");
        report.warn("\"Kyiv\"", "shortcode [contact-form] was dropped");
        let text = report.to_string();
        assert!(
            text.contains("posts     created 2, updated 0, unchanged 1, skipped 1"),
            "{text}"
        );
        assert!(text.contains("\"Old\": in the trash"), "{text}");
        assert!(
            text.contains("shortcode [contact-form] was dropped"),
            "{text}"
        );
        assert_eq!(report.items_done(), 4);
    }

    #[test]
    fn a_long_report_lists_the_first_thousand_and_counts_the_rest() {
        let mut report = Report::default();
        for n in 0..1500 {
            report.warn(&format!("post {n}"), "an image was left out");
        }
        assert_eq!(report.warnings.len(), 1000);
        let text = report.to_string();
        assert!(text.contains("Warnings (1500):"), "{text}");
        assert!(text.contains("  … and 500 more"), "{text}");
    }

    #[test]
    fn a_dry_run_says_what_it_would_do() {
        let mut report = Report {
            dry_run: true,
            ..Report::default()
        };
        report.count("tags").created += 3;
        let text = report.to_string();
        assert!(text.starts_with("Dry run: nothing was written."), "{text}");
        assert!(text.contains("would create 3"), "{text}");
    }
}
