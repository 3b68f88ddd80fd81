//! Gazette's domain: the newspaper's nouns (articles, sections, authors, tags), the rules that make
//! them valid (slugs, languages, an article submission and its field limits, what readers may see
//! now), the newsroom's rules (accounts and roles, the editorial workflow's transitions, revisions
//! and corrections) and the pure text work around them (Markdown to sanitised HTML, headline
//! shortening, date lines). Nothing here does I/O, so every rule can be
//! tested in isolation and reused by the store, the web layer and the command line alike.

pub mod accounts;
pub mod article;
pub mod editorial;
pub mod embed;
pub mod events;
pub mod language;
pub mod live;
pub mod markdown;
pub mod newsroom;
pub mod people;
pub mod sections;
pub mod site_settings;
pub mod slug;
pub mod submission;
pub mod text;
pub mod translation;
pub mod two_factor;
pub mod workflow;

pub use article::{
    Article, ArticleStatus, ArticleSummary, Author, AuthorRef, NewArticle, ReaderView, Section,
    SectionRef, StaticPage, Tag,
};
pub use language::{Editions, EditionsError, Language};
pub use slug::{RESERVED_SECTION_SLUGS, ReservedSectionSlug, Slug, SlugError};
