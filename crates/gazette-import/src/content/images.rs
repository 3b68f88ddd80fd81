//! Image addresses: the one form by which every copy of an image (resized, absolute or relative,
//! with a cache-busting query) is matched to the file that was imported.

use scraper::{ElementRef, Html};

use crate::source::SourceContent;

/// Turns an old image address into the form images are matched by: without query and fragment,
/// scheme and host (or Ghost's `__GHOST_URL__`), WordPress's size suffix (`-300x200`) and
/// `-scaled`/`-rotated` marks, and Ghost's `size/w600/` and `format/webp/` segments.
///
/// `http://old.example/wp-content/uploads/2024/03/kyiv-1024x683.jpg?x=1` →
/// `wp-content/uploads/2024/03/kyiv.jpg`.
pub fn canonical_image_url(url: &str) -> String {
    let url = url.trim();
    let url = url.split(['?', '#']).next().unwrap_or(url);
    let path = strip_origin(url).trim_start_matches('/');
    let path = strip_ghost_variants(path);
    strip_wordpress_variants(&path)
}

/// The path of an image inside a copy of the old site's uploads folder:
/// `…/wp-content/uploads/2024/03/a.jpg` and `…/content/images/2024/03/a.jpg` → `2024/03/a.jpg`
/// (after canonicalisation). None for other addresses and for paths that would climb out of the
/// folder (`..`). Sites whose uploads are served from the root of a media host (WordPress.com's
/// `…files.wordpress.com/2024/03/a.jpg`, a CDN) name the file by its year and month folders alone:
/// those are taken as they are.
pub fn uploads_relative_path(url: &str) -> Option<String> {
    let canonical = canonical_image_url(url);
    let relative = ["wp-content/uploads/", "content/images/"]
        .iter()
        .find_map(|folder| after_segment(&canonical, folder))
        .or_else(|| starts_with_year_and_month(&canonical).then_some(canonical.as_str()))?;
    let climbs_out = relative
        .split('/')
        .any(|segment| segment.is_empty() || segment == "." || segment == "..");
    (!climbs_out).then(|| relative.to_owned())
}

/// `2024/03/…`: WordPress's year and month upload folders.
fn starts_with_year_and_month(path: &str) -> bool {
    let mut segments = path.split('/');
    let year = segments.next().unwrap_or_default();
    let month = segments.next().unwrap_or_default();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    digits(year, 4) && digits(month, 2) && segments.next().is_some()
}

/// Every image address the content refers to, canonicalised ([`canonical_image_url`]),
/// deduplicated, in order of appearance. Link previews' thumbnails (Ghost bookmark cards) are
/// left out: they are other sites' images, not the article's.
pub fn image_sources(content: &SourceContent) -> Vec<String> {
    let html = match content {
        SourceContent::WordPress(html) | SourceContent::Html(html) => html,
    };
    let document = Html::parse_fragment(html);
    let mut sources: Vec<String> = Vec::new();
    for node in document.root_element().descendants() {
        let Some(element) = ElementRef::wrap(node) else {
            continue;
        };
        if element.value().name() != "img" || inside_bookmark_card(element) {
            continue;
        }
        let Some(src) = image_address(element) else {
            continue;
        };
        let canonical = canonical_image_url(src);
        if !canonical.is_empty() && !sources.contains(&canonical) {
            sources.push(canonical);
        }
    }
    sources
}

/// An `<img>`'s address: `src`, or the attribute lazy-loading plugins move it to. Inline `data:`
/// images are not files that can be imported.
pub(super) fn image_address<'a>(img: ElementRef<'a>) -> Option<&'a str> {
    ["src", "data-src", "data-lazy-src", "data-orig-file"]
        .iter()
        .filter_map(|name| img.value().attr(name))
        .map(str::trim)
        .find(|src| !src.is_empty() && !src.starts_with("data:"))
}

fn inside_bookmark_card(element: ElementRef<'_>) -> bool {
    element
        .ancestors()
        .filter_map(ElementRef::wrap)
        .any(|ancestor| {
            ancestor
                .value()
                .classes()
                .any(|class| class == "kg-bookmark-card")
        })
}

fn strip_origin(url: &str) -> &str {
    if let Some(rest) = url.strip_prefix("__GHOST_URL__") {
        return rest;
    }
    let after_scheme = match url.find("://") {
        Some(index) if url[..index].chars().all(|c| c.is_ascii_alphabetic()) => &url[index + 3..],
        _ => match url.strip_prefix("//") {
            Some(rest) => rest,
            None => return url,
        },
    };
    after_scheme
        .find('/')
        .map_or("", |slash| &after_scheme[slash..])
}

