//! What readers see: article pages, lists, feeds, sitemaps and search rebuilds; and the
//! newsroom's list of every article.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use gazette_core::newsroom::{Correction, CorrectionKind};
use gazette_core::{Article, ArticleStatus, ArticleSummary};

use super::db::{AsConn, query};
use super::filters::Conditions;
use super::journal::corrections_on;
use super::media::featured_on;
use super::page_reader::{RENAMED_ARTICLE, SUMMARY_COLUMNS};
use super::rows::{
    ChunkRow, LinkRow, ListedCorrectionRow, NewsroomRow, SummaryRow, SummaryStatusRow,
};
use super::whole_article::{ArticleKey, load_article_by, load_articles, with_bylines};
use super::{SqlStore, convert, count, placeholders, stored_slug, time};
use crate::{
    ArticleFilter, ArticleLookup, ArticlePage, Backend, ListedCorrection, NewsroomArticle,
    NewsroomFilter, NewsroomSort, Page, PageRequest, PublishedLink, ReadStore, SitemapChunk,
    StoreResult,
};

/// The article with this slug, or where an old slug now leads.
async fn lookup(c: &mut impl AsConn, slug: &str) -> StoreResult<ArticleLookup> {
    if let Some(article) = load_article_by(c, ArticleKey::Slug(slug)).await? {
        return Ok(ArticleLookup::Current(Box::new(article)));
    }
    let renamed: Option<(String, String)> =
        query(RENAMED_ARTICLE).bind(slug).fetch_optional(c).await?;
    Ok(match renamed {
        Some((slug, section_slug)) => ArticleLookup::Renamed {
            section: stored_slug(section_slug)?,
            slug: stored_slug(slug)?,
        },
        None => ArticleLookup::NotFound,
    })
}

/// The newest published articles matching `conditions`, as cards with bylines.
async fn latest_on(
    c: &mut impl AsConn,
    conditions: Conditions,
    limit: u32,
) -> StoreResult<Vec<ArticleSummary>> {
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM articles a JOIN sections s ON s.id = a.section_id \
         {} ORDER BY a.published_at DESC, a.id DESC LIMIT {}",
        conditions.where_clause(),
        conditions.next_placeholder(1),
    );
    let rows: Vec<SummaryRow> = query(&sql)
        .bind_all(conditions.params)
        .bind(i64::from(limit))
        .fetch_all(c)
        .await?;
    with_bylines(c, convert(rows)?).await
}

/// A list of one tag's or one byline's published articles and nothing else, read from that link
/// table's listing index (migration 0014) instead of through every linked article's row.
struct Listing {
    table: &'static str,
    column: &'static str,
    id: i64,
}

impl Listing {
    fn of(filter: &ArticleFilter) -> Option<Self> {
        // Every field is named, so that a new filter has to be decided on here: anything besides
        // the tag or the byline goes through the articles table (`Conditions`).
        let ArticleFilter {
            section_id: None,
            tag_id,
            author_id,
            language: None,
            exclude_id: None,
            text: None,
            published_from: None,
            published_to: None,
            pinned: false,
        } = filter
        else {
            return None;
        };
        match (*tag_id, *author_id) {
            (Some(id), None) => Some(Self {
                table: "article_tags",
                column: "tag_id",
                id,
            }),
            (None, Some(id)) => Some(Self {
                table: "article_authors",
                column: "author_id",
                id,
            }),
            _ => None,
        }
    }

    /// The links readers can see: `$1` the tag or author, `$2` now.
    fn visible(&self) -> String {
        format!(
            "FROM {} WHERE {} = $1 AND status = 'published' AND published_at <= $2",
            self.table, self.column
        )
    }

    async fn count(&self, c: &mut impl AsConn, now: DateTime<Utc>) -> StoreResult<i64> {
        Ok(query(&format!("SELECT COUNT(*) {}", self.visible()))
            .bind(self.id)
            .bind(now.timestamp())
            .scalar(c)
            .await?)
    }

    /// The page's article ids, newest first: `$3` how many, `$4` how many to skip.
    fn ids(&self) -> String {
        format!(
            "SELECT article_id {} ORDER BY published_at DESC, article_id DESC LIMIT $3 OFFSET $4",
            self.visible()
        )
    }

    async fn summaries(
        &self,
        c: &mut impl AsConn,
        now: DateTime<Utc>,
        limit: u32,
        offset: i64,
    ) -> StoreResult<Vec<ArticleSummary>> {
        // Only the page's rows are read: the limit is inside the subquery.
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM articles a JOIN sections s ON s.id = a.section_id \
             WHERE a.id IN ({}) ORDER BY a.published_at DESC, a.id DESC",
            self.ids()
        );
        let rows: Vec<SummaryRow> = query(&sql)
            .bind(self.id)
            .bind(now.timestamp())
            .bind(i64::from(limit))
            .bind(offset)
            .fetch_all(c)
            .await?;
        with_bylines(c, convert(rows)?).await
    }
}

