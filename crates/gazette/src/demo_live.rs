//! The demo's live blog (`demo/live-blog.toml`): a day of coverage with key events, a pinned
//! entry and one corrected entry, ended, so that a first run shows what a live blog looks like.

use std::collections::HashMap;

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use gazette_core::live::{Coverage, EntryDraft, EntryStatus};
use gazette_core::{ArticleStatus, Language, NewArticle};
use gazette_store::Store;
use gazette_store::live::EntryMarks;
use serde::Deserialize;

const LIVE_BLOG: &str = include_str!("../demo/live-blog.toml");

#[derive(Deserialize)]
struct LiveBlogFile {
    blog: BlogEntry,
    entry: Vec<Entry>,
}

#[derive(Deserialize)]
struct BlogEntry {
    section: String,
    headline: String,
    standfirst: String,
    authors: Vec<String>,
    tags: Vec<String>,
    days_ago: i64,
    hour: i64,
    /// Scales its demo readership, as for the articles.
    popularity: i64,
    summary: String,
}

#[derive(Deserialize)]
struct Entry {
    minutes: i64,
    authors: Vec<String>,
    headline: Option<String>,
    body: String,
    #[serde(default)]
    key_event: bool,
    #[serde(default)]
    pinned: bool,
    first_version: Option<String>,
    edited_minutes: Option<i64>,
}

/// What the live blog needs from the rest of the demo: ids by slug or name.
pub struct Known<'a> {
    pub sections: &'a HashMap<String, i64>,
    pub authors: &'a HashMap<String, i64>,
    pub tags: &'a mut HashMap<String, i64>,
}

fn ids(slugs: &[String], known: &HashMap<String, i64>) -> anyhow::Result<Vec<i64>> {
    slugs
        .iter()
        .map(|slug| {
            known
                .get(slug)
                .copied()
                .with_context(|| format!("unknown author {slug:?} in the demo live blog"))
        })
        .collect()
}

/// The loaded blog, for the demo's readership.
pub struct Loaded {
    pub article_id: i64,
    pub slug: String,
    pub popularity: i64,
    pub published_at: DateTime<Utc>,
}

/// Loads the live blog.
pub async fn load(
    store: &dyn Store,
    now: DateTime<Utc>,
    known: Known<'_>,
) -> anyhow::Result<Loaded> {
    let file: LiveBlogFile = toml::from_str(LIVE_BLOG).context("demo/live-blog.toml")?;
    let blog = &file.blog;
    let section_id = *known
        .sections
        .get(&blog.section)
        .with_context(|| format!("unknown section {:?}", blog.section))?;
    let mut tag_ids = Vec::new();
    for name in &blog.tags {
        if !known.tags.contains_key(name) {
            known
                .tags
                .insert(name.clone(), store.ensure_tag(name).await?.id);
        }
        tag_ids.push(known.tags[name]);
    }
    let last_minute = file.entry.iter().map(|e| e.minutes).max().unwrap_or(0);
    // The whole day in the past, however early the demo is loaded.
    let start = (now - Duration::days(blog.days_ago)).date_naive();
    let start = start
        .and_hms_opt(u32::try_from(blog.hour.clamp(0, 23))?, 0, 0)
        .context("the blog's start")?
        .and_utc()
        .min(now - Duration::minutes(last_minute + 30));
    let article = store
        .create_article(
            NewArticle {
                language: Language::EN,
                slug: None,
                headline: blog.headline.clone(),
                standfirst: blog.standfirst.clone(),
                body_markdown: blog.summary.clone(),
                section_id,
                tag_ids,
                author_ids: ids(&blog.authors, known.authors)?,
                status: ArticleStatus::Published,
                published_at: Some(start),
                updated_at: Some(start + Duration::minutes(last_minute)),
                seo_title: None,
                seo_description: None,
            },
            start,
        )
        .await?;
    store
        .set_coverage(article.id, Some(Coverage::Live), None, start)
        .await?;
    let mut edits = Vec::new();
    for entry in &file.entry {
        let at = start + Duration::minutes(entry.minutes);
        let draft = EntryDraft {
            headline: entry.headline.clone(),
            body_markdown: entry.first_version.clone().unwrap_or(entry.body.clone()),
            author_ids: ids(&entry.authors, known.authors)?,
            key_event: entry.key_event,
        };
        let posted = store
            .post_entry(
                article.id,
                draft.clone(),
                EntryStatus::Published,
                None,
                None,
                at,
            )
            .await
            .with_context(|| format!("the entry at minute {}", entry.minutes))?;
        if entry.pinned {
            let marks = EntryMarks {
                pinned: Some(true),
                key_event: None,
            };
            store.mark_entry(posted.id, marks, None, at).await?;
        }
        if let (Some(_), Some(minutes)) = (&entry.first_version, entry.edited_minutes) {
            let corrected = EntryDraft {
                body_markdown: entry.body.clone(),
                ..draft
            };
            edits.push((posted.id, corrected, start + Duration::minutes(minutes)));
        }
    }
    for (id, corrected, at) in edits {
        store.edit_entry(id, corrected, None, None, at).await?;
    }
    let end = start + Duration::minutes(last_minute + 5);
    store
        .set_coverage(article.id, Some(Coverage::Ended), None, end)
        .await?;
    Ok(Loaded {
        article_id: article.id,
        slug: article.slug.as_str().to_owned(),
        popularity: blog.popularity,
        published_at: start,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_live_blog_parses_with_thirty_entries_or_more_and_one_pin() {
        let file: LiveBlogFile = toml::from_str(LIVE_BLOG).unwrap();
        assert!(file.entry.len() >= 30, "{} entries", file.entry.len());
        assert_eq!(file.entry.iter().filter(|e| e.pinned).count(), 1);
        assert!(file.entry.iter().filter(|e| e.key_event).count() >= 3);
        let mut minutes: Vec<i64> = file.entry.iter().map(|e| e.minutes).collect();
        let sorted = {
            let mut m = minutes.clone();
            m.sort_unstable();
            m
        };
        assert_eq!(minutes, sorted, "entries are in the order they were posted");
        minutes.dedup();
        assert_eq!(
            minutes.len(),
            file.entry.len(),
            "one entry a minute at most"
        );
    }
}
