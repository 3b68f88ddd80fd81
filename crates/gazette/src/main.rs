//! `gazette`: the one binary. `gazette serve` runs the whole site; the other commands prepare or
//! maintain its data and work while a server is running on the same data.

mod config;
mod demo;
mod demo_images;
mod generate;
mod media;
mod reindex;
mod synonyms;
mod users;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use gazette_store::{DatabaseLocation, Store};
use gazette_web::cache::CacheConfig;
use gazette_web::{AppState, SiteConfig, Theme};
use tracing_subscriber::EnvFilter;

use crate::config::{DEFAULT_BIND, DEFAULT_DATA_DIR, FileConfig, parse_base_url, parse_bind};

/// Gazette: a news publishing platform. The public site, the newsroom, feeds and APIs in one
/// program, on an embedded database by default or PostgreSQL for several nodes.
#[derive(Parser)]
#[command(version, about, long_about = None)]
struct Cli {
    #[command(flatten)]
    common: CommonOptions,
    /// What to do; `serve` when omitted.
    #[command(subcommand)]
    command: Option<Command>,
}

/// Options every command takes.
#[derive(Args, Clone)]
struct CommonOptions {
    /// Configuration file [default: ./gazette.toml, if present]
    #[arg(long, global = true, env = "GAZETTE_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// Folder for the SQLite database and uploaded media [default: ./data]
    #[arg(long, global = true, env = "GAZETTE_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// A postgres:// URL to use PostgreSQL instead of the embedded SQLite database
    #[arg(
        long,
        global = true,
        env = "GAZETTE_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    database_url: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the site: public pages, feeds and APIs. Creates the database on first run and, unless
    /// --no-demo is given, fills it with a demo newspaper.
    Serve(ServeOptions),
    /// Create the database and run migrations, without starting the server or adding content.
    Init,
    /// Load the demo newspaper into an empty database.
    Demo,
    /// Manage newsroom accounts: add, list, set-role, disable, reset-password.
    #[command(subcommand)]
    User(users::UserCommand),
    /// Rebuild the search index from the database, showing progress. Stop `gazette serve` on the
    /// same data folder first; a server rebuilds a missing or outdated index by itself.
    Reindex,
    /// Manage the search synonym list: list, add "Kyiv, Kiev, Київ", remove ID.
    #[command(subcommand)]
    Synonyms(synonyms::SynonymsCommand),
    /// Add many synthetic published articles (for benchmarks and load tests).
    Generate {
        /// How many articles to add
        #[arg(long, default_value_t = 1000)]
        articles: usize,
    },
}

#[derive(Args, Default)]
struct ServeOptions {
    /// Address to listen on [default: 127.0.0.1:8080]
    #[arg(long, env = "GAZETTE_BIND", value_name = "IP:PORT")]
    bind: Option<String>,
    /// Public address of the site, for canonical and share links [default: http://<bind>]
    #[arg(long, env = "GAZETTE_BASE_URL", value_name = "URL")]
    base_url: Option<String>,
    /// A theme folder (templates/ and assets/) to use instead of the built-in theme
    #[arg(long, env = "GAZETTE_THEME", value_name = "DIR")]
    theme: Option<PathBuf>,
    /// Start with an empty site instead of loading the demo newspaper on first run
    #[arg(long, env = "GAZETTE_NO_DEMO")]
    no_demo: bool,
    /// Render every page on every request (for measuring; the page cache is on by default)
    #[arg(long, env = "GAZETTE_NO_CACHE")]
    no_cache: bool,
}