/// Ghost serves resized copies under `content/images/size/w600/…` (and `format/webp/…`).
fn strip_ghost_variants(path: &str) -> String {
    let Some(folder_end) = path
        .find("content/images/")
        .map(|index| index + "content/images/".len())
    else {
        return path.to_owned();
    };
    let (folder, mut rest) = path.split_at(folder_end);
    if let Some(after) = rest.strip_prefix("size/")
        && let Some((size, after_size)) = after.split_once('/')
        && is_ghost_size(size)
    {
        rest = after_size;
    }
    if let Some(after) = rest.strip_prefix("format/")
        && let Some((_, after_format)) = after.split_once('/')
    {
        rest = after_format;
    }
    format!("{folder}{rest}")
}

fn is_ghost_size(size: &str) -> bool {
    let mut chars = size.chars();
    matches!(chars.next(), Some('w' | 'h'))
        && size
            .chars()
            .all(|c| c.is_ascii_digit() || c == 'w' || c == 'h')
}

/// WordPress names its resized copies `name-300x200.jpg` and big originals' downsized copy
/// `name-scaled.jpg` (rotated ones `name-rotated.jpg`).
fn strip_wordpress_variants(path: &str) -> String {
    let (folder, file) = match path.rfind('/') {
        Some(slash) => path.split_at(slash + 1),
        None => ("", path),
    };
    let Some((stem, extension)) = file.rsplit_once('.') else {
        return path.to_owned();
    };
    let mut stem = stem;
    if let Some((base, size)) = stem.rsplit_once('-')
        && is_dimensions(size)
        && !base.is_empty()
    {
        stem = base;
    }
    for mark in ["-scaled", "-rotated"] {
        if let Some(base) = stem.strip_suffix(mark)
            && !base.is_empty()
        {
            stem = base;
        }
    }
    format!("{folder}{stem}.{extension}")
}

fn is_dimensions(text: &str) -> bool {
    text.split_once('x').is_some_and(|(width, height)| {
        [width, height]
            .iter()
            .all(|n| !n.is_empty() && n.len() <= 5 && n.bytes().all(|b| b.is_ascii_digit()))
    })
}

fn after_segment<'a>(path: &'a str, folder: &str) -> Option<&'a str> {
    let index = path.find(folder)?;
    let at_segment_start = index == 0 || path[..index].ends_with('/');
    let rest = &path[index + folder.len()..];
    (at_segment_start && !rest.is_empty()).then_some(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_of_one_image_share_a_canonical_address() {
        let expected = "wp-content/uploads/2024/03/kyiv.jpg";
        for url in [
            "http://old.example/wp-content/uploads/2024/03/kyiv-1024x683.jpg?x=1",
            "https://old.example/wp-content/uploads/2024/03/kyiv-scaled.jpg",
            "//old.example/wp-content/uploads/2024/03/kyiv.jpg#top",
            "/wp-content/uploads/2024/03/kyiv-300x200.jpg",
        ] {
            assert_eq!(canonical_image_url(url), expected, "{url}");
        }
        assert_eq!(
            canonical_image_url("__GHOST_URL__/content/images/size/w600/2024/03/a.jpg"),
            "content/images/2024/03/a.jpg"
        );
        assert_eq!(
            canonical_image_url(
                "https://blog.test/content/images/size/w1000/format/webp/2024/03/a.png"
            ),
            "content/images/2024/03/a.png"
        );
        // A hyphenated name that is not a size keeps its hyphen.
        assert_eq!(canonical_image_url("/x/front-page.jpg"), "x/front-page.jpg");
    }

    #[test]
    fn uploads_paths_are_found_and_never_climb_out() {
        assert_eq!(
            uploads_relative_path("https://a.test/blog/wp-content/uploads/2024/03/a-150x150.jpg")
                .as_deref(),
            Some("2024/03/a.jpg")
        );
        assert_eq!(
            uploads_relative_path("__GHOST_URL__/content/images/2024/03/a.jpg").as_deref(),
            Some("2024/03/a.jpg")
        );
        assert_eq!(uploads_relative_path("https://cdn.test/img/a.jpg"), None);
        assert_eq!(
            uploads_relative_path("/wp-content/uploads/../../etc/passwd"),
            None
        );
        assert_eq!(uploads_relative_path("/my-content/images/a.jpg"), None);
    }

    #[test]
    fn image_sources_are_listed_once_in_order() {
        let content = SourceContent::Html(
            "<p><img src=\"/content/images/b.jpg\"></p>\
             <img src=\"https://x.test/content/images/size/w600/b.jpg\">\
             <img src=\"data:image/png;base64,AAAA\"><img data-src=\"/a.png\">\
             <figure class=\"kg-bookmark-card\"><img src=\"https://other.test/t.png\"></figure>"
                .to_owned(),
        );
        assert_eq!(image_sources(&content), ["content/images/b.jpg", "a.png"]);
    }
}
