//! `gazette generate`: fills a site with many synthetic articles, for benchmarks and load tests.
//! The text is assembled from word lists — plausible shapes and lengths, no meaning — and
//! deterministic, so two runs with the same count make the same site.

use chrono::{DateTime, Duration, Utc};
use gazette_core::{ArticleStatus, Language, NewArticle};
use gazette_store::Store;

const PLACES: [&str; 12] = [
    "Kyiv",
    "Kharkiv",
    "Odesa",
    "Lviv",
    "Dnipro",
    "Zaporizhzhia",
    "Mykolaiv",
    "Chernihiv",
    "Sumy",
    "Poltava",
    "Vinnytsia",
    "Kherson",
];
const SUBJECTS: [&str; 12] = [
    "Air defence crews",
    "Grain exporters",
    "City council",
    "Rail operator",
    "Energy engineers",
    "Volunteers",
    "Parliament committee",
    "Central bank",
    "Teachers",
    "Museum curators",
    "Farmers",
    "Deminers",
];
const VERBS: [&str; 10] = [
    "prepare for",
    "report progress on",
    "debate",
    "secure funding for",
    "warn about",
    "complete",
    "expand",
    "review",
    "restore",
    "plan",
];
const OBJECTS: [&str; 12] = [
    "winter repairs",
    "new export routes",
    "the reconstruction budget",
    "underground classrooms",
    "drone interception",
    "power grid upgrades",
    "heritage restoration",
    "veteran support",
    "bridge reconstruction",
    "mine clearance",
    "a new aid package",
    "housing for displaced families",
];
const WORDS: [&str; 24] = [
    "officials",
    "said",
    "the",
    "region",
    "during",
    "week",
    "residents",
    "new",
    "plan",
    "would",
    "support",
    "according",
    "to",
    "local",
    "data",
    "more",
    "than",
    "last",
    "year",
    "while",
    "crews",
    "continued",
    "work",
    "front",
];

/// A small deterministic generator (xorshift), so runs are repeatable without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

fn paragraph(rng: &mut Rng, words: usize) -> String {
    let mut text = String::with_capacity(words * 7);
    for i in 0..words {
        let word = rng.pick(&WORDS);
        if i == 0 {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                text.extend(first.to_uppercase());
                text.push_str(chars.as_str());
            }
        } else {
            text.push(' ');
            text.push_str(word);
        }
    }
    text.push('.');
    text
}

/// Adds `count` published articles spread over the last `count / 50` days, in batches.
pub async fn generate(store: &dyn Store, count: usize, now: DateTime<Utc>) -> anyhow::Result<()> {
    let sections = store.sections().await?;
    let authors = store.authors().await?;
    anyhow::ensure!(
        !sections.is_empty() && !authors.is_empty(),
        "run `gazette demo` first: articles need sections and authors"
    );
    let mut tags = Vec::new();
    for place in PLACES {
        tags.push(store.ensure_tag(place).await?.id);
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let minutes_apart = (60 * 24 * 365 / count.max(1)).max(1) as i64;
    let started = std::time::Instant::now();
    let mut done = 0;
    while done < count {
        let batch_size = (count - done).min(1000);
        let batch: Vec<NewArticle> = (0..batch_size)
            .map(|i| {
                let n = done + i;
                let headline = format!(
                    "{} in {} {} {} ({})",
                    rng.pick(&SUBJECTS),
                    rng.pick(&PLACES),
                    rng.pick(&VERBS),
                    rng.pick(&OBJECTS),
                    n + 1
                );
                let body = (0..6)
                    .map(|_| paragraph(&mut rng, 60))
                    .collect::<Vec<_>>()
                    .join("\n\n");
                let published_at = now - Duration::minutes(minutes_apart * (count - n) as i64 + 30);
                NewArticle {
                    language: Language::EN,
                    slug: None,
                    standfirst: paragraph(&mut rng, 25),
                    headline,
                    body_markdown: body,
                    section_id: sections[n % sections.len()].id,
                    tag_ids: vec![tags[n % tags.len()], tags[(n / 7) % tags.len()]],
                    author_ids: vec![authors[n % authors.len()].id],
                    status: ArticleStatus::Published,
                    published_at: Some(published_at),
                    updated_at: None,
                    seo_title: None,
                    seo_description: None,
                }
            })
            .collect();
        store.import_articles(&batch, now).await?;
        done += batch_size;
        if done % 10_000 == 0 || done == count {
            println!(
                "  {done} articles ({:.0} s)",
                started.elapsed().as_secs_f64()
            );
        }
    }
    Ok(())
}
