//! `gazette reindex` as an operator runs it.

#![allow(clippy::unwrap_used)]

mod common;

use common::gazette;

#[test]
fn reindex_builds_the_search_index_of_every_published_article() {
    let data = tempfile::tempdir().unwrap();
    assert!(gazette(data.path(), &["demo"]).status.success());
    let out = gazette(data.path(), &["reindex"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The demo: 65 English articles and a live blog, and 32 Ukrainian translations.
    assert!(stdout.contains("Indexed 98 published articles"), "{stdout}");
    assert!(data.path().join("search").join("meta.json").exists());
    // Running it again replaces the index rather than adding to it.
    let again = gazette(data.path(), &["reindex"]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("Indexed 98 published articles"));
}

#[test]
fn reindex_is_listed_in_the_help() {
    let data = tempfile::tempdir().unwrap();
    let out = gazette(data.path(), &["--help"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("reindex"));
}
