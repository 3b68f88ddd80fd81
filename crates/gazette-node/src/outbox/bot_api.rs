//! A small client for Telegram's Bot API (<https://core.telegram.org/bots/api>): the four methods
//! autopost uses, and what Telegram's answers mean for retrying.
//!
//! The bot token is part of every request's address (`{base}/bot{token}/{method}`), so it must
//! never reach a log or the delivery log: errors are reported without the address, and
//! [`BotConfig`]'s `Debug` hides the token.

use std::time::Duration;

use serde_json::{Value, json};

/// Where the Bot API is, and the bot's token.
#[derive(Clone)]
pub struct BotConfig {
    /// `https://api.telegram.org` unless a local Bot API server (or a test's fake) is used;
    /// without a trailing slash.
    pub api_base_url: String,
    pub bot_token: String,
}

/// Telegram's own address for the Bot API.
pub const DEFAULT_API_BASE_URL: &str = "https://api.telegram.org";

impl std::fmt::Debug for BotConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BotConfig")
            .field("api_base_url", &self.api_base_url)
            .field("bot_token", &"****")
            .finish()
    }
}

/// Why a call did not work, and whether trying again can help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotError {
    /// The HTTP status, when Telegram answered.
    pub status: Option<u16>,
    /// Telegram's `description` ("Bad Request: chat not found"), or what went wrong on the way.
    pub description: String,
    pub retry: Retry,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Flood control (429): Telegram says how many seconds to wait.
    After(u64),
    /// A 5xx, a time-out, no connection: try again with the outbox's backoff.
    Later,
    /// Telegram refused the request itself (any other 4xx): trying again would be refused too.
    Never,
}

impl BotError {
    /// Telegram's "the new text is the same as the old": the edit is, in effect, done.
    pub fn is_not_modified(&self) -> bool {
        self.description.contains("message is not modified")
    }

    /// The message is no longer in the chat (deleted by hand): nothing left to edit or delete.
    pub fn is_message_gone(&self) -> bool {
        self.description.contains("message to edit not found")
            || self.description.contains("message to delete not found")
    }
}

impl std::fmt::Display for BotError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.description)
    }
}

/// A Bot API client.
#[derive(Clone)]
pub struct BotApi {
    config: BotConfig,
    http: reqwest::Client,
}

impl BotApi {
    /// A client whose calls give up after `timeout`.
    pub fn new(config: BotConfig, timeout: Duration) -> Self {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .user_agent(concat!("Gazette/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default();
        let api_base_url = config.api_base_url.trim_end_matches('/').to_owned();
        Self {
            config: BotConfig {
                api_base_url,
                ..config
            },
            http,
        }
    }

    /// Calls `method` with a JSON body and returns its `result`.
    pub async fn call(&self, method: &str, body: &Value) -> Result<Value, BotError> {
        let url = format!(
            "{}/bot{}/{method}",
            self.config.api_base_url, self.config.bot_token
        );
        let sent = self
            .http
            .post(url)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            // `without_url`: the address holds the token.
            Err(e) => {
                return Err(BotError {
                    status: None,
                    description: network_error(&e.without_url()),
                    retry: Retry::Later,
                });
            }
        };
        let status = response.status().as_u16();
        let text = match response.text().await {
            Ok(text) => text,
            Err(e) => {
                return Err(BotError {
                    status: Some(status),
                    description: network_error(&e.without_url()),
                    retry: Retry::Later,
                });
            }
        };
        answer(status, &text)
    }

    /// Posts `text` (Telegram HTML) to `chat`; returns the new message's id.
    pub async fn send_message(&self, chat: &str, text: &str) -> Result<i64, BotError> {
        let body = json!({
            "chat_id": chat,
            "text": text,
            "parse_mode": "HTML",
        });
        message_id(self.call("sendMessage", &body).await?)
    }

    /// Posts the photo at `photo_url` (Telegram fetches it) with `caption`; returns the id.
    pub async fn send_photo(
        &self,
        chat: &str,
        photo_url: &str,
        caption: &str,
    ) -> Result<i64, BotError> {
        let body = json!({
            "chat_id": chat,
            "photo": photo_url,
            "caption": caption,
            "parse_mode": "HTML",
        });
        message_id(self.call("sendPhoto", &body).await?)
    }

    pub async fn edit_message_text(
        &self,
        chat: &str,
        message_id: i64,
        text: &str,
    ) -> Result<(), BotError> {
        let body = json!({
            "chat_id": chat,
            "message_id": message_id,
            "text": text,
            "parse_mode": "HTML",
        });
        self.call("editMessageText", &body).await.map(drop)
    }

    pub async fn edit_message_caption(
        &self,
        chat: &str,
        message_id: i64,
        caption: &str,
    ) -> Result<(), BotError> {
        let body = json!({
            "chat_id": chat,
            "message_id": message_id,
            "caption": caption,
            "parse_mode": "HTML",
        });
        self.call("editMessageCaption", &body).await.map(drop)
    }

    pub async fn delete_message(&self, chat: &str, message_id: i64) -> Result<(), BotError> {
        let body = json!({ "chat_id": chat, "message_id": message_id });
        self.call("deleteMessage", &body).await.map(drop)
    }
}

fn network_error(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "Telegram did not answer in time".into()
    } else if e.is_connect() {
        "cannot connect to the Bot API".into()
    } else {
        format!("Bot API request failed: {e}")
    }
}

