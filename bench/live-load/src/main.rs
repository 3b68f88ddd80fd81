//! Load generator for Gazette's live push (`bench/LIVE.md`).
//!
//! Holds N Server-Sent-Event streams (`GET /live/stream?blog=ID`) open on one live blog, waits
//! until every one is connected, then posts M entries through the newsroom, one every INTERVAL
//! seconds, and times, for every stream, how long after the posting request returned the entry
//! arrived. With `--entries 0` it only holds the streams (for memory and throughput runs).
//!
//! Raw HTTP/1.1 over tokio's `TcpStream`: no TLS, no HTTP library, so the generator stays small
//! and its own cost per stream is a task and a buffer.

mod http;
mod report;
mod stream;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use http::Session;
use stream::{Reader, Shared};

const USAGE: &str = "\
live-load: holds Server-Sent-Event streams on a Gazette live blog and times entry delivery

  live-load --addr 127.0.0.1:8080 --blog 42 --connections 10000 --entries 10 --interval 3 \\
            --email editor@example.com --password secret [options]

  --addr HOST:PORT          the server (newsroom and streams) [127.0.0.1:8080]
  --stream-addr HOST:PORT   where streams connect; repeat to spread them round-robin over
                            several addresses (reported separately) [--addr]
  --post-addr HOST:PORT     where entries are posted [--addr]
  --blog ID                 the live blog's article id (required)
  --connections N           streams to hold [1000]
  --entries M               entries to post once all are connected; 0 only holds [10]
  --interval SECONDS        between posts [3]
  --drain SECONDS           wait after the last post before counting [5]
  --email E --password P    an editor's credentials, to sign in to the newsroom
  --cookie 'a=b; c=d' --csrf TOKEN   or an existing session and its form token
  --start-coverage          start (or resume) the blog's coverage before streaming
  --sources K               source addresses 127.0.0.1 .. 127.0.0.K, round-robin [1]
  --connect-concurrency C   connection attempts in flight at once [256]
  --connect-timeout SECONDS give up waiting for all streams after this [180]
  --hold SECONDS            with --entries 0: how long to hold (0: until SIGINT/SIGTERM) [0]
  --server-pid PID          read the server's VmRSS with 0 and N streams; repeatable
  --settle SECONDS          wait after connecting before reading memory [3]
  --ready-file PATH         written once every stream is connected
  --quiet                   no per-entry lines
";

#[derive(Debug, Clone)]
pub struct Config {
    addr: String,
    stream_addrs: Vec<String>,
    post_addr: String,
    blog: i64,
    connections: usize,
    entries: usize,
    interval: Duration,
    drain: Duration,
    email: Option<String>,
    password: Option<String>,
    cookie: Option<String>,
    csrf: Option<String>,
    start_coverage: bool,
    sources: u8,
    connect_concurrency: usize,
    connect_timeout: Duration,
    hold: Duration,
    server_pids: Vec<u32>,
    settle: Duration,
    ready_file: Option<PathBuf>,
    quiet: bool,
}

fn seconds(name: &str, value: &str) -> Result<Duration, String> {
    value
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| format!("{name} takes seconds, not {value:?}"))
}

fn number<T: std::str::FromStr>(name: &str, value: &str) -> Result<T, String> {
    value
        .parse()
        .map_err(|_| format!("{name} takes a whole number, not {value:?}"))
}

