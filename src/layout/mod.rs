//! The layout engine: sets a [`Document`] on the GB/T 9704 page grid and returns
//! positioned glyphs page by page, with the outline. Writers only draw what it
//! returns (the PDF writer through printpdf).
//!
//! * [`grid`]: the page, margins and the 22 × 28 grid;
//! * [`linebreak`]: break opportunities and the squeeze-then-push line breaker;
//! * `table`: column widths from the set text, cells, rows whole on the grid;
//! * `chart`: bar charts as filled rectangles, rules and text;
//! * this module: shaping (character → face, glyph, advance), setting each block
//!   into lines, and paginating lines on the grid (keep with next; widows and
//!   orphans avoided where a paragraph can be set a line longer, accepted rather
//!   than a gap, GB/T 9704 filling the text block; tables split between rows
//!   with the header repeated; attachments on a new page; page numbers).

mod chart;
pub mod grid;
pub mod linebreak;
mod table;

pub use table::{SetCell, TableSet};

use std::collections::HashMap;
use std::sync::Arc;

use crate::config::Role;
use crate::diag::{Diagnostic, Result};
use crate::doc::{Block, Document, Text};
use crate::fonts::{FaceData, FaceId, FontBook};

use grid::{BLOCK_W, CHAR_PITCH, PITCH};

/// Fraction of the em above the baseline used to centre type in a grid line.
const LINE_ASCENT: f32 = 0.88;

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

/// The faces a layout uses, parsed once.
struct Faces<'a> {
    book: &'a FontBook,
    data: &'a [Arc<FaceData>],
    parsed: Vec<ttf_parser::Face<'a>>,
    /// (role, char) -> face serving it.
    cache: HashMap<(Role, char), Option<FaceId>>,
}

impl<'a> Faces<'a> {
    /// Every face of `book`, from `data` (see [`load_faces`]), parsed.
    fn new(book: &'a FontBook, data: &'a [Arc<FaceData>]) -> Faces<'a> {
        Faces { book, data, parsed: data.iter().map(|d| d.face()).collect(), cache: HashMap::new() }
    }

    fn resolve(&mut self, role: Role, ch: char) -> Option<FaceId> {
        if let Some(&f) = self.cache.get(&(role, ch)) {
            return f;
        }
        let (own, _) = self.book.role(role);
        let found = std::iter::once(own)
            .chain(self.book.fallback_ids().iter().copied())
            .find(|&id| self.parsed[id].glyph_index(ch).is_some());
        self.cache.insert((role, ch), found);
        found
    }

    /// Fraction of the em above the baseline (1 − |descender|).
    fn ascent(&self, face: FaceId) -> f32 {
        let f = &self.parsed[face];
        1.0 - (f.descender().unsigned_abs() as f32 / f.units_per_em() as f32)
    }
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
}

/// Lay out `doc` with the faces of `book`. `data` holds every face of the book,
/// loaded (see [`load_faces`]).
pub fn layout(doc: &Document, book: &FontBook, data: &[Arc<FaceData>]) -> Result<Layout> {
    set_and_paginate(doc, &mut Faces::new(book, data))
}

/// Set `doc`'s blocks and place them on pages.
fn set_and_paginate(doc: &Document, faces: &mut Faces) -> Result<Layout> {
    let mut lines: Vec<Entry> = Vec::new();
    let mut outline_pending: Vec<(usize, u8, String)> = Vec::new();
    let mut sources = HashMap::new();
    let mut blocks = vec![None; doc.blocks.len()];
    set_blocks(doc, faces, &mut lines, &mut outline_pending, &mut sources, &mut blocks)?;
    let (pages, outline, extra) = paginate(lines, outline_pending, faces, &sources);
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
            blocks[block] = Some(SetBlock::Text(SetText { items: src.items, label: src.label, lines }));
        }
    }
    Ok(Layout { pages, outline, blocks })
}

/// Most pages a report may have.
pub const MAX_PAGES: usize = 300;

/// Every face of `book`, read (once per process) for layout.
pub fn load_faces(book: &FontBook) -> Result<Vec<Arc<FaceData>>> {
    (0..book.len()).map(|i| book.face(i)).collect()
}

/// A line set but not yet placed on a page.
#[derive(Debug, Clone)]
struct SetLine {
    /// Runs with x positions; y is filled in at pagination (a table row's runs
    /// hold their baseline's distance below the row's top).
    runs: Vec<Run>,
    /// Extra drawing relative to the line's top (a chart's).
    rules: Vec<Rule>,
    fills: Vec<Fill>,
    /// Grid lines taken (table rows and charts take several). A line of text
    /// (one grid line, no frame) sits on its grid line's baseline; the runs of
    /// table rows and charts hold their baselines' distances below the top.
    height: usize,
    /// For a table row: the x of each column boundary, left to right. The row is
    /// framed when placed, so that a row split across pages is closed on both.
    frame: Vec<f32>,
}

