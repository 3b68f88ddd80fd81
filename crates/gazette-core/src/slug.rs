//! URL slugs: the lowercase, hyphenated words in `/war/air-defence-holds-over-kharkiv`.

use std::fmt;

/// Longest slug we accept. Long enough for any real headline, short enough for a tidy URL.
pub const MAX_SLUG_LEN: usize = 100;

/// A validated URL slug: ASCII lowercase letters, digits and single hyphens, neither starting nor
/// ending with a hyphen.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct Slug(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlugError {
    #[error("a slug cannot be empty")]
    Empty,
    #[error("a slug can be at most {MAX_SLUG_LEN} characters long")]
    TooLong,
    #[error(
        "a slug may contain only lowercase letters a-z, digits and single hyphens between them"
    )]
    InvalidCharacters,
}

/// First path segments the public site answers itself (`/search`, `/feeds/…`, `/newsroom`, …): a
/// section at one of these addresses would be unreachable, so none may take it. (`/robots.txt` and
/// `/sitemap.xml` need no entry: a slug cannot contain a dot.) Keep in step with the web router.
pub const RESERVED_SECTION_SLUGS: &[&str] = &[
    "api",
    "assets",
    "authors",
    "corrections",
    "feeds",
    "healthz",
    "live",
    "media",
    "newsroom",
    "pages",
    "search",
    "sitemaps",
    "tags",
    "views",
];

/// A section address the site uses itself; see [`RESERVED_SECTION_SLUGS`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the address /{0} is used by the site itself; choose another address for the section")]
pub struct ReservedSectionSlug(pub Slug);

impl Slug {
    /// Accepts a slug exactly as typed, refusing anything that would need changing.
    pub fn parse(input: &str) -> Result<Self, SlugError> {
        if input.is_empty() {
            return Err(SlugError::Empty);
        }
        if input.len() > MAX_SLUG_LEN {
            return Err(SlugError::TooLong);
        }
        let valid_chars = input
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !valid_chars || input.starts_with('-') || input.ends_with('-') || input.contains("--") {
            return Err(SlugError::InvalidCharacters);
        }
        Ok(Self(input.to_owned()))
    }

