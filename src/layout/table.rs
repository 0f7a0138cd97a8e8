//! Tables: column widths from the set text (as in CSS automatic table layout,
//! but choosing among the widths at which cells change their number of lines so
//! that the table is as short as it can be), cells broken only at sensible
//! points and into balanced lines, rows on the body grid.

use super::flow::{Entry, SetLine};
use super::grid::LINE_ASCENT;
use super::paragraph::place;
use super::shape::{Faces, plain_segments, shape_text};
use super::types::Item;
use super::{grid, linebreak};
use crate::diag::Result;
use std::collections::HashMap;

use crate::doc::{Align, Block, Document, Table};

use grid::BLOCK_W;

/// Cell padding on each side, for a table set at `size` points: Word's 1.9 mm
/// for a type smaller than the body's (`fonts.roles.table.size`); at 三号 1.7
/// mm, which keeps a glyph's ink 1.5 mm clear of the column rules and leaves a
/// little more of a 156 mm line for the text. The DOCX writer takes it from
/// [`TableSet::pad`].
fn cell_pad(size: f32) -> f32 {
    if size < grid::BODY_PT { 1.9 * grid::MM } else { 1.7 * grid::MM }
}

/// White space right of the last column's text: a character, so that no line
/// of a table that spans the text block ends just short of its right edge,
/// where it would read as a body line left ragged.
const RIGHT_PAD: f32 = grid::BODY_PT + 0.5;

/// The lines of a cell that wraps are set closer than the body's, 1.36 em apart
/// (three quarters of a grid line at 三号), centred in the grid lines the row
/// takes: the row stays on the grid, and the cell reads as one block rather
/// than as lines of the rows around it. In proportion to the type, so that a
/// smaller table's cells still read as blocks (text extraction took 小四 cells
/// 21.75 pt apart, 1.8 em, for separate paragraphs and read across the row).
fn cell_leading(size: f32) -> f32 {
    0.75 * grid::PITCH * size / grid::BODY_PT
}

/// White space a wrapped cell keeps from its neighbours' text, so that its lines
/// are read down the cell and not across the row into the next column (by the
/// eye, and by text extraction, which joins text within a character of a line
/// into it): a body character and a little.
const GUTTER: f32 = grid::BODY_PT + 1.0;

/// Han words a table cell never breaks inside (others it prefers not to:
/// see [`Cell::set_in`]).
const WORDS: &[&str] = &["百分点", "百分比", "千分点"];

/// Searching every combination of candidate widths is exact; past this many
/// combinations the widths are chosen greedily.
const EXHAUSTIVE_LIMIT: usize = 50_000;

/// A shaped cell with its break opportunities.
struct Cell {
    items: Vec<Item>,
    allowed: Vec<bool>,
    /// Where a line may end without splitting a word (`签约|贫困人口`).
    whole: Vec<bool>,
    /// Widest piece that cannot be broken (min-content).
    min: f32,
    /// Natural width on one line (max-content).
    max: f32,
    /// Horizontal alignment: the header's and a lone dash's (a value that does
    /// not apply) centred, the others the column's.
    align: Align,
    /// A mark opening or closing a line may give up its blank half: not at the
    /// table's sides, whose text keeps clear of the text block's edges, the
    /// mark's whole em included.
    squeeze: (bool, bool),
    /// What first-fit breaking measures in constant time (see [`Cell::fits`]).
    sums: Sums,
}

/// Prefix sums of a cell's text, so that first-fit breaking tries each
/// character once instead of measuring its line again from the start (a cell
/// of thousands of characters would take minutes). With items `0..k`: `width`,
/// their widths; `cut`, what compression of adjacent punctuation takes before
/// each of them ([`linebreak::cut_before`] in the whole text); `visible`, how
/// many are set (the white space they end with aside); `real`, from each item,
/// the first that is not a space of no width (which pair compression skips).
#[derive(Debug, Clone, Default)]
struct Sums {
    width: Vec<f64>,
    cut: Vec<f64>,
    visible: Vec<usize>,
    real: Vec<usize>,
}

impl Sums {
    fn new(items: &[Item]) -> Sums {
        let n = items.len();
        let zero_space = |i: usize| items[i].ch.is_whitespace() && items[i].width == 0.0;
        let mut sums =
            Sums { width: vec![0.0; n + 1], cut: vec![0.0; n + 1], visible: vec![0; n + 1], real: vec![n; n + 1] };
        let mut last_real = None;
        for (i, item) in items.iter().enumerate() {
            sums.width[i + 1] = sums.width[i] + f64::from(item.width);
            let cut = last_real.map_or(0.0, |j: usize| {
                let (a, b) = linebreak::pair_cut(items[j].ch, item.ch, items[j].width, item.width);
                f64::from(a + b)
            });
            sums.cut[i + 1] = sums.cut[i] + cut;
            sums.visible[i + 1] = if item.ch.is_whitespace() { sums.visible[i] } else { i + 1 };
            if !zero_space(i) {
                last_real = Some(i);
            }
        }
        for i in (0..n).rev() {
            sums.real[i] = if zero_space(i) { sums.real[i + 1] } else { i };
        }
        sums
    }

    /// [`linebreak::set_width`] of items `s..e`, from the sums.
    fn set_width(&self, s: usize, e: usize) -> f64 {
        let vis = self.visible[e].max(s);
        // Items up to the first real one have nothing before them in `s..e` to pair with.
        let from = (s + 1).max(self.real[s] + 1);
        let cut = if vis > from { self.cut[vis] - self.cut[from] } else { 0.0 };
        self.width[vis] - self.width[s] - cut
    }
}

