//! Content conversion: Gutenberg blocks, classic WordPress content and Ghost's HTML to Markdown.
