//! The storage role for translations (migration 0020): articles linked into translation groups
//! (an original and its translations, one article per language), and the names and addresses of
//! sections and tags in the site's other editions. See [`gazette_core::translation`].

use chrono::{DateTime, Utc};
use gazette_core::Slug;
use gazette_core::translation::{SectionName, TagName, TranslationLink, TranslationState};
use gazette_core::{Article, Language};

use crate::{Actor, StoreResult, Written};

/// Translations of articles and the names of sections and tags per edition (see
/// [`gazette_core::translation`]). A translation group is an original and the articles that name
/// it in `translation_of`, at most one per language, the original's own included.
#[async_trait::async_trait]
pub trait TranslationStore: Send + Sync + 'static {
    /// Starts a translation of `original_id` into `language`: a new draft owned by `actor`,
    /// linked to the group's original (the original's original when given a translation), with
    /// its section, tags, bylines and featured image, and its headline, standfirst and body as the
    /// text to translate; its address is the original's followed by the language's code (a
    /// number added when taken). Its first revision, the audit entry and the change-log entry are
    /// written in the same transaction. `NotFound` for an unknown article; `Conflict` when the
    /// group has an article in `language` already.
    async fn translate_article(
        &self,
        original_id: i64,
        language: Language,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> StoreResult<Written<Article>>;

    /// Every other article of `article_id`'s translation group, the original first and then by
    /// language; empty when it is in none. A translation is stale when its text last changed
    /// (its newest revision, else its `modified_at`) before the original's did.
    async fn translations(&self, article_id: i64) -> StoreResult<Vec<TranslationLink>>;

    /// For a list page: for each of `ids` that is in a translation group, every article of the
    /// group (itself included, the original first), each marked stale or not as in
    /// [`TranslationStore::translations`].
    async fn translation_summaries(
        &self,
        ids: &[i64],
    ) -> StoreResult<std::collections::HashMap<i64, Vec<TranslationState>>>;

    /// Makes an existing article a translation of `original_id` (of its original, when that is a
    /// translation itself). Refused (`Invalid`) when the article is that original or has
    /// translations of its own; `Conflict` when the group has its language already. Returns the
    /// change's sequence number.
    async fn link_translation(
        &self,
        article_id: i64,
        original_id: i64,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> StoreResult<i64>;

    /// Takes a translation out of its group (it stays, as an article of its own). Returns the
    /// change's sequence number; `NotFound` when it is no translation.
    async fn unlink_translation(
        &self,
        article_id: i64,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> StoreResult<i64>;

    /// Every section's name in `language`, for those that have one, in menu order.
    async fn section_names(&self, language: Language) -> StoreResult<Vec<SectionName>>;

    /// Names a section in `language` (replacing an earlier name). The address is refused
    /// (`Invalid`) when the site uses it itself, `Conflict` when another section has it, in this
    /// language or as its own address. Audited and logged in one transaction.
    async fn set_section_name(
        &self,
        section_id: i64,
        language: Language,
        name: &str,
        slug: &Slug,
        description: &str,
        actor: &Actor,
    ) -> StoreResult<Written<SectionName>>;

    /// Forgets a section's name in `language`. Returns the change's sequence number.
    async fn remove_section_name(
        &self,
        section_id: i64,
        language: Language,
        actor: &Actor,
    ) -> StoreResult<i64>;

    /// Every tag's name in `language`, for those that have one, by name.
    async fn tag_names(&self, language: Language) -> StoreResult<Vec<TagName>>;

    /// Names a tag in `language` (replacing an earlier name); `Conflict` when another tag has
    /// the address in this language or as its own.
    async fn set_tag_name(
        &self,
        tag_id: i64,
        language: Language,
        name: &str,
        slug: &Slug,
        actor: &Actor,
    ) -> StoreResult<Written<TagName>>;

    /// Forgets a tag's name in `language`. Returns the change's sequence number.
    async fn remove_tag_name(
        &self,
        tag_id: i64,
        language: Language,
        actor: &Actor,
    ) -> StoreResult<i64>;
}