impl Cell {
    fn new(items: Vec<Item>, align: Align, squeeze: (bool, bool)) -> Cell {
        let chars: Vec<char> = items.iter().map(|i| i.ch).collect();
        let allowed = cell_breaks(&chars);
        let whole = super::words::whole(&chars, &allowed);
        let sums = Sums::new(&items);
        let mut cell = Cell { items, allowed, whole, min: 0.0, max: 0.0, align, squeeze, sums };
        let mut start = 0;
        for i in 0..cell.items.len() {
            if cell.allowed[i] {
                cell.min = cell.min.max(cell.width(start, i + 1));
                start = i + 1;
            }
        }
        cell.max = cell.width(0, cell.items.len());
        let dash = !chars.is_empty() && chars.iter().all(|c| matches!(c, '—' | '–' | '-' | '－'));
        if dash {
            cell.align = Align::Center;
        }
        cell
    }

    /// Width of items `s..e` set as a line: a bracket or quotation mark opening
    /// the line and a mark closing it give up the blank half of their em
    /// (clreq: line-start and line-end punctuation set half width).
    fn width(&self, s: usize, e: usize) -> f32 {
        if e <= s {
            return 0.0;
        }
        let w = super::paragraph::set_width(&self.items[s..e]);
        let last = &self.items[e - 1];
        w - self.lead_in(s, e) - if self.squeeze.1 && linebreak::closing(last.ch) { last.width / 2.0 } else { 0.0 }
    }

    /// Whether items `s..e` set as a line fit in `measure`: [`Cell::width`]
    /// from the prefix sums, in constant time.
    fn fits(&self, s: usize, e: usize, measure: f32) -> bool {
        if e <= s {
            return true;
        }
        let last = &self.items[e - 1];
        let squeezed = if self.squeeze.1 && linebreak::closing(last.ch) { last.width / 2.0 } else { 0.0 };
        let w = self.sums.set_width(s, e) - f64::from(self.lead_in(s, e)) - f64::from(squeezed);
        w <= f64::from(measure) + 0.01
    }

    /// For a figure aligned on its decimal point: the widths before the point
    /// and from it on (`338` and `.3` of `338.3`; all of `7703` before it).
    fn decimal_split(&self) -> (f32, f32) {
        let n = self.items.len();
        let at = self.items.iter().position(|i| i.ch == '.').unwrap_or(n);
        (self.width(0, at), self.width(0, n) - self.width(0, at))
    }

    /// What an opening mark at the start of line `s..e` gives up.
    fn lead_in(&self, s: usize, e: usize) -> f32 {
        if self.squeeze.0 && e > s && linebreak::opening(self.items[s].ch) { self.items[s].width / 2.0 } else { 0.0 }
    }

    /// Lines, first fit, in `measure` points: (start, end, width) each. A piece
    /// that may not be broken but is wider than the measure (a column squeezed
    /// below its min-content when there are too many) is broken where it must.
    fn lines(&self, measure: f32, allowed: &[bool]) -> Vec<(usize, usize, f32)> {
        self.breaks_at(measure, allowed).into_iter().map(|(s, e)| (s, e, self.width(s, e))).collect()
    }

    /// The lines of [`Cell::lines`] where a line may end anywhere, without
    /// their widths: measured from the prefix sums only, as often as column
    /// sizing asks.
    fn breaks(&self, measure: f32) -> Vec<(usize, usize)> {
        self.breaks_at(measure, &self.allowed)
    }

    fn breaks_at(&self, measure: f32, allowed: &[bool]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut start = 0;
        let mut end = 0; // the current line holds start..end
        for (i, &may_end) in allowed.iter().enumerate().take(self.items.len()) {
            if !self.fits(start, i + 1, measure) {
                if end > start {
                    out.push((start, end));
                    start = end;
                }
                if i > start && !self.fits(start, i + 1, measure) {
                    out.push((start, i));
                    (start, end) = (i, i);
                }
            }
            if may_end {
                end = i + 1;
            }
        }
        if start < self.items.len() {
            out.push((start, self.items.len()));
        }
        out
    }

    fn count(&self, measure: f32) -> usize {
        self.breaks(measure).len().max(1)
    }

    /// The narrowest measure that still sets the cell in at most `n` lines.
    fn width_for(&self, n: usize) -> f32 {
        self.width_for_at(n, &self.allowed)
    }

    fn width_for_at(&self, n: usize, allowed: &[bool]) -> f32 {
        let count = |m: f32| self.breaks_at(m, allowed).len().max(1);
        let (mut lo, mut hi) = (self.min, self.max.max(self.min));
        if count(lo) <= n {
            return lo;
        }
        while hi - lo > 0.05 {
            let mid = (lo + hi) / 2.0;
            if count(mid) <= n { hi = mid } else { lo = mid }
        }
        hi
    }

    /// Lines in `measure`, as even as the same number of lines allows.
    #[cfg(test)]
    fn balanced(&self, measure: f32) -> Vec<(usize, usize, f32)> {
        self.set_in(self.count(measure), measure, f32::MAX)
    }

