//! How readers and machines find the news: site search, feeds, sitemaps, robots.txt and the
//! metadata in every page.

#![allow(clippy::unwrap_used)]

#[path = "../common/mod.rs"]
mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{BASE_URL, TestApp, days_ago, now};
use gazette_core::{ArticleStatus, Language};

/// Every value of `<tag>` in an XML document, failing the test if the document is not
/// well-formed XML.
fn xml_values(body: &str, tag: &str) -> Vec<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(body);
    reader.config_mut().check_end_names = true;
    let mut values = Vec::new();
    let mut current: Option<String> = None;
    let mut depth = 0usize;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                depth += 1;
                current = (e.name().as_ref() == tag.as_bytes()).then(String::new);
            }
            Ok(Event::End(_)) => {
                depth = depth.checked_sub(1).expect("balanced tags");
                values.extend(current.take());
            }
            Ok(Event::Text(t)) => {
                if let Some(text) = current.as_mut() {
                    text.push_str(&t.decode().expect("UTF-8"));
                }
            }
            Ok(Event::GeneralRef(r)) => {
                let name = r.decode().expect("UTF-8");
                let resolved = quick_xml::escape::resolve_predefined_entity(&name)
                    .unwrap_or_else(|| panic!("unknown entity &{name};"));
                if let Some(text) = current.as_mut() {
                    text.push_str(resolved);
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("not well-formed XML: {e}\n{body}"),
        }
    }
    assert_eq!(depth, 0, "every element is closed");
    values
}

fn json_ld(page: &common::TestResponse) -> Vec<serde_json::Value> {
    page.texts("script[type='application/ld+json']")
        .iter()
        .map(|s| serde_json::from_str(s).expect("valid JSON-LD"))
        .collect()
}

mod feeds;
mod old_addresses;
mod search;
mod sitemaps;
mod synonyms;
