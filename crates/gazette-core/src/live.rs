//! Live coverage: an article that is a live blog, its timestamped entries, and the site-wide
//! breaking-news banner. The rules here are the newsroom's: what an entry may hold, who may put one
//! in front of readers, which entry states readers see, and when a banner shows.

pub mod rules;

use chrono::{DateTime, Utc};

use crate::Author;
use crate::accounts::Role;

/// Longest entry headline accepted.
pub const MAX_ENTRY_HEADLINE_LEN: usize = 200;
/// Longest entry body accepted, in characters: a few screens of text, not a long read.
pub const MAX_ENTRY_BODY_LEN: usize = 20_000;
/// Most bylines on one entry.
pub const MAX_ENTRY_AUTHORS: usize = 10;
/// Longest breaking-news text: one line across the top of every page.
pub const MAX_BREAKING_TEXT_LEN: usize = 160;

/// Whether a live blog's entries are still pushed to readers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Coverage {
    Live,
    Ended,
}

impl Coverage {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Live => "live",
            Self::Ended => "ended",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "live" => Some(Self::Live),
            "ended" => Some(Self::Ended),
            _ => None,
        }
    }
}

/// An article that is a live blog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveBlog {
    pub article_id: i64,
    pub coverage: Coverage,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
}

/// Where an entry is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryStatus {
    /// Its writer's alone; nobody else sees it.
    Draft,
    /// A contributor's entry, waiting for an editor to publish it.
    Pending,
    Published,
    /// Taken down: kept so that open pages, and readers resuming a stream, learn it went.
    Deleted,
}

impl EntryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Pending => "pending",
            Self::Published => "published",
            Self::Deleted => "deleted",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "draft" => Some(Self::Draft),
            "pending" => Some(Self::Pending),
            "published" => Some(Self::Published),
            "deleted" => Some(Self::Deleted),
            _ => None,
        }
    }

    /// What a writer's "Post" gives: a contributor's entry waits for an editor, anyone else's
    /// goes out at once.
    pub fn on_post(role: Role) -> Self {
        if role >= Role::Author {
            Self::Published
        } else {
            Self::Pending
        }
    }
}

/// One update of a live blog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveEntry {
    pub id: i64,
    pub article_id: i64,
    pub status: EntryStatus,
    pub headline: Option<String>,
    pub body_markdown: String,
    /// `body_markdown` rendered and sanitised when saved.
    pub body_html: String,
    pub authors: Vec<Author>,
    pub pinned: bool,
    pub key_event: bool,
    /// The time shown on the entry: when it was first published.
    pub posted_at: Option<DateTime<Utc>>,
    /// When a published entry was last changed.
    pub edited_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// The person who wrote it (their drafts are theirs alone).
    pub created_by: Option<i64>,
    /// The change-log position of its latest change: the stream's event id.
    pub seq: i64,
}

/// An entry as written: what posting or editing one saves.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntryDraft {
    pub headline: Option<String>,
    pub body_markdown: String,
    /// Bylines in the order they are printed; at least one.
    pub author_ids: Vec<i64>,
    pub key_event: bool,
}

/// Why an entry was refused, in words the writer can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    #[error("Write something: the entry is empty.")]
    EmptyBody,
    #[error("The entry is too long: at most {MAX_ENTRY_BODY_LEN} characters.")]
    BodyTooLong,
    #[error("The headline is too long: at most {MAX_ENTRY_HEADLINE_LEN} characters.")]
    HeadlineTooLong,
    #[error("Give the entry at least one byline.")]
    NoAuthor,
    #[error("At most {MAX_ENTRY_AUTHORS} bylines on one entry.")]
    TooManyAuthors,
}

impl EntryDraft {
    /// The draft with surrounding spaces trimmed and an empty headline dropped, or what is wrong.
    pub fn validated(mut self) -> Result<Self, EntryError> {
        self.body_markdown = self.body_markdown.trim().to_owned();
        self.headline = self
            .headline
            .map(|h| h.trim().to_owned())
            .filter(|h| !h.is_empty());
        if self.body_markdown.is_empty() {
            return Err(EntryError::EmptyBody);
        }
        if self.body_markdown.chars().count() > MAX_ENTRY_BODY_LEN {
            return Err(EntryError::BodyTooLong);
        }
        if self
            .headline
            .as_ref()
            .is_some_and(|h| h.chars().count() > MAX_ENTRY_HEADLINE_LEN)
        {
            return Err(EntryError::HeadlineTooLong);
        }
        let mut seen = std::collections::HashSet::new();
        self.author_ids.retain(|id| seen.insert(*id));
        if self.author_ids.is_empty() {
            return Err(EntryError::NoAuthor);
        }
        if self.author_ids.len() > MAX_ENTRY_AUTHORS {
            return Err(EntryError::TooManyAuthors);
        }
        Ok(self)
    }
}

