//! Setting text into lines: justified paragraphs (the line breaker's choice,
//! re-set a line longer or shorter when pagination asks), centred title lines
//! balanced or broken at their phrases, flush-left lines, and the glyph runs a
//! set line is drawn with.

use super::flow::SetLine;
use super::grid::{self, BLOCK_W};
use super::linebreak;
use super::shape::Breakable;
use super::types::{Item, PlacedGlyph, Run};

/// Turn items into runs starting at `x0`, adjacent marks compressed and `gap`
/// extra wherever justification may add space (see [`linebreak::positions`]).
/// The white space a line ends with is not drawn (see [`linebreak::visible_len`]),
/// nor a space of no width.
pub(super) fn place(items: &[Item], x0: f32, gap: f32) -> Vec<Run> {
    let chars: Vec<char> = items.iter().map(|i| i.ch).collect();
    let widths: Vec<f32> = items.iter().map(|i| i.width).collect();
    let xs = linebreak::positions(x0, &chars, &widths, gap);
    let mut runs: Vec<Run> = Vec::new();
    // A space of no width (see `shape`) is not drawn.
    for (it, x) in items.iter().zip(xs).filter(|(it, _)| !(it.ch.is_whitespace() && it.width == 0.0)) {
        let same = runs.last().is_some_and(|r| r.face == it.face && r.size == it.size && r.fake_bold == it.fake_bold);
        if !same {
            runs.push(Run { face: it.face, size: it.size, fake_bold: it.fake_bold, y: 0.0, glyphs: Vec::new() });
        }
        runs.last_mut().unwrap().glyphs.push(PlacedGlyph { gid: it.gid, ch: it.ch, x, advance: it.advance });
    }
    runs
}

/// Set a justified paragraph: first line indented by `indent`.
pub(super) fn set_paragraph(items: &[Item], indent: f32, x_left: f32, measure: f32) -> Vec<SetLine> {
    let text = Breakable::of(items);
    set_spans(items, &text, &text.lines(measure, indent), indent, x_left)
}

/// Position the lines of `items` (prepared as `text`) chosen by the line
/// breaker, justified.
pub(super) fn set_spans(
    items: &[Item],
    text: &Breakable,
    spans: &[linebreak::LineSpan],
    indent: f32,
    x_left: f32,
) -> Vec<SetLine> {
    spans
        .iter()
        .map(|s| {
            let x0 = x_left + if s.first { indent } else { 0.0 };
            let gap = linebreak::justification(&text.chars[s.start..s.end], s);
            SetLine::text(place(&items[s.start..s.end], x0, gap))
        })
        .collect()
}

/// A body paragraph kept for re-setting in a different number of lines.
#[derive(Debug, Clone)]
pub(super) struct ParaSrc {
    /// The block it sets, by index in the document.
    pub(super) block: usize,
    /// Its first characters that are a heading's number.
    pub(super) label: usize,
    pub(super) items: Vec<Item>,
    text: Breakable,
    indent: f32,
    /// Its normal setting, broken once: pagination asks for it again and again.
    normal: Vec<linebreak::LineSpan>,
    /// Lines in its normal setting.
    lines: usize,
    /// Of those, all-Han lines after the first, and how many of them are uneven.
    pub(super) grid_lines: usize,
    pub(super) uneven: usize,
}

impl ParaSrc {
    pub(super) fn new(block: usize, label: usize, items: Vec<Item>, indent: f32) -> (ParaSrc, Vec<SetLine>) {
        let text = Breakable::of(&items);
        let spans = text.lines(BLOCK_W, indent);
        let grid_lines =
            spans.iter().filter(|s| !s.first && !s.last && linebreak::grid_text(&text.chars[s.start..s.end])).count();
        let uneven = text.uneven(&spans, BLOCK_W);
        let set = set_spans(&items, &text, &spans, indent, grid::left());
        (ParaSrc { block, label, lines: set.len(), items, text, indent, normal: spans, grid_lines, uneven }, set)
    }

    /// The paragraph set in `extra` more lines than normal, if it can be done
    /// without a loose line, and how many more all-Han lines that leaves uneven.
    pub(super) fn lengthened(&self, extra: isize) -> Option<(Vec<SetLine>, usize)> {
        let spans = self.spans(Some(extra))?;
        let uneven = self.text.uneven(&spans, BLOCK_W).saturating_sub(self.uneven);
        Some((set_spans(&self.items, &self.text, &spans, self.indent, grid::left()), uneven))
    }

