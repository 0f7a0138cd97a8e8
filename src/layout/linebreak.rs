//! Line breaking for Chinese text: where a line may end (UAX #14 opportunities
//! narrowed by the clreq / GB/T 15834 prohibitions), and how a paragraph's
//! characters are broken into lines of a given measure: squeeze first, then push.

/// May not start a line (clreq; GB/T 15834), plus their half-width forms.
pub const NO_LINE_START: &str = "、，。．：；！？”’」』）】〗〕］｝》〉%‰℃·…—,.;:?!)]}>";
/// May not end a line.
pub const NO_LINE_END: &str = "“‘「『（【〖〔［｛《〈([{<";
/// Full-width marks whose glyph sits in the left half of the em: they can give up
/// half an em of space after them when a line must be squeezed.
const SQUEEZABLE: &str = "、，。．：；！？”’」』）】〗〕］｝》〉";

/// Whether a line may break after each character of `text` (the last entry is
/// always `true`: the paragraph ends there).
pub fn break_after(text: &[char]) -> Vec<bool> {
    let s: String = text.iter().collect();
    let mut allowed = vec![false; text.len()];
    // Each char's byte offset, to turn the opportunities' offsets into char indices.
    let starts: Vec<usize> = s.char_indices().map(|(b, _)| b).collect();
    for (bi, _) in unicode_linebreak::linebreaks(&s) {
        if let Ok(ci) = starts.binary_search(&bi)
            && ci > 0
        {
            allowed[ci - 1] = true;
        }
    }
    for i in 0..text.len().saturating_sub(1) {
        let (a, b) = (text[i], text[i + 1]);
        if no_line_start(b) || no_line_end(a) {
            allowed[i] = false;
        }
        // A number stays with its unit or sign (`338.3万元`, `60㎡`, `2018年`) and
        // with a Latin word it is part of.
        if (a.is_ascii_digit() || a == '.') && (is_unit(b) || b.is_ascii_alphanumeric() || b == '.') {
            allowed[i] = false;
        }
        // A compound unit after a number is one unit: `338.3万元`, `15亿人`.
        if matches!(a, '万' | '亿' | '千' | '百') && is_unit(b) && i > 0 && text[i - 1].is_ascii_digit() {
            allowed[i] = false;
        }
        if a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric() {
            allowed[i] = false;
        }
    }
    if let Some(last) = allowed.last_mut() {
        *last = true;
    }
    allowed
}

/// A character directly after a number that belongs to it.
pub fn is_unit(c: char) -> bool {
    matches!(
        c,
        '%' | '‰'
            | '℃'
            | '㎡'
            | '万'
            | '亿'
            | '千'
            | '百'
            | '元'
            | '年'
            | '月'
            | '日'
            | '个'
            | '岁'
            | '人'
            | '名'
            | '项'
            | '家'
            | '所'
            | '次'
            | '例'
            | '张'
            | '床'
            | '台'
            | '户'
            | '天'
            | '倍'
            | '种'
            | '支'
            | '件'
            | '批'
            | '处'
    ) || ('\u{3371}'..='\u{33DF}').contains(&c)
}

/// Whether `c` may give up half an em when a line is squeezed.
pub fn squeezable(c: char) -> bool {
    !ideograph(c) && SQUEEZABLE.contains(c)
}

/// Whether `c` may not start a line ([`NO_LINE_START`]).
pub fn no_line_start(c: char) -> bool {
    !ideograph(c) && NO_LINE_START.contains(c)
}

/// Whether `c` may not end a line ([`NO_LINE_END`]).
pub fn no_line_end(c: char) -> bool {
    !ideograph(c) && NO_LINE_END.contains(c)
}

/// A CJK ideograph: never a mark, so the mark lists need not be searched for
/// most of a report's characters (a search of a `&str` for a Han character is
/// slow: its UTF-8 bytes recur in every mark's).
fn ideograph(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}

/// How many characters of `line` are set: all but the white space it ends with.
/// A space where a line breaks is discarded, as in any typesetter: it takes no
/// room, is not justified against and is not drawn, so the line's last visible
/// character ends at the measure.
pub fn visible_len(line: &[char]) -> usize {
    line.iter().rposition(|c| !c.is_whitespace()).map_or(0, |i| i + 1)
}

/// One line chosen by [`break_lines`]: items `start..end`, and the space to add
/// (positive) or take away by squeezing (negative) to fill the measure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LineSpan {
    pub start: usize,
    pub end: usize,
    /// Surplus to distribute: positive spreads between characters, negative is
    /// taken from squeezable marks.
    pub surplus: f32,
    /// The first line of the paragraph (indented).
    pub first: bool,
    /// The paragraph's last line (not justified).
    pub last: bool,
}

