//! Signing in safely: attempt limits, remembered browsers and two-factor codes.

use std::sync::Arc;

use chrono::Duration;
use gazette_core::newsroom::Role;
use gazette_store::{LoginCounter, NewLoginChallenge, Store, StoreError};

use super::newsroom_store::{person, session_for};
use super::now;

fn counters(limits: &[(&str, u32)]) -> Vec<LoginCounter> {
    limits
        .iter()
        .map(|(key, limit)| LoginCounter {
            key: (*key).to_owned(),
            limit: *limit,
        })
        .collect()
}

pub async fn sign_in_attempts_are_charged_up_to_each_limit_and_refusals_charge_nothing(
    store: Arc<dyn Store>,
) {
    let window = now() - Duration::minutes(15);
    let both = counters(&[("pair:olena", 2), ("address:203.0.113.1", 3)]);
    for _ in 0..2 {
        assert_eq!(
            store
                .charge_login_attempt(&both, window, now())
                .await
                .unwrap(),
            None
        );
    }
    assert_eq!(
        store
            .charge_login_attempt(&both, window, now())
            .await
            .unwrap(),
        Some(0),
        "the pair is full"
    );
    // The refusal above charged nothing to the address: one more attempt fits there.
    let address = counters(&[("address:203.0.113.1", 3)]);
    assert_eq!(
        store
            .charge_login_attempt(&address, window, now())
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .charge_login_attempt(&address, window, now())
            .await
            .unwrap(),
        Some(0)
    );

    // Both of the pair's failures were the address's too: forgiving them makes room there.
    store
        .forgive_login_failures("pair:olena", &["address:203.0.113.1".to_owned()])
        .await
        .unwrap();
    assert_eq!(
        store
            .charge_login_attempt(&both, window, now())
            .await
            .unwrap(),
        None,
        "a success forgives the pair's failures, in the pair and at the address"
    );

    let later = now() + Duration::minutes(16);
    assert_eq!(
        store
            .charge_login_attempt(&address, later - Duration::minutes(15), later)
            .await
            .unwrap(),
        None,
        "a new window starts again"
    );
    store
        .refund_login_attempt(&["address:203.0.113.1".to_owned()])
        .await
        .unwrap();
    for _ in 0..3 {
        assert_eq!(
            store
                .charge_login_attempt(&address, later - Duration::minutes(15), later)
                .await
                .unwrap(),
            None,
            "a refund gives back the one charge"
        );
    }
}

pub async fn parallel_sign_in_attempts_are_charged_one_at_a_time(store: Arc<dyn Store>) {
    let window = now() - Duration::minutes(15);
    let tries = (0..30).map(|i| {
        let store = store.clone();
        // Different orders of the same keys must not deadlock on PostgreSQL.
        let limits = if i % 2 == 0 {
            counters(&[("pair:taras", 5), ("account:taras", 50)])
        } else {
            counters(&[("account:taras", 50), ("pair:taras", 5)])
        };
        tokio::spawn(async move { store.charge_login_attempt(&limits, window, now()).await })
    });
    let tries: Vec<_> = tries.collect();
    let mut allowed = 0;
    for attempt in tries {
        if attempt.await.unwrap().unwrap().is_none() {
            allowed += 1;
        }
    }
    assert_eq!(allowed, 5);
}

pub async fn a_browser_is_known_for_the_account_it_signed_in_to_until_it_expires(
    store: Arc<dyn Store>,
) {
    store
        .remember_device(
            "device-hash",
            "olena@news.test",
            now() + Duration::days(90),
            now(),
        )
        .await
        .unwrap();
    assert!(
        store
            .known_device("device-hash", "olena@news.test", now())
            .await
            .unwrap()
    );
    assert!(
        !store
            .known_device("device-hash", "taras@news.test", now())
            .await
            .unwrap()
    );
    assert!(
        !store
            .known_device("other-hash", "olena@news.test", now())
            .await
            .unwrap()
    );
    assert!(
        !store
            .known_device("device-hash", "olena@news.test", now() + Duration::days(91))
            .await
            .unwrap()
    );
}

