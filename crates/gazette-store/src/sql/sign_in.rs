//! Signing in safely: attempt limits, remembered devices, two-factor codes and sign-ins waiting for
//! their code.

use chrono::{DateTime, Utc};

use super::db::{Tx, query};
use super::journal::{audit_write, with_note};
use super::rows::{ChallengeRow, TwoFactorRow};
use super::{SqlStore, reference_error};
use crate::{
    LoginChallenge, LoginCounter, NewAuditEntry, NewLoginChallenge, SignInStore, StoreError,
    StoreResult, TwoFactorState,
};

async fn write_recovery_codes(
    tx: &mut Tx,
    user_id: i64,
    hashes: &[String],
    now: DateTime<Utc>,
) -> StoreResult<()> {
    query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(tx)
        .await?;
    for hash in hashes {
        query("INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES ($1, $2, $3)")
            .bind(user_id)
            .bind(hash)
            .bind(now.timestamp())
            .execute(tx)
            .await
            .map_err(|e| reference_error(e, "person"))?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl SignInStore for SqlStore {
    async fn charge_login_attempt(
        &self,
        counters: &[LoginCounter],
        window_start: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<usize>> {
        let guard = self.db.lock_writes().await;
        // Forget counters whose window is long over, outside the charging transaction.
        query(self.db.forget_login_limits_sql())
            .bind(window_start.timestamp() - 86_400)
            .execute(&mut self.db.conn().await?)
            .await?;
        // Charged in key order, so two sign-ins sharing counters lock them in the same order.
        let mut order: Vec<usize> = (0..counters.len()).collect();
        order.sort_by(|&a, &b| counters[a].key.cmp(&counters[b].key));
        order.dedup_by(|a, b| counters[*a].key == counters[*b].key);
        let mut tx = self.db.begin(guard).await?;
        let mut full: Option<usize> = None;
        for index in order {
            let counter = &counters[index];
            // One statement: the row lock it takes makes parallel charges wait for each other, and
            // each sees the count the one before left. A stale window restarts.
            let failures: i64 = query(
                "INSERT INTO login_limits (key, failures, window_start) VALUES ($1, 1, $2) \
                 ON CONFLICT (key) DO UPDATE SET \
                 failures = CASE WHEN login_limits.window_start < $3 THEN 1 ELSE login_limits.failures + 1 END, \
                 window_start = CASE WHEN login_limits.window_start < $3 THEN $2 ELSE login_limits.window_start END \
                 RETURNING failures",
            )
            .bind(&counter.key)
            .bind(now.timestamp())
            .bind(window_start.timestamp())
            .scalar(&mut tx)
            .await?;
            if failures > i64::from(counter.limit) {
                full = Some(full.map_or(index, |f| f.min(index)));
            }
        }
        // A refused attempt is not charged anywhere: refusals must not fill other counters (an
        // attacker stopped for one address would otherwise fill the account's count).
        if full.is_some() {
            tx.rollback().await?;
        } else {
            tx.commit().await?;
        }
        Ok(full)
    }

    async fn forgive_login_failures(&self, forgiven: &str, also: &[String]) -> StoreResult<()> {
        let _guard = self.db.lock_writes().await;
        let mut conn = self.db.conn().await?;
        // Separate statements, not one transaction: each touches one row, so no lock is held while
        // waiting for another (charges lock several, in key order).
        let failures: Option<i64> =
            query("DELETE FROM login_limits WHERE key = $1 RETURNING failures")
                .bind(forgiven)
                .fetch_optional::<(i64,)>(&mut conn)
                .await?
                .map(|(f,)| f);
        let Some(failures) = failures.filter(|f| *f > 0) else {
            return Ok(());
        };
        for key in also {
            query("UPDATE login_limits SET failures = CASE WHEN failures > $2 THEN failures - $2 ELSE 0 END WHERE key = $1")
                .bind(key)
                .bind(failures)
                .execute(&mut conn)
                .await?;
        }
        Ok(())
    }

    async fn refund_login_attempt(&self, counters: &[String]) -> StoreResult<()> {
        let _guard = self.db.lock_writes().await;
        let mut conn = self.db.conn().await?;
        for key in counters {
            query(
                "UPDATE login_limits SET failures = failures - 1 WHERE key = $1 AND failures > 0",
            )
            .bind(key)
            .execute(&mut conn)
            .await?;
        }
        Ok(())
    }

    async fn remember_device(
        &self,
        token_hash: &str,
        email: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.db.write().await?;
        query("DELETE FROM known_devices WHERE expires_at <= $1")
            .bind(now.timestamp())
            .execute(&mut tx)
            .await?;
        query(
            "INSERT INTO known_devices (token_hash, email, created_at, expires_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (token_hash) DO UPDATE SET email = excluded.email, expires_at = excluded.expires_at",
        )
        .bind(token_hash)
        .bind(email.chars().take(254).collect::<String>())
        .bind(now.timestamp())
        .bind(expires_at.timestamp())
        .execute(&mut tx)
        .await?;
        tx.commit().await
    }

    async fn known_device(
        &self,
        token_hash: &str,
        email: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let found = query(
            "SELECT 1 FROM known_devices WHERE token_hash = $1 AND email = $2 AND expires_at > $3",
        )
        .bind(token_hash)
        .bind(email)
        .bind(now.timestamp())
        .fetch_optional::<(i32,)>(&mut self.db.conn().await?)
        .await?;
        Ok(found.is_some())
    }

    async fn two_factor(&self, user_id: i64) -> StoreResult<Option<TwoFactorState>> {
        let row: Option<TwoFactorRow> = query(
            "SELECT two_factor, totp_secret, totp_pending, totp_last_step, two_factor_since, \
             (SELECT COUNT(*) FROM recovery_codes r WHERE r.user_id = users.id AND r.used_at IS NULL) AS codes_left \
             FROM users WHERE id = $1",
        )
        .bind(user_id)
        .fetch_optional(&mut self.db.conn().await?)
        .await?;
        row.map(TwoFactorState::try_from).transpose()
    }

    async fn begin_two_factor(
        &self,
        user_id: i64,
        secret: &str,
        audit: Option<&NewAuditEntry>,
    ) -> StoreResult<()> {
        let mut tx = self.db.write().await?;
        let changed = query("UPDATE users SET totp_pending = $1 WHERE id = $2")
            .bind(secret)
            .bind(user_id)
            .execute(&mut tx)
            .await?;
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        audit_write(&mut tx, audit, None, Utc::now()).await?;
        tx.commit().await
    }

    async fn enable_two_factor(
        &self,
        user_id: i64,
        secret: &str,
        step: i64,
        recovery_code_hashes: &[String],
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.db.write().await?;
        let changed = query(
            "UPDATE users SET two_factor = TRUE, totp_secret = totp_pending, totp_pending = NULL, \
             totp_last_step = $1, two_factor_since = $2 WHERE id = $3 AND totp_pending = $4",
        )
        .bind(step)
        .bind(now.timestamp())
        .bind(user_id)
        .bind(secret)
        .execute(&mut tx)
        .await?;
        if changed == 0 {
            return Err(StoreError::Stale(
                "two-factor set-up was started again (in another tab?); use the newest code shown"
                    .into(),
            ));
        }
        write_recovery_codes(&mut tx, user_id, recovery_code_hashes, now).await?;
        audit_write(&mut tx, audit, None, now).await?;
        tx.commit().await
    }

    async fn disable_two_factor(
        &self,
        user_id: i64,
        audit: Option<&NewAuditEntry>,
    ) -> StoreResult<bool> {
        let mut tx = self.db.write().await?;
        let Some((was_on,)) = query("SELECT two_factor FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional::<(bool,)>(&mut tx)
            .await?
        else {
            return Err(StoreError::NotFound);
        };
        query(
            "UPDATE users SET two_factor = FALSE, totp_secret = NULL, totp_pending = NULL, \
             totp_last_step = NULL, two_factor_since = NULL WHERE id = $1",
        )
        .bind(user_id)
        .execute(&mut tx)
        .await?;
        query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut tx)
            .await?;
        query("DELETE FROM login_challenges WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut tx)
            .await?;
        // Whether it was on is only known here, so the store says so in the entry.
        let entry = audit.map(|e| {
            if was_on {
                e.clone()
            } else {
                with_note(e, (" (", ")"), "it was not on")
            }
        });
        audit_write(&mut tx, entry.as_ref(), None, Utc::now()).await?;
        tx.commit().await?;
        Ok(was_on)
    }

    async fn accept_totp_step(&self, user_id: i64, step: i64) -> StoreResult<bool> {
        let _guard = self.db.lock_writes().await;
        Ok(query(
            "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND two_factor = TRUE \
             AND (totp_last_step IS NULL OR totp_last_step < $1)",
        )
        .bind(step)
        .bind(user_id)
        .execute(&mut self.db.conn().await?)
        .await?
            == 1)
    }

    async fn replace_recovery_codes(
        &self,
        user_id: i64,
        hashes: &[String],
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.db.write().await?;
        write_recovery_codes(&mut tx, user_id, hashes, now).await?;
        audit_write(&mut tx, audit, None, now).await?;
        tx.commit().await
    }

    async fn use_recovery_code(
        &self,
        user_id: i64,
        hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let _guard = self.db.lock_writes().await;
        // One statement: two sign-ins racing with the same code cannot both use it.
        Ok(query(
            "UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
        )
        .bind(now.timestamp())
        .bind(user_id)
        .bind(hash)
        .execute(&mut self.db.conn().await?)
        .await?
            >= 1)
    }

    async fn create_login_challenge(
        &self,
        challenge: NewLoginChallenge,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.db.write().await?;
        query("DELETE FROM login_challenges WHERE expires_at <= $1")
            .bind(now.timestamp())
            .execute(&mut tx)
            .await?;
        query(
            "INSERT INTO login_challenges (token_hash, user_id, csrf_token, next, address, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&challenge.token_hash)
        .bind(challenge.user_id)
        .bind(&challenge.csrf_token)
        .bind(&challenge.next)
        .bind(&challenge.address)
        .bind(now.timestamp())
        .bind(challenge.expires_at.timestamp())
        .execute(&mut tx)
        .await
        .map_err(|e| reference_error(e, "person"))?;
        audit_write(&mut tx, audit, None, now).await?;
        tx.commit().await
    }

    async fn login_challenge(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<LoginChallenge>> {
        let row: Option<ChallengeRow> = query(
            "SELECT c.user_id, c.csrf_token, c.next, c.address, c.expires_at FROM login_challenges c \
             JOIN users u ON u.id = c.user_id \
             WHERE c.token_hash = $1 AND c.expires_at > $2 AND u.disabled = FALSE",
        )
        .bind(token_hash)
        .bind(now.timestamp())
        .fetch_optional(&mut self.db.conn().await?)
        .await?;
        row.map(LoginChallenge::try_from).transpose()
    }

    async fn delete_login_challenge(&self, token_hash: &str) -> StoreResult<()> {
        let _guard = self.db.lock_writes().await;
        query("DELETE FROM login_challenges WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut self.db.conn().await?)
            .await?;
        Ok(())
    }
}
