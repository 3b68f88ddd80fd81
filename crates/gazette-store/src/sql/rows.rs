//! Rows as the database returns them (`#[derive(sqlx::FromRow)]`, read by column name on either
//! database) and their conversion into the domain types: times are Unix seconds, slugs and enums
//! are text checked on the way out.

use gazette_core::newsroom::{AuditEntry, Correction, CorrectionKind, Email, Revision, Role, User};
use gazette_core::{
    Article, ArticleStatus, ArticleSummary, Author, AuthorRef, Language, Section, SectionRef, Tag,
};

use super::{opt_time, stored_slug, time};
use crate::{
    Change, Lease, LoginChallenge, Media, MediaVariant, OtherEditor, PublishedLink, StoreError,
    StoreResult, SynonymGroup, TwoFactorState,
};

fn language(code: &str) -> StoreResult<Language> {
    Language::parse(code).map_err(|e| StoreError::Invalid(e.to_string()))
}

fn status(s: &str) -> StoreResult<ArticleStatus> {
    ArticleStatus::parse(s).map_err(|e| StoreError::Invalid(e.to_string()))
}

fn dimension(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(0)
}

/// Article ids as revisions keep them: `1,2,3`.
pub(super) fn join_ids(ids: impl Iterator<Item = i64>) -> String {
    ids.map(|id| id.to_string()).collect::<Vec<_>>().join(",")
}

fn split_ids(s: &str) -> Vec<i64> {
    s.split(',')
        .filter_map(|id| id.trim().parse().ok())
        .collect()
}

/// An article card's columns (`SUMMARY_COLUMNS`).
#[derive(sqlx::FromRow)]
pub(super) struct SummaryRow {
    id: i64,
    slug: String,
    headline: String,
    standfirst: String,
    published_at: Option<i64>,
    updated_at: Option<i64>,
    view_total: i64,
    section_slug: String,
    section_name: String,
    language: String,
}

impl TryFrom<SummaryRow> for ArticleSummary {
    type Error = StoreError;
    fn try_from(r: SummaryRow) -> StoreResult<Self> {
        Ok(Self {
            id: r.id,
            slug: stored_slug(r.slug)?,
            headline: r.headline,
            standfirst: r.standfirst,
            section: SectionRef {
                slug: stored_slug(r.section_slug)?,
                name: r.section_name,
            },
            authors: Vec::new(),
            published_at: opt_time(r.published_at)?,
            updated_at: opt_time(r.updated_at)?,
            view_total: r.view_total,
            language: language(&r.language)?,
        })
    }
}

/// A card with the article's status, to check visibility in code.
#[derive(sqlx::FromRow)]
pub(super) struct SummaryStatusRow {
    #[sqlx(flatten)]
    pub(super) summary: SummaryRow,
    pub(super) status: String,
}

/// A line of the newsroom's list.
#[derive(sqlx::FromRow)]
pub(super) struct NewsroomRow {
    #[sqlx(flatten)]
    pub(super) summary: SummaryRow,
    status: String,
    language: String,
    modified_at: i64,
}

impl NewsroomRow {
    pub(super) fn parts(
        &self,
    ) -> StoreResult<(ArticleStatus, Language, chrono::DateTime<chrono::Utc>)> {
        Ok((
            status(&self.status)?,
            language(&self.language)?,
            time(self.modified_at)?,
        ))
    }
}

/// A correction on the public corrections page, with its article's card.
#[derive(sqlx::FromRow)]
pub(super) struct ListedCorrectionRow {
    #[sqlx(flatten)]
    pub(super) summary: SummaryRow,
    pub(super) correction_id: i64,
    pub(super) body: String,
    pub(super) correction_at: i64,
}

/// An article's own columns (`ARTICLE_COLUMNS`), without bylines and tags.
#[derive(sqlx::FromRow)]
pub(super) struct ArticleRow {
    id: i64,
    language: String,
    slug: String,
    headline: String,
    standfirst: String,
    body_markdown: String,
    body_html: String,
    status: String,
    published_at: Option<i64>,
    updated_at: Option<i64>,
    created_at: i64,
    view_total: i64,
    seo_title: Option<String>,
    seo_description: Option<String>,
    section_id: i64,
    section_slug: String,
    section_name: String,
    section_description: String,
    section_position: i32,
    translation_of: Option<i64>,
}

