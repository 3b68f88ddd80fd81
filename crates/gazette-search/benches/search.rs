//! Search over 100,000 generated articles: how long building the index takes (from the database,
//! as `gazette reindex` does) and how long queries take (p50, p95, p99). Run with
//!
//! ```sh
//! cargo bench -p gazette-search --bench search            # 100,000 articles
//! GAZETTE_BENCH_ARTICLES=10000 cargo bench -p gazette-search --bench search
//! ```
//!
//! Articles are made from a fixed seed, so runs are comparable: a vocabulary of English words
//! with a few Ukrainian ones and place names, drawn with a skew so that some words are common and
//! most are rare, as in real text. Figures are recorded in `bench/SEARCH.md`.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use gazette_core::{ArticleStatus, Language, NewArticle, Slug};
use gazette_search::{SearchIndex, SearchOrder, SearchQuery};
use gazette_store::testing::TestDatabase;
use gazette_store::{Backend, NewAuthor, NewSection};

const WORDS: &str = "war front line shelling drone missile attack air defence energy grid power \
    outage heating winter grain corridor port ship export harvest farmers price inflation bank \
    budget parliament law vote reform corruption court judge prosecutor investigation minister \
    president government election coalition opposition protest volunteers refugees school \
    teachers hospital doctors children family city village region mayor council bridge road \
    railway train station metro airport border customs trade sanctions diplomats talks summit \
    negotiations ceasefire agreement partners allies aid package tanks artillery ammunition \
    soldiers brigade commander general navy fleet sea coast island river dam flood storm weather \
    culture theatre museum exhibition festival music orchestra film director writer book poetry \
    language history memory monument church science university research startup technology \
    software satellite internet mobile network cyber hackers media journalist newspaper report \
    interview analysis opinion column sport football match team coach stadium olympic champion \
    medal record business company factory steel coal gas oil pipeline nuclear plant reactor \
    safety inspectors international agency mission observers humanitarian convoy evacuation \
    shelter water food supplies medicine vaccine repair reconstruction housing investment \
    київ харків одеса львів дніпро новини війна енергетика зерно переговори";
const PLACES: &[&str] = &[
    "Kyiv",
    "Kharkiv",
    "Odesa",
    "Lviv",
    "Dnipro",
    "Zaporizhzhia",
    "Mykolaiv",
    "Kherson",
    "Sumy",
    "Chernihiv",
    "Poltava",
    "Vinnytsia",
    "Uzhhorod",
    "Ivano-Frankivsk",
    "Brussels",
    "Warsaw",
];

/// A small, fixed pseudo-random sequence (xorshift): the same articles every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// An index skewed towards 0: common words are drawn often, rare ones seldom.
    fn skewed(&mut self, n: usize) -> usize {
        let a = (self.next() % n as u64) as usize;
        let b = (self.next() % n as u64) as usize;
        a.min(b)
    }
}

