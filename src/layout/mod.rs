//! The layout engine: sets a [`Document`] on the GB/T 9704 page grid and returns
//! positioned glyphs page by page, with the outline. Writers only draw what it
//! returns (the PDF writer through printpdf).
//!
//! * [`grid`]: the page, margins and the 22 × 28 grid;
//! * [`linebreak`]: break opportunities and the squeeze-then-push line breaker;
//! * this module: shaping (character → face, glyph, advance), setting each block
//!   into lines, and paginating lines on the grid (keep with next, widows and
//!   orphans, tables split by rows with the header repeated, attachments on a new
//!   page, page numbers).

pub mod grid;
pub mod linebreak;

use std::collections::HashMap;
use std::sync::Arc;

use crate::config::Role;
use crate::diag::{Diagnostic, Result};
use crate::doc::{Align, Block, Document, Table, Text};
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
}

/// One page: runs of glyphs and ruled lines.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    pub runs: Vec<Run>,
    pub rules: Vec<Rule>,
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
#[derive(Debug, Clone)]
struct Item {
    ch: char,
    face: FaceId,
    gid: u16,
    size: f32,
    fake_bold: bool,
    /// Natural advance in points.
    advance: f32,
    /// Width on the grid: the advance scaled so that 28 full-width characters of
    /// body size fill the measure.
    width: f32,
}

/// Lay out `doc` with the faces of `book`. `data` holds every face of the book,
/// loaded (see [`load_faces`]).
pub fn layout(doc: &Document, book: &FontBook, data: &[Arc<FaceData>]) -> Result<Layout> {
    let parsed = data.iter().map(|d| d.face()).collect();
    let mut faces = Faces { book, data, parsed, cache: HashMap::new() };
    let mut lines: Vec<Entry> = Vec::new();
    let mut outline_pending: Vec<(usize, u8, String)> = Vec::new();
    set_blocks(doc, &mut faces, &mut lines, &mut outline_pending)?;
    Ok(paginate(lines, outline_pending, &mut faces))
}

/// Every face of `book`, read (once per process) for layout.
pub fn load_faces(book: &FontBook) -> Result<Vec<Arc<FaceData>>> {
    (0..book.len()).map(|i| book.face(i)).collect()
}

/// A line set but not yet placed on a page.
#[derive(Debug, Clone)]
struct SetLine {
    /// Runs with x positions; y is filled in at pagination.
    runs: Vec<Run>,
    /// Extra drawing relative to the line's top (table borders).
    rules: Vec<Rule>,
    /// Grid lines taken (table rows may take several).
    height: usize,
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
/// each character but the last, and `squeeze` taken after squeezable marks.
fn place(items: &[Item], x0: f32, gap: f32, squeeze: f32) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    let mut x = x0;
    for (i, it) in items.iter().enumerate() {
        let same = runs.last().is_some_and(|r| r.face == it.face && r.size == it.size && r.fake_bold == it.fake_bold);
        if !same {
            runs.push(Run { face: it.face, size: it.size, fake_bold: it.fake_bold, y: 0.0, glyphs: Vec::new() });
        }
        runs.last_mut().unwrap().glyphs.push(PlacedGlyph { gid: it.gid, ch: it.ch, x, advance: it.advance });
        x += it.width;
        if i + 1 < items.len() {
            x += gap;
            if linebreak::squeezable(it.ch) {
                x -= squeeze;
            }
        }
    }
    runs
}

/// Set a justified paragraph: first line indented by `indent`.
fn set_paragraph(items: &[Item], indent: f32, x_left: f32, measure: f32) -> Vec<SetLine> {
    let chars: Vec<char> = items.iter().map(|i| i.ch).collect();
    let widths: Vec<f32> = items.iter().map(|i| i.width).collect();
    let allowed = linebreak::break_after(&chars);
    let spans = linebreak::break_lines(&chars, &widths, &allowed, measure, indent);
    spans
        .iter()
        .map(|s| {
            let line = &items[s.start..s.end];
            let x0 = x_left + if s.first { indent } else { 0.0 };
            let (gap, squeeze) = if s.surplus < 0.0 {
                let k = line[..line.len().saturating_sub(1)].iter().filter(|i| linebreak::squeezable(i.ch)).count();
                (0.0, -s.surplus / k.max(1) as f32)
            } else if !s.last && line.len() > 1 {
                (s.surplus / (line.len() - 1) as f32, 0.0)
            } else {
                (0.0, 0.0)
            };
            SetLine { runs: place(line, x0, gap, squeeze), rules: Vec::new(), height: 1 }
        })
        .collect()
}

