//! Which edition a request is for. The default edition is served at the site's root, every other
//! under its language code (`/uk/…`): the router mounts the public pages once per edition and
//! marks each mount with its [`Edition`], which handlers take as an extractor.

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use gazette_core::{Editions, Language};

pub use crate::links::{AllLinks, EditionLinks, LocalName};

/// The edition of the page asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edition(pub Language);

impl Edition {
    pub fn language(self) -> Language {
        self.0
    }

    /// A site path in this edition: `/world` → `/uk/world` in the Ukrainian edition.
    pub fn path(self, editions: &Editions, path: &str) -> String {
        editions.path(self.0, path)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Edition {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        // Every public route is mounted with its edition (see `router.rs`); a route outside them
        // (the newsroom, the API) asking for one gets the default language.
        Ok(parts
            .extensions
            .get::<Edition>()
            .copied()
            .unwrap_or(Edition(Language::default())))
    }
}

/// The same page in every edition that has it, for `hreflang` links and the edition switcher:
/// `address` gives the page's address in an edition, or None where it does not exist there.
pub async fn alternates(
    state: &crate::state::SiteState,
    address: impl Fn(&EditionLinks) -> Option<String>,
) -> gazette_store::StoreResult<Vec<crate::presenters::Alternate>> {
    let site =
        crate::presenters::SiteContext::load(state, state.config.editions.default_language(), None)
            .await?;
    Ok(site
        .every
        .every()
        .filter_map(|links| {
            address(links)
                .map(|path| crate::presenters::Alternate::new(links.language, site.absolute(&path)))
        })
        .collect())
}

/// An article's translations as its page shows them.
pub struct Translations {
    /// `hreflang` alternates: itself and its translations readers can see, each in its own
    /// edition. Empty when it has none (a page alone needs no alternates). The first is the
    /// `x-default`: the default edition's version, else the original.
    pub alternates: Vec<crate::presenters::Alternate>,
    /// Every other article of its group, drafts included: the page names them among its surrogate
    /// keys, so publishing, editing or taking down a translation refreshes its alternates.
    pub group: Vec<i64>,
}

pub async fn translations(
    state: &crate::state::SiteState,
    site: &crate::presenters::SiteContext,
    article: &gazette_core::Article,
) -> gazette_store::StoreResult<Translations> {
    let group = state.store.translations(article.id).await?;
    let ids = group.iter().map(|t| t.id).collect();
    Ok(Translations {
        alternates: translation_alternates(state, site, article, group),
        group: ids,
    })
}

fn translation_alternates(
    state: &crate::state::SiteState,
    site: &crate::presenters::SiteContext,
    article: &gazette_core::Article,
    group: Vec<gazette_core::translation::TranslationLink>,
) -> Vec<crate::presenters::Alternate> {
    let now = state.now();
    let editions = &state.config.editions;
    let visible: Vec<_> = group
        .into_iter()
        .filter(|t| {
            gazette_core::article::reader_view(t.status, t.published_at, now)
                == gazette_core::ReaderView::Visible
                // One address per language: a translation outside the editions has no page of
                // its own to announce.
                && editions.contains(t.language)
                && t.language != article.language
        })
        .collect();
    if visible.is_empty() {
        return Vec::new();
    }
    let is_original = article.translation_of.is_none();
    let mut found: Vec<(Language, bool, String)> = vec![(
        article.language,
        is_original,
        site.every.article_url(
            article.language,
            article.section.slug.as_str(),
            article.slug.as_str(),
        ),
    )];
    for t in visible {
        let path = site
            .every
            .article_url(t.language, t.section_slug.as_str(), t.slug.as_str());
        found.push((t.language, t.is_original, path));
    }
    sort_versions(editions, &mut found);
    found
        .into_iter()
        .map(|(language, _, path)| {
            crate::presenters::Alternate::new(language, site.absolute(&path))
        })
        .collect()
}

/// A story's versions (language, whether it is the original, address) in the order `hreflang`
/// lists them: the default edition's version first (the `x-default`), else the original, then the
/// others in the editions' order. Pages and sitemaps both list them so.
pub fn sort_versions<T>(editions: &Editions, versions: &mut [(Language, bool, T)]) {
    let default = editions.default_language();
    versions.sort_by_key(|(language, original, _)| {
        (
            *language != default,
            !*original,
            editions.all().iter().position(|l| l == language),
        )
    });
}
