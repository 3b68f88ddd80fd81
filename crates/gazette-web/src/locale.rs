//! The reader's language: every word the theme and the newsroom print comes from Fluent files,
//! `locales/<code>/*.ftl` (embedded from the repository's `locales/` folder; a folder given with
//! `locales_dir` adds languages or replaces messages at start). All files of a language form one
//! bundle, so a message id is unique across them.
//!
//! Templates call `t("message-id", name=value, …)`: the language is the template's `lang`
//! variable, or the site's (`site.language`). Rust code calls [`Locales::text`]. A message a
//! language lacks falls back to English, then to its id, so a missing translation shows as a word
//! rather than an error page (the key test in `tests/locales.rs` keeps the files complete).
//!
//! Numbers passed to a message are plural selectors (`{ $count -> [one] … [few] … *[many] … }`,
//! with each language's CLDR rules) and are printed with that language's digit grouping. Dates
//! are the `date-long` message, given the day, the month's number and the year.

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use chrono::{DateTime, Datelike, Utc};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use gazette_core::Language;
use include_dir::{Dir, include_dir};

static EMBEDDED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../locales");

static INSTALLED: OnceLock<Locales> = OnceLock::new();

/// The messages of every language the site has files for.
pub struct Locales {
    bundles: HashMap<Language, Bundle>,
}

struct Bundle {
    fluent: FluentBundle<FluentResource>,
    /// Every message id, in the order the files define them (for the key tests).
    ids: Vec<String>,
    /// The messages that take no arguments, formatted once when the bundle is built: a page
    /// prints a hundred or more of them (formatting each on every render cost 7 % of uncached
    /// article renders: 3,485 against 3,743 a second, `bench/run.sh`, 2 December 2026).
    plain: HashMap<String, minijinja::Value>,
}

#[derive(Debug, thiserror::Error)]
pub enum LocaleError {
    #[error("locales/{language}/{file}: {message}")]
    File {
        language: String,
        file: String,
        message: String,
    },
    #[error("cannot read the locales folder {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// The locales the site runs with: those installed at start, else the embedded ones.
pub fn locales() -> &'static Locales {
    INSTALLED.get_or_init(|| match Locales::embedded() {
        Ok(locales) => locales,
        Err(error) => {
            // The embedded files are checked by the tests; a broken build still serves pages.
            tracing::error!(%error, "the embedded locales do not load");
            Locales {
                bundles: HashMap::new(),
            }
        }
    })
}

/// Makes `locales` the site's (the embedded files plus a folder's, see [`Locales::with_dir`]).
/// Only the first call counts; call it at start, before any page is rendered.
pub fn install(locales: Locales) {
    let _ = INSTALLED.set(locales);
}

impl Locales {
    /// The files built into the binary.
    pub fn embedded() -> Result<Self, LocaleError> {
        Self::build(embedded_files())
    }

