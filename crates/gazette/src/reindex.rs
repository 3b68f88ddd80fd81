//! `gazette reindex`: rebuilds the search index of this node from the database.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use gazette_search::{SearchError, SearchIndex};
use gazette_store::Store;
use indicatif::{ProgressBar, ProgressStyle};

/// The index folder inside the data folder.
pub fn index_dir(data_dir: &Path) -> std::path::PathBuf {
    data_dir.join("search")
}

/// Opens the index, with a message that says what to do when a server holds it.
pub fn open(dir: &Path) -> anyhow::Result<SearchIndex> {
    match SearchIndex::open(dir) {
        Ok(index) => Ok(index),
        Err(SearchError::Locked) => anyhow::bail!(
            "the search index in {} is in use by a running `gazette serve`; stop it first \
             (a server rebuilds a missing or outdated index by itself when it starts)",
            dir.display()
        ),
        Err(e) => {
            Err(e).with_context(|| format!("cannot open the search index in {}", dir.display()))
        }
    }
}

pub async fn run(store: &dyn Store, dir: &Path) -> anyhow::Result<()> {
    rebuild(store, open(dir)?, dir).await
}

/// Rebuilds an index already opened (and so locked against a server) from `dir`.
pub async fn rebuild(store: &dyn Store, index: SearchIndex, dir: &Path) -> anyhow::Result<()> {
    let index = Arc::new(index);
    let started = Instant::now();
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} articles, {elapsed} ({eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let count = index
        .rebuild(store, |done, total| {
            bar.set_length(total);
            bar.set_position(done);
        })
        .await
        .context("rebuilding the search index")?;
    bar.finish_and_clear();
    println!(
        "Indexed {count} published articles in {:.1} s ({}).",
        started.elapsed().as_secs_f64(),
        dir.display()
    );
    Ok(())
}
