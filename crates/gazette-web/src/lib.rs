//! Gazette's HTTP layer: the public site readers see, rendered on the server from the theme's
//! templates, with one error type that becomes a themed HTML page (or JSON, for scripts). The node's background work
//! (following the change log, the scheduler, counting reads) is in `gazette_node`; this crate
//! gives it the page cache and the top-articles list to keep up to date ([`AppState::jobs`]).
//!
//! - [`router`] lists every route in one place; [`server`] accepts connections and serves them;
//! - [`state`] is what handlers reach; [`site`] holds the public pages' handlers, one module per
//!   kind of page (with the site chrome, the read beacon and the top-articles list);
//! - [`presenters`] turns domain values into what templates print (cards, date lines, links);
//! - [`theme`] loads templates and assets, embedded or from a folder;
//! - [`error`] is the one error type and its statuses, [`error_pages`] writes its body once (JSON,
//!   the theme's page, or the newsroom's); [`outage`] answers at once while the database is known
//!   to be down;
//! - [`security`] sets the headers every response carries; [`input`] refuses or strips control
//!   characters at the edge;
//! - [`cache`] keeps rendered pages in memory; [`feeds`] serves RSS, Atom, JSON Feed, sitemaps and
//!   robots.txt; [`newsroom`] is the newsroom app; [`api`] the Content and Admin APIs and their
//!   OpenAPI document.

pub mod api;
pub mod cache;
pub mod error;
pub mod error_pages;
pub mod feeds;
pub mod input;
pub mod links;
pub mod locale;
pub mod newsroom;
pub mod outage;
pub mod presenters;
pub mod router;
pub mod security;
pub mod server;
pub mod site;
pub mod state;
pub mod theme;

pub use router::{App, app, router};
pub use state::{AppState, Clock, SiteConfig};
pub use theme::Theme;
