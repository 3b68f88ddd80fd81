//! The editorial rules of the workflow: given an article as it is stored, a change someone asks
//! for, who they are and the time, decide what happens — a plan to store, or a refusal with a
//! reason a person can act on.
//!
//! Everything here is decided from the stored article and the person's role, never from what a
//! form claims the article looks like: a form is only a request. That is what stops an author from
//! undoing an editor's decision (an embargo, a takedown, an unpublication) by posting a different
//! form. The web layer parses the request, loads the article, asks [`plan_workflow`],
//! [`check_save`] or [`may_read`], and stores or renders the answer.
//!
//! The rule set, by role:
//! - **contributors** write drafts and submit them; they never publish.
//! - **authors** publish and update their own articles, with these limits, because the things
//!   limited are an editor's decisions: they publish only under their own byline alone (bylines
//!   with colleagues go through review: submit instead); they may add an embargo or move one later
//!   but never clear it or bring it forward (an embargo only ever holds publication back, so a
//!   later one cannot break the promise an earlier one made); they never set, move or clear a
//!   takedown time, unpublish, or republish or reopen an unpublished article (only editors
//!   unpublish, so an unpublished article is always an editor's decision); on a published or
//!   scheduled article they may add their own byline but not add or remove anyone else's.
//! - **editors and admins** may do all of it.
//!
//! Reading, in the newsroom: editors and admins read everything; contributors and authors read
//! published articles and their own, but not colleagues' drafts, articles in review, scheduled or
//! embargoed articles, or unpublished ones, which may hold what a source gave under embargo or what
//! was taken down for legal reasons.

use chrono::{DateTime, Utc};

use crate::ArticleStatus;
use crate::accounts::Role;

/// Something done to one article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArticleAction {
    Create,
    Edit,
    /// Draft → in review.
    Submit,
    /// Publish now or schedule for later.
    Publish,
    Unpublish,
    /// Back to draft: withdraw from review or cancel a schedule.
    ReturnToDraft,
    /// Append a correction or update note.
    Correct,
}

impl ArticleAction {
    pub const ALL: [ArticleAction; 7] = [
        Self::Create,
        Self::Edit,
        Self::Submit,
        Self::Publish,
        Self::Unpublish,
        Self::ReturnToDraft,
        Self::Correct,
    ];
}

/// Whether `role` may do `action` to an article in `status`; `own` is true when the person wrote it
/// (created it, or their byline is on it).
pub fn may(role: Role, action: ArticleAction, own: bool, status: ArticleStatus) -> bool {
    use ArticleAction as A;
    use ArticleStatus as S;
    match role {
        Role::Editor | Role::Admin => true,
        Role::Author => match action {
            A::Create => true,
            A::Edit | A::Submit | A::Publish | A::ReturnToDraft => own,
            A::Unpublish | A::Correct => false,
        },
        Role::Contributor => match action {
            A::Create => true,
            A::Edit | A::Submit => own && status == S::Draft,
            A::ReturnToDraft => own && status == S::InReview,
            A::Publish | A::Unpublish | A::Correct => false,
        },
    }
}

/// Whether the workflow allows moving an article from `from` by `action`; `None` when it does not,
/// otherwise the status it ends in (publishing with a time in the future schedules).
pub fn transition(
    from: ArticleStatus,
    action: ArticleAction,
    publish_later: bool,
) -> Option<ArticleStatus> {
    use ArticleAction as A;
    use ArticleStatus as S;
    match (action, from) {
        (A::Submit, S::Draft) => Some(S::InReview),
        (A::Publish, S::Draft | S::InReview | S::Scheduled | S::Unpublished) => {
            Some(if publish_later {
                S::Scheduled
            } else {
                S::Published
            })
        }
        (A::Unpublish, S::Published) => Some(S::Unpublished),
        (A::ReturnToDraft, S::InReview | S::Scheduled | S::Unpublished) => Some(S::Draft),
        _ => None,
    }
}

