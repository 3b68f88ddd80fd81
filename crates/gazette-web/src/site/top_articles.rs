//! "Top articles" and "Most read" as pages show them. The node's top-articles job
//! (`gazette_node::top_articles`) computes the list in the background and hands it here, where it
//! is prepared once per refresh as the cards pages print in each language, rather than on every
//! page that shows them.

use std::sync::{Arc, RwLock};

use gazette_core::{ArticleSummary, Language};
use gazette_node::TopArticlesSink;

use crate::presenters::Card;

#[derive(Default)]
pub struct TopArticles {
    current: RwLock<Arc<Current>>,
}

/// The list, and the same list as cards in each language.
#[derive(Default)]
struct Current {
    list: Arc<Vec<ArticleSummary>>,
    cards: Vec<(Language, minijinja::Value)>,
}

impl Current {
    fn new(list: Vec<ArticleSummary>) -> Self {
        let cards = Language::ALL
            .iter()
            .map(|&language| {
                let cards = Card::list(&list, language);
                (language, minijinja::Value::from_serialize(&cards))
            })
            .collect();
        Self {
            list: Arc::new(list),
            cards,
        }
    }
}

impl TopArticles {
    /// The current list, most read first.
    pub fn list(&self) -> Arc<Vec<ArticleSummary>> {
        self.current().list.clone()
    }

    /// The list as cards for a page in `language`, ready for a template. Every language is
    /// prepared; before the first refresh the list is empty (undefined, which templates skip).
    pub fn cards(&self, language: Language) -> minijinja::Value {
        self.current()
            .cards
            .iter()
            .find(|(l, _)| *l == language)
            .map_or_else(minijinja::Value::default, |(_, cards)| cards.clone())
    }

    fn current(&self) -> Arc<Current> {
        self.current.read().map(|c| c.clone()).unwrap_or_default()
    }
}

impl TopArticlesSink for TopArticles {
    fn replace(&self, list: Vec<ArticleSummary>) {
        let prepared = Arc::new(Current::new(list));
        if let Ok(mut current) = self.current.write() {
            *current = prepared;
        }
    }
}
