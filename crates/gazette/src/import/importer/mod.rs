//! What every import shares, whatever system the export came from: terms become sections and
//! tags, people become bylines, images go through the media library, posts are converted and
//! written in batches (one transaction each) and pages are written one by one. Everything is
//! keyed by the source's own identifiers, so a second run updates what changed and leaves the
//! rest alone, and an interrupted run, started again, goes on where it stopped.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use gazette_core::article::MAX_HEADLINE_LEN;
use gazette_core::{ArticleStatus, Language, NewArticle, Slug};
use gazette_import::content::{self, ImportedImage};
use gazette_import::source::{
    ItemKind, SourceAuthor, SourceContent, SourceImage, SourceItem, SourceStatus, SourceTerm,
};
use gazette_media::MediaLibrary;
use gazette_store::{
    Actor, ImportKind, ImportOutcome, ImportedArticle, NewAuditEntry, Store, StoreError,
};
use sha2::{Digest, Sha256};

use super::report::{Report, item_name};

mod images;
mod pages;
mod terms;

/// Posts written per transaction: large enough that a transaction's cost is spread thin, small
/// enough that an interrupted run loses little and other writers wait little.
const BATCH: usize = 200;

/// Part of every fingerprint: raising it makes the next run rewrite everything it imported,
/// after a change to how content is converted.
const CONVERSION_VERSION: &str = "3";

/// What the other categories of a WordPress post (beyond the first, which is its section) become.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OtherCategories {
    Tags,
    Drop,
}

pub struct ImportOptions {
    pub dry_run: bool,
    /// A copy of the old site's uploads (`wp-content/uploads`, Ghost's `content/images`).
    pub uploads_dir: Option<PathBuf>,
    pub other_categories: OtherCategories,
    /// The section of posts that name none.
    pub default_section: Slug,
}

pub struct Importer {
    store: Arc<dyn Store>,
    media: MediaLibrary,
    /// `wordpress:https://old.example`: what records are keyed under, so that two sites imported
    /// into one never mistake each other's post 12 for their own.
    source: String,
    options: ImportOptions,
    actor: Actor,
    now: DateTime<Utc>,
    pub report: Report,
    terms: HashMap<String, SourceTerm>,
    people: HashMap<String, SourceAuthor>,
    attachments: HashMap<String, SourceImage>,
    attachment_by_url: HashMap<String, String>,
    /// Attachment ids by the post they were uploaded to, in the export's order.
    attached_to: HashMap<u64, Vec<String>>,
    section_ids: HashMap<String, i64>,
    tag_ids: HashMap<String, i64>,
    author_ids: HashMap<String, i64>,
    house_byline: Option<i64>,
    /// By canonical address; `None` once an image failed, so it is reported once.
    images: HashMap<String, Option<(i64, ImportedImage)>>,
    pending: Vec<SourceItem>,
    /// Batches of posts written so far in this run.
    batches_written: u32,
    warned_no_uploads: bool,
    /// Keys met in this run: a source that gives two items one key (a WordPress site whose
    /// posts were copied with their GUIDs) must not have the second overwrite the first.
    seen_keys: HashSet<String>,
}

impl Importer {
    pub fn new(
        store: Arc<dyn Store>,
        media: MediaLibrary,
        source: String,
        system: &str,
        options: ImportOptions,
    ) -> Self {
        let report = Report {
            dry_run: options.dry_run,
            ..Report::default()
        };
        Self {
            store,
            media,
            source,
            options,
            actor: Actor {
                user_id: None,
                name: format!("Import from {system}"),
                address: String::new(),
            },
            now: Utc::now(),
            report,
            terms: HashMap::new(),
            people: HashMap::new(),
            attachments: HashMap::new(),
            attachment_by_url: HashMap::new(),
            attached_to: HashMap::new(),
            section_ids: HashMap::new(),
            tag_ids: HashMap::new(),
            author_ids: HashMap::new(),
            house_byline: None,
            images: HashMap::new(),
            pending: Vec::new(),
            batches_written: 0,
            warned_no_uploads: false,
            seen_keys: HashSet::new(),
        }
    }

    pub fn add_term(&mut self, term: SourceTerm) {
        self.terms.insert(term.key.clone(), term);
    }