    /// The paragraph's lines in its normal setting (`None`), or in exactly
    /// `extra` more lines than that if it can be done without a loose line.
    pub(super) fn spans(&self, extra: Option<isize>) -> Option<Vec<linebreak::LineSpan>> {
        let Some(extra) = extra else { return Some(self.normal.clone()) };
        let count = usize::try_from(self.lines as isize + extra).ok().filter(|&c| c > 0)?;
        self.text.exact_lines(BLOCK_W, self.indent, count)
    }
}

/// `items` as one line when it fits in `measure`, else broken into lines that
/// do: between words where that takes no more lines.
pub(super) fn wrap(items: &[Item], measure: f32) -> Vec<&[Item]> {
    wrap_spans(items, measure).into_iter().map(|(s, e)| &items[s..e]).collect()
}

/// The lines of [`wrap`] as item ranges.
fn wrap_spans(items: &[Item], measure: f32) -> Vec<(usize, usize)> {
    if set_width(items) <= measure + 0.01 {
        return vec![(0, items.len())];
    }
    let mut text = Breakable::of(items);
    let anywhere = text.lines(measure, 0.0);
    text.allowed = super::words::whole(&text.chars, &text.allowed);
    let between = text.lines(measure, 0.0);
    let fits = between.iter().all(|s| set_width(&items[s.start..s.end]) <= measure + 0.01);
    let spans = if fits && between.len() <= anywhere.len() { between } else { anywhere };
    spans.iter().map(|s| (s.start, s.end)).collect()
}

/// Set centred lines (title, subtitle, byline), broken into balanced lines when
/// too long for the measure; with the lines as item ranges (a space a line
/// was broken at is in none), for the word processor to break at.
pub(super) fn set_centred(items: &[Item]) -> (Vec<SetLine>, Vec<(usize, usize)>) {
    let natural: Vec<f32> = items.iter().map(|i| i.advance).collect();
    let total: f32 = natural.iter().sum();
    let chars: Vec<char> = items.iter().map(|i| i.ch).collect();
    let allowed = linebreak::break_after(&chars);
    // Balanced: the fewest lines that fit, each about total / n long.
    let n = (total / BLOCK_W).ceil().max(1.0) as usize;
    let mut spans = Vec::new();
    let width =
        |spans: &[(usize, usize)]| spans.iter().map(|&(s, e)| natural[s..e].iter().sum::<f32>()).fold(0.0, f32::max);
    if n <= 1 {
        spans.push((0, items.len()));
    } else if let Some(at) = break_at_phrases(&chars, &natural, n, false) {
        // A title written in phrases (`关注民生　深化改革　奋力开创……`) breaks
        // between them, the space dropped. Where that leaves a line nearly as
        // long as the measure (a byline `区委常委、区政府常务副区长，…组长　欧阳明辉`
        // broken before the name alone), after a mark of its text too
        // (`…副区长，／区卫生健康工作领导小组组长　欧阳明辉`) if that is more even.
        spans = at;
        if width(&spans) > NEAR_FULL * BLOCK_W
            && let Some(at) = break_at_phrases(&chars, &natural, n, true)
            && width(&at) < width(&spans) - 0.01
        {
            spans = at;
        }
    } else {
        let target = total / n as f32;
        let balanced = |allowed: &[bool]| {
            let mut spans = Vec::new();
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
            spans
        };
        // Between words where the lines still fit.
        spans = balanced(&super::words::whole(&chars, &allowed));
        if spans.iter().any(|&(s, e)| natural[s..e].iter().sum::<f32>() > BLOCK_W + 0.01) {
            spans = balanced(&allowed);
        }
    }
    // Centred at natural widths (title type is not on the body's grid); a
    // piece with no break wider than the block is broken where it must be.
    let at_natural: Vec<Item> = items.iter().map(|i| Item { width: i.advance, ..i.clone() }).collect();
    let ranges: Vec<(usize, usize)> = (spans.into_iter())
        .filter(|(s, e)| e > s)
        .flat_map(|(s, e)| wrap_spans(&at_natural[s..e], BLOCK_W).into_iter().map(move |(a, b)| (s + a, s + b)))
        .collect();
    let lines = (ranges.iter())
        .map(|&(s, e)| {
            let part = &at_natural[s..e];
            SetLine::text(place(part, grid::left() + (BLOCK_W - set_width(part)) / 2.0, 0.0))
        })
        .collect();
    (lines, ranges)
}

/// A centred line's longest line, as a share of the measure, above which its
/// breaks at spaces alone are weighed against breaks after its marks too.
const NEAR_FULL: f32 = 0.85;

