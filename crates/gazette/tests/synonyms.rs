//! `gazette synonyms` as an operator runs it.

#![allow(clippy::unwrap_used)]

mod common;

fn gazette(data: &std::path::Path, args: &[&str]) -> (bool, String) {
    let out = common::gazette(data, args);
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn synonyms_are_listed_added_and_removed_from_the_command_line() {
    let data = tempfile::tempdir().unwrap();
    assert!(gazette(data.path(), &["init"]).0);
    let (ok, out) = gazette(
        data.path(),
        &["synonyms", "add", "Kryvyi Rih, Krivoy Rog, Кривий Ріг"],
    );
    assert!(ok, "{out}");
    assert!(out.contains("kryvyi rih, krivoy rog, кривий ріг"), "{out}");
    let id: String = out
        .trim_start_matches("Added synonym group ")
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();

    let (ok, list) = gazette(data.path(), &["synonyms", "list"]);
    assert!(ok);
    assert!(
        list.contains(&format!("{id}  kryvyi rih, krivoy rog, кривий ріг")),
        "{list}"
    );

    let (ok, out) = gazette(data.path(), &["synonyms", "add", "kyiv"]);
    assert!(!ok);
    assert!(out.contains("at least two different terms"), "{out}");
    let (ok, out) = gazette(
        data.path(),
        &["synonyms", "add", "Kryvyi Rih, Krivoy Rog, Кривий Ріг"],
    );
    assert!(!ok);
    assert!(out.contains("already exists"), "{out}");

    let (ok, out) = gazette(data.path(), &["synonyms", "remove", &id]);
    assert!(ok, "{out}");
    assert!(
        !gazette(data.path(), &["synonyms", "list"])
            .1
            .contains("krivoy")
    );
    let (ok, out) = gazette(data.path(), &["synonyms", "remove", &id]);
    assert!(!ok);
    assert!(out.contains(&format!("no synonym group {id}")), "{out}");
}
