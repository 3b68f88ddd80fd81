//! Gazette's full-text search: a tantivy index of the published articles, kept in the data folder
//! of each node and derived entirely from the database.
//!
//! - [`analysis`] turns English, Ukrainian and Russian text into terms (case folding, apostrophes,
//!   stemming);
//! - [`synonyms`] expands a query with the editors' list of equivalent spellings;
//! - [`SearchIndex`] opens the index (rebuilding it when it is missing or from an older schema),
//!   applies change-log entries to it and answers queries.
//!
//! The index never decides what readers may see on its own: it holds only published articles, and
//! the web layer loads every hit from the database, which leaves out anything unpublished since.

pub mod analysis;
pub mod synonyms;

use std::collections::BTreeSet;
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use chrono::{DateTime, Utc};
use gazette_core::{Article, ArticleStatus, Language};
use gazette_store::{Change, Store, StoreError};
use tantivy::collector::TopDocs;
use tantivy::directory::MmapDirectory;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, EnableScoring, FuzzyTermQuery, Occur, PhraseQuery,
    Query, RangeQuery, TermQuery,
};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TantivyDocument,
    TextFieldIndexing, TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::{
    DocAddress, DocSet, Index, IndexReader, IndexWriter, Order, ReloadPolicy, TERMINATED,
};

use crate::analysis::{
    GazetteTokenizer, SnippetTokenizer, TOKENIZER_NAME, WORDS_TOKENIZER_NAME, analyze, analyze_with,
};
pub use crate::synonyms::Synonyms;

/// Bump whenever the schema or the analyser changes: an index of another version is rebuilt.
pub const SCHEMA_VERSION: u32 = 2;

/// Memory the writer may use before it writes a segment to disk.
const WRITER_HEAP_BYTES: usize = 64 * 1024 * 1024;
/// Articles read from the database per batch while rebuilding.
const REBUILD_BATCH: u32 = 500;
/// Words of a query that are used; the rest is ignored.
const MAX_QUERY_WORDS: usize = 12;
/// Words shorter than this must be spelt right: a one-letter slip in a short word is another word.
const FUZZY_MIN_CHARS: usize = 5;
/// Longest snippet shown under a result, in characters.
const SNIPPET_CHARS: usize = 220;

/// How much a match in each field counts: a word in the headline says more about an article than
/// the same word in its tenth paragraph.
const HEADLINE_BOOST: f32 = 3.0;
const STANDFIRST_BOOST: f32 = 1.5;
const TAGS_BOOST: f32 = 2.0;
const BODY_BOOST: f32 = 1.0;
/// A misspelt word matches, but below a word spelt as written.
const FUZZY_BOOST: f32 = 0.3;
/// Recent news is lifted: a story from today scores `1 + RECENCY_WEIGHT` times its relevance, one
/// `RECENCY_HALF_LIFE_DAYS` old `1 + RECENCY_WEIGHT / 2` times, the archive barely more than 1.
const RECENCY_WEIGHT: f32 = 0.5;
const RECENCY_HALF_LIFE_DAYS: f32 = 14.0;
/// Matches are counted exactly up to this many; beyond it the page says "more than 1,000
/// results", and counting stops there instead of visiting every match.
pub const COUNT_LIMIT: usize = 1_000;
/// The recency boost re-ranks this many of the best matches by relevance alone (more for deep
/// pages, in steps of this size so that neighbouring pages rank the same candidates).
const RERANK_CANDIDATES: usize = 300;
/// Threads one query may use, one segment each.
const SEARCH_THREADS: usize = 4;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index folder: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the search index is in use by another process (is `gazette serve` running?)")]
    Locked,
    #[error("search task failed: {0}")]
    Task(String),
}

pub type SearchResult<T> = Result<T, SearchError>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SearchOrder {
    /// Best match first, recent news lifted.
    #[default]
    Relevance,
    Newest,
}

/// What a reader asked for.
#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    pub text: String,
    pub section_id: Option<i64>,
    pub author_id: Option<i64>,
    pub language: Option<Language>,
    /// Published at or after this time.
    pub from: Option<DateTime<Utc>>,
    /// Published before this time.
    pub until: Option<DateTime<Utc>>,
    pub order: SearchOrder,
    pub offset: usize,
    pub limit: usize,
}

