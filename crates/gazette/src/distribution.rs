//! `[telegram]` and `[pings]` in `gazette.toml`: Telegram autopost and the WebSub and IndexNow
//! pings on publish, all off until configured (docs/telegram.md). What is checked when the settings
//! load, and what the web layer and the outbox are given.
//!
//! The bot token is a secret: it is masked by `gazette config`, left out of `Debug` output, never
//! put in a message, and the web layer only learns whether there is one.

use std::sync::Arc;
use std::time::Duration;

use gazette_node::Clock;
use gazette_node::outbox::Courier;
use gazette_node::outbox::bot_api::{BotApi, BotConfig, DEFAULT_API_BASE_URL};
use gazette_node::outbox::pings::{
    IndexNowConfig, IndexNowCourier, Pings, WebSubConfig, WebSubCourier, valid_indexnow_key,
};
use gazette_node::outbox::telegram::TelegramCourier;
use gazette_store::Store;
use serde::{Deserialize, Serialize};

/// How long one Bot API call may take.
const BOT_API_TIMEOUT: Duration = Duration::from_secs(10);

/// `[telegram]`.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TelegramSettings {
    /// The bot's token from @BotFather (`123456:ABC…`); none: nothing is posted.
    pub bot_token: Option<String>,
    /// The Bot API's address: Telegram's, or a local Bot API server.
    pub api_base_url: String,
}

impl Default for TelegramSettings {
    fn default() -> Self {
        Self {
            bot_token: None,
            api_base_url: DEFAULT_API_BASE_URL.into(),
        }
    }
}

impl std::fmt::Debug for TelegramSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TelegramSettings")
            .field("bot_token", &self.token().map(|_| "****"))
            .field("api_base_url", &self.api_base_url)
            .finish()
    }
}

impl TelegramSettings {
    /// The token, an empty one meaning none.
    fn token(&self) -> Option<&str> {
        self.bot_token
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
    }
}

/// `[pings]`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PingSettings {
    /// A WebSub hub (`https://pubsubhubbub.appspot.com/`): the feeds name it and it is pinged on
    /// publish. None: off.
    pub websub_hub: Option<String>,
    /// An IndexNow endpoint (`https://api.indexnow.org/indexnow`); with `indexnow_key`, each
    /// published article is submitted there. None: off.
    pub indexnow_endpoint: Option<String>,
    /// This site's IndexNow key, 8 to 128 letters, digits or dashes, served at `/{key}.txt`.
    pub indexnow_key: Option<String>,
}

fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn web_address(value: &str) -> bool {
    value.starts_with("https://") || value.starts_with("http://")
}

/// What is wrong with these settings, each naming its key and (through `origin`) where its value
/// came from. The token's value is never repeated.
pub fn problems(
    telegram: &TelegramSettings,
    pings: &PingSettings,
    origin: impl Fn(&str) -> String,
) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some(token) = telegram.token() {
        let well_formed = token.split_once(':').is_some_and(|(bot, secret)| {
            !bot.is_empty()
                && bot.chars().all(|c| c.is_ascii_digit())
                && !secret.is_empty()
                && secret
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        });
        if !well_formed {
            problems.push(format!(
                "telegram.bot_token is not a bot token: @BotFather gives one like 123456:ABC-DEF_… \
                 (digits, a colon, then letters, digits, - and _) (from {})",
                origin("telegram.bot_token")
            ));
        }
    }
    let mut address = |key: &str, value: Option<&str>| {
        if let Some(value) = value
            && !web_address(value)
        {
            problems.push(format!(
                "{key} must be an http:// or https:// address, not {value:?} (from {})",
                origin(key)
            ));
        }
    };
    address("telegram.api_base_url", Some(telegram.api_base_url.trim()));
    address("pings.websub_hub", given(&pings.websub_hub));
    address("pings.indexnow_endpoint", given(&pings.indexnow_endpoint));
    if let Some(key) = given(&pings.indexnow_key)
        && !valid_indexnow_key(key)
    {
        problems.push(format!(
            "pings.indexnow_key must be 8 to 128 letters, digits or dashes, not {key:?} (from {})",
            origin("pings.indexnow_key")
        ));
    }
    match (given(&pings.indexnow_endpoint), given(&pings.indexnow_key)) {
        (Some(_), None) => problems.push(format!(
            "pings.indexnow_endpoint needs pings.indexnow_key too (endpoint from {})",
            origin("pings.indexnow_endpoint")
        )),
        (None, Some(_)) => problems.push(format!(
            "pings.indexnow_key needs pings.indexnow_endpoint too (key from {})",
            origin("pings.indexnow_key")
        )),
        _ => {}
    }
    problems
}

