//! The search index as readers meet it: articles in English, Ukrainian and Russian on a real
//! store, found by what readers type.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use gazette_core::{Article, ArticleStatus, Language, NewArticle, Slug};
use gazette_search::{SearchIndex, SearchOrder, SearchQuery};
use gazette_store::testing::TestDatabase;
use gazette_store::{Backend, NewAuthor, NewSection, Store};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 31, 12, 0, 0).unwrap()
}

struct Fixture {
    db: TestDatabase,
    store: Arc<dyn Store>,
    index: Arc<SearchIndex>,
    _dir: tempfile::TempDir,
    war: i64,
    culture: i64,
    olena: i64,
    taras: i64,
}

impl Fixture {
    async fn new() -> Self {
        let db = TestDatabase::new(Backend::Sqlite).await.unwrap();
        let store = db.store.clone();
        let section = |slug: &str, name: &str, position| NewSection {
            slug: Slug::parse(slug).unwrap(),
            name: name.into(),
            description: String::new(),
            position,
        };
        let war = store
            .create_section(section("war", "War", 1), None)
            .await
            .unwrap()
            .id;
        let culture = store
            .create_section(section("culture", "Culture", 2), None)
            .await
            .unwrap()
            .id;
        let author = |slug: &str, name: &str| NewAuthor {
            slug: Slug::parse(slug).unwrap(),
            name: name.into(),
            bio: String::new(),
            is_house: false,
        };
        let olena = store
            .create_author(author("olena", "Olena Marchenko"))
            .await
            .unwrap()
            .id;
        let taras = store
            .create_author(author("taras", "Taras Bondar"))
            .await
            .unwrap()
            .id;
        let dir = tempfile::tempdir().unwrap();
        let index = Arc::new(SearchIndex::open(dir.path()).unwrap());
        Self {
            db,
            store,
            index,
            _dir: dir,
            war,
            culture,
            olena,
            taras,
        }
    }

    fn article(&self, headline: &str, body: &str) -> NewArticle {
        NewArticle {
            language: Language::EN,
            slug: None,
            headline: headline.into(),
            standfirst: String::new(),
            body_markdown: body.into(),
            section_id: self.war,
            tag_ids: vec![],
            author_ids: vec![self.olena],
            status: ArticleStatus::Published,
            published_at: Some(now() - Duration::days(1)),
            updated_at: None,
            seo_title: None,
            seo_description: None,
        }
    }

    async fn add(&self, article: NewArticle) -> Article {
        self.store
            .create_article(article, now() - Duration::days(2))
            .await
            .unwrap()
    }

    /// Applies every change-log entry the index has not seen, as the node's follower does.
    async fn sync(&self) {
        let _guard = self.index.lock_updates().await;
        let changes = self
            .store
            .changes_since(self.index.seq(), 1000)
            .await
            .unwrap();
        self.index
            .apply_changes(self.store.as_ref(), &changes)
            .await
            .unwrap();
    }

    fn search(&self, text: &str) -> Vec<String> {
        self.search_with(SearchQuery {
            text: text.into(),
            limit: 20,
            ..Default::default()
        })
    }

    /// Headlines found, best first, with the marks taken out.
    fn search_with(&self, query: SearchQuery) -> Vec<String> {
        self.index
            .search(&query, now())
            .unwrap()
            .hits
            .into_iter()
            .map(|h| h.headline_html.replace("<mark>", "").replace("</mark>", ""))
            .collect()
    }

    async fn finish(self) {
        self.db.finish().await;
    }
}

#[tokio::test]
async fn words_are_found_in_english_ukrainian_and_russian_whatever_their_case() {
    let f = Fixture::new().await;
    f.add(f.article("Negotiations resume in Geneva", "Diplomats met again."))
        .await;
    let mut uk = f.article(
        "Переговори у Женеві відновилися",
        "Дипломати знову зустрілися.",
    );
    uk.language = Language::UK;
    f.add(uk).await;
    f.add(f.article(
        "Переговоры в Женеве возобновились",
        "Дипломаты снова встретились.",
    ))
    .await;
    f.index.rebuild(f.store.as_ref(), |_, _| {}).await.unwrap();

    assert_eq!(f.search("NEGOTIATION"), ["Negotiations resume in Geneva"]);
    // Ukrainian and Russian share most word forms: one word finds both editions' articles...
    let mut both = f.search("ПЕРЕГОВОРОВ");
    both.sort();
    assert_eq!(
        both,
        [
            "Переговори у Женеві відновилися",
            "Переговоры в Женеве возобновились"
        ]
    );
    // ...and the language filter tells them apart.
    let ukrainian = f.search_with(SearchQuery {
        text: "дипломатов".into(),
        language: Some(Language::UK),
        limit: 10,
        ..Default::default()
    });
    assert_eq!(ukrainian, ["Переговори у Женеві відновилися"]);
    assert_eq!(
        f.search("возобновились"),
        ["Переговоры в Женеве возобновились"]
    );
    assert_eq!(f.search("відновилися"), ["Переговори у Женеві відновилися"]);
    f.finish().await;
}

