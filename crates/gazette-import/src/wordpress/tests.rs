use super::*;
use crate::source::{ItemKind, SourceContent, SourceStatus};

/// A small export: a channel with the given body (authors, terms, items).
fn wxr(body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>The Lantern</title>
  <link>https://lantern.example</link>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>https://lantern.example/blog</wp:base_site_url>
{body}
</channel>
</rss>
"#
    )
}

/// One `<item>` with the fields most tests vary; `extra` goes inside it.
fn item(post_type: &str, status: &str, extra: &str) -> String {
    format!(
        r#"<item>
  <title><![CDATA[Harbour lights return]]></title>
  <link>https://lantern.example/2024/05/harbour-lights/</link>
  <dc:creator><![CDATA[mira]]></dc:creator>
  <guid isPermaLink="false">https://lantern.example/?p=42</guid>
  <content:encoded><![CDATA[<!-- wp:paragraph --><p>Back on.</p><!-- /wp:paragraph -->]]></content:encoded>
  <excerpt:encoded><![CDATA[They are back.]]></excerpt:encoded>
  <wp:post_id>42</wp:post_id>
  <wp:post_type><![CDATA[{post_type}]]></wp:post_type>
  <wp:status><![CDATA[{status}]]></wp:status>
  {extra}
</item>"#
    )
}

fn records(text: &str) -> Vec<Result<WxrRecord, WxrError>> {
    WxrReader::new(text.as_bytes()).collect()
}

fn ok_records(text: &str) -> Vec<WxrRecord> {
    records(text)
        .into_iter()
        .collect::<Result<_, _>>()
        .expect("the export reads without error")
}

fn only_item(text: &str) -> SourceItem {
    let items: Vec<SourceItem> = ok_records(text)
        .into_iter()
        .filter_map(|record| match record {
            WxrRecord::Item(item) => Some(item),
            _ => None,
        })
        .collect();
    assert_eq!(items.len(), 1, "{items:?}");
    items.into_iter().next().expect("one item")
}

fn only_error(text: &str) -> WxrError {
    let all = records(text);
    let last = all.last().expect("at least one record");
    assert!(
        all[..all.len() - 1].iter().all(Result::is_ok),
        "the error comes last: {all:?}"
    );
    match last {
        Err(error) => error.clone(),
        Ok(record) => panic!("expected an error, got {record:?}"),
    }
}

#[test]
fn the_site_comes_first_with_the_base_url() {
    let all = ok_records(&wxr(""));
    assert_eq!(
        all,
        vec![WxrRecord::Site {
            base_url: "https://lantern.example/blog".to_owned(),
            title: "The Lantern".to_owned(),
        }]
    );
}

#[test]
fn the_site_falls_back_to_the_channel_link() {
    let text = wxr("").replace(
        "<wp:base_site_url>https://lantern.example/blog</wp:base_site_url>",
        "",
    );
    let first = ok_records(&text).into_iter().next();
    assert!(
        matches!(first, Some(WxrRecord::Site { base_url, .. }) if base_url == "https://lantern.example")
    );
}

#[test]
fn a_published_post_carries_its_fields() {
    let extra = r#"
  <wp:post_date><![CDATA[2024-05-03 11:15:00]]></wp:post_date>
  <wp:post_date_gmt><![CDATA[2024-05-03 09:15:00]]></wp:post_date_gmt>
  <wp:post_modified><![CDATA[2024-05-04 12:00:00]]></wp:post_modified>
  <wp:post_modified_gmt><![CDATA[2024-05-04 10:00:00]]></wp:post_modified_gmt>
  <wp:post_name><![CDATA[harbour-lights]]></wp:post_name>
  <wp:is_sticky>0</wp:is_sticky>"#;
    let post = only_item(&wxr(&item("post", "publish", extra)));
    assert_eq!(post.key, "https://lantern.example/?p=42");
    assert_eq!(post.numeric_id, Some(42));
    assert_eq!(post.kind, ItemKind::Post);
    assert_eq!(post.title, "Harbour lights return");
    assert_eq!(post.slug, "harbour-lights");
    assert_eq!(post.status, SourceStatus::Published);
    assert_eq!(
        post.published_at.map(|date| date.to_rfc3339()),
        Some("2024-05-03T09:15:00+00:00".to_owned())
    );
    assert_eq!(
        post.modified_at.map(|date| date.to_rfc3339()),
        Some("2024-05-04T10:00:00+00:00".to_owned())
    );
    assert_eq!(post.excerpt, "They are back.");
    assert_eq!(
        post.content,
        SourceContent::WordPress(
            "<!-- wp:paragraph --><p>Back on.</p><!-- /wp:paragraph -->".to_owned()
        )
    );
    assert_eq!(post.author_keys, vec!["mira".to_owned()]);
    assert_eq!(
        post.link.as_deref(),
        Some("https://lantern.example/2024/05/harbour-lights/")
    );
    assert!(!post.featured);
    assert_eq!(post.featured_image, None);
}

