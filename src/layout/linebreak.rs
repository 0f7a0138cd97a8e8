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
    // Byte offset -> char index.
    let mut char_at = std::collections::HashMap::new();
    for (ci, (bi, _)) in s.char_indices().enumerate() {
        char_at.insert(bi, ci);
    }
    for (bi, _) in unicode_linebreak::linebreaks(&s) {
        if bi == s.len() {
            continue;
        }
        if let Some(&ci) = char_at.get(&bi) {
            if ci > 0 {
                allowed[ci - 1] = true;
            }
        }
    }
    for i in 0..text.len().saturating_sub(1) {
        let (a, b) = (text[i], text[i + 1]);
        if NO_LINE_START.contains(b) || NO_LINE_END.contains(a) {
            allowed[i] = false;
        }
        // A number stays with its unit or sign (`338.3万元`, `60㎡`, `2018年`) and
        // with a Latin word it is part of.
        if (a.is_ascii_digit() || a == '.') && (is_unit(b) || b.is_ascii_alphanumeric() || b == '.') {
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
fn is_unit(c: char) -> bool {
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
    SQUEEZABLE.contains(c)
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

/// Break items of `widths` into lines of `measure` points, the first line indented
/// by `indent`. `chars[i]` is item i's character (for squeezing), `allowed[i]`
/// whether a line may end after item i.
pub fn break_lines(chars: &[char], widths: &[f32], allowed: &[bool], measure: f32, indent: f32) -> Vec<LineSpan> {
    const EPS: f32 = 0.01;
    let n = widths.len();
    let mut lines = Vec::new();
    let mut start = 0;
    while start < n {
        let avail = if start == 0 { measure - indent } else { measure };
        let mut width = 0.0;
        let mut j = start;
        while j < n && width + widths[j] <= avail + EPS {
            width += widths[j];
            j += 1;
        }
        if j == n {
            lines.push(LineSpan { start, end: n, surplus: avail - width, first: start == 0, last: true });
            break;
        }
        // Items start..j fit; item j does not.
        let natural_ok = j > start && allowed[j - 1];
        if natural_ok {
            lines.push(LineSpan { start, end: j, surplus: avail - width, first: start == 0, last: false });
            start = j;
            continue;
        }
        // Squeeze: take in the marks that may not start a line, paying with half an
        // em from each squeezable mark inside the line (not its last character).
        let mut k = j;
        let mut w = width;
        let mut squeezed = None;
        while k < n && k < j + 2 {
            w += widths[k];
            k += 1;
            if allowed[k - 1] {
                let capacity: f32 = (start..k - 1).filter(|&i| squeezable(chars[i])).map(|i| widths[i] * 0.5).sum();
                if w - avail <= capacity + EPS {
                    squeezed = Some((k, avail - w));
                }
                break;
            }
        }
        if let Some((end, surplus)) = squeezed {
            lines.push(LineSpan { start, end, surplus, first: start == 0, last: end == n });
            start = end;
            continue;
        }
        // Push: end the line at the last opportunity before j.
        let mut e = j;
        while e > start + 1 && !allowed[e - 1] {
            e -= 1;
        }
        if e == start + 1 && !allowed[start] {
            e = j.max(start + 1); // nothing to break at: break where it overflows
        }
        let used: f32 = widths[start..e].iter().sum();
        lines.push(LineSpan { start, end: e, surplus: avail - used, first: start == 0, last: false });
        start = e;
    }
    lines
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
        assert!(!a[at("元") - 1], "between number and unit");
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
}
