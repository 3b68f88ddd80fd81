//! `gazette`: the one binary. `gazette serve` runs the whole site; the other commands prepare or
//! maintain its data and work while a server is running on the same data.

mod archive;
mod backup;
mod demo;
mod demo_images;
mod demo_live;
mod distribution;
mod generate;
mod import;
mod media;
mod reindex;
mod settings;
mod synonyms;
mod tokens;
mod users;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use gazette_store::{DatabaseLocation, Store};
use gazette_web::cache::CacheConfig;
use gazette_web::{AppState, SiteConfig, Theme};
use tracing_subscriber::EnvFilter;

use crate::settings::{CommandLineValue, Loaded, Settings, parse_base_url, parse_bind};

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
///
/// The settings' variables (`GAZETTE_DATA_DIR`, `GAZETTE_DATABASE_URL`, …) are read by the
/// settings' environment layer, not by clap, so that every key has one and `gazette config` can
/// tell a variable from an option.
#[derive(Args, Clone)]
struct CommonOptions {
    /// Configuration file [default: ./gazette.toml, if present] [env: GAZETTE_CONFIG]
    #[arg(long, global = true, env = "GAZETTE_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// Folder for the SQLite database and uploaded media [default: ./data] [env: GAZETTE_DATA_DIR]
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// A postgres:// URL to use PostgreSQL instead of the embedded SQLite database
    /// [env: GAZETTE_DATABASE_URL]
    #[arg(long, global = true, value_name = "URL")]
    database_url: Option<String>,
    /// Set any key of gazette.toml, over the file and the environment: `--set per_page=20`,
    /// `--set media.max_mb=10`. May be repeated.
    #[arg(long = "set", global = true, value_name = "KEY=VALUE")]
    set: Vec<String>,
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
    /// Manage Admin API tokens: create (prints the secret), list, revoke ID.
    #[command(subcommand)]
    Token(tokens::TokenCommand),
    /// Print the settings in force, each with where it came from (default, file, environment
    /// variable or command line), secrets masked. Takes serve's options, to show what they change.
    Config(ServeOptions),
    /// Bring in another site's archive: a WordPress (WXR) or Ghost (JSON) export, with its
    /// images. Safe to run again: what was imported before is updated, not duplicated.
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Write a consistent copy of the site (database and media) to a .tar file while it runs.
    /// SQLite only: a PostgreSQL database is backed up with pg_dump (docs/backup.md).
    Backup {
        /// The archive to write (must not exist yet)
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Write the whole site (articles with their revisions, pages, people, settings, media…) to
    /// one portable archive: JSON Lines and files in a tar (docs/archive.md). Safe while it runs.
    Export {
        /// The archive to write (must not exist yet)
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Include password hashes, two-factor secrets and recovery codes (keep the file safe)
        #[arg(long)]
        include_secrets: bool,
    },
    /// Load an archive made by `gazette export` into an empty database, SQLite or PostgreSQL
    /// (how a site moves from one to the other), then rebuild this node's search index.
    Restore {
        /// The archive to load
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Add many synthetic published articles (for benchmarks and load tests).
    Generate {
        /// How many articles to add
        #[arg(long, default_value_t = 1000)]
        articles: usize,
    },
}

#[derive(Args, Default)]
struct ServeOptions {
    /// Address to listen on [default: 127.0.0.1:8080] [env: GAZETTE_BIND]
    #[arg(long, value_name = "IP:PORT")]
    bind: Option<String>,
    /// Public address of the site, for canonical and share links [default: http://<bind>]
    /// [env: GAZETTE_BASE_URL]
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// A theme folder (templates/ and assets/) to use instead of the built-in theme
    /// [env: GAZETTE_THEME]
    #[arg(long, value_name = "DIR")]
    theme: Option<PathBuf>,
    /// Start with an empty site instead of loading the demo newspaper on first run
    /// [env: GAZETTE_NO_DEMO]
    #[arg(long)]
    no_demo: bool,
    /// Render every page on every request (for measuring; the page cache is on by default)
    /// [env: GAZETTE_NO_CACHE]
    #[arg(long)]
    no_cache: bool,
}

/// The command line's layer of the settings: the named options given, then every `--set`.
fn command_line_values(
    common: &CommonOptions,
    serve: Option<&ServeOptions>,
) -> anyhow::Result<Vec<CommandLineValue>> {
    let mut values = Vec::new();
    let path = |p: &PathBuf| p.to_string_lossy().into_owned();
    if let Some(dir) = &common.data_dir {
        values.push(CommandLineValue::new("--data-dir", "data_dir", path(dir)));
    }
    if let Some(url) = &common.database_url {
        values.push(CommandLineValue::new(
            "--database-url",
            "database_url",
            url.clone(),
        ));
    }
    if let Some(serve) = serve {
        if let Some(bind) = &serve.bind {
            values.push(CommandLineValue::new("--bind", "bind", bind.clone()));
        }
        if let Some(url) = &serve.base_url {
            values.push(CommandLineValue::new("--base-url", "base_url", url.clone()));
        }
        if let Some(theme) = &serve.theme {
            values.push(CommandLineValue::new("--theme", "theme", path(theme)));
        }
        if serve.no_demo {
            values.push(CommandLineValue::new("--no-demo", "demo", false));
        }
        if serve.no_cache {
            values.push(CommandLineValue::new("--no-cache", "cache", false));
        }
    }
    for given in &common.set {
        values.push(CommandLineValue::parse_set(given)?);
    }
    Ok(values)
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
    let command = cli
        .command
        .unwrap_or(Command::Serve(ServeOptions::default()));
    let serve_options = match &command {
        Command::Serve(options) | Command::Config(options) => Some(options),
        _ => None,
    };
    let loaded = Settings::load(
        cli.common.config.as_deref(),
        command_line_values(&cli.common, serve_options)?,
    )?;
    let settings = &loaded.settings;
    match command {
        Command::Serve(_) => serve(&loaded).await,
        Command::Config(_) => {
            print!("{}", loaded.describe()?);
            Ok(())
        }
        Command::Init => {
            let store = open_store(settings).await?;
            println!(
                "Database ready ({} articles).",
                store.article_count().await?
            );
            store.close().await;
            Ok(())
        }
        Command::Generate { articles } => {
            let store = open_store(settings).await?;
            if store.sections().await?.is_empty() {
                demo::load(store.as_ref(), chrono::Utc::now()).await?;
                store.set_setting(INITIALISED_KEY, "demo").await?;
            }
            println!("Generating {articles} articles...");
            generate::generate(store.as_ref(), articles, chrono::Utc::now()).await?;
            store.close().await;
            Ok(())
        }
        Command::Import(command) => {
            let store = open_store(settings).await?;
            let media = media::library(&settings.media, &settings.data_dir, store.clone())?;
            let result = import::run(command, store.clone(), media).await;
            store.close().await;
            result
        }
        Command::Backup { out } => {
            let store = open_store(settings).await?;
            let result = backup::run(store.as_ref(), settings, &out).await;
            store.close().await;
            result
        }
        Command::Export {
            out,
            include_secrets,
        } => {
            let store = open_store(settings).await?;
            let media = media::library(&settings.media, &settings.data_dir, store.clone())?;
            let result =
                archive::export(store.as_ref(), media.storage(), &out, include_secrets).await;
            store.close().await;
            result
        }
        Command::Restore { file } => {
            let store = open_store(settings).await?;
            let media = media::library(&settings.media, &settings.data_dir, store.clone())?;
            // The search index is opened first: a server running on this data folder holds it,
            // and the operator hears so before anything is restored.
            let dir = reindex::index_dir(&settings.data_dir);
            let result = async {
                let index = reindex::open(&dir)?;
                archive::restore(store.as_ref(), media.storage(), &file).await?;
                reindex::rebuild(store.as_ref(), index, &dir).await
            }
            .await;
            store.close().await;
            result
        }
        Command::Reindex => {
            let store = open_store(settings).await?;
            let dir = reindex::index_dir(&settings.data_dir);
            let result = reindex::run(store.as_ref(), &dir).await;
            store.close().await;
            result
        }
        Command::Synonyms(command) => {
            let store = open_store(settings).await?;
            let result = synonyms::run(store.as_ref(), command).await;
            store.close().await;
            result
        }
        Command::Token(command) => {
            let store = open_store(settings).await?;
            let result = tokens::run(&store, command).await;
            store.close().await;
            result
        }
        Command::User(command) => {
            let store = open_store(settings).await?;
            let result = users::run(store.as_ref(), command).await;
            store.close().await;
            result
        }
        Command::Demo => {
            let store = open_store(settings).await?;
            let summary = demo::load(store.as_ref(), chrono::Utc::now()).await?;
            let media = media::library(&settings.media, &settings.data_dir, store.clone())?;
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

async fn open_store(settings: &Settings) -> anyhow::Result<Arc<dyn Store>> {
    let location =
        DatabaseLocation::from_config(settings.database_url.as_deref(), &settings.data_dir);
    let max = settings.database_max_connections.unwrap_or(match location {
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

async fn serve(loaded: &Loaded) -> anyhow::Result<()> {
    let settings = &loaded.settings;
    // Both were checked when the settings were loaded; parsed again here for their typed form.
    let bind = parse_bind(&settings.bind)?;
    let base_url = match &settings.base_url {
        Some(url) => parse_base_url(url)?,
        None => format!("http://{bind}"),
    };
    let theme = match &settings.theme {
        Some(dir) => Theme::from_dir(dir)
            .with_context(|| format!("cannot load the theme in {}", dir.display()))?,
        None => Theme::embedded().context("the built-in theme is broken")?,
    };
    let store = open_store(settings).await?;
    let media = media::library(&settings.media, &settings.data_dir, store.clone())?;
    if store.setting(INITIALISED_KEY).await?.is_none() {
        let want_demo = settings.demo;
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

    if let Some(dir) = &settings.locales_dir {
        let locales = gazette_web::locale::Locales::with_dir(dir)
            .with_context(|| format!("locales_dir {}", dir.display()))?;
        gazette_web::locale::install(locales);
    }
    let config = SiteConfig {
        base_url: base_url.clone(),
        per_page: settings.per_page,
        top_window_days: settings.top_window_days,
        cache: CacheConfig {
            enabled: settings.cache,
            max_bytes: settings.cache_max_mb * 1024 * 1024,
            fresh_for: Duration::from_secs(settings.cache_fresh_seconds),
            cache_control: settings.cache_control.clone(),
            purge_command: settings.purge_command.clone(),
        },
        trust_forwarded_for: settings.trust_forwarded_for,
        security_contact: loaded.security_contact(),
        distribution: distribution::web(&settings.telegram, &settings.pings),
        webhooks_allow_private: settings.webhooks.allow_private,
        editions: gazette_core::Editions::parse(&settings.editions)
            .context("editions were checked when the settings were loaded")?,
        ..SiteConfig::default()
    };
    let search_dir = reindex::index_dir(&settings.data_dir);
    let search = Arc::new(reindex::open(&search_dir)?);
    let feed_content = gazette_web::feeds::FeedContent::parse(&settings.feed_content)
        .context("feed_content was checked when the settings were loaded")?;
    let state = AppState::new(store.clone(), Arc::new(theme), config)
        .with_search(search)
        .with_media(media)
        .with_feed_options(gazette_web::feeds::FeedOptions {
            content: feed_content,
            ..Default::default()
        });
    // Every background job of the node, started once: the change follower, the page cache's
    // invalidation, the search follower, the scheduler, the read-count flush, the top articles.
    let jobs = state
        .jobs()
        .with_outbox(outbox_job(&state, settings, &base_url));
    jobs.start().await;
    media::spawn_sweeper(state.media.clone());
    let app = gazette_web::app(state.clone());

    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("cannot listen on {bind} (is another server using it?)"))?;
    let local = listener.local_addr()?;
    announce(&format!(
        "Gazette is running at http://{local}/  (data: {})  Press Ctrl-C to stop.",
        settings.data_dir.display()
    ));
    if base_url != format!("http://{bind}") {
        announce(&format!("Public address: {base_url}/"));
    }
    let server = server_options(settings);
    tracing::info!(
        max_connections = server.max_connections,
        max_connections_per_address = server.max_connections_per_address,
        open_file_limit = gazette_web::server::open_file_limit(),
        "connection limits"
    );
    // At the signal, live streams end first: they never finish by themselves, and their readers
    // reconnect to another node while this one lets its other requests finish.
    let live = state.live.clone();
    let shutdown = async move {
        shutdown_signal().await;
        live.close();
    };
    gazette_web::server::serve(listener, app, server, shutdown).await;
    // Saves the reads counted since the last flush, and gives the scheduler's lease up so another
    // node takes it over at once instead of when the lease runs out.
    jobs.stop().await;
    store.close().await;
    announce("Gazette stopped.");
    Ok(())
}

/// The event outbox: webhooks (and the other channels' couriers), on this site's address.
fn outbox_job(
    state: &AppState,
    settings: &Settings,
    base_url: &str,
) -> gazette_node::outbox::OutboxJob {
    use gazette_node::outbox::{OutboxJob, OutboxSettings, WebhookCourier};
    // Telegram and the pings (docs/telegram.md): what they get and their couriers; off by default.
    let distribution = distribution::outbox(
        &settings.telegram,
        &settings.pings,
        base_url,
        state.store.clone(),
        state.clock.clone(),
    );
    let outbox = OutboxSettings {
        base_url: base_url.to_owned(),
        editions: state.config.editions.clone(),
        attempt_timeout: Duration::from_secs(settings.webhooks.timeout_seconds),
        telegram: distribution.telegram,
        pings: distribution.pings,
        ..OutboxSettings::default()
    };
    let webhooks = WebhookCourier::new(
        state.store.clone(),
        state.clock.clone(),
        settings.webhooks.allow_private,
    );
    let job = OutboxJob::new(state.store.clone(), state.clock.clone(), outbox)
        .with_courier(Arc::new(webhooks));
    (distribution.couriers.into_iter()).fold(job, |job, courier| job.with_courier(courier))
}

/// The server's timeouts and connection limits from the settings (checked to be in range).
fn server_options(settings: &Settings) -> gazette_web::server::ServerOptions {
    let defaults = gazette_web::server::ServerOptions::default();
    gazette_web::server::ServerOptions {
        header_read_timeout: Duration::from_secs(settings.header_timeout_seconds),
        body_timeout: Duration::from_secs(settings.body_timeout_seconds),
        body_min_rate: settings.body_min_kb_per_second * 1024,
        max_connections: settings.max_connections.unwrap_or(defaults.max_connections),
        max_connections_per_address: settings.max_connections_per_address,
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