/// Where to break a line of centred type at its phrases into `n` lines or one
/// more, every line fitting the measure: at its spaces (each dropped) and, with
/// `marks`, after its `，、；：` too; the lines as (start, end), the most even
/// (the longest as short as can be), preferring the shorter lines above (a
/// trapezoid). `None` when no choice fits, or when there are too many choices
/// to try (a paragraph's worth of words set as a title: the search is
/// exhaustive, C(places, lines − 1) choices).
fn break_at_phrases(chars: &[char], natural: &[f32], n: usize, marks: bool) -> Option<Vec<(usize, usize)>> {
    // Each place: the line before it ends at .0, the next starts at .1.
    let places: Vec<(usize, usize)> = (1..chars.len().saturating_sub(1))
        .filter_map(|i| match chars[i] {
            '\u{3000}' | ' ' => Some((i, i + 1)),
            '，' | '、' | '；' | '：' if marks => Some((i + 1, i + 1)),
            _ => None,
        })
        .collect();
    if choices(places.len(), n) > MAX_TITLE_CHOICES {
        return None;
    }
    let width = |s: usize, e: usize| natural[s..e].iter().sum::<f32>();
    for lines in n..=n + 1 {
        // The longest line, how much the lines fall, and the lines.
        type Choice = (f32, f32, Vec<(usize, usize)>);
        let mut best: Option<Choice> = None;
        // Every choice of lines - 1 places, in order.
        let mut pick: Vec<usize> = (0..lines - 1).collect();
        if pick.len() > places.len() {
            continue;
        }
        loop {
            let bounds: Vec<(usize, usize)> = std::iter::once(0)
                .chain(pick.iter().map(|&k| places[k].1))
                .zip(pick.iter().map(|&k| places[k].0).chain(std::iter::once(chars.len())))
                .collect();
            let ws: Vec<f32> = bounds.iter().map(|&(s, e)| width(s, e)).collect();
            let longest = ws.iter().copied().fold(0.0, f32::max);
            // Lines growing downwards score better on ties.
            let falling: f32 = ws.windows(2).map(|w| (w[0] - w[1]).max(0.0)).sum();
            if longest <= BLOCK_W + 0.01 && best.as_ref().is_none_or(|(l, f, _)| (longest, falling) < (*l, *f)) {
                best = Some((longest, falling, bounds));
            }
            // Next combination.
            let k = pick.len();
            let Some(i) = (0..k).rev().find(|&i| pick[i] < places.len() - k + i) else { break };
            pick[i] += 1;
            for j in i + 1..k {
                pick[j] = pick[j - 1] + 1;
            }
        }
        if let Some((_, _, bounds)) = best {
            return Some(bounds);
        }
    }
    None
}

/// Most choices of places [`break_at_phrases`] tries (a real title has a few
/// dozen).
pub(super) const MAX_TITLE_CHOICES: u64 = 20_000;

/// C(n, k), saturating.
pub(super) fn choices(n: usize, k: usize) -> u64 {
    let k = k.min(n.saturating_sub(k)) as u64;
    (0..k).try_fold(1u64, |c, i| c.checked_mul(n as u64 - i).map(|c| c / (i + 1))).unwrap_or(u64::MAX)
}

/// The width of `items` set on one line, adjacent marks compressed.
pub(super) fn set_width(items: &[Item]) -> f32 {
    let chars: Vec<char> = items.iter().map(|i| i.ch).collect();
    let widths: Vec<f32> = items.iter().map(|i| i.width).collect();
    linebreak::set_width(&chars, &widths)
}

/// Set a line flush left without indent (salutation, attachment label).
pub(super) fn set_flush_left(items: &[Item]) -> Vec<SetLine> {
    set_paragraph(items, 0.0, grid::left(), BLOCK_W)
}

#[cfg(test)]
mod tests {
    use super::{Item, wrap};

    fn items(s: &str) -> Vec<Item> {
        s.chars()
            .map(|ch| Item { ch, face: 0, gid: 0, size: 16.0, fake_bold: false, advance: 16.0, width: 16.0 })
            .collect()
    }

    fn lines(items: &[Item], measure: f32) -> Vec<String> {
        wrap(items, measure).iter().map(|l| l.iter().map(|i| i.ch).collect()).collect()
    }

    /// A chart label or a signature too long for its measure wraps between
    /// words where that takes no more lines, else where it must.
    #[test]
    fn wrapped_lines_break_between_words() {
        let label = items("常住人口家庭医生签约率");
        assert_eq!(lines(&label, 112.0), ["常住人口", "家庭医生签约率"]);
        assert_eq!(lines(&label, 48.0), ["常住人", "口家庭", "医生签", "约率"]);
    }
}
