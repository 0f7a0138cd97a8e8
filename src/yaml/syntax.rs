//! YAML syntax errors explained to the office writer: the slips a Chinese
//! input method makes (a full-width colon after a key, full-width spaces or tabs
//! as indentation, no space after a colon) found on the line where they are
//! typed, with the fix; and every other parser message in Chinese.
//!
//! A parser reports a slip where it stumbles over it, often a line later and in
//! terms of what it expected (`simple key expect ':'`). So when parsing fails,
//! the lines are scanned for slips first; only when none is found is the
//! parser's own message translated.

use crate::diag::{Diagnostic, Location};

/// One problem found in the text: where (1-based line, 0-based character
/// column, width in characters) and what.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub id: &'static str,
    pub line: usize,
    pub column: usize,
    pub width: usize,
    pub message: String,
    pub help: Option<String>,
}

impl Finding {
    /// The finding as a diagnostic located in `file`, whose text is `text`.
    pub fn diagnostic(self, file: &str, text: &str) -> Diagnostic {
        let d = Diagnostic::error(self.id, self.message).at(Some(Location {
            file: file.to_string(),
            line: self.line,
            column: self.column + 1,
            source_line: text.lines().nth(self.line.saturating_sub(1)).map(str::to_string),
            width: self.width.max(1),
            cell: None,
        }));
        match self.help {
            Some(h) => d.with_help(h),
            None => d,
        }
    }
}

const FULLWIDTH_COLON_HELP: &str = "键后面的冒号是中文冒号“：”，应为英文冒号加空格“: ”";

/// A key as this project writes keys: ASCII letters, digits, `_` and `-`,
/// starting with a letter or `_`. Returns its length in bytes.
fn key_len(s: &str) -> usize {
    let b = s.as_bytes();
    if !b.first().is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_') {
        return 0;
    }
    b.iter().take_while(|c| c.is_ascii_alphanumeric() || **c == b'_' || **c == b'-').count()
}

/// The typing slips on every line of `text`: a full-width colon (or a colon
/// without a space) after a key, full-width spaces or tabs before a key or a
/// list item, a full-width space after a list item's `-`. Block scalars are not
/// told apart, so this runs only once the parser has failed.
pub fn slips(text: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        let chars: Vec<char> = line.chars().collect();
        // Indentation: half-width spaces, tabs and full-width spaces.
        let indent = chars.iter().take_while(|c| matches!(c, ' ' | '\t' | '\u{3000}')).count();
        let mut at = indent;
        // List item markers: `- `, or `-` followed by a full-width space.
        let mut dash_slip = None;
        while chars.get(at) == Some(&'-') && matches!(chars.get(at + 1), Some(' ' | '\u{3000}')) {
            if chars[at + 1] == '\u{3000}' && dash_slip.is_none() {
                dash_slip = Some(at + 1);
            }
            at += 2;
            while chars.get(at) == Some(&' ') {
                at += 1;
            }
        }
        let rest: String = chars[at..].iter().collect();
        let klen = key_len(&rest);
        let after_key: Vec<char> = rest[klen..].chars().collect();
        let spaces = after_key.iter().take_while(|c| **c == ' ').count();
        let structural = at > indent || (klen > 0 && matches!(after_key.get(spaces), Some(':' | '：')));
        if structural && let Some(col) = chars[..indent].iter().position(|c| *c == '\u{3000}') {
            out.push(Finding {
                id: "yaml.fullwidth-indent",
                line: line_no,
                column: col,
                width: chars[col..indent].iter().filter(|c| **c == '\u{3000}').count(),
                message: "行首用了全角空格“　”缩进；YAML 只能用半角空格缩进".to_string(),
                help: Some("把行首的全角空格换成半角空格（一个全角空格换成两个半角空格）".to_string()),
            });
        } else if structural && let Some(col) = chars[..indent].iter().position(|c| *c == '\t') {
            out.push(Finding {
                id: "yaml.tab",
                line: line_no,
                column: col,
                width: 1,
                message: "行首用了制表符（Tab）缩进；YAML 只能用空格缩进".to_string(),
                help: Some("把 Tab 换成空格；可以在编辑器里打开“用空格代替 Tab”".to_string()),
            });
        }
        if let Some(col) = dash_slip {
            out.push(Finding {
                id: "yaml.fullwidth-indent",
                line: line_no,
                column: col,
                width: 1,
                message: "列表项的“-”后面是全角空格“　”；应为半角空格".to_string(),
                help: Some("把“-”后面的全角空格换成半角空格".to_string()),
            });
        }
        if klen > 0 {
            let key = &rest[..klen];
            let key_col = at;
            match after_key.get(spaces) {
                Some('：') => out.push(Finding {
                    id: "yaml.fullwidth-colon",
                    line: line_no,
                    column: key_col + key.chars().count() + spaces,
                    width: 1,
                    message: format!("键 `{key}` 后面的冒号是中文冒号“：”；应为英文冒号加空格“: ”"),
                    help: Some(format!("改成 `{key}: `（英文冒号，后面一个空格）")),
                }),
                // `date:2018-04-11` (but not `http://`).
                Some(':')
                    if spaces == 0
                        && after_key.get(1).is_some_and(|c| !c.is_whitespace() && *c != ':')
                        && !after_key[1..].starts_with(&['/', '/']) =>
                {
                    out.push(Finding {
                        id: "yaml.colon-space",
                        line: line_no,
                        column: key_col + key.chars().count(),
                        width: 1,
                        message: format!("键 `{key}` 后面的英文冒号“:”后面缺少空格"),
                        help: Some(format!("改成 `{key}: `（冒号后面加一个空格）")),
                    });
                }
                _ => {}
            }
        }
    }
    out
}

