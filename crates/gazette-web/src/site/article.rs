//! The article page, and the redirects that keep every address an article ever had working.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use gazette_core::{Article, ArticleStatus};
use gazette_store::{ArticleFilter, ArticleLookup};

use super::{keys_for, render, top_articles};
use crate::AppState;
use crate::cache::{article_key, section_key};
use crate::error::{AppError, AppResult};
use crate::view::{
    ArticleView, Card, Link, SiteContext, article_url, json_ld, section_url, share_links,
};
use crate::views::BEACON_SCRIPT;

const RELATED_COUNT: u32 = 4;
const TOP_COUNT: usize = 5;

pub async fn article(
    State(state): State<AppState>,
    Path((section, slug)): Path<(String, String)>,
) -> AppResult<Response> {
    let article = match state.store.find_article(&slug).await? {
        ArticleLookup::Current(article) => article,
        ArticleLookup::Renamed { section, slug } => {
            return Ok(Redirect::permanent(&article_url(&section, &slug)).into_response());
        }
        ArticleLookup::NotFound => return Err(AppError::NotFound),
    };
    match article.status {
        ArticleStatus::Published if article.published_at.is_some_and(|t| t <= state.now()) => {}
        // Readers saw it once; say it was removed rather than pretend it never existed.
        ArticleStatus::Unpublished => return Err(AppError::Gone),
        _ => return Err(AppError::NotFound),
    }
    if article.section.slug.as_str() != section {
        // The article moved section, or the link had the wrong one: one canonical address.
        return Ok(
            Redirect::permanent(&article_url(&article.section.slug, &article.slug)).into_response(),
        );
    }
    render_article(&state, &article).await
}

async fn render_article(state: &AppState, a: &Article) -> AppResult<Response> {
    let site = SiteContext::load(state, Some(a.section.slug.as_str())).await?;
    let related_filter = ArticleFilter {
        section_id: Some(a.section.id),
        exclude_id: Some(a.id),
        ..Default::default()
    };
    let related = state
        .store
        .latest(&related_filter, RELATED_COUNT, state.now())
        .await?;
    let top = top_articles(state, TOP_COUNT);
    let keys = keys_for(
        &[&related, &top],
        &[article_key(a.id), section_key(a.section.id)],
    );
    let related = Card::list(&related, a.language);
    let top_articles = Card::list(&top, a.language);
    let beacon = minijinja::context! { script => BEACON_SCRIPT, pixel_url => format!("/views/{}.gif", a.id) };

    let corrections = super::corrections::notes(state, a).await?;
    let featured = state
        .store
        .featured_media(&[a.id])
        .await?
        .remove(&a.id)
        .and_then(|m| super::media::ImageView::new(&m));
    let og_image = featured.as_ref().map(|f| site.absolute(&f.src));
    let article = ArticleView::new(a, &site);
    let path = article_url(&a.section.slug, &a.slug);
    let breadcrumb = vec![
        Link {
            name: "Home".into(),
            url: "/".into(),
        },
        Link {
            name: a.section.name.clone(),
            url: section_url(&a.section.slug),
        },
        Link {
            name: a.headline.clone(),
            url: path.clone(),
        },
    ];
    let share = share_links(&article.url, &a.headline);

    let title = a.seo_title.as_deref().unwrap_or(&a.headline);
    let description = a.seo_description.as_deref().unwrap_or(&a.standfirst);
    let mut meta = site.meta(title, description, &path, false);
    meta.og_type = "article";
    meta.article = Some(crate::view::ArticleMeta {
        published_time: article.published.as_ref().map(|d| d.iso.clone()),
        modified_time: a
            .updated_at
            .or(a.published_at)
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        section: a.section.name.clone(),
        tags: a.tags.iter().map(|t| t.name.clone()).collect(),
        authors: a
            .authors
            .iter()
            .map(|au| site.absolute(&crate::view::author_url(&au.slug)))
            .collect(),
    });
    meta.feeds.extend(crate::feeds::feed_links(
        &format!("/feeds/sections/{}", a.section.slug),
        &a.section.name,
    ));

    let mut news_article = serde_json::json!({
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": a.headline,
            "description": a.standfirst,
            "url": article.url,
            "mainEntityOfPage": article.url,
            "datePublished": article.published.as_ref().map(|d| &d.iso),
            "dateModified": a.updated_at.or(a.published_at).map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            "articleSection": a.section.name,
            "keywords": a.tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
            "inLanguage": a.language.code(),
            "isAccessibleForFree": true,
            "author": a.authors.iter().map(|au| serde_json::json!({
                "@type": if au.is_house { "Organization" } else { "Person" },
                "name": au.name,
                "url": site.absolute(&crate::view::author_url(&au.slug)),
            })).collect::<Vec<_>>(),
            "publisher": {
                "@type": "NewsMediaOrganization",
                "name": site.name,
                "logo": { "@type": "ImageObject", "url": site.absolute(&site.favicon_url) },
            },
            // Corrections the newsroom appended, as schema.org asks for them.
            "correction": corrections.iter().filter(|c| c.kind == "correction").map(|c| serde_json::json!({
                "@type": "CorrectionComment",
                "text": c.text,
                "datePublished": c.date.iso,
            })).collect::<Vec<_>>(),
    });
    if let (Some(url), Some(f)) = (&og_image, &featured) {
        news_article["image"] = serde_json::json!({
            "@type": "ImageObject", "url": url, "width": f.width, "height": f.height,
        });
    }
    let jsonld = vec![
        json_ld(&news_article),
        json_ld(&serde_json::json!({
            "@context": "https://schema.org",
            "@type": "BreadcrumbList",
            "itemListElement": breadcrumb.iter().enumerate().map(|(i, crumb)| serde_json::json!({
                "@type": "ListItem",
                "position": i + 1,
                "name": crumb.name,
                "item": site.absolute(&crumb.url),
            })).collect::<Vec<_>>(),
        })),
    ];

    render(
        state,
        "article.html",
        minijinja::context! { site, meta, jsonld, article, breadcrumb, share, top_articles, related, beacon, corrections, featured, og_image },
        keys,
    )
}
