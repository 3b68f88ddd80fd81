//! `WHERE` clauses built from the list filters of the site and the newsroom.

use chrono::{DateTime, Utc};

use super::db::Value;
use crate::{ArticleFilter, NewsroomFilter};

/// `WHERE` conditions built from a filter. Each fragment's `?` marks its one parameter; every `?`
/// in a fragment refers to the same value, so a word searched in three columns is bound once.
pub(super) struct Conditions {
    clauses: Vec<String>,
    pub(super) params: Vec<Value>,
}

impl Conditions {
    pub(super) fn new() -> Self {
        Self {
            clauses: Vec::new(),
            params: Vec::new(),
        }
    }

    pub(super) fn add(&mut self, fragment: &str, param: impl Into<Value>) {
        self.params.push(param.into());
        let placeholder = format!("${}", self.params.len());
        self.clauses.push(fragment.replace('?', &placeholder));
    }

    /// A condition without a parameter.
    fn add_plain(&mut self, fragment: &str) {
        self.clauses.push(fragment.to_owned());
    }

    /// The placeholder `offset` places after the conditions' own (for LIMIT and OFFSET).
    pub(super) fn next_placeholder(&self, offset: usize) -> String {
        format!("${}", self.params.len() + offset)
    }

    pub(super) fn where_clause(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.clauses.join(" AND "))
        }
    }

    /// Each of up to eight words must appear in the headline, standfirst or body.
    fn add_words(&mut self, text: &str) {
        for word in text.split_whitespace().take(8) {
            let pattern = format!("%{}%", escape_like(&word.to_lowercase()));
            self.add(
                "(LOWER(a.headline) LIKE ? ESCAPE '\\' OR LOWER(a.standfirst) LIKE ? ESCAPE '\\' \
                 OR a.id IN (SELECT article_id FROM article_bodies WHERE LOWER(body_markdown) LIKE ? ESCAPE '\\'))",
                pattern,
            );
        }
    }

    /// Published articles readers can see at `now`, narrowed by `filter`.
    pub(super) fn published(filter: &ArticleFilter, now: DateTime<Utc>) -> Self {
        let mut c = Self::new();
        c.add(
            "a.status = 'published' AND a.published_at <= ?",
            now.timestamp(),
        );
        if let Some(id) = filter.section_id {
            c.add("a.section_id = ?", id);
        }
        if let Some(id) = filter.tag_id {
            c.add(
                "a.id IN (SELECT article_id FROM article_tags WHERE tag_id = ?)",
                id,
            );
        }
        if let Some(id) = filter.author_id {
            c.add(
                "a.id IN (SELECT article_id FROM article_authors WHERE author_id = ?)",
                id,
            );
        }
        if let Some(language) = filter.language {
            c.add("a.language = ?", language.code());
        }
        if filter.pinned {
            c.add_plain("a.pinned_at IS NOT NULL");
        }
        if let Some(id) = filter.exclude_id {
            c.add("a.id <> ?", id);
        }
        if let Some(from) = filter.published_from {
            // Stored times are whole seconds: a bound part-way through a second starts at the next.
            let secs = from.timestamp() + i64::from(from.timestamp_subsec_nanos() > 0);
            c.add("a.published_at >= ?", secs);
        }
        if let Some(to) = filter.published_to {
            c.add("a.published_at <= ?", to.timestamp());
        }
        if let Some(text) = &filter.text {
            c.add_words(text);
        }
        c
    }

    /// The newsroom's list: every status, narrowed by `filter`.
    pub(super) fn newsroom(filter: &NewsroomFilter) -> Self {
        let mut c = Self::new();
        if let Some(user_id) = filter.readable_by {
            c.add(
                "(a.status = 'published' OR a.owner_user_id = ? OR a.id IN \
                 (SELECT aa.article_id FROM article_authors aa JOIN users u ON u.author_id = aa.author_id WHERE u.id = ?))",
                user_id,
            );
        }
        if let Some(status) = filter.status {
            c.add("a.status = ?", status.as_str());
        }
        if let Some(id) = filter.section_id {
            c.add("a.section_id = ?", id);
        }
        if let Some(id) = filter.author_id {
            c.add(
                "a.id IN (SELECT article_id FROM article_authors WHERE author_id = ?)",
                id,
            );
        }
        if let Some(language) = filter.language {
            c.add("a.language = ?", language.code());
        }
        if let Some(text) = &filter.text {
            c.add_words(text);
        }
        c
    }
}

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}
