//! The theme: minijinja templates and static assets, embedded in the binary from
//! `themes/default/`, or read from a folder of the same layout given with `--theme`.
//!
//! Assets are served under content-hashed names (`style.3f2a9c1e.css`) so that browsers and CDNs
//! may cache them for a year: a changed file gets a new name.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};
use minijinja::Environment;
use sha2::{Digest, Sha256};

static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../themes/default");

#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    #[error("cannot read theme folder {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("template {name}: {source}")]
    Template {
        name: String,
        source: minijinja::Error,
    },
    #[error("the theme has no {0}")]
    Missing(String),
}

/// A static file ready to serve.
#[derive(Debug, Clone)]
pub struct Asset {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
}

pub struct Theme {
    env: Environment<'static>,
    /// By hashed file name.
    assets: HashMap<String, Asset>,
    /// Hashed URL by original file name (`style.css` → `/assets/style.1a2b3c4d.css`).
    asset_urls: HashMap<String, String>,
}

/// Templates every theme must provide.
const REQUIRED_TEMPLATES: [&str; 6] = [
    "base.html",
    "home.html",
    "article.html",
    "list.html",
    "page.html",
    "error.html",
];

impl Theme {
    /// The theme built into the binary.
    pub fn embedded() -> Result<Self, ThemeError> {
        let mut templates = HashMap::new();
        let mut assets = HashMap::new();
        collect_embedded(&DEFAULT_THEME, &mut templates, &mut assets);
        Self::build(templates, assets)
    }

    /// A theme folder with `templates/` and `assets/`, read once at start.
    pub fn from_dir(dir: &Path) -> Result<Self, ThemeError> {
        let mut templates = HashMap::new();
        let mut assets = HashMap::new();
        read_dir_into(&dir.join("templates"), "", &mut |name, bytes| {
            templates.insert(name, String::from_utf8_lossy(&bytes).into_owned());
        })?;
        let assets_dir = dir.join("assets");
        if assets_dir.is_dir() {
            read_dir_into(&assets_dir, "", &mut |name, bytes| {
                assets.insert(name, bytes);
            })?;
        }
        Self::build(templates, assets)
    }

    fn build(
        templates: HashMap<String, String>,
        assets: HashMap<String, Vec<u8>>,
    ) -> Result<Self, ThemeError> {
        for required in REQUIRED_TEMPLATES {
            if !templates.contains_key(required) {
                return Err(ThemeError::Missing(format!("templates/{required}")));
            }
        }
        let mut env = Environment::new();
        crate::locale::add_to(&mut env);
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_formatter(html_formatter);
        for (name, source) in templates {
            env.add_template_owned(name.clone(), source)
                .map_err(|source| ThemeError::Template { name, source })?;
        }
        let mut served = HashMap::new();
        let mut asset_urls = HashMap::new();
        for (name, bytes) in assets {
            let hashed = hashed_name(&name, &bytes);
            asset_urls.insert(name.clone(), format!("/assets/{hashed}"));
            served.insert(
                hashed,
                Asset {
                    content_type: content_type(&name),
                    bytes,
                },
            );
        }
        Ok(Self {
            env,
            assets: served,
            asset_urls,
        })
    }

    pub fn render(
        &self,
        template: &str,
        context: minijinja::Value,
    ) -> Result<String, minijinja::Error> {
        self.env.get_template(template)?.render(context)
    }

    /// An asset by its hashed name, as requested under `/assets/`.
    pub fn asset(&self, hashed_name: &str) -> Option<&Asset> {
        self.assets.get(hashed_name)
    }

    /// The URL of an asset by its file name, or an empty string if the theme lacks it.
    pub fn asset_url(&self, name: &str) -> &str {
        self.asset_urls.get(name).map_or("", String::as_str)
    }
}

/// minijinja's HTML escaping also escapes `/`, which turns every URL into `&#x2f;` soup: valid, but
/// larger and unreadable in page source. Text is escaped here with the five characters that
/// matter in element content and quoted attributes; everything else goes the default way.
pub(crate) fn html_formatter(
    out: &mut minijinja::Output<'_>,
    state: &minijinja::State<'_, '_>,
    value: &minijinja::Value,
) -> Result<(), minijinja::Error> {
    if matches!(state.auto_escape(), minijinja::AutoEscape::Html)
        && !value.is_safe()
        && let Some(text) = value.as_str()
    {
        return gazette_core::text::write_escaped_html(out, text).map_err(minijinja::Error::from);
    }
    minijinja::escape_formatter(out, state, value)
}

fn collect_embedded(
    dir: &'static Dir<'static>,
    templates: &mut HashMap<String, String>,
    assets: &mut HashMap<String, Vec<u8>>,
) {
    for file in dir.files() {
        let path = file.path().to_string_lossy().replace('\\', "/");
        if let Some(name) = path.strip_prefix("templates/") {
            templates.insert(
                name.to_owned(),
                String::from_utf8_lossy(file.contents()).into_owned(),
            );
        } else if let Some(name) = path.strip_prefix("assets/") {
            assets.insert(name.to_owned(), file.contents().to_vec());
        }
    }
    for sub in dir.dirs() {
        collect_embedded(sub, templates, assets);
    }
}

fn read_dir_into(
    dir: &Path,
    prefix: &str,
    add: &mut dyn FnMut(String, Vec<u8>),
) -> Result<(), ThemeError> {
    let io = |source| ThemeError::Io {
        path: dir.to_owned(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
        let path = entry.path();
        if path.is_dir() {
            read_dir_into(&path, &format!("{name}/"), add)?;
        } else {
            let bytes = std::fs::read(&path).map_err(|source| ThemeError::Io {
                path: path.clone(),
                source,
            })?;
            add(name, bytes);
        }
    }
    Ok(())
}

/// `style.css` → `style.1a2b3c4d5e.css`: the name changes whenever the content does, so the file
/// can be cached for a year.
pub(crate) fn hashed_name(name: &str, bytes: &[u8]) -> String {
    let hash = Sha256::digest(bytes);
    let short = data_encoding::HEXLOWER.encode(&hash[..5]);
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{short}.{ext}"),
        None => format!("{name}.{short}"),
    }
}

pub(crate) fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("webp") => "image/webp",
        Some("jpg" | "jpeg") => "image/jpeg",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_carry_the_first_ten_lower_case_hex_digits_of_the_sha256() {
        // SHA-256("abc") begins ba7816bf8f: names already cached by browsers must not change.
        assert_eq!(hashed_name("style.css", b"abc"), "style.ba7816bf8f.css");
        assert_eq!(hashed_name("LICENSE", b"abc"), "LICENSE.ba7816bf8f");
    }

    #[test]
    fn the_embedded_theme_loads_and_hashes_its_stylesheet() {
        let theme = Theme::embedded().expect("embedded theme");
        let url = theme.asset_url("style.css");
        assert!(
            url.starts_with("/assets/style.") && url.ends_with(".css"),
            "{url}"
        );
        let hashed = url.trim_start_matches("/assets/");
        assert_eq!(
            theme.asset(hashed).map(|a| a.content_type),
            Some("text/css; charset=utf-8")
        );
        assert!(
            theme.asset("style.css").is_none(),
            "only hashed names are served"
        );
    }

    #[test]
    fn a_theme_folder_without_templates_is_refused() {
        let dir = std::env::temp_dir().join(format!("gazette-empty-theme-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("templates")).unwrap();
        assert!(matches!(Theme::from_dir(&dir), Err(ThemeError::Missing(_))));
        let _ = std::fs::remove_dir_all(dir);
    }
}