#[async_trait::async_trait]
impl ReadStore for SqlStore {
    async fn article_page(
        &self,
        slug: &str,
        related: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<ArticlePage> {
        if let Some(page) = self.db.read_article_page(slug, related, now).await {
            return page;
        }
        let mut conn = self.db.conn().await?;
        let lookup = lookup(&mut conn, slug).await?;
        let ArticleLookup::Current(article) = &lookup else {
            return Ok(ArticlePage::lookup_only(lookup));
        };
        let filter = ArticleFilter {
            section_id: Some(article.section.id),
            exclude_id: Some(article.id),
            ..Default::default()
        };
        let id = article.id;
        let related = latest_on(&mut conn, Conditions::published(&filter, now), related).await?;
        let corrections = corrections_on(&mut conn, id).await?;
        let featured = featured_on(&mut conn, &[id]).await?.remove(&id);
        Ok(ArticlePage {
            lookup,
            related,
            corrections,
            featured,
        })
    }

    async fn published(
        &self,
        filter: &ArticleFilter,
        page: PageRequest,
        now: DateTime<Utc>,
    ) -> StoreResult<Page<ArticleSummary>> {
        let mut conn = self.db.conn().await?;
        if let Some(listing) = Listing::of(filter) {
            let total = listing.count(&mut conn, now).await?;
            let items = listing
                .summaries(&mut conn, now, page.per_page, page.offset())
                .await?;
            return Ok(Page {
                items,
                total: count(total),
                request: page,
            });
        }
        let conditions = Conditions::published(filter, now);
        let where_clause = conditions.where_clause();
        let total: i64 = query(&format!("SELECT COUNT(*) FROM articles a {where_clause}"))
            .bind_all(conditions.params.clone())
            .scalar(&mut conn)
            .await?;
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM articles a JOIN sections s ON s.id = a.section_id \
             {where_clause} ORDER BY a.published_at DESC, a.id DESC LIMIT {} OFFSET {}",
            conditions.next_placeholder(1),
            conditions.next_placeholder(2),
        );
        let rows: Vec<SummaryRow> = query(&sql)
            .bind_all(conditions.params)
            .bind(i64::from(page.per_page))
            .bind(page.offset())
            .fetch_all(&mut conn)
            .await?;
        let items = with_bylines(&mut conn, convert(rows)?).await?;
        Ok(Page {
            items,
            total: count(total),
            request: page,
        })
    }

