//! One reader: a Server-Sent-Event stream held open, reconnecting with `Last-Event-ID` as a
//! browser does when it drops, recording when each `entry` event arrives.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::{Semaphore, watch};

use crate::http::{Chunked, find, header_value};

/// How long a reader waits before reconnecting: the stream's `retry: 2000`.
const RETRY: Duration = Duration::from_millis(2000);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const HEADER_TIMEOUT: Duration = Duration::from_secs(30);

/// What every reader counts into.
pub struct Shared {
    /// Connection attempts in flight at once (the connect and the response's headers).
    pub connecting: Semaphore,
    /// Readers whose stream opened at least once.
    pub connected: AtomicUsize,
    /// Streams open now.
    pub open: AtomicUsize,
    /// TCP connects that failed or timed out, and header reads that failed.
    pub connect_errors: AtomicUsize,
    /// Answers other than `200` (e.g. `503` past a connection limit).
    pub refused: AtomicUsize,
    /// Open streams that ended while the run still wanted them.
    pub drops: AtomicUsize,
    /// Streams opened again after a drop.
    pub reconnects: AtomicUsize,
    /// Per stream address: readers connected.
    pub connected_per_target: Vec<AtomicUsize>,
    /// Per stream address: drops.
    pub drops_per_target: Vec<AtomicUsize>,
}

/// The counters at the end of a run.
#[derive(Debug, Clone)]
pub struct Counters {
    pub connect_errors: usize,
    pub refused: usize,
    pub drops: usize,
    pub reconnects: usize,
    pub connected_per_target: Vec<usize>,
    pub drops_per_target: Vec<usize>,
}

impl Shared {
    pub fn new(concurrency: usize, targets: usize) -> Self {
        Shared {
            connecting: Semaphore::new(concurrency),
            connected: AtomicUsize::new(0),
            open: AtomicUsize::new(0),
            connect_errors: AtomicUsize::new(0),
            refused: AtomicUsize::new(0),
            drops: AtomicUsize::new(0),
            reconnects: AtomicUsize::new(0),
            connected_per_target: (0..targets).map(|_| AtomicUsize::new(0)).collect(),
            drops_per_target: (0..targets).map(|_| AtomicUsize::new(0)).collect(),
        }
    }

    pub fn counters(&self) -> Counters {
        let load = |v: &[AtomicUsize]| v.iter().map(|a| a.load(Ordering::Relaxed)).collect();
        Counters {
            connect_errors: self.connect_errors.load(Ordering::Relaxed),
            refused: self.refused.load(Ordering::Relaxed),
            drops: self.drops.load(Ordering::Relaxed),
            reconnects: self.reconnects.load(Ordering::Relaxed),
            connected_per_target: load(&self.connected_per_target),
            drops_per_target: load(&self.drops_per_target),
        }
    }
}

/// What one reader received: each entry event's entry id and when its bytes were read.
#[derive(Debug, Default)]
pub struct Received {
    pub target: usize,
    pub entries: Vec<(i64, Instant)>,
}

pub struct Reader {
    pub target: usize,
    pub host: String,
    pub addr: SocketAddr,
    pub source: IpAddr,
    pub blog: i64,
    pub shared: Arc<Shared>,
    pub stop: watch::Receiver<bool>,
}

enum Failure {
    Connect,
    Status,
}

enum Ended {
    Stopped,
    Dropped,
}

impl Reader {
    pub async fn run(self) -> Received {
        let Reader {
            target,
            host,
            addr,
            source,
            blog,
            shared,
            mut stop,
        } = self;
        let mut got = Received {
            target,
            entries: Vec::new(),
        };
        let mut last_id: Option<i64> = None;
        let mut ever_connected = false;
        let request_for = |last_id: Option<i64>| {
            let resume = last_id
                .map(|id| format!("Last-Event-ID: {id}\r\n"))
                .unwrap_or_default();
            format!(
                "GET /live/stream?blog={blog} HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n\
                 Cache-Control: no-cache\r\nUser-Agent: live-load\r\n{resume}\r\n"
            )
        };
        loop {
            if *stop.borrow() {
                break;
            }
            let opened = {
                let Ok(_permit) = shared.connecting.acquire().await else {
                    break;
                };
                let request = request_for(last_id);
                tokio::select! {
                    r = open(addr, source, request) => r,
                    _ = stop.changed() => break,
                }
            };
            let (stream, leftover, chunked) = match opened {
                Ok(opened) => opened,
                Err(failure) => {
                    match failure {
                        Failure::Connect => shared.connect_errors.fetch_add(1, Ordering::Relaxed),
                        Failure::Status => shared.refused.fetch_add(1, Ordering::Relaxed),
                    };
                    if pause(&mut stop, RETRY).await {
                        break;
                    }
                    continue;
                }
            };
            if ever_connected {
                shared.reconnects.fetch_add(1, Ordering::Relaxed);
            } else {
                ever_connected = true;
                shared.connected_per_target[target].fetch_add(1, Ordering::Relaxed);
                shared.connected.fetch_add(1, Ordering::Relaxed);
            }
            shared.open.fetch_add(1, Ordering::Relaxed);
            let ended =
                read_events(stream, leftover, chunked, &mut stop, &mut got, &mut last_id).await;
            shared.open.fetch_sub(1, Ordering::Relaxed);
            match ended {
                Ended::Stopped => break,
                Ended::Dropped => {
                    if *stop.borrow() {
                        break;
                    }
                    shared.drops.fetch_add(1, Ordering::Relaxed);
                    shared.drops_per_target[target].fetch_add(1, Ordering::Relaxed);
                    if pause(&mut stop, RETRY).await {
                        break;
                    }
                }
            }
        }
        got
    }
}

