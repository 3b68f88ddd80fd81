//! The demo newspaper: sections, authors, pages and articles written for Gazette (in `demo/`),
//! loaded into an empty database so that a first run looks like a real site at once. Its
//! Ukrainian edition (`demo/uk/`, loaded by [`uk`]) translates the sections, tags, pages and a
//! selection of the articles.
//!
//! Publication times are relative to the moment of loading, so the demo always has fresh news and
//! a meaningful "Top articles" for the last seven days.

use std::collections::HashMap;

use anyhow::{Context, bail};
use chrono::{DateTime, Duration, Utc};
use gazette_core::{ArticleStatus, Language, NewArticle, Slug, StaticPage};
use gazette_store::{NewAuthor, NewSection, Store, ViewIncrement};
use serde::Deserialize;

#[path = "demo_uk.rs"]
mod uk;

const SITE: &str = include_str!("../demo/site.toml");
const ARTICLE_FILES: [&str; 2] = [
    include_str!("../demo/articles-war-diplomacy-politics.toml"),
    include_str!("../demo/articles-business-society-culture.toml"),
];

#[derive(Deserialize)]
struct SiteFile {
    site: SiteInfo,
    section: Vec<SectionEntry>,
    author: Vec<AuthorEntry>,
    page: Vec<PageEntry>,
}

#[derive(Deserialize)]
struct SiteInfo {
    name: String,
    tagline: String,
    description: String,
}

#[derive(Deserialize)]
struct SectionEntry {
    slug: String,
    name: String,
    description: String,
}

#[derive(Deserialize)]
struct AuthorEntry {
    slug: String,
    name: String,
    bio: String,
    #[serde(default)]
    house: bool,
}

#[derive(Deserialize)]
struct PageEntry {
    slug: String,
    title: String,
    body: String,
}

#[derive(Deserialize)]
struct ArticleFile {
    article: Vec<ArticleEntry>,
}

#[derive(Deserialize)]
struct ArticleEntry {
    section: String,
    headline: String,
    standfirst: String,
    authors: Vec<String>,
    tags: Vec<String>,
    days_ago: i64,
    hour: i64,
    updated_hours_later: Option<i64>,
    popularity: i64,
    body: String,
}

/// What loading the demo created.
#[derive(Debug, Default)]
pub struct DemoSummary {
    pub sections: usize,
    pub authors: usize,
    pub articles: usize,
}

