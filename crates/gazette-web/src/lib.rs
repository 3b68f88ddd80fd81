//! Gazette's HTTP layer: the public site readers see, rendered on the server from the theme's
//! templates, with one error type that becomes a themed HTML page (or JSON, for scripts).
//!
//! - [`router`] lists every route in one place; [`server`] accepts connections and serves them;
//! - [`site`] holds the public pages' handlers, one module per kind of page;
//! - [`view`] turns domain values into what templates print (cards, date lines, links);
//! - [`theme`] loads templates and assets, embedded or from a folder;
//! - [`error`] is the one error type and its statuses, [`error_pages`] writes its body once (JSON,
//!   the theme's page, or the newsroom's); [`outage`] answers at once while the database is known
//!   to be down;
//! - [`security`] sets the headers every response carries; [`input`] refuses or strips control
//!   characters at the edge;
//! - [`changes`] follows the change log, and [`background`] starts the tasks that use it;
//! - [`cache`] keeps rendered pages in memory; [`views`] counts reads; [`top`] ranks them;
//! - [`search`] keeps the search index in step with the change log; [`feeds`] serves RSS, Atom,
//!   JSON Feed, sitemaps and robots.txt.

pub mod background;
pub mod cache;
pub mod changes;
pub mod error;
pub mod error_pages;
pub mod feeds;
pub mod input;
pub mod leases;
pub mod newsroom;
pub mod outage;
pub mod router;
pub mod search;
pub mod security;
pub mod server;
pub mod site;
pub mod state;
pub mod theme;
pub mod top;
pub mod view;
pub mod views;

pub use router::{App, app, router};
pub use state::{AppState, Clock, SiteConfig};
pub use theme::Theme;