    /// `n` lines no wider than `measure`, as even as they can be: broken
    /// between words where that fits as many lines in the measure (column
    /// sizing counts lines broken anywhere, so a word kept whole never makes
    /// a row taller) and the longest line in `room` (or in what breaking
    /// anywhere takes), else anywhere a line may end.
    fn set_in(&self, n: usize, measure: f32, room: f32) -> Vec<(usize, usize, f32)> {
        let anywhere = self.lines(self.width_for(n).min(measure), &self.allowed);
        let whole = self.width_for_at(n, &self.whole);
        if whole <= measure && self.breaks_at(whole, &self.whole).len().max(1) <= n {
            let lines = self.lines(whole, &self.whole);
            let longest = |l: &[(usize, usize, f32)]| l.iter().map(|l| l.2).fold(0.0, f32::max);
            // A long word broken where it must may leave one character alone
            // on a line (`区妇幼保／健／院业务楼`): breaking anywhere does not.
            let lone = lines.len() > 1 && lines.iter().any(|&(s, e, _)| e - s == 1);
            if !lone && longest(&lines) <= room.max(longest(&anywhere)) + 0.01 {
                return lines;
            }
        }
        anywhere
    }

    /// White space left and right of the cell's text set in `measure`, whose
    /// longest line is `longest`.
    fn slack(&self, measure: f32, longest: f32) -> (f32, f32) {
        let free = (measure - longest).max(0.0);
        match self.align {
            Align::Left => (0.0, free),
            Align::Center => (free / 2.0, free / 2.0),
            Align::Right | Align::Decimal => (free, 0.0),
        }
    }
}

/// Where a line in a table cell may end: the body's rules, and further a number
/// keeps its whole unit (`1022.457万元`, `800元/月`), a slash binds both sides
/// (`元/月` alone in a unit column), a unit in brackets stays whole
/// (`（平方米）`), a run of Han characters
/// leaves no single character alone on a line (`年度/目标`, never `目标/值`),
/// and a few words stay whole (`百分点`).
pub(super) fn cell_breaks(chars: &[char]) -> Vec<bool> {
    let mut allowed = linebreak::break_after(chars);
    let n = chars.len();
    let han = |c: char| linebreak::on_grid(c) && !linebreak::no_line_start(c) && !"（“‘《【".contains(c);
    // Numbers and their units.
    let mut in_number = false;
    let mut unit_len = 0;
    for i in 0..n.saturating_sub(1) {
        let (a, b) = (chars[i], chars[i + 1]);
        if a.is_ascii_digit() {
            in_number = true;
            unit_len = 0;
        } else if !(in_number && (a == '.' || a == '/' || a == '%' || a == '‰' || unit_len > 0 || is_unit_char(a))) {
            in_number = false;
        }
        if !in_number {
            continue;
        }
        let numeric = a.is_ascii_digit() || a == '.' || a == '/';
        if numeric && (b.is_ascii_digit() || b == '.' || b == '%' || b == '‰' || b == '/' || is_unit_char(b)) {
            allowed[i] = false;
            if is_unit_char(b) {
                unit_len = 1;
            }
        } else if unit_len > 0 && matches!(a, '万' | '亿' | '千') && is_unit_char(b) && !matches!(b, '万' | '亿' | '千')
        {
            // 万元, 亿元, 万人
            allowed[i] = false;
            unit_len += 1;
        } else if unit_len > 0 && b == '/' {
            // 元/月
            allowed[i] = false;
            unit_len += 1;
        } else {
            unit_len = 0;
        }
    }
    // Compound units (`元/月`, `人/千人`, standing alone in a unit column) and
    // ratios keep both sides of their slash.
    for i in 0..n {
        if chars[i] == '/' {
            allowed[i] = false;
            if i > 0 {
                allowed[i - 1] = false;
            }
        }
    }
    // Words never broken.
    for w in WORDS {
        let w: Vec<char> = w.chars().collect();
        for s in 0..n.saturating_sub(w.len() - 1) {
            if chars[s..s + w.len()] == w[..] {
                allowed[s..s + w.len() - 1].iter_mut().for_each(|a| *a = false);
            }
        }
    }
    // A short note in brackets (a unit: `（平方米）`, `（万元）`) stays whole.
    for s in (0..n).filter(|&s| matches!(chars[s], '（' | '(')) {
        if let Some(len) = chars[s + 1..].iter().take(5).position(|&c| matches!(c, '）' | ')')) {
            allowed[s..s + len + 1].iter_mut().for_each(|a| *a = false);
        }
    }
    // No Han character alone on a line: in a run of Han characters, no break
    // after its first or before its last when that character would stand alone.
    let mut s = 0;
    while s < n {
        if !han(chars[s]) {
            s += 1;
            continue;
        }
        let mut e = s;
        while e < n && han(chars[e]) {
            e += 1;
        }
        // Marks that may not start a line cling to the run's last character.
        let mut tail = e;
        while tail < n && linebreak::no_line_start(chars[tail]) {
            tail += 1;
        }
        let open_before = s == 0 || allowed[s - 1];
        let open_after = tail >= n || allowed[tail - 1];
        if open_before && e - s >= 2 {
            allowed[s] = false;
        }
        if open_after && e - s >= 2 {
            allowed[e - 2] = false;
        }
        s = e;
    }
    if let Some(last) = allowed.last_mut() {
        *last = true;
    }
    allowed
}

fn is_unit_char(c: char) -> bool {
    linebreak::is_unit(c)
        || matches!(c, '对' | '堂' | '条' | '名' | '元' | '米' | '吨' | '册' | '辆' | '间' | '篇' | '场' | '期' | '轮')
}

