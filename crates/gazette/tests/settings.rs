//! Settings as an operator meets them: the default, then `gazette.toml`, then a `GAZETTE_*`
//! variable, then the command line; a value out of range or an unknown key stops the program with
//! a message naming it; `gazette config` tells where each value came from without showing secrets.

#![allow(clippy::unwrap_used)]

use std::io::Read;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Runs the binary in `dir` with only the `GAZETTE_*` variables given: ones set around the tests
/// (a CI's `GAZETTE_DATABASE_URL`) would otherwise change what they see.
fn gazette(dir: &Path, args: &[&str], vars: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gazette"));
    command.current_dir(dir).args(args);
    for (name, _) in std::env::vars() {
        if name.starts_with("GAZETTE_") {
            command.env_remove(name);
        }
    }
    command
        .env_remove("RUST_BACKTRACE")
        .env("GAZETTE_LOG", "warn")
        .envs(vars.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    // A setting that should have been refused lets `serve` run for ever: fail instead of hanging.
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("gazette {args:?} was still running after a minute");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_end(&mut stdout)
        .unwrap();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_end(&mut stderr)
        .unwrap();
    Output {
        status,
        stdout,
        stderr,
    }
}

/// `gazette config`'s line for a key (`section.key` for nested ones): its value and origin.
fn setting(output: &Output, path: &str) -> (String, String) {
    assert!(
        output.status.success(),
        "gazette config failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8_lossy(&output.stdout);
    let (section, key) = path.rsplit_once('.').unwrap_or(("", path));
    let mut current = "";
    for line in text.lines() {
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            current = name;
        } else if current == section
            && let Some(rest) = line.strip_prefix(&format!("{key} = "))
        {
            let (value, origin) = rest.split_once("  # ").unwrap();
            return (value.to_owned(), origin.to_owned());
        }
    }
    panic!("no line for {path} in:\n{text}");
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn each_layer_overrides_the_one_before_default_file_environment_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let here = dir.path();

    let defaults = gazette(here, &["config"], &[]);
    assert_eq!(
        setting(&defaults, "per_page"),
        ("12".into(), "the default".into())
    );
    assert_eq!(
        setting(&defaults, "media.max_mb"),
        ("25".into(), "the default".into())
    );
    assert_eq!(
        setting(&defaults, "bind"),
        ("\"127.0.0.1:8080\"".into(), "the default".into())
    );

    std::fs::write(
        here.join("gazette.toml"),
        "per_page = 20\ncache_max_mb = 64\nbind = \"127.0.0.1:9001\"\n[media]\nmax_mb = 10\n",
    )
    .unwrap();
    let file = gazette(here, &["config"], &[]);
    assert_eq!(
        setting(&file, "per_page"),
        ("20".into(), "file gazette.toml".into())
    );
    assert_eq!(
        setting(&file, "media.max_mb"),
        ("10".into(), "file gazette.toml".into())
    );
    assert_eq!(setting(&file, "top_window_days").1, "the default");

    let env = [
        ("GAZETTE_PER_PAGE", "30"),
        ("GAZETTE_MEDIA_MAX_MB", "20"),
        ("GAZETTE_BIND", "127.0.0.1:9002"),
    ];
    let environment = gazette(here, &["config"], &env);
    assert_eq!(
        setting(&environment, "per_page"),
        ("30".into(), "environment variable GAZETTE_PER_PAGE".into())
    );
    assert_eq!(
        setting(&environment, "media.max_mb"),
        (
            "20".into(),
            "environment variable GAZETTE_MEDIA_MAX_MB".into()
        )
    );
    // A key the environment does not name keeps the file's value.
    assert_eq!(
        setting(&environment, "cache_max_mb"),
        ("64".into(), "file gazette.toml".into())
    );

    let flags = gazette(
        here,
        &[
            "config",
            "--bind",
            "127.0.0.1:9003",
            "--set",
            "per_page=40",
            "--set",
            "media.max_mb=30",
        ],
        &env,
    );
    assert_eq!(
        setting(&flags, "per_page"),
        ("40".into(), "command line --set per_page=40".into())
    );
    assert_eq!(
        setting(&flags, "media.max_mb"),
        ("30".into(), "command line --set media.max_mb=30".into())
    );
    assert_eq!(
        setting(&flags, "bind"),
        ("\"127.0.0.1:9003\"".into(), "command line --bind".into())
    );
}

#[test]
fn a_value_out_of_range_stops_the_server_naming_the_key_the_range_and_the_source() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();

    let output = gazette(
        dir.path(),
        &["serve", "--bind", "127.0.0.1:0", "--data-dir", data],
        &[("GAZETTE_PER_PAGE", "0")],
    );
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains(
            "per_page must be between 1 and 100, not 0 (from environment variable GAZETTE_PER_PAGE)"
        ),
        "{}",
        stderr(&output)
    );
    // Refused before anything was created.
    assert!(!Path::new(data).join("gazette.db").exists());

    std::fs::write(dir.path().join("gazette.toml"), "[media]\nmax_mb = 61\n").unwrap();
    let output = gazette(
        dir.path(),
        &[
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--data-dir",
            data,
            "--set",
            "header_timeout_seconds=0",
        ],
        &[],
    );
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(
        message.contains("media.max_mb must be between 1 and 60, not 61 (from file gazette.toml)"),
        "{message}"
    );
    // Every problem at once, not one per attempt.
    assert!(
        message.contains(
            "header_timeout_seconds must be between 1 and 3600, not 0 \
             (from command line --set header_timeout_seconds=0)"
        ),
        "{message}"
    );
    assert!(!message.contains("panicked"), "{message}");
}