pub async fn two_factor_is_confirmed_then_each_code_works_once(store: Arc<dyn Store>) {
    let _admin = person(&store, "admin@news.test", Role::Admin).await;
    let olena = person(&store, "olena@news.test", Role::Author).await;
    let off = store.two_factor(olena.id).await.unwrap().unwrap();
    assert_eq!(off, Default::default());
    assert!(store.two_factor(999_999).await.unwrap().is_none());
    assert!(matches!(
        store.begin_two_factor(999_999, "X", None).await,
        Err(StoreError::NotFound)
    ));

    store
        .begin_two_factor(olena.id, "FIRSTSECRET", None)
        .await
        .unwrap();
    store
        .begin_two_factor(olena.id, "SECONDSECRET", None)
        .await
        .unwrap();
    let pending = store.two_factor(olena.id).await.unwrap().unwrap();
    assert_eq!(pending.pending.as_deref(), Some("SECONDSECRET"));
    assert!(!pending.enabled);
    let codes: Vec<String> = (0..10).map(|i| format!("hash-{i}")).collect();
    assert!(
        matches!(
            store
                .enable_two_factor(olena.id, "FIRSTSECRET", 100, &codes, None, now())
                .await,
            Err(StoreError::Stale(_))
        ),
        "only the secret shown last can be confirmed"
    );
    store
        .enable_two_factor(olena.id, "SECONDSECRET", 100, &codes, None, now())
        .await
        .unwrap();
    let on = store.two_factor(olena.id).await.unwrap().unwrap();
    assert!(on.enabled);
    assert_eq!(on.secret.as_deref(), Some("SECONDSECRET"));
    assert_eq!(on.pending, None);
    assert_eq!(on.last_step, Some(100));
    assert_eq!(on.since, Some(now()));
    assert_eq!(on.recovery_codes_left, 10);
    assert!(store.user(olena.id).await.unwrap().unwrap().two_factor);
    session_for(&store, &olena, "laptop", 1).await;
    assert!(
        store
            .session("laptop", now())
            .await
            .unwrap()
            .unwrap()
            .1
            .two_factor
    );

    assert!(
        !store.accept_totp_step(olena.id, 100).await.unwrap(),
        "the confirming code is used"
    );
    assert!(store.accept_totp_step(olena.id, 101).await.unwrap());
    assert!(
        !store.accept_totp_step(olena.id, 101).await.unwrap(),
        "no code twice"
    );
    assert!(
        !store.accept_totp_step(olena.id, 99).await.unwrap(),
        "nor an older one"
    );

    assert!(
        store
            .use_recovery_code(olena.id, "hash-3", now())
            .await
            .unwrap()
    );
    assert!(
        !store
            .use_recovery_code(olena.id, "hash-3", now())
            .await
            .unwrap(),
        "once only"
    );
    assert!(
        !store
            .use_recovery_code(olena.id, "hash-unknown", now())
            .await
            .unwrap()
    );
    assert!(
        !store
            .use_recovery_code(_admin.id, "hash-4", now())
            .await
            .unwrap(),
        "not another person's"
    );
    assert_eq!(
        store
            .two_factor(olena.id)
            .await
            .unwrap()
            .unwrap()
            .recovery_codes_left,
        9
    );
    store
        .replace_recovery_codes(olena.id, &["fresh".to_owned()], None, now())
        .await
        .unwrap();
    assert!(
        !store
            .use_recovery_code(olena.id, "hash-4", now())
            .await
            .unwrap(),
        "old codes stop working"
    );
    assert_eq!(
        store
            .two_factor(olena.id)
            .await
            .unwrap()
            .unwrap()
            .recovery_codes_left,
        1
    );

    let challenge = NewLoginChallenge {
        token_hash: "waiting".into(),
        user_id: olena.id,
        csrf_token: "challenge-csrf".into(),
        next: "/newsroom/articles/3".into(),
        address: "192.0.2.7".into(),
        expires_at: now() + Duration::minutes(5),
    };
    store
        .create_login_challenge(challenge.clone(), None, now())
        .await
        .unwrap();
    let found = store
        .login_challenge("waiting", now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            found.user_id,
            found.next.as_str(),
            found.csrf_token.as_str()
        ),
        (olena.id, "/newsroom/articles/3", "challenge-csrf")
    );
    assert!(
        store
            .login_challenge("waiting", now() + Duration::minutes(6))
            .await
            .unwrap()
            .is_none(),
        "expired"
    );
    store.delete_login_challenge("waiting").await.unwrap();
    assert!(
        store
            .login_challenge("waiting", now())
            .await
            .unwrap()
            .is_none()
    );

    store
        .create_login_challenge(
            NewLoginChallenge {
                token_hash: "again".into(),
                ..challenge
            },
            None,
            now(),
        )
        .await
        .unwrap();
    assert!(store.disable_two_factor(olena.id, None).await.unwrap());
    assert!(
        store
            .login_challenge("again", now())
            .await
            .unwrap()
            .is_none(),
        "turning off ends waiting sign-ins"
    );
    let cleared = store.two_factor(olena.id).await.unwrap().unwrap();
    assert_eq!(cleared, Default::default());
    assert!(
        !store.accept_totp_step(olena.id, 500).await.unwrap(),
        "no codes without two-factor"
    );
    assert!(
        !store.disable_two_factor(olena.id, None).await.unwrap(),
        "it was already off"
    );
    assert!(matches!(
        store.disable_two_factor(999_999, None).await,
        Err(StoreError::NotFound)
    ));
}