#[test]
fn each_status_maps_to_its_own() {
    let cases = [
        ("publish", SourceStatus::Published),
        ("draft", SourceStatus::Draft),
        ("pending", SourceStatus::Draft),
        ("private", SourceStatus::Draft),
        ("future", SourceStatus::Scheduled),
    ];
    for (status, expected) in cases {
        assert_eq!(
            only_item(&wxr(&item("post", status, ""))).status,
            expected,
            "{status}"
        );
    }
}

#[test]
fn statuses_not_imported_are_skipped_with_a_reason() {
    for (status, reason_part) in [
        ("trash", "trash"),
        ("auto-draft", "auto-draft"),
        ("inherit", "revision"),
        ("archived-by-plugin", "archived-by-plugin"),
    ] {
        match only_item(&wxr(&item("page", status, ""))).status {
            SourceStatus::Skipped(reason) => {
                assert!(reason.contains(reason_part), "{status}: {reason}");
            }
            other => panic!("{status} became {other:?}"),
        }
    }
}

#[test]
fn a_password_protected_post_stays_a_draft() {
    let extra = "<wp:post_password><![CDATA[secret]]></wp:post_password>";
    assert_eq!(
        only_item(&wxr(&item("post", "publish", extra))).status,
        SourceStatus::Draft
    );
}

#[test]
fn pages_are_pages() {
    assert_eq!(
        only_item(&wxr(&item("page", "publish", ""))).kind,
        ItemKind::Page
    );
}

#[test]
fn an_undated_draft_has_no_dates() {
    let extra = r#"
  <wp:post_date><![CDATA[2024-05-03 11:15:00]]></wp:post_date>
  <wp:post_date_gmt><![CDATA[0000-00-00 00:00:00]]></wp:post_date_gmt>"#;
    let draft = only_item(&wxr(&item("post", "draft", extra)));
    assert_eq!(draft.published_at, None);
    assert_eq!(draft.modified_at, None);
}

#[test]
fn a_published_post_without_a_gmt_date_falls_back_to_its_local_date() {
    let extra = r#"
  <wp:post_date>2019-12-31 23:59:58</wp:post_date>
  <wp:post_date_gmt>0000-00-00 00:00:00</wp:post_date_gmt>"#;
    let post = only_item(&wxr(&item("post", "publish", extra)));
    assert_eq!(
        post.published_at.map(|date| date.to_rfc3339()),
        Some("2019-12-31T23:59:58+00:00".to_owned())
    );
}

#[test]
fn percent_encoded_slugs_are_decoded() {
    let extra =
        "<wp:post_name><![CDATA[%d0%bd%d0%be%d0%b2%d0%be%d1%81%d1%82%d0%b8]]></wp:post_name>
  <category domain=\"category\" nicename=\"%d0%bc%d0%b8%d1%80\"><![CDATA[Мир]]></category>";
    let post = only_item(&wxr(&item("post", "publish", extra)));
    assert_eq!(post.slug, "новости");
    assert_eq!(post.categories, vec!["мир".to_owned()]);
}

#[test]
fn a_sticky_post_is_featured() {
    let extra = "<wp:is_sticky>1</wp:is_sticky>";
    assert!(only_item(&wxr(&item("post", "publish", extra))).featured);
}