/// Column widths (content, without padding) that add up to `avail`, and for
/// each row the number of lines to set its first cell in (`None`: as few as
/// fit).
///
/// The widths at which cells change their number of lines are the candidates.
/// The table takes the combination that keeps the first column's wrapped labels
/// a gutter away from the figures where it can (a label may be set in a line or
/// two more, narrower, to make room; a first column of figures, as `序号`, is
/// no stub and weighs as any other), then is shortest, then crowds the fewest
/// other wrapped cells, then has the fewest cell lines. What is left over goes
/// to the columns that could use it, in proportion to how much more they could
/// use (max − width), as in CSS.
fn column_widths(cols: &[Vec<&Cell>], avail: f32, pad: f32) -> (Vec<f32>, Vec<Option<usize>>) {
    let ncol = cols.len();
    let nrows = cols[0].len();
    let min: Vec<f32> = cols.iter().map(|c| c.iter().map(|x| x.min).fold(0.0, f32::max)).collect();
    let max: Vec<f32> = cols.iter().zip(&min).map(|(c, m)| c.iter().map(|x| x.max).fold(*m, f32::max)).collect();
    let sum_min: f32 = min.iter().sum();
    let natural = vec![None; nrows];
    if max.iter().sum::<f32>() <= avail {
        return (spread(max.clone(), &max, avail), natural);
    }
    if sum_min >= avail {
        // Does not fit even broken everywhere it may be: share out by min-content.
        return (min.iter().map(|m| m / sum_min * avail).collect(), natural);
    }
    // Candidate widths per column: where some cell needs one line fewer (up to
    // a page's lines: a taller cell is set in pieces over pages anyway).
    let cands: Vec<Vec<f32>> = (0..ncol)
        .map(|c| {
            let mut v = vec![min[c], max[c]];
            for cell in &cols[c] {
                for n in 1..=cell.count(min[c]).min(grid::LINES) {
                    v.push(cell.width_for(n).clamp(min[c], max[c]));
                }
            }
            v.sort_by(f32::total_cmp);
            v.dedup_by(|a, b| (*a - *b).abs() < 0.1);
            v
        })
        .collect();
    // set[c][k][r]: ways to set row r's cell in column c at candidate width k:
    // (lines, white space left and right of its text); the first is the fewest
    // lines, and a first-column label may also take a line or two more.
    let set: Vec<Vec<Vec<Settings>>> = (0..ncol)
        .map(|c| {
            cands[c]
                .iter()
                .map(|&w| {
                    cols[c]
                        .iter()
                        .map(|cell| {
                            let n = cell.count(w + 0.01);
                            let more = if c == 0 { 2 } else { 0 };
                            (n..=n + more)
                                .map_while(|m| {
                                    let lines = cell.lines(cell.width_for(m).min(w + 0.01), &cell.allowed);
                                    if lines.len() > m || (m > n && lines.len() < m) {
                                        return None;
                                    }
                                    let longest = lines.iter().map(|l| l.2).fold(0.0, f32::max);
                                    let (l, r) = if lines.is_empty() { (w, w) } else { cell.slack(w, longest) };
                                    Some((lines.len().max(1), l, r))
                                })
                                .collect()
                        })
                        .collect()
                })
                .collect()
        })
        .collect();
    // The first column is a stub of labels (the row's names), not figures
    // (`序号`, however aligned): only labels are set a line or two longer to
    // keep clear of the next column, before anything else.
    let texts: Vec<String> = cols[0].iter().skip(1).map(|c| c.items.iter().map(|i| i.ch).collect()).collect();
    let labels = !crate::numbers::is_figure_column(texts.iter().map(String::as_str));
    let widths_of = |pick: &[usize]| -> Vec<f32> { pick.iter().enumerate().map(|(c, &k)| cands[c][k]).collect() };
    // (crowded first-column cells, height, other crowded cells, cell lines) of a
    // pick, with the white space it will have once the rest is spread, and the
    // lines chosen for each row's first cell.
    let cost = |pick: &[usize]| -> (Cost, Vec<Option<usize>>) {
        let at = widths_of(pick);
        let fin = spread(at.clone(), &max, avail);
        let extra = |c: usize, r: usize| {
            let e = fin[c] - at[c];
            match cols[c][r].align {
                Align::Left => (0.0, e),
                Align::Center => (e / 2.0, e / 2.0),
                Align::Right | Align::Decimal => (e, 0.0),
            }
        };
        let (mut stub, mut crowded, mut height, mut total) = (0, 0, 0, 0);
        let mut stub_lines = vec![None; nrows];
        for r in 0..nrows {
            let natural = set[0][pick[0]][r][0];
            let mut first = natural;
            if ncol > 1 && labels {
                let next = set[1][pick[1]][r][0];
                let clear = |o: &(usize, f32, f32)| {
                    (o.0 == 1 && next.0 == 1) || o.2 + extra(0, r).1 + 2.0 * pad + next.1 + extra(1, r).0 >= GUTTER
                };
                match set[0][pick[0]][r].iter().find(|o| clear(o)) {
                    Some(o) => {
                        first = *o;
                        if o.0 != natural.0 {
                            stub_lines[r] = Some(o.0);
                        }
                    }
                    None => stub += 1,
                }
            }
            let mut h = first.0;
            total += first.0;
            for c in 0..ncol {
                let (lines, _, right) = if c == 0 { first } else { set[c][pick[c]][r][0] };
                if c > 0 {
                    h = h.max(lines);
                    total += lines;
                } else if labels {
                    // The stub's gutter is weighed above.
                    continue;
                }
                let Some(next) = set.get(c + 1).map(|s| s[pick[c + 1]][r][0]) else { continue };
                let gap = right + extra(c, r).1 + 2.0 * pad + next.1 + extra(c + 1, r).0;
                if (lines > 1 || next.0 > 1) && gap < GUTTER {
                    crowded += 1;
                }
            }
            height += h;
        }
        ((stub, height, crowded, total), stub_lines)
    };
    let combos = cands.iter().try_fold(1usize, |p, v| p.checked_mul(v.len())).unwrap_or(usize::MAX);
    let pick = if combos <= EXHAUSTIVE_LIMIT {
        let mut best: Option<((Cost, i64), Vec<usize>)> = None;
        let mut pick = vec![0; ncol];
        search(&cands, &min, avail, 0, 0.0, &mut pick, &mut |p| {
            let (key, _) = cost(p);
            let w: f32 = widths_of(p).iter().sum();
            let key = (key, (w * 100.0) as i64);
            if best.as_ref().is_none_or(|(b, _)| key < *b) {
                best = Some((key, p.to_vec()));
            }
        });
        best.map(|(_, p)| p).unwrap_or_else(|| vec![0; ncol])
    } else {
        // Greedy: from min-content, widen the column whose next candidate
        // saves the most per point of width, while it fits.
        let mut pick = vec![0usize; ncol];
        let mut used = sum_min;
        let score = |((stub, h, crowded, t), _): (Cost, Vec<Option<usize>>)| {
            (stub * 10_000_000 + h * 100_000 + crowded * 1000 + t) as f32
        };
        loop {
            let now = score(cost(&pick));
            let mut best: Option<(f32, usize)> = None;
            for c in 0..ncol {
                let k = pick[c] + 1;
                if k >= cands[c].len() {
                    continue;
                }
                let dw = cands[c][k] - cands[c][pick[c]];
                if used + dw > avail + 0.01 {
                    continue;
                }
                pick[c] = k;
                let gain = now - score(cost(&pick));
                pick[c] = k - 1;
                if gain > 0.0 && best.is_none_or(|(g, _)| gain / dw.max(0.01) > g) {
                    best = Some((gain / dw.max(0.01), c));
                }
            }
            let Some((_, c)) = best else { break };
            used += cands[c][pick[c] + 1] - cands[c][pick[c]];
            pick[c] += 1;
        }
        pick
    };
    let (_, stub_lines) = cost(&pick);
    (spread(widths_of(&pick), &max, avail), stub_lines)
}

