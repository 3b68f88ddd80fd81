//! Which edition a request is for. The default edition is served at the site's root, every other
//! under its language code (`/uk/…`): the router mounts the public pages once per edition and
//! marks each mount with its [`Edition`], which handlers take as an extractor.

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use gazette_core::{Editions, Language};

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
