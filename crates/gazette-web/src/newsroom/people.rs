//! People: admins add them, change roles and bylines, disable accounts, reset passwords and sign
//! people out everywhere.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use gazette_core::Slug;
use gazette_core::newsroom::{Permission, Role};
use gazette_core::people::{
    BylineChoice, NewPerson, PersonChange, PersonChangeInput, PersonError, PersonInput,
};
use gazette_store::{NewAuthor, NewUser, StoreError, UserChange};
use serde::Deserialize;

use super::audit::require;
use super::auth::{CurrentUser, PostForm};
use super::pages::{audit_entry, capitalise, layout, render, see_other, show_time};
use crate::error::{AppError, AppResult, Format, Place};
use crate::state::NewsroomState;

#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

async fn page(
    state: &NewsroomState,
    user: &CurrentUser,
    notice: Option<&str>,
    error: Option<String>,
    status: StatusCode,
) -> AppResult<Response> {
    require(user, Permission::ManageUsers, "manage people")?;
    let users = state.store.users().await?;
    let authors = state.store.authors().await?;
    let language = user.language();
    let l = crate::locale::locales();
    let notice = match notice {
        Some("created") => Some(l.word(language, "nr-users-notice-created")),
        Some("saved") => Some(l.word(language, "nr-saved")),
        Some("password") => Some(l.word(language, "nr-users-notice-password")),
        Some("signed_out") => Some(l.word(language, "nr-users-notice-signed-out")),
        Some("two_factor_reset") => Some(l.word(language, "nr-users-notice-two-factor-reset")),
        _ => None,
    };
    let mut response = render(
        "users.html",
        minijinja::context! {
            ..layout(Some(user), &l.word(language, "nr-nav-people")),
            ..minijinja::context! {
                users => users.iter().map(|u| minijinja::context! {
                    id => u.id, email => u.email.as_str(), name => u.name.clone(), role => u.role.as_str(),
                    disabled => u.disabled, author_id => u.author_id.map(|a| a.to_string()).unwrap_or_default(),
                    created => show_time(u.created_at),
                    two_factor => u.two_factor,
                }).collect::<Vec<_>>(),
                roles => Role::ALL.iter().map(|r| minijinja::context! { value => r.as_str(), label => super::pages::role_label(language, *r) }).collect::<Vec<_>>(),
                authors => authors.iter().map(|a| minijinja::context! { id => a.id.to_string(), name => a.name.clone() }).collect::<Vec<_>>(),
                notice,
                error,
            }
        },
    )?;
    *response.status_mut() = status;
    Ok(response)
}

pub async fn list(
    State(state): State<NewsroomState>,
    user: CurrentUser,
    Query(query): Query<NoticeQuery>,
) -> AppResult<Response> {
    page(&state, &user, query.notice.as_deref(), None, StatusCode::OK).await
}

fn bad(e: impl ToString) -> AppError {
    AppError::BadRequest(format!("{}.", capitalise(&e.to_string())))
}

/// The byline chosen in the form: an existing one, a new one in the person's name, or none.
async fn byline(state: &NewsroomState, choice: BylineChoice, name: &str) -> AppResult<Option<i64>> {
    match choice {
        BylineChoice::None => Ok(None),
        BylineChoice::Existing(id) => Ok(Some(id)),
        BylineChoice::New => {
            let slug = Slug::from_title(name).map_err(bad)?;
            let mut candidate = slug.clone();
            for n in 2..100 {
                match state
                    .store
                    .create_author(NewAuthor {
                        slug: candidate.clone(),
                        name: name.to_owned(),
                        bio: String::new(),
                        is_house: false,
                    })
                    .await
                {
                    Ok(author) => return Ok(Some(author.id)),
                    Err(StoreError::Conflict(_)) => candidate = slug.with_suffix(n),
                    Err(e) => return Err(e.into()),
                }
            }
            Err(AppError::Conflict(
                "Could not find a free address for the byline.".into(),
            ))
        }
    }
}

