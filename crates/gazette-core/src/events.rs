//! Events: what happened in the newsroom that the outside world is told about (webhooks, Telegram,
//! pings). An event is derived once from the change log by the node's outbox job and stored with
//! its payload, so every delivery of it — to any channel, on any retry — carries the same words,
//! even if the article changes again afterwards.
//!
//! The payload a receiver sees is
//! `{"id": 17, "type": "article.published", "occurred_at": "…", "data": {…}}`; `data` holds
//! `article` for every article event (and live entries and corrections, which belong to one),
//! `correction` for `correction.added`, `entry` for `live_entry.posted` and `banner` for the
//! breaking-news events. Fields are only ever added, never renamed, so receivers may ignore what
//! they do not know.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The kinds of event, by their wire name (`article.published`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EventKind {
    #[serde(rename = "article.published")]
    ArticlePublished,
    #[serde(rename = "article.updated")]
    ArticleUpdated,
    #[serde(rename = "article.unpublished")]
    ArticleUnpublished,
    #[serde(rename = "correction.added")]
    CorrectionAdded,
    #[serde(rename = "live_entry.posted")]
    LiveEntryPosted,
    #[serde(rename = "breaking.set")]
    BreakingSet,
    #[serde(rename = "breaking.cleared")]
    BreakingCleared,
}

impl EventKind {
    /// Every kind, in the order the newsroom lists them.
    pub const ALL: [EventKind; 7] = [
        Self::ArticlePublished,
        Self::ArticleUpdated,
        Self::ArticleUnpublished,
        Self::CorrectionAdded,
        Self::LiveEntryPosted,
        Self::BreakingSet,
        Self::BreakingCleared,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ArticlePublished => "article.published",
            Self::ArticleUpdated => "article.updated",
            Self::ArticleUnpublished => "article.unpublished",
            Self::CorrectionAdded => "correction.added",
            Self::LiveEntryPosted => "live_entry.posted",
            Self::BreakingSet => "breaking.set",
            Self::BreakingCleared => "breaking.cleared",
        }
    }

    /// The kind named `name`, or `None` for a name Gazette does not send.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// What an admin picking events reads.
    pub fn label(self) -> &'static str {
        match self {
            Self::ArticlePublished => "Article published",
            Self::ArticleUpdated => "Published article updated",
            Self::ArticleUnpublished => "Article unpublished",
            Self::CorrectionAdded => "Correction added",
            Self::LiveEntryPosted => "Live entry posted",
            Self::BreakingSet => "Breaking news set",
            Self::BreakingCleared => "Breaking news cleared",
        }
    }

    /// Whether the event is about one article (all but the banner's).
    pub fn is_about_article(self) -> bool {
        !matches!(self, Self::BreakingSet | Self::BreakingCleared)
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The article an event is about, as it was when the event was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventArticle {
    pub id: i64,
    /// The public address (absolute when the site's base URL is known).
    pub url: String,
    pub headline: String,
    pub standfirst: String,
    pub section: EventSection,
    /// BCP 47 tag, e.g. `uk`.
    pub language: String,
    pub authors: Vec<String>,
    pub tags: Vec<String>,
    #[serde(with = "rfc3339_opt")]
    pub published_at: Option<DateTime<Utc>>,
    #[serde(with = "rfc3339")]
    pub updated_at: DateTime<Utc>,
    /// The featured image's largest rendition, absolute when the base URL is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_alt: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventSection {
    pub slug: String,
    pub name: String,
}

/// The correction of a `correction.added` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventCorrection {
    pub id: i64,
    /// `correction` (something published was wrong) or `update` (new information was added).
    pub kind: String,
    pub text: String,
    #[serde(with = "rfc3339")]
    pub at: DateTime<Utc>,
}

/// The entry of a `live_entry.posted` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventEntry {
    pub id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headline: Option<String>,
    /// The entry's text as plain text (Markdown source), for channels that do not show HTML.
    pub text: String,
    /// The entry's own address on the live blog's page.
    pub url: String,
    #[serde(with = "rfc3339")]
    pub posted_at: DateTime<Utc>,
}

