//! The readers against real exports kept beside the repository (`../shared/fixtures`): a
//! WordPress 6.1 site, WordPress's theme unit test data (an older, WordPress.com export with
//! attachments, menus, comments and every status), and a Ghost 6.65 site. The facts asserted were
//! read from the files themselves. Without the folder, these tests are reported as ignored.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use gazette_import::ghost::{GhostExport, read_ghost_export};
use gazette_import::source::{ItemKind, SourceImage, SourceItem, SourceStatus};
use gazette_import::wordpress::{WxrReader, WxrRecord, count_items};

fn fixture(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures")
        .join(relative)
}

fn open(relative: &str) -> BufReader<File> {
    let path = fixture(relative);
    BufReader::new(File::open(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display())))
}

/// Every record of a WXR fixture, which must read without error.
fn wxr_records(relative: &str) -> Vec<WxrRecord> {
    WxrReader::new(open(relative))
        .collect::<Result<_, _>>()
        .unwrap_or_else(|error| panic!("{relative}: {error}"))
}

#[derive(Default)]
struct Tally {
    items: Vec<SourceItem>,
    attachments: Vec<SourceImage>,
    skipped_kinds: Vec<String>,
    authors: Vec<String>,
    categories: usize,
    tags: usize,
}

fn tally(records: Vec<WxrRecord>) -> Tally {
    let mut tally = Tally::default();
    for record in records {
        match record {
            WxrRecord::Item(item) => tally.items.push(item),
            WxrRecord::Attachment(image) => tally.attachments.push(image),
            WxrRecord::Skipped { kind, .. } => tally.skipped_kinds.push(kind),
            WxrRecord::Author(author) => tally.authors.push(author.key),
            WxrRecord::Category { .. } => tally.categories += 1,
            WxrRecord::Tag(_) => tally.tags += 1,
            WxrRecord::Site { .. } => {}
        }
    }
    tally
}

fn item(items: &[SourceItem], numeric_id: u64) -> &SourceItem {
    items
        .iter()
        .find(|item| item.numeric_id == Some(numeric_id))
        .unwrap_or_else(|| panic!("no item {numeric_id}"))
}

const WORDPRESS_6: &str = "wordpress/wordpress-6.1-export-50.xml";
const THEME_UNIT_TEST: &str = "wordpress/themeunittestdata.wordpress.xml";
const GHOST_6: &str = "ghost/ghost-6.65-export-50.json";

#[test]
#[cfg_attr(not(gazette_fixtures), ignore = "../shared/fixtures is absent")]
fn wordpress_6_export() {
    let records = wxr_records(WORDPRESS_6);
    assert_eq!(
        records[0],
        WxrRecord::Site {
            base_url: "http://127.0.0.1:8081".to_owned(),
            title: "Peer News (WordPress)".to_owned(),
        }
    );
    let tally = tally(records);
    assert_eq!(tally.authors.len(), 13);
    assert_eq!(tally.authors[1], "ines-duarte");
    // Each written twice (wp:category/wp:tag, then wp:term): read once.
    assert_eq!(tally.categories, 7);
    assert_eq!(tally.tags, 10);
    assert!(tally.attachments.is_empty());
    assert!(tally.skipped_kinds.is_empty());

    let posts: Vec<&SourceItem> = tally
        .items
        .iter()
        .filter(|item| item.kind == ItemKind::Post)
        .collect();
    assert_eq!(posts.len(), 50);
    assert!(
        posts
            .iter()
            .all(|post| post.status == SourceStatus::Published)
    );

    let first = item(&tally.items, 4);
    assert_eq!(
        first.title,
        "Opposition leaders and parliament clash over a referendum"
    );
    assert_eq!(first.author_keys, vec!["ines-duarte".to_owned()]);
    assert_eq!(first.categories, vec!["politics".to_owned()]);
    assert_eq!(
        first.tags,
        vec![
            "balkans".to_owned(),
            "middle-east".to_owned(),
            "sahel".to_owned()
        ]
    );
    assert_eq!(
        first.published_at.map(|date| date.to_rfc3339()),
        Some("2023-01-01T09:07:13+00:00".to_owned())
    );
    assert!(first.excerpt.starts_with("\u{201c}People need clarity"));

    let privacy = item(&tally.items, 3);
    assert_eq!(privacy.kind, ItemKind::Page);
    assert_eq!(privacy.title, "Privacy Policy");
    assert_eq!(privacy.status, SourceStatus::Draft);
    assert_eq!(privacy.author_keys, vec!["admin".to_owned()]);

    assert_eq!(count_items(open(WORDPRESS_6)).expect("counts"), 51);
}

