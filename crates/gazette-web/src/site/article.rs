//! The article page, and the redirects that keep every address an article ever had working.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use gazette_core::{Article, ArticleSummary, ReaderView};
use gazette_store::ArticleLookup;
use serde::Serialize;

use super::corrections::NoteView;
use super::media::ImageView;
use super::{Edition, keys_for, render, top_articles};
use crate::cache::{article_key, section_key};
use crate::error::{AppError, AppResult};
use crate::presenters::{ArticleView, Card, Link, SiteContext, json_ld, share_links};
use crate::site::live::page::LivePage;
use crate::site::live::{EntryView, plain_text};
use crate::site::reads::BEACON_SCRIPT;
use crate::state::SiteState;

pub(crate) const RELATED_COUNT: u32 = 4;

/// Which part of a live blog the page shows: a page of its entries, opened at one of them.
pub(crate) struct Shown {
    pub page: u32,
    pub entry: Option<gazette_core::live::LiveEntry>,
}

pub async fn article(
    State(state): State<SiteState>,
    edition: Edition,
    Path((section, slug)): Path<(String, String)>,
    Query(page_param): Query<super::PageParam>,
) -> AppResult<Response> {
    let page_number = page_param.number()?;
    let page = state
        .store
        .article_page(&slug, RELATED_COUNT, state.now())
        .await?;
    let site = SiteContext::load(&state, edition.language(), None).await?;
    let article = match page.lookup {
        ArticleLookup::Current(article) => article,
        ArticleLookup::Renamed { section, slug } => {
            let url = site.links.article_url(section.as_str(), slug.as_str());
            return Ok(Redirect::permanent(&url).into_response());
        }
        ArticleLookup::NotFound => return Err(AppError::NotFound),
    };
    match article.reader_view(state.now()) {
        ReaderView::Visible => {}
        // Readers saw it once; say it was removed rather than pretend it never existed.
        ReaderView::Removed => return Err(AppError::Gone),
        ReaderView::Hidden => return Err(AppError::NotFound),
    }
    // An article lives in its own language's edition, under its section's slug there: the
    // wrong edition, a moved section or a wrong link gets its one canonical address.
    let links = site.every.of(article.language);
    if links.language != edition.language()
        || links.local_section_slug(article.section.slug.as_str()) != section
    {
        let url = links.article_url(article.section.slug.as_str(), article.slug.as_str());
        return Ok(Redirect::permanent(&url).into_response());
    }
    let featured = page.featured.as_ref().and_then(ImageView::new);
    let corrections = super::corrections::notes(page.corrections, &article);
    let shown = Shown {
        page: page_number,
        entry: None,
    };
    render_article(
        &state,
        &article,
        &page.related,
        corrections,
        featured,
        shown,
    )
    .await
}