/// Set lines flush left without justification (table cells).
fn set_ragged(items: &[Item], x_left: f32, measure: f32) -> Vec<SetLine> {
    let chars: Vec<char> = items.iter().map(|i| i.ch).collect();
    let widths: Vec<f32> = items.iter().map(|i| i.width).collect();
    let allowed = linebreak::break_after(&chars);
    linebreak::break_lines(&chars, &widths, &allowed, measure + 0.05, 0.0)
        .iter()
        .map(|s| {
            let line = &items[s.start..s.end];
            let squeeze = if s.surplus < 0.0 {
                let k = line[..line.len().saturating_sub(1)].iter().filter(|i| linebreak::squeezable(i.ch)).count();
                -s.surplus / k.max(1) as f32
            } else {
                0.0
            };
            SetLine { runs: place(line, x_left, 0.0, squeeze), rules: Vec::new(), height: 1 }
        })
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
        .map(|(s, e)| {
            let line = &items[s..e];
            // Trailing or leading spaces don't count.
            let w: f32 = line.iter().map(|i| i.advance).sum();
            let x0 = grid::left() + (BLOCK_W - w) / 2.0;
            let natural: Vec<Item> = line.iter().map(|i| Item { width: i.advance, ..i.clone() }).collect();
            SetLine { runs: place(&natural, x0, 0.0, 0.0), rules: Vec::new(), height: 1 }
        })
        .collect()
}

/// Set a line flush left without indent (salutation, attachment label).
fn set_flush_left(items: &[Item]) -> Vec<SetLine> {
    let mut lines = set_paragraph(items, 0.0, grid::left(), BLOCK_W);
    if let Some(l) = lines.last_mut() {
        let _ = l;
    }
    std::mem::take(&mut lines)
}

fn plain_segments(text: &Text, role: Role) -> Vec<(Role, bool, String)> {
    text.spans.iter().map(|s| (role, s.strong, s.text.clone())).collect()
}

fn shape_text(faces: &mut Faces, segs: &[(Role, bool, String)]) -> Result<Vec<Item>> {
    let borrowed: Vec<(Role, bool, &str)> = segs.iter().map(|(r, b, s)| (*r, *b, s.as_str())).collect();
    shape(faces, &borrowed)
}

fn set_blocks(
    doc: &Document,
    faces: &mut Faces,
    out: &mut Vec<Entry>,
    outline: &mut Vec<(usize, u8, String)>,
) -> Result<()> {
    let indent = 2.0 * CHAR_PITCH;
    let lines =
        |lines: Vec<SetLine>| Entry::Lines { lines, keep_with_next: false, breakable: true, table_header: None };
    let mut prev_title_block = false;
    for block in &doc.blocks {
        let in_title_block = matches!(block, Block::Title(_) | Block::Subtitle(_) | Block::Date(_) | Block::Speaker(_));
        match block {
            Block::Title(title_lines) => {
                let mut set = Vec::new();
                for t in title_lines {
                    let items = shape_text(faces, &plain_segments(t, Role::Title))?;
                    set.extend(set_centred(&items));
                }
                out.push(Entry::Lines { lines: set, keep_with_next: true, breakable: false, table_header: None });
                out.push(Entry::Blank);
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
                if prev_title_block {
                    out.push(Entry::Blank);
                }
                let items = shape_text(faces, &plain_segments(t, Role::Body))?;
                out.push(Entry::Lines {
                    lines: set_flush_left(&items),
                    keep_with_next: true,
                    breakable: true,
                    table_header: None,
                });
            }
            Block::Heading(h) => {
                let role = Role::heading(h.level);
                let mut segs = Vec::new();
                if let Some(n) = &h.number {
                    segs.push((role, false, n.label.clone()));
                }
                segs.extend(plain_segments(&h.text, role));
                if let Some(run_in) = &h.run_in {
                    segs.extend(plain_segments(run_in, Role::Body));
                }
                let items = shape_text(faces, &segs)?;
                let set = set_paragraph(&items, indent, grid::left(), BLOCK_W);
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
                out.push(lines(set_paragraph(&items, indent, grid::left(), BLOCK_W)));
            }
            Block::Table(t) => set_table(t, faces, out)?,
            Block::Signature(sig) => {
                // GB/T 9704 7.3.5.2: the date four characters in from the right,
                // the issuing body centred over it; two blank lines above.
                let mut shaped = Vec::new();
                for t in sig {
                    shaped.push(shape_text(faces, &plain_segments(t, Role::Body))?);
                }
                let width = |items: &[Item]| items.iter().map(|i| i.width).sum::<f32>();
                let date_w = shaped.last().map_or(0.0, |d| width(d));
                let centre = grid::right() - 4.0 * CHAR_PITCH - date_w / 2.0;
                let mut set = Vec::new();
                for items in &shaped {
                    let w = width(items);
                    let x0 = (centre - w / 2.0).min(grid::right() - w).max(grid::left());
                    set.push(SetLine { runs: place(items, x0, 0.0, 0.0), rules: Vec::new(), height: 1 });
                }
                out.push(Entry::Blank);
                out.push(Entry::Blank);
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
                out.push(Entry::Blank);
            }
        }
        prev_title_block = in_title_block;
    }
    Ok(())
}