/// Widths grown to add up to `avail`: first where a column could use more (in
/// proportion to max − width, as in CSS), then all columns in proportion.
fn spread(mut widths: Vec<f32>, max: &[f32], avail: f32) -> Vec<f32> {
    let left = avail - widths.iter().sum::<f32>();
    let want: Vec<f32> = widths.iter().zip(max).map(|(w, m)| (m - w).max(0.0)).collect();
    let want_sum: f32 = want.iter().sum();
    if want_sum > 0.01 && left > 0.0 {
        let k = (left / want_sum).min(1.0);
        widths.iter_mut().zip(&want).for_each(|(w, d)| *w += d * k);
    }
    let left = avail - widths.iter().sum::<f32>();
    let total: f32 = widths.iter().sum();
    if left > 0.01 && total > 0.0 {
        widths.iter_mut().for_each(|w| *w += *w / total * left);
    }
    widths
}

/// Ways to set a cell at a width: (lines, white space left and right of its text).
type Settings = Vec<(usize, f32, f32)>;

/// What a choice of widths costs, compared in order: first-column labels
/// crowding the figures, table height in lines, other wrapped cells crowding
/// their neighbours, cell lines.
type Cost = (usize, usize, usize, usize);

/// Every pick of one candidate width per column that fits in `avail`.
fn search(
    cands: &[Vec<f32>],
    min: &[f32],
    avail: f32,
    c: usize,
    used: f32,
    pick: &mut Vec<usize>,
    visit: &mut dyn FnMut(&[usize]),
) {
    if c == cands.len() {
        visit(pick);
        return;
    }
    let rest: f32 = min[c + 1..].iter().sum();
    for (k, &w) in cands[c].iter().enumerate() {
        if used + w + rest > avail + 0.01 {
            break;
        }
        pick[c] = k;
        search(cands, min, avail, c + 1, used + w, pick, visit);
    }
}

/// A table as set: what a writer that sets its text itself (the DOCX) needs to
/// break each cell where the layout broke it.
#[derive(Debug, Clone, PartialEq)]
pub struct TableSet {
    /// Each column's text width in points, without padding.
    pub content: Vec<f32>,
    /// Cell padding left of the text, and right of it but in the last column.
    pub pad: f32,
    /// White space right of the last column's text (no padding besides).
    pub right_pad: f32,
    /// For a column of figures aligned on the decimal point: the width of its
    /// widest fraction (the point on), from the text's right edge.
    pub decimal_at: Vec<Option<f32>>,
    /// The cells, row by row, the header first.
    pub cells: Vec<Vec<SetCell>>,
    /// The columns narrower than a word or figure of theirs (too many columns
    /// for the type size): it is broken where it must be, `1022.45／7`.
    pub squeezed: Vec<usize>,
}

/// A cell's characters and its lines, as item ranges.
#[derive(Debug, Clone, PartialEq)]
pub struct SetCell {
    pub items: Vec<Item>,
    pub lines: Vec<(usize, usize)>,
}

/// A table's cells and the widths chosen for them.
pub(super) struct SizedTable {
    rows: Vec<Vec<Cell>>,
    /// Column widths without padding.
    content: Vec<f32>,
    /// Cell padding on each side ([`cell_pad`]).
    pad: f32,
    /// Per row, the number of lines to set its first cell in (`None`: as few as fit).
    stub_lines: Vec<Option<usize>>,
    decimal_at: Vec<Option<f32>>,
    /// Per row, its cells broken into lines ([`SizedTable::broken`]), once.
    lines: Vec<Vec<Vec<(usize, usize, f32)>>>,
    /// See [`TableSet::squeezed`].
    squeezed: Vec<usize>,
}

