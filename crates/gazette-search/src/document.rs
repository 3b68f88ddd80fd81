//! What the index holds of an article: its fields (and how much a match in each counts), the
//! document an article becomes, and the plain text of its body.

use gazette_core::Article;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TantivyDocument,
    TextFieldIndexing, TextOptions,
};

use crate::analysis::{TOKENIZER_NAME, WORDS_TOKENIZER_NAME};

/// Bump whenever the schema or the analyser changes: an index of another version is rebuilt.
pub const SCHEMA_VERSION: u32 = 2;

/// How much a match in each field counts: a word in the headline says more about an article than
/// the same word in its tenth paragraph.
const HEADLINE_BOOST: f32 = 3.0;
const STANDFIRST_BOOST: f32 = 1.5;
const TAGS_BOOST: f32 = 2.0;
const BODY_BOOST: f32 = 1.0;

#[derive(Clone, Copy)]
pub(crate) struct Fields {
    pub(crate) id: Field,
    pub(crate) headline: Field,
    pub(crate) standfirst: Field,
    pub(crate) body: Field,
    pub(crate) tags: Field,
    /// Every word of headline, standfirst and body unstemmed: what typos are matched against.
    pub(crate) words: Field,
    pub(crate) section: Field,
    pub(crate) author: Field,
    pub(crate) language: Field,
    pub(crate) published: Field,
}

impl Fields {
    pub(crate) fn schema() -> (Schema, Self) {
        let mut b = Schema::builder();
        let text = |stored: bool| {
            let options = TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(TOKENIZER_NAME)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            );
            if stored {
                options.set_stored()
            } else {
                options
            }
        };
        let fields = Self {
            id: b.add_i64_field("id", INDEXED | STORED | FAST),
            headline: b.add_text_field("headline", text(true)),
            standfirst: b.add_text_field("standfirst", text(true)),
            body: b.add_text_field("body", text(true)),
            tags: b.add_text_field("tags", text(false)),
            words: b.add_text_field(
                "words",
                TextOptions::default().set_indexing_options(
                    TextFieldIndexing::default()
                        .set_tokenizer(WORDS_TOKENIZER_NAME)
                        .set_index_option(IndexRecordOption::Basic),
                ),
            ),
            section: b.add_i64_field("section", INDEXED),
            author: b.add_i64_field("author", INDEXED),
            language: b.add_text_field("language", STRING),
            published: b.add_i64_field("published", INDEXED | FAST),
        };
        (b.build(), fields)
    }

    pub(crate) fn search_fields(&self) -> [(Field, f32); 4] {
        [
            (self.headline, HEADLINE_BOOST),
            (self.standfirst, STANDFIRST_BOOST),
            (self.tags, TAGS_BOOST),
            (self.body, BODY_BOOST),
        ]
    }

    /// What the index holds of an article.
    pub(crate) fn document(&self, a: &Article) -> TantivyDocument {
        let f = self;
        let mut doc = TantivyDocument::default();
        doc.add_i64(f.id, a.id);
        doc.add_text(f.headline, &a.headline);
        doc.add_text(f.standfirst, &a.standfirst);
        let body = plain_text(&a.body_html);
        doc.add_text(f.words, &a.headline);
        doc.add_text(f.words, &a.standfirst);
        doc.add_text(f.words, &body);
        doc.add_text(f.body, body);
        for tag in &a.tags {
            doc.add_text(f.tags, &tag.name);
        }
        doc.add_i64(f.section, a.section.id);
        for author in &a.authors {
            doc.add_i64(f.author, author.id);
        }
        doc.add_text(f.language, a.language.code());
        doc.add_i64(
            f.published,
            a.published_at.map_or(i64::MAX, |t| t.timestamp()),
        );
        doc
    }
}

/// The text of sanitised article HTML, for indexing and snippets: tags dropped (block ends become
/// spaces), the entities the renderer writes decoded.
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let decoded = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_drops_tags_and_decodes_entities() {
        assert_eq!(
            plain_text("<p>Kyiv &amp; Odesa</p><blockquote><p>&quot;Held&quot;</p></blockquote>"),
            "Kyiv & Odesa \"Held\""
        );
    }
}