#[tokio::test]
async fn ukrainian_apostrophes_of_any_kind_find_the_same_word() {
    let f = Fixture::new().await;
    f.add(f.article("П’ять областей без світла", "Енергетики працюють."))
        .await;
    f.index.rebuild(f.store.as_ref(), |_, _| {}).await.unwrap();
    assert_eq!(f.search("п'ять"), ["П’ять областей без світла"]);
    assert_eq!(f.search("пʼять"), ["П’ять областей без світла"]);
    f.finish().await;
}

#[tokio::test]
async fn one_typo_in_a_longer_word_is_forgiven_but_short_words_must_match() {
    let f = Fixture::new().await;
    f.add(f.article("Parliament passes budget", "The vote was close."))
        .await;
    f.add(f.article("Grain ships leave Odesa", "A record month."))
        .await;
    f.index.rebuild(f.store.as_ref(), |_, _| {}).await.unwrap();
    assert_eq!(f.search("parliment"), ["Parliament passes budget"]);
    assert_eq!(
        f.search("budgte"),
        ["Parliament passes budget"],
        "a swap is one typo"
    );
    assert!(f.search("vot").is_empty(), "short words are not guessed");
    assert_eq!(
        f.search("brain"),
        ["Grain ships leave Odesa"],
        "five letters are long enough for one typo"
    );
    f.finish().await;
}

#[tokio::test]
async fn transliterated_names_are_found_through_the_synonym_list_editors_extend() {
    let f = Fixture::new().await;
    f.add(f.article("Kyiv metro extends hours", "Stations stay open."))
        .await;
    f.add(f.article("Zelenskyy meets governors", "A long meeting."))
        .await;
    f.add(f.article("Cherkasy hosts a festival", "Music all week."))
        .await;
    f.index.rebuild(f.store.as_ref(), |_, _| {}).await.unwrap();

    assert_eq!(f.search("Kiev"), ["Kyiv metro extends hours"]);
    assert_eq!(f.search("Київ"), ["Kyiv metro extends hours"]);
    assert_eq!(f.search("Zelensky"), ["Zelenskyy meets governors"]);
    assert!(f.search("Cherkassy").len() <= 1);

    f.store
        .add_synonym_group(&["Cherkasy".into(), "Черкаси".into()], None, now())
        .await
        .unwrap();
    f.sync().await;
    assert_eq!(f.search("черкаси"), ["Cherkasy hosts a festival"]);
    f.finish().await;
}

#[tokio::test]
async fn headline_matches_rank_above_body_matches_and_recent_news_is_lifted() {
    let f = Fixture::new().await;
    let mut old_headline = f.article("Drones over Kharkiv", "Air defence was busy.");
    old_headline.published_at = Some(now() - Duration::days(400));
    f.add(old_headline).await;
    f.add(f.article(
        "Night in the city",
        "Drones were heard over the suburbs all night.",
    ))
    .await;
    let mut new_headline = f.article("Drones shot down near Sumy", "Quiet morning after.");
    new_headline.published_at = Some(now() - Duration::hours(2));
    f.add(new_headline).await;
    f.index.rebuild(f.store.as_ref(), |_, _| {}).await.unwrap();

    assert_eq!(
        f.search("drones"),
        [
            "Drones shot down near Sumy",
            "Drones over Kharkiv",
            "Night in the city"
        ]
    );
    let newest = f.search_with(SearchQuery {
        text: "drones".into(),
        order: SearchOrder::Newest,
        limit: 10,
        ..Default::default()
    });
    assert_eq!(
        newest,
        [
            "Drones shot down near Sumy",
            "Night in the city",
            "Drones over Kharkiv"
        ]
    );
    f.finish().await;
}