/// Who is acting: their account, role and byline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Person {
    pub user_id: i64,
    pub role: Role,
    /// The byline printed on their articles, if they write.
    pub author_id: Option<i64>,
}

impl Person {
    /// Editors and admins: the people whose decisions the limits on authors protect.
    pub fn is_editor(&self) -> bool {
        self.role >= Role::Editor
    }
}

/// The workflow state of an article as stored: the only thing decisions are made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredArticle {
    pub status: ArticleStatus,
    pub owner_user_id: Option<i64>,
    pub author_ids: Vec<i64>,
    pub published_at: Option<DateTime<Utc>>,
    pub embargo_until: Option<DateTime<Utc>>,
    pub takedown_at: Option<DateTime<Utc>>,
}

impl StoredArticle {
    /// True when the person wrote the article: they started it, or their byline is on it.
    pub fn is_own(&self, person: &Person) -> bool {
        self.owner_user_id == Some(person.user_id)
            || person
                .author_id
                .is_some_and(|id| self.author_ids.contains(&id))
    }
}

/// A button of the workflow panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkflowAction {
    Submit,
    PublishNow,
    Schedule,
    SetTakedown,
    Unpublish,
    ReturnToDraft,
}

impl WorkflowAction {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "submit" => Self::Submit,
            "publish" => Self::PublishNow,
            "schedule" => Self::Schedule,
            "takedown" => Self::SetTakedown,
            "unpublish" => Self::Unpublish,
            "draft" => Self::ReturnToDraft,
            _ => return None,
        })
    }

    /// The buttons of the workflow panel, in the order they are shown.
    pub const ALL: [WorkflowAction; 6] = [
        Self::Submit,
        Self::PublishNow,
        Self::Schedule,
        Self::SetTakedown,
        Self::Unpublish,
        Self::ReturnToDraft,
    ];

    /// The form value [`WorkflowAction::parse`] reads.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submit => "submit",
            Self::PublishNow => "publish",
            Self::Schedule => "schedule",
            Self::SetTakedown => "takedown",
            Self::Unpublish => "unpublish",
            Self::ReturnToDraft => "draft",
        }
    }

    /// The button's words.
    pub fn label(self) -> &'static str {
        match self {
            Self::Submit => "Submit for review",
            Self::PublishNow => "Publish now",
            Self::Schedule => "Schedule",
            Self::SetTakedown => "Set takedown time",
            Self::Unpublish => "Unpublish",
            Self::ReturnToDraft => "Back to draft",
        }
    }

    /// The permission the action needs in [`may`].
    pub fn article_action(self) -> ArticleAction {
        match self {
            Self::Submit => ArticleAction::Submit,
            Self::PublishNow | Self::Schedule | Self::SetTakedown => ArticleAction::Publish,
            Self::Unpublish => ArticleAction::Unpublish,
            Self::ReturnToDraft => ArticleAction::ReturnToDraft,
        }
    }
}

/// What someone asked the workflow for: the button and the times as they submitted them (`None`
/// for an empty or missing field, which asks for no embargo or takedown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkflowRequest {
    pub action: WorkflowAction,
    pub publish_at: Option<DateTime<Utc>>,
    pub embargo_until: Option<DateTime<Utc>>,
    pub takedown_at: Option<DateTime<Utc>>,
}

/// The article's workflow state after an allowed change, to be stored as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkflowPlan {
    pub status: ArticleStatus,
    pub published_at: Option<DateTime<Utc>>,
    pub embargo_until: Option<DateTime<Utc>>,
    pub takedown_at: Option<DateTime<Utc>>,
}

/// Why a change was refused, and what kind of refusal it is (for the HTTP status).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct Refusal {
    pub kind: RefusalKind,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalKind {
    /// The person's role does not allow it.
    Forbidden,
    /// The request itself is wrong (a time in the past, a takedown before publication).
    Invalid,
    /// The article is not in a state that allows it (perhaps someone else changed it).
    Conflict,
}