fn sentence(rng: &mut Rng, words: &[&str], len: usize) -> String {
    let mut out = Vec::with_capacity(len);
    for i in 0..len {
        if i % 9 == 4 {
            out.push(PLACES[rng.skewed(PLACES.len())]);
        } else {
            out.push(words[rng.skewed(words.len())]);
        }
    }
    let mut s = out.join(" ");
    if let Some(first) = s.get(..1) {
        s = first.to_uppercase() + &s[1..];
    }
    s
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    // `cargo bench` passes `--bench`; nothing else is understood.
    let articles: usize = std::env::var("GAZETTE_BENCH_ARTICLES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let words: Vec<&str> = WORDS.split_whitespace().collect();
    let now = Utc.with_ymd_and_hms(2025, 3, 31, 12, 0, 0).unwrap();

    let db = TestDatabase::new(Backend::Sqlite).await.unwrap();
    let store = db.store.clone();
    let mut sections = Vec::new();
    for (i, name) in ["War", "Politics", "Business", "Culture", "Society", "Sport"]
        .iter()
        .enumerate()
    {
        let section = store
            .create_section(
                NewSection {
                    slug: Slug::from_title(name).unwrap(),
                    name: (*name).to_owned(),
                    description: String::new(),
                    position: i as i32,
                },
                None,
            )
            .await
            .unwrap();
        sections.push(section.id);
    }
    let mut authors = Vec::new();
    for name in [
        "Olena Marchenko",
        "Taras Bondar",
        "Iryna Koval",
        "Mark Ellison",
    ] {
        let author = store
            .create_author(NewAuthor {
                slug: Slug::from_title(name).unwrap(),
                name: name.to_owned(),
                bio: String::new(),
                is_house: false,
            })
            .await
            .unwrap();
        authors.push(author.id);
    }

    println!("generating {articles} articles in SQLite...");
    let started = Instant::now();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut batch = Vec::with_capacity(1000);
    for n in 0..articles {
        let paragraphs: Vec<String> = (0..5)
            .map(|_| format!("{}.", sentence(&mut rng, &words, 60)))
            .collect();
        batch.push(NewArticle {
            language: if n % 5 == 0 {
                Language::UK
            } else {
                Language::EN
            },
            slug: Some(Slug::parse(&format!("article-{n}")).unwrap()),
            headline: format!("{} {n}", sentence(&mut rng, &words, 9)),
            standfirst: format!("{}.", sentence(&mut rng, &words, 25)),
            body_markdown: paragraphs.join("\n\n"),
            section_id: sections[n % sections.len()],
            tag_ids: vec![],
            author_ids: vec![authors[n % authors.len()]],
            status: ArticleStatus::Published,
            published_at: Some(now - chrono::Duration::minutes((articles - n) as i64 * 7)),
            updated_at: None,
            seo_title: None,
            seo_description: None,
        });
        if batch.len() == 1000 {
            store.import_articles(&batch, now).await.unwrap();
            batch.clear();
        }
    }
    if !batch.is_empty() {
        store.import_articles(&batch, now).await.unwrap();
    }
    println!("  generated in {:.1} s", started.elapsed().as_secs_f64());

    let dir = tempfile::tempdir().unwrap();
    let index = Arc::new(SearchIndex::open(dir.path()).unwrap());
    let started = Instant::now();
    let indexed = index.rebuild(store.as_ref(), |_, _| {}).await.unwrap();
    let indexing = started.elapsed();
    let size: u64 = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum();
    println!(
        "indexing: {indexed} articles in {:.1} s ({:.0} articles/s), index {:.0} MB, {} segments",
        indexing.as_secs_f64(),
        indexed as f64 / indexing.as_secs_f64(),
        size as f64 / 1e6,
        index.num_segments()
    );

    // Queries as readers type them: common and rare words, several words, a quoted phrase,
    // typos, transliterations, Cyrillic, filters, newest-first, a deep page.
    let base = |text: &str| SearchQuery {
        text: text.to_owned(),
        limit: 12,
        ..Default::default()
    };
    let mut queries: Vec<(&str, SearchQuery)> = vec![
        ("one common word", base("energy")),
        ("one rare word", base("reactor")),
        ("two words", base("grain corridor")),
        ("three words", base("air defence Kharkiv")),
        ("phrase", base("\"energy grid\"")),
        ("typo", base("negotiatons")),
        ("synonym", base("Kiev")),
        ("cyrillic", base("переговори")),
        ("place", base("Zaporizhzhia")),
        (
            "section filter",
            SearchQuery {
                section_id: Some(sections[0]),
                ..base("missile")
            },
        ),
        (
            "language filter",
            SearchQuery {
                language: Some(Language::UK),
                ..base("війна")
            },
        ),
        (
            "date range",
            SearchQuery {
                from: Some(now - chrono::Duration::days(30)),
                ..base("harvest")
            },
        ),
        (
            "newest first",
            SearchQuery {
                order: SearchOrder::Newest,
                ..base("parliament vote")
            },
        ),
        (
            "page 20",
            SearchQuery {
                offset: 19 * 12,
                ..base("city")
            },
        ),
    ];
    // Warm the page cache and the searcher, as a running server would be.
    for (_, q) in &queries {
        index.search(q, now).unwrap();
    }
    let rounds = 150;
    let mut all = Vec::new();
    println!("\nquery latency ({rounds} runs each, ms):");
    println!(
        "{:<16} {:>8} {:>8} {:>8} {:>8}",
        "query", "hits", "p50", "p95", "p99"
    );
    for (name, q) in &mut queries {
        let mut times = Vec::with_capacity(rounds);
        let mut hits = 0;
        let mut more = false;
        for _ in 0..rounds {
            let started = Instant::now();
            let results = index.search(q, now).unwrap();
            times.push(started.elapsed());
            hits = results.total;
            more = results.more;
        }
        times.sort();
        println!(
            "{:<16} {:>8} {:>8.2} {:>8.2} {:>8.2}",
            name,
            format!("{}{hits}", if more { ">" } else { "" }),
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.95)),
            ms(percentile(&times, 0.99))
        );
        all.extend(times);
    }
    all.sort();
    println!(
        "{:<16} {:>8} {:>8.2} {:>8.2} {:>8.2}",
        "all",
        "",
        ms(percentile(&all, 0.5)),
        ms(percentile(&all, 0.95)),
        ms(percentile(&all, 0.99))
    );
    db.finish().await;
}
