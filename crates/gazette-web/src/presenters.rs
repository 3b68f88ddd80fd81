//! What templates print, built from domain values: the site chrome, page metadata, article cards,
//! date lines and links. Templates never compute URLs or format dates themselves, so every page
//! writes them the same way.

use chrono::{DateTime, Utc};
use gazette_core::text::{initials, shorten};
use gazette_core::{Article, ArticleSummary, Author, Language, Slug};
use serde::Serialize;

use crate::feeds::options::{FeedLink, feed_links};
use crate::links::EditionLinks;
use crate::locale::locales;

/// Characters kept of a headline in "Top articles" before it is shortened with "...".
pub const SHORT_HEADLINE_CHARS: usize = 60;

pub fn section_url(slug: &Slug) -> String {
    format!("/{slug}")
}

pub fn article_url(section: &Slug, slug: &Slug) -> String {
    format!("/{section}/{slug}")
}

pub fn author_url(slug: &Slug) -> String {
    format!("/authors/{slug}")
}

pub fn tag_url(slug: &Slug) -> String {
    format!("/tags/{slug}")
}

#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub name: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct NavItem {
    pub name: String,
    pub url: String,
    pub current: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct FooterPage {
    pub title: String,
    pub url: String,
}

/// The newspaper around every page: its name, menu and footer.
#[derive(Debug, Clone, Serialize)]
pub struct SiteContext {
    pub name: String,
    pub tagline: String,
    pub description: String,
    pub base_url: String,
    pub language: gazette_core::Language,
    pub year: i32,
    pub css_url: String,
    pub favicon_url: String,
    pub nav: Vec<NavItem>,
    pub footer_pages: Vec<FooterPage>,
    /// The newspaper's channels elsewhere, as the admins set them (Telegram first: it is where
    /// Ukrainian readers are).
    pub social: Vec<FooterPage>,
    /// The breaking-news banner, while it shows.
    pub breaking: Option<BannerView>,
    #[serde(skip)]
    pub breaking_expires_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The script that keeps open pages up to date (the banner, a live blog's entries).
    pub live_script_url: String,
    /// The edition's home and search addresses (`/`, `/search`; `/uk`, `/uk/search`).
    pub home_url: String,
    pub search_url: String,
    /// Every link in the edition's language: its addresses and section and tag names.
    #[serde(skip)]
    pub links: std::sync::Arc<crate::links::EditionLinks>,
    /// Every edition's front page, for the edition switcher on pages without translations.
    pub editions: Vec<Alternate>,
    /// Every edition's links, this one's included.
    #[serde(skip)]
    pub every: std::sync::Arc<crate::links::AllLinks>,
}

pub const DEFAULT_SITE_NAME: &str = "Gazette";

/// The banner as pages print it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct BannerView {
    pub text: String,
    pub url: Option<String>,
    /// For the script, which hides the banner when it expires on an open page.
    pub expires: Option<String>,
}

impl BannerView {
    pub fn new(banner: &gazette_core::live::Breaking) -> Self {
        Self {
            text: banner.text.clone(),
            url: banner.url.clone(),
            expires: banner
                .expires_at
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        }
    }
}

/// The site chrome of each edition as last loaded, with the change-log position it reflects. Any
/// change reloads it on the next request, so renders after a change never show an old menu, and
/// renders between changes skip its queries.
#[derive(Default)]
pub struct ChromeCache {
    loaded: std::sync::RwLock<Vec<(Language, i64, std::sync::Arc<SiteContext>)>>,
    /// Every edition's links, shared by the editions' chromes, with the position they reflect.
    links: std::sync::RwLock<Option<(i64, std::sync::Arc<crate::links::AllLinks>)>>,
}

impl ChromeCache {
    /// `language`'s chrome as last loaded and the change-log position it reflects.
    pub fn get(&self, language: Language) -> Option<(i64, std::sync::Arc<SiteContext>)> {
        self.loaded.read().ok().and_then(|loaded| {
            loaded
                .iter()
                .find(|(l, _, _)| *l == language)
                .map(|(_, seq, site)| (*seq, site.clone()))
        })
    }