/// Characters that sit on the character grid (Han, full-width marks, Chinese
/// quotes and dashes); a line of only these shows any deviation from 28 per line.
pub fn on_grid(c: char) -> bool {
    ideograph(c) || matches!(c as u32, 0x3000..=0x303F | 0xFF00..=0xFFEF) || "“”‘’—…·".contains(c)
}

/// A paragraph's items as the breakers see them; `unit` is the widest item.
#[derive(Clone, Copy)]
struct Items<'a> {
    chars: &'a [char],
    widths: &'a [f32],
    allowed: &'a [bool],
    unit: f32,
}

/// Every line the breakers may set from item `s` in `avail` points: calls
/// `line(end, cost, surplus)` for each allowed end. A line ending at a natural
/// fit costs little, a squeezed or pushed one more, and more again where the
/// adjustment shows against the grid (an all-Han line after the first); a line
/// looser than `max_loose` (the paragraph's last aside) or overflowing more
/// than its marks can squeeze is not offered.
fn each_line(items: &Items, s: usize, avail: f32, max_loose: f32, mut line: impl FnMut(usize, f32, f32)) {
    const EPS: f32 = 0.01;
    let Items { chars, widths, allowed, unit } = *items;
    let n = widths.len();
    // Width up to the last visible character; squeeze available from the marks
    // before it (a line's last visible character is never squeezed).
    let mut w = 0.0;
    let mut pending_space = 0.0;
    let mut pending_grid = true;
    let mut squeeze_cap = 0.0;
    let mut cap_here = 0.0;
    let mut grid_only = true;
    for e in s + 1..=n {
        let i = e - 1;
        if chars[i].is_whitespace() {
            pending_space += widths[i];
            pending_grid &= on_grid(chars[i]);
        } else {
            w += pending_space + widths[i];
            grid_only &= pending_grid && on_grid(chars[i]);
            (pending_space, pending_grid) = (0.0, true);
            cap_here = squeeze_cap;
            if squeezable(chars[i]) {
                squeeze_cap += widths[i] * 0.5;
            }
        }
        let over = w - avail;
        if over > unit + EPS {
            break;
        }
        if !allowed[i] {
            continue;
        }
        let last = e == n;
        let shows = grid_only && s > 0;
        let surplus = -over;
        let cost = if over > EPS {
            if over > cap_here + EPS {
                continue;
            }
            if shows { 1000.0 } else { 30.0 }
        } else if last {
            0.0
        } else if surplus > max_loose + EPS {
            continue;
        } else if surplus + EPS < widths[e] {
            (surplus / unit).powi(2)
        } else if shows {
            1000.0 + surplus / unit * 100.0
        } else {
            10.0 + (surplus / unit).powi(2) * 20.0
        };
        line(e, cost, surplus);
    }
}

/// Break items of `widths` into lines of `measure` points, the first line indented
/// by `indent`. `chars[i]` is item i's character (for squeezing), `allowed[i]`
/// whether a line may end after item i.
///
/// Lines are chosen for the whole paragraph at once (a shortest path over the
/// break opportunities). A line ending at a natural fit costs nothing; where a
/// prohibited mark falls at a line's end the line is squeezed (full-width marks
/// give up to half an em) or the last character pushed down, and such
/// adjustments are steered onto lines where they do not show against the grid:
/// the indented first line, or a line with Latin letters or digits, whose widths
/// differ anyway. A line never exceeds the measure.
pub fn break_lines(chars: &[char], widths: &[f32], allowed: &[bool], measure: f32, indent: f32) -> Vec<LineSpan> {
    const EPS: f32 = 0.01;
    let n = widths.len();
    if n == 0 {
        return Vec::new();
    }
    let unit = widths.iter().copied().fold(0.0, f32::max).max(1.0);
    let items = Items { chars, widths, allowed, unit };
    // best[i]: (cost, previous break, surplus) of the best way to set items 0..i.
    let mut best: Vec<Option<(f32, usize, f32)>> = vec![None; n + 1];
    best[0] = Some((0.0, 0, 0.0));
    for s in 0..n {
        let Some((base, ..)) = best[s] else { continue };
        let avail = if s == 0 { measure - indent } else { measure };
        let mut any = false;
        each_line(&items, s, avail, 3.0 * unit, |e, cost, surplus| {
            any = true;
            let total = base + cost + 1.0;
            if best[e].is_none_or(|(c, ..)| total < c) {
                best[e] = Some((total, s, surplus));
            }
        });
        // Nothing fits from here: break where it overflows.
        if !any {
            let mut w = 0.0;
            let mut e = s;
            while e < n && (e == s || w + widths[e] <= avail + EPS) {
                w += widths[e];
                e += 1;
            }
            // Even then, not before a mark that may not start a line, if an
            // earlier end avoids it; in a run of such marks (a thousand “) no
            // end does, and the line is filled.
            let legal = |e: usize| e == n || !(no_line_start(chars[e]) || no_line_end(chars[e - 1]));
            if let Some(back) = (s + 1..=e).rev().find(|&b| legal(b)) {
                e = back;
            }
            let set: f32 = widths[s..s + visible_len(&chars[s..e])].iter().sum();
            let total = base + 10_000.0;
            if best[e].is_none_or(|(c, ..)| total < c) {
                best[e] = Some((total, s, avail - set));
            }
        }
    }
    let mut lines = Vec::new();
    let mut e = n;
    while e > 0 {
        let (_, s, surplus) = best[e].expect("every position reachable");
        lines.push(LineSpan { start: s, end: e, surplus, first: s == 0, last: e == n });
        e = s;
    }
    lines.reverse();
    lines
}