/// The line at or before the parser's `line` (1-based) written `key value`
/// with no colon at all (`sector 卫生计生`): the parser only notices at the next
/// key. Looks back over blank and comment lines to the nearest line of text.
fn colon_left_out(text: &str, line: usize) -> Option<Finding> {
    let lines: Vec<&str> = text.lines().collect();
    let before = lines.get(..line.min(lines.len()))?;
    // The parser stops at the line after (`meeting:`) or, at the end of the
    // file, on the line itself.
    let candidates = before.iter().enumerate().rev().filter(|(_, l)| {
        let t = l.trim_start();
        !t.is_empty() && !t.starts_with('#')
    });
    for (i, l) in candidates.take(2) {
        let indent = l.len() - l.trim_start_matches(' ').len();
        let rest = l[indent..].strip_prefix("- ").unwrap_or(&l[indent..]);
        let klen = key_len(rest);
        let after = &rest[klen..];
        if klen > 0 && after.starts_with(' ') && !after.trim_start().is_empty() && !rest.contains([':', '：']) {
            let key = &rest[..klen];
            let value = after.trim();
            let column = l[..l.len() - rest.len()].chars().count() + key.chars().count();
            return Some(Finding {
                id: "yaml.no-colon",
                line: i + 1,
                column,
                width: 1,
                message: format!("键 `{key}` 后面缺少英文冒号"),
                help: Some(format!("改成 `{key}: {value}`（英文冒号，后面一个空格）")),
            });
        }
    }
    None
}

/// A slip inside a mapping key that parsed (a flow mapping `{ id：a }`, a
/// line indented with full-width spaces): the finding at the key's `line` and
/// 0-based `column`, if `key` holds one.
pub fn key_slip(key: &str, line: usize, column: usize) -> Option<Finding> {
    let lead = key.chars().take_while(|c| matches!(c, '\u{3000}' | '\t')).count();
    if lead > 0 {
        return slips(&format!("{key}:")).into_iter().next().map(|f| Finding { line, column: column + f.column, ..f });
    }
    let klen = key_len(key);
    let tail: Vec<char> = key[klen..].chars().collect();
    let spaces = tail.iter().take_while(|c| **c == ' ').count();
    (klen > 0 && tail.get(spaces) == Some(&'：')).then(|| {
        let name = &key[..klen];
        Finding {
            id: "yaml.fullwidth-colon",
            line,
            column: column + klen + spaces,
            width: 1,
            message: format!("键 `{name}` 后面的冒号是中文冒号“：”；应为英文冒号加空格“: ”"),
            help: Some(FULLWIDTH_COLON_HELP.to_string()),
        }
    })
}