    async fn latest(
        &self,
        filter: &ArticleFilter,
        limit: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<ArticleSummary>> {
        let mut conn = self.db.conn().await?;
        if let Some(listing) = Listing::of(filter) {
            return listing.summaries(&mut conn, now, limit, 0).await;
        }
        latest_on(&mut conn, Conditions::published(filter, now), limit).await
    }

    async fn most_read(
        &self,
        since_day: i64,
        limit: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<ArticleSummary>> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS}, CAST(SUM(v.views) AS BIGINT) AS recent_views \
             FROM view_buckets v JOIN articles a ON a.id = v.article_id \
             JOIN sections s ON s.id = a.section_id \
             WHERE v.day >= $1 AND a.status = 'published' AND a.published_at <= $2 \
             GROUP BY a.id, s.id ORDER BY recent_views DESC, a.published_at DESC LIMIT $3"
        );
        let mut conn = self.db.conn().await?;
        let rows: Vec<SummaryRow> = query(&sql)
            .bind(since_day)
            .bind(now.timestamp())
            .bind(i64::from(limit))
            .fetch_all(&mut conn)
            .await?;
        with_bylines(&mut conn, convert(rows)?).await
    }

    async fn article_count(&self) -> StoreResult<u64> {
        let n: i64 = query("SELECT COUNT(*) FROM articles")
            .scalar(&mut self.db.conn().await?)
            .await?;
        Ok(count(n))
    }

    async fn published_articles_after(
        &self,
        after_id: i64,
        limit: u32,
    ) -> StoreResult<Vec<Article>> {
        // Walked by key. SQLite is kept off the status index (`+status`): with the sampled
        // statistics the store gathers it took `status = 'published'` for a rare value, read the
        // whole published index from `after_id` and sorted it for every batch, which made a search
        // rebuild quadratic (1 s a batch of 500 at 1,000,000 articles; bench/IMPORT.md).
        let sql = match self.db.backend() {
            Backend::Sqlite => {
                "SELECT id FROM articles WHERE +status = 'published' AND id > $1 ORDER BY id LIMIT $2"
            }
            Backend::Postgres => {
                "SELECT id FROM articles WHERE status = 'published' AND id > $1 ORDER BY id LIMIT $2"
            }
        };
        let mut conn = self.db.conn().await?;
        let ids: Vec<i64> = query(sql)
            .bind(after_id)
            .bind(i64::from(limit.clamp(1, 1000)))
            .column(&mut conn)
            .await?;
        load_articles(&mut conn, &ids).await
    }

    async fn published_summaries_by_ids(
        &self,
        ids: &[i64],
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<ArticleSummary>> {
        let ids = &ids[..ids.len().min(1000)];
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        // Looked up by id alone, and checked for visibility here: with the status and date in the
        // WHERE clause SQLite may walk the whole published index instead of fetching a dozen rows
        // by key.
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS}, a.status FROM articles a JOIN sections s ON s.id = a.section_id \
             WHERE a.id IN ({})",
            placeholders(ids.len())
        );
        let mut conn = self.db.conn().await?;
        let rows: Vec<SummaryStatusRow> = query(&sql)
            .bind_all(ids.iter().map(|&id| id.into()))
            .fetch_all(&mut conn)
            .await?;
        let mut by_id = HashMap::new();
        for row in rows {
            let published = row.status == ArticleStatus::Published.as_str();
            let summary = ArticleSummary::try_from(row.summary)?;
            if published && summary.published_at.is_some_and(|t| t <= now) {
                by_id.insert(summary.id, summary);
            }
        }
        let items: Vec<ArticleSummary> = ids.iter().filter_map(|id| by_id.remove(id)).collect();
        with_bylines(&mut conn, items).await
    }

    async fn published_articles(
        &self,
        filter: &ArticleFilter,
        limit: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Article>> {
        let filter = ArticleFilter {
            text: None,
            ..filter.clone()
        };
        let limit = i64::from(limit.clamp(1, 1000));
        let mut conn = self.db.conn().await?;
        if let Some(listing) = Listing::of(&filter) {
            let ids: Vec<i64> = query(&listing.ids())
                .bind(listing.id)
                .bind(now.timestamp())
                .bind(limit)
                .bind(0_i64)
                .column(&mut conn)
                .await?;
            return load_articles(&mut conn, &ids).await;
        }
        let conditions = Conditions::published(&filter, now);
        let sql = format!(
            "SELECT a.id FROM articles a {} ORDER BY a.published_at DESC, a.id DESC LIMIT {}",
            conditions.where_clause(),
            conditions.next_placeholder(1),
        );
        let ids: Vec<i64> = query(&sql)
            .bind_all(conditions.params)
            .bind(limit)
            .column(&mut conn)
            .await?;
        load_articles(&mut conn, &ids).await
    }

    async fn sitemap_chunks(
        &self,
        chunk: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<SitemapChunk>> {
        let rows: Vec<ChunkRow> = query(
            "SELECT grp, COUNT(*) AS n, MAX(lastmod) AS lastmod FROM ( \
               SELECT (ROW_NUMBER() OVER (ORDER BY published_at, id) - 1) / $2 AS grp, \
                      CASE WHEN updated_at > published_at THEN updated_at ELSE published_at END AS lastmod \
               FROM articles WHERE status = 'published' AND published_at <= $1 \
             ) numbered GROUP BY grp ORDER BY grp",
        )
        .bind(now.timestamp())
        .bind(i64::from(chunk.max(1)))
        .fetch_all(&mut self.db.conn().await?)
        .await?;
        rows.into_iter()
            .map(|row| {
                Ok(SitemapChunk {
                    count: count(row.n),
                    lastmod: time(row.lastmod)?,
                })
            })
            .collect()
    }

    async fn sitemap_links(
        &self,
        offset: u64,
        limit: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<PublishedLink>> {
        let mut conn = self.db.conn().await?;
        // The file's first article, found in the (status, published_at) index alone. An OFFSET
        // on the query below would read and join every article before the file: the last file
        // of a 1,000,000-article archive took 0.7 s that way (bench/IMPORT.md).
        let first: Option<(i64, i64)> = query(
            "SELECT published_at, id FROM articles \
             WHERE status = 'published' AND published_at <= $1 \
             ORDER BY published_at, id LIMIT 1 OFFSET $2",
        )
        .bind(now.timestamp())
        .bind(i64::try_from(offset).unwrap_or(i64::MAX))
        .fetch_optional(&mut conn)
        .await?;
        let Some((from_time, from_id)) = first else {
            return Ok(Vec::new());
        };
        // From that article on, in the same order; ties in time are broken by id, as above.
        let rows: Vec<LinkRow> = query(
            "SELECT a.id, a.slug, a.headline, a.language, a.published_at, a.updated_at, s.slug AS section_slug \
             FROM articles a JOIN sections s ON s.id = a.section_id \
             WHERE a.status = 'published' AND a.published_at <= $1 \
               AND a.published_at >= $2 AND (a.published_at > $2 OR a.id >= $3) \
             ORDER BY a.published_at, a.id LIMIT $4",
        )
        .bind(now.timestamp())
        .bind(from_time)
        .bind(from_id)
        .bind(i64::from(limit.max(1)))
        .fetch_all(&mut conn)
        .await?;
        convert(rows)
    }

    async fn recent_links(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<PublishedLink>> {
        let rows: Vec<LinkRow> = query(
            "SELECT a.id, a.slug, a.headline, a.language, a.published_at, a.updated_at, s.slug AS section_slug \
             FROM articles a JOIN sections s ON s.id = a.section_id \
             WHERE a.status = 'published' AND a.published_at <= $1 AND a.published_at >= $2 \
             ORDER BY a.published_at DESC, a.id DESC LIMIT $3",
        )
        .bind(now.timestamp())
        .bind(since.timestamp())
        .bind(i64::from(limit.max(1)))
        .fetch_all(&mut self.db.conn().await?)
        .await?;
        convert(rows)
    }

    async fn newsroom_articles(
        &self,
        filter: &NewsroomFilter,
        page: PageRequest,
    ) -> StoreResult<Page<NewsroomArticle>> {
        let c = Conditions::newsroom(filter);
        let order = match filter.sort {
            NewsroomSort::Modified => "a.modified_at DESC, a.id DESC",
            NewsroomSort::Published => "(a.published_at IS NULL), a.published_at DESC, a.id DESC",
            NewsroomSort::Headline => "LOWER(a.headline), a.id",
        };
        let where_clause = c.where_clause();
        let mut conn = self.db.conn().await?;
        let total: i64 = query(&format!("SELECT COUNT(*) FROM articles a {where_clause}"))
            .bind_all(c.params.clone())
            .scalar(&mut conn)
            .await?;
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS}, a.status, a.modified_at FROM articles a \
             JOIN sections s ON s.id = a.section_id {where_clause} ORDER BY {order} LIMIT {} OFFSET {}",
            c.next_placeholder(1),
            c.next_placeholder(2)
        );
        let rows: Vec<NewsroomRow> = query(&sql)
            .bind_all(c.params)
            .bind(i64::from(page.per_page))
            .bind(page.offset())
            .fetch_all(&mut conn)
            .await?;
        let mut parts = Vec::with_capacity(rows.len());
        let mut summaries = Vec::with_capacity(rows.len());
        for row in rows {
            parts.push(row.parts()?);
            summaries.push(ArticleSummary::try_from(row.summary)?);
        }
        let summaries = with_bylines(&mut conn, summaries).await?;
        let items = summaries
            .into_iter()
            .zip(parts)
            .map(
                |(summary, (status, language, modified_at))| NewsroomArticle {
                    summary,
                    status,
                    language,
                    modified_at,
                },
            )
            .collect();
        Ok(Page {
            items,
            total: count(total),
            request: page,
        })
    }

    async fn published_corrections(
        &self,
        page: PageRequest,
        now: DateTime<Utc>,
    ) -> StoreResult<Page<ListedCorrection>> {
        let visible = "FROM corrections c JOIN articles a ON a.id = c.article_id JOIN sections s ON s.id = a.section_id \
             WHERE c.kind = 'correction' AND a.status = 'published' AND a.published_at <= $1";
        let mut conn = self.db.conn().await?;
        let total: i64 = query(&format!("SELECT COUNT(*) {visible}"))
            .bind(now.timestamp())
            .scalar(&mut conn)
            .await?;
        let rows: Vec<ListedCorrectionRow> = query(&format!(
            "SELECT {SUMMARY_COLUMNS}, c.id AS correction_id, c.body, c.created_at AS correction_at \
             {visible} ORDER BY c.created_at DESC, c.id DESC LIMIT $2 OFFSET $3"
        ))
        .bind(now.timestamp())
        .bind(i64::from(page.per_page))
        .bind(page.offset())
        .fetch_all(&mut conn)
        .await?;
        let mut notes = Vec::with_capacity(rows.len());
        let mut summaries = Vec::with_capacity(rows.len());
        for row in rows {
            notes.push((row.correction_id, row.body, time(row.correction_at)?));
            summaries.push(ArticleSummary::try_from(row.summary)?);
        }
        let summaries = with_bylines(&mut conn, summaries).await?;
        let items = summaries
            .into_iter()
            .zip(notes)
            .map(|(article, (id, text, created_at))| ListedCorrection {
                correction: Correction {
                    id,
                    article_id: article.id,
                    kind: CorrectionKind::Correction,
                    text,
                    created_at,
                },
                article,
            })
            .collect();
        Ok(Page {
            items,
            total: count(total),
            request: page,
        })
    }

    #[cfg(feature = "testing")]
    async fn find_article(&self, slug: &str) -> StoreResult<ArticleLookup> {
        lookup(&mut self.db.conn().await?, slug).await
    }
}
