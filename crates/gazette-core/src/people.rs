//! The newsroom's people form: what an admin types to add a person or change one (sign-in address,
//! name, role, byline, whether the account is disabled) and the rules it must keep. Pure: passwords
//! are checked and hashed by [`crate::accounts::hash_password`], and the web layer creates a new
//! byline in the store when [`BylineChoice::New`] is chosen.

use crate::accounts::{AccountError, Email, InvalidEmail, Role, UnknownRole, parse_name};

/// The byline chosen in the form's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BylineChoice {
    /// The person does not write.
    None,
    /// A new byline in the person's name.
    New,
    /// An existing byline, by id; the store refuses one that does not exist.
    Existing(i64),
}

impl BylineChoice {
    /// The list's value: empty, `new` or a byline's id.
    pub fn parse(raw: &str) -> Result<Self, PersonError> {
        match raw.trim() {
            "" => Ok(Self::None),
            "new" => Ok(Self::New),
            id => id
                .parse()
                .map(Self::Existing)
                .map_err(|_| PersonError::UnknownByline),
        }
    }
}

/// Why the people form was refused. Every message is a sentence to show above the list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PersonError {
    #[error("{}", sentence(.0))]
    Email(#[from] InvalidEmail),
    #[error("{}", sentence(.0))]
    Account(#[from] AccountError),
    #[error("{}", sentence(.0))]
    Role(#[from] UnknownRole),
    #[error("Choose a byline from the list.")]
    UnknownByline,
}

/// The accounts module's words, which read as part of a sentence, as a sentence of their own.
fn sentence(e: &impl ToString) -> String {
    let text = e.to_string();
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

/// A new person's form as typed (the password is checked apart, when it is hashed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonInput {
    pub email: String,
    pub name: String,
    pub role: String,
    /// The byline list's value: empty, `new` or an id.
    pub author: String,
}

/// A new person that keeps every rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPerson {
    pub email: Email,
    pub name: String,
    pub role: Role,
    pub byline: BylineChoice,
}

impl PersonInput {
    /// Checks the fields in the form's order, so the first one to fix is the one named.
    pub fn parse(&self) -> Result<NewPerson, PersonError> {
        Ok(NewPerson {
            email: Email::parse(&self.email)?,
            name: parse_name(&self.name)?,
            role: Role::parse(&self.role)?,
            byline: BylineChoice::parse(&self.author)?,
        })
    }
}

/// A change to a person's account as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonChangeInput {
    pub name: String,
    pub role: String,
    pub author: String,
    pub disabled: bool,
}

/// A change that keeps every rule. Everything is checked before a new byline is made, so a
/// refused change leaves nothing behind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonChange {
    pub name: String,
    pub role: Role,
    pub byline: BylineChoice,
    pub disabled: bool,
}

impl PersonChangeInput {
    pub fn parse(&self) -> Result<PersonChange, PersonError> {
        Ok(PersonChange {
            name: parse_name(&self.name)?,
            role: Role::parse(&self.role)?,
            byline: BylineChoice::parse(&self.author)?,
            disabled: self.disabled,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn input() -> PersonInput {
        PersonInput {
            email: " Olena@Example.com ".into(),
            name: " Olena Kovalenko ".into(),
            role: "Editor".into(),
            author: "new".into(),
        }
    }

    #[test]
    fn a_good_form_gives_a_person() {
        let person = input().parse().unwrap();
        assert_eq!(person.email.as_str(), "olena@example.com");
        assert_eq!(person.name, "Olena Kovalenko");
        assert_eq!(person.role, Role::Editor);
        assert_eq!(person.byline, BylineChoice::New);
        assert_eq!(BylineChoice::parse("").unwrap(), BylineChoice::None);
        assert_eq!(
            BylineChoice::parse("12").unwrap(),
            BylineChoice::Existing(12)
        );
    }

    #[test]
    fn refusals_are_sentences() {
        let message = |f: fn(&mut PersonInput)| {
            let mut i = input();
            f(&mut i);
            i.parse().unwrap_err().to_string()
        };
        assert_eq!(
            message(|i| i.email = "olena".into()),
            "\"olena\" is not an e-mail address like name@example.com."
        );
        assert_eq!(message(|i| i.name = "  ".into()), "A name cannot be empty.");
        assert_eq!(
            message(|i| i.name = "n".repeat(101)),
            "A name can be at most 100 characters."
        );
        assert_eq!(
            message(|i| i.role = "boss".into()),
            "Unknown role \"boss\": expected contributor, author, editor or admin."
        );
        assert_eq!(
            message(|i| i.author = "someone".into()),
            "Choose a byline from the list."
        );
        assert_eq!(
            PersonError::from(AccountError::PasswordTooShort).to_string(),
            "A password needs at least 10 characters."
        );
    }

    #[test]
    fn a_change_is_checked_whole_before_any_byline_is_made() {
        let change = PersonChangeInput {
            name: "Olena".into(),
            role: "admin".into(),
            author: "".into(),
            disabled: true,
        };
        let parsed = change.parse().unwrap();
        assert_eq!(
            (parsed.role, parsed.byline, parsed.disabled),
            (Role::Admin, BylineChoice::None, true)
        );
        let bad_role = PersonChangeInput {
            role: "chief".into(),
            author: "new".into(),
            ..change
        };
        assert!(matches!(bad_role.parse(), Err(PersonError::Role(_))));
    }
}
