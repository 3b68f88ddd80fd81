//! Answering a reader's query: their words as a tantivy query (synonyms, phrases, one typo for a
//! longer word), the filters, ranking with recent news lifted, and the count of matches.

use std::ops::Bound;

use chrono::{DateTime, Utc};
use tantivy::collector::TopDocs;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, EnableScoring, FuzzyTermQuery, Occur, PhraseQuery,
    Query, RangeQuery, TermQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocSet, Order, TERMINATED};

use crate::analysis::{analyze, analyze_with};
use crate::{
    COUNT_LIMIT, SearchIndex, SearchOrder, SearchQuery, SearchResult, SearchResults, Synonyms,
};

/// Words of a query that are used; the rest is ignored.
const MAX_QUERY_WORDS: usize = 12;
/// Words shorter than this must be spelt right: a one-letter slip in a short word is another word.
const FUZZY_MIN_CHARS: usize = 5;
/// A misspelt word matches, but below a word spelt as written.
const FUZZY_BOOST: f32 = 0.3;
/// Recent news is lifted: a story from today scores `1 + RECENCY_WEIGHT` times its relevance, one
/// `RECENCY_HALF_LIFE_DAYS` old `1 + RECENCY_WEIGHT / 2` times, the archive barely more than 1.
const RECENCY_WEIGHT: f32 = 0.5;
const RECENCY_HALF_LIFE_DAYS: f32 = 14.0;
/// The recency boost re-ranks this many of the best matches by relevance alone (more for deep
/// pages, in steps of this size so that neighbouring pages rank the same candidates).
const RERANK_CANDIDATES: usize = 300;

