//! `gazette import wordpress`: the WXR file is read twice, streaming both times. The first pass
//! checks the whole file (a malformed or truncated file is refused before anything is written)
//! and collects what posts refer to: authors, categories, tags and attachments. The second
//! writes the posts and pages.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use gazette_import::wordpress::{WxrReader, WxrRecord};
use gazette_media::MediaLibrary;
use gazette_store::Store;

use super::importer::{ImportOptions, Importer};
use super::progress::Progress;
use super::report::Report;

fn records(path: &Path) -> anyhow::Result<WxrReader<BufReader<File>>> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    Ok(WxrReader::new(BufReader::with_capacity(256 * 1024, file)))
}

pub async fn import(
    path: &Path,
    store: Arc<dyn Store>,
    media: MediaLibrary,
    options: ImportOptions,
) -> anyhow::Result<Report> {
    let mut site = String::new();
    let mut catalogue = Vec::new();
    let mut total = 0u64;
    for record in records(path)? {
        let record = record.with_context(|| format!("{} cannot be imported", path.display()))?;
        match record {
            WxrRecord::Site { base_url, .. } => site = base_url,
            WxrRecord::Item(_) => total += 1,
            WxrRecord::Skipped { .. } => total += 1,
            other => catalogue.push(other),
        }
    }
    let mut importer = Importer::new(
        store,
        media,
        format!("wordpress:{}", site.trim_end_matches('/')),
        "WordPress",
        options,
    );
    for record in catalogue {
        match record {
            WxrRecord::Author(author) => importer.add_author(author),
            WxrRecord::Category { term, .. } | WxrRecord::Tag(term) => importer.add_term(term),
            WxrRecord::Attachment(image) => importer.add_image(image),
            _ => {}
        }
    }
    let mut progress = Progress::new(total);
    for record in records(path)? {
        match record? {
            WxrRecord::Item(item) => importer.add_item(item).await?,
            WxrRecord::Skipped {
                kind,
                title,
                reason,
            } => importer
                .report
                .skip("other", &format!("{kind} {title:?}"), reason),
            _ => continue,
        }
        let others = importer.report.counts.get("other").map_or(0, |c| c.skipped);
        progress.set(importer.report.items_done() + others);
    }
    progress.finish();
    importer.finish().await
}