#[test]
#[cfg_attr(not(gazette_fixtures), ignore = "../shared/fixtures is absent")]
fn wordpress_theme_unit_test_data() {
    let tally = tally(wxr_records(THEME_UNIT_TEST));
    assert_eq!(tally.authors, vec!["themedemos", "themereviewteam"]);
    assert_eq!(tally.categories, 68);
    assert_eq!(tally.tags, 110);
    assert_eq!(tally.attachments.len(), 37);
    assert_eq!(tally.skipped_kinds.len(), 70);
    assert!(
        tally
            .skipped_kinds
            .iter()
            .all(|kind| kind == "nav_menu_item")
    );
    let count = |kind: ItemKind| tally.items.iter().filter(|item| item.kind == kind).count();
    assert_eq!(count(ItemKind::Post), 58);
    assert_eq!(count(ItemKind::Page), 21);

    let sticky: Vec<u64> = tally
        .items
        .iter()
        .filter(|item| item.featured)
        .filter_map(|item| item.numeric_id)
        .collect();
    assert_eq!(sticky, vec![1241]);
    assert_eq!(item(&tally.items, 1241).title, "Template: Sticky");

    let scheduled = item(&tally.items, 1153);
    assert_eq!(scheduled.status, SourceStatus::Scheduled);
    assert_eq!(
        scheduled.published_at.map(|date| date.to_rfc3339()),
        Some("2030-01-01T19:00:18+00:00".to_owned())
    );
    let draft = item(&tally.items, 1164);
    assert_eq!(draft.status, SourceStatus::Draft);
    assert_eq!(draft.slug, "");
    // Password-protected: kept out of public view.
    assert_eq!(item(&tally.items, 1168).status, SourceStatus::Draft);

    let greek = item(&tally.items, 1811);
    assert_eq!(greek.slug, "επίπεδο-2");
    assert_eq!(greek.kind, ItemKind::Page);

    // Thumbnails name attachments of the same file.
    let horizontal = item(&tally.items, 1011);
    assert_eq!(horizontal.featured_image.as_deref(), Some("1022"));
    let image = tally
        .attachments
        .iter()
        .find(|image| image.key == "1022")
        .expect("attachment 1022");
    assert_eq!(
        image.url,
        "https://wpthemetestdata.files.wordpress.com/2013/03/featured-image-horizontal.jpg"
    );
    assert_eq!(image.alt, "Horizontal Featured Image");
    assert_eq!(image.title, "Horizontal Featured Image");

    assert_eq!(count_items(open(THEME_UNIT_TEST)).expect("counts"), 186);
}

fn ghost_export() -> GhostExport {
    read_ghost_export(open(GHOST_6)).unwrap_or_else(|error| panic!("{GHOST_6}: {error}"))
}

#[test]
#[cfg_attr(not(gazette_fixtures), ignore = "../shared/fixtures is absent")]
fn ghost_6_export() {
    let export = ghost_export();
    assert_eq!(export.version, "6.65.0");
    assert_eq!(export.site_url, None);
    assert_eq!(export.authors.len(), 1);
    assert_eq!(export.authors[0].name, "Peer Newsroom");
    assert_eq!(export.authors[0].slug, "peer");
    assert_eq!(export.terms.len(), 17);
    assert!(export.skipped.is_empty());
    assert!(export.warnings.is_empty());
    assert!(export.images.is_empty());

    let posts = export
        .items
        .iter()
        .filter(|item| item.kind == ItemKind::Post)
        .count();
    assert_eq!(posts, 49);
    assert!(
        export
            .items
            .iter()
            .all(|item| item.status == SourceStatus::Published)
    );
    assert!(
        export
            .items
            .iter()
            .all(|item| item.author_keys == vec![export.authors[0].key.clone()])
    );

    let about = export
        .items
        .iter()
        .find(|item| item.kind == ItemKind::Page)
        .expect("one page");
    assert_eq!(about.title, "About this site");
    assert_eq!(about.slug, "about");
    assert_eq!(about.link.as_deref(), Some("/about/"));

    // Its primary tag (Politics) becomes the category; Asia and Oceania stay tags.
    let post = export
        .items
        .iter()
        .find(|item| item.key == "6b0ec849d73ca7299b465a59")
        .expect("the post");
    assert_eq!(
        post.title,
        "The prime minister and the finance committee clash over a no-confidence motion"
    );
    assert_eq!(post.categories, vec!["6b0ec848d73ca7299b465a3e".to_owned()]);
    assert_eq!(
        post.tags,
        vec![
            "6b0ec848d73ca7299b465a48".to_owned(),
            "6b0ec849d73ca7299b465a4e".to_owned()
        ]
    );
    assert_eq!(
        post.published_at.map(|date| date.to_rfc3339()),
        Some("2023-01-02T19:23:30+00:00".to_owned())
    );
    assert!(post.excerpt.starts_with("\u{201c}We will judge them"));
    assert!(!post.featured);
    let politics = export
        .terms
        .iter()
        .find(|term| term.key == post.categories[0])
        .expect("the term");
    assert_eq!(politics.name, "Politics");
}
