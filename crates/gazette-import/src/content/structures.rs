//! Lists, tables and code blocks.

use scraper::{ElementRef, Node};

use super::html::Converter;
use super::markdown_writer::{code_block, is_list, list_item};

/// Ordered lists may start anywhere, but CommonMark reads at most nine digits.
const MAX_LIST_START: u32 = 999_999_999;

impl Converter<'_, '_> {
    pub(super) fn list(&mut self, element: ElementRef<'_>, ordered: bool) -> Vec<String> {
        let mut items: Vec<Vec<String>> = Vec::new();
        for child in element.children() {
            let Some(inner) = ElementRef::wrap(child) else {
                // Stray text between items (invalid, but written by hand) becomes an item.
                if let Node::Text(text) = child.value()
                    && !text.trim().is_empty()
                {
                    items.push(super::figures::plain_paragraph(text.trim()));
                }
                continue;
            };
            match inner.value().name() {
                "li" => items.push(self.blocks_of_children(inner)),
                // A list nested straight in a list (an old editor habit) belongs to the item
                // before it.
                "ul" | "ol" => {
                    let nested = self.list(inner, inner.value().name() == "ol");
                    match items.last_mut() {
                        Some(previous) => previous.extend(nested),
                        None => items.push(nested),
                    }
                }
                _ => items.push(self.blocks_of_children(inner)),
            }
        }
        let mut number = element
            .attr("start")
            .and_then(|start| start.trim().parse::<u32>().ok())
            .unwrap_or(1)
            .min(MAX_LIST_START);
        let mut written = Vec::new();
        for blocks in items.into_iter().filter(|blocks| !blocks.is_empty()) {
            let marker = if ordered {
                format!("{number}. ")
            } else {
                "- ".to_owned()
            };
            number = number.saturating_add(1).min(MAX_LIST_START);
            written.push(list_item(&marker, &join_item_blocks(&blocks)));
        }
        if written.is_empty() {
            return Vec::new();
        }
        vec![written.join("\n")]
    }

    pub(super) fn table(&mut self, element: ElementRef<'_>) -> Vec<String> {
        let mut rows: Vec<(ElementRef<'_>, bool)> = Vec::new();
        let mut caption = Vec::new();
        for child in element.child_elements() {
            match child.value().name() {
                "thead" => rows.extend(rows_of(child).map(|row| (row, true))),
                "tbody" | "tfoot" => rows.extend(rows_of(child).map(|row| (row, false))),
                "tr" => rows.push((child, false)),
                "caption" => caption = self.blocks_of_children(child),
                _ => {}
            }
        }
        let header_index = rows.iter().position(|(_, in_head)| *in_head).unwrap_or(0);
        let mut ordered: Vec<ElementRef<'_>> = Vec::with_capacity(rows.len());
        if let Some((header, _)) = rows.get(header_index) {
            ordered.push(*header);
        }
        ordered.extend(
            rows.iter()
                .enumerate()
                .filter(|(index, _)| *index != header_index)
                .map(|(_, (row, _))| *row),
        );
        let mut cells: Vec<Vec<String>> = Vec::with_capacity(ordered.len());
        let mut spans = false;
        for row in ordered {
            let mut row_cells = Vec::new();
            for cell in row
                .child_elements()
                .filter(|cell| matches!(cell.value().name(), "td" | "th"))
            {
                spans |= ["colspan", "rowspan"].iter().any(|name| {
                    cell.attr(name)
                        .and_then(|n| n.trim().parse::<u32>().ok())
                        .is_some_and(|n| n > 1)
                });
                self.in_table_cell = true;
                row_cells.push(self.single_line(cell));
                self.in_table_cell = false;
            }
            cells.push(row_cells);
        }
        let columns = cells.iter().map(Vec::len).max().unwrap_or(0);
        if columns == 0 {
            return caption;
        }
        if spans {
            self.ctx
                .warn("a table's merged cells were split: check the table's layout");
        }
        let line = |row: &[String]| {
            let mut padded: Vec<&str> = row.iter().map(String::as_str).collect();
            padded.resize(columns, "");
            format!("| {} |", padded.join(" | "))
        };
        let mut table = Vec::with_capacity(cells.len() + 1);
        for (index, row) in cells.iter().enumerate() {
            table.push(line(row));
            if index == 0 {
                table.push(line(&vec!["---".to_owned(); columns]));
            }
        }
        let mut blocks = vec![table.join("\n")];
        blocks.extend(caption);
        blocks
    }

    pub(super) fn code_block(&mut self, element: ElementRef<'_>) -> Vec<String> {
        let mut code = String::new();
        code_text(element, &mut code);
        let code = code.trim_start_matches(['\n', '\r']).trim_end();
        if code.is_empty() {
            return Vec::new();
        }
        let language = std::iter::once(element)
            .chain(element.child_elements())
            .flat_map(|el| el.value().classes())
            .find_map(|class| {
                class
                    .strip_prefix("language-")
                    .or_else(|| class.strip_prefix("lang-"))
            })
            .filter(|language| {
                language.len() <= 32
                    && language
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"+-_#.".contains(&b))
            })
            .unwrap_or("");
        vec![code_block(code, language)]
    }
}

fn rows_of<'e>(section: ElementRef<'e>) -> impl Iterator<Item = ElementRef<'e>> {
    section
        .child_elements()
        .filter(|row| row.value().name() == "tr")
}

/// A list item's blocks: a paragraph and its sublists stay tight; anything more is loose.
fn join_item_blocks(blocks: &[String]) -> String {
    let tight = blocks.len() > 1 && !is_list(&blocks[0]) && blocks[1..].iter().all(|b| is_list(b));
    blocks.join(if tight { "\n" } else { "\n\n" })
}

/// The text of a code block as written, line breaks (`<br>`) included.
fn code_text(element: ElementRef<'_>, out: &mut String) {
    for child in element.children() {
        match child.value() {
            Node::Text(text) => out.push_str(text),
            Node::Element(inner) if inner.name() == "br" => out.push('\n'),
            Node::Element(_) => {
                if let Some(inner) = ElementRef::wrap(child) {
                    code_text(inner, out);
                }
            }
            _ => {}
        }
    }
}
