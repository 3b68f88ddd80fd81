//! `gazette import` as a newsroom moving in runs it: on the real exports in `../shared/fixtures`
//! (ignored, with the reason, where that folder is absent) and on small files written here for
//! what those exports lack: bad input, images that are not images, taken addresses.

#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use common::{fetch, gazette, get, interrupt, start};

fn fixture(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures")
        .join(relative)
}

/// Runs an import that must succeed; returns its report.
fn import(data: &Path, args: &[&str]) -> String {
    let out = gazette(data, &[&["import"], args].concat());
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn article_count(data: &Path) -> String {
    let out = gazette(data, &["init"]);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
#[cfg_attr(not(gazette_fixtures), ignore = "../shared/fixtures is absent")]
fn a_wordpress_site_moves_in_and_its_old_addresses_keep_working() {
    let data = tempfile::tempdir().unwrap();
    let file = fixture("wordpress/wordpress-6.1-export-50.xml");
    let file = file.to_str().unwrap();
    let report = import(data.path(), &["wordpress", file]);
    assert!(
        report.contains("posts     created 50, updated 0, unchanged 0, skipped 0"),
        "{report}"
    );
    assert!(report.contains("sections  created 6"), "{report}");
    assert!(report.contains("tags      created 10"), "{report}");
    // The draft privacy page is reported, not published.
    assert!(
        report.contains("\"Privacy Policy\": not published"),
        "{report}"
    );

    let mut server = start(data.path(), &["--no-demo"]);
    let new_address = "/war/what-an-evacuation-plan-means-for-vilnius-3";
    for old in [
        "/?p=6",
        "/2023/01/what-an-evacuation-plan-means-for-vilnius-3/",
        "/what-an-evacuation-plan-means-for-vilnius-3/",
    ] {
        let (status, location, _) = fetch(&server.address, old);
        assert_eq!((status, location.as_str()), (301, new_address), "{old}");
    }
    assert_eq!(fetch(&server.address, "/category/war/").1, "/war");
    assert_eq!(
        fetch(&server.address, "/tag/middle-east/").1,
        "/tags/middle-east"
    );
    assert_eq!(
        fetch(&server.address, "/author/ines-duarte/").1,
        "/authors/ines-duarte"
    );

    let (status, page) = get(&server.address, new_address);
    assert_eq!(status, 200);
    assert!(page.contains("What an evacuation plan means for Vilnius"));
    assert!(page.contains(">Ines Duarte</a>"), "the byline");
    assert!(
        page.contains("datetime=\"2023-01-02T21:53:50Z\""),
        "the GMT date"
    );
    assert!(page.contains("href=\"/tags/middle-east\""), "its tags");
    assert!(
        page.contains("<a class=\"label\" href=\"/war\">War</a>"),
        "its section"
    );
    let (_, section) = get(&server.address, "/war");
    assert!(section.contains("What an evacuation plan means for Vilnius"));
    interrupt(&mut server);

    let again = import(data.path(), &["wordpress", file]);
    assert!(
        again.contains("posts     created 0, updated 0, unchanged 50, skipped 0"),
        "a second run changes nothing: {again}"
    );
    assert!(article_count(data.path()).contains("(50 articles)"));
}

/// A small JPEG, different for each `seed`, so each stored file is its own.
fn jpeg(seed: u8) -> Vec<u8> {
    let image = image::RgbImage::from_fn(64, 48, |x, y| {
        image::Rgb([seed, (x * 4) as u8, (y * 5) as u8])
    });
    let mut bytes = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut bytes, image::ImageFormat::Jpeg)
        .unwrap();
    bytes.into_inner()
}

#[test]
#[cfg_attr(not(gazette_fixtures), ignore = "../shared/fixtures is absent")]
fn wordpress_images_come_in_through_the_media_library_from_a_copy_of_the_uploads() {
    use gazette_import::wordpress::{WxrReader, WxrRecord};
    let file = fixture("wordpress/themeunittestdata.wordpress.xml");
    // The uploads folder as a site owner would copy it: every attachment's file.
    let uploads = tempfile::tempdir().unwrap();
    let reader = WxrReader::new(std::io::BufReader::new(std::fs::File::open(&file).unwrap()));
    let mut files = 0u8;
    for record in reader {
        if let WxrRecord::Attachment(image) = record.unwrap() {
            let relative = image
                .relative_path
                .or_else(|| gazette_import::content::uploads_relative_path(&image.url))
                .unwrap();
            if !relative.ends_with(".jpg") {
                continue;
            }
            let path = uploads.path().join(relative);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            files += 1;
            std::fs::write(path, jpeg(files)).unwrap();
        }
    }
    assert!(files > 20, "the export names its attachments' files");

    let data = tempfile::tempdir().unwrap();
    let report = import(
        data.path(),
        &[
            "wordpress",
            file.to_str().unwrap(),
            "--media-dir",
            uploads.path().to_str().unwrap(),
        ],
    );
    assert!(report.contains("images    created"), "{report}");
    assert!(
        report.contains("nav_menu_item"),
        "menus are reported as skipped: {report}"
    );
    assert!(
        report.contains("another item has the same GUID"),
        "the export repeats GUIDs; each item is kept: {report}"
    );

    let mut server = start(data.path(), &["--no-demo"]);
    let (_, home) = get(&server.address, "/");
    let lead = &home[home.find("<article class=\"lead\"").unwrap()..];
    let lead = &lead[..lead.find("</article>").unwrap()];
    assert!(
        lead.contains("Template: Sticky"),
        "the sticky post leads the home page, though older than the rest: {lead}"
    );
    let (status, location, _) = fetch(&server.address, "/?p=1011");
    assert_eq!(status, 301);
    let (_, page) = get(&server.address, &location);
    let featured = page
        .split("src=\"/media/")
        .nth(1)
        .map(|rest| rest.split('"').next().unwrap().to_owned())
        .expect("the featured image is shown");
    let (status, _) = get(&server.address, &format!("/media/{featured}"));
    assert_eq!(status, 200, "and served from the media library");
    let (_, gallery) = get(&server.address, &fetch(&server.address, "/?p=1031").1);
    assert!(
        gallery.matches("<figure").count() >= 2,
        "a classic [gallery] becomes figures"
    );
    let (_, attached) = get(&server.address, &fetch(&server.address, "/?p=555").1);
    assert!(
        attached.matches("<figure").count() >= 10,
        "a [gallery] without ids shows the images uploaded to the post"
    );
    interrupt(&mut server);

    let again = import(
        data.path(),
        &[
            "wordpress",
            file.to_str().unwrap(),
            "--media-dir",
            uploads.path().to_str().unwrap(),
        ],
    );
    assert!(again.contains("posts     created 0, updated 0"), "{again}");
    assert!(
        !again.contains("images    created"),
        "images are not stored twice: {again}"
    );
}

#[test]
#[cfg_attr(not(gazette_fixtures), ignore = "../shared/fixtures is absent")]
fn a_ghost_site_moves_in_with_its_primary_tags_as_sections() {
    let data = tempfile::tempdir().unwrap();
    let file = fixture("ghost/ghost-6.65-export-50.json");
    let file = file.to_str().unwrap();
    let report = import(data.path(), &["ghost", file]);
    assert!(
        report.contains("posts     created 49, updated 0, unchanged 0, skipped 0"),
        "{report}"
    );
    assert!(report.contains("pages     created 1"), "{report}");

    let mut server = start(data.path(), &["--no-demo"]);
    let old = "/nairobi-small-businesses-welcomed-a-new-factory-4/";
    let (status, location, _) = fetch(&server.address, old);
    assert_eq!(status, 301);
    assert_eq!(
        location,
        "/business/nairobi-small-businesses-welcomed-a-new-factory-4"
    );
    let (_, page) = get(&server.address, &location);
    assert!(page.contains("Nairobi: small businesses welcomed a new factory"));
    assert!(
        page.contains(">Peer Newsroom</a>"),
        "the Ghost author's byline"
    );
    assert!(page.contains("datetime=\"2023-01-04T18:38:33Z\""));
    assert!(
        page.contains("href=\"/tags/europe\""),
        "the other tags stay tags"
    );
    assert_eq!(get(&server.address, "/pages/about").0, 200);
    interrupt(&mut server);

    let again = import(data.path(), &["ghost", file]);
    assert!(
        again.contains("posts     created 0, updated 0, unchanged 49"),
        "{again}"
    );
}

/// A WordPress export of three posts, written the way WordPress writes them.
fn small_export(uploads_image: &str) -> String {
    let item = |id: u32, slug: &str, status: &str, body: &str| {
        format!(
            r#"<item><title>Story {id}</title><link>https://old.example/{slug}/</link>
<dc:creator><![CDATA[reporter]]></dc:creator><guid isPermaLink="false">https://old.example/?p={id}</guid>
<content:encoded><![CDATA[{body}]]></content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>{id}</wp:post_id><wp:post_date_gmt><![CDATA[2024-03-0{id} 10:00:00]]></wp:post_date_gmt>
<wp:post_name><![CDATA[{slug}]]></wp:post_name><wp:status><![CDATA[{status}]]></wp:status>
<wp:post_type><![CDATA[post]]></wp:post_type>
<category domain="category" nicename="news"><![CDATA[News]]></category></item>
"#
        )
    };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Old</title><link>https://old.example</link><wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://old.example</wp:base_site_url>
<wp:author><wp:author_login><![CDATA[reporter]]></wp:author_login><wp:author_email><![CDATA[reporter@old.example]]></wp:author_email><wp:author_display_name><![CDATA[Olha Reporter]]></wp:author_display_name></wp:author>
{}{}{}</channel></rss>
"#,
        item(1, "first-story", "publish", "<p>One.</p>"),
        item(
            2,
            "second-story",
            "publish",
            &format!(
                r#"<p>Two.</p><img src="https://old.example/wp-content/uploads/{uploads_image}" alt="x">"#
            )
        ),
        item(3, "third-story", "weird-status", "<p>Three.</p>"),
    )
}