pub(crate) async fn render_article(
    state: &SiteState,
    a: &Article,
    related: &[ArticleSummary],
    corrections: Vec<NoteView>,
    featured: Option<ImageView>,
    shown: Shown,
) -> AppResult<Response> {
    let edition = state.config.editions.edition_of(a.language);
    let site = SiteContext::load(state, edition, Some(a.section.slug.as_str())).await?;
    let links = site.links.clone();
    let path = links.article_url(a.section.slug.as_str(), a.slug.as_str());
    let live = LivePage::load(state, a, shown.page, shown.entry.as_ref().map(|e| e.id)).await?;
    if live.is_none() && shown.page > 1 {
        // Only a live blog has further pages.
        return Ok(Redirect::permanent(&path).into_response());
    }
    let (top, top_articles) = top_articles(state, &links);
    let translations = super::edition::translations(state, &site, a).await?;
    let mut own_keys = vec![article_key(a.id), section_key(a.section.id)];
    own_keys.extend(translations.group.iter().map(|id| article_key(*id)));
    let keys = keys_for(&[related, &top], &own_keys);
    let related = Card::list(related, &links);
    let beacon = minijinja::context! { script => BEACON_SCRIPT, pixel_url => format!("/views/{}.gif", a.id) };

    let og_image = featured.as_ref().map(|f| site.absolute(&f.src));
    let article = ArticleView::new(a, &site);
    let breadcrumb = vec![
        Link {
            name: crate::locale::locales().word(site.language, "breadcrumb-home"),
            url: site.home_url.clone(),
        },
        article.section.clone(),
        Link {
            name: a.headline.clone(),
            url: path.clone(),
        },
    ];
    let share = share_links(&article.url, &a.headline);

    // An entry's address is shared under the entry's own title and text.
    let focus = shown
        .entry
        .as_ref()
        .map(|e| (EntryView::new(a, e).title(e), plain_text(e), e.id));
    let (title, description) = match &focus {
        Some((title, text, _)) => (title.as_str(), text.as_str()),
        None => (
            a.seo_title.as_deref().unwrap_or(&a.headline),
            a.seo_description.as_deref().unwrap_or(&a.standfirst),
        ),
    };
    // Shared by the OpenGraph tags and the JSON-LD.
    let modified = a
        .updated_at
        .or(a.published_at)
        .max(live.as_ref().and_then(|l| l.latest))
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    let author_urls: Vec<String> = a
        .authors
        .iter()
        .map(|au| site.absolute(&links.author_url(au.slug.as_str())))
        .collect();
    let canonical = match (&focus, &live) {
        (Some((_, _, id)), _) => format!("{path}/entries/{id}"),
        (None, Some(live)) if live.view.page > 1 => format!("{path}?page={}", live.view.page),
        _ => path.clone(),
    };
    let mut meta = site.meta(title, description, &canonical, false);
    if let Some(live) = &live {
        meta.prev_url = live.view.newer_url.as_ref().map(|u| site.absolute(u));
        meta.next_url = live.view.older_url.as_ref().map(|u| site.absolute(u));
    }
    meta.og_type = "article";
    meta.alternates = translations.alternates;
    meta.oembed = Some(site.absolute(&format!(
        "/api/oembed?url={}",
        percent_encoding::utf8_percent_encode(
            &site.absolute(&path),
            percent_encoding::NON_ALPHANUMERIC
        )
    )));
    meta.article = Some(crate::presenters::ArticleMeta {
        published_time: article.published.as_ref().map(|d| d.iso.clone()),
        modified_time: modified.clone(),
        section: article.section.name.clone(),
        tags: article.tags.iter().map(|t| t.name.clone()).collect(),
        authors: author_urls.clone(),
    });
    if live.is_some() {
        meta.feeds.extend(crate::feeds::feed_links(
            &format!("/feeds/live/{}", a.slug),
            &{
                let mut args = fluent_bundle::FluentArgs::new();
                args.set("headline", a.headline.as_str());
                crate::locale::locales().text(site.language, "article-live-feed", Some(&args))
            },
        ));
    }
    meta.feeds.extend(crate::feeds::feed_links(
        &links.path(&format!(
            "/feeds/sections/{}",
            links.local_section_slug(a.section.slug.as_str())
        )),
        &article.section.name,
    ));

    let publisher_logo = site.absolute(&site.favicon_url);
    let news_article = NewsArticleLd {
        context: SCHEMA_ORG,
        kind: if live.is_some() {
            "LiveBlogPosting"
        } else {
            "NewsArticle"
        },
        headline: &a.headline,
        description: &a.standfirst,
        url: &article.url,
        main_entity_of_page: &article.url,
        date_published: article.published.as_ref().map(|d| d.iso.as_str()),
        date_modified: modified.as_deref(),
        article_section: &article.section.name,
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
        coverage_start_time: None,
        coverage_end_time: None,
        live_blog_update: &[],
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
    let mut news_article = news_article;
    let updates;
    if let Some(live) = &live {
        let iso =
            |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        news_article.coverage_start_time = Some(iso(live.blog.started_at));
        news_article.coverage_end_time = live.blog.ended_at.map(iso);
        updates = live
            .updates
            .iter()
            .map(|(view, title, entry)| BlogPostingLd {
                kind: "BlogPosting",
                headline: title.clone(),
                url: site.absolute(&view.url),
                date_published: view.date.iso.clone(),
                date_modified: entry.edited_at.map(iso),
                article_body: plain_text(entry),
            })
            .collect::<Vec<_>>();
        news_article.live_blog_update = &updates;
    }
    let jsonld = vec![json_ld(&news_article), json_ld(&crumbs)];
    let live = live.map(|l| l.view);

    render(
        state,
        "article.html",
        minijinja::context! { site, meta, jsonld, article, breadcrumb, share, top_articles, related, beacon, corrections, featured, og_image, live },
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
    #[serde(skip_serializing_if = "Option::is_none")]
    coverage_start_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    coverage_end_time: Option<String>,
    /// A live blog's latest entries.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    live_blog_update: &'a [BlogPostingLd],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BlogPostingLd {
    #[serde(rename = "@type")]
    kind: &'static str,
    headline: String,
    url: String,
    date_published: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_modified: Option<String>,
    article_body: String,
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
