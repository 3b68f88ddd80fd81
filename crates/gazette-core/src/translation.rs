//! Translations and names per edition: an article in one edition's language can be a translation
//! of an original in another; sections and tags carry a name and an address per edition.
//!
//! A translation group is an original and its translations: every translation names the original
//! (never another translation), and holds at most one article per language, the original's own
//! language included. A translation is *out of date* when its text was last changed before the
//! original's was ([`is_stale`]).

use chrono::{DateTime, Utc};

use crate::{ArticleStatus, Language, Slug};

/// One article of a translation group, as another article of the group lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranslationLink {
    pub id: i64,
    pub language: Language,
    pub slug: Slug,
    pub section_slug: Slug,
    pub headline: String,
    pub status: ArticleStatus,
    pub published_at: Option<DateTime<Utc>>,
    pub modified_at: DateTime<Utc>,
    /// The original of the group (every other article is its translation).
    pub is_original: bool,
    /// A translation whose text was last changed before the original's; never the original.
    pub stale: bool,
}

/// One article of a translation group as a list page marks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranslationState {
    pub article_id: i64,
    pub language: Language,
    pub is_original: bool,
    /// A translation whose text was last changed before the original's; never the original.
    pub stale: bool,
}

/// A section's name, address and description in one edition's language.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SectionName {
    pub section_id: i64,
    pub language: Language,
    pub name: String,
    pub slug: Slug,
    pub description: String,
}

/// A tag's name and address in one edition's language.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TagName {
    pub tag_id: i64,
    /// The tag's own address, which the edition's `slug` stands for.
    pub tag_slug: Slug,
    pub language: Language,
    pub name: String,
    pub slug: Slug,
}

/// Whether a translation is out of date: its text last changed (`translated`) before the
/// original's text last changed (`original`). Same second counts as up to date.
pub fn is_stale(translated: DateTime<Utc>, original: DateTime<Utc>) -> bool {
    translated < original
}

/// The address a translation starts with: the original's, followed by the language's code
/// (`budget-vote` → `budget-vote-uk`). The store adds a number when it is taken.
pub fn translation_slug(original: &Slug, language: Language) -> Slug {
    Slug::parse(&format!("{}-{}", original.as_str(), language.code()))
        .unwrap_or_else(|_| original.clone())
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn a_translation_is_stale_only_when_the_original_changed_after_it() {
        let t = Utc.with_ymd_and_hms(2025, 5, 1, 12, 0, 0).unwrap();
        let later = t + chrono::Duration::seconds(1);
        assert!(is_stale(t, later));
        assert!(!is_stale(later, t));
        assert!(!is_stale(t, t));
    }

    #[test]
    fn a_translation_slug_carries_the_language_code() {
        let original = Slug::parse("budget-vote").unwrap();
        assert_eq!(
            translation_slug(&original, Language::UK).as_str(),
            "budget-vote-uk"
        );
    }
}
