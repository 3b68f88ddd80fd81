//! Just enough HTTP/1.1 for the newsroom: one request per connection, cookies, forms.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const TIMEOUT: Duration = Duration::from_secs(60);

/// The position of `needle` in `hay`.
pub fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The first value of a header in a response head (case-insensitive name).
pub fn header_value<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    header_values(head, name).next()
}

fn header_values<'a>(head: &'a str, name: &str) -> impl Iterator<Item = &'a str> + use<'a> {
    let name = name.to_owned();
    head.split("\r\n").skip(1).filter_map(move |line| {
        let (n, v) = line.split_once(':')?;
        n.trim().eq_ignore_ascii_case(&name).then(|| v.trim())
    })
}

/// A `Transfer-Encoding: chunked` body, decoded as it arrives.
#[derive(Debug, Default)]
pub struct Chunked {
    /// Bytes left in the current chunk; `None` while reading a size line.
    remaining: Option<usize>,
    /// The CRLF after a chunk's data is still to come.
    crlf: bool,
    /// The last (empty) chunk arrived.
    pub done: bool,
}

impl Chunked {
    /// Moves what `raw` holds of the body into `out`, keeping an incomplete size line.
    pub fn decode(&mut self, raw: &mut Vec<u8>, out: &mut Vec<u8>) {
        let mut i = 0;
        while !self.done {
            if self.crlf {
                if raw.len() - i < 2 {
                    break;
                }
                i += 2;
                self.crlf = false;
            }
            match self.remaining {
                None => {
                    let Some(end) = find(&raw[i..], b"\r\n") else {
                        break;
                    };
                    let line = String::from_utf8_lossy(&raw[i..i + end]);
                    let size = line.split(';').next().unwrap_or("").trim();
                    let size = usize::from_str_radix(size, 16).unwrap_or(0);
                    i += end + 2;
                    if size == 0 {
                        self.done = true;
                    } else {
                        self.remaining = Some(size);
                    }
                }
                Some(n) => {
                    let take = n.min(raw.len() - i);
                    if take == 0 {
                        break;
                    }
                    out.extend_from_slice(&raw[i..i + take]);
                    i += take;
                    if take == n {
                        self.remaining = None;
                        self.crlf = true;
                    } else {
                        self.remaining = Some(n - take);
                    }
                }
            }
        }
        raw.drain(..i);
    }
}

/// An answer: status, head (status line and headers), body, and when its head had arrived.
struct Answer {
    status: u16,
    head: String,
    body: String,
    head_at: Instant,
}

async fn request(
    addr: &str,
    method: &str,
    path: &str,
    cookie: &str,
    form: Option<&str>,
) -> Result<Answer, String> {
    let what = format!("{method} {path}");
    let work = async {
        let mut stream = TcpStream::connect(addr)
            .await
            .map_err(|e| format!("{what}: connect to {addr}: {e}"))?;
        let _ = stream.set_nodelay(true);
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nUser-Agent: live-load\r\nConnection: close\r\n"
        );
        if !cookie.is_empty() {
            req.push_str(&format!("Cookie: {cookie}\r\n"));
        }
        if let Some(form) = form {
            req.push_str(&format!(
                "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
                form.len()
            ));
        } else {
            req.push_str("\r\n");
        }
        stream
            .write_all(req.as_bytes())
            .await
            .map_err(|e| format!("{what}: {e}"))?;
        let mut raw = Vec::new();
        let mut head_end = None;
        let mut head_at = Instant::now();
        loop {
            let n = stream
                .read_buf(&mut raw)
                .await
                .map_err(|e| format!("{what}: {e}"))?;
            if head_end.is_none()
                && let Some(end) = find(&raw, b"\r\n\r\n")
            {
                head_end = Some(end);
                head_at = Instant::now();
            }
            if n == 0 {
                break;
            }
        }
        let end = head_end.ok_or_else(|| format!("{what}: no complete answer"))?;
        let head = String::from_utf8_lossy(&raw[..end]).into_owned();
        let mut body = raw[end + 4..].to_vec();
        if header_value(&head, "transfer-encoding").is_some_and(|v| v.contains("chunked")) {
            let mut out = Vec::new();
            Chunked::default().decode(&mut body, &mut out);
            body = out;
        }
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("{what}: no status"))?;
        Ok(Answer {
            status,
            body: String::from_utf8_lossy(&body).into_owned(),
            head,
            head_at,
        })
    };
    tokio::time::timeout(TIMEOUT, work)
        .await
        .map_err(|_| format!("{what}: no answer in {} s", TIMEOUT.as_secs()))?
}

