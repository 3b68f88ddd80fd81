//! The scope × endpoint matrix: every route of the Admin API, read from the router itself, is
//! in the table of scopes; each refuses a token without its scope (naming it) and a request
//! without a token, and lets a token with only its scope through.

use std::collections::BTreeSet;

use axum::http::{Method, StatusCode};
use gazette_core::newsroom::Role;
use gazette_store::ApiScope;
use gazette_web::api::admin::ROUTES;

use super::common::TestApp;
use super::{call, draft, person_with_token, token};

/// Every (method, path) the router serves under `/api/admin/`, from the document it generates
/// with the routes: a handler added to the router appears here whether or not the table has it.
fn routed() -> BTreeSet<(String, String)> {
    let (_, document) = gazette_web::api::routes();
    let json = serde_json::to_value(&document).unwrap();
    let mut found = BTreeSet::new();
    for (path, item) in json["paths"].as_object().unwrap() {
        if !path.starts_with("/api/admin/") {
            continue;
        }
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                found.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    found
}

#[test]
fn every_admin_route_is_in_the_scope_table_and_every_entry_is_routed() {
    let table: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_owned()))
        .collect();
    assert_eq!(table.len(), ROUTES.len(), "a route is listed twice");
    assert_eq!(routed(), table);
}

#[test]
fn every_admin_operation_names_the_bearer_scheme() {
    let (_, document) = gazette_web::api::routes();
    let json = serde_json::to_value(&document).unwrap();
    assert_eq!(
        json["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    for route in ROUTES {
        let operation = &json["paths"][route.path][route.method.as_str().to_lowercase()];
        assert_eq!(
            operation["security"][0]["bearer"],
            serde_json::json!([]),
            "{} {}",
            route.method,
            route.path
        );
        for status in ["401", "429"] {
            assert!(
                operation["responses"][status].is_object(),
                "{} {} documents {status}",
                route.method,
                route.path
            );
        }
        if route.scope.is_some() {
            assert!(operation["responses"]["403"].is_object());
        }
    }
}

/// The route's path with `{id}` filled in.
fn address(path: &str, id: i64) -> String {
    path.replace("{id}", &id.to_string())
}

#[tokio::test]
async fn each_route_needs_its_scope_and_a_token_and_no_other_scope() {
    let app = TestApp::init().await;
    let (admin, all) = person_with_token(&app, "admin@news.test", Role::Admin).await;
    let (id, _) = draft(&app, &all, "Matrix").await;
    for route in ROUTES {
        let path = address(route.path, id);
        let method: Method = route.method.clone();

        let anonymous = call(&app, method.clone(), &path, None, None).await;
        assert_eq!(
            anonymous.status,
            StatusCode::UNAUTHORIZED,
            "{method} {path}"
        );
        assert!(
            anonymous
                .response
                .header("www-authenticate")
                .starts_with("Bearer"),
            "{method} {path}"
        );
        assert_eq!(anonymous.code(), "unauthorized");

        let Some(scope) = route.scope else {
            // Any valid token will do: one with a single unrelated scope.
            let one = token(&app, &admin, "one", &[ApiScope::Media]).await;
            let answer = call(&app, method.clone(), &path, Some(&one), None).await;
            assert_eq!(answer.status, StatusCode::OK, "{method} {path}");
            continue;
        };
        let others: Vec<ApiScope> = ApiScope::ALL.into_iter().filter(|s| *s != scope).collect();
        let without = token(&app, &admin, "without", &others).await;
        let refused = call(&app, method.clone(), &path, Some(&without), None).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{method} {path}");
        assert!(
            refused.message().contains(&format!("`{}`", scope.as_str())),
            "{method} {path}: {}",
            refused.message()
        );

        let only = token(&app, &admin, "only", &[scope]).await;
        let let_through = call(&app, method.clone(), &path, Some(&only), None).await;
        assert!(
            !matches!(
                let_through.status,
                StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
            ),
            "{method} {path} with `{}`: {} {}",
            scope.as_str(),
            let_through.status,
            let_through.response.body
        );
    }
    app.finish().await;
}
