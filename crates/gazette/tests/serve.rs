//! The binary as a newcomer runs it: `gazette serve` on an empty data folder creates the database,
//! loads the demo newspaper, prints its address, serves pages, and stops cleanly on Ctrl-C.

#![allow(clippy::unwrap_used)]

mod common;
use common::{get, interrupt, start};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::Duration;

#[test]
fn a_first_run_creates_the_database_and_serves_the_demo_newspaper() {
    let data = tempfile::tempdir().unwrap();
    let mut server = start(data.path(), &[]);
    assert!(data.path().join("gazette.db").exists());

    let (status, home) = get(&server.address, "/");
    assert_eq!(status, 200);
    assert!(home.contains("The Dnipro Dispatch"));
    for section in [
        "War",
        "Diplomacy",
        "Business",
        "Politics",
        "Society",
        "Culture",
    ] {
        assert!(
            home.contains(&format!(">{section}<")),
            "section {section} in the menu"
        );
    }
    let (status, war) = get(&server.address, "/war");
    assert_eq!(status, 200);
    let first_article = war
        .split("href=\"/war/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("an article link on the War page");
    let (status, article) = get(&server.address, &format!("/war/{first_article}"));
    assert_eq!(status, 200);
    assert!(article.contains("Share this article"));
    assert!(article.contains("Top articles"));
    assert_eq!(get(&server.address, "/healthz").0, 200);

    let rest = interrupt(&mut server);
    assert!(rest.contains("Gazette stopped."), "{rest}");

    // A second run on the same data keeps what is there and does not load the demo again.
    let mut again = start(data.path(), &[]);
    let (_, war_again) = get(&again.address, "/war");
    assert_eq!(
        war_again.matches("href=\"/war/").count(),
        war.matches("href=\"/war/").count()
    );
    interrupt(&mut again);
}

#[test]
fn no_demo_starts_an_empty_site() {
    let data = tempfile::tempdir().unwrap();
    let mut server = start(data.path(), &["--no-demo"]);
    let (status, home) = get(&server.address, "/");
    assert_eq!(status, 200);
    assert!(!home.contains("The Dnipro Dispatch"));
    assert_eq!(get(&server.address, "/war").0, 404);
    interrupt(&mut server);
}

#[test]
fn a_bad_option_is_explained_not_a_crash() {
    let output = Command::new(env!("CARGO_BIN_EXE_gazette"))
        .args(["serve", "--bind", "localhost"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("IP:PORT"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn every_command_explains_itself() {
    for args in [
        &["--help"][..],
        &["serve", "--help"],
        &["init", "--help"],
        &["demo", "--help"],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_gazette"))
            .args(args)
            .output()
            .unwrap();
        assert!(output.status.success(), "{args:?}");
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(text.contains("Usage:"), "{args:?}: {text}");
    }
}

/// A plain HTTP/1.1 POST with a user agent: the status code.
fn post(address: &str, path: &str, user_agent: &str) -> u16 {
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nUser-Agent: {user_agent}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// The article id and the view count printed on an article page.
fn article_id_and_views(page: &str) -> (String, u64) {
    let id = page
        .split("data-article=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a view beacon on the article page")
        .to_owned();
    let after_views = page.split("class=\"views\"").nth(1).expect("a view count");
    let count: String = after_views
        .split("</svg>")
        .nth(1)
        .unwrap_or(after_views)
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',')
        .filter(char::is_ascii_digit)
        .collect();
    (id, count.parse().expect("a number of views"))
}

#[test]
fn view_counts_survive_a_graceful_restart() {
    let data = tempfile::tempdir().unwrap();
    let mut server = start(data.path(), &[]);
    let (_, war) = get(&server.address, "/war");
    let path = format!(
        "/war/{}",
        war.split("href=\"/war/")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap()
    );
    let (_, page) = get(&server.address, &path);
    let (id, before) = article_id_and_views(&page);
    for reader in 0..5 {
        let agent = format!("Mozilla/5.0 (X11; Linux x86_64) Firefox/{reader}.0");
        assert_eq!(post(&server.address, &format!("/views/{id}"), &agent), 204);
    }
    // The same reader again, and a crawler: neither counts.
    post(
        &server.address,
        &format!("/views/{id}"),
        "Mozilla/5.0 (X11; Linux x86_64) Firefox/0.0",
    );
    post(&server.address, &format!("/views/{id}"), "Googlebot/2.1");
    // Stopped before the periodic flush: the count must be saved on the way out.
    interrupt(&mut server);

    let mut again = start(data.path(), &[]);
    let (_, page) = get(&again.address, &path);
    let (_, after) = article_id_and_views(&page);
    assert_eq!(after, before + 5);
    interrupt(&mut again);
}
