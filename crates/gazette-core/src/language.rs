//! The languages a Gazette edition can publish in.

use std::fmt;

/// A publication language. English and Ukrainian are the first editions; the list grows with the
/// UI translations in `locales/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    En,
    Uk,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language {0:?}: expected one of en, uk")]
pub struct UnknownLanguage(pub String);

impl Language {
    pub const ALL: [Language; 2] = [Language::En, Language::Uk];

    pub fn parse(code: &str) -> Result<Self, UnknownLanguage> {
        match code {
            "en" => Ok(Self::En),
            "uk" => Ok(Self::Uk),
            other => Err(UnknownLanguage(other.to_owned())),
        }
    }

    /// The BCP 47 code used in `lang` attributes, URLs and the database.
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Uk => "uk",
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}
