//! The newsroom's forms for sections and tags: what an editor types when creating or changing a
//! section (name, address, place in the menu, description) or renaming a tag, and the rules that
//! make it valid. Pure: the web layer reads the form into a [`SectionInput`] and the store writes
//! what [`SectionInput::parse`] gives back.

use crate::submission::MAX_TAG_LEN;
use crate::{ReservedSectionSlug, Slug, SlugError};

/// The section form as typed, each field already trimmed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SectionInput {
    pub name: String,
    /// Empty: made from the name.
    pub slug: String,
    /// Empty: 0, the top of the menu.
    pub position: String,
    pub description: String,
}

/// A section's fields that keep every rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionFields {
    pub slug: Slug,
    pub name: String,
    pub description: String,
    pub position: i32,
}

/// Why a section or tag form was refused. Every message is a sentence to show the editor.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SectionError {
    #[error("A section needs a name.")]
    NoName,
    #[error("The section's address: {0}.")]
    Slug(#[from] SlugError),
    #[error("{}", reserved_message(.0))]
    Reserved(#[from] ReservedSectionSlug),
    #[error("The address /{0} is the {0} edition's; choose another address for the section.")]
    EditionAddress(String),
    #[error("The menu position must be a whole number.")]
    BadPosition,
    #[error("A tag can be at most {MAX_TAG_LEN} characters.")]
    TagTooLong,
}

/// The slug module's words for a reserved address, as a sentence.
fn reserved_message(e: &ReservedSectionSlug) -> String {
    let text = e.to_string();
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

impl SectionInput {
    /// Checks the form; the address is refused here, before the store is asked, when the site
    /// itself answers at it (an edition's code, like `/uk`, included).
    pub fn parse(&self, editions: &crate::Editions) -> Result<SectionFields, SectionError> {
        if self.name.is_empty() {
            return Err(SectionError::NoName);
        }
        let slug = if self.slug.is_empty() {
            Slug::from_title(&self.name)?
        } else {
            Slug::parse(&self.slug)?
        };
        slug.check_section_slug()?;
        if let Ok(language) = crate::Language::parse(slug.as_str())
            && editions.contains(language)
        {
            return Err(SectionError::EditionAddress(slug.to_string()));
        }
        let position = if self.position.is_empty() {
            0
        } else {
            self.position
                .parse()
                .map_err(|_| SectionError::BadPosition)?
        };
        Ok(SectionFields {
            slug,
            name: self.name.clone(),
            description: self.description.clone(),
            position,
        })
    }
}

/// A tag's new name, held to the same limit as a tag typed in the editor.
pub fn check_tag_name(name: &str) -> Result<(), SectionError> {
    if name.chars().count() > MAX_TAG_LEN {
        Err(SectionError::TagTooLong)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::Editions;

    fn input(name: &str, slug: &str, position: &str) -> SectionInput {
        SectionInput {
            name: name.into(),
            slug: slug.into(),
            position: position.into(),
            description: "Reports from the front".into(),
        }
    }

    #[test]
    fn a_section_without_an_address_takes_one_from_its_name() {
        let fields = input("War in Ukraine", "", "")
            .parse(&Editions::default())
            .unwrap();
        assert_eq!(fields.slug.as_str(), "war-in-ukraine");
        assert_eq!(fields.position, 0);
        assert_eq!(fields.name, "War in Ukraine");
        assert_eq!(fields.description, "Reports from the front");
        let fields = input("War", "front", "-3")
            .parse(&Editions::default())
            .unwrap();
        assert_eq!((fields.slug.as_str(), fields.position), ("front", -3));
    }

    #[test]
    fn refused_sections_say_what_to_fix() {
        let message = |i: SectionInput| i.parse(&Editions::default()).unwrap_err().to_string();
        assert_eq!(message(input("", "war", "1")), "A section needs a name.");
        assert_eq!(
            message(input("War", "War Zone", "")),
            "The section's address: a slug may contain only lowercase letters a-z, digits and single hyphens between them."
        );
        assert_eq!(
            message(input("War", "search", "")),
            "The address /search is used by the site itself; choose another address for the section."
        );
        // A name that is itself a reserved address is refused too.
        assert!(matches!(
            input("Search", "", "").parse(&Editions::default()),
            Err(SectionError::Reserved(_))
        ));
        // An edition's code: `/uk` is the Ukrainian edition's front page.
        assert_eq!(
            message(input("Ukraine", "uk", "")),
            "The address /uk is the uk edition's; choose another address for the section."
        );
        assert!(
            input("Europe", "eu", "")
                .parse(&Editions::parse("en,uk").unwrap())
                .is_ok()
        );
        assert_eq!(
            message(input("War", "", "first")),
            "The menu position must be a whole number."
        );
        assert_eq!(
            message(input("War", "", "99999999999")),
            "The menu position must be a whole number."
        );
    }

    #[test]
    fn tag_names_keep_the_editors_limit() {
        assert_eq!(check_tag_name(&"ї".repeat(MAX_TAG_LEN)), Ok(()));
        let err = check_tag_name(&"a".repeat(MAX_TAG_LEN + 1)).unwrap_err();
        assert_eq!(err.to_string(), "A tag can be at most 60 characters.");
    }
}
