//! Gazette's domain: the newspaper's nouns (articles, sections, authors, tags), the rules that make
//! them valid (slugs, languages, workflow states) and the pure text work around them (Markdown to
//! sanitised HTML, headline shortening, date lines). Nothing here does I/O, so every rule can be
//! tested in isolation and reused by the store, the web layer and the command line alike.

pub mod article;
pub mod language;
pub mod markdown;
pub mod newsroom;
pub mod slug;
pub mod text;
pub mod two_factor;
pub mod workflow;

pub use article::{
    Article, ArticleStatus, ArticleSummary, Author, AuthorRef, NewArticle, Section, SectionRef,
    StaticPage, Tag,
};
pub use language::Language;
pub use slug::{RESERVED_SECTION_SLUGS, ReservedSectionSlug, Slug, SlugError};