/// What an entry said before a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryRevision {
    pub id: i64,
    pub entry_id: i64,
    pub headline: Option<String>,
    pub body_markdown: String,
    pub saved_at: DateTime<Utc>,
    pub user_id: Option<i64>,
}

/// The site-wide breaking-news banner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breaking {
    pub text: String,
    /// Where the banner leads: a path on the site or an `https://` address.
    pub url: Option<String>,
    /// When it stops showing by itself.
    pub expires_at: Option<DateTime<Utc>>,
    pub set_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BreakingError {
    #[error("Write the banner's text.")]
    Empty,
    #[error("The banner is too long: at most {MAX_BREAKING_TEXT_LEN} characters.")]
    TooLong,
    #[error("The link must be a path on this site (starting with /) or an https:// address.")]
    BadLink,
    #[error("The expiry must be in the future.")]
    ExpiryPast,
}

impl Breaking {
    /// A banner from what an editor typed, or what is wrong with it.
    pub fn new(
        text: &str,
        url: Option<&str>,
        expires_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<Self, BreakingError> {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.is_empty() {
            return Err(BreakingError::Empty);
        }
        if text.chars().count() > MAX_BREAKING_TEXT_LEN {
            return Err(BreakingError::TooLong);
        }
        let url = url.map(str::trim).filter(|u| !u.is_empty());
        if let Some(u) = url {
            let on_site = u.starts_with('/') && !u.starts_with("//");
            let https = u.starts_with("https://") && u.len() > "https://".len();
            if !(on_site || https) || u.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(BreakingError::BadLink);
            }
        }
        if expires_at.is_some_and(|t| t <= now) {
            return Err(BreakingError::ExpiryPast);
        }
        Ok(Self {
            text,
            url: url.map(str::to_owned),
            expires_at,
            set_at: now,
        })
    }

    /// Whether readers see it at `now`.
    pub fn is_showing(&self, now: DateTime<Utc>) -> bool {
        self.expires_at.is_none_or(|t| t > now)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap()
    }

    #[test]
    fn an_entry_needs_a_body_and_a_byline_and_drops_an_empty_headline() {
        let draft = EntryDraft {
            headline: Some("   ".into()),
            body_markdown: "  Sirens in Kyiv.  ".into(),
            author_ids: vec![3, 3, 4],
            key_event: false,
        };
        let ok = draft.clone().validated().unwrap();
        assert_eq!(ok.headline, None);
        assert_eq!(ok.body_markdown, "Sirens in Kyiv.");
        assert_eq!(ok.author_ids, vec![3, 4]);
        let empty = EntryDraft {
            body_markdown: " \n ".into(),
            ..draft.clone()
        };
        assert_eq!(empty.validated(), Err(EntryError::EmptyBody));
        let anonymous = EntryDraft {
            author_ids: vec![],
            ..draft.clone()
        };
        assert_eq!(anonymous.validated(), Err(EntryError::NoAuthor));
        let long = EntryDraft {
            headline: Some("x".repeat(MAX_ENTRY_HEADLINE_LEN + 1)),
            ..draft
        };
        assert_eq!(long.validated(), Err(EntryError::HeadlineTooLong));
    }

    #[test]
    fn a_contributor_entry_waits_for_an_editor() {
        assert_eq!(
            EntryStatus::on_post(Role::Contributor),
            EntryStatus::Pending
        );
        assert_eq!(EntryStatus::on_post(Role::Author), EntryStatus::Published);
        assert_eq!(EntryStatus::on_post(Role::Editor), EntryStatus::Published);
    }

    #[test]
    fn a_banner_links_only_to_the_site_or_https_and_expires() {
        let b = Breaking::new(
            " Air  raid alert\nacross Ukraine ",
            Some("/war/alert"),
            None,
            now(),
        )
        .unwrap();
        assert_eq!(b.text, "Air raid alert across Ukraine");
        assert!(b.is_showing(now()));
        for bad in [
            "javascript:alert(1)",
            "//evil.example",
            "http://x.example",
            "https://",
        ] {
            assert_eq!(
                Breaking::new("Alert", Some(bad), None, now()),
                Err(BreakingError::BadLink),
                "{bad}"
            );
        }
        assert_eq!(
            Breaking::new("  ", None, None, now()),
            Err(BreakingError::Empty)
        );
        let later = now() + chrono::Duration::minutes(30);
        let expiring = Breaking::new("Alert", None, Some(later), now()).unwrap();
        assert!(expiring.is_showing(now()));
        assert!(!expiring.is_showing(later));
        assert_eq!(
            Breaking::new("Alert", None, Some(now()), now()),
            Err(BreakingError::ExpiryPast)
        );
    }
}
