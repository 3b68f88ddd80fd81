use super::*;
use serde_json::json;

/// A small export: `data` is merged into an otherwise minimal `db[0].data`.
fn export(version: &str, data: Value) -> String {
    let mut tables = json!({
        "posts": [], "tags": [], "users": [], "posts_tags": [], "posts_authors": [], "posts_meta": []
    });
    if let (Some(tables), Value::Object(extra)) = (tables.as_object_mut(), data) {
        tables.extend(extra);
    }
    json!({"db": [{"meta": {"exported_on": 1_700_000_000_000_u64, "version": version}, "data": tables}]})
        .to_string()
}

fn read(text: &str) -> GhostExport {
    read_ghost_export(text.as_bytes()).expect("the export reads")
}

fn post(id: &str, extra: Value) -> Value {
    let mut post = json!({
        "id": id, "uuid": "u", "title": format!("Post {id}"), "slug": format!("post-{id}"),
        "html": "<p>Hello</p>", "lexical": null, "mobiledoc": null, "feature_image": null,
        "featured": 0, "type": "post", "status": "published", "visibility": "public",
        "published_at": "2024-05-03 09:15:00", "updated_at": "2024-05-04 10:00:00",
        "custom_excerpt": null
    });
    if let (Some(post), Value::Object(extra)) = (post.as_object_mut(), extra) {
        post.extend(extra);
    }
    post
}

fn tag(id: &str, name: &str, visibility: &str) -> Value {
    json!({"id": id, "name": name, "slug": name.to_lowercase().replace('#', "hash-"),
           "description": null, "visibility": visibility})
}

fn post_tag(post_id: &str, tag_id: &str, sort_order: i64) -> Value {
    json!({"id": format!("{post_id}-{tag_id}"), "post_id": post_id, "tag_id": tag_id, "sort_order": sort_order})
}

#[test]
fn a_published_post_carries_its_fields() {
    let text = export(
        "6.10.1",
        json!({
            "posts": [post("p1", json!({"custom_excerpt": "Short.", "featured": true}))],
            "users": [{"id": "u1", "name": "Mira Sol", "slug": "mira", "email": "mira@lantern.example", "bio": "Keeps the light."}],
            "posts_authors": [{"id": "a", "post_id": "p1", "author_id": "u1", "sort_order": 0}],
            "posts_meta": [{"id": "m", "post_id": "p1", "meta_title": "Lights", "meta_description": "Back on."}]
        }),
    );
    let export = read(&text);
    assert_eq!(export.version, "6.10.1");
    assert_eq!(export.site_url, None);
    assert_eq!(
        export.authors,
        vec![SourceAuthor {
            key: "u1".to_owned(),
            slug: "mira".to_owned(),
            name: "Mira Sol".to_owned(),
            email: Some("mira@lantern.example".to_owned()),
            bio: "Keeps the light.".to_owned(),
        }]
    );
    let item = &export.items[0];
    assert_eq!(item.key, "p1");
    assert_eq!(item.kind, ItemKind::Post);
    assert_eq!(item.status, SourceStatus::Published);
    assert_eq!(item.slug, "post-p1");
    assert_eq!(item.excerpt, "Short.");
    assert_eq!(item.content, SourceContent::Html("<p>Hello</p>".to_owned()));
    assert_eq!(item.author_keys, vec!["u1".to_owned()]);
    assert!(item.featured);
    assert_eq!(item.link.as_deref(), Some("/post-p1/"));
    assert_eq!(item.seo_title.as_deref(), Some("Lights"));
    assert_eq!(item.seo_description.as_deref(), Some("Back on."));
    assert_eq!(
        item.published_at.map(|date| date.to_rfc3339()),
        Some("2024-05-03T09:15:00+00:00".to_owned())
    );
    assert_eq!(
        item.modified_at.map(|date| date.to_rfc3339()),
        Some("2024-05-04T10:00:00+00:00".to_owned())
    );
}