fn parse_args(args: Vec<String>) -> Result<Config, String> {
    let mut c = Config {
        addr: "127.0.0.1:8080".into(),
        stream_addrs: Vec::new(),
        post_addr: String::new(),
        blog: -1,
        connections: 1000,
        entries: 10,
        interval: Duration::from_secs(3),
        drain: Duration::from_secs(5),
        email: None,
        password: None,
        cookie: None,
        csrf: None,
        start_coverage: false,
        sources: 1,
        connect_concurrency: 256,
        connect_timeout: Duration::from_secs(180),
        hold: Duration::ZERO,
        server_pids: Vec::new(),
        settle: Duration::from_secs(3),
        ready_file: None,
        quiet: false,
    };
    let mut it = args.into_iter();
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "-h" | "--help" => return Err(String::new()),
            "--start-coverage" => {
                c.start_coverage = true;
                continue;
            }
            "--quiet" => {
                c.quiet = true;
                continue;
            }
            _ => {}
        }
        let value = it
            .next()
            .ok_or_else(|| format!("{flag} needs a value (see --help)"))?;
        match flag.as_str() {
            "--addr" => c.addr = value,
            "--stream-addr" => c.stream_addrs.push(value),
            "--post-addr" => c.post_addr = value,
            "--blog" => c.blog = number(&flag, &value)?,
            "--connections" => c.connections = number(&flag, &value)?,
            "--entries" => c.entries = number(&flag, &value)?,
            "--interval" => c.interval = seconds(&flag, &value)?,
            "--drain" => c.drain = seconds(&flag, &value)?,
            "--email" => c.email = Some(value),
            "--password" => c.password = Some(value),
            "--cookie" => c.cookie = Some(value),
            "--csrf" => c.csrf = Some(value),
            "--sources" => c.sources = number(&flag, &value)?,
            "--connect-concurrency" => c.connect_concurrency = number(&flag, &value)?,
            "--connect-timeout" => c.connect_timeout = seconds(&flag, &value)?,
            "--hold" => c.hold = seconds(&flag, &value)?,
            "--server-pid" => c.server_pids.push(number(&flag, &value)?),
            "--settle" => c.settle = seconds(&flag, &value)?,
            "--ready-file" => c.ready_file = Some(PathBuf::from(value)),
            _ => return Err(format!("unknown option {flag} (see --help)")),
        }
    }
    if c.blog < 0 {
        return Err("--blog ID is required".into());
    }
    if c.stream_addrs.is_empty() {
        c.stream_addrs.push(c.addr.clone());
    }
    if c.post_addr.is_empty() {
        c.post_addr = c.addr.clone();
    }
    if c.sources == 0 || c.connect_concurrency == 0 {
        return Err("--sources and --connect-concurrency must be at least 1".into());
    }
    let signs_in = c.email.is_some() && c.password.is_some();
    let has_session = c.cookie.is_some() && c.csrf.is_some();
    if (c.entries > 0 || c.start_coverage) && !signs_in && !has_session {
        return Err("posting needs --email and --password, or --cookie and --csrf".into());
    }
    Ok(c)
}

/// The server's resident memory in KB, from `/proc/PID/status`.
fn rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
}

fn source(config: &Config, index: usize) -> IpAddr {
    let last = 1 + (index % usize::from(config.sources)) as u8;
    IpAddr::V4(Ipv4Addr::new(127, 0, 0, last))
}

