//! Line breaking for Chinese text: where a line may end (UAX #14 opportunities
//! narrowed by the clreq / GB/T 15834 prohibitions), and how a paragraph's
//! characters are broken into lines of a given measure: adjacent marks
//! compressed (clreq), then a character pushed to the next line, the space left
//! spread between characters but never inside a Latin or figure run.

/// May not start a line (clreq; GB/T 15834), plus their half-width forms.
pub const NO_LINE_START: &str = "、，。．：；！？”’」』）】〗〕］｝》〉%‰℃·…—,.;:?!)]}>";
/// May not end a line.
pub const NO_LINE_END: &str = "“‘「『（【〖〔［｛《〈([{<";
/// Closing marks (clreq: closing brackets and the pause and stop marks), whose
/// glyph sits in the left half of the em: the right half is blank.
const CLOSING: &str = "、，。．：；！？”’」』）】〗〕］｝》〉";
/// Opening marks, whose glyph sits in the right half of the em.
const OPENING: &str = "“‘「『（【〖〔［｛《〈";

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
        // UAX #14 gives “”‘’ no side (class QU: no break on either side, as
        // for Western quotes); in Chinese they open and close like brackets
        // (clreq), so a line may end before “ and after ” (加快／“腾笼换鸟”),
        // within the prohibitions below.
        if matches!(b, '“' | '‘') || matches!(a, '”' | '’') {
            allowed[i] = true;
        }
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
    for (start, end) in urls(text) {
        for (k, allow) in allowed[start..end - 1].iter_mut().enumerate() {
            *allow = url_break(&text[start..end], k);
        }
    }
    if let Some(last) = allowed.last_mut() {
        *last = true;
    }
    allowed
}