/// The parser's error at 1-based `line` and 0-based `column` of `text`, in
/// Chinese: an id, a message, a hint, and where it really is (a tab or a
/// control character is pointed at, not the start of the scalar holding it).
pub fn explain(raw: &str, text: &str, line: usize, column: usize) -> Finding {
    let detail = raw.split(" at line ").next().unwrap_or(raw).trim();
    let found = |id, message: &str, help: Option<&str>| Finding {
        id,
        line,
        column,
        width: 1,
        message: message.to_string(),
        help: help.map(str::to_string),
    };
    if detail.contains("unprintable character") || detail.contains("byte order mark") {
        // The character itself, on the line or after it.
        let (l, c, ch) =
            find_char(text, line, column, |c| c.is_control() || c == '\u{FEFF}').unwrap_or((line, column, '\u{0}'));
        let what =
            if ch == '\u{FEFF}' { "字节顺序标记（BOM）".to_string() } else { "控制字符".to_string() };
        return Finding {
            line: l,
            column: c,
            ..found(
                "yaml.control-char",
                &format!("文件里有不可见的{what} U+{:04X}，YAML 不允许出现", ch as u32),
                Some(
                    "删除这个字符（常见于从网页或其他软件复制来的文字）；在编辑器里它可能看不见，可以删掉这一处前后的字重新输入",
                ),
            )
        };
    }
    if detail.contains("tab") {
        let (l, c, _) = find_char(text, line, column, |c| c == '\t').unwrap_or((line, column, '\t'));
        return Finding {
            line: l,
            column: c,
            ..found(
                "yaml.tab",
                "这里用了制表符（Tab）；YAML 只能用空格缩进，文字里的 Tab 也要加引号",
                Some("把 Tab 换成空格"),
            )
        };
    }
    if detail.contains("quoted scalar, found unexpected end of stream")
        || detail.contains("quoted scalar, found unexpected document indicator")
    {
        return found(
            "yaml.unclosed-quote",
            "引号没有配对：从这里的引号开始，直到文件末尾都没有结束的引号",
            Some("在这段文字末尾补上同样的引号，或者去掉开头的引号；文字里要用引号时请用中文引号“”"),
        );
    }
    if (detail.contains("simple key expect ':'") || detail.contains("could not find expected ':'"))
        && let Some(f) = colon_left_out(text, line)
    {
        return f;
    }
    const KNOWN: &[(&str, &str, &str)] = &[
        (
            "mapping values are not allowed",
            "这里不能出现“键: 值”：可能是缩进不对，也可能是文字里有英文冒号加空格",
            "检查这一行和上一行的缩进；文字里有“: ”时，给整段文字加引号",
        ),
        (
            "simple key expect ':'",
            "缺少英文冒号：上一个“键: 值”没有写完，或者缩进不一致",
            "每个键后面要有英文冒号加空格“: ”",
        ),
        ("did not find expected key", "缩进不一致，或者上一行没有写完", "同一层的键要对齐"),
        ("could not find expected ':'", "缺少英文冒号“:”", "每个键后面要有英文冒号加空格“: ”"),
        ("did not find expected '-' indicator", "列表项的缩进不一致", "同一个列表的“- ”要对齐"),
        (
            "invalid trailing content after double-quoted scalar",
            "引号后面还有文字",
            "以引号开头的文字必须以同一种引号结束；文字里要用引号时请用中文引号“”，或给整段文字加单引号",
        ),
        (
            "expected ',' or '}'",
            "花括号 { } 里的各项要用英文逗号“,”分隔，并以“}”结束",
            "检查是否用了中文逗号，或漏了“}”",
        ),
        (
            "expected ',' or ']'",
            "方括号 [ ] 里的各项要用英文逗号“,”分隔，并以“]”结束",
            "检查是否用了中文逗号，或漏了“]”",
        ),
        (
            "unknown escape character",
            "双引号里的反斜杠“\\”后面是不认识的转义字符",
            "要写反斜杠本身请写成“\\\\”，或把双引号改成单引号",
        ),
        ("found undefined alias", "引用（*名字）指向一个不存在的锚点（&名字）", "先用 &名字 定义锚点，再用 *名字 引用"),
        ("unknown anchor", "引用（*名字）指向一个不存在的锚点（&名字）", "先用 &名字 定义锚点，再用 *名字 引用"),
        ("duplicated anchor", "同一个锚点（&名字）定义了两次", "给其中一个换个名字"),
        ("duplicate entry", "同一个映射里出现了重复的键", "删掉其中一个"),
        ("repetition limit exceeded", "别名展开后的内容过多，这可能是恶意构造的“别名炸弹”", "减少别名（*名字）的使用"),
        ("did not find expected node content", "这里缺少内容", "检查是否多了一个符号，或者漏写了值"),
        ("block sequence entries are not allowed", "列表项“- ”不能写在这里", "检查缩进：列表要另起一行，写在键的下面"),
        (
            "wrongly indented line in block scalar",
            "多行文字（| 或 >）里有一行缩进不够",
            "多行文字的每一行都要比键多缩进",
        ),
        ("comment intercepting the multiline text", "多行文字中间不能插入注释（#）", "删掉注释，或给文字加引号"),
        ("invalid indentation", "缩进不对", "同一层的内容要对齐，下一层多缩进两个空格"),
        ("illegal placement of ':'", "英文冒号“:”的位置不对", "文字里有英文冒号时，给整段文字加引号"),
        ("mapping keys are not allowed", "这里不能出现键", "检查缩进"),
        ("while scanning an anchor or alias", "“&”或“*”后面应是名字", "文字以 & 或 * 开头时，请给整段文字加引号"),
        ("while scanning a tag", "以“!”开头的内容需要加引号", "给整段文字加引号"),
        ("while parsing a tag", "以“!”开头的内容需要加引号", "给整段文字加引号"),
        ("plain scalar cannot start with '-'", "文字不能以“-”加括号或逗号开头", "给整段文字加引号"),
        ("unexpected character", "这里出现了不该出现的字符", "给整段文字加引号"),
        ("expected whitespace", "这里缺少空格", "“- ”“: ”后面都要有一个空格"),
        ("document", "文件里有多余的“---”或“...”，或者它们后面还有内容", "一个数据文件只写一份数据"),
        ("unexpected end of plain scalar", "文件意外结束", "检查最后几行是否写完"),
        ("unexpected eof", "文件意外结束", "检查最后几行是否写完"),
        ("recursion limit exceeded", "嵌套层数过深", "报告数据不需要这么深的结构"),
        ("found character that cannot start any token", "出现了不能开头的字符（如 @ 或 `）", "给整段文字加引号"),
        ("found unexpected end of stream", "文件意外结束：引号或括号没有配对", "补上缺少的引号或括号"),
    ];
    match KNOWN.iter().find(|(en, ..)| detail.contains(en)) {
        Some((_, zh, help)) => found("yaml.syntax", &format!("YAML 格式错误：{zh}"), Some(help)),
        None => found("yaml.syntax", &format!("YAML 格式错误（解析器的原话：{detail}）"), None),
    }
}

