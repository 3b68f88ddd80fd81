//! Sections, tags and bylines: found by address or created, once per run, and counted in the
//! report only when created.

use anyhow::Context;
use gazette_core::Slug;
use gazette_core::newsroom::Email;
use gazette_import::source::{SourceAuthor, SourceItem, SourceTerm};
use gazette_store::{ImportedPerson, NewAuthor};

use super::Importer;

impl Importer {
    pub(super) async fn section_for(&mut self, item: &SourceItem) -> anyhow::Result<i64> {
        match item.categories.first() {
            Some(key) => self.section_id(key).await,
            None => {
                let slug = self.options.default_section.clone();
                let key = format!("default:{slug}");
                if let Some(id) = self.section_ids.get(&key) {
                    return Ok(*id);
                }
                let name = title_case(slug.as_str());
                let id = self.create_section(&slug, &name, "").await?;
                self.section_ids.insert(key, id);
                Ok(id)
            }
        }
    }

    pub(super) async fn section_id(&mut self, key: &str) -> anyhow::Result<i64> {
        if let Some(id) = self.section_ids.get(key) {
            return Ok(*id);
        }
        let term = self.term(key);
        let mut slug = slug_for(&term.slug, &term.name)?;
        // The site answers /search, /tags… itself: such a category gets another address.
        if slug.check_section_slug().is_err() {
            slug = Slug::parse(&format!("{slug}-section")).unwrap_or(slug);
        }
        let id = self
            .create_section(&slug, &term.name, &term.description)
            .await?;
        self.section_ids.insert(key.to_owned(), id);
        Ok(id)
    }

    pub(super) async fn create_section(
        &mut self,
        slug: &Slug,
        name: &str,
        description: &str,
    ) -> anyhow::Result<i64> {
        if self.options.dry_run {
            if self.store.section_by_slug(slug.as_str()).await?.is_none() {
                self.report.count("sections").created += 1;
            }
            return Ok(0);
        }
        let (id, created) = self
            .store
            .import_section(slug, name, description, self.now)
            .await
            .with_context(|| format!("creating the section {slug}"))?;
        if created {
            self.report.count("sections").created += 1;
        }
        Ok(id)
    }

    pub(super) async fn tag_id(&mut self, key: &str) -> anyhow::Result<i64> {
        if let Some(id) = self.tag_ids.get(key) {
            return Ok(*id);
        }
        let term = self.term(key);
        let slug = slug_for(&term.slug, &term.name)?;
        let id = if self.options.dry_run {
            if self.store.tag_by_slug(slug.as_str()).await?.is_none() {
                self.report.count("tags").created += 1;
            }
            0
        } else {
            let (id, created) = self
                .store
                .import_tag(&slug, &term.name, self.now)
                .await
                .with_context(|| format!("creating the tag {slug}"))?;
            if created {
                self.report.count("tags").created += 1;
            }
            id
        };
        self.tag_ids.insert(key.to_owned(), id);
        Ok(id)
    }

    pub(super) fn term(&self, key: &str) -> SourceTerm {
        self.terms.get(key).cloned().unwrap_or_else(|| SourceTerm {
            key: key.to_owned(),
            slug: key.to_owned(),
            name: key.to_owned(),
            description: String::new(),
        })
    }

    pub(super) async fn author_id(&mut self, key: &str) -> anyhow::Result<i64> {
        if let Some(id) = self.author_ids.get(key) {
            return Ok(*id);
        }
        let person = self
            .people
            .get(key)
            .cloned()
            .unwrap_or_else(|| SourceAuthor {
                key: key.to_owned(),
                slug: key.to_owned(),
                name: key.to_owned(),
                email: None,
                bio: String::new(),
            });
        let slug = slug_for(&person.slug, &person.name)?;
        let id = if self.options.dry_run {
            if self.store.author_by_slug(slug.as_str()).await?.is_none() {
                self.report.count("authors").created += 1;
            }
            0
        } else {
            let imported = ImportedPerson {
                slug: slug.clone(),
                name: person.name.clone(),
                bio: person.bio.clone(),
                email: person.email.as_deref().and_then(|e| Email::parse(e).ok()),
            };
            let (id, created) = self
                .store
                .import_person(&imported, self.now)
                .await
                .with_context(|| format!("creating the byline {slug}"))?;
            if created {
                self.report.count("authors").created += 1;
            }
            id
        };
        self.author_ids.insert(key.to_owned(), id);
        Ok(id)
    }

    /// The site's house byline ("Staff"), for posts that name no author.
    pub(super) async fn house_byline(&mut self) -> anyhow::Result<i64> {
        if let Some(id) = self.house_byline {
            return Ok(id);
        }
        let id = match self.store.authors().await?.into_iter().find(|a| a.is_house) {
            Some(author) => author.id,
            None if self.options.dry_run => 0,
            None => {
                self.store
                    .create_author(NewAuthor {
                        slug: Slug::parse("staff")?,
                        name: "Staff".into(),
                        bio: String::new(),
                        is_house: true,
                    })
                    .await?
                    .id
            }
        };
        self.house_byline = Some(id);
        Ok(id)
    }
}

/// An address here for something the source named `slug` and calls `name`: the source's own
/// when Gazette accepts it as it is, else one made from it or from the name.
fn slug_for(slug: &str, name: &str) -> anyhow::Result<Slug> {
    Slug::parse(slug)
        .or_else(|_| Slug::from_title(slug))
        .or_else(|_| Slug::from_title(name))
        .with_context(|| format!("no address can be made from {slug:?} or {name:?}"))
}

fn title_case(slug: &str) -> String {
    let mut chars = slug.chars();
    match chars.next() {
        Some(first) => format!(
            "{}{}",
            first.to_uppercase(),
            chars.as_str().replace('-', " ")
        ),
        None => String::new(),
    }
}