impl Refusal {
    fn forbidden(reason: impl Into<String>) -> Self {
        Self {
            kind: RefusalKind::Forbidden,
            reason: reason.into(),
        }
    }
    fn invalid(reason: impl Into<String>) -> Self {
        Self {
            kind: RefusalKind::Invalid,
            reason: reason.into(),
        }
    }
    fn conflict(reason: impl Into<String>) -> Self {
        Self {
            kind: RefusalKind::Conflict,
            reason: reason.into(),
        }
    }
}

/// How times appear in messages: the newsroom's UTC format.
fn show(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn status_name(status: ArticleStatus) -> &'static str {
    match status {
        ArticleStatus::Draft => "draft",
        ArticleStatus::InReview => "in review",
        ArticleStatus::Scheduled => "scheduled",
        ArticleStatus::Published => "published",
        ArticleStatus::Unpublished => "unpublished",
    }
}

/// The sentence shown when [`may`] refuses `action`.
pub fn refusal_reason(
    role: Role,
    action: ArticleAction,
    own: bool,
    status: ArticleStatus,
) -> String {
    let what = match action {
        ArticleAction::Create => "create articles",
        ArticleAction::Edit => "edit this article",
        ArticleAction::Submit => "submit this article for review",
        ArticleAction::Publish => "publish or schedule this article",
        ArticleAction::Unpublish => "unpublish this article",
        ArticleAction::ReturnToDraft => "move this article back to draft",
        ArticleAction::Correct => "add corrections or updates",
    };
    let why = match (role, own) {
        (Role::Contributor, false) | (Role::Author, false) => " It is not one of your articles.",
        (Role::Contributor, true) if action == ArticleAction::Edit => {
            if status == ArticleStatus::Draft {
                ""
            } else {
                " Contributors can edit only their drafts; it is no longer a draft."
            }
        }
        _ => " Ask an editor.",
    };
    let who = match role {
        Role::Contributor => "a contributor",
        Role::Author => "an author",
        Role::Editor => "an editor",
        Role::Admin => "an admin",
    };
    format!("As {who} you cannot {what}.{why}")
}

/// Whether `person` may do `action` to `article` at all, by role and authorship.
pub fn authorise(
    article: &StoredArticle,
    person: &Person,
    action: ArticleAction,
) -> Result<(), Refusal> {
    let own = article.is_own(person);
    if may(person.role, action, own, article.status) {
        Ok(())
    } else {
        Err(Refusal::forbidden(refusal_reason(
            person.role,
            action,
            own,
            article.status,
        )))
    }
}

/// Whether `person` may start a new article (a draft of their own).
pub fn may_create(person: &Person) -> Result<(), Refusal> {
    let (action, status) = (ArticleAction::Create, ArticleStatus::Draft);
    if may(person.role, action, true, status) {
        Ok(())
    } else {
        Err(Refusal::forbidden(refusal_reason(
            person.role,
            action,
            true,
            status,
        )))
    }
}

/// Decides a workflow request: the state to store, or why not.
pub fn plan_workflow(
    article: &StoredArticle,
    person: &Person,
    request: &WorkflowRequest,
    now: DateTime<Utc>,
) -> Result<WorkflowPlan, Refusal> {
    use WorkflowAction as W;
    authorise(article, person, request.action.article_action())?;
    let unchanged = WorkflowPlan {
        status: article.status,
        published_at: article.published_at,
        embargo_until: article.embargo_until,
        takedown_at: article.takedown_at,
    };
    match request.action {
        W::SetTakedown => set_takedown(article, person, request.takedown_at, now, unchanged),
        W::PublishNow | W::Schedule => publish(article, person, request, now),
        W::Submit | W::Unpublish | W::ReturnToDraft => {
            if request.action == W::ReturnToDraft
                && article.status == ArticleStatus::Unpublished
                && !person.is_editor()
            {
                // Back to draft and then Publish would republish it without an editor.
                return Err(Refusal::forbidden(
                    "An editor unpublished this article; only an editor can reopen or republish it.",
                ));
            }
            let status = transition(article.status, request.action.article_action(), false)
                .ok_or_else(|| {
                    Refusal::conflict(format!(
                        "A {} article cannot do that; reload to see its current state.",
                        status_name(article.status)
                    ))
                })?;
            let published_at =
                if article.status == ArticleStatus::Scheduled && status == ArticleStatus::Draft {
                    // It never appeared: no publication date to keep.
                    None
                } else {
                    article.published_at
                };
            // The embargo and takedown are kept as stored: these buttons do not change them.
            Ok(WorkflowPlan {
                status,
                published_at,
                ..unchanged
            })
        }
    }
}

