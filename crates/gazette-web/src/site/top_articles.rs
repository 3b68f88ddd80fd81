//! "Top articles" and "Most read" as pages show them. The node's top-articles job
//! (`gazette_node::top_articles`) computes the list in the background and hands it here, where it
//! is split by language once per refresh: each edition shows its own language's most read.

use std::sync::{Arc, RwLock};

use gazette_core::{ArticleSummary, Language};
use gazette_node::TopArticlesSink;
use gazette_node::top_articles::TOP_COUNT;

#[derive(Default)]
pub struct TopArticles {
    current: RwLock<Arc<Current>>,
}

/// Each language's list.
#[derive(Default)]
struct Current {
    by_language: Vec<(Language, Arc<Vec<ArticleSummary>>)>,
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
                .map(|(language, list)| (language, Arc::new(list)))
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
            .find(|(l, _)| *l == language)
            .map_or_else(Arc::default, |(_, list)| list.clone())
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
