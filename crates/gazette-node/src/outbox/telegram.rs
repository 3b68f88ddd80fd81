//! Telegram autopost, the outbox's `telegram` channel: an article published in a section a
//! channel follows is posted there (headline, standfirst and link; as a photo with that caption
//! when it has a featured image and the channel takes images); an update of the article edits the
//! message and unpublishing deletes it.
//!
//! A channel gets the posts, edits and deletions of the sections it follows: one removed, or moved
//! to another section, no longer edits or deletes the messages it was sent before.
//!
//! Each delivery is one event for one chat (the delivery's target is the chat id), so a chat that
//! refuses the bot does not hold up the others, and every step can be retried safely: a post is
//! not sent twice to a chat that already has the article's message, an edit that changes nothing
//! counts as done ("message is not modified"), and a message already gone counts as deleted.
//! Channels are set up in the newsroom (`/newsroom/telegram`); the messages sent are remembered
//! by [`gazette_store::TelegramStore`].

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use chrono::Duration as ChronoDuration;
use gazette_core::ArticleStatus;
use gazette_core::events::{Event, EventArticle, EventKind, NewEvent};
use gazette_core::text::escape_html;
use gazette_store::outbox::PlannedDelivery;
use gazette_store::telegram::{ChatId, TelegramChannel, TelegramMessage};
use gazette_store::{Store, StoreResult};

use super::bot_api::{BotApi, BotError, Retry};
use super::courier::{Attempt, Courier, Delivery, channels};
use crate::Clock;

/// The most a text message may hold, after Telegram reads the HTML (its own limit).
pub const MESSAGE_LIMIT: usize = 4096;
/// The most a photo's caption may hold.
pub const CAPTION_LIMIT: usize = 1024;

/// The text of an article's post, in Telegram's HTML: the headline in bold, the standfirst, and
/// the link. Kept within `limit` characters as Telegram counts them (UTF-16 units of the text
/// without its tags): the standfirst is shortened first, then the headline; the link never is.
pub fn post_text(article: &EventArticle, limit: usize) -> String {
    let headline = article.headline.trim();
    let standfirst = article.standfirst.trim();
    let url = article.url.trim();
    // Two line breaks before each part after the headline.
    let fixed = units(headline) + 2 + units(url);
    let standfirst = if standfirst.is_empty() || fixed + 2 >= limit {
        String::new()
    } else {
        shorten_units(standfirst, limit - fixed - 2)
    };
    let headline = if standfirst.is_empty() {
        shorten_units(headline, limit.saturating_sub(units(url) + 2))
    } else {
        headline.to_owned()
    };
    let mut text = format!("<b>{}</b>", escape_html(&headline));
    if !standfirst.is_empty() {
        text.push_str("\n\n");
        text.push_str(&escape_html(&standfirst));
    }
    let url = escape_html(url);
    text.push_str(&format!("\n\n<a href=\"{url}\">{url}</a>"));
    text
}

/// Length as Telegram counts it: UTF-16 code units.
fn units(text: &str) -> usize {
    text.encode_utf16().count()
}

/// `text` cut to at most `max` UTF-16 units, at a word boundary when there is one, ending "…".
fn shorten_units(text: &str, max: usize) -> String {
    if units(text) <= max {
        return text.to_owned();
    }
    if max == 0 {
        return String::new();
    }
    // Room for the ellipsis (one unit).
    let budget = max - 1;
    let mut used = 0;
    let mut end = 0;
    for (i, c) in text.char_indices() {
        if used + c.len_utf16() > budget {
            break;
        }
        used += c.len_utf16();
        end = i + c.len_utf8();
    }
    let head = &text[..end];
    let head = match head.rfind(char::is_whitespace) {
        Some(space) if space > 0 => &head[..space],
        _ => head,
    };
    let head = head.trim_end_matches(|c: char| c.is_whitespace() || ",;:–—-".contains(c));
    format!("{head}…")
}

