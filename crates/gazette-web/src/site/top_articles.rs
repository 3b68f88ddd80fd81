//! "Top articles" and "Most read" as pages show them. The node's top-articles job
//! (`gazette_node::top_articles`) computes the list in the background and hands it here, where it
//! is prepared once per refresh as the cards pages print in each language, rather than on every
//! page that shows them.

use std::sync::{Arc, RwLock};

use gazette_core::{ArticleSummary, Language};
use gazette_node::TopArticlesSink;
use gazette_node::top_articles::TOP_COUNT;

use crate::presenters::Card;

#[derive(Default)]
pub struct TopArticles {
    current: RwLock<Arc<Current>>,
}

/// Each language's list, and the same list as cards.
#[derive(Default)]
struct Current {
    by_language: Vec<(Language, Arc<Vec<ArticleSummary>>, minijinja::Value)>,
}

impl Current {
    /// `candidates` are the most read across languages, most read first: each language keeps
    /// its first [`TOP_COUNT`].
    fn new(candidates: Vec<ArticleSummary>) -> Self {
        let mut by_language: Vec<(Language, Vec<ArticleSummary>)> = Vec::new();
        for article in candidates {
            match by_language.iter_mut().find(|(l, _)| *l == article.language) {
                Some((_, list)) if list.len() >= TOP_COUNT as usize => {}
                Some((_, list)) => list.push(article),
                None => by_language.push((article.language, vec![article])),
            }
        }
        Self {
            by_language: by_language
                .into_iter()
                .map(|(language, list)| {
                    let cards = minijinja::Value::from_serialize(Card::list(&list, language));
                    (language, Arc::new(list), cards)
                })
                .collect(),
        }
    }
}

impl TopArticles {
    /// The most read in `language`, most read first.
    pub fn list(&self, language: Language) -> Arc<Vec<ArticleSummary>> {
        self.current()
            .by_language
            .iter()
            .find(|(l, _, _)| *l == language)
            .map_or_else(Arc::default, |(_, list, _)| list.clone())
    }

    /// The list as cards for a page in `language`, ready for a template; before the first refresh
    /// (or with nothing read in that language) undefined, which templates skip.
    pub fn cards(&self, language: Language) -> minijinja::Value {
        self.current()
            .by_language
            .iter()
            .find(|(l, _, _)| *l == language)
            .map_or_else(minijinja::Value::default, |(_, _, cards)| cards.clone())
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
