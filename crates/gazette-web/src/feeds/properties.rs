//! Property tests of the feed and sitemap writers: whatever an author types into a headline or a
//! standfirst (markup, entities, control characters, text direction overrides), every format
//! still parses, and readers get the same text back, less what XML 1.0 cannot carry.
//!
//! What the writers do with the characters XML 1.0 cannot carry (see [`super::xml::escape`]):
//! they are dropped, so a stray NUL or escape pasted into a headline cannot make a whole feed
//! unreadable. JSON Feed carries them as written. A carriage return is written as `&#13;`, so
//! that every reader gets it back, whether or not it applies XML's line-end rule.

#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Utc};
use gazette_core::{Language, Slug};
use gazette_store::PublishedLink;
use proptest::prelude::*;

use super::formats::{atom, json, rss};
use super::sitemaps::news_sitemap_xml;
use super::{Feed, FeedItem};

const BASE: &str = "https://news.example";

/// Headline text: anything at all, or joins of what is special to XML and to feed readers.
fn headline() -> impl Strategy<Value = String> {
    const SPECIAL: &[&str] = &[
        "&",
        "<",
        ">",
        "\"",
        "'",
        "]]>",
        "<![CDATA[",
        "<!--",
        "&amp;",
        "&#0;",
        "&#x1;",
        "&nbsp;",
        "\u{0}",
        "\u{1}",
        "\u{b}",
        "\u{c}",
        "\u{1b}",
        "\u{7f}",
        "\u{85}",
        "\u{fffe}",
        "\u{ffff}",
        "\u{202e}",
        "\u{feff}",
        "\u{10ffff}",
        "\t",
        "\n",
        "\r",
        "\r\n",
        " ",
        "Київ",
        "п’ять",
        "<b>",
        "</title>",
        "</item>",
    ];
    let piece = prop_oneof![
        3 => proptest::sample::select(SPECIAL).prop_map(str::to_owned),
        1 => "[a-zA-Z ]{0,8}",
        1 => any::<String>(),
    ];
    prop_oneof![
        1 => any::<String>(),
        3 => proptest::collection::vec(piece, 0..12).prop_map(|p| p.concat()),
    ]
}

fn at(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, 0).unwrap()
}

fn feed_of(articles: &[(String, String)]) -> Feed {
    let items = articles
        .iter()
        .enumerate()
        .map(|(i, (title, summary))| FeedItem {
            url: format!("{BASE}/war/article-{i}"),
            title: title.clone(),
            summary: summary.clone(),
            content_html: None,
            published: at(1_750_000_000 + i as i64),
            updated: at(1_750_000_000 + i as i64),
            authors: vec![("Olena".to_owned(), format!("{BASE}/authors/olena"))],
            categories: vec![title.clone()],
            language: Language::UK,
        })
        .collect();
    Feed {
        title: "Gazette".to_owned(),
        description: "News".to_owned(),
        home_url: format!("{BASE}/"),
        self_url: format!("{BASE}/feeds/rss.xml"),
        language: Language::UK,
        updated: at(1_750_000_000),
        items,
        site_name: "Gazette".to_owned(),
        logo_url: format!("{BASE}/logo.png"),
        // A hub, so the property checks cover the feeds that name one.
        hub_url: Some(format!("{BASE}/hub")),
    }
}

/// The text an XML writer can deliver: without the characters XML 1.0 forbids.
fn xml_carried(text: &str) -> String {
    text.chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
                || c >= '\u{10000}'
        })
        .collect()
}

/// What an XML reader reads back: everything XML 1.0 can carry, line ends included.
fn xml_read(text: &str) -> String {
    xml_carried(text)
}

/// Every value of `<tag>` in `body`, read as a conforming XML reader would (line ends normalised,
/// entities resolved); fails the case if the document is not well-formed.
fn xml_values(body: &str, tag: &str) -> Result<Vec<String>, TestCaseError> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(body);
    reader.config_mut().check_end_names = true;
    let mut values = Vec::new();
    let mut current: Option<String> = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                current = (e.name().as_ref() == tag.as_bytes()).then(String::new);
            }
            Ok(Event::End(_)) => values.extend(current.take()),
            Ok(Event::Text(t)) => {
                if let Some(text) = current.as_mut() {
                    // XML 1.0's line-end rule (section 2.11), by hand: quick-xml's
                    // `xml_content` applies XML 1.1's, which also turns U+0085 and U+2028 into
                    // line feeds, and these documents are XML 1.0.
                    let raw = t.decode().unwrap();
                    text.push_str(&raw.replace("\r\n", "\n").replace('\r', "\n"));
                }
            }
            Ok(Event::GeneralRef(r)) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => {
                        let name = r.decode().unwrap();
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .ok_or_else(|| TestCaseError::fail(format!("unknown entity &{name};")))?
                            .to_owned()
                    }
                };
                if let Some(text) = current.as_mut() {
                    text.push_str(&resolved);
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(TestCaseError::fail(format!("not XML: {e}\n{body}"))),
        }
    }
    Ok(values)
}

