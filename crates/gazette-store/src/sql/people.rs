//! The newsroom's people and their sessions.

use chrono::{DateTime, Utc};
use gazette_core::newsroom::{Email, Role, Session, User};

use super::db::{AsConn, query};
use super::journal::{audit_write, with_note};
use super::rows::{CredentialsRow, SessionRow, UserRow};
use super::{SqlStore, clean_text, convert, is_unique_violation, reference_error, time};
use crate::{NewAuditEntry, NewSession, NewUser, PeopleStore, StoreError, StoreResult, UserChange};

const USER_COLUMNS: &str =
    "id, email, name, role, disabled, author_id, created_at, two_factor, ui_language";

fn checked_name(name: &str) -> StoreResult<String> {
    let name = clean_text(name);
    if name.is_empty() {
        return Err(StoreError::Invalid("a person needs a name".into()));
    }
    Ok(name)
}

/// Enabled admins other than `except`.
async fn other_admins(c: &mut impl AsConn, except: i64) -> StoreResult<i64> {
    Ok(
        query("SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = FALSE AND id <> $1")
            .bind(except)
            .scalar(c)
            .await?,
    )
}

async fn user_on(c: &mut impl AsConn, id: i64) -> StoreResult<Option<User>> {
    let row: Option<UserRow> = query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
        .bind(id)
        .fetch_optional(c)
        .await?;
    row.map(User::try_from).transpose()
}

