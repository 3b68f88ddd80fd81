//! How text becomes searchable terms, the same way for articles and for what readers type.
//!
//! Gazette publishes in English and Ukrainian and quotes Russian, often in one article, so the
//! analyser decides per word rather than per article:
//!
//! - words are runs of letters and digits; an apostrophe between two letters belongs to the word
//!   (Ukrainian `п'ять`, `сім'я`; English `don't`) and every apostrophe form (`'`, `’`, `ʼ`, `‘`,
//!   `` ` ``) is treated alike, so `п'ять` and `п’ять` are one term;
//! - case is folded, and so are the letters readers type interchangeably: `ё`→`е`, `ґ`→`г`;
//! - Latin words are stemmed with the English Snowball stemmer (after dropping a possessive
//!   `'s`), Cyrillic words with the Russian one. There is no Ukrainian Snowball stemmer; Ukrainian
//!   shares most of its inflection endings with Russian (`-а`, `-у`, `-ою`, `-ами`, `-ах`), so the
//!   Russian stemmer brings many Ukrainian forms together too, and because the same function runs
//!   at index and at query time it can never make a word unfindable;
//! - words with digits are kept as they are (`f-16` stays `f` and `16`, `2024` stays `2024`).

use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// The name the analyser is registered under in the index.
pub const TOKENIZER_NAME: &str = "gazette";
/// The same analysis without stemming: the words as written, for typo tolerance (a misspelt word
/// often stems differently from the word meant, so typos are matched before stemming).
pub const WORDS_TOKENIZER_NAME: &str = "gazette_words";

/// Words longer than this are not words (base64, URLs run together): they are left out.
const MAX_WORD_CHARS: usize = 40;