#[test]
fn a_truncated_or_malformed_export_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let whole = small_export("2024/03/a.jpg");
    let truncated = dir.path().join("truncated.xml");
    std::fs::write(&truncated, &whole[..whole.len() * 2 / 3]).unwrap();
    let out = gazette(&data, &["import", "wordpress", truncated.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("truncated"), "{stderr}");
    assert!(
        article_count(&data).contains("(0 articles)"),
        "nothing half-written"
    );

    let malformed = dir.path().join("malformed.xml");
    std::fs::write(&malformed, whole.replace("</title>", "</titel>")).unwrap();
    let out = gazette(&data, &["import", "wordpress", malformed.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("malformed"));

    let not_wxr = dir.path().join("feed.json");
    std::fs::write(&not_wxr, "{\"posts\": []}").unwrap();
    let out = gazette(&data, &["import", "wordpress", not_wxr.to_str().unwrap()]);
    assert!(!out.status.success());
    let out = gazette(&data, &["import", "ghost", not_wxr.to_str().unwrap()]);
    assert!(
        !out.status.success(),
        "a JSON file that is not a Ghost export"
    );
    assert!(article_count(&data).contains("(0 articles)"));
}

#[test]
fn odd_items_are_reported_and_the_rest_imported() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let uploads = dir.path().join("uploads");
    std::fs::create_dir_all(uploads.join("2024/03")).unwrap();
    // An "image" that is a text file.
    std::fs::write(uploads.join("2024/03/a.jpg"), "not an image").unwrap();
    let file = dir.path().join("export.xml");
    std::fs::write(&file, small_export("2024/03/a.jpg")).unwrap();

    let dry = import(
        &data,
        &[
            "wordpress",
            file.to_str().unwrap(),
            "--dry-run",
            "--media-dir",
            uploads.to_str().unwrap(),
        ],
    );
    assert!(dry.starts_with("Dry run: nothing was written."), "{dry}");
    assert!(dry.contains("posts     would create 2"), "{dry}");
    let before = article_count(&data);

    let report = import(
        &data,
        &[
            "wordpress",
            file.to_str().unwrap(),
            "--media-dir",
            uploads.to_str().unwrap(),
        ],
    );
    assert!(
        report.contains("posts     created 2, updated 0, unchanged 0, skipped 1"),
        "{report}"
    );
    assert!(
        report.contains("weird-status"),
        "the unknown status is named: {report}"
    );
    assert!(
        report.contains("2024/03/a.jpg"),
        "the file that is not an image: {report}"
    );
    assert_ne!(before, article_count(&data));
    assert!(article_count(&data).contains("(2 articles)"));

    // Another site's export with the same addresses: its posts get new ones.
    let other = dir.path().join("other.xml");
    std::fs::write(
        &other,
        small_export("2024/03/a.jpg").replace("https://old.example", "https://other.example"),
    )
    .unwrap();
    let report = import(&data, &["wordpress", other.to_str().unwrap()]);
    assert!(report.contains("posts     created 2"), "{report}");
    assert!(
        report.contains("the address first-story is taken by another article"),
        "{report}"
    );
    assert!(article_count(&data).contains("(4 articles)"));
}

