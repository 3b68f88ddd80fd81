//! The entry rules of `gazette_core::live::rules`, answered as the newsroom answers: a refusal is
//! a 403 or a 409 page with the rule's own words.

use gazette_core::live::LiveEntry;
use gazette_core::live::rules::EntryRefusal;
pub use gazette_core::live::rules::{EntryAction, may, published_status, sees_unpublished};
use gazette_core::workflow::Person;

use crate::error::{AppError, AppResult};

/// Whether `person` may do `action` to `entry`; a refusal as the error page to show.
pub fn authorise(entry: &LiveEntry, person: &Person, action: EntryAction) -> AppResult<()> {
    gazette_core::live::rules::authorise(entry, person, action).map_err(|refusal| match refusal {
        EntryRefusal::Forbidden(why) => AppError::Forbidden(why.into()),
        EntryRefusal::Conflict(why) => AppError::Conflict(why.into()),
    })
}
