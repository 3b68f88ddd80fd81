//! Reading articles whole (with their bylines and tags in order), by id or by slug, one or many:
//! what the article writes return, the revision log snapshots and the site's lists show.

use std::collections::HashMap;

use gazette_core::{Article, ArticleSummary};

use super::db::{AsConn, query};
use super::page_reader::{
    ARTICLE_COLUMNS, ARTICLE_FROM, ARTICLE_PEOPLE_AND_TAGS, in_position_order,
};
use super::placeholders;
use super::rows::{ArticleAuthorRow, ArticleRow, ArticleTagRow, BylineRow, PersonOrTagRow};
use crate::StoreResult;

/// How an article is looked up.
#[derive(Clone, Copy)]
pub(super) enum ArticleKey<'a> {
    Id(i64),
    Slug(&'a str),
}

pub(super) async fn load_article(c: &mut impl AsConn, id: i64) -> StoreResult<Option<Article>> {
    load_article_by(c, ArticleKey::Id(id)).await
}

/// One article with its bylines and tags: two queries (the article, then bylines and tags
/// together), since an article page is rendered often.
pub(super) async fn load_article_by(
    c: &mut impl AsConn,
    key: ArticleKey<'_>,
) -> StoreResult<Option<Article>> {
    let (condition, value) = match key {
        ArticleKey::Id(id) => ("a.id = $1", id.into()),
        ArticleKey::Slug(slug) => ("a.slug = $1", slug.into()),
    };
    let sql = format!("SELECT {ARTICLE_COLUMNS} {ARTICLE_FROM} WHERE {condition}");
    let Some(row) = query(&sql)
        .bind_all([value])
        .fetch_optional::<ArticleRow>(c)
        .await?
    else {
        return Ok(None);
    };
    let mut article = Article::try_from(row)?;
    let rows: Vec<PersonOrTagRow> = query(ARTICLE_PEOPLE_AND_TAGS)
        .bind(article.id)
        .fetch_all(c)
        .await?;
    let (mut authors, mut tags) = (Vec::new(), Vec::new());
    for row in rows {
        if row.kind == "author" {
            authors.push((row.position, row.author.try_into()?));
        } else {
            tags.push((row.position, row.into_tag()?));
        }
    }
    article.authors = in_position_order(authors);
    article.tags = in_position_order(tags);
    Ok(Some(article))
}

/// Loads complete articles with three queries whatever their number, in the order of `ids`.
pub(super) async fn load_articles(c: &mut impl AsConn, ids: &[i64]) -> StoreResult<Vec<Article>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = placeholders(ids.len());
    let sql = format!("SELECT {ARTICLE_COLUMNS} {ARTICLE_FROM} WHERE a.id IN ({list})");
    let rows: Vec<ArticleRow> = query(&sql)
        .bind_all(ids.iter().map(|&id| id.into()))
        .fetch_all(c)
        .await?;
    let mut by_id = HashMap::new();
    for row in rows {
        let article = Article::try_from(row)?;
        by_id.insert(article.id, article);
    }
    let sql = format!(
        "SELECT aa.article_id, au.id, au.slug, au.name, au.bio, au.is_house FROM article_authors aa \
         JOIN authors au ON au.id = aa.author_id WHERE aa.article_id IN ({list}) \
         ORDER BY aa.article_id, aa.position"
    );
    let rows: Vec<ArticleAuthorRow> = query(&sql)
        .bind_all(ids.iter().map(|&id| id.into()))
        .fetch_all(c)
        .await?;
    for row in rows {
        if let Some(article) = by_id.get_mut(&row.article_id) {
            article.authors.push(row.author.try_into()?);
        }
    }
    let sql = format!(
        "SELECT at.article_id, t.id, t.slug, t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id \
         WHERE at.article_id IN ({list}) ORDER BY at.article_id, at.position"
    );
    let rows: Vec<ArticleTagRow> = query(&sql)
        .bind_all(ids.iter().map(|&id| id.into()))
        .fetch_all(c)
        .await?;
    for row in rows {
        if let Some(article) = by_id.get_mut(&row.article_id) {
            article.tags.push(row.tag.try_into()?);
        }
    }
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

/// Fills in the bylines of a list of cards with one query.
pub(super) async fn with_bylines(
    c: &mut impl AsConn,
    mut items: Vec<ArticleSummary>,
) -> StoreResult<Vec<ArticleSummary>> {
    if items.is_empty() {
        return Ok(items);
    }
    let sql = format!(
        "SELECT aa.article_id, au.slug, au.name FROM article_authors aa \
         JOIN authors au ON au.id = aa.author_id WHERE aa.article_id IN ({}) \
         ORDER BY aa.article_id, aa.position",
        placeholders(items.len())
    );
    let rows: Vec<BylineRow> = query(&sql)
        .bind_all(items.iter().map(|item| item.id.into()))
        .fetch_all(c)
        .await?;
    let mut bylines: HashMap<i64, Vec<_>> = HashMap::new();
    for row in rows {
        let article_id = row.article_id;
        bylines.entry(article_id).or_default().push(row.byline()?);
    }
    for item in &mut items {
        item.authors = bylines.remove(&item.id).unwrap_or_default();
    }
    Ok(items)
}
