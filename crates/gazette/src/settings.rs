//! Typed settings: defaults in code, then `gazette.toml` (or the file named by `--config` /
//! `GAZETTE_CONFIG`), then `GAZETTE_*` environment variables, then command-line options — each
//! overriding the one before. figment merges the layers and remembers which layer gave each value,
//! so a refused value and `gazette config` both say where it came from.
//!
//! Every key has a variable, named after its path: `per_page` is `GAZETTE_PER_PAGE`, `[media]
//! s3_bucket` is `GAZETTE_MEDIA_S3_BUCKET`. The names are derived from the keys rather than split
//! apart from the variables, because keys contain underscores (`cache_max_mb`): splitting
//! `GAZETTE_CACHE_MAX_MB` on `_` cannot tell a section from a word.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use figment::value::{Dict, Map, Value};
use figment::{Figment, Metadata, Profile, Provider, Source};
use serde::{Deserialize, Serialize};

/// Everything the binary can be configured with. Missing keys take the defaults below.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Address to listen on.
    pub bind: String,
    /// Folder for the SQLite database, the search index and (by default) media.
    pub data_dir: PathBuf,
    /// A `postgres://` URL selects PostgreSQL; none: SQLite in the data folder.
    pub database_url: Option<String>,
    /// Database pool size; none: 8 for SQLite, 16 for PostgreSQL.
    pub database_max_connections: Option<u32>,
    /// Public address of the site; none: `http://<bind>`.
    pub base_url: Option<String>,
    /// A theme folder instead of the built-in theme.
    pub theme: Option<PathBuf>,
    /// Load the demo newspaper on the first run.
    pub demo: bool,
    pub per_page: u32,
    pub top_window_days: i64,
    /// What feeds carry: "full" articles or their "summary".
    pub feed_content: String,
    /// Keep rendered pages in memory.
    pub cache: bool,
    /// Memory for cached pages, in megabytes.
    pub cache_max_mb: u64,
    /// Seconds a cached page is served before it is rendered again.
    pub cache_fresh_seconds: u64,
    /// The Cache-Control header of public pages.
    pub cache_control: String,
    /// A command run with the surrogate keys to purge on every change (for a CDN).
    pub purge_command: Option<String>,
    /// Take readers' addresses from X-Forwarded-For (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
    /// Where security problems are reported: `mailto:` or `https://` (`/.well-known/security.txt`).
    pub security_contact: Option<String>,
    /// The editions, comma-separated: the first is served at the root, each other under its code
    /// (`en,uk` serves Ukrainian at `/uk/…`). Each needs its words in `locales/<code>/`.
    pub editions: String,
    /// A folder of Fluent files (`<code>/*.ftl`) adding languages or rewording messages.
    pub locales_dir: Option<PathBuf>,
    /// Seconds a request's line and headers may take to arrive (408 after).
    pub header_timeout_seconds: u64,
    /// Seconds a request body may take to arrive, before the extra time its bytes earn (408 after).
    pub body_timeout_seconds: u64,
    /// Kilobytes per second a slow body must keep up: each such kilobyte adds a second.
    pub body_min_kb_per_second: u64,
    /// Connections served at once (503 past it); none: derived from the open-file limit.
    pub max_connections: Option<usize>,
    /// Connections served at once from one client address; 0 for no limit (behind a proxy).
    pub max_connections_per_address: usize,
    /// `[media]`: where uploaded images are kept and how large they may be.
    pub media: MediaSettings,
    /// `[telegram]`: autopost to Telegram channels; off without a bot token.
    pub telegram: crate::distribution::TelegramSettings,
    /// `[pings]`: WebSub and IndexNow pings on publish; off by default.
    pub pings: crate::distribution::PingSettings,
    /// `[webhooks]`: how webhook deliveries are made (docs/webhooks.md).
    pub webhooks: WebhookSettings,
}

/// `[webhooks]` in `gazette.toml`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WebhookSettings {
    /// Let endpoints be on loopback and private addresses: for tests and local setups only
    /// (otherwise a newsroom account could make the server call into its own network).
    pub allow_private: bool,
    /// Seconds one delivery attempt may take before it counts as failed and is retried.
    pub timeout_seconds: u64,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        let outbox = gazette_node::outbox::OutboxSettings::default();
        Self {
            allow_private: false,
            timeout_seconds: outbox.attempt_timeout.as_secs(),
        }
    }
}

