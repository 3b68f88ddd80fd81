//! Translations of articles (a group: an original and the articles naming it in
//! `translation_of`) and the names of sections and tags per edition (migration 0020).
//!
//! Whether a translation is out of date compares when each text last changed: an article's
//! newest revision (every save of its text writes one, and no workflow move does), or its
//! `modified_at` when it has none (an article created outside the newsroom). `modified_at` alone
//! also moves when an article is published, scheduled or corrected, which would make a translation
//! look current without a word of it changed; `updated_at` is set for published articles only.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use gazette_core::translation::{
    SectionName, TagName, TranslationLink, TranslationState, is_stale, translation_slug,
};
use gazette_core::{Article, ArticleStatus, Language, NewArticle, Slug};

use super::articles::{insert_article, language_taken, validated};
use super::db::{AsConn, Tx, query};
use super::journal::{audit_in, write_revision};
use super::whole_article::load_article;
use super::{SqlStore, clean_text, conflict_if_taken, placeholders, stored_slug, time};
use crate::{Actor, NewAuditEntry, StoreError, StoreResult, TranslationStore, Written};

/// When an article's text last changed (Unix seconds), for `articles a`.
const TEXT_CHANGED: &str = "COALESCE((SELECT MAX(r.created_at) FROM revisions r \
     WHERE r.article_id = a.id), a.modified_at)";

/// One article of a translation group.
#[derive(sqlx::FromRow)]
struct MemberRow {
    id: i64,
    language: String,
    slug: String,
    section_slug: String,
    headline: String,
    status: String,
    published_at: Option<i64>,
    modified_at: i64,
    translation_of: Option<i64>,
    text_changed: i64,
}

impl MemberRow {
    fn is_original(&self) -> bool {
        self.translation_of.is_none()
    }
}

fn member_sql(condition: &str) -> String {
    format!(
        "SELECT a.id, a.language, a.slug, s.slug AS section_slug, a.headline, a.status, \
         a.published_at, a.modified_at, a.translation_of, {TEXT_CHANGED} AS text_changed \
         FROM articles a JOIN sections s ON s.id = a.section_id WHERE {condition}"
    )
}

fn language_of(code: &str) -> StoreResult<Language> {
    Language::parse(code).map_err(|e| StoreError::Invalid(format!("stored language {code:?}: {e}")))
}

/// Marks each member stale or not against the group's original; the original first, then by
/// language.
fn states(members: &[MemberRow]) -> StoreResult<Vec<(TranslationState, &MemberRow)>> {
    let original_changed = members
        .iter()
        .find(|m| m.is_original())
        .map(|m| time(m.text_changed))
        .transpose()?;
    let mut out = Vec::with_capacity(members.len());
    for m in members {
        let stale = match (m.is_original(), original_changed) {
            (false, Some(original)) => is_stale(time(m.text_changed)?, original),
            _ => false,
        };
        out.push((
            TranslationState {
                article_id: m.id,
                language: language_of(&m.language)?,
                is_original: m.is_original(),
                stale,
            },
            m,
        ));
    }
    out.sort_by(|(a, _), (b, _)| {
        b.is_original
            .cmp(&a.is_original)
            .then_with(|| a.language.code().cmp(b.language.code()))
    });
    Ok(out)
}

/// The original of the group `id` is in (itself when it is no translation); `None` when there is
/// no such article.
async fn root_of(c: &mut impl AsConn, id: i64) -> StoreResult<Option<i64>> {
    Ok(
        query("SELECT COALESCE(translation_of, id) FROM articles WHERE id = $1")
            .bind(id)
            .fetch_optional::<(i64,)>(c)
            .await?
            .map(|(root,)| root),
    )
}

/// The languages of the group whose original is `root`, leaving out the article `except`.
async fn group_languages(c: &mut impl AsConn, root: i64, except: i64) -> StoreResult<Vec<String>> {
    Ok(
        query("SELECT language FROM articles WHERE (id = $1 OR translation_of = $1) AND id <> $2")
            .bind(root)
            .bind(except)
            .column(c)
            .await?,
    )
}

