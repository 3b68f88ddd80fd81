//! What every newsroom handler shares: its templates and assets, the page layout, redirects, form
//! and time helpers, the audit entry and the change signal. A leaf: it imports no handler module,
//! so handlers and the route table can all depend on it.

use std::collections::HashMap;
use std::sync::OnceLock;

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use gazette_core::Language;
use gazette_store::{Actor, NewAuditEntry};
use include_dir::{Dir, include_dir};
use minijinja::Environment;

use super::auth::CurrentUser;
pub use super::form::{FormData, parse_time};
pub(crate) use crate::error::capitalise;
use crate::error::{AppError, AppResult};
use crate::state::NewsroomState;

static FILES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/newsroom");

struct Files {
    env: Environment<'static>,
    /// By hashed name.
    assets: HashMap<String, (&'static [u8], &'static str)>,
    /// `/newsroom/assets/<hashed>` by file name.
    urls: HashMap<String, String>,
}

fn files() -> &'static Files {
    static FILES_ONCE: OnceLock<Files> = OnceLock::new();
    FILES_ONCE.get_or_init(|| {
        let mut env = Environment::new();
        crate::locale::add_to(&mut env);
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_formatter(crate::theme::html_formatter);
        let mut assets = HashMap::new();
        let mut urls = HashMap::new();
        let mut all = Vec::new();
        collect(&FILES, &mut all);
        for file in all {
            let path = file.path().to_string_lossy().replace('\\', "/");
            if let Some(name) = path.strip_prefix("templates/") {
                let source = String::from_utf8_lossy(file.contents()).into_owned();
                if let Err(e) = env.add_template_owned(name.to_owned(), source) {
                    // Embedded templates are checked by the tests; a broken one is a build bug.
                    tracing::error!(template = name, error = %e, "newsroom template does not parse");
                }
            } else if let Some(name) = path.strip_prefix("assets/") {
                let hashed = crate::theme::hashed_name(name, file.contents());
                let content_type = crate::theme::content_type(name);
                urls.insert(name.to_owned(), format!("/newsroom/assets/{hashed}"));
                assets.insert(hashed, (file.contents(), content_type));
            }
        }
        Files { env, assets, urls }
    })
}

fn collect(dir: &'static Dir<'static>, out: &mut Vec<&'static include_dir::File<'static>>) {
    out.extend(dir.files());
    for sub in dir.dirs() {
        collect(sub, out);
    }
}

pub fn asset_url(name: &str) -> String {
    files().urls.get(name).cloned().unwrap_or_default()
}

pub(super) async fn asset(Path(name): Path<String>) -> Response {
    match files().assets.get(&name) {
        Some((bytes, content_type)) => (
            [
                (header::CONTENT_TYPE, *content_type),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            *bytes,
        )
            .into_response(),
        None => AppError::NotFound.into_response(),
    }
}

/// Renders a newsroom page. Pages are private: never stored by browsers' shared caches or CDNs.
pub fn render(template: &str, context: minijinja::Value) -> AppResult<Response> {
    let html = files()
        .env
        .get_template(template)
        .and_then(|t| t.render(context))
        .map_err(|e| AppError::Internal(format!("template {template}: {e:#}")))?;
    Ok(private(Html(html).into_response()))
}

fn private(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store, private"),
    );
    response
}

/// What every page's layout needs: who is signed in, the token for its forms, the assets, and
/// the language its words are in (the person's; English before anyone signs in).
pub fn layout(user: Option<&CurrentUser>, title: &str) -> minijinja::Value {
    let language = user.map_or(Language::EN, CurrentUser::language);
    layout_in(user, language, title)
}

/// [`layout`] in `language`, for pages shown before anyone is signed in (sign-in, its code).
pub fn layout_in(user: Option<&CurrentUser>, language: Language, title: &str) -> minijinja::Value {
    minijinja::context! {
        lang => language.code(),
        title => title,
        css => asset_url("newsroom.css"),
        js => asset_url("newsroom.js"),
        me => user.map(|u| minijinja::context! {
            id => u.user.id,
            name => u.user.name.clone(),
            email => u.user.email.as_str(),
            role => u.user.role.as_str(),
            role_label => role_label(u.language(), u.user.role),
            is_editor => u.user.role >= gazette_core::newsroom::Role::Editor,
            is_admin => u.user.role == gazette_core::newsroom::Role::Admin,
            two_factor => u.user.two_factor,
        }),
        csrf => user.map(|u| u.csrf.clone()).unwrap_or_default(),
    }
}

