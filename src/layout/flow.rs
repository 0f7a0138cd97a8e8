//! Collecting a document's blocks into flow entries: each block set into lines
//! (paragraphs, headings, titles, tables, charts, signatures, attachments) with
//! what pagination must know of it (kept with the next, breakable, a table's
//! header to repeat), blank grid lines and page breaks.

use std::collections::HashMap;

use crate::diag::Result;
use crate::doc::{Attachment, Block, Chart, Document};

use super::grid::{self, BLOCK_W, CHAR_PITCH};
use super::paragraph::{ParaSrc, place, set_centred, set_flush_left, set_spans, set_width, wrap};
use super::shape::{Breakable, Faces, heading_segments, label_len, plain_segments, shape_text};
use super::types::{Fill, Item, Rule, Run, SetBlock, SetText};
use super::{chart, linebreak, table};

/// A line set but not yet placed on a page.
#[derive(Debug, Clone)]
pub(super) struct SetLine {
    /// Runs with x positions; y is filled in at pagination (a table row's runs
    /// hold their baseline's distance below the row's top).
    pub(super) runs: Vec<Run>,
    /// Extra drawing relative to the line's top (a chart's).
    pub(super) rules: Vec<Rule>,
    pub(super) fills: Vec<Fill>,
    /// Grid lines taken (table rows and charts take several). A line of text
    /// (one grid line, no frame) sits on its grid line's baseline; the runs of
    /// table rows and charts hold their baselines' distances below the top.
    pub(super) height: usize,
    /// For a table row: the x of each column boundary, left to right. The row is
    /// framed when placed, so that a row split across pages is closed on both.
    pub(super) frame: Vec<f32>,
}

impl SetLine {
    /// A line of text.
    pub(super) fn text(runs: Vec<Run>) -> SetLine {
        SetLine { runs, rules: Vec::new(), fills: Vec::new(), height: 1, frame: Vec::new() }
    }
}

/// What pagination sees.
#[derive(Debug, Clone)]
pub(super) enum Entry {
    /// A group of lines from one block.
    Lines { lines: Vec<SetLine>, keep_with_next: bool, breakable: bool, table_header: Option<Box<SetLine>> },
    /// An empty grid line (skipped at a page's top): one of the blank lines
    /// before block `before` ([`Document::blank_lines_before`]), or `None` for
    /// the one inside an attachment's heading.
    Blank { before: Option<usize> },
    /// Continue on a new page.
    PageBreak,
}

/// By entry: the chart (or pair of charts) set there and the block of the
/// first, for pagination to set again taller (see `paginate`).
pub(super) type ChartSources<'a> = HashMap<usize, (usize, Vec<&'a Chart>)>;

