//! Scenario by scenario: who may do what to an article, decided from what is stored.

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
                plan_workflow(&article, &person(Role::Author), &request(W::Submit), now()).unwrap();
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

#[test]
fn contributors_edit_only_their_own_drafts() {
    use ArticleAction as A;
    use ArticleStatus as S;
    assert!(may(Role::Contributor, A::Edit, true, S::Draft));
    assert!(!may(Role::Contributor, A::Edit, true, S::InReview));
    assert!(!may(Role::Contributor, A::Edit, false, S::Draft));
    assert!(!may(Role::Contributor, A::Publish, true, S::Draft));
    assert!(may(Role::Author, A::Publish, true, S::InReview));
    assert!(!may(Role::Author, A::Publish, false, S::InReview));
    assert!(!may(Role::Author, A::Unpublish, true, S::Published));
    assert!(may(Role::Editor, A::Unpublish, false, S::Published));
}

#[test]
fn the_workflow_allows_only_its_transitions() {
    use ArticleAction as A;
    use ArticleStatus as S;
    assert_eq!(transition(S::Draft, A::Submit, false), Some(S::InReview));
    assert_eq!(
        transition(S::InReview, A::Publish, true),
        Some(S::Scheduled)
    );
    assert_eq!(
        transition(S::InReview, A::Publish, false),
        Some(S::Published)
    );
    assert_eq!(transition(S::Published, A::Publish, false), None);
    assert_eq!(transition(S::Draft, A::Unpublish, false), None);
    assert_eq!(
        transition(S::Published, A::Unpublish, false),
        Some(S::Unpublished)
    );
}

#[test]
fn the_panel_offers_only_the_buttons_the_rules_allow() {
    let editor = Person {
        user_id: 1,
        role: Role::Editor,
        author_id: None,
    };
    let contributor = Person {
        user_id: ME,
        role: Role::Contributor,
        author_id: Some(MY_BYLINE),
    };
    let draft = StoredArticle {
        status: S::Draft,
        owner_user_id: Some(ME),
        author_ids: vec![MY_BYLINE],
        published_at: None,
        embargo_until: None,
        takedown_at: None,
    };
    assert_eq!(
        offered_actions(&draft, &contributor, now()),
        vec![W::Submit]
    );
    assert_eq!(
        offered_actions(&draft, &editor, now()),
        vec![W::Submit, W::PublishNow, W::Schedule]
    );
    let published = StoredArticle {
        status: S::Published,
        published_at: Some(hours(-1)),
        ..draft
    };
    assert_eq!(
        offered_actions(&published, &editor, now()),
        vec![W::Unpublish]
    );
    assert!(may_set_takedown(&published, &editor));
    assert!(!may_set_takedown(&published, &contributor));
    assert!(may_autosave(S::InReview) && !may_autosave(S::Published));
    for action in WorkflowAction::ALL {
        assert_eq!(WorkflowAction::parse(action.as_str()), Some(action));
    }
}