/// A free address for a translation: the original's with the language's code, numbered when
/// taken (now or in the past).
async fn free_translation_slug(
    c: &mut Tx,
    original: &Slug,
    language: Language,
) -> StoreResult<Slug> {
    let base = translation_slug(original, language);
    let mut candidate = base.clone();
    for n in 2..10_000 {
        let taken: Option<(i64,)> = query(
            "SELECT article_id FROM article_slug_history WHERE slug = $1 \
             UNION ALL SELECT id FROM articles WHERE slug = $1",
        )
        .bind(candidate.as_str())
        .fetch_optional(c)
        .await?;
        if taken.is_none() {
            return Ok(candidate);
        }
        candidate = base.with_suffix(n);
    }
    Err(StoreError::Conflict(format!(
        "articles with the address {base}"
    )))
}

fn entry(actor: &Actor, action: &str, entity: &str, id: i64, detail: String) -> NewAuditEntry {
    NewAuditEntry {
        actor: actor.clone(),
        action: action.into(),
        entity: entity.into(),
        entity_id: Some(id),
        detail,
    }
}

/// A name as typed: trimmed, and not empty.
fn checked_name(name: &str, what: &str) -> StoreResult<String> {
    let name = clean_text(name);
    if name.is_empty() {
        return Err(StoreError::Invalid(format!("a {what} needs a name")));
    }
    Ok(name)
}

#[derive(sqlx::FromRow)]
struct SectionNameRow {
    section_id: i64,
    language: String,
    name: String,
    slug: String,
    description: String,
}

impl TryFrom<SectionNameRow> for SectionName {
    type Error = StoreError;
    fn try_from(r: SectionNameRow) -> StoreResult<Self> {
        Ok(Self {
            section_id: r.section_id,
            language: language_of(&r.language)?,
            name: r.name,
            slug: stored_slug(r.slug)?,
            description: r.description,
        })
    }
}

#[derive(sqlx::FromRow)]
struct TagNameRow {
    tag_id: i64,
    /// Not in an INSERT's RETURNING: set from the tag read before it.
    #[sqlx(default)]
    tag_slug: String,
    language: String,
    name: String,
    slug: String,
}

impl TryFrom<TagNameRow> for TagName {
    type Error = StoreError;
    fn try_from(r: TagNameRow) -> StoreResult<Self> {
        Ok(Self {
            tag_id: r.tag_id,
            tag_slug: stored_slug(r.tag_slug)?,
            language: language_of(&r.language)?,
            name: r.name,
            slug: stored_slug(r.slug)?,
        })
    }
}

/// Reads the original a translation starts from: the article with its featured image.
async fn original_for(tx: &mut Tx, root: i64) -> StoreResult<(Article, Option<i64>)> {
    let original = load_article(tx, root).await?.ok_or(StoreError::NotFound)?;
    let featured: Option<i64> = query("SELECT featured_media_id FROM articles WHERE id = $1")
        .bind(root)
        .scalar(tx)
        .await?;
    Ok((original, featured))
}

