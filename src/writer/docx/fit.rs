//! Fitting a word processor to the layout: what LibreOffice (and, less
//! surely, Word and WPS) must be given so that it breaks the DOCX's lines and
//! table cells where the PDF's layout broke them. The layout's line breaks come
//! in [`Layout::blocks`]; this module knows how a word processor measures text
//! (measured in LibreOffice 7.4) and turns the breaks into character spacing
//! and column widths. Nothing here lays anything out again.

use std::collections::HashMap;

use crate::layout::grid::CHAR_PITCH;
use crate::layout::{Item, Layout, SetBlock, TableSet, linebreak};

use super::styles;

/// How a word processor measures text, where it differs from the PDF's grid
/// widths.
#[derive(Debug, Clone, Copy)]
pub struct Metrics {
    /// Added to every character's advance (the character spacing of the text).
    pub tracking: f32,
    /// Added between a Han character and a Latin letter or digit (LibreOffice
    /// spaces them whatever the document asks).
    pub han_latin: f32,
    /// Room left in each column against rounding in the word processor.
    pub slack: f32,
}

/// A table sized for a word processor (see [`Metrics`]).
#[derive(Debug, Clone)]
pub struct Shape {
    /// Each column's text width in points, its slack included.
    pub content: Vec<f32>,
    /// Cell padding left of the text, and right of it but in the last column.
    pub pad: f32,
    /// White space right of the last column's text (no padding besides).
    pub last_pad: f32,
    /// For a column of figures aligned on the decimal point: the width of its
    /// widest fraction (the point on), from the text's right edge.
    pub decimal_at: Vec<Option<f32>>,
    /// The grid lines each row takes, the header first.
    pub row_lines: Vec<usize>,
    /// Per row and cell, where the cell's second and later lines start, in
    /// characters (control characters not counted).
    pub breaks: Vec<Vec<Vec<usize>>>,
}

/// How LibreOffice sets a table's text, for sizing its columns: the character
/// spacing of all text ([`styles::CHAR_SPACING`]), and the space it puts
/// between Han characters and Latin letters or digits whatever the DOCX says
/// (it ignores `w:autoSpaceDE`/`w:autoSpaceDN`; measured 3.5 pt at 3号); a point
/// of slack a column against rounding.
pub const TABLE: Metrics = Metrics { tracking: styles::CHAR_SPACING as f32 / 20.0, han_latin: 3.5, slack: 1.0 };

/// How LibreOffice sets body text, for ending its lines where the PDF's
/// layout does (measured in LibreOffice 7.4 on unjustified lines: a fifth of
/// an em between Han characters and figures); the slack is how far off the
/// measure of a line with Latin letters or figures may be.
pub const BODY: Metrics = Metrics { tracking: styles::CHAR_SPACING as f32 / 20.0, han_latin: 3.2, slack: 1.5 };

/// The character spacing a word processor needs in each body paragraph (and
/// run-in heading) to end every line where the layout ends it: for each such
/// block (by index in `doc.blocks`), the space in points to add after each of
/// its characters (control characters not counted; negative takes space away;
/// a run-in heading's number label first).
///
/// The layout chooses a paragraph's lines together: where a mark that may not
/// start a line would fall at the start of one, it sets an earlier line looser
/// or squeezes its marks, on a line where that does not show against the grid
/// (the indented first line, a line with figures), and pagination may set a
/// paragraph a line longer. A word processor fills each line in turn, as full
/// as its own measure allows (`metrics`; `measure` and the first line's
/// `indent` in points), and hangs such a mark in the margin. So each line it
/// would end elsewhere, or might (a line with Latin letters or figures within
/// `metrics.slack` of either end: their widths are known less surely), gets
/// character spacing that sets it midway between ending where the layout ends
/// it and just fitting the next piece of text (less the marks that could
/// hang); the word processor justifies what is left. Other lines are left
/// alone, as are paragraphs whose every line is.
pub fn spacing(layout: &Layout, metrics: Metrics, measure: f32, indent: f32) -> HashMap<usize, Vec<f32>> {
    let mut out = HashMap::new();
    for (bi, block) in layout.blocks.iter().enumerate() {
        if let Some(SetBlock::Text(t)) = block {
            let office = Office { items: &t.items, label: t.label, m: metrics };
            out.insert(bi, office.fit(&t.lines, measure, indent));
        }
    }
    out
}

/// Room a paragraph's last line left too close to the measure is given.
const OFFICE_SLACK: f32 = 2.0;