pub async fn create(State(state): State<NewsroomState>, post: PostForm) -> AppResult<Response> {
    let PostForm { user, form } = post;
    require(&user, Permission::ManageUsers, "manage people")?;
    let result = async {
        let NewPerson {
            email,
            name,
            role,
            byline: choice,
        } = PersonInput {
            email: form.text("email"),
            name: form.text("name"),
            role: form.text("role"),
            author: form.text("author"),
        }
        .parse()?;
        let password_hash = state
            .passwords
            .hash(form.get("password").unwrap_or(""))
            .await?
            .map_err(PersonError::from)?;
        let author_id = byline(&state, choice, &name).await?;
        // The store names the new person's id in the entry.
        let entry = audit_entry(
            &user.actor(),
            "create",
            "user",
            None,
            format!("{email} as {role}"),
        );
        Ok::<_, AppError>(
            state
                .store
                .create_user(
                    NewUser {
                        email,
                        name,
                        role,
                        password_hash,
                        author_id,
                    },
                    Some(&entry),
                    state.now(),
                )
                .await?,
        )
    }
    .await;
    match result {
        Ok(_) => Ok(see_other("/newsroom/users?notice=created")),
        Err(e @ (AppError::BadRequest(_) | AppError::Conflict(_))) => {
            let status = e.status(Format::Html);
            page(
                &state,
                &user,
                None,
                Some(e.message(Place::Newsroom)),
                status,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

fn id_of(raw: &str) -> AppResult<i64> {
    raw.parse().map_err(|_| AppError::NotFound)
}

pub async fn update(
    State(state): State<NewsroomState>,
    Path(id): Path<String>,
    post: PostForm,
) -> AppResult<Response> {
    let PostForm { user, form } = post;
    require(&user, Permission::ManageUsers, "manage people")?;
    let id = id_of(&id)?;
    let before = state.store.user(id).await?.ok_or(AppError::NotFound)?;
    // Checked whole before a new byline is made, so a refused change leaves none behind.
    let PersonChange {
        name,
        role,
        byline: choice,
        disabled,
    } = PersonChangeInput {
        name: form.text("name"),
        role: form.text("role"),
        author: form.text("author"),
        disabled: form.get("disabled").is_some(),
    }
    .parse()?;
    let change = UserChange {
        author_id: byline(&state, choice, &name).await?,
        name,
        role,
        disabled,
    };
    let after = &change;
    let mut changes = Vec::new();
    if before.role != after.role {
        changes.push(format!("role {} → {}", before.role, after.role));
    }
    if before.disabled != after.disabled {
        changes.push(if after.disabled {
            "disabled".to_owned()
        } else {
            "enabled".to_owned()
        });
    }
    if before.name != after.name {
        changes.push(format!("name {} → {}", before.name, after.name));
    }
    if before.author_id != after.author_id {
        changes.push("byline changed".to_owned());
    }
    let action = if before.role != after.role {
        "role_change"
    } else {
        "edit"
    };
    let entry = audit_entry(&user.actor(), action, "user", Some(id), changes.join("; "));
    match state.store.update_user(id, change, Some(&entry)).await {
        Ok(_) => {}
        Err(StoreError::Invalid(msg)) => {
            return page(
                &state,
                &user,
                None,
                Some(format!("{}.", capitalise(&msg))),
                StatusCode::BAD_REQUEST,
            )
            .await;
        }
        Err(e) => return Err(e.into()),
    }
    Ok(see_other("/newsroom/users?notice=saved"))
}

pub async fn reset_password(
    State(state): State<NewsroomState>,
    Path(id): Path<String>,
    post: PostForm,
) -> AppResult<Response> {
    let PostForm { user, form } = post;
    require(&user, Permission::ManageUsers, "manage people")?;
    let id = id_of(&id)?;
    let hash = match state
        .passwords
        .hash(form.get("password").unwrap_or(""))
        .await?
    {
        Ok(hash) => hash,
        Err(e) => {
            return page(
                &state,
                &user,
                None,
                Some(AppError::from(PersonError::from(e)).message(Place::Newsroom)),
                StatusCode::BAD_REQUEST,
            )
            .await;
        }
    };
    let entry = audit_entry(&user.actor(), "reset_password", "user", Some(id), "");
    state
        .store
        .set_user_password(id, &hash, Some(&entry))
        .await?;
    Ok(see_other("/newsroom/users?notice=password"))
}

pub async fn sign_out(
    State(state): State<NewsroomState>,
    Path(id): Path<String>,
    post: PostForm,
) -> AppResult<Response> {
    require(&post.user, Permission::ManageUsers, "manage people")?;
    let id = id_of(&id)?;
    // The store adds how many sessions ended to the entry's detail.
    let entry = audit_entry(
        &post.user.actor(),
        "logout_everywhere",
        "user",
        Some(id),
        "",
    );
    state.store.delete_user_sessions(id, Some(&entry)).await?;
    Ok(see_other("/newsroom/users?notice=signed_out"))
}