/// `[media]` in `gazette.toml`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MediaSettings {
    /// A folder for the files when no bucket is set; none: `media/` in the data folder.
    pub dir: Option<PathBuf>,
    pub s3_bucket: Option<String>,
    pub s3_endpoint: Option<String>,
    pub s3_region: Option<String>,
    pub s3_access_key_id: Option<String>,
    pub s3_secret_access_key: Option<String>,
    pub s3_prefix: Option<String>,
    /// Largest upload, in megabytes.
    pub max_mb: usize,
    /// Largest image, in megapixels.
    pub max_megapixels: u64,
}

const MB: u64 = 1024 * 1024;

impl Default for Settings {
    // The defaults are read from the types that use the values, so there is one place for each.
    fn default() -> Self {
        let site = gazette_web::SiteConfig::default();
        let server = gazette_web::server::ServerOptions::default();
        Self {
            bind: "127.0.0.1:8080".into(),
            data_dir: "./data".into(),
            database_url: None,
            database_max_connections: None,
            base_url: None,
            theme: None,
            demo: true,
            per_page: site.per_page,
            top_window_days: site.top_window_days,
            feed_content: "full".into(),
            cache: site.cache.enabled,
            cache_max_mb: site.cache.max_bytes / MB,
            cache_fresh_seconds: site.cache.fresh_for.as_secs(),
            cache_control: site.cache.cache_control,
            purge_command: site.cache.purge_command,
            trust_forwarded_for: site.trust_forwarded_for,
            security_contact: site.security_contact,
            editions: site
                .editions
                .all()
                .iter()
                .map(|l| l.code())
                .collect::<Vec<_>>()
                .join(","),
            locales_dir: None,
            header_timeout_seconds: server.header_read_timeout.as_secs(),
            body_timeout_seconds: server.body_timeout.as_secs(),
            body_min_kb_per_second: server.body_min_rate / 1024,
            max_connections: None,
            max_connections_per_address: server.max_connections_per_address,
            media: MediaSettings::default(),
            telegram: Default::default(),
            pings: Default::default(),
            webhooks: WebhookSettings::default(),
        }
    }
}

impl Default for MediaSettings {
    fn default() -> Self {
        let limits = gazette_media::Limits::default();
        Self {
            dir: None,
            s3_bucket: None,
            s3_endpoint: None,
            s3_region: None,
            s3_access_key_id: None,
            s3_secret_access_key: None,
            s3_prefix: None,
            max_mb: limits.max_bytes / MB as usize,
            max_megapixels: limits.max_pixels / 1_000_000,
        }
    }
}

/// A value given on the command line: how it was written (for messages) and the key it sets.
pub struct CommandLineValue {
    pub written: String,
    pub key: String,
    pub value: Value,
}

impl CommandLineValue {
    pub fn new(written: impl Into<String>, key: &str, value: impl Into<Value>) -> Self {
        Self {
            written: written.into(),
            key: key.to_owned(),
            value: value.into(),
        }
    }

    /// `--set KEY=VALUE`: any key, nested ones with a dot (`media.max_mb=10`).
    pub fn parse_set(given: &str) -> anyhow::Result<Self> {
        let (key, value) = given
            .split_once('=')
            .with_context(|| format!("--set {given:?}: expected KEY=VALUE, like per_page=20"))?;
        Ok(Self::new(
            format!("--set {given}"),
            key.trim(),
            value.to_owned(),
        ))
    }
}

/// The settings in force and the merged layers, kept to tell where each value came from.
pub struct Loaded {
    pub settings: Settings,
    figment: Figment,
    /// The configuration file read, if any.
    pub file: Option<PathBuf>,
}

/// Variables that say the opposite of a key, kept because they were documented before every key
/// had its own variable.
const INVERTED_VARIABLES: [(&str, &str); 2] =
    [("GAZETTE_NO_DEMO", "demo"), ("GAZETTE_NO_CACHE", "cache")];

/// The variable for a key: `media.s3_bucket` → `GAZETTE_MEDIA_S3_BUCKET`.
pub fn variable_for(key: &str) -> String {
    format!("GAZETTE_{}", key.replace('.', "_").to_ascii_uppercase())
}