/// What feed-rs hands an application: the text trimmed, and no text at all when nothing is left.
fn feed_rs_text(text: Option<feed_rs::model::Text>) -> String {
    text.map(|t| t.content).unwrap_or_default()
}

proptest! {
    #[test]
    fn prop_rss_and_atom_carry_any_headline_and_standfirst(
        articles in proptest::collection::vec((headline(), headline()), 1..4)
    ) {
        let feed = feed_of(&articles);
        for (format, body) in [("RSS", rss(&feed)), ("Atom", atom(&feed))] {
            // Exactly, as an XML reader reads it: the channel's title first, then the items'.
            let titles = xml_values(&body, "title")?;
            let expected: Vec<String> = articles.iter().map(|(t, _)| xml_read(t)).collect();
            let skip = if format == "RSS" { 2 } else { 1 };
            prop_assert_eq!(&titles[skip..], &expected[..], "{} titles", format);

            // And as a feed reader sees it.
            let parsed = feed_rs::parser::parse(body.as_bytes())
                .map_err(|e| TestCaseError::fail(format!("{format} does not parse: {e}\n{body}")))?;
            prop_assert_eq!(parsed.entries.len(), articles.len());
            for (entry, (title, summary)) in parsed.entries.into_iter().zip(&articles) {
                prop_assert_eq!(feed_rs_text(entry.title), xml_read(title).trim().to_owned());
                prop_assert_eq!(feed_rs_text(entry.summary), xml_read(summary).trim().to_owned());
            }
        }
    }

    #[test]
    fn prop_json_feed_carries_any_headline_exactly(
        articles in proptest::collection::vec((headline(), headline()), 1..4)
    ) {
        let body = json(&feed_of(&articles));
        let value: serde_json::Value = serde_json::from_str(&body)
            .map_err(|e| TestCaseError::fail(format!("not JSON: {e}\n{body}")))?;
        let items = value["items"].as_array().unwrap();
        prop_assert_eq!(items.len(), articles.len());
        for (item, (title, summary)) in items.iter().zip(&articles) {
            prop_assert_eq!(item["title"].as_str(), Some(title.as_str()));
            prop_assert_eq!(item["summary"].as_str(), Some(summary.as_str()));
        }
        let parsed = feed_rs::parser::parse(body.as_bytes())
            .map_err(|e| TestCaseError::fail(format!("JSON Feed does not parse: {e}\n{body}")))?;
        prop_assert_eq!(parsed.entries.len(), articles.len());
    }

    #[test]
    fn prop_the_news_sitemap_carries_any_headline(
        headlines in proptest::collection::vec(headline(), 0..4),
        site_name in headline()
    ) {
        let links: Vec<PublishedLink> = headlines
            .iter()
            .enumerate()
            .map(|(i, headline)| PublishedLink {
                id: i as i64,
                section: Slug::parse("war").unwrap(),
                slug: Slug::parse(&format!("article-{i}")).unwrap(),
                headline: headline.clone(),
                language: Language::UK,
                published_at: at(1_750_000_000),
                lastmod: at(1_750_000_000),
            })
            .collect();
        let body = news_sitemap_xml(
            &site_name,
            BASE,
            &crate::links::EditionLinks::default(),
            &links,
        );
        let titles = xml_values(&body, "news:title")?;
        let expected: Vec<String> = headlines.iter().map(|h| xml_read(h)).collect();
        prop_assert_eq!(titles, expected);
        let names = xml_values(&body, "news:name")?;
        prop_assert!(names.iter().all(|n| *n == xml_read(&site_name)));
        prop_assert_eq!(xml_values(&body, "loc")?.len(), links.len());
    }
}
