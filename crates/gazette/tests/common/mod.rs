//! Helpers shared by the tests that start the real binary.

use std::io::BufRead;

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
