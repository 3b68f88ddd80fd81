//! `gazette user …` as an admin runs it: adding people with the password on standard input (never
//! on the command line), listing, changing roles, disabling, resetting passwords and two-factor —
//! also while `gazette serve` runs on the same data, where the changes take effect at once.

#![allow(clippy::unwrap_used)]

mod common;
use common::{gazette_with_input, read_address};
use std::io::{BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

const PASSWORD: &str = "correct horse battery";

/// Runs `gazette user <args>` on `data`, with `stdin` as its standard input.
fn user(data: &Path, args: &[&str], stdin: &str) -> Output {
    let args: Vec<&str> = std::iter::once("user")
        .chain(args.iter().copied())
        .collect();
    gazette_with_input(data, &args, stdin)
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[track_caller]
fn succeeds(output: &Output) -> String {
    assert!(
        output.status.success(),
        "failed: {}\n{}",
        stdout(output),
        stderr(output)
    );
    stdout(output)
}

fn listed(data: &Path) -> String {
    succeeds(&user(data, &["list"], ""))
}

fn line_of<'a>(list: &'a str, email: &str) -> &'a str {
    list.lines()
        .find(|l| l.starts_with(email))
        .unwrap_or_else(|| panic!("{email} not in\n{list}"))
}

#[test]
fn accounts_are_managed_from_the_command_line() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path();
    let none = listed(dir);
    assert!(none.contains("No accounts yet"), "{none}");

    let added = succeeds(&user(
        dir,
        &[
            "add",
            "--email",
            "Chief@News.test",
            "--name",
            "Chief Editor",
            "--role",
            "admin",
        ],
        &format!("{PASSWORD}\n"),
    ));
    assert!(
        added.contains("Added Chief Editor <chief@news.test> as admin"),
        "{added}"
    );
    succeeds(&user(
        dir,
        &["add", "--email", "olena@news.test", "--name", "Olena"],
        &format!("{PASSWORD}\r\n"),
    ));
    let list = listed(dir);
    assert!(line_of(&list, "chief@news.test").contains("admin"));
    assert!(line_of(&list, "olena@news.test").contains("contributor"));

    let again = user(
        dir,
        &["add", "--email", "olena@news.test", "--name", "Olena"],
        &format!("{PASSWORD}\n"),
    );
    assert!(!again.status.success());
    assert!(stderr(&again).contains("already has an account"));

    let short = user(
        dir,
        &["add", "--email", "taras@news.test", "--name", "Taras"],
        "short\n",
    );
    assert!(!short.status.success());
    assert!(
        stderr(&short).contains("at least 10 characters"),
        "{}",
        stderr(&short)
    );
    assert!(!listed(dir).contains("taras@news.test"));

    let role = succeeds(&user(dir, &["set-role", "olena@news.test", "editor"], ""));
    assert!(role.contains("olena@news.test is now editor"), "{role}");
    assert!(line_of(&listed(dir), "olena@news.test").contains("editor"));
    let bad_role = user(dir, &["set-role", "olena@news.test", "boss"], "");
    assert!(!bad_role.status.success());
    assert!(stderr(&bad_role).contains("unknown role"));
    let nobody = user(dir, &["set-role", "nobody@news.test", "editor"], "");
    assert!(!nobody.status.success());
    assert!(stderr(&nobody).contains("nobody has the e-mail address"));
    let last_admin = user(dir, &["set-role", "chief@news.test", "editor"], "");
    assert!(!last_admin.status.success());
    assert!(stderr(&last_admin).contains("only admin"));

    succeeds(&user(dir, &["disable", "olena@news.test"], ""));
    assert!(line_of(&listed(dir), "olena@news.test").contains("(disabled)"));
    succeeds(&user(dir, &["disable", "olena@news.test", "--enable"], ""));
    assert!(!line_of(&listed(dir), "olena@news.test").contains("(disabled)"));

    let reset = succeeds(&user(
        dir,
        &["reset-password", "olena@news.test"],
        "another long password\n",
    ));
    assert!(
        reset.contains("Password changed for olena@news.test"),
        "{reset}"
    );
    let two_factor = succeeds(&user(dir, &["reset-two-factor", "olena@news.test"], ""));
    assert!(two_factor.contains("does not use two-factor sign-in"));
}

