//! One article, loaded for one person: the stored article and its workflow state, checked against
//! `gazette_core::workflow` (may they do this to it, may they read it). Every handler that touches
//! an article (the editor, revisions, corrections, media, presence) starts here.

use gazette_core::Article;
use gazette_core::newsroom::{ArticleAction, User};
use gazette_core::workflow::{self, Person, StoredArticle};
use gazette_store::{Actor, ArticleWorkflow};

use super::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::state::NewsroomState;

/// Someone acting in the newsroom's name: a signed-in person ([`CurrentUser`]), or a person
/// through an Admin API token ([`Acting`]). The newsroom's operations take either, so the API
/// and the newsroom's forms keep the same rules by running the same code.
pub trait Acts: Send + Sync {
    /// The person, whose role decides what they may do.
    fn user(&self) -> &User;
    /// Who the audit log and revisions name.
    fn actor(&self) -> Actor;
}

impl Acts for CurrentUser {
    fn user(&self) -> &User {
        &self.user
    }
    fn actor(&self) -> Actor {
        CurrentUser::actor(self)
    }
}

/// A person acting without a browser session (the Admin API): their account as stored, and the
/// name the audit log gives them (with the token's name).
#[derive(Debug, Clone)]
pub struct Acting {
    pub user: User,
    pub actor: Actor,
}

impl Acts for Acting {
    fn user(&self) -> &User {
        &self.user
    }
    fn actor(&self) -> Actor {
        self.actor.clone()
    }
}

/// The person acting, as the workflow rules see them.
pub fn person(who: &impl Acts) -> Person {
    let user = who.user();
    Person {
        user_id: user.id,
        role: user.role,
        author_id: user.author_id,
    }
}

/// The stored article, as the workflow rules see it.
pub fn stored(article: &Article, workflow: &ArticleWorkflow) -> StoredArticle {
    StoredArticle {
        status: article.status,
        owner_user_id: workflow.owner_user_id,
        author_ids: article.authors.iter().map(|a| a.id).collect(),
        published_at: article.published_at,
        embargo_until: workflow.embargo_until,
        takedown_at: workflow.takedown_at,
    }
}

/// An article's id from its address: anything else is an address with nothing at it.
pub fn article_id(raw: &str) -> AppResult<i64> {
    raw.trim().parse().map_err(|_| AppError::NotFound)
}

async fn load(state: &NewsroomState, id: i64) -> AppResult<(Article, ArticleWorkflow)> {
    let article = state.store.article(id).await?.ok_or(AppError::NotFound)?;
    let workflow = state
        .store
        .article_workflow(id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((article, workflow))
}

/// Loads an article for a person and checks that they may do `action` to it.
pub async fn authorised(
    state: &NewsroomState,
    user: &impl Acts,
    id: i64,
    action: ArticleAction,
) -> AppResult<(Article, ArticleWorkflow)> {
    let (article, workflow) = load(state, id).await?;
    workflow::authorise(&stored(&article, &workflow), &person(user), action)?;
    Ok((article, workflow))
}

/// Loads an article for a person who wants to read it in the newsroom.
pub async fn readable(
    state: &NewsroomState,
    user: &impl Acts,
    id: i64,
) -> AppResult<(Article, ArticleWorkflow)> {
    let (article, workflow) = load(state, id).await?;
    if !workflow::may_read(&stored(&article, &workflow), &person(user)) {
        return Err(AppError::Forbidden(
            "This is a colleague's unpublished article. Drafts, articles in review, scheduled, \
             embargoed and unpublished articles are open to their writers and to editors only."
                .into(),
        ));
    }
    Ok((article, workflow))
}