/// The newsroom message `id` in `language` (`locales/<code>/newsroom.ftl`). Handlers call
/// `locales().word(language, "nr-…")` with the id written out, so the key test finds it.
pub use crate::locale::locales;

/// The message `id` in `language`. (`tests/locales.rs` finds ids only in
/// `locales().word(language, "…")` calls; ids asked for through this helper need another mention.)
pub fn word(language: Language, id: &str) -> String {
    locales().word(language, id)
}

/// The message `id` with `args` (`[("name", value)]`) in `language`.
pub fn words(language: Language, id: &str, pairs: &[(&str, String)]) -> String {
    locales().text(language, id, Some(&args(pairs)))
}

/// Fluent arguments from `[("name", value)]`, for `locales().text(language, "nr-…", …)`.
pub fn args(pairs: &[(&str, String)]) -> fluent_bundle::FluentArgs<'static> {
    let mut fluent = fluent_bundle::FluentArgs::new();
    for (name, value) in pairs {
        fluent.set((*name).to_owned(), value.clone());
    }
    fluent
}

/// An article's status as the newsroom shows it, in `language`: "Draft", "Чернетка".
pub fn status_label(language: Language, status: gazette_core::ArticleStatus) -> String {
    use gazette_core::ArticleStatus as S;
    let l = locales();
    match status {
        S::Draft => l.word(language, "nr-status-draft"),
        S::InReview => l.word(language, "nr-status-in_review"),
        S::Scheduled => l.word(language, "nr-status-scheduled"),
        S::Published => l.word(language, "nr-status-published"),
        S::Unpublished => l.word(language, "nr-status-unpublished"),
    }
}

/// A newsroom role as people read it, in `language`: "Editor", "Редактор".
pub fn role_label(language: Language, role: gazette_core::newsroom::Role) -> String {
    use gazette_core::newsroom::Role as R;
    let l = locales();
    match role {
        R::Contributor => l.word(language, "nr-role-contributor"),
        R::Author => l.word(language, "nr-role-author"),
        R::Editor => l.word(language, "nr-role-editor"),
        R::Admin => l.word(language, "nr-role-admin"),
    }
}

/// The words on a workflow button, in `language`: "Publish now", "Опублікувати зараз".
pub fn action_label(language: Language, action: gazette_core::workflow::WorkflowAction) -> String {
    use gazette_core::workflow::WorkflowAction as A;
    let l = locales();
    match action {
        A::Submit => l.word(language, "nr-action-submit"),
        A::PublishNow => l.word(language, "nr-action-publish"),
        A::Schedule => l.word(language, "nr-action-schedule"),
        A::SetTakedown => l.word(language, "nr-action-takedown"),
        A::Unpublish => l.word(language, "nr-action-unpublish"),
        A::ReturnToDraft => l.word(language, "nr-action-draft"),
    }
}

/// A note's kind as the editor lists it, in `language`: "Correction", "Виправлення".
pub fn correction_label(
    language: Language,
    kind: gazette_core::newsroom::CorrectionKind,
) -> String {
    use gazette_core::newsroom::CorrectionKind as K;
    match kind {
        K::Correction => locales().word(language, "nr-correction-correction"),
        K::Update => locales().word(language, "nr-correction-update"),
    }
}