impl Settings {
    /// Merges the layers, refuses unknown keys, values of the wrong type and values out of range.
    pub fn load(
        explicit_file: Option<&Path>,
        command_line: Vec<CommandLineValue>,
    ) -> anyhow::Result<Loaded> {
        let defaults = to_dict(&Settings::default())?;
        let mut layers = vec![Layer {
            metadata: Metadata::named("the default"),
            dict: defaults.clone(),
        }];
        let file = match read_file(explicit_file)? {
            Some((path, dict)) => {
                layers.push(Layer {
                    metadata: Metadata::from("file", Source::File(path.clone())),
                    dict,
                });
                Some(path)
            }
            None => None,
        };
        layers.extend(environment(&defaults)?);
        for given in command_line {
            layers.push(Layer::single(
                Source::Custom("command line".into()),
                given.written,
                &given.key,
                given.value,
            ));
        }
        for layer in &layers[1..] {
            check_keys(&defaults, &layer.dict, "", &layer.metadata)?;
        }
        let figment = layers
            .into_iter()
            .fold(Figment::new(), |figment, layer| figment.merge(layer));
        // Lossy: environment variables and `--set` give text, which becomes the number or
        // switch the key holds ("20", "yes", "0").
        let settings: Settings = figment
            .extract_lossy()
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let loaded = Loaded {
            settings,
            figment,
            file,
        };
        loaded.validate()?;
        Ok(loaded)
    }
}

impl Loaded {
    /// Where the value of a key came from, for messages: "environment variable GAZETTE_PER_PAGE".
    pub fn origin(&self, key: &str) -> String {
        match self.figment.find_metadata(key) {
            Some(metadata) => describe(metadata),
            None => "the default".into(),
        }
    }

    fn validate(&self) -> anyhow::Result<()> {
        let s = &self.settings;
        let mut problems = Vec::new();
        let mut range = |key: &str, value: i128, low: i128, high: i128, why: &str| {
            if !(low..=high).contains(&value) {
                problems.push(format!(
                    "{key} must be between {low} and {high}{why}, not {value} (from {})",
                    self.origin(key)
                ));
            }
        };
        // Past 100 a list page is slow to render and to read; 0 would show nothing.
        range("per_page", s.per_page.into(), 1, 100, "");
        range("top_window_days", s.top_window_days.into(), 1, 365, "");
        // The cache is sized in memory the process must have; 64 GB is already a large server.
        range("cache_max_mb", s.cache_max_mb.into(), 1, 65_536, "");
        // 0: every hit renders again in the background; past a day, use a CDN's cache instead.
        range(
            "cache_fresh_seconds",
            s.cache_fresh_seconds.into(),
            0,
            86_400,
            "",
        );
        if let Some(n) = s.database_max_connections {
            // PostgreSQL itself allows 100 connections by default, shared by every node.
            range("database_max_connections", n.into(), 1, 1_000, "");
        }
        // 0 would answer 408 to every request; past an hour the timeout protects nothing.
        range(
            "header_timeout_seconds",
            s.header_timeout_seconds.into(),
            1,
            3_600,
            "",
        );
        range(
            "body_timeout_seconds",
            s.body_timeout_seconds.into(),
            1,
            3_600,
            "",
        );
        // 0: no extra time for large bodies; a gigabyte a second is faster than any client.
        range(
            "body_min_kb_per_second",
            s.body_min_kb_per_second.into(),
            0,
            1_048_576,
            " (0: no extra time)",
        );
        if let Some(n) = s.max_connections {
            range("max_connections", n as i128, 1, 1_000_000, "");
        }
        range(
            "max_connections_per_address",
            s.max_connections_per_address as i128,
            0,
            1_000_000,
            " (0: no limit)",
        );
        range(
            "webhooks.timeout_seconds",
            s.webhooks.timeout_seconds.into(),
            1,
            60,
            "",
        );
        // Uploads arrive in one request of at most 64 MB, form fields included.
        range("media.max_mb", s.media.max_mb as i128, 1, 60, "");
        // A 500-megapixel image already takes 2 GB of memory to decode.
        range(
            "media.max_megapixels",
            s.media.max_megapixels.into(),
            1,
            500,
            "",
        );

        if let Err(e) = parse_bind(&s.bind) {
            problems.push(format!("bind: {e} (from {})", self.origin("bind")));
        }
        if let Some(url) = &s.base_url
            && let Err(e) = parse_base_url(url)
        {
            problems.push(format!("base_url: {e} (from {})", self.origin("base_url")));
        }
        if gazette_web::feeds::FeedContent::parse(&s.feed_content).is_none() {
            problems.push(format!(
                "feed_content must be \"full\" or \"summary\", not {:?} (from {})",
                s.feed_content,
                self.origin("feed_content")
            ));
        }
        if let Some(contact) = self.security_contact()
            && !(contact.starts_with("mailto:") || contact.starts_with("https://"))
        {
            problems.push(format!(
                "security_contact must be a mailto: or https:// address, not {contact:?} (from {})",
                self.origin("security_contact")
            ));
        }
        if let Err(e) = gazette_core::Editions::parse(&s.editions) {
            problems.push(format!("editions: {e} (from {})", self.origin("editions")));
        }
        problems.extend(crate::distribution::problems(
            &s.telegram,
            &s.pings,
            |key| self.origin(key),
        ));
        if problems.is_empty() {
            Ok(())
        } else {
            anyhow::bail!("{}", problems.join("\n"))
        }
    }

