//! What the writer typed, as it should be read: format characters pasted in
//! with web text (a zero-width space, a soft hyphen, a bidi mark) removed with
//! a warning, never printed and never a missing-glyph error; numbers kept as
//! written (`3200.50` in a table cell stays `3200.50`, a metric written `93.70`
//! prints with two decimals).

use std::collections::BTreeMap;

use yaml_serde::Value;

use crate::diag::Diagnostic;
use crate::yaml::{Removed, YamlFile};

/// Characters that show nothing and that no report should carry: format
/// characters (general category Cf: zero-width space and joiners, soft hyphen,
/// bidi marks and isolates, an inner byte order mark, invisible operators,
/// tags), variation selectors, and control characters other than tab and line
/// breaks.
pub fn is_invisible(c: char) -> bool {
    matches!(c as u32,
        0x00..=0x08 | 0x0B | 0x0C | 0x0E..=0x1F | 0x7F..=0x9F
        | 0xAD | 0x061C | 0x180E
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F
        | 0xFE00..=0xFE0F | 0xFEFF | 0xFFF9..=0xFFFB
        | 0xE0001 | 0xE0020..=0xE007F | 0xE0100..=0xE01EF)
}

/// The name of an invisible character, for the warning.
fn name(c: char) -> &'static str {
    match c {
        '\u{200B}' => "零宽空格",
        '\u{200C}' => "零宽不连字",
        '\u{200D}' => "零宽连字",
        '\u{200E}' | '\u{200F}' | '\u{061C}' => "文字方向标记",
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => "文字方向控制符",
        '\u{FEFF}' => "字节顺序标记（BOM）",
        '\u{00AD}' => "软连字符",
        '\u{2060}' => "不换行零宽字符",
        '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}' => "变体选择符",
        c if c.is_control() => "控制字符",
        _ => "格式字符",
    }
}

/// Prepare a file's values for reading: remove invisible characters from
/// every text (one warning per text, at the first such character, counting
/// those the YAML reader already took out of the file), and keep numbers in
/// table cells as written.
pub fn prepare(file: &mut YamlFile) {
    let mut value = std::mem::take(&mut file.value);
    let mut taken_out: BTreeMap<String, Vec<Removed>> = BTreeMap::new();
    for &(line, column, c) in &file.removed {
        let path = file.scalar_at(line, column).unwrap_or_default().to_string();
        taken_out.entry(path).or_default().push((line, column, c));
    }
    let mut warnings = Vec::new();
    walk(file, &mut value, String::new(), &mut taken_out, &mut warnings);
    // What was taken out of no text (a comment, a key).
    for (path, found) in taken_out {
        warnings.push(invisible(file, &path, &found.iter().map(|f| f.2).collect::<Vec<_>>(), Some(found[0])));
    }
    file.value = value;
    file.warnings.extend(warnings);
}

/// The warning for the invisible characters `found` in the text at `path`,
/// located at the first one taken out of the file, else at the first in the text.
fn invisible(file: &YamlFile, path: &str, found: &[char], first_taken: Option<Removed>) -> Diagnostic {
    let mut kinds: Vec<String> = Vec::new();
    for &c in found {
        let k = format!("U+{:04X} {}", c as u32, name(c));
        if !kinds.contains(&k) {
            kinds.push(k);
        }
    }
    let location = match first_taken {
        Some((line, column, _)) => Some(file.location(line, column, 1)),
        None => file.locate_text(path, &found[0].to_string(), 0),
    };
    Diagnostic::warning(
        "text.invisible",
        format!("这段文字里有 {} 个看不见的字符（{}），已删除，不会印出来", found.len(), kinds.join("、")),
    )
    .at(location)
    .with_path(path)
    .with_help("这类字符常随网页或聊天软件里复制的文字带进来；在编辑器里删掉它们，这条提示就会消失")
}

fn walk(
    file: &YamlFile,
    v: &mut Value,
    path: String,
    taken_out: &mut BTreeMap<String, Vec<Removed>>,
    warnings: &mut Vec<Diagnostic>,
) {
    match v {
        Value::Mapping(m) => {
            for (k, v) in m.iter_mut() {
                if let Some(k) = k.as_str() {
                    walk(file, v, crate::yaml::child_path(&path, k), taken_out, warnings);
                }
            }
        }
        Value::Sequence(items) => {
            for (i, v) in items.iter_mut().enumerate() {
                walk(file, v, format!("{path}[{i}]"), taken_out, warnings);
            }
        }
        Value::String(s) => {
            if let Some(joined) = unfold(s, || file.text_from(&path)) {
                *s = joined;
            }
            let taken = taken_out.remove(&path).unwrap_or_default();
            let in_text: Vec<char> = s.chars().filter(|&c| is_invisible(c)).collect();
            if taken.is_empty() && in_text.is_empty() {
                return;
            }
            // In the order written: those taken out first when they come first.
            let mut found: Vec<char> = taken.iter().map(|t| t.2).collect();
            found.extend(&in_text);
            let first_taken = taken.first().copied().filter(|_| {
                in_text.is_empty()
                    || file
                        .locate_text(&path, &in_text[0].to_string(), 0)
                        .is_none_or(|l| (l.line, l.column - 1) > (taken[0].0, taken[0].1))
            });
            if first_taken.is_none() {
                found.rotate_left(taken.len());
            }
            warnings.push(invisible(file, &path, &found, first_taken));
            s.retain(|c| !is_invisible(c));
        }
        Value::Number(n) if is_cell(&path) => {
            let written = file.written(&path).map(str::to_string).unwrap_or_else(|| n.to_string());
            *v = Value::String(written);
        }
        _ => {}
    }
}