/// `application/x-www-form-urlencoded`.
fn form(fields: &[(&str, &str)]) -> String {
    let enc = |s: &str| {
        let mut out = String::new();
        for b in s.bytes() {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    };
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The `value` of the `<input>` named `name` in a page.
fn input_value(page: &str, name: &str) -> Option<String> {
    let at = page.find(&format!("name=\"{name}\""))?;
    let start = page[..at].rfind('<')?;
    let end = at + page[at..].find('>')?;
    let tag = &page[start..end];
    let v = tag.find("value=\"")? + 7;
    let len = tag[v..].find('"')?;
    Some(tag[v..v + len].replace("&amp;", "&"))
}

/// An entry posted: its id, when the posting request's answer arrived, and how long it took.
#[derive(Debug, Clone)]
pub struct Posted {
    pub id: i64,
    pub returned: Instant,
    pub request: Duration,
}

/// A signed-in newsroom user.
pub struct Session {
    addr: String,
    cookies: Vec<(String, String)>,
    csrf: String,
}

impl Session {
    /// A session given on the command line: `--cookie 'name=value; …' --csrf TOKEN`.
    pub fn given(addr: &str, cookie: &str, csrf: &str) -> Self {
        let cookies = cookie
            .split(';')
            .filter_map(|c| c.trim().split_once('='))
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        Session {
            addr: addr.to_string(),
            cookies,
            csrf: csrf.to_string(),
        }
    }

    /// Signs in as the newsroom's login form does.
    pub async fn sign_in(addr: &str, email: &str, password: &str) -> Result<Self, String> {
        let mut s = Session {
            addr: addr.to_string(),
            cookies: Vec::new(),
            csrf: String::new(),
        };
        let page = s.send("GET", "/newsroom/login", None).await?;
        let token = input_value(&page.body, "login_csrf")
            .ok_or("the login page has no login_csrf field")?;
        let answer = s
            .send(
                "POST",
                "/newsroom/login",
                Some(&form(&[
                    ("login_csrf", &token),
                    ("email", email),
                    ("password", password),
                    ("next", "/newsroom"),
                ])),
            )
            .await?;
        if !(300..400).contains(&answer.status) {
            return Err(format!("sign-in as {email} answered {}", answer.status));
        }
        Ok(s)
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn send(
        &mut self,
        method: &str,
        path: &str,
        form: Option<&str>,
    ) -> Result<Answer, String> {
        let answer = request(&self.addr, method, path, &self.cookie_header(), form).await?;
        for set in header_values(&answer.head, "set-cookie") {
            let pair = set.split(';').next().unwrap_or("");
            if let Some((n, v)) = pair.split_once('=') {
                let (n, v) = (n.trim().to_string(), v.trim().to_string());
                self.cookies.retain(|(old, _)| *old != n);
                if !v.is_empty() {
                    self.cookies.push((n, v));
                }
            }
        }
        Ok(answer)
    }

    /// Reads the form token from the blog's posting screen (unless one was given).
    pub async fn load_csrf(&mut self, blog: i64) -> Result<(), String> {
        if !self.csrf.is_empty() {
            return Ok(());
        }
        let path = format!("/newsroom/articles/{blog}/live");
        let page = self.send("GET", &path, None).await?;
        if page.status != 200 {
            return Err(format!("GET {path} answered {}", page.status));
        }
        self.csrf = input_value(&page.body, "csrf").ok_or(format!("{path} has no csrf field"))?;
        Ok(())
    }

    pub async fn start_coverage(&mut self, blog: i64) -> Result<(), String> {
        let path = format!("/newsroom/articles/{blog}/live/coverage");
        let body = form(&[("csrf", &self.csrf.clone()), ("action", "start")]);
        let answer = self.send("POST", &path, Some(&body)).await?;
        if answer.status != 303 {
            return Err(format!("POST {path} answered {}", answer.status));
        }
        Ok(())
    }

    /// Posts an entry; its id comes from the answer's `Location: …#entry-{id}`.
    pub async fn post_entry(
        &mut self,
        blog: i64,
        headline: &str,
        n: usize,
    ) -> Result<Posted, String> {
        let path = format!("/newsroom/articles/{blog}/live");
        let text = format!(
            "Entry {n} of the live-push load test. Officials said the situation was under control; \
             more details to follow as they are confirmed."
        );
        let body = form(&[
            ("csrf", &self.csrf.clone()),
            ("headline", headline),
            ("body", &text),
            ("action", "post"),
        ]);
        let sent = Instant::now();
        let answer = self.send("POST", &path, Some(&body)).await?;
        let location = header_value(&answer.head, "location").unwrap_or("");
        let id = location
            .rsplit_once("#entry-")
            .and_then(|(_, id)| id.parse::<i64>().ok());
        match (answer.status, id) {
            (303, Some(id)) => Ok(Posted {
                id,
                returned: answer.head_at,
                request: answer.head_at - sent,
            }),
            (status, _) => Err(format!(
                "POST {path} answered {status} (Location {location:?})"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_are_decoded_across_reads() {
        let mut d = Chunked::default();
        let mut out = Vec::new();
        let mut raw = b"5\r\nhel".to_vec();
        d.decode(&mut raw, &mut out);
        assert_eq!(out, b"hel");
        raw.extend_from_slice(b"lo\r\n6\r\n world\r");
        d.decode(&mut raw, &mut out);
        assert_eq!(out, b"hello world");
        raw.extend_from_slice(b"\n0\r\n\r\n");
        d.decode(&mut raw, &mut out);
        assert!(d.done);
        assert_eq!(out, b"hello world");
    }

    #[test]
    fn inputs_are_found_by_name() {
        let page =
            r#"<form><input type="hidden" name="csrf" value="a&amp;b"><input name="x"></form>"#;
        assert_eq!(input_value(page, "csrf").as_deref(), Some("a&b"));
        assert_eq!(input_value(page, "x"), None);
        assert_eq!(form(&[("a b", "c&d")]), "a%20b=c%26d");
    }
}