/// The banner of a `breaking.*` event; `breaking.cleared` carries the banner that was cleared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventBanner {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// What an event is about; which parts are present depends on the kind (see the module docs).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EventData {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<EventArticle>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correction: Option<EventCorrection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<EventEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub banner: Option<EventBanner>,
}

/// An event waiting to be stored: the outbox gives it its id.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub kind: EventKind,
    pub article_id: Option<i64>,
    pub occurred_at: DateTime<Utc>,
    /// The change-log entry it was derived from.
    pub seq: i64,
    pub data: EventData,
}

/// A stored event: exactly what receivers are sent (see [`Event::payload`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Unique and increasing; receivers may use it to drop an event they already processed.
    pub id: i64,
    pub kind: EventKind,
    pub article_id: Option<i64>,
    pub occurred_at: DateTime<Utc>,
    pub seq: i64,
    pub data: EventData,
}

/// The JSON shape of a payload; serialise it with any serde format (`serde_json` in practice).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventPayload {
    pub id: i64,
    #[serde(rename = "type")]
    pub kind: EventKind,
    #[serde(with = "rfc3339")]
    pub occurred_at: DateTime<Utc>,
    pub data: EventData,
}

impl Event {
    pub fn payload(&self) -> EventPayload {
        EventPayload {
            id: self.id,
            kind: self.kind,
            occurred_at: self.occurred_at,
            data: self.data.clone(),
        }
    }
}

/// The longest webhook URL accepted.
pub const MAX_WEBHOOK_URL_LEN: usize = 2000;

/// Checks a webhook endpoint's URL as an admin typed it: an absolute `http` or `https` address
/// with a host, no user name or password in it, and — unless `allow_private` — not a loopback,
/// private or link-local address or `localhost`. A newsroom under attack must not be made to POST
/// into its own network (SSRF); names that resolve to such addresses are refused again when a
/// delivery connects. Returns the URL trimmed, or what is wrong with it in words an admin reads.
pub fn check_webhook_url(url: &str, allow_private: bool) -> Result<String, String> {
    let url = url.trim();
    if url.is_empty() {
        return Err("Enter the endpoint's URL.".to_owned());
    }
    if url.len() > MAX_WEBHOOK_URL_LEN {
        return Err(format!(
            "The URL is too long (at most {MAX_WEBHOOK_URL_LEN} characters)."
        ));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("The URL must not contain spaces.".to_owned());
    }
    let lower = url.to_ascii_lowercase();
    let rest = if let Some(rest) = lower.strip_prefix("https://") {
        rest
    } else if let Some(rest) = lower.strip_prefix("http://") {
        rest
    } else {
        return Err("The URL must start with http:// or https://.".to_owned());
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err("The URL must not contain a user name or password.".to_owned());
    }
    let host = webhook_host(authority).ok_or("The URL has no valid host name.")?;
    if !allow_private && !is_public_host(&host) {
        return Err(
            "The URL points to a private or local address; webhooks go to public addresses only."
                .to_owned(),
        );
    }
    Ok(url.to_owned())
}

/// The host of an authority (`host`, `host:port`, `[v6]:port`), lower-case and without brackets,
/// or `None` when it is not a host name, an IP address or a valid port.
fn webhook_host(authority: &str) -> Option<String> {
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6.split_once(']')?;
        host.parse::<std::net::Ipv6Addr>().ok()?;
        (host, after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if let Some(port) = port
        && port.parse::<u16>().is_err()
    {
        return None;
    }
    let valid = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | ':' | '_'));
    valid.then(|| host.trim_end_matches('.').to_owned())
}

/// Whether a host (name or address) may be a webhook's: names count as public here (their
/// addresses are checked when a delivery connects), except `localhost` and its subdomains.
fn is_public_host(host: &str) -> bool {
    if let Ok(ip) = host.parse::<std::net::IpAddr>() {
        return is_public_ip(ip);
    }
    // URL parsers read a host ending in a number as an IPv4 address in any of its old forms
    // (`2130706433`, `127.1`, `0x7f.0.0.1` are all 127.0.0.1): only the dotted four-number form
    // is judged above, so the others are refused rather than let through as names.
    let last = host.rsplit('.').next().unwrap_or_default();
    let numeric = last.chars().all(|c| c.is_ascii_digit()) || last.starts_with("0x");
    !numeric && host != "localhost" && !host.ends_with(".localhost")
}