/// `value`, a text YAML read from `source` (the file from where the text
/// starts), without the spaces YAML put where the text went on to a new line
/// between two Chinese characters or marks: a paragraph written over several
/// lines reads as Chinese does, without a space at each line's end (as CSS
/// Text removes a line break between East Asian characters). `None` when
/// there is none, or where the text cannot be followed in the source (an
/// escape in a quoted text): the value stays as read.
fn unfold<'a>(value: &str, source: impl FnOnce() -> Option<&'a str>) -> Option<String> {
    let chars: Vec<char> = value.chars().collect();
    let between = |i: usize| i > 0 && is_chinese(chars[i - 1]) && chars.get(i + 1).is_some_and(|&n| is_chinese(n));
    // Most texts have no such space: the file is not even looked up for them.
    if !(0..chars.len()).any(|i| chars[i] == ' ' && between(i)) {
        return None;
    }
    let mut src = source()?.chars().peekable();
    match src.peek()? {
        // A block scalar's text starts on the line after its indicator.
        '>' | '|' => {
            src.find(|&c| c == '\n')?;
        }
        '"' | '\'' => {
            src.next();
        }
        _ => {}
    }
    while src.next_if_eq(&' ').is_some() {}
    let mut folded = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            // A run of white space in the source, a line break in it or not.
            let (mut white, mut line_break) = (false, false);
            while let Some(w) = src.next_if(|&w| matches!(w, ' ' | '\t' | '\n' | '\r')) {
                white = true;
                line_break |= w == '\n';
            }
            if !white {
                return None;
            }
            if line_break && between(i) {
                folded.push(i);
            }
        } else if src.next_if_eq(&c).is_none() {
            return None;
        }
    }
    (!folded.is_empty())
        .then(|| chars.iter().enumerate().filter(|(i, _)| !folded.contains(i)).map(|(_, c)| c).collect())
}

/// A Chinese character or mark: an ideograph, CJK punctuation, a full-width
/// form, a Chinese quotation mark, dash or ellipsis (not the ideographic
/// space, which a writer types on purpose). A space between two is a slip or
/// a line break (see [`unfold`], and `check`'s `text.space`).
pub fn is_chinese(c: char) -> bool {
    matches!(c as u32, 0x3001..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF01..=0xFF60 | 0x20000..=0x3FFFF)
        || "“”‘’—…".contains(c)
}

/// Whether a YAML path is a table cell (`attachments[0].table.rows[2][1]`).
fn is_cell(path: &str) -> bool {
    path.starts_with("attachments[") && path.contains(".table.rows[") && path.ends_with(']')
}

/// Decimal places of a number as written (`93.70` → 2, `280` → 0); `None`
/// when it is not written as a plain decimal (`1e3`, quoted, absent).
fn places(written: Option<&str>) -> Option<u8> {
    let w = written?.trim();
    let digits = w.strip_prefix(['-', '+']).unwrap_or(w);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let plain = !int.is_empty() && int.bytes().all(|b| b.is_ascii_digit()) && frac.bytes().all(|b| b.is_ascii_digit());
    plain.then(|| frac.len().min(u8::MAX as usize) as u8)
}

/// How many decimals the number at YAML path `path` was written with in
/// `files`, so that it prints as written.
pub fn written_places(files: &[&YamlFile], path: &str) -> Option<u8> {
    places(files.iter().find_map(|f| f.written(path)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_break_between_chinese_is_no_space() {
        // A plain text over two lines, and a folded one: the space YAML put at
        // the line break goes between Chinese, stays beside a Latin word.
        assert_eq!(
            unfold("会议， 主要任务", || Some("会议，\n  主要任务\nnext: x\n")).as_deref(),
            Some("会议，主要任务")
        );
        assert_eq!(unfold("今天， 部署。\n", || Some(">\n  今天，\n  部署。\n")).as_deref(), Some("今天，部署。\n"));
        assert_eq!(unfold("推行 DRGs 改革", || Some("推行\n  DRGs\n  改革\n")).as_deref(), None);
        // A space typed on one line is the writer's (text.space says so).
        assert_eq!(unfold("互联网 医疗健康", || Some("互联网 医疗健康\n")), None);
        // A quoted text with an escape is left as read.
        assert_eq!(unfold("甲\t乙 丙", || Some("\"甲\\t乙\n  丙\"\n")), None);
    }

    #[test]
    fn invisible_characters() {
        for c in ['\u{200B}', '\u{200D}', '\u{200C}', '\u{FEFF}', '\u{AD}', '\u{200E}', '\u{202E}', '\u{2066}', '\u{0}']
        {
            assert!(is_invisible(c), "U+{:04X}", c as u32);
        }
        for c in ['\n', '\t', ' ', '\u{3000}', '中', '。', 'a', '😀'] {
            assert!(!is_invisible(c), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn places_as_written() {
        assert_eq!(places(Some("93.70")), Some(2));
        assert_eq!(places(Some("280")), Some(0));
        assert_eq!(places(Some("-0.5")), Some(1));
        assert_eq!(places(Some("1e3")), None);
        assert_eq!(places(Some("\"3.0\"")), None);
        assert_eq!(places(None), None);
    }
}