/// What a refused editor form says, in `language`: the article rules' refusals (written in
/// English by gazette-core, which the Admin API returns as they are) reworded by the newsroom's
/// messages; anything else as it is.
pub fn form_refusal(language: Language, error: &crate::error::AppError) -> String {
    use gazette_core::submission::{MAX_TAG_LEN, MAX_TAGS, SubmissionError as S};
    let message = error.message(crate::error::Place::Newsroom);
    let l = locales();
    let max = |n: usize| args(&[("max", n.to_string())]);
    let is = |e: S| message == e.to_string();
    if is(S::NoSection) {
        l.word(language, "nr-form-no-section")
    } else if is(S::UnknownSection) {
        l.word(language, "nr-form-unknown-section")
    } else if is(S::NoByline) {
        l.word(language, "nr-form-no-byline")
    } else if is(S::UnknownByline) || is(S::DamagedByline) {
        l.word(language, "nr-form-unknown-byline")
    } else if is(S::TooManyTags) {
        l.text(language, "nr-form-too-many-tags", Some(&max(MAX_TAGS)))
    } else if is(S::TagTooLong) {
        l.text(language, "nr-form-tag-too-long", Some(&max(MAX_TAG_LEN)))
    } else if is(S::EmptyHeadline) {
        l.word(language, "nr-form-empty-headline")
    } else if is(S::HeadlineTooLong) {
        let most = max(gazette_core::article::MAX_HEADLINE_LEN);
        l.text(language, "nr-form-headline-too-long", Some(&most))
    } else if is(S::DamagedRevision) {
        l.word(language, "nr-form-damaged-revision")
    } else {
        message
    }
}

/// A 303 to another newsroom page, with an optional notice shown there.
pub fn see_other(path: &str) -> Response {
    // `Redirect::to` panics on what a header cannot hold (a CR, LF or NUL); no address built from
    // what a client sent may end a request that way, so such a one goes to the newsroom's home.
    let path = if HeaderValue::from_str(path).is_ok() {
        path
    } else {
        "/newsroom"
    };
    private(Redirect::to(path).into_response())
}

// ---------------------------------------------------------------- errors

/// The body of the newsroom's error page (the error type and its statuses are `crate::error`'s;
/// `error_pages.rs` calls this for errors under `/newsroom`).
pub fn error_page(title: &str, status: StatusCode, message: &str) -> Option<String> {
    let context = minijinja::context! {
        ..layout(None, title),
        ..minijinja::context! { status => status.as_u16(), message => message },
    };
    files()
        .env
        .get_template("error.html")
        .and_then(|t| t.render(context))
        .map_err(|e| tracing::error!(error = %e, "newsroom error page template failed"))
        .ok()
}

/// How a time is shown in the newsroom: always UTC, always with the zone, so nobody guesses.
pub fn show_time(t: DateTime<Utc>) -> String {
    t.format("%-d %b %Y, %H:%M UTC").to_string()
}

/// [`show_time`] in `language`: the date as that language writes it ("2 грудня 2026, 10:00
/// UTC"); English keeps the newsroom's compact form.
pub fn show_time_in(language: Language, t: DateTime<Utc>) -> String {
    if language == Language::EN {
        show_time(t)
    } else {
        format!("{}, {} UTC", locales().date(language, t), t.format("%H:%M"))
    }
}

/// The value a `datetime-local` input shows.
pub fn input_time(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| t.format("%Y-%m-%dT%H:%M").to_string())
        .unwrap_or_default()
}

/// `?page=N`, forgiving: the newsroom's lists fall back to page 1 on nonsense.
pub fn page_number(raw: Option<&str>) -> u32 {
    raw.and_then(|p| p.trim().parse().ok())
        .filter(|p| (1..=100_000).contains(p))
        .unwrap_or(1)
}

// ---------------------------------------------------------------- audit

/// Writes one audit entry for what `user` just did. An audit failure is logged, not shown: the
/// action itself has already been saved.
pub async fn audit(
    state: &NewsroomState,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    detail: impl Into<String>,
) {
    let entry = NewAuditEntry {
        actor: actor.clone(),
        action: action.into(),
        entity: entity.into(),
        entity_id,
        detail: detail.into(),
    };
    if let Err(e) = state.store.audit(entry, state.now()).await {
        tracing::error!(error = %e, action, entity, "cannot write the audit log");
    }
}

/// The audit entry for what `actor` did, handed to the store with the write it records so that
/// both commit together.
pub fn audit_entry(
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    detail: impl Into<String>,
) -> NewAuditEntry {
    NewAuditEntry {
        actor: actor.clone(),
        action: action.into(),
        entity: entity.into(),
        entity_id,
        detail: detail.into(),
    }
}

/// After this node's write committed as change `seq`: its caches react at once (without asking
/// the log again), other nodes within a poll.
pub fn changed_at(state: &NewsroomState, seq: i64) {
    state.changes.advance(seq);
}