#[test]
fn statuses_map_and_newsletters_are_skipped() {
    let text = export(
        "5.80.0",
        json!({"posts": [
            post("a", json!({"status": "draft", "published_at": null})),
            post("b", json!({"status": "scheduled", "published_at": "2030-01-01T08:00:00.000Z"})),
            post("c", json!({"status": "sent"})),
            post("d", json!({"status": "archived"})),
        ]}),
    );
    let export = read(&text);
    let statuses: Vec<&SourceStatus> = export.items.iter().map(|item| &item.status).collect();
    assert_eq!(statuses[0], &SourceStatus::Draft);
    assert_eq!(export.items[0].published_at, None);
    assert_eq!(statuses[1], &SourceStatus::Scheduled);
    assert_eq!(
        export.items[1].published_at.map(|date| date.to_rfc3339()),
        Some("2030-01-01T08:00:00+00:00".to_owned())
    );
    assert!(matches!(statuses[2], SourceStatus::Skipped(reason) if reason.contains("newsletter")));
    assert!(matches!(statuses[3], SourceStatus::Skipped(reason) if reason.contains("archived")));
}

#[test]
fn the_primary_tag_is_the_category_and_internal_tags_are_ignored() {
    let text = export(
        "6.0.0",
        json!({
            "posts": [post("p1", json!({}))],
            "tags": [tag("t1", "Coast", "public"), tag("t2", "#hidden", "internal"),
                     tag("t3", "Night", "public"), tag("t4", "#legacy", "public")],
            // Given out of order: sort_order decides, and the first public tag is primary.
            "posts_tags": [post_tag("p1", "t1", 2), post_tag("p1", "t2", 0),
                           post_tag("p1", "t3", 1), post_tag("p1", "t4", 3),
                           post_tag("p1", "missing", 4)]
        }),
    );
    let export = read(&text);
    assert_eq!(export.items[0].categories, vec!["t3".to_owned()]);
    assert_eq!(export.items[0].tags, vec!["t1".to_owned()]);
    let term_keys: Vec<&str> = export.terms.iter().map(|term| term.key.as_str()).collect();
    assert_eq!(term_keys, vec!["t1", "t3"]);
}

#[test]
fn authors_follow_their_sort_order() {
    let text = export(
        "6.0.0",
        json!({
            "posts": [post("p1", json!({}))],
            "users": [{"id": "u1", "name": "A", "slug": "a"}, {"id": "u2", "name": "B", "slug": "b"}],
            "posts_authors": [{"post_id": "p1", "author_id": "u2", "sort_order": 1},
                              {"post_id": "p1", "author_id": "u1", "sort_order": 0}]
        }),
    );
    assert_eq!(
        read(&text).items[0].author_keys,
        vec!["u1".to_owned(), "u2".to_owned()]
    );
}

#[test]
fn the_feature_image_is_named_by_its_original_path() {
    let text = export(
        "6.0.0",
        json!({
            "posts": [
                post("p1", json!({"feature_image": "__GHOST_URL__/content/images/size/w600/2024/05/pier.jpg"})),
                post("p2", json!({"feature_image": "__GHOST_URL__/content/images/size/w600/2024/05/pier.jpg"})),
                post("p3", json!({"feature_image": "https://images.unsplash.com/photo-1?w=2000"})),
            ],
            "posts_meta": [{"post_id": "p1", "feature_image_alt": "The pier", "feature_image_caption": "At dawn"}]
        }),
    );
    let export = read(&text);
    assert_eq!(
        export.items[0].featured_image.as_deref(),
        Some("__GHOST_URL__/content/images/size/w600/2024/05/pier.jpg")
    );
    assert_eq!(
        export.images.len(),
        2,
        "each image once: {:?}",
        export.images
    );
    assert_eq!(
        export.images[0],
        SourceImage {
            key: "__GHOST_URL__/content/images/size/w600/2024/05/pier.jpg".to_owned(),
            url: "__GHOST_URL__/content/images/size/w600/2024/05/pier.jpg".to_owned(),
            relative_path: Some("2024/05/pier.jpg".to_owned()),
            alt: "The pier".to_owned(),
            caption: "At dawn".to_owned(),
            title: String::new(),
            parent_id: None,
        }
    );
    assert_eq!(export.images[1].relative_path, None);
}

#[test]
fn content_image_paths_under_the_site_address() {
    let site = Some("https://lantern.example");
    assert_eq!(
        content_image_path(
            "https://lantern.example/content/images/format/webp/size/w1200/2023/01/a%20b.png",
            site
        )
        .as_deref(),
        Some("2023/01/a b.png")
    );
    assert_eq!(
        content_image_path("https://other.example/content/images/x.png", site),
        None
    );
    assert_eq!(
        content_image_path("https://other.example/content/images/x.png", None).as_deref(),
        Some("x.png")
    );
    assert_eq!(
        content_image_path("__GHOST_URL__/content/media/a.mp4", None),
        None
    );
}

