//! Ghost 5/6 JSON exports.
