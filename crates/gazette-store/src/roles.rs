//! The storage contract, by role. Each trait is one part of what Gazette keeps; [`Store`] is all
//! of them, which is what the application holds (`Arc<dyn Store>`). A caller names the roles it
//! uses (`use gazette_store::prelude::*` brings them all into scope).
//!
//! Implementations must write every content change and its change-log row in one transaction.

use chrono::{DateTime, Utc};
use gazette_core::newsroom::{
    AuditEntry, Correction, CorrectionKind, Email, Revision, Session, User,
};
use gazette_core::{Article, ArticleSummary, Author, NewArticle, Section, Slug, StaticPage, Tag};

use crate::{
    Actor, ArticleFilter, ArticlePage, ArticleSave, ArticleWorkflow, AuditFilter, Backend, Change,
    ChangeListener, DueWork, ImportKind, ImportOutcome, ImportRecord, ImportedArticle,
    ImportedPerson, ListedCorrection, LoginChallenge, LoginCounter, Media, MediaText,
    NewAuditEntry, NewAuthor, NewLoginChallenge, NewMedia, NewSection, NewSession, NewUser,
    NewsroomArticle, NewsroomFilter, OldAddress, OtherEditor, Page, PageRequest, PublishedLink,
    SavedArticle, SitemapChunk, StatusChange, StoreResult, SynonymGroup, TwoFactorState,
    UserChange, ViewIncrement, Written,
};
#[cfg(feature = "testing")]
use crate::{ArticleLookup, Lease};
#[cfg(feature = "testing")]
use gazette_core::ArticleStatus;

