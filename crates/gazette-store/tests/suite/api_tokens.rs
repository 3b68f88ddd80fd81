//! Admin API tokens: kept as a hash, found by it with their person, revoked once, last use noted.

use std::sync::Arc;

use chrono::Duration;
use gazette_core::newsroom::Role;
use gazette_store::{
    ApiScope, AuditFilter, NewApiToken, NewAuditEntry, PageRequest, Store, StoreError,
};

use super::newsroom_store::{actor, person};
use super::now;

fn new_token(user_id: i64, name: &str, hash: &str) -> NewApiToken {
    NewApiToken {
        user_id,
        name: name.into(),
        prefix: format!("gzt_{}", &hash[..6]),
        secret_hash: hash.into(),
        scopes: vec![ApiScope::ReadDrafts, ApiScope::Publish],
        expires_at: now() + Duration::days(90),
    }
}

pub async fn api_tokens_are_found_by_their_hash_with_their_person(store: Arc<dyn Store>) {
    let olena = person(&store, "olena@news.test", Role::Editor).await;
    let taras = person(&store, "taras@news.test", Role::Author).await;
    let audit = NewAuditEntry {
        actor: actor(&olena),
        action: "create".into(),
        entity: "api_token".into(),
        entity_id: None,
        detail: "CMS sync".into(),
    };
    let made = store
        .create_api_token(
            new_token(olena.id, "  CMS sync ", "aaaaaa11"),
            Some(&audit),
            now(),
        )
        .await
        .unwrap();
    assert_eq!(made.name, "CMS sync", "the name is trimmed");
    assert_eq!(made.user_name, olena.name);
    assert_eq!(made.scopes, vec![ApiScope::ReadDrafts, ApiScope::Publish]);
    assert!(made.is_active(now()));
    assert!(!made.is_active(now() + Duration::days(91)), "expired");
    store
        .create_api_token(
            new_token(taras.id, "Phone", "bbbbbb22"),
            None,
            now() + Duration::seconds(1),
        )
        .await
        .unwrap();

    let (found, user) = store.api_token_by_hash("aaaaaa11").await.unwrap().unwrap();
    assert_eq!((found.id, user.id), (made.id, olena.id));
    assert!(store.api_token_by_hash("cccccc33").await.unwrap().is_none());

    let everyone: Vec<String> = store
        .api_tokens(None)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(everyone, ["Phone", "CMS sync"], "newest first");
    let own = store.api_tokens(Some(olena.id)).await.unwrap();
    assert_eq!(own.len(), 1);
    assert_eq!(own[0].name, "CMS sync");

    let log = store
        .audit_log(&AuditFilter::default(), PageRequest::new(1, 10))
        .await
        .unwrap();
    assert!(
        log.items
            .iter()
            .any(|e| e.entity == "api_token" && e.entity_id == Some(made.id)),
        "the audit entry names the new token"
    );
}

pub async fn a_token_needs_a_name_a_scope_and_a_person(store: Arc<dyn Store>) {
    let olena = person(&store, "olena@news.test", Role::Editor).await;
    let blank = store
        .create_api_token(new_token(olena.id, "   ", "aaaaaa11"), None, now())
        .await;
    assert!(matches!(blank, Err(StoreError::Invalid(_))), "{blank:?}");
    let scopeless = store
        .create_api_token(
            NewApiToken {
                scopes: Vec::new(),
                ..new_token(olena.id, "CMS", "aaaaaa11")
            },
            None,
            now(),
        )
        .await;
    assert!(
        matches!(scopeless, Err(StoreError::Invalid(_))),
        "{scopeless:?}"
    );
    let nobody = store
        .create_api_token(new_token(olena.id + 1000, "CMS", "aaaaaa11"), None, now())
        .await;
    assert!(matches!(nobody, Err(StoreError::Invalid(_))), "{nobody:?}");
    assert!(
        store.api_tokens(None).await.unwrap().is_empty(),
        "nothing stored"
    );
}

pub async fn a_revoked_token_stays_revoked_and_last_use_is_noted(store: Arc<dyn Store>) {
    let olena = person(&store, "olena@news.test", Role::Editor).await;
    let made = store
        .create_api_token(new_token(olena.id, "CMS", "aaaaaa11"), None, now())
        .await
        .unwrap();
    store
        .touch_api_token(made.id, "203.0.113.9", now() + Duration::minutes(5))
        .await
        .unwrap();
    let touched = store.api_token(made.id).await.unwrap().unwrap();
    assert_eq!(touched.last_used_at, Some(now() + Duration::minutes(5)));
    assert_eq!(touched.last_used_address, "203.0.113.9");

    assert!(store.revoke_api_token(made.id, None, now()).await.unwrap());
    assert!(
        !store
            .revoke_api_token(made.id, None, now() + Duration::days(1))
            .await
            .unwrap(),
        "the second revocation changes nothing"
    );
    let revoked = store.api_token(made.id).await.unwrap().unwrap();
    assert_eq!(revoked.revoked_at, Some(now()), "the first time is kept");
    assert!(!revoked.is_active(now()));
    assert!(matches!(
        store.revoke_api_token(made.id + 1, None, now()).await,
        Err(StoreError::NotFound)
    ));
}