/// One result: the article and the text to show under its headline, with the matched words
/// wrapped in `<mark>` and everything else escaped.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub id: i64,
    pub headline_html: String,
    pub snippet_html: String,
}

#[derive(Debug, Clone, Default)]
pub struct SearchResults {
    pub hits: Vec<SearchHit>,
    /// Matching articles in all pages, counted up to [`COUNT_LIMIT`].
    pub total: usize,
    /// True when more than [`COUNT_LIMIT`] articles match: `total` is then `COUNT_LIMIT`.
    pub more: bool,
}

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    headline: Field,
    standfirst: Field,
    body: Field,
    tags: Field,
    /// Every word of headline, standfirst and body unstemmed: what typos are matched against.
    words: Field,
    section: Field,
    author: Field,
    language: Field,
    published: Field,
}

impl Fields {
    fn schema() -> (Schema, Self) {
        let mut b = Schema::builder();
        let text = |stored: bool| {
            let options = TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(TOKENIZER_NAME)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            );
            if stored {
                options.set_stored()
            } else {
                options
            }
        };
        let fields = Self {
            id: b.add_i64_field("id", INDEXED | STORED | FAST),
            headline: b.add_text_field("headline", text(true)),
            standfirst: b.add_text_field("standfirst", text(true)),
            body: b.add_text_field("body", text(true)),
            tags: b.add_text_field("tags", text(false)),
            words: b.add_text_field(
                "words",
                TextOptions::default().set_indexing_options(
                    TextFieldIndexing::default()
                        .set_tokenizer(WORDS_TOKENIZER_NAME)
                        .set_index_option(IndexRecordOption::Basic),
                ),
            ),
            section: b.add_i64_field("section", INDEXED),
            author: b.add_i64_field("author", INDEXED),
            language: b.add_text_field("language", STRING),
            published: b.add_i64_field("published", INDEXED | FAST),
        };
        (b.build(), fields)
    }

    fn search_fields(&self) -> [(Field, f32); 4] {
        [
            (self.headline, HEADLINE_BOOST),
            (self.standfirst, STANDFIRST_BOOST),
            (self.tags, TAGS_BOOST),
            (self.body, BODY_BOOST),
        ]
    }
}

/// What is committed with every change to the index: the schema it was built with and the last
/// change-log entry it reflects, so that a restarted node resumes where it stopped.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Payload {
    schema: u32,
    seq: i64,
}

