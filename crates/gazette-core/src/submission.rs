//! An article as a writer submits it from the editor: the fields as typed, the limits each field
//! has, and the one function that turns them into an article the store may save — or says, in
//! words the writer can act on, what to fix.
//!
//! The web layer reads the form into an [`ArticleInput`] and hands over which sections and bylines
//! exist; everything else is decided here, before anything is written (so a refused save creates
//! no tags). The store writes what [`Submission::into_article`] gives it.

use chrono::{DateTime, Utc};

use crate::article::{ArticleError, MAX_HEADLINE_LEN, check_headline};
use crate::editorial::Revision;
use crate::{Article, ArticleStatus, Language, NewArticle, Slug, Tag};

/// Longest standfirst accepted.
pub const MAX_STANDFIRST_LEN: usize = 1000;
/// Longest title for search engines accepted.
pub const MAX_SEO_TITLE_LEN: usize = 200;
/// Longest description for search engines accepted.
pub const MAX_SEO_DESCRIPTION_LEN: usize = 400;
/// Longest body accepted, in characters: a long read with room to spare. Also the most the
/// preview renders.
pub const MAX_BODY_LEN: usize = 500_000;
/// Most tags on one article.
pub const MAX_TAGS: usize = 20;
/// Longest tag name accepted.
pub const MAX_TAG_LEN: usize = 60;

/// What the editor form holds, as typed: shown again unchanged when a save is refused, so nothing
/// written is lost.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ArticleInput {
    pub headline: String,
    pub standfirst: String,
    pub body: String,
    pub section_id: String,
    /// Tag names, separated by commas.
    pub tags: String,
    pub author_ids: Vec<String>,
    pub seo_title: String,
    pub seo_description: String,
    pub slug: String,
    pub language: String,
    /// The revision the form was opened at, so that a save over someone else's is noticed.
    pub base_revision: String,
}