impl SizedTable {
    /// Row `ri`'s cells broken into lines: (start, end, width) each. A cell
    /// takes no more of its column than leaves a [`GUTTER`] to the next cell's
    /// text where either wraps (see [`column_widths`]): keeping its words whole
    /// where that fits, else in a line or two more (the row grows), as a
    /// first-column label does; the cells are set from the last column.
    fn broken(&self, ri: usize) -> Vec<Vec<(usize, usize, f32)>> {
        let row = &self.rows[ri];
        let mut out: Vec<Vec<(usize, usize, f32)>> = vec![Vec::new(); row.len()];
        for (c, cell) in row.iter().enumerate().rev() {
            let (n, measure) = match self.stub_lines[ri] {
                Some(m) if c == 0 => (m, cell.width_for(m)),
                _ => (cell.count(self.content[c] + 0.01), self.content[c] + 0.01),
            };
            // The next cell's lines and the white space left of them.
            let next = out.get(c + 1).map(|next| (next.len(), self.margins(c + 1, &row[c + 1], next).0));
            let room = match next {
                Some((lines, left)) if n > 1 || lines > 1 => self.content[c] + 2.0 * self.pad + left - GUTTER,
                _ => f32::MAX,
            };
            let clear = |lines: &[(usize, usize, f32)]| match next {
                Some((next_lines, left)) if lines.len() > 1 || next_lines > 1 => {
                    self.margins(c, cell, lines).1 + 2.0 * self.pad + left >= GUTTER - 0.01
                }
                _ => true,
            };
            let first = cell.set_in(n, measure, room);
            out[c] = if clear(&first) || c == 0 && self.stub_lines[ri].is_some() {
                first
            } else {
                (n + 1..=n + 2).map(|m| cell.set_in(m, measure, room)).find(|l| clear(l)).unwrap_or(first)
            };
        }
        out
    }

    /// Where a line `w` wide of `cell` (in column `c`, the cell set in one
    /// line or more) starts, for the column's text starting at `x0`, before an
    /// opening mark's lead-in: by the cell's alignment; a figure alone on its
    /// line on the column's decimal point, unless the column got too little
    /// for it (squeezed among too many columns: right-aligned then).
    fn line_x(&self, x0: f32, c: usize, cell: &Cell, one_line: bool, w: f32) -> f32 {
        let content = self.content[c];
        match cell.align {
            Align::Left => x0,
            Align::Center => x0 + (content - w) / 2.0,
            Align::Right => x0 + content - w,
            Align::Decimal => match self.decimal_at[c] {
                Some(frac) if one_line && cell.decimal_split().0 + frac <= content + 0.01 => {
                    x0 + content - frac - cell.decimal_split().0
                }
                _ => x0 + content - w,
            },
        }
    }

    /// The white space left and right of `cell`'s `lines` in column `c`, as
    /// [`SizedTable::line_x`] places them.
    fn margins(&self, c: usize, cell: &Cell, lines: &[(usize, usize, f32)]) -> (f32, f32) {
        let content = self.content[c];
        let at = |w: f32| self.line_x(0.0, c, cell, lines.len() == 1, w);
        let left = lines.iter().map(|l| at(l.2)).fold(content, f32::min);
        let right = lines.iter().map(|l| content - at(l.2) - l.2).fold(content, f32::min);
        (left, right)
    }
}

/// Padding around each column's text: the last column's keeps a character
/// clear of the text block's right edge.
fn column_pad(c: usize, ncol: usize, pad: f32) -> f32 {
    if c + 1 == ncol { pad + RIGHT_PAD } else { 2.0 * pad }
}

/// Shape `t`'s cells and choose its column widths; `None` for a table without
/// columns.
fn size(t: &Table, faces: &mut Faces) -> Result<Option<SizedTable>> {
    let ncol = t.header.len().max(t.rows.iter().map(Vec::len).max().unwrap_or(0));
    if ncol == 0 {
        return Ok(None);
    }
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    for (ri, row) in std::iter::once(&t.header).chain(t.rows.iter()).enumerate() {
        let mut cells = Vec::new();
        for c in 0..ncol {
            let text = row.get(c).cloned().unwrap_or_default();
            let mut segs = plain_segments(&text, Table::ROLE);
            let align = if ri == 0 {
                // The header is bold and centred, as in the DOCX.
                segs.iter_mut().for_each(|s| s.1 = true);
                Align::Center
            } else {
                t.columns.get(c).copied().unwrap_or(Align::Left)
            };
            cells.push(Cell::new(shape_text(faces, &segs)?, align, (c > 0, c + 1 < ncol)));
        }
        rows.push(cells);
    }
    // A column of figures aligned on the decimal point is as wide as its
    // widest whole part and its widest fraction together: every cell of it is
    // that wide (its text set inside by `decimal_at`).
    let mut decimal_at = vec![None; ncol];
    for c in 0..ncol {
        let figures: Vec<(f32, f32)> =
            rows.iter().skip(1).filter(|r| r[c].align == Align::Decimal).map(|r| r[c].decimal_split()).collect();
        if figures.is_empty() {
            continue;
        }
        let (whole, frac) = figures.iter().fold((0.0f32, 0.0f32), |(w, f), &(a, b)| (w.max(a), f.max(b)));
        decimal_at[c] = Some(frac);
        for row in rows.iter_mut().skip(1).filter(|r| r[c].align == Align::Decimal) {
            row[c].min = row[c].min.max(whole + frac);
            row[c].max = row[c].max.max(whole + frac);
        }
    }
    let cols: Vec<Vec<&Cell>> = (0..ncol).map(|c| rows.iter().map(|r| &r[c]).collect()).collect();
    let pad = cell_pad(faces.table_size);
    let avail = BLOCK_W - (0..ncol).map(|c| column_pad(c, ncol, pad)).sum::<f32>();
    let (content, stub_lines) = column_widths(&cols, avail, pad);
    let squeezed = (0..ncol).filter(|&c| cols[c].iter().any(|cell| cell.min > content[c] + 0.01)).collect();
    let mut sized = SizedTable { rows, content, pad, stub_lines, decimal_at, lines: Vec::new(), squeezed };
    sized.lines = (0..sized.rows.len()).map(|ri| sized.broken(ri)).collect();
    Ok(Some(sized))
}