#[test]
fn categories_and_tags_are_told_apart_and_kept_in_order() {
    let extra = r#"
  <category domain="post_tag" nicename="tides"><![CDATA[Tides]]></category>
  <category domain="category" nicename="coast"><![CDATA[Coast]]></category>
  <category domain="post_format" nicename="post-format-aside"><![CDATA[Aside]]></category>
  <category domain="category" nicename="city"><![CDATA[City]]></category>
  <category domain="post_tag" nicename="night"><![CDATA[Night]]></category>
  <category domain="category" nicename="coast"><![CDATA[Coast]]></category>"#;
    let post = only_item(&wxr(&item("post", "publish", extra)));
    assert_eq!(post.categories, vec!["coast".to_owned(), "city".to_owned()]);
    assert_eq!(post.tags, vec!["tides".to_owned(), "night".to_owned()]);
}

#[test]
fn the_yoast_primary_category_comes_first() {
    let terms = r#"
<wp:category><wp:term_id>7</wp:term_id><wp:category_nicename>coast</wp:category_nicename><wp:cat_name>Coast</wp:cat_name></wp:category>
<wp:category><wp:term_id>9</wp:term_id><wp:category_nicename>city</wp:category_nicename><wp:cat_name>City</wp:cat_name></wp:category>"#;
    let extra = r#"
  <category domain="category" nicename="coast"><![CDATA[Coast]]></category>
  <category domain="category" nicename="city"><![CDATA[City]]></category>
  <wp:postmeta><wp:meta_key>_yoast_wpseo_primary_category</wp:meta_key><wp:meta_value>9</wp:meta_value></wp:postmeta>
  <wp:postmeta><wp:meta_key>_yoast_wpseo_title</wp:meta_key><wp:meta_value><![CDATA[Lights back on the harbour]]></wp:meta_value></wp:postmeta>
  <wp:postmeta><wp:meta_key>_yoast_wpseo_metadesc</wp:meta_key><wp:meta_value><![CDATA[%%excerpt%%]]></wp:meta_value></wp:postmeta>"#;
    let text = wxr(&format!("{terms}\n{}", item("post", "publish", extra)));
    let post = only_item(&text);
    assert_eq!(post.categories, vec!["city".to_owned(), "coast".to_owned()]);
    assert_eq!(
        post.seo_title.as_deref(),
        Some("Lights back on the harbour")
    );
    // A Yoast template only Yoast could fill in is not a description.
    assert_eq!(post.seo_description, None);
}

#[test]
fn the_thumbnail_names_the_attachment() {
    let extra = "<wp:postmeta><wp:meta_key><![CDATA[_thumbnail_id]]></wp:meta_key><wp:meta_value><![CDATA[77]]></wp:meta_value></wp:postmeta>";
    let post = only_item(&wxr(&item("post", "publish", extra)));
    assert_eq!(post.featured_image.as_deref(), Some("77"));
}