    /// Makes a slug from a headline or a name: Ukrainian and Russian Cyrillic is transliterated
    /// (Ukraine's official 2010 table, simplified to its non-initial forms), everything else that
    /// is not a letter or digit becomes a word break. Long titles are cut on a word boundary.
    pub fn from_title(title: &str) -> Result<Self, SlugError> {
        let mut out = String::with_capacity(title.len());
        let mut pending_hyphen = false;
        for ch in title.chars().flat_map(char::to_lowercase) {
            let piece: &str = match ch {
                'a'..='z' | '0'..='9' => {
                    if pending_hyphen && !out.is_empty() {
                        out.push('-');
                    }
                    pending_hyphen = false;
                    out.push(ch);
                    continue;
                }
                // Apostrophes inside words (Ukrainian п'ять, English don't) join, not split.
                '\'' | '’' | 'ʼ' | '`' => continue,
                other => transliterate(other).unwrap_or(""),
            };
            if piece.is_empty() {
                pending_hyphen = true;
                continue;
            }
            if pending_hyphen && !out.is_empty() {
                out.push('-');
            }
            pending_hyphen = false;
            out.push_str(piece);
        }
        if out.len() > MAX_SLUG_LEN {
            let cut = out[..=MAX_SLUG_LEN].rfind('-').unwrap_or(MAX_SLUG_LEN);
            out.truncate(cut);
        }
        Self::parse(out.trim_matches('-'))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// True when a section may not have this slug, because the site answers that address itself.
    pub fn is_reserved_for_section(&self) -> bool {
        RESERVED_SECTION_SLUGS.contains(&self.as_str())
    }

    /// Accepts this slug as a section's address, or says why it cannot be one.
    pub fn check_section_slug(&self) -> Result<(), ReservedSectionSlug> {
        if self.is_reserved_for_section() {
            Err(ReservedSectionSlug(self.clone()))
        } else {
            Ok(())
        }
    }

    /// The same slug with a numeric suffix, used when a slug is already taken.
    pub fn with_suffix(&self, n: u32) -> Self {
        let suffix = format!("-{n}");
        let mut base = self.0.clone();
        if base.len() + suffix.len() > MAX_SLUG_LEN {
            base.truncate(MAX_SLUG_LEN - suffix.len());
            while base.ends_with('-') {
                base.pop();
            }
        }
        Self(base + &suffix)
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Slug {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

fn transliterate(ch: char) -> Option<&'static str> {
    Some(match ch {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "h",
        'ґ' => "g",
        'д' => "d",
        'е' | 'э' => "e",
        'є' => "ie",
        'ж' => "zh",
        'з' => "z",
        'и' => "y",
        'і' => "i",
        'ї' => "i",
        'й' => "i",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ь' | 'ъ' => "",
        'ю' => "iu",
        'я' => "ia",
        'ё' => "io",
        'ы' => "y",
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' | 'ą' => "a",
        'ç' | 'ć' | 'č' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'ę' | 'ě' => "e",
        'ì' | 'í' | 'î' | 'ï' => "i",
        'ł' => "l",
        'ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' | 'ø' => "o",
        'ř' => "r",
        'ś' | 'š' => "s",
        'ù' | 'ú' | 'û' | 'ü' | 'ů' => "u",
        'ý' | 'ÿ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        'ß' => "ss",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_site_own_addresses_are_refused_as_section_slugs() {
        for reserved in RESERVED_SECTION_SLUGS {
            let slug = Slug::parse(reserved).expect("every reserved entry is a valid slug");
            assert!(slug.is_reserved_for_section(), "{reserved}");
            let err = slug.check_section_slug().unwrap_err();
            assert_eq!(
                err.to_string(),
                format!(
                    "the address /{reserved} is used by the site itself; choose another address for the section"
                )
            );
        }
        let war = Slug::parse("war").unwrap();
        assert!(!war.is_reserved_for_section());
        assert_eq!(war.check_section_slug(), Ok(()));
        // Only whole addresses are reserved.
        assert_eq!(
            Slug::parse("search-and-rescue")
                .unwrap()
                .check_section_slug(),
            Ok(())
        );
    }

    #[test]
    fn a_headline_becomes_a_hyphenated_slug() {
        let slug = Slug::from_title("Air defence holds over Kharkiv: 40 drones down!").unwrap();
        assert_eq!(
            slug.as_str(),
            "air-defence-holds-over-kharkiv-40-drones-down"
        );
    }

    #[test]
    fn ukrainian_headlines_are_transliterated_and_apostrophes_join_words() {
        let slug = Slug::from_title("П'ять шкіл Харкова відкрилися під землею").unwrap();
        assert_eq!(slug.as_str(), "piat-shkil-kharkova-vidkrylysia-pid-zemleiu");
    }

    #[test]
    fn very_long_titles_are_cut_on_a_word_boundary() {
        let title = "word ".repeat(60);
        let slug = Slug::from_title(&title).unwrap();
        assert!(slug.as_str().len() <= MAX_SLUG_LEN);
        assert!(slug.as_str().ends_with("word"));
    }

    #[test]
    fn a_title_without_letters_has_no_slug() {
        assert_eq!(Slug::from_title("!!! ???"), Err(SlugError::Empty));
    }

    #[test]
    fn parse_refuses_anything_a_url_would_mangle() {
        for bad in [
            "",
            "Upper",
            "two--hyphens",
            "-lead",
            "trail-",
            "sp ace",
            "../etc",
            "ü",
        ] {
            assert!(Slug::parse(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(Slug::parse("kyiv-2024").is_ok());
    }

    #[test]
    fn a_suffix_keeps_the_slug_within_the_limit() {
        let long = Slug::parse(&"a".repeat(MAX_SLUG_LEN)).unwrap();
        assert_eq!(long.with_suffix(12).as_str().len(), MAX_SLUG_LEN);
        assert_eq!(
            Slug::parse("kyiv").unwrap().with_suffix(2).as_str(),
            "kyiv-2"
        );
    }
}
