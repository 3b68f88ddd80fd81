//! Who may do what to a live-blog entry, decided from the entry as stored and the person's role,
//! the way `gazette_core::workflow` decides for articles:
//! - a **draft** entry is its writer's alone: nobody else sees or touches it, editors included;
//! - **authors and up** change and delete their own entries, published or not;
//! - **contributors** change and delete their own entries only until an editor publishes them;
//! - **editors and admins** change, delete, publish, pin and mark anyone's posted entries;
//! - pinning is an editor's call (one pinned entry per blog leads the page);
//! - a deleted entry is kept for readers' streams, and nobody acts on it again.
//!
//! The newsroom's screens and any other way in (an API) ask here, so the rules are one.

use super::{EntryStatus, LiveEntry};
use crate::accounts::Role;
use crate::workflow::Person;

/// Why an action on an entry is refused, in words the person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryRefusal {
    /// Not theirs to do (403).
    #[error("{0}")]
    Forbidden(&'static str),
    /// Not possible in the entry's state (409).
    #[error("{0}")]
    Conflict(&'static str),
}

/// Something done to one entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryAction {
    /// Opening its edit page and revision history.
    Open,
    Edit,
    Delete,
    /// A draft goes out (or, a contributor's, waits for an editor); a pending entry goes out.
    Publish,
    Pin,
    MarkKeyEvent,
}

fn is_editor(person: &Person) -> bool {
    person.role >= Role::Editor
}

fn not_yours() -> EntryRefusal {
    EntryRefusal::Forbidden(
        "This is a colleague's entry: you can change only your own. Ask an editor.",
    )
}

/// Whether `person` may do `action` to `entry`, or why not.
pub fn authorise(
    entry: &LiveEntry,
    person: &Person,
    action: EntryAction,
) -> Result<(), EntryRefusal> {
    let own = entry.created_by == Some(person.user_id);
    if entry.status == EntryStatus::Deleted {
        return Err(EntryRefusal::Conflict(
            "This entry was deleted; nothing more can be done to it.",
        ));
    }
    if entry.status == EntryStatus::Draft && !own {
        return Err(EntryRefusal::Forbidden(
            "This is a colleague's draft entry: it is theirs alone until they post it.",
        ));
    }
    let editor = is_editor(person);
    match action {
        EntryAction::Open if own || editor => Ok(()),
        EntryAction::Open => Err(not_yours()),
        EntryAction::Edit | EntryAction::Delete | EntryAction::MarkKeyEvent => {
            if editor
                || (own && (person.role >= Role::Author || entry.status != EntryStatus::Published))
            {
                Ok(())
            } else if own {
                Err(EntryRefusal::Forbidden(
                    "An editor has published this entry: as a contributor you can no longer \
                     change it. Ask an editor.",
                ))
            } else {
                Err(not_yours())
            }
        }
        EntryAction::Publish => match entry.status {
            // A draft here is the person's own (checked above).
            EntryStatus::Draft => Ok(()),
            EntryStatus::Pending if editor => Ok(()),
            EntryStatus::Pending => Err(EntryRefusal::Forbidden(
                "A contributor's entry goes out when an editor publishes it.",
            )),
            _ => Err(EntryRefusal::Conflict("This entry is already published.")),
        },
        EntryAction::Pin if !editor => Err(EntryRefusal::Forbidden(
            "Only editors pin entries to the top of a live blog.",
        )),
        EntryAction::Pin if entry.status != EntryStatus::Published => Err(EntryRefusal::Conflict(
            "Only a published entry can be pinned.",
        )),
        EntryAction::Pin => Ok(()),
    }
}

/// Whether `person` may do `action` to `entry`: for the buttons a page offers.
pub fn may(entry: &LiveEntry, person: &Person, action: EntryAction) -> bool {
    authorise(entry, person, action).is_ok()
}

/// What publishing a draft gives: out at once, or waiting for an editor. A pending entry that an
/// editor publishes goes out.
pub fn published_status(entry: &LiveEntry, person: &Person) -> EntryStatus {
    match entry.status {
        EntryStatus::Draft => EntryStatus::on_post(person.role),
        _ => EntryStatus::Published,
    }
}

/// Which of a blog's entries a person sees on the posting screen besides the published ones:
/// their own drafts, and pending entries (editors all of them, others their own).
pub fn sees_unpublished(entry: &LiveEntry, person: &Person) -> bool {
    let own = entry.created_by == Some(person.user_id);
    match entry.status {
        EntryStatus::Draft => own,
        EntryStatus::Pending => own || is_editor(person),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn entry(status: EntryStatus, by: i64) -> LiveEntry {
        let at = Utc
            .with_ymd_and_hms(2026, 3, 1, 12, 0, 0)
            .single()
            .unwrap_or_default();
        LiveEntry {
            id: 1,
            article_id: 1,
            status,
            headline: None,
            body_markdown: "Sirens.".into(),
            body_html: "<p>Sirens.</p>".into(),
            authors: vec![],
            pinned: false,
            key_event: false,
            posted_at: None,
            edited_at: None,
            created_at: at,
            created_by: Some(by),
            seq: 1,
        }
    }

    fn person(user_id: i64, role: Role) -> Person {
        Person {
            user_id,
            role,
            author_id: None,
        }
    }

    #[test]
    fn writers_change_their_own_entries_and_contributors_only_until_published() {
        use EntryStatus::{Draft, Pending, Published};
        let contributor = person(1, Role::Contributor);
        let author = person(2, Role::Author);
        for status in [Draft, Pending] {
            assert!(may(&entry(status, 1), &contributor, EntryAction::Edit));
            assert!(may(&entry(status, 1), &contributor, EntryAction::Delete));
        }
        assert!(!may(&entry(Published, 1), &contributor, EntryAction::Edit));
        assert!(!may(
            &entry(Published, 1),
            &contributor,
            EntryAction::Delete
        ));
        assert!(may(&entry(Published, 2), &author, EntryAction::Edit));
        assert!(may(&entry(Published, 2), &author, EntryAction::Delete));
        assert!(!may(&entry(Published, 1), &author, EntryAction::Edit));
        assert!(!may(&entry(Published, 2), &author, EntryAction::Pin));
    }

    #[test]
    fn editors_act_on_anyones_posted_entries_but_not_on_drafts() {
        use EntryStatus::{Deleted, Draft, Pending, Published};
        let editor = person(9, Role::Editor);
        for action in [EntryAction::Edit, EntryAction::Delete, EntryAction::Pin] {
            assert!(may(&entry(Published, 1), &editor, action), "{action:?}");
        }
        assert!(may(&entry(Pending, 1), &editor, EntryAction::Publish));
        assert!(!may(&entry(Pending, 1), &editor, EntryAction::Pin));
        assert!(!may(&entry(Draft, 1), &editor, EntryAction::Open));
        assert!(!may(&entry(Deleted, 9), &editor, EntryAction::Edit));
    }

    #[test]
    fn a_contributors_draft_when_published_waits_for_an_editor() {
        let contributor = person(1, Role::Contributor);
        let draft = entry(EntryStatus::Draft, 1);
        assert!(may(&draft, &contributor, EntryAction::Publish));
        assert_eq!(published_status(&draft, &contributor), EntryStatus::Pending);
        assert!(!may(
            &entry(EntryStatus::Pending, 1),
            &contributor,
            EntryAction::Publish
        ));
        let author = person(1, Role::Author);
        assert_eq!(published_status(&draft, &author), EntryStatus::Published);
    }
}
