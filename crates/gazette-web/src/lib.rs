//! Gazette's HTTP layer: the public site readers see, rendered on the server from the theme's
//! templates, with one error type that becomes a themed HTML page.
//!
//! - [`router`] lists every route in one place;
//! - [`site`] holds the public pages' handlers, one module per kind of page;
//! - [`view`] turns domain values into what templates print (cards, date lines, links);
//! - [`theme`] loads templates and assets, embedded or from a folder;
//! - [`error`] is the error type and the themed error pages;
//! - [`security`] sets the headers every response carries;
//! - [`changes`] follows the change log, and [`background`] starts the tasks that use it.

pub mod background;
pub mod changes;
pub mod error;
pub mod router;
pub mod security;
pub mod site;
pub mod state;
pub mod theme;
pub mod view;

pub use router::router;
pub use state::{AppState, Clock, SiteConfig};
pub use theme::Theme;