/// Loads the demo newspaper. Refuses to run on a database that already has sections, so it can
/// never mix demo text into a real newsroom's content.
pub async fn load(store: &dyn Store, now: DateTime<Utc>) -> anyhow::Result<DemoSummary> {
    if !store.sections().await?.is_empty() {
        bail!("the database already has content; the demo is loaded only into an empty one");
    }
    let site: SiteFile = toml::from_str(SITE).context("demo/site.toml")?;
    store.set_setting("site.name", &site.site.name).await?;
    store
        .set_setting("site.tagline", &site.site.tagline)
        .await?;
    store
        .set_setting("site.description", &site.site.description)
        .await?;

    let mut sections = HashMap::new();
    for (position, s) in site.section.iter().enumerate() {
        let created = store
            .create_section(
                NewSection {
                    slug: Slug::parse(&s.slug)?,
                    name: s.name.clone(),
                    description: s.description.clone(),
                    position: i32::try_from(position)?,
                },
                None,
            )
            .await?;
        sections.insert(s.slug.clone(), created.id);
    }
    let mut authors = HashMap::new();
    for a in &site.author {
        let created = store
            .create_author(NewAuthor {
                slug: Slug::parse(&a.slug)?,
                name: a.name.clone(),
                bio: a.bio.clone(),
                is_house: a.house,
            })
            .await?;
        authors.insert(a.slug.clone(), created.id);
    }
    for p in &site.page {
        store
            .put_page(&StaticPage {
                slug: Slug::parse(&p.slug)?,
                title: p.title.clone(),
                body_markdown: p.body.clone(),
                body_html: String::new(),
            })
            .await?;
    }

    let mut entries = Vec::new();
    for file in ARTICLE_FILES {
        let parsed: ArticleFile = toml::from_str(file).context("demo articles")?;
        entries.extend(parsed.article);
    }
    // Oldest first, so that article ids follow publication order as in a real archive.
    entries.sort_by_key(|e| (-e.days_ago, e.hour));

    let today = now.timestamp().div_euclid(86_400);
    let mut tags = HashMap::new();
    let mut views = Vec::new();
    let mut originals = HashMap::new();
    for entry in &entries {
        let section_id = *sections.get(&entry.section).with_context(|| {
            format!(
                "unknown section {:?} in {:?}",
                entry.section, entry.headline
            )
        })?;
        let author_ids = entry
            .authors
            .iter()
            .map(|slug| {
                authors
                    .get(slug)
                    .copied()
                    .with_context(|| format!("unknown author {slug:?}"))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let mut tag_ids = Vec::new();
        for name in &entry.tags {
            if !tags.contains_key(name) {
                tags.insert(name.clone(), store.ensure_tag(name).await?.id);
            }
            tag_ids.push(tags[name]);
        }
        let published_at = publication_time(now, entry.days_ago, entry.hour);
        let updated_at = entry
            .updated_hours_later
            .map(|h| (published_at + Duration::hours(h)).min(now - Duration::minutes(1)));
        let article = store
            .create_article(
                NewArticle {
                    language: Language::EN,
                    slug: None,
                    headline: entry.headline.clone(),
                    standfirst: entry.standfirst.clone(),
                    body_markdown: entry.body.clone(),
                    section_id,
                    tag_ids: tag_ids.clone(),
                    author_ids: author_ids.clone(),
                    status: ArticleStatus::Published,
                    published_at: Some(published_at),
                    updated_at,
                    seo_title: None,
                    seo_description: None,
                },
                published_at,
            )
            .await?;
        views.extend(readership(
            article.id,
            article.slug.as_str(),
            entry.popularity,
            published_at,
            today,
        ));
        originals.insert(
            entry.headline.clone(),
            uk::Original {
                id: article.id,
                published_at,
                section_id,
                author_ids,
                tag_ids,
                popularity: entry.popularity,
            },
        );
    }
    let live_blog = crate::demo_live::load(
        store,
        now,
        crate::demo_live::Known {
            sections: &sections,
            authors: &authors,
            tags: &mut tags,
        },
    )
    .await?;
    views.extend(readership(
        live_blog.article_id,
        &live_blog.slug,
        live_blog.popularity,
        live_blog.published_at,
        today,
    ));
    let (translated, uk_views) = uk::load(
        store,
        now,
        &uk::Known {
            sections: &sections,
            tags: &tags,
            articles: &originals,
        },
    )
    .await
    .context("the demo's Ukrainian edition")?;
    views.extend(uk_views);
    store.add_views(&views).await?;
    Ok(DemoSummary {
        sections: sections.len(),
        authors: authors.len(),
        articles: entries.len() + 1 + translated,
    })
}

/// `days_ago` days before `now` at `hour` o'clock UTC, never in the future.
fn publication_time(now: DateTime<Utc>, days_ago: i64, hour: i64) -> DateTime<Utc> {
    let day_start = now.timestamp().div_euclid(86_400) * 86_400;
    let at = day_start - days_ago * 86_400 + hour.clamp(0, 23) * 3600 + 17 * 60;
    DateTime::from_timestamp(at, 0)
        .unwrap_or(now)
        .min(now - Duration::minutes(20))
}

/// Daily reads for a demo article: a spike on publication that fades over two weeks, scaled by
/// its popularity, with a little variation taken from its slug so no two articles tie.
fn readership(
    article_id: i64,
    slug: &str,
    popularity: i64,
    published_at: DateTime<Utc>,
    today: i64,
) -> Vec<ViewIncrement> {
    let jitter = slug
        .bytes()
        .fold(7_i64, |h, b| (h * 31 + i64::from(b)) % 997);
    let first_day = published_at.timestamp().div_euclid(86_400);
    let peak = popularity.clamp(1, 100) * 40 + jitter;
    (0..14)
        .map(|age| (first_day + age, age))
        .filter(|(day, _)| *day <= today)
        .map(|(day, age)| ViewIncrement {
            article_id,
            day,
            views: (peak >> age.min(12)).max(1) + (jitter % 5),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use gazette_store::testing::TestDatabase;

    use super::*;

    #[test]
    fn the_demo_files_parse_and_every_reference_resolves() {
        let site: SiteFile = toml::from_str(SITE).unwrap();
        let sections: Vec<&str> = site.section.iter().map(|s| s.slug.as_str()).collect();
        let authors: Vec<&str> = site.author.iter().map(|a| a.slug.as_str()).collect();
        assert!(sections.len() >= 6 && authors.len() >= 5);
        assert!(site.author.iter().any(|a| a.house), "a house byline");
        let mut count = 0;
        for file in ARTICLE_FILES {
            let parsed: ArticleFile = toml::from_str(file).unwrap();
            for a in parsed.article {
                assert!(sections.contains(&a.section.as_str()), "{}", a.section);
                assert!(
                    a.authors.iter().all(|s| authors.contains(&s.as_str())),
                    "{:?}",
                    a.authors
                );
                count += 1;
            }
        }
        assert!(count >= 60, "{count} demo articles");
    }

    /// Loads the whole demo into a fresh database of each configured backend.
    async fn loaded_demo(backend: gazette_store::Backend) -> Option<TestDatabase> {
        if backend == gazette_store::Backend::Postgres
            && gazette_store::testing::postgres_url().is_none()
        {
            return None;
        }
        let db = TestDatabase::new(backend).await.unwrap();
        let now = DateTime::from_timestamp(1_760_000_000, 0).unwrap();
        load(db.store.as_ref(), now).await.unwrap();
        Some(db)
    }

    #[tokio::test]
    async fn the_demo_has_a_ukrainian_edition_linked_to_its_english_originals() {
        use gazette_store::{ArticleFilter, PageRequest, PageStore};

        for backend in [
            gazette_store::Backend::Sqlite,
            gazette_store::Backend::Postgres,
        ] {
            let Some(db) = loaded_demo(backend).await else {
                continue;
            };
            let store = db.store.as_ref();
            let later = DateTime::from_timestamp(1_760_000_000, 0).unwrap();
            let ukrainian = store
                .published(
                    &ArticleFilter {
                        language: Some(Language::UK),
                        ..ArticleFilter::default()
                    },
                    PageRequest {
                        page: 1,
                        per_page: 100,
                    },
                    later,
                )
                .await
                .unwrap();
            assert!(
                ukrainian.items.len() >= 20,
                "{} Ukrainian articles",
                ukrainian.items.len()
            );
            for article in &ukrainian.items {
                assert_eq!(article.language, Language::UK);
                assert!(article.view_total > 0, "{} has no readers", article.slug);
                let group = store.translations(article.id).await.unwrap();
                let original = group
                    .iter()
                    .find(|t| t.is_original)
                    .unwrap_or_else(|| panic!("{} is linked to no original", article.slug));
                assert_eq!(original.language, Language::EN, "{}", article.slug);
                assert!(
                    original.published_at.unwrap() <= article.published_at.unwrap(),
                    "{} came out before its original",
                    article.slug
                );
                assert!(
                    !group.iter().any(|t| t.stale),
                    "{} is out of date",
                    article.slug
                );
            }

            let sections = store.section_names(Language::UK).await.unwrap();
            assert_eq!(sections.len(), store.sections().await.unwrap().len());
            assert!(
                sections
                    .iter()
                    .any(|s| s.name == "Війна" && s.slug.as_str() == "viina")
            );
            assert!(store.tag_names(Language::UK).await.unwrap().len() >= 20);

            let pages = store.published_pages(Language::UK).await.unwrap();
            let english = store.published_pages(Language::EN).await.unwrap();
            assert_eq!(pages.len(), english.len(), "every page in Ukrainian");
            assert!(pages.iter().all(|p| p.translation_of.is_some()));
            let about = PageStore::page(store, Language::UK, "pro-nas")
                .await
                .unwrap()
                .expect("the Ukrainian About page");
            assert_eq!(about.title, "Про нас");
            db.finish().await;
        }
    }

    #[test]
    fn demo_articles_are_never_published_in_the_future() {
        let now = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        assert!(publication_time(now, 0, 23) < now);
        assert_eq!(
            publication_time(now, 3, 10).timestamp() % 86_400,
            10 * 3600 + 17 * 60
        );
    }
}
