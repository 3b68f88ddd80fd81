//! What imports from other systems write: articles keyed by the source's own identifiers, so a
//! re-run updates instead of duplicating, and the old site's addresses.

use gazette_core::NewArticle;

/// What an imported record was in the source, for [`crate::ImportStore`]'s bookkeeping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImportKind {
    Article,
    Page,
    Section,
    Tag,
    Author,
    Media,
}

impl ImportKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Article => "article",
            Self::Page => "page",
            Self::Section => "section",
            Self::Tag => "tag",
            Self::Author => "author",
            Self::Media => "media",
        }
    }
}

/// What an earlier import made of a source's record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRecord {
    /// The id of what it became here (an article, a section, a byline, an image…).
    pub target_id: i64,
    /// A digest of what was written; the same digest means nothing changed at the source.
    pub fingerprint: String,
}

/// One article of an import batch.
#[derive(Debug, Clone)]
pub struct ImportedArticle {
    /// The source's identifier (a WordPress GUID, a Ghost id).
    pub key: String,
    /// A digest of everything below, computed by the importer: an article imported before with
    /// the same fingerprint is left alone.
    pub fingerprint: String,
    pub article: NewArticle,
    pub featured_media_id: Option<i64>,
    /// Pinned to the home page (WordPress's sticky posts, Ghost's featured ones).
    pub pinned: bool,
    /// Old addresses that lead to it and that the generic rules cannot work out (`/?p=12`).
    pub old_addresses: Vec<String>,
}

/// What an import batch did with one article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportOutcome {
    Created(i64),
    Updated(i64),
    /// Imported before and unchanged at the source since.
    Unchanged(i64),
}

impl ImportOutcome {
    pub fn article_id(self) -> i64 {
        match self {
            Self::Created(id) | Self::Updated(id) | Self::Unchanged(id) => id,
        }
    }
}

/// A person from the old site: a byline, and a newsroom account that stays disabled, without a
/// password, until an admin enables it.
#[derive(Debug, Clone)]
pub struct ImportedPerson {
    pub slug: gazette_core::Slug,
    pub name: String,
    pub bio: String,
    /// No account is made without an address, or when the address has one already.
    pub email: Option<gazette_core::newsroom::Email>,
}

/// Where an old address leads now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OldAddress {
    /// An imported article, at its current address.
    Article {
        section: gazette_core::Slug,
        slug: gazette_core::Slug,
    },
    /// A fixed path on this site.
    Path(String),
}

/// Makes an old address comparable with the paths readers ask for: no trailing slash (except
/// the root), and only the query parameters WordPress addresses content by (`p`, `page_id`).
pub fn normalise_old_address(path_and_query: &str) -> String {
    let (path, query) = match path_and_query.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (path_and_query, None),
    };
    let mut path = path.trim_end_matches('/').to_owned();
    if path.is_empty() {
        path.push('/');
    }
    let kept = query.into_iter().flat_map(|q| q.split('&')).find(|pair| {
        pair.split_once('=')
            .is_some_and(|(name, value)| matches!(name, "p" | "page_id") && !value.is_empty())
    });
    match kept {
        Some(pair) => format!("{path}?{pair}"),
        None => path,
    }
}

#[cfg(test)]
mod tests {
    use super::normalise_old_address;

    #[test]
    fn old_addresses_compare_without_trailing_slashes_or_stray_parameters() {
        assert_eq!(
            normalise_old_address("/2024/03/01/kyiv/"),
            "/2024/03/01/kyiv"
        );
        assert_eq!(normalise_old_address("/"), "/");
        assert_eq!(normalise_old_address("/?p=12"), "/?p=12");
        assert_eq!(normalise_old_address("/?utm_source=x&p=12"), "/?p=12");
        assert_eq!(normalise_old_address("/?page_id=7"), "/?page_id=7");
        assert_eq!(normalise_old_address("/?s=kyiv"), "/");
        assert_eq!(normalise_old_address("/?p="), "/");
    }
}
