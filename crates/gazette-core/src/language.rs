//! The languages a Gazette newspaper can publish in.
//!
//! Languages are data, not a closed list: a newspaper that adds Russian or Crimean Tatar names the
//! language in its configuration and gives the theme a translation file (`locales/<code>/`).
//! A language is its ISO 639 code, two or three lower-case letters (`en`, `uk`, `crh`), as used in
//! `lang` attributes, `hreflang`, URLs and the database.

use std::fmt;

/// A publication language: a valid ISO 639 code, kept inline so the type stays `Copy`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Language {
    letters: [u8; 3],
    len: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown language {0:?}: expected a language code of two or three lower-case letters, like en or uk"
)]
pub struct UnknownLanguage(pub String);

impl Language {
    pub const EN: Language = Language {
        letters: *b"en ",
        len: 2,
    };
    pub const UK: Language = Language {
        letters: *b"uk ",
        len: 2,
    };

    pub fn parse(code: &str) -> Result<Self, UnknownLanguage> {
        let bytes = code.as_bytes();
        if !(2..=3).contains(&bytes.len()) || !bytes.iter().all(u8::is_ascii_lowercase) {
            return Err(UnknownLanguage(code.to_owned()));
        }
        let mut letters = *b"   ";
        letters[..bytes.len()].copy_from_slice(bytes);
        Ok(Self {
            letters,
            len: bytes.len() as u8,
        })
    }

    /// The ISO 639 code used in `lang` attributes, URLs and the database.
    pub fn code(&self) -> &str {
        // Only ASCII letters are ever stored (see `parse` and the constants).
        std::str::from_utf8(&self.letters[..usize::from(self.len)]).unwrap_or("en")
    }
}

impl Default for Language {
    fn default() -> Self {
        Self::EN
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Debug for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Language({})", self.code())
    }
}

impl serde::Serialize for Language {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> serde::Deserialize<'de> for Language {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Self::parse(&code).map_err(serde::de::Error::custom)
    }
}

impl std::str::FromStr for Language {
    type Err = UnknownLanguage;

    fn from_str(code: &str) -> Result<Self, Self::Err> {
        Self::parse(code)
    }
}

/// The editions a newspaper publishes: the default language, served at the site's root, then
/// the others, each under its code (`/uk/…`). The list comes from configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Editions {
    /// Never empty: the first is the default.
    languages: Vec<Language>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditionsError {
    #[error("no editions: name at least one language, like en")]
    Empty,
    #[error(transparent)]
    Unknown(#[from] UnknownLanguage),
    #[error("the edition {0} is named twice")]
    Twice(Language),
}

impl Editions {
    /// `languages` in order, the first being the default edition.
    pub fn new(languages: Vec<Language>) -> Result<Self, EditionsError> {
        if languages.is_empty() {
            return Err(EditionsError::Empty);
        }
        for (i, language) in languages.iter().enumerate() {
            if languages[..i].contains(language) {
                return Err(EditionsError::Twice(*language));
            }
        }
        Ok(Self { languages })
    }

    /// Editions from a comma-separated list of codes: `en,uk`.
    pub fn parse(list: &str) -> Result<Self, EditionsError> {
        let languages = list
            .split(',')
            .map(str::trim)
            .filter(|code| !code.is_empty())
            .map(Language::parse)
            .collect::<Result<Vec<_>, _>>()?;
        Self::new(languages)
    }

    /// One edition only.
    pub fn single(language: Language) -> Self {
        Self {
            languages: vec![language],
        }
    }

    /// The edition served at the site's root.
    pub fn default_language(&self) -> Language {
        self.languages[0]
    }

    /// Every edition, the default first.
    pub fn all(&self) -> &[Language] {
        &self.languages
    }

    /// The editions served under a prefix: every one but the default.
    pub fn prefixed(&self) -> &[Language] {
        &self.languages[1..]
    }

    pub fn contains(&self, language: Language) -> bool {
        self.languages.contains(&language)
    }

    /// The edition content in `language` appears in: its own, or the default edition for a
    /// language the site has no edition for.
    pub fn edition_of(&self, language: Language) -> Language {
        if self.contains(language) {
            language
        } else {
            self.default_language()
        }
    }

    /// What the edition's addresses start with: nothing for the default, `/uk` for Ukrainian.
    pub fn prefix(&self, language: Language) -> String {
        if language == self.default_language() {
            String::new()
        } else {
            format!("/{language}")
        }
    }

    /// A site path in `language`'s edition: `/world` → `/uk/world`; the home `/` → `/uk`.
    pub fn path(&self, language: Language, path: &str) -> String {
        let prefix = self.prefix(language);
        if !prefix.is_empty() && path == "/" {
            prefix
        } else {
            format!("{prefix}{path}")
        }
    }
}

/// English first, then Ukrainian: the demo newspaper's editions.
impl Default for Editions {
    fn default() -> Self {
        Self {
            languages: vec![Language::EN, Language::UK],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_two_or_three_letter_code_is_a_language() {
        for code in ["en", "uk", "ru", "crh"] {
            assert_eq!(Language::parse(code).unwrap().code(), code);
        }
        assert_eq!(Language::parse("uk").unwrap(), Language::UK);
        assert_eq!(Language::parse("en").unwrap(), Language::EN);
    }

    #[test]
    fn anything_else_is_refused() {
        for code in ["", "e", "EN", "engl", "u1", "en-GB", "ук", " en"] {
            assert!(Language::parse(code).is_err(), "{code:?}");
        }
    }

    #[test]
    fn languages_travel_as_their_codes() {
        assert_eq!(serde_json::to_string(&Language::UK).unwrap(), "\"uk\"");
        let crh: Language = serde_json::from_str("\"crh\"").unwrap();
        assert_eq!(crh.to_string(), "crh");
        assert!(serde_json::from_str::<Language>("\"English\"").is_err());
    }

    #[test]
    fn the_first_edition_is_served_at_the_root_and_the_others_under_their_code() {
        let editions = Editions::parse("en, uk,crh").unwrap();
        assert_eq!(editions.default_language(), Language::EN);
        assert_eq!(editions.path(Language::EN, "/world"), "/world");
        assert_eq!(editions.path(Language::UK, "/world"), "/uk/world");
        assert_eq!(editions.path(Language::UK, "/"), "/uk");
        assert_eq!(editions.path(Language::EN, "/"), "/");
        assert_eq!(editions.prefixed().len(), 2);
        assert_eq!(Editions::parse(""), Err(EditionsError::Empty));
        assert_eq!(
            Editions::parse("en,uk,en"),
            Err(EditionsError::Twice(Language::EN))
        );
        assert!(Editions::parse("en,English").is_err());
    }
}