/// The search index of one node.
pub struct SearchIndex {
    dir: PathBuf,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    synonyms: RwLock<Arc<Synonyms>>,
    /// Set when the index is empty or outdated and must be rebuilt before it can answer.
    needs_rebuild: AtomicBool,
    /// The change-log position the index reflects.
    seq: Mutex<i64>,
    /// One catch-up at a time, so that an older reading of an article never overwrites a newer one.
    sync: tokio::sync::Mutex<()>,
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it if needed. An index that is missing, unreadable or of
    /// another [`SCHEMA_VERSION`] is replaced by an empty one and [`Self::needs_rebuild`] says so.
    pub fn open(dir: &Path) -> SearchResult<Self> {
        std::fs::create_dir_all(dir)?;
        let (schema, fields) = Fields::schema();
        let existing = Self::open_existing(dir);
        let (index, payload) = match existing {
            Ok(Some((index, payload))) => (index, Some(payload)),
            Ok(None) => (Self::create_fresh(dir, schema)?, None),
            Err(SearchError::Locked) => return Err(SearchError::Locked),
            Err(e) => {
                tracing::warn!(error = %e, dir = %dir.display(), "search index unreadable; it will be rebuilt");
                (Self::create_fresh(dir, schema)?, None)
            }
        };
        index
            .tokenizers()
            .register(TOKENIZER_NAME, GazetteTokenizer { stem: true });
        index
            .tokenizers()
            .register(WORDS_TOKENIZER_NAME, GazetteTokenizer { stem: false });
        let mut index = index;
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(SEARCH_THREADS);
        if threads > 1 {
            index.set_multithread_executor(threads)?;
        }
        let writer: IndexWriter = index
            .writer_with_num_threads(1, WRITER_HEAP_BYTES)
            .map_err(|e| match e {
                tantivy::TantivyError::LockFailure(..) => SearchError::Locked,
                e => e.into(),
            })?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Self {
            dir: dir.to_owned(),
            reader,
            writer: Mutex::new(writer),
            fields,
            synonyms: RwLock::new(Arc::new(Synonyms::default())),
            needs_rebuild: AtomicBool::new(payload.is_none()),
            seq: Mutex::new(payload.map_or(0, |p| p.seq)),
            sync: tokio::sync::Mutex::new(()),
        })
    }

    /// The index in `dir` if it is complete and of this schema version.
    fn open_existing(dir: &Path) -> SearchResult<Option<(Index, Payload)>> {
        let directory = MmapDirectory::open(dir).map_err(|e| SearchError::Task(e.to_string()))?;
        if !Index::exists(&directory).map_err(|e| SearchError::Task(e.to_string()))? {
            return Ok(None);
        }
        let index = Index::open(directory)?;
        let payload = index
            .load_metas()?
            .payload
            .and_then(|p| serde_json::from_str::<Payload>(&p).ok());
        Ok(match payload {
            Some(p) if p.schema == SCHEMA_VERSION => Some((index, p)),
            _ => None,
        })
    }

    fn create_fresh(dir: &Path, schema: Schema) -> SearchResult<Index> {
        // Only what tantivy wrote here is removed: the folder is the index's alone.
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                std::fs::remove_dir_all(&path)?;
            } else {
                std::fs::remove_file(&path)?;
            }
        }
        let directory = MmapDirectory::open(dir).map_err(|e| SearchError::Task(e.to_string()))?;
        Ok(Index::create(
            directory,
            schema,
            tantivy::IndexSettings::default(),
        )?)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// True until the index has been built from the database; searches should not rely on it then.
    pub fn needs_rebuild(&self) -> bool {
        self.needs_rebuild.load(Ordering::Acquire)
    }

    /// The last change-log entry the index reflects.
    pub fn seq(&self) -> i64 {
        *self.seq.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Serialises updates: hold it while reading the change log and applying it.
    pub async fn lock_updates(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.sync.lock().await
    }

    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Reloads the editors' synonym list from the database.
    pub async fn load_synonyms(&self, store: &dyn Store) -> SearchResult<usize> {
        let groups: Vec<Vec<String>> = store
            .synonym_groups()
            .await?
            .into_iter()
            .map(|g| g.terms)
            .collect();
        self.set_synonyms(Synonyms::new(&groups));
        Ok(groups.len())
    }

    pub fn set_synonyms(&self, synonyms: Synonyms) {
        *self.synonyms.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(synonyms);
    }

    /// Builds the index again from every published article. `progress(done, total)` is called
    /// after each batch. The index is replaced in one commit, so searches see the old index until
    /// the new one is complete.
    pub async fn rebuild(
        self: &Arc<Self>,
        store: &dyn Store,
        mut progress: impl FnMut(u64, u64) + Send,
    ) -> SearchResult<u64> {
        let _updates = self.lock_updates().await;
        // Read the position first: anything that changes while we copy is applied again after.
        let seq = store.latest_change_seq().await?;
        let total = store.article_count().await?;
        self.load_synonyms(store).await?;
        {
            let writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
            writer.delete_all_documents()?;
        }
        let mut after = 0;
        let mut done = 0u64;
        loop {
            let batch = store.published_articles_after(after, REBUILD_BATCH).await?;
            let Some(last) = batch.last() else { break };
            after = last.id;
            done += batch.len() as u64;
            let this = self.clone();
            tokio::task::spawn_blocking(move || -> SearchResult<()> {
                let writer = this.writer.lock().unwrap_or_else(|e| e.into_inner());
                for article in &batch {
                    writer.add_document(this.document(article))?;
                }
                Ok(())
            })
            .await
            .map_err(|e| SearchError::Task(e.to_string()))??;
            progress(done, total.max(done));
        }
        self.commit_blocking(seq).await?;
        self.needs_rebuild.store(false, Ordering::Release);
        progress(done, done);
        Ok(done)
    }

    /// Applies a batch of change-log entries: each article mentioned is read again and put in the
    /// index if readers may see it (now or at its embargo time), removed otherwise. `seq` is the
    /// position of the last entry. Call it while holding [`Self::lock_updates`].
    pub async fn apply_changes(
        self: &Arc<Self>,
        store: &dyn Store,
        changes: &[Change],
    ) -> SearchResult<usize> {
        let Some(last) = changes.last() else {
            return Ok(0);
        };
        if changes.iter().any(|c| c.entity == "synonyms") {
            self.load_synonyms(store).await?;
        }
        let ids: BTreeSet<i64> = changes
            .iter()
            .filter(|c| c.entity == "article")
            .filter_map(|c| c.entity_id)
            .collect();
        let mut upserts = Vec::new();
        let mut deletes = Vec::new();
        for id in &ids {
            match store.article(*id).await? {
                Some(a) if a.status == ArticleStatus::Published => upserts.push(a),
                _ => deletes.push(*id),
            }
        }
        let this = self.clone();
        let applied = ids.len();
        tokio::task::spawn_blocking(move || -> SearchResult<()> {
            let writer = this.writer.lock().unwrap_or_else(|e| e.into_inner());
            for id in deletes {
                writer.delete_term(tantivy::Term::from_field_i64(this.fields.id, id));
            }
            for article in &upserts {
                writer.delete_term(tantivy::Term::from_field_i64(this.fields.id, article.id));
                writer.add_document(this.document(article))?;
            }
            Ok(())
        })
        .await
        .map_err(|e| SearchError::Task(e.to_string()))??;
        self.commit_blocking(last.seq).await?;
        Ok(applied)
    }

    async fn commit_blocking(self: &Arc<Self>, seq: i64) -> SearchResult<()> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || -> SearchResult<()> {
            let mut writer = this.writer.lock().unwrap_or_else(|e| e.into_inner());
            let payload = serde_json::to_string(&Payload {
                schema: SCHEMA_VERSION,
                seq,
            })
            .map_err(|e| SearchError::Task(e.to_string()))?;
            let mut commit = writer.prepare_commit()?;
            commit.set_payload(&payload);
            commit.commit()?;
            drop(writer);
            this.reader.reload()?;
            *this.seq.lock().unwrap_or_else(|e| e.into_inner()) = seq;
            Ok(())
        })
        .await
        .map_err(|e| SearchError::Task(e.to_string()))?
    }

    fn document(&self, a: &Article) -> TantivyDocument {
        let f = &self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_i64(f.id, a.id);
        doc.add_text(f.headline, &a.headline);
        doc.add_text(f.standfirst, &a.standfirst);
        let body = plain_text(&a.body_html);
        doc.add_text(f.words, &a.headline);
        doc.add_text(f.words, &a.standfirst);
        doc.add_text(f.words, &body);
        doc.add_text(f.body, body);
        for tag in &a.tags {
            doc.add_text(f.tags, &tag.name);
        }
        doc.add_i64(f.section, a.section.id);
        for author in &a.authors {
            doc.add_i64(f.author, author.id);
        }
        doc.add_text(f.language, a.language.code());
        doc.add_i64(
            f.published,
            a.published_at.map_or(i64::MAX, |t| t.timestamp()),
        );
        doc
    }

    /// Runs a query. Only articles published at or before `now` are found. Blocking: call it from
    /// a blocking task in async code.
    pub fn search(&self, q: &SearchQuery, now: DateTime<Utc>) -> SearchResult<SearchResults> {
        let searcher = self.reader.searcher();
        let synonyms = self
            .synonyms
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let Some((text_query, snippet_terms)) = self.text_query(&q.text, &synonyms, &searcher)?
        else {
            return Ok(SearchResults::default());
        };
        let f = &self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text_query.box_clone())];
        let filter = |query: Box<dyn Query>| -> (Occur, Box<dyn Query>) {
            (Occur::Must, Box::new(ConstScoreQuery::new(query, 0.0)))
        };
        if let Some(id) = q.section_id {
            clauses.push(filter(Box::new(TermQuery::new(
                tantivy::Term::from_field_i64(f.section, id),
                IndexRecordOption::Basic,
            ))));
        }
        if let Some(id) = q.author_id {
            clauses.push(filter(Box::new(TermQuery::new(
                tantivy::Term::from_field_i64(f.author, id),
                IndexRecordOption::Basic,
            ))));
        }
        if let Some(language) = q.language {
            clauses.push(filter(Box::new(TermQuery::new(
                tantivy::Term::from_field_text(f.language, language.code()),
                IndexRecordOption::Basic,
            ))));
        }
        let lower = q.from.map_or(Bound::Unbounded, |t| {
            Bound::Included(tantivy::Term::from_field_i64(f.published, t.timestamp()))
        });
        // Never past `now`: an embargoed article is in the index but not yet findable.
        let upper = match q.until {
            Some(until) if until <= now => Bound::Excluded(tantivy::Term::from_field_i64(
                f.published,
                until.timestamp(),
            )),
            _ => Bound::Included(tantivy::Term::from_field_i64(f.published, now.timestamp())),
        };
        clauses.push(filter(Box::new(RangeQuery::new(lower, upper))));
        let query = BooleanQuery::new(clauses);

        let limit = q.limit.clamp(1, 100);
        let addresses: Vec<DocAddress> = match q.order {
            SearchOrder::Relevance => self.best_matches(&searcher, &query, q.offset, limit, now)?,
            SearchOrder::Newest => {
                let collector = TopDocs::with_limit(limit)
                    .and_offset(q.offset)
                    .order_by_fast_field::<i64>("published", Order::Desc);
                searcher
                    .search(&query, &collector)?
                    .into_iter()
                    .map(|(_, a)| a)
                    .collect()
            }
        };
        let counted = count_up_to(&searcher, &query, COUNT_LIMIT + 1)?;
        let (total, more) = if counted > COUNT_LIMIT {
            (COUNT_LIMIT, true)
        } else {
            (counted, false)
        };
        let hits = self.hits(&searcher, &*text_query, &snippet_terms, addresses)?;
        Ok(SearchResults { hits, total, more })
    }

    /// The page of best matches. Matches are ranked by relevance alone, which lets tantivy skip
    /// whatever cannot make the list, and the recency boost then re-orders each run of
    /// [`RERANK_CANDIDATES`] of them: the first page shows the best few hundred with recent news
    /// lifted, and since each run holds the same articles whichever page asks, paging through
    /// never shows an article twice or skips one.
    fn best_matches(
        &self,
        searcher: &tantivy::Searcher,
        query: &dyn Query,
        offset: usize,
        limit: usize,
        now: DateTime<Utc>,
    ) -> SearchResult<Vec<DocAddress>> {
        let candidates = (offset + limit).div_ceil(RERANK_CANDIDATES).max(1) * RERANK_CANDIDATES;
        let top = searcher.search(query, &TopDocs::with_limit(candidates))?;
        let now_secs = now.timestamp();
        let mut columns = std::collections::HashMap::new();
        let mut boosted = |score: f32, address: DocAddress| {
            let column = columns.entry(address.segment_ord).or_insert_with(|| {
                searcher
                    .segment_reader(address.segment_ord)
                    .fast_fields()
                    .i64("published")
                    .ok()
                    .map(|c| c.first_or_default_col(now_secs))
            });
            let at = column
                .as_ref()
                .map_or(now_secs, |c| c.get_val(address.doc_id));
            score * recency_boost(now_secs - at)
        };
        let first_run = offset / RERANK_CANDIDATES;
        let mut page = Vec::with_capacity(limit);
        for run in top.chunks(RERANK_CANDIDATES).skip(first_run) {
            let mut ranked: Vec<(f32, DocAddress)> =
                run.iter().map(|&(s, a)| (boosted(s, a), a)).collect();
            // A stable sort: equal scores keep tantivy's order, so pages are repeatable.
            ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
            page.extend(ranked.into_iter().map(|(_, a)| a));
        }
        Ok(page
            .into_iter()
            .skip(offset - first_run * RERANK_CANDIDATES)
            .take(limit)
            .collect())
    }

    /// The shown page's results: only these documents are read, and snippets are built for them
    /// alone, stemming only the words that could be the ones searched for.
    fn hits(
        &self,
        searcher: &tantivy::Searcher,
        text_query: &dyn Query,
        terms: &[String],
        addresses: Vec<DocAddress>,
    ) -> SearchResult<Vec<SearchHit>> {
        if addresses.is_empty() {
            return Ok(Vec::new());
        }
        let f = &self.fields;
        // As tantivy's `SnippetGenerator::create` weighs terms (rarer counts more), with the
        // cheaper tokenizer.
        let snippets = |field, chars| -> SearchResult<SnippetGenerator> {
            let mut query_terms = BTreeSet::new();
            text_query.query_terms(&mut |term, _| {
                if term.field() == field {
                    query_terms.insert(term.clone());
                }
            });
            let mut weights = std::collections::BTreeMap::new();
            for term in query_terms {
                let Some(text) = term.value().as_str().map(str::to_owned) else {
                    continue;
                };
                let doc_freq = searcher.doc_freq(&term)?;
                if doc_freq > 0 {
                    weights.insert(text, 1.0 / (1.0 + doc_freq as f32));
                }
            }
            let tokenizer = tantivy::tokenizer::TextAnalyzer::from(SnippetTokenizer::new(
                terms.iter().map(String::as_str),
            ));
            Ok(SnippetGenerator::new(weights, tokenizer, field, chars))
        };
        let headline_snippets = snippets(f.headline, 1000)?;
        let body_snippets = snippets(f.body, SNIPPET_CHARS)?;
        let mut standfirst_snippets = None;

        let mut hits = Vec::with_capacity(addresses.len());
        for address in addresses {
            let doc: TantivyDocument = searcher.doc(address)?;
            let text = |field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
            };
            let Some(id) = doc.get_first(f.id).and_then(|v| v.as_i64()) else {
                continue;
            };
            let headline = text(f.headline);
            let headline_html = highlight(headline, &headline_snippets.snippet(headline));
            let body = body_snippets.snippet(text(f.body));
            let snippet_html = if body.highlighted().is_empty() {
                let standfirst = text(f.standfirst);
                let generator = match &mut standfirst_snippets {
                    Some(g) => g,
                    None => standfirst_snippets.insert(snippets(f.standfirst, SNIPPET_CHARS)?),
                };
                let snippet = generator.snippet(standfirst);
                if snippet.highlighted().is_empty() {
                    escape(&gazette_core::text::shorten(standfirst, SNIPPET_CHARS))
                } else {
                    snippet_html(&snippet)
                }
            } else {
                snippet_html(&body)
            };
            hits.push(SearchHit {
                id,
                headline_html,
                snippet_html,
            });
        }
        Ok(hits)
    }

    /// Segments in the index (each searched on a thread of its own).
    pub fn num_segments(&self) -> usize {
        self.reader.searcher().segment_readers().len()
    }

    /// The reader's words as a query: every word must match in some field, in one of its spellings
    /// (as written, a synonym, or, for a longer word found nowhere as written, one typo away).
    /// Quoted text is a phrase. None when the text holds no words.
    fn text_query(
        &self,
        text: &str,
        synonyms: &Synonyms,
        searcher: &tantivy::Searcher,
    ) -> SearchResult<Option<TextQuery>> {
        let mut words: Vec<Box<dyn Query>> = Vec::new();
        // Every analysed term a snippet may highlight: the words and their synonyms.
        let mut terms: Vec<String> = Vec::new();
        for (i, part) in text.split('"').enumerate() {
            let quoted = i % 2 == 1;
            let analysed = analyze(part);
            if quoted && analysed.len() > 1 {
                let phrase: Vec<String> = analysed.into_iter().map(|t| t.text).collect();
                terms.extend(phrase.iter().cloned());
                words.push(self.any_field(&[phrase], None, searcher)?);
                continue;
            }
            for term in analysed {
                let mut spellings = vec![vec![term.text.clone()]];
                spellings.extend(synonyms.alternatives(&term.text).iter().cloned());
                terms.extend(spellings.iter().flatten().cloned());
                let written = &part[term.from..term.to];
                let unstemmed = analyze_with(written, false)
                    .into_iter()
                    .next()
                    .map(|t| t.text);
                let fuzzy = unstemmed.filter(|w| {
                    w.chars().count() >= FUZZY_MIN_CHARS && !w.chars().any(char::is_numeric)
                });
                words.push(self.any_field(&spellings, fuzzy.as_deref(), searcher)?);
            }
            if words.len() >= MAX_QUERY_WORDS {
                break;
            }
        }
        words.truncate(MAX_QUERY_WORDS);
        Ok(match words.len() {
            0 => None,
            _ => Some((
                Box::new(BooleanQuery::new(
                    words.into_iter().map(|w| (Occur::Must, w)).collect(),
                )),
                terms,
            )),
        })
    }

    /// One word of the query: any of its spellings in any searched field.
    fn any_field(
        &self,
        spellings: &[Vec<String>],
        fuzzy: Option<&str>,
        searcher: &tantivy::Searcher,
    ) -> SearchResult<Box<dyn Query>> {
        let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut found_as_written = false;
        for (field, boost) in self.fields.search_fields() {
            for spelling in spellings {
                let terms: Vec<tantivy::Term> = spelling
                    .iter()
                    .map(|t| tantivy::Term::from_field_text(field, t))
                    .collect();
                let query: Box<dyn Query> = match terms.as_slice() {
                    [single] => {
                        found_as_written |= searcher.doc_freq(single)? > 0;
                        Box::new(TermQuery::new(single.clone(), IndexRecordOption::WithFreqs))
                    }
                    _ => Box::new(PhraseQuery::new(terms)),
                };
                alternatives.push((Occur::Should, Box::new(BoostQuery::new(query, boost))));
            }
        }
        // A word that is in the index as written is taken as meant: matching its one-letter
        // neighbours too would bury "grain" under "train" and "brain".
        if let Some(word) = fuzzy.filter(|_| !found_as_written) {
            let term = tantivy::Term::from_field_text(self.fields.words, word);
            alternatives.push((
                Occur::Should,
                Box::new(BoostQuery::new(
                    Box::new(FuzzyTermQuery::new(term, 1, true)),
                    FUZZY_BOOST,
                )),
            ));
        }
        Ok(Box::new(BooleanQuery::new(alternatives)))
    }
}

