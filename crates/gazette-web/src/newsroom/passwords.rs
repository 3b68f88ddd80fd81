//! Argon2 work — checking and hashing passwords — off the async workers, a few at a time.
//!
//! One Argon2 check takes tens of milliseconds of CPU on purpose. Run on a request thread it stalls
//! every other request that thread serves (a burst of sign-ins raised cached pages' worst latency
//! from 5 ms to over 600 ms), so it runs on tokio's blocking threads instead. Those are many, so a
//! semaphore keeps the number of checks at once near the number of cores: more would only share
//! the same cores more slowly. A request that cannot start its check within a short wait is told
//! to try again rather than queued without end, so a flood of sign-ins cannot pile up memory and
//! latency for everyone.

use std::sync::Arc;
use std::time::Duration;

use gazette_core::newsroom::{AccountError, hash_password, verify_password};
use tokio::sync::Semaphore;

use crate::error::{AppError, AppResult};

/// Runs password checks and hashes on blocking threads, at most `at_once` together.
#[derive(Debug)]
pub struct PasswordChecks {
    permits: Arc<Semaphore>,
    wait: Duration,
}

impl PasswordChecks {
    pub fn new(at_once: usize, wait: Duration) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(at_once.max(1))),
            wait,
        }
    }

    /// How many checks at once suit this machine: one per core.
    pub fn default_at_once() -> usize {
        std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> AppResult<T> {
        let permit = tokio::time::timeout(self.wait, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| AppError::Busy)?
            .map_err(|_| AppError::Busy)?;
        tokio::task::spawn_blocking(move || {
            // Held until the work is done, even if the request that asked has gone away.
            let _permit = permit;
            work()
        })
        .await
        .map_err(|e| AppError::Internal(format!("password check failed: {e}")))
    }

    /// Whether `password` matches the stored `hash`.
    pub async fn verify(&self, password: &str, hash: &str) -> AppResult<bool> {
        let (password, hash) = (password.to_owned(), hash.to_owned());
        self.run(move || verify_password(&password, &hash)).await
    }

    /// A new hash of `password`, or why the password is not acceptable.
    pub async fn hash(&self, password: &str) -> AppResult<Result<String, AccountError>> {
        let password = password.to_owned();
        self.run(move || hash_password(&password)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_check_that_cannot_start_in_time_is_refused_not_queued() {
        let checks = PasswordChecks::new(1, Duration::from_millis(10));
        let held = checks.permits.clone().acquire_owned().await;
        assert!(matches!(
            checks.verify("anything at all", "not a hash").await,
            Err(AppError::Busy)
        ));
        drop(held);
        assert!(
            !checks
                .verify("anything at all", "not a hash")
                .await
                .unwrap_or(true)
        );
    }
}