/// The web addresses in `text` (`https://…`, `http://…`, `www.…`) as index
/// ranges: up to the first character that is not printable ASCII, or a
/// trailing `.`, `,` or `)` that ends the sentence rather than the address.
fn urls(text: &[char]) -> Vec<(usize, usize)> {
    let starts_at = |i: usize, p: &str| p.chars().enumerate().all(|(k, c)| text.get(i + k) == Some(&c));
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let fresh = i == 0 || !text[i - 1].is_ascii_alphanumeric();
        if fresh && ["https://", "http://", "www."].iter().any(|p| starts_at(i, p)) {
            let mut end = i;
            while end < text.len() && text[end].is_ascii_graphic() {
                end += 1;
            }
            while end > i && matches!(text[end - 1], '.' | ',' | ')' | ';' | ':') {
                end -= 1;
            }
            out.push((i, end));
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

/// Whether a line may end after character `i` of the web address `url`:
/// after `//`, before a single `/`, before or after `=` and `&` (as the Chicago
/// Manual of Style, 7.42, has it), and after `.`, `,`, `-`, `_`, `~`, `?` and
/// `#`, which it puts at the start of the next line: no line may start with a
/// stop, comma or question mark, half-width ones included ([`NO_LINE_START`]).
/// Nowhere else: not inside a word, nor inside `://`.
fn url_break(url: &[char], i: usize) -> bool {
    let (a, b) = (url[i], url[i + 1]);
    let after_double_slash = a == '/' && i > 0 && url[i - 1] == '/';
    let before_single_slash = b == '/' && a != '/' && a != ':' && url.get(i + 2) != Some(&'/');
    after_double_slash
        || before_single_slash
        || matches!(a, '.' | ',' | '-' | '_' | '~' | '?' | '#' | '=' | '&')
        || matches!(b, '=' | '&')
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

/// A closing mark ([`CLOSING`]): its blank half is on its right.
pub fn closing(c: char) -> bool {
    mark_in(CLOSING, c)
}

/// An opening mark ([`OPENING`]): its blank half is on its left.
pub fn opening(c: char) -> bool {
    mark_in(OPENING, c)
}

/// What compression of adjacent punctuation (clreq 3.1.6) takes from the pair
/// `a` `b` (of widths `wa`, `wb`) set side by side on one line: a closing mark
/// followed by a closing or an opening mark gives up its blank right half; an
/// opening mark after an opening mark gives up its blank left half. Returns
/// (taken after `a`, taken before `b`); at most one is not zero.
pub fn pair_cut(a: char, b: char, wa: f32, wb: f32) -> (f32, f32) {
    if closing(a) && (closing(b) || opening(b)) {
        (wa / 2.0, 0.0)
    } else if opening(a) && opening(b) {
        (0.0, wb / 2.0)
    } else {
        (0.0, 0.0)
    }
}

/// Whether the justification may add space between `a` and `b`: anywhere but
/// inside a run of Latin letters, figures and their signs (`2018`, `66.2%`,
/// `CT`), which keep their own widths (layout.md), and but after white space
/// (a space is one place, not two; one of no width beside a mark, none).
pub fn justifiable(a: char, b: char) -> bool {
    !(a.is_whitespace() || latin(a) && latin(b))
}

/// A character of a Latin or figure run: any ASCII character but the space.
fn latin(c: char) -> bool {
    c.is_ascii_graphic()
}

/// What compression of adjacent punctuation takes before item `i` of `line`
/// (see [`pair_cut`]), from the pair it makes with the character before it,
/// a space of no width between them aside (see `shape`).
pub fn cut_before(line: &[char], widths: &[f32], i: usize) -> f32 {
    let Some(j) = (0..i).rev().find(|&j| !(line[j].is_whitespace() && widths[j] == 0.0)) else { return 0.0 };
    let (a, b) = pair_cut(line[j], line[i], widths[j], widths[i]);
    a + b
}

/// The natural width of `line` set on one line: each character's width less
/// what compression of adjacent punctuation takes (see [`cut_before`]).
pub fn set_width(line: &[char], widths: &[f32]) -> f32 {
    let n = visible_len(line);
    let cut: f32 = (1..n).map(|i| cut_before(line, widths, i)).sum();
    widths[..n].iter().sum::<f32>() - cut
}

/// Whether `c` may not start a line ([`NO_LINE_START`]).
pub fn no_line_start(c: char) -> bool {
    mark_in(NO_LINE_START, c)
}

/// Whether `c` may not end a line ([`NO_LINE_END`]).
pub fn no_line_end(c: char) -> bool {
    mark_in(NO_LINE_END, c)
}

/// Whether `c` is one of the marks `set` lists. Han characters, figures and
/// Latin letters are never marks, so the list is not searched for most of a
/// report's characters (a search of a `&str` for a Han character is slow: its
/// UTF-8 bytes recur in every mark's).
fn mark_in(set: &str, c: char) -> bool {
    !(ideograph(c) || c.is_ascii_alphanumeric()) && set.contains(c)
}

/// A CJK ideograph.
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

/// One line chosen by [`break_lines`]: items `start..end`, and the space left
/// over (or, for a line that cannot be set in the measure at all, missing) once
/// its adjacent marks are compressed, to spread between its characters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LineSpan {
    pub start: usize,
    pub end: usize,
    /// Surplus to distribute between characters (negative only for a line that
    /// overflows because nothing shorter could be set there).
    pub surplus: f32,
    /// The first line of the paragraph (indented).
    pub first: bool,
    /// The paragraph's last line (not justified).
    pub last: bool,
}

/// Characters that sit on the character grid (Han, full-width marks, Chinese
/// quotes and dashes); a line of only these shows any deviation from 28 per line.
pub fn on_grid(c: char) -> bool {
    ideograph(c)
        || matches!(c as u32, 0x3000..=0x303F | 0xFF00..=0xFFEF)
        || matches!(c, '“' | '”' | '‘' | '’' | '—' | '…' | '·')
}

/// Whether every character of `line` is on the grid, white space aside (it is
/// not drawn: a line with a space typed next to a mark still reads as grid text).
pub fn grid_text(line: &[char]) -> bool {
    line.iter().all(|&c| on_grid(c) || c.is_whitespace())
}

/// Extra space between two characters, in points, above which a justified
/// line reads as loose (the grid's even colour is lost).
pub const LOOSE_PT: f32 = 0.9;

/// Space taken between two characters, in points, at most, to set a line that
/// is not on the grid a character longer (about 1/26 em: not seen).
pub const TIGHT_PT: f32 = 0.7;

/// A paragraph's items as the breakers see them; `unit` is the widest item.
/// What [`each_line`] asks of each item, from every line start, is worked out
/// once: the compression of the pair it makes with the visible character
/// before it ([`cut_before`]: `cut`, and that character's index, `prev`),
/// whether space may be added before it ([`justifiable`]) and whether it sits
/// on the grid ([`on_grid`]).
struct Items<'a> {
    chars: &'a [char],
    widths: &'a [f32],
    allowed: &'a [bool],
    unit: f32,
    cut: Vec<f32>,
    prev: Vec<Option<usize>>,
    justifiable: Vec<bool>,
    on_grid: Vec<bool>,
}

impl<'a> Items<'a> {
    fn new(chars: &'a [char], widths: &'a [f32], allowed: &'a [bool]) -> Items<'a> {
        let n = widths.len();
        let unit = widths.iter().copied().fold(0.0, f32::max).max(1.0);
        let (mut cut, mut prev) = (vec![0.0; n], vec![None; n]);
        let mut last = None;
        for i in 0..n {
            if let Some(j) = last {
                let (a, b) = pair_cut(chars[j], chars[i], widths[j], widths[i]);
                (cut[i], prev[i]) = (a + b, Some(j));
            }
            if !(chars[i].is_whitespace() && widths[i] == 0.0) {
                last = Some(i);
            }
        }
        let justifiable = (0..n).map(|i| i > 0 && justifiable(chars[i - 1], chars[i])).collect();
        let on_grid = chars[..n].iter().map(|&c| on_grid(c)).collect();
        Items { chars, widths, allowed, unit, cut, prev, justifiable, on_grid }
    }

    /// [`cut_before`] item `i` on a line that starts at item `s`.
    fn cut_before(&self, s: usize, i: usize) -> f32 {
        if self.prev[i].is_some_and(|j| j >= s) { self.cut[i] } else { 0.0 }
    }
}

/// Whether a full line shows against the character grid: an all-grid line
/// (after the first) that neither holds the grid's number of characters
/// (`cells`) nor fills the measure but for a quarter of a cell (once its
/// adjacent marks are compressed, 29 characters with two compressed marks are
/// 28 cells).
fn shows(grid_only: bool, first: bool, count: usize, cells: usize, surplus: f32, unit: f32) -> bool {
    grid_only && !first && count != cells && surplus.abs() > 0.25 * unit + 0.01
}

/// Every line the breakers may set from item `s` in `avail` points: calls
/// `line(end, cost, surplus)` for each allowed end. A line is measured with its
/// adjacent marks compressed (clreq); what is left over is spread between its
/// characters (not inside Latin runs). It costs little when the space between
/// characters stays small, a lot when it exceeds [`LOOSE_PT`], and more again
/// where it shows against the grid (see [`shows`]). A line may also be set
/// tighter by up to [`TIGHT_PT`] between characters, at a small cost where the
/// grid does not show it (the indented first line, a line with Latin letters
/// or figures), as one that shows elsewhere. A
/// line looser than `max_loose` points between characters (the paragraph's
/// last aside), or that does not fit, is not offered.
fn each_line(items: &Items, s: usize, avail: f32, max_loose: f32, mut line: impl FnMut(usize, f32, f32)) {
    const EPS: f32 = 0.01;
    let Items { chars, widths, allowed, unit, .. } = *items;
    let n = widths.len();
    let cells = (avail / unit).round() as usize;
    // Width up to the last visible character, with the pairs in it compressed.
    let mut w = 0.0;
    let mut pending_space = 0.0;
    let mut grid_only = true;
    // Places where justification may add space, up to the current character;
    // visible characters so far.
    let (mut gaps_running, mut gaps, mut count) = (0usize, 0usize, 0usize);
    for e in s + 1..=n {
        let i = e - 1;
        if i > s && items.justifiable[i] {
            gaps_running += 1;
        }
        if chars[i].is_whitespace() {
            pending_space += widths[i];
        } else {
            w += pending_space + widths[i] - items.cut_before(s, i);
            grid_only &= items.on_grid[i];
            pending_space = 0.0;
            gaps = gaps_running;
            count += 1;
        }
        let over = w - avail;
        if over > gaps as f32 * TIGHT_PT + EPS {
            break;
        }
        if !allowed[i] {
            continue;
        }
        let last = e == n;
        let surplus = -over;
        let per_gap = surplus / gaps.max(1) as f32;
        let shown = shows(grid_only, s == 0, count, cells, surplus, unit);
        // More characters than the grid's cells, thanks to compressed pairs:
        // fine, but a word processor that does not compress them (LibreOffice)
        // can only match it by squeezing the line, so a line of the grid's
        // count, a little looser, is preferred.
        let crowded = if grid_only && count > cells { 20.0 } else { 0.0 };
        let cost = if over > EPS {
            // Tighter, never the last line; better where the grid does not show it.
            if last {
                continue;
            }
            5.0 + crowded + (per_gap / TIGHT_PT).powi(2) * 10.0 + if shown { 1000.0 } else { 0.0 }
        } else if last {
            0.0
        } else if per_gap > max_loose + EPS {
            continue;
        } else {
            // A loose line is worse than any number that show against the grid.
            let badness = if per_gap > LOOSE_PT {
                100_000.0 + 1000.0 * per_gap / LOOSE_PT
            } else {
                (per_gap / LOOSE_PT).powi(2) * 10.0
            };
            badness + crowded + if shown { 1000.0 } else { 0.0 }
        };
        line(e, cost, surplus);
    }
}

/// Break items of `widths` into lines of `measure` points, the first line indented
/// by `indent`. `chars[i]` is item i's character, `allowed[i]` whether a line
/// may end after item i.
///
/// Lines are chosen for the whole paragraph at once (a shortest path over the
/// break opportunities), each measured with its adjacent marks compressed. A
/// line ending at a natural fit costs almost nothing; where a mark that may not
/// start a line would, a character is pushed down with it, and the space that
/// leaves is steered onto lines where it shows least: the indented first line,
/// a line with Latin letters or figures (whose widths differ anyway), a line
/// with many characters to spread it over. A line never exceeds the measure.
pub fn break_lines(chars: &[char], widths: &[f32], allowed: &[bool], measure: f32, indent: f32) -> Vec<LineSpan> {
    const EPS: f32 = 0.01;
    let n = widths.len();
    if n == 0 {
        return Vec::new();
    }
    let items = Items::new(chars, widths, allowed);
    // best[i]: (cost, previous break, surplus) of the best way to set items 0..i.
    let mut best: Vec<Option<(f32, usize, f32)>> = vec![None; n + 1];
    best[0] = Some((0.0, 0, 0.0));
    for s in 0..n {
        let Some((base, ..)) = best[s] else { continue };
        let avail = if s == 0 { measure - indent } else { measure };
        let mut any = false;
        each_line(&items, s, avail, f32::INFINITY, |e, cost, surplus| {
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
            let set = set_width(&chars[s..e], &widths[s..e]);
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

/// The fewest characters a heading's last line may hold (closing marks not
/// counted): fewer read as a word left behind (`…新局／面`).
pub const HEADING_MIN_LAST: usize = 4;

/// A heading's lines: as [`break_lines`] sets them, unless the last would hold
/// fewer than [`HEADING_MIN_LAST`] characters; then as many lines broken in
/// the narrowest measure (a character narrower at a time) that needs no more
/// and leaves no such last line (failing that, the line before the last gives
/// it characters), set flush left at their natural widths, so that the lines
/// balance. Balanced lines break where `whole` allows (between words) if they
/// can, else where `allowed` does. Returns the lines and whether they were
/// balanced.
pub fn heading_lines(
    chars: &[char],
    widths: &[f32],
    allowed: &[bool],
    whole: &[bool],
    measure: f32,
    indent: f32,
) -> (Vec<LineSpan>, bool) {
    let spans = break_lines(chars, widths, allowed, measure, indent);
    let unit = widths.iter().copied().fold(0.0, f32::max).max(1.0);
    let runt = |spans: &[LineSpan]| {
        spans.len() > 1
            && spans.last().is_some_and(|l| {
                chars[l.start..l.end].iter().filter(|&&c| !c.is_whitespace() && !closing(c)).count() < HEADING_MIN_LAST
            })
    };
    if !runt(&spans) {
        return (spans, false);
    }
    // Breaking between words where that balances the lines as well, else
    // anywhere a line may break.
    let balanced = |allowed: &[bool]| {
        let mut best = None;
        let mut m = measure - unit;
        while m > indent + 2.0 * unit {
            let narrower = break_lines(chars, widths, allowed, m, indent);
            if narrower.len() != spans.len() {
                break;
            }
            // A line with no break narrow enough overflows: not balanced.
            let fits = narrower.iter().all(|l| l.surplus >= -((l.end - l.start) as f32) * TIGHT_PT - 0.01);
            if fits && !runt(&narrower) {
                best = Some(narrower);
            }
            m -= unit;
        }
        best
    };
    // Failing that (a narrower measure takes another line), the line before
    // the last gives it characters, where a line may break.
    let mut lines = balanced(whole).or_else(|| balanced(allowed)).unwrap_or_else(|| {
        let mut lines = spans.clone();
        let k = lines.len() - 1;
        let end = lines[k].end;
        let want = end.saturating_sub(HEADING_MIN_LAST);
        // Breaks from the latest that leaves no runt back to the earliest the
        // last line still fits the measure from.
        let fits = |b: usize| widths[b..end].iter().sum::<f32>() <= measure + 0.01;
        let at =
            |allowed: &[bool]| (lines[k - 1].start + 1..=want).rev().take_while(|&b| fits(b)).find(|&b| allowed[b - 1]);
        if let Some(b) = at(whole).or_else(|| at(allowed)) {
            (lines[k - 1].end, lines[k].start) = (b, b);
        }
        lines
    });
    if runt(&lines) {
        return (spans, false);
    }
    lines.iter_mut().for_each(|l| l.surplus = 0.0);
    (lines, true)
}

/// How a line chosen by [`break_lines`] is justified: the space added (or, on
/// a line set tighter, taken) at each place [`justifiable`] allows between its
/// visible characters, from its surplus; none on a paragraph's last line that
/// is not [`near_full`], nor on a line that overflows because nothing shorter
/// fits there. `line` holds the line's characters, `chars[span.start..span.end]`.
pub fn justification(line: &[char], span: &LineSpan) -> f32 {
    let line = &line[..visible_len(line)];
    let gaps = line.windows(2).filter(|p| justifiable(p[0], p[1])).count();
    if gaps == 0 {
        return 0.0;
    }
    let per_gap = span.surplus / gaps as f32;
    let spread = span.surplus > 0.0 && (!span.last || span.surplus < near_full(line));
    let tighten = span.surplus < 0.0 && -per_gap <= TIGHT_PT + 0.01;
    if spread || tighten { per_gap } else { 0.0 }
}

/// A paragraph's last line short of the measure by less than this is justified
/// like the lines above it, rather than ending just short of the edge like a
/// full line left ragged: less than a grid cell for a line all on the grid (one
/// a whole cell short stays on the grid); for a line with figures or Latin
/// letters, which cannot end on the grid anyway, up to a cell and a quarter.
pub fn near_full(line: &[char]) -> f32 {
    let cell = super::grid::CHAR_PITCH;
    if grid_text(line) { cell - 0.5 } else { 1.25 * cell }
}

/// The x position of each visible character of a line starting at `x0` (see
/// [`visible_len`]): adjacent marks compressed ([`pair_cut`]: a mark giving up
/// its left half is drawn half an em early), and `gap` added wherever
/// [`justifiable`] allows (see [`justification`]). The line ends at the last
/// position plus the last width.
pub fn positions(x0: f32, line: &[char], widths: &[f32], gap: f32) -> Vec<f32> {
    let line = &line[..visible_len(line)];
    let mut out = Vec::with_capacity(line.len());
    let mut x = x0;
    for i in 0..line.len() {
        x -= cut_before(line, widths, i);
        out.push(x);
        x += widths[i];
        if i + 1 < line.len() && justifiable(line[i], line[i + 1]) {
            x += gap;
        }
    }
    out
}

/// Most lines [`break_lines_exact`] sets a paragraph in: its work and memory
/// grow with lines × characters, and a paragraph of two pages or more gains
/// nothing from a line more or less.
pub const MAX_EXACT_LINES: usize = 2 * super::grid::LINES;

/// Like [`break_lines`] but into exactly `count` lines (at most
/// [`MAX_EXACT_LINES`]), when that can be done without a loose line (over
/// [`LOOSE_PT`] between characters): how pagination lengthens a paragraph by a
/// line to fill a page instead of leaving a widow or a gap.
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
    let items = Items::new(chars, widths, allowed);
    // best[k][i]: cost, previous break and surplus of setting items 0..i in k lines.
    let mut best: Vec<Vec<Option<(f32, usize, f32)>>> = vec![vec![None; n + 1]; count + 1];
    best[0][0] = Some((0.0, 0, 0.0));
    for k in 0..count {
        for s in 0..n {
            let Some((base, ..)) = best[k][s] else { continue };
            let avail = if s == 0 { measure - indent } else { measure };
            each_line(&items, s, avail, LOOSE_PT, |e, cost, surplus| {
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

/// How many lines of `spans` (set in `measure`) show an adjustment against the
/// grid: all-grid full lines after the first that neither hold the grid's
/// number of characters nor fill the measure (see [`shows`]).
pub fn uneven_lines(chars: &[char], widths: &[f32], spans: &[LineSpan], measure: f32) -> usize {
    let unit = widths.iter().copied().fold(0.0, f32::max).max(1.0);
    let cells = (measure / unit).round() as usize;
    spans
        .iter()
        .filter(|s| {
            let line = &chars[s.start..s.end];
            let grid_only = grid_text(line);
            let count = line[..visible_len(line)].iter().filter(|c| !c.is_whitespace()).count();
            !s.last && shows(grid_only, s.first, count, cells, s.surplus, unit)
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_web_address_breaks_between_its_parts_and_no_line_starts_with_a_stop() {
        let text: Vec<char> = "平台（https://jk.yicheng.gov.cn/a/b?x=1&y=2），接入".chars().collect();
        let allowed = break_after(&text);
        // Each allowed break, shown as the text up to it.
        let ends: Vec<String> = (0..text.len()).filter(|&i| allowed[i]).map(|i| text[..=i].iter().collect()).collect();
        let ends: Vec<&str> = ends.iter().map(|e| e.trim_start_matches("平台（")).collect();
        assert_eq!(
            ends,
            [
                "平",
                "平台",
                "https://",
                "https://jk.",
                "https://jk.yicheng.",
                "https://jk.yicheng.gov.",
                "https://jk.yicheng.gov.cn",
                "https://jk.yicheng.gov.cn/a",
                "https://jk.yicheng.gov.cn/a/b?",
                "https://jk.yicheng.gov.cn/a/b?x",
                "https://jk.yicheng.gov.cn/a/b?x=",
                "https://jk.yicheng.gov.cn/a/b?x=1",
                "https://jk.yicheng.gov.cn/a/b?x=1&",
                "https://jk.yicheng.gov.cn/a/b?x=1&y",
                "https://jk.yicheng.gov.cn/a/b?x=1&y=",
                "https://jk.yicheng.gov.cn/a/b?x=1&y=2），",
                "https://jk.yicheng.gov.cn/a/b?x=1&y=2），接",
                "https://jk.yicheng.gov.cn/a/b?x=1&y=2），接入",
            ]
        );
    }

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
        assert!(a[at("，")], "before an opening quote");
        assert!(!a[at("”")], "before a dash after a closing quote");
        // Chinese quotes open and close like brackets (UAX #14 allows no
        // break on either side of them).
        let t = chars("加快“腾笼换鸟”二是‘好’。");
        let a = break_after(&t);
        let at = |c: &str| t.iter().position(|x| x.to_string() == c).unwrap();
        assert!(a[at("快")] && a[at("”")] && a[at("是")], "before “ and ‘, after ”");
        assert!(!a[at("“")] && !a[at("鸟")], "not after “ nor before ”");
        assert!(!a[at("’")], "not before 。");
    }

    #[test]
    fn adjacent_marks_are_compressed() {
        // Widths of 10: a closing mark before a closing or opening mark, and an
        // opening mark after an opening mark, give up half their em.
        let t = chars("甲”；乙");
        assert_eq!(pair_cut('”', '；', 10.0, 10.0), (5.0, 0.0));
        assert_eq!(pair_cut('》', '《', 10.0, 10.0), (5.0, 0.0));
        assert_eq!(pair_cut('（', '“', 10.0, 10.0), (0.0, 5.0));
        assert_eq!(pair_cut('，', '甲', 10.0, 10.0), (0.0, 0.0));
        assert_eq!(pair_cut('“', '甲', 10.0, 10.0), (0.0, 0.0));
        assert_eq!(set_width(&t, &[10.0; 4]), 35.0);
        // A mark after an opening one is drawn half an em early.
        let t = chars("甲（“乙");
        assert_eq!(positions(0.0, &t, &[10.0; 4], 0.0), [0.0, 10.0, 15.0, 25.0]);
        // The compressed pair lets a line hold a character more.
        let t = chars("甲乙”，丙");
        let l = break_lines(&t, &[10.0; 5], &break_after(&t), 45.0, 0.0);
        assert_eq!((l[0].start, l[0].end, l[0].surplus), (0, 5, 0.0));
    }

    #[test]
    fn a_mark_that_may_not_start_a_line_pushes_a_character_down() {
        // 5 ideographs of width 10 in a measure of 40, the 5th a comma: no
        // mark is squeezed, the 4th character goes down with the comma.
        let t = chars("甲乙丙丁，戊己");
        let l = break_lines(&t, &[10.0; 7], &break_after(&t), 40.0, 0.0);
        assert_eq!((l[0].start, l[0].end), (0, 3), "pushed");
        assert_eq!(l[0].surplus, 10.0);
        // A lone mark inside a line keeps its em: the line is not squeezed to
        // fit, however close it comes.
        // 甲，丙丁 fits in 45 but 。 may not start a line: 丁 goes down with it.
        let t = chars("甲，丙丁。");
        let l = break_lines(&t, &[10.0; 5], &break_after(&t), 45.0, 0.0);
        assert_eq!((l[0].start, l[0].end), (0, 3), "{l:?}");
        assert!(l.iter().all(|l| l.surplus >= 0.0));
        let xs = positions(0.0, &t[..3], &[10.0; 3], justification(&t[..3], &l[0]));
        assert!(xs[2] - xs[1] >= 10.0, "the comma keeps its em: {xs:?}");
    }

    #[test]
    fn a_heading_never_ends_in_a_runt() {
        // 30 ideographs in a measure of 28: broken 28 + 2, the heading is
        // balanced instead, 15 + 15, each line at its natural width.
        let t: Vec<char> = "甲乙丙丁戊己庚辛壬癸".repeat(3).chars().collect();
        let w = vec![10.0; t.len()];
        let (l, balanced) = heading_lines(&t, &w, &break_after(&t), &break_after(&t), 280.0, 0.0);
        assert!(balanced);
        assert_eq!(l.iter().map(|l| l.end - l.start).collect::<Vec<_>>(), [15, 15]);
        assert!(l.iter().all(|l| justification(&t[l.start..l.end], l) == 0.0));
        // A last line of four characters is left as the breaker set it.
        let (l, balanced) = heading_lines(&t, &w, &break_after(&t), &break_after(&t), 260.0, 0.0);
        assert!(!balanced, "{l:?}");
        assert_eq!(l.iter().map(|l| l.end - l.start).collect::<Vec<_>>(), [26, 4]);
        // Balanced between words where it can be: a word boundary after the
        // 13th and the 20th character only, the lines break after the 13th.
        let mut whole = vec![false; t.len()];
        (whole[12], whole[19], whole[29]) = (true, true, true);
        let (l, balanced) = heading_lines(&t, &w, &break_after(&t), &whole, 280.0, 0.0);
        assert!(balanced);
        assert_eq!(l.iter().map(|l| l.end - l.start).collect::<Vec<_>>(), [13, 17]);
        // No boundary leaves a last line that is not a runt: anywhere, 15 + 15.
        let mut whole = vec![false; t.len()];
        (whole[27], whole[29]) = (true, true);
        let (l, _) = heading_lines(&t, &w, &break_after(&t), &whole, 280.0, 0.0);
        assert_eq!(l.iter().map(|l| l.end - l.start).collect::<Vec<_>>(), [15, 15]);
    }

    #[test]
    fn a_heading_given_characters_from_the_line_before_still_fits() {
        // 71 ideographs, 10 a line after an indent of 2: 8 + 6 × 10 + 3, and
        // no narrower measure keeps eight lines, so the seventh line gives the
        // last characters. The only word boundary there is after the 60th,
        // which would make the last line 11 long, over the measure: the break
        // is made where a line may break, as late as leaves no runt (found by
        // the property test no_heading_ends_in_a_runt).
        let t: Vec<char> = "甲乙丙丁戊己庚辛壬癸".repeat(8).chars().take(71).collect();
        let w = vec![10.0; t.len()];
        let mut whole = vec![false; t.len()];
        (whole[59], whole[70]) = (true, true);
        let (l, _) = heading_lines(&t, &w, &break_after(&t), &whole, 100.0, 20.0);
        assert_eq!(l.iter().map(|l| l.end - l.start).collect::<Vec<_>>(), [8, 10, 10, 10, 10, 10, 9, 4]);
    }

    #[test]
    fn figures_keep_their_widths() {
        // The surplus goes between the ideographs and at the figures' sides,
        // never between the figures of 2018.
        let t = chars("甲2018乙丙");
        let w = [10.0, 5.0, 5.0, 5.0, 5.0, 10.0, 10.0];
        let span = LineSpan { start: 0, end: 7, surplus: 6.0, first: false, last: false };
        let gap = justification(&t, &span);
        assert_eq!(gap, 2.0, "three places: 甲|2, 8|乙, 乙|丙");
        let xs = positions(0.0, &t, &w, gap);
        assert_eq!(xs, [0.0, 12.0, 17.0, 22.0, 27.0, 34.0, 46.0]);
        assert_eq!(xs[6] + w[6], 56.0, "ends at the measure");
    }

    #[test]
    fn exact_line_counts() {
        // 83 ideographs of 16 pt in a measure of 28: three natural lines
        // (28 + 28 + 27), or four with lines of 27 (0.6 pt between characters:
        // not loose), never two.
        let t: Vec<char> = "甲乙丙丁戊己庚辛壬癸".repeat(9).chars().take(83).collect();
        let w = vec![16.0; t.len()];
        let a = break_after(&t);
        let m = 28.0 * 16.0;
        assert_eq!(break_lines(&t, &w, &a, m, 0.0).len(), 3);
        let four = break_lines_exact(&t, &w, &a, m, 0.0, 4).expect("four lines");
        assert_eq!(four.len(), 4);
        assert!(four.iter().all(|l| (1..=28).contains(&(l.end - l.start))), "{four:?}");
        assert!(break_lines_exact(&t, &w, &a, m, 0.0, 2).is_none());
    }
}
