//! `gazette import ghost`: a Ghost export is one JSON document, read whole (Ghost's exports hold
//! text only, a few megabytes even for large sites); then written like any import.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use gazette_import::ghost::read_ghost_export;
use gazette_media::MediaLibrary;
use gazette_store::Store;

use super::importer::{ImportOptions, Importer};
use super::progress::Progress;
use super::report::Report;

pub async fn import(
    path: &Path,
    store: Arc<dyn Store>,
    media: MediaLibrary,
    options: ImportOptions,
) -> anyhow::Result<Report> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let export = read_ghost_export(BufReader::new(file))
        .with_context(|| format!("{} cannot be imported", path.display()))?;
    let site = export
        .site_url
        .clone()
        .unwrap_or_else(|| "ghost".to_owned());
    let mut importer = Importer::new(
        store,
        media,
        format!("ghost:{}", site.trim_end_matches('/')),
        "Ghost",
        options,
    );
    export
        .authors
        .into_iter()
        .for_each(|a| importer.add_author(a));
    export.terms.into_iter().for_each(|t| importer.add_term(t));
    export
        .images
        .into_iter()
        .for_each(|i| importer.add_image(i));
    for (title, reason) in export.skipped {
        importer.report.skip("posts", &title, reason);
    }
    for (title, warning) in export.warnings {
        importer.report.warn(&title, warning);
    }
    let mut progress = Progress::new(export.items.len() as u64);
    for item in export.items {
        importer.add_item(item).await?;
        progress.set(importer.report.items_done());
    }
    progress.finish();
    importer.finish().await
}