impl TryFrom<ArticleRow> for Article {
    type Error = StoreError;
    fn try_from(r: ArticleRow) -> StoreResult<Self> {
        Ok(Self {
            id: r.id,
            language: language(&r.language)?,
            slug: stored_slug(r.slug)?,
            headline: r.headline,
            standfirst: r.standfirst,
            body_markdown: r.body_markdown,
            body_html: r.body_html,
            section: Section {
                id: r.section_id,
                slug: stored_slug(r.section_slug)?,
                name: r.section_name,
                description: r.section_description,
                position: r.section_position,
            },
            tags: Vec::new(),
            authors: Vec::new(),
            status: status(&r.status)?,
            published_at: opt_time(r.published_at)?,
            updated_at: opt_time(r.updated_at)?,
            created_at: time(r.created_at)?,
            view_total: r.view_total,
            seo_title: r.seo_title,
            seo_description: r.seo_description,
            translation_of: r.translation_of,
        })
    }
}

/// A byline or a tag of one article (`ARTICLE_PEOPLE_AND_TAGS`).
#[derive(sqlx::FromRow)]
pub(super) struct PersonOrTagRow {
    pub(super) kind: String,
    pub(super) position: i32,
    #[sqlx(flatten)]
    pub(super) author: AuthorRow,
}

impl PersonOrTagRow {
    pub(super) fn into_tag(self) -> StoreResult<Tag> {
        Ok(Tag {
            id: self.author.id,
            slug: stored_slug(self.author.slug)?,
            name: self.author.name,
        })
    }
}

/// A byline of one of several articles, for cards.
#[derive(sqlx::FromRow)]
pub(super) struct BylineRow {
    pub(super) article_id: i64,
    slug: String,
    name: String,
}

impl BylineRow {
    pub(super) fn byline(self) -> StoreResult<AuthorRef> {
        Ok(AuthorRef {
            slug: stored_slug(self.slug)?,
            name: self.name,
        })
    }
}

/// An author of one of several articles.
#[derive(sqlx::FromRow)]
pub(super) struct ArticleAuthorRow {
    pub(super) article_id: i64,
    #[sqlx(flatten)]
    pub(super) author: AuthorRow,
}

/// A tag of one of several articles.
#[derive(sqlx::FromRow)]
pub(super) struct ArticleTagRow {
    pub(super) article_id: i64,
    #[sqlx(flatten)]
    pub(super) tag: TagRow,
}

#[derive(sqlx::FromRow)]
pub(super) struct SectionRow {
    id: i64,
    slug: String,
    name: String,
    description: String,
    position: i32,
}

