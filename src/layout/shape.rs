//! Shaping: each character of a block's text to the face that sets it in its
//! role (falling back where the role's face lacks it), its glyph and advance,
//! and its width on the character grid.

use crate::config::Role;
use crate::diag::{Diagnostic, Result};
use crate::doc::Text;

use super::grid::{self, CHAR_PITCH};
use super::linebreak::{self, LineSpan};
use super::types::Item;

pub(super) use crate::fonts::Faces;

pub(super) fn shape(faces: &mut Faces, segments: &[(Role, bool, &str)]) -> Result<Vec<Item>> {
    let mut items = Vec::new();
    for &(role, strong, text) in segments {
        let size = faces.size(role);
        let (_, role_bold) = faces.book.role(role);
        for ch in text.chars() {
            if ch.is_control() {
                continue;
            }
            let Some(glyph) = faces.glyph(role, ch) else {
                return Err(Diagnostic::error(
                    "font.missing-glyph",
                    format!("没有任何字体含有字符“{ch}”（U+{:04X}），无法排版；请换用其他写法或在 nianbao.yaml 配置含有它的字体", ch as u32),
                )
                .into());
            };
            let (face, gid) = (glyph.face, glyph.gid);
            let advance = f32::from(glyph.advance) / faces.data[face].units_per_em as f32 * size;
            let fake_bold = (strong || role_bold) && !faces.data[face].is_bold;
            let width = advance * CHAR_PITCH / grid::BODY_PT;
            items.push(Item { ch, face, gid, size, fake_bold, advance, width });
        }
    }
    // A word space (or no-break space) typed next to a full-width mark
    // (`”， 抓`) takes no room: the mark's blank half is the space there. The
    // item stays (the DOCX spaces the text's characters item by item).
    let mark = |it: Option<&Item>| it.is_some_and(|it| linebreak::closing(it.ch) || linebreak::opening(it.ch));
    for i in 0..items.len() {
        if matches!(items[i].ch, ' ' | '\u{a0}')
            && (mark(i.checked_sub(1).and_then(|j| items.get(j))) || mark(items.get(i + 1)))
        {
            items[i].width = 0.0;
        }
    }
    Ok(items)
}

pub(super) fn plain_segments(text: &Text, role: Role) -> Vec<(Role, bool, String)> {
    text.spans.iter().map(|s| (role, s.strong, s.text.clone())).collect()
}

pub(super) fn shape_text(faces: &mut Faces, segs: &[(Role, bool, String)]) -> Result<Vec<Item>> {
    let borrowed: Vec<(Role, bool, &str)> = segs.iter().map(|(r, b, s)| (*r, *b, s.as_str())).collect();
    shape(faces, &borrowed)
}

/// A heading's text as set: its number label, its words, and the paragraph it
/// runs into.
pub(super) fn heading_segments(h: &crate::doc::Heading) -> Vec<(Role, bool, String)> {
    let role = h.role();
    let mut segs = Vec::new();
    if let Some(n) = &h.number {
        segs.push((role, false, n.label.clone()));
    }
    segs.extend(plain_segments(&h.text, role));
    if let Some(run_in) = &h.run_in {
        segs.extend(plain_segments(run_in, crate::doc::Heading::RUN_IN_ROLE));
    }
    segs
}

/// The characters of a heading's number label.
pub(super) fn label_len(h: &crate::doc::Heading) -> usize {
    h.number.as_ref().map_or(0, |n| n.label.chars().filter(|c| !c.is_control()).count())
}

/// Shaped text prepared for line breaking, once for every way it is set (its
/// natural lines, a line longer or shorter for pagination, fitted by a
/// writer): its characters, their widths on the grid, and whether a line may
/// end after each.
#[derive(Debug, Clone)]
pub(super) struct Breakable {
    pub(super) chars: Vec<char>,
    pub(super) widths: Vec<f32>,
    pub(super) allowed: Vec<bool>,
}

impl Breakable {
    pub(super) fn of(items: &[Item]) -> Breakable {
        let chars: Vec<char> = items.iter().map(|i| i.ch).collect();
        let allowed = linebreak::break_after(&chars);
        Breakable { widths: items.iter().map(|i| i.width).collect(), chars, allowed }
    }

    /// The best lines of `measure` points, the first indented by `indent`.
    pub(super) fn lines(&self, measure: f32, indent: f32) -> Vec<LineSpan> {
        linebreak::break_lines(&self.chars, &self.widths, &self.allowed, measure, indent)
    }

    /// A heading's lines in `measure`, balanced between words where they can
    /// be (see [`linebreak::heading_lines`]).
    pub(super) fn heading_lines(&self, measure: f32, indent: f32) -> (Vec<LineSpan>, bool) {
        let whole = super::words::whole(&self.chars, &self.allowed);
        linebreak::heading_lines(&self.chars, &self.widths, &self.allowed, &whole, measure, indent)
    }

    /// Exactly `count` such lines, if that can be done without a loose line.
    pub(super) fn exact_lines(&self, measure: f32, indent: f32, count: usize) -> Option<Vec<LineSpan>> {
        linebreak::break_lines_exact(&self.chars, &self.widths, &self.allowed, measure, indent, count)
    }

    /// How many of `spans` (set in `measure`) show an adjustment against the grid.
    pub(super) fn uneven(&self, spans: &[LineSpan], measure: f32) -> usize {
        linebreak::uneven_lines(&self.chars, &self.widths, spans, measure)
    }
}