/// What the web layer is told: whether there is a token, the hub the feeds name, the key file.
pub fn web(telegram: &TelegramSettings, pings: &PingSettings) -> gazette_web::state::Distribution {
    let indexnow_on = given(&pings.indexnow_endpoint).is_some();
    gazette_web::state::Distribution {
        telegram_configured: telegram.token().is_some(),
        websub_hub: given(&pings.websub_hub).map(str::to_owned),
        indexnow_key: given(&pings.indexnow_key)
            .filter(|_| indexnow_on)
            .map(str::to_owned),
    }
}

/// What the outbox is given: whether Telegram channels get deliveries, which pings are on, and
/// the couriers that deliver them.
pub struct OutboxParts {
    pub telegram: bool,
    pub pings: Pings,
    pub couriers: Vec<Arc<dyn Courier>>,
}

/// The outbox's part of these settings, for a site at `base_url` (no trailing slash).
pub fn outbox(
    telegram: &TelegramSettings,
    pings: &PingSettings,
    base_url: &str,
    store: Arc<dyn Store>,
    clock: Clock,
) -> OutboxParts {
    let mut couriers: Vec<Arc<dyn Courier>> = Vec::new();
    if let Some(token) = telegram.token() {
        let bot = BotApi::new(
            BotConfig {
                api_base_url: telegram.api_base_url.trim().to_owned(),
                bot_token: token.to_owned(),
            },
            BOT_API_TIMEOUT,
        );
        couriers.push(Arc::new(TelegramCourier::new(store, bot, clock)));
    }
    let websub = given(&pings.websub_hub).map(|hub| WebSubConfig {
        hub_url: hub.to_owned(),
        base_url: base_url.to_owned(),
    });
    if let Some(config) = &websub {
        couriers.push(Arc::new(WebSubCourier::new(config.clone())));
    }
    let indexnow = match (given(&pings.indexnow_endpoint), given(&pings.indexnow_key)) {
        (Some(endpoint), Some(key)) => Some(IndexNowConfig {
            endpoint: endpoint.to_owned(),
            key: key.to_owned(),
            base_url: base_url.to_owned(),
        }),
        _ => None,
    };
    if let Some(config) = &indexnow {
        couriers.push(Arc::new(IndexNowCourier::new(config.clone())));
    }
    OutboxParts {
        telegram: telegram.token().is_some(),
        pings: Pings {
            websub,
            indexnow: indexnow.is_some(),
        },
        couriers,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin(_: &str) -> String {
        "test".into()
    }

    #[test]
    fn everything_is_off_by_default() {
        let (telegram, pings) = (TelegramSettings::default(), PingSettings::default());
        assert!(problems(&telegram, &pings, origin).is_empty());
        let web = web(&telegram, &pings);
        assert!(!web.telegram_configured && web.websub_hub.is_none() && web.indexnow_key.is_none());
    }

    #[test]
    fn a_malformed_token_is_refused_without_repeating_it() {
        let telegram = TelegramSettings {
            bot_token: Some("not a token secret-ish".into()),
            ..TelegramSettings::default()
        };
        let found = problems(&telegram, &PingSettings::default(), origin);
        assert_eq!(found.len(), 1);
        assert!(found[0].starts_with("telegram.bot_token is not a bot token"));
        assert!(!found[0].contains("secret-ish"));
        assert!(!format!("{telegram:?}").contains("secret-ish"));
    }

    #[test]
    fn indexnow_needs_both_an_endpoint_and_a_good_key() {
        let pings = PingSettings {
            indexnow_key: Some("../x".into()),
            ..PingSettings::default()
        };
        let found = problems(&TelegramSettings::default(), &pings, origin);
        assert_eq!(found.len(), 2, "{found:?}");
        let pings = PingSettings {
            websub_hub: Some("hub.example".into()),
            indexnow_endpoint: Some("https://api.indexnow.org/indexnow".into()),
            indexnow_key: Some("5e0f6d3c2b1a49f8".into()),
        };
        let found = problems(&TelegramSettings::default(), &pings, origin);
        assert_eq!(found.len(), 1);
        assert!(found[0].starts_with("pings.websub_hub must be an http"));
    }
}
