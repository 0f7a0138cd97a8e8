//! The layout engine: sets a [`Document`] on the GB/T 9704 page grid once per
//! report and returns plain data every writer receives with the document model:
//! positioned glyphs page by page, the outline, and how each block a word
//! processor breaks itself was broken into lines. Writers only draw (PDF) or
//! keep (DOCX) what it returns.
//!
//! The stages, in order:
//!
//! * `shape`: character → face (with fallback), glyph, advance, grid width;
//!   a text prepared for breaking once (`Breakable`);
//! * [`linebreak`]: break opportunities, compression of adjacent marks, and
//!   the compress-then-push line breaker;
//! * `paragraph`: setting text into lines (justified, centred, flush left);
//! * `flow`: each block set into flow entries (lines with their keeps);
//!   `table` and `chart` set the blocks that are not text;
//! * `paginate`: entries placed on the 22-line grid page by page (keep with
//!   next; widows and orphans avoided by setting a paragraph a line longer or
//!   shorter, else by ending a page a line short; tables split between rows
//!   with the header repeated; page numbers);
//! * `words`: word boundaries (jieba-rs), where cells, labels and headings
//!   prefer to break;
//! * `types`: the output; [`grid`]: the page, margins and the 22 × 28 grid.

mod chart;
mod flow;
pub mod grid;
pub mod linebreak;
mod paginate;
mod paragraph;
mod shape;
mod table;
mod types;
mod words;

pub use chart::CHART_LINES;
pub use table::{SetCell, TableSet};
pub use types::{Fill, Item, Layout, OutlineEntry, Page, PlacedGlyph, Rule, Run, SetBlock, SetText};

use std::collections::HashMap;
use std::sync::Arc;

use crate::diag::{Diagnostic, Result};
use crate::doc::Document;
use crate::fonts::{FaceData, FontBook};

use flow::{Entry, set_blocks};
use paginate::paginate;
use shape::Faces;

/// Lay out `doc` with the faces of `book`. `data` holds every face of the book,
/// loaded (see [`FontBook::load_all`]).
pub fn layout(doc: &Document, book: &FontBook, data: &[Arc<FaceData>]) -> Result<Layout> {
    set_and_paginate(doc, &mut Faces::new(book, data))
}

/// Set `doc`'s blocks and place them on pages.
fn set_and_paginate(doc: &Document, faces: &mut Faces) -> Result<Layout> {
    let mut lines: Vec<Entry> = Vec::new();
    let mut outline_pending: Vec<(usize, u8, String)> = Vec::new();
    let mut sources = HashMap::new();
    let mut charts = HashMap::new();
    let mut blocks = vec![None; doc.blocks.len()];
    set_blocks(doc, faces, &mut lines, &mut outline_pending, &mut sources, &mut charts, &mut blocks)?;
    let paginate::Paginated { pages, outline, extra, lone, blanks_dropped, chart_lines, .. } =
        paginate(lines, outline_pending, faces, &sources, &charts);
    // Before any writer spends time on it (the DOCX fits every line of it).
    if pages.len() > MAX_PAGES {
        return Err(Diagnostic::error(
            "layout.pages",
            format!(
                "排版后有 {} 页，超过上限 {MAX_PAGES} 页；年度报告不会这么长，请检查模板是否重复输出了内容",
                pages.len()
            ),
        )
        .into());
    }
    // Paragraphs as pagination left them: re-set in `extra` lines more, or as set.
    for (entry, src) in sources {
        if let Some(lines) = src.spans(extra.get(&entry).copied()) {
            let block = src.block;
            let lone_line = lone.contains(&entry);
            blocks[block] = Some(SetBlock::Text(SetText { items: src.items, label: src.label, lines, lone_line }));
        }
    }
    // Charts set taller, by block (both of a pair).
    let chart_lines = chart_lines
        .into_iter()
        .flat_map(|(entry, n)| {
            let (first, set) = &charts[&entry];
            (*first..first + set.len()).map(move |bi| (bi, n))
        })
        .collect();
    Ok(Layout { pages, outline, blocks, blanks_dropped, chart_lines, table_size: faces.table_size })
}

/// Most pages a report may have.
pub const MAX_PAGES: usize = 300;
