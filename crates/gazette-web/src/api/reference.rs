//! `/api/docs`: the API reference, a plain HTML page rendered on the server from the OpenAPI
//! document — every operation with its parameters and responses, every schema with its fields,
//! each with an anchor to link to. No script, no stylesheet from elsewhere: it reads the same
//! document `/api/openapi.json` serves, so the two cannot disagree.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use gazette_core::text::escape_html;
use serde_json::Value;

use crate::AppState;

/// The page, rendered once from `document`.
pub fn router(document: &utoipa::openapi::OpenApi) -> Router<AppState> {
    let html: Arc<str> = serde_json::to_value(document)
        .map(|doc| render(&doc))
        .unwrap_or_else(|_| "<!doctype html><title>API reference</title>".to_owned())
        .into();
    Router::new().route(
        "/api/docs",
        get(move || {
            let html = html.clone();
            async move { page_response(&html) }
        }),
    )
}

fn page_response(html: &str) -> Response {
    let mut response = html.to_owned().into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    response
}

const METHODS: [&str; 7] = ["get", "head", "post", "put", "patch", "delete", "options"];

const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;\
padding:0 1rem;color:#1a1a1a}code,pre{font-family:ui-monospace,monospace;font-size:.9em}\
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}th,td{text-align:left;\
vertical-align:top;border-bottom:1px solid #ddd;padding:.3rem .5rem}section{border-top:2px solid \
#333;margin-top:2rem}.method{font-weight:bold;text-transform:uppercase;padding:.1rem .4rem;\
background:#e8eef8;border-radius:3px}nav li{margin:.1rem 0}";

/// The whole page.
pub fn render(doc: &Value) -> String {
    let info = &doc["info"];
    let title = text(&info["title"]);
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{t} reference</title><style>{STYLE}</style></head><body>\
         <h1>{t} <small>{v}</small></h1><p>{d}</p>\
         <p>The machine-readable contract: <a href=\"/api/openapi.json\">/api/openapi.json</a> \
         (OpenAPI {o}).</p>",
        t = escape_html(&title),
        v = escape_html(&text(&info["version"])),
        d = escape_html(&text(&info["description"])),
        o = escape_html(&text(&doc["openapi"])),
    );
    let operations = operations(doc);
    out.push_str("<nav><h2>Operations</h2><ul>");
    for (method, path, op) in &operations {
        let _ = write!(
            out,
            "<li><a href=\"#{id}\"><span class=\"method\">{m}</span> <code>{p}</code></a> {s}</li>",
            id = anchor(&operation_id(method, path, op)),
            m = escape_html(method),
            p = escape_html(path),
            s = escape_html(&summary(op)),
        );
    }
    out.push_str("</ul><h2>Schemas</h2><ul>");
    let schemas = doc["components"]["schemas"].as_object();
    for name in schemas.into_iter().flat_map(|s| s.keys()) {
        let _ = write!(
            out,
            "<li><a href=\"#schema-{a}\">{n}</a></li>",
            a = anchor(name),
            n = escape_html(name)
        );
    }
    out.push_str("</ul></nav>");
    for (method, path, op) in &operations {
        operation(&mut out, method, path, op);
    }
    out.push_str("<section><h2 id=\"schemas\">Schemas</h2>");
    for (name, schema) in schemas.into_iter().flatten() {
        let _ = write!(
            out,
            "<h3 id=\"schema-{a}\">{n}</h3>",
            a = anchor(name),
            n = escape_html(name)
        );
        schema_body(&mut out, schema);
    }
    out.push_str("</section></body></html>");
    out
}

/// Every operation, in path order.
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut found = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                found.push((method.to_owned(), path.clone(), op.clone()));
            }
        }
    }
    found
}

fn operation(out: &mut String, method: &str, path: &str, op: &Value) {
    let _ = write!(
        out,
        "<section><h2 id=\"{id}\"><span class=\"method\">{m}</span> <code>{p}</code></h2><p>{s}</p>",
        id = anchor(&operation_id(method, path, op)),
        m = escape_html(method),
        p = escape_html(path),
        s = escape_html([summary(op), text(&op["description"])].join(" ").trim()),
    );
    if let Some(params) = op["parameters"].as_array().filter(|p| !p.is_empty()) {
        out.push_str(
            "<h3>Parameters</h3><table><tr><th>name</th><th>in</th><th>type</th>\
             <th>required</th><th>description</th></tr>",
        );
        for p in params {
            let _ = write!(
                out,
                "<tr><td><code>{n}</code></td><td>{i}</td><td>{t}</td><td>{r}</td><td>{d}</td></tr>",
                n = escape_html(&text(&p["name"])),
                i = escape_html(&text(&p["in"])),
                t = type_of(&p["schema"]),
                r = if p["required"].as_bool() == Some(true) {
                    "yes"
                } else {
                    "no"
                },
                d = escape_html(&text(&p["description"])),
            );
        }
        out.push_str("</table>");
    }
    out.push_str(
        "<h3>Responses</h3><table><tr><th>status</th><th>description</th><th>body</th></tr>",
    );
    for (status, response) in op["responses"].as_object().into_iter().flatten() {
        let body = response["content"]
            .as_object()
            .and_then(|c| c.values().next())
            .map(|media| type_of(&media["schema"]))
            .unwrap_or_default();
        let _ = write!(
            out,
            "<tr><td>{s}</td><td>{d}</td><td>{body}</td></tr>",
            s = escape_html(status),
            d = escape_html(&text(&response["description"])),
        );
    }
    out.push_str("</table></section>");
}