    /// The security contact, an empty one meaning none (as an empty variable does).
    pub fn security_contact(&self) -> Option<String> {
        self.settings
            .security_contact
            .clone()
            .filter(|c| !c.trim().is_empty())
    }

    /// `gazette config`: every key with its value and where it came from, secrets masked.
    pub fn describe(&self) -> anyhow::Result<String> {
        let mut out = String::from(
            "# The settings in force, lowest priority first: default, file, environment, command line.\n",
        );
        match &self.file {
            Some(path) => out.push_str(&format!("# file: {}\n", path.display())),
            None => out.push_str("# file: none (no gazette.toml here, no --config)\n"),
        }
        let effective = to_dict(&self.settings)?;
        let mut sections = Vec::new();
        for (key, value) in &effective {
            match value {
                Value::Dict(_, inner) => sections.push((key, inner)),
                _ => self.describe_line(&mut out, key, key, value),
            }
        }
        for (section, inner) in sections {
            out.push_str(&format!("\n[{section}]\n"));
            for (key, value) in inner {
                self.describe_line(&mut out, key, &format!("{section}.{key}"), value);
            }
        }
        Ok(out)
    }

    fn describe_line(&self, out: &mut String, name: &str, path: &str, value: &Value) {
        let origin = self.origin(path);
        let shown = match value {
            Value::Empty(..) => {
                let meaning = self.unset_meaning(path);
                out.push_str(&format!("# {name} is not set: {meaning}  # {origin}\n"));
                return;
            }
            Value::String(_, text) if SECRET_KEYS.contains(&path) => toml_string(&mask(text)),
            Value::String(_, text) if path == "database_url" => toml_string(&mask_url(text)),
            Value::String(_, text) => toml_string(text),
            Value::Num(_, n) => n
                .to_u128()
                .map(|n| n.to_string())
                .or_else(|| n.to_i128().map(|n| n.to_string()))
                .unwrap_or_else(|| format!("{:?}", n.to_f64())),
            Value::Bool(_, b) => b.to_string(),
            other => format!("{other:?}"),
        };
        out.push_str(&format!("{name} = {shown}  # {origin}\n"));
    }
}

impl Loaded {
    /// What an unset key means, as `serve` will decide it.
    fn unset_meaning(&self, path: &str) -> String {
        let s = &self.settings;
        match path {
            "database_url" => format!("SQLite in {}", s.data_dir.display()),
            "database_max_connections" => "8 for SQLite, 16 for PostgreSQL".into(),
            "base_url" => format!("http://{}", s.bind),
            "theme" => "the built-in theme".into(),
            "security_contact" => "mailto:security@<host of base_url>".into(),
            "max_connections" => format!(
                "{}, from the open-file limit",
                gazette_web::server::ServerOptions::default().max_connections
            ),
            "media.dir" => format!("{}", s.data_dir.join("media").display()),
            "media.s3_bucket" => "media are kept in a folder".into(),
            "telegram.bot_token" => "nothing is posted to Telegram".into(),
            _ => "none".into(),
        }
    }
}