#[tokio::test]
async fn matches_are_counted_up_to_a_thousand_and_pages_never_repeat_an_article() {
    let f = Fixture::new().await;
    let mut batch = Vec::new();
    for n in 0..1_010 {
        // Some older reports match better, so that recency and relevance pull different ways.
        let body = if n % 3 == 0 {
            "Harvest, harvest, harvest."
        } else {
            "Grain and harvest."
        };
        let mut a = f.article(&format!("Harvest report {n}"), body);
        a.slug = Some(Slug::parse(&format!("harvest-{n}")).unwrap());
        a.published_at = Some(now() - Duration::hours(n));
        batch.push(a);
    }
    for n in 0..5 {
        let mut a = f.article(&format!("Reactor inspection {n}"), "Inspectors visited.");
        a.slug = Some(Slug::parse(&format!("reactor-{n}")).unwrap());
        batch.push(a);
    }
    f.store.import_articles(&batch, now()).await.unwrap();
    f.index.rebuild(f.store.as_ref(), |_, _| {}).await.unwrap();

    let query = |text: &str, offset| SearchQuery {
        text: text.into(),
        offset,
        limit: 100,
        ..Default::default()
    };
    let many = f.index.search(&query("harvest", 0), now()).unwrap();
    assert_eq!((many.total, many.more), (1_000, true));
    let few = f.index.search(&query("reactor", 0), now()).unwrap();
    assert_eq!((few.total, few.more), (5, false));

    // Ten pages of 100, past the first few hundred re-ranked by recency: each article once.
    let mut seen = std::collections::BTreeSet::new();
    for page in 0..11 {
        let results = f
            .index
            .search(&query("harvest", page * 100), now())
            .unwrap();
        for hit in results.hits {
            assert!(seen.insert(hit.id), "article {} shown twice", hit.id);
        }
    }
    assert_eq!(seen.len(), 1_010);
    // Among the best matches, the newest comes first.
    assert_eq!(f.search("harvest")[0], "Harvest report 0");
    f.finish().await;
}

#[tokio::test]
async fn filters_narrow_by_section_author_language_and_dates() {
    let f = Fixture::new().await;
    let mut a = f.article("Theatre reopens in Kharkiv", "");
    a.section_id = f.culture;
    a.author_ids = vec![f.taras];
    a.published_at = Some(now() - Duration::days(40));
    f.add(a).await;
    f.add(f.article("Shelling in Kharkiv", "")).await;
    let mut uk = f.article("Kharkiv: звіт", "");
    uk.language = Language::UK;
    f.add(uk).await;
    f.index.rebuild(f.store.as_ref(), |_, _| {}).await.unwrap();

    let base = SearchQuery {
        text: "kharkiv".into(),
        limit: 10,
        ..Default::default()
    };
    let by = |q: SearchQuery| {
        let mut found = f.search_with(q);
        found.sort();
        found
    };
    assert_eq!(
        by(SearchQuery {
            section_id: Some(f.culture),
            ..base.clone()
        }),
        ["Theatre reopens in Kharkiv"]
    );
    assert_eq!(
        by(SearchQuery {
            author_id: Some(f.taras),
            ..base.clone()
        }),
        ["Theatre reopens in Kharkiv"]
    );
    assert_eq!(
        by(SearchQuery {
            language: Some(Language::UK),
            ..base.clone()
        }),
        ["Kharkiv: звіт"]
    );
    assert_eq!(
        by(SearchQuery {
            from: Some(now() - Duration::days(7)),
            ..base.clone()
        }),
        ["Kharkiv: звіт", "Shelling in Kharkiv"]
    );
    assert_eq!(
        by(SearchQuery {
            until: Some(now() - Duration::days(7)),
            ..base.clone()
        }),
        ["Theatre reopens in Kharkiv"]
    );
    f.finish().await;
}

#[tokio::test]
async fn snippets_mark_the_words_found_and_escape_the_rest() {
    let f = Fixture::new().await;
    f.add(f.article(
        "Ceasefire talks",
        "Officials said <the> talks on a ceasefire would continue in Istanbul next week.",
    ))
    .await;
    f.index.rebuild(f.store.as_ref(), |_, _| {}).await.unwrap();
    let results = f
        .index
        .search(
            &SearchQuery {
                text: "istanbul".into(),
                limit: 10,
                ..Default::default()
            },
            now(),
        )
        .unwrap();
    assert_eq!(results.total, 1);
    let snippet = &results.hits[0].snippet_html;
    assert!(snippet.contains("<mark>Istanbul</mark>"), "{snippet}");
    assert!(!snippet.contains("<the>"), "{snippet}");
    f.finish().await;
}