impl SetLine {
    /// A line of text.
    fn text(runs: Vec<Run>) -> SetLine {
        SetLine { runs, rules: Vec::new(), fills: Vec::new(), height: 1, frame: Vec::new() }
    }
}

/// What pagination sees.
#[derive(Debug, Clone)]
enum Entry {
    /// A group of lines from one block.
    Lines { lines: Vec<SetLine>, keep_with_next: bool, breakable: bool, table_header: Option<Box<SetLine>> },
    /// An empty grid line (skipped at a page's top).
    Blank,
    /// Continue on a new page.
    PageBreak,
}

fn shape(faces: &mut Faces, segments: &[(Role, bool, &str)]) -> Result<Vec<Item>> {
    let mut items = Vec::new();
    for &(role, strong, text) in segments {
        let size = role.size_pt();
        let (_, role_bold) = faces.book.role(role);
        for ch in text.chars() {
            if ch.is_control() {
                continue;
            }
            let Some(face) = faces.resolve(role, ch) else {
                return Err(Diagnostic::error(
                    "font.missing-glyph",
                    format!("没有任何字体含有字符“{ch}”（U+{:04X}），无法排版；请换用其他写法或在 nianbao.yaml 配置含有它的字体", ch as u32),
                )
                .into());
            };
            let f = &faces.parsed[face];
            let gid = f.glyph_index(ch).map(|g| g.0).unwrap_or(0);
            let upm = f.units_per_em() as f32;
            let advance = f.glyph_hor_advance(ttf_parser::GlyphId(gid)).unwrap_or(0) as f32 / upm * size;
            let fake_bold = (strong || role_bold) && !faces.data[face].is_bold;
            let width = advance * CHAR_PITCH / grid::BODY_PT;
            items.push(Item { ch, face, gid, size, fake_bold, advance, width });
        }
    }
    Ok(items)
}

/// Turn items `start..end` into runs starting at `x0`, with `gap` extra after
/// each character but the last, and `squeeze` taken after squeezable marks. The
/// white space a line ends with is not drawn (see [`linebreak::visible_len`]).
fn place(items: &[Item], x0: f32, gap: f32, squeeze: f32) -> Vec<Run> {
    let chars: Vec<char> = items.iter().map(|i| i.ch).collect();
    let widths: Vec<f32> = items.iter().map(|i| i.width).collect();
    let xs = linebreak::positions(x0, &chars, &widths, gap, squeeze);
    let mut runs: Vec<Run> = Vec::new();
    for (it, x) in items.iter().zip(xs) {
        let same = runs.last().is_some_and(|r| r.face == it.face && r.size == it.size && r.fake_bold == it.fake_bold);
        if !same {
            runs.push(Run { face: it.face, size: it.size, fake_bold: it.fake_bold, y: 0.0, glyphs: Vec::new() });
        }
        runs.last_mut().unwrap().glyphs.push(PlacedGlyph { gid: it.gid, ch: it.ch, x, advance: it.advance });
    }
    runs
}

/// Set a justified paragraph: first line indented by `indent`.
fn set_paragraph(items: &[Item], indent: f32, x_left: f32, measure: f32) -> Vec<SetLine> {
    let chars: Vec<char> = items.iter().map(|i| i.ch).collect();
    let widths: Vec<f32> = items.iter().map(|i| i.width).collect();
    let allowed = linebreak::break_after(&chars);
    let spans = linebreak::break_lines(&chars, &widths, &allowed, measure, indent);
    set_spans(items, &spans, indent, x_left)
}

/// Position the lines chosen by the line breaker, justified.
fn set_spans(items: &[Item], spans: &[linebreak::LineSpan], indent: f32, x_left: f32) -> Vec<SetLine> {
    spans
        .iter()
        .map(|s| {
            let line = &items[s.start..s.end];
            let x0 = x_left + if s.first { indent } else { 0.0 };
            let chars: Vec<char> = line.iter().map(|i| i.ch).collect();
            let (gap, squeeze) = linebreak::justification(&chars, s);
            SetLine::text(place(line, x0, gap, squeeze))
        })
        .collect()
}

/// A body paragraph kept for re-setting in a different number of lines.
#[derive(Debug, Clone)]
struct ParaSrc {
    /// The block it sets, by index in the document.
    block: usize,
    /// Its first characters that are a heading's number.
    label: usize,
    items: Vec<Item>,
    indent: f32,
    /// Lines in its normal setting.
    lines: usize,
    /// Of those, all-Han lines after the first, and how many of them are uneven.
    grid_lines: usize,
    uneven: usize,
}

