//! Embeds: a paragraph that is nothing but the address of a video or a post on a platform Gazette
//! knows (YouTube, X, Telegram, Facebook) shows that video or post.
//!
//! The address is recognised strictly: the exact host (no look-alikes such as
//! `youtube.com.evil.test`), an address shape the platform really uses, and no character that could
//! break out of an HTML attribute. Anything else stays an ordinary link.

/// The platforms whose addresses become embeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmbedProvider {
    YouTube,
    X,
    Telegram,
    Facebook,
}

impl EmbedProvider {
    /// The platform's name as readers know it.
    pub fn name(self) -> &'static str {
        match self {
            Self::YouTube => "YouTube",
            Self::X => "X",
            Self::Telegram => "Telegram",
            Self::Facebook => "Facebook",
        }
    }

    /// The suffix of the figure's `embed-…` class.
    pub fn class_suffix(self) -> &'static str {
        match self {
            Self::YouTube => "youtube",
            Self::X => "x",
            Self::Telegram => "telegram",
            Self::Facebook => "facebook",
        }
    }
}

/// An address recognised as an embed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Embed {
    pub provider: EmbedProvider,
    /// The address as written (already checked to be safe inside an HTML attribute).
    pub url: String,
    /// YouTube only: the video's id, `[A-Za-z0-9_-]{6,20}`.
    pub video_id: Option<String>,
}

impl Embed {
    /// The privacy-enhanced player address for a YouTube video; None for other providers.
    pub fn player_url(&self) -> Option<String> {
        self.video_id
            .as_ref()
            .map(|id| format!("{YOUTUBE_PLAYER_PREFIX}{id}"))
    }
}

/// Where YouTube's player is loaded from: the domain that sets no cookies until the reader plays.
pub const YOUTUBE_PLAYER_PREFIX: &str = "https://www.youtube-nocookie.com/embed/";

/// Whether `id` has the shape of a YouTube video id.
pub fn is_youtube_video_id(id: &str) -> bool {
    (6..=20).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Recognises `url` as an embed, or None when it is any other address.
pub fn recognise(url: &str) -> Option<Embed> {
    let url = url.trim();
    if url.is_empty() || url.len() > 2048 || !url.chars().all(is_safe_url_char) {
        return None;
    }
    let lower = url.to_ascii_lowercase();
    let scheme_len = if lower.starts_with("https://") {
        8
    } else if lower.starts_with("http://") {
        7
    } else {
        return None;
    };
    let rest = &url[scheme_len..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = rest[..authority_end].to_ascii_lowercase();
    // No user part (`youtube.com@evil.test`) and no port: real share links have neither.
    if authority.contains(['@', ':']) {
        return None;
    }
    let after_authority = &rest[authority_end..];
    let (path, query) = match after_authority.split_once('?') {
        Some((path, query)) => (path, query.split('#').next().unwrap_or("")),
        None => (after_authority.split('#').next().unwrap_or(""), ""),
    };
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let host = authority
        .strip_prefix("www.")
        .or_else(|| authority.strip_prefix("m."))
        .or_else(|| authority.strip_prefix("mobile."))
        .unwrap_or(&authority);
    let (provider, video_id) = match host {
        "youtube.com" => (EmbedProvider::YouTube, Some(youtube_id(&segments, query)?)),
        "youtu.be" => match segments.as_slice() {
            [id] if is_youtube_video_id(id) => (EmbedProvider::YouTube, Some((*id).to_owned())),
            _ => return None,
        },
        "x.com" | "twitter.com" => match segments.as_slice() {
            [_user, "status", id, ..] if is_digits(id) => (EmbedProvider::X, None),
            _ => return None,
        },
        "t.me" | "telegram.me" => match segments.as_slice() {
            [channel, id] | ["s", channel, id] if is_channel(channel) && is_digits(id) => {
                (EmbedProvider::Telegram, None)
            }
            _ => return None,
        },
        "facebook.com" => {
            let is_post = segments
                .windows(2)
                .any(|pair| matches!(pair[0], "posts" | "videos") && !pair[1].is_empty());
            if !is_post {
                return None;
            }
            (EmbedProvider::Facebook, None)
        }
        _ => return None,
    };
    Some(Embed {
        provider,
        url: url.to_owned(),
        video_id,
    })
}

fn youtube_id(segments: &[&str], query: &str) -> Option<String> {
    let id = match segments {
        ["watch"] => query
            .split('&')
            .find_map(|pair| pair.strip_prefix("v="))
            .unwrap_or(""),
        ["shorts" | "embed" | "live", id] => id,
        _ => return None,
    };
    is_youtube_video_id(id).then(|| id.to_owned())
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.len() <= 30 && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_channel(s: &str) -> bool {
    (1..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Characters an embed address may contain: URL characters without quotes, angle brackets,
/// backslashes or spaces, so the address can never leave the attribute it is written into.
fn is_safe_url_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&()*+,;=%".contains(c)
}

#[cfg(test)]
mod tests {
    use super::{EmbedProvider, recognise};

    #[test]
    fn youtube_addresses_give_the_video_id() {
        for url in [
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://youtube.com/watch?feature=share&v=dQw4w9WgXcQ",
            "https://youtu.be/dQw4w9WgXcQ?t=10",
            "https://www.youtube.com/shorts/dQw4w9WgXcQ",
            "http://m.youtube.com/watch?v=dQw4w9WgXcQ#t=3",
        ] {
            let embed = recognise(url).unwrap_or_else(|| panic!("{url}"));
            assert_eq!(embed.provider, EmbedProvider::YouTube);
            assert_eq!(embed.video_id.as_deref(), Some("dQw4w9WgXcQ"), "{url}");
        }
    }

    #[test]
    fn posts_on_x_telegram_and_facebook_are_recognised() {
        let cases = [
            ("https://x.com/someone/status/1234567890", EmbedProvider::X),
            ("https://twitter.com/someone/status/1", EmbedProvider::X),
            ("https://t.me/newsroom/123", EmbedProvider::Telegram),
            (
                "https://www.facebook.com/page/posts/pfbid02abc",
                EmbedProvider::Facebook,
            ),
            (
                "https://www.facebook.com/page/videos/123456/",
                EmbedProvider::Facebook,
            ),
        ];
        for (url, provider) in cases {
            assert_eq!(recognise(url).map(|e| e.provider), Some(provider), "{url}");
        }
    }

    #[test]
    fn look_alikes_and_hostile_addresses_are_not_embeds() {
        for url in [
            "https://youtube.com.evil.test/watch?v=dQw4w9WgXcQ",
            "https://evilyoutube.com/watch?v=dQw4w9WgXcQ",
            "https://youtube.com@evil.test/watch?v=dQw4w9WgXcQ",
            "javascript:alert(1)//youtube.com/watch?v=dQw4w9WgXcQ",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ\"onload=\"alert(1)",
            "https://www.youtube.com/watch?v=<script>",
            "https://www.youtube.com/watch?v=abc",
            "https://www.youtube.com/channel/UCabcdefgh",
            "https://x.com/someone",
            "https://t.me/newsroom",
            "https://www.facebook.com/page",
            "https://example.com/",
        ] {
            assert_eq!(recognise(url), None, "{url}");
        }
    }
}
