//! The addresses and names of each edition: every link a page prints goes through here, so a
//! Ukrainian page links to `/uk/…` with its sections' and tags' Ukrainian addresses and names. A
//! leaf: the presenters and the site's handlers use it; it uses neither.

use gazette_core::{Editions, Language};

/// A section's or tag's name and slug in one edition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalName {
    pub name: String,
    pub slug: String,
    /// A section's description in the language (empty for tags, or to keep the section's own).
    pub description: String,
}

/// The addresses and names of one edition: every link a page prints goes through here, so a
/// Ukrainian page links to `/uk/…` with the sections' and tags' Ukrainian slugs and names.
/// Sections and tags without a name in the edition's language keep their own.
#[derive(Debug, Clone, Default)]
pub struct EditionLinks {
    pub language: Language,
    /// Empty for the default edition, `/uk` for Ukrainian.
    prefix: String,
    /// By the section's own slug.
    sections: std::collections::HashMap<String, LocalName>,
    /// The section's own slug by its slug in this edition.
    sections_by_local: std::collections::HashMap<String, String>,
    tags: std::collections::HashMap<String, LocalName>,
    tags_by_local: std::collections::HashMap<String, String>,
}

impl EditionLinks {
    /// The links of `language`'s edition, with the names sections and tags have in it (by their
    /// own slugs).
    pub fn new(
        editions: &Editions,
        language: Language,
        sections: Vec<(String, LocalName)>,
        tags: Vec<(String, LocalName)>,
    ) -> Self {
        let sections_by_local = sections
            .iter()
            .map(|(own, local)| (local.slug.clone(), own.clone()))
            .collect();
        let tags_by_local = tags
            .iter()
            .map(|(own, local)| (local.slug.clone(), own.clone()))
            .collect();
        Self {
            language,
            prefix: editions.prefix(language),
            sections: sections.into_iter().collect(),
            sections_by_local,
            tags: tags.into_iter().collect(),
            tags_by_local,
        }
    }

    /// A site path in this edition: `/search` → `/uk/search`; the home `/` → `/uk`.
    pub fn path(&self, path: &str) -> String {
        if !self.prefix.is_empty() && path == "/" {
            self.prefix.clone()
        } else {
            format!("{}{path}", self.prefix)
        }
    }

    pub fn home(&self) -> String {
        self.path("/")
    }

    /// The section's slug in this edition's addresses.
    pub fn local_section_slug<'a>(&'a self, own: &'a str) -> &'a str {
        self.sections.get(own).map_or(own, |l| l.slug.as_str())
    }

    /// The tag's slug in this edition's addresses.
    pub fn local_tag_slug<'a>(&'a self, own: &'a str) -> &'a str {
        self.tags.get(own).map_or(own, |l| l.slug.as_str())
    }

    pub fn section_url(&self, own_slug: &str) -> String {
        self.path(&format!("/{}", self.local_section_slug(own_slug)))
    }

    /// The section's description in this edition, or `own_description`.
    pub fn section_description(&self, own_slug: &str, own_description: &str) -> String {
        self.sections
            .get(own_slug)
            .map(|l| l.description.as_str())
            .filter(|d| !d.is_empty())
            .unwrap_or(own_description)
            .to_owned()
    }

    /// The section's name in this edition, or `own_name`.
    pub fn section_name(&self, own_slug: &str, own_name: &str) -> String {
        self.sections
            .get(own_slug)
            .map_or(own_name, |l| l.name.as_str())
            .to_owned()
    }

    pub fn article_url(&self, section_own_slug: &str, slug: &str) -> String {
        self.path(&format!(
            "/{}/{slug}",
            self.local_section_slug(section_own_slug)
        ))
    }

    pub fn tag_url(&self, own_slug: &str) -> String {
        self.path(&format!("/tags/{}", self.local_tag_slug(own_slug)))
    }

    pub fn tag_name(&self, own_slug: &str, own_name: &str) -> String {
        self.tags
            .get(own_slug)
            .map_or(own_name, |l| l.name.as_str())
            .to_owned()
    }

    pub fn author_url(&self, slug: &str) -> String {
        self.path(&format!("/authors/{slug}"))
    }

    /// The section's own slug for a slug in this edition's addresses: its local slug, or its own
    /// slug when it has no local one (old links keep working).
    pub fn own_section_slug<'a>(&'a self, slug: &'a str) -> &'a str {
        self.sections_by_local
            .get(slug)
            .map_or(slug, String::as_str)
    }

    /// The tag's own slug for a slug in this edition's addresses.
    pub fn own_tag_slug<'a>(&'a self, slug: &'a str) -> &'a str {
        self.tags_by_local.get(slug).map_or(slug, String::as_str)
    }
}

/// The links of every edition, for pages that link across editions (feeds, sitemaps, the API,
/// the switcher): an article's address is in its own language's edition.
#[derive(Debug, Clone, Default)]
pub struct AllLinks {
    /// The default edition first.
    editions: Vec<std::sync::Arc<EditionLinks>>,
}

impl AllLinks {
    pub fn new(editions: Vec<std::sync::Arc<EditionLinks>>) -> Self {
        Self { editions }
    }

    /// The links of `language`'s edition; a language without an edition is shown in the default.
    pub fn of(&self, language: Language) -> &EditionLinks {
        self.editions
            .iter()
            .find(|l| l.language == language)
            .or_else(|| self.editions.first())
            .map_or(&EMPTY_LINKS, |l| l)
    }

    pub fn article_url(&self, language: Language, section_own_slug: &str, slug: &str) -> String {
        self.of(language).article_url(section_own_slug, slug)
    }

    pub fn every(&self) -> impl Iterator<Item = &EditionLinks> {
        self.editions.iter().map(|l| &**l)
    }
}

static EMPTY_LINKS: std::sync::LazyLock<EditionLinks> =
    std::sync::LazyLock::new(EditionLinks::default);
