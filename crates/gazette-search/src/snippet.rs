//! The results a reader sees: the headline with the matched words marked, and a snippet of the
//! body (or the standfirst) around them, everything else escaped.

use std::collections::{BTreeMap, BTreeSet};

use tantivy::DocAddress;
use tantivy::query::Query;
use tantivy::schema::{TantivyDocument, Value};
use tantivy::snippet::{Snippet, SnippetGenerator};

use crate::analysis::SnippetTokenizer;
use crate::{SearchHit, SearchIndex, SearchResult};

/// Longest snippet shown under a result, in characters.
const SNIPPET_CHARS: usize = 220;

impl SearchIndex {
    /// The shown page's results: only these documents are read, and snippets are built for them
    /// alone, stemming only the words that could be the ones searched for.
    pub(crate) fn hits(
        &self,
        searcher: &tantivy::Searcher,
        text_query: &dyn Query,
        terms: &[String],
        addresses: Vec<DocAddress>,
    ) -> SearchResult<Vec<SearchHit>> {
        if addresses.is_empty() {
            return Ok(Vec::new());
        }
        let f = &self.fields;
        // As tantivy's `SnippetGenerator::create` weighs terms (rarer counts more), with the
        // cheaper tokenizer.
        let snippets = |field, chars| -> SearchResult<SnippetGenerator> {
            let mut query_terms = BTreeSet::new();
            text_query.query_terms(&mut |term, _| {
                if term.field() == field {
                    query_terms.insert(term.clone());
                }
            });
            let mut weights = BTreeMap::new();
            for term in query_terms {
                let Some(text) = term.value().as_str().map(str::to_owned) else {
                    continue;
                };
                let doc_freq = searcher.doc_freq(&term)?;
                if doc_freq > 0 {
                    weights.insert(text, 1.0 / (1.0 + doc_freq as f32));
                }
            }
            let tokenizer = tantivy::tokenizer::TextAnalyzer::from(SnippetTokenizer::new(
                terms.iter().map(String::as_str),
            ));
            Ok(SnippetGenerator::new(weights, tokenizer, field, chars))
        };
        let headline_snippets = snippets(f.headline, 1000)?;
        let body_snippets = snippets(f.body, SNIPPET_CHARS)?;
        let mut standfirst_snippets = None;

        let mut hits = Vec::with_capacity(addresses.len());
        for address in addresses {
            let doc: TantivyDocument = searcher.doc(address)?;
            let text = |field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
            };
            let Some(id) = doc.get_first(f.id).and_then(|v| v.as_i64()) else {
                continue;
            };
            let headline = text(f.headline);
            let headline_html = highlight(headline, &headline_snippets.snippet(headline));
            let body = body_snippets.snippet(text(f.body));
            let snippet_html = if body.highlighted().is_empty() {
                let standfirst = text(f.standfirst);
                let generator = match &mut standfirst_snippets {
                    Some(g) => g,
                    None => standfirst_snippets.insert(snippets(f.standfirst, SNIPPET_CHARS)?),
                };
                let snippet = generator.snippet(standfirst);
                if snippet.highlighted().is_empty() {
                    escape(&gazette_core::text::shorten(standfirst, SNIPPET_CHARS))
                } else {
                    snippet_html(&snippet)
                }
            } else {
                snippet_html(&body)
            };
            hits.push(SearchHit {
                id,
                headline_html,
                snippet_html,
            });
        }
        Ok(hits)
    }
}

fn escape(text: &str) -> String {
    gazette_core::text::escape_html(text)
}

/// The whole text with the highlighted ranges in `<mark>`.
fn highlight(text: &str, snippet: &Snippet) -> String {
    if snippet.highlighted().is_empty() || snippet.fragment() != text {
        return escape(text);
    }
    marked(text, snippet.highlighted())
}

fn snippet_html(snippet: &Snippet) -> String {
    let fragment = snippet.fragment();
    let mut html = marked(fragment, snippet.highlighted());
    if !fragment.is_empty() {
        html.push('\u{2026}');
    }
    html
}

fn marked(text: &str, ranges: &[std::ops::Range<usize>]) -> String {
    let mut html = String::with_capacity(text.len() + 32);
    let mut at = 0;
    for range in ranges {
        if range.start < at || range.end > text.len() {
            continue;
        }
        html.push_str(&escape(&text[at..range.start]));
        html.push_str("<mark>");
        html.push_str(&escape(&text[range.clone()]));
        html.push_str("</mark>");
        at = range.end;
    }
    html.push_str(&escape(&text[at..]));
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_wrap_matches_and_the_rest_is_escaped() {
        assert_eq!(
            marked("<b>Kyiv</b> talks", std::slice::from_ref(&(3..7))),
            "&lt;b&gt;<mark>Kyiv</mark>&lt;/b&gt; talks"
        );
    }
}