/// Who may get an event on the `telegram` channel: every channel (switched off ones too, whose
/// earlier messages are still edited and deleted), and the sections by address, since events name
/// their article's section by its slug. Loaded once per batch of events.
#[derive(Debug, Clone, Default)]
pub struct TelegramAudience {
    pub channels: Vec<TelegramChannel>,
    pub sections: HashMap<String, i64>,
}

impl TelegramAudience {
    pub async fn load(store: &dyn Store) -> StoreResult<Self> {
        Ok(Self {
            channels: store.telegram_channels().await?,
            sections: store
                .sections()
                .await?
                .into_iter()
                .map(|s| (s.slug.to_string(), s.id))
                .collect(),
        })
    }
}

/// The deliveries an event gets on the `telegram` channel, one per chat: a publication goes to
/// each active channel following the article's section (or every section); an update or an
/// unpublication to each channel following it, active or not, whose message about the article
/// (if it has one: the courier looks) is then edited or deleted.
pub fn plan(event: &NewEvent, audience: &TelegramAudience) -> Vec<PlannedDelivery> {
    let Some(article) = &event.data.article else {
        return Vec::new();
    };
    let want_active = match event.kind {
        EventKind::ArticlePublished => true,
        EventKind::ArticleUpdated | EventKind::ArticleUnpublished => false,
        _ => return Vec::new(),
    };
    let section = audience.sections.get(&article.section.slug).copied();
    audience
        .channels
        .iter()
        .filter(|c| c.active || !want_active)
        .filter(|c| c.section_id.is_none() || (section.is_some() && c.section_id == section))
        .map(|c| PlannedDelivery {
            channel: channels::TELEGRAM,
            target: c.chat_id.to_string(),
        })
        .collect()
}

/// Delivers `telegram` deliveries through the Bot API.
pub struct TelegramCourier {
    store: Arc<dyn Store>,
    bot: BotApi,
    clock: Clock,
}

impl TelegramCourier {
    pub fn new(store: Arc<dyn Store>, bot: BotApi, clock: Clock) -> Self {
        Self { store, bot, clock }
    }

    async fn publish(&self, article: &EventArticle, chat: &ChatId) -> Step {
        let now = (self.clock)();
        // The event is a snapshot; what matters is whether readers can see the article now. A
        // post still retrying when the article is taken down must not appear after the takedown.
        match self.store.article(article.id).await {
            Ok(Some(current)) if current.status == ArticleStatus::Published => {
                if let Some(at) = current.published_at.filter(|at| *at > now) {
                    return Step::Wait(at, "embargoed until its publication time".into());
                }
            }
            Ok(_) => return Step::Done,
            Err(e) => return Step::Later(format!("cannot read the article: {e}")),
        }
        let messages = match self.store.telegram_messages(article.id).await {
            Ok(messages) => messages,
            Err(e) => return Step::Later(format!("cannot read the messages sent: {e}")),
        };
        if messages.iter().any(|m| &m.chat_id == chat) {
            return Step::Done;
        }
        let channel = match self.store.telegram_channels().await {
            Ok(all) => all.into_iter().find(|c| &c.chat_id == chat),
            Err(e) => return Step::Later(format!("cannot read the channels: {e}")),
        };
        // Removed or switched off since the event: nothing to post.
        let Some(channel) = channel.filter(|c| c.active) else {
            return Step::Done;
        };
        let image = article.image_url.as_deref().filter(|_| channel.with_images);
        let sent = match image {
            Some(photo) => {
                let caption = post_text(article, CAPTION_LIMIT);
                self.bot.send_photo(chat.as_str(), photo, &caption).await
            }
            None => {
                let text = post_text(article, MESSAGE_LIMIT);
                self.bot.send_message(chat.as_str(), &text).await
            }
        };
        let message_id = match sent {
            Ok(id) => id,
            Err(e) => return Step::Failed(e),
        };
        let message = TelegramMessage {
            article_id: article.id,
            chat_id: chat.clone(),
            message_id,
            photo: image.is_some(),
            sent_at: now,
            edited_at: None,
        };
        match self.store.record_telegram_message(&message).await {
            Ok(()) => Step::Done,
            // Sent but not remembered: retrying would post it twice, so say so and stop.
            Err(e) => Step::Failed(BotError {
                status: None,
                description: format!(
                    "posted (message {message_id}), but it could not be remembered, so later \
                     edits will not reach it: {e}"
                ),
                retry: Retry::Never,
            }),
        }
    }

