//! Telegram channels and the messages sent to them (see [`crate::telegram`]).

use chrono::{DateTime, Utc};

use super::db::{AsConn, Tx, query};
use super::journal::audit_write;
use super::{SqlStore, conflict_if_taken, convert, opt_time, reference_error, time};
use crate::outbox::DeliveryStatus;
use crate::telegram::{
    ChannelDelivery, ChannelSettings, ChatId, MAX_CHANNEL_TITLE_CHARS, TelegramChannel,
    TelegramMessage, TelegramStore,
};
use crate::{NewAuditEntry, StoreError, StoreResult};

const CHANNEL_COLUMNS: &str = "id, chat_id, title, section_id, active, with_images, created_at";

#[derive(sqlx::FromRow)]
struct ChannelRow {
    id: i64,
    chat_id: String,
    title: String,
    section_id: Option<i64>,
    active: bool,
    with_images: bool,
    created_at: i64,
}

impl TryFrom<ChannelRow> for TelegramChannel {
    type Error = StoreError;
    fn try_from(r: ChannelRow) -> StoreResult<Self> {
        Ok(Self {
            id: r.id,
            chat_id: ChatId::stored(r.chat_id),
            title: r.title,
            section_id: r.section_id,
            active: r.active,
            with_images: r.with_images,
            created_at: time(r.created_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct MessageRow {
    article_id: i64,
    chat_id: String,
    message_id: i64,
    photo: bool,
    sent_at: i64,
    edited_at: Option<i64>,
}

impl TryFrom<MessageRow> for TelegramMessage {
    type Error = StoreError;
    fn try_from(r: MessageRow) -> StoreResult<Self> {
        Ok(Self {
            article_id: r.article_id,
            chat_id: ChatId::stored(r.chat_id),
            message_id: r.message_id,
            photo: r.photo,
            sent_at: time(r.sent_at)?,
            edited_at: opt_time(r.edited_at)?,
        })
    }
}

async fn channel_on(c: &mut impl AsConn, id: i64) -> StoreResult<Option<TelegramChannel>> {
    let row: Option<ChannelRow> = query(&format!(
        "SELECT {CHANNEL_COLUMNS} FROM telegram_channels WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(c)
    .await?;
    row.map(TelegramChannel::try_from).transpose()
}

/// The title to keep: the one given, else the chat id; refused when too long for a label.
fn title_of(channel: &ChannelSettings) -> StoreResult<String> {
    let title = channel.title.trim();
    if title.chars().count() > MAX_CHANNEL_TITLE_CHARS {
        return Err(StoreError::Invalid(format!(
            "A channel's title has at most {MAX_CHANNEL_TITLE_CHARS} characters."
        )));
    }
    Ok(if title.is_empty() {
        channel.chat_id.to_string()
    } else {
        title.to_owned()
    })
}

/// Refuses a section that does not exist with a message, before the foreign key would.
async fn check_section(tx: &mut Tx, section_id: Option<i64>) -> StoreResult<()> {
    let Some(id) = section_id else {
        return Ok(());
    };
    let found: i64 = query("SELECT COUNT(*) FROM sections WHERE id = $1")
        .bind(id)
        .scalar(tx)
        .await?;
    if found == 0 {
        return Err(StoreError::Invalid(format!("section {id} does not exist")));
    }
    Ok(())
}

fn taken(chat_id: &ChatId) -> impl FnOnce() -> String + '_ {
    move || format!("a channel for {chat_id}")
}

#[derive(sqlx::FromRow)]
struct DeliveryRow {
    id: i64,
    channel: String,
    target: String,
    status: String,
    attempts: i64,
    next_attempt_at: i64,
    last_attempt_at: Option<i64>,
    last_status_code: Option<i64>,
    last_error: Option<String>,
    delivered_at: Option<i64>,
    kind: String,
    occurred_at: i64,
    payload: String,
}

impl TryFrom<DeliveryRow> for ChannelDelivery {
    type Error = StoreError;
    fn try_from(r: DeliveryRow) -> StoreResult<Self> {
        // The event's payload is JSON written by the outbox; a headline is all the list needs.
        let headline = serde_json::from_str::<serde_json::Value>(&r.payload)
            .ok()
            .and_then(|p| {
                p.pointer("/data/article/headline")
                    .or_else(|| p.pointer("/article/headline"))
                    .and_then(serde_json::Value::as_str)
                    .map(str::to_owned)
            })
            .unwrap_or_default();
        Ok(Self {
            id: r.id,
            channel: r.channel,
            target: r.target,
            status: DeliveryStatus::parse(&r.status).ok_or_else(|| {
                StoreError::Invalid(format!("stored delivery status {:?}", r.status))
            })?,
            attempts: r.attempts,
            event_kind: r.kind,
            headline,
            occurred_at: time(r.occurred_at)?,
            next_attempt_at: time(r.next_attempt_at)?,
            last_attempt_at: opt_time(r.last_attempt_at)?,
            last_status_code: r.last_status_code,
            last_error: r.last_error,
            delivered_at: opt_time(r.delivered_at)?,
        })
    }
}

#[async_trait::async_trait]
impl TelegramStore for SqlStore {
    async fn telegram_channels(&self) -> StoreResult<Vec<TelegramChannel>> {
        let rows: Vec<ChannelRow> = query(&format!(
            "SELECT {CHANNEL_COLUMNS} FROM telegram_channels ORDER BY title, id"
        ))
        .fetch_all(&mut self.db.conn().await?)
        .await?;
        convert(rows)
    }

    async fn telegram_channel(&self, id: i64) -> StoreResult<Option<TelegramChannel>> {
        channel_on(&mut self.db.conn().await?, id).await
    }

    async fn telegram_channels_for_section(
        &self,
        section_id: i64,
    ) -> StoreResult<Vec<TelegramChannel>> {
        let rows: Vec<ChannelRow> = query(&format!(
            "SELECT {CHANNEL_COLUMNS} FROM telegram_channels \
             WHERE active AND (section_id IS NULL OR section_id = $1) ORDER BY id"
        ))
        .bind(section_id)
        .fetch_all(&mut self.db.conn().await?)
        .await?;
        convert(rows)
    }

    async fn add_telegram_channel(
        &self,
        channel: &ChannelSettings,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<TelegramChannel> {
        let title = title_of(channel)?;
        let mut tx = self.db.write().await?;
        check_section(&mut tx, channel.section_id).await?;
        let id: i64 = query(
            "INSERT INTO telegram_channels (chat_id, title, section_id, active, with_images, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(channel.chat_id.as_str())
        .bind(title)
        .bind(channel.section_id)
        .bind(channel.active)
        .bind(channel.with_images)
        .bind(now.timestamp())
        .scalar(&mut tx)
        .await
        .map_err(|e| conflict_if_taken(e, taken(&channel.chat_id)))
        .map_err(|e| match e {
            StoreError::Database(e) => reference_error(e, "section"),
            other => other,
        })?;
        audit_write(&mut tx, audit, Some(id), now).await?;
        let added = channel_on(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok(added)
    }

    async fn update_telegram_channel(
        &self,
        id: i64,
        channel: &ChannelSettings,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<TelegramChannel> {
        let title = title_of(channel)?;
        let mut tx = self.db.write().await?;
        check_section(&mut tx, channel.section_id).await?;
        let changed = query(
            "UPDATE telegram_channels SET chat_id = $1, title = $2, section_id = $3, \
             active = $4, with_images = $5 WHERE id = $6",
        )
        .bind(channel.chat_id.as_str())
        .bind(title)
        .bind(channel.section_id)
        .bind(channel.active)
        .bind(channel.with_images)
        .bind(id)
        .execute(&mut tx)
        .await
        .map_err(|e| conflict_if_taken(e, taken(&channel.chat_id)))?;
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        audit_write(&mut tx, audit, Some(id), now).await?;
        let updated = channel_on(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok(updated)
    }

    async fn remove_telegram_channel(
        &self,
        id: i64,
        audit: Option<&NewAuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.db.write().await?;
        let removed = query("DELETE FROM telegram_channels WHERE id = $1")
            .bind(id)
            .execute(&mut tx)
            .await?;
        if removed == 0 {
            return Err(StoreError::NotFound);
        }
        audit_write(&mut tx, audit, Some(id), now).await?;
        tx.commit().await
    }

    async fn telegram_messages(&self, article_id: i64) -> StoreResult<Vec<TelegramMessage>> {
        let rows: Vec<MessageRow> = query(
            "SELECT article_id, chat_id, message_id, photo, sent_at, edited_at \
             FROM telegram_messages WHERE article_id = $1 ORDER BY sent_at, chat_id",
        )
        .bind(article_id)
        .fetch_all(&mut self.db.conn().await?)
        .await?;
        convert(rows)
    }

    async fn record_telegram_message(&self, message: &TelegramMessage) -> StoreResult<()> {
        let mut tx = self.db.write().await?;
        query(
            "INSERT INTO telegram_messages (article_id, chat_id, message_id, photo, sent_at, \
             edited_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (article_id, chat_id) DO \
             UPDATE SET message_id = excluded.message_id, photo = excluded.photo, \
             sent_at = excluded.sent_at, edited_at = excluded.edited_at",
        )
        .bind(message.article_id)
        .bind(message.chat_id.as_str())
        .bind(message.message_id)
        .bind(message.photo)
        .bind(message.sent_at.timestamp())
        .bind(message.edited_at.map(|t| t.timestamp()))
        .execute(&mut tx)
        .await
        .map_err(|e| reference_error(e, "article"))?;
        tx.commit().await
    }

    async fn telegram_message_edited(
        &self,
        article_id: i64,
        chat_id: &ChatId,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.db.write().await?;
        query("UPDATE telegram_messages SET edited_at = $1 WHERE article_id = $2 AND chat_id = $3")
            .bind(now.timestamp())
            .bind(article_id)
            .bind(chat_id.as_str())
            .execute(&mut tx)
            .await?;
        tx.commit().await
    }

    async fn recent_deliveries(
        &self,
        channels: &[&str],
        limit: u32,
    ) -> StoreResult<Vec<ChannelDelivery>> {
        if channels.is_empty() {
            return Ok(Vec::new());
        }
        let list = super::placeholders(channels.len());
        let sql = format!(
            "SELECT d.id, d.channel, d.target, d.status, d.attempts, d.next_attempt_at, \
             d.last_attempt_at, d.last_status_code, d.last_error, d.delivered_at, e.kind, \
             e.occurred_at, e.payload FROM deliveries d JOIN outbox_events e ON e.id = d.event_id \
             WHERE d.channel IN ({list}) ORDER BY d.id DESC LIMIT ${}",
            channels.len() + 1
        );
        let mut args: Vec<super::db::Value> = channels.iter().map(|c| (*c).into()).collect();
        args.push(i64::from(limit).into());
        let rows: Vec<DeliveryRow> = query(&sql)
            .bind_all(args)
            .fetch_all(&mut self.db.conn().await?)
            .await?;
        convert(rows)
    }

    async fn forget_telegram_message(&self, article_id: i64, chat_id: &ChatId) -> StoreResult<()> {
        let mut tx = self.db.write().await?;
        query("DELETE FROM telegram_messages WHERE article_id = $1 AND chat_id = $2")
            .bind(article_id)
            .bind(chat_id.as_str())
            .execute(&mut tx)
            .await?;
        tx.commit().await
    }
}
