//! Writing Markdown pieces so that text stays text: escaping, link destinations, fences, and the
//! prefixes of quotes and list items.

/// Marks a paragraph break inside rendered inline text (WordPress's blank line); split on later.
/// A private-use character, removed from the input before conversion so it cannot be forged.
pub(super) const PARAGRAPH_BREAK: char = '\u{E000}';
/// Marks a line break (`<br>`, or a single newline under WordPress's auto-paragraphs).
pub(super) const LINE_BREAK: char = '\u{E001}';

/// Removes the two marker characters from source text.
pub(super) fn strip_markers(text: &str) -> String {
    text.replace([PARAGRAPH_BREAK, LINE_BREAK], "")
}

/// Escapes text so that no character in it starts Markdown syntax wherever it stands in a line.
/// What only matters at a line's start (`#`, `-`, `1.`…) is handled by [`escape_line_start`].
pub(super) fn escape_text(text: &str, out: &mut String) {
    for (index, c) in text.char_indices() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            // Only `&name;` and `&#123;` would be read as entities; "AT&T" needs no escape.
            '&' if looks_like_entity(&text[index + 1..]) => out.push_str("\\&"),
            _ => out.push(c),
        }
    }
}

fn looks_like_entity(after_ampersand: &str) -> bool {
    let body = after_ampersand.strip_prefix('#').unwrap_or(after_ampersand);
    let name_len = body
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    name_len > 0 && body[name_len..].starts_with(';')
}

/// Escapes what would turn a line of text into a heading, list item, quote, rule or setext
/// underline. `line` is already escaped by [`escape_text`] and has no leading spaces.
pub(super) fn escape_line_start(line: &str) -> String {
    let Some(first) = line.chars().next() else {
        return String::new();
    };
    if matches!(first, '#' | '-' | '+' | '=' | '>') {
        return format!("\\{line}");
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && matches!(line.as_bytes().get(digits), Some(b'.' | b')')) {
        return format!("{}\\{}", &line[..digits], &line[digits..]);
    }
    line.to_owned()
}

/// Undoes [`escape_text`], for recognising a paragraph that is only an address.
pub(super) fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\'
            && let Some(&next) = chars.peek()
            && next.is_ascii_punctuation()
        {
            out.push(next);
            chars.next();
            continue;
        }
        out.push(c);
    }
    out
}

/// Whether `url` may be written as an autolink `<url>`: an http(s) address without spaces,
/// angle brackets or control characters.
pub(super) fn is_autolinkable(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && url.len() > "https://".len()
        && !url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '\\'))
}

/// A link's destination, or None for schemes a reader must not be sent to (`javascript:`,
/// `data:`, `vbscript:`…). Relative addresses and fragments are kept.
pub(super) fn safe_href(href: &str) -> Option<String> {
    let href = href.trim();
    if href.is_empty() {
        return None;
    }
    // Browsers ignore tabs and newlines inside a scheme (`java\tscript:`), so check without them.
    let compact: String = href
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    let lower = compact.to_ascii_lowercase();
    let scheme_end = lower.find(':');
    let path_start = lower.find(['/', '?', '#']);
    let has_scheme = match (scheme_end, path_start) {
        (Some(colon), Some(slash)) => colon < slash,
        (Some(_), None) => true,
        _ => false,
    };
    if has_scheme
        && !["http:", "https:", "mailto:", "tel:"]
            .iter()
            .any(|scheme| lower.starts_with(scheme))
    {
        return None;
    }
    Some(href.to_owned())
}

