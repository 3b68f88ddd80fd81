//! The words readers and the newsroom see: every message a template or the code asks for exists in
//! every language, every message a file defines is asked for somewhere, plurals and dates read as
//! each language writes them, and a Ukrainian page carries no English theme words.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::TimeZone;
use common::{TestApp, days_ago};
use fluent_bundle::FluentArgs;
use gazette_core::Language;
use gazette_web::locale::Locales;

/// Messages asked for by an id the code builds or passes through a helper, so that no literal
/// names them at the call. Keep each with the reason.
const USED_INDIRECTLY: &[&str] = &[
    // `Locales::date`, behind every date on every page.
    "date-long",
    // `Locales::language_name`, for the edition switcher and the search filter.
    "language-name",
];

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every file under `dir` whose name ends with `extension`.
fn files(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files(&path, extension));
        } else if path.to_string_lossy().ends_with(extension) {
            found.push(path);
        }
    }
    found.sort();
    found
}

fn is_id(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_alphabetic())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The ids of `t("…")` and `t('…')` in a template. A call whose id is built (`t("status-" ~ s)`)
/// names no id: its messages belong in [`USED_INDIRECTLY`].
fn template_ids(text: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(at) = text[from..].find("t(") {
        let start = from + at;
        from = start + 2;
        if start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_') {
            continue;
        }
        let rest = text[from..].trim_start();
        let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        let Some(end) = rest[1..].find(quote) else {
            continue;
        };
        let id = &rest[1..1 + end];
        let after = rest[1 + end + 1..].trim_start();
        if is_id(id) && (after.starts_with(')') || after.starts_with(',')) {
            ids.push(id.to_owned());
        }
    }
    ids
}

/// The ids Rust passes to `.word(language, "…")`, `.text(language, "…", …)` and
/// `.count(language, "…", n)`: a literal as the second argument. (A form's `.text("field")` has
/// its literal first and is not a message.)
fn rust_ids(text: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for method in [".word(", ".text(", ".count("] {
        let mut from = 0;
        while let Some(at) = text[from..].find(method) {
            from += at + method.len();
            // The first argument: up to the first comma outside brackets, with no literal in it.
            let mut depth = 0i32;
            let mut comma = None;
            for (i, c) in text[from..].char_indices() {
                match c {
                    '(' | '[' | '{' => depth += 1,
                    ')' | ']' | '}' if depth == 0 => break,
                    ')' | ']' | '}' => depth -= 1,
                    '"' => break,
                    ',' if depth == 0 => {
                        comma = Some(from + i);
                        break;
                    }
                    _ => {}
                }
            }
            let Some(comma) = comma else { continue };
            let rest = text[comma + 1..].trim_start();
            let Some(literal) = rest.strip_prefix('"') else {
                continue;
            };
            if let Some(id) = literal.split('"').next().filter(|id| is_id(id)) {
                ids.push(id.to_owned());
            }
        }
    }
    ids
}

/// Every message id asked for, with where (for the failure message).
fn used_ids() -> Vec<(String, String)> {
    let root = repository();
    let mut used = Vec::new();
    let template_dirs = [
        root.join("themes/default/templates"),
        root.join("crates/gazette-web/newsroom/templates"),
    ];
    for dir in template_dirs {
        let templates = files(&dir, ".html");
        assert!(!templates.is_empty(), "no templates in {}", dir.display());
        for path in templates {
            let text = std::fs::read_to_string(&path).unwrap();
            for id in template_ids(&text) {
                used.push((id, path.display().to_string()));
            }
        }
    }
    let crates = std::fs::read_dir(root.join("crates")).unwrap();
    for krate in crates.flatten() {
        for path in files(&krate.path().join("src"), ".rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            // A module's unit tests (at its end) try messages of their own making.
            let code = text.split("\n#[cfg(test)]").next().unwrap_or_default();
            for id in rust_ids(code) {
                used.push((id, path.display().to_string()));
            }
        }
    }
    for id in USED_INDIRECTLY {
        used.push(((*id).to_owned(), "USED_INDIRECTLY".to_owned()));
    }
    used
}

