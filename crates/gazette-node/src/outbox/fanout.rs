//! The fan-out planner: which deliveries an event gets. [`plan`] is the one place that decides
//! it, channel by channel, from the [`Audience`] loaded once per batch of events. A channel added
//! to Gazette adds its targets to [`Audience`] and one branch to [`plan`].

use gazette_core::events::NewEvent;
use gazette_store::outbox::{PlannedDelivery, WebhookEndpoint, channels};
use gazette_store::{Store, StoreResult};

/// Everyone an event may be delivered to, as configured when the batch is planned.
#[derive(Debug, Clone, Default)]
pub struct Audience {
    /// Every registered endpoint, switched off ones included (they get nothing).
    pub webhooks: Vec<WebhookEndpoint>,
    /// Telegram channels, when a bot token is configured (`None`: nothing is planned for them).
    pub telegram: Option<super::telegram::TelegramAudience>,
    /// The pings that are on.
    pub pings: super::pings::Pings,
}

impl Audience {
    pub async fn load(
        store: &dyn Store,
        settings: &super::settings::OutboxSettings,
    ) -> StoreResult<Self> {
        let telegram = if settings.telegram {
            Some(super::telegram::TelegramAudience::load(store).await?)
        } else {
            None
        };
        Ok(Self {
            webhooks: store.webhook_endpoints().await?,
            telegram,
            pings: settings.pings.clone(),
        })
    }
}

/// The deliveries `event` gets: one per channel and target.
pub fn plan(event: &NewEvent, audience: &Audience) -> Vec<PlannedDelivery> {
    let mut deliveries = Vec::new();
    // Webhooks: each active endpoint that chose this kind of event; the target is its id.
    deliveries.extend(
        audience
            .webhooks
            .iter()
            .filter(|endpoint| endpoint.wants(event.kind))
            .map(|endpoint| PlannedDelivery {
                channel: channels::WEBHOOK,
                target: endpoint.id.to_string(),
            }),
    );
    // Telegram: a chat per channel following the article's section; pings: see their modules.
    if let Some(telegram) = &audience.telegram {
        deliveries.extend(super::telegram::plan(event, telegram));
    }
    deliveries.extend(super::pings::plan(event, &audience.pings));
    deliveries
}
