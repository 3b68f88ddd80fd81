//! The figures: per entry and overall, delivery latency from the posting request's return.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Instant;

use crate::Config;
use crate::http::Posted;
use crate::stream::{Counters, Received};

/// Delivery of a set of entries to a set of readers.
#[derive(Default)]
struct Tally {
    /// Deliveries expected: readers × entries.
    expected: usize,
    /// Latencies in ms, one per delivery (before the POST returned counts as 0).
    latencies: Vec<f64>,
    /// Deliveries that arrived before the posting request had returned.
    early: usize,
    /// Entries a reader received more than once.
    duplicates: usize,
}

impl Tally {
    fn add(&mut self, posted: &Posted, received: &[&Received]) {
        self.expected += received.len();
        for r in received {
            let mut times = r.entries.iter().filter(|(id, _)| *id == posted.id);
            if let Some((_, at)) = times.next() {
                self.latencies.push(latency_ms(posted.returned, *at));
                if *at < posted.returned {
                    self.early += 1;
                }
            }
            self.duplicates += times.count();
        }
    }

    fn line(&mut self) -> String {
        self.latencies.sort_by(|a, b| a.total_cmp(b));
        let got = self.latencies.len();
        let pct = |n: usize| 100.0 * n as f64 / self.expected.max(1) as f64;
        let within = |ms: f64| pct(self.latencies.iter().filter(|l| **l <= ms).count());
        let q = |p: f64| percentile(&self.latencies, p);
        format!(
            "delivered {got}/{} ({:.2}%); p50 {} p90 {} p99 {} max {}; within 1 s {:.2}%, within 2 s {:.2}% \
             (of all expected); before the POST returned {}; duplicates {}",
            self.expected,
            pct(got),
            ms(q(50.0)),
            ms(q(90.0)),
            ms(q(99.0)),
            ms(q(100.0)),
            within(1000.0),
            within(2000.0),
            self.early,
            self.duplicates,
        )
    }

    fn meets_targets(&self) -> bool {
        let n = self.expected.max(1) as f64;
        let in1 = self.latencies.iter().filter(|l| **l <= 1000.0).count() as f64;
        let in2 = self.latencies.iter().filter(|l| **l <= 2000.0).count();
        in1 / n >= 0.99 && in2 == self.expected
    }
}

fn latency_ms(from: Instant, to: Instant) -> f64 {
    to.saturating_duration_since(from).as_secs_f64() * 1000.0
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

fn ms(v: Option<f64>) -> String {
    v.map_or("-".into(), |v| format!("{v:.0} ms"))
}

pub fn print(
    config: &Config,
    targets: &[(String, SocketAddr)],
    posted: &[Posted],
    received: &[Received],
    counters: &Counters,
    open_at_end: usize,
    connected: usize,
) {
    let all: Vec<&Received> = received.iter().collect();
    let mut by_target: HashMap<usize, Vec<&Received>> = HashMap::new();
    for r in received {
        by_target.entry(r.target).or_default().push(r);
    }
    let mut overall = Tally::default();
    let mut per_target: Vec<Tally> = targets.iter().map(|_| Tally::default()).collect();
    let mut meeting = 0;
    for (n, p) in posted.iter().enumerate() {
        let mut one = Tally::default();
        one.add(p, &all);
        overall.add(p, &all);
        for (t, tally) in per_target.iter_mut().enumerate() {
            tally.add(p, by_target.get(&t).map_or(&[][..], |v| &v[..]));
        }
        if one.meets_targets() {
            meeting += 1;
        }
        if !config.quiet {
            println!(
                "entry {} ({}/{}, POST {:.1} ms): {}",
                p.id,
                n + 1,
                posted.len(),
                p.request.as_secs_f64() * 1000.0,
                one.line()
            );
        }
    }
    println!(
        "streams: {} wanted, {connected} connected, {open_at_end} open at the end; connect errors {}, \
         refusals {}, drops {}, reconnects {}",
        config.connections,
        counters.connect_errors,
        counters.refused,
        counters.drops,
        counters.reconnects
    );
    if posted.is_empty() {
        return;
    }
    if targets.len() > 1 {
        for (t, tally) in per_target.iter_mut().enumerate() {
            println!(
                "via {}: {} connected, {} drops; {}",
                targets[t].0,
                counters.connected_per_target[t],
                counters.drops_per_target[t],
                tally.line()
            );
        }
    }
    let mut posts: Vec<f64> = posted
        .iter()
        .map(|p| p.request.as_secs_f64() * 1000.0)
        .collect();
    posts.sort_by(|a, b| a.total_cmp(b));
    println!(
        "overall: {} entries x {} streams: {}",
        posted.len(),
        config.connections,
        overall.line()
    );
    println!(
        "posting requests: p50 {} max {}; entries reaching 99% within 1 s and all within 2 s: {meeting}/{}",
        ms(percentile(&posts, 50.0)),
        ms(percentile(&posts, 100.0)),
        posted.len()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 50.0), Some(50.0));
        assert_eq!(percentile(&v, 99.0), Some(99.0));
        assert_eq!(percentile(&v, 100.0), Some(100.0));
        assert_eq!(percentile(&[], 50.0), None);
    }
}