/// The type sizes a report's tables are set at when the configuration fixes
/// none, largest first: 三号 (the body's), 四号 and 小四, as offices set tables.
const SIZES: [f32; 3] = [16.0, 14.0, 12.0];

/// Most lines a cell may wrap to before the tables are set a size smaller.
const MOST_CELL_LINES: usize = 2;

/// `doc`'s tables sized, by block index (`None`: a table without columns), at
/// one type size for all of them: the configuration's, else the largest of
/// [`SIZES`] at which no cell of any of them wraps to more than
/// [`MOST_CELL_LINES`] lines (the smallest when none is). Leaves `faces` set
/// to that size.
pub(super) fn size_tables(doc: &Document, faces: &mut Faces) -> Result<HashMap<usize, Option<SizedTable>>> {
    let tables: Vec<(usize, &Table)> = (doc.blocks.iter().enumerate())
        .filter_map(|(bi, b)| if let Block::Table(t) = b { Some((bi, t)) } else { None })
        .collect();
    let (&smallest, larger) = SIZES.split_last().expect("sizes");
    let sizes = match faces.book.table_size() {
        Some(size) => vec![size],
        None => larger.iter().copied().chain([smallest]).collect(),
    };
    let last = sizes.len() - 1;
    let wraps_little = |s: &SizedTable| s.lines.iter().flatten().all(|cell| cell.len() <= MOST_CELL_LINES);
    'size: for (k, &size) in sizes.iter().enumerate() {
        faces.table_size = size;
        let mut sized = HashMap::new();
        for &(bi, t) in &tables {
            let s = self::size(t, faces)?;
            if k < last && !s.as_ref().is_none_or(wraps_little) {
                continue 'size;
            }
            sized.insert(bi, s);
        }
        return Ok(sized);
    }
    unreachable!("the last size is always taken")
}

/// A table: as wide as the text block, columns sized to their content, each row
/// as tall as its tallest cell in grid lines; borders drawn; rows are the unit of
/// page breaking and the header row is repeated on every page.
/// `sized` is the table as [`size_tables`] sized it, at `faces`' table size.
/// Returns the table as set, `None` for a table without columns (nothing set).
pub(super) fn set_table(sized: Option<SizedTable>, faces: &Faces, out: &mut Vec<Entry>) -> Option<TableSet> {
    let sized = sized?;
    let SizedTable { rows, content, pad, .. } = &sized;
    let ncol = content.len();
    let widths: Vec<f32> = content.iter().enumerate().map(|(c, w)| w + column_pad(c, ncol, *pad)).collect();
    let x_left = grid::left() + (BLOCK_W - widths.iter().sum::<f32>()) / 2.0;
    let frame: Vec<f32> = std::iter::once(x_left)
        .chain(widths.iter().scan(x_left, |x, w| {
            *x += w;
            Some(*x)
        }))
        .collect();
    let leading = cell_leading(faces.table_size);
    let mut set_rows = Vec::new();
    // A row taller than a page (a cell of absurd length) is set in pieces that
    // each fit on a page under the header (itself half a page at most).
    let mut header_height = 0;
    for (ri, (row, broken)) in rows.iter().zip(&sized.lines).enumerate() {
        let total = broken.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let cap = if ri == 0 { grid::LINES / 2 } else { grid::LINES - header_height };
        for from in (0..total).step_by(cap) {
            let height = (total - from).min(cap);
            // The piece's text lines, `cell_leading` apart, centred in its grid
            // lines; a one-line row's on the grid line's own baseline.
            let first = |size: f32| {
                (height - 1) as f32 * (grid::PITCH - leading) / 2.0 + (grid::PITCH - size) / 2.0 + size * LINE_ASCENT
            };
            let mut runs = Vec::new();
            for (c, (cell, lines)) in row.iter().zip(broken).enumerate() {
                let piece = &lines[from.min(lines.len())..(from + height).min(lines.len())];
                // Vertically centred: the header's cells exactly, as the
                // DOCX's are (`w:vAlign`); a body cell on one of its row's
                // line slots (a line higher when it cannot be exactly), so a
                // figure or unit shares a line with its label's first line.
                let spare = height - piece.len();
                let top = if ri == 0 { spare as f32 / 2.0 } else { (spare / 2) as f32 };
                for (li, &(s, e, w)) in piece.iter().enumerate() {
                    let x = sized.line_x(frame[c] + pad, c, cell, lines.len() == 1, w) - cell.lead_in(s, e);
                    // A column squeezed below a character's width (too many
                    // columns) cannot hold it: it still stays in the text block.
                    let x = x.max(grid::left()).min(grid::right() - w.min(BLOCK_W));
                    for mut r in place(&cell.items[s..e], x, 0.0) {
                        r.y = first(r.size) + (top + li as f32) * leading;
                        runs.push(r);
                    }
                }
            }
            set_rows.push(SetLine { runs, rules: Vec::new(), fills: Vec::new(), height, frame: frame.clone() });
        }
        if ri == 0 {
            header_height = set_rows[0].height;
        }
    }
    let header = set_rows.remove(0);
    out.push(Entry::Lines {
        lines: set_rows,
        keep_with_next: false,
        breakable: true,
        table_header: Some(Box::new(header)),
    });
    let cells = (sized.rows.iter().zip(&sized.lines))
        .map(|(row, broken)| {
            row.iter()
                .zip(broken)
                .map(|(cell, lines)| SetCell {
                    items: cell.items.clone(),
                    lines: lines.iter().map(|&(s, e, _)| (s, e)).collect(),
                })
                .collect()
        })
        .collect();
    Some(TableSet {
        content: sized.content,
        pad: sized.pad,
        right_pad: RIGHT_PAD,
        decimal_at: sized.decimal_at,
        cells,
        squeezed: sized.squeezed,
    })
}