fn schema_body(out: &mut String, schema: &Value) {
    let description = text(&schema["description"]);
    if !description.is_empty() {
        let _ = write!(out, "<p>{}</p>", escape_html(&description));
    }
    if let Some(values) = schema["enum"].as_array() {
        let list: Vec<String> = values
            .iter()
            .map(|v| format!("<code>{}</code>", escape_html(&text(v))))
            .collect();
        let _ = write!(out, "<p>One of {}.</p>", list.join(", "));
    }
    let Some(properties) = schema["properties"].as_object() else {
        return;
    };
    let required: Vec<&str> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    out.push_str(
        "<table><tr><th>field</th><th>type</th><th>always present</th><th>description</th></tr>",
    );
    for (name, property) in properties {
        let _ = write!(
            out,
            "<tr><td><code>{n}</code></td><td>{t}</td><td>{r}</td><td>{d}</td></tr>",
            n = escape_html(name),
            t = type_of(property),
            r = if required.contains(&name.as_str()) {
                "yes"
            } else {
                "no"
            },
            d = escape_html(&text(&property["description"])),
        );
    }
    out.push_str("</table>");
}

/// A schema's type in words, with a link for a named schema: `array of ArticleItem`.
fn type_of(schema: &Value) -> String {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap_or(reference);
        return format!(
            "<a href=\"#schema-{}\">{}</a>",
            anchor(name),
            escape_html(name)
        );
    }
    for combined in ["oneOf", "anyOf", "allOf"] {
        if let Some(options) = schema[combined].as_array() {
            let parts: Vec<String> = options.iter().map(type_of).collect();
            return parts.join(" or ");
        }
    }
    let kinds: Vec<String> = match &schema["type"] {
        Value::String(kind) => vec![kind.clone()],
        Value::Array(kinds) => kinds.iter().map(text).collect(),
        _ => Vec::new(),
    };
    let mut words: Vec<String> = kinds
        .iter()
        .map(|kind| match kind.as_str() {
            "array" => format!("array of {}", type_of(&schema["items"])),
            other => escape_html(other),
        })
        .collect();
    if let Some(format) = schema["format"].as_str() {
        words.push(format!("({})", escape_html(format)));
    }
    if let Some(values) = schema["enum"].as_array() {
        let list: Vec<String> = values.iter().map(|v| escape_html(&text(v))).collect();
        words.push(format!("({})", list.join(", ")));
    }
    if let (Some(min), Some(max)) = (schema["minimum"].as_i64(), schema["maximum"].as_i64()) {
        words.push(format!("{min}–{max}"));
    }
    if words.is_empty() {
        "any".to_owned()
    } else {
        words.join(" ")
    }
}

fn operation_id(method: &str, path: &str, op: &Value) -> String {
    op["operationId"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| format!("{method}-{path}"))
}

fn summary(op: &Value) -> String {
    text(&op["summary"])
}

/// A value as text: strings as they are, anything else as JSON, nothing as "".
fn text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// An `id` attribute's value: letters, digits and dashes.
fn anchor(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_and_schema_has_an_anchor_and_text_is_escaped() {
        let doc = serde_json::json!({
            "openapi": "3.1.0",
            "info": { "title": "T", "version": "1", "description": "<b>d</b>" },
            "paths": { "/x/{id}": { "get": {
                "operationId": "get_x", "summary": "One x",
                "parameters": [{ "name": "id", "in": "path", "required": true,
                                 "schema": { "type": "integer", "format": "int64" } }],
                "responses": { "200": { "description": "ok", "content": { "application/json":
                    { "schema": { "$ref": "#/components/schemas/X" } } } } }
            } } },
            "components": { "schemas": { "X": { "type": "object", "required": ["a"],
                "properties": { "a": { "type": "array", "items": { "type": "string" } } } } } }
        });
        let html = render(&doc);
        assert!(html.contains("id=\"get-x\""), "{html}");
        assert!(html.contains("id=\"schema-X\""));
        assert!(html.contains("<a href=\"#schema-X\">X</a>"));
        assert!(html.contains("array of string"));
        assert!(html.contains("&lt;b&gt;d&lt;/b&gt;"));
        assert!(!html.contains("<script"));
    }
}