    /// The embedded files, then those of `dir` (laid out as `dir/<code>/*.ftl`): a file of the
    /// same name replaces the embedded one, so a site can reword a message or add a language.
    pub fn with_dir(dir: &Path) -> Result<Self, LocaleError> {
        let io = |source| LocaleError::Io {
            path: dir.display().to_string(),
            source,
        };
        let mut files = embedded_files();
        for language_dir in std::fs::read_dir(dir).map_err(io)? {
            let language_dir = language_dir.map_err(io)?;
            if !language_dir.path().is_dir() {
                continue;
            }
            let code = language_dir.file_name().to_string_lossy().into_owned();
            for file in std::fs::read_dir(language_dir.path()).map_err(io)? {
                let path = file.map_err(io)?.path();
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if !name.ends_with(".ftl") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).map_err(io)?;
                files.retain(|(c, n, _)| !(c == &code && n == &name));
                files.push((code.clone(), name, text));
            }
        }
        Self::build(files)
    }

    /// Bundles from `(language code, file name, text)`, files in name order within a language.
    fn build(mut files: Vec<(String, String, String)>) -> Result<Self, LocaleError> {
        files.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        let mut bundles: HashMap<Language, Bundle> = HashMap::new();
        for (code, name, text) in files {
            let fail = |message: String| LocaleError::File {
                language: code.clone(),
                file: name.clone(),
                message,
            };
            let language = Language::parse(&code).map_err(|e| fail(e.to_string()))?;
            let resource = FluentResource::try_new(text).map_err(|(_, errors)| {
                fail(format!(
                    "{} syntax error(s), the first: {:?}",
                    errors.len(),
                    errors.first()
                ))
            })?;
            let ids: Vec<String> = message_ids(&resource);
            let bundle = bundles
                .entry(language)
                .or_insert_with(|| Bundle::new(language));
            bundle
                .fluent
                .add_resource(resource)
                .map_err(|errors| fail(format!("{errors:?}")))?;
            bundle.ids.extend(ids);
        }
        for bundle in bundles.values_mut() {
            bundle.plain = bundle
                .ids
                .iter()
                .filter_map(|id| {
                    let message = bundle.fluent.get_message(id)?;
                    let mut errors = Vec::new();
                    let text = bundle
                        .fluent
                        .format_pattern(message.value()?, None, &mut errors);
                    // A message that needs an argument reports it missing: formatted per call.
                    errors
                        .is_empty()
                        .then(|| (id.clone(), minijinja::Value::from(text.as_ref())))
                })
                .collect();
        }
        Ok(Self { bundles })
    }

    /// The languages with files.
    pub fn languages(&self) -> Vec<Language> {
        let mut languages: Vec<Language> = self.bundles.keys().copied().collect();
        languages.sort();
        languages
    }

    /// Every message id `language` defines.
    pub fn ids(&self, language: Language) -> &[String] {
        self.bundles
            .get(&language)
            .map_or(&[][..], |b| b.ids.as_slice())
    }

    /// Whether `language` defines `id` itself (not through the English fallback).
    pub fn has(&self, language: Language, id: &str) -> bool {
        self.bundles
            .get(&language)
            .is_some_and(|b| b.fluent.has_message(id))
    }

    /// The message `id` in `language`, with `args`; English when the language lacks it, the id
    /// itself when English lacks it too.
    pub fn text(&self, language: Language, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        if args.is_none() {
            return self.plain(language, id).to_string();
        }
        for language in [language, Language::EN] {
            if let Some(text) = self
                .bundles
                .get(&language)
                .and_then(|bundle| bundle.format(id, args))
            {
                return text;
            }
        }
        id.to_owned()
    }

    /// A message without arguments.
    pub fn word(&self, language: Language, id: &str) -> String {
        self.text(language, id, None)
    }

    /// A message without arguments as a template value, formatted when the locales were loaded
    /// (English when the language lacks it, the id when English does too).
    fn plain(&self, language: Language, id: &str) -> minijinja::Value {
        [language, Language::EN]
            .iter()
            .find_map(|l| self.bundles.get(l)?.plain.get(id).cloned())
            .unwrap_or_else(|| {
                // A message that takes arguments, given none: formatted as it is.
                [language, Language::EN]
                    .iter()
                    .find_map(|l| self.bundles.get(l)?.format(id, None))
                    .map_or_else(|| minijinja::Value::from(id), minijinja::Value::from)
            })
    }

    /// A message with one count: the plural form it selects and the count printed in the
    /// language's way (`views` with 5 → "5 переглядів").
    pub fn count(&self, language: Language, id: &str, count: i64) -> String {
        let mut args = FluentArgs::new();
        args.set("count", count);
        self.text(language, id, Some(&args))
    }

    /// A date as the edition prints it: "29 Apr, 2024", "29 квітня 2024".
    pub fn date(&self, language: Language, at: DateTime<Utc>) -> String {
        let mut args = FluentArgs::new();
        // Day and year as text: numbers would be grouped ("2,024").
        args.set("day", at.day().to_string());
        args.set("month", at.month());
        args.set("year", at.year().to_string());
        self.text(language, "date-long", Some(&args))
    }

    /// A number with the language's digit grouping: 12,345 or 12 345.
    pub fn number(&self, language: Language, n: i64) -> String {
        group_digits(n, grouping(language))
    }

    /// The language's own name for itself, for the edition switcher: "English", "Українська".
    pub fn language_name(&self, language: Language) -> String {
        if self.has(language, "language-name") {
            self.word(language, "language-name")
        } else {
            language.code().to_owned()
        }
    }
}

