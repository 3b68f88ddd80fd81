//! Typed configuration: defaults in code, then `gazette.toml`, then `GAZETTE_*` environment
//! variables, then command-line options — each overriding the one before.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
pub const DEFAULT_DATA_DIR: &str = "./data";

/// `gazette.toml`. Every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub bind: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub database_max_connections: Option<u32>,
    pub base_url: Option<String>,
    pub theme: Option<PathBuf>,
    pub demo: Option<bool>,
    pub per_page: Option<u32>,
    pub top_window_days: Option<i64>,
    /// Keep rendered pages in memory (on by default).
    pub cache: Option<bool>,
    /// Memory for cached pages, in megabytes.
    pub cache_max_mb: Option<u64>,
    /// Seconds a cached page is served before it is rendered again.
    pub cache_fresh_seconds: Option<u64>,
    /// The Cache-Control header of public pages.
    pub cache_control: Option<String>,
    /// A command run with the surrogate keys to purge on every change (for a CDN).
    pub purge_command: Option<String>,
    /// Take readers' addresses from X-Forwarded-For (only behind a trusted proxy).
    pub trust_forwarded_for: Option<bool>,
    /// Where security problems are reported: `mailto:` or https (`/.well-known/security.txt`).
    pub security_contact: Option<String>,
    /// What feeds carry: "full" articles (the default) or their "summary".
    pub feed_content: Option<String>,
    /// Seconds a request's line and headers may take to arrive (408 after).
    pub header_timeout_seconds: Option<u64>,
    /// Seconds a request body may take to arrive, before the extra time its bytes earn (408 after).
    pub body_timeout_seconds: Option<u64>,
    /// Kilobytes per second a slow body must keep up: each such kilobyte adds a second.
    pub body_min_kb_per_second: Option<u64>,
    /// Connections served at once (503 past it); derived from the open-file limit by default.
    pub max_connections: Option<usize>,
    /// Connections served at once from one client address; 0 for no limit (behind a proxy).
    pub max_connections_per_address: Option<usize>,
    /// `[media]`: where uploaded images are kept and how large they may be.
    pub media: Option<crate::media::MediaFileConfig>,
}

impl FileConfig {
    /// Reads the file if it exists. A file named explicitly must exist.
    pub fn load(path: Option<&Path>) -> anyhow::Result<Self> {
        let (path, required) = match path {
            Some(p) => (p.to_owned(), true),
            None => (PathBuf::from("gazette.toml"), false),
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => toml::from_str(&text)
                .with_context(|| format!("{} is not valid configuration", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => Ok(Self::default()),
            Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
        }
    }
}

/// Parses a bind address, with a message that says what is expected.
pub fn parse_bind(s: &str) -> anyhow::Result<SocketAddr> {
    s.parse().with_context(|| {
        format!("{s:?} is not an address to listen on; expected IP:PORT such as 127.0.0.1:8080")
    })
}

/// A base URL without its trailing slash, checked to be absolute.
pub fn parse_base_url(s: &str) -> anyhow::Result<String> {
    let trimmed = s.trim().trim_end_matches('/');
    if !(trimmed.starts_with("http://") || trimmed.starts_with("https://")) || trimmed.len() < 10 {
        anyhow::bail!("base URL {s:?} must be absolute, like https://news.example.com");
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_in_the_file_are_reported() {
        let err = toml::from_str::<FileConfig>("bnid = \"x\"").unwrap_err();
        assert!(err.to_string().contains("bnid"), "{err}");
    }

    #[test]
    fn base_urls_lose_their_trailing_slash_and_must_be_absolute() {
        assert_eq!(
            parse_base_url("https://news.example.com/").unwrap(),
            "https://news.example.com"
        );
        assert!(parse_base_url("news.example.com").is_err());
    }

    #[test]
    fn a_bad_bind_address_says_what_is_expected() {
        let err = parse_bind("localhost").unwrap_err();
        assert!(err.to_string().contains("IP:PORT"));
    }
}