/// Marks a database that has been set up, so the demo is offered once, never again.
const INITIALISED_KEY: &str = "site.initialised";

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("GAZETTE_LOG")
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        // Logs go to stderr so stdout carries only what the command itself answers (the
        // server's address, a report), which scripts and tests read.
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal, never into a log file or journal.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = Cli::parse();
    let file = FileConfig::load(cli.common.config.as_deref())?;
    match cli
        .command
        .unwrap_or(Command::Serve(ServeOptions::default()))
    {
        Command::Serve(options) => serve(&cli.common, file, options).await,
        Command::Init => {
            let store = open_store(&cli.common, &file).await?;
            println!(
                "Database ready ({} articles).",
                store.article_count().await?
            );
            store.close().await;
            Ok(())
        }
        Command::Generate { articles } => {
            let store = open_store(&cli.common, &file).await?;
            if store.sections().await?.is_empty() {
                demo::load(store.as_ref(), chrono::Utc::now()).await?;
                store.set_setting(INITIALISED_KEY, "demo").await?;
            }
            println!("Generating {articles} articles...");
            generate::generate(store.as_ref(), articles, chrono::Utc::now()).await?;
            store.close().await;
            Ok(())
        }
        Command::Reindex => {
            let store = open_store(&cli.common, &file).await?;
            let dir = reindex::index_dir(&data_dir(&cli.common, &file));
            let result = reindex::run(store.as_ref(), &dir).await;
            store.close().await;
            result
        }
        Command::Synonyms(command) => {
            let store = open_store(&cli.common, &file).await?;
            let result = synonyms::run(store.as_ref(), command).await;
            store.close().await;
            result
        }
        Command::User(command) => {
            let store = open_store(&cli.common, &file).await?;
            let result = users::run(store.as_ref(), command).await;
            store.close().await;
            result
        }
        Command::Demo => {
            let store = open_store(&cli.common, &file).await?;
            let summary = demo::load(store.as_ref(), chrono::Utc::now()).await?;
            let media = media::library(
                file.media.as_ref(),
                &data_dir(&cli.common, &file),
                store.clone(),
            )?;
            demo_images::add(&media, store.as_ref(), chrono::Utc::now()).await?;
            store.set_setting(INITIALISED_KEY, "demo").await?;
            println!(
                "Loaded the demo newspaper: {} sections, {} authors, {} articles.",
                summary.sections, summary.authors, summary.articles
            );
            store.close().await;
            Ok(())
        }
    }
}

fn data_dir(common: &CommonOptions, file: &FileConfig) -> PathBuf {
    common
        .data_dir
        .clone()
        .or_else(|| file.data_dir.clone())
        .unwrap_or_else(|| DEFAULT_DATA_DIR.into())
}

async fn open_store(common: &CommonOptions, file: &FileConfig) -> anyhow::Result<Arc<dyn Store>> {
    let data_dir = data_dir(common, file);
    let url = common
        .database_url
        .clone()
        .or_else(|| file.database_url.clone());
    let location = DatabaseLocation::from_config(url.as_deref(), &data_dir);
    let max = file.database_max_connections.unwrap_or(match location {
        DatabaseLocation::Sqlite(_) => 8,
        DatabaseLocation::Postgres(_) => 16,
    });
    let described = match &location {
        DatabaseLocation::Sqlite(path) => format!("SQLite database {}", path.display()),
        DatabaseLocation::Postgres(_) => "PostgreSQL database".to_owned(),
    };
    gazette_store::open(&location, max)
        .await
        .with_context(|| format!("cannot open the {described}"))
}