fn set_takedown(
    article: &StoredArticle,
    person: &Person,
    takedown_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    unchanged: WorkflowPlan,
) -> Result<WorkflowPlan, Refusal> {
    // A takedown is an unpublication decided in advance, so it is an editor's decision.
    if !person.is_editor() {
        return Err(Refusal::forbidden(
            "Only an editor can set, move or clear a takedown time. Ask an editor.",
        ));
    }
    if article.status != ArticleStatus::Published {
        return Err(Refusal::conflict(
            "Only a published article can be given a takedown time.",
        ));
    }
    if let Some(t) = takedown_at.filter(|t| *t <= now) {
        return Err(Refusal::invalid(format!(
            "The takedown time {} has passed; use Unpublish to take it down now.",
            show(t)
        )));
    }
    Ok(WorkflowPlan {
        takedown_at,
        ..unchanged
    })
}

fn publish(
    article: &StoredArticle,
    person: &Person,
    request: &WorkflowRequest,
    now: DateTime<Utc>,
) -> Result<WorkflowPlan, Refusal> {
    if !person.is_editor() {
        authors_may_publish(article, person, request)?;
    }
    let wanted = if request.action == WorkflowAction::Schedule {
        let at = request
            .publish_at
            .ok_or_else(|| Refusal::invalid("Choose when to publish."))?;
        if at <= now {
            return Err(Refusal::invalid(format!(
                "{} has passed: choose a time in the future, or Publish now.",
                show(at)
            )));
        }
        at
    } else {
        now
    };
    // The embargo is a floor: nothing publishes before it, whatever the button.
    let at = request.embargo_until.map_or(wanted, |e| e.max(wanted));
    if let Some(t) = request.takedown_at.filter(|t| *t <= at) {
        return Err(Refusal::invalid(format!(
            "The takedown time {} is before the article would publish.",
            show(t)
        )));
    }
    let later = at > now;
    let status = transition(article.status, ArticleAction::Publish, later).ok_or_else(|| {
        Refusal::conflict(format!(
            "A {} article cannot be published.",
            status_name(article.status)
        ))
    })?;
    // Republishing keeps the original date; a first publication is dated when it happens.
    let published_at = match (article.status, article.published_at) {
        (ArticleStatus::Unpublished, Some(first)) if !later => Some(first),
        _ => Some(at),
    };
    Ok(WorkflowPlan {
        status,
        published_at,
        embargo_until: request.embargo_until,
        takedown_at: request.takedown_at,
    })
}

/// The limits on an author publishing their own article, each protecting an editor's decision.
fn authors_may_publish(
    article: &StoredArticle,
    person: &Person,
    request: &WorkflowRequest,
) -> Result<(), Refusal> {
    // Only editors unpublish (by hand or by a takedown time), so this was an editor's decision.
    if article.status == ArticleStatus::Unpublished {
        return Err(Refusal::forbidden(
            "An editor unpublished this article; only an editor can republish it.",
        ));
    }
    // A byline is a colleague's name on the work: putting it there is checked by an editor.
    let alone = person
        .author_id
        .is_some_and(|me| article.author_ids.iter().all(|id| *id == me))
        && !article.author_ids.is_empty();
    if !alone {
        return Err(Refusal::forbidden(
            "Authors publish only under their own byline. This article carries a colleague's \
             byline (or not yours): submit it for review and an editor will publish it.",
        ));
    }
    match (article.embargo_until, request.embargo_until) {
        (Some(stored), None) => {
            return Err(Refusal::forbidden(format!(
                "This article is embargoed until {}; only an editor can lift an embargo.",
                show(stored)
            )));
        }
        (Some(stored), Some(asked)) if asked < stored => {
            return Err(Refusal::forbidden(format!(
                "This article is embargoed until {}; only an editor can bring an embargo forward.",
                show(stored)
            )));
        }
        _ => {}
    }
    if request.takedown_at != article.takedown_at {
        return Err(Refusal::forbidden(
            "Only an editor can set, move or clear a takedown time. Leave it as it is, or ask an \
             editor.",
        ));
    }
    Ok(())
}

