//! Local stand-ins for the services the outbox talks to, recording every request they receive:
//! a fake Telegram Bot API (answers like Telegram, or as a test scripts it) and a plain receiver
//! for WebSub hubs and IndexNow endpoints.
//!
//! Blocking sockets on their own threads: the fakes need no runtime, so a test's runtime cannot
//! starve them, and they outlive any one request.

#![allow(dead_code, clippy::unwrap_used)]

pub mod newsroom;

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

/// A request as received.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    pub path: String,
    pub content_type: Option<String>,
    pub body: String,
}

/// An answer to give.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: String,
    /// Seconds to wait before answering (to make a client time out).
    pub delay: Option<Duration>,
}

impl Reply {
    pub fn new(status: u16, body: impl Into<String>) -> Self {
        Self {
            status,
            body: body.into(),
            delay: None,
        }
    }
}

type Responder = Box<dyn Fn(&Received) -> Reply + Send + Sync>;

struct Shared {
    received: Mutex<Vec<Received>>,
    /// Answers to give next, before the responder's.
    scripted: Mutex<VecDeque<Reply>>,
    responder: Responder,
}

/// An HTTP/1.1 server on 127.0.0.1 that records requests and answers each with the next scripted
/// reply, or its responder's.
#[derive(Clone)]
pub struct FakeServer {
    pub url: String,
    shared: Arc<Shared>,
}

impl FakeServer {
    pub fn start(responder: impl Fn(&Received) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let shared = Arc::new(Shared {
            received: Mutex::default(),
            scripted: Mutex::default(),
            responder: Box::new(responder),
        });
        let serving = shared.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let shared = serving.clone();
                std::thread::spawn(move || {
                    let _ = serve(stream, &shared);
                });
            }
        });
        Self { url, shared }
    }

    /// Answers the next request with `reply`, whatever it is.
    pub fn then_reply(&self, reply: Reply) {
        self.shared.scripted.lock().unwrap().push_back(reply);
    }

    pub fn received(&self) -> Vec<Received> {
        self.shared.received.lock().unwrap().clone()
    }
}

fn serve(stream: TcpStream, shared: &Shared) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let path = parts.next().unwrap_or_default().to_owned();
    let mut length = 0;
    let mut content_type = None;
    loop {
        let mut header = String::new();
        reader.read_line(&mut header)?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            match name.trim().to_ascii_lowercase().as_str() {
                "content-length" => length = value.trim().parse().unwrap_or(0),
                "content-type" => content_type = Some(value.trim().to_owned()),
                _ => {}
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let received = Received {
        method,
        path,
        content_type,
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    shared.received.lock().unwrap().push(received.clone());
    let scripted = shared.scripted.lock().unwrap().pop_front();
    let reply = scripted.unwrap_or_else(|| (shared.responder)(&received));
    if let Some(delay) = reply.delay {
        std::thread::sleep(delay);
    }
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 {} Fake\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         connection: close\r\n\r\n{}",
        reply.status,
        reply.body.len(),
        reply.body
    )?;
    stream.flush()
}

/// One Bot API call as the fake received it.
#[derive(Debug, Clone)]
pub struct BotCall {
    pub token: String,
    /// `sendMessage`, `editMessageText`, …
    pub method: String,
    pub body: Value,
}

/// A fake Telegram Bot API: every call succeeds (messages get ids 101, 102, …) unless a test
/// scripts another answer with [`FakeBotApi::then`].
#[derive(Clone)]
pub struct FakeBotApi {
    pub server: FakeServer,
}

impl FakeBotApi {
    pub fn start() -> Self {
        let next_id = Arc::new(Mutex::new(100));
        let server = FakeServer::start(move |request| {
            let method = request.path.rsplit('/').next().unwrap_or_default();
            let result = match method {
                "sendMessage" | "sendPhoto" => {
                    let mut id = next_id.lock().unwrap();
                    *id += 1;
                    json!({ "message_id": *id, "date": 0, "chat": { "id": -1 } })
                }
                _ => json!(true),
            };
            Reply::new(200, json!({ "ok": true, "result": result }).to_string())
        });
        Self { server }
    }

    pub fn url(&self) -> String {
        self.server.url.clone()
    }

    /// Answers the next call as Telegram would fail: `{"ok": false, …}` with `status`.
    pub fn then_fail(&self, status: u16, description: &str, retry_after: Option<u64>) {
        let mut body = json!({ "ok": false, "error_code": status, "description": description });
        if let Some(seconds) = retry_after {
            body["parameters"] = json!({ "retry_after": seconds });
        }
        self.server.then_reply(Reply::new(status, body.to_string()));
    }

    /// Every call received, oldest first.
    pub fn calls(&self) -> Vec<BotCall> {
        self.server
            .received()
            .into_iter()
            .map(|r| {
                let mut segments = r.path.trim_start_matches('/').splitn(2, '/');
                let token = segments.next().unwrap_or_default();
                BotCall {
                    token: token.trim_start_matches("bot").to_owned(),
                    method: segments.next().unwrap_or_default().to_owned(),
                    body: serde_json::from_str(&r.body).unwrap_or(Value::Null),
                }
            })
            .collect()
    }
}
