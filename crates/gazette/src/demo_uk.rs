//! The demo newspaper's Ukrainian edition (`demo/uk/`): translations of the sections, tags,
//! pages and of a selection of English articles, each linked to its original.
//!
//! Every Ukrainian entry names what it translates: a section or page by its English slug, a tag
//! by its English name, an article by its English headline. A translation is published a little
//! after its original, under the same section, authors and tags.

use std::collections::HashMap;

use anyhow::{Context, bail};
use chrono::{DateTime, Duration, Utc};
use gazette_core::{ArticleStatus, Language, NewArticle, Slug};
use gazette_store::pages::{PageInput, PageStatus};
use gazette_store::{Actor, PageStore, Store, ViewIncrement};
use serde::Deserialize;

const SITE: &str = include_str!("../demo/uk/site.toml");
const ARTICLE_FILES: [&str; 2] = [
    include_str!("../demo/uk/articles-war-diplomacy-politics.toml"),
    include_str!("../demo/uk/articles-business-society-culture.toml"),
];

/// How many translated articles the edition must have so that its home page looks full.
pub const MIN_ARTICLES: usize = 20;

#[derive(Deserialize)]
pub struct SiteFile {
    pub site: SiteInfo,
    pub section: Vec<SectionEntry>,
    pub tag: Vec<TagEntry>,
    pub page: Vec<PageEntry>,
}

/// The edition's tagline and description, stored as `site.tagline.uk` and `site.description.uk`
/// (the Ukrainian edition's wording of the site settings).
#[derive(Deserialize)]
pub struct SiteInfo {
    pub tagline: String,
    pub description: String,
}

/// A section's Ukrainian name; `original` is the English section's slug.
#[derive(Deserialize)]
pub struct SectionEntry {
    pub original: String,
    pub slug: String,
    pub name: String,
    pub description: String,
}

/// A tag's Ukrainian name; `original` is the English tag's name.
#[derive(Deserialize)]
pub struct TagEntry {
    pub original: String,
    pub slug: String,
    pub name: String,
}

/// A page's Ukrainian version; `original` is the English page's slug.
#[derive(Deserialize)]
pub struct PageEntry {
    pub original: String,
    pub slug: String,
    pub title: String,
    pub body: String,
}

#[derive(Deserialize)]
struct ArticleFile {
    article: Vec<ArticleEntry>,
}

/// A translated article; `original` is the English article's headline.
#[derive(Deserialize)]
pub struct ArticleEntry {
    pub original: String,
    pub slug: String,
    pub headline: String,
    pub standfirst: String,
    pub body: String,
    /// Hours between the original's publication and the translation's.
    #[serde(default = "default_hours_later")]
    pub hours_later: i64,
}

fn default_hours_later() -> i64 {
    2
}

/// The parsed Ukrainian edition.
pub struct Edition {
    pub site: SiteFile,
    pub articles: Vec<ArticleEntry>,
}

/// Parses `demo/uk/`.
pub fn parse() -> anyhow::Result<Edition> {
    let site: SiteFile = toml::from_str(SITE).context("demo/uk/site.toml")?;
    let mut articles = Vec::new();
    for file in ARTICLE_FILES {
        let parsed: ArticleFile = toml::from_str(file).context("demo/uk articles")?;
        articles.extend(parsed.article);
    }
    if articles.len() < MIN_ARTICLES {
        bail!(
            "the Ukrainian demo has {} articles, fewer than {MIN_ARTICLES}",
            articles.len()
        );
    }
    Ok(Edition { site, articles })
}

/// When a translation is published: a little after its original, never in the future.
pub fn publication_time(
    original: DateTime<Utc>,
    hours_later: i64,
    now: DateTime<Utc>,
) -> DateTime<Utc> {
    (original + Duration::hours(hours_later.clamp(0, 48)))
        .min(now - Duration::minutes(5))
        .max(original)
}

/// Readers of the Ukrainian edition: fewer than the English, but enough for "Top articles".
pub fn popularity(original: i64) -> i64 {
    (original * 2 / 3).max(1)
}

/// What the Ukrainian edition needs from the English one: ids by slug or name, and the English
/// articles by headline.
pub struct Known<'a> {
    pub sections: &'a HashMap<String, i64>,
    pub tags: &'a HashMap<String, i64>,
    pub articles: &'a HashMap<String, Original>,
}

