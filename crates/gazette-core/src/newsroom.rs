//! The newsroom's nouns and rules, by theme: [`crate::accounts`] (people, roles, sessions,
//! passwords), [`crate::editorial`] (revisions, corrections, the audit trail) and
//! [`crate::workflow`] (who may do what to which article, and the workflow's transitions). The
//! newsroom's own forms are checked in [`crate::people`], [`crate::sections`] and
//! [`crate::site_settings`].
//! Re-exported here under the names the rest of the code has always used.

pub use crate::accounts::*;
pub use crate::editorial::*;
pub use crate::workflow::{ArticleAction, may, transition};