impl ParaSrc {
    fn new(block: usize, label: usize, items: Vec<Item>, indent: f32) -> (ParaSrc, Vec<SetLine>) {
        let chars: Vec<char> = items.iter().map(|i| i.ch).collect();
        let widths: Vec<f32> = items.iter().map(|i| i.width).collect();
        let allowed = linebreak::break_after(&chars);
        let spans = linebreak::break_lines(&chars, &widths, &allowed, BLOCK_W, indent);
        let grid_lines = spans
            .iter()
            .filter(|s| !s.first && !s.last && chars[s.start..s.end].iter().all(|&c| linebreak::on_grid(c)))
            .count();
        let uneven = linebreak::uneven_lines(&chars, &widths, &spans);
        let set = set_spans(&items, &spans, indent, grid::left());
        (ParaSrc { block, label, lines: set.len(), items, indent, grid_lines, uneven }, set)
    }
}

impl ParaSrc {
    /// The paragraph set in `extra` more lines than normal, if it can be done
    /// without a loose line, and how many more all-Han lines that leaves uneven.
    fn lengthened(&self, extra: isize) -> Option<(Vec<SetLine>, usize)> {
        let chars: Vec<char> = self.items.iter().map(|i| i.ch).collect();
        let widths: Vec<f32> = self.items.iter().map(|i| i.width).collect();
        let normal = self.spans(None)?;
        let spans = self.spans(Some(extra))?;
        let uneven = linebreak::uneven_lines(&chars, &widths, &spans)
            .saturating_sub(linebreak::uneven_lines(&chars, &widths, &normal));
        Some((set_spans(&self.items, &spans, self.indent, grid::left()), uneven))
    }

    /// The paragraph's lines in its normal setting (`None`), or in exactly
    /// `extra` more lines than that if it can be done without a loose line.
    fn spans(&self, extra: Option<isize>) -> Option<Vec<linebreak::LineSpan>> {
        let chars: Vec<char> = self.items.iter().map(|i| i.ch).collect();
        let widths: Vec<f32> = self.items.iter().map(|i| i.width).collect();
        let allowed = linebreak::break_after(&chars);
        let Some(extra) = extra else {
            return Some(linebreak::break_lines(&chars, &widths, &allowed, BLOCK_W, self.indent));
        };
        let count = usize::try_from(self.lines as isize + extra).ok().filter(|&c| c > 0)?;
        linebreak::break_lines_exact(&chars, &widths, &allowed, BLOCK_W, self.indent, count)
    }
}

/// `items` as one line when it fits in `measure`, else broken into lines that do
/// (squeezed where the line breaker squeezes), each with its squeeze.
fn wrap(items: &[Item], measure: f32) -> Vec<(&[Item], f32)> {
    if items.iter().map(|i| i.width).sum::<f32>() <= measure + 0.01 {
        return vec![(items, 0.0)];
    }
    let chars: Vec<char> = items.iter().map(|i| i.ch).collect();
    let widths: Vec<f32> = items.iter().map(|i| i.width).collect();
    let allowed = linebreak::break_after(&chars);
    linebreak::break_lines(&chars, &widths, &allowed, measure, 0.0)
        .iter()
        .map(|s| (&items[s.start..s.end], linebreak::justification(&chars[s.start..s.end], s).1))
        .collect()
}