    pub fn add_author(&mut self, author: SourceAuthor) {
        self.people.insert(author.key.clone(), author);
    }

    pub fn add_image(&mut self, image: SourceImage) {
        if let Some(parent) = image.parent_id {
            self.attached_to
                .entry(parent)
                .or_default()
                .push(image.key.clone());
        }
        self.attachment_by_url
            .insert(content::canonical_image_url(&image.url), image.key.clone());
        self.attachments.insert(image.key.clone(), image);
    }

    /// Takes one post or page; posts are written when a batch is full.
    pub async fn add_item(&mut self, mut item: SourceItem) -> anyhow::Result<()> {
        if !self.seen_keys.insert(item.key.clone()) {
            // Keyed by its number too, the same way in every run, so re-runs still match it.
            let distinct = format!("{}#{}", item.key, item.numeric_id.unwrap_or_default());
            self.report.warn(
                &item_name(&item.title, &item.key),
                format!(
                    "another item has the same GUID {}; keyed as {distinct}",
                    item.key
                ),
            );
            item.key = distinct;
            self.seen_keys.insert(item.key.clone());
        }
        let kind = match item.kind {
            ItemKind::Post => "posts",
            ItemKind::Page => "pages",
        };
        if let SourceStatus::Skipped(reason) = &item.status {
            self.report
                .skip(kind, &item_name(&item.title, &item.key), reason.clone());
            return Ok(());
        }
        match item.kind {
            ItemKind::Page => self.write_page(item).await,
            ItemKind::Post => {
                self.pending.push(item);
                if self.pending.len() >= BATCH {
                    self.flush().await?;
                }
                Ok(())
            }
        }
    }

    /// Writes what is left and records the import in the audit log.
    pub async fn finish(mut self) -> anyhow::Result<Report> {
        self.flush().await?;
        if !self.options.dry_run {
            let posts = self.report.counts.get("posts").copied().unwrap_or_default();
            let entry = NewAuditEntry {
                actor: self.actor.clone(),
                action: "import".into(),
                entity: "site".into(),
                entity_id: None,
                detail: format!(
                    "{}: {} posts created, {} updated, {} unchanged, {} skipped",
                    self.source, posts.created, posts.updated, posts.unchanged, posts.skipped
                ),
            };
            self.store.audit(entry, self.now).await?;
        }
        Ok(self.report)
    }

    async fn flush(&mut self) -> anyhow::Result<()> {
        let items = std::mem::take(&mut self.pending);
        if items.is_empty() {
            return Ok(());
        }
        let keys: Vec<String> = items.iter().map(|i| i.key.clone()).collect();
        let earlier = self
            .store
            .imported(&self.source, ImportKind::Article, &keys)
            .await?;
        let mut batch = Vec::with_capacity(items.len());
        for item in items {
            let fingerprint = self.fingerprint(&item);
            let before = earlier.get(&item.key);
            if before.is_some_and(|r| r.fingerprint == fingerprint) {
                // Unchanged at the source since the last run: not even converted again.
                self.report.count("posts").unchanged += 1;
                continue;
            }
            let name = item_name(&item.title, &item.key);
            let prepared = self.prepare(item, fingerprint).await?;
            if self.options.dry_run {
                let counts = self.report.count("posts");
                if before.is_some() {
                    counts.updated += 1;
                } else {
                    counts.created += 1;
                }
                continue;
            }
            batch.push((name, prepared));
        }
        if batch.is_empty() {
            return Ok(());
        }
        let articles: Vec<ImportedArticle> = batch.iter().map(|(_, a)| a.clone()).collect();
        match self
            .store
            .write_imported_articles(&self.source, &articles, &self.actor, self.now)
            .await
        {
            Ok(outcomes) => {
                for outcome in outcomes {
                    self.count_outcome(outcome);
                }
                // Every 10 batches (2,000 posts): PostgreSQL otherwise plans the next batches'
                // look-ups for the empty tables it last measured (bench/IMPORT.md).
                self.batches_written += 1;
                if self.batches_written.is_multiple_of(10) {
                    self.store.refresh_import_statistics().await?;
                }
                Ok(())
            }
            // One post was refused, and with it the batch: written one by one, only the
            // refused one is left out.
            Err(StoreError::Invalid(_) | StoreError::Conflict(_)) => {
                for (name, article) in batch {
                    self.write_alone(&name, article).await?;
                }
                Ok(())
            }
            Err(e) => Err(anyhow::Error::new(e).context(
                "writing a batch of posts failed; what was written before it stays, and running \
                 the same import again goes on from there",
            )),
        }
    }