/// How a line chosen by [`break_lines`] is justified: the space added after each
/// character but the last (`gap`, from a positive surplus, except on a
/// paragraph's last line that is not [`near_full`]), and the space taken after
/// each squeezable mark but the last character (`squeeze`, from a negative
/// surplus). `line` holds the line's characters, `chars[span.start..span.end]`.
pub fn justification(line: &[char], span: &LineSpan) -> (f32, f32) {
    let line = &line[..visible_len(line)];
    if span.surplus < 0.0 {
        let k = line[..line.len().saturating_sub(1)].iter().filter(|&&c| squeezable(c)).count();
        (0.0, -span.surplus / k.max(1) as f32)
    } else if line.len() > 1 && (!span.last || span.surplus < near_full(line)) {
        (span.surplus / (line.len() - 1) as f32, 0.0)
    } else {
        (0.0, 0.0)
    }
}

/// A paragraph's last line short of the measure by less than this is justified
/// like the lines above it, rather than ending just short of the edge like a
/// full line left ragged: less than a grid cell for a line all on the grid (one
/// a whole cell short stays on the grid); for a line with figures or Latin
/// letters, which cannot end on the grid anyway, up to a cell and a quarter.
pub fn near_full(line: &[char]) -> f32 {
    let cell = super::grid::CHAR_PITCH;
    if line.iter().all(|&c| on_grid(c)) { cell - 0.5 } else { 1.25 * cell }
}

/// The x position of each visible character of a line starting at `x0` (see
/// [`visible_len`]), with `gap` added after every character but the last and
/// `squeeze` taken after every squeezable mark but the last (see
/// [`justification`]). The line ends at the last position plus the last width.
pub fn positions(x0: f32, line: &[char], widths: &[f32], gap: f32, squeeze: f32) -> Vec<f32> {
    let line = &line[..visible_len(line)];
    let mut out = Vec::with_capacity(line.len());
    let mut x = x0;
    for (i, (&ch, &w)) in line.iter().zip(widths).enumerate() {
        out.push(x);
        x += w;
        if i + 1 < line.len() {
            x += gap;
            if squeezable(ch) {
                x -= squeeze;
            }
        }
    }
    out
}

/// Most lines [`break_lines_exact`] sets a paragraph in: its work and memory
/// grow with lines × characters, and a paragraph of two pages or more gains
/// nothing from a line more or less.
pub const MAX_EXACT_LINES: usize = 2 * super::grid::LINES;