impl TryFrom<SectionRow> for Section {
    type Error = StoreError;
    fn try_from(r: SectionRow) -> StoreResult<Self> {
        Ok(Self {
            id: r.id,
            slug: stored_slug(r.slug)?,
            name: r.name,
            description: r.description,
            position: r.position,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct AuthorRow {
    id: i64,
    slug: String,
    name: String,
    bio: String,
    is_house: bool,
}

impl TryFrom<AuthorRow> for Author {
    type Error = StoreError;
    fn try_from(r: AuthorRow) -> StoreResult<Self> {
        Ok(Self {
            id: r.id,
            slug: stored_slug(r.slug)?,
            name: r.name,
            bio: r.bio,
            is_house: r.is_house,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct TagRow {
    id: i64,
    slug: String,
    name: String,
}

impl TryFrom<TagRow> for Tag {
    type Error = StoreError;
    fn try_from(r: TagRow) -> StoreResult<Self> {
        Ok(Self {
            id: r.id,
            slug: stored_slug(r.slug)?,
            name: r.name,
        })
    }
}

/// A tag with how many articles carry it.
#[derive(sqlx::FromRow)]
pub(super) struct TagCountRow {
    #[sqlx(flatten)]
    pub(super) tag: TagRow,
    pub(super) articles: i64,
}

/// An image's row (`MEDIA_COLUMNS`), without its files.
#[derive(sqlx::FromRow)]
pub(super) struct MediaRow {
    id: i64,
    hash: String,
    original_name: String,
    mime: String,
    width: i64,
    height: i64,
    alt: String,
    caption: String,
    credit: String,
    created_at: i64,
    created_by: Option<i64>,
}

impl TryFrom<MediaRow> for Media {
    type Error = StoreError;
    fn try_from(r: MediaRow) -> StoreResult<Self> {
        Ok(Self {
            id: r.id,
            hash: r.hash,
            original_name: r.original_name,
            mime: r.mime,
            width: dimension(r.width),
            height: dimension(r.height),
            alt: r.alt,
            caption: r.caption,
            credit: r.credit,
            created_at: time(r.created_at)?,
            created_by: r.created_by,
            variants: Vec::new(),
        })
    }
}

/// An article's featured image.
#[derive(sqlx::FromRow)]
pub(super) struct FeaturedRow {
    pub(super) article_id: i64,
    #[sqlx(flatten)]
    pub(super) media: MediaRow,
}

#[derive(sqlx::FromRow)]
pub(super) struct VariantRow {
    pub(super) media_id: i64,
    width: i64,
    height: i64,
    format: String,
    key: String,
    bytes: i64,
}

impl From<VariantRow> for MediaVariant {
    fn from(r: VariantRow) -> Self {
        Self {
            width: dimension(r.width),
            height: dimension(r.height),
            format: r.format,
            key: r.key,
            bytes: u64::try_from(r.bytes).unwrap_or(0),
        }
    }
}

/// A person (`USER_COLUMNS`).
#[derive(sqlx::FromRow)]
pub(super) struct UserRow {
    id: i64,
    email: String,
    name: String,
    role: String,
    disabled: bool,
    author_id: Option<i64>,
    created_at: i64,
    two_factor: bool,
    ui_language: String,
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;
    fn try_from(r: UserRow) -> StoreResult<Self> {
        Ok(Self {
            id: r.id,
            email: Email::parse(&r.email)
                .map_err(|e| StoreError::Invalid(format!("stored e-mail: {e}")))?,
            name: r.name,
            role: Role::parse(&r.role).map_err(|e| StoreError::Invalid(e.to_string()))?,
            disabled: r.disabled,
            author_id: r.author_id,
            created_at: time(r.created_at)?,
            two_factor: r.two_factor,
            ui_language: gazette_core::Language::parse(&r.ui_language)
                .map_err(|e| StoreError::Invalid(format!("stored interface language: {e}")))?,
        })
    }
}

/// A person with their password hash, for signing in.
#[derive(sqlx::FromRow)]
pub(super) struct CredentialsRow {
    #[sqlx(flatten)]
    pub(super) user: UserRow,
    pub(super) password_hash: String,
}

/// A live session and its person.
#[derive(sqlx::FromRow)]
pub(super) struct SessionRow {
    #[sqlx(flatten)]
    pub(super) user: UserRow,
    pub(super) csrf_token: String,
    pub(super) session_created_at: i64,
    pub(super) expires_at: i64,
}

#[derive(sqlx::FromRow)]
pub(super) struct TwoFactorRow {
    two_factor: bool,
    totp_secret: Option<String>,
    totp_pending: Option<String>,
    totp_last_step: Option<i64>,
    two_factor_since: Option<i64>,
    codes_left: i64,
}

impl TryFrom<TwoFactorRow> for TwoFactorState {
    type Error = StoreError;
    fn try_from(r: TwoFactorRow) -> StoreResult<Self> {
        Ok(Self {
            enabled: r.two_factor,
            secret: r.totp_secret,
            pending: r.totp_pending,
            last_step: r.totp_last_step,
            since: opt_time(r.two_factor_since)?,
            recovery_codes_left: u32::try_from(r.codes_left).unwrap_or(0),
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct ChallengeRow {
    user_id: i64,
    csrf_token: String,
    next: String,
    address: String,
    expires_at: i64,
}

impl TryFrom<ChallengeRow> for LoginChallenge {
    type Error = StoreError;
    fn try_from(r: ChallengeRow) -> StoreResult<Self> {
        Ok(Self {
            user_id: r.user_id,
            csrf_token: r.csrf_token,
            next: r.next,
            address: r.address,
            expires_at: time(r.expires_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct AuditRow {
    id: i64,
    at: i64,
    user_id: Option<i64>,
    actor: String,
    action: String,
    entity: String,
    entity_id: Option<i64>,
    detail: String,
    address: String,
}

impl TryFrom<AuditRow> for AuditEntry {
    type Error = StoreError;
    fn try_from(r: AuditRow) -> StoreResult<Self> {
        Ok(Self {
            id: r.id,
            at: time(r.at)?,
            user_id: r.user_id,
            actor: r.actor,
            action: r.action,
            entity: r.entity,
            entity_id: r.entity_id,
            detail: r.detail,
            address: r.address,
        })
    }
}

/// A revision (`id` and `REVISION_COLUMNS`).
#[derive(sqlx::FromRow)]
pub(super) struct RevisionRow {
    id: i64,
    article_id: i64,
    created_at: i64,
    user_id: Option<i64>,
    user_name: String,
    note: String,
    language: String,
    slug: String,
    headline: String,
    standfirst: String,
    body_markdown: String,
    section_id: i64,
    tag_ids: String,
    author_ids: String,
    seo_title: Option<String>,
    seo_description: Option<String>,
}

impl TryFrom<RevisionRow> for Revision {
    type Error = StoreError;
    fn try_from(r: RevisionRow) -> StoreResult<Self> {
        Ok(Self {
            id: r.id,
            article_id: r.article_id,
            created_at: time(r.created_at)?,
            user_id: r.user_id,
            user_name: r.user_name,
            note: r.note,
            language: language(&r.language)?,
            slug: r.slug,
            headline: r.headline,
            standfirst: r.standfirst,
            body_markdown: r.body_markdown,
            section_id: r.section_id,
            tag_ids: split_ids(&r.tag_ids),
            author_ids: split_ids(&r.author_ids),
            seo_title: r.seo_title,
            seo_description: r.seo_description,
        })
    }
}

/// The newest revision someone else saved, when a save is refused for it.
#[derive(sqlx::FromRow)]
pub(super) struct NewerRevisionRow {
    pub(super) user_name: String,
    pub(super) created_at: i64,
}

#[derive(sqlx::FromRow)]
pub(super) struct CorrectionRow {
    id: i64,
    article_id: i64,
    kind: String,
    body: String,
    created_at: i64,
}

impl TryFrom<CorrectionRow> for Correction {
    type Error = StoreError;
    fn try_from(r: CorrectionRow) -> StoreResult<Self> {
        Ok(Self {
            id: r.id,
            article_id: r.article_id,
            kind: CorrectionKind::parse(&r.kind)
                .ok_or_else(|| StoreError::Invalid(format!("stored note kind {:?}", r.kind)))?,
            text: r.body,
            created_at: time(r.created_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct WorkflowRow {
    pub(super) owner_user_id: Option<i64>,
    pub(super) embargo_until: Option<i64>,
    pub(super) takedown_at: Option<i64>,
    pub(super) latest_revision: Option<i64>,
    pub(super) pinned_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
pub(super) struct EditorRow {
    user_id: i64,
    name: String,
    seen_at: i64,
}

impl TryFrom<EditorRow> for OtherEditor {
    type Error = StoreError;
    fn try_from(r: EditorRow) -> StoreResult<Self> {
        Ok(Self {
            user_id: r.user_id,
            name: r.name,
            seen_at: time(r.seen_at)?,
        })
    }
}

/// A published article's address, for sitemaps.
#[derive(sqlx::FromRow)]
pub(super) struct LinkRow {
    id: i64,
    slug: String,
    headline: String,
    language: String,
    published_at: i64,
    updated_at: Option<i64>,
    section_slug: String,
}

impl TryFrom<LinkRow> for PublishedLink {
    type Error = StoreError;
    fn try_from(r: LinkRow) -> StoreResult<Self> {
        let published_at = time(r.published_at)?;
        let updated_at = opt_time(r.updated_at)?;
        Ok(Self {
            id: r.id,
            section: stored_slug(r.section_slug)?,
            slug: stored_slug(r.slug)?,
            headline: r.headline,
            language: language(&r.language)?,
            published_at,
            lastmod: updated_at.map_or(published_at, |u| u.max(published_at)),
        })
    }
}

/// One sitemap file: how many addresses and the newest change.
#[derive(sqlx::FromRow)]
pub(super) struct ChunkRow {
    pub(super) n: i64,
    pub(super) lastmod: i64,
}

#[derive(sqlx::FromRow)]
pub(super) struct SynonymRow {
    id: i64,
    terms: String,
}

impl From<SynonymRow> for SynonymGroup {
    fn from(r: SynonymRow) -> Self {
        Self {
            id: r.id,
            terms: r.terms.split(',').map(str::to_owned).collect(),
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct ChangeRow {
    seq: i64,
    entity: String,
    entity_id: Option<i64>,
    action: String,
    at: i64,
}

impl TryFrom<ChangeRow> for Change {
    type Error = StoreError;
    fn try_from(r: ChangeRow) -> StoreResult<Self> {
        Ok(Self {
            seq: r.seq,
            entity: r.entity,
            entity_id: r.entity_id,
            action: r.action,
            at: time(r.at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct LeaseRow {
    name: String,
    holder: String,
    expires_at: i64,
}

impl TryFrom<LeaseRow> for Lease {
    type Error = StoreError;
    fn try_from(r: LeaseRow) -> StoreResult<Self> {
        Ok(Self {
            name: r.name,
            holder: r.holder,
            expires_at: time(r.expires_at)?,
        })
    }
}