    fn count_outcome(&mut self, outcome: ImportOutcome) {
        let counts = self.report.count("posts");
        match outcome {
            ImportOutcome::Created(_) => counts.created += 1,
            ImportOutcome::Updated(_) => counts.updated += 1,
            ImportOutcome::Unchanged(_) => counts.unchanged += 1,
        }
    }

    async fn write_alone(
        &mut self,
        name: &str,
        mut article: ImportedArticle,
    ) -> anyhow::Result<()> {
        let one = |a: &ImportedArticle| vec![a.clone()];
        let mut result = self
            .store
            .write_imported_articles(&self.source, &one(&article), &self.actor, self.now)
            .await;
        if let (Err(StoreError::Conflict(_)), Some(slug)) = (&result, article.article.slug.take()) {
            // The address belongs to an article that was not imported from this source: this one
            // gets one made from its headline, and its old address still leads to it.
            self.report.warn(
                name,
                format!("the address {slug} is taken by another article; given a new one"),
            );
            result = self
                .store
                .write_imported_articles(&self.source, &one(&article), &self.actor, self.now)
                .await;
        }
        match result {
            Ok(outcomes) => outcomes.into_iter().for_each(|o| self.count_outcome(o)),
            Err(e @ (StoreError::Invalid(_) | StoreError::Conflict(_))) => {
                self.report.skip("posts", name, e.to_string());
            }
            Err(e) => return Err(e.into()),
        }
        Ok(())
    }

    /// A digest of the item as the source has it and of what shapes its conversion.
    fn fingerprint(&self, item: &SourceItem) -> String {
        let mut hasher = Sha256::new();
        hasher.update(CONVERSION_VERSION);
        hasher.update(format!("{item:?}"));
        hasher.update(format!(
            "{:?}{:?}",
            self.options.uploads_dir.is_some(),
            self.options.other_categories
        ));
        data_encoding::HEXLOWER.encode(&hasher.finalize())
    }

    async fn prepare(
        &mut self,
        item: SourceItem,
        fingerprint: String,
    ) -> anyhow::Result<ImportedArticle> {
        let name = item_name(&item.title, &item.key);
        let headline = self.headline(&item, &name);
        let section_id = self.section_for(&item).await?;
        let mut tag_ids = Vec::new();
        if self.options.other_categories == OtherCategories::Tags {
            for key in item.categories.iter().skip(1) {
                tag_ids.push(self.tag_id(key).await?);
            }
        }
        for key in &item.tags {
            tag_ids.push(self.tag_id(key).await?);
        }
        let mut author_ids = Vec::new();
        for key in &item.author_keys {
            author_ids.push(self.author_id(key).await?);
        }
        if author_ids.is_empty() {
            author_ids.push(self.house_byline().await?);
        }
        let featured_media_id = match item.featured_image.clone() {
            Some(key) => self.featured_image(&key, &name).await.map(|(id, _)| id),
            None => None,
        };
        let body_markdown = self.body(&item.content, item.numeric_id, &name).await;
        let slug = self.slug(&item, &name);
        let status = match item.status {
            SourceStatus::Published => ArticleStatus::Published,
            SourceStatus::Scheduled => ArticleStatus::Scheduled,
            _ => ArticleStatus::Draft,
        };
        let mut old_addresses = Vec::new();
        if let Some(id) = item.numeric_id {
            old_addresses.push(format!("/?p={id}"));
        }
        if let Some(path) = item.link.as_deref().and_then(path_of_link) {
            old_addresses.push(path);
        }
        // "Updated" only when the source changed the post well after publishing it.
        let updated_at = match (item.published_at, item.modified_at) {
            (Some(published), Some(modified))
                if modified - published > chrono::Duration::hours(1) =>
            {
                Some(modified)
            }
            _ => None,
        };
        Ok(ImportedArticle {
            key: item.key,
            fingerprint,
            article: NewArticle {
                language: Language::EN,
                slug,
                headline,
                standfirst: content::plain_text(&item.excerpt),
                body_markdown,
                section_id,
                tag_ids,
                author_ids,
                status,
                published_at: item.published_at,
                updated_at,
                seo_title: item.seo_title,
                seo_description: item.seo_description,
            },
            featured_media_id,
            pinned: item.featured,
            old_addresses,
        })
    }