    async fn stored_message(
        &self,
        article_id: i64,
        chat: &ChatId,
    ) -> Result<Option<TelegramMessage>, Step> {
        match self.store.telegram_messages(article_id).await {
            Ok(messages) => Ok(messages.into_iter().find(|m| &m.chat_id == chat)),
            Err(e) => Err(Step::Later(format!("cannot read the messages sent: {e}"))),
        }
    }

    async fn edit(&self, article: &EventArticle, chat: &ChatId) -> Step {
        let message = match self.stored_message(article.id, chat).await {
            Ok(Some(message)) => message,
            // Never posted there (or its post is still on its way, and will carry the news).
            Ok(None) => return Step::Done,
            Err(step) => return step,
        };
        let edited = if message.photo {
            let caption = post_text(article, CAPTION_LIMIT);
            (self.bot)
                .edit_message_caption(chat.as_str(), message.message_id, &caption)
                .await
        } else {
            let text = post_text(article, MESSAGE_LIMIT);
            (self.bot)
                .edit_message_text(chat.as_str(), message.message_id, &text)
                .await
        };
        match edited {
            Ok(()) => {}
            Err(e) if e.is_not_modified() => return Step::Done,
            Err(e) if e.is_message_gone() => return self.forget(article.id, chat).await,
            Err(e) => return Step::Failed(e),
        }
        match (self.store)
            .telegram_message_edited(article.id, chat, (self.clock)())
            .await
        {
            // The edit is made; only its time was not noted.
            Ok(()) | Err(_) => Step::Done,
        }
    }

    async fn delete(&self, article: &EventArticle, chat: &ChatId) -> Step {
        let message = match self.stored_message(article.id, chat).await {
            Ok(Some(message)) => message,
            Ok(None) => return Step::Done,
            Err(step) => return step,
        };
        match self
            .bot
            .delete_message(chat.as_str(), message.message_id)
            .await
        {
            Ok(()) => self.forget(article.id, chat).await,
            Err(e) if e.is_message_gone() => self.forget(article.id, chat).await,
            Err(e) => Step::Failed(e),
        }
    }

    async fn forget(&self, article_id: i64, chat: &ChatId) -> Step {
        match self.store.forget_telegram_message(article_id, chat).await {
            Ok(()) => Step::Done,
            Err(e) => Step::Later(format!("cannot forget the deleted message: {e}")),
        }
    }
}

/// How one delivery went, before it is put in the outbox's terms.
enum Step {
    Done,
    /// Not yet: the article's publication time is still to come.
    Wait(chrono::DateTime<chrono::Utc>, String),
    /// Our side failed (the database); try again.
    Later(String),
    /// Telegram's side: refused, flooded or unreachable (see [`Retry`]).
    Failed(BotError),
}