/// Keys printed as `****` by `gazette config`, whose output lands in terminals and tickets.
const SECRET_KEYS: [&str; 3] = [
    "media.s3_access_key_id",
    "media.s3_secret_access_key",
    "telegram.bot_token",
];

fn mask(text: &str) -> String {
    if text.is_empty() {
        String::new()
    } else {
        "****".into()
    }
}

/// A database URL with its password hidden, in the user-info part (`user:secret@host`) and in a
/// `password=` query parameter, the two places libpq and sqlx take one from.
pub fn mask_url(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (format!("{scheme}://"), rest),
        None => (String::new(), url),
    };
    let (authority_and_path, query) = match rest.split_once('?') {
        Some((before, query)) => (before, Some(query)),
        None => (rest, None),
    };
    let authority_end = authority_and_path
        .find('/')
        .unwrap_or(authority_and_path.len());
    let (authority, path) = authority_and_path.split_at(authority_end);
    let authority = match authority.rsplit_once('@') {
        Some((user_info, host)) => match user_info.split_once(':') {
            Some((user, _password)) => format!("{user}:****@{host}"),
            None => authority.to_owned(),
        },
        None => authority.to_owned(),
    };
    let query = query.map(|query| {
        query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, _)) if name.eq_ignore_ascii_case("password") => {
                    format!("{name}=****")
                }
                _ => pair.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("&")
    });
    match query {
        Some(query) => format!("{scheme}{authority}{path}?{query}"),
        None => format!("{scheme}{authority}{path}"),
    }
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// "environment variable GAZETTE_PER_PAGE", "file ./gazette.toml", "command line --bind".
fn describe(metadata: &Metadata) -> String {
    match &metadata.source {
        Some(Source::File(path)) => format!("file {}", path.display()),
        Some(source) => format!("{source} {}", metadata.name),
        None => metadata.name.to_string(),
    }
}

/// One layer of settings and where it came from. figment tags every value with its layer, which
/// is how a value is traced back to its variable, file or option.
struct Layer {
    metadata: Metadata,
    dict: Dict,
}

impl Layer {
    fn single(source: Source, name: String, key: &str, value: Value) -> Self {
        let dict = figment::util::nest(key, value)
            .into_dict()
            .unwrap_or_default();
        Self {
            metadata: Metadata::from(name, source),
            dict,
        }
    }
}

impl Provider for Layer {
    fn metadata(&self) -> Metadata {
        // figment's own errors then name the key as written ("per_page"), not "default.per_page".
        self.metadata
            .clone()
            .interpolater(|_: &Profile, keys: &[&str]| keys.join("."))
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        Ok(Profile::Default.collect(self.dict.clone()))
    }
}

fn to_dict<T: Serialize>(value: &T) -> anyhow::Result<Dict> {
    Value::serialize(value)
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .into_dict()
        .context("settings must serialize to a table")
}