/// An English article a translation can follow.
pub struct Original {
    pub id: i64,
    pub published_at: DateTime<Utc>,
    pub section_id: i64,
    pub author_ids: Vec<i64>,
    pub tag_ids: Vec<i64>,
    pub popularity: i64,
}

/// Who the demo's edits are written down as in the audit log.
fn demo_actor() -> Actor {
    Actor {
        user_id: None,
        name: "Demo".into(),
        address: String::new(),
    }
}

/// Loads the Ukrainian edition after the English one: section and tag names, pages and the
/// translated articles, linked to their originals. Returns the number of articles and their
/// readership.
pub async fn load(
    store: &dyn Store,
    now: DateTime<Utc>,
    known: &Known<'_>,
) -> anyhow::Result<(usize, Vec<ViewIncrement>)> {
    let edition = parse()?;
    let actor = demo_actor();
    store
        .set_setting("site.tagline.uk", &edition.site.site.tagline)
        .await?;
    store
        .set_setting("site.description.uk", &edition.site.site.description)
        .await?;
    for s in &edition.site.section {
        let id = english_id(known.sections, &s.original, "section")?;
        store
            .set_section_name(
                id,
                Language::UK,
                &s.name,
                &Slug::parse(&s.slug)?,
                &s.description,
                &actor,
            )
            .await
            .with_context(|| format!("the Ukrainian name of section {:?}", s.original))?;
    }
    for t in &edition.site.tag {
        let id = english_id(known.tags, &t.original, "tag")?;
        store
            .set_tag_name(id, Language::UK, &t.name, &Slug::parse(&t.slug)?, &actor)
            .await
            .with_context(|| format!("the Ukrainian name of tag {:?}", t.original))?;
    }
    load_pages(store, now, &edition.site.page).await?;

    let today = now.timestamp().div_euclid(86_400);
    let mut views = Vec::new();
    let mut translations = edition
        .articles
        .iter()
        .map(|entry| {
            let original = known
                .articles
                .get(&entry.original)
                .with_context(|| format!("no English article {:?} to translate", entry.original))?;
            let published_at = publication_time(original.published_at, entry.hours_later, now);
            Ok((published_at, entry, original))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    // Oldest first, as the English articles, so that ids follow publication order.
    translations.sort_by_key(|(published_at, ..)| *published_at);
    for (published_at, entry, original) in translations {
        let article = store
            .create_article(
                NewArticle {
                    language: Language::UK,
                    slug: Some(Slug::parse(&entry.slug)?),
                    headline: entry.headline.clone(),
                    standfirst: entry.standfirst.clone(),
                    body_markdown: entry.body.clone(),
                    section_id: original.section_id,
                    tag_ids: original.tag_ids.clone(),
                    author_ids: original.author_ids.clone(),
                    status: ArticleStatus::Published,
                    published_at: Some(published_at),
                    updated_at: None,
                    seo_title: None,
                    seo_description: None,
                },
                published_at,
            )
            .await
            .with_context(|| format!("the Ukrainian article {:?}", entry.slug))?;
        store
            .link_translation(article.id, original.id, &actor, published_at)
            .await
            .with_context(|| format!("linking {:?} to its original", entry.slug))?;
        views.extend(super::readership(
            article.id,
            article.slug.as_str(),
            popularity(original.popularity),
            published_at,
            today,
        ));
    }
    Ok((edition.articles.len(), views))
}

/// Each page as a published translation of the English page, in the order of the file (the
/// Ukrainian footer's order).
async fn load_pages(
    store: &dyn Store,
    now: DateTime<Utc>,
    pages: &[PageEntry],
) -> anyhow::Result<()> {
    for p in pages {
        let english = PageStore::page(store, Language::EN, &p.original)
            .await?
            .with_context(|| {
                format!(
                    "the Ukrainian demo translates an unknown page {:?}",
                    p.original
                )
            })?;
        let draft = store
            .translate_page(english.id, Language::UK, None, now)
            .await
            .with_context(|| format!("translating page {:?}", p.original))?;
        let input = PageInput {
            slug: Slug::parse(&p.slug)?,
            title: p.title.clone(),
            body_markdown: p.body.clone(),
        };
        store
            .update_page(draft.value.id, input, None, now)
            .await
            .with_context(|| format!("the Ukrainian page {:?}", p.slug))?;
        store
            .set_page_status(draft.value.id, PageStatus::Published, None, now)
            .await?;
    }
    Ok(())
}

/// Looks up an English id by key, naming the Ukrainian entry that refers to it.
pub fn english_id(ids: &HashMap<String, i64>, key: &str, what: &str) -> anyhow::Result<i64> {
    ids.get(key)
        .copied()
        .with_context(|| format!("the Ukrainian demo translates an unknown {what} {key:?}"))
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use gazette_core::Slug;

    use super::*;

    fn english() -> (super::super::SiteFile, Vec<super::super::ArticleEntry>) {
        let site: super::super::SiteFile = toml::from_str(super::super::SITE).unwrap();
        let mut articles = Vec::new();
        for file in super::super::ARTICLE_FILES {
            let parsed: super::super::ArticleFile = toml::from_str(file).unwrap();
            articles.extend(parsed.article);
        }
        (site, articles)
    }

    fn check_slug(slug: &str, seen: &mut HashSet<String>, what: &str) {
        Slug::parse(slug).unwrap_or_else(|e| panic!("{what} slug {slug:?}: {e}"));
        assert!(slug.len() <= 64, "{what} slug {slug:?} is too long");
        assert!(
            seen.insert(slug.to_owned()),
            "{what} slug {slug:?} is used twice"
        );
    }

    #[test]
    fn every_ukrainian_entry_translates_an_existing_english_one() {
        let (site, articles) = english();
        let edition = parse().unwrap();
        assert!(edition.articles.len() >= MIN_ARTICLES);

        let headlines: HashSet<&str> = articles.iter().map(|a| a.headline.as_str()).collect();
        let mut translated = HashSet::new();
        let mut slugs = HashSet::new();
        let mut sections_used = HashSet::new();
        let mut tags_used = HashSet::new();
        for a in &edition.articles {
            assert!(
                headlines.contains(a.original.as_str()),
                "no English article {:?}",
                a.original
            );
            assert!(translated.insert(&a.original), "{:?} twice", a.original);
            check_slug(&a.slug, &mut slugs, "article");
            assert!(
                !a.headline.is_empty() && !a.standfirst.is_empty() && a.body.len() > 500,
                "{:?} is incomplete",
                a.slug
            );
            // Cyrillic, not a transliteration or an untranslated English text.
            assert!(
                a.headline.chars().any(|c| ('а'..='я').contains(&c)),
                "{:?}",
                a.headline
            );
            let english = articles.iter().find(|e| e.headline == a.original).unwrap();
            sections_used.insert(english.section.clone());
            tags_used.extend(english.tags.iter().cloned());
        }
        assert_eq!(
            sections_used.len(),
            site.section.len(),
            "translations in every section"
        );

        let mut section_slugs = HashSet::new();
        let english_sections: HashSet<&str> =
            site.section.iter().map(|s| s.slug.as_str()).collect();
        for s in &edition.site.section {
            assert!(
                english_sections.contains(s.original.as_str()),
                "{}",
                s.original
            );
            check_slug(&s.slug, &mut section_slugs, "section");
        }
        assert_eq!(
            edition.site.section.len(),
            site.section.len(),
            "every section"
        );

        let mut tag_slugs = HashSet::new();
        let named: HashSet<&str> = edition
            .site
            .tag
            .iter()
            .map(|t| t.original.as_str())
            .collect();
        for t in &edition.site.tag {
            check_slug(&t.slug, &mut tag_slugs, "tag");
        }
        for tag in &tags_used {
            assert!(
                named.contains(tag.as_str()),
                "tag {tag:?} has no Ukrainian name"
            );
        }

        let mut page_slugs = HashSet::new();
        let english_pages: HashSet<&str> = site.page.iter().map(|p| p.slug.as_str()).collect();
        for p in &edition.site.page {
            assert!(
                english_pages.contains(p.original.as_str()),
                "{}",
                p.original
            );
            check_slug(&p.slug, &mut page_slugs, "page");
        }
        assert_eq!(edition.site.page.len(), site.page.len(), "every page");
        for text in [&edition.site.site.tagline, &edition.site.site.description] {
            assert!(text.chars().any(|c| ('а'..='я').contains(&c)), "{text:?}");
        }
    }

    #[test]
    fn a_translation_follows_its_original_and_is_never_in_the_future() {
        let now = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let original = now - Duration::days(3);
        assert_eq!(
            publication_time(original, 2, now),
            original + Duration::hours(2)
        );
        let recent = now - Duration::minutes(20);
        let at = publication_time(recent, 2, now);
        assert!(at >= recent && at < now);
    }
}
