//! The article page, and the redirects that keep every address an article ever had working.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use gazette_core::{Article, ArticleSummary, ReaderView};
use gazette_store::ArticleLookup;
use serde::Serialize;

use super::corrections::NoteView;
use super::media::ImageView;
use super::{keys_for, render, top_articles};
use crate::cache::{article_key, section_key};
use crate::error::{AppError, AppResult};
use crate::presenters::{
    ArticleView, Card, Link, SiteContext, article_url, json_ld, section_url, share_links,
};
use crate::site::reads::BEACON_SCRIPT;
use crate::state::SiteState;

const RELATED_COUNT: u32 = 4;

pub async fn article(
    State(state): State<SiteState>,
    Path((section, slug)): Path<(String, String)>,
) -> AppResult<Response> {
    let page = state
        .store
        .article_page(&slug, RELATED_COUNT, state.now())
        .await?;
    let article = match page.lookup {
        ArticleLookup::Current(article) => article,
        ArticleLookup::Renamed { section, slug } => {
            return Ok(Redirect::permanent(&article_url(&section, &slug)).into_response());
        }
        ArticleLookup::NotFound => return Err(AppError::NotFound),
    };
    match article.reader_view(state.now()) {
        ReaderView::Visible => {}
        // Readers saw it once; say it was removed rather than pretend it never existed.
        ReaderView::Removed => return Err(AppError::Gone),
        ReaderView::Hidden => return Err(AppError::NotFound),
    }
    if article.section.slug.as_str() != section {
        // The article moved section, or the link had the wrong one: one canonical address.
        return Ok(
            Redirect::permanent(&article_url(&article.section.slug, &article.slug)).into_response(),
        );
    }
    let featured = page.featured.as_ref().and_then(ImageView::new);
    let corrections = super::corrections::notes(page.corrections, &article);
    render_article(&state, &article, &page.related, corrections, featured).await
}

async fn render_article(
    state: &SiteState,
    a: &Article,
    related: &[ArticleSummary],
    corrections: Vec<NoteView>,
    featured: Option<ImageView>,
) -> AppResult<Response> {
    let site = SiteContext::load(state, Some(a.section.slug.as_str())).await?;
    let (top, top_articles) = top_articles(state, a.language);
    let keys = keys_for(
        &[related, &top],
        &[article_key(a.id), section_key(a.section.id)],
    );
    let related = Card::list(related, a.language);
    let beacon = minijinja::context! { script => BEACON_SCRIPT, pixel_url => format!("/views/{}.gif", a.id) };

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
    // Shared by the OpenGraph tags and the JSON-LD.
    let modified = a
        .updated_at
        .or(a.published_at)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    let author_urls: Vec<String> = a
        .authors
        .iter()
        .map(|au| site.absolute(&crate::presenters::author_url(&au.slug)))
        .collect();
    let mut meta = site.meta(title, description, &path, false);
    meta.og_type = "article";
    meta.article = Some(crate::presenters::ArticleMeta {
        published_time: article.published.as_ref().map(|d| d.iso.clone()),
        modified_time: modified.clone(),
        section: a.section.name.clone(),
        tags: a.tags.iter().map(|t| t.name.clone()).collect(),
        authors: author_urls.clone(),
    });
    meta.feeds.extend(crate::feeds::feed_links(
        &format!("/feeds/sections/{}", a.section.slug),
        &a.section.name,
    ));

    let publisher_logo = site.absolute(&site.favicon_url);
    let news_article = NewsArticleLd {
        context: SCHEMA_ORG,
        kind: "NewsArticle",
        headline: &a.headline,
        description: &a.standfirst,
        url: &article.url,
        main_entity_of_page: &article.url,
        date_published: article.published.as_ref().map(|d| d.iso.as_str()),
        date_modified: modified.as_deref(),
        article_section: &a.section.name,
        keywords: a.tags.iter().map(|t| t.name.as_str()).collect(),
        in_language: a.language.code(),
        is_accessible_for_free: true,
        author: a
            .authors
            .iter()
            .zip(&author_urls)
            .map(|(au, url)| AuthorLd {
                kind: if au.is_house {
                    "Organization"
                } else {
                    "Person"
                },
                name: &au.name,
                url,
            })
            .collect(),
        publisher: PublisherLd {
            kind: "NewsMediaOrganization",
            name: &site.name,
            logo: ImageLd {
                kind: "ImageObject",
                url: &publisher_logo,
                width: None,
                height: None,
            },
        },
        // Corrections the newsroom appended, as schema.org asks for them.
        correction: corrections
            .iter()
            .filter(|c| c.kind == "correction")
            .map(|c| CorrectionLd {
                kind: "CorrectionComment",
                text: &c.text,
                date_published: &c.date.iso,
            })
            .collect(),
        image: og_image
            .as_deref()
            .zip(featured.as_ref())
            .map(|(url, f)| ImageLd {
                kind: "ImageObject",
                url,
                width: Some(f.width),
                height: Some(f.height),
            }),
    };
    let crumbs = BreadcrumbListLd {
        context: SCHEMA_ORG,
        kind: "BreadcrumbList",
        item_list_element: breadcrumb
            .iter()
            .enumerate()
            .map(|(i, crumb)| ListItemLd {
                kind: "ListItem",
                position: i + 1,
                name: &crumb.name,
                item: site.absolute(&crumb.url),
            })
            .collect(),
    };
    let jsonld = vec![json_ld(&news_article), json_ld(&crumbs)];

    render(
        state,
        "article.html",
        minijinja::context! { site, meta, jsonld, article, breadcrumb, share, top_articles, related, beacon, corrections, featured, og_image },
        keys,
    )
}

// The article's structured data (schema.org, as JSON-LD), written straight from these types: the
// page is rendered on every cache miss, and building a generic JSON tree first cost more than
// the rest of the head.

const SCHEMA_ORG: &str = "https://schema.org";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NewsArticleLd<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    headline: &'a str,
    description: &'a str,
    url: &'a str,
    main_entity_of_page: &'a str,
    date_published: Option<&'a str>,
    date_modified: Option<&'a str>,
    article_section: &'a str,
    keywords: Vec<&'a str>,
    in_language: &'a str,
    is_accessible_for_free: bool,
    author: Vec<AuthorLd<'a>>,
    publisher: PublisherLd<'a>,
    correction: Vec<CorrectionLd<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<ImageLd<'a>>,
}

#[derive(Serialize)]
struct AuthorLd<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
struct PublisherLd<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    logo: ImageLd<'a>,
}

#[derive(Serialize)]
struct ImageLd<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    width: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    height: Option<u32>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CorrectionLd<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    text: &'a str,
    date_published: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BreadcrumbListLd<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    item_list_element: Vec<ListItemLd<'a>>,
}

#[derive(Serialize)]
struct ListItemLd<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    position: usize,
    name: &'a str,
    item: String,
}
