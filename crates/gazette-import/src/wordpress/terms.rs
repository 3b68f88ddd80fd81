//! The channel's authors and terms, and the slug rules they share with items.

use percent_encoding::percent_decode_str;

use super::xml::{Fields, field};
use crate::source::{SourceAuthor, SourceTerm};

/// A category or tag read from `wp:category`, `wp:tag` or `wp:term`.
pub(super) enum Term {
    Category {
        /// `wp:term_id`, which Yoast's primary category refers to.
        id: Option<String>,
        term: SourceTerm,
        parent: Option<String>,
    },
    Tag(SourceTerm),
}

/// A `wp:author`; None without a login, which items would have no way to name.
pub(super) fn author(fields: &Fields) -> Option<SourceAuthor> {
    let login = field(fields, "wp:author_login").trim();
    if login.is_empty() {
        return None;
    }
    let display_name = field(fields, "wp:author_display_name").trim();
    let full_name = format!(
        "{} {}",
        field(fields, "wp:author_first_name").trim(),
        field(fields, "wp:author_last_name").trim()
    );
    let name = if !display_name.is_empty() {
        display_name.to_owned()
    } else if !full_name.trim().is_empty() {
        full_name.trim().to_owned()
    } else {
        login.to_owned()
    };
    let email = field(fields, "wp:author_email").trim();
    let slug = match sanitize_title(login) {
        slug if slug.is_empty() => login.to_lowercase(),
        slug => slug,
    };
    Some(SourceAuthor {
        key: login.to_owned(),
        slug,
        name,
        email: (!email.is_empty()).then(|| email.to_owned()),
        bio: String::new(),
    })
}

/// A category or tag; None for other taxonomies (menus, post formats, custom ones), which
/// Gazette has no place for, and for terms without a slug.
pub(super) fn term(element: &str, fields: &Fields) -> Option<Term> {
    // (taxonomy, slug, name, description, parent)
    let (taxonomy, slug, name, description, parent) = match element {
        "wp:category" => (
            "category",
            field(fields, "wp:category_nicename"),
            field(fields, "wp:cat_name"),
            field(fields, "wp:category_description"),
            field(fields, "wp:category_parent"),
        ),
        "wp:tag" => (
            "post_tag",
            field(fields, "wp:tag_slug"),
            field(fields, "wp:tag_name"),
            field(fields, "wp:tag_description"),
            "",
        ),
        _ => (
            field(fields, "wp:term_taxonomy"),
            field(fields, "wp:term_slug"),
            field(fields, "wp:term_name"),
            field(fields, "wp:term_description"),
            field(fields, "wp:term_parent"),
        ),
    };
    let key = decode_slug(slug.trim());
    if key.is_empty() {
        return None;
    }
    let term = SourceTerm {
        slug: key.clone(),
        key,
        name: name.trim().to_owned(),
        description: description.trim().to_owned(),
    };
    match taxonomy.trim() {
        "category" => {
            let id = field(fields, "wp:term_id").trim();
            let parent = decode_slug(parent.trim());
            Some(Term::Category {
                id: (!id.is_empty()).then(|| id.to_owned()),
                term,
                parent: (!parent.is_empty()).then_some(parent),
            })
        }
        "post_tag" => Some(Term::Tag(term)),
        _ => None,
    }
}

/// WordPress stores non-ASCII slugs percent-encoded (`%d0%bd%d0%be…`); Gazette keeps them as
/// text. A slug whose bytes are not UTF-8 once decoded is kept as written.
pub(super) fn decode_slug(slug: &str) -> String {
    match percent_decode_str(slug).decode_utf8() {
        Ok(decoded) => decoded.into_owned(),
        Err(_) => slug.to_owned(),
    }
}

/// Roughly WordPress's `sanitize_title()`, which makes an author's nicename (the `/author/…/`
/// part of their page's address) from the login: lower case, dots and spaces become hyphens,
/// other punctuation goes, hyphens do not repeat. Letters outside ASCII are kept as letters
/// (WordPress would percent-encode them; Gazette's slugs are text, see [`decode_slug`]).
pub(super) fn sanitize_title(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for character in text.chars().flat_map(char::to_lowercase) {
        let kept = match character {
            '-' | '.' => Some('-'),
            '_' => Some('_'),
            character if character.is_whitespace() => Some('-'),
            character if character.is_alphanumeric() => Some(character),
            _ => None,
        };
        match kept {
            Some('-') if slug.is_empty() || slug.ends_with('-') => {}
            Some(character) => slug.push(character),
            None => {}
        }
    }
    slug.trim_end_matches('-').to_owned()
}