impl Bundle {
    fn new(language: Language) -> Self {
        let id: unic_langid::LanguageIdentifier = language
            .code()
            .parse()
            .unwrap_or_else(|_| unic_langid::LanguageIdentifier::default());
        let mut fluent = FluentBundle::new_concurrent(vec![id]);
        // No Unicode isolation marks around placeables: pages are in one direction, and the
        // marks would end up inside titles, attributes and feeds.
        fluent.set_use_isolating(false);
        fluent.set_formatter(Some(match grouping(language) {
            Grouping::Comma => format_comma,
            Grouping::Space => format_space,
            Grouping::Dot => format_dot,
        }));
        Self {
            fluent,
            ids: Vec::new(),
            plain: HashMap::new(),
        }
    }

    fn format(&self, id: &str, args: Option<&FluentArgs<'_>>) -> Option<String> {
        let message = self.fluent.get_message(id)?;
        let pattern = message.value()?;
        let mut errors = Vec::new();
        let text = self.fluent.format_pattern(pattern, args, &mut errors);
        if !errors.is_empty() {
            tracing::warn!(id, ?errors, "a message was formatted with errors");
        }
        Some(text.into_owned())
    }
}

/// `(language code, file name, text)` of every `.ftl` file built into the binary.
fn embedded_files() -> Vec<(String, String, String)> {
    let mut files = Vec::new();
    for language_dir in EMBEDDED.dirs() {
        let code = language_dir.path().to_string_lossy().into_owned();
        for file in language_dir.files() {
            let name = file
                .path()
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if name.ends_with(".ftl") {
                files.push((
                    code.clone(),
                    name,
                    String::from_utf8_lossy(file.contents()).into_owned(),
                ));
            }
        }
    }
    files
}

fn message_ids(resource: &FluentResource) -> Vec<String> {
    resource
        .entries()
        .filter_map(|entry| match entry {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
            _ => None,
        })
        .collect()
}

/// How a language groups digits (CLDR): English with commas; Ukrainian, Russian and Crimean Tatar
/// with a no-break space; German-style with dots.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Grouping {
    Comma,
    Space,
    Dot,
}

fn grouping(language: Language) -> Grouping {
    match language.code() {
        "uk" | "ru" | "crh" | "pl" | "cs" | "fr" | "be" => Grouping::Space,
        "de" | "it" | "es" | "tr" | "ro" => Grouping::Dot,
        _ => Grouping::Comma,
    }
}

fn group_digits(n: i64, grouping: Grouping) -> String {
    let separator = match grouping {
        Grouping::Comma => ",",
        Grouping::Space => "\u{a0}",
        Grouping::Dot => ".",
    };
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() * 2);
    if n < 0 {
        out.push('-');
    }
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(separator);
        }
        out.push(digit);
    }
    out
}

/// Whole numbers passed to messages are printed grouped; anything else Fluent's way.
fn format_grouped(value: &FluentValue<'_>, grouping: Grouping) -> Option<String> {
    match value {
        FluentValue::Number(number) if number.value.fract() == 0.0 && number.value.abs() < 1e15 => {
            Some(group_digits(number.value as i64, grouping))
        }
        _ => None,
    }
}

fn format_comma(
    value: &FluentValue<'_>,
    _: &intl_memoizer::concurrent::IntlLangMemoizer,
) -> Option<String> {
    format_grouped(value, Grouping::Comma)
}

