//! The layout's output: positioned glyphs, rules and fills page by page, the
//! outline, and for the blocks a word processor breaks itself, how the layout
//! broke them. Plain data that every writer receives with the document model.

use std::collections::BTreeMap;

use crate::fonts::FaceId;

use super::linebreak;
use super::table::TableSet;

/// A laid-out document.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub pages: Vec<Page>,
    /// Headings in document order.
    pub outline: Vec<OutlineEntry>,
    /// By block index in the document: how the block's text was broken into
    /// lines, for the blocks a word processor breaks itself (paragraphs, run-in
    /// and wrapped headings, tables).
    pub blocks: Vec<Option<SetBlock>>,
    /// By block index: how many of the blank lines before the block
    /// ([`Document::blank_lines_before`](crate::doc::Document::blank_lines_before))
    /// fell at a page's top and were dropped, which a word processor must be
    /// told (it would set an empty paragraph there).
    pub blanks_dropped: BTreeMap<usize, usize>,
    /// By block index: the grid lines of each chart set taller than
    /// [`CHART_LINES`](super::CHART_LINES), on a page of charts alone that
    /// would otherwise be under half full.
    pub chart_lines: BTreeMap<usize, usize>,
    /// The type size of the report's tables in points (the configuration's,
    /// else chosen for the document: see `table::size_tables`).
    pub table_size: f32,
}

/// One page: runs of glyphs, ruled lines and filled rectangles.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    pub runs: Vec<Run>,
    pub rules: Vec<Rule>,
    pub fills: Vec<Fill>,
}

/// Glyphs of one face, size and weight on one baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub face: FaceId,
    pub size: f32,
    /// Embolden by stroking the outline (the face has no bold of its own).
    pub fake_bold: bool,
    /// Baseline, PDF points from the page's bottom.
    pub y: f32,
    pub glyphs: Vec<PlacedGlyph>,
}

/// A glyph at an absolute x position.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedGlyph {
    /// Glyph id in the face (before subsetting).
    pub gid: u16,
    /// The character it shows (for the ToUnicode map).
    pub ch: char,
    pub x: f32,
    /// Its advance in points at the run's size.
    pub advance: f32,
}

/// A straight line (table borders), 0.5 pt wide.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    pub x1: f32,
    pub y1: f32,
    pub x2: f32,
    pub y2: f32,
}

/// A filled rectangle (a chart's bars, legend keys and grid lines): lower left
/// corner, size, colour (RGB, 0 to 1) and whether it is outlined (0.5 pt
/// black, as rules), drawn under the rules and text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fill {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
    pub rgb: [f32; 3],
    pub outline: bool,
}

/// A bookmark: heading level (1–4), title, page index and the y of its line's top.
#[derive(Debug, Clone, PartialEq)]
pub struct OutlineEntry {
    pub level: u8,
    pub title: String,
    pub page: usize,
    pub y: f32,
}

/// A shaped character.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub ch: char,
    pub face: FaceId,
    pub gid: u16,
    pub size: f32,
    pub fake_bold: bool,
    /// Natural advance in points.
    pub advance: f32,
    /// Width on the grid: the advance scaled so that 28 full-width characters of
    /// body size fill the measure.
    pub width: f32,
}

impl Item {
    /// Whether `self` and `next` are set in one run (same face, size and weight).
    pub fn same_run(&self, next: &Item) -> bool {
        self.face == next.face && self.size == next.size && self.fake_bold == next.fake_bold
    }
}

/// How a block's text was broken into lines, for a writer that sets the text
/// itself (the DOCX: the word processor is nudged to break where the layout
/// did).
#[derive(Debug, Clone, PartialEq)]
pub enum SetBlock {
    /// A body paragraph, a run-in heading, or a heading of its own that wraps.
    Text(SetText),
    /// A table.
    Table(TableSet),
    /// Centred lines that wrap (a title, subtitle, byline or attachment title):
    /// for each line of the block's text (a title's lines, else the one), its
    /// lines as ranges of its characters, control characters not counted; a
    /// space it was broken at is in none.
    Centred(Vec<Vec<(usize, usize)>>),
}

/// A block's characters as shaped and the lines they were set in.
#[derive(Debug, Clone, PartialEq)]
pub struct SetText {
    /// Every character but control characters, the heading number's first.
    pub items: Vec<Item>,
    /// How many of the first items are a heading's number label.
    pub label: usize,
    /// The lines, after pagination set the paragraph longer or shorter.
    pub lines: Vec<linebreak::LineSpan>,
    /// Whether pagination left one of its lines alone at a page's foot or top
    /// (avoiding it would have left a page more than a line short): a word
    /// processor's widow control must not move that line.
    pub lone_line: bool,
}