#[test]
fn the_scanners_find_ids_in_templates_and_code() {
    assert_eq!(
        template_ids(r#"{{ t("nav-skip") }} {{ t('byline', count=2) }} {{ t("status-" ~ s) }}"#),
        ["nav-skip", "byline"]
    );
    assert_eq!(
        rust_ids(
            r#"locales.word(site.language, "breadcrumb-home"); form.text("name");
               locales().text(edition.language(), "list-page-n", Some(&args));
               l.count(lang, "views", 3); s.chars().count()"#
        ),
        ["breadcrumb-home", "list-page-n", "views"]
    );
}

#[test]
fn every_message_asked_for_exists_in_every_language() {
    let locales = Locales::embedded().expect("the locale files load");
    let languages = locales.languages();
    assert!(languages.contains(&Language::EN) && languages.contains(&Language::UK));
    let mut missing = BTreeSet::new();
    for (id, place) in used_ids() {
        for language in &languages {
            if !locales.has(*language, &id) {
                missing.insert(format!("{id} (locales/{language}/, asked for in {place})"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "messages asked for but not defined:\n{}",
        missing.into_iter().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn every_message_defined_is_asked_for() {
    let locales = Locales::embedded().expect("the locale files load");
    let used: BTreeSet<String> = used_ids().into_iter().map(|(id, _)| id).collect();
    let mut unused = BTreeSet::new();
    for language in locales.languages() {
        for id in locales.ids(language) {
            if !used.contains(id) {
                unused.insert(format!("{id} (locales/{language}/)"));
            }
        }
    }
    assert!(
        unused.is_empty(),
        "messages no template or code asks for (remove them, or list an id built in code in \
         USED_INDIRECTLY):\n{}",
        unused.into_iter().collect::<Vec<_>>().join("\n")
    );
}

fn with_query(locales: &Locales, language: Language, id: &str, count: i64) -> String {
    let mut args = FluentArgs::new();
    args.set("count", count);
    args.set("query", "Київ");
    locales.text(language, id, Some(&args))
}

#[test]
fn ukrainian_counts_take_the_form_their_number_asks_for() {
    let locales = Locales::embedded().unwrap();
    let uk = Language::UK;
    let views = |n| format!("{n} {}", locales.count(uk, "article-views-unit", n));
    assert_eq!(views(1), "1 перегляд");
    assert_eq!(views(2), "2 перегляди");
    assert_eq!(views(4), "4 перегляди");
    assert_eq!(views(5), "5 переглядів");
    assert_eq!(views(11), "11 переглядів");
    assert_eq!(views(14), "14 переглядів");
    assert_eq!(views(20), "20 переглядів");
    assert_eq!(views(21), "21 перегляд");
    assert_eq!(views(22), "22 перегляди");
    assert_eq!(views(25), "25 переглядів");
    assert_eq!(views(111), "111 переглядів");
    assert_eq!(views(0), "0 переглядів");

    let results = |n| with_query(&locales, uk, "search-results", n);
    assert_eq!(results(1), "1 результат за запитом «Київ»");
    assert_eq!(results(3), "3 результати за запитом «Київ»");
    assert_eq!(results(12), "12 результатів за запитом «Київ»");
    assert_eq!(results(21), "21 результат за запитом «Київ»");
    assert_eq!(results(22), "22 результати за запитом «Київ»");
    assert_eq!(results(25), "25 результатів за запитом «Київ»");
    assert_eq!(results(111), "111 результатів за запитом «Київ»");
    assert_eq!(results(1234), "1\u{a0}234 результати за запитом «Київ»");

    assert_eq!(locales.count(uk, "live-updates", 1), "1 оновлення");
    assert_eq!(locales.count(uk, "live-updates", 3), "3 оновлення");
    assert_eq!(locales.count(uk, "live-updates", 5), "5 оновлень");
    assert_eq!(locales.count(uk, "live-updates", 21), "21 оновлення");
}

#[test]
fn english_counts_say_one_or_many() {
    let locales = Locales::embedded().unwrap();
    let en = Language::EN;
    assert_eq!(locales.count(en, "article-views-unit", 1), "view");
    assert_eq!(locales.count(en, "article-views-unit", 2), "views");
    assert_eq!(locales.count(en, "article-views-unit", 0), "views");
    assert_eq!(
        with_query(&locales, en, "search-results", 1),
        "1 result for “Київ”"
    );
    assert_eq!(
        with_query(&locales, en, "search-results", 2),
        "2 results for “Київ”"
    );
    assert_eq!(
        with_query(&locales, en, "search-results-more", 1000),
        "More than 1,000 results for “Київ”"
    );
    assert_eq!(locales.count(en, "live-updates", 1), "1 update");
    assert_eq!(locales.count(en, "live-updates", 12), "12 updates");
}

#[test]
fn bylines_join_names_as_each_language_does() {
    let locales = Locales::embedded().unwrap();
    let byline = |language, names: &[&str]| {
        let (last, others) = names.split_last().unwrap();
        let mut args = FluentArgs::new();
        args.set("count", names.len() as i64);
        args.set("others", others.join(", "));
        args.set("last", *last);
        locales.text(language, "byline", Some(&args))
    };
    assert_eq!(byline(Language::EN, &["Olena"]), "By Olena");
    assert_eq!(
        byline(Language::EN, &["Olena", "Ivan"]),
        "By Olena and Ivan"
    );
    assert_eq!(
        byline(Language::EN, &["Olena", "Ivan", "Maria"]),
        "By Olena, Ivan and Maria"
    );
    assert_eq!(byline(Language::UK, &["Олена"]), "Автор: Олена");
    assert_eq!(
        byline(Language::UK, &["Олена", "Іван"]),
        "Автори: Олена і Іван"
    );
    assert_eq!(
        byline(Language::UK, &["Олена", "Іван", "Марія"]),
        "Автори: Олена, Іван і Марія"
    );
    // 21 authors is not "one" author, though Ukrainian counts 21 like 1.
    let many: Vec<String> = (1..=21).map(|n| format!("А{n}")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    assert!(byline(Language::UK, &many).starts_with("Автори: А1, А2"));
}

#[test]
fn dates_read_as_each_language_writes_them() {
    let locales = Locales::embedded().unwrap();
    let at = chrono::Utc.with_ymd_and_hms(2024, 4, 29, 10, 0, 0).unwrap();
    assert_eq!(locales.date(Language::EN, at), "29 Apr, 2024");
    assert_eq!(locales.date(Language::UK, at), "29 квітня 2024");
    let new_year = chrono::Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
    assert_eq!(locales.date(Language::UK, new_year), "1 січня 2025");
    let december = chrono::Utc
        .with_ymd_and_hms(2024, 12, 31, 23, 0, 0)
        .unwrap();
    assert_eq!(locales.date(Language::EN, december), "31 Dec, 2024");
    assert_eq!(locales.date(Language::UK, december), "31 грудня 2024");
}

#[test]
fn numbers_are_grouped_as_each_language_groups_them() {
    let locales = Locales::embedded().unwrap();
    assert_eq!(locales.number(Language::EN, 1_234_567), "1,234,567");
    assert_eq!(
        locales.number(Language::UK, 1_234_567),
        "1\u{a0}234\u{a0}567"
    );
    assert_eq!(locales.number(Language::UK, 999), "999");
    assert_eq!(
        locales.count(Language::EN, "live-updates", 12_345),
        "12,345 updates"
    );
    assert_eq!(
        locales.count(Language::UK, "live-updates", 12_345),
        "12\u{a0}345 оновлень"
    );
}

/// Theme words in English that must not appear on a Ukrainian page.
const ENGLISH_THEME_WORDS: &[&str] = &[
    "Skip to main content",
    "Search articles",
    "Search the archive",
    "Quick search",
    "Breaking",
    "The newspaper",
    "Follow us",
    "All rights reserved",
    "Top stories",
    "Most read",
    "More in ",
    "By Olena",
    "Updated",
    "Share this article",
    "More articles",
    "What are you looking for",
];

fn assert_no_english_theme_words(page: &common::TestResponse, what: &str) {
    for words in ENGLISH_THEME_WORDS {
        assert!(
            !page.body.contains(words),
            "the Ukrainian {what} says {words:?}"
        );
    }
    for label in page.attrs("[aria-label]", "aria-label") {
        assert!(
            ![
                "Sections",
                "Footer",
                "Breadcrumb",
                "Pagination",
                "Breaking news"
            ]
            .contains(&label.as_str()),
            "the Ukrainian {what} labels a region {label:?}"
        );
    }
}

#[tokio::test]
async fn a_ukrainian_page_speaks_ukrainian() {
    let app = TestApp::init().await;
    app.store
        .set_setting("site.social.telegram", "https://t.me/test_dispatch")
        .await
        .unwrap();
    let mut article = app.article("П’ять шкіл Харкова відновили навчання");
    article.language = Language::UK;
    article.standfirst = "Після ремонту діти повернулися до класів.".into();
    article.body_markdown = "Уроки почалися о дев’ятій.".into();
    article.author_ids = vec![app.olena, app.staff];
    article.published_at = Some(days_ago(3));
    app.publish(article).await;

    let home = app.get("/uk").await;
    assert_eq!(home.status, 200);
    assert_eq!(home.attrs("html", "lang"), ["uk"]);
    assert_eq!(home.text("a.skip"), "Перейти до основного вмісту");
    assert_eq!(home.text("header form.search button"), "Шукати");
    assert_eq!(
        home.attrs("header input[name=q]", "placeholder"),
        ["Пошук в архіві"]
    );
    let footer = home.texts("footer h2");
    assert!(footer.contains(&"Розділи".to_owned()), "{footer:?}");
    assert!(footer.contains(&"Стежте за нами".to_owned()), "{footer:?}");
    assert!(home.text("footer").contains("Усі права захищено"));
    assert!(
        home.text("main")
            .contains("Автори: Olena Marchenko і Dispatch Staff"),
        "{}",
        home.text("main")
    );
    // Published three days before 31 March 2025.
    assert!(
        home.text("main").contains("28 березня 2025"),
        "{}",
        home.text("main")
    );
    assert_no_english_theme_words(&home, "front page");

    // The article page, at the address the front page links to.
    let link = home
        .attrs("main a", "href")
        .into_iter()
        .find(|href| href.contains("piat-shkil"))
        .expect("the front page links to the article");
    let page = app.get(&link).await;
    assert_eq!(page.status, 200, "{link}");
    assert_eq!(page.text("article time"), "28 березня 2025");
    assert!(
        page.text(".views").contains("переглядів"),
        "{}",
        page.text(".views")
    );
    assert_eq!(page.text("#share-title"), "Поділитися статтею");
    assert_no_english_theme_words(&page, "article page");

    let search = app.get("/uk/search").await;
    assert_eq!(search.status, 200);
    assert_eq!(search.texts("h1"), ["Пошук"]);
    assert!(search.text("main").contains("Що ви шукаєте?"));
    assert_no_english_theme_words(&search, "search page");

    let corrections = app.get("/uk/corrections").await;
    assert_eq!(corrections.status, 200);
    assert_eq!(corrections.texts("h1"), ["Виправлення"]);
    assert_eq!(
        corrections.attrs("nav[aria-label] a[aria-current=page]", "href"),
        ["/uk/corrections"]
    );
    assert!(
        corrections
            .text("main")
            .contains("Виправлень поки не було.")
    );
    assert_no_english_theme_words(&corrections, "corrections page");

    let refused = app.get("/uk/search?q=test&sort=bogus").await;
    assert_eq!(refused.status, 400);
    assert_eq!(refused.texts("h1"), ["Не вдалося виконати запит"]);
    assert_eq!(
        refused.text(".error-page__message"),
        "«bogus» — не спосіб упорядкувати результати. Виберіть relevance або newest."
    );
    assert_no_english_theme_words(&refused, "refusal");

    let missing = app.get("/uk/nemaie-takoi-storinky").await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.texts("h1"), ["Сторінку не знайдено"]);
    assert_no_english_theme_words(&missing, "error page");
    app.finish().await;
}

#[tokio::test]
async fn ukrainian_search_results_are_counted_in_ukrainian() {
    let app = TestApp::init().await;
    for headline in [
        "Київ отримав нові тролейбуси",
        "Нічний Київ: як працює місто під час тривог",
        "Київ і Львів обміняються досвідом",
    ] {
        let mut article = app.article(headline);
        article.language = Language::UK;
        app.publish(article).await;
    }
    let found = app.get("/uk/search?q=%D0%BA%D0%B8%D1%97%D0%B2").await;
    assert_eq!(found.status, 200);
    let count = found.text(".result-count");
    assert_eq!(count, "3 результати за запитом «київ»");
    app.finish().await;
}

#[tokio::test]
async fn a_ukrainian_live_blog_and_its_pushed_entries_speak_ukrainian() {
    use gazette_core::live::{Coverage, EntryDraft, EntryStatus};
    let app = TestApp::init().await;
    let mut article = app.article("Наживо: конференція донорів у Римі");
    article.language = Language::UK;
    let article = app.publish(article).await;
    app.store
        .set_coverage(article.id, Some(Coverage::Live), None, days_ago(1))
        .await
        .unwrap();
    for minutes in [3, 2] {
        app.store
            .post_entry(
                article.id,
                EntryDraft {
                    headline: None,
                    body_markdown: "Делегації зібралися в залі.".into(),
                    author_ids: vec![app.olena],
                    key_event: false,
                },
                EntryStatus::Published,
                None,
                None,
                common::now() - chrono::Duration::minutes(minutes),
            )
            .await
            .unwrap();
    }

    let home = app.get("/uk").await;
    let link = home
        .attrs("main a", "href")
        .into_iter()
        .find(|href| href.contains("konferentsiia"))
        .expect("the front page links to the blog");
    let page = app.get(&link).await;
    assert_eq!(page.status, 200, "{link}");
    assert_eq!(page.text(".live__title"), "Наживо · 2 оновлення");
    assert!(page.text(".live__note").starts_with("Час київський."));
    assert_eq!(page.attrs(".live__new", "data-few"), ["# нові оновлення"]);
    assert_eq!(page.texts(".entry__by"), ["Автор: Olena Marchenko"; 2]);
    assert!(
        page.attrs("article.entry", "aria-label")
            .iter()
            .all(|label| label.starts_with("Оновлення о ")),
        "{:?}",
        page.attrs("article.entry", "aria-label")
    );
    assert_no_english_theme_words(&page, "live blog");

    // Entries pushed to open pages are written in the blog's language too.
    let updates = app
        .get(&format!("/live/updates.json?blog={}&since=0", article.id))
        .await;
    assert_eq!(updates.status, 200, "{}", updates.body);
    let json: serde_json::Value = serde_json::from_str(&updates.body).unwrap();
    let html = json["entries"][0]["html"]
        .as_str()
        .expect("an entry's HTML");
    assert!(html.contains("Автор: <a"), "{html}");
    assert!(!html.contains("By "), "{html}");
    app.finish().await;
}