pub(super) fn set_blocks<'a>(
    doc: &'a Document,
    faces: &mut Faces,
    out: &mut Vec<Entry>,
    outline: &mut Vec<(usize, u8, String)>,
    sources: &mut HashMap<usize, ParaSrc>,
    charts: &mut ChartSources<'a>,
    blocks: &mut [Option<SetBlock>],
) -> Result<()> {
    let indent = 2.0 * CHAR_PITCH;
    let mut tables = table::size_tables(doc, faces)?;
    for (bi, block) in doc.blocks.iter().enumerate() {
        // An attachment starts a page: the blank lines before it fall at its top.
        if matches!(block, Block::Attachment(_)) {
            out.push(Entry::PageBreak);
        }
        out.extend(std::iter::repeat_n(Entry::Blank { before: Some(bi) }, doc.blank_lines_before(bi)));
        match block {
            Block::Title(title_lines) => {
                let mut set = Vec::new();
                let mut ranges = Vec::new();
                for t in title_lines {
                    let items = shape_text(faces, &plain_segments(t, block.role()))?;
                    let (lines, r) = set_centred(&items);
                    set.extend(lines);
                    ranges.push(r);
                }
                blocks[bi] = centred(ranges);
                out.push(Entry::Lines { lines: set, keep_with_next: true, breakable: false, table_header: None });
            }
            Block::Subtitle(t) | Block::Date(t) | Block::Speaker(t) => {
                let items = shape_text(faces, &plain_segments(t, block.role()))?;
                let (lines, ranges) = set_centred(&items);
                blocks[bi] = centred(vec![ranges]);
                out.push(Entry::Lines { lines, keep_with_next: true, breakable: false, table_header: None });
            }
            Block::Salutation(t) => {
                let items = shape_text(faces, &plain_segments(t, block.role()))?;
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
                    let text = Breakable::of(&items);
                    let (spans, balanced) = text.heading_lines(BLOCK_W, indent);
                    let set = set_spans(&items, &text, &spans, indent, grid::left());
                    // A balanced heading keeps the word processor's own line
                    // breaks: character spacing would letter-space its lines.
                    if spans.len() > 1 && !balanced {
                        blocks[bi] = Some(SetBlock::Text(SetText {
                            items,
                            label: label_len(h),
                            lines: spans,
                            lone_line: false,
                        }));
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
            Block::Paragraph(t) | Block::AttachmentNote(t) => {
                let items = shape_text(faces, &plain_segments(t, block.role()))?;
                let (src, set) = ParaSrc::new(bi, 0, items, indent);
                sources.insert(out.len(), src);
                out.push(Entry::Lines {
                    lines: set,
                    keep_with_next: doc.closing_follows(bi) || doc.note_continues(bi),
                    breakable: true,
                    table_header: None,
                });
            }
            Block::Table(_) => {
                blocks[bi] = table::set_table(tables.remove(&bi).flatten(), faces, out).map(SetBlock::Table);
                keep_with_note(doc, bi, out);
            }
            Block::Chart(_) if doc.paired_with_previous(bi) => {}
            Block::Chart(c) => {
                // Two charts that pair share a row.
                let set: Vec<&Chart> = match doc.blocks.get(bi + 1) {
                    Some(Block::Chart(d)) if doc.pairs_with_next(bi) => vec![c, d],
                    _ => vec![c],
                };
                let line = chart::set_charts(&set, faces, chart::CHART_LINES)?;
                out.push(Entry::Lines {
                    lines: vec![line],
                    keep_with_next: false,
                    breakable: false,
                    table_header: None,
                });
                charts.insert(out.len() - 1, (bi, set));
                keep_with_note(doc, bi, out);
            }
            Block::Signature(sig) => {
                // The date (or, undated, the issuing body) `signature_inset`
                // characters in from the right, the issuing body centred over it.
                let mut shaped = Vec::new();
                for t in sig {
                    shaped.push(shape_text(faces, &plain_segments(t, block.role()))?);
                }
                let width = |items: &[Item]| items.iter().map(|i| i.width).sum::<f32>();
                let date_w = shaped.last().map_or(0.0, |d| width(d));
                let inset = crate::doc::signature_inset(sig) as f32;
                let centre = grid::right() - inset * CHAR_PITCH - date_w / 2.0;
                let mut set = Vec::new();
                for items in &shaped {
                    // A line longer than the block (a long issuing body) wraps
                    // instead of running off the page; each part is placed alike.
                    for part in wrap(items, BLOCK_W) {
                        let w = set_width(part);
                        let x0 = (centre - w / 2.0).min(grid::right() - w).max(grid::left());
                        // A part the breaker set a little tight (see `TIGHT_PT`)
                        // is tightened to the measure, as a justified line is.
                        let chars: Vec<char> = part.iter().map(|i| i.ch).collect();
                        let visible = &chars[..linebreak::visible_len(&chars)];
                        let gaps = visible.windows(2).filter(|p| linebreak::justifiable(p[0], p[1])).count();
                        let gap = if w > BLOCK_W && gaps > 0 { (BLOCK_W - w) / gaps as f32 } else { 0.0 };
                        set.push(SetLine::text(place(part, x0, gap)));
                    }
                }
                out.push(Entry::Lines { lines: set, keep_with_next: false, breakable: false, table_header: None });
            }
            Block::PageBreak => out.push(Entry::PageBreak),
            Block::Attachment(a) => {
                let items = shape_text(faces, &[(block.role(), false, a.label.clone())])?;
                out.push(Entry::Lines {
                    lines: set_flush_left(&items),
                    keep_with_next: true,
                    breakable: false,
                    table_header: None,
                });
                out.push(Entry::Blank { before: None });
                let items = shape_text(faces, &plain_segments(&a.title, Attachment::TITLE_ROLE))?;
                let (lines, ranges) = set_centred(&items);
                blocks[bi] = centred(vec![ranges]);
                out.push(Entry::Lines { lines, keep_with_next: true, breakable: false, table_header: None });
            }
        }
    }
    Ok(())
}

/// A note after a table or chart stays on the page of the table's last row or
/// the chart: the entry just set for block `i` keeps with what follows.
pub(super) fn keep_with_note(doc: &Document, i: usize, out: &mut [Entry]) {
    if let (true, Some(Entry::Lines { keep_with_next, .. })) = (doc.note_follows(i), out.last_mut()) {
        *keep_with_next = true;
    }
}

/// A centred block's lines for the word processor, when any of them wraps.
fn centred(ranges: Vec<Vec<(usize, usize)>>) -> Option<SetBlock> {
    ranges.iter().any(|r| r.len() > 1).then_some(SetBlock::Centred(ranges))
}
