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
use crate::newsroom::{ArticleAction, Role, may, transition};

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
mod tests {
    #![allow(clippy::unwrap_used)]
    use chrono::TimeZone;

    use super::*;
    use ArticleStatus as S;
    use WorkflowAction as W;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 3, 31, 12, 0, 0).unwrap()
    }
    fn hours(h: i64) -> DateTime<Utc> {
        now() + chrono::Duration::hours(h)
    }

    const ME: i64 = 10;
    const MY_BYLINE: i64 = 100;
    const COLLEAGUE_BYLINE: i64 = 200;

    fn person(role: Role) -> Person {
        Person {
            user_id: ME,
            role,
            author_id: Some(MY_BYLINE),
        }
    }

    /// My article in `status`, under my byline alone, with nothing scheduled.
    fn mine(status: ArticleStatus) -> StoredArticle {
        StoredArticle {
            status,
            owner_user_id: Some(ME),
            author_ids: vec![MY_BYLINE],
            published_at: matches!(status, S::Published | S::Unpublished).then(|| hours(-48)),
            embargo_until: None,
            takedown_at: None,
        }
    }

    fn request(action: WorkflowAction) -> WorkflowRequest {
        WorkflowRequest {
            action,
            publish_at: None,
            embargo_until: None,
            takedown_at: None,
        }
    }

    fn refused_as(result: Result<WorkflowPlan, Refusal>, kind: RefusalKind, words: &str) {
        let refusal = result.expect_err("refused");
        assert_eq!(refusal.kind, kind, "{}", refusal.reason);
        assert!(
            refusal.reason.contains(words),
            "{:?} lacks {words:?}",
            refusal.reason
        );
    }

    #[test]
    fn authors_and_editors_publish_their_own_article_now() {
        for role in [Role::Author, Role::Editor, Role::Admin] {
            let plan = plan_workflow(
                &mine(S::Draft),
                &person(role),
                &request(W::PublishNow),
                now(),
            )
            .unwrap();
            assert_eq!(plan.status, S::Published, "{role}");
            assert_eq!(plan.published_at, Some(now()));
        }
        refused_as(
            plan_workflow(
                &mine(S::Draft),
                &person(Role::Contributor),
                &request(W::PublishNow),
                now(),
            ),
            RefusalKind::Forbidden,
            "As a contributor",
        );
    }

    /// Each way an author could undo an embargo an editor set, with the form as the author sends
    /// it; every one is refused, and an editor may do each of them.
    #[test]
    fn an_author_cannot_lift_or_bring_forward_an_embargo() {
        let mut embargoed = mine(S::Scheduled);
        embargoed.embargo_until = Some(hours(2));
        embargoed.published_at = Some(hours(2));
        let cases = [
            (
                "publish now with the field emptied",
                W::PublishNow,
                None,
                "lift",
            ),
            (
                "publish now an hour earlier",
                W::PublishNow,
                Some(hours(1)),
                "forward",
            ),
            ("schedule with the field emptied", W::Schedule, None, "lift"),
        ];
        for (what, action, embargo_until, words) in cases {
            let asked = WorkflowRequest {
                embargo_until,
                publish_at: Some(hours(1)),
                ..request(action)
            };
            refused_as(
                plan_workflow(&embargoed, &person(Role::Author), &asked, now()),
                RefusalKind::Forbidden,
                words,
            );
            let plan = plan_workflow(&embargoed, &person(Role::Editor), &asked, now())
                .unwrap_or_else(|r| panic!("editor: {what}: {r}"));
            assert!(plan.published_at.unwrap() < hours(2), "editor: {what}");
        }
        // The same embargo sent back, or a later one, only holds publication back: allowed.
        for embargo in [hours(2), hours(5)] {
            let asked = WorkflowRequest {
                embargo_until: Some(embargo),
                ..request(W::PublishNow)
            };
            let plan = plan_workflow(&embargoed, &person(Role::Author), &asked, now()).unwrap();
            assert_eq!(plan.status, S::Scheduled);
            assert_eq!(plan.published_at, Some(embargo));
            assert_eq!(plan.embargo_until, Some(embargo));
        }
        // An author may embargo their own draft.
        let asked = WorkflowRequest {
            embargo_until: Some(hours(3)),
            ..request(W::PublishNow)
        };
        let plan = plan_workflow(&mine(S::Draft), &person(Role::Author), &asked, now()).unwrap();
        assert_eq!(
            (plan.status, plan.published_at),
            (S::Scheduled, Some(hours(3)))
        );
    }

    #[test]
    fn an_embargo_survives_going_back_to_draft() {
        let mut embargoed = mine(S::Scheduled);
        embargoed.embargo_until = Some(hours(2));
        embargoed.published_at = Some(hours(2));
        let plan = plan_workflow(
            &embargoed,
            &person(Role::Author),
            &request(W::ReturnToDraft),
            now(),
        )
        .unwrap();
        assert_eq!(plan.status, S::Draft);
        assert_eq!(plan.published_at, None);
        assert_eq!(
            plan.embargo_until,
            Some(hours(2)),
            "kept for the next publish"
        );
    }

    #[test]
    fn only_editors_set_move_or_clear_a_takedown() {
        let mut with_takedown = mine(S::Published);
        with_takedown.takedown_at = Some(hours(24));
        let cases = [
            (
                "set one a minute ahead",
                mine(S::Published),
                W::SetTakedown,
                Some(now() + chrono::Duration::minutes(1)),
            ),
            (
                "clear the editor's",
                with_takedown.clone(),
                W::SetTakedown,
                None,
            ),
            (
                "move the editor's",
                with_takedown.clone(),
                W::SetTakedown,
                Some(hours(48)),
            ),
        ];
        for (what, article, action, takedown_at) in cases {
            let asked = WorkflowRequest {
                takedown_at,
                ..request(action)
            };
            refused_as(
                plan_workflow(&article, &person(Role::Author), &asked, now()),
                RefusalKind::Forbidden,
                "Only an editor",
            );
            let plan = plan_workflow(&article, &person(Role::Editor), &asked, now())
                .unwrap_or_else(|r| panic!("editor: {what}: {r}"));
            assert_eq!(plan.takedown_at, takedown_at, "editor: {what}");
            assert_eq!(plan.status, S::Published);
        }
        // Nor through the publish buttons' takedown field.
        let mut scheduled = mine(S::Scheduled);
        scheduled.published_at = Some(hours(1));
        scheduled.takedown_at = Some(hours(24));
        for takedown_at in [None, Some(hours(2))] {
            let asked = WorkflowRequest {
                takedown_at,
                ..request(W::PublishNow)
            };
            refused_as(
                plan_workflow(&scheduled, &person(Role::Author), &asked, now()),
                RefusalKind::Forbidden,
                "takedown",
            );
        }
        let asked = WorkflowRequest {
            takedown_at: Some(hours(2)),
            ..request(W::PublishNow)
        };
        refused_as(
            plan_workflow(&mine(S::Draft), &person(Role::Author), &asked, now()),
            RefusalKind::Forbidden,
            "takedown",
        );
        // Sent back unchanged, it is no change: the author may publish.
        let asked = WorkflowRequest {
            takedown_at: Some(hours(24)),
            ..request(W::PublishNow)
        };
        let plan = plan_workflow(&scheduled, &person(Role::Author), &asked, now()).unwrap();
        assert_eq!(
            (plan.status, plan.takedown_at),
            (S::Published, Some(hours(24)))
        );
    }

    #[test]
    fn a_takedown_time_must_be_ahead_and_on_a_published_article() {
        let editor = person(Role::Editor);
        let asked = WorkflowRequest {
            takedown_at: Some(hours(-1)),
            ..request(W::SetTakedown)
        };
        refused_as(
            plan_workflow(&mine(S::Published), &editor, &asked, now()),
            RefusalKind::Invalid,
            "has passed",
        );
        let asked = WorkflowRequest {
            takedown_at: Some(hours(1)),
            ..request(W::SetTakedown)
        };
        refused_as(
            plan_workflow(&mine(S::Draft), &editor, &asked, now()),
            RefusalKind::Conflict,
            "Only a published article",
        );
        let asked = WorkflowRequest {
            embargo_until: Some(hours(3)),
            takedown_at: Some(hours(2)),
            ..request(W::PublishNow)
        };
        refused_as(
            plan_workflow(&mine(S::Draft), &editor, &asked, now()),
            RefusalKind::Invalid,
            "before the article would publish",
        );
    }

    #[test]
    fn only_editors_unpublish_and_republish() {
        refused_as(
            plan_workflow(
                &mine(S::Published),
                &person(Role::Author),
                &request(W::Unpublish),
                now(),
            ),
            RefusalKind::Forbidden,
            "cannot unpublish",
        );
        for action in [W::PublishNow, W::ReturnToDraft] {
            refused_as(
                plan_workflow(
                    &mine(S::Unpublished),
                    &person(Role::Author),
                    &request(action),
                    now(),
                ),
                RefusalKind::Forbidden,
                "An editor unpublished this article",
            );
        }
        let plan = plan_workflow(
            &mine(S::Unpublished),
            &person(Role::Editor),
            &request(W::PublishNow),
            now(),
        )
        .unwrap();
        assert_eq!(plan.status, S::Published);
        assert_eq!(plan.published_at, Some(hours(-48)), "keeps its first date");
        let plan = plan_workflow(
            &mine(S::Published),
            &person(Role::Admin),
            &request(W::Unpublish),
            now(),
        )
        .unwrap();
        assert_eq!(plan.status, S::Unpublished);
    }

    #[test]
    fn an_author_publishes_only_under_their_own_byline_alone() {
        let mut colleagues = mine(S::Draft);
        colleagues.author_ids = vec![COLLEAGUE_BYLINE];
        let mut shared = mine(S::InReview);
        shared.author_ids = vec![MY_BYLINE, COLLEAGUE_BYLINE];
        for (what, article) in [("only a colleague", colleagues), ("shared", shared)] {
            for action in [W::PublishNow, W::Schedule] {
                let asked = WorkflowRequest {
                    publish_at: Some(hours(1)),
                    ..request(action)
                };
                refused_as(
                    plan_workflow(&article, &person(Role::Author), &asked, now()),
                    RefusalKind::Forbidden,
                    "own byline",
                );
                assert!(
                    plan_workflow(&article, &person(Role::Editor), &asked, now()).is_ok(),
                    "editor: {what}"
                );
            }
            // Review is the way: the author may still submit a draft.
            if article.status == S::Draft {
                let plan =
                    plan_workflow(&article, &person(Role::Author), &request(W::Submit), now())
                        .unwrap();
                assert_eq!(plan.status, S::InReview);
            }
        }
        let no_byline = Person {
            author_id: None,
            ..person(Role::Author)
        };
        refused_as(
            plan_workflow(&mine(S::Draft), &no_byline, &request(W::PublishNow), now()),
            RefusalKind::Forbidden,
            "own byline",
        );
    }

    #[test]
    fn on_a_public_article_an_author_may_only_add_their_own_byline() {
        let author = person(Role::Author);
        let mut published = mine(S::Published);
        published.owner_user_id = Some(ME);
        published.author_ids = vec![COLLEAGUE_BYLINE];
        assert!(check_save(&published, &author, &[COLLEAGUE_BYLINE]).is_ok());
        assert!(check_save(&published, &author, &[COLLEAGUE_BYLINE, MY_BYLINE]).is_ok());
        let cases: [(&str, &[i64]); 2] = [
            ("removes the colleague", &[MY_BYLINE]),
            ("adds another colleague", &[COLLEAGUE_BYLINE, 300]),
        ];
        for status in [S::Published, S::Scheduled] {
            published.status = status;
            for (what, bylines) in cases {
                let refusal = check_save(&published, &author, bylines).expect_err(what);
                assert_eq!(refusal.kind, RefusalKind::Forbidden);
                assert!(check_save(&published, &person(Role::Editor), bylines).is_ok());
            }
        }
        // Drafts are not public: any bylines, checked when published.
        assert!(check_save(&mine(S::Draft), &author, &[COLLEAGUE_BYLINE]).is_ok());
        let mut others = mine(S::Draft);
        others.owner_user_id = Some(99);
        others.author_ids = vec![COLLEAGUE_BYLINE];
        assert!(check_save(&others, &author, &[COLLEAGUE_BYLINE]).is_err());
    }

    #[test]
    fn only_editors_and_admins_read_colleagues_unpublished_work() {
        let mut colleagues = mine(S::Draft);
        colleagues.owner_user_id = Some(99);
        colleagues.author_ids = vec![COLLEAGUE_BYLINE];
        for status in [
            S::Draft,
            S::InReview,
            S::Scheduled,
            S::Unpublished,
            S::Published,
        ] {
            colleagues.status = status;
            for role in Role::ALL {
                let expected = role >= Role::Editor || status == S::Published;
                assert_eq!(
                    may_read(&colleagues, &person(role)),
                    expected,
                    "{role} reads a colleague's {status:?}"
                );
                assert!(
                    may_read(&mine(status), &person(role)),
                    "{role} reads own {status:?}"
                );
            }
        }
        // A byline on it makes it one's own, whoever started it.
        colleagues.status = S::Scheduled;
        colleagues.author_ids.push(MY_BYLINE);
        assert!(may_read(&colleagues, &person(Role::Contributor)));
    }
}
