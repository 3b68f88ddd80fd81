//! Loading the site chrome (name, menu, footer, social links) for a page, and keeping it between
//! changes: renders between two changes skip five queries, and a render after a change never
//! shows an old menu.

use chrono::Datelike;
use gazette_core::Language;
use gazette_store::StoreResult;

use crate::presenters::{DEFAULT_SITE_NAME, FooterPage, NavItem, SiteContext, section_url};
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
    /// The site's name and menu; `current_section` marks that section in the menu.
    pub async fn load(state: &SiteState, current_section: Option<&str>) -> StoreResult<Self> {
        let seq = state.changes.latest();
        let base = match state.chrome.get() {
            Some((at, site)) if at == seq => site,
            _ => {
                let site = std::sync::Arc::new(Self::load_from_store(state).await?);
                state.chrome.set(seq, site.clone());
                site
            }
        };
        let mut site = (*base).clone();
        for item in &mut site.nav {
            item.current = current_section.is_some_and(|s| item.url.strip_prefix('/') == Some(s));
        }
        site.year = state.now().year();
        if site.breaking_expires_at.is_some_and(|t| t <= state.now()) {
            site.breaking = None;
        }
        Ok(site)
    }

    async fn load_from_store(state: &SiteState) -> StoreResult<Self> {
        let store = &state.store;
        let name = store
            .setting("site.name")
            .await?
            .unwrap_or_else(|| DEFAULT_SITE_NAME.to_owned());
        let tagline = store.setting("site.tagline").await?.unwrap_or_default();
        let description = store.setting("site.description").await?.unwrap_or_default();
        let nav = store
            .sections()
            .await?
            .into_iter()
            .map(|s| NavItem {
                current: false,
                url: section_url(&s.slug),
                name: s.name,
            })
            .collect();
        let footer_pages = store
            .pages()
            .await?
            .into_iter()
            .map(|p| FooterPage {
                url: format!("/pages/{}", p.slug),
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
            ..Self::bare(state)
        })
    }

    /// The site chrome when the database cannot be asked: for error pages.
    pub async fn load_or_default(state: &SiteState, current_section: Option<&str>) -> Self {
        if state.outage.is_known() {
            // Do not wait for a database known to be down: the chrome last loaded, if any.
            return state
                .chrome
                .get()
                .map_or_else(|| Self::bare(state), |(_, site)| (*site).clone());
        }
        match Self::load(state, current_section).await {
            Ok(site) => site,
            Err(_) => Self::bare(state),
        }
    }

    fn bare(state: &SiteState) -> Self {
        Self {
            name: DEFAULT_SITE_NAME.to_owned(),
            tagline: String::new(),
            description: String::new(),
            base_url: state.config.base_url.clone(),
            language: Language::EN,
            year: state.now().year(),
            css_url: state.theme.asset_url("style.css").to_owned(),
            favicon_url: state.theme.asset_url("favicon.svg").to_owned(),
            nav: Vec::new(),
            footer_pages: Vec::new(),
            social: Vec::new(),
            breaking: None,
            breaking_expires_at: None,
            live_script_url: state.theme.asset_url("live.js").to_owned(),
        }
    }
}
