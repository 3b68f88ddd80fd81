//! After an import, the old site's addresses keep working: links on other sites, in search
//! engines and in readers' bookmarks answer 301 with the new address.

use gazette_core::{NewArticle, Slug, StaticPage};
use gazette_store::{Actor, ImportedArticle, NewAuthor};

use super::*;

fn importer() -> Actor {
    Actor {
        user_id: None,
        name: "Import from WordPress".into(),
        address: String::new(),
    }
}

async fn imported_site() -> TestApp {
    let app = TestApp::init().await;
    let article = NewArticle {
        slug: Some(Slug::parse("grain-corridor-reopens").unwrap()),
        ..app.article("Grain corridor reopens")
    };
    let item = ImportedArticle {
        key: "https://old.example/?p=12".into(),
        fingerprint: "f".into(),
        article,
        featured_media_id: None,
        pinned: false,
        old_addresses: vec!["/?p=12".into(), "/news/grain-corridor-reopens.html".into()],
    };
    app.store
        .write_imported_articles("wordpress:https://old.example", &[item], &importer(), now())
        .await
        .unwrap();
    let page = StaticPage {
        slug: Slug::parse("about").unwrap(),
        title: "About us".into(),
        body_markdown: "Who we are.".into(),
        body_html: String::new(),
    };
    app.store.put_page(&page).await.unwrap();
    app.store
        .add_old_addresses(&[("/?page_id=7".into(), "/pages/about".into())])
        .await
        .unwrap();
    app.store.ensure_tag("Energy").await.unwrap();
    app.store
        .create_author(NewAuthor {
            slug: Slug::parse("ines-duarte").unwrap(),
            name: "Ines Duarte".into(),
            bio: String::new(),
            is_house: false,
        })
        .await
        .unwrap();
    app
}

async fn location(app: &TestApp, path: &str) -> String {
    let response = app.get(path).await;
    assert_eq!(
        response.status,
        StatusCode::MOVED_PERMANENTLY,
        "{path} should be redirected"
    );
    response.header("location").to_owned()
}

#[tokio::test]
async fn a_wordpress_post_asked_for_by_number_is_sent_to_its_new_address() {
    let app = imported_site().await;
    let article = "/war/grain-corridor-reopens";
    assert_eq!(location(&app, "/?p=12").await, article);
    // Twice: the front page's cache must not answer for it the second time.
    assert_eq!(location(&app, "/?p=12").await, article);
    assert_eq!(location(&app, "/?p=12&utm_source=telegram").await, article);
    assert_eq!(location(&app, "/?page_id=7").await, "/pages/about");
    assert_eq!(
        app.get("/?p=9999").await.status,
        StatusCode::OK,
        "an unknown number is the front page, as on WordPress"
    );
    assert_eq!(app.get("/").await.status, StatusCode::OK);
}

#[tokio::test]
async fn dated_plain_and_recorded_permalinks_lead_to_the_article() {
    let app = imported_site().await;
    let article = "/war/grain-corridor-reopens";
    for old in [
        "/2025/03/30/grain-corridor-reopens/",
        "/2025/03/grain-corridor-reopens/",
        "/grain-corridor-reopens/",
        "/grain-corridor-reopens",
        "/news/grain-corridor-reopens.html",
    ] {
        assert_eq!(location(&app, old).await, article, "{old}");
    }
    assert_eq!(location(&app, "/about/").await, "/pages/about");
    let head = app
        .request(
            Request::head("/2025/03/30/grain-corridor-reopens/")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(head.status, StatusCode::MOVED_PERMANENTLY);
}

#[tokio::test]
async fn category_tag_and_author_archives_lead_to_their_pages_here() {
    let app = imported_site().await;
    assert_eq!(location(&app, "/category/war/").await, "/war");
    assert_eq!(location(&app, "/category/world/war/").await, "/war");
    assert_eq!(location(&app, "/category/energy/").await, "/tags/energy");
    assert_eq!(location(&app, "/tag/energy/").await, "/tags/energy");
    assert_eq!(
        location(&app, "/author/ines-duarte/").await,
        "/authors/ines-duarte"
    );
}

#[tokio::test]
async fn addresses_that_name_nothing_stay_not_found() {
    let app = imported_site().await;
    for path in [
        "/2025/03/30/no-such-story/",
        "/category/nothing/",
        "/tag/nothing/",
        "/author/nobody/",
        "/2025/03/30/../../etc/passwd",
        "/%2e%2e/x",
    ] {
        assert_eq!(app.get(path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    let mut draft = app.article("Unreleased draft");
    draft.status = ArticleStatus::Draft;
    draft.slug = Some(Slug::parse("unreleased-draft").unwrap());
    app.publish(draft).await;
    assert_eq!(
        app.get("/2025/03/30/unreleased-draft/").await.status,
        StatusCode::NOT_FOUND,
        "an old address never reveals a draft's new one"
    );
}