    /// The editions' links, if loaded at change-log position `seq`.
    pub fn links_at(&self, seq: i64) -> Option<std::sync::Arc<crate::links::AllLinks>> {
        self.links.read().ok().and_then(|links| {
            links
                .as_ref()
                .filter(|(at, _)| *at == seq)
                .map(|(_, links)| links.clone())
        })
    }

    pub fn set_links(&self, seq: i64, links: std::sync::Arc<crate::links::AllLinks>) {
        if let Ok(mut slot) = self.links.write() {
            *slot = Some((seq, links));
        }
    }

    pub fn set(&self, language: Language, seq: i64, site: std::sync::Arc<SiteContext>) {
        if let Ok(mut loaded) = self.loaded.write() {
            loaded.retain(|(l, _, _)| *l != language);
            loaded.push((language, seq, site));
        }
    }
}

impl SiteContext {
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Page metadata with the site's name appended to the title.
    pub fn meta(&self, title: &str, description: &str, path: &str, noindex: bool) -> Meta {
        Meta {
            title: if title.is_empty() {
                self.name.clone()
            } else {
                format!("{title} | {}", self.name)
            },
            description: shorten(description, 300),
            canonical: self.absolute(path),
            prev_url: None,
            next_url: None,
            og_type: "website",
            noindex,
            feeds: feed_links(&self.links.path("/feeds"), &self.name),
            article: None,
            oembed: None,
            alternates: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    pub title: String,
    pub description: String,
    pub canonical: String,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
    pub og_type: &'static str,
    pub noindex: bool,
    /// Feeds announced with `<link rel="alternate">`: the site's, then the section's, tag's or
    /// author's on their pages.
    pub feeds: Vec<FeedLink>,
    /// OpenGraph `article:*` properties, on article pages.
    pub article: Option<ArticleMeta>,
    /// The oEmbed address of this page (article pages), announced for partner sites and apps.
    pub oembed: Option<String>,
    /// This page in every edition that has it (itself included), for `hreflang` links and the
    /// edition switcher. Empty: the page has no translations to announce.
    pub alternates: Vec<Alternate>,
}

/// A page in one edition: `<link rel="alternate" hreflang>` and a link in the switcher.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Alternate {
    /// The language code, as `hreflang` and `lang` take it.
    pub hreflang: String,
    /// The language's own name ("Українська").
    pub name: String,
    /// Absolute address.
    pub url: String,
}

impl Alternate {
    pub fn new(language: Language, url: String) -> Self {
        Self {
            hreflang: language.code().to_owned(),
            name: crate::locale::locales().language_name(language),
            url,
        }
    }
}

/// What OpenGraph and Twitter cards say about an article beyond its title and description.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleMeta {
    pub published_time: Option<String>,
    pub modified_time: Option<String>,
    pub section: String,
    pub tags: Vec<String>,
    /// Absolute addresses of the authors' pages.
    pub authors: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DateView {
    /// For `<time datetime>`.
    pub iso: String,
    /// `29 Apr, 2024`, `29 квітня 2024`: the `date-long` message of the page's language.
    pub display: String,
}

impl DateView {
    pub fn new(at: DateTime<Utc>, language: Language) -> Self {
        Self {
            iso: at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            display: locales().date(language, at),
        }
    }
}

/// An article as listed on home, section, tag, author and search pages.
#[derive(Debug, Clone, Serialize)]
pub struct Card {
    pub url: String,
    pub headline: String,
    pub headline_short: String,
    pub standfirst: String,
    pub section: Link,
    pub published: Option<DateView>,
    pub authors: Vec<Link>,
    pub views: i64,
    pub views_display: String,
}

impl Card {
    /// A card on a page of `links`' edition.
    pub fn from_summary(a: &ArticleSummary, links: &EditionLinks) -> Self {
        let language = links.language;
        Self {
            url: links.article_url(a.section.slug.as_str(), a.slug.as_str()),
            headline_short: shorten(&a.headline, SHORT_HEADLINE_CHARS),
            headline: a.headline.clone(),
            standfirst: a.standfirst.clone(),
            section: Link {
                name: links.section_name(a.section.slug.as_str(), &a.section.name),
                url: links.section_url(a.section.slug.as_str()),
            },
            published: a.published_at.map(|t| DateView::new(t, language)),
            authors: a
                .authors
                .iter()
                .map(|au| Link {
                    name: au.name.clone(),
                    url: links.author_url(au.slug.as_str()),
                })
                .collect(),
            views: a.view_total,
            views_display: locales().number(language, a.view_total),
        }
    }