/// A paragraph's characters as a word processor measures them (LibreOffice
/// 7.4, measured): each advance plus the character spacing, except a negative
/// spacing after the last character of a run of one script (Han and full-width
/// marks, or Latin letters, figures and signs) and attributes, which it drops
/// (the first `label` characters, a list number, are a run of their own); a
/// fifth of an em (`han_latin`) between a Han character and a Latin letter or
/// figure (not a sign or a mark).
struct Office<'a> {
    items: &'a [Item],
    label: usize,
    m: Metrics,
}

impl Office<'_> {
    /// The width of items `s..e` set on one line with `x` points of extra
    /// spacing after each character but the last.
    fn width(&self, s: usize, e: usize, x: f32) -> f32 {
        let items = self.items;
        let latin = |c: char| c.is_ascii_graphic();
        let han = |c: char| linebreak::on_grid(c) && !linebreak::no_line_start(c) && !c.is_ascii();
        let mut w = 0.0;
        for i in s..e {
            w += items[i].advance;
            let end = i + 1 == e
                || i + 1 == self.label
                || !items[i].same_run(&items[i + 1])
                || latin(items[i].ch) != latin(items[i + 1].ch);
            let k = self.m.tracking + if i + 1 < e { x } else { 0.0 };
            w += if end { k.max(0.0) } else { k };
            if i > s {
                let (a, b) = (items[i - 1].ch, items[i].ch);
                if han(a) && b.is_ascii_alphanumeric() || a.is_ascii_alphanumeric() && han(b) {
                    w += self.m.han_latin;
                }
            }
        }
        w
    }

    /// The spacing after each item that ends the word processor's lines as
    /// `spans` do (see [`spacing`]).
    fn fit(&self, spans: &[linebreak::LineSpan], measure: f32, indent: f32) -> Vec<f32> {
        const EPS: f32 = 0.01;
        let items = self.items;
        let chars: Vec<char> = items.iter().map(|i| i.ch).collect();
        let mut extra = vec![0.0; items.len()];
        for span in spans {
            let (s, e) = (span.start, span.end);
            let avail = if span.first { measure - indent } else { measure };
            // The line with the next piece the word processor could add: the
            // next character with what may not be parted from it (a mark that
            // may not start a line, a Latin word or a number, but not a unit:
            // it breaks between `2018` and `年`), less the marks it would hang.
            let next = (e < items.len()).then(|| {
                let word = |c: char| c.is_ascii_alphanumeric() || c == '.';
                // A piece longer than the line cannot join it: the scan stops
                // there (a run of a thousand “ is not walked from every line).
                let mut to = e + 1;
                let longest = e + (e - s) + 1;
                while to < items.len().min(longest)
                    && (linebreak::no_line_start(chars[to])
                        || linebreak::no_line_end(chars[to - 1])
                        || word(chars[to - 1]) && word(chars[to]))
                {
                    to += 1;
                }
                while to > e + 1 && linebreak::closing(chars[to - 1]) {
                    to -= 1;
                }
                to
            });
            let w = self.width(s, e, 0.0);
            let with_next = next.map(|to| self.width(s, to, 0.0));
            // Lines with Latin letters or figures are measured less surely.
            let sure = chars[s..next.unwrap_or(e)].iter().all(|c| !c.is_ascii());
            let margin = if sure { EPS } else { self.m.slack };
            if w <= avail - margin && with_next.is_none_or(|n| n > avail + margin) {
                continue;
            }
            let target = match with_next {
                Some(n) => avail - (n - w) / 2.0,
                None => avail - OFFICE_SLACK,
            };
            if e - s < 2 || (target - w).abs() < EPS {
                continue;
            }
            // The width grows with the spacing: halve the interval.
            let (mut lo, mut hi) = (-CHAR_PITCH / 2.0, CHAR_PITCH);
            for _ in 0..40 {
                let mid = (lo + hi) / 2.0;
                if self.width(s, e, mid) > target {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            extra[s..e - 1].iter_mut().for_each(|v| *v = lo);
        }
        extra
    }
}

/// The width of `items` set by a word processor measuring with `m`: advances
/// plus tracking, and space between Han characters and Latin letters or digits;
/// no mark squeezed.
fn office_width(items: &[Item], m: Metrics) -> f32 {
    let western = |c: char| c.is_ascii_graphic();
    let han = |c: char| !c.is_ascii() && !c.is_whitespace();
    let changes = items.windows(2).filter(|p| {
        let (a, b) = (p[0].ch, p[1].ch);
        western(a) && han(b) || han(a) && western(b)
    });
    items.iter().map(|i| i.advance + m.tracking).sum::<f32>() + changes.count() as f32 * m.han_latin
}

/// A table as the layout set it, sized for a word processor measuring its
/// text with `metrics`: each column widened by what the word processor needs
/// more to set the column's lines as the layout breaks them (taken from the
/// white space right of the last column as far as it goes), so that every cell
/// breaks into the lines it has in the PDF (at the breaks given), and every
/// row is as high.
pub fn table_shape(set: &TableSet, metrics: Metrics) -> Shape {
    // What each column needs for its widest line.
    let mut need = vec![0.0f32; set.content.len()];
    let (mut breaks, mut row_lines) = (Vec::new(), Vec::new());
    for row in &set.cells {
        for (c, cell) in row.iter().enumerate() {
            for &(s, e) in &cell.lines {
                need[c] = need[c].max(office_width(&cell.items[s..e], metrics) + metrics.slack);
            }
        }
        row_lines.push(row.iter().map(|cell| cell.lines.len()).max().unwrap_or(1).max(1));
        breaks.push(row.iter().map(|cell| cell.lines.iter().skip(1).map(|l| l.0).collect()).collect());
    }
    // Columns that need more take it from the white space right of the last
    // column, then from the columns with room to spare.
    let mut content: Vec<f32> = set.content.iter().zip(&need).map(|(w, n)| w.max(*n)).collect();
    let wider: f32 = content.iter().zip(&set.content).map(|(a, b)| a - b).sum();
    let excess = (wider - set.right_pad).max(0.0);
    let spare: Vec<f32> = content.iter().zip(&need).map(|(w, n)| (w - n).max(0.0)).collect();
    let total_spare: f32 = spare.iter().sum();
    if excess > 0.0 && total_spare > 0.0 {
        let k = (excess / total_spare).min(1.0);
        content.iter_mut().zip(&spare).for_each(|(w, s)| *w -= s * k);
    }
    // What is still over comes off the cell padding, down to half of it.
    let over = (excess - total_spare).max(0.0);
    let ncol = content.len() as f32;
    Shape {
        content,
        pad: (set.pad - over / (2.0 * ncol - 1.0)).max(set.pad / 2.0),
        last_pad: (set.right_pad - wider).max(0.0),
        decimal_at: set.decimal_at.clone(),
        row_lines,
        breaks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const M: Metrics = Metrics { tracking: -0.25, han_latin: 3.2, slack: 1.5 };
    const MEASURE: f32 = 442.25;
    const INDENT: f32 = 32.0;

    fn items(s: &str) -> Vec<Item> {
        s.chars()
            .map(|ch| {
                let advance = if ch.is_ascii() { 8.0 } else { 16.0 };
                Item { ch, face: 0, gid: 0, size: 16.0, fake_bold: false, advance, width: advance * CHAR_PITCH / 16.0 }
            })
            .collect()
    }

    fn span(start: usize, end: usize, n: usize) -> linebreak::LineSpan {
        linebreak::LineSpan { start, end, surplus: 0.0, first: start == 0, last: end == n }
    }

    #[test]
    fn office_lines_left_alone_where_they_agree() {
        // 26 Han characters fill the indented first line in both.
        let it = items(&"甲乙丙丁戊己庚辛壬癸".repeat(3));
        let office = Office { items: &it, label: 0, m: M };
        let extra = office.fit(&[span(0, 26, 30), span(26, 30, 30)], MEASURE, INDENT);
        assert!(extra.iter().all(|&x| x == 0.0), "{extra:?}");
    }

    #[test]
    fn office_lines_end_where_the_layout_ends_them() {
        let it = items(&"甲乙丙丁戊己庚辛壬癸".repeat(3));
        let office = Office { items: &it, label: 0, m: M };
        let avail = MEASURE - INDENT;
        // The layout sets one character less on the first line: spacing that
        // leaves no room for the 26th.
        let extra = office.fit(&[span(0, 25, 30), span(25, 30, 30)], MEASURE, INDENT);
        assert!(extra[..24].iter().all(|&x| x > 0.0) && extra[24..].iter().all(|&x| x == 0.0), "{extra:?}");
        let x = extra[0];
        assert!(office.width(0, 25, x) <= avail && office.width(0, 26, x) > avail);
        // One more (its marks squeezed): spacing that makes room for the 27th.
        let extra = office.fit(&[span(0, 27, 30), span(27, 30, 30)], MEASURE, INDENT);
        let x = extra[0];
        assert!(x < 0.0 && office.width(0, 27, x) <= avail && office.width(0, 28, x) > avail, "{extra:?}");
    }

    #[test]
    fn office_measures_figures_with_space_around_them() {
        // A fifth of an em between Han and figures, none before the sign.
        let it = items("年20%以");
        let office = Office { items: &it, label: 0, m: M };
        let plain: f32 = it.iter().map(|i| i.advance).sum();
        // Tracking kept inside a script's run, dropped at its end (`年`, `%`, `以`).
        let w = office.width(0, it.len(), 0.0);
        assert!((w - (plain + 3.2 - 0.25 * 2.0)).abs() < 1e-3, "{w}");
    }
}