/// A table: columns sized to their content, each row as tall as its tallest cell
/// in grid lines; borders drawn; rows are the unit of page breaking and the
/// header row is repeated on every page.
fn set_table(t: &Table, faces: &mut Faces, out: &mut Vec<Entry>) -> Result<()> {
    let ncol = t.header.len().max(t.rows.iter().map(Vec::len).max().unwrap_or(0));
    if ncol == 0 {
        return Ok(());
    }
    let pad = 3.0;
    let mut shaped: Vec<Vec<Vec<Item>>> = Vec::new();
    for row in std::iter::once(&t.header).chain(t.rows.iter()) {
        let mut cells = Vec::new();
        for c in 0..ncol {
            let text = row.get(c).cloned().unwrap_or_default();
            cells.push(shape_text(faces, &plain_segments(&text, Role::Table))?);
        }
        shaped.push(cells);
    }
    // Column widths, as in automatic table layout: each column between its
    // minimum (its longest unbreakable piece) and its natural width. The first
    // column holds the row labels (indicator names): it keeps them on one line
    // when they take no more than 55% of the table.
    let mut min_w = vec![CHAR_PITCH; ncol];
    let mut max_w = vec![CHAR_PITCH; ncol];
    for row in &shaped {
        for (c, items) in row.iter().enumerate() {
            let natural: f32 = items.iter().map(|i| i.width).sum();
            max_w[c] = max_w[c].max(natural);
            let chars: Vec<char> = items.iter().map(|i| i.ch).collect();
            let allowed = linebreak::break_after(&chars);
            let mut piece: f32 = 0.0;
            for (i, it) in items.iter().enumerate() {
                piece += it.width;
                if allowed[i] {
                    min_w[c] = min_w[c].max(piece);
                    piece = 0.0;
                }
            }
        }
    }
    // The table stays a character narrower than the block on each side, so that
    // no row reads as a full body line.
    let avail = BLOCK_W - 2.0 * CHAR_PITCH - 2.0 * pad * ncol as f32;
    if max_w[0] <= avail * 0.55 {
        min_w[0] = max_w[0];
    }
    let (sum_min, sum_max): (f32, f32) = (min_w.iter().sum(), max_w.iter().sum());
    let content: Vec<f32> = if sum_max <= avail {
        max_w.clone()
    } else if sum_min <= avail {
        let k = (avail - sum_min) / (sum_max - sum_min);
        min_w.iter().zip(&max_w).map(|(a, b)| a + (b - a) * k).collect()
    } else {
        // Too many columns: the label column keeps its width, the others share the rest.
        let rest = (avail - min_w[0]).max(avail / 3.0);
        let others: f32 = min_w[1..].iter().sum();
        std::iter::once(avail - rest).chain(min_w[1..].iter().map(|w| w / others * rest)).collect()
    };
    let widths: Vec<f32> = content.iter().map(|w| w + 2.0 * pad).collect();
    let table_w: f32 = widths.iter().sum();
    let x_left = grid::left() + (BLOCK_W - table_w) / 2.0;
    let mut set_rows = Vec::new();
    for (ri, row) in shaped.iter().enumerate() {
        let mut runs = Vec::new();
        let mut height = 1;
        let mut x = x_left;
        let mut cell_lines: Vec<Vec<SetLine>> = Vec::new();
        for (c, items) in row.iter().enumerate() {
            let measure = widths[c] - 2.0 * pad;
            let align = if ri == 0 { Align::Center } else { t.columns.get(c).copied().unwrap_or(Align::Left) };
            let mut lines = set_ragged(items, x + pad, measure);
            let single = lines.len() == 1;
            if single && align != Align::Left {
                let w: f32 = items.iter().map(|i| i.width).sum();
                let x0 = match align {
                    Align::Center => x + pad + (measure - w) / 2.0,
                    _ => x + pad + measure - w,
                };
                lines = vec![SetLine { runs: place(items, x0, 0.0, 0.0), rules: Vec::new(), height: 1 }];
            }
            height = height.max(lines.len());
            cell_lines.push(lines);
            x += widths[c];
        }
        // Runs carry their line offset within the row in y (in grid lines, negated later).
        for lines in cell_lines {
            for (li, l) in lines.into_iter().enumerate() {
                for mut r in l.runs {
                    r.y = li as f32;
                    runs.push(r);
                }
            }
        }
        let h = height as f32 * PITCH;
        let mut rules = vec![
            Rule { x1: x_left, y1: 0.0, x2: x_left + table_w, y2: 0.0 },
            Rule { x1: x_left, y1: -h, x2: x_left + table_w, y2: -h },
        ];
        let mut x = x_left;
        for w in widths.iter().chain(std::iter::once(&0.0)) {
            rules.push(Rule { x1: x, y1: 0.0, x2: x, y2: -h });
            x += w;
        }
        set_rows.push(SetLine { runs, rules, height });
    }
    let header = set_rows.remove(0);
    out.push(Entry::Lines {
        lines: set_rows,
        keep_with_next: false,
        breakable: true,
        table_header: Some(Box::new(header)),
    });
    Ok(())
}