/// The reader's words as a query, and every analysed term a snippet may mark.
type TextQuery = (Box<dyn Query>, Vec<String>);

/// How many documents match `query`, counting no further than `cap`: matches are visited without
/// scoring, and the walk stops at the cap instead of going through the whole archive.
fn count_up_to(searcher: &tantivy::Searcher, query: &dyn Query, cap: usize) -> SearchResult<usize> {
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let mut count = 0;
    for segment in searcher.segment_readers() {
        let alive = segment.alive_bitset();
        let mut scorer = weight.scorer(segment, 1.0)?;
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                count += 1;
                if count >= cap {
                    return Ok(count);
                }
            }
            doc = scorer.advance();
        }
    }
    Ok(count)
}

/// How much a story `age_secs` old is lifted.
fn recency_boost(age_secs: i64) -> f32 {
    let age_days = (age_secs.max(0) as f32) / 86_400.0;
    1.0 + RECENCY_WEIGHT / (1.0 + age_days / RECENCY_HALF_LIFE_DAYS)
}

fn escape(text: &str) -> String {
    gazette_core::text::escape_html(text)
}

/// The whole text with the highlighted ranges in `<mark>`.
fn highlight(text: &str, snippet: &tantivy::snippet::Snippet) -> String {
    if snippet.highlighted().is_empty() || snippet.fragment() != text {
        return escape(text);
    }
    marked(text, snippet.highlighted())
}

