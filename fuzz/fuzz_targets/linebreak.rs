//! Random mixes of Han, Latin, digits, units and punctuation (——, ……, 《》（）“”、。，%
//! …) → `break_after` and `break_lines` (and `break_lines_exact`), then the
//! justification the PDF layout applies to each line. Checked here:
//!
//! * the lines cover the text in order: no character lost, duplicated or reordered;
//! * no line ends before a mark that may not start a line, or after one that may not
//!   end it, while an allowed break that fits exists for that line;
//! * no line is wider than the measure (after squeezing), unless one character is;
//! * every line but the paragraph's last ends exactly at the measure (±0.01 pt)
//!   once justified, unless it holds a single visible character (white space a
//!   line ends with is discarded).
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use nianbao::layout::linebreak::{
    LineSpan, NO_LINE_END, NO_LINE_START, break_after, break_lines, break_lines_exact, justifiable, justification,
    positions, visible_len,
};

/// Pieces of text, in the proportions body text has them.
const TOKENS: &[&str] = &[
    "卫", "生", "健", "康", "工", "作", "全", "县", "医", "疗", "服", "务", "基", "层", "年", "月", "日", "万", "元",
    "个", "人", "项", "率", "勠", "㎡", "——", "……", "《", "》", "（", "）", "“", "”", "‘", "’", "、", "。", "，", "；",
    "：", "！", "？", "%", "‰", "℃", "·", "—", "…", "「", "」", "【", "】", "〔", "〕", "0", "1", "2", "3", "5", "8",
    "9", ".", "2018", "66.2", "338.3", "a", "b", "x", "W", "M", "i", "l", "CT", "DR", "HIV", "PPP", "e", "-", "/", " ",
    "　", "(", ")", ",", ";", ":", "?", "!", "[", "]", "<", ">", "{", "}", "'", "\"", "~", "＋", "～", "\u{3000}",
];

#[derive(Debug, Arbitrary)]
struct Input {
    text: Vec<u8>,
    /// Measure in characters (2..=41) plus a fraction of one.
    measure: u8,
    fraction: u8,
    indent: bool,
    /// Also ask for this many lines more (or fewer) than the natural setting.
    exact: i8,
}

/// Body type on the grid: a character pitch of 15.79 pt.
const UNIT: f32 = 15.794;

fn width(c: char) -> f32 {
    match c {
        ' ' => 0.25 * UNIT,
        'W' | 'M' | '%' => 0.8 * UNIT,
        'i' | 'l' | '.' | ',' | ':' | ';' | '!' | '\'' => 0.25 * UNIT,
        c if c.is_ascii() => 0.5 * UNIT,
        _ => UNIT,
    }
}

fuzz_target!(|input: Input| {
    let text: String = input.text.iter().map(|&b| TOKENS[b as usize % TOKENS.len()]).collect();
    let chars: Vec<char> = text.chars().collect();
    if chars.is_empty() {
        return;
    }
    let widths: Vec<f32> = chars.iter().map(|&c| width(c)).collect();
    let measure = (2 + input.measure % 40) as f32 * UNIT + input.fraction as f32 / 255.0 * UNIT;
    let indent = if input.indent && measure > 3.0 * UNIT { 2.0 * UNIT } else { 0.0 };
    let allowed = break_after(&chars);
    assert_eq!(allowed.len(), chars.len());
    assert!(allowed[chars.len() - 1]);

    let lines = break_lines(&chars, &widths, &allowed, measure, indent);
    check(&chars, &widths, &allowed, measure, indent, &lines, false);

    let count = lines.len() as isize + (input.exact % 3) as isize;
    if count > 0
        && let Some(exact) = break_lines_exact(&chars, &widths, &allowed, measure, indent, count as usize)
    {
        assert_eq!(exact.len(), count as usize);
        check(&chars, &widths, &allowed, measure, indent, &exact, true);
    }
});

fn check(chars: &[char], widths: &[f32], allowed: &[bool], measure: f32, indent: f32, lines: &[LineSpan], exact: bool) {
    let n = chars.len();
    // Every character once, in order.
    let mut at = 0;
    for (k, l) in lines.iter().enumerate() {
        assert_eq!(l.start, at, "line {k} starts at {} after a line ending at {at}: {lines:?}", l.start);
        assert!(l.end > l.start, "empty line {k}: {lines:?}");
        assert_eq!(l.first, k == 0);
        assert_eq!(l.last, k + 1 == lines.len());
        at = l.end;
    }
    assert_eq!(at, n, "lines end at {at} of {n}");
    let joined: String = lines.iter().flat_map(|l| chars[l.start..l.end].iter()).collect();
    assert_eq!(joined, chars.iter().collect::<String>());

    for (k, l) in lines.iter().enumerate() {
        let avail = if l.first { measure - indent } else { measure };
        let line = &chars[l.start..l.end];
        let shown: String = line.iter().collect();
        // Prohibited marks at the break, while another break would fit.
        if !l.last {
            let (before, after) = (chars[l.end - 1], chars[l.end]);
            let bad = NO_LINE_START.contains(after) || NO_LINE_END.contains(before);
            if bad {
                assert!(!exact, "exact setting broke at a prohibited mark: line {k} «{shown}» before «{after}»");
                let mut w = 0.0;
                for p in l.start..n {
                    w += widths[p];
                    if w > avail + 0.01 {
                        break;
                    }
                    assert!(
                        !allowed[p] || p + 1 == l.end,
                        "line {k} «{shown}» ends before «{after}» though it could end after item {p} ({:?})",
                        chars[p]
                    );
                }
            }
            if exact {
                assert!(allowed[l.end - 1], "exact setting broke where no break is allowed: line {k} «{shown}»");
            }
        }
        // Justified as the layout does it.
        // The white space a line ends with is discarded: not set, not justified against.
        let visible = visible_len(line);
        let gap = justification(line, l);
        let xs = positions(0.0, line, &widths[l.start..l.end], gap);
        assert_eq!(xs.len(), visible, "positions for the visible characters of line {k} «{shown}»");
        assert!(xs.windows(2).all(|p| p[0] <= p[1]), "positions go backwards on line {k} «{shown}»: {xs:?}");
        let end = xs.last().map_or(0.0, |x| x + widths[l.start + visible - 1]);
        let single_too_wide = visible == 1 && widths[l.start] > avail;
        assert!(
            end <= avail + 0.01 || single_too_wide,
            "line {k} «{shown}» is {end} wide in a measure of {avail} (surplus {})",
            l.surplus
        );
        // A full line is justified to the measure, unless it has no place to
        // take space: a run of figures or Latin letters keeps its own width.
        let stretches = line[..visible].windows(2).any(|p| justifiable(p[0], p[1]));
        if !l.last && visible > 1 && stretches {
            assert!((end - avail).abs() <= 0.01, "line {k} «{shown}» ends at {end}, not at the measure {avail}: {l:?}");
        }
    }
}