/// Like [`break_lines`] but into exactly `count` lines (at most
/// [`MAX_EXACT_LINES`]), when that can be done without a line looser by more
/// than a character: how pagination lengthens a paragraph by a line to fill a
/// page instead of leaving a widow or a gap.
pub fn break_lines_exact(
    chars: &[char],
    widths: &[f32],
    allowed: &[bool],
    measure: f32,
    indent: f32,
    count: usize,
) -> Option<Vec<LineSpan>> {
    let n = widths.len();
    if n == 0 || count == 0 || count > n || count > MAX_EXACT_LINES {
        return None;
    }
    let unit = widths.iter().copied().fold(0.0, f32::max).max(1.0);
    let items = Items { chars, widths, allowed, unit };
    // best[k][i]: cost, previous break and surplus of setting items 0..i in k lines.
    let mut best: Vec<Vec<Option<(f32, usize, f32)>>> = vec![vec![None; n + 1]; count + 1];
    best[0][0] = Some((0.0, 0, 0.0));
    for k in 0..count {
        for s in 0..n {
            let Some((base, ..)) = best[k][s] else { continue };
            let avail = if s == 0 { measure - indent } else { measure };
            each_line(&items, s, avail, unit, |e, cost, surplus| {
                // Only the last of the `count` lines ends the paragraph.
                if (e == n) != (k + 1 == count) {
                    return;
                }
                let total = base + cost;
                if best[k + 1][e].is_none_or(|(c, ..)| total < c) {
                    best[k + 1][e] = Some((total, s, surplus));
                }
            });
        }
    }
    best[count][n]?;
    let mut lines = Vec::new();
    let (mut k, mut e) = (count, n);
    while e > 0 {
        let (_, s, surplus) = best[k][e]?;
        lines.push(LineSpan { start: s, end: e, surplus, first: s == 0, last: e == n });
        e = s;
        k -= 1;
    }
    lines.reverse();
    Some(lines)
}

/// How many lines of `spans` show an adjustment against the grid: all-Han lines
/// after the first that were squeezed or pushed (so hold other than 28 characters).
pub fn uneven_lines(chars: &[char], widths: &[f32], spans: &[LineSpan]) -> usize {
    spans
        .iter()
        .filter(|s| {
            let all_grid = chars[s.start..s.end].iter().all(|&c| on_grid(c));
            let natural = s.surplus >= -0.01 && (s.end >= widths.len() || s.surplus + 0.01 < widths[s.end]);
            !s.first && !s.last && all_grid && !natural
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn prohibitions() {
        let t = chars("增长了338.3万元，“健康”——好……是");
        let a = break_after(&t);
        let at = |c: &str| t.iter().position(|x| x.to_string() == c).unwrap();
        assert!(!a[at("3")], "inside a number");
        assert!(!a[at("万") - 1], "between number and unit");
        assert!(!a[at("万")], "inside the compound unit 万元");
        assert!(!a[at("，") - 1], "before a comma");
        assert!(!a[at("“")], "after an opening quote");
        assert!(!a[at("—")], "inside ——");
        assert!(!a[at("…")], "inside ……");
        assert!(a[at("长")], "between ideographs");
    }

    #[test]
    fn squeeze_then_push() {
        // 5 ideographs of width 10 in a measure of 40, the 5th a comma: squeeze
        // needs a squeezable mark inside the line, so push.
        let t = chars("甲乙丙丁，");
        let w = vec![10.0; 5];
        let a = break_after(&t);
        let l = break_lines(&t, &w, &a, 40.0, 0.0);
        assert_eq!((l[0].start, l[0].end), (0, 3), "pushed");
        let t = chars("甲，丙丁。");
        let a = break_after(&t);
        let l = break_lines(&t, &w, &a, 45.0, 0.0);
        assert_eq!((l[0].start, l[0].end), (0, 5), "squeezed");
        assert!(l[0].surplus < 0.0);
    }

    #[test]
    fn a_space_where_a_line_breaks_is_discarded() {
        // Ideographs of width 10 and a space of 3 in a measure of 30: the first
        // line's three ideographs fill it, the space after them takes no room.
        let t = chars("甲乙丙 丁戊己");
        let w = [10.0, 10.0, 10.0, 3.0, 10.0, 10.0, 10.0];
        let l = break_lines(&t, &w, &break_after(&t), 30.0, 0.0);
        assert_eq!((l[0].start, l[0].end, l[0].surplus), (0, 4, 0.0));
        let line = &t[l[0].start..l[0].end];
        let (gap, squeeze) = justification(line, &l[0]);
        let xs = positions(0.0, line, &w, gap, squeeze);
        assert_eq!(xs, [0.0, 10.0, 20.0], "the space is not set");
    }

    #[test]
    fn exact_line_counts() {
        // 30 ideographs in a measure of 10: three natural lines, or four with
        // looser lines, never two.
        let t: Vec<char> = "甲乙丙丁戊己庚辛壬癸".repeat(3).chars().collect();
        let w = vec![1.0; t.len()];
        let a = break_after(&t);
        assert_eq!(break_lines(&t, &w, &a, 10.0, 0.0).len(), 3);
        let four = break_lines_exact(&t, &w, &a, 10.0, 0.0, 4).expect("four lines");
        assert_eq!(four.len(), 4);
        assert!(four.iter().all(|l| l.end - l.start <= 10 && l.end > l.start));
        assert!(break_lines_exact(&t, &w, &a, 10.0, 0.0, 2).is_none());
    }
}
