//! Spellings treated as one word at query time: a search for `Kiev` also finds `Kyiv`, `Київ`
//! and `Киев`. Expanding the query rather than the index means an editor's new group works at
//! once, with no reindexing.

use std::collections::HashMap;

use crate::analysis::analyze;

/// The synonym list, analysed: each single-word term maps to every other spelling of its group.
/// A spelling of several words (`kryvyi rih`) is searched as a phrase.
#[derive(Debug, Clone, Default)]
pub struct Synonyms {
    alternatives: HashMap<String, Vec<Vec<String>>>,
}

impl Synonyms {
    pub fn new(groups: &[Vec<String>]) -> Self {
        let mut alternatives: HashMap<String, Vec<Vec<String>>> = HashMap::new();
        for group in groups {
            let analysed: Vec<Vec<String>> = group
                .iter()
                .map(|term| {
                    analyze(term)
                        .into_iter()
                        .map(|t| t.text)
                        .collect::<Vec<_>>()
                })
                .filter(|terms| !terms.is_empty())
                .collect();
            for spelling in &analysed {
                let [single] = spelling.as_slice() else {
                    continue;
                };
                let entry = alternatives.entry(single.clone()).or_default();
                for other in &analysed {
                    if other != spelling && !entry.contains(other) {
                        entry.push(other.clone());
                    }
                }
            }
        }
        Self { alternatives }
    }

    /// Other spellings of the analysed term `term` (each one or more analysed terms).
    pub fn alternatives(&self, term: &str) -> &[Vec<String>] {
        self.alternatives.get(term).map_or(&[], Vec::as_slice)
    }

    pub fn len(&self) -> usize {
        self.alternatives.len()
    }

    pub fn is_empty(&self) -> bool {
        self.alternatives.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(terms: &[&str]) -> Vec<String> {
        terms.iter().map(|t| (*t).to_owned()).collect()
    }

    #[test]
    fn every_spelling_leads_to_the_others() {
        let s = Synonyms::new(&[group(&["kyiv", "kiev", "київ"])]);
        let kiev = analyze("Kiev")[0].text.clone();
        let alternatives = s.alternatives(&kiev);
        assert_eq!(alternatives.len(), 2);
        assert!(alternatives.contains(&vec![analyze("kyiv")[0].text.clone()]));
    }

    #[test]
    fn a_spelling_of_several_words_is_an_alternative_but_not_a_trigger() {
        let s = Synonyms::new(&[group(&["kryvyi rih", "krivoy rog", "кривий ріг"])]);
        assert!(s.is_empty());
        let s = Synonyms::new(&[group(&["kryvyi rih", "kryvorizhzhia"])]);
        let key = analyze("kryvorizhzhia")[0].text.clone();
        assert_eq!(s.alternatives(&key).len(), 1);
        assert_eq!(s.alternatives(&key)[0].len(), 2);
    }
}