/// The configuration file as a table: the one named, which must exist, or `gazette.toml` in the
/// current folder if there is one. Parsed with the workspace's `toml`, so one TOML parser serves
/// the whole program.
fn read_file(explicit: Option<&Path>) -> anyhow::Result<Option<(PathBuf, Dict)>> {
    let (path, required) = match explicit {
        Some(path) => (path.to_owned(), true),
        None => (PathBuf::from("gazette.toml"), false),
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let table: toml::Table = toml::from_str(&text)
        .with_context(|| format!("{} is not valid configuration", path.display()))?;
    Ok(Some((path, to_dict(&table)?)))
}

/// A layer per `GAZETTE_*` variable that names a key. Only those: `GAZETTE_LOG`, `GAZETTE_CONFIG`
/// and variables of other tools are not settings. An empty variable counts as unset, as it did
/// before (deployment scripts set `GAZETTE_MEDIA_S3_BUCKET=` to mean no bucket).
fn environment(defaults: &Dict) -> anyhow::Result<Vec<Layer>> {
    let mut layers = Vec::new();
    let mut keys = Vec::new();
    key_paths(defaults, "", &mut keys);
    let source = || Source::Custom("environment variable".into());
    for key in keys {
        let name = variable_for(&key);
        if let Some(value) = variable(&name)? {
            layers.push(Layer::single(source(), name, &key, value.into()));
        }
    }
    for (name, key) in INVERTED_VARIABLES {
        let Some(text) = variable(name)? else {
            continue;
        };
        let Some(on) = Value::from(text.clone()).to_bool_lossy() else {
            anyhow::bail!("{name} must be true or false (or 1/0, yes/no, on/off), not {text:?}");
        };
        if let Some(direct) = variable(&variable_for(key))?
            && Value::from(direct).to_bool_lossy() == Some(on)
        {
            anyhow::bail!(
                "{name} and {} contradict each other: set one of them",
                variable_for(key)
            );
        }
        layers.push(Layer::single(
            source(),
            name.to_owned(),
            key,
            Value::from(!on),
        ));
    }
    Ok(layers)
}

fn variable(name: &str) -> anyhow::Result<Option<String>> {
    match std::env::var(name) {
        Ok(value) if value.is_empty() => Ok(None),
        Ok(value) => Ok(Some(value)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => anyhow::bail!("{name} is not valid UTF-8"),
    }
}

/// Every leaf key, nested ones as `section.key`.
fn key_paths(dict: &Dict, prefix: &str, out: &mut Vec<String>) {
    for (key, value) in dict {
        let path = format!("{prefix}{key}");
        match value {
            Value::Dict(_, inner) => key_paths(inner, &format!("{path}."), out),
            _ => out.push(path),
        }
    }
}

/// Refuses a key the settings do not have, naming it and where it was written. serde's
/// `deny_unknown_fields` would refuse it too, but after the layers are merged, when the key no
/// longer knows which layer it came from.
fn check_keys(known: &Dict, given: &Dict, prefix: &str, from: &Metadata) -> anyhow::Result<()> {
    for (key, value) in given {
        let path = format!("{prefix}{key}");
        match (known.get(key), value) {
            (None, _) => {
                let mut names = Vec::new();
                key_paths(known, prefix, &mut names);
                anyhow::bail!(
                    "unknown setting `{path}` in {}; the settings are: {}",
                    describe(from),
                    names.join(", ")
                );
            }
            (Some(Value::Dict(_, inner)), Value::Dict(_, given_inner)) => {
                check_keys(inner, given_inner, &format!("{path}."), from)?;
            }
            (Some(Value::Dict(..)), _) => {
                anyhow::bail!("`{path}` in {} must be a table ([{path}])", describe(from));
            }
            _ => {}
        }
    }
    Ok(())
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
    fn unknown_keys_are_reported_with_their_name_and_layer() {
        let defaults = to_dict(&Settings::default()).unwrap();
        let given = to_dict(&toml::from_str::<toml::Table>("bnid = \"x\"").unwrap()).unwrap();
        let err = check_keys(&defaults, &given, "", &Metadata::named("here")).unwrap_err();
        assert!(err.to_string().contains("`bnid` in here"), "{err}");
        let nested =
            to_dict(&toml::from_str::<toml::Table>("[media]\nmax_gb = 1").unwrap()).unwrap();
        let err = check_keys(&defaults, &nested, "", &Metadata::named("here")).unwrap_err();
        assert!(err.to_string().contains("`media.max_gb`"), "{err}");
    }

    #[test]
    fn every_key_has_a_variable_named_after_its_path() {
        assert_eq!(variable_for("media.s3_bucket"), "GAZETTE_MEDIA_S3_BUCKET");
        assert_eq!(variable_for("cache_max_mb"), "GAZETTE_CACHE_MAX_MB");
    }

    #[test]
    fn passwords_in_database_urls_are_masked() {
        assert_eq!(
            mask_url("postgres://gazette:s3cret@db.internal:5432/gazette?sslmode=require"),
            "postgres://gazette:****@db.internal:5432/gazette?sslmode=require"
        );
        assert_eq!(
            mask_url("postgres://gazette@db/gazette?password=s3cret&sslmode=disable"),
            "postgres://gazette@db/gazette?password=****&sslmode=disable"
        );
        assert_eq!(mask_url("postgres://db/gazette"), "postgres://db/gazette");
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