#[test]
fn pages_are_pages_and_the_site_address_makes_links() {
    let text = export(
        "6.0.0",
        json!({
            "posts": [post("p1", json!({"type": "page", "slug": "about"})),
                      post("p2", json!({"type": "newsletter-issue"}))],
            "settings": [{"key": "title", "value": "The Lantern"}, {"key": "url", "value": "https://lantern.example/"}]
        }),
    );
    let export = read(&text);
    assert_eq!(export.site_url.as_deref(), Some("https://lantern.example"));
    assert_eq!(export.items.len(), 1);
    assert_eq!(export.items[0].kind, ItemKind::Page);
    assert_eq!(
        export.items[0].link.as_deref(),
        Some("https://lantern.example/about/")
    );
    assert_eq!(export.skipped.len(), 1);
    assert!(export.skipped[0].1.contains("newsletter-issue"));
}

#[test]
fn a_post_without_html_is_kept_with_a_warning() {
    let text = export(
        "5.0.0",
        json!({"posts": [post("p1", json!({"html": null, "lexical": "{\"root\":{}}"}))]}),
    );
    let export = read(&text);
    assert_eq!(export.items[0].content, SourceContent::Html(String::new()));
    assert_eq!(export.warnings.len(), 1);
    assert_eq!(export.warnings[0].0, "Post p1");
}

#[test]
fn odd_field_types_are_read_as_missing() {
    let text = export(
        "6.0.0",
        json!({"posts": [post("p1", json!({"title": 7, "featured": "yes", "published_at": []}))],
               "tags": null, "posts_tags": {"not": "a list"}}),
    );
    let export = read(&text);
    assert_eq!(export.items[0].title, "");
    assert!(!export.items[0].featured);
    assert_eq!(export.items[0].published_at, None);
}

#[test]
fn bad_json_names_the_line_and_column() {
    let error = read_ghost_export(&b"{\n  \"db\": [,]\n}"[..]).expect_err("not JSON");
    assert!(
        matches!(error, GhostError::NotJson { line: 2, .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("line 2"));
    assert!(matches!(
        read_ghost_export(&b""[..]),
        Err(GhostError::NotJson { .. })
    ));
}

#[test]
fn json_that_is_not_a_ghost_export_says_so() {
    for text in ["[]", "{\"db\": []}", "{\"db\": [{\"data\": {}}]}", "42"] {
        let error = read_ghost_export(text.as_bytes()).expect_err(text);
        assert!(
            matches!(error, GhostError::NotGhost(_)),
            "{text}: {error:?}"
        );
        assert!(error.to_string().contains("db[0].data.posts"));
    }
}

#[test]
fn versions_outside_5_and_6_are_refused_by_name() {
    let error = read_ghost_export(export("4.48.2", json!({})).as_bytes()).expect_err("old");
    assert!(error.to_string().contains("Ghost 4.48.2"), "{error}");
    let no_version = "{\"db\": [{\"meta\": {}, \"data\": {\"posts\": []}}]}";
    assert!(matches!(
        read_ghost_export(no_version.as_bytes()),
        Err(GhostError::NoVersion)
    ));
}

#[test]
fn deeply_nested_json_is_an_error_not_a_crash() {
    let text = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(matches!(
        read_ghost_export(text.as_bytes()),
        Err(GhostError::NotJson { .. })
    ));
}

#[test]
fn a_post_for_members_only_stays_a_draft_with_a_warning() {
    let text = export(
        "6.10.1",
        json!({"posts": [
            post("free", json!({})),
            post("members", json!({"visibility": "members"})),
            post("paid", json!({"visibility": "paid"})),
            post("draft", json!({"visibility": "paid", "status": "draft"})),
        ]}),
    );
    let export = read(&text);
    let status = |key: &str| {
        export
            .items
            .iter()
            .find(|i| i.key == key)
            .map(|i| i.status.clone())
            .unwrap()
    };
    assert_eq!(status("free"), SourceStatus::Published);
    assert_eq!(status("members"), SourceStatus::Draft);
    assert_eq!(status("paid"), SourceStatus::Draft);
    assert_eq!(status("draft"), SourceStatus::Draft);
    let warned: Vec<&str> = export.warnings.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(warned, ["Post members", "Post paid"]);
    assert!(export.warnings[1].1.contains("paying members"));
}