async fn serve(
    common: &CommonOptions,
    file: FileConfig,
    options: ServeOptions,
) -> anyhow::Result<()> {
    let bind: SocketAddr = parse_bind(
        options
            .bind
            .as_deref()
            .or(file.bind.as_deref())
            .unwrap_or(DEFAULT_BIND),
    )?;
    let base_url = match options.base_url.as_deref().or(file.base_url.as_deref()) {
        Some(url) => parse_base_url(url)?,
        None => format!("http://{bind}"),
    };
    let theme = match options.theme.as_ref().or(file.theme.as_ref()) {
        Some(dir) => Theme::from_dir(dir)
            .with_context(|| format!("cannot load the theme in {}", dir.display()))?,
        None => Theme::embedded().context("the built-in theme is broken")?,
    };
    let store = open_store(common, &file).await?;
    let media = media::library(file.media.as_ref(), &data_dir(common, &file), store.clone())?;
    if store.setting(INITIALISED_KEY).await?.is_none() {
        let want_demo = !options.no_demo && file.demo.unwrap_or(true);
        if want_demo && store.sections().await?.is_empty() {
            let summary = demo::load(store.as_ref(), chrono::Utc::now())
                .await
                .context("loading the demo")?;
            demo_images::add(&media, store.as_ref(), chrono::Utc::now())
                .await
                .context("drawing the demo pictures")?;
            tracing::info!(articles = summary.articles, "loaded the demo newspaper");
        }
        store
            .set_setting(INITIALISED_KEY, if want_demo { "demo" } else { "empty" })
            .await?;
    }

    let defaults = SiteConfig::default();
    let config = SiteConfig {
        base_url: base_url.clone(),
        per_page: file.per_page.unwrap_or(defaults.per_page).clamp(1, 100),
        top_window_days: file
            .top_window_days
            .unwrap_or(defaults.top_window_days)
            .clamp(1, 365),
        cache: CacheConfig {
            enabled: !options.no_cache && file.cache.unwrap_or(true),
            max_bytes: file
                .cache_max_mb
                .map_or(defaults.cache.max_bytes, |mb| mb.max(1) * 1024 * 1024),
            fresh_for: file
                .cache_fresh_seconds
                .map_or(defaults.cache.fresh_for, Duration::from_secs),
            cache_control: file
                .cache_control
                .clone()
                .unwrap_or(defaults.cache.cache_control.clone()),
            purge_command: file.purge_command.clone(),
        },
        trust_forwarded_for: file.trust_forwarded_for.unwrap_or(false),
        security_contact: std::env::var("GAZETTE_SECURITY_CONTACT")
            .ok()
            .or_else(|| file.security_contact.clone())
            .filter(|c| !c.trim().is_empty()),
        ..defaults
    };
    if let Some(contact) = &config.security_contact
        && !(contact.starts_with("mailto:") || contact.starts_with("https://"))
    {
        anyhow::bail!(
            "security_contact (GAZETTE_SECURITY_CONTACT) must be a mailto: or https:// address, not {contact:?}"
        );
    }
    let search_dir = reindex::index_dir(&data_dir(common, &file));
    let search = Arc::new(reindex::open(&search_dir)?);
    let feed_content = match file.feed_content.as_deref() {
        None => gazette_web::feeds::FeedContent::default(),
        Some(value) => gazette_web::feeds::FeedContent::parse(value).with_context(|| {
            format!(
                "feed_content = {value:?} in the configuration: expected \"full\" or \"summary\""
            )
        })?,
    };
    let state = AppState::new(store.clone(), Arc::new(theme), config)
        .with_search(search)
        .with_media(media)
        .with_feed_options(gazette_web::feeds::FeedOptions {
            content: feed_content,
            ..Default::default()
        });
    gazette_web::background::spawn_all(&state).await;
    media::spawn_sweeper(state.media.clone());
    let app = gazette_web::app(state.clone());

    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("cannot listen on {bind} (is another server using it?)"))?;
    let local = listener.local_addr()?;
    announce(&format!(
        "Gazette is running at http://{local}/  (data: {})  Press Ctrl-C to stop.",
        data_dir(common, &file).display()
    ));
    if base_url != format!("http://{bind}") {
        announce(&format!("Public address: {base_url}/"));
    }
    let server = server_options(&file);
    tracing::info!(
        max_connections = server.max_connections,
        max_connections_per_address = server.max_connections_per_address,
        open_file_limit = gazette_web::server::open_file_limit(),
        "connection limits"
    );
    gazette_web::server::serve(listener, app, server, shutdown_signal()).await;
    // Views counted since the last flush would otherwise be lost with the process.
    match state.views.flush(store.as_ref()).await {
        Ok(n) if n > 0 => tracing::info!(views = n, "saved view counts"),
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "could not save the last view counts"),
    }
    // Another node takes the scheduler over at once instead of when the lease runs out.
    gazette_web::newsroom::scheduler::stop(&state).await;
    store.close().await;
    announce("Gazette stopped.");
    Ok(())
}

/// The server's timeouts and connection limits from the configuration file, over the defaults.
fn server_options(file: &FileConfig) -> gazette_web::server::ServerOptions {
    let defaults = gazette_web::server::ServerOptions::default();
    let seconds = |value: Option<u64>, default: Duration| {
        // Zero would refuse every request: at least a second.
        value.map_or(default, |s| Duration::from_secs(s.max(1)))
    };
    gazette_web::server::ServerOptions {
        header_read_timeout: seconds(file.header_timeout_seconds, defaults.header_read_timeout),
        body_timeout: seconds(file.body_timeout_seconds, defaults.body_timeout),
        body_min_rate: file
            .body_min_kb_per_second
            .map_or(defaults.body_min_rate, |kb| kb.saturating_mul(1024)),
        max_connections: file
            .max_connections
            .map_or(defaults.max_connections, |n| n.max(1)),
        max_connections_per_address: file
            .max_connections_per_address
            .unwrap_or(defaults.max_connections_per_address),
        ..defaults
    }
}

/// Resolves on Ctrl-C or SIGTERM; in-flight requests then finish before the process exits.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// Prints a line for the operator. A server whose stdout was closed (the terminal went away, the
/// reading script stopped) keeps serving instead of panicking on the write.
fn announce(line: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}").and_then(|()| out.flush());
}
