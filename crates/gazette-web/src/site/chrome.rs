//! Loading the site chrome (name, menu, footer, social links) for a page, and keeping it between
//! changes: renders between two changes skip five queries, and a render after a change never
//! shows an old menu.

use chrono::Datelike;
use gazette_core::Language;
use gazette_store::StoreResult;

use crate::presenters::{Alternate, DEFAULT_SITE_NAME, FooterPage, NavItem, SiteContext};
use crate::state::SiteState;

/// Settings holding the site's social links, and how the footer names them.
const SOCIAL_LINKS: &[(&str, &str)] = &[
    ("site.social.telegram", "Telegram"),
    ("site.social.x", "X"),
    ("site.social.facebook", "Facebook"),
    ("site.social.youtube", "YouTube"),
    ("site.social.instagram", "Instagram"),
];

impl SiteContext {
    /// The site's name and menu in `language`'s edition; `current_section` (a section's own
    /// slug) marks that section in the menu.
    pub async fn load(
        state: &SiteState,
        language: Language,
        current_section: Option<&str>,
    ) -> StoreResult<Self> {
        let seq = state.changes.latest();
        let base = match state.chrome.get(language) {
            Some((at, site)) if at == seq => site,
            _ => {
                let site = std::sync::Arc::new(Self::load_from_store(state, language, seq).await?);
                state.chrome.set(language, seq, site.clone());
                site
            }
        };
        let mut site = (*base).clone();
        let current_url = current_section.map(|s| site.links.section_url(s));
        for item in &mut site.nav {
            item.current = current_url.as_deref() == Some(item.url.as_str());
        }
        site.year = state.now().year();
        if site.breaking_expires_at.is_some_and(|t| t <= state.now()) {
            site.breaking = None;
        }
        Ok(site)
    }

    async fn load_from_store(state: &SiteState, language: Language, seq: i64) -> StoreResult<Self> {
        let store = &state.store;
        let every = all_links(state, seq).await?;
        let links = std::sync::Arc::new(every.of(language).clone());
        let name = localized_setting(state, "site.name", language)
            .await?
            .unwrap_or_else(|| DEFAULT_SITE_NAME.to_owned());
        let tagline = localized_setting(state, "site.tagline", language)
            .await?
            .unwrap_or_default();
        let description = localized_setting(state, "site.description", language)
            .await?
            .unwrap_or_default();
        let nav = store
            .sections()
            .await?
            .into_iter()
            .map(|s| NavItem {
                current: false,
                url: links.section_url(s.slug.as_str()),
                name: links.section_name(s.slug.as_str(), &s.name),
            })
            .collect();
        // The edition's published pages that are in the footer menu, in its order.
        let footer_pages = store
            .published_pages(language)
            .await?
            .into_iter()
            .filter(|p| p.footer_position.is_some())
            .map(|p| FooterPage {
                url: links.path(&format!("/pages/{}", p.slug)),
                title: p.title,
            })
            .collect();
        let mut social = Vec::new();
        for (key, title) in SOCIAL_LINKS {
            // The newsroom accepts only https addresses here; anything else is not shown.
            if let Some(url) = store
                .setting(key)
                .await?
                .filter(|u| u.starts_with("https://"))
            {
                social.push(FooterPage {
                    title: (*title).to_owned(),
                    url,
                });
            }
        }
        let breaking = store.breaking().await?;
        Ok(Self {
            name,
            tagline,
            description,
            nav,
            footer_pages,
            social,
            breaking: breaking.as_ref().map(crate::presenters::BannerView::new),
            breaking_expires_at: breaking.and_then(|b| b.expires_at),
            home_url: links.home(),
            search_url: links.path("/search"),
            editions: every
                .every()
                .map(|l| {
                    Alternate::new(l.language, format!("{}{}", state.config.base_url, l.home()))
                })
                .collect(),
            links,
            every,
            ..Self::bare(state, language)
        })
    }

    /// The site chrome when the database cannot be asked: for error pages.
    pub async fn load_or_default(
        state: &SiteState,
        language: Language,
        current_section: Option<&str>,
    ) -> Self {
        if state.outage.is_known() {
            // Do not wait for a database known to be down: the chrome last loaded, if any.
            return state
                .chrome
                .get(language)
                .map_or_else(|| Self::bare(state, language), |(_, site)| (*site).clone());
        }
        match Self::load(state, language, current_section).await {
            Ok(site) => site,
            Err(_) => Self::bare(state, language),
        }
    }

    fn bare(state: &SiteState, language: Language) -> Self {
        let links = crate::links::EditionLinks::new(
            &state.config.editions,
            language,
            Vec::new(),
            Vec::new(),
        );
        Self {
            name: DEFAULT_SITE_NAME.to_owned(),
            tagline: String::new(),
            description: String::new(),
            base_url: state.config.base_url.clone(),
            language,
            year: state.now().year(),
            css_url: state.theme.asset_url("style.css").to_owned(),
            favicon_url: state.theme.asset_url("favicon.svg").to_owned(),
            nav: Vec::new(),
            footer_pages: Vec::new(),
            social: Vec::new(),
            breaking: None,
            breaking_expires_at: None,
            live_script_url: state.theme.asset_url("live.js").to_owned(),
            home_url: links.home(),
            search_url: links.path("/search"),
            links: std::sync::Arc::new(links),
            every: std::sync::Arc::default(),
            editions: Vec::new(),
        }
    }
}

/// A site setting in `language`'s edition: `site.tagline.uk` for Ukrainian, else `site.tagline`
/// itself (the default edition's, and any edition's that has no wording of its own).
async fn localized_setting(
    state: &SiteState,
    key: &str,
    language: Language,
) -> StoreResult<Option<String>> {
    if language != state.config.editions.default_language()
        && let Some(value) = state
            .store
            .setting(&format!("{key}.{language}"))
            .await?
            .filter(|v| !v.trim().is_empty())
    {
        return Ok(Some(value));
    }
    state.store.setting(key).await
}

/// Every edition's links, with the names sections and tags have in each language: read once per
/// change for all editions (each edition's chrome shares them).
async fn all_links(
    state: &SiteState,
    seq: i64,
) -> StoreResult<std::sync::Arc<crate::links::AllLinks>> {
    use crate::links::{AllLinks, EditionLinks, LocalName};
    if let Some(links) = state.chrome.links_at(seq) {
        return Ok(links);
    }
    let store = &state.store;
    let sections = store.sections().await?;
    let mut editions = Vec::new();
    for &language in state.config.editions.all() {
        let section_names = store
            .section_names(language)
            .await?
            .into_iter()
            .filter_map(|n| {
                let own = sections.iter().find(|s| s.id == n.section_id)?;
                Some((
                    own.slug.to_string(),
                    LocalName {
                        name: n.name,
                        slug: n.slug.to_string(),
                        description: n.description,
                    },
                ))
            })
            .collect();
        let tag_names = store
            .tag_names(language)
            .await?
            .into_iter()
            .map(|n| {
                (
                    n.tag_slug.to_string(),
                    LocalName {
                        name: n.name,
                        slug: n.slug.to_string(),
                        description: String::new(),
                    },
                )
            })
            .collect();
        editions.push(std::sync::Arc::new(EditionLinks::new(
            &state.config.editions,
            language,
            section_names,
            tag_names,
        )));
    }
    let links = std::sync::Arc::new(AllLinks::new(editions));
    state.chrome.set_links(seq, links.clone());
    Ok(links)
}