#[tokio::test]
async fn publishing_updating_and_unpublishing_reach_the_index_through_the_change_log() {
    let f = Fixture::new().await;
    f.index.rebuild(f.store.as_ref(), |_, _| {}).await.unwrap();
    let mut draft = f.article("Secret budget draft", "Nobody may read this yet.");
    draft.status = ArticleStatus::Draft;
    let a = f.add(draft).await;
    f.sync().await;
    assert!(f.search("budget").is_empty(), "drafts are never searchable");

    f.store
        .set_article_status(
            a.id,
            ArticleStatus::Published,
            Some(now() - Duration::hours(1)),
            now(),
        )
        .await
        .unwrap();
    f.sync().await;
    assert_eq!(f.search("budget"), ["Secret budget draft"]);

    let mut edited = f.article("Budget approved", "Now public.");
    edited.published_at = Some(now() - Duration::hours(1));
    f.store.update_article(a.id, edited, now()).await.unwrap();
    f.sync().await;
    assert_eq!(f.search("budget"), ["Budget approved"]);
    assert!(f.search("secret").is_empty(), "the old text is gone");

    f.store
        .set_article_status(a.id, ArticleStatus::Unpublished, None, now())
        .await
        .unwrap();
    f.sync().await;
    assert!(f.search("budget").is_empty());
    f.finish().await;
}

#[tokio::test]
async fn embargoed_articles_are_found_only_from_their_publication_time() {
    let f = Fixture::new().await;
    let mut embargoed = f.article("Embargoed report on exports", "");
    embargoed.published_at = Some(now() + Duration::hours(3));
    f.add(embargoed).await;
    f.index.rebuild(f.store.as_ref(), |_, _| {}).await.unwrap();
    assert!(f.search("exports").is_empty());
    let later = f
        .index
        .search(
            &SearchQuery {
                text: "exports".into(),
                limit: 5,
                ..Default::default()
            },
            now() + Duration::hours(4),
        )
        .unwrap();
    assert_eq!(later.total, 1);
    f.finish().await;
}

#[tokio::test]
async fn an_index_reopened_resumes_where_it_stopped_and_an_unknown_one_is_rebuilt() {
    let f = Fixture::new().await;
    f.add(f.article("Kept across restarts", "")).await;
    assert!(f.index.needs_rebuild(), "a new index must be built first");
    f.index.rebuild(f.store.as_ref(), |_, _| {}).await.unwrap();
    assert!(!f.index.needs_rebuild());
    let seq = f.index.seq();
    assert_eq!(seq, f.store.latest_change_seq().await.unwrap());
    let dir = f.index.dir().to_owned();
    let Fixture {
        db, index, _dir, ..
    } = f;
    drop(index);

    let reopened = SearchIndex::open(&dir).unwrap();
    assert!(!reopened.needs_rebuild());
    assert_eq!(reopened.seq(), seq);
    assert_eq!(reopened.num_docs(), 1);
    drop(reopened);

    // A folder holding something else entirely is taken over and marked for a rebuild.
    let other = tempfile::tempdir().unwrap();
    std::fs::write(other.path().join("meta.json"), "not an index").unwrap();
    let replaced = SearchIndex::open(other.path()).unwrap();
    assert!(replaced.needs_rebuild());
    assert_eq!(replaced.num_docs(), 0);
    db.finish().await;
}

#[tokio::test]
async fn strange_queries_find_nothing_rather_than_fail() {
    let f = Fixture::new().await;
    f.add(f.article("Ordinary news", "Ordinary text.")).await;
    f.index.rebuild(f.store.as_ref(), |_, _| {}).await.unwrap();
    for q in [
        "",
        "\"",
        "\"\"",
        "***",
        "AND OR NOT",
        "field:value",
        "(((",
        "-",
        "\u{0}",
        "😀",
        "title:\"x",
        "a\"b\"c\"",
    ] {
        let found = f.index.search(
            &SearchQuery {
                text: q.into(),
                limit: 10,
                ..Default::default()
            },
            now(),
        );
        assert!(found.is_ok(), "{q:?}: {found:?}");
    }
    let long = "news ".repeat(500);
    assert_eq!(f.search(&long), ["Ordinary news"]);
    assert_eq!(f.search("\"ordinary news\""), ["Ordinary news"]);
    assert!(
        f.search("\"news ordinary\"").is_empty(),
        "a quoted phrase keeps its order"
    );
    f.finish().await;
}