#[tokio::main]
async fn main() {
    let config = match parse_args(std::env::args().skip(1).collect()) {
        Ok(c) => c,
        Err(e) if e.is_empty() => {
            print!("{USAGE}");
            return;
        }
        Err(e) => {
            eprintln!("live-load: {e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = run(config).await {
        eprintln!("live-load: {e}");
        std::process::exit(1);
    }
}

async fn run(config: Config) -> Result<(), String> {
    let config = Arc::new(config);
    let mut targets = Vec::new();
    for a in &config.stream_addrs {
        let addr: SocketAddr = tokio::net::lookup_host(a.as_str())
            .await
            .map_err(|e| format!("{a}: {e}"))?
            .next()
            .ok_or_else(|| format!("{a}: no address"))?;
        targets.push((a.clone(), addr));
    }

    // The newsroom session, first: a refused sign-in should stop the run before 10,000 streams.
    let session = if config.entries > 0 || config.start_coverage {
        let mut session = match (&config.cookie, &config.csrf) {
            (Some(cookie), Some(csrf)) => Session::given(&config.post_addr, cookie, csrf),
            _ => {
                Session::sign_in(
                    &config.post_addr,
                    config.email.as_deref().unwrap_or_default(),
                    config.password.as_deref().unwrap_or_default(),
                )
                .await?
            }
        };
        session.load_csrf(config.blog).await?;
        if config.start_coverage {
            session.start_coverage(config.blog).await?;
            println!("coverage of blog {} started", config.blog);
        }
        Some(session)
    } else {
        None
    };

    // Signals, from the start: a holder stopped early still reports.
    let mut signals = Signals::new()?;

    // Memory with no streams, once the sign-in's password hashing has settled.
    if !config.server_pids.is_empty() {
        tokio::time::sleep(config.settle).await;
    }
    let rss_before: Vec<(u32, Option<u64>)> =
        config.server_pids.iter().map(|&p| (p, rss_kb(p))).collect();

    let shared = Arc::new(Shared::new(config.connect_concurrency, targets.len()));
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let started = Instant::now();
    let mut readers = Vec::with_capacity(config.connections);
    for i in 0..config.connections {
        let target = i % targets.len();
        let reader = Reader {
            target,
            host: targets[target].0.clone(),
            addr: targets[target].1,
            source: source(&config, i),
            blog: config.blog,
            shared: shared.clone(),
            stop: stop_rx.clone(),
        };
        readers.push(tokio::spawn(reader.run()));
    }

    // Wait for every stream, printing progress now and then.
    let deadline = started + config.connect_timeout;
    let mut last_print = Instant::now();
    loop {
        let connected = shared.connected.load(Ordering::Relaxed);
        if connected >= config.connections {
            break;
        }
        if Instant::now() >= deadline {
            println!(
                "gave up waiting after {:.1} s: {connected} of {} streams connected",
                started.elapsed().as_secs_f64(),
                config.connections
            );
            break;
        }
        if last_print.elapsed() >= Duration::from_secs(5) {
            last_print = Instant::now();
            println!(
                "  ... {connected} streams connected after {:.0} s (connect errors {}, refusals {})",
                started.elapsed().as_secs_f64(),
                shared.connect_errors.load(Ordering::Relaxed),
                shared.refused.load(Ordering::Relaxed)
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let connected = shared.connected.load(Ordering::Relaxed);
    println!(
        "connected {connected}/{} streams in {:.2} s from {} source address(es) (connect errors {}, refusals {})",
        config.connections,
        started.elapsed().as_secs_f64(),
        config.sources,
        shared.connect_errors.load(Ordering::Relaxed),
        shared.refused.load(Ordering::Relaxed),
    );

    if !config.server_pids.is_empty() {
        tokio::time::sleep(config.settle).await;
        let open = shared.open.load(Ordering::Relaxed);
        // Several servers (nodes behind a proxy): each is taken to hold an equal share.
        let each = open / config.server_pids.len();
        let share = if config.server_pids.len() > 1 {
            format!(" (of {open} in all, split evenly)")
        } else {
            String::new()
        };
        for (pid, before) in &rss_before {
            match (before, rss_kb(*pid)) {
                (Some(before), Some(after)) => println!(
                    "memory of pid {pid}: {:.1} MB with 0 streams, {:.1} MB with {each} streams{share}: {:.1} KB per stream",
                    *before as f64 / 1024.0,
                    after as f64 / 1024.0,
                    (after as f64 - *before as f64) / each.max(1) as f64
                ),
                _ => println!("memory of pid {pid}: cannot read /proc/{pid}/status"),
            }
        }
    }

    // Ready: every stream connected, and memory read.
    if let Some(path) = &config.ready_file {
        std::fs::write(path, format!("{connected}\n"))
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }

    let mut posted = Vec::new();
    if let Some(mut session) = session.filter(|_| config.entries > 0) {
        let posting = async {
            let mut next = Instant::now();
            for n in 1..=config.entries {
                tokio::time::sleep_until(next.into()).await;
                next += config.interval;
                let entry = session
                    .post_entry(config.blog, &format!("Load test entry {n}"), n)
                    .await?;
                if !config.quiet {
                    println!(
                        "  posted entry {} ({n}/{}): the POST took {:.1} ms",
                        entry.id,
                        config.entries,
                        entry.request.as_secs_f64() * 1000.0
                    );
                }
                posted.push(entry);
            }
            tokio::time::sleep(config.drain).await;
            Ok::<(), String>(())
        };
        tokio::select! {
            done = posting => done?,
            _ = signals.hold(Duration::ZERO) => println!("interrupted: counting what was posted"),
        }
    } else {
        signals.hold(config.hold).await;
    }

    let open_at_end = shared.open.load(Ordering::Relaxed);
    stop_tx.send_replace(true);
    let mut received = Vec::with_capacity(readers.len());
    for r in readers {
        received.push(r.await.map_err(|e| format!("a stream task failed: {e}"))?);
    }
    let counters = shared.counters();
    report::print(
        &config,
        &targets,
        &posted,
        &received,
        &counters,
        open_at_end,
        connected,
    );
    Ok(())
}

/// SIGTERM and SIGINT, caught so that a holder stopped by a script still prints its counts.
struct Signals {
    term: tokio::signal::unix::Signal,
    int: tokio::signal::unix::Signal,
}

impl Signals {
    fn new() -> Result<Self, String> {
        use tokio::signal::unix::{SignalKind, signal};
        let catch = |kind| signal(kind).map_err(|e| format!("cannot catch signals: {e}"));
        Ok(Signals {
            term: catch(SignalKind::terminate())?,
            int: catch(SignalKind::interrupt())?,
        })
    }

    /// With no entries to post: holds the streams for `hold`, or (zero) until a signal.
    async fn hold(&mut self, hold: Duration) {
        let timer = async {
            if hold.is_zero() {
                std::future::pending::<()>().await;
            } else {
                tokio::time::sleep(hold).await;
            }
        };
        tokio::select! {
            _ = timer => {}
            _ = self.term.recv() => {}
            _ = self.int.recv() => {}
        }
    }
}
