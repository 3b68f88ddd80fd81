//! The front page: lead story, top stories, a block per section, latest and most read.

use axum::extract::State;
use axum::response::Response;
use gazette_store::ArticleFilter;
use serde::Serialize;

use super::{Edition, keys_for, render, top_articles};
use crate::cache::HOME_KEY;
use crate::error::AppResult;
use crate::presenters::{Card, Link, SiteContext, json_ld};
use crate::state::SiteState;

const SECTION_BLOCK_SIZE: u32 = 4;

#[derive(Serialize)]
struct SectionBlock {
    section: Link,
    articles: Vec<Card>,
}

pub async fn home(State(state): State<SiteState>, edition: Edition) -> AppResult<Response> {
    let lang = edition.language();
    let site = SiteContext::load(&state, lang, None).await?;
    let links = site.links.clone();
    let now = state.now();
    let in_edition = ArticleFilter {
        language: Some(lang),
        ..Default::default()
    };
    // Stories an editor pinned lead (newest first), then the newest fill the rest, each once.
    let pinned_only = ArticleFilter {
        pinned: true,
        ..in_edition.clone()
    };
    let mut front = state.store.latest(&pinned_only, 5, now).await?;
    let newest = state.store.latest(&in_edition, 15, now).await?;
    let unpinned: Vec<_> = newest
        .into_iter()
        .filter(|a| !front.iter().any(|p| p.id == a.id))
        .collect();
    front.extend(unpinned);
    front.truncate(15);
    let mut shown: Vec<gazette_core::ArticleSummary> = front.clone();
    let mut cards = Card::list(&front, &links).into_iter();
    let lead = cards.next();
    let top_stories: Vec<Card> = cards.by_ref().take(4).collect();
    let latest: Vec<Card> = cards.collect();

    let mut section_blocks = Vec::new();
    for section in state.store.sections().await? {
        let filter = ArticleFilter {
            section_id: Some(section.id),
            ..in_edition.clone()
        };
        let items = state.store.latest(&filter, SECTION_BLOCK_SIZE, now).await?;
        if !items.is_empty() {
            section_blocks.push(SectionBlock {
                section: Link {
                    name: links.section_name(section.slug.as_str(), &section.name),
                    url: links.section_url(section.slug.as_str()),
                },
                articles: Card::list(&items, &links),
            });
            shown.extend(items);
        }
    }
    let (top, most_read) = top_articles(&state, &links);
    let keys = keys_for(&[&shown, &top], &[HOME_KEY.to_owned()]);

    let description = if site.description.is_empty() {
        site.tagline.clone()
    } else {
        site.description.clone()
    };
    let mut meta = site.meta("", &description, &links.home(), false);
    meta.alternates = super::edition::alternates(&state, |l| Some(l.home())).await?;
    if !site.tagline.is_empty() {
        meta.title = format!("{} | {}", site.name, site.tagline);
    }
    let jsonld = vec![
        json_ld(&serde_json::json!({
            "@context": "https://schema.org",
            "@type": "WebSite",
            "name": site.name,
            "url": site.absolute(&links.home()),
            "inLanguage": lang.code(),
            "potentialAction": {
                "@type": "SearchAction",
                "target": site.absolute(&links.path("/search?q={search_term_string}")),
                "query-input": "required name=search_term_string",
            },
        })),
        json_ld(&serde_json::json!({
            "@context": "https://schema.org",
            "@type": "NewsMediaOrganization",
            "name": site.name,
            "url": site.absolute("/"),
            "logo": site.absolute(&site.favicon_url),
        })),
    ];
    render(
        &state,
        "home.html",
        minijinja::context! { site, meta, jsonld, lead, top_stories, section_blocks, latest, most_read },
        keys,
    )
}
