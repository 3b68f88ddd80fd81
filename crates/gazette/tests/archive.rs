//! `gazette export` and `gazette restore` as an operator runs them (docs/archive.md): the demo
//! newspaper exported, restored into an empty data folder and exported again gives the same
//! archive, byte for byte, and the restored site serves the same pages and pictures; moved into
//! PostgreSQL the same; and a damaged archive, or a database with content, is refused with a
//! clear message and nothing written.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::Read;
use std::path::Path;
use std::process::Output;

use common::{gazette, gazette_with_input, get, start};

fn said(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn succeeded(out: &Output) -> String {
    assert!(out.status.success(), "{}", said(out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn failed(out: &Output) -> String {
    assert!(!out.status.success(), "should have failed: {}", said(out));
    said(out)
}

/// The demo newspaper, with its pictures, in a new data folder; and its archive.
fn demo_archive(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let data = dir.join("demo");
    succeeded(&gazette(&data, &["demo"]));
    let archive = dir.join("demo.tar");
    let out = succeeded(&gazette(
        &data,
        &["export", "--out", archive.to_str().unwrap()],
    ));
    assert!(out.contains("Exported "), "{out}");
    assert!(
        out.contains("reset-password"),
        "says passwords are left out: {out}"
    );
    (data, archive)
}

/// The archive's entries: name and bytes.
fn entries(archive: &Path) -> Vec<(String, Vec<u8>)> {
    let mut tar = tar::Archive::new(std::fs::File::open(archive).unwrap());
    tar.entries()
        .unwrap()
        .map(|e| {
            let mut e = e.unwrap();
            let name = e.path().unwrap().to_string_lossy().into_owned();
            let mut bytes = Vec::new();
            e.read_to_end(&mut bytes).unwrap();
            (name, bytes)
        })
        .collect()
}

fn write_entries(archive: &Path, entries: &[(String, Vec<u8>)]) {
    let mut tar = tar::Builder::new(std::fs::File::create(archive).unwrap());
    for (name, bytes) in entries {
        let mut header = tar::Header::new_ustar();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        tar.append_data(&mut header, name, &bytes[..]).unwrap();
    }
    tar.finish().unwrap();
}

#[test]
fn an_exported_site_restores_into_an_empty_folder_and_exports_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let (_, archive) = demo_archive(dir.path());
    let names: Vec<String> = entries(&archive).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names[0], "gazette-archive.json");
    assert!(
        names.contains(&"data/articles.jsonl".to_owned()),
        "{names:?}"
    );
    assert!(names.iter().any(|n| n.starts_with("media/")), "{names:?}");
    assert!(
        !names.contains(&"data/recovery_codes.jsonl".to_owned()),
        "no secrets unless asked for"
    );

    let restored = dir.path().join("restored");
    let out = succeeded(&gazette(&restored, &["restore", archive.to_str().unwrap()]));
    assert!(out.contains("Restored "), "{out}");
    assert!(
        out.contains("Indexed "),
        "the search index is rebuilt: {out}"
    );

    let again = dir.path().join("again.tar");
    succeeded(&gazette(
        &restored,
        &["export", "--out", again.to_str().unwrap()],
    ));
    assert!(
        std::fs::read(&archive).unwrap() == std::fs::read(&again).unwrap(),
        "export → restore → export gives the same archive"
    );

    // The restored site is the same newspaper, pictures and search included.
    let server = start(&restored, &[]);
    let (status, home) = get(&server.address, "/");
    assert_eq!(status, 200);
    let marker = "lead__title\"><a href=\"";
    let lead = &home[home.find(marker).unwrap() + marker.len()..];
    let article = &lead[..lead.find('"').unwrap()];
    assert_eq!(get(&server.address, article).0, 200, "{article}");
    for name in names.iter().filter(|n| n.starts_with("media/")).take(5) {
        let path = format!("/{name}");
        assert_eq!(get(&server.address, &path).0, 200, "{path}");
    }
    let (status, results) = get(&server.address, "/search?q=kyiv");
    assert_eq!(status, 200);
    assert!(
        results.contains("<article"),
        "search finds restored articles"
    );
}

#[test]
fn with_secrets_people_keep_their_passwords() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("site");
    succeeded(&gazette(&data, &["demo"]));
    succeeded(&gazette_with_input(
        &data,
        &[
            "user",
            "add",
            "--email",
            "ed@gazette.test",
            "--name",
            "Ed",
            "--role",
            "admin",
            "--no-byline",
        ],
        "correct horse battery\n",
    ));
    let archive = dir.path().join("secrets.tar");
    succeeded(&gazette(
        &data,
        &[
            "export",
            "--out",
            archive.to_str().unwrap(),
            "--include-secrets",
        ],
    ));
    let all = entries(&archive);
    let manifest = String::from_utf8(all[0].1.clone()).unwrap();
    assert!(manifest.contains("\"secrets\": true"), "{manifest}");
    let people = &all
        .iter()
        .find(|(n, _)| n == "data/people.jsonl")
        .unwrap()
        .1;
    assert!(
        String::from_utf8_lossy(people).contains("\"password_hash\":\"$argon2"),
        "hashes are in it"
    );
    let restored = dir.path().join("restored");
    let out = succeeded(&gazette(&restored, &["restore", archive.to_str().unwrap()]));
    assert!(!out.contains("reset-password"), "{out}");
    let again = dir.path().join("again.tar");
    succeeded(&gazette(
        &restored,
        &[
            "export",
            "--out",
            again.to_str().unwrap(),
            "--include-secrets",
        ],
    ));
    assert!(std::fs::read(&archive).unwrap() == std::fs::read(&again).unwrap());
}

#[test]
fn a_damaged_archive_or_a_site_with_content_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let (data, archive) = demo_archive(dir.path());
    let path = archive.to_str().unwrap();

    let message = failed(&gazette(&data, &["restore", path]));
    assert!(message.contains("not empty"), "{message}");
    let message = failed(&gazette(&data, &["export", "--out", path]));
    assert!(message.contains("exists already"), "{message}");

    let empty = dir.path().join("empty");
    let count = |data: &Path| succeeded(&gazette(data, &["init"]));
    let nothing = count(&empty);
    assert!(nothing.contains("(0 articles)"), "{nothing}");

    // Cut short.
    let bytes = std::fs::read(&archive).unwrap();
    let cut = dir.path().join("cut.tar");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let message = failed(&gazette(&empty, &["restore", cut.to_str().unwrap()]));
    assert!(
        message.contains("cut short") || message.contains("damaged"),
        "{message}"
    );
    assert_eq!(count(&empty), nothing, "nothing was written");

    // A headline changed by hand: the checksum no longer matches.
    let mut changed = entries(&archive);
    let articles = changed
        .iter_mut()
        .find(|(n, _)| n == "data/articles.jsonl")
        .unwrap();
    let text = String::from_utf8(articles.1.clone()).unwrap().replacen(
        "\"headline\":\"",
        "\"headline\":\"Changed: ",
        1,
    );
    articles.1 = text.into_bytes();
    let tampered = dir.path().join("tampered.tar");
    write_entries(&tampered, &changed);
    let message = failed(&gazette(&empty, &["restore", tampered.to_str().unwrap()]));
    assert!(message.contains("checksum"), "{message}");
    assert_eq!(count(&empty), nothing);

    // A file that is no archive at all.
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "just some notes\n".repeat(100)).unwrap();
    let message = failed(&gazette(&empty, &["restore", text.to_str().unwrap()]));
    assert!(message.contains("not"), "{message}");

    // After all that, the real archive restores.
    succeeded(&gazette(&empty, &["restore", path]));
    assert_eq!(count(&empty), count(&data));
}

/// Moving a site from SQLite to PostgreSQL, as docs/archive.md says.
#[test]
#[cfg_attr(
    not(gazette_postgres_tests),
    ignore = "set GAZETTE_TEST_POSTGRES_URL to run it"
)]
fn a_site_moves_from_sqlite_to_postgres_and_exports_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let (_, archive) = demo_archive(dir.path());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let database = runtime
        .block_on(gazette_store::testing::TestDatabase::new(
            gazette_store::Backend::Postgres,
        ))
        .unwrap();
    let url = database.url();
    // The media and the search index of the PostgreSQL site live in this node's data folder.
    let node = dir.path().join("node");
    succeeded(&gazette(
        &node,
        &["--database-url", &url, "restore", archive.to_str().unwrap()],
    ));
    let again = dir.path().join("again.tar");
    succeeded(&gazette(
        &node,
        &[
            "--database-url",
            &url,
            "export",
            "--out",
            again.to_str().unwrap(),
        ],
    ));
    assert!(
        std::fs::read(&archive).unwrap() == std::fs::read(&again).unwrap(),
        "the archive from PostgreSQL is the archive from SQLite"
    );
    runtime.block_on(database.finish());
}