#[async_trait::async_trait]
impl Courier for TelegramCourier {
    fn channel(&self) -> &'static str {
        channels::TELEGRAM
    }

    async fn deliver(&self, event: &Event, delivery: &Delivery) -> Attempt {
        let started = Instant::now();
        let chat = match ChatId::parse(&delivery.target) {
            Ok(chat) => chat,
            Err(e) => return Attempt::give_up(None, e, started.elapsed()),
        };
        let Some(article) = &event.data.article else {
            return Attempt::give_up(None, "the event is about no article", started.elapsed());
        };
        let step = match event.kind {
            EventKind::ArticlePublished => self.publish(article, &chat).await,
            EventKind::ArticleUpdated => self.edit(article, &chat).await,
            EventKind::ArticleUnpublished => self.delete(article, &chat).await,
            other => {
                let why = format!("Telegram autopost does not send {other} events");
                return Attempt::give_up(None, why, started.elapsed());
            }
        };
        let took = started.elapsed();
        match step {
            Step::Done => Attempt::delivered(None, took),
            Step::Wait(at, why) => Attempt::retry(None, why, took).not_before(at),
            Step::Later(why) => Attempt::retry(None, why, took),
            Step::Failed(e) => {
                let why = format!("Telegram: {}", e.description);
                match e.retry {
                    Retry::After(seconds) => {
                        let seconds = i64::try_from(seconds).unwrap_or(i64::MAX).min(86_400);
                        let at = (self.clock)() + ChronoDuration::seconds(seconds);
                        Attempt::retry(e.status, why, took).not_before(at)
                    }
                    Retry::Later => Attempt::retry(e.status, why, took),
                    Retry::Never => Attempt::give_up(e.status, why, took),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gazette_core::events::EventSection;

    fn article(headline: &str, standfirst: &str) -> EventArticle {
        EventArticle {
            id: 1,
            url: "https://news.example/war/kyiv?a=1&b=2".into(),
            headline: headline.into(),
            standfirst: standfirst.into(),
            section: EventSection {
                slug: "war".into(),
                name: "War".into(),
            },
            language: "uk".into(),
            authors: Vec::new(),
            tags: Vec::new(),
            published_at: None,
            updated_at: chrono::DateTime::UNIX_EPOCH,
            image_url: None,
            image_alt: None,
        }
    }

    /// The text a reader sees: the HTML without its tags and entities.
    fn visible(html: &str) -> String {
        let mut out = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => out.push(c),
                _ => {}
            }
        }
        out.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    }

    #[test]
    fn a_post_is_the_bold_headline_the_standfirst_and_the_link_escaped() {
        let text = post_text(
            &article("Strikes on <Kyiv> & Lviv", "Air defence \"held\"."),
            MESSAGE_LIMIT,
        );
        assert_eq!(
            text,
            "<b>Strikes on &lt;Kyiv&gt; &amp; Lviv</b>\n\nAir defence &quot;held&quot;.\n\n\
             <a href=\"https://news.example/war/kyiv?a=1&amp;b=2\">https://news.example/war/kyiv?a=1&amp;b=2</a>"
        );
    }

    #[test]
    fn long_texts_are_shortened_within_telegrams_limits_keeping_the_link() {
        let standfirst = "Слово ".repeat(400);
        let text = post_text(&article("Заголовок", &standfirst), CAPTION_LIMIT);
        let shown = visible(&text);
        assert!(units(&shown) <= CAPTION_LIMIT, "{} units", units(&shown));
        assert!(units(&shown) > CAPTION_LIMIT - 20, "shortened too much");
        assert!(shown.ends_with("https://news.example/war/kyiv?a=1&b=2"));
        assert!(shown.contains("Слово…"), "{shown}");

        // Emoji count twice: Telegram counts UTF-16 units, not characters.
        let headline = "🇺🇦".repeat(2000);
        let text = post_text(&article(&headline, "standfirst"), MESSAGE_LIMIT);
        let shown = visible(&text);
        assert!(units(&shown) <= MESSAGE_LIMIT);
        assert!(shown.ends_with("https://news.example/war/kyiv?a=1&b=2"));
        assert!(!shown.contains('\u{FFFD}'));
    }

    #[test]
    fn an_article_without_a_standfirst_has_no_empty_paragraph() {
        let text = post_text(&article("Headline", "  "), MESSAGE_LIMIT);
        assert!(text.starts_with("<b>Headline</b>\n\n<a href="), "{text}");
    }
}