static ENGLISH: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));
static RUSSIAN: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::Russian));

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02bc}' | '\u{2018}' | '`')
}

fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{04FF}' | '\u{0500}'..='\u{052F}')
}

/// One analysed word: where it was in the text (byte offsets) and the term it became.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub from: usize,
    pub to: usize,
    pub text: String,
}

/// Splits `text` into words and turns each into its term.
pub fn analyze(text: &str) -> Vec<Term> {
    analyze_with(text, true)
}

/// Like [`analyze`], stemming only when `stem` is true.
pub fn analyze_with(text: &str, stem: bool) -> Vec<Term> {
    words(text)
        .filter_map(|(from, to)| {
            normalize_word_with(&text[from..to], stem).map(|text| Term { from, to, text })
        })
        .collect()
}

/// The byte ranges of the words of `text`.
fn words(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        while let Some((start, c)) = chars.next() {
            if !c.is_alphanumeric() {
                continue;
            }
            let mut end = start + c.len_utf8();
            let mut previous_was_letter = c.is_alphabetic();
            while let Some(&(i, c)) = chars.peek() {
                if c.is_alphanumeric() {
                    previous_was_letter = c.is_alphabetic();
                    end = i + c.len_utf8();
                    chars.next();
                } else if is_apostrophe(c) && previous_was_letter {
                    // Part of the word only if a letter follows: "Kyiv's" yes, "Kyiv' " no.
                    let mut lookahead = chars.clone();
                    lookahead.next();
                    match lookahead.peek() {
                        Some(&(_, next)) if next.is_alphabetic() => {
                            chars.next();
                            previous_was_letter = false;
                        }
                        _ => break,
                    }
                } else {
                    break;
                }
            }
            return Some((start, end));
        }
        None
    })
}

/// The term for one word, or None for a word too long to be one.
pub fn normalize_word(word: &str) -> Option<String> {
    normalize_word_with(word, true)
}

fn normalize_word_with(word: &str, stem: bool) -> Option<String> {
    if word.chars().count() > MAX_WORD_CHARS {
        return None;
    }
    let mut folded = String::with_capacity(word.len());
    for c in word.chars().flat_map(char::to_lowercase) {
        match c {
            'ё' => folded.push('е'),
            'ґ' => folded.push('г'),
            c if is_apostrophe(c) => folded.push('\''),
            c => folded.push(c),
        }
    }
    let has_digit = folded.chars().any(|c| c.is_numeric());
    let cyrillic = folded.chars().any(is_cyrillic);
    if !cyrillic {
        // The English stemmer would leave "'s" alone only sometimes; drop it first.
        if let Some(stripped) = folded.strip_suffix("'s") {
            folded.truncate(stripped.len());
        }
    }
    folded.retain(|c| c != '\'');
    if folded.is_empty() {
        return None;
    }
    if has_digit || !stem {
        return Some(folded);
    }
    let stemmer = if cyrillic { &*RUSSIAN } else { &*ENGLISH };
    Some(stemmer.stem(&folded).into_owned())
}

/// The analyser as snippets need it: the same words at the same offsets, but a word is stemmed
/// only when it could become one of `terms` (the query's terms). Snowball stemmers only rewrite
/// the end of a word, so a word whose first two letters differ from every term's cannot match and
/// is given an empty term instead; stemming every word of every shown article was most of the
/// cost of building snippets.
#[derive(Clone)]
pub struct SnippetTokenizer {
    prefixes: std::sync::Arc<Vec<String>>,
}

impl SnippetTokenizer {
    pub fn new<'a>(terms: impl IntoIterator<Item = &'a str>) -> Self {
        let mut prefixes: Vec<String> = terms
            .into_iter()
            .map(|t| t.chars().take(2).collect::<String>())
            .filter(|p| !p.is_empty())
            .collect();
        prefixes.sort();
        prefixes.dedup();
        Self {
            prefixes: std::sync::Arc::new(prefixes),
        }
    }
}

impl Tokenizer for SnippetTokenizer {
    type TokenStream<'a> = GazetteTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> GazetteTokenStream {
        let prefixes = self.prefixes.clone();
        let tokens: Vec<Token> = words(text)
            .enumerate()
            .map(|(position, (from, to))| {
                let word = &text[from..to];
                let folded = fold(word);
                let text = if prefixes.iter().any(|p| folded.starts_with(p.as_str())) {
                    normalize_word_with(word, true).unwrap_or_default()
                } else {
                    String::new()
                };
                Token {
                    offset_from: from,
                    offset_to: to,
                    position,
                    text,
                    position_length: 1,
                }
            })
            .collect();
        GazetteTokenStream {
            tokens: tokens.into_iter(),
            current: Token::default(),
        }
    }
}

/// A word lowercased with `ё`/`ґ` folded and apostrophes dropped: what its stem starts with.
fn fold(word: &str) -> String {
    word.chars()
        .flat_map(char::to_lowercase)
        .filter(|c| !is_apostrophe(*c))
        .map(|c| match c {
            'ё' => 'е',
            'ґ' => 'г',
            c => c,
        })
        .collect()
}

/// The analyser as a tantivy tokenizer.
#[derive(Clone)]
pub struct GazetteTokenizer {
    pub stem: bool,
}

pub struct GazetteTokenStream {
    tokens: std::vec::IntoIter<Token>,
    current: Token,
}

impl Tokenizer for GazetteTokenizer {
    type TokenStream<'a> = GazetteTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> GazetteTokenStream {
        let tokens: Vec<Token> = analyze_with(text, self.stem)
            .into_iter()
            .enumerate()
            .map(|(position, term)| Token {
                offset_from: term.from,
                offset_to: term.to,
                position,
                text: term.text,
                position_length: 1,
            })
            .collect();
        GazetteTokenStream {
            tokens: tokens.into_iter(),
            current: Token::default(),
        }
    }
}

impl TokenStream for GazetteTokenStream {
    fn advance(&mut self) -> bool {
        match self.tokens.next() {
            Some(token) => {
                self.current = token;
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        &self.current
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<String> {
        analyze(text).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn case_is_folded_in_latin_and_cyrillic() {
        assert_eq!(terms("KYIV Kyiv"), ["kyiv", "kyiv"]);
        assert_eq!(terms("КИЇВ Київ"), terms("київ київ"));
    }

    #[test]
    fn ukrainian_apostrophes_of_every_kind_are_one_word() {
        assert_eq!(terms("п'ять"), terms("п’ять"));
        assert_eq!(terms("п'ять"), terms("пʼять"));
        assert_eq!(terms("п'ять").len(), 1);
        assert_eq!(terms("сім'я").len(), 1);
    }

    #[test]
    fn english_words_are_stemmed_and_lose_their_possessive() {
        assert_eq!(terms("negotiations"), terms("negotiation"));
        assert_eq!(terms("Zelensky's"), terms("Zelensky"));
        assert_eq!(terms("running runs"), ["run", "run"]);
    }

    #[test]
    fn russian_words_are_stemmed() {
        assert_eq!(terms("переговоры"), terms("переговоров"));
        assert_eq!(terms("Ёлка"), terms("елка"));
    }

    #[test]
    fn offsets_point_into_the_original_text() {
        let text = "Air defence, п’ять drones";
        let found = analyze(text);
        assert_eq!(&text[found[2].from..found[2].to], "п’ять");
        assert_eq!(&text[found[1].from..found[1].to], "defence");
    }

    #[test]
    fn the_snippet_tokenizer_finds_the_same_terms_as_the_analyser() {
        let text =
            "Negotiations in Kyiv's ministries: п’ять переговоров, Ёлка and happy ugly skies";
        let query: Vec<String> = terms("negotiation kyiv п'ять переговоры елка happiness ugly sky");
        let mut tokenizer = SnippetTokenizer::new(query.iter().map(String::as_str));
        let mut stream = tokenizer.token_stream(text);
        let mut found = Vec::new();
        while stream.advance() {
            let token = stream.token();
            if query.contains(&token.text) {
                found.push(text[token.offset_from..token.offset_to].to_owned());
            }
        }
        let expected: Vec<String> = analyze(text)
            .into_iter()
            .filter(|t| query.contains(&t.text))
            .map(|t| text[t.from..t.to].to_owned())
            .collect();
        assert_eq!(found, expected);
        assert_eq!(found.len(), 8, "{found:?}");
    }

    #[test]
    fn punctuation_and_junk_make_no_terms() {
        assert!(terms("— … !!! ' '").is_empty());
        assert!(terms(&"x".repeat(500)).is_empty());
        assert_eq!(terms("F-16s in 2024"), ["f", "16s", "in", "2024"]);
    }
}