/// Articles and their workflow: what the newsroom writes, and the scheduler's moves.
#[async_trait::async_trait]
pub trait ArticleStore: Send + Sync + 'static {
    async fn article(&self, id: i64) -> StoreResult<Option<Article>>;

    async fn article_workflow(&self, id: i64) -> StoreResult<Option<ArticleWorkflow>>;

    /// Stores a new article. The slug is taken from the article or made from its headline; a
    /// slug already used (now or in the past) by another article gets a numeric suffix.
    async fn create_article(&self, article: NewArticle, now: DateTime<Utc>)
    -> StoreResult<Article>;

    /// Stores many new articles in one transaction: all of them, or none if any is refused.
    /// For imports and generated sites, where one transaction per article would be slow.
    async fn import_articles(
        &self,
        articles: &[NewArticle],
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<i64>>;

    /// Creates a draft owned by `actor`, with its first revision, in one transaction.
    /// Its tags are `article.tag_ids` and then `tag_names`, created here if new; the audit log
    /// records the creation. All in one transaction: a refused draft leaves nothing behind.
    async fn newsroom_create_article(
        &self,
        article: NewArticle,
        tag_names: &[String],
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> StoreResult<Written<Article>>;

    /// Saves an article with the tags it names (new ones created), records the save as a
    /// revision and in the audit log, and writes its change-log entry: one transaction, so a
    /// refused or failed save leaves nothing behind. Refused with `Stale` when someone other than
    /// `actor` saved a revision newer than `save.base_revision`.
    async fn newsroom_save_article(
        &self,
        id: i64,
        save: ArticleSave,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> StoreResult<SavedArticle>;

    /// Moves an article through the workflow if it is still in `change.expected`, with its
    /// audit entry in the same transaction.
    async fn change_article_status(
        &self,
        id: i64,
        change: StatusChange,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<Written<Article>>;

    /// Publishes scheduled articles whose time has come and takes down those whose takedown time
    /// has come. Each article moves exactly once however many nodes run this at the same time.
    async fn run_due_work(&self, now: DateTime<Utc>) -> StoreResult<DueWork>;

    /// Notes that `user_id` has the article open, and returns the others seen since `since`.
    async fn mark_editing(
        &self,
        article_id: i64,
        user_id: i64,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<OtherEditor>>;

    async fn add_views(&self, increments: &[ViewIncrement]) -> StoreResult<()>;

    /// Pins an article to the top of the home page (at `now`), or unpins it; `audit` is written
    /// in the same transaction. Returns the change-log position.
    async fn pin_to_home(
        &self,
        id: i64,
        pinned: bool,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<i64>;

    /// Replaces an article's content. A changed slug keeps the old one resolving; the slug is never
    /// changed implicitly by a new headline.
    #[cfg(feature = "testing")]
    async fn update_article(
        &self,
        id: i64,
        article: NewArticle,
        now: DateTime<Utc>,
    ) -> StoreResult<Article>;

    #[cfg(feature = "testing")]
    async fn set_article_status(
        &self,
        id: i64,
        status: ArticleStatus,
        published_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> StoreResult<Article>;
}

/// What readers see: article pages, lists, feeds, sitemaps and search rebuilds, and the newsroom's
/// own list.
#[async_trait::async_trait]
pub trait ReadStore: Send + Sync + 'static {
    /// An article page's data in one call: the article by `slug`, up to `related` newest other
    /// articles of its section published by `now`, its corrections and its featured image. A
    /// store may answer this faster than separate calls would (SQLite does).
    async fn article_page(
        &self,
        slug: &str,
        related: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<ArticlePage>;

    /// Published articles (published at or before `now`), newest first.
    async fn published(
        &self,
        filter: &ArticleFilter,
        page: PageRequest,
        now: DateTime<Utc>,
    ) -> StoreResult<Page<ArticleSummary>>;

    /// The newest published articles matching `filter`, without counting them all: for blocks
    /// that show a few articles and no page numbers (home page, related articles).
    async fn latest(
        &self,
        filter: &ArticleFilter,
        limit: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<ArticleSummary>>;

    /// The most read published articles over the days `since_day..` (days since the epoch).
    async fn most_read(
        &self,
        since_day: i64,
        limit: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<ArticleSummary>>;

    async fn article_count(&self) -> StoreResult<u64>;

    /// Published articles with ids after `after_id`, in id order, complete with bylines and tags,
    /// embargoed ones included (their publication time says when readers may see them): what a
    /// search index is rebuilt from, one batch at a time.
    async fn published_articles_after(
        &self,
        after_id: i64,
        limit: u32,
    ) -> StoreResult<Vec<Article>>;

    /// The articles among `ids` that readers can see at `now`, as cards, in the order of `ids`.
    async fn published_summaries_by_ids(
        &self,
        ids: &[i64],
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<ArticleSummary>>;

    /// The newest published articles matching `filter` (its `text` is ignored), complete with
    /// bodies, bylines and tags: what a feed carries.
    async fn published_articles(
        &self,
        filter: &ArticleFilter,
        limit: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Article>>;

    /// The article sitemap cut into files of `chunk` addresses, oldest articles first: each file's
    /// size and newest `lastmod`.
    async fn sitemap_chunks(
        &self,
        chunk: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<SitemapChunk>>;

    /// Published articles oldest first, from `offset`: one sitemap file.
    async fn sitemap_links(
        &self,
        offset: u64,
        limit: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<PublishedLink>>;

    /// Articles published between `since` and `now`, newest first: the news sitemap.
    async fn recent_links(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<PublishedLink>>;

    /// Articles in every status, for the newsroom's list.
    async fn newsroom_articles(
        &self,
        filter: &NewsroomFilter,
        page: PageRequest,
    ) -> StoreResult<Page<NewsroomArticle>>;

    /// Corrections (not updates) to articles readers can see, newest first.
    async fn published_corrections(
        &self,
        page: PageRequest,
        now: DateTime<Utc>,
    ) -> StoreResult<Page<ListedCorrection>>;

    #[cfg(feature = "testing")]
    async fn find_article(&self, slug: &str) -> StoreResult<ArticleLookup>;
}

/// The newsroom's people and their sessions.
#[async_trait::async_trait]
pub trait PeopleStore: Send + Sync + 'static {
    /// Adds a person; an e-mail address already in use is a `Conflict`.
    /// `audit` is written in the same transaction, naming the new person when it names no one.
    async fn create_user(
        &self,
        user: NewUser,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<User>;

    async fn users(&self) -> StoreResult<Vec<User>>;

    async fn user(&self, id: i64) -> StoreResult<Option<User>>;

    /// The person with this address and their password hash, for signing in.
    async fn user_credentials(&self, email: &Email) -> StoreResult<Option<(User, String)>>;

    /// Changes name, role, byline or the disabled flag. Disabling signs the person out everywhere.
    /// Refused when it would leave no enabled admin.
    async fn update_user(
        &self,
        id: i64,
        change: UserChange,
        audit: Option<&NewAuditEntry>,
    ) -> StoreResult<User>;

    /// The language this person reads the newsroom in; `audit` is written in the same
    /// transaction. An unknown person is `NotFound`.
    async fn set_ui_language(
        &self,
        id: i64,
        language: gazette_core::Language,
        audit: Option<&NewAuditEntry>,
    ) -> StoreResult<User>;

    /// Replaces the password hash and signs the person out everywhere.
    async fn set_user_password(
        &self,
        id: i64,
        password_hash: &str,
        audit: Option<&NewAuditEntry>,
    ) -> StoreResult<()>;

    /// Starts a session (sweeping expired ones); `audit` (the sign-in) is written in the same
    /// transaction.
    async fn create_session(
        &self,
        session: NewSession,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// The live session with this token hash and its (enabled) person.
    async fn session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<(Session, User)>>;

    /// Ends one session; `audit` (the sign-out) is written in the same transaction.
    async fn delete_session(
        &self,
        token_hash: &str,
        audit: Option<&NewAuditEntry>,
    ) -> StoreResult<()>;

    /// Signs a person out everywhere; returns how many sessions ended. `audit` is written in the
    /// same transaction, with "N sessions ended" (the count this write found) appended to its
    /// detail, after "; " when the detail is not empty.
    async fn delete_user_sessions(
        &self,
        user_id: i64,
        audit: Option<&NewAuditEntry>,
    ) -> StoreResult<u64>;
}

/// Signing in safely: attempt limits, remembered devices, two-factor codes and sign-ins waiting
/// for their code.
#[async_trait::async_trait]
pub trait SignInStore: Send + Sync + 'static {
    /// Charges one sign-in attempt to every counter in `counters` at once, before the password or
    /// code is checked: counting first is what stops parallel guesses from all passing the limit.
    /// A counter whose window started before `window_start` starts again from this attempt.
    /// When a counter is already at its limit nothing is charged to any of them and the answer is
    /// that counter's index; otherwise `None`, and the attempt counts as a failure until
    /// [`SignInStore::forgive_login_failures`] or [`SignInStore::refund_login_attempt`] says otherwise.
    async fn charge_login_attempt(
        &self,
        counters: &[LoginCounter],
        window_start: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<usize>>;

    /// After a charged attempt succeeded: the `forgiven` counter (that account from that browser or
    /// address: the person's own typos) goes back to zero, and the failures it held are taken off
    /// each counter in `also`, which were charged the same attempts.
    async fn forgive_login_failures(&self, forgiven: &str, also: &[String]) -> StoreResult<()>;

    /// Gives back one charge to each counter: the attempt turned out not to be a failure (a right
    /// password still waiting for its code, or a check the server was too busy to make).
    async fn refund_login_attempt(&self, counters: &[String]) -> StoreResult<()>;

    /// Remembers that the browser holding this token signed in as `email` (SHA-256 of the token).
    async fn remember_device(
        &self,
        token_hash: &str,
        email: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// Whether the browser holding this token signed in as `email` before, and not too long ago.
    async fn known_device(
        &self,
        token_hash: &str,
        email: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;

    /// A person's two-factor state; `None` when there is no such person.
    async fn two_factor(&self, user_id: i64) -> StoreResult<Option<TwoFactorState>>;

    /// Keeps a new secret as the one being set up (replacing any earlier unconfirmed one).
    /// `audit` is written in the same transaction.
    async fn begin_two_factor(
        &self,
        user_id: i64,
        secret: &str,
        audit: Option<&NewAuditEntry>,
    ) -> StoreResult<()>;

    /// Turns two-factor on with the secret being set up, confirmed by a code of `step`, and
    /// replaces the recovery codes. `Stale` when `secret` is no longer the one being set up.
    /// `audit` is written in the same transaction.
    async fn enable_two_factor(
        &self,
        user_id: i64,
        secret: &str,
        step: i64,
        recovery_code_hashes: &[String],
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// Turns two-factor off: forgets the secrets, the recovery codes and any sign-in waiting for a
    /// code. Returns whether it was on. `audit` is written in the same transaction; when two-factor
    /// was not on, "it was not on" is appended to its detail (in brackets after a non-empty one).
    async fn disable_two_factor(
        &self,
        user_id: i64,
        audit: Option<&NewAuditEntry>,
    ) -> StoreResult<bool>;

    /// Records that a code of `step` was used; false (and nothing changes) when a code of this
    /// step or a later one was already accepted, so each code works once even on several nodes.
    async fn accept_totp_step(&self, user_id: i64, step: i64) -> StoreResult<bool>;

    /// Replaces every recovery code with new ones (given as hashes); `audit` is written in the
    /// same transaction.
    async fn replace_recovery_codes(
        &self,
        user_id: i64,
        hashes: &[String],
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// Uses up the unused recovery code with this hash; false when there is none.
    async fn use_recovery_code(
        &self,
        user_id: i64,
        hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;

    /// Remembers a sign-in whose password was right, waiting for its code (expired ones go).
    /// `audit` is written in the same transaction.
    async fn create_login_challenge(
        &self,
        challenge: NewLoginChallenge,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// The unexpired sign-in waiting for a code with this token hash.
    async fn login_challenge(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<LoginChallenge>>;

    async fn delete_login_challenge(&self, token_hash: &str) -> StoreResult<()>;
}

/// The media library and articles' featured images.
#[async_trait::async_trait]
pub trait MediaStore: Send + Sync + 'static {
    /// Records an image whose files are all stored already (so every key a row names exists), with
    /// `audit` (naming the new image when it names none) in the same transaction.
    async fn insert_media(
        &self,
        media: NewMedia,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<Written<Media>>;

    async fn media(&self, id: i64) -> StoreResult<Option<Media>>;

    /// The library, newest first.
    async fn media_list(&self, page: PageRequest) -> StoreResult<Page<Media>>;

    /// Changes alt text, caption and credit; pages showing the image are refreshed.
    async fn update_media(
        &self,
        id: i64,
        text: MediaText,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<Written<Media>>;

    /// Every storage key some row names, to tell orphaned files from used ones.
    async fn media_keys(&self) -> StoreResult<Vec<String>>;

    /// Sets or clears an article's featured image.
    /// Returns the change's sequence number.
    async fn set_featured_media(
        &self,
        article_id: i64,
        media_id: Option<i64>,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<i64>;

    /// The featured image of each of these articles that has one.
    async fn featured_media(
        &self,
        article_ids: &[i64],
    ) -> StoreResult<std::collections::HashMap<i64, Media>>;
}

/// How the site is organised: sections, authors, tags, static pages, search synonyms and
/// settings.
#[async_trait::async_trait]
pub trait TaxonomyStore: Send + Sync + 'static {
    async fn setting(&self, key: &str) -> StoreResult<Option<String>>;

    async fn set_setting(&self, key: &str, value: &str) -> StoreResult<()>;

    /// Saves several settings and `audit` in one transaction; returns the change's sequence number.
    async fn set_settings(
        &self,
        values: &[(String, String)],
        audit: Option<&NewAuditEntry>,
    ) -> StoreResult<i64>;

    /// `audit` is written in the same transaction, naming the new section when it names none.
    async fn create_section(
        &self,
        section: NewSection,
        audit: Option<&NewAuditEntry>,
    ) -> StoreResult<Written<Section>>;

    /// All sections in menu order.
    async fn sections(&self) -> StoreResult<Vec<Section>>;

    async fn section_by_slug(&self, slug: &str) -> StoreResult<Option<Section>>;

    async fn update_section(
        &self,
        id: i64,
        section: NewSection,
        audit: Option<&NewAuditEntry>,
    ) -> StoreResult<Written<Section>>;

    async fn create_author(&self, author: NewAuthor) -> StoreResult<Author>;

    async fn authors(&self) -> StoreResult<Vec<Author>>;

    async fn author_by_slug(&self, slug: &str) -> StoreResult<Option<Author>>;

    /// The tag with this name, created if it does not exist yet.
    async fn ensure_tag(&self, name: &str) -> StoreResult<Tag>;

    async fn tag_by_slug(&self, slug: &str) -> StoreResult<Option<Tag>>;

    /// Every tag with the number of articles carrying it, by name.
    async fn tags_with_counts(&self) -> StoreResult<Vec<(Tag, u64)>>;

    async fn rename_tag(
        &self,
        id: i64,
        name: &str,
        audit: Option<&NewAuditEntry>,
    ) -> StoreResult<Written<Tag>>;

    /// Removes a tag from every article and deletes it.
    /// Returns the change's sequence number.
    async fn delete_tag(&self, id: i64, audit: Option<&NewAuditEntry>) -> StoreResult<i64>;

    /// An importer's or the demo's page: English, published, last in the footer (a page
    /// already at that address gets the new text). The newsroom's pages are [`crate::pages::PageStore`]'s.
    async fn put_page(&self, page: &StaticPage) -> StoreResult<()>;

    /// The search synonym list, oldest group first.
    async fn synonym_groups(&self) -> StoreResult<Vec<SynonymGroup>>;

    /// Adds a group of spellings search treats as one word (cleaned by [`clean_synonym_terms`]).
    async fn add_synonym_group(
        &self,
        terms: &[String],
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<Written<SynonymGroup>>;

    /// Returns the change's sequence number.
    async fn delete_synonym_group(
        &self,
        id: i64,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<i64>;
}

/// The database itself, the change log every node follows, and leases for jobs that run once.
#[async_trait::async_trait]
pub trait ChangeStore: Send + Sync + 'static {
    fn backend(&self) -> Backend;

    /// Answers when the database is reachable.
    async fn ping(&self) -> StoreResult<()>;

    /// Waits for in-flight work and closes the connections.
    async fn close(&self);

    /// Change-log entries after `seq`, oldest first.
    async fn changes_since(&self, seq: i64, limit: u32) -> StoreResult<Vec<Change>>;

    /// The newest change-log sequence number (0 when the log is empty).
    async fn latest_change_seq(&self) -> StoreResult<i64>;

    /// Writes a consistent copy of the whole database to `file` (which must not exist) while
    /// others go on reading and writing: everything committed before the copy began is in it.
    /// SQLite only (`VACUUM INTO`); PostgreSQL is backed up with `pg_dump` (docs/backup.md).
    async fn back_up_to(&self, file: &std::path::Path) -> StoreResult<()>;

    /// Wake-ups on every change-log entry committed by any node, or `None` when the database
    /// cannot send them (SQLite: one node, which polls).
    async fn listen_for_changes(&self) -> StoreResult<Option<ChangeListener>>;

    /// Takes or renews the lease `name` for `holder` until `now + ttl`: true when `holder` has it
    /// now (it was free, expired, or already theirs), false when another holder's lease is live.
    async fn acquire_lease(
        &self,
        name: &str,
        holder: &str,
        ttl: std::time::Duration,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;

    /// Gives the lease up if `holder` has it, so another node can take it at once.
    async fn release_lease(&self, name: &str, holder: &str) -> StoreResult<()>;

    /// The lease `name` as stored (possibly expired), if anyone ever took it.
    #[cfg(feature = "testing")]
    async fn lease(&self, name: &str) -> StoreResult<Option<Lease>>;
}

/// What was done and by whom: the audit log, revisions and published corrections.
#[async_trait::async_trait]
pub trait JournalStore: Send + Sync + 'static {
    async fn audit(&self, entry: NewAuditEntry, now: DateTime<Utc>) -> StoreResult<()>;

    /// The audit log, newest first.
    async fn audit_log(
        &self,
        filter: &AuditFilter,
        page: PageRequest,
    ) -> StoreResult<Page<AuditEntry>>;

    /// An article's revisions, newest first.
    async fn revisions(&self, article_id: i64) -> StoreResult<Vec<Revision>>;

    async fn revision(&self, id: i64) -> StoreResult<Option<Revision>>;

    /// Appends a correction or update to an article and marks it updated now; the audit log
    /// records it for `actor` in the same transaction.
    async fn add_correction(
        &self,
        article_id: i64,
        kind: CorrectionKind,
        text: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> StoreResult<Written<Correction>>;

    /// An article's corrections and updates, oldest first.
    async fn corrections(&self, article_id: i64) -> StoreResult<Vec<Correction>>;
}
/// Imports from other systems: what each source record became, so that a re-run updates instead
/// of duplicating, and the old site's addresses.
#[async_trait::async_trait]
pub trait ImportStore: Send + Sync + 'static {
    /// What earlier imports from `source` made of these keys (those imported before).
    async fn imported(
        &self,
        source: &str,
        kind: ImportKind,
        keys: &[String],
    ) -> StoreResult<std::collections::HashMap<String, ImportRecord>>;

    /// Records that `key` from `source` became `record.target_id`.
    async fn remember_import(
        &self,
        source: &str,
        kind: ImportKind,
        key: &str,
        record: &ImportRecord,
    ) -> StoreResult<()>;

    /// Writes a batch of articles in one transaction, all or none: each one new to this source
    /// created, each imported before whose fingerprint changed replaced (status and dates too),
    /// the others left alone. A written article gets a revision by `actor`, its featured image, its
    /// old addresses and a change-log entry, so caches, search and other nodes follow.
    async fn write_imported_articles(
        &self,
        source: &str,
        batch: &[ImportedArticle],
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<ImportOutcome>>;

    /// The section with this address, created with `name` and `description` if there is none;
    /// and whether it was created.
    async fn import_section(
        &self,
        slug: &Slug,
        name: &str,
        description: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<(i64, bool)>;

    /// The tag with this address, created with `name` if there is none; and whether it was.
    async fn import_tag(
        &self,
        slug: &Slug,
        name: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<(i64, bool)>;

    /// The byline with this address, created if there is none, and (when the person has an
    /// address no account uses) a disabled newsroom account without a password, role author,
    /// tied to it. Returns the byline's id, and whether it was created.
    async fn import_person(
        &self,
        person: &ImportedPerson,
        now: DateTime<Utc>,
    ) -> StoreResult<(i64, bool)>;

    /// Brings the query planner's picture of the tables an import fills up to date (PostgreSQL's
    /// `ANALYZE`; nothing on SQLite, whose lookups here take their primary keys regardless). A
    /// table that grew from empty during an import still looks empty to PostgreSQL until its
    /// autovacuum catches up, and the look-ups of earlier imports then read every record.
    async fn refresh_import_statistics(&self) -> StoreResult<()>;

    /// Adds old addresses leading to fixed paths on this site (a page's `/?page_id=7`); an address
    /// already known keeps its first target.
    async fn add_old_addresses(&self, addresses: &[(String, String)]) -> StoreResult<()>;

    /// Where an old address (normalised by [`crate::normalise_old_address`]) leads now, as a path
    /// on this site: a published article's current address, or a fixed path.
    async fn old_address(&self, path: &str) -> StoreResult<Option<OldAddress>>;

    /// The current address of the published article that has or had `slug`, for old addresses
    /// that carry a slug (`/2024/03/01/slug/`).
    async fn published_article_address(&self, slug: &str) -> StoreResult<Option<OldAddress>>;
}

/// The portable archive: every table of [`crate::ARCHIVE_TABLES`] out, and back into an empty
/// database.
#[async_trait::async_trait]
pub trait ArchiveStore: Send + Sync + 'static {
    /// Sends every archived table to `sink`, in order, as one consistent snapshot: saves made
    /// while it runs are either wholly in it or not at all.
    async fn export_archive(&self, sink: &mut dyn crate::ExportSink) -> StoreResult<()>;

    /// Writes what `source` gives into this database, which must hold no content yet, in one
    /// transaction: all of it or, on any error, nothing. Bodies are rendered again from their
    /// Markdown, id counters moved past the restored ids, and a change-log entry tells every
    /// node to start its caches over.
    async fn restore_archive(
        &self,
        source: &mut dyn crate::RestoreSource,
        now: DateTime<Utc>,
    ) -> StoreResult<crate::RestoreSummary>;
}

/// Everything Gazette keeps: the sum of the role traits, implemented for anything that
/// implements them all.
pub trait Store:
    ArticleStore
    + ReadStore
    + PeopleStore
    + SignInStore
    + MediaStore
    + TaxonomyStore
    + ChangeStore
    + JournalStore
    + ImportStore
    + ArchiveStore
    + crate::translations::TranslationStore
    + crate::live::LiveStore
    + crate::outbox::OutboxStore
    + crate::telegram::TelegramStore
    + crate::api_tokens::ApiTokenStore
    + crate::api_keys::ContentApiKeyStore
    + crate::pages::PageStore
{
}

impl<T> Store for T where
    T: ArticleStore
        + ReadStore
        + PeopleStore
        + SignInStore
        + MediaStore
        + TaxonomyStore
        + ChangeStore
        + JournalStore
        + ImportStore
        + ArchiveStore
        + crate::translations::TranslationStore
        + crate::live::LiveStore
        + crate::outbox::OutboxStore
        + crate::telegram::TelegramStore
        + crate::api_tokens::ApiTokenStore
        + crate::api_keys::ContentApiKeyStore
        + crate::pages::PageStore
        + ?Sized
{
}
