//! Progress while an import runs: a bar with rate and time left on a terminal, plain lines every
//! few seconds otherwise (a log, a CI job, `nohup`), both on stderr so that stdout carries only
//! the report.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

const LINE_EVERY: Duration = Duration::from_secs(5);

pub enum Progress {
    Bar(ProgressBar),
    Lines {
        total: u64,
        started: Instant,
        last_line: Instant,
    },
}

impl Progress {
    /// Progress over `total` posts and pages.
    pub fn new(total: u64) -> Self {
        if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new(total);
            bar.set_style(
                ProgressStyle::with_template(
                    "{bar:40} {pos}/{len} items, {per_sec}, {elapsed} ({eta} left)",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            Self::Bar(bar)
        } else {
            let now = Instant::now();
            Self::Lines {
                total,
                started: now,
                last_line: now,
            }
        }
    }

    pub fn set(&mut self, done: u64) {
        match self {
            Self::Bar(bar) => bar.set_position(done),
            Self::Lines {
                total,
                started,
                last_line,
            } => {
                if last_line.elapsed() < LINE_EVERY {
                    return;
                }
                *last_line = Instant::now();
                eprintln!("{}", line(done, *total, started.elapsed()));
            }
        }
    }

    pub fn finish(self) {
        if let Self::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}

/// "1200 of 5000 items (400/s, about 10 s left)".
fn line(done: u64, total: u64, elapsed: Duration) -> String {
    let seconds = elapsed.as_secs_f64().max(0.001);
    let rate = done as f64 / seconds;
    let left = if rate > 0.0 {
        format!(
            ", about {} s left",
            (total.saturating_sub(done) as f64 / rate).ceil()
        )
    } else {
        String::new()
    };
    format!("{done} of {total} items ({rate:.0}/s{left})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_progress_line_gives_the_rate_and_the_time_left() {
        assert_eq!(
            line(1200, 5000, Duration::from_secs(3)),
            "1200 of 5000 items (400/s, about 10 s left)"
        );
        assert_eq!(line(0, 10, Duration::from_secs(1)), "0 of 10 items (0/s)");
    }
}