/// Reads Telegram's answer: `{"ok": true, "result": …}` or `{"ok": false, "error_code": 400,
/// "description": "…", "parameters": {"retry_after": 5}}`.
fn answer(status: u16, text: &str) -> Result<Value, BotError> {
    let parsed: Option<Value> = serde_json::from_str(text).ok();
    if let Some(body) = &parsed
        && body.get("ok").and_then(Value::as_bool) == Some(true)
        && (200..300).contains(&status)
    {
        return Ok(body.get("result").cloned().unwrap_or(Value::Null));
    }
    let description = parsed
        .as_ref()
        .and_then(|b| b.get("description"))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| format!("Telegram answered {status} without an explanation"));
    let retry_after = parsed
        .as_ref()
        .and_then(|b| b.pointer("/parameters/retry_after"))
        .and_then(Value::as_u64);
    let retry = match (status, retry_after) {
        (_, Some(seconds)) => Retry::After(seconds),
        (429, None) | (500..=599, _) => Retry::Later,
        // A 2xx that is not `ok`, or a 1xx/3xx: not the Bot API as documented; try again.
        (0..=399, _) => Retry::Later,
        _ => Retry::Never,
    };
    Err(BotError {
        status: Some(status),
        description,
        retry,
    })
}

fn message_id(result: Value) -> Result<i64, BotError> {
    result
        .get("message_id")
        .and_then(Value::as_i64)
        .ok_or_else(|| BotError {
            status: None,
            description: "Telegram's answer names no message".into(),
            retry: Retry::Later,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_read_as_telegram_documents_them() {
        assert_eq!(
            answer(200, r#"{"ok":true,"result":{"message_id":7}}"#).ok(),
            Some(json!({"message_id": 7}))
        );
        let flood = answer(
            429,
            r#"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 5","parameters":{"retry_after":5}}"#,
        );
        assert_eq!(flood.map_err(|e| e.retry), Err(Retry::After(5)));
        let refused = answer(
            400,
            r#"{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}"#,
        );
        assert_eq!(
            refused.clone().map_err(|e| e.description),
            Err("Bad Request: chat not found".into())
        );
        assert_eq!(refused.map_err(|e| e.retry), Err(Retry::Never));
        assert_eq!(
            answer(502, "<html>Bad Gateway</html>").map_err(|e| e.retry),
            Err(Retry::Later)
        );
        assert_eq!(
            answer(403, "").map_err(|e| e.description),
            Err("Telegram answered 403 without an explanation".into())
        );
    }

    #[test]
    fn the_token_is_not_in_debug_output() {
        let config = BotConfig {
            api_base_url: DEFAULT_API_BASE_URL.into(),
            bot_token: "123456:SECRET-token".into(),
        };
        assert!(!format!("{config:?}").contains("SECRET"));
    }
}