#[test]
fn a_password_is_never_taken_from_the_command_line() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path();
    for args in [
        &[
            "add",
            "--email",
            "olena@news.test",
            "--name",
            "Olena",
            "--password",
            PASSWORD,
        ][..],
        &[
            "add",
            "--email",
            "olena@news.test",
            "--name",
            "Olena",
            PASSWORD,
        ][..],
        &[
            "add",
            "--email=olena@news.test",
            "--name=Olena",
            "--password=x",
        ][..],
    ] {
        // Even with a password waiting on standard input, the command refuses to run.
        let refused = user(dir, args, &format!("{PASSWORD}\n"));
        assert!(!refused.status.success(), "{args:?} was accepted");
        assert!(
            stderr(&refused).contains("unexpected argument"),
            "{}",
            stderr(&refused)
        );
    }
    assert!(listed(dir).contains("No accounts yet"));
    succeeds(&user(
        dir,
        &["add", "--email", "olena@news.test", "--name", "Olena"],
        &format!("{PASSWORD}\n"),
    ));
    let refused = user(
        dir,
        &["reset-password", "olena@news.test", "new password here"],
        "",
    );
    assert!(!refused.status.success());
    assert!(stderr(&refused).contains("unexpected argument"));
    let help = succeeds(&user(dir, &["add", "--help"], ""));
    assert!(!help.contains("--password"), "{help}");
}

// ---------------------------------------------------------------- while the server runs

struct Server {
    child: Child,
    address: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(self.child.id() as i32),
            nix::sys::signal::Signal::SIGINT,
        );
        let _ = self.child.wait();
    }
}

fn serve(data: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gazette"))
        .args(["serve", "--no-demo", "--bind", "127.0.0.1:0", "--data-dir"])
        .arg(data)
        .env_remove("GAZETTE_DATABASE_URL")
        .env_remove("GAZETTE_CONFIG")
        .env("GAZETTE_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .expect("gazette starts");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let address = read_address(&mut stdout);
    // Keep reading so the server never blocks on a full pipe.
    std::thread::spawn(move || {
        let mut sink = String::new();
        let _ = stdout.read_to_string(&mut sink);
    });
    Server { child, address }
}

/// One HTTP/1.1 exchange: status, headers (lowercased names) and body.
fn http(address: &str, request: &str) -> (u16, Vec<(String, String)>, String) {
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let headers = head
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    (status, headers, body.to_owned())
}

fn cookie_value(headers: &[(String, String)], name: &str) -> Option<String> {
    headers
        .iter()
        .filter(|(k, _)| k == "set-cookie")
        .map(|(_, v)| v.split(';').next().unwrap().to_owned())
        .find(|v| v.starts_with(&format!("{name}=")) && v.len() > name.len() + 1)
}

/// Signs in through the running server's form; returns the status of the POST and whether it
/// set a session cookie.
fn sign_in(address: &str, email: &str, password: &str) -> (u16, bool) {
    let (status, headers, page) = http(
        address,
        &format!("GET /newsroom/login HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"),
    );
    assert_eq!(status, 200);
    let login_cookie = cookie_value(&headers, "gazette_login_csrf").unwrap();
    let token = page
        .split("name=\"login_csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let body = format!(
        "login_csrf={token}&email={}&password={}&next=%2Fnewsroom",
        email.replace('@', "%40"),
        password.replace(' ', "+")
    );
    let (status, headers, _) = http(
        address,
        &format!(
            "POST /newsroom/login HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\
             Cookie: {login_cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    );
    (status, cookie_value(&headers, "gazette_session").is_some())
}

#[test]
fn commands_work_while_the_server_runs_on_the_same_data() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path();
    let server = serve(dir);
    assert_eq!(
        sign_in(&server.address, "chief@news.test", PASSWORD),
        (401, false)
    );

    succeeds(&user(
        dir,
        &[
            "add",
            "--email",
            "chief@news.test",
            "--name",
            "Chief",
            "--role",
            "admin",
            "--no-byline",
        ],
        &format!("{PASSWORD}\n"),
    ));
    assert_eq!(
        sign_in(&server.address, "chief@news.test", PASSWORD),
        (303, true),
        "the running server lets the new admin in"
    );

    succeeds(&user(
        dir,
        &[
            "add",
            "--email",
            "olena@news.test",
            "--name",
            "Olena",
            "--role",
            "editor",
        ],
        &format!("{PASSWORD}\n"),
    ));
    assert_eq!(
        sign_in(&server.address, "olena@news.test", PASSWORD),
        (303, true)
    );
    succeeds(&user(dir, &["disable", "olena@news.test"], ""));
    assert_eq!(
        sign_in(&server.address, "olena@news.test", PASSWORD),
        (401, false),
        "and keeps a disabled one out at once"
    );
    succeeds(&user(dir, &["disable", "olena@news.test", "--enable"], ""));
    succeeds(&user(dir, &["set-role", "olena@news.test", "admin"], ""));
    succeeds(&user(
        dir,
        &["reset-password", "olena@news.test"],
        "a brand new password\n",
    ));
    assert_eq!(sign_in(&server.address, "olena@news.test", PASSWORD).0, 401);
    assert_eq!(
        sign_in(&server.address, "olena@news.test", "a brand new password"),
        (303, true)
    );
    let list = listed(dir);
    assert!(line_of(&list, "olena@news.test").contains("admin"));
    drop(server);
}