#[async_trait::async_trait]
impl PeopleStore for SqlStore {
    async fn create_user(
        &self,
        user: NewUser,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<User> {
        let name = checked_name(&user.name)?;
        let mut tx = self.db.write().await?;
        let row: UserRow = query(&format!(
            "INSERT INTO users (email, name, role, password_hash, disabled, author_id, created_at) \
             VALUES ($1, $2, $3, $4, FALSE, $5, $6) RETURNING {USER_COLUMNS}"
        ))
        .bind(user.email.as_str())
        .bind(name)
        .bind(user.role.as_str())
        .bind(&user.password_hash)
        .bind(user.author_id)
        .bind(now.timestamp())
        .fetch_one(&mut tx)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                StoreError::Conflict(format!("a person with the e-mail address {}", user.email))
            } else {
                reference_error(e, "author")
            }
        })?;
        let created = User::try_from(row)?;
        // People are not content: no change-log entry, nothing for caches to refresh.
        audit_write(&mut tx, audit, Some(created.id), now).await?;
        tx.commit().await?;
        Ok(created)
    }

    async fn users(&self) -> StoreResult<Vec<User>> {
        let rows: Vec<UserRow> = query(&format!(
            "SELECT {USER_COLUMNS} FROM users ORDER BY name, id"
        ))
        .fetch_all(&mut self.db.conn().await?)
        .await?;
        convert(rows)
    }

    async fn user(&self, id: i64) -> StoreResult<Option<User>> {
        user_on(&mut self.db.conn().await?, id).await
    }

    async fn user_credentials(&self, email: &Email) -> StoreResult<Option<(User, String)>> {
        let row: Option<CredentialsRow> = query(&format!(
            "SELECT {USER_COLUMNS}, password_hash FROM users WHERE email = $1"
        ))
        .bind(email.as_str())
        .fetch_optional(&mut self.db.conn().await?)
        .await?;
        row.map(|row| Ok((User::try_from(row.user)?, row.password_hash)))
            .transpose()
    }

    async fn update_user(
        &self,
        id: i64,
        change: UserChange,
        audit: Option<&NewAuditEntry>,
    ) -> StoreResult<User> {
        let name = checked_name(&change.name)?;
        let mut tx = self.db.write().await?;
        let current = user_on(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
        let stops_being_admin = current.role == Role::Admin
            && !current.disabled
            && (change.role != Role::Admin || change.disabled);
        if stops_being_admin && other_admins(&mut tx, id).await? == 0 {
            return Err(StoreError::Invalid(
                "this is the only admin: make someone else an admin first".into(),
            ));
        }
        let row: UserRow = query(&format!(
            "UPDATE users SET name = $1, role = $2, disabled = $3, author_id = $4 WHERE id = $5 \
             RETURNING {USER_COLUMNS}"
        ))
        .bind(name)
        .bind(change.role.as_str())
        .bind(change.disabled)
        .bind(change.author_id)
        .bind(id)
        .fetch_one(&mut tx)
        .await
        .map_err(|e| reference_error(e, "author"))?;
        if change.disabled {
            query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id)
                .execute(&mut tx)
                .await?;
        }
        let updated = User::try_from(row)?;
        audit_write(&mut tx, audit, None, Utc::now()).await?;
        tx.commit().await?;
        Ok(updated)
    }

    async fn set_ui_language(
        &self,
        id: i64,
        language: gazette_core::Language,
        audit: Option<&NewAuditEntry>,
    ) -> StoreResult<User> {
        let mut tx = self.db.write().await?;
        let row: Option<UserRow> = query(&format!(
            "UPDATE users SET ui_language = $1 WHERE id = $2 RETURNING {USER_COLUMNS}"
        ))
        .bind(language.code())
        .bind(id)
        .fetch_optional(&mut tx)
        .await?;
        let updated = User::try_from(row.ok_or(StoreError::NotFound)?)?;
        audit_write(&mut tx, audit, None, Utc::now()).await?;
        tx.commit().await?;
        Ok(updated)
    }

    async fn set_user_password(
        &self,
        id: i64,
        password_hash: &str,
        audit: Option<&NewAuditEntry>,
    ) -> StoreResult<()> {
        let mut tx = self.db.write().await?;
        let changed = query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(id)
            .execute(&mut tx)
            .await?;
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        query("DELETE FROM sessions WHERE user_id = $1")
            .bind(id)
            .execute(&mut tx)
            .await?;
        audit_write(&mut tx, audit, None, Utc::now()).await?;
        tx.commit().await
    }

    async fn create_session(
        &self,
        session: NewSession,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.db.write().await?;
        // Expired sessions are swept here rather than by a job: sign-ins are rare enough.
        query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now.timestamp())
            .execute(&mut tx)
            .await?;
        query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, address, user_agent) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&session.token_hash)
        .bind(session.user_id)
        .bind(&session.csrf_token)
        .bind(now.timestamp())
        .bind(session.expires_at.timestamp())
        .bind(&session.address)
        .bind(session.user_agent.chars().take(300).collect::<String>())
        .execute(&mut tx)
        .await
        .map_err(|e| reference_error(e, "person"))?;
        audit_write(&mut tx, audit, None, now).await?;
        tx.commit().await
    }

    async fn session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<(Session, User)>> {
        let row: Option<SessionRow> = query(
            "SELECT s.csrf_token, s.created_at AS session_created_at, s.expires_at, \
             u.id, u.email, u.name, u.role, u.disabled, u.author_id, u.created_at, u.two_factor, \
             u.ui_language \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = FALSE",
        )
        .bind(token_hash)
        .bind(now.timestamp())
        .fetch_optional(&mut self.db.conn().await?)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let user = User::try_from(row.user)?;
        let session = Session {
            user_id: user.id,
            csrf_token: row.csrf_token,
            created_at: time(row.session_created_at)?,
            expires_at: time(row.expires_at)?,
        };
        Ok(Some((session, user)))
    }

    async fn delete_session(
        &self,
        token_hash: &str,
        audit: Option<&NewAuditEntry>,
    ) -> StoreResult<()> {
        let mut tx = self.db.write().await?;
        query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut tx)
            .await?;
        audit_write(&mut tx, audit, None, Utc::now()).await?;
        tx.commit().await
    }

    async fn delete_user_sessions(
        &self,
        user_id: i64,
        audit: Option<&NewAuditEntry>,
    ) -> StoreResult<u64> {
        let mut tx = self.db.write().await?;
        let ended = query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut tx)
            .await?;
        // The count is only known here, so the store adds it to the entry.
        let entry = audit.map(|e| with_note(e, ("; ", ""), &format!("{ended} sessions ended")));
        audit_write(&mut tx, entry.as_ref(), None, Utc::now()).await?;
        tx.commit().await?;
        Ok(ended)
    }
}