/// Why a submission was refused. Every message is a sentence to show beside the form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubmissionError {
    #[error("Choose a section.")]
    NoSection,
    #[error("That section does not exist.")]
    UnknownSection,
    #[error("{0}.")]
    Language(#[from] crate::language::UnknownLanguage),
    #[error("This site has no {0} edition: choose one of its languages.")]
    NotAnEdition(crate::Language),
    #[error("The address (slug): {0}.")]
    Slug(#[from] crate::SlugError),
    #[error("A byline in the form is damaged.")]
    DamagedByline,
    #[error("Choose at least one byline.")]
    NoByline,
    #[error("A chosen byline does not exist.")]
    UnknownByline,
    #[error("An article can have at most {MAX_TAGS} tags.")]
    TooManyTags,
    #[error("A tag can be at most {MAX_TAG_LEN} characters.")]
    TagTooLong,
    #[error("The {field} can be at most {max} characters.")]
    TooLong { field: &'static str, max: usize },
    #[error("The headline cannot be empty.")]
    EmptyHeadline,
    #[error("The headline can be at most {MAX_HEADLINE_LEN} characters.")]
    HeadlineTooLong,
    #[error("The form's revision number is damaged; reload the editor.")]
    DamagedRevision,
}

impl From<ArticleError> for SubmissionError {
    fn from(e: ArticleError) -> Self {
        match e {
            ArticleError::EmptyHeadline => Self::EmptyHeadline,
            ArticleError::HeadlineTooLong => Self::HeadlineTooLong,
            ArticleError::NoAuthors => Self::NoByline,
        }
    }
}

/// A submission that keeps every rule: what the store is asked to save, once the tags named
/// are found or created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    pub language: Language,
    /// None: made from the headline.
    pub slug: Option<Slug>,
    pub headline: String,
    pub standfirst: String,
    pub body_markdown: String,
    pub section_id: i64,
    /// Tag names as typed, trimmed, at most [`MAX_TAGS`] of them.
    pub tag_names: Vec<String>,
    pub author_ids: Vec<i64>,
    pub seo_title: String,
    pub seo_description: String,
}

/// Refuses text longer than `max` characters.
pub fn check_length(text: &str, max: usize, field: &'static str) -> Result<(), SubmissionError> {
    if text.chars().count() > max {
        Err(SubmissionError::TooLong { field, max })
    } else {
        Ok(())
    }
}

impl ArticleInput {
    /// The form as it stands for a stored article, opened at `base_revision`.
    pub fn from_article(a: &Article, base_revision: Option<i64>) -> Self {
        Self {
            headline: a.headline.clone(),
            standfirst: a.standfirst.clone(),
            body: a.body_markdown.clone(),
            section_id: a.section.id.to_string(),
            tags: a
                .tags
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            author_ids: a.authors.iter().map(|p| p.id.to_string()).collect(),
            seo_title: a.seo_title.clone().unwrap_or_default(),
            seo_description: a.seo_description.clone().unwrap_or_default(),
            slug: a.slug.to_string(),
            language: a.language.code().to_owned(),
            base_revision: base_revision.map(|r| r.to_string()).unwrap_or_default(),
        }
    }

    /// The form that restores `revision` of `current`: its words come back, while sections,
    /// bylines and tags deleted since (not among `section_ids`, `author_ids`, `tags`) are left
    /// out, the current section and bylines standing in. A restore is a deliberate act on the
    /// newest state, so it is based on `latest_revision`.
    pub fn from_revision(
        revision: &Revision,
        current: &Article,
        (section_ids, author_ids): (&[i64], &[i64]),
        tags: &[Tag],
        latest_revision: Option<i64>,
    ) -> Self {
        let section_id = if section_ids.contains(&revision.section_id) {
            revision.section_id
        } else {
            current.section.id
        };
        let kept: Vec<String> = revision
            .author_ids
            .iter()
            .filter(|id| author_ids.contains(id))
            .map(i64::to_string)
            .collect();
        Self {
            headline: revision.headline.clone(),
            standfirst: revision.standfirst.clone(),
            body: revision.body_markdown.clone(),
            section_id: section_id.to_string(),
            tags: revision
                .tag_ids
                .iter()
                .filter_map(|id| tags.iter().find(|t| t.id == *id))
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            author_ids: if kept.is_empty() {
                current.authors.iter().map(|a| a.id.to_string()).collect()
            } else {
                kept
            },
            seo_title: revision.seo_title.clone().unwrap_or_default(),
            seo_description: revision.seo_description.clone().unwrap_or_default(),
            slug: revision.slug.clone(),
            language: revision.language.code().to_owned(),
            base_revision: latest_revision.map(|r| r.to_string()).unwrap_or_default(),
        }
    }

    /// The revision the form was opened at; none for a form that never saw one.
    pub fn base_revision(&self) -> Result<Option<i64>, SubmissionError> {
        match self.base_revision.trim() {
            "" => Ok(None),
            raw => raw
                .parse()
                .map(Some)
                .map_err(|_| SubmissionError::DamagedRevision),
        }
    }

    /// Checks every field against the rules and the sections and bylines that exist.
    pub fn parse(
        &self,
        section_ids: &[i64],
        known_author_ids: &[i64],
        editions: &crate::Editions,
    ) -> Result<Submission, SubmissionError> {
        let section_id: i64 = self
            .section_id
            .trim()
            .parse()
            .map_err(|_| SubmissionError::NoSection)?;
        if !section_ids.contains(&section_id) {
            return Err(SubmissionError::UnknownSection);
        }
        let language = match self.language.trim() {
            "" => editions.default_language(),
            code => Language::parse(code)?,
        };
        if !editions.contains(language) {
            return Err(SubmissionError::NotAnEdition(language));
        }
        let slug = match self.slug.trim() {
            "" => None,
            raw => Some(Slug::parse(raw)?),
        };
        let author_ids = self
            .author_ids
            .iter()
            .map(|raw| raw.trim().parse::<i64>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| SubmissionError::DamagedByline)?;
        if author_ids.is_empty() {
            return Err(SubmissionError::NoByline);
        }
        if author_ids.iter().any(|id| !known_author_ids.contains(id)) {
            return Err(SubmissionError::UnknownByline);
        }
        let tag_names: Vec<String> = self
            .tags
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect();
        if tag_names.len() > MAX_TAGS {
            return Err(SubmissionError::TooManyTags);
        }
        if tag_names.iter().any(|t| t.chars().count() > MAX_TAG_LEN) {
            return Err(SubmissionError::TagTooLong);
        }
        check_length(&self.standfirst, MAX_STANDFIRST_LEN, "standfirst")?;
        check_length(&self.seo_title, MAX_SEO_TITLE_LEN, "SEO title")?;
        check_length(
            &self.seo_description,
            MAX_SEO_DESCRIPTION_LEN,
            "SEO description",
        )?;
        check_length(&self.body, MAX_BODY_LEN, "body")?;
        let headline = check_headline(&self.headline)?;
        Ok(Submission {
            language,
            slug,
            headline: headline.to_owned(),
            standfirst: self.standfirst.clone(),
            body_markdown: self.body.clone(),
            section_id,
            tag_names,
            author_ids,
            seo_title: self.seo_title.clone(),
            seo_description: self.seo_description.clone(),
        })
    }
}

impl Submission {
    /// The article to store, with the ids of its tags and its workflow state (which a save never
    /// changes: the workflow's actions do).
    pub fn into_article(
        self,
        tag_ids: Vec<i64>,
        status: ArticleStatus,
        published_at: Option<DateTime<Utc>>,
    ) -> NewArticle {
        NewArticle {
            language: self.language,
            slug: self.slug,
            headline: self.headline,
            standfirst: self.standfirst,
            body_markdown: self.body_markdown,
            section_id: self.section_id,
            tag_ids,
            author_ids: self.author_ids,
            status,
            published_at,
            updated_at: None,
            seo_title: Some(self.seo_title),
            seo_description: Some(self.seo_description),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn input() -> ArticleInput {
        ArticleInput {
            headline: "Parliament votes at noon".into(),
            standfirst: "What happened.".into(),
            body: "First paragraph.".into(),
            section_id: "1".into(),
            tags: " Kharkiv, Air defence ,, ".into(),
            author_ids: vec!["7".into()],
            language: "uk".into(),
            ..Default::default()
        }
    }

    fn parse(input: &ArticleInput) -> Result<Submission, SubmissionError> {
        input.parse(&[1, 2], &[7, 8], &crate::Editions::default())
    }

    #[test]
    fn a_complete_form_becomes_an_article_with_its_tags_trimmed() {
        let submission = parse(&input()).unwrap();
        assert_eq!(submission.section_id, 1);
        assert_eq!(submission.language, Language::UK);
        assert_eq!(submission.slug, None);
        assert_eq!(submission.tag_names, vec!["Kharkiv", "Air defence"]);
        let article = submission.into_article(vec![3, 4], ArticleStatus::Draft, None);
        assert_eq!(article.tag_ids, vec![3, 4]);
        assert_eq!(article.author_ids, vec![7]);
        assert!(article.validate().is_ok());
    }

    #[test]
    fn sections_and_bylines_must_exist() {
        let with = |f: fn(&mut ArticleInput)| {
            let mut i = input();
            f(&mut i);
            parse(&i).unwrap_err()
        };
        assert_eq!(with(|i| i.section_id.clear()), SubmissionError::NoSection);
        assert_eq!(
            with(|i| i.section_id = "9".into()),
            SubmissionError::UnknownSection
        );
        assert_eq!(with(|i| i.author_ids.clear()), SubmissionError::NoByline);
        assert_eq!(
            with(|i| i.author_ids = vec!["x".into()]),
            SubmissionError::DamagedByline
        );
        assert_eq!(
            with(|i| i.author_ids = vec!["9".into()]),
            SubmissionError::UnknownByline
        );
    }

    #[test]
    fn every_field_has_a_limit_and_the_message_names_it() {
        let mut long = input();
        long.standfirst = "a".repeat(MAX_STANDFIRST_LEN + 1);
        assert_eq!(
            parse(&long).unwrap_err().to_string(),
            "The standfirst can be at most 1000 characters."
        );
        let mut tags = input();
        tags.tags = (0..=MAX_TAGS).map(|n| format!("t{n}, ")).collect();
        assert_eq!(parse(&tags).unwrap_err(), SubmissionError::TooManyTags);
        let mut tag = input();
        tag.tags = "x".repeat(MAX_TAG_LEN + 1);
        assert_eq!(parse(&tag).unwrap_err(), SubmissionError::TagTooLong);
        let mut headline = input();
        headline.headline = "   ".into();
        assert!(
            parse(&headline)
                .unwrap_err()
                .to_string()
                .contains("headline cannot be empty")
        );
        let mut slug = input();
        slug.slug = "Not A Slug".into();
        assert!(
            parse(&slug)
                .unwrap_err()
                .to_string()
                .starts_with("The address (slug):")
        );
        let mut language = input();
        language.language = "English".into();
        assert!(matches!(
            parse(&language),
            Err(SubmissionError::Language(_))
        ));
        // A language, but not one of the site's editions: its article would have no edition.
        language.language = "de".into();
        assert_eq!(
            parse(&language).unwrap_err().to_string(),
            "This site has no de edition: choose one of its languages."
        );
    }

    #[test]
    fn a_damaged_revision_number_is_refused_and_an_empty_one_is_none() {
        let mut i = input();
        assert_eq!(i.base_revision(), Ok(None));
        i.base_revision = "12".into();
        assert_eq!(i.base_revision(), Ok(Some(12)));
        i.base_revision = "twelve".into();
        assert_eq!(i.base_revision(), Err(SubmissionError::DamagedRevision));
    }

    #[test]
    fn a_restored_revision_leaves_out_what_was_deleted_since() {
        use crate::{Author, Section};
        let t = chrono::DateTime::<Utc>::UNIX_EPOCH;
        let slug = |s: &str| Slug::parse(s).unwrap();
        let current = Article {
            id: 1,
            language: Language::EN,
            slug: slug("now"),
            headline: "Now".into(),
            standfirst: String::new(),
            body_markdown: "Now.".into(),
            body_html: String::new(),
            section: Section {
                id: 2,
                slug: slug("war"),
                name: "War".into(),
                description: String::new(),
                position: 0,
            },
            tags: vec![],
            authors: vec![Author {
                id: 8,
                slug: slug("olena"),
                name: "Olena".into(),
                bio: String::new(),
                is_house: false,
            }],
            status: ArticleStatus::Draft,
            published_at: None,
            updated_at: None,
            created_at: t,
            view_total: 0,
            seo_title: None,
            seo_description: None,
            translation_of: None,
        };
        let old = Revision {
            id: 3,
            article_id: 1,
            created_at: t,
            user_id: None,
            user_name: String::new(),
            note: String::new(),
            language: Language::UK,
            slug: "then".into(),
            headline: "Then".into(),
            standfirst: "Before.".into(),
            body_markdown: "Then.".into(),
            section_id: 99,
            tag_ids: vec![5, 6],
            author_ids: vec![77],
            seo_title: None,
            seo_description: None,
        };
        let kept = Tag {
            id: 5,
            slug: slug("kharkiv"),
            name: "Kharkiv".into(),
        };
        let input =
            ArticleInput::from_revision(&old, &current, (&[1, 2], &[7, 8]), &[kept], Some(4));
        assert_eq!(input.headline, "Then");
        assert_eq!(input.section_id, "2", "the deleted section is replaced");
        assert_eq!(
            input.author_ids,
            vec!["8"],
            "the deleted byline is replaced"
        );
        assert_eq!(input.tags, "Kharkiv", "the deleted tag is left out");
        assert_eq!(input.language, "uk");
        assert_eq!(input.base_revision(), Ok(Some(4)));
        assert!(parse(&input).is_ok());
    }
}