#[test]
fn an_attachment_becomes_an_image() {
    let text = wxr(r#"<item>
  <title>Lighthouse at dusk</title>
  <guid isPermaLink="false">https://lantern.example/wp-content/uploads/2024/05/lighthouse.jpg</guid>
  <excerpt:encoded><![CDATA[The keeper's view.]]></excerpt:encoded>
  <wp:post_id>77</wp:post_id>
  <wp:status>inherit</wp:status>
  <wp:post_type>attachment</wp:post_type>
  <wp:attachment_url>https://lantern.example/wp-content/uploads/2024/05/lighthouse.jpg</wp:attachment_url>
  <wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key><wp:meta_value>2024/05/lighthouse.jpg</wp:meta_value></wp:postmeta>
  <wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key><wp:meta_value>A lighthouse &amp; its beam</wp:meta_value></wp:postmeta>
</item>"#);
    let all = ok_records(&text);
    assert_eq!(
        all[1],
        WxrRecord::Attachment(SourceImage {
            key: "77".to_owned(),
            url: "https://lantern.example/wp-content/uploads/2024/05/lighthouse.jpg".to_owned(),
            relative_path: Some("2024/05/lighthouse.jpg".to_owned()),
            alt: "A lighthouse & its beam".to_owned(),
            caption: "The keeper's view.".to_owned(),
            title: "Lighthouse at dusk".to_owned(),
            parent_id: None,
        })
    );
}

#[test]
fn an_attachment_without_its_file_meta_takes_the_path_from_its_address() {
    let text = wxr(r#"<item><title>Pier</title><wp:post_id>78</wp:post_id>
  <wp:post_type>attachment</wp:post_type>
  <wp:attachment_url>https://cdn.example/wp-content/uploads/2023/01/pier.png?ver=2</wp:attachment_url></item>"#);
    match &ok_records(&text)[1] {
        WxrRecord::Attachment(image) => {
            assert_eq!(image.relative_path.as_deref(), Some("2023/01/pier.png"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn other_item_types_are_skipped_with_a_reason() {
    let text = wxr(&format!(
        "{}{}{}",
        item("nav_menu_item", "publish", ""),
        item("wp_block", "publish", ""),
        item("recipe", "publish", "")
    ));
    let skipped: Vec<(String, String)> = ok_records(&text)
        .into_iter()
        .filter_map(|record| match record {
            WxrRecord::Skipped { kind, reason, .. } => Some((kind, reason)),
            _ => None,
        })
        .collect();
    assert_eq!(skipped.len(), 3);
    assert_eq!(skipped[0].0, "nav_menu_item");
    assert!(skipped[0].1.contains("menu"));
    assert!(skipped[2].1.contains("recipe"), "{}", skipped[2].1);
}

#[test]
fn comments_are_passed_over() {
    let extra = r#"<wp:comment>
    <wp:comment_id>3</wp:comment_id>
    <wp:comment_date_gmt>2001-01-01 00:00:00</wp:comment_date_gmt>
    <wp:comment_content><![CDATA[Lovely <b>lights</b>]]></wp:comment_content>
    <wp:commentmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>5</wp:meta_value></wp:commentmeta>
  </wp:comment>
  <wp:post_date_gmt>2024-05-03 09:15:00</wp:post_date_gmt>"#;
    let post = only_item(&wxr(&item("post", "publish", extra)));
    assert_eq!(post.featured_image, None);
    assert_eq!(
        post.published_at.map(|date| date.to_rfc3339()),
        Some("2024-05-03T09:15:00+00:00".to_owned())
    );
}

#[test]
fn authors_and_terms_are_read_once_each() {
    let body = r#"
<wp:author><wp:author_login><![CDATA[Mira.Sol]]></wp:author_login><wp:author_email>mira@lantern.example</wp:author_email>
  <wp:author_display_name><![CDATA[]]></wp:author_display_name><wp:author_first_name>Mira</wp:author_first_name><wp:author_last_name>Sol</wp:author_last_name></wp:author>
<wp:category><wp:term_id>3</wp:term_id><wp:category_nicename>harbour</wp:category_nicename><wp:category_parent>coast</wp:category_parent><wp:cat_name><![CDATA[Harbour]]></wp:cat_name></wp:category>
<wp:tag><wp:term_id>4</wp:term_id><wp:tag_slug>night</wp:tag_slug><wp:tag_name>Night</wp:tag_name></wp:tag>
<wp:term><wp:term_id>3</wp:term_id><wp:term_taxonomy>category</wp:term_taxonomy><wp:term_slug>harbour</wp:term_slug><wp:term_name>Harbour</wp:term_name></wp:term>
<wp:term><wp:term_id>4</wp:term_id><wp:term_taxonomy>post_tag</wp:term_taxonomy><wp:term_slug>night</wp:term_slug><wp:term_name>Night</wp:term_name></wp:term>
<wp:term><wp:term_id>5</wp:term_id><wp:term_taxonomy>nav_menu</wp:term_taxonomy><wp:term_slug>main</wp:term_slug><wp:term_name>Main</wp:term_name></wp:term>"#;
    let all = ok_records(&wxr(body));
    assert_eq!(all.len(), 4, "{all:?}");
    assert_eq!(
        all[1],
        WxrRecord::Author(SourceAuthor {
            key: "Mira.Sol".to_owned(),
            slug: "mira-sol".to_owned(),
            name: "Mira Sol".to_owned(),
            email: Some("mira@lantern.example".to_owned()),
            bio: String::new(),
        })
    );
    assert!(matches!(
        &all[2],
        WxrRecord::Category { term, parent: Some(parent) } if term.key == "harbour" && term.name == "Harbour" && parent == "coast"
    ));
    assert!(matches!(&all[3], WxrRecord::Tag(term) if term.slug == "night"));
}

#[test]
fn an_empty_guid_falls_back_to_the_post_id() {
    let text = wxr(&item("post", "publish", "")).replace(
        r#"<guid isPermaLink="false">https://lantern.example/?p=42</guid>"#,
        "<guid/>",
    );
    assert_eq!(only_item(&text).key, "wp-post-42");
}

#[test]
fn malformed_xml_names_the_byte() {
    let text = wxr(&item("post", "publish", "<wp:post_name>a</wp:post_nom>"));
    match only_error(&text) {
        WxrError::Malformed { position, message } => {
            assert!(position > 0);
            assert!(message.contains("wp:post_nom"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_file_cut_inside_an_item_is_reported_truncated() {
    let full = wxr(&format!(
        "{}{}",
        item("post", "publish", ""),
        item("post", "draft", "")
    ));
    let second_item = full.rfind("<item>").expect("two items");
    // Cut in the middle of the second item's CDATA body, then right after a closed field.
    for cut in [second_item + 300, second_item + 120] {
        let error = only_error(&full[..cut]);
        assert!(
            matches!(&error, WxrError::Truncated { element, start } if element == "item" && *start == second_item as u64),
            "cut at {cut}: {error:?}"
        );
        assert!(error.to_string().contains("truncated"));
    }
    // A cut between items is inside the channel.
    let error = only_error(&full[..second_item]);
    assert!(matches!(&error, WxrError::Truncated { element, .. } if element == "channel"));
}

#[test]
fn the_reader_stops_after_an_error() {
    let mut reader = WxrReader::new(&b"<feed/>"[..]);
    assert!(matches!(reader.next(), Some(Err(WxrError::NotWxr(_)))));
    assert!(reader.next().is_none());
}

#[test]
fn other_documents_are_not_wxr() {
    for text in [
        "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"></feed>",
        "<rss version=\"2.0\"><channel><title>A plain feed</title></channel></rss>",
        "<rss version=\"2.0\" xmlns:wp=\"http://wordpress.org/export/1.2/\"></rss>",
        "{\"db\": []}",
    ] {
        assert!(matches!(only_error(text), WxrError::NotWxr(_)), "{text}");
    }
}

#[test]
fn empty_input_is_said_to_be_empty() {
    assert!(matches!(only_error(""), WxrError::Empty));
    assert!(matches!(count_items(&b""[..]), Err(WxrError::Empty)));
}

#[test]
fn items_are_counted_without_being_read() {
    let text = wxr(&format!(
        "{}{}{}",
        item("post", "publish", ""),
        item("attachment", "inherit", ""),
        item("nav_menu_item", "publish", "")
    ));
    assert_eq!(count_items(text.as_bytes()).expect("counts"), 3);
    assert!(matches!(
        count_items(&text.as_bytes()[..text.len() / 2]),
        Err(WxrError::Truncated { .. })
    ));
}

#[test]
fn odd_input_never_panics() {
    let text = wxr(&item(
        "post",
        "publish",
        "<category domain=\"category\">Sea &amp; Sky</category>",
    ));
    // Every prefix of a valid file: each either reads or fails cleanly.
    for cut in (0..text.len()).filter(|cut| text.is_char_boundary(*cut)) {
        let _ = records(&text[..cut]);
        let _ = count_items(&text.as_bytes()[..cut]);
    }
    let post = only_item(&text);
    assert_eq!(post.categories, vec!["sea-sky".to_owned()]);
}

#[test]
fn a_byte_order_mark_and_a_bare_ampersand_are_tolerated() {
    let text = format!(
        "\u{feff}{}",
        wxr(&item("post", "publish", ""))
            .replace("<title>The Lantern</title>", "<title>Sea & Sky</title>")
    );
    let all = ok_records(&text);
    assert!(matches!(&all[0], WxrRecord::Site { title, .. } if title == "Sea & Sky"));
    assert_eq!(count_items(text.as_bytes()).expect("counts"), 1);
}
