//! `gazette import`: bringing a WordPress or Ghost site's archive in, from the command line.
//!
//! The export is read by `gazette-import` (WordPress's WXR streamed record by record; Ghost's
//! JSON whole, as Ghost's own exports are small) and written by [`importer::Importer`]: batches of
//! posts in one transaction each, with the change log, so a running server's caches and search
//! follow. Progress goes to stderr, the report to stdout.

mod ghost;
mod importer;
mod progress;
mod report;
mod wordpress;

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::{Args, Subcommand};
use gazette_core::Slug;
use gazette_media::MediaLibrary;
use gazette_store::Store;

use importer::ImportOptions;
pub use importer::OtherCategories;

#[derive(Subcommand)]
pub enum ImportCommand {
    /// A WordPress export (Tools → Export → All content), WordPress 4.x to 6.x.
    Wordpress(WordpressArgs),
    /// A Ghost 5 or 6 export (Settings → Labs → Export your content).
    Ghost(GhostArgs),
}

#[derive(Args)]
pub struct WordpressArgs {
    /// The export file (WXR, .xml)
    pub file: PathBuf,
    /// A copy of the site's wp-content/uploads folder, to bring the images in
    #[arg(long, value_name = "DIR")]
    pub media_dir: Option<PathBuf>,
    /// What a post's categories after the first (its section) become
    #[arg(long, value_enum, default_value_t = OtherCategories::Tags)]
    pub other_categories: OtherCategories,
    #[command(flatten)]
    pub common: CommonImportArgs,
}

#[derive(Args)]
pub struct GhostArgs {
    /// The export file (.json)
    pub file: PathBuf,
    /// A copy of the site's content/images folder, to bring the images in
    #[arg(long, value_name = "DIR")]
    pub content_dir: Option<PathBuf>,
    #[command(flatten)]
    pub common: CommonImportArgs,
}

#[derive(Args)]
pub struct CommonImportArgs {
    /// Read everything and print the report, writing nothing
    #[arg(long)]
    pub dry_run: bool,
    /// The section of posts that have no category (WordPress) or primary tag (Ghost)
    #[arg(long, value_name = "SLUG", default_value = "news")]
    pub default_section: String,
}

pub async fn run(
    command: ImportCommand,
    store: Arc<dyn Store>,
    media: MediaLibrary,
) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let report = match command {
        ImportCommand::Wordpress(args) => {
            let options = options(&args.common, args.media_dir.clone(), args.other_categories)?;
            wordpress::import(&args.file, store, media, options).await?
        }
        ImportCommand::Ghost(args) => {
            let options = options(
                &args.common,
                args.content_dir.clone(),
                OtherCategories::Tags,
            )?;
            ghost::import(&args.file, store, media, options).await?
        }
    };
    print!("{report}");
    println!("Took {:.1} s.", started.elapsed().as_secs_f64());
    Ok(())
}

fn options(
    common: &CommonImportArgs,
    uploads_dir: Option<PathBuf>,
    other_categories: OtherCategories,
) -> anyhow::Result<ImportOptions> {
    if let Some(dir) = &uploads_dir {
        anyhow::ensure!(dir.is_dir(), "{} is not a folder", dir.display());
    }
    let default_section = Slug::parse(&common.default_section)
        .with_context(|| format!("--default-section {:?}", common.default_section))?;
    Ok(ImportOptions {
        dry_run: common.dry_run,
        uploads_dir,
        other_categories,
        default_section,
    })
}