/// The first character matching `want` at or after (`line`, `column`), within
/// three lines: its line, column and the character.
fn find_char(text: &str, line: usize, column: usize, want: impl Fn(char) -> bool) -> Option<(usize, usize, char)> {
    for (i, l) in text.split('\n').enumerate().skip(line.saturating_sub(1)).take(3) {
        let skip = if i + 1 == line { column } else { 0 };
        if let Some((c, ch)) = l.chars().enumerate().skip(skip).find(|(_, c)| want(*c)) {
            return Some((i + 1, c, ch));
        }
    }
    // A character before the column on the error line (the scalar it ends).
    let l = text.split('\n').nth(line.saturating_sub(1))?;
    l.chars().enumerate().find(|(_, c)| want(*c)).map(|(c, ch)| (line, c, ch))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(text: &str) -> Vec<(&'static str, usize, usize)> {
        slips(text).into_iter().map(|f| (f.id, f.line, f.column + 1)).collect()
    }

    #[test]
    fn slips_on_their_own_line_and_column() {
        assert_eq!(ids("meeting:\n  date：2018-04-11\n"), [("yaml.fullwidth-colon", 2, 7)]);
        assert_eq!(ids("- title ：x\n"), [("yaml.fullwidth-colon", 1, 9)]);
        assert_eq!(ids("unit:\n　　level: 县\n"), [("yaml.fullwidth-indent", 2, 1)]);
        assert_eq!(ids("unit:\n \tlevel: 县\n"), [("yaml.tab", 2, 2)]);
        assert_eq!(ids("points:\n  -　完成\n"), [("yaml.fullwidth-indent", 2, 4)]);
        assert_eq!(ids("date:2018-04-11\nurl: http://x\n"), [("yaml.colon-space", 1, 5)]);
        // Text is not a slip: a full-width colon after Chinese, indentation of prose.
        assert!(slips("opening: |\n  　　今天：开会\n  DRG付费：试点\n").is_empty());
    }

    #[test]
    fn keys_holding_a_slip() {
        let f = key_slip("id：a", 3, 4).unwrap();
        assert_eq!((f.id, f.line, f.column), ("yaml.fullwidth-colon", 3, 6));
        assert_eq!(key_slip("　　level", 2, 0).unwrap().id, "yaml.fullwidth-indent");
        assert!(key_slip("level", 2, 0).is_none());
    }
}