impl SearchIndex {
    /// Runs a query. Only articles published at or before `now` are found. Blocking: call it from
    /// a blocking task in async code.
    pub fn search(&self, q: &SearchQuery, now: DateTime<Utc>) -> SearchResult<SearchResults> {
        let searcher = self.reader.searcher();
        let synonyms = self
            .synonyms
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let Some((text_query, snippet_terms)) = self.text_query(&q.text, &synonyms, &searcher)?
        else {
            return Ok(SearchResults::default());
        };
        let f = &self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text_query.box_clone())];
        let filter = |query: Box<dyn Query>| -> (Occur, Box<dyn Query>) {
            (Occur::Must, Box::new(ConstScoreQuery::new(query, 0.0)))
        };
        if let Some(id) = q.section_id {
            clauses.push(filter(Box::new(TermQuery::new(
                tantivy::Term::from_field_i64(f.section, id),
                IndexRecordOption::Basic,
            ))));
        }
        if let Some(id) = q.author_id {
            clauses.push(filter(Box::new(TermQuery::new(
                tantivy::Term::from_field_i64(f.author, id),
                IndexRecordOption::Basic,
            ))));
        }
        if let Some(language) = q.language {
            clauses.push(filter(Box::new(TermQuery::new(
                tantivy::Term::from_field_text(f.language, language.code()),
                IndexRecordOption::Basic,
            ))));
        }
        let lower = q.from.map_or(Bound::Unbounded, |t| {
            Bound::Included(tantivy::Term::from_field_i64(f.published, t.timestamp()))
        });
        // Never past `now`: an embargoed article is in the index but not yet findable.
        let upper = match q.until {
            Some(until) if until <= now => Bound::Excluded(tantivy::Term::from_field_i64(
                f.published,
                until.timestamp(),
            )),
            _ => Bound::Included(tantivy::Term::from_field_i64(f.published, now.timestamp())),
        };
        clauses.push(filter(Box::new(RangeQuery::new(lower, upper))));
        let query = BooleanQuery::new(clauses);

        let limit = q.limit.clamp(1, 100);
        let addresses: Vec<DocAddress> = match q.order {
            SearchOrder::Relevance => self.best_matches(&searcher, &query, q.offset, limit, now)?,
            SearchOrder::Newest => {
                let collector = TopDocs::with_limit(limit)
                    .and_offset(q.offset)
                    .order_by_fast_field::<i64>("published", Order::Desc);
                searcher
                    .search(&query, &collector)?
                    .into_iter()
                    .map(|(_, a)| a)
                    .collect()
            }
        };
        let counted = count_up_to(&searcher, &query, COUNT_LIMIT + 1)?;
        let (total, more) = if counted > COUNT_LIMIT {
            (COUNT_LIMIT, true)
        } else {
            (counted, false)
        };
        let hits = self.hits(&searcher, &*text_query, &snippet_terms, addresses)?;
        Ok(SearchResults { hits, total, more })
    }

    /// The page of best matches. Matches are ranked by relevance alone, which lets tantivy skip
    /// whatever cannot make the list, and the recency boost then re-orders each run of
    /// [`RERANK_CANDIDATES`] of them: the first page shows the best few hundred with recent news
    /// lifted, and since each run holds the same articles whichever page asks, paging through
    /// never shows an article twice or skips one.
    fn best_matches(
        &self,
        searcher: &tantivy::Searcher,
        query: &dyn Query,
        offset: usize,
        limit: usize,
        now: DateTime<Utc>,
    ) -> SearchResult<Vec<DocAddress>> {
        let candidates = (offset + limit).div_ceil(RERANK_CANDIDATES).max(1) * RERANK_CANDIDATES;
        let top = searcher.search(query, &TopDocs::with_limit(candidates))?;
        let now_secs = now.timestamp();
        let mut columns = std::collections::HashMap::new();
        let mut boosted = |score: f32, address: DocAddress| {
            let column = columns.entry(address.segment_ord).or_insert_with(|| {
                searcher
                    .segment_reader(address.segment_ord)
                    .fast_fields()
                    .i64("published")
                    .ok()
                    .map(|c| c.first_or_default_col(now_secs))
            });
            let at = column
                .as_ref()
                .map_or(now_secs, |c| c.get_val(address.doc_id));
            score * recency_boost(now_secs - at)
        };
        let first_run = offset / RERANK_CANDIDATES;
        let mut page = Vec::with_capacity(limit);
        for run in top.chunks(RERANK_CANDIDATES).skip(first_run) {
            let mut ranked: Vec<(f32, DocAddress)> =
                run.iter().map(|&(s, a)| (boosted(s, a), a)).collect();
            // A stable sort: equal scores keep tantivy's order, so pages are repeatable.
            ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
            page.extend(ranked.into_iter().map(|(_, a)| a));
        }
        Ok(page
            .into_iter()
            .skip(offset - first_run * RERANK_CANDIDATES)
            .take(limit)
            .collect())
    }

    /// The reader's words as a query: every word must match in some field, in one of its spellings
    /// (as written, a synonym, or, for a longer word found nowhere as written, one typo away).
    /// Quoted text is a phrase. None when the text holds no words.
    fn text_query(
        &self,
        text: &str,
        synonyms: &Synonyms,
        searcher: &tantivy::Searcher,
    ) -> SearchResult<Option<TextQuery>> {
        let mut words: Vec<Box<dyn Query>> = Vec::new();
        // Every analysed term a snippet may highlight: the words and their synonyms.
        let mut terms: Vec<String> = Vec::new();
        for (i, part) in text.split('"').enumerate() {
            let quoted = i % 2 == 1;
            let analysed = analyze(part);
            if quoted && analysed.len() > 1 {
                let phrase: Vec<String> = analysed.into_iter().map(|t| t.text).collect();
                terms.extend(phrase.iter().cloned());
                words.push(self.any_field(&[phrase], None, searcher)?);
                continue;
            }
            for term in analysed {
                let mut spellings = vec![vec![term.text.clone()]];
                spellings.extend(synonyms.alternatives(&term.text).iter().cloned());
                terms.extend(spellings.iter().flatten().cloned());
                let written = &part[term.from..term.to];
                let unstemmed = analyze_with(written, false)
                    .into_iter()
                    .next()
                    .map(|t| t.text);
                let fuzzy = unstemmed.filter(|w| {
                    w.chars().count() >= FUZZY_MIN_CHARS && !w.chars().any(char::is_numeric)
                });
                words.push(self.any_field(&spellings, fuzzy.as_deref(), searcher)?);
            }
            if words.len() >= MAX_QUERY_WORDS {
                break;
            }
        }
        words.truncate(MAX_QUERY_WORDS);
        Ok(match words.len() {
            0 => None,
            _ => Some((
                Box::new(BooleanQuery::new(
                    words.into_iter().map(|w| (Occur::Must, w)).collect(),
                )),
                terms,
            )),
        })
    }

    /// One word of the query: any of its spellings in any searched field.
    fn any_field(
        &self,
        spellings: &[Vec<String>],
        fuzzy: Option<&str>,
        searcher: &tantivy::Searcher,
    ) -> SearchResult<Box<dyn Query>> {
        let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut found_as_written = false;
        for (field, boost) in self.fields.search_fields() {
            for spelling in spellings {
                let terms: Vec<tantivy::Term> = spelling
                    .iter()
                    .map(|t| tantivy::Term::from_field_text(field, t))
                    .collect();
                let query: Box<dyn Query> = match terms.as_slice() {
                    [single] => {
                        found_as_written |= searcher.doc_freq(single)? > 0;
                        Box::new(TermQuery::new(single.clone(), IndexRecordOption::WithFreqs))
                    }
                    _ => Box::new(PhraseQuery::new(terms)),
                };
                alternatives.push((Occur::Should, Box::new(BoostQuery::new(query, boost))));
            }
        }
        // A word that is in the index as written is taken as meant: matching its one-letter
        // neighbours too would bury "grain" under "train" and "brain".
        if let Some(word) = fuzzy.filter(|_| !found_as_written) {
            let term = tantivy::Term::from_field_text(self.fields.words, word);
            alternatives.push((
                Occur::Should,
                Box::new(BoostQuery::new(
                    Box::new(FuzzyTermQuery::new(term, 1, true)),
                    FUZZY_BOOST,
                )),
            ));
        }
        Ok(Box::new(BooleanQuery::new(alternatives)))
    }
}

/// The reader's words as a query, and every analysed term a snippet may mark.
type TextQuery = (Box<dyn Query>, Vec<String>);

/// How many documents match `query`, counting no further than `cap`: matches are visited without
/// scoring, and the walk stops at the cap instead of going through the whole archive.
fn count_up_to(searcher: &tantivy::Searcher, query: &dyn Query, cap: usize) -> SearchResult<usize> {
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let mut count = 0;
    for segment in searcher.segment_readers() {
        let alive = segment.alive_bitset();
        let mut scorer = weight.scorer(segment, 1.0)?;
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                count += 1;
                if count >= cap {
                    return Ok(count);
                }
            }
            doc = scorer.advance();
        }
    }
    Ok(count)
}

/// How much a story `age_secs` old is lifted.
fn recency_boost(age_secs: i64) -> f32 {
    let age_days = (age_secs.max(0) as f32) / 86_400.0;
    1.0 + RECENCY_WEIGHT / (1.0 + age_days / RECENCY_HALF_LIFE_DAYS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn todays_news_is_lifted_more_than_last_years() {
        assert!(recency_boost(0) > recency_boost(86_400 * 14));
        assert!(recency_boost(86_400 * 14) > recency_boost(86_400 * 365));
        assert!((recency_boost(0) - 1.5).abs() < 1e-6);
    }
}
