//! Pages (About, Contacts): written one by one as the site's pages (`/pages/{slug}`), with their
//! old addresses.

use gazette_core::{Slug, StaticPage};
use gazette_import::source::{SourceItem, SourceStatus};
use gazette_store::{ImportKind, ImportRecord};

use super::{Importer, path_of_link};
use crate::import::report::item_name;

impl Importer {
    /// Pages are few: each is written on its own, as a page of the site (`/pages/{slug}`).
    pub(super) async fn write_page(&mut self, item: SourceItem) -> anyhow::Result<()> {
        let name = item_name(&item.title, &item.key);
        if item.status != SourceStatus::Published {
            self.report.skip(
                "pages",
                &name,
                "not published: Gazette's pages have no drafts or schedule",
            );
            return Ok(());
        }
        let fingerprint = self.fingerprint(&item);
        let earlier = self
            .store
            .imported(
                &self.source,
                ImportKind::Page,
                std::slice::from_ref(&item.key),
            )
            .await?
            .remove(&item.key);
        if earlier
            .as_ref()
            .is_some_and(|r| r.fingerprint == fingerprint)
        {
            self.report.count("pages").unchanged += 1;
            return Ok(());
        }
        let title = self.headline(&item, &name);
        let Some(slug) = self
            .slug(&item, &name)
            .or_else(|| Slug::from_title(&title).ok())
        else {
            self.report
                .skip("pages", &name, "no address could be made for it");
            return Ok(());
        };
        let body_markdown = self.body(&item.content, item.numeric_id, &name).await;
        if self.options.dry_run {
            let counts = self.report.count("pages");
            if earlier.is_some() {
                counts.updated += 1;
            } else {
                counts.created += 1;
            }
            return Ok(());
        }
        let page = StaticPage {
            slug: slug.clone(),
            title,
            body_markdown,
            body_html: String::new(),
        };
        self.store.put_page(&page).await?;
        let target = format!("/pages/{slug}");
        let mut old = Vec::new();
        if let Some(id) = item.numeric_id {
            old.push((format!("/?page_id={id}"), target.clone()));
        }
        if let Some(path) = item.link.as_deref().and_then(path_of_link) {
            old.push((path, target));
        }
        self.store.add_old_addresses(&old).await?;
        let record = ImportRecord {
            target_id: 0,
            fingerprint,
        };
        self.store
            .remember_import(&self.source, ImportKind::Page, &item.key, &record)
            .await?;
        let counts = self.report.count("pages");
        if earlier.is_some() {
            counts.updated += 1;
        } else {
            counts.created += 1;
        }
        Ok(())
    }
}
