//! The audit log, for admins: every sign-in, edit, publication, role change and setting.

use axum::extract::{Query, State};
use axum::response::Response;
use gazette_core::newsroom::{Permission, has_permission};
use gazette_store::{AuditFilter, PageRequest};
use serde::Deserialize;

use super::auth::CurrentUser;
use super::pages::{layout, page_number, render, show_time};
use crate::error::{AppError, AppResult};
use crate::state::NewsroomState;

const PER_PAGE: u32 = 50;

#[derive(Debug, Deserialize)]
pub struct AuditQuery {
    action: Option<String>,
    entity: Option<String>,
    user: Option<String>,
    page: Option<String>,
}

pub fn require(user: &CurrentUser, permission: Permission, what: &str) -> AppResult<()> {
    if has_permission(user.user.role, permission) {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "Only {} can {what}.",
            if matches!(
                permission,
                Permission::ManageSections | Permission::ManageTags
            ) {
                "editors and admins"
            } else {
                "admins"
            }
        )))
    }
}

pub async fn list(
    State(state): State<NewsroomState>,
    user: CurrentUser,
    Query(query): Query<AuditQuery>,
) -> AppResult<Response> {
    require(&user, Permission::ReadAuditLog, "read the audit log")?;
    let filter = AuditFilter {
        user_id: query.user.as_deref().and_then(|u| u.trim().parse().ok()),
        action: query.action.clone().filter(|a| !a.trim().is_empty()),
        entity: query.entity.clone().filter(|e| !e.trim().is_empty()),
    };
    let page_no = page_number(query.page.as_deref());
    let page = state
        .store
        .audit_log(&filter, PageRequest::new(page_no, PER_PAGE))
        .await?;
    let users = state.store.users().await?;
    let rows: Vec<_> = page
        .items
        .iter()
        .map(|e| {
            minijinja::context! {
                at => show_time(e.at),
                actor => e.actor.clone(),
                action => e.action.clone(),
                entity => e.entity.clone(),
                entity_id => e.entity_id,
                detail => e.detail.clone(),
                address => e.address.clone(),
            }
        })
        .collect();
    let total_pages = page.total_pages();
    let link = |n: u32| {
        format!(
            "/newsroom/audit?action={}&entity={}&user={}&page={n}",
            gazette_core::text::url_encode(query.action.as_deref().unwrap_or("")),
            gazette_core::text::url_encode(query.entity.as_deref().unwrap_or("")),
            gazette_core::text::url_encode(query.user.as_deref().unwrap_or("")),
        )
    };
    render(
        "audit.html",
        minijinja::context! {
            ..layout(Some(&user), &crate::locale::locales().word(user.language(), "nr-nav-audit")),
            ..minijinja::context! {
                rows,
                users => users.iter().map(|u| minijinja::context! { id => u.id.to_string(), name => u.name.clone() }).collect::<Vec<_>>(),
                f => minijinja::context! {
                    action => query.action.clone().unwrap_or_default(),
                    entity => query.entity.clone().unwrap_or_default(),
                    user => query.user.clone().unwrap_or_default(),
                },
                page => page_no,
                total_pages,
                prev => (page_no > 1).then(|| link(page_no - 1)),
                next => (page_no < total_pages).then(|| link(page_no + 1)),
            }
        },
    )
}
