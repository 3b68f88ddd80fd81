//! The event outbox: derives events (article published, updated, …) from the change log, stores
//! each once with the deliveries it gets, and delivers them through the registered [`Courier`]s,
//! retrying with backoff for 24 hours. One node at a time runs it, under the `outbox` lease.

pub mod bot_api;
pub mod courier;
pub mod deliver;
pub mod events;
pub mod fanout;
pub mod job;
pub mod pings;
pub mod settings;
pub mod telegram;
pub mod webhook;

pub use courier::{Attempt, Courier, Outcome};
pub use fanout::{Audience, plan};
pub use job::{OutboxJob, Pass};
pub use settings::OutboxSettings;
pub use webhook::WebhookCourier;