/// Sleeps, unless the run stops first (then `true`).
async fn pause(stop: &mut watch::Receiver<bool>, wait: Duration) -> bool {
    tokio::select! {
        _ = tokio::time::sleep(wait) => *stop.borrow(),
        _ = stop.changed() => true,
    }
}

/// Connects, sends the request, reads the response's headers. Returns the stream, the body bytes
/// read with the headers, and whether the body is chunked.
async fn open(
    addr: SocketAddr,
    source: IpAddr,
    request: String,
) -> Result<(TcpStream, Vec<u8>, bool), Failure> {
    let socket = TcpSocket::new_v4().map_err(|_| Failure::Connect)?;
    if source != IpAddr::V4(Ipv4Addr::LOCALHOST) {
        socket
            .bind(SocketAddr::new(source, 0))
            .map_err(|_| Failure::Connect)?;
    }
    let mut stream = tokio::time::timeout(CONNECT_TIMEOUT, socket.connect(addr))
        .await
        .map_err(|_| Failure::Connect)?
        .map_err(|_| Failure::Connect)?;
    let _ = stream.set_nodelay(true);
    stream
        .write_all(request.as_bytes())
        .await
        .map_err(|_| Failure::Connect)?;
    let mut buf = Vec::with_capacity(2048);
    let end = tokio::time::timeout(HEADER_TIMEOUT, async {
        loop {
            if let Some(end) = find(&buf, b"\r\n\r\n") {
                return Ok(end);
            }
            if buf.len() > 32 * 1024 {
                return Err(Failure::Connect);
            }
            match stream.read_buf(&mut buf).await {
                Ok(0) | Err(_) => return Err(Failure::Connect),
                Ok(_) => {}
            }
        }
    })
    .await
    .map_err(|_| Failure::Connect)??;
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok());
    if status != Some(200) {
        return Err(Failure::Status);
    }
    let chunked = header_value(&head, "transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let leftover = buf[end + 4..].to_vec();
    Ok((stream, leftover, chunked))
}

/// Reads the stream until it ends or the run stops, recording entry events.
async fn read_events(
    mut stream: TcpStream,
    mut raw: Vec<u8>,
    chunked: bool,
    stop: &mut watch::Receiver<bool>,
    got: &mut Received,
    last_id: &mut Option<i64>,
) -> Ended {
    let mut decoder = chunked.then(Chunked::default);
    let mut events: Vec<u8> = Vec::with_capacity(1024);
    let mut at = Instant::now();
    raw.reserve(4096);
    loop {
        match decoder.as_mut() {
            Some(d) => d.decode(&mut raw, &mut events),
            None => {
                events.extend_from_slice(&raw);
                raw.clear();
            }
        }
        parse_events(&mut events, at, got, last_id);
        if decoder.as_ref().is_some_and(|d| d.done) {
            return Ended::Dropped;
        }
        tokio::select! {
            read = stream.read_buf(&mut raw) => match read {
                Ok(0) | Err(_) => return Ended::Dropped,
                Ok(_) => at = Instant::now(),
            },
            _ = stop.changed() => return Ended::Stopped,
        }
    }
}

/// Takes every complete event (ended by a blank line) off the front of `events`.
fn parse_events(events: &mut Vec<u8>, at: Instant, got: &mut Received, last_id: &mut Option<i64>) {
    let mut start = 0;
    while let Some(len) = find(&events[start..], b"\n\n") {
        let block = &events[start..start + len];
        let mut name: &[u8] = b"message";
        let mut data: &[u8] = b"";
        let mut id = None;
        for line in block.split(|b| *b == b'\n') {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if let Some(v) = field(line, b"event") {
                name = v;
            } else if let Some(v) = field(line, b"data") {
                data = v;
            } else if let Some(v) = field(line, b"id") {
                id = std::str::from_utf8(v)
                    .ok()
                    .and_then(|v| v.parse::<i64>().ok());
            }
        }
        if name == b"entry" {
            if let Some(entry) = entry_id(data) {
                got.entries.push((entry, at));
            }
            if id.is_some() {
                *last_id = id;
            }
        }
        start += len + 2;
    }
    events.drain(..start);
}

/// `name: value` (one optional space after the colon, as the SSE format says).
fn field<'a>(line: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let rest = line.strip_prefix(name)?.strip_prefix(b":")?;
    Some(rest.strip_prefix(b" ").unwrap_or(rest))
}

/// The entry's id: the JSON's top-level `"id"`, which the server writes first.
fn entry_id(data: &[u8]) -> Option<i64> {
    let at = find(data, b"\"id\":")? + 5;
    let digits: Vec<u8> = data[at..]
        .iter()
        .skip_while(|b| **b == b' ')
        .take_while(|b| b.is_ascii_digit())
        .copied()
        .collect();
    std::str::from_utf8(&digits).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_parsed_across_reads() {
        let mut got = Received::default();
        let mut last = None;
        let now = Instant::now();
        let mut events = b"retry: 2000\n\nevent: breaking\ndata: {}\n\nid: 71\nevent: entry\ndata: {\"id\":9,\"status\":\"published\"}\n\nid: 72\nevent: en"
            .to_vec();
        parse_events(&mut events, now, &mut got, &mut last);
        assert_eq!(got.entries, vec![(9, now)]);
        assert_eq!(last, Some(71));
        assert_eq!(events, b"id: 72\nevent: en");
        events.extend_from_slice(b"try\ndata: {\"id\":10}\n\n: keep-alive\n\n");
        parse_events(&mut events, now, &mut got, &mut last);
        assert_eq!(got.entries, vec![(9, now), (10, now)]);
        assert_eq!(last, Some(72));
        assert!(events.is_empty());
    }
}