    /// The title, or words from the address when the source had none (WordPress allows posts
    /// without a title; Gazette does not).
    fn headline(&mut self, item: &SourceItem, name: &str) -> String {
        let title = item.title.trim();
        if title.is_empty() {
            let made = if item.slug.trim().is_empty() {
                "Untitled".to_owned()
            } else {
                item.slug.replace('-', " ")
            };
            self.report
                .warn(name, format!("it has no title; headline set to {made:?}"));
            return made;
        }
        if title.chars().count() > MAX_HEADLINE_LEN {
            self.report.warn(
                name,
                format!("the title is longer than {MAX_HEADLINE_LEN} characters; cut"),
            );
            return title.chars().take(MAX_HEADLINE_LEN).collect();
        }
        title.to_owned()
    }

    /// The source's address kept when Gazette accepts it as it is; otherwise one made from it
    /// (Cyrillic transliterated), the old one still leading to the article.
    fn slug(&mut self, item: &SourceItem, name: &str) -> Option<Slug> {
        let given = item.slug.trim();
        if given.is_empty() {
            return None;
        }
        if let Ok(slug) = Slug::parse(given) {
            return Some(slug);
        }
        let made = Slug::from_title(given).ok();
        if let Some(made) = &made {
            self.report
                .warn(name, format!("its address {given:?} became {made}"));
        }
        made
    }

    /// The item's body in Markdown, with the images it shows brought in first. `post_id` finds
    /// the images uploaded to the post, which a WordPress `[gallery]` without ids shows.
    async fn body(&mut self, source: &SourceContent, post_id: Option<u64>, name: &str) -> String {
        let mut images = HashMap::new();
        for src in content::image_sources(source) {
            if let Some((_, image)) = self.image(&src, None, name).await {
                images.insert(src, image);
            }
        }
        // `[gallery ids="…"]` names attachments, not files; `[gallery]` the post's own.
        let attached = match post_id {
            Some(id) if content::shows_attached_images(source) => {
                self.attached_to.get(&id).cloned().unwrap_or_default()
            }
            _ => Vec::new(),
        };
        let mut gallery = HashMap::new();
        let named = content::gallery_attachment_ids(source);
        for id in named.into_iter().chain(attached.iter().cloned()) {
            let Some(url) = self.attachments.get(&id).map(|a| a.url.clone()) else {
                continue;
            };
            if let Some((_, image)) = self.image(&url, Some(&id), name).await {
                let canonical = content::canonical_image_url(&url);
                images.insert(canonical.clone(), image);
                gallery.insert(id, canonical);
            }
        }
        let converted = content::to_markdown_with_attachments(source, &images, &gallery, &attached);
        for warning in converted.warnings {
            self.report.warn(name, warning);
        }
        converted.markdown
    }
}

/// The path (and query) of an old full address.
fn path_of_link(link: &str) -> Option<String> {
    let rest = link.split_once("://").map_or(link, |(_, rest)| rest);
    let path = rest.find('/').map(|i| &rest[i..])?;
    let path = path.split('#').next().unwrap_or(path);
    (path != "/").then(|| path.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_old_link_is_reduced_to_its_path() {
        assert_eq!(
            path_of_link("https://old.example/2024/03/01/kyiv/").as_deref(),
            Some("/2024/03/01/kyiv/")
        );
        assert_eq!(
            path_of_link("http://127.0.0.1:8081/?p=12").as_deref(),
            Some("/?p=12")
        );
        assert_eq!(path_of_link("https://old.example/"), None);
        assert_eq!(path_of_link("https://old.example"), None);
    }
}