fn snippet_html(snippet: &tantivy::snippet::Snippet) -> String {
    let fragment = snippet.fragment();
    let mut html = marked(fragment, snippet.highlighted());
    if !fragment.is_empty() {
        html.push('\u{2026}');
    }
    html
}

fn marked(text: &str, ranges: &[std::ops::Range<usize>]) -> String {
    let mut html = String::with_capacity(text.len() + 32);
    let mut at = 0;
    for range in ranges {
        if range.start < at || range.end > text.len() {
            continue;
        }
        html.push_str(&escape(&text[at..range.start]));
        html.push_str("<mark>");
        html.push_str(&escape(&text[range.clone()]));
        html.push_str("</mark>");
        at = range.end;
    }
    html.push_str(&escape(&text[at..]));
    html
}

/// The text of sanitised article HTML, for indexing and snippets: tags dropped (block ends become
/// spaces), the entities the renderer writes decoded.
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let decoded = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_drops_tags_and_decodes_entities() {
        assert_eq!(
            plain_text("<p>Kyiv &amp; Odesa</p><blockquote><p>&quot;Held&quot;</p></blockquote>"),
            "Kyiv & Odesa \"Held\""
        );
    }

    #[test]
    fn todays_news_is_lifted_more_than_last_years() {
        assert!(recency_boost(0) > recency_boost(86_400 * 14));
        assert!(recency_boost(86_400 * 14) > recency_boost(86_400 * 365));
        assert!((recency_boost(0) - 1.5).abs() < 1e-6);
    }

    #[test]
    fn marks_wrap_matches_and_the_rest_is_escaped() {
        assert_eq!(
            marked("<b>Kyiv</b> talks", std::slice::from_ref(&(3..7))),
            "&lt;b&gt;<mark>Kyiv</mark>&lt;/b&gt; talks"
        );
    }
}