/// Whether a save that sets the bylines to `new_author_ids` is allowed, once [`authorise`] allowed
/// the edit. Drafts take any bylines (publishing checks them); on a published or scheduled article
/// an author may only add themselves, since anything else changes whose name readers see without
/// review.
pub fn check_save(
    article: &StoredArticle,
    person: &Person,
    new_author_ids: &[i64],
) -> Result<(), Refusal> {
    authorise(article, person, ArticleAction::Edit)?;
    if person.is_editor()
        || !matches!(
            article.status,
            ArticleStatus::Published | ArticleStatus::Scheduled
        )
    {
        return Ok(());
    }
    let added_someone_else = new_author_ids
        .iter()
        .any(|id| !article.author_ids.contains(id) && Some(*id) != person.author_id);
    let removed_someone = article
        .author_ids
        .iter()
        .any(|id| !new_author_ids.contains(id));
    if added_someone_else || removed_someone {
        return Err(Refusal::forbidden(format!(
            "Only an editor can change the bylines of a {} article; you may add your own. The \
             rest of your changes are still in the form.",
            status_name(article.status)
        )));
    }
    Ok(())
}

/// The status buttons to offer `person` on `article` at `now`: those the rules would allow with
/// the embargo and takedown left as stored (and, for Schedule, a time ahead). A refusal for a bad
/// time is only known when the button is used, and shown then. The takedown time has a form of
/// its own ([`may_set_takedown`]).
pub fn offered_actions(
    article: &StoredArticle,
    person: &Person,
    now: DateTime<Utc>,
) -> Vec<WorkflowAction> {
    WorkflowAction::ALL
        .into_iter()
        .filter(|action| *action != WorkflowAction::SetTakedown)
        .filter(|&action| {
            let request = WorkflowRequest {
                action,
                publish_at: Some(now + chrono::Duration::days(1)),
                embargo_until: article.embargo_until,
                takedown_at: article.takedown_at,
            };
            let refused_by_role = matches!(
                plan_workflow(article, person, &request, now),
                Err(Refusal {
                    kind: RefusalKind::Forbidden,
                    ..
                })
            );
            let later = action == WorkflowAction::Schedule;
            !refused_by_role && transition(article.status, action.article_action(), later).is_some()
        })
        .collect()
}

/// Whether `person` may set, move or clear the takedown time of `article`: an editor's decision,
/// on a published article.
pub fn may_set_takedown(article: &StoredArticle, person: &Person) -> bool {
    person.is_editor() && article.status == ArticleStatus::Published
}

/// Whether the editor's script may save `article` as it is typed. Only unpublished drafts and
/// articles in review: a change readers would see is saved on purpose, with Save.
pub fn may_autosave(status: ArticleStatus) -> bool {
    matches!(status, ArticleStatus::Draft | ArticleStatus::InReview)
}

/// Whether `person` may open `article` in the newsroom (editor, revisions, comparisons).
pub fn may_read(article: &StoredArticle, person: &Person) -> bool {
    reads_everything(person.role)
        || article.status == ArticleStatus::Published
        || article.is_own(person)
}

/// Editors and admins read every article in the newsroom; others only what [`may_read`] allows.
/// The newsroom list applies the same rule in its query when this is false.
pub fn reads_everything(role: Role) -> bool {
    role >= Role::Editor
}

#[cfg(test)]
mod tests;