#[cfg(test)]
mod tests {
    use super::{Cell, Item, cell_breaks};
    use crate::doc::Align;

    /// A cell of `s`, ideographs and marks an em of 16 pt, the rest half, a
    /// space of no width for U+200B's stand-in `_`.
    fn cell(s: &str, squeeze: (bool, bool)) -> Cell {
        let items = s
            .chars()
            .map(|c| {
                let (ch, width) = match c {
                    '_' => (' ', 0.0),
                    c if c.is_ascii() => (c, 8.0),
                    c => (c, 16.0),
                };
                Item { ch, face: 0, gid: 0, size: 16.0, fake_bold: false, advance: width, width }
            })
            .collect();
        Cell::new(items, Align::Left, squeeze)
    }

    /// A cell breaks between words where that takes no more lines, and
    /// anywhere it may when a word kept whole would take another line.
    #[test]
    fn a_cell_breaks_between_words_where_it_costs_no_line() {
        let text = |c: &Cell, lines: Vec<(usize, usize, f32)>| -> Vec<String> {
            lines.iter().map(|&(s, e, _)| c.items[s..e].iter().map(|i| i.ch).collect()).collect()
        };
        let c = cell("签约贫困人口", (false, false));
        // Four characters a line: the first fit breaks the word, the cell keeps it.
        assert_eq!(text(&c, c.lines(64.0, &c.allowed)), ["签约贫困", "人口"]);
        assert_eq!(text(&c, c.balanced(64.0)), ["签约", "贫困人口"]);
        let c = cell("城乡居民健康档案电子建档率", (false, false));
        assert_eq!(text(&c, c.balanced(80.0)), ["城乡居民", "健康档案", "电子建档率"]);
        // Three characters a line: kept whole, 贫困人口 would take a third
        // line; the row's height wins.
        let c = cell("签约贫困人口", (false, false));
        assert_eq!(text(&c, c.balanced(48.0)), ["签约贫", "困人口"]);
    }

    /// First-fit breaking measures with prefix sums; they agree with measuring
    /// each line afresh, for every line of every text, pair compression,
    /// trailing and zero-width spaces, and squeezed ends included.
    #[test]
    fn prefix_sums_measure_lines_as_set() {
        for text in [
            "“健康浙江”“健康金华”（夏店镇）。在",
            "《纲要》《健康》、 2018 年 ",
            "_（_（甲）)乙 ",
            "   ",
            "签约率66.2%，投入338.3万元",
        ] {
            for squeeze in [(false, false), (true, true)] {
                let c = cell(text, squeeze);
                let n = c.items.len();
                for s in 0..n {
                    for e in s + 1..=n {
                        let exact = c.width(s, e);
                        for m in [exact - 0.02, exact, exact + 0.005] {
                            assert_eq!(c.fits(s, e, m), exact <= m + 0.01, "{text:?} {s}..{e} in {m}");
                        }
                    }
                }
            }
        }
    }

    /// The pieces a cell may be broken into.
    fn pieces(s: &str) -> Vec<String> {
        let chars: Vec<char> = s.chars().collect();
        let allowed = cell_breaks(&chars);
        let mut out = vec![String::new()];
        for (i, c) in chars.iter().enumerate() {
            out.last_mut().unwrap().push(*c);
            if allowed[i] && i + 1 < chars.len() {
                out.push(String::new());
            }
        }
        out
    }

    #[test]
    fn numbers_keep_their_units() {
        assert_eq!(pieces("1022.457万元"), ["1022.457万元"]);
        assert_eq!(pieces("800元/月"), ["800元/月"]);
        assert_eq!(pieces("增长40.3%"), ["增长", "40.3%"]);
        assert_eq!(pieces("提高20.9个百分点"), ["提高", "20.9个", "百分点"]);
        assert_eq!(pieces("超额完成（110.3%）"), ["超额", "完成", "（110.3%）"]);
    }

    #[test]
    fn a_unit_in_brackets_stays_whole() {
        assert_eq!(pieces("建设规模（平方米）"), ["建设", "规模", "（平方米）"]);
        assert_eq!(pieces("总投资（万元）"), ["总投资", "（万元）"]);
        // A longer aside in brackets may break.
        assert!(pieces("项目（含配套设施建设）").len() > 2);
    }

    #[test]
    fn no_han_character_alone() {
        assert_eq!(pieces("年度目标"), ["年度", "目标"]);
        assert_eq!(pieces("目标值"), ["目标值"]);
        assert_eq!(pieces("2016年"), ["2016年"]);
        // A name may break anywhere but leaves neither end's character alone.
        let p = pieces("城乡居民健康档案电子建档率");
        assert_eq!((p[0].as_str(), p[p.len() - 1].as_str()), ("城乡", "档率"), "{p:?}");
    }
}