/// Whether an address is on the public internet: not loopback, private (RFC 1918, unique local),
/// link-local, shared (carrier-grade NAT), unspecified, multicast, broadcast, documentation,
/// benchmarking or reserved. IPv4 addresses written as IPv6 are judged as IPv4.
pub fn is_public_ip(ip: std::net::IpAddr) -> bool {
    use std::net::IpAddr;
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_multicast()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0 && c == 0)
                || (a == 198 && (18..20).contains(&b))
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_ip(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || first == 0x2001 && v6.segments()[1] == 0x0db8)
        }
    }
}

/// Times as RFC 3339 in UTC with a `Z` and whole seconds (`2026-12-02T06:40:00Z`): what every
/// JSON receiver parses. Written here because the workspace's chrono has no serde feature.
mod rfc3339 {
    use chrono::{DateTime, SecondsFormat, Utc};
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(at: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&at.to_rfc3339_opts(SecondsFormat::Secs, true))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let text = String::deserialize(d)?;
        DateTime::parse_from_rfc3339(&text)
            .map(|at| at.with_timezone(&Utc))
            .map_err(D::Error::custom)
    }
}

mod rfc3339_opt {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(at: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match at {
            Some(at) => super::rfc3339::serialize(at, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        #[derive(Deserialize)]
        struct Wrapped(#[serde(with = "super::rfc3339")] DateTime<Utc>);
        Ok(Option::<Wrapped>::deserialize(d)?.map(|Wrapped(at)| at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_parses_back_from_its_wire_name() {
        for kind in EventKind::ALL {
            assert_eq!(EventKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(EventKind::parse("article.deleted"), None);
        assert_eq!(EventKind::parse(""), None);
    }

    #[test]
    fn webhook_urls_must_be_http_with_a_public_host() {
        for url in [
            "https://hooks.example.com/gazette",
            "http://203.0.113.9.nip.io:8080/x?y=1",
            " https://example.org ",
            "https://[2a00:1450::1]:443/h",
        ] {
            assert!(check_webhook_url(url, false).is_ok(), "{url}");
        }
        for (url, says) in [
            ("", "Enter"),
            ("ftp://example.com/", "http:// or https://"),
            ("file:///etc/passwd", "http:// or https://"),
            ("https://user:pw@example.com/", "user name"),
            ("https:///path", "no valid host"),
            ("https://exa mple.com/", "spaces"),
            ("https://example.com:99999/", "no valid host"),
            ("http://127.0.0.1:8080/", "private or local"),
            ("http://localhost/", "private or local"),
            ("http://api.localhost/", "private or local"),
            ("http://10.1.2.3/", "private or local"),
            (
                "http://169.254.169.254/latest/meta-data",
                "private or local",
            ),
            ("http://[::1]/", "private or local"),
            ("http://[::ffff:192.168.0.1]/", "private or local"),
            ("http://[fd00::1]/", "private or local"),
            ("http://2130706433/", "private or local"),
            ("http://127.1/", "private or local"),
            ("http://0x7f.0.0.1/", "private or local"),
        ] {
            let error = check_webhook_url(url, false).expect_err(url);
            assert!(error.contains(says), "{url}: {error}");
        }
    }

    #[test]
    fn local_addresses_are_allowed_when_the_setting_says_so() {
        assert_eq!(
            check_webhook_url("http://127.0.0.1:9000/hook", true).as_deref(),
            Ok("http://127.0.0.1:9000/hook")
        );
        assert!(check_webhook_url("ftp://127.0.0.1/", true).is_err());
    }

    #[test]
    fn only_banner_events_are_not_about_an_article() {
        let not_article: Vec<_> = EventKind::ALL
            .into_iter()
            .filter(|k| !k.is_about_article())
            .collect();
        assert_eq!(
            not_article,
            vec![EventKind::BreakingSet, EventKind::BreakingCleared]
        );
    }
}
