//! What the discovery features (search index, sitemaps, feeds) read from the store, and the
//! editors' synonym list for search.

use chrono::{DateTime, Utc};
use gazette_core::{Language, Slug};

/// Most terms in one synonym group: a group is a handful of spellings of one name, not a list.
pub const MAX_SYNONYM_TERMS: usize = 20;
/// Longest single synonym term, in characters.
pub const MAX_SYNONYM_CHARS: usize = 80;

/// A published article as a sitemap or a news sitemap lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedLink {
    pub id: i64,
    pub section: Slug,
    pub slug: Slug,
    pub headline: String,
    pub language: Language,
    pub published_at: DateTime<Utc>,
    /// When readers last saw a change: the "Updated" time, or the publication time.
    pub lastmod: DateTime<Utc>,
}

/// One file of the article sitemap: how many addresses it holds and its newest `lastmod`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SitemapChunk {
    pub count: u64,
    pub lastmod: DateTime<Utc>,
}

/// Spellings search treats as the same word, such as Kyiv, Kiev and Київ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynonymGroup {
    pub id: i64,
    pub terms: Vec<String>,
}

/// Cleans a synonym group as typed by an editor: trimmed, lowercased, duplicates and empty terms
/// dropped. A group needs two different terms to mean anything.
pub fn clean_synonym_terms(terms: &[String]) -> Result<Vec<String>, String> {
    let mut cleaned: Vec<String> = Vec::new();
    for term in terms {
        let term = term
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        if term.is_empty() || cleaned.contains(&term) {
            continue;
        }
        if term.contains(',') {
            return Err(format!("a synonym cannot contain a comma: {term:?}"));
        }
        if term.chars().count() > MAX_SYNONYM_CHARS {
            return Err(format!(
                "a synonym can be at most {MAX_SYNONYM_CHARS} characters long"
            ));
        }
        cleaned.push(term);
    }
    if cleaned.len() < 2 {
        return Err("a synonym group needs at least two different terms".into());
    }
    if cleaned.len() > MAX_SYNONYM_TERMS {
        return Err(format!(
            "a synonym group can have at most {MAX_SYNONYM_TERMS} terms"
        ));
    }
    Ok(cleaned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synonym_terms_are_cleaned_and_need_two_spellings() {
        let terms = [
            "  Kyiv ".to_owned(),
            "KIEV".into(),
            "kyiv".into(),
            String::new(),
        ];
        assert_eq!(
            clean_synonym_terms(&terms).unwrap_or_default(),
            ["kyiv", "kiev"]
        );
        assert!(clean_synonym_terms(&["kyiv".to_owned()]).is_err());
        assert!(clean_synonym_terms(&["a,b".to_owned(), "c".into()]).is_err());
    }
}