#[test]
fn a_value_of_the_wrong_type_names_the_key_and_its_variable() {
    let dir = tempfile::tempdir().unwrap();
    let output = gazette(dir.path(), &["config"], &[("GAZETTE_CACHE_MAX_MB", "lots")]);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(message.contains("cache_max_mb"), "{message}");
    assert!(message.contains("GAZETTE_CACHE_MAX_MB"), "{message}");
}

#[test]
fn gazette_config_tells_where_values_came_from_and_masks_secrets() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("site.toml"),
        "[media]\ns3_bucket = \"news-media\"\ns3_access_key_id = \"AKIAEXAMPLEKEY\"\n",
    )
    .unwrap();
    let output = gazette(
        dir.path(),
        &["config", "--no-cache"],
        &[
            ("GAZETTE_CONFIG", "site.toml"),
            (
                "GAZETTE_DATABASE_URL",
                "postgres://gazette:hunter2@db.internal/gazette?sslmode=disable",
            ),
            ("GAZETTE_MEDIA_S3_SECRET_ACCESS_KEY", "wJalrXUtnFEMI"),
            ("GAZETTE_NO_DEMO", "1"),
        ],
    );
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    for secret in ["hunter2", "AKIAEXAMPLEKEY", "wJalrXUtnFEMI"] {
        assert!(!text.contains(secret), "{secret} shown in:\n{text}");
    }
    assert_eq!(
        setting(&output, "database_url"),
        (
            "\"postgres://gazette:****@db.internal/gazette?sslmode=disable\"".into(),
            "environment variable GAZETTE_DATABASE_URL".into()
        )
    );
    assert_eq!(
        setting(&output, "media.s3_secret_access_key"),
        (
            "\"****\"".into(),
            "environment variable GAZETTE_MEDIA_S3_SECRET_ACCESS_KEY".into()
        )
    );
    assert_eq!(
        setting(&output, "media.s3_access_key_id"),
        ("\"****\"".into(), "file site.toml".into())
    );
    assert_eq!(
        setting(&output, "media.s3_bucket"),
        ("\"news-media\"".into(), "file site.toml".into())
    );
    // The variables documented before every key had one keep working.
    assert_eq!(
        setting(&output, "demo"),
        (
            "false".into(),
            "environment variable GAZETTE_NO_DEMO".into()
        )
    );
    assert_eq!(
        setting(&output, "cache"),
        ("false".into(), "command line --no-cache".into())
    );
    assert_eq!(setting(&output, "per_page").1, "the default");
}

#[test]
fn an_empty_variable_counts_as_unset() {
    let dir = tempfile::tempdir().unwrap();
    let output = gazette(
        dir.path(),
        &["config"],
        &[("GAZETTE_MEDIA_S3_BUCKET", ""), ("GAZETTE_PER_PAGE", "")],
    );
    assert_eq!(setting(&output, "per_page").1, "the default");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("# s3_bucket is not set"), "{text}");
}

#[test]
fn an_unknown_key_is_refused_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("gazette.toml"), "per_pgae = 20\n").unwrap();
    let output = gazette(dir.path(), &["config"], &[]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("unknown setting `per_pgae` in file gazette.toml"),
        "{}",
        stderr(&output)
    );

    std::fs::write(
        dir.path().join("gazette.toml"),
        "[media]\ns3_bukcet = \"x\"\n",
    )
    .unwrap();
    let output = gazette(dir.path(), &["init"], &[]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("unknown setting `media.s3_bukcet`"),
        "{}",
        stderr(&output)
    );

    let output = gazette(
        dir.path(),
        &["--config", "/dev/null", "config", "--set", "nope=1"],
        &[],
    );
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("unknown setting `nope` in command line --set nope=1"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn editions_that_are_not_language_codes_stop_the_server_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    for (given, expected) in [
        ("en,English", "editions: unknown language \"English\""),
        ("en,uk,en", "editions: the edition en is named twice"),
        (",", "editions: no editions"),
    ] {
        let output = gazette(
            dir.path(),
            &["serve", "--bind", "127.0.0.1:0", "--data-dir", data],
            &[("GAZETTE_EDITIONS", given)],
        );
        assert!(!output.status.success(), "{given:?}");
        let message = stderr(&output);
        assert!(message.contains(expected), "{given:?}: {message}");
        assert!(
            message.contains("(from environment variable GAZETTE_EDITIONS)"),
            "{message}"
        );
        assert!(!Path::new(data).join("gazette.db").exists());
    }
    let output = gazette(
        dir.path(),
        &["config"],
        &[("GAZETTE_EDITIONS", "en,uk,crh")],
    );
    assert_eq!(
        setting(&output, "editions"),
        (
            "\"en,uk,crh\"".to_owned(),
            "environment variable GAZETTE_EDITIONS".to_owned()
        )
    );
}