/// Place set lines on pages, line by line on the grid.
fn paginate(entries: Vec<Entry>, outline_at: Vec<(usize, u8, String)>, faces: &mut Faces) -> Layout {
    let mut pages: Vec<Page> = vec![Page::default()];
    let mut cur = 0usize; // next free grid line on the last page
    let mut outline = Vec::new();
    let mut outline_at = outline_at.into_iter().peekable();

    // Lines an entry needs before a break is allowed after it (keep with next).
    let min_lines = |e: &Entry| -> usize {
        match e {
            Entry::Lines { lines, breakable, table_header, .. } => {
                let head = table_header.as_ref().map_or(0, |h| h.height);
                if *breakable {
                    head + lines.iter().take(2).map(|l| l.height).sum::<usize>()
                } else {
                    head + lines.iter().map(|l| l.height).sum::<usize>()
                }
            }
            Entry::Blank | Entry::PageBreak => 0,
        }
    };

    let new_page = |pages: &mut Vec<Page>, cur: &mut usize| {
        pages.push(Page::default());
        *cur = 0;
    };

    let put = |pages: &mut Vec<Page>, line: &SetLine, at: usize| {
        let page = pages.last_mut().unwrap();
        let top = grid::block_top() - at as f32 * PITCH;
        for r in &line.runs {
            let mut r = r.clone();
            let sub = r.y as usize; // line offset inside a table row
            // One baseline per line whatever the face, so fallback glyphs stay on it.
            r.y = grid::baseline(at + sub, r.size, LINE_ASCENT);
            page.runs.push(r);
        }
        for rule in &line.rules {
            page.rules.push(Rule { x1: rule.x1, y1: top + rule.y1, x2: rule.x2, y2: top + rule.y2 });
        }
    };

    for (idx, entry) in entries.iter().enumerate() {
        match entry {
            Entry::PageBreak => {
                if cur > 0 {
                    new_page(&mut pages, &mut cur);
                }
            }
            Entry::Blank => {
                if cur > 0 {
                    cur += 1;
                    if cur >= grid::LINES {
                        new_page(&mut pages, &mut cur);
                    }
                }
            }
            Entry::Lines { lines, keep_with_next, breakable, table_header } => {
                // How much must fit here: the whole group if unbreakable, else two
                // lines (no orphan); plus what the next entry needs when kept with it.
                let mut need = min_lines(entry);
                if *keep_with_next {
                    let mut j = idx + 1;
                    let mut chain_all = lines.iter().map(|l| l.height).sum::<usize>();
                    while let Some(next) = entries.get(j) {
                        match next {
                            Entry::Blank => chain_all += 1,
                            Entry::Lines { keep_with_next: k, .. } => {
                                let m = min_lines(next);
                                chain_all += m;
                                if !*k {
                                    break;
                                }
                                let _ = m;
                            }
                            Entry::PageBreak => break,
                        }
                        j += 1;
                    }
                    need = need.max(chain_all.min(grid::LINES));
                }
                let total: usize = lines.iter().map(|l| l.height).sum();
                if *breakable && total == 2 {
                    need = need.max(2);
                }
                if cur > 0 && cur + need.min(grid::LINES) > grid::LINES {
                    new_page(&mut pages, &mut cur);
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
                    let left_after = n - li; // lines still to place including this one
                    let fits = cur + line.height <= grid::LINES;
                    // Widow: the last line would be alone at the next page's top.
                    let widow = *breakable
                        && table_header.is_none()
                        && left_after == 2
                        && n >= 3
                        && li >= 2
                        && cur + 1 == grid::LINES;
                    if !fits || widow {
                        new_page(&mut pages, &mut cur);
                        if let Some(h) = table_header {
                            put(&mut pages, h, cur);
                            cur += h.height;
                        }
                    }
                    put(&mut pages, line, cur);
                    cur += line.height;
                }
                if cur >= grid::LINES {
                    new_page(&mut pages, &mut cur);
                }
            }
        }
    }
    if pages.len() > 1 && pages.last().is_some_and(|p| p.runs.is_empty()) {
        pages.pop();
    }
    // Page numbers.
    let total = pages.len();
    for (i, page) in pages.iter_mut().enumerate() {
        page.runs.extend(folio(i + 1, faces));
    }
    let _ = total;
    Layout { pages, outline }
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
