//! The storage role for Telegram autopost: the channels a bot posts new articles to (set up by
//! admins in the newsroom), and the messages it sent, so that an edit of an article can edit its
//! message and unpublishing can delete it. The bot token is a setting, never stored here.
//!
//! Sending is the outbox's work (`gazette-node`, `outbox/telegram.rs`); this role only remembers.

use chrono::{DateTime, Utc};

use crate::{NewAuditEntry, StoreResult};

/// The longest channel title kept: a label for the newsroom, not content.
pub const MAX_CHANNEL_TITLE_CHARS: usize = 100;

/// A chat the Bot API can post to: `@name` (a public channel's username: 5 to 32 letters, digits
/// or underscores, starting with a letter) or a numeric id (`-100…` for a private channel).
/// Checked on construction, so a typo is refused in the newsroom rather than by Telegram later.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct ChatId(String);

impl ChatId {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if let Some(name) = raw.strip_prefix('@') {
            let good_chars = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            let starts_with_letter = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
            if good_chars && starts_with_letter && (5..=32).contains(&name.len()) {
                return Ok(Self(raw.to_owned()));
            }
            return Err(format!(
                "{raw:?} is not a channel username: after @ come 5 to 32 letters, digits or \
                 underscores, starting with a letter."
            ));
        }
        match raw.parse::<i64>() {
            Ok(id) if id != 0 && !raw.starts_with('+') => Ok(Self(raw.to_owned())),
            _ => Err(format!(
                "{raw:?} is not a chat: give the channel's @username, or its numeric id \
                 (private channels' ids start with -100)."
            )),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A value read back from the database, which only ever holds parsed ones.
    pub(crate) fn stored(raw: String) -> Self {
        Self(raw)
    }
}

impl std::fmt::Display for ChatId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A channel the bot posts to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TelegramChannel {
    pub id: i64,
    pub chat_id: ChatId,
    pub title: String,
    /// The section whose articles it gets; `None`: every section.
    pub section_id: Option<i64>,
    /// A disabled channel gets no new posts; its earlier messages are still edited and deleted.
    pub active: bool,
    /// Whether an article's featured image is sent, as a photo with the text as its caption.
    pub with_images: bool,
    pub created_at: DateTime<Utc>,
}

/// A channel as the newsroom's form gives it, for adding or changing one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelSettings {
    pub chat_id: ChatId,
    /// Trimmed; empty means "use the chat id".
    pub title: String,
    pub section_id: Option<i64>,
    pub active: bool,
    pub with_images: bool,
}

/// A message the bot sent about an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TelegramMessage {
    pub article_id: i64,
    pub chat_id: ChatId,
    pub message_id: i64,
    /// A photo's text is its caption, changed with `editMessageCaption`.
    pub photo: bool,
    pub sent_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
}

/// A delivery of the outbox on one of the channels the Telegram page shows (`telegram`, and the
/// pings), as the newsroom lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelDelivery {
    pub id: i64,
    pub channel: String,
    /// The chat, feed or address it went to.
    pub target: String,
    pub status: crate::outbox::DeliveryStatus,
    pub attempts: i64,
    /// `article.published`, …
    pub event_kind: String,
    /// The headline of the article the event is about, as the event carried it.
    pub headline: String,
    pub occurred_at: DateTime<Utc>,
    pub next_attempt_at: DateTime<Utc>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_status_code: Option<i64>,
    pub last_error: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
}

#[async_trait::async_trait]
pub trait TelegramStore: Send + Sync + 'static {
    /// Every channel, by title.
    async fn telegram_channels(&self) -> StoreResult<Vec<TelegramChannel>>;

    async fn telegram_channel(&self, id: i64) -> StoreResult<Option<TelegramChannel>>;

    /// Active channels that get the articles of `section_id` (those following it, and those
    /// following every section).
    async fn telegram_channels_for_section(
        &self,
        section_id: i64,
    ) -> StoreResult<Vec<TelegramChannel>>;

    /// Adds a channel; a chat already added is a `Conflict`, a section that does not exist
    /// `Invalid`. `audit` is written in the same transaction, naming the new channel.
    async fn add_telegram_channel(
        &self,
        channel: &ChannelSettings,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<TelegramChannel>;

    /// Changes a channel (`NotFound` when there is none), with the same checks as adding one.
    async fn update_telegram_channel(
        &self,
        id: i64,
        channel: &ChannelSettings,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<TelegramChannel>;

    /// Removes a channel: nothing more is posted, edited or deleted there. Its messages are
    /// remembered, so the same chat added again has them edited and deleted as before.
    async fn remove_telegram_channel(
        &self,
        id: i64,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// The messages sent about an article, oldest first.
    async fn telegram_messages(&self, article_id: i64) -> StoreResult<Vec<TelegramMessage>>;

    /// Remembers a message sent (replacing what was kept for the same article and chat).
    async fn record_telegram_message(&self, message: &TelegramMessage) -> StoreResult<()>;

    /// Notes that a message was edited at `now`.
    async fn telegram_message_edited(
        &self,
        article_id: i64,
        chat_id: &ChatId,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// The newest deliveries on `channels`, newest first.
    async fn recent_deliveries(
        &self,
        channels: &[&str],
        limit: u32,
    ) -> StoreResult<Vec<ChannelDelivery>>;

    /// Forgets a message once it is deleted from its chat.
    async fn forget_telegram_message(&self, article_id: i64, chat_id: &ChatId) -> StoreResult<()>;
}

#[cfg(test)]
mod tests {
    use super::ChatId;

    #[test]
    fn chat_ids_are_usernames_or_numbers() {
        for good in [
            "@gazette_war",
            "@Dnipro5",
            "-1001234567890",
            "-4521",
            "12345",
        ] {
            assert_eq!(ChatId::parse(good).map(|c| c.0), Ok(good.to_owned()));
        }
        assert_eq!(
            ChatId::parse("  @gazette  ")
                .unwrap_or_else(|e| panic!("{e}"))
                .as_str(),
            "@gazette"
        );
        for bad in [
            "",
            "@",
            "@abc",
            "@_gazette",
            "@gazette-war",
            "gazette",
            "0",
            "+100",
            "-100x",
            "@a234567890123456789012345678901234",
        ] {
            assert!(ChatId::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