    pub fn list(items: &[ArticleSummary], links: &EditionLinks) -> Vec<Self> {
        items.iter().map(|a| Self::from_summary(a, links)).collect()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct AuthorView {
    pub name: String,
    pub url: String,
    pub bio: String,
    pub initials: String,
    pub is_house: bool,
}

impl AuthorView {
    pub fn new(a: &Author, links: &EditionLinks) -> Self {
        Self {
            name: a.name.clone(),
            url: links.author_url(a.slug.as_str()),
            bio: a.bio.clone(),
            initials: initials(&a.name),
            is_house: a.is_house,
        }
    }
}

/// The article page's article.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleView {
    pub id: i64,
    pub headline: String,
    pub standfirst: String,
    pub body_html: String,
    pub url: String,
    pub section: Link,
    pub published: Option<DateView>,
    pub updated: Option<DateView>,
    pub views: i64,
    pub views_display: String,
    pub authors: Vec<AuthorView>,
    pub tags: Vec<Link>,
}

impl ArticleView {
    pub fn new(a: &Article, site: &SiteContext) -> Self {
        let links = &*site.links;
        // Dates in the page's language (the edition's), like every other word on it.
        let language = site.language;
        let published = a.published_at.map(|t| DateView::new(t, language));
        // "Updated" only when the edit came after publication, not for a typo fixed in the minute.
        let updated = match (a.published_at, a.updated_at) {
            (Some(p), Some(u)) if u > p + chrono::Duration::minutes(5) => {
                Some(DateView::new(u, language))
            }
            _ => None,
        };
        Self {
            id: a.id,
            headline: a.headline.clone(),
            standfirst: a.standfirst.clone(),
            body_html: a.body_html.clone(),
            url: site.absolute(&links.article_url(a.section.slug.as_str(), a.slug.as_str())),
            section: Link {
                name: links.section_name(a.section.slug.as_str(), &a.section.name),
                url: links.section_url(a.section.slug.as_str()),
            },
            published,
            updated,
            views: a.view_total,
            views_display: locales().number(language, a.view_total),
            authors: a
                .authors
                .iter()
                .map(|au| AuthorView::new(au, links))
                .collect(),
            tags: a
                .tags
                .iter()
                .map(|t| Link {
                    name: links.tag_name(t.slug.as_str(), &t.name),
                    url: links.tag_url(t.slug.as_str()),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ShareLink {
    pub network: &'static str,
    pub label: &'static str,
    pub url: String,
}

/// Plain share links: no third-party script, nothing loaded until the reader clicks.
pub fn share_links(absolute_url: &str, headline: &str) -> Vec<ShareLink> {
    let u = gazette_core::text::url_encode(absolute_url);
    let t = gazette_core::text::url_encode(headline);
    vec![
        ShareLink {
            network: "facebook",
            label: "Facebook",
            url: format!("https://www.facebook.com/sharer/sharer.php?u={u}"),
        },
        ShareLink {
            network: "x",
            label: "X",
            url: format!("https://x.com/intent/tweet?url={u}&text={t}"),
        },
        ShareLink {
            network: "telegram",
            label: "Telegram",
            url: format!("https://t.me/share/url?url={u}&text={t}"),
        },
        ShareLink {
            network: "whatsapp",
            label: "WhatsApp",
            url: format!("https://wa.me/?text={t}%20{u}"),
        },
        ShareLink {
            network: "linkedin",
            label: "LinkedIn",
            url: format!("https://www.linkedin.com/sharing/share-offsite/?url={u}"),
        },
        ShareLink {
            network: "email",
            label: "E-mail",
            url: format!("mailto:?subject={t}&body={u}"),
        },
    ]
}

#[derive(Debug, Clone, Serialize)]
pub struct PageNumber {
    pub number: Option<u32>,
    pub url: String,
    pub current: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Pagination {
    pub page: u32,
    pub total_pages: u32,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
    pub pages: Vec<PageNumber>,
}

impl Pagination {
    /// Page links for `path`, keeping `extra_query` (e.g. `q=kyiv&`) in every link. Shows the first,
    /// last and two pages either side of the current one, with gaps between.
    pub fn new(path: &str, extra_query: &str, page: u32, total_pages: u32) -> Self {
        let url = |n: u32| {
            if n <= 1 && extra_query.is_empty() {
                path.to_owned()
            } else if n <= 1 {
                format!("{path}?{}", extra_query.trim_end_matches('&'))
            } else {
                format!("{path}?{extra_query}page={n}")
            }
        };
        let mut pages = Vec::new();
        let mut last_shown = 0;
        for n in 1..=total_pages {
            let near = n.abs_diff(page) <= 2;
            if n == 1 || n == total_pages || near {
                if n > last_shown + 1 {
                    pages.push(PageNumber {
                        number: None,
                        url: String::new(),
                        current: false,
                    });
                }
                pages.push(PageNumber {
                    number: Some(n),
                    url: url(n),
                    current: n == page,
                });
                last_shown = n;
            }
        }
        Self {
            page,
            total_pages,
            prev_url: (page > 1).then(|| url(page - 1)),
            next_url: (page < total_pages).then(|| url(page + 1)),
            pages,
        }
    }
}

/// JSON for a `<script type="application/ld+json">` block. `<` is escaped so that no text in it
/// (a headline containing `</script>`) can end the block early.
pub fn json_ld<T: Serialize + ?Sized>(value: &T) -> String {
    // Serialising plain data (string keys only) cannot fail; an empty object is the safe fallback.
    let json = serde_json::to_string(value).unwrap_or_else(|_| "{}".to_owned());
    if !json.bytes().any(|b| matches!(b, b'<' | b'>' | b'&')) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 32);
    for ch in json.chars() {
        match ch {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pagination_shows_neighbours_ends_and_gaps() {
        let p = Pagination::new("/war", "", 6, 12);
        let numbers: Vec<Option<u32>> = p.pages.iter().map(|n| n.number).collect();
        assert_eq!(
            numbers,
            [
                Some(1),
                None,
                Some(4),
                Some(5),
                Some(6),
                Some(7),
                Some(8),
                None,
                Some(12)
            ]
        );
        assert_eq!(p.prev_url.as_deref(), Some("/war?page=5"));
        assert_eq!(p.next_url.as_deref(), Some("/war?page=7"));
    }

    #[test]
    fn the_first_page_has_no_page_number_in_its_address() {
        let p = Pagination::new("/search", "q=kyiv&", 2, 2);
        assert_eq!(p.prev_url.as_deref(), Some("/search?q=kyiv"));
        assert_eq!(p.next_url, None);
        assert_eq!(
            Pagination::new("/war", "", 2, 3).prev_url.as_deref(),
            Some("/war")
        );
    }

    #[test]
    fn json_ld_cannot_close_its_script_block() {
        let s = json_ld(&serde_json::json!({"headline": "</script><script>alert(1)</script>"}));
        assert!(!s.contains("</script>"), "{s}");
    }

    #[test]
    fn share_links_encode_the_address_and_headline() {
        let links = share_links("https://x.test/war/a?b=1", "Kyiv & Odesa");
        let telegram = links.iter().find(|l| l.network == "telegram").unwrap();
        assert_eq!(
            telegram.url,
            "https://t.me/share/url?url=https%3A%2F%2Fx.test%2Fwar%2Fa%3Fb%3D1&text=Kyiv%20%26%20Odesa"
        );
        assert_eq!(links.len(), 6);
    }
}