/// Set centred lines (title, subtitle, byline), broken into balanced lines when
/// too long for the measure.
fn set_centred(items: &[Item]) -> Vec<SetLine> {
    let natural: Vec<f32> = items.iter().map(|i| i.advance).collect();
    let total: f32 = natural.iter().sum();
    let chars: Vec<char> = items.iter().map(|i| i.ch).collect();
    let allowed = linebreak::break_after(&chars);
    // Balanced: the fewest lines that fit, each about total / n long.
    let n = (total / BLOCK_W).ceil().max(1.0) as usize;
    let mut spans = Vec::new();
    if n <= 1 {
        spans.push((0, items.len()));
    } else if let Some(at) = break_at_spaces(&chars, &natural, n) {
        // A title written in phrases (`关注民生　深化改革　奋力开创……`) breaks
        // between them, the space dropped.
        let mut start = 0;
        for b in at {
            spans.push((start, b));
            start = b + 1;
        }
        spans.push((start, items.len()));
    } else {
        let target = total / n as f32;
        let mut start = 0;
        let mut acc = 0.0;
        for i in 0..items.len() {
            acc += natural[i];
            let remaining_lines = n - spans.len();
            if remaining_lines > 1 && acc >= target - natural[i] / 2.0 && allowed[i] {
                spans.push((start, i + 1));
                start = i + 1;
                acc = 0.0;
            }
        }
        spans.push((start, items.len()));
    }
    spans
        .into_iter()
        .filter(|(s, e)| e > s)
        .flat_map(|(s, e)| {
            // Centred at natural widths (title type is not on the body's grid); a
            // piece with no break wider than the block is broken where it must be.
            let natural: Vec<Item> = items[s..e].iter().map(|i| Item { width: i.advance, ..i.clone() }).collect();
            wrap(&natural, BLOCK_W)
                .into_iter()
                .map(|(part, squeeze)| {
                    let w = set_width(part, squeeze);
                    let x0 = grid::left() + (BLOCK_W - w) / 2.0;
                    SetLine::text(place(part, x0, 0.0, squeeze))
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Where to break a line of centred type at its spaces into `n` lines or one
/// more, every line fitting the measure: the spaces to break at (each dropped),
/// the most even lines (the longest as short as can be), preferring the
/// shorter lines above (a trapezoid). `None` when no choice of spaces fits, or
/// when there are too many choices to try (a paragraph's worth of words set as a
/// title: the search is exhaustive, C(spaces, lines − 1) choices).
fn break_at_spaces(chars: &[char], natural: &[f32], n: usize) -> Option<Vec<usize>> {
    let spaces: Vec<usize> =
        (1..chars.len().saturating_sub(1)).filter(|&i| matches!(chars[i], '\u{3000}' | ' ')).collect();
    if choices(spaces.len(), n) > MAX_TITLE_CHOICES {
        return None;
    }
    let width = |s: usize, e: usize| natural[s..e].iter().sum::<f32>();
    for lines in n..=n + 1 {
        let mut best: Option<(f32, f32, Vec<usize>)> = None;
        // Every choice of lines - 1 spaces, in order.
        let mut pick: Vec<usize> = (0..lines - 1).collect();
        if pick.len() > spaces.len() {
            continue;
        }
        loop {
            let at: Vec<usize> = pick.iter().map(|&k| spaces[k]).collect();
            let bounds: Vec<(usize, usize)> = std::iter::once(0)
                .chain(at.iter().map(|b| b + 1))
                .zip(at.iter().copied().chain(std::iter::once(chars.len())))
                .collect();
            let ws: Vec<f32> = bounds.iter().map(|&(s, e)| width(s, e)).collect();
            let longest = ws.iter().copied().fold(0.0, f32::max);
            // Lines growing downwards score better on ties.
            let falling: f32 = ws.windows(2).map(|w| (w[0] - w[1]).max(0.0)).sum();
            if longest <= BLOCK_W + 0.01 && best.as_ref().is_none_or(|(l, f, _)| (longest, falling) < (*l, *f)) {
                best = Some((longest, falling, at));
            }
            // Next combination.
            let k = pick.len();
            let Some(i) = (0..k).rev().find(|&i| pick[i] < spaces.len() - k + i) else { break };
            pick[i] += 1;
            for j in i + 1..k {
                pick[j] = pick[j - 1] + 1;
            }
        }
        if let Some((_, _, at)) = best {
            return Some(at);
        }
    }
    None
}

/// Most choices of spaces [`break_at_spaces`] tries (a real title has a few
/// dozen).
const MAX_TITLE_CHOICES: u64 = 20_000;

/// C(n, k), saturating.
fn choices(n: usize, k: usize) -> u64 {
    let k = k.min(n.saturating_sub(k)) as u64;
    (0..k).try_fold(1u64, |c, i| c.checked_mul(n as u64 - i).map(|c| c / (i + 1))).unwrap_or(u64::MAX)
}

/// The width of `items` set with `squeeze` taken after each squeezable mark but the last.
fn set_width(items: &[Item], squeeze: f32) -> f32 {
    let chars: Vec<char> = items.iter().map(|i| i.ch).collect();
    let widths: Vec<f32> = items.iter().map(|i| i.width).collect();
    let xs = linebreak::positions(0.0, &chars, &widths, 0.0, squeeze);
    xs.last().map_or(0.0, |x| x + widths[xs.len() - 1])
}

/// Set a line flush left without indent (salutation, attachment label).
fn set_flush_left(items: &[Item]) -> Vec<SetLine> {
    set_paragraph(items, 0.0, grid::left(), BLOCK_W)
}

fn plain_segments(text: &Text, role: Role) -> Vec<(Role, bool, String)> {
    text.spans.iter().map(|s| (role, s.strong, s.text.clone())).collect()
}

fn shape_text(faces: &mut Faces, segs: &[(Role, bool, String)]) -> Result<Vec<Item>> {
    let borrowed: Vec<(Role, bool, &str)> = segs.iter().map(|(r, b, s)| (*r, *b, s.as_str())).collect();
    shape(faces, &borrowed)
}

/// A heading's text as set: its number label, its words, and the paragraph it
/// runs into.
fn heading_segments(h: &crate::doc::Heading) -> Vec<(Role, bool, String)> {
    let role = Role::heading(h.level);
    let mut segs = Vec::new();
    if let Some(n) = &h.number {
        segs.push((role, false, n.label.clone()));
    }
    segs.extend(plain_segments(&h.text, role));
    if let Some(run_in) = &h.run_in {
        segs.extend(plain_segments(run_in, Role::Body));
    }
    segs
}

/// The characters of a heading's number label.
fn label_len(h: &crate::doc::Heading) -> usize {
    h.number.as_ref().map_or(0, |n| n.label.chars().filter(|c| !c.is_control()).count())
}

fn set_blocks(
    doc: &Document,
    faces: &mut Faces,
    out: &mut Vec<Entry>,
    outline: &mut Vec<(usize, u8, String)>,
    sources: &mut HashMap<usize, ParaSrc>,
    blocks: &mut [Option<SetBlock>],
) -> Result<()> {
    let indent = 2.0 * CHAR_PITCH;
    let lines =
        |lines: Vec<SetLine>| Entry::Lines { lines, keep_with_next: false, breakable: true, table_header: None };
    for (bi, block) in doc.blocks.iter().enumerate() {
        out.extend(std::iter::repeat_n(Entry::Blank, doc.blank_lines_before(bi)));
        match block {
            Block::Title(title_lines) => {
                let mut set = Vec::new();
                for t in title_lines {
                    let items = shape_text(faces, &plain_segments(t, Role::Title))?;
                    set.extend(set_centred(&items));
                }
                out.push(Entry::Lines { lines: set, keep_with_next: true, breakable: false, table_header: None });
            }
            Block::Subtitle(t) | Block::Date(t) | Block::Speaker(t) => {
                let role = if matches!(block, Block::Subtitle(_)) { Role::Subtitle } else { Role::Byline };
                let items = shape_text(faces, &plain_segments(t, role))?;
                out.push(Entry::Lines {
                    lines: set_centred(&items),
                    keep_with_next: true,
                    breakable: false,
                    table_header: None,
                });
            }
            Block::Salutation(t) => {
                let items = shape_text(faces, &plain_segments(t, Role::Body))?;
                out.push(Entry::Lines {
                    lines: set_flush_left(&items),
                    keep_with_next: true,
                    breakable: true,
                    table_header: None,
                });
            }
            Block::Heading(h) => {
                let items = shape_text(faces, &heading_segments(h))?;
                let set = if h.run_in.is_some() {
                    let (src, set) = ParaSrc::new(bi, label_len(h), items, indent);
                    sources.insert(out.len(), src);
                    set
                } else {
                    let chars: Vec<char> = items.iter().map(|i| i.ch).collect();
                    let widths: Vec<f32> = items.iter().map(|i| i.width).collect();
                    let allowed = linebreak::break_after(&chars);
                    let spans = linebreak::break_lines(&chars, &widths, &allowed, BLOCK_W, indent);
                    let set = set_spans(&items, &spans, indent, grid::left());
                    if spans.len() > 1 {
                        blocks[bi] = Some(SetBlock::Text(SetText { items, label: label_len(h), lines: spans }));
                    }
                    set
                };
                outline.push((out.len(), h.level, h.display_text().trim_end_matches(['。', '：']).to_string()));
                out.push(Entry::Lines {
                    lines: set,
                    keep_with_next: h.run_in.is_none(),
                    breakable: h.run_in.is_some(),
                    table_header: None,
                });
            }
            Block::Paragraph(t) => {
                let items = shape_text(faces, &plain_segments(t, Role::Body))?;
                let (src, set) = ParaSrc::new(bi, 0, items, indent);
                sources.insert(out.len(), src);
                out.push(lines(set));
            }
            Block::Table(t) => {
                blocks[bi] = table::set_table(t, faces, out)?.map(SetBlock::Table);
                keep_with_note(doc, bi, out);
            }
            Block::Chart(_) if doc.paired_with_previous(bi) => {}
            Block::Chart(c) => {
                // Two charts that pair share a row.
                match doc.blocks.get(bi + 1) {
                    Some(Block::Chart(d)) if doc.pairs_with_next(bi) => chart::set_charts(&[c, d], faces, out)?,
                    _ => chart::set_charts(&[c], faces, out)?,
                }
                keep_with_note(doc, bi, out);
            }
            Block::Signature(sig) => {
                // GB/T 9704 7.3.5.2: the date four characters in from the right,
                // the issuing body centred over it.
                let mut shaped = Vec::new();
                for t in sig {
                    shaped.push(shape_text(faces, &plain_segments(t, Role::Body))?);
                }
                let width = |items: &[Item]| items.iter().map(|i| i.width).sum::<f32>();
                let date_w = shaped.last().map_or(0.0, |d| width(d));
                let centre = grid::right() - 4.0 * CHAR_PITCH - date_w / 2.0;
                let mut set = Vec::new();
                for items in &shaped {
                    // A line longer than the block (a long issuing body) wraps
                    // instead of running off the page; each part is placed alike.
                    for (part, squeeze) in wrap(items, BLOCK_W) {
                        let w = set_width(part, squeeze);
                        let x0 = (centre - w / 2.0).min(grid::right() - w).max(grid::left());
                        set.push(SetLine::text(place(part, x0, 0.0, squeeze)));
                    }
                }
                out.push(Entry::Lines { lines: set, keep_with_next: false, breakable: false, table_header: None });
            }
            Block::PageBreak => out.push(Entry::PageBreak),
            Block::Attachment(a) => {
                out.push(Entry::PageBreak);
                let items = shape_text(faces, &[(Role::Attachment, false, a.label.clone())])?;
                out.push(Entry::Lines {
                    lines: set_flush_left(&items),
                    keep_with_next: true,
                    breakable: false,
                    table_header: None,
                });
                out.push(Entry::Blank);
                let items = shape_text(faces, &plain_segments(&a.title, Role::Title))?;
                out.push(Entry::Lines {
                    lines: set_centred(&items),
                    keep_with_next: true,
                    breakable: false,
                    table_header: None,
                });
            }
        }
    }
    Ok(())
}

/// A note after a table or chart stays on the page of the table's last row or
/// the chart: the entry just set for block `i` keeps with what follows.
fn keep_with_note(doc: &Document, i: usize, out: &mut [Entry]) {
    if let (true, Some(Entry::Lines { keep_with_next, .. })) = (doc.note_follows(i), out.last_mut()) {
        *keep_with_next = true;
    }
}

/// The share of a document's all-Han lines (in percent) that may hold other than
/// 28 characters, counting those line breaking could not avoid; what is left of
/// it is what pagination may spend lengthening paragraphs to fill pages.
const UNEVEN_PERCENT: usize = 4;

/// A paragraph to set a line longer (or shorter) so that a page fills.
struct Fix {
    entry: usize,
    longer: bool,
}

/// Place set lines on pages, line by line on the grid. Where keeping a heading
/// with its text, or avoiding a widow or orphan, would leave lines empty at a
/// page's foot, a paragraph on that page is set a line longer instead (if it can
/// be without a loose line) and pagination runs again. Also returns, by entry,
/// how many lines more each re-set paragraph was set in.
fn paginate(
    mut entries: Vec<Entry>,
    outline_at: Vec<(usize, u8, String)>,
    faces: &mut Faces,
    sources: &HashMap<usize, ParaSrc>,
) -> (Vec<Page>, Vec<OutlineEntry>, HashMap<usize, isize>) {
    let mut refused: std::collections::HashSet<(usize, bool)> = std::collections::HashSet::new();
    let mut extra: HashMap<usize, isize> = HashMap::new();
    let mut tries = 0;
    // All-Han lines that lengthening may leave with other than 28 characters.
    let (grid_lines, uneven): (usize, usize) =
        sources.values().fold((0, 0), |(g, u), s| (g + s.grid_lines, u + s.uneven));
    let mut uneven_budget = (grid_lines * UNEVEN_PERCENT / 100).saturating_sub(uneven);
    let (mut pages, outline) = loop {
        match place_entries(&entries, &outline_at, sources, &refused, tries < 100) {
            Ok(done) => break done,
            Err(Fix { entry, longer }) => {
                tries += 1;
                let want = extra.get(&entry).copied().unwrap_or(0) + if longer { 1 } else { -1 };
                match sources.get(&entry).and_then(|s| s.lengthened(want)).filter(|(_, u)| *u <= uneven_budget) {
                    Some((set, uneven)) => {
                        if let Entry::Lines { lines, .. } = &mut entries[entry] {
                            *lines = set;
                        }
                        extra.insert(entry, want);
                        uneven_budget -= uneven;
                    }
                    None => {
                        refused.insert((entry, longer));
                    }
                }
            }
        }
    };
    for (i, page) in pages.iter_mut().enumerate() {
        page.runs.extend(folio(i + 1, faces));
    }
    (pages, outline, extra)
}

/// Paragraphs that could be re-set to fill the current page: those on it, and
/// those on the page before when that one is full (lengthening one of them moves
/// everything after it down a line, which closes a gap here too).
#[derive(Default)]
struct PageParas {
    here: Vec<usize>,
    before: Vec<usize>,
}

/// One pagination pass; `Err` asks for a paragraph to be lengthened first.
fn place_entries(
    entries: &[Entry],
    outline_at: &[(usize, u8, String)],
    sources: &HashMap<usize, ParaSrc>,
    refused: &std::collections::HashSet<(usize, bool)>,
    may_ask: bool,
) -> std::result::Result<(Vec<Page>, Vec<OutlineEntry>), Fix> {
    let mut pages: Vec<Page> = vec![Page::default()];
    let mut cur = 0usize; // next free grid line on the last page
    let mut outline = Vec::new();
    let mut outline_at = outline_at.iter().cloned().peekable();
    // Paragraphs with lines on the current page that could be lengthened.
    let mut last_para = PageParas::default();
    let fixable = |i: &usize, longer: bool| may_ask && sources.contains_key(i) && !refused.contains(&(*i, longer));

    // Lines an entry needs before a break is allowed after it: all of an
    // unbreakable one; of a breakable one, two (no orphan) or, where that would
    // leave the page short, one (but a paragraph of two lines is not split into
    // an orphan and a widow).
    let min_lines = |e: &Entry, orphan: bool| -> usize {
        match e {
            Entry::Lines { lines, breakable, table_header, .. } => {
                let head = table_header.as_ref().map_or(0, |h| h.height);
                let take = if !*breakable {
                    lines.len()
                } else if orphan && (lines.len() > 2 || table_header.is_some()) {
                    1
                } else {
                    2
                };
                head + lines.iter().take(take).map(|l| l.height).sum::<usize>()
            }
            Entry::Blank | Entry::PageBreak => 0,
        }
    };

    let new_page = |pages: &mut Vec<Page>, cur: &mut usize, last_para: &mut PageParas| {
        last_para.before = if *cur >= grid::LINES { std::mem::take(&mut last_para.here) } else { Vec::new() };
        last_para.here.clear();
        pages.push(Page::default());
        *cur = 0;
    };

    // Place `line` from grid line `at`: a text line on the grid line's baseline;
    // a table row's runs at their offsets below its top, framed.
    let put = |pages: &mut Vec<Page>, line: &SetLine, at: usize| {
        let page = pages.last_mut().unwrap();
        let top = grid::block_top() - at as f32 * PITCH;
        for r in &line.runs {
            let mut r = r.clone();
            r.y = if line.frame.is_empty() && line.height == 1 {
                // One baseline per line whatever the face, so fallback glyphs stay on it.
                grid::baseline(at, r.size, LINE_ASCENT)
            } else {
                top - r.y
            };
            page.runs.push(r);
        }
        for rule in &line.rules {
            page.rules.push(Rule { x1: rule.x1, y1: top + rule.y1, x2: rule.x2, y2: top + rule.y2 });
        }
        for f in &line.fills {
            page.fills.push(Fill { y: top + f.y, ..*f });
        }
        if let (Some(&x1), Some(&x2)) = (line.frame.first(), line.frame.last()) {
            let bottom = top - line.height as f32 * PITCH;
            page.rules.push(Rule { x1, y1: top, x2, y2: top });
            page.rules.push(Rule { x1, y1: bottom, x2, y2: bottom });
            for &x in &line.frame {
                page.rules.push(Rule { x1: x, y1: top, x2: x, y2: bottom });
            }
        }
    };

    for (idx, entry) in entries.iter().enumerate() {
        match entry {
            Entry::PageBreak => {
                if cur > 0 {
                    new_page(&mut pages, &mut cur, &mut last_para);
                }
            }
            Entry::Blank => {
                if cur > 0 {
                    cur += 1;
                    if cur >= grid::LINES {
                        new_page(&mut pages, &mut cur, &mut last_para);
                    }
                }
            }
            Entry::Lines { lines, keep_with_next, breakable, table_header } => {
                // How much must fit here: the whole group if unbreakable, else two
                // lines (no orphan); plus what the next entry needs when kept with
                // it. `need_one`: the same with one line (an orphan).
                // What the entries after this one need on its page when it is kept
                // with them: blank lines and each one's least, along the chain.
                let chain_after = |orphan: bool| {
                    let mut need = 0;
                    for next in &entries[idx + 1..] {
                        match next {
                            Entry::Blank => need += 1,
                            Entry::Lines { keep_with_next: k, .. } => {
                                need += min_lines(next, orphan);
                                if !*k {
                                    break;
                                }
                            }
                            Entry::PageBreak => break,
                        }
                    }
                    need
                };
                // A breakable group of lines (a table, say) keeps only its last
                // line with what follows; that is checked when it comes.
                let keeps_last = *keep_with_next && *breakable && lines.len() > 1;
                let need_for = |orphan: bool| {
                    let mut need = min_lines(entry, orphan);
                    if *keep_with_next && !keeps_last {
                        let all = lines.iter().map(|l| l.height).sum::<usize>();
                        need = need.max((all + chain_after(orphan)).min(grid::LINES));
                    }
                    need.min(grid::LINES)
                };
                let (need, need_one) = (need_for(false), need_for(true));
                // GB/T 9704 fills the text block: where keeping two lines together
                // would leave the page short, one line goes at its foot (an orphan,
                // or a heading with the first line of its text) rather than a gap.
                if cur > 0 && cur + need > grid::LINES && cur + need_one > grid::LINES {
                    let empty = grid::LINES - cur;
                    // A line at a time: the next pass asks again for what is still
                    // empty. Or a paragraph a line shorter makes room for what follows.
                    if empty <= 3 {
                        if let Some(&j) = last_para.here.iter().rev().find(|j| fixable(j, true)) {
                            return Err(Fix { entry: j, longer: true });
                        }
                        if let Some(&j) = last_para.before.iter().rev().find(|j| fixable(j, true)) {
                            return Err(Fix { entry: j, longer: true });
                        }
                        if empty + 1 >= need_one
                            && let Some(&j) = last_para.here.iter().rev().find(|j| fixable(j, false))
                        {
                            return Err(Fix { entry: j, longer: false });
                        }
                    }
                    new_page(&mut pages, &mut cur, &mut last_para);
                }
                if let Some((_, level, title)) = outline_at.next_if(|(i, ..)| *i == idx) {
                    outline.push(OutlineEntry {
                        level,
                        title,
                        page: pages.len() - 1,
                        y: grid::block_top() - cur as f32 * PITCH,
                    });
                }
                if let Some(h) = table_header {
                    put(&mut pages, h, cur);
                    cur += h.height;
                }
                let n = lines.len();
                for (li, line) in lines.iter().enumerate() {
                    let fits = cur + line.height <= grid::LINES;
                    // Widow: the last line would be alone at the next page's top. A
                    // paragraph set a line longer avoids it; where none can be, it
                    // stays (the page is full) rather than leave a gap here.
                    let widow =
                        *breakable && table_header.is_none() && li + 2 == n && li >= 2 && cur + 1 == grid::LINES;
                    if widow
                        && let Some(&j) =
                            std::iter::once(&idx).chain(last_para.here.iter().rev()).find(|j| fixable(j, true))
                    {
                        return Err(Fix { entry: j, longer: true });
                    }
                    // The last line kept with what follows (a table's note under
                    // its last row) goes over with it when they do not fit together.
                    let parted = keeps_last && li + 1 == n && cur + line.height + chain_after(false) > grid::LINES;
                    // A table row that does not fit goes whole to the next page (a
                    // row is read as a unit), under the header repeated.
                    if (!fits || parted) && cur > 0 {
                        new_page(&mut pages, &mut cur, &mut last_para);
                        if let Some(h) = table_header {
                            put(&mut pages, h, cur);
                            cur += h.height;
                        }
                    }
                    put(&mut pages, line, cur);
                    cur += line.height;
                }
                if sources.contains_key(&idx) {
                    last_para.here.push(idx);
                }
                if cur >= grid::LINES {
                    new_page(&mut pages, &mut cur, &mut last_para);
                }
            }
        }
    }
    if pages.len() > 1 && pages.last().is_some_and(|p| p.runs.is_empty()) {
        pages.pop();
    }
    Ok((pages, outline))
}

/// "— N —" in the folio face, 14 pt, its top 7 mm below the text block; odd pages
/// right-aligned one character in from the right, even pages one in from the left.
fn folio(n: usize, faces: &mut Faces) -> Vec<Run> {
    let text = format!("— {n} —");
    let Ok(items) = shape(faces, &[(Role::Folio, false, &text)]) else { return Vec::new() };
    let w: f32 = items.iter().map(|i| i.advance).sum();
    let x0 = if n % 2 == 1 { grid::right() - grid::BODY_PT - w } else { grid::left() + grid::BODY_PT };
    let size = Role::Folio.size_pt();
    let natural: Vec<Item> = items.iter().map(|i| Item { width: i.advance, ..i.clone() }).collect();
    let mut runs = place(&natural, x0, 0.0, 0.0);
    for r in &mut runs {
        r.y = grid::block_bottom() - grid::FOLIO_GAP - size * faces.ascent(r.face);
    }
    runs
}