/// A link or image destination in its `<…>` form, which allows parentheses and spaces.
pub(super) fn link_destination(url: &str) -> String {
    let mut out = String::with_capacity(url.len() + 2);
    out.push('<');
    for c in url.chars() {
        match c {
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '\\' => out.push_str("%5C"),
            ' ' => out.push_str("%20"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('>');
    out
}

/// A link title (the figure caption) in double quotes, with line breaks folded to spaces.
pub(super) fn link_title(title: &str) -> String {
    let mut out = String::with_capacity(title.len() + 2);
    out.push('"');
    for c in collapse_whitespace(title).trim().chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// Runs of whitespace as single spaces, as HTML shows them.
pub(super) fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_space = false;
    for c in text.chars() {
        if c.is_whitespace() && c != '\u{a0}' {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    out
}

/// An inline code span whose fence is longer than any backtick run inside it.
pub(super) fn code_span(code: &str) -> String {
    let code = collapse_whitespace(code);
    if code.trim().is_empty() {
        return String::new();
    }
    let fence = "`".repeat(longest_run(&code, '`') + 1);
    // A space on each side keeps a backtick at either end from joining the fence.
    if code.starts_with('`') || code.ends_with('`') {
        format!("{fence} {code} {fence}")
    } else {
        format!("{fence}{code}{fence}")
    }
}

/// A fenced code block.
pub(super) fn code_block(code: &str, language: &str) -> String {
    let fence = "`".repeat(longest_run(code, '`').max(2) + 1);
    format!("{fence}{language}\n{code}\n{fence}")
}

fn longest_run(text: &str, wanted: char) -> usize {
    let mut longest = 0;
    let mut current = 0;
    for c in text.chars() {
        if c == wanted {
            current += 1;
            longest = longest.max(current);
        } else {
            current = 0;
        }
    }
    longest
}

/// Prefixes every line of a block with `prefix` (`> ` for quotes), blank lines with its trimmed
/// form so the quote does not end there.
pub(super) fn prefix_lines(block: &str, prefix: &str) -> String {
    block
        .lines()
        .map(|line| {
            if line.is_empty() {
                prefix.trim_end().to_owned()
            } else {
                format!("{prefix}{line}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A list item: the marker on the first line, the following lines indented to its width so they
/// stay inside the item.
pub(super) fn list_item(marker: &str, body: &str) -> String {
    let indent = " ".repeat(marker.len());
    let mut out = String::with_capacity(body.len() + marker.len());
    for (index, line) in body.lines().enumerate() {
        if index == 0 {
            out.push_str(marker);
        } else {
            out.push('\n');
            if !line.is_empty() {
                out.push_str(&indent);
            }
        }
        out.push_str(line);
    }
    out
}

/// Whether a Markdown block is a list (its first line a list marker we wrote).
pub(super) fn is_list(block: &str) -> bool {
    if block.starts_with("- ") {
        return true;
    }
    let digits = block.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && block[digits..].starts_with(". ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(text: &str) -> String {
        let mut out = String::new();
        escape_text(text, &mut out);
        escape_line_start(&out)
    }

    #[test]
    fn markdown_characters_are_escaped() {
        assert_eq!(
            escaped("*a* _b_ [c](d) `e`"),
            "\\*a\\* \\_b\\_ \\[c\\](d) \\`e\\`"
        );
        assert_eq!(escaped("# Not a heading"), "\\# Not a heading");
        assert_eq!(escaped("1. Not a list"), "1\\. Not a list");
        assert_eq!(escaped("AT&T &amp; co"), "AT&T \\&amp; co");
    }

    #[test]
    fn unsafe_link_schemes_are_refused() {
        assert_eq!(safe_href("javascript:alert(1)"), None);
        assert_eq!(safe_href(" JaVa\tScRiPt:alert(1)"), None);
        assert_eq!(safe_href("data:text/html,x"), None);
        assert_eq!(safe_href("/about#team").as_deref(), Some("/about#team"));
        assert_eq!(
            safe_href("https://a.test/?q=a:b").as_deref(),
            Some("https://a.test/?q=a:b")
        );
        assert_eq!(
            safe_href("mailto:desk@a.test").as_deref(),
            Some("mailto:desk@a.test")
        );
    }

    #[test]
    fn code_fences_outgrow_the_code() {
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_block("```\nx", ""), "````\n```\nx\n````");
    }

    #[test]
    fn list_items_indent_their_continuation() {
        assert_eq!(list_item("1. ", "a\n- b"), "1. a\n   - b");
        assert_eq!(prefix_lines("a\n\nb", "> "), "> a\n>\n> b");
    }
}