fn format_space(
    value: &FluentValue<'_>,
    _: &intl_memoizer::concurrent::IntlLangMemoizer,
) -> Option<String> {
    format_grouped(value, Grouping::Space)
}

fn format_dot(
    value: &FluentValue<'_>,
    _: &intl_memoizer::concurrent::IntlLangMemoizer,
) -> Option<String> {
    format_grouped(value, Grouping::Dot)
}

/// `t("id", name=value, …)` for templates. The language is the template's `lang`, else
/// `site.language`, else English.
pub fn template_text(
    state: &minijinja::State<'_, '_>,
    id: &str,
    kwargs: minijinja::value::Kwargs,
) -> Result<minijinja::Value, minijinja::Error> {
    let language = template_language(state);
    if kwargs.args().next().is_none() {
        return Ok(locales().plain(language, id));
    }
    let mut args = FluentArgs::new();
    for name in kwargs.args() {
        let value: minijinja::Value = kwargs.get(name)?;
        if let Some(n) = value.as_i64() {
            args.set(name.to_owned(), n);
        } else if value.is_none() || value.is_undefined() {
            args.set(name.to_owned(), String::new());
        } else {
            args.set(name.to_owned(), value.to_string());
        }
    }
    Ok(minijinja::Value::from(locales().text(
        language,
        id,
        Some(&args),
    )))
}

fn template_language(state: &minijinja::State<'_, '_>) -> Language {
    let code = state
        .lookup("lang")
        .filter(|v| !v.is_undefined() && !v.is_none())
        .or_else(|| {
            state
                .lookup("site")
                .and_then(|site| site.get_attr("language").ok())
        });
    code.and_then(|c| c.as_str().and_then(|c| Language::parse(c).ok()))
        .unwrap_or_default()
}

/// Registers `t` (and `date`, `number`) with a template environment.
pub fn add_to(env: &mut minijinja::Environment<'static>) {
    env.add_function("t", template_text);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_grouped_the_language_s_way() {
        assert_eq!(group_digits(0, Grouping::Comma), "0");
        assert_eq!(group_digits(1234567, Grouping::Comma), "1,234,567");
        assert_eq!(group_digits(-12345, Grouping::Space), "-12\u{a0}345");
        assert_eq!(group_digits(999, Grouping::Dot), "999");
    }

    #[test]
    fn a_folder_adds_a_language_and_rewords_messages() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("ru")).unwrap();
        std::fs::write(
            dir.path().join("ru/common.ftl"),
            "language-name = Русский\nviews = { $count ->\n [one] { $count } просмотр\n [few] { $count } просмотра\n*[many] { $count } просмотров\n}\n",
        )
        .unwrap();
        std::fs::create_dir_all(dir.path().join("en")).unwrap();
        std::fs::write(
            dir.path().join("en/editions.ftl"),
            "edition-switcher-label = Also in\n",
        )
        .unwrap();
        let locales = Locales::with_dir(dir.path()).unwrap();
        let ru = Language::parse("ru").unwrap();
        assert_eq!(locales.language_name(ru), "Русский");
        assert_eq!(locales.count(ru, "views", 3), "3 просмотра");
        assert_eq!(locales.count(ru, "views", 12_345), "12\u{a0}345 просмотров");
        // A message the new language lacks comes in English.
        assert_eq!(
            locales.date(ru, chrono::DateTime::UNIX_EPOCH),
            "1 Jan, 1970"
        );
        assert_eq!(
            locales.word(Language::EN, "edition-switcher-label"),
            "Also in"
        );
        // The rest of the embedded files stay.
        assert_eq!(locales.language_name(Language::UK), "Українська");
    }

    #[test]
    fn a_broken_file_is_refused_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("uk")).unwrap();
        std::fs::write(dir.path().join("uk/extra.ftl"), "oops = { $x\n").unwrap();
        let err = Locales::with_dir(dir.path()).err().unwrap().to_string();
        assert!(err.starts_with("locales/uk/extra.ftl"), "{err}");
    }
}