#[test]
#[cfg_attr(not(gazette_fixtures), ignore = "../shared/fixtures is absent")]
fn a_ghost_post_for_paying_members_is_not_made_public() {
    let mut export: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixture("ghost/ghost-6.65-export-50.json")).unwrap())
            .unwrap();
    let posts = export["db"][0]["data"]["posts"].as_array_mut().unwrap();
    let post = posts
        .iter_mut()
        .find(|p| p["type"] == "post" && p["status"] == "published")
        .unwrap();
    post["visibility"] = "paid".into();
    let (title, slug) = (
        post["title"].as_str().unwrap().to_owned(),
        post["slug"].as_str().unwrap().to_owned(),
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("paid.json");
    std::fs::write(&file, export.to_string()).unwrap();
    let data = dir.path().join("data");
    let report = import(&data, &["ghost", file.to_str().unwrap()]);
    let warnings = report.split("Warnings").nth(1).unwrap_or_default();
    assert!(
        warnings.lines().any(|line| line.contains(&title)
            && line.contains("Ghost showed it to paying members only; imported as a draft")),
        "{report}"
    );
    let mut server = start(&data, &["--no-demo"]);
    let (status, _, _) = fetch(&server.address, &format!("/{slug}/"));
    assert_eq!(status, 404, "the paid post is not readable");
    interrupt(&mut server);
}