#[async_trait::async_trait]
impl TranslationStore for SqlStore {
    async fn translate_article(
        &self,
        original_id: i64,
        language: Language,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> StoreResult<Written<Article>> {
        let mut tx = self.db.write().await?;
        let root = root_of(&mut tx, original_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let taken = group_languages(&mut tx, root, 0).await?;
        if taken.iter().any(|code| code == language.code()) {
            return Err(language_taken(language));
        }
        let (original, featured) = original_for(&mut tx, root).await?;
        let slug = free_translation_slug(&mut tx, &original.slug, language).await?;
        let draft = NewArticle {
            language,
            slug: Some(slug),
            headline: original.headline.clone(),
            standfirst: original.standfirst.clone(),
            body_markdown: original.body_markdown.clone(),
            section_id: original.section.id,
            tag_ids: original.tags.iter().map(|t| t.id).collect(),
            author_ids: original.authors.iter().map(|a| a.id).collect(),
            status: ArticleStatus::Draft,
            published_at: None,
            updated_at: None,
            // Written for search engines in the original's language: the translator writes new.
            seo_title: None,
            seo_description: None,
        };
        let body_html = validated(&draft)?;
        let (id, _) = insert_article(&mut tx, &draft, &body_html, now).await?;
        query(
            "UPDATE articles SET owner_user_id = $1, translation_of = $2, featured_media_id = $3 \
             WHERE id = $4",
        )
        .bind(actor.user_id)
        .bind(root)
        .bind(featured)
        .bind(id)
        .execute(&mut tx)
        .await
        .map_err(|e| {
            conflict_if_taken(e, || format!("this story's {} version", language.code()))
        })?;
        let note = format!("translation of article {root}");
        let (_, created) = write_revision(&mut tx, id, actor, &note, now).await?;
        let detail = format!("{} translation of article {root}", language.code());
        audit_in(
            &mut tx,
            &entry(actor, "translate", "article", id, detail),
            now,
        )
        .await?;
        let seq = tx
            .record_change("article", Some(id), "created", now)
            .await?;
        tx.commit().await?;
        Ok(Written {
            value: created,
            seq,
        })
    }

    async fn translations(&self, article_id: i64) -> StoreResult<Vec<TranslationLink>> {
        let mut conn = self.db.conn().await?;
        let root = root_of(&mut conn, article_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let members: Vec<MemberRow> = query(&member_sql("a.id = $1 OR a.translation_of = $1"))
            .bind(root)
            .fetch_all(&mut conn)
            .await?;
        let mut links = Vec::new();
        for (state, m) in states(&members)? {
            if m.id == article_id {
                continue;
            }
            links.push(TranslationLink {
                id: m.id,
                language: state.language,
                slug: stored_slug(m.slug.clone())?,
                section_slug: stored_slug(m.section_slug.clone())?,
                headline: m.headline.clone(),
                status: ArticleStatus::parse(&m.status)
                    .map_err(|e| StoreError::Invalid(e.to_string()))?,
                published_at: m.published_at.map(time).transpose()?,
                modified_at: time(m.modified_at)?,
                is_original: state.is_original,
                stale: state.stale,
            });
        }
        Ok(links)
    }

    async fn translation_summaries(
        &self,
        ids: &[i64],
    ) -> StoreResult<HashMap<i64, Vec<TranslationState>>> {
        let mut out = HashMap::new();
        if ids.is_empty() {
            return Ok(out);
        }
        let mut conn = self.db.conn().await?;
        let roots: Vec<(i64, i64)> = query(&format!(
            "SELECT id, COALESCE(translation_of, id) FROM articles WHERE id IN ({})",
            placeholders(ids.len())
        ))
        .bind_all(ids.iter().map(|&id| id.into()))
        .fetch_all(&mut conn)
        .await?;
        let mut distinct: Vec<i64> = roots.iter().map(|(_, root)| *root).collect();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.is_empty() {
            return Ok(out);
        }
        let list = placeholders(distinct.len());
        let members: Vec<MemberRow> = query(&member_sql(&format!(
            "a.id IN ({list}) OR a.translation_of IN ({list})"
        )))
        .bind_all(distinct.iter().map(|&id| id.into()))
        .fetch_all(&mut conn)
        .await?;
        let mut groups: HashMap<i64, Vec<MemberRow>> = HashMap::new();
        for m in members {
            groups
                .entry(m.translation_of.unwrap_or(m.id))
                .or_default()
                .push(m);
        }
        let mut marked: HashMap<i64, Vec<TranslationState>> = HashMap::new();
        for (root, members) in &groups {
            if members.len() > 1 {
                let states = states(members)?.into_iter().map(|(s, _)| s).collect();
                marked.insert(*root, states);
            }
        }
        for (id, root) in roots {
            if let Some(states) = marked.get(&root) {
                out.insert(id, states.clone());
            }
        }
        Ok(out)
    }

    async fn link_translation(
        &self,
        article_id: i64,
        original_id: i64,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let mut tx = self.db.write().await?;
        let root = root_of(&mut tx, original_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let (language,): (String,) = query("SELECT language FROM articles WHERE id = $1")
            .bind(article_id)
            .fetch_optional(&mut tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        if root == article_id {
            return Err(StoreError::Invalid(
                "an article cannot be a translation of itself".into(),
            ));
        }
        let own: i64 = query("SELECT COUNT(*) FROM articles WHERE translation_of = $1")
            .bind(article_id)
            .scalar(&mut tx)
            .await?;
        if own > 0 {
            return Err(StoreError::Invalid(
                "the article is the original of translations of its own; take them out of its \
                 group first"
                    .into(),
            ));
        }
        let language = language_of(&language)?;
        let taken = group_languages(&mut tx, root, article_id).await?;
        if taken.iter().any(|code| code == language.code()) {
            return Err(language_taken(language));
        }
        query("UPDATE articles SET translation_of = $1 WHERE id = $2")
            .bind(root)
            .bind(article_id)
            .execute(&mut tx)
            .await
            .map_err(|e| {
                conflict_if_taken(e, || format!("this story's {} version", language.code()))
            })?;
        let detail = format!("as the {} translation of article {root}", language.code());
        audit_in(
            &mut tx,
            &entry(actor, "link", "article", article_id, detail),
            now,
        )
        .await?;
        // Both pages name each other: both change.
        tx.record_change("article", Some(root), "updated", now)
            .await?;
        let seq = tx
            .record_change("article", Some(article_id), "updated", now)
            .await?;
        tx.commit().await?;
        Ok(seq)
    }

    async fn unlink_translation(
        &self,
        article_id: i64,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let mut tx = self.db.write().await?;
        let root: Option<i64> = query("SELECT translation_of FROM articles WHERE id = $1")
            .bind(article_id)
            .fetch_optional::<(Option<i64>,)>(&mut tx)
            .await?
            .and_then(|(root,)| root);
        let Some(root) = root else {
            return Err(StoreError::NotFound);
        };
        query("UPDATE articles SET translation_of = NULL WHERE id = $1")
            .bind(article_id)
            .execute(&mut tx)
            .await?;
        let detail = format!("no longer a translation of article {root}");
        audit_in(
            &mut tx,
            &entry(actor, "unlink", "article", article_id, detail),
            now,
        )
        .await?;
        tx.record_change("article", Some(root), "updated", now)
            .await?;
        let seq = tx
            .record_change("article", Some(article_id), "updated", now)
            .await?;
        tx.commit().await?;
        Ok(seq)
    }

    async fn section_names(&self, language: Language) -> StoreResult<Vec<SectionName>> {
        let rows: Vec<SectionNameRow> = query(
            "SELECT n.section_id, n.language, n.name, n.slug, n.description FROM section_names n \
             JOIN sections s ON s.id = n.section_id WHERE n.language = $1 \
             ORDER BY s.position, s.name, s.id",
        )
        .bind(language.code())
        .fetch_all(&mut self.db.conn().await?)
        .await?;
        rows.into_iter().map(SectionName::try_from).collect()
    }

    async fn set_section_name(
        &self,
        section_id: i64,
        language: Language,
        name: &str,
        slug: &Slug,
        description: &str,
        actor: &Actor,
    ) -> StoreResult<Written<SectionName>> {
        let name = checked_name(name, "section")?;
        slug.check_section_slug()
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let taken = || format!("a section with the address {slug}");
        let mut tx = self.db.write().await?;
        let others: Vec<i64> = query("SELECT id FROM sections WHERE slug = $1 OR id = $2")
            .bind(slug.as_str())
            .bind(section_id)
            .column(&mut tx)
            .await?;
        if !others.contains(&section_id) {
            return Err(StoreError::NotFound);
        }
        if others.iter().any(|id| *id != section_id) {
            return Err(StoreError::Conflict(taken()));
        }
        let row: SectionNameRow = query(
            "INSERT INTO section_names (section_id, language, name, slug, description) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (section_id, language) DO UPDATE SET \
             name = excluded.name, slug = excluded.slug, description = excluded.description \
             RETURNING section_id, language, name, slug, description",
        )
        .bind(section_id)
        .bind(language.code())
        .bind(&name)
        .bind(slug.as_str())
        .bind(clean_text(description))
        .fetch_one(&mut tx)
        .await
        .map_err(|e| conflict_if_taken(e, taken))?;
        let saved = SectionName::try_from(row)?;
        let now = Utc::now();
        let detail = format!("{} name: {name}", language.code());
        audit_in(
            &mut tx,
            &entry(actor, "edit", "section", section_id, detail),
            now,
        )
        .await?;
        let seq = tx
            .record_change("section", Some(section_id), "updated", now)
            .await?;
        tx.commit().await?;
        Ok(Written { value: saved, seq })
    }

    async fn remove_section_name(
        &self,
        section_id: i64,
        language: Language,
        actor: &Actor,
    ) -> StoreResult<i64> {
        self.remove_name(NameKind::Section, section_id, language, actor)
            .await
    }

    async fn tag_names(&self, language: Language) -> StoreResult<Vec<TagName>> {
        let rows: Vec<TagNameRow> = query(
            "SELECT n.tag_id, t.slug AS tag_slug, n.language, n.name, n.slug \
             FROM tag_names n JOIN tags t ON t.id = n.tag_id WHERE n.language = $1 \
             ORDER BY LOWER(n.name), n.tag_id",
        )
        .bind(language.code())
        .fetch_all(&mut self.db.conn().await?)
        .await?;
        rows.into_iter().map(TagName::try_from).collect()
    }

    async fn set_tag_name(
        &self,
        tag_id: i64,
        language: Language,
        name: &str,
        slug: &Slug,
        actor: &Actor,
    ) -> StoreResult<Written<TagName>> {
        let name = checked_name(name, "tag")?;
        let taken = || format!("a tag with the address {slug}");
        let mut tx = self.db.write().await?;
        let others: Vec<(i64, String)> =
            query("SELECT id, slug FROM tags WHERE slug = $1 OR id = $2")
                .bind(slug.as_str())
                .bind(tag_id)
                .fetch_all(&mut tx)
                .await?;
        let Some((_, own_slug)) = others.iter().find(|(id, _)| *id == tag_id) else {
            return Err(StoreError::NotFound);
        };
        let own_slug = own_slug.clone();
        if others.iter().any(|(id, _)| *id != tag_id) {
            return Err(StoreError::Conflict(taken()));
        }
        let mut row: TagNameRow = query(
            "INSERT INTO tag_names (tag_id, language, name, slug) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (tag_id, language) DO UPDATE SET name = excluded.name, slug = excluded.slug \
             RETURNING tag_id, language, name, slug",
        )
        .bind(tag_id)
        .bind(language.code())
        .bind(&name)
        .bind(slug.as_str())
        .fetch_one(&mut tx)
        .await
        .map_err(|e| conflict_if_taken(e, taken))?;
        row.tag_slug = own_slug;
        let saved = TagName::try_from(row)?;
        let now = Utc::now();
        let detail = format!("{} name: {name}", language.code());
        audit_in(&mut tx, &entry(actor, "edit", "tag", tag_id, detail), now).await?;
        let seq = tx
            .record_change("tag", Some(tag_id), "updated", now)
            .await?;
        tx.commit().await?;
        Ok(Written { value: saved, seq })
    }

    async fn remove_tag_name(
        &self,
        tag_id: i64,
        language: Language,
        actor: &Actor,
    ) -> StoreResult<i64> {
        self.remove_name(NameKind::Tag, tag_id, language, actor)
            .await
    }
}

/// What has names per language: a section or a tag.
#[derive(Clone, Copy)]
enum NameKind {
    Section,
    Tag,
}

impl NameKind {
    /// The names table, its key column and the audit log's and change log's word for the thing.
    fn table(self) -> (&'static str, &'static str, &'static str) {
        match self {
            NameKind::Section => ("section_names", "section_id", "section"),
            NameKind::Tag => ("tag_names", "tag_id", "tag"),
        }
    }
}

impl SqlStore {
    /// Forgets a section's or tag's name in `language`, with its audit entry and change-log row.
    async fn remove_name(
        &self,
        kind: NameKind,
        id: i64,
        language: Language,
        actor: &Actor,
    ) -> StoreResult<i64> {
        let (table, key, thing) = kind.table();
        let mut tx = self.db.write().await?;
        let deleted = query(&format!(
            "DELETE FROM {table} WHERE {key} = $1 AND language = $2"
        ))
        .bind(id)
        .bind(language.code())
        .execute(&mut tx)
        .await?;
        if deleted == 0 {
            return Err(StoreError::NotFound);
        }
        let now = Utc::now();
        let detail = format!("{} name removed", language.code());
        audit_in(&mut tx, &entry(actor, "edit", thing, id, detail), now).await?;
        let seq = tx.record_change(thing, Some(id), "updated", now).await?;
        tx.commit().await?;
        Ok(seq)
    }
}
