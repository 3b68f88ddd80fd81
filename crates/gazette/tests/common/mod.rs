//! Helpers shared by the tests that start the real binary.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Runs a `gazette` command on a data folder, as an operator would, and waits for it.
pub fn gazette(data: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_gazette"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("GAZETTE_DATABASE_URL")
        .env("GAZETTE_LOG", "warn")
        .output()
        .unwrap()
}

/// [`gazette`] with `stdin` as the command's standard input (a password, as `gazette user` reads
/// it when not at a terminal).
pub fn gazette_with_input(
    data: &std::path::Path,
    args: &[&str],
    stdin: &str,
) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gazette"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("GAZETTE_DATABASE_URL")
        .env_remove("GAZETTE_CONFIG")
        .env("GAZETTE_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("gazette runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// Reads the server's stdout until it announces its address ("… http://127.0.0.1:PORT/ …") and
/// returns `127.0.0.1:PORT`. Lines before it (a notice, a warning that reached stdout) are skipped,
/// so a slow machine's extra output never reads as a failed start.
pub fn read_address(stdout: &mut impl BufRead) -> String {
    let mut seen = String::new();
    loop {
        let mut line = String::new();
        let read = stdout
            .read_line(&mut line)
            .expect("the server's stdout can be read");
        if read == 0 {
            panic!("the server stopped before it printed its address; it printed: {seen:?}");
        }
        if let Some(url) = line.split_whitespace().find(|w| w.starts_with("http://")) {
            return url
                .trim_end_matches('/')
                .trim_start_matches("http://")
                .to_owned();
        }
        seen.push_str(&line);
    }
}

/// A `gazette serve` started on a data folder, on a free port.
pub struct Server {
    pub child: Child,
    pub address: String,
    pub stdout: BufReader<std::process::ChildStdout>,
}

/// A test that fails before stopping its server must not leave it running: the server holds the
/// test's output open, and `cargo test` would wait for it forever.
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn start(data_dir: &std::path::Path, extra: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gazette"))
        .args(["serve", "--bind", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .args(extra)
        .env_remove("GAZETTE_DATABASE_URL")
        .env("GAZETTE_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .expect("gazette starts");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let address = read_address(&mut stdout);
    Server {
        child,
        address,
        stdout,
    }
}

/// A plain HTTP/1.1 GET: status code and body.
pub fn get(address: &str, path: &str) -> (u16, String) {
    let (status, _, body) = fetch(address, path);
    (status, body)
}

/// A plain HTTP/1.1 GET: status code, the `Location` header (empty if none) and body.
pub fn fetch(address: &str, path: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).unwrap();
    // Images come back as bytes that are not text; a test only checks they came.
    let response = String::from_utf8_lossy(&bytes);
    let status = response.split_whitespace().nth(1).unwrap().parse().unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let location = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("location")
                .then(|| value.trim().to_owned())
        })
        .unwrap_or_default();
    (status, location, body.to_owned())
}

pub fn interrupt(server: &mut Server) -> String {
    // A signal sent directly: slim images have no `kill` program.
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(server.child.id() as i32),
        nix::sys::signal::Signal::SIGINT,
    )
    .unwrap();
    let exit = server.child.wait().unwrap();
    assert!(exit.success(), "gazette exits cleanly on Ctrl-C: {exit:?}");
    let mut rest = String::new();
    server.stdout.read_to_string(&mut rest).unwrap();
    rest
}
