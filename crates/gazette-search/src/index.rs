//! The index on disk: opening it (or starting afresh when it is missing or outdated), rebuilding
//! it from the database and applying change-log entries to it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use gazette_core::ArticleStatus;
use gazette_store::{Change, Store};
use tantivy::directory::MmapDirectory;
use tantivy::schema::Schema;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy};

use crate::analysis::{GazetteTokenizer, TOKENIZER_NAME, WORDS_TOKENIZER_NAME};
use crate::document::{Fields, SCHEMA_VERSION};
use crate::{SearchError, SearchResult, Synonyms};

/// Memory the writer may use before it writes a segment to disk.
const WRITER_HEAP_BYTES: usize = 64 * 1024 * 1024;
/// Articles read from the database per batch while rebuilding.
const REBUILD_BATCH: u32 = 500;
/// Threads one query may use, one segment each.
const SEARCH_THREADS: usize = 4;

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
    pub(crate) reader: IndexReader,
    writer: Mutex<IndexWriter>,
    pub(crate) fields: Fields,
    pub(crate) synonyms: RwLock<Arc<Synonyms>>,
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
                    writer.add_document(this.fields.document(article))?;
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
                writer.add_document(this.fields.document(article))?;
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

    /// Segments in the index (each searched on a thread of its own).
    pub fn num_segments(&self) -> usize {
        self.reader.searcher().segment_readers().len()
    }
}
